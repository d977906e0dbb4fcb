//! Calibration to a target band distribution, with hand-computed ranks and cuts: usage days `d`
//! give a total of `100 × d ÷ 16`.

use teichaku_rules::{
    BatchReport, CalibrationReport, CalibrationTarget, Direction, Facts, RankRange, ReportError, Subject, calibrate,
    evaluate_batch,
};

use crate::{num, user};

fn target(shares: [f64; 5]) -> CalibrationTarget {
    CalibrationTarget { shares: ["S", "A", "B", "C", "D"].iter().map(|b| (*b).to_owned()).zip(shares).collect() }
}

fn run(subjects: &[Subject], shares: [f64; 5]) -> (BatchReport, CalibrationReport) {
    let rubric = crate::v1();
    let batch = evaluate_batch(&rubric, subjects);
    let report = calibrate(&rubric, &batch, &target(shares)).unwrap();
    (batch, report)
}

/// Ten subjects using AI on 0 to 9 days: totals 0, 6.25, …, 56.25; the top three are C, the rest D.
fn ten() -> Vec<Subject> {
    (0..10).map(|d| user(&format!("e-{d}"), Some(if d % 2 == 0 { "even" } else { "odd" }), f64::from(d))).collect()
}

#[test]
fn ranks_cuts_and_moves_by_hand() {
    let (batch, report) = run(&ten(), [0.1, 0.2, 0.4, 0.2, 0.1]);
    assert_eq!((report.ranked, report.unchanged), (10, 1));
    assert!(report.not_ranked.is_empty());
    // Cumulative shares .1 .3 .7 .9 1 of 10: S holds rank 1, A 2–3, B 4–7, C 8–9, D 10.
    let cuts: Vec<_> = report.cuts.iter().map(|c| (c.band.as_str(), c.current, c.target, c.ranks)).collect();
    let r = |first, last| Some(RankRange { first, last });
    assert_eq!(
        cuts,
        [
            ("S", 0, 1, r(1, 1)),
            ("A", 0, 2, r(2, 3)),
            ("B", 0, 4, r(4, 7)),
            ("C", 3, 2, r(8, 9)),
            ("D", 7, 1, r(10, 10))
        ]
    );
    let moves: Vec<_> =
        report.moves.iter().map(|m| (m.subject.as_str(), m.rank, m.from.as_str(), m.to.as_str())).collect();
    assert_eq!(
        moves,
        [
            ("e-9", 1, "C", "S"),
            ("e-8", 2, "C", "A"),
            ("e-7", 3, "C", "A"),
            ("e-6", 4, "D", "B"),
            ("e-5", 5, "D", "B"),
            ("e-4", 6, "D", "B"),
            ("e-3", 7, "D", "B"),
            ("e-2", 8, "D", "C"),
            ("e-1", 9, "D", "C"),
        ]
    );
    let first = &report.moves[0];
    assert_eq!(
        (first.total, first.direction, first.target_ranks),
        (56.25, Direction::Up, RankRange { first: 1, last: 1 })
    );
    assert_eq!(first.group.as_deref(), Some("odd"));
    assert!(first.above_caps.is_empty());
    // The evaluations are untouched.
    assert_eq!(batch, evaluate_batch(&crate::v1(), &ten()));
}

#[test]
fn ties_are_broken_by_subject_id_whatever_the_input_order() {
    let subjects = [user("b", None, 12.0), user("c", None, 4.0), user("a", None, 12.0)];
    let (_, report) = run(&subjects, [0.0, 1.0 / 3.0, 0.0, 0.0, 2.0 / 3.0]);
    // a and b tie at 75 (A); a ranks first and keeps A, b drops to D with c.
    let moves: Vec<_> =
        report.moves.iter().map(|m| (m.subject.as_str(), m.rank, m.from.as_str(), m.to.as_str())).collect();
    assert_eq!(moves, [("b", 2, "A", "D")]);
    assert_eq!(report.moves[0].direction, Direction::Down);
    let mut reversed = subjects.to_vec();
    reversed.reverse();
    let (_, again) = run(&reversed, [0.0, 1.0 / 3.0, 0.0, 0.0, 2.0 / 3.0]);
    assert_eq!(again, report);
}

