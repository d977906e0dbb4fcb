//! Organisations at the scale of the limits: up to 100,000 units with one member each, either
//! flat (one head unit over all others) or deep (one parent chain), following a built-in
//! playbook, with per-unit completions if asked. The documents are JSON text, so the command
//! line reads exactly what the benchmarks do (`scale-docs` writes them to files).
//!
//! Every tenth member used AI on seven days (2026-04-13 to 19, five minutes each); member 0 is
//! the executive, member 1 the promotion lead, every tenth from member 2 an ambassador, the
//! rest staff; everyone joined on 2020-04-01, launch was 2026-04-01, hybrid deployment.

use std::fmt::Write as _;

/// How the units hang together.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Shape {
    /// One head unit, every other unit directly under it.
    Flat,
    /// One parent chain: unit `i` under unit `i − 1`.
    Deep,
}

/// The per-unit activities of `sme-five-step` that completions are recorded for, in the
/// playbook's order.
pub const COMPLETED: [&str; 4] = ["daily-ai-task", "name-unit-ai-contact", "collect-success-case", "engage-non-users"];

/// The kinds of task of the extra usage events, in turn; each event is written as
/// `{"member":"…","at":"2026-04-01T09:15:00+09:00","minutes":5,"task":"writing"}` (about 115
/// bytes).
pub const TASKS: [&str; 4] = ["writing", "summarising", "translation", "coding"];

/// The day the assessments of these documents count to.
pub const AS_OF: &str = "2026-11-01";

fn uuid(n: u64) -> String {
    format!("00000000-0000-0000-0000-{n:012x}")
}

fn unit_id(i: usize) -> String {
    uuid(0x1_0000_0000 + i as u64)
}

