//! Deterministic synthetic subjects for the evaluation-rubric benchmark and its peer comparison.
//!
//! [`generate`] draws the facts of the builtin `ai-use-in-appraisal` rubric for `n` people: whether
//! the goal sheet's AI entry is filled in, improvement proposals implemented, success cases
//! shared, days of AI use in the last 28, and incidents. Like [`crate::synthetic`] it depends on
//! nothing but `std` and a seeded SplitMix64 with integer arithmetic, so the same arguments give
//! the same subjects on every platform, and each subject has its own stream (subject `i` is the
//! same whatever `n` is).
//!
//! What the subjects look like:
//! - four adoption profiles: about 20% non-users (0 to 2 days of use, rarely an outcome), 35% light
//!   users (1 to 8 days), 30% regular users (6 to 18 days) and 15% heavy users (14 to 28 days);
//!   heavier users more often fill in the goal sheet and have implemented proposals and shared
//!   success cases (0 to 4 and 0 to 3); some in every profile have no outcome at all (60% of
//!   non-users down to 6% of heavy users);
//! - about 5% have one incident and 1% two, whatever their profile;
//! - each fact is missing for about 2% of people, independently, except that at least one of the
//!   four facts the criteria read is always present (a person with none of them cannot be scored).
//!
//! So every band occurs, both caps occur and lower the total (an incident against an A or S, use
//! without any outcome against a B), and missing facts exercise the `renormalise` policy.
//!
//! The standard set is [`standard`]: `generate(STANDARD_SEED, 100_000)`.

use crate::synthetic::{SplitMix64, mix};
use teichaku::rules::{CompiledRubric, FactValue, Facts};

/// The seed of the standard subject set.
pub const STANDARD_SEED: u64 = 0x5c0e_ab1e;
/// Subjects in the standard set.
pub const STANDARD_SUBJECTS: usize = 100_000;

/// One person's facts for `ai-use-in-appraisal`; `None` is a missing fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Subject {
    /// `goal_sheet_ai_entry`.
    pub goal_sheet_ai_entry: Option<bool>,
    /// `proposals_implemented`, 0 to 4.
    pub proposals_implemented: Option<u32>,
    /// `success_cases_shared`, 0 to 3.
    pub success_cases_shared: Option<u32>,
    /// `usage_days_28`, 0 to 28.
    pub usage_days_28: Option<u32>,
    /// `incidents`, 0 to 2.
    pub incidents: Option<u32>,
}

/// The fact names, in the rubric's declaration order, and the JSON field names of the peer.
pub const FACT_NAMES: [&str; 5] =
    ["goal_sheet_ai_entry", "proposals_implemented", "success_cases_shared", "usage_days_28", "incidents"];

impl Subject {
    /// The subject's facts as values, in [`FACT_NAMES`] order.
    pub fn values(&self) -> [Option<FactValue>; 5] {
        let number = |n: Option<u32>| n.map(|n| FactValue::Number(f64::from(n)));
        [
            self.goal_sheet_ai_entry.map(FactValue::Boolean),
            number(self.proposals_implemented),
            number(self.success_cases_shared),
            number(self.usage_days_28),
            number(self.incidents),
        ]
    }

    /// The subject's facts as a row of `rubric`'s fact table (facts the rubric does not declare
    /// are dropped).
    pub fn facts(&self, rubric: &CompiledRubric) -> Facts {
        let mut facts = rubric.empty_facts();
        let table = rubric.fact_table();
        for (name, value) in FACT_NAMES.into_iter().zip(self.values()) {
            if let (Some(index), Some(value)) = (table.index(name), value) {
                facts.set(index, value);
            }
        }
        facts
    }
}

/// The standard set: 100,000 subjects.
pub fn standard() -> Vec<Subject> {
    generate(STANDARD_SEED, STANDARD_SUBJECTS)
}

