//! The JSON pre-scan: sizes, strings and nesting.

use super::*;

#[test]
fn the_scan_ignores_brackets_and_escaped_quotes_in_strings() {
    let limits = Limits { max_nesting: 2, max_string_bytes: 8, ..Limits::DEFAULT };
    assert_eq!(check_json(r#"{"a":["[[[[\"{{{{"]}"#, &limits).map_err(|e| e.what), Err(Limit::StringBytes));
    assert!(check_json(r#"{"a":["[[\"{{"]}"#, &limits).is_ok());
    assert_eq!(check_json(r#"{"a":[[1]]}"#, &limits), Err(LimitError { what: Limit::Nesting, limit: 2, found: 3 }));
    assert_eq!(
        check_json(r#""unterminated and long"#, &limits),
        Err(LimitError { what: Limit::StringBytes, limit: 8, found: 21 })
    );
}

#[test]
fn nesting_cannot_be_raised_past_serde_json() {
    let limits = Limits { max_nesting: 10_000, ..Limits::DEFAULT };
    let deep = "[".repeat(200);
    assert_eq!(check_json(&deep, &limits), Err(LimitError { what: Limit::Nesting, limit: 127, found: 200 }));
}

/// The default nesting limit is serde_json's own: what the scan lets through, serde_json parses,
/// and one level more serde_json refuses too (it is never built with `unbounded_depth`).
#[test]
fn the_nesting_limit_is_serde_json_recursion_limit() {
    let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let at_limit = nested(Limits::DEFAULT.max_nesting);
    assert!(check_json(&at_limit, &Limits::DEFAULT).is_ok());
    assert!(serde_json::from_str::<serde_json::Value>(&at_limit).is_ok());
    let past = nested(Limits::DEFAULT.max_nesting + 1);
    assert!(check_json(&past, &Limits::DEFAULT).is_err());
    let refused = serde_json::from_str::<serde_json::Value>(&past).map_err(|e| e.to_string());
    assert!(matches!(&refused, Err(e) if e.starts_with("recursion limit exceeded")), "{refused:?}");
}
