//! Team roll-ups, with hand-computed figures: usage days `d` give a total of `100 × d ÷ 16`.

use teichaku_model::Role;
use teichaku_rules::{
    BandCount, DEFAULT_MIN_GROUP_SIZE, Facts, GroupFigures, ReportError, Subject, compile, evaluate_batch, rollup,
};

use crate::user;

fn counts(figures: &GroupFigures) -> Vec<(&str, usize)> {
    match figures {
        GroupFigures::Shown { bands, .. } => bands.iter().map(|b| (b.band.as_str(), b.count)).collect(),
        other => panic!("figures not shown: {other:?}"),
    }
}

fn mean_median(figures: &GroupFigures) -> (f64, f64) {
    match figures {
        GroupFigures::Shown { mean, median, .. } => (*mean, *median),
        other => panic!("figures not shown: {other:?}"),
    }
}

fn population() -> Vec<Subject> {
    vec![
        // sales, five evaluated: 100, 75, 50, 50, 25.
        user("s-1", Some("sales"), 16.0),
        user("s-2", Some("sales"), 12.0),
        user("s-3", Some("sales"), 8.0),
        user("s-4", Some("sales"), 8.0),
        user("s-5", Some("sales"), 4.0),
        // legal, two evaluated and one failed: withheld.
        user("l-1", Some("legal"), 16.0),
        user("l-2", Some("legal"), 0.0),
        Subject::new("l-3", Facts::default()).in_group("legal"),
        // no group: one evaluated.
        user("x-1", None, 10.0),
    ]
}

#[test]
fn groups_in_key_order_with_small_ones_withheld() {
    let rubric = crate::v1();
    let report = rollup(&rubric, &evaluate_batch(&rubric, &population()), DEFAULT_MIN_GROUP_SIZE).unwrap();
    assert_eq!(report.min_group_size, 5);
    let keys: Vec<Option<&str>> = report.groups.iter().map(|g| g.group.as_deref()).collect();
    assert_eq!(keys, [None, Some("legal"), Some("sales")]);

    let [ungrouped, legal, sales] = &report.groups[..] else { panic!("three groups") };
    assert_eq!((ungrouped.subjects, ungrouped.evaluated), (1, 1));
    assert_eq!(ungrouped.figures, GroupFigures::Suppressed);
    assert_eq!((legal.subjects, legal.evaluated, legal.failed), (3, 2, 1));
    assert_eq!(legal.figures, GroupFigures::Suppressed);

    assert_eq!((sales.subjects, sales.evaluated), (5, 5));
    // (100 + 75 + 50 + 50 + 25) ÷ 5 = 60; the middle of 25, 50, 50, 75, 100 is 50.
    assert_eq!(mean_median(&sales.figures), (60.0, 50.0));
    assert_eq!(counts(&sales.figures), [("S", 1), ("A", 1), ("B", 0), ("C", 2), ("D", 1)]);

    // Everyone: 8 evaluated, but everyone minus sales would be the three withheld people (legal
    // and the ungrouped one), so the overall figures are withheld too; the counts are shown.
    let overall = &report.overall;
    assert_eq!((overall.group.as_deref(), overall.subjects, overall.evaluated, overall.failed), (None, 9, 8, 1));
    assert_eq!(overall.figures, GroupFigures::Suppressed);
    // With a minimum of 3, legal's two and the ungrouped one are withheld and are three: the
    // overall is shown. Everyone: 100, 75, 50, 50, 25, 100, 0, 62.5 → 462.5 ÷ 8; middle two 50 and 62.5.
    let report = rollup(&rubric, &evaluate_batch(&rubric, &population()), 3).unwrap();
    assert_eq!(report.groups[1].figures, GroupFigures::Suppressed);
    assert_eq!(mean_median(&report.overall.figures), (462.5 / 8.0, 56.25));
    assert_eq!(counts(&report.overall.figures), [("S", 2), ("A", 1), ("B", 1), ("C", 2), ("D", 2)]);
}

