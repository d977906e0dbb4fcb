//! A playbook drawn as a graph: phases as clusters, activities as nodes, dependencies as edges.
//!
//! Per-unit activities are drawn as double-bordered boxes, recurring ones carry `↻` and their
//! cadence, and an edge from a timing anchor is labelled with its window (`≤7d`, `30–37d`).
//! Node names come from the playbook's order, so the text is the same for the same playbook.

use std::fmt::Write as _;

use teichaku_model::{Activity, ActivityScope, Anchor, Lang, Playbook, Timing};

/// The playbook as a Mermaid flowchart, titled with the playbook's title, id and revision, with
/// a legend.
///
/// ```
/// use teichaku_model::{Lang, parse_playbook};
/// let playbook = parse_playbook(r#"{
///   "version": 1, "id": "tiny", "revision": 1,
///   "title": { "en": "Tiny", "ja": "小" }, "summary": { "en": "", "ja": "" },
///   "phases": [{ "id": "start", "title": { "en": "Start", "ja": "開始" },
///                "summary": { "en": "", "ja": "" }, "gate": { "criteria": [] } }],
///   "activities": [
///     { "id": "train", "phase": "start", "title": { "en": "Training", "ja": "研修" },
///       "owner": "promotion_lead", "scope": "per_unit", "duration_days": 1 },
///     { "id": "practice", "phase": "start", "title": { "en": "Practice task", "ja": "実務課題" },
///       "owner": "manager", "scope": "per_unit", "duration_days": 5,
///       "timing": { "after": { "activity": "train" }, "due_within_days": 7 } }] }"#)?;
/// let text = teichaku_rollout::playbook_mermaid(&playbook, Lang::En);
/// assert!(text.contains(r#"a0 -- "≤7d" --> a1"#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn playbook_mermaid(playbook: &Playbook, lang: Lang) -> String {
    let title = format!("{} ({} rev {})", playbook.title.get(lang), playbook.id, playbook.revision);
    let mut out = format!("---\ntitle: {}\n---\nflowchart TD\n", yaml_text(&title));
    let _ = writeln!(
        out,
        "  subgraph legend[\"{}\"]\n    direction LR\n    legend_org[\"{}\"]\n    legend_unit[[\"{}\"]]\n    legend_recur[\"{}\"]\n    legend_org -- \"{}\" --> legend_unit\n  end",
        mermaid_text(in_lang(lang, "Legend", "凡例")),
        mermaid_text(in_lang(lang, "once for the organisation", "全社で1回")),
        mermaid_text(in_lang(lang, "once per unit", "部署ごと")),
        mermaid_text(in_lang(lang, "↻ recurring, every N days", "↻ N日ごとに繰り返す")),
        mermaid_text(in_lang(lang, "window in days", "期間（日）")),
    );
    for (p, phase) in playbook.phases.iter().enumerate() {
        let _ = writeln!(out, "  subgraph p{p}[\"{}\"]", mermaid_text(&phase_label(p, phase.title.get(lang))));
        for (i, a) in activities_of(playbook, &phase.id) {
            let label = mermaid_text(&activity_label(a, lang, false));
            let _ = match a.scope {
                ActivityScope::PerUnit => writeln!(out, "    a{i}[[\"{label}\"]]"),
                _ => writeln!(out, "    a{i}[\"{label}\"]"),
            };
        }
        out.push_str("  end\n");
    }
    for (p, _) in playbook.phases.iter().enumerate().skip(1) {
        let _ = writeln!(out, "  p{} ~~~ p{p}", p - 1);
    }
    for (from, to, window) in edges(playbook) {
        let _ = match window {
            Some(w) => writeln!(out, "  a{from} -- \"{w}\" --> a{to}"),
            None => writeln!(out, "  a{from} --> a{to}"),
        };
    }
    out
}

