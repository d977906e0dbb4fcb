//! Privacy by construction: no output, on any path, lets anyone learn a figure of a group below
//! the minimum group size. The metrics crate decides what is withheld once
//! (`teichaku_metrics::Disclosure`), before the score, the gates, the interventions or any report
//! sees a figure.

use proptest::prelude::*;
use serde_json::{Value, json};
use teichaku::metrics::{Disclosure, Figure, KpiReport, Scope};
use teichaku::model::{Kpi, Role, UnitId};

use crate::support::{load, small};

fn uuid(n: u128) -> String {
    format!("00000000-0000-0000-0000-{n:012x}")
}

fn scope_of<'a>(report: &'a KpiReport, scope: &Scope) -> &'a teichaku::metrics::ScopeKpis {
    report.scopes.iter().find(|s| &s.scope == scope).unwrap()
}

/// small.json with one more, per-unit intervention (approach anxious non-users), and Support reached.
fn with_anxious_intervention() -> Value {
    let mut doc = small();
    // Support's ambassador (108), so its wave may start and per-unit rules are checked there.
    crate::support::set(&mut doc, "/organisation/members/7/roles", json!(["ambassador", "staff"]));
    // Its non-user's answer (anxious) given on 2026-04-15, while Sales' weekly-active rate still
    // lets Support's wave start (on 2026-05-01 Sales is short of its first gate).
    crate::support::set(&mut doc, "/observations/surveys/0/date", json!("2026-04-15"));
    doc["playbook"]["inline"]["interventions"].as_array_mut().unwrap().push(json!({
        "id": "non-users-anxious",
        "title": { "en": "Approach anxious non-users", "ja": "不安を持つ未利用者に働きかける" },
        "scope": "per_unit",
        "owner": "ambassador",
        "severity": 0.5,
        "when": { "kind": "compare", "kpi": "non_user_share_anxious", "op": "gt", "value": 0 }
    }));
    doc
}

fn anxious_actions(doc: &Value) -> Vec<String> {
    let snapshot = load(doc).unwrap();
    let assessment = teichaku::assess(&snapshot, "2026-04-20".parse().unwrap()).unwrap();
    assessment
        .actions
        .actions
        .iter()
        .filter(|a| a.code == "intervention:non-users-anxious")
        .map(|a| serde_json::to_string(&a.scope).unwrap())
        .collect()
}

/// Support (three members on 2026-04-20) has one non-user, who answered "anxious": the KPI
/// report withholds Support's figures, so no intervention may tell the promotion lead that
/// Support's non-users are anxious.
#[test]
fn an_intervention_does_not_reveal_a_survey_answer_the_report_withholds() {
    let doc = with_anxious_intervention();
    assert_eq!(anxious_actions(&doc), Vec::<String>::new());
    // The same organisation with a minimum group of 1 shows Support's figures, and then the
    // intervention fires there: the rule, not a broken condition, kept it quiet.
    let mut shown = doc.clone();
    shown["playbook"]["inline"]["metrics"] = json!({ "min_group_size": 1 });
    let fired = anxious_actions(&shown);
    assert_eq!(fired.len(), 1, "{fired:?}");
    assert!(fired[0].contains(&uuid(3)), "{fired:?}");
}

