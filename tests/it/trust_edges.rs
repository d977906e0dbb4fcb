//! Trust at the edges: graph exports that names cannot forge, figures of small groups that no
//! output shows, and the weekly series under the same disclosure rule as the other figures.

use serde_json::{Value, json};
use teichaku::model::{Lang, parse_playbook};
use teichaku::rollout::{plan, plan_dot, plan_mermaid, playbook_dot, playbook_mermaid};

use crate::support::{load, set, small};

/// A name that tries everything a label can do wrong in Mermaid or DOT: close its quotes and
/// brackets, start an edge and a node, leave its line, open a directive or a comment, carry HTML,
/// entity codes and character references, Graphviz escapes and a bidirectional override.
const HOSTILE: &str = "Sales\"] --> x[\"pwned\"]; y{z}\n%%{init: {'theme':'dark'}}%%\r<b>b</b> #quot; &amp; &#35; \
                       a:#35; `md` \\N \\\"\u{202e}é 営業 -> evil -- \"x\" --> done";

/// small.json with `name` as the title of the `training` activity (drawn per unit), of the first
/// phase, and as the name of the unit `Sales`.
fn named(name: &str) -> Value {
    let mut doc = small();
    set(&mut doc, "/playbook/inline/activities/1/title/en", json!(name));
    set(&mut doc, "/playbook/inline/phases/0/title/en", json!(name));
    set(&mut doc, "/organisation/units/1/name", json!(name));
    doc
}

/// The four graph exports of `doc` on 2026-04-20: the playbook and the plan, as Mermaid and DOT.
fn graphs(doc: &Value) -> [String; 4] {
    let playbook = parse_playbook(&doc["playbook"]["inline"].to_string()).unwrap();
    let snapshot = load(doc).unwrap();
    let p = plan(&snapshot, "2026-04-20".parse().unwrap());
    [
        playbook_mermaid(&playbook, Lang::En),
        plan_mermaid(&snapshot, &p, Lang::En),
        playbook_dot(&playbook, Lang::En),
        plan_dot(&snapshot, &p, Lang::En),
    ]
}

/// A Mermaid flowchart split into its skeleton (each quoted label replaced by `""`, as Mermaid's
/// lexer reads a quoted string: up to the next `"`) and its labels, decoded as Mermaid decodes
/// them (entity codes, `<br/>`) and as the escapes of the export show them (`\u{..}`).
fn mermaid_parts(text: &str) -> (String, Vec<String>) {
    let mut skeleton = String::new();
    let mut labels = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('"') {
        skeleton.push_str(&rest[..=open]);
        let after = &rest[open + 1..];
        let close = after.find('"').expect("every label is closed");
        labels.push(decode_mermaid(&after[..close]));
        skeleton.push('"');
        rest = &after[close + 1..];
    }
    skeleton.push_str(rest);
    (skeleton, labels)
}

fn decode_mermaid(label: &str) -> String {
    assert!(!label.contains(['\n', '\r']), "a raw line break in {label:?}");
    assert!(!label.contains("%%"), "a directive or comment could start in {label:?}");
    assert!(!label.contains(['[', ']', '{', '}', '`', '"']), "a raw bracket in {label:?}");
    let label = label.replace("<br/>", "\n");
    assert!(!label.contains(['<', '>']), "raw HTML in {label:?}");
    let mut out = String::new();
    let mut rest = label.as_str();
    while let Some(at) = rest.find('&') {
        // `&` followed by a letter, a digit or `#` would be read as a character reference.
        let next = rest[at + 1..].chars().next();
        assert!(!next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '#'), "a raw `&` before a reference");
        rest = &rest[at + 1..];
    }
    let mut rest = label.as_str();
    while let Some(at) = rest.find('#') {
        out.push_str(&rest[..at]);
        let code = &rest[at + 1..];
        let end = code.find(';').expect("every `#` starts an entity code");
        out.push(match &code[..end] {
            "quot" => '"',
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            n => char::from_u32(n.parse().expect("a numeric entity")).unwrap(),
        });
        rest = &code[end + 1..];
    }
    out.push_str(rest);
    unescape_u(&out)
}

