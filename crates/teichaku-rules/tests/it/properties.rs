//! Properties of evaluation over generated rubrics and facts.

use proptest::prelude::*;
use teichaku_model::Localized;
use teichaku_rules::{
    Band, Cap, CapId, CompiledRubric, Condition, Criterion, CriterionId, Evaluation, FactDecl, FactKind, FactValue,
    Facts, MissingPolicy, NumberOp, Rubric, RubricId, Scoring, Step, Subject, compile, evaluate, evaluate_batch,
    evaluate_into,
};

/// One criterion: its scoring and the value of its fact (`None` when missing).
#[derive(Clone, Debug)]
struct Gen {
    weight: f64,
    scoring: Scoring,
    value: Option<FactValue>,
}

fn name<T: std::str::FromStr>(s: &str) -> T {
    match s.parse() {
        Ok(v) => v,
        Err(_) => panic!("bad slug {s}"),
    }
}

/// Monotone scorings only: ascending linear, steps with rising scores, booleans rewarding true.
fn monotone_scoring() -> impl Strategy<Value = Scoring> {
    prop_oneof![
        (-50.0..50.0f64, 0.01..50.0f64).prop_map(|(from, span)| Scoring::Linear { from, to: from + span }),
        prop::collection::vec((0.01..10.0f64, 0.0..1.0f64), 1..5).prop_map(|parts| {
            let mut at = 0.0;
            let mut scores: Vec<f64> = parts.iter().map(|p| p.1).collect();
            scores.sort_by(f64::total_cmp);
            Scoring::Steps(
                parts
                    .iter()
                    .zip(scores)
                    .map(|(p, score)| {
                        at += p.0;
                        Step { at_least: at, score }
                    })
                    .collect(),
            )
        }),
        (0.5..=1.0f64).prop_map(|when_true| Scoring::Boolean { when_true }),
    ]
}

fn any_scoring() -> impl Strategy<Value = Scoring> {
    prop_oneof![
        monotone_scoring(),
        (-50.0..50.0f64, 0.01..50.0f64).prop_map(|(to, span)| Scoring::Linear { from: to + span, to }),
        (0.0..=1.0f64).prop_map(|when_true| Scoring::Boolean { when_true }),
    ]
}

fn criterion(scoring: impl Strategy<Value = Scoring>) -> impl Strategy<Value = Gen> {
    (0.001..1000.0f64, scoring, -100.0..100.0f64, any::<bool>(), 0..10u8).prop_map(|(weight, scoring, x, b, m)| {
        let value = if m == 0 {
            None
        } else if matches!(scoring, Scoring::Boolean { .. }) {
            Some(FactValue::Boolean(b))
        } else {
            Some(FactValue::Number(x))
        };
        Gen { weight, scoring, value }
    })
}

fn policy() -> impl Strategy<Value = MissingPolicy> {
    prop_oneof![Just(MissingPolicy::Zero), Just(MissingPolicy::Renormalise)]
}

/// A rubric with one fact per criterion (`f0`, `f1`, ...) and optional caps on them.
fn build(gens: &[Gen], caps: &[(usize, f64, Option<usize>)], missing: MissingPolicy) -> (CompiledRubric, Facts) {
    let bands = ["S", "A", "B", "C", "D"].iter().zip([90.0, 75.0, 60.0, 40.0, 0.0]);
    let rubric = Rubric {
        version: 1,
        id: name::<RubricId>("prop"),
        revision: 1,
        title: Localized::new("P", "P"),
        effective_from: chrono::NaiveDate::MIN,
        effective_until: None,
        facts: gens
            .iter()
            .enumerate()
            .map(|(i, g)| FactDecl {
                name: name(&format!("f{i}")),
                kind: if matches!(g.scoring, Scoring::Boolean { .. }) { FactKind::Boolean } else { FactKind::Number },
                range: None,
                required: false,
            })
            .collect(),
        bands: bands.map(|(n, m)| Band { name: (*n).into(), min_score: m }).collect(),
        criteria: gens
            .iter()
            .enumerate()
            .map(|(i, g)| Criterion {
                id: name::<CriterionId>(&format!("c{i}")),
                title: Localized::new("C", "C"),
                fact: name(&format!("f{i}")),
                weight: g.weight,
                scoring: g.scoring.clone(),
            })
            .collect(),
        caps: caps
            .iter()
            .enumerate()
            .filter(|(_, (f, _, _))| *f < gens.len() && !matches!(gens[*f].scoring, Scoring::Boolean { .. }))
            .map(|(i, (f, score, band))| Cap {
                id: name::<CapId>(&format!("k{i}")),
                when: Condition::Compare { fact: name(&format!("f{f}")), op: NumberOp::Lt, value: 0.0 },
                max_band: band.map(|b| ["S", "A", "B", "C", "D"][b % 5].to_owned()),
                max_score: Some(*score),
            })
            .collect(),
        applies_to: vec![],
        missing,
    };
    let compiled = match compile(rubric) {
        Ok(c) => c,
        Err(e) => panic!("generated rubric is invalid: {e}"),
    };
    let facts = Facts::from_values(gens.iter().map(|g| g.value.clone()).collect());
    (compiled, facts)
}