/// `n` subjects drawn from `seed`.
pub fn generate(seed: u64, n: usize) -> Vec<Subject> {
    (0..n as u64).map(|i| subject(&mut SplitMix64::new(mix(seed ^ mix(i.wrapping_add(0x7375_626a_0000)))))).collect()
}

fn subject(rng: &mut SplitMix64) -> Subject {
    // Profile: (share in per mille, usage days range, goal sheet ‰, outcome strength 0..=3).
    let roll = rng.below(1000);
    let (days_lo, days_hi, goal_pm, strength) = match roll {
        0..200 => (0, 2, 150, 0),
        200..550 => (1, 8, 450, 1),
        550..850 => (6, 18, 750, 2),
        _ => (14, 28, 900, 3),
    };
    let usage_days = days_lo + rng.below(u64::from(days_hi - days_lo + 1)) as u32;
    let goal = rng.below(1000) < goal_pm;
    // Some people use AI without any outcome at all (no proposal implemented, no case shared).
    let no_outcome_pm = [600, 350, 100, 60][strength as usize];
    let (proposals, cases) =
        if rng.below(1000) < no_outcome_pm { (0, 0) } else { (outcome(rng, strength, 4), outcome(rng, strength, 3)) };
    let incidents = match rng.below(1000) {
        0..10 => 2,
        10..60 => 1,
        _ => 0,
    };
    let mut s = Subject {
        goal_sheet_ai_entry: Some(goal),
        proposals_implemented: Some(proposals),
        success_cases_shared: Some(cases),
        usage_days_28: Some(usage_days),
        incidents: Some(incidents),
    };
    // About 2% missing per fact, independently.
    let mut missing = || rng.below(1000) < 20;
    if missing() {
        s.goal_sheet_ai_entry = None;
    }
    if missing() {
        s.proposals_implemented = None;
    }
    if missing() {
        s.success_cases_shared = None;
    }
    if missing() {
        s.usage_days_28 = None;
    }
    if missing() {
        s.incidents = None;
    }
    if s.goal_sheet_ai_entry.is_none()
        && s.proposals_implemented.is_none()
        && s.success_cases_shared.is_none()
        && s.usage_days_28.is_none()
    {
        s.usage_days_28 = Some(usage_days);
    }
    s
}

/// A count in `0..=max`, more likely higher for a stronger profile: the number of `max` trials
/// succeeding, each with a chance of `(1 + 2 × strength) / 10`.
fn outcome(rng: &mut SplitMix64, strength: u32, max: u32) -> u32 {
    let chance = u64::from(1 + 2 * strength) * 100;
    (0..max).filter(|_| rng.below(1000) < chance).count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_prefix_stable() {
        let a = generate(7, 500);
        assert_eq!(a, generate(7, 500));
        assert_eq!(a[..100], generate(7, 100)[..]);
        assert_ne!(a, generate(8, 500));
    }

    #[test]
    fn every_band_and_both_caps_occur() {
        let rubric = teichaku::rules::builtin("ai-use-in-appraisal@1").unwrap_or_else(|e| panic!("{e}"));
        let subjects = generate(STANDARD_SEED, 20_000);
        let mut bands = std::collections::BTreeSet::new();
        let mut lowered = std::collections::BTreeSet::new();
        let mut missing = 0;
        for s in &subjects {
            let e = teichaku::rules::evaluate(&rubric, &s.facts(&rubric)).unwrap_or_else(|e| panic!("{e}"));
            bands.insert(e.band.clone());
            if e.total < e.uncapped_total {
                for c in &e.caps_applied {
                    lowered.insert(c.cap.as_str().to_owned());
                }
            }
            missing += usize::from(!e.missing.is_empty());
        }
        assert_eq!(bands.len(), 5, "{bands:?}");
        assert_eq!(lowered.len(), 2, "{lowered:?}");
        assert!((500..3000).contains(&missing), "{missing}");
    }
}