/// The `playbook` field naming the built-in playbook `id`.
pub fn builtin(id: &str) -> String {
    format!(r#"{{"builtin":"{id}"}}"#)
}

/// The `playbook` field holding `sme-five-step` inline with each of its ten per-unit activities
/// twice (the copy after the original, see [`crate::rollout_set::replicate_per_unit`]): 20
/// instances per unit and 26 for the organisation, so 99,998 units come within 14 of the
/// 2,000,000-instance limit.
pub fn sme_doubled() -> String {
    let catalog = teichaku::Catalog::builtin();
    let Ok(id) = teichaku::model::PlaybookId::new("sme-five-step") else { return builtin("sme-five-step") };
    let Some(playbook) = teichaku::model::PlaybookCatalog::playbook(&catalog, &id) else {
        return builtin("sme-five-step");
    };
    let doubled = crate::rollout_set::replicate_per_unit(playbook, 2);
    let text = serde_json::to_string(&doubled).unwrap_or_default();
    format!(r#"{{"inline":{text}}}"#)
}

/// A document of `units` units (each with one member) of `shape`, following `playbook` (the
/// text of the document's `playbook` field: [`builtin`] or [`sme_doubled`]), with `completions` per-unit completions: completion `j` is of activity
/// `COMPLETED[j / units % 4]` in unit `j % units`, on day 60 + `j / units` after launch, so every
/// unit gets one activity's completion before any gets the next; and `events` more usage events
/// (see [`TASKS`]), event `k` by member `k % units` on day `k / units % 200` after launch.
pub fn document(units: usize, shape: Shape, playbook: &str, completions: usize, events: usize) -> String {
    staffed(units, 1, shape, playbook, completions, events)
}

/// [`document`] with `per_unit` members in each unit (at least one): the first as in
/// [`document`], the others staff who joined with them and use nothing. At five a unit (the
/// default minimum group size) every unit shows its figures and is scored, so each unit's score
/// reads its absolute conditions (`sme-five-step`'s read its completions).
///
/// ```
/// let text = teichaku_benches::scale::staffed(3, 5, teichaku_benches::scale::Shape::Flat,
///     &teichaku_benches::scale::builtin("sme-five-step"), 6, 0);
/// let doc: serde_json::Value = serde_json::from_str(&text)?;
/// assert_eq!(doc["organisation"]["members"].as_array().map(Vec::len), Some(15));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn staffed(
    units: usize,
    per_unit: usize,
    shape: Shape,
    playbook: &str,
    completions: usize,
    events: usize,
) -> String {
    let per_unit = per_unit.max(1);
    let mut out = String::with_capacity(units * 300 * per_unit + completions * 120 + events * 120);
    out.push_str(r#"{"version":1,"organisation":{"name":"Scale","utc_offset":"+09:00","launch_date":"2026-04-01","deployment_pattern":"hybrid","units":["#);
    for i in 0..units {
        let sep = if i == 0 { "" } else { "," };
        let parent = match (shape, i) {
            (_, 0) => String::new(),
            (Shape::Flat, _) => format!(r#","parent":"{}""#, unit_id(0)),
            (Shape::Deep, _) => format!(r#","parent":"{}""#, unit_id(i - 1)),
        };
        let name = if i == 0 && shape == Shape::Flat { "Head".to_owned() } else { format!("U{i}") };
        let _ = write!(out, r#"{sep}{{"id":"{}","name":"{name}"{parent}}}"#, unit_id(i));
    }
    out.push_str(r#"],"members":["#);
    for i in 0..units {
        let sep = if i == 0 { "" } else { "," };
        let roles = match i {
            0 => r#"["executive"]"#,
            1 => r#"["promotion_lead"]"#,
            _ if i % 10 == 2 => r#"["ambassador","staff"]"#,
            _ => r#"["staff"]"#,
        };
        let _ = write!(
            out,
            r#"{sep}{{"id":"{}","unit":"{}","roles":{roles},"joined":"2020-04-01"}}"#,
            uuid(0x2_0000_0000 + i as u64),
            unit_id(i)
        );
        for k in 1..per_unit {
            let _ = write!(
                out,
                r#",{{"id":"{}","unit":"{}","roles":["staff"],"joined":"2020-04-01"}}"#,
                uuid(0x3_0000_0000 + (i * per_unit + k) as u64),
                unit_id(i)
            );
        }
    }
    let _ = write!(out, r#"]}},"playbook":{playbook},"observations":{{"usage":["#);
    let mut first = true;
    for i in (0..units).step_by(10) {
        for day in 13..20 {
            let sep = if first { "" } else { "," };
            first = false;
            let _ = write!(
                out,
                r#"{sep}{{"member":"{}","at":"2026-04-{day:02}T09:00:00+09:00","minutes":5}}"#,
                uuid(0x2_0000_0000 + i as u64)
            );
        }
    }
    let launch = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap_or_default();
    for k in 0..events {
        let sep = if first { "" } else { "," };
        first = false;
        let member = uuid(0x2_0000_0000 + (k % units.max(1)) as u64);
        let day = launch + chrono::Days::new((k / units.max(1) % 200) as u64);
        let task = TASKS.get(k % TASKS.len()).copied().unwrap_or("writing");
        let minutes = 5 + k % 30;
        let _ = write!(
            out,
            r#"{sep}{{"member":"{member}","at":"{day}T09:15:00+09:00","minutes":{minutes},"task":"{task}"}}"#
        );
    }
    out.push_str(r#"],"completions":["#);
    for j in 0..completions {
        let sep = if j == 0 { "" } else { "," };
        let round = j / units.max(1);
        let activity = COMPLETED.get(round % COMPLETED.len()).copied().unwrap_or("daily-ai-task");
        let day = launch + chrono::Days::new(60 + round as u64);
        let _ =
            write!(out, r#"{sep}{{"activity":"{activity}","unit":"{}","date":"{day}"}}"#, unit_id(j % units.max(1)));
    }
    out.push_str("]}}");
    out
}

/// `text` (a document of this module) with `records` more records on its members, in turn:
/// record `k` is a survey answer, a proposal, a consultation (resolved for every other one), an
/// incident or a success case (`k % 5`) of member `k / 5 % members` (so five records a member
/// give each member one of each), dated `k % 28` days before [`AS_OF`], so every record counts
/// on that day. A scope's survey, proposal, consultation,
/// incident and success-case figures read them.
///
/// ```
/// let text = teichaku_benches::scale::staffed(3, 5, teichaku_benches::scale::Shape::Flat,
///     &teichaku_benches::scale::builtin("sme-five-step"), 0, 0);
/// let doc: serde_json::Value = serde_json::from_str(&teichaku_benches::scale::with_records(&text, 10))?;
/// assert_eq!(doc["observations"]["surveys"].as_array().map(Vec::len), Some(2));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn with_records(text: &str, records: usize) -> String {
    let Ok(mut doc) = serde_json::from_str::<serde_json::Value>(text) else { return text.to_owned() };
    let members: Vec<serde_json::Value> = doc["organisation"]["members"]
        .as_array()
        .map(|list| list.iter().map(|m| m["id"].clone()).collect())
        .unwrap_or_default();
    let as_of = AS_OF.parse::<chrono::NaiveDate>().unwrap_or_default();
    let mut lists: [Vec<serde_json::Value>; 5] = Default::default();
    for k in 0..records {
        let Some(member) = members.get(k / 5 % members.len().max(1)).cloned() else { break };
        let id = uuid(0x5_0000_0000 + k as u64);
        let day = (as_of - chrono::Days::new((k % 28) as u64)).to_string();
        let record = match k % 5 {
            0 => serde_json::json!({ "id": id, "date": day, "member": member,
                                     "satisfaction": 1 + k % 5, "uses_ai": k % 3 > 0 }),
            1 => serde_json::json!({ "id": id, "member": member, "submitted": day }),
            2 if k % 2 == 0 => serde_json::json!({ "id": id, "member": member, "opened": day, "resolved": AS_OF }),
            2 => serde_json::json!({ "id": id, "member": member, "opened": day }),
            3 => serde_json::json!({ "id": id, "member": member, "date": day, "severity": "low" }),
            _ => serde_json::json!({ "id": id, "member": member, "date": day }),
        };
        if let Some(list) = lists.get_mut(k % 5) {
            list.push(record);
        }
    }
    for (kind, list) in ["surveys", "proposals", "consultations", "incidents", "success_cases"].into_iter().zip(lists) {
        doc["observations"][kind] = serde_json::Value::Array(list);
    }
    doc.to_string()
}

/// `text` (a document of this module) with one completion of the per-unit activity `activity`
/// in each unit, unit `i` done on the `i`-th day after launch (2026-04-01): every unit reviews
/// on a day of its own, so review packs ask for as many distinct days as there are units
/// (`weekly-pdca-review` of `exec-led-design`; assess with `--as-of 2053-12-01` to have 10,000
/// of them in the past).
///
/// ```
/// let text = teichaku_benches::scale::staffed(3, 1, teichaku_benches::scale::Shape::Flat,
///     &teichaku_benches::scale::builtin("exec-led-design"), 0, 0);
/// let doc: serde_json::Value =
///     serde_json::from_str(&teichaku_benches::scale::with_reviews_spread(&text, "weekly-pdca-review"))?;
/// assert_eq!(doc["observations"]["completions"][2]["date"], "2026-04-03");
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn with_reviews_spread(text: &str, activity: &str) -> String {
    let Ok(mut doc) = serde_json::from_str::<serde_json::Value>(text) else { return text.to_owned() };
    let units: Vec<serde_json::Value> = doc["organisation"]["units"]
        .as_array()
        .map(|list| list.iter().map(|u| u["id"].clone()).collect())
        .unwrap_or_default();
    let launch = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap_or_default();
    let mut completions = doc["observations"]["completions"].as_array().cloned().unwrap_or_default();
    for (i, unit) in units.into_iter().enumerate() {
        let day = launch + chrono::Days::new(i as u64);
        completions.push(serde_json::json!({ "activity": activity, "unit": unit, "date": day.to_string() }));
    }
    doc["observations"]["completions"] = serde_json::Value::Array(completions);
    doc.to_string()
}

/// `text` with every member but the first two joining on the day [`with_reviews_spread`] gives
/// their unit's review (unit `i`: the `i`-th day after launch, 2026-04-01), so that every review
/// day has groups of its own and the privacy rule changes from one to the next.
///
/// ```
/// let text = teichaku_benches::scale::staffed(3, 1, teichaku_benches::scale::Shape::Flat,
///     &teichaku_benches::scale::builtin("exec-led-design"), 0, 0);
/// let doc: serde_json::Value =
///     serde_json::from_str(&teichaku_benches::scale::with_joining_spread(&text))?;
/// assert_eq!(doc["organisation"]["members"][2]["joined"], "2026-04-03");
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn with_joining_spread(text: &str) -> String {
    let Ok(mut doc) = serde_json::from_str::<serde_json::Value>(text) else { return text.to_owned() };
    let units: std::collections::HashMap<String, u64> = doc["organisation"]["units"]
        .as_array()
        .map(|list| {
            list.iter().enumerate().map(|(i, u)| (u["id"].as_str().unwrap_or("").to_owned(), i as u64)).collect()
        })
        .unwrap_or_default();
    let launch = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap_or_default();
    if let Some(members) = doc["organisation"]["members"].as_array_mut() {
        for member in members.iter_mut().skip(2) {
            if let Some(&i) = member["unit"].as_str().and_then(|u| units.get(u)) {
                member["joined"] = serde_json::Value::String((launch + chrono::Days::new(i)).to_string());
            }
        }
    }
    doc.to_string()
}

/// [`document`] read and validated with the built-in playbooks.
///
/// # Errors
///
/// When the document does not load (past a limit, say).
pub fn snapshot(
    units: usize,
    shape: Shape,
    playbook: &str,
    completions: usize,
) -> Result<teichaku::model::ValidSnapshot, teichaku::LoadError> {
    teichaku::load(&document(units, shape, playbook, completions, 0), &teichaku::Catalog::builtin())
}