/// The playbook as a Graphviz DOT digraph, titled and with a legend like [`playbook_mermaid`],
/// drawn left to right with titles wrapped at 24 columns and scaled to fit 7.5 × 10.5 inches.
///
/// ```
/// # use teichaku_model::{Lang, parse_playbook};
/// # let playbook = parse_playbook(r#"{
/// #   "version": 1, "id": "tiny", "revision": 1,
/// #   "title": { "en": "Tiny", "ja": "小" }, "summary": { "en": "", "ja": "" },
/// #   "phases": [{ "id": "start", "title": { "en": "Start", "ja": "開始" },
/// #                "summary": { "en": "", "ja": "" }, "gate": { "criteria": [] } }],
/// #   "activities": [] }"#)?;
/// let dot = teichaku_rollout::playbook_dot(&playbook, Lang::Ja);
/// assert!(dot.starts_with("digraph \"tiny\" {"));
/// assert!(dot.contains("label=\"1. 開始\""));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn playbook_dot(playbook: &Playbook, lang: Lang) -> String {
    let title = format!("{} ({} rev {})", playbook.title.get(lang), playbook.id, playbook.revision);
    let mut out = format!(
        "digraph {} {{\n  label={};\n  labelloc=t;\n  fontsize=14;\n  rankdir=LR;\n  newrank=true;\n  {PAGE}\n  node [shape=box, fontsize=10];\n",
        dot_text(playbook.id.as_str()),
        dot_text(&title)
    );
    let _ = writeln!(
        out,
        "  subgraph cluster_legend {{\n    label={};\n    legend_org [label={}];\n    legend_unit [label={}, peripheries=2];\n    legend_recur [label={}];\n    legend_org -> legend_unit [label={}, style=dashed];\n  }}",
        dot_text(in_lang(lang, "Legend", "凡例")),
        dot_text(in_lang(lang, "once for the organisation", "全社で1回")),
        dot_text(in_lang(lang, "once per unit", "部署ごと")),
        dot_text(in_lang(lang, "↻ recurring, every N days", "↻ N日ごとに繰り返す")),
        dot_text(in_lang(lang, "window in days", "期間（日）")),
    );
    for (p, phase) in playbook.phases.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph cluster_p{p} {{\n    label={};",
            dot_text(&phase_label(p, phase.title.get(lang)))
        );
        for (i, a) in activities_of(playbook, &phase.id) {
            let peripheries = if a.scope == ActivityScope::PerUnit { ", peripheries=2" } else { "" };
            let _ = writeln!(out, "    a{i} [label={}{peripheries}];", dot_text(&activity_label(a, lang, true)));
        }
        out.push_str("  }\n");
    }
    for (from, to, window) in edges(playbook) {
        let _ = match window {
            Some(w) => writeln!(out, "  a{from} -> a{to} [label={}, style=dashed];", dot_text(&w)),
            None => writeln!(out, "  a{from} -> a{to};"),
        };
    }
    out.push_str("}\n");
    out
}

fn phase_label(index: usize, title: &str) -> String {
    format!("{}. {title}", index + 1)
}

/// An activity's label: its id, its title (wrapped for DOT, as `wrapped` asks), its cadence and
/// its window after launch.
fn activity_label(a: &Activity, lang: Lang, wrapped: bool) -> String {
    let title = if wrapped { wrap(a.title.get(lang)) } else { a.title.get(lang).to_owned() };
    let mut label = format!("{}\n{title}", a.id);
    if let Some(r) = &a.recurrence {
        let _ = write!(label, "\n↻ {}d", r.every_days);
        if let Some(later) = r.once_retained_every_days {
            let _ = write!(label, " → {later}d");
        }
    }
    if let Some(Timing { after: Anchor::Launch, not_before_days, due_within_days, .. }) = &a.timing {
        let _ = write!(label, "\nlaunch {}", window(*not_before_days, *due_within_days));
    }
    label
}

fn activities_of<'a>(
    playbook: &'a Playbook,
    phase: &'a teichaku_model::PhaseId,
) -> impl Iterator<Item = (usize, &'a Activity)> {
    playbook.activities.iter().enumerate().filter(move |(_, a)| &a.phase == phase)
}

