//! Dated people facts (`organisation.changes`): transfers, role appointments and removals, and
//! literacy changes, each from its day on; one document assessed at several dates sees the
//! organisation of each date (docs/format.md, "Member change"; docs/metrics.md, "Dated facts").
//!
//! The scenario, hand-computed: units A and B (roots, one pilot wave), six members each.
//! - E02 (A) is appointed ambassador on 2026-10-01; E11 (B) is one throughout.
//! - E15 moves from B to A on 2026-10-15, E16 on 2026-10-22: B has 6, then 5, then 4 members.
//! - E03 (A) goes from `beginner` to `intermediate` on 2026-10-20.
//! - E15 uses AI on Monday 2026-10-12 (in B) and Monday 2026-10-19 (in A); nobody else does.

use proptest::prelude::*;
use serde_json::{Value, json};
use teichaku::metrics::{Figure, Scope};
use teichaku::model::{LiteracyTier, MemberId, Role, UnitId, ValidSnapshot};
use teichaku::rollout::Observed;

use crate::support::{load, small};

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

fn key(k: &str) -> MemberId {
    MemberId::from_key(k)
}

fn unit(code: &str) -> UnitId {
    UnitId::from_key(code)
}

/// Member `key` of unit `unit` with `roles` and `literacy` (`advanced` when not given: a member
/// whose literacy is unknown belongs to every literacy audience), there since 2020.
fn person(key: &str, unit: &str, roles: &[&str], literacy: Option<&str>) -> Value {
    json!({ "key": key, "unit": unit, "roles": roles, "literacy": literacy.unwrap_or("advanced"), "joined": "2020-04-01" })
}

/// The scenario's members, before any change.
fn members() -> Value {
    json!([
        person("E01", "A", &["executive"], None),
        person("E02", "A", &["staff"], None),
        person("E03", "A", &["staff"], Some("beginner")),
        person("E04", "A", &["staff"], Some("beginner")),
        person("E05", "A", &["manager"], None),
        person("E06", "A", &["staff"], None),
        person("E11", "B", &["ambassador", "staff"], None),
        person("E12", "B", &["manager"], None),
        person("E13", "B", &["staff"], None),
        person("E14", "B", &["staff"], None),
        person("E15", "B", &["staff"], None),
        person("E16", "B", &["staff"], None),
    ])
}

/// The scenario's changes, as an HR export would give them: one row per fact that changes.
fn changes() -> Value {
    json!([
        { "member": "E02", "on": "2026-10-01", "add_roles": ["ambassador"] },
        { "member": "E15", "on": "2026-10-15", "unit": "A" },
        { "member": "E16", "on": "2026-10-22", "unit": "A" },
        { "member": "E03", "on": "2026-10-20", "literacy": "intermediate" }
    ])
}

/// The scenario document with `members` and `changes`; the playbook is `small.json`'s, whose
/// `spread` gate asks for an ambassador in every unit and whose per-unit `training` is for
/// beginners.
fn document(members: Value, changes: Value) -> Value {
    json!({
        "version": 1,
        "organisation": {
            "name": "Dated KK", "utc_offset": "+09:00", "launch_date": "2026-09-01", "deployment_pattern": "hybrid",
            "units": [{ "code": "A", "name": "Sales" }, { "code": "B", "name": "Support" }],
            "members": members,
            "waves": [{ "name": "pilot", "units": ["A", "B"] }],
            "changes": changes
        },
        "playbook": small()["playbook"],
        "observations": {
            "completions": [{ "activity": "declare-aim", "date": "2026-09-02" }],
            "usage": [
                { "member": "E15", "at": "2026-10-12T10:00:00+09:00", "minutes": 10 },
                { "member": "E15", "at": "2026-10-19T10:00:00+09:00", "minutes": 10 }
            ]
        }
    })
}

fn scenario() -> ValidSnapshot {
    load(&document(members(), changes())).unwrap()
}

fn assess(snapshot: &ValidSnapshot, on: &str) -> teichaku::Assessment {
    teichaku::assess(snapshot, day(on)).unwrap()
}