/// small.json on 2026-04-20: the organisation's returning rate (1 of 1) and its single
/// executive's commitment are withheld. They used to earn 10 and 15 points beside `value: null`,
/// which gave the values away; now a withheld component earns nothing and is left out of the
/// score, which is taken over the shown components.
#[test]
fn a_withheld_score_component_shows_no_points_and_does_not_count() {
    let snapshot = load(&small()).unwrap();
    let report = teichaku::kpis(&snapshot, "2026-04-20".parse().unwrap(), &Default::default()).unwrap();
    let org = scope_of(&report, &Scope::Organisation);
    let Figure::Value(score) = &org.score else { panic!("the organisation is shown") };
    let withheld: Vec<_> = score.components.iter().filter(|c| c.withheld).map(|c| c.kpi).collect();
    assert_eq!(withheld, [Kpi::ReturningRate, Kpi::ExecutiveActiveShare]);
    for c in score.components.iter().filter(|c| c.withheld) {
        assert_eq!((c.value, c.achievement, c.points), (None, 0.0, 0.0), "{c:?}");
    }
    let shown = score.components.iter().filter(|c| !c.withheld);
    let (points, weights) = shown.fold((0.0, 0.0), |(p, w), c| (p + c.points, w + c.weight));
    assert!(
        (score.uncapped - 100.0 * points / weights).abs() < 1e-9,
        "{} vs {}",
        score.uncapped,
        100.0 * points / weights
    );
    // The absolute condition on the single executive's use is withheld too: it decides nothing.
    let executive = score.absolute_conditions.iter().find(|a| a.id.as_str() == "executive-commitment").unwrap();
    assert!(executive.withheld && !executive.holds, "{executive:?}");
}

/// The single executive's weekly-active rate used to be readable from Rust through the public
/// `ScopeKpis::values`; now a withheld scope keeps no figure of its own, only the typed
/// `Figure::Suppressed`.
#[test]
fn the_raw_figures_of_a_withheld_scope_are_not_reachable() {
    let snapshot = load(&small()).unwrap();
    let report = teichaku::kpis(&snapshot, "2026-04-20".parse().unwrap(), &Default::default()).unwrap();
    let executive = scope_of(&report, &Scope::Role(Role::Executive));
    assert_eq!(executive.headcount, 1);
    assert_eq!(executive.figures, Figure::Suppressed);
    for kpi in
        [Kpi::WeeklyActiveRate, Kpi::HabitRate, Kpi::RetentionScore, Kpi::TimeSavedHours, Kpi::ProposalsSubmitted]
    {
        assert_eq!(executive.kpi(kpi), Figure::Suppressed, "{kpi:?}");
        assert_eq!(executive.value(kpi), None, "{kpi:?}");
    }
    // What is left is the same in every scope and shown by the organisation.
    let left: Vec<Kpi> = executive.values().iter().map(|(k, _)| k).collect();
    assert_eq!(left, [Kpi::DaysSinceRuleReview, Kpi::DaysSinceLaunch]);
    // Executive commitment is judged over the organisation's executives, one here: withheld
    // even in the organisation's own shown scope.
    let org = scope_of(&report, &Scope::Organisation);
    assert_eq!(org.kpi(Kpi::ExecutiveActiveShare), Figure::Suppressed);
    assert_eq!(org.kpi(Kpi::DaysSinceExecutiveUse), Figure::Suppressed);
}

/// An organisation of one top unit, Head (no members of its own), over four child units.
/// `sizes` are the children's members; member roles are staff unless given.
fn tree_doc(sizes: &[usize], grandchildren: &[(usize, usize)]) -> Value {
    let mut doc = small();
    let mut units = vec![json!({ "id": uuid(1), "name": "Head" })];
    let mut members = Vec::new();
    let mut n = 0x100;
    for (i, &size) in sizes.iter().enumerate() {
        let id = 0x10 + i as u128;
        units.push(json!({ "id": uuid(id), "name": format!("Child {i}"), "parent": uuid(1) }));
        for _ in 0..size {
            n += 1;
            members.push(json!({ "id": uuid(n), "unit": uuid(id), "roles": ["staff"], "joined": "2020-04-01" }));
        }
    }
    for (k, &(parent, size)) in grandchildren.iter().enumerate() {
        let id = 0x40 + k as u128;
        units.push(json!({ "id": uuid(id), "name": format!("Grandchild {k}"), "parent": uuid(0x10 + parent as u128) }));
        for _ in 0..size {
            n += 1;
            members.push(json!({ "id": uuid(n), "unit": uuid(id), "roles": ["staff"], "joined": "2020-04-01" }));
        }
    }
    doc["organisation"]["units"] = json!(units);
    doc["organisation"]["members"] = json!(members);
    doc["organisation"]["waves"] = json!([]);
    for list in doc["observations"].as_object_mut().unwrap().values_mut() {
        *list = json!([]);
    }
    doc
}