fn total(rubric: &CompiledRubric, facts: &Facts) -> Option<f64> {
    evaluate(rubric, facts).ok().map(|e| e.total)
}

proptest! {
    #[test]
    fn totals_stay_in_range_and_explain_themselves(
        gens in prop::collection::vec(criterion(any_scoring()), 1..6),
        caps in prop::collection::vec((0..6usize, 0.0..=100.0f64, prop::option::of(0..5usize)), 0..3),
        missing in policy(),
    ) {
        let (rubric, facts) = build(&gens, &caps, missing);
        let Ok(e) = evaluate(&rubric, &facts) else {
            // Only when every criterion was left out.
            prop_assert!(gens.iter().all(|g| g.value.is_none()) && missing == MissingPolicy::Renormalise);
            return Ok(());
        };
        prop_assert!((0.0..=100.0).contains(&e.total), "total {}", e.total);
        prop_assert!((0.0..=100.0).contains(&e.uncapped_total));
        prop_assert!(e.total <= e.uncapped_total);
        // The band is the band of the unrounded total.
        prop_assert_eq!(e.band.as_str(), rubric.band_of(e.total));
        // The points re-add to exactly the total, in rubric order.
        let counted = e.criteria.iter().filter(|c| c.counted);
        let (points, weights) = counted.fold((0.0, 0.0), |(p, w), c| (p + c.points, w + c.weight));
        prop_assert_eq!(weights, e.weight_counted);
        prop_assert_eq!(100.0 * (points / weights), e.uncapped_total);
        let limit = e.caps_applied.iter().map(|c| c.limit).fold(e.uncapped_total, f64::min);
        prop_assert_eq!(limit, e.total);
        for c in &e.criteria {
            prop_assert!((0.0..=1.0).contains(&c.achievement));
            prop_assert_eq!(c.points, c.achievement * c.weight);
        }
    }

    #[test]
    fn raising_a_fact_never_lowers_the_total(
        gens in prop::collection::vec(criterion(monotone_scoring()), 1..6),
        which in 0..6usize,
        raise in 0.0..100.0f64,
        missing in policy(),
    ) {
        let (rubric, facts) = build(&gens, &[], missing);
        let which = which % gens.len();
        let mut raised = facts.clone();
        match facts.get(which) {
            Some(FactValue::Number(x)) => raised.set(which, FactValue::Number(x + raise)),
            Some(FactValue::Boolean(_)) => raised.set(which, FactValue::Boolean(true)),
            _ => return Ok(()),
        }
        if let (Some(before), Some(after)) = (total(&rubric, &facts), total(&rubric, &raised)) {
            prop_assert!(after >= before, "{before} -> {after}");
        }
    }

    #[test]
    fn scaling_every_weight_leaves_the_total(
        gens in prop::collection::vec(criterion(any_scoring()), 1..6),
        k in 0.001..1000.0f64,
        power in -10..10i32,
        missing in policy(),
    ) {
        let (rubric, facts) = build(&gens, &[], missing);
        let scaled = |k: f64| {
            let gens: Vec<Gen> = gens.iter().map(|g| Gen { weight: g.weight * k, ..g.clone() }).collect();
            let (rubric, facts) = build(&gens, &[], missing);
            total(&rubric, &facts)
        };
        let Some(before) = total(&rubric, &facts) else { return Ok(()) };
        // By a power of two, exactly; by any k, up to rounding.
        prop_assert_eq!(scaled(2f64.powi(power)), Some(before));
        let after = scaled(k).unwrap_or(f64::NAN);
        prop_assert!((after - before).abs() <= 1e-9 * 100.0, "{before} vs {after}");
    }

    #[test]
    fn evaluating_into_a_used_buffer_equals_evaluating_afresh(
        first in prop::collection::vec(criterion(any_scoring()), 1..6),
        second in prop::collection::vec(criterion(any_scoring()), 1..6),
        caps in prop::collection::vec((0..6usize, 0.0..=100.0f64, prop::option::of(0..5usize)), 0..3),
        missing in policy(),
    ) {
        let (rubric1, facts1) = build(&first, &caps, missing);
        let (rubric2, facts2) = build(&second, &caps, missing);
        let mut out = Evaluation::buffer_for(&rubric2);
        let _ = evaluate_into(&rubric1, &facts1, &mut out);
        let before = out.clone();
        match (evaluate_into(&rubric2, &facts2, &mut out), evaluate(&rubric2, &facts2)) {
            (Ok(()), Ok(fresh)) => prop_assert_eq!(&out, &fresh),
            (Err(a), Err(b)) => {
                prop_assert_eq!(a, b);
                prop_assert_eq!(&out, &before, "an error leaves the buffer as it was");
            }
            (a, b) => prop_assert!(false, "into: {a:?}, afresh: {b:?}"),
        }
    }

    #[test]
    fn the_band_is_that_of_the_unrounded_total(total in 0.0..=100.0f64) {
        let (rubric, _) = build(&[Gen { weight: 1.0, scoring: Scoring::Linear { from: 0.0, to: 100.0 }, value: None }], &[], MissingPolicy::Renormalise);
        let bands = &rubric.rubric().bands;
        let band = rubric.band_of(total);
        let i = bands.iter().position(|b| b.name == band).unwrap_or(usize::MAX);
        // The total reaches the band's bound and stays below the next band's.
        prop_assert!(total >= bands[i].min_score);
        prop_assert!(i == 0 || total < bands[i - 1].min_score);
        // So a total a hair below a bound is in the band below, even though it rounds to the bound.
        for pair in bands.windows(2) {
            let just_below = f64::from_bits(pair[0].min_score.to_bits() - 1);
            prop_assert_eq!(rubric.band_of(just_below), pair[1].name.as_str());
        }
        // And evaluation agrees: the fact value equals the total on this 0–100 linear scale.
        let facts = Facts::from_values(vec![Some(FactValue::Number(total))]);
        let e = evaluate(&rubric, &facts).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(e.band.as_str(), rubric.band_of(e.total));
    }

    #[test]
    fn calibration_gives_every_band_its_share_whatever_the_order(
        days in prop::collection::vec(0..20u8, 0..40),
        raw in prop::collection::vec(0.0..1.0f64, 5),
        rotate in 0..40usize,
    ) {
        let rubric = crate::v1();
        let subjects: Vec<Subject> = days
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let facts = rubric.facts([("usage_days_28", FactValue::Number(f64::from(*d)))]).map_err(|e| TestCaseError::fail(e.to_string()))?;
                Ok(Subject::new(format!("e-{i:02}"), facts))
            })
            .collect::<Result<_, TestCaseError>>()?;
        let sum: f64 = raw.iter().sum();
        prop_assume!(sum > 0.0);
        let target = teichaku_rules::CalibrationTarget {
            shares: ["S", "A", "B", "C", "D"].iter().map(|b| (*b).to_owned()).zip(raw.iter().map(|r| r / sum)).collect(),
        };
        let batch = evaluate_batch(&rubric, &subjects);
        let Ok(report) = teichaku_rules::calibrate(&rubric, &batch, &target) else {
            // Only when the normalised shares miss 1 by more than the tolerance.
            return Ok(());
        };
        prop_assert_eq!(report.cuts.iter().map(|c| c.target).sum::<usize>(), subjects.len());
        prop_assert_eq!(report.cuts.iter().map(|c| c.current).sum::<usize>(), subjects.len());
        prop_assert_eq!(report.moves.len() + report.unchanged, subjects.len());
        for m in &report.moves {
            prop_assert!(m.target_ranks.contains(m.rank));
            prop_assert_ne!(&m.from, &m.to);
        }
        let mut rotated = subjects.clone();
        if !rotated.is_empty() {
            let k = rotate % rotated.len();
            rotated.rotate_left(k);
        }
        let again = teichaku_rules::calibrate(&rubric, &evaluate_batch(&rubric, &rotated), &target);
        prop_assert_eq!(again.map(|r| (r.cuts, r.moves)).ok(), Some((report.cuts, report.moves)));
    }
}