fn headcount(a: &teichaku::Assessment, code: &str) -> u64 {
    a.kpis.scopes.iter().find(|s| s.scope == Scope::Unit(unit(code))).unwrap().headcount
}

fn figures_shown(a: &teichaku::Assessment, code: &str) -> bool {
    let scope = a.kpis.scopes.iter().find(|s| s.scope == Scope::Unit(unit(code))).unwrap();
    matches!(scope.figures, Figure::Value(_))
}

/// The `ambassadors` criterion of the `spread` gate: present ambassadors in the unit with the
/// fewest, and the units lacking one.
fn ambassadors(a: &teichaku::Assessment) -> (u64, Vec<UnitId>) {
    let gate = a.readiness.phases.iter().find(|g| g.phase.as_str() == "spread").unwrap();
    let criterion = gate.criteria.iter().find(|c| c.criterion.as_str() == "ambassadors").unwrap();
    match &criterion.observed {
        Observed::Role { role: Role::Ambassador, count, lacking, .. } => (*count, lacking.clone()),
        other => panic!("not a role criterion: {other:?}"),
    }
}

/// Weekly-active members of a unit over its headcount, where shown.
fn weekly_active(a: &teichaku::Assessment, code: &str) -> (u64, u64) {
    let scope = a.kpis.scopes.iter().find(|s| s.scope == Scope::Unit(unit(code))).unwrap();
    let Figure::Value(f) = &scope.figures else { panic!("{code} is withheld") };
    let Figure::Value(rate) = &f.weekly_active else { panic!("{code}: weekly active not shown") };
    (rate.numerator, rate.denominator)
}

#[test]
fn one_document_assessed_at_three_past_dates_gives_the_roles_and_units_of_each_date() {
    let snapshot = scenario();
    let ambassador = |on: &str, k: &str| snapshot.on(day(on)).member(key(k)).unwrap().has_role(Role::Ambassador);
    let unit_of = |on: &str, k: &str| snapshot.on(day(on)).member(key(k)).unwrap().unit;

    // 30 September: E02 not yet an ambassador, so unit A lacks one; B still has all six.
    let september = assess(&snapshot, "2026-09-30");
    assert!(!ambassador("2026-09-30", "E02"));
    assert_eq!(unit_of("2026-09-30", "E15"), unit("B"));
    assert_eq!(ambassadors(&september), (0, vec![unit("A")]));
    assert_eq!((headcount(&september, "A"), headcount(&september, "B")), (6, 6));

    // 16 October: E02 appointed (from 1 October), E15 moved to A (from 15 October).
    let mid_october = assess(&snapshot, "2026-10-16");
    assert!(ambassador("2026-10-16", "E02"));
    assert_eq!(unit_of("2026-10-16", "E15"), unit("A"));
    assert_eq!(unit_of("2026-10-16", "E16"), unit("B"));
    assert_eq!(ambassadors(&mid_october), (1, vec![]));
    assert_eq!((headcount(&mid_october, "A"), headcount(&mid_october, "B")), (7, 5));

    // 31 October: E16 moved too (from 22 October).
    let end_of_october = assess(&snapshot, "2026-10-31");
    assert_eq!(unit_of("2026-10-31", "E16"), unit("A"));
    assert_eq!(ambassadors(&end_of_october), (1, vec![]));
    assert_eq!((headcount(&end_of_october, "A"), headcount(&end_of_october, "B")), (8, 4));

    // The document itself keeps its base facts and its changes.
    assert_eq!(snapshot.member(key("E15")).unwrap().unit, unit("B"));
    assert_eq!(snapshot.organisation().changes.len(), 4);
}

