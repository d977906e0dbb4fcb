//! Usage events as a streamed export: CSV with a header (the `teichaku` command line's format)
//! or, when the input starts with `{`, JSON Lines. Each row goes through
//! `EventStoreBuilder::push_parts`, the store is built and, when it holds an event, the small
//! test organisation is assessed over it at a fixed date. Any panic, hang or unbounded
//! allocation is a bug; errors are fine.
//!
//! The command line's own reader lives in its binary (`crates/teichaku-cli/src/events.rs`) and is
//! not reachable as a library; this target reads rows the same way and fuzzes the engine side.

#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use teichaku::metrics::EventStoreBuilder;
use teichaku::model::{MemberId, TaskCategory, Timestamp, ToolId, UsageEvent, ValidSnapshot};

const SMALL: &str = include_str!("../../tests/data/small.json");

fn snapshot() -> &'static ValidSnapshot {
    static SNAPSHOT: OnceLock<ValidSnapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| match teichaku::load(SMALL, &teichaku::Catalog::builtin()) {
        Ok(s) => s,
        Err(e) => panic!("the small test document loads: {e}"),
    })
}

fuzz_target!(|data: &[u8]| {
    let snapshot = snapshot();
    let members: BTreeMap<MemberId, u32> =
        snapshot.organisation().members.iter().enumerate().map(|(i, m)| (m.id, i as u32)).collect();
    let mut builder = EventStoreBuilder::new(snapshot);
    if data.first() == Some(&b'{') {
        let Ok(text) = std::str::from_utf8(data) else { return };
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let Ok(event) = serde_json::from_str::<UsageEvent>(line) else { continue };
            let Some(&index) = members.get(&event.member) else { continue };
            let _ = builder.push_parts(
                index,
                &event.at,
                event.minutes,
                event.saved_minutes,
                event.task.as_ref(),
                event.tool.as_ref(),
            );
        }
    } else {
        let mut csv = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(data);
        let Ok(headers) = csv.headers().cloned() else { return };
        let column = |wanted: &str| headers.iter().position(|h| h.trim_start_matches('\u{feff}').trim() == wanted);
        let (Some(member_col), Some(at_col)) = (column("member"), column("at")) else { return };
        let (minutes_col, task_col, tool_col, saved_col) =
            (column("minutes"), column("task"), column("tool"), column("saved_minutes"));
        let mut record = csv::StringRecord::new();
        loop {
            match csv.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(_) => continue,
            }
            let field = |col: Option<usize>| col.and_then(|c| record.get(c)).map(str::trim).filter(|s| !s.is_empty());
            let row = (|| -> Option<()> {
                let member: MemberId = field(Some(member_col))?.parse().ok()?;
                let index = *members.get(&member)?;
                let at = Timestamp::from(field(Some(at_col))?);
                let number = |col| field(col).map(|s| s.parse::<f64>().ok());
                let minutes = number(minutes_col).map_or(Some(0.0), |m| m)?;
                let saved = match number(saved_col) {
                    None => None,
                    Some(s) => Some(s?),
                };
                let task = field(task_col).map(TaskCategory::new).transpose().ok()?;
                let tool = field(tool_col).map(ToolId::new).transpose().ok()?;
                builder.push_parts(index, &at, minutes, saved, task.as_ref(), tool.as_ref()).ok()
            })();
            let _ = row;
        }
    }
    let Ok(store) = builder.finish() else { return };
    // Assessing takes about a millisecond; do it only when some event made it into the store.
    if store.is_empty() {
        return;
    }
    let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or_default();
    if let Ok(assessment) = teichaku::assess_with_store(snapshot, &store, as_of, &Default::default()) {
        let _ = serde_json::to_string(&assessment);
    }
});
