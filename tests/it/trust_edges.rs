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
/// held the name shows it exactly (in DOT, where activity titles are wrapped to fit a page, the
/// same characters in the same order, line breaks and spaces aside).
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
            let expected = plain_label.replace("Plain", HOSTILE);
            if i < 2 {
                assert_eq!(label, &expected, "graph {i}");
            } else {
                let unwrapped = |s: &str| s.chars().filter(|c| !matches!(c, ' ' | '\n')).collect::<String>();
                assert_eq!(unwrapped(label), unwrapped(&expected), "graph {i}");
            }
            shown += plain_label.matches("Plain").count();
        }
        assert!(shown >= 2, "graph {i} shows the name {shown} times");
    }
    // The DOT plan names the hostile unit's training instance in one node, with the unit's name.
    let dot = &hostile[3];
    let (_, labels) = dot_parts(dot);
    // (Its title is wrapped to fit a page: compared with line breaks and spaces aside.)
    let unwrapped = |s: &str| s.chars().filter(|c| !matches!(c, ' ' | '\n')).collect::<String>();
    let both = unwrapped(&format!("{HOSTILE}\n{HOSTILE}"));
    assert_eq!(labels.iter().filter(|l| unwrapped(l).contains(&both)).count(), 1, "{dot}");
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

fn uuid(n: u128) -> String {
    format!("00000000-0000-0000-0000-{n:012x}")
}

/// The date `back` days before 2026-04-20, the `as_of` of these tests.
fn days_before_as_of(back: u8) -> chrono::NaiveDate {
    AS_OF.parse::<chrono::NaiveDate>().unwrap() - chrono::Days::new(u64::from(back))
}

const AS_OF: &str = "2026-04-20";

/// One member of a generated organisation: their unit (by position), how many days before
/// `as_of` they joined (`None`: years ago), the days (before `as_of`) they used AI on, and a
/// survey answer.
#[derive(Clone, Debug)]
struct Person {
    unit: usize,
    joined_back: Option<u8>,
    days: Vec<u8>,
    answer: Option<&'static str>,
}

/// small.json's playbook over an organisation of `units` (each with its parent's position) and
/// `people`, launched on 2026-01-05, no waves, the people's usage and answers as the only
/// observations. The first person holds no role; the others are staff, and the second an
/// executive.
fn org_doc(units: &[Option<usize>], people: &[Person]) -> Value {
    let mut doc = small();
    set(&mut doc, "/organisation/launch_date", json!("2026-01-05"));
    let units: Vec<Value> = units
        .iter()
        .enumerate()
        .map(|(u, parent)| {
            let mut unit = json!({ "id": uuid(1 + u as u128), "name": format!("U{u}") });
            if let Some(p) = parent {
                unit["parent"] = json!(uuid(1 + *p as u128));
            }
            unit
        })
        .collect();
    let (mut members, mut usage, mut surveys) = (Vec::new(), Vec::new(), Vec::new());
    for (i, p) in people.iter().enumerate() {
        let id = uuid(0x100 + i as u128);
        let roles = match i {
            0 => json!([]),
            1 => json!(["executive", "promotion_lead"]),
            _ => json!(["staff"]),
        };
        let joined = p.joined_back.map_or_else(|| "2020-04-01".to_owned(), |b| days_before_as_of(b).to_string());
        members.push(json!({ "id": id, "unit": uuid(1 + p.unit as u128), "roles": roles, "joined": joined }));
        for &back in &p.days {
            let at = format!("{}T10:00:00+09:00", days_before_as_of(back));
            usage.push(json!({ "member": id, "at": at, "minutes": 5 + back % 7 }));
        }
        if let Some(reason) = p.answer {
            surveys.push(json!({ "id": uuid(0x900 + i as u128), "date": "2026-04-15", "member": id,
                                 "uses_ai": false, "non_user_reason": reason }));
        }
    }
    set(&mut doc, "/organisation/units", json!(units));
    set(&mut doc, "/organisation/members", json!(members));
    set(&mut doc, "/organisation/waves", json!([]));
    for list in doc["observations"].as_object_mut().unwrap().values_mut() {
        *list = json!([]);
    }
    set(&mut doc, "/observations/usage", json!(usage));
    set(&mut doc, "/observations/surveys", json!(surveys));
    doc
}