#[test]
fn an_ambassador_appointed_on_a_day_counts_from_that_day() {
    let snapshot = scenario();
    // The day before and the day itself: the appointment takes effect on its day, inclusive.
    assert_eq!(ambassadors(&assess(&snapshot, "2026-09-30")), (0, vec![unit("A")]));
    assert_eq!(ambassadors(&assess(&snapshot, "2026-10-01")), (1, vec![]));
    // The role scope counts holders present on the day.
    let ambassadors_scope = |on: &str| {
        let a = assess(&snapshot, on);
        a.kpis.scopes.iter().find(|s| s.scope == Scope::Role(Role::Ambassador)).unwrap().headcount
    };
    assert_eq!((ambassadors_scope("2026-09-30"), ambassadors_scope("2026-10-01")), (1, 2));
}

#[test]
fn a_transfer_moves_the_members_usage_to_the_new_unit_from_its_day() {
    let snapshot = scenario();
    // 14 October, trailing week 8-14 October: E15 used AI on the 12th, in B.
    let before = assess(&snapshot, "2026-10-14");
    assert_eq!(weekly_active(&before, "A"), (0, 6));
    assert_eq!(weekly_active(&before, "B"), (1, 6));
    // 21 October, trailing week 15-21 October: E15 used AI on the 19th, now in A.
    let after = assess(&snapshot, "2026-10-21");
    assert_eq!(weekly_active(&after, "A"), (1, 7));
    assert_eq!(weekly_active(&after, "B"), (0, 5));
    // The weekly series follows the members of the unit on `as_of` (docs/metrics.md, "Dated
    // facts"): on 21 October, A's week of 12 October holds E15's use of that Monday.
    let a = after.kpis.scopes.iter().find(|s| s.scope == Scope::Unit(unit("A"))).unwrap();
    let Figure::Value(f) = &a.figures else { panic!("A is withheld") };
    let week = f.weekly.iter().find(|w| w.week_start == day("2026-10-12")).unwrap();
    let Figure::Value(rate) = &week.weekly_active else { panic!("week withheld") };
    assert_eq!((rate.numerator, rate.denominator), (1, 7));
}

#[test]
fn a_literacy_change_changes_the_audience_of_a_literacy_targeted_training() {
    let snapshot = scenario();
    let audience = |on: &str| {
        let a = assess(&snapshot, on);
        let training = a.actions.actions.iter().find(|x| x.code == "activity:training").unwrap();
        training.audience.clone()
    };
    let mut beginners = vec![key("E03"), key("E04")];
    beginners.sort();
    assert_eq!(audience("2026-10-19"), beginners);
    assert_eq!(audience("2026-10-20"), vec![key("E04")]);
    assert_eq!(snapshot.on(day("2026-10-20")).member(key("E03")).unwrap().literacy, Some(LiteracyTier::Intermediate));
}

#[test]
fn a_unit_that_drops_below_the_minimum_group_after_a_transfer_is_withheld() {
    let snapshot = scenario();
    // B has 5 members on 21 October (the minimum group size) and 4 from 22 October.
    let shown = assess(&snapshot, "2026-10-21");
    assert_eq!(headcount(&shown, "B"), 5);
    assert!(figures_shown(&shown, "B"));
    let withheld = assess(&snapshot, "2026-10-22");
    assert_eq!(headcount(&withheld, "B"), 4);
    assert!(!figures_shown(&withheld, "B"));
    // And the same document without the changes shows B on 22 October: the dated units decide.
    let undated = load(&document(members(), json!([]))).unwrap();
    assert!(figures_shown(&assess(&undated, "2026-10-22"), "B"));
}

#[test]
fn without_changes_the_organisation_on_a_day_is_the_snapshot_itself() {
    let undated = load(&document(members(), json!([]))).unwrap();
    assert!(matches!(undated.on(day("2026-10-22")), std::borrow::Cow::Borrowed(_)));
    // Resolved once, the organisation has no changes left: resolving it again copies nothing.
    let snapshot = scenario();
    let resolved = snapshot.on(day("2026-10-22"));
    assert!(resolved.organisation().changes.is_empty());
    assert!(matches!(resolved.on(day("2026-09-01")), std::borrow::Cow::Borrowed(_)));
}