fn shown_units(doc: &Value) -> Vec<(usize, u64, bool)> {
    let snapshot = load(doc).unwrap();
    let report = teichaku::kpis(&snapshot, "2026-04-20".parse().unwrap(), &Default::default()).unwrap();
    let rule = Disclosure::new(&snapshot, "2026-04-20".parse().unwrap(), 5);
    snapshot
        .organisation()
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let s = scope_of(&report, &Scope::Unit(u.id));
            let shown = matches!(s.figures, Figure::Value(_));
            assert_eq!(shown, rule.shows(&Scope::Unit(u.id)) && s.headcount > 0);
            (i, s.headcount, shown)
        })
        .collect()
}

/// The worked example of `docs/metrics.md`: Head (17) over A (8), B (6), C (3) and D (0).
/// C is under the minimum of 5. Head minus A and B would be C alone, so B, the smallest shown
/// child, is withheld too: Head minus A is then B and C together, 9 members.
#[test]
fn complementary_suppression_withholds_the_next_smallest_sibling() {
    let units = shown_units(&tree_doc(&[8, 6, 3, 0], &[]));
    assert_eq!(units, [(0, 17, true), (1, 8, true), (2, 6, false), (3, 3, false), (4, 0, false)]);
    // Without a small child, nothing more is withheld.
    let units = shown_units(&tree_doc(&[8, 6, 5, 0], &[]));
    assert_eq!(units, [(0, 19, true), (1, 8, true), (2, 6, true), (3, 5, true), (4, 0, false)]);
    // Two small children (3 and 2) together reach the minimum: nothing more is withheld.
    let units = shown_units(&tree_doc(&[8, 3, 2, 0], &[]));
    assert_eq!(units, [(0, 13, true), (1, 8, true), (2, 3, false), (3, 2, false), (4, 0, false)]);
}

/// A withheld unit withholds everything below it, and a unit's own members count as a hidden
/// child: Child 1 (6) holds a grandchild of 5 and one member of its own, which Child 1 minus the
/// grandchild would give away, so the grandchild is withheld.
#[test]
fn complementary_suppression_counts_a_units_own_members_and_reaches_down() {
    let units = shown_units(&tree_doc(&[8, 1, 3, 0], &[(1, 5)]));
    // Head 17: A 8, B 6 (1 own + grandchild 5), C 3, D 0, grandchild 5.
    // C is small; B is the smallest shown child and is withheld, so its grandchild is too.
    assert_eq!(units, [(0, 17, true), (1, 8, true), (2, 6, false), (3, 3, false), (4, 0, false), (5, 5, false)]);
    let units = shown_units(&tree_doc(&[8, 1, 5, 0], &[(1, 5)]));
    // Nothing small among Head's children; B (6) minus its grandchild (5) would be one member.
    assert_eq!(units, [(0, 19, true), (1, 8, true), (2, 6, true), (3, 5, true), (4, 0, false), (5, 5, false)]);
}

/// Role scopes against the organisation: members holding none of the shown roles must be none
/// or at least the minimum, or the organisation minus the shown roles gives them away.
#[test]
fn complementary_suppression_covers_roles_against_the_organisation() {
    let mut doc = tree_doc(&[8, 6, 0, 0], &[]);
    let members = doc["organisation"]["members"].as_array_mut().unwrap();
    members[0]["roles"] = json!(["executive"]);
    for m in &mut members[1..4] {
        m["roles"] = json!(["manager"]);
    }
    let snapshot = load(&doc).unwrap();
    let report = teichaku::kpis(&snapshot, "2026-04-20".parse().unwrap(), &Default::default()).unwrap();
    let shown = |r: Role| matches!(scope_of(&report, &Scope::Role(r)).figures, Figure::Value(_));
    // Executive 1 and manager 3 are small; staff (10) is the organisation (14) minus the four,
    // so it is withheld too.
    assert!(!shown(Role::Executive) && !shown(Role::Manager) && !shown(Role::Staff));
    assert!(matches!(scope_of(&report, &Scope::Organisation).figures, Figure::Value(_)));
    // With five managers, and the executive also staff, nobody is outside the shown roles.
    let members = doc["organisation"]["members"].as_array_mut().unwrap();
    members[0]["roles"] = json!(["executive", "staff"]);
    members[4]["roles"] = json!(["manager"]);
    members[5]["roles"] = json!(["manager"]);
    let snapshot = load(&doc).unwrap();
    let report = teichaku::kpis(&snapshot, "2026-04-20".parse().unwrap(), &Default::default()).unwrap();
    let shown = |r: Role| matches!(scope_of(&report, &Scope::Role(r)).figures, Figure::Value(_));
    assert!(shown(Role::Manager) && shown(Role::Staff) && !shown(Role::Executive));
}