#[test]
fn a_smaller_minimum_shows_small_groups() {
    let rubric = crate::v1();
    let batch = evaluate_batch(&rubric, &population());
    let report = rollup(&rubric, &batch, 2).unwrap();
    let legal = &report.groups[1];
    // 100 and 0: mean and median 50.
    assert_eq!(mean_median(&legal.figures), (50.0, 50.0));
    assert_eq!(counts(&legal.figures), [("S", 1), ("A", 0), ("B", 0), ("C", 0), ("D", 1)]);
    // A minimum of 0 counts as 1: a group of one is shown.
    let report = rollup(&rubric, &batch, 0).unwrap();
    assert_eq!(report.min_group_size, 1);
    assert_eq!(mean_median(&report.groups[0].figures), (62.5, 62.5));
}

#[test]
fn a_group_nobody_was_evaluated_in() {
    let mut rubric = crate::v1().rubric().clone();
    rubric.applies_to = vec![Role::Manager];
    let rubric = compile(rubric).unwrap();
    let subjects = [user("e-1", Some("hr"), 3.0), Subject::new("e-2", Facts::default()).in_group("hr")];
    let report = rollup(&rubric, &evaluate_batch(&rubric, &subjects), 1).unwrap();
    let [hr] = &report.groups[..] else { panic!("one group") };
    let counts = (hr.group.as_deref(), hr.subjects, hr.evaluated, hr.not_applicable, hr.failed, hr.duplicates);
    assert_eq!(counts, (Some("hr"), 2, 0, 2, 0, 0));
    assert_eq!(hr.figures, GroupFigures::NoneEvaluated);
}

#[test]
fn the_order_of_subjects_does_not_matter() {
    let rubric = crate::v1();
    let mut subjects = population();
    let forward = rollup(&rubric, &evaluate_batch(&rubric, &subjects), 2).unwrap();
    subjects.reverse();
    let backward = rollup(&rubric, &evaluate_batch(&rubric, &subjects), 2).unwrap();
    assert_eq!(serde_json::to_string(&forward).unwrap(), serde_json::to_string(&backward).unwrap());
}

#[test]
fn suppression_is_explicit_in_json() {
    let rubric = crate::v1();
    let report = rollup(&rubric, &evaluate_batch(&rubric, &population()), 5).unwrap();
    let json = serde_json::to_value(&report.groups[1]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "group": "legal", "subjects": 3, "evaluated": 2, "not_applicable": 0, "failed": 1, "duplicates": 0,
            "figures": { "status": "suppressed" }
        })
    );
    let shown = serde_json::to_value(&report.groups[2].figures).unwrap();
    assert_eq!(shown["status"], "shown");
    assert_eq!(shown["bands"][2], serde_json::to_value(BandCount { band: "B".into(), count: 0 }).unwrap());
}

#[test]
fn a_batch_of_another_rubric_is_refused() {
    let rubric = crate::v1();
    let batch = evaluate_batch(&rubric, &population());
    let mut revised = rubric.rubric().clone();
    revised.revision = 2;
    let revised = compile(revised).unwrap();
    let err = rollup(&revised, &batch, 5).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the batch was evaluated with rubric `ai-use-in-appraisal` revision 1, not `ai-use-in-appraisal` revision 2"
    );
    assert!(matches!(err, ReportError::RubricMismatch { found_revision: 1, expected_revision: 2, .. }));
}

#[test]
fn a_hand_edited_band_is_named() {
    let rubric = crate::v1();
    let mut batch = evaluate_batch(&rubric, &population());
    let value = serde_json::to_value(&batch).unwrap().to_string().replacen(r#""band":"S""#, r#""band":"Z""#, 1);
    batch = serde_json::from_str(&value).unwrap();
    assert_eq!(rollup(&rubric, &batch, 5), Err(ReportError::UnknownBand { subject: "s-1".into(), band: "Z".into() }));
}