#[test]
fn members_and_units_in_changes_may_be_named_by_uuid_key_or_e_mail() {
    let mut members = members();
    members[10]["email"] = json!("E15@Example.jp");
    let doc = document(members, json!([{ "member": "e15@example.jp", "on": "2026-10-15", "unit": "A" }]));
    let snapshot = load(&doc).unwrap();
    assert_eq!(snapshot.organisation().changes[0].member, key("E15"));
    assert_eq!(snapshot.on(day("2026-10-15")).member(key("E15")).unwrap().unit, unit("A"));
}

#[test]
fn a_bad_change_is_named_by_its_number_from_one_and_the_members_key() {
    let mut members = members();
    members[2]["name"] = json!("伊藤 修");
    let doc = document(members, json!([{ "member": "E03", "on": "2026-10-01", "remove_roles": ["ambassador"] }]));
    let errors = crate::support::errors(&doc);
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].to_string(),
        "change #1 of member `E03` (伊藤 修) removes role `ambassador`, which the member does not hold before 2026-10-01"
    );
}

/// `members` with every change of `changes` dated on or before `on` applied, by hand on the
/// JSON: the oracle the engine's resolution is checked against.
fn rewritten(mut members: Value, changes: &Value, on: &str) -> Value {
    let mut due: Vec<&Value> = changes.as_array().unwrap().iter().filter(|c| c["on"].as_str().unwrap() <= on).collect();
    due.sort_by_key(|c| c["on"].as_str().unwrap().to_owned());
    for c in due {
        let m = members.as_array_mut().unwrap().iter_mut().find(|m| m["key"] == c["member"]).unwrap();
        for field in ["unit", "literacy", "age_band"] {
            if let Some(v) = c.get(field) {
                m[field] = v.clone();
            }
        }
        let mut roles: Vec<String> =
            m["roles"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_owned()).collect();
        for r in c.get("remove_roles").and_then(Value::as_array).into_iter().flatten() {
            roles.retain(|x| x != r.as_str().unwrap());
        }
        for r in c.get("add_roles").and_then(Value::as_array).into_iter().flatten() {
            roles.push(r.as_str().unwrap().to_owned());
        }
        roles.sort();
        roles.dedup();
        m["roles"] = json!(roles);
    }
    members
}

