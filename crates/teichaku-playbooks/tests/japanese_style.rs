//! The Japanese text of every built-in playbook keeps one style (see `docs/playbooks.md`):
//! plain form (常体) throughout, titles without a closing 。, and full-width brackets
//! (「」 and （）) inside Japanese text. Each rule is a check a machine can make: a sentence
//! ending in the polite form (です・ます), a polite form before a conjunction (〜ますが), a
//! half-width bracket or quote, a title ending in 。.

use serde_json::Value;
use teichaku_playbooks::BUILTIN_SOURCES;

/// The polite endings a sentence may not end with, and the polite forms a clause may not end
/// with before a conjunction.
const POLITE_ENDINGS: [&str; 7] = ["です", "ます", "ません", "ました", "でした", "ましょう", "ください"];
const POLITE_CLAUSES: [&str; 6] = ["ますが", "ですが", "ませんが", "ますので", "ですので", "ましたが"];

/// Where a text sits (its path in the document, ending in the field, such as `title`) and its
/// Japanese.
fn japanese_texts(value: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(ja)) = map.get("ja") {
                out.push((path.to_owned(), ja.clone()));
            }
            for (key, v) in map {
                japanese_texts(v, &format!("{path}.{key}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                japanese_texts(v, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// What is wrong with the style of `text` found at `path`.
fn style_problems(path: &str, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(c) = text.chars().find(|c| "()[]{}\"".contains(*c)) {
        problems.push(format!("half-width `{c}`: write 「」 or （）"));
    }
    for sentence in text.split('。').map(str::trim).filter(|s| !s.is_empty()) {
        if let Some(end) = POLITE_ENDINGS.iter().find(|e| sentence.ends_with(*e)) {
            problems.push(format!("a sentence ends in the polite `{end}`: {sentence}"));
        }
    }
    for clause in POLITE_CLAUSES {
        if text.contains(clause) {
            problems.push(format!("a polite clause `{clause}`"));
        }
    }
    let field = path.rsplit('.').next().unwrap_or_default();
    if matches!(field, "title" | "label" | "name") && text.ends_with('。') {
        problems.push("a title ends in 。".to_owned());
    }
    problems
}

#[test]
fn the_checks_find_what_they_look_for() {
    assert!(style_problems("x.summary", "研修を行う。毎日使う習慣にする。").is_empty());
    assert_eq!(style_problems("x.summary", "研修を行います。").len(), 1);
    assert_eq!(style_problems("x.summary", "専任でなくても構いませんが、時間が必要だ。").len(), 1);
    assert_eq!(style_problems("x.title", "AI定例会議を開く(週1回)").len(), 1);
    assert_eq!(style_problems("x.title", "AI定例会議を開く。").len(), 1);
    assert!(style_problems("x.title", "AI定例会議を開く（週1回）").is_empty());
}

#[test]
fn every_builtin_playbook_keeps_one_japanese_style() {
    let mut problems = Vec::new();
    let mut texts = 0;
    for (id, json) in BUILTIN_SOURCES {
        let document: Value = serde_json::from_str(json).unwrap_or(Value::Null);
        let mut found = Vec::new();
        japanese_texts(&document, id, &mut found);
        texts += found.len();
        for (path, text) in found {
            problems.extend(style_problems(&path, &text).into_iter().map(|p| format!("{path}: {p}")));
        }
    }
    assert!(texts > 500, "the Japanese texts are found ({texts})");
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
