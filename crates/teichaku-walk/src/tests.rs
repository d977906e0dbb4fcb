//! Unit tests of the walk's pieces: the action mapping, the usage model, the derived bars.

use teichaku::Catalog;
use teichaku::model::{DeploymentPattern, Playbook, Role};

use crate::Effect;
use crate::invariants::{habit_bar, minimum_days};
use crate::model::World;
use crate::shape::{LAUNCH, Shape, organisation};

fn playbook(id: &str) -> Playbook {
    Catalog::builtin().iter().find(|p| p.id.as_str() == id).cloned().unwrap()
}

fn effect(pb: &Playbook, id: &str) -> Effect {
    Effect::of(pb.activities.iter().find(|a| a.id.as_str() == id).unwrap())
}

#[test]
fn activities_map_to_their_natural_effect() {
    let sme = playbook("sme-five-step");
    assert_eq!(effect(&sme, "appoint-promotion-lead"), Effect::Appoint(Role::PromotionLead));
    assert_eq!(effect(&sme, "name-unit-ai-contact"), Effect::Appoint(Role::Ambassador));
    assert_eq!(effect(&sme, "survey-non-user-reasons"), Effect::Survey);
    assert_eq!(effect(&sme, "draft-trial-rules"), Effect::RuleReview);
    assert_eq!(effect(&sme, "review-usage-rules"), Effect::RuleReview);
    assert_eq!(effect(&sme, "share-rule-violations"), Effect::Nothing);
    assert_eq!(effect(&sme, "daily-ai-task"), Effect::Practice);
    assert_eq!(effect(&sme, "collect-success-case"), Effect::SuccessCase);
    assert_eq!(effect(&sme, "training-40s-50s"), Effect::Training);
    assert_eq!(effect(&sme, "security-training"), Effect::Training);
    assert_eq!(effect(&sme, "write-task-manual"), Effect::Templates);
    assert_eq!(effect(&sme, "set-up-consultation-desk"), Effect::PlaceToAsk);
    assert_eq!(effect(&sme, "executive-visible-use"), Effect::ExecutiveUse);
    assert_eq!(effect(&sme, "choose-deployment-pattern"), Effect::Nothing);
    assert_eq!(effect(&sme, "three-month-review"), Effect::Nothing);
    let three = playbook("three-phase-cycle");
    assert_eq!(effect(&three, "practice-task"), Effect::Practice);
    assert_eq!(effect(&three, "proposal-channel"), Effect::ProposalChannel);
    assert_eq!(effect(&three, "proposal-review"), Effect::ProposalReview);
    assert_eq!(effect(&three, "executive-first-use"), Effect::ExecutiveUse);
    let five = playbook("five-step-self-driving");
    assert_eq!(effect(&five, "appoint-ambassadors"), Effect::Appoint(Role::Ambassador));
    assert_eq!(effect(&five, "post-training-practice"), Effect::Practice);
    assert_eq!(effect(&five, "build-template-library"), Effect::Templates);
}

#[test]
fn the_derived_bars_follow_the_playbooks() {
    assert_eq!(habit_bar(&playbook("sme-five-step")), 0.5);
    assert_eq!(habit_bar(&playbook("three-phase-cycle")), 0.4);
    // The three-month review opens 90 days after launch; the decision on it follows.
    assert_eq!(minimum_days(&playbook("sme-five-step")), (90, "executive-review-decision".to_owned()));
    // The 3-month check opens 90 days after each unit's training, itself after other work.
    assert!(minimum_days(&playbook("three-phase-cycle")).0 >= 90);
}

#[test]
fn shapes_hold_what_the_issue_asks() {
    for shape in Shape::ALL {
        let (org, cast) = organisation(shape, DeploymentPattern::Hybrid, true);
        assert_eq!(org.members.len(), shape.headcount() + org.units.len(), "one new hire per unit");
        assert_eq!(org.members.iter().filter(|m| m.joined > crate::shape::LAUNCH).count(), org.units.len());
        assert_eq!(org.units.len(), shape.unit_sizes().len());
        assert_eq!(org.waves.iter().map(|w| w.units.len()).sum::<usize>(), org.units.len());
        assert_eq!(cast.ambassadors_to_be.len(), org.units.len());
        assert!(org.members.iter().all(|m| !m.has_role(Role::Ambassador) && !m.has_role(Role::PromotionLead)));
        assert!(org.members.iter().any(|m| m.has_role(Role::Executive)));
        assert_eq!(org.units.len(), org.members.iter().filter(|m| m.has_role(Role::Manager)).count());
        for age in ["20s_30s", "40s_50s", "60_plus"] {
            for tier in ["beginner", "intermediate", "advanced"] {
                let found = org.members.iter().any(|m| {
                    serde_json_free(&format!("{:?}", m.age_band)) == age
                        && serde_json_free(&format!("{:?}", m.literacy)) == tier
                });
                assert!(found, "{shape:?} has someone {age} {tier}");
            }
        }
    }
}

/// `Some(Age20s30s)` → `20s_30s`, `Some(Beginner)` → `beginner`.
fn serde_json_free(debug: &str) -> String {
    let inner = debug.trim_start_matches("Some(").trim_end_matches(')');
    match inner {
        "Age20s30s" => "20s_30s".into(),
        "Age40s50s" => "40s_50s".into(),
        "Age60Plus" => "60_plus".into(),
        other => other.to_lowercase(),
    }
}

#[test]
fn trained_and_supported_members_climb_and_untouched_units_stay_flat() {
    let (org, cast) = organisation(Shape::FiveUnits, DeploymentPattern::Hybrid, false);
    let staff = cast.unit_members[0][4];
    let later = cast.unit_members[1][4];
    let enthusiast = cast.unit_members[3][4];
    let mut world = World::new(org, cast, &Shape::FiveUnits.waves(), Shape::FiveUnits.enthusiasts(), 1);
    let before = world.propensity_on(staff, LAUNCH);
    let untouched = world.propensity_on(later, LAUNCH);
    assert!(untouched <= 0.04, "a unit not reached stays at the baseline");
    assert_eq!(world.propensity_on(enthusiast, LAUNCH), crate::ENTHUSIAST_PROPENSITY, "enthusiasts start on their own");
    let sme = playbook("sme-five-step");
    let practice = sme.activities.iter().find(|a| a.id.as_str() == "daily-ai-task").unwrap();
    world.apply_effect_for_test(practice, 1);
    let after = world.propensity_on(staff, LAUNCH);
    assert!(after > before + 0.1, "practice in the pilot unit raises use: {before} → {after}");
    assert_eq!(world.propensity_on(later, LAUNCH), untouched, "practice in the pilot leaves wave 1 flat");
}