/// A DOT text split into its skeleton (each quoted string replaced by `""`, as DOT's lexer reads
/// one: up to a `"` not escaped) and its strings, decoded as Graphviz shows a label (`\n` a line
/// break, `\\` a backslash, `&amp;` an ampersand).
fn dot_parts(text: &str) -> (String, Vec<String>) {
    let mut skeleton = String::new();
    let mut labels = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        skeleton.push(c);
        if c != '"' {
            continue;
        }
        let mut label = String::new();
        loop {
            match chars.next().expect("every string is closed") {
                '"' => break,
                '\\' => match chars.next().unwrap() {
                    'n' => label.push('\n'),
                    '"' => label.push('"'),
                    '\\' => label.push('\\'),
                    other => panic!("a Graphviz escape `\\{other}` in a label"),
                },
                '\n' | '\r' => panic!("a raw line break in a string"),
                c => label.push(c),
            }
        }
        skeleton.push('"');
        let label = label.replace("&amp;", "&");
        labels.push(unescape_u(&label));
    }
    (skeleton, labels)
}

/// `\u{..}` escapes back to their characters.
fn unescape_u(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("\\u{") {
        out.push_str(&rest[..at]);
        let code = &rest[at + 3..];
        let end = code.find('}').unwrap();
        out.push(char::from_u32(u32::from_str_radix(&code[..end], 16).unwrap()).unwrap());
        rest = &code[end + 1..];
    }
    out.push_str(rest);
    out
}

/// A hostile title, phase title and unit name yield the same graph as a plain one: the same
/// nodes, the same edges, nothing else on any line, each on its own lines, and every label that
/// held the name shows it exactly.
#[test]
fn a_hostile_name_is_one_label_in_every_graph_export() {
    let plain = graphs(&named("Plain"));
    let hostile = graphs(&named(HOSTILE));
    for (i, (plain, hostile)) in plain.iter().zip(&hostile).enumerate() {
        let ((plain_skeleton, plain_labels), (skeleton, labels)) =
            if i < 2 { (mermaid_parts(plain), mermaid_parts(hostile)) } else { (dot_parts(plain), dot_parts(hostile)) };
        assert_eq!(skeleton, plain_skeleton, "graph {i}: the structure moved\n{hostile}");
        assert_eq!(hostile.lines().count(), plain.lines().count(), "graph {i}");
        assert_eq!(labels.len(), plain_labels.len());
        let mut shown = 0;
        for (label, plain_label) in labels.iter().zip(&plain_labels) {
            // The same label with the name in place of "Plain".
            assert_eq!(label, &plain_label.replace("Plain", HOSTILE), "graph {i}");
            shown += plain_label.matches("Plain").count();
        }
        assert!(shown >= 2, "graph {i} shows the name {shown} times");
    }
    // The DOT plan names the hostile unit's training instance in one node, with the unit's name.
    let dot = &hostile[3];
    let (_, labels) = dot_parts(dot);
    assert_eq!(labels.iter().filter(|l| l.contains(&format!("{HOSTILE}\n{HOSTILE}"))).count(), 1, "{dot}");
}

/// Each escape, one character at a time, in the Mermaid and the DOT exports of a playbook.
#[test]
fn graph_labels_escape_each_character_by_its_format() {
    let cases: [(&str, &str, &str); 12] = [
        ("\"", "#quot;", "\\\""),
        ("]", "#93;", "]"),
        ("{}", "#123;#125;", "{}"),
        ("<b>", "#lt;b#gt;", "<b>"),
        ("a\nb", "a<br/>b", "a\\nb"),
        ("a\rb", "a\\u#123;d#125;b", "a\\\\u{d}b"),
        ("#quot;", "#35;quot;", "#quot;"),
        ("&amp;", "#amp;amp;", "&amp;amp;"),
        ("R&D", "R#amp;D", "R&amp;D"),
        ("Q & A", "Q & A", "Q & A"),
        ("%%{init}%%", "#37;#37;#123;init#125;#37;#37;", "%%{init}%%"),
        ("\\N", "\\N", "\\\\N"),
    ];
    for (title, mermaid, dot) in cases {
        let playbook = parse_playbook(&named(title)["playbook"]["inline"].to_string()).unwrap();
        let text = playbook_mermaid(&playbook, Lang::En);
        assert!(text.contains(&format!("training<br/>{mermaid}\"")), "{title:?}:\n{text}");
        let text = playbook_dot(&playbook, Lang::En);
        assert!(text.contains(&format!("\"training\\n{dot}\"")), "{title:?}:\n{text}");
    }
}