/// Every output of the library about `doc` on `as_of`, as JSON or text: the KPI report (with
/// cohorts and per-scope weekly series), the assessment, the overview, the plan as Mermaid and
/// DOT, a what-if with the plan's first instance done, and the ranking of single actions.
fn every_output(doc: &Value) -> Vec<String> {
    let snapshot = load(doc).unwrap();
    let as_of = AS_OF.parse().unwrap();
    let mut options = teichaku::metrics::KpiOptions::default();
    options.compare_with = Some(days_before_as_of(35));
    let kpis = teichaku::kpis(&snapshot, as_of, &options).unwrap();
    let assessment = teichaku::assess(&snapshot, as_of).unwrap();
    let first = &assessment.plan.instances[0];
    let done = teichaku::model::Completion::new(first.key.activity.clone(), as_of).in_unit(first.key.unit);
    let extra = teichaku::model::Observations::new().with_completion(done);
    let events = teichaku::snapshot_events(&snapshot).unwrap();
    let what_if = teichaku::simulate(&snapshot, &events, as_of, extra, &Default::default()).unwrap();
    let ranked = teichaku::best_single_action(&snapshot, &assessment).unwrap();
    vec![
        serde_json::to_string(&kpis).unwrap(),
        serde_json::to_string(&assessment).unwrap(),
        serde_json::to_string(&teichaku::overview(&snapshot, as_of)).unwrap(),
        plan_mermaid(&snapshot, &assessment.plan, Lang::En),
        plan_dot(&snapshot, &assessment.plan, Lang::En),
        serde_json::to_string(&what_if).unwrap(),
        serde_json::to_string(&ranked).unwrap(),
    ]
}

fn usage_days() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
    use proptest::prelude::*;
    prop::collection::btree_set(0u8..=90, 0..10).prop_map(|s| s.into_iter().collect())
}

fn answer() -> impl proptest::strategy::Strategy<Value = Option<&'static str>> {
    use proptest::prelude::*;
    prop::option::of(prop::sample::select(vec!["anxious", "skeptical", "uninterested"]))
}

mod properties {
    use proptest::prelude::*;
    use teichaku::metrics::{Figure, KpiOptions, Scope, ScopeFigures};

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// An organisation under the minimum group size shows no figure at all: whatever one of
        /// its members does (usage on any day, a survey answer), every output of the library
        /// (JSON of the KPIs with cohorts, of the assessment, the overview, the what-if and the
        /// ranking of actions; the plan as Mermaid and DOT) stays byte for byte the same, event
        /// counts included.
        #[test]
        fn nothing_moves_in_an_organisation_under_the_minimum(
            size in 1usize..=4,
            split in any::<bool>(),
            days in prop::collection::vec(usage_days(), 4),
            theirs in (usage_days(), usage_days()),
            answers in (answer(), answer()),
        ) {
            let units = [None, Some(0)];
            let people = |mine: &Vec<u8>, answer| -> Vec<Person> {
                (0..size)
                    .map(|i| Person {
                        unit: usize::from(split && i % 2 == 1),
                        joined_back: None,
                        days: if i == 0 { mine.clone() } else { days[i].clone() },
                        answer: if i == 0 { answer } else { None },
                    })
                    .collect()
            };
            let one = every_output(&org_doc(&units, &people(&theirs.0, answers.0)));
            let two = every_output(&org_doc(&units, &people(&theirs.1, answers.1)));
            for (x, y) in one.iter().zip(&two) {
                prop_assert_eq!(x, y);
            }
            let kpis: Value = serde_json::from_str(&one[0]).unwrap();
            prop_assert_eq!(&kpis["events"], &Value::Null);
            let overview: Value = serde_json::from_str(&one[2]).unwrap();
            prop_assert_eq!(&overview["observed"], &Value::Null);
        }

        /// The weekly series and the cohorts follow the disclosure rule week by week: in every
        /// week, for every parent whose week is shown (the organisation over its top units, a unit
        /// over its children), the members it counts beyond its shown children are none or at
        /// least the minimum, so no withheld unit's week (nor its cohort) is a parent's figure
        /// minus its siblings'. Members join during the series, so a week's groups are not those
        /// of `as_of`. A withheld week shows no rate and no minutes.
        #[test]
        fn no_withheld_week_is_a_parent_minus_its_shown_children(
            people in prop::collection::vec(
                (0usize..4, prop::option::weighted(0.5, 0u8..=90), usage_days()), 4..32),
        ) {
            // U0, U1 and U2 at the top, U3 under U0.
            let units = [None, None, None, Some(0)];
            let people: Vec<Person> = people
                .into_iter()
                .map(|(unit, joined_back, days)| Person { unit, joined_back, days, answer: None })
                .collect();
            let snapshot = load(&org_doc(&units, &people)).unwrap();
            let mut options = KpiOptions::default();
            options.compare_with = Some(days_before_as_of(35));
            let report = teichaku::kpis(&snapshot, AS_OF.parse().unwrap(), &options).unwrap();
            let min = u64::from(report.settings.min_group_size);
            let unit = |u: u128| Scope::Unit(teichaku::model::UnitId::from_u128(1 + u));
            let figures = |scope: &Scope| -> Option<&ScopeFigures> {
                report.scopes.iter().find(|s| &s.scope == scope).and_then(|s| s.figures.value())
            };
            let families = [(Scope::Organisation, vec![unit(0), unit(1), unit(2)]), (unit(0), vec![unit(3)])];
            let weeks = report.settings.series_weeks as usize;
            for (parent, children) in &families {
                let Some(p) = figures(parent) else { continue };
                for w in 0..weeks {
                    let shown = |f: &ScopeFigures| f.weekly[w].weekly_active.value().map(|r| r.denominator);
                    let Some(whole) = shown(p) else { continue };
                    let seen: u64 = children.iter().filter_map(|c| figures(c).and_then(shown)).sum();
                    let rest = whole - seen;
                    prop_assert!(rest == 0 || rest >= min, "{parent:?}, week {w}: {whole} minus shown children leaves {rest}");
                }
                let cohort = |f: &ScopeFigures| match &f.cohort {
                    Some(Figure::Value(c)) => Some(c.members),
                    _ => None,
                };
                if let Some(whole) = cohort(p) {
                    let seen: u64 = children.iter().filter_map(|c| figures(c).and_then(cohort)).sum();
                    let rest = whole - seen;
                    prop_assert!(rest == 0 || rest >= min, "{parent:?} cohort: {whole} minus shown children leaves {rest}");
                }
            }
            for s in report.scopes.iter().filter_map(|s| s.figures.value()) {
                for week in &s.weekly {
                    if week.weekly_active == Figure::Suppressed {
                        prop_assert_eq!(week.habit, Figure::Suppressed);
                        prop_assert_eq!(week.minutes, None);
                    }
                }
            }
        }
    }
}