/// Random valid changes: transfers, literacy and age band changes, and role toggles (an
/// appointment of a role not held, or a removal of one held), at most one change per member and
/// day.
fn arbitrary_changes() -> impl Strategy<Value = Value> {
    let keys = ["E01", "E02", "E03", "E04", "E05", "E06", "E11", "E12", "E13", "E14", "E15", "E16"];
    prop::collection::vec((0..keys.len(), 0u32..60, 0u8..4, 0u8..3), 0..24).prop_map(move |raw| {
        let base = members();
        // The roles each member holds, as the changes so far (in date order) leave them.
        let mut rows: Vec<(usize, u32, u8, u8)> = raw;
        rows.sort_by_key(|&(m, d, _, _)| (d, m));
        rows.dedup_by_key(|&mut (m, d, _, _)| (m, d));
        let mut roles: Vec<Vec<String>> = base
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["roles"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_owned()).collect())
            .collect();
        let mut out = Vec::new();
        for (m, d, kind, value) in rows {
            let on = (day("2026-09-01") + chrono::Days::new(u64::from(d))).to_string();
            let mut c = json!({ "member": keys[m], "on": on });
            match kind {
                0 => c["unit"] = json!(["A", "B", "A"][usize::from(value)]),
                1 => c["literacy"] = json!(["beginner", "intermediate", "advanced"][usize::from(value)]),
                2 => c["age_band"] = json!(["20s_30s", "40s_50s", "60_plus"][usize::from(value)]),
                _ => {
                    let role = ["ambassador", "manager", "executive"][usize::from(value)];
                    let held = &mut roles[m];
                    if let Some(i) = held.iter().position(|r| r == role) {
                        held.remove(i);
                        c["remove_roles"] = json!([role]);
                    } else {
                        held.push(role.to_owned());
                        c["add_roles"] = json!([role]);
                    }
                }
            }
            out.push(c);
        }
        // Document order need not be date order.
        out.reverse();
        Value::Array(out)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// A document with changes assessed on a day gives the same bytes as the document whose
    /// members were rewritten to that day's facts, with no changes.
    #[test]
    fn assessing_with_changes_equals_assessing_the_facts_of_the_day(changes in arbitrary_changes(), d in 0u64..70) {
        let on = (day("2026-09-01") + chrono::Days::new(d)).to_string();
        let dated = load(&document(members(), changes.clone())).unwrap();
        let plain = load(&document(rewritten(members(), &changes, &on), json!([]))).unwrap();
        let a = serde_json::to_string(&teichaku::assess(&dated, day(&on)).unwrap()).unwrap();
        let b = serde_json::to_string(&teichaku::assess(&plain, day(&on)).unwrap()).unwrap();
        prop_assert!(a == b, "assessments differ on {on}");
        let overview_a = serde_json::to_string(&teichaku::overview(&dated, day(&on))).unwrap();
        let overview_b = serde_json::to_string(&teichaku::overview(&plain, day(&on))).unwrap();
        prop_assert!(overview_a == overview_b, "overviews differ on {on}");
    }
}

#[test]
fn changes_appear_in_the_document_schema() {
    let schema = teichaku::model::__private::schemars::schema_for!(teichaku::model::AssessmentDocument);
    let schema = serde_json::to_value(&schema).unwrap();
    let defs = &schema["$defs"];
    let organisation = &defs["Organisation"]["properties"];
    assert_eq!(organisation["changes"]["type"], "array", "{organisation}");
    let change = &defs["MemberChange"];
    let properties: Vec<&str> = change["properties"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(properties, ["add_roles", "age_band", "literacy", "member", "on", "remove_roles", "unit"]);
    assert_eq!(change["required"], json!(["member", "on"]));
    assert_eq!(change["additionalProperties"], json!(false));
}

#[test]
fn a_hundred_thousand_changes_validate_and_resolve_in_one_pass() {
    // 20,000 members with five changes each, listed newest first: validation walks each member's
    // changes in date order and resolution applies them once, so neither is quadratic.
    let n = 20_000;
    let members: Vec<Value> = (0..n)
        .map(|i| person(&format!("E{i:05}"), if i % 2 == 0 { "A" } else { "B" }, &["staff"], Some("beginner")))
        .collect();
    let mut changes = Vec::with_capacity(5 * n);
    for i in 0..n {
        let k = format!("E{i:05}");
        changes.push(json!({ "member": k, "on": "2026-09-05", "age_band": "40s_50s" }));
        changes.push(json!({ "member": k, "on": "2026-09-04", "remove_roles": ["ambassador"] }));
        changes.push(json!({ "member": k, "on": "2026-09-03", "add_roles": ["ambassador"] }));
        changes.push(json!({ "member": k, "on": "2026-09-02", "literacy": "advanced" }));
        changes.push(json!({ "member": k, "on": "2026-09-01", "unit": if i % 2 == 0 { "B" } else { "A" } }));
    }
    let mut doc = document(json!(members), json!(changes));
    doc["observations"]["usage"] = json!([]);
    let snapshot = load(&doc).unwrap();
    let on = |d: &str| snapshot.on(day(d));
    assert_eq!(on("2026-08-31").members_holding(Role::Ambassador).count(), 0);
    let third = on("2026-09-03");
    assert_eq!(third.members_holding(Role::Ambassador).count(), n);
    assert!(third.organisation().members.iter().all(|m| m.literacy == Some(LiteracyTier::Advanced)));
    assert_eq!(third.member(key("E00000")).unwrap().unit, unit("B"));
    let fifth = on("2026-09-05");
    assert_eq!(fifth.members_holding(Role::Ambassador).count(), 0);
    assert!(fifth.organisation().members.iter().all(|m| m.age_band.is_some()));
}