/// For every shown parent in the demo and in small.json, the members outside its shown children
/// are none or at least the minimum, and the overview withholds exactly what the report does.
#[test]
fn no_withheld_unit_is_a_parent_minus_its_shown_children() {
    for (snapshot, as_of) in
        [(teichaku::demo::snapshot(), teichaku::demo::AS_OF), (load(&small()).unwrap(), "2026-04-20".parse().unwrap())]
    {
        let report = teichaku::kpis(&snapshot, as_of, &Default::default()).unwrap();
        let min = u64::from(report.settings.min_group_size);
        let overview = teichaku::overview(&snapshot, as_of);
        let units = &snapshot.organisation().units;
        let shown = |s: &Scope| matches!(scope_of(&report, s).figures, Figure::Value(_));
        let headcount = |s: &Scope| scope_of(&report, s).headcount;
        let mut parents: Vec<(Scope, Vec<UnitId>)> =
            vec![(Scope::Organisation, units.iter().filter(|u| u.parent.is_none()).map(|u| u.id).collect())];
        parents.extend(
            units
                .iter()
                .map(|p| (Scope::Unit(p.id), units.iter().filter(|u| u.parent == Some(p.id)).map(|u| u.id).collect())),
        );
        for (parent, children) in parents.into_iter().filter(|(p, _)| shown(p)) {
            let covered: u64 =
                children.iter().map(|&c| Scope::Unit(c)).filter(|c| shown(c)).map(|c| headcount(&c)).sum();
            let rest = headcount(&parent) - covered;
            assert!(rest == 0 || rest >= min, "{parent:?}: {rest} members outside its shown children");
        }
        for row in &overview.units {
            assert_eq!(row.weekly_active.active.is_some(), shown(&Scope::Unit(row.unit)), "{}", row.name);
        }
    }
}

/// Replaces every figure of `scope` in a KPI report's JSON with a marker.
fn mask_scope(kpis: &mut Value, scope: &Value) {
    for s in kpis["scopes"].as_array_mut().unwrap() {
        if &s["scope"] == scope {
            s["figures"] = json!("masked");
            s["score"] = json!("masked");
        }
    }
}