/// The worked example: three units of five, six and six members on `as_of`, the first with two
/// who joined three weeks ago. In the weeks before, that unit had three members, so its week is
/// withheld; the organisation's week minus the two others' would have been those three members'
/// (it was, before the weekly series followed the rule). Now the smaller of the others is
/// withheld in those weeks too, and the organisation's week minus the one shown unit is nine.
#[test]
fn a_unit_smaller_in_earlier_weeks_is_not_its_parent_minus_its_siblings() {
    let units = [None, None, None];
    let mut people = Vec::new();
    for (unit, size) in [(0, 5), (1, 6), (2, 7)] {
        for k in 0..size {
            let joined_back = (unit == 0 && k >= 3).then_some(20);
            people.push(Person { unit, joined_back, days: vec![1, 8, 15, 22, 29], answer: None });
        }
    }
    let snapshot = load(&org_doc(&units, &people)).unwrap();
    let report = teichaku::kpis(&snapshot, AS_OF.parse().unwrap(), &Default::default()).unwrap();
    let week = |u: Option<u128>, w: usize| {
        let scope = u.map_or(teichaku::metrics::Scope::Organisation, |u| {
            teichaku::metrics::Scope::Unit(teichaku::model::UnitId::from_u128(1 + u))
        });
        let s = report.scopes.iter().find(|s| s.scope == scope).unwrap();
        let f = s.figures.value().unwrap();
        (f.weekly[w].weekly_active.value().map(|r| r.denominator), f.weekly[w].minutes)
    };
    // This week and the last two: every unit is shown.
    assert_eq!(
        [week(None, 0).0, week(Some(0), 0).0, week(Some(1), 0).0, week(Some(2), 0).0],
        [Some(18), Some(5), Some(6), Some(7)]
    );
    // Four weeks back: U0 had three members. U1 (six, the smaller other) is withheld with it.
    assert_eq!(week(None, 4).0, Some(16));
    assert_eq!(week(Some(0), 4), (None, None));
    assert_eq!(week(Some(1), 4), (None, None));
    assert_eq!(week(Some(2), 4).0, Some(7));
}

mod rollup_property {
    use proptest::prelude::*;
    use teichaku::rules::{FactValue, GroupFigures, Subject, builtin, evaluate_batch, rollup};

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// `evaluate --rollup`: the groups split the overall roll-up, so when it is shown the
        /// evaluated subjects outside the shown groups are none or at least the minimum: no
        /// withheld group's mean or bands is the overall's minus the shown groups'. (Sales of 5
        /// and legal of 1 used to show both the overall and sales: legal's one person by
        /// subtraction.)
        #[test]
        fn no_withheld_group_is_the_overall_minus_the_shown_groups(
            sizes in prop::collection::vec(0usize..9, 1..5),
            ungrouped in 0usize..4,
            min in 1usize..7,
        ) {
            let rubric = builtin("ai-use-in-appraisal@1").unwrap();
            let mut subjects = Vec::new();
            for (g, &size) in sizes.iter().enumerate() {
                for k in 0..size {
                    let facts = rubric.facts([("usage_days_28", FactValue::Number((3 * k % 20) as f64))]).unwrap();
                    subjects.push(Subject::new(format!("g{g}-{k}"), facts).in_group(format!("group {g}")));
                }
            }
            for k in 0..ungrouped {
                let facts = rubric.facts([("usage_days_28", FactValue::Number(k as f64))]).unwrap();
                subjects.push(Subject::new(format!("x-{k}"), facts));
            }
            let report = rollup(&rubric, &evaluate_batch(&rubric, &subjects), min).unwrap();
            let shown = |f: &GroupFigures| matches!(f, GroupFigures::Shown { .. });
            if shown(&report.overall.figures) {
                let seen: usize = report.groups.iter().filter(|g| shown(&g.figures)).map(|g| g.evaluated).sum();
                let rest = report.overall.evaluated - seen;
                prop_assert!(rest == 0 || rest >= min, "{sizes:?} + {ungrouped}, minimum {min}: rest {rest}");
            }
            for g in &report.groups {
                prop_assert_eq!(shown(&g.figures), g.evaluated >= min);
            }
        }
    }
}
