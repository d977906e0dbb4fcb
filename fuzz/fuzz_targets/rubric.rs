//! A rubric and a facts row from raw bytes: parse, compile and evaluate. The input is the rubric
//! JSON, then a NUL byte, then the facts as a JSON object of name to value. When the rubric does
//! not compile, the facts are evaluated against the built-in rubric instead, so evaluation sees
//! arbitrary facts either way. Any panic, hang or unbounded allocation is a bug; errors are fine.

#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use teichaku::model::Limits;
use teichaku::rules::{CompiledRubric, FactValue, ai_use_in_appraisal, compile, evaluate, parse_rubric_with_limits};

fn builtin() -> &'static CompiledRubric {
    static RUBRIC: OnceLock<CompiledRubric> = OnceLock::new();
    RUBRIC.get_or_init(ai_use_in_appraisal)
}

fuzz_target!(|data: &[u8]| {
    let (rubric_bytes, facts_bytes) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let compiled = std::str::from_utf8(rubric_bytes)
        .ok()
        .and_then(|t| parse_rubric_with_limits(t, &Limits::DEFAULT).ok())
        .and_then(|r| compile(r).ok());
    let rubric = compiled.as_ref().unwrap_or_else(|| builtin());
    let Ok(text) = std::str::from_utf8(facts_bytes) else { return };
    let Ok(named) = serde_json::from_str::<BTreeMap<String, FactValue>>(text) else { return };
    if let Ok(facts) = rubric.facts(named.iter().map(|(k, v)| (k.as_str(), v.clone()))) {
        if let Ok(evaluation) = evaluate(rubric, &facts) {
            let _ = serde_json::to_string(&evaluation);
        }
    }
    // The same values by position, whatever their kinds: a row that does not fit the rubric.
    let row = named.into_values().map(Some).collect();
    let _ = evaluate(rubric, &teichaku::rules::Facts::from_values(row));
});