/// Everything the library outputs about `doc` on `as_of`, as JSON and text, with every figure
/// of the organisation scope (and what is derived from it) masked.
fn outputs_but_the_organisation(doc: &Value) -> Vec<String> {
    let snapshot = load(doc).unwrap();
    let as_of = "2026-04-20".parse().unwrap();
    let org = json!({ "kind": "organisation" });
    let mut kpis = serde_json::to_value(teichaku::kpis(&snapshot, as_of, &Default::default()).unwrap()).unwrap();
    mask_scope(&mut kpis, &org);
    // The event counts account for every event of the organisation: its figures too.
    kpis["events"] = json!("masked");
    let assessment = teichaku::assess(&snapshot, as_of).unwrap();
    let mut a = serde_json::to_value(&assessment).unwrap();
    mask_scope(&mut a["kpis"], &org);
    a["kpis"]["events"] = json!("masked");
    // The organisation's gates, phase and barrier are decided by its figures.
    for key in ["phases", "current_phase", "barrier"] {
        a["readiness"][key] = json!("masked");
    }
    // The review packs report the organisation's measures: its figures too.
    a["reviews"] = json!("masked");
    // So are the actions proposed for the organisation, and the ranking terms and order of the
    // rest (their urgency reads the organisation's phase): the actions elsewhere are compared as a set.
    let mut elsewhere: Vec<String> = a["actions"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["scope"] != json!("organisation") && x["scope"] != org)
        .map(|x| {
            let mut x = x.clone();
            x.as_object_mut().unwrap().retain(|k, _| !matches!(k.as_str(), "urgency" | "urgency_terms"));
            x.to_string()
        })
        .collect();
    elsewhere.sort();
    a["actions"] = json!(elsewhere);
    let mut overview = serde_json::to_value(teichaku::overview(&snapshot, as_of)).unwrap();
    overview["total"] = json!("masked");
    overview["weeks"] = json!("masked");
    // The organisation's counts of records (a survey answered or not) are its figures too.
    overview["observed"] = json!("masked");
    let text = teichaku::rollout::plan_mermaid(&snapshot, &assessment.plan, teichaku::model::Lang::En);
    let dot = teichaku::rollout::plan_dot(&snapshot, &assessment.plan, teichaku::model::Lang::En);
    vec![kpis.to_string(), a.to_string(), overview.to_string(), text, dot]
}

/// A small organisation: three top units, the first with `small` members (1 to 4, so it is
/// withheld), the others with 5 to 7; the member under test is the first unit's first member,
/// who holds no role. Every member's usage days are given.
fn small_org(small: usize, others: [usize; 2], days: &[Vec<u8>], answer: Option<&str>) -> Value {
    let mut doc = small_doc_base();
    let sizes = [small, others[0], others[1]];
    let mut units = Vec::new();
    let mut members = Vec::new();
    let mut usage = Vec::new();
    let mut n = 0;
    for (u, &size) in sizes.iter().enumerate() {
        units.push(json!({ "id": uuid(1 + u as u128), "name": format!("U{u}") }));
        for k in 0..size {
            n += 1;
            let roles = match (u, k) {
                (0, 0) => json!([]),
                (1, 0) => json!(["executive"]),
                (1, 1) => json!(["promotion_lead"]),
                (2, 0) => json!(["ambassador"]),
                _ => json!(["staff"]),
            };
            members.push(
                json!({ "id": uuid(0x100 + n), "unit": uuid(1 + u as u128), "roles": roles, "joined": "2020-04-01" }),
            );
            for &day in days.get(n as usize - 1).map(Vec::as_slice).unwrap_or(&[]) {
                usage.push(json!({ "member": uuid(0x100 + n), "at": format!("2026-04-{:02}T10:00:00+09:00", day), "minutes": 5 + day % 7 }));
            }
        }
    }
    doc["organisation"]["units"] = json!(units);
    doc["organisation"]["members"] = json!(members);
    doc["observations"]["usage"] = json!(usage);
    if let Some(reason) = answer {
        doc["observations"]["surveys"] = json!([{
            "id": uuid(0x900), "date": "2026-04-15", "member": uuid(0x101),
            "uses_ai": false, "non_user_reason": reason
        }]);
    }
    doc
}

/// small.json's playbook with an intervention for each unit on every KPI that a member's
/// behaviour moves, with no observations.
fn small_doc_base() -> Value {
    let mut doc = with_anxious_intervention();
    let interventions = doc["playbook"]["inline"]["interventions"].as_array_mut().unwrap();
    for (i, kpi) in
        ["weekly_active_rate", "habit_rate", "returning_rate", "retention_score", "never_share"].iter().enumerate()
    {
        interventions.push(json!({
            "id": format!("watch-{i}"),
            "title": { "en": kpi, "ja": kpi },
            "scope": "per_unit",
            "owner": "manager",
            "severity": 0.3,
            "when": { "kind": "compare", "kpi": kpi, "op": "lt", "value": 0.5 }
        }));
    }
    doc["organisation"]["waves"] = json!([]);
    for list in doc["observations"].as_object_mut().unwrap().values_mut() {
        *list = json!([]);
    }
    doc
}