/// Every dependency edge as (from, to, window label), in playbook order; unknown ids are skipped.
fn edges(playbook: &Playbook) -> Vec<(usize, usize, Option<String>)> {
    let position = |id| playbook.activities.iter().position(|a| &a.id == id);
    let mut out = Vec::new();
    for (to, a) in playbook.activities.iter().enumerate() {
        let anchor = match &a.timing {
            Some(Timing { after: Anchor::Activity(anchor), not_before_days, due_within_days, .. }) => {
                Some((anchor, window(*not_before_days, *due_within_days)))
            }
            _ => None,
        };
        for dep in a.prerequisites() {
            let Some(from) = position(dep) else { continue };
            let label = anchor.as_ref().filter(|(id, _)| *id == dep).map(|(_, w)| w.clone());
            out.push((from, to, label));
        }
    }
    out
}

fn window(not_before: u32, due: Option<u32>) -> String {
    match (not_before, due) {
        (0, Some(due)) => format!("≤{due}d"),
        (from, Some(due)) => format!("{from}–{due}d"),
        (from, None) => format!("≥{from}d"),
    }
}

/// `s` as the text of a Mermaid label written between double quotes, showing exactly `s`.
///
/// Mermaid ends a quoted label at the next `"` and decodes `#name;` and `#123;` entity codes in
/// it before the label is drawn as HTML; it also looks for `%%{` directives and `style …:…#…;`
/// anywhere in the text. So the quote, `#` (which would start an entity), `<` and `>` (HTML),
/// `&` before a letter, a digit or `#` (an HTML character reference), `%`, the brackets and
/// braces, the backtick (a Markdown label) and a `:` directly followed by more text are written
/// as entity codes; a line break becomes `<br/>`; other control characters, the Unicode line and
/// paragraph separators and the bidirectional overrides are shown as `\u{..}` (its braces as
/// entity codes too). Nothing in the label can close it, start a node or an edge, or leave the line.
fn mermaid_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        match c {
            '"' => out.push_str("#quot;"),
            '\n' => out.push_str("<br/>"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '&' if next.is_some_and(starts_reference) => out.push_str("#amp;"),
            '%' => out.push_str("#37;"),
            '[' => out.push_str("#91;"),
            ']' => out.push_str("#93;"),
            '{' => out.push_str("#123;"),
            '}' => out.push_str("#125;"),
            '`' => out.push_str("#96;"),
            ':' if next.is_some_and(|n| !n.is_whitespace()) => out.push_str("#58;"),
            c if hidden(c) => {
                let _ = write!(out, "\\u#123;{:x}#125;", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// `s` as a DOT quoted string (quotes included), showing exactly `s` as a label.
///
/// A DOT string ends at the first `"` not written `\"`, and Graphviz reads backslash sequences
/// (`\n`, `\l`, `\N`, …) in labels and decodes HTML character references (`&amp;`, `&#35;`).
/// So the quote and the backslash are escaped, `&` before a letter, a digit or `#` is written `&amp;`, a line break
/// becomes `\n`, and other control characters, the Unicode line and paragraph separators and the
/// bidirectional overrides are shown as `\u{..}`: the string never leaves its line or its quotes.
fn dot_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '&' if next.is_some_and(starts_reference) => out.push_str("&amp;"),
            c if hidden(c) => {
                let _ = write!(out, "\\\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `c`, after an `&`, could make it the start of an HTML character reference.
fn starts_reference(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '#'
}

/// Whether `c` must not be written as it is in a label: a control character (other than the line
/// break, which the formats write their own way), a Unicode line or paragraph separator, or a
/// bidirectional override that would reorder what is shown.
fn hidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The instantiated rollout as a Mermaid flowchart, titled with the organisation, the date and
/// the playbook, with a legend; one subgraph per phase, each instance styled by its status (done,
/// ready, blocked, overdue) and named by activity and unit; each wave's gate is a hexagon
/// (`g1`, `g2`, … by the wave's position in the data, labelled with waves numbered from 1 as
/// the text report numbers them: `g1` reads "wave 2 may start"), done once passed, with edges
/// from what it waits for to what waits for it.
///
/// ```
/// # fn inputs() -> (teichaku_model::ValidSnapshot, teichaku_rollout::RolloutPlan) { unimplemented!() }
/// # if false {
/// let (snapshot, plan) = inputs();
/// let text = teichaku_rollout::plan_mermaid(&snapshot, &plan, teichaku_model::Lang::En);
/// assert!(text.contains("classDef overdue"));
/// # }
/// ```
pub fn plan_mermaid(snapshot: &teichaku_model::ValidSnapshot, plan: &crate::RolloutPlan, lang: Lang) -> String {
    let snapshot = &*snapshot.on(plan.as_of);
    let mut out = format!("---\ntitle: {}\n---\nflowchart TD\n", yaml_text(&plan_title(snapshot, plan, lang)));
    out.push_str("  classDef done fill:#d4edda,stroke:#2e7d32\n");
    out.push_str("  classDef ready fill:#fff3cd,stroke:#b8860b\n");
    out.push_str("  classDef blocked fill:#eeeeee,stroke:#888888\n");
    out.push_str("  classDef overdue fill:#f8d7da,stroke:#c62828\n");
    let _ = writeln!(out, "  subgraph legend[\"{}\"]\n    direction LR", mermaid_text(in_lang(lang, "Legend", "凡例")));
    for status in LEGEND {
        let _ = writeln!(
            out,
            "    legend_{}[\"{}\"]:::{}",
            status_class(status),
            mermaid_text(status_word(status, lang)),
            status_class(status)
        );
    }
    let _ = writeln!(
        out,
        "    legend_gate{{{{\"{}\"}}}}:::blocked\n  end",
        mermaid_text(in_lang(
            lang,
            "a wave's gate (waves from 1: the pilot is wave 1)",
            "展開ウェーブの開始条件（パイロットが第1波）"
        ))
    );
    let position: std::collections::BTreeMap<&crate::InstanceKey, usize> =
        plan.instances.iter().enumerate().map(|(i, x)| (&x.key, i)).collect();
    let phases = &snapshot.playbook().phases;
    for (p, phase) in phases.iter().enumerate() {
        let _ = writeln!(out, "  subgraph p{p}[\"{}\"]", mermaid_text(&phase_label(p, phase.title.get(lang))));
        for (i, x) in plan.instances.iter().enumerate().filter(|(_, x)| x.phase == phase.id) {
            let title = snapshot.activity(&x.key.activity).map_or(x.key.activity.as_str(), |a| a.title.get(lang));
            let unit = x.key.unit.and_then(|u| snapshot.unit(u)).map(|u| format!(" · {}", u.name)).unwrap_or_default();
            let class = status_class(x.status);
            let _ = writeln!(out, "    i{i}[\"{}\"]:::{class}", mermaid_text(&format!("{title}{unit}")));
        }
        out.push_str("  end\n");
    }
    // An instance of a phase the playbook does not list (never, once validated) is still drawn.
    for (i, x) in plan.instances.iter().enumerate().filter(|(_, x)| !phases.iter().any(|p| p.id == x.phase)) {
        let title = snapshot.activity(&x.key.activity).map_or(x.key.activity.as_str(), |a| a.title.get(lang));
        let _ = writeln!(out, "  i{i}[\"{}\"]:::{}", mermaid_text(title), status_class(x.status));
    }
    for gate in &plan.wave_gates {
        let class = if gate.passed.is_some() { "done" } else { "blocked" };
        let _ = writeln!(out, "  g{}{{{{\"{}\"}}}}:::{class}", gate.wave, mermaid_text(&gate_label(gate.wave, lang)));
    }
    for (i, x) in plan.instances.iter().enumerate() {
        for p in &x.after {
            if let Some(j) = position.get(p) {
                let _ = writeln!(out, "  i{j} --> i{i}");
            }
        }
        if let Some(w) = x.wave_gate {
            let _ = writeln!(out, "  g{w} --> i{i}");
        }
    }
    for gate in &plan.wave_gates {
        for p in &gate.after {
            if let Some(j) = position.get(p) {
                let _ = writeln!(out, "  i{j} --> g{}", gate.wave);
            }
        }
    }
    out
}

/// The label of the gate a wave waits for. Waves are numbered from 1 for people, as the text
/// report numbers them (the pilot, `wave` 0 in the data, is wave 1), so the gate of `wave` 1 reads
/// "wave 2 may start".
fn gate_label(wave: usize, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("第{}波の開始条件", wave + 1),
        _ => format!("wave {} may start", wave + 1),
    }
}

/// The title of a drawn plan: the organisation, the date and the playbook.
fn plan_title(snapshot: &teichaku_model::ValidSnapshot, plan: &crate::RolloutPlan, lang: Lang) -> String {
    let pb = snapshot.playbook();
    format!(
        "{} — {} {} ({} rev {})",
        snapshot.organisation().name,
        in_lang(lang, "rollout as of", "展開計画 基準日"),
        plan.as_of,
        pb.id,
        pb.revision
    )
}

/// Columns of a line of a wrapped DOT label.
const WRAP_COLUMNS: usize = 24;

/// `s` broken into lines of about [`WRAP_COLUMNS`] columns (a wide character counts two) at
/// spaces, and between two wide characters (Japanese has no spaces), so that a node is narrow and
/// the drawing of a rollout left to right grows down the page rather than across it. A word of
/// narrow characters is never cut.
fn wrap(s: &str) -> String {
    let width = |w: &str| w.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum::<usize>();
    let mut out = String::with_capacity(s.len() + 8);
    let mut line = 0;
    for (n, word) in s.split(' ').enumerate() {
        if n > 0 {
            if line > 0 && line + 1 + width(word) > WRAP_COLUMNS {
                out.push('\n');
                line = 0;
            } else {
                out.push(' ');
                line += 1;
            }
        }
        let mut previous_wide = false;
        for c in word.chars() {
            let wide = is_wide(c);
            let w = if wide { 2 } else { 1 };
            if wide && previous_wide && line + w > WRAP_COLUMNS {
                out.push('\n');
                line = 0;
            }
            out.push(c);
            line += w;
            previous_wide = wide;
        }
    }
    out
}

/// Whether `c` takes two columns: an East Asian wide or full-width character.
fn is_wide(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x115f | 0x2e80..=0x303e | 0x3041..=0x33ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff
        | 0xa000..=0xa4cf | 0xac00..=0xd7a3 | 0xf900..=0xfaff | 0xfe30..=0xfe4f | 0xff00..=0xff60
        | 0xffe0..=0xffe6 | 0x20000..=0x3fffd)
}

/// The Graphviz page settings: drawn at most A4 less margins (7.5 × 10.5 inches), compressed
/// towards that shape rather than stretched.
const PAGE: &str = "size=\"7.5,10.5\";\n  ratio=compress;";

/// `s` as a single-quoted YAML scalar for Mermaid's front matter: the quote doubled, hidden
/// characters as spaces, so the title stays on its line.
fn yaml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("''"),
            c if hidden(c) || c == '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A status's word in a legend.
fn status_word(status: crate::Status, lang: Lang) -> &'static str {
    match status {
        crate::Status::Done => in_lang(lang, "done", "完了"),
        crate::Status::Ready => in_lang(lang, "ready", "着手可能"),
        crate::Status::Blocked => in_lang(lang, "blocked", "待ち"),
        crate::Status::Overdue => in_lang(lang, "overdue", "期限超過"),
    }
}

/// The instantiated rollout as a Graphviz DOT digraph, titled like [`plan_mermaid`], drawn left
/// to right with one cluster per phase and labels wrapped at 24 columns, so a rollout grows down
/// the page rather than across it, and scaled to fit 7.5 × 10.5 inches (A4 less margins):
/// one node per instance (`i0`, `i1`, … in
/// plan order) labelled with the activity's title and, for a per-unit instance, the unit's name;
/// filled and outlined by status (done, ready, blocked, overdue) with a legend; one edge per
/// prerequisite in `after`; each wave's gate a hexagon (`g1`, `g2`, …) between the instances it
/// waits for and those waiting for it.
///
/// Each node carries its status as its `class` (kept in SVG output), blocked instances have a
/// dashed outline and overdue ones a thick one, so the graph reads in grey as well as in colour.
///
/// ```
/// use teichaku_model::{Lang, PlaybookCatalog, Playbook, PlaybookId, parse_document, validate_document};
/// struct NoBuiltins;
/// impl PlaybookCatalog for NoBuiltins {
///     fn playbook(&self, _: &PlaybookId) -> Option<&Playbook> { None }
/// }
/// let document = parse_document(r#"{ "version": 1,
///   "organisation": { "name": "X", "utc_offset": "Z", "launch_date": "2026-04-01",
///     "deployment_pattern": "hybrid",
///     "units": [{ "id": "00000000-0000-0000-0000-000000000001", "name": "Sales" }],
///     "members": [] },
///   "playbook": { "inline": {
///     "version": 1, "id": "tiny", "revision": 1,
///     "title": { "en": "Tiny", "ja": "小" }, "summary": { "en": "", "ja": "" },
///     "phases": [{ "id": "start", "title": { "en": "Start", "ja": "開始" },
///                  "summary": { "en": "", "ja": "" }, "gate": { "criteria": [] } }],
///     "activities": [
///       { "id": "train", "phase": "start", "title": { "en": "Training", "ja": "研修" },
///         "owner": "promotion_lead", "scope": "per_unit", "duration_days": 1 },
///       { "id": "practice", "phase": "start", "title": { "en": "Practice task", "ja": "実務課題" },
///         "owner": "manager", "scope": "per_unit", "duration_days": 5, "depends_on": ["train"] }] } },
///   "observations": { "completions": [
///     { "activity": "train", "unit": "00000000-0000-0000-0000-000000000001", "date": "2026-04-02" }] } }"#)?;
/// let snapshot = validate_document(document, &NoBuiltins)?;
/// let plan = teichaku_rollout::plan(&snapshot, "2026-04-03".parse()?);
/// let dot = teichaku_rollout::plan_dot(&snapshot, &plan, Lang::En);
/// assert!(dot.starts_with("digraph \"tiny\" {"));
/// assert!(dot.contains(r#"i0 [label="Training\nSales", class="done""#));
/// assert!(dot.contains(r#"i1 [label="Practice task\nSales", class="ready""#));
/// assert!(dot.contains("i0 -> i1;"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn plan_dot(snapshot: &teichaku_model::ValidSnapshot, plan: &crate::RolloutPlan, lang: Lang) -> String {
    let snapshot = &*snapshot.on(plan.as_of);
    let mut out = format!(
        "digraph {} {{\n  label={};\n  labelloc=t;\n  fontsize=14;\n  rankdir=LR;\n  newrank=true;\n  {PAGE}\n  node [shape=box, style=\"rounded,filled\", fontsize=10];\n",
        dot_text(snapshot.playbook().id.as_str()),
        dot_text(&plan_title(snapshot, plan, lang))
    );
    let _ = writeln!(out, "  subgraph cluster_legend {{\n    label={};", dot_text(in_lang(lang, "Status", "状態")));
    for status in LEGEND {
        let _ = writeln!(
            out,
            "    legend_{} [label={}, {}];",
            status_class(status),
            dot_text(status_word(status, lang)),
            dot_status(status)
        );
    }
    let _ = writeln!(
        out,
        "    legend_gate [label={}, shape=hexagon, {}];",
        dot_text(in_lang(
            lang,
            "a wave's gate\n(waves from 1:\nthe pilot is wave 1)",
            "展開ウェーブの開始条件\n（パイロットが第1波）"
        )),
        dot_status(crate::Status::Blocked)
    );
    let chain: Vec<String> = LEGEND.iter().map(|&s| format!("legend_{}", status_class(s))).collect();
    let _ = writeln!(out, "    {} -> legend_gate [style=invis];\n  }}", chain.join(" -> "));
    let position: std::collections::BTreeMap<&crate::InstanceKey, usize> =
        plan.instances.iter().enumerate().map(|(i, x)| (&x.key, i)).collect();
    let label_of = |x: &crate::InstancePlan| {
        let title = snapshot.activity(&x.key.activity).map_or(x.key.activity.as_str(), |a| a.title.get(lang));
        match x.key.unit.and_then(|u| snapshot.unit(u)) {
            Some(unit) => format!("{}\n{}", wrap(title), unit.name),
            None => wrap(title),
        }
    };
    for (i, x) in plan.instances.iter().enumerate() {
        let _ = writeln!(out, "  i{i} [label={}, {}];", dot_text(&label_of(x)), dot_status(x.status));
    }
    // One cluster per phase, listing its instances, so the drawing reads phase by phase.
    for (p, phase) in snapshot.playbook().phases.iter().enumerate() {
        let members: Vec<String> = plan
            .instances
            .iter()
            .enumerate()
            .filter(|(_, x)| x.phase == phase.id)
            .map(|(i, _)| format!("i{i};"))
            .collect();
        let _ = writeln!(
            out,
            "  subgraph cluster_p{p} {{\n    label={};\n    {}\n  }}",
            dot_text(&phase_label(p, phase.title.get(lang))),
            members.join(" ")
        );
    }
    for gate in &plan.wave_gates {
        let status = if gate.passed.is_some() { crate::Status::Done } else { crate::Status::Blocked };
        let _ = writeln!(
            out,
            "  g{} [label={}, shape=hexagon, {}];",
            gate.wave,
            dot_text(&gate_label(gate.wave, lang)),
            dot_status(status)
        );
    }
    for (i, x) in plan.instances.iter().enumerate() {
        for p in &x.after {
            if let Some(j) = position.get(p) {
                let _ = writeln!(out, "  i{j} -> i{i};");
            }
        }
        if let Some(w) = x.wave_gate {
            let _ = writeln!(out, "  g{w} -> i{i};");
        }
    }
    for gate in &plan.wave_gates {
        for p in &gate.after {
            if let Some(j) = position.get(p) {
                let _ = writeln!(out, "  i{j} -> g{};", gate.wave);
            }
        }
    }
    out.push_str("}\n");
    out
}

/// The statuses in the order the DOT legend lists them.
const LEGEND: [crate::Status; 4] =
    [crate::Status::Done, crate::Status::Ready, crate::Status::Blocked, crate::Status::Overdue];

/// The class a status is drawn with, in Mermaid and DOT alike.
fn status_class(status: crate::Status) -> &'static str {
    match status {
        crate::Status::Done => "done",
        crate::Status::Ready => "ready",
        crate::Status::Blocked => "blocked",
        crate::Status::Overdue => "overdue",
    }
}

/// The DOT attributes of a status: its class, the colours of the Mermaid classes, and an
/// outline that tells blocked (dashed) and overdue (thick) apart without colour.
fn dot_status(status: crate::Status) -> String {
    let (fill, stroke, extra) = match status {
        crate::Status::Done => ("#d4edda", "#2e7d32", ""),
        crate::Status::Ready => ("#fff3cd", "#b8860b", ""),
        crate::Status::Blocked => ("#eeeeee", "#888888", ", style=\"rounded,filled,dashed\""),
        crate::Status::Overdue => ("#f8d7da", "#c62828", ", penwidth=2"),
    };
    format!("class=\"{}\", fillcolor=\"{fill}\", color=\"{stroke}\"{extra}", status_class(status))
}

/// `en` or `ja`, as `lang` asks.
fn in_lang(lang: Lang, en: &'static str, ja: &'static str) -> &'static str {
    match lang {
        Lang::Ja => ja,
        _ => en,
    }
}
