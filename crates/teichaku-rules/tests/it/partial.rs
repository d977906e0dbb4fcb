//! Batch partials: any split of a population into shards that keeps each person's rows together,
//! each evaluated on its own, serialised, read back and merged in any order, rolls up to the
//! report of one batch, byte for byte; subjects in two shards merge when their first rows agree
//! and are refused, named, when they do not.

use proptest::prelude::*;
use teichaku_rules::{
    BatchPartial, BatchPartialError, CompiledRubric, FactValue, Subject, builtin, evaluate_batch, rollup,
    rollup_partial,
};

/// Revision 1 of the built-in rubric, which scores a row from its usage days alone.
fn appraisal() -> CompiledRubric {
    builtin("ai-use-in-appraisal@1").unwrap()
}

/// A row: subject number, group number (0: none), usage days (`None`: the fact is missing, so
/// the row fails), and which shard it goes to when rows are split by line.
type Row = (u8, u8, Option<u8>, usize);

fn subjects(rows: &[Row]) -> Vec<Subject> {
    let rubric = appraisal();
    rows.iter()
        .map(|&(id, group, days, _)| {
            let facts = match days {
                Some(d) => rubric.facts([("usage_days_28", FactValue::Number(f64::from(d)))]).unwrap(),
                None => Default::default(),
            };
            let subject = Subject::new(format!("e-{id}"), facts);
            if group == 0 { subject } else { subject.in_group(format!("g{group}")) }
        })
        .collect()
}

fn partial(rows: &[Row]) -> BatchPartial {
    let rubric = appraisal();
    let p = BatchPartial::of(&rubric, &evaluate_batch(&rubric, &subjects(rows))).unwrap();
    // Through its serialised form, as between processes.
    BatchPartial::from_json(&p.to_json()).unwrap()
}

fn row_strategy() -> impl Strategy<Value = Row> {
    (0u8..40, 0u8..4, prop::option::weighted(0.9, 0u8..29), 0usize..4)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn shards_by_subject_merged_in_any_order_roll_up_to_one_batch(
        rows in prop::collection::vec(row_strategy(), 0..80),
        order in Just((0..4usize).collect::<Vec<_>>()).prop_shuffle(),
        min_group in 1usize..7,
    ) {
        let rubric = appraisal();
        let whole = rollup(&rubric, &evaluate_batch(&rubric, &subjects(&rows)), min_group).unwrap();
        let shards: Vec<BatchPartial> = (0..4)
            .map(|s| partial(&rows.iter().copied().filter(|r| usize::from(r.0) % 4 == s).collect::<Vec<_>>()))
            .collect();
        let mut merged = shards[order[0]].clone();
        for &s in &order[1..] {
            merged.merge(&shards[s]).unwrap();
        }
        let one_pass = partial(&rows);
        prop_assert_eq!(merged.to_json(), one_pass.to_json());
        let from_shards = rollup_partial(&rubric, &merged, min_group).unwrap();
        prop_assert_eq!(serde_json::to_string(&from_shards).unwrap(), serde_json::to_string(&whole).unwrap());
    }

    #[test]
    fn shards_by_line_merge_exactly_or_name_the_subject_they_cannot_order(
        rows in prop::collection::vec(row_strategy(), 0..60),
    ) {
        let rubric = appraisal();
        let whole = rollup(&rubric, &evaluate_batch(&rubric, &subjects(&rows)), 3).unwrap();
        let mut merged = partial(&[]);
        let mut refused = None;
        for s in 0..4 {
            let shard = partial(&rows.iter().copied().filter(|r| r.3 == s).collect::<Vec<_>>());
            if let Err(e) = merged.merge(&shard) {
                refused = Some(e);
                break;
            }
        }
        match refused {
            None => prop_assert_eq!(rollup_partial(&rubric, &merged, 3).unwrap(), whole),
            Some(BatchPartialError::SubjectInTwoShards { subject }) => {
                // The subject's rows really disagree, in group or result, across shards.
                let id: u8 = subject.trim_start_matches("e-").parse().unwrap();
                let firsts: std::collections::BTreeSet<(u8, Option<u8>)> = (0..4)
                    .filter_map(|s| rows.iter().find(|r| r.0 == id && r.3 == s).map(|r| (r.1, r.2.map(|d| d.min(16)))))
                    .collect();
                prop_assert!(firsts.len() > 1, "{subject} was refused though its first rows agree: {firsts:?}");
            }
            Some(other) => prop_assert!(false, "unexpected {other}"),
        }
    }

    #[test]
    fn any_edit_of_a_batch_partial_is_read_or_refused_never_a_panic(
        rows in prop::collection::vec(row_strategy(), 1..20),
        at in any::<usize>(),
        byte in any::<u8>(),
    ) {
        let mut bytes = partial(&rows).to_json().into_bytes();
        let i = at % bytes.len();
        bytes[i] = byte;
        if let Ok(text) = String::from_utf8(bytes) {
            if let Ok(p) = BatchPartial::from_json(&text) {
                prop_assert_eq!(BatchPartial::from_json(&p.to_json()).unwrap(), p.clone());
                // Rolled up, a partial read back never panics either: a wrong band is an error.
                let _ = rollup_partial(&appraisal(), &p, 5);
            }
        }
    }
}

#[test]
fn the_serialised_form_is_the_documented_one() {
    // e-1 in g1 with 16 usage days (100 points, band S), then again in g2; e-2 without facts.
    let rows = [(1, 1, Some(16), 0), (2, 0, None, 0), (1, 2, Some(4), 0)];
    let text = partial(&rows).to_json();
    let rubric = appraisal();
    let expected = format!(
        concat!(
            r#"{{"format":"teichaku-batch-partial","version":1,"rubric_id":"ai-use-in-appraisal","rubric_revision":{},"#,
            r#""rubric_hash":"{}","subjects":[{{"subject":"e-1","group":"g1","status":"evaluated","total":100.0,"#,
            r#""band":"S","repeats":["g2"]}},{{"subject":"e-2","status":"failed"}}]}}"#
        ),
        rubric.rubric().revision,
        rubric.content_hash()
    );
    assert_eq!(text, expected);
}

#[test]
fn hostile_batch_partials_are_refused_with_the_subject_named() {
    let head = r#"{"format":"teichaku-batch-partial","version":1,"rubric_id":"x","rubric_revision":1,"rubric_hash":"h","subjects":"#;
    let refused = |subjects: &str| BatchPartial::from_json(&format!("{head}{subjects}}}")).unwrap_err().to_string();
    assert!(refused(r#"[{"subject":"a","status":"evaluated"}]"#).contains("subject `a`: an evaluated subject needs"));
    assert!(refused(r#"[{"subject":"a","status":"failed","total":3}]"#).contains("a total or band on a subject not"));
    assert!(
        refused(r#"[{"subject":"a","status":"failed"},{"subject":"a","status":"failed"}]"#).contains("listed twice")
    );
    assert!(refused(r#"[{"subject":"","status":"failed"}]"#).contains("empty subject"));
    assert!(refused(r#"[{"subject":"a","status":"lost"}]"#).contains("unknown variant `lost`"));
    // A band the rubric does not have is refused when rolled up.
    let p = BatchPartial::from_json(&format!(
        "{head}{}}}",
        r#"[{"subject":"a","status":"evaluated","total":1.0,"band":"Z"}]"#
    ))
    .unwrap();
    let rubric = appraisal();
    assert!(rollup_partial(&rubric, &p, 5).unwrap_err().to_string().contains("rubric `x` revision 1"));
}