fn usage_days() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::btree_set(1u8..=20, 0..8).prop_map(|s| s.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// What "except through" means here: the member under test belongs to a withheld unit, holds
    /// no role, and so is in exactly one shown scope, the organisation. Two runs that differ only
    /// in that member's usage days and survey answer must give the same KPI report, assessment,
    /// overview and plan (Mermaid and DOT) once every figure of the organisation scope is masked,
    /// together with what the organisation's figures decide (its gates, phase and barrier, the actions for
    /// the organisation, the urgency and order of the others, the overview's total and trend).
    /// Every other output (each unit's and each role's figures, scores, gates, interventions and
    /// actions, the withheld scopes' headcounts) must not move.
    #[test]
    fn a_member_of_a_withheld_group_moves_nothing_but_the_organisations_figures(
        small in 1usize..=4,
        others in (5usize..=7, 5usize..=7),
        days in prop::collection::vec(usage_days(), 18),
        theirs in (usage_days(), usage_days()),
        answers in (prop::option::of(prop::sample::select(vec!["anxious", "skeptical", "uninterested"])),
                    prop::option::of(prop::sample::select(vec!["anxious", "skeptical", "uninterested"]))),
    ) {
        let others = [others.0, others.1];
        let mut a = days.clone();
        a[0] = theirs.0;
        let mut b = days;
        b[0] = theirs.1;
        let one = outputs_but_the_organisation(&small_org(small, others, &a, answers.0));
        let two = outputs_but_the_organisation(&small_org(small, others, &b, answers.1));
        for (x, y) in one.iter().zip(&two) {
            prop_assert_eq!(x, y);
        }
    }
}

/// The overview, which now reads the events once and sums units up the tree, agrees with the
/// KPI report on every shown unit's weekly-active count and headcount, and on the organisation's.
#[test]
fn the_overview_agrees_with_the_kpi_report_on_every_shown_unit() {
    for (snapshot, as_of) in
        [(teichaku::demo::snapshot(), teichaku::demo::AS_OF), (load(&small()).unwrap(), "2026-04-20".parse().unwrap())]
    {
        let report = teichaku::kpis(&snapshot, as_of, &Default::default()).unwrap();
        let overview = teichaku::overview(&snapshot, as_of);
        let weekly = |scope: &Scope| match &scope_of(&report, scope).figures {
            Figure::Value(f) => f.weekly_active.value().map(|r| (r.numerator as usize, r.denominator as usize)),
            _ => None,
        };
        let mut compared = 0;
        for row in &overview.units {
            if let Some(active) = row.weekly_active.active {
                assert_eq!(Some((active, row.weekly_active.headcount)), weekly(&Scope::Unit(row.unit)), "{}", row.name);
                compared += 1;
            }
        }
        let total = overview.total;
        assert_eq!(total.active.map(|a| (a, total.headcount)), weekly(&Scope::Organisation));
        assert!(compared > 0 || snapshot.organisation().units.len() <= 3);
    }
}

/// A wide organisation whose members join and leave during the weekly series: Head (with a few
/// members of its own) over children of one to eight members, most under the minimum. Each
/// member's join day and, for some, leave day are given by offsets into the series.
fn wide_doc(head_own: usize, members: &[(usize, i64, Option<i64>)], children: usize) -> Value {
    let mut doc = tree_doc(&[], &[]);
    let mut units = vec![json!({ "id": uuid(1), "name": "Head" })];
    for c in 0..children {
        units.push(json!({ "id": uuid(0x10 + c as u128), "name": format!("Child {c}"), "parent": uuid(1) }));
    }
    let day = |offset: i64| {
        let first: chrono::NaiveDate = "2026-01-05".parse().unwrap();
        (first + chrono::Days::new(offset as u64)).to_string()
    };
    let mut list = Vec::new();
    for (n, &(unit, joined, left)) in members.iter().enumerate() {
        let unit = if n < head_own { uuid(1) } else { uuid(0x10 + (unit % children) as u128) };
        let mut m = json!({ "id": uuid(0x1000 + n as u128), "unit": unit, "roles": ["staff"], "joined": day(joined) });
        if let Some(left) = left {
            m["left"] = json!(day(joined + 1 + left));
        }
        list.push(m);
    }
    doc["organisation"]["units"] = json!(units);
    doc["organisation"]["members"] = json!(list);
    doc
}