#[test]
fn halves_round_up_and_the_last_band_takes_the_rest() {
    // Five subjects: S 10 % is half a person, rounded up to one.
    let subjects: Vec<Subject> = (0..5).map(|d| user(&format!("e-{d}"), None, f64::from(d * 4))).collect();
    let (_, report) = run(&subjects, [0.1, 0.0, 0.0, 0.0, 0.9]);
    let targets: Vec<usize> = report.cuts.iter().map(|c| c.target).collect();
    assert_eq!(targets, [1, 0, 0, 0, 4]);
    assert_eq!(report.cuts[1].ranks, None);
    assert_eq!(report.cuts.iter().map(|c| c.target).sum::<usize>(), 5);
}

#[test]
fn a_move_past_a_cap_is_flagged() {
    let rubric = crate::v1();
    let capped = rubric.facts([("usage_days_28", num(16.0)), ("incidents", num(1.0))]).unwrap();
    let subjects = [Subject::new("capped", capped), user("other", None, 4.0)];
    let (_, report) = run(&subjects, [0.5, 0.0, 0.0, 0.0, 0.5]);
    // The incident caps "capped" just below A (B); the target would lift it to S.
    assert_eq!(report.moves.len(), 1);
    let m = &report.moves[0];
    assert_eq!((m.subject.as_str(), m.from.as_str(), m.to.as_str()), ("capped", "B", "S"));
    assert_eq!(m.above_caps.iter().map(|c| c.as_str()).collect::<Vec<_>>(), ["incident"]);
}

#[test]
fn subjects_without_an_evaluation_are_listed_not_ranked() {
    let subjects = [user("e-1", None, 8.0), Subject::new("e-2", Facts::default()), user("e-1", None, 2.0)];
    let (_, report) = run(&subjects, [0.0, 0.0, 0.0, 1.0, 0.0]);
    assert_eq!(report.ranked, 1);
    assert_eq!(report.not_ranked, ["e-2", "e-1"]);
    assert!(report.moves.is_empty());
}

#[test]
fn targets_are_checked_against_the_rubric() {
    let rubric = crate::v1();
    let batch = evaluate_batch(&rubric, &ten());
    let check = |t: CalibrationTarget| calibrate(&rubric, &batch, &t).unwrap_err();

    let mut unknown = target([0.2; 5]);
    unknown.shares.insert("Z".into(), 0.0);
    assert_eq!(check(unknown), ReportError::TargetUnknownBand { band: "Z".into() });

    let mut missing = target([0.25, 0.25, 0.25, 0.25, 0.0]);
    missing.shares.remove("D");
    assert_eq!(check(missing), ReportError::TargetMissingBand { band: "D".into() });

    assert_eq!(
        check(target([-0.1, 0.3, 0.3, 0.3, 0.2])),
        ReportError::TargetBadShare { band: "S".into(), share: -0.1 }
    );
    assert!(matches!(check(target([0.2, f64::NAN, 0.2, 0.2, 0.2])), ReportError::TargetBadShare { .. }));
    assert_eq!(check(target([0.2, 0.2, 0.2, 0.2, 0.1])).to_string(), "the target shares add up to 0.9, not 1");
    // Decimal shares that add up to 1 only up to rounding are accepted.
    assert!(calibrate(&rubric, &batch, &target([0.1, 0.2, 0.7, 0.0, 0.0])).is_ok());
}

#[test]
fn the_report_is_the_same_for_a_shuffled_population() {
    let mut subjects = ten();
    let (_, forward) = run(&subjects, [0.1, 0.2, 0.4, 0.2, 0.1]);
    subjects.rotate_left(3);
    subjects.swap(0, 7);
    let (_, shuffled) = run(&subjects, [0.1, 0.2, 0.4, 0.2, 0.1]);
    assert_eq!(serde_json::to_string(&forward.moves).unwrap(), serde_json::to_string(&shuffled.moves).unwrap());
    assert_eq!(forward.cuts, shuffled.cuts);
}