/// Checks that the weekly series of every shown scope of `wide_doc` follows the week's own rule
/// and counts the whole subtree; returns how many shown weeks with a rate were compared.
fn check_weekly_series(
    head_own: usize,
    children: usize,
    members: &[(usize, i64, Option<i64>)],
) -> Result<usize, TestCaseError> {
    let as_of: chrono::NaiveDate = "2026-04-20".parse().unwrap();
    let doc = wide_doc(head_own, members, children);
    let snapshot = load(&doc).unwrap();
    let report = teichaku::kpis(&snapshot, as_of, &Default::default()).unwrap();
    let rule = Disclosure::new(&snapshot, as_of, 5);
    let org = snapshot.organisation();
    // Members present on `day` in the scope: a unit's own and its children's (two levels here).
    let present_in = |scope: &Scope, day: chrono::NaiveDate| {
        org.members
            .iter()
            .filter(|m| m.is_present_on(day))
            .filter(|m| match scope {
                Scope::Unit(u) => m.unit == *u || org.units.iter().any(|x| x.id == m.unit && x.parent == Some(*u)),
                _ => true,
            })
            .count() as u64
    };
    let mut compared = 0;
    for s in report.scopes.iter().filter(|s| !matches!(s.scope, Scope::Role(_))) {
        let Figure::Value(figures) = &s.figures else { continue };
        prop_assert!(!figures.weekly.is_empty());
        for week in &figures.weekly {
            let shown = rule.on(&snapshot, &[week.until]).and(&rule.during(&snapshot, week.week_start, week.until));
            let present = present_in(&s.scope, week.until);
            if !shown.shows(&s.scope) {
                prop_assert_eq!(&week.weekly_active, &Figure::Suppressed);
                prop_assert_eq!(week.minutes, None);
            } else if present >= 5 {
                let Figure::Value(rate) = &week.weekly_active else {
                    return Err(TestCaseError::fail(format!(
                        "{} in {:?}: {:?}",
                        week.until, s.scope, week.weekly_active
                    )));
                };
                prop_assert_eq!(rate.denominator, present);
                prop_assert!(week.minutes.is_some());
                compared += 1;
            } else {
                prop_assert_eq!(week.minutes, None);
            }
        }
    }
    Ok(compared)
}

/// Twenty members, all present from the start, four leaving and two joining during the series:
/// the organisation's weeks and Head's are shown and compared, their children (three members
/// each at most) withheld.
#[test]
fn weekly_series_of_a_wide_organisation_count_its_withheld_children() {
    let mut members: Vec<(usize, i64, Option<i64>)> = (0..14).map(|n| (n, 0, None)).collect();
    members.extend([(1, 0, Some(30)), (2, 0, Some(50)), (3, 10, Some(40)), (4, 0, Some(70))]);
    members.extend([(5, 60, None), (6, 85, None)]);
    let compared = check_weekly_series(2, 6, &members).unwrap();
    assert!(compared >= 10, "{compared} weeks compared");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The weekly series of every shown scope follows the week's own rule (the members present
    /// on its last day, and those members on some day of it, each decided from the rule of
    /// `as_of`), and counts every member of the scope's subtree present that day, those of
    /// withheld child units too (whose weeks are counted in their parent's).
    #[test]
    fn weekly_series_follow_each_weeks_rule_and_count_the_whole_subtree(
        head_own in 0usize..4,
        children in 2usize..9,
        members in proptest::collection::vec((0usize..8, 0i64..100, proptest::option::weighted(0.3, 0i64..60)), 10..40),
    ) {
        check_weekly_series(head_own, children, &members)?;
    }
}
