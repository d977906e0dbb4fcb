//! The HTML report and the schedule's Gantt chart (docs/report.md): every chart is there, the
//! page fetches nothing, withheld figures appear nowhere in it, the committed examples are what
//! the build makes today, and the drawn graphs number waves as the text report does.
//!
//! `TEICHAKU_BLESS=1 cargo test -p teichaku-tests --test it html_report` rewrites the example
//! pages under `examples/output/`; read them (and render them: `tests/browser/check.sh`) before
//! committing.

use std::path::{Path, PathBuf};

use serde_json::json;
use teichaku::model::Lang;
use teichaku::rollout::plan_mermaid;
use teichaku_report::{CHART_IDS, gantt_mermaid, html};

use crate::support::{load, push, set, small};

const SECTION_IDS: [&str; 7] = ["phases", "barrier", "score", "trends", "rollout", "actions", "kpis"];

fn demo_page(lang: Lang) -> String {
    let snapshot = teichaku::demo::snapshot();
    let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF).unwrap();
    html(&snapshot, &a, lang, 10)
}

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/output")
}

/// Compares `actual` with the example page `name`, or rewrites it when `TEICHAKU_BLESS=1`.
#[expect(clippy::disallowed_methods, reason = "example pages are files, and the bless switch is the environment's")]
fn example(name: &str, actual: &str) {
    let path = example_dir().join(name);
    if std::env::var_os("TEICHAKU_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with TEICHAKU_BLESS=1 to create it", path.display()));
    if expected != actual {
        let at =
            expected.bytes().zip(actual.bytes()).position(|(a, b)| a != b).unwrap_or(expected.len().min(actual.len()));
        let line = 1 + actual.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count();
        panic!(
            "{name} differs from the committed example at byte {at} (line {line}); if the change is intended, rerun \
             with TEICHAKU_BLESS=1, read the page and render it (tests/browser/check.sh)"
        );
    }
}

#[test]
fn the_committed_example_pages_are_what_the_build_makes() {
    example("demo-report.html", &demo_page(Lang::En));
    example("demo-report-ja.html", &demo_page(Lang::Ja));
}

#[test]
fn the_demo_page_has_every_section_and_chart_and_fetches_nothing() {
    for (lang, code) in [(Lang::En, "en"), (Lang::Ja, "ja")] {
        let page = demo_page(lang);
        assert!(page.starts_with("<!DOCTYPE html>\n"), "{code}");
        assert!(page.contains(&format!("<html lang=\"{code}\">")), "{code}");
        for id in SECTION_IDS {
            assert_eq!(page.matches(&format!("<section id=\"{id}\">")).count(), 1, "{code}: section {id}");
        }
        for id in CHART_IDS {
            let tag = if id == "chart-trends" { "<div" } else { "<svg" };
            assert_eq!(page.matches(&format!("{tag} id=\"{id}\"")).count(), 1, "{code}: chart {id}");
        }
        // One trend chart for the organisation and each of the five units.
        let trends = page.split("id=\"chart-trends\"").nth(1).unwrap().split("</div>").next().unwrap();
        assert_eq!(trends.matches("<svg class=\"trend\"").count(), 6, "{code}");
        assert!(page.contains("@page { size: A4"), "{code}");
        assert!(page.contains("@media print"), "{code}");
        // Nothing is fetched, nothing runs.
        let lower = page.to_lowercase();
        for needle in ["http://", "https://", "//cdn", "<script", "<link", "@import", "url(", "<iframe", "<img"] {
            assert!(!lower.contains(needle), "{code}: the page contains {needle:?}");
        }
        for attribute in ["src=", "href="] {
            for (at, _) in lower.match_indices(attribute) {
                let value = &lower[at + attribute.len()..];
                assert!(value.starts_with("\"data:"), "{code}: {attribute} to something other than data: at byte {at}");
            }
        }
        // No chart is wider than the printed page (A4 less 12 mm margins is 700 px at 96 dpi).
        for (at, _) in page.match_indices("viewBox=\"0 0 ") {
            let width: f64 = page[at + 13..].split(' ').next().unwrap().parse().unwrap();
            assert!(width <= 700.0, "{code}: a chart {width} wide at byte {at}");
        }
    }
}

#[test]
fn the_demo_page_shows_its_figures_as_the_text_report_does() {
    let page = demo_page(Lang::En);
    // The KPI table, hand-checked against tests/golden/demo-report.txt.
    assert!(page.contains("<tr class=\"total\"><td>Organisation</td><td>118</td><td>50.8%</td><td>24.6%</td><td>92.6%</td><td>52.6</td><td>spreading</td></tr>"));
    assert!(page.contains("<tr><td>Customer support</td><td>26</td><td>19.2%</td><td>15.4%</td><td>100.0%</td><td>35.7</td><td>trial !</td></tr>"));
    // The score: habit 0.2458 of 0.8 earns 15.36 of 50 points, weekly-active 0.508 of 0.9 earns
    // 11.29 of 20; the executives' share is withheld.
    assert!(page.contains("15.4 / 50 pts · 24.6% (target ≥80.0%)"));
    assert!(page.contains("11.3 / 20 pts · 50.8% (target ≥90.0%)"));
    assert!(page.contains("withheld / 5 pts"));
    // The barrier point, in the current phase, with what was observed against its bar: 66.9%
    // of the 118 present trained, as the text report's `trained_share` 0.67.
    assert!(page.contains("At least 80% have completed a training</strong> <code>trained-80</code>"));
    assert!(page.contains("Now: 66.9% / ≥80.0% · gate of phase 3."));
    // Waves numbered from 1, as the text report: wave 2 may start, wave 3 is blocked.
    assert!(page.contains(">Wave 2</text><text class=\"state\" x=\"184\" y=\"32\">may start</text>"), "wave 2");
    assert!(
        page.contains(">Wave 3</text><text class=\"state\" x=\"359\" y=\"32\">blocked (no ambassador)</text>"),
        "wave 3"
    );
    // Actions grouped by owner, in role order.
    let head = "<div class=\"owner\">\n<h3>";
    let owners: Vec<&str> =
        page.match_indices(head).map(|(at, _)| page[at + head.len()..].split('<').next().unwrap()).collect();
    assert_eq!(owners, ["Executive", "Promotion lead", "Ambassador", "Manager"]);
}

/// small.json on 2026-04-20, whose units Sales (2 members present) and Support (3) are under
/// the minimum group size of 5 while the organisation (7) is not.
#[test]
fn a_unit_under_the_minimum_shows_no_figure_in_the_page() {
    let snapshot = load(&small()).unwrap();
    let a = teichaku::assess(&snapshot, "2026-04-20".parse().unwrap()).unwrap();
    let page = html(&snapshot, &a, Lang::En, 10);
    for (unit, people) in [("Sales", 2), ("Support", 3)] {
        let chart =
            page.split(&format!("aria-label=\"{unit} ({people})\"")).nth(1).unwrap().split("</svg>").next().unwrap();
        assert!(!chart.contains("<circle") && !chart.contains("<path"), "{unit}: a point drawn:\n{chart}");
        assert!(chart.contains(">withheld<"), "{unit}:\n{chart}");
        assert!(
            page.contains(&format!(
                "<tr><td>{unit}</td><td>{people}</td><td colspan=\"5\" class=\"withheld\">withheld</td></tr>"
            )),
            "{unit}"
        );
    }
}

/// With a minimum group size above its headcount, the whole organisation is withheld: whatever
/// a member does, the page stays byte for byte the same.
#[test]
fn nothing_in_the_page_moves_in_an_organisation_under_the_minimum() {
    let mut doc = small();
    set(&mut doc, "/playbook/inline/metrics", json!({ "min_group_size": 9 }));
    let page = |doc: &serde_json::Value| {
        let snapshot = load(doc).unwrap();
        let a = teichaku::assess(&snapshot, "2026-04-20".parse().unwrap()).unwrap();
        (html(&snapshot, &a, Lang::En, 10), html(&snapshot, &a, Lang::Ja, 10))
    };
    let before = page(&doc);
    assert!(before.0.contains("<p class=\"withheld\">withheld</p>"), "the score is withheld");
    assert!(!before.0.contains("<circle"), "no point of any trend is drawn");
    for day in 6..=19 {
        push(
            &mut doc,
            "/observations/usage",
            json!({ "member": "00000000-0000-0000-0000-000000000104", "at": format!("2026-04-{day:02}T10:00:00Z"), "minutes": 30 }),
        );
    }
    let after = page(&doc);
    assert!(before.0 == after.0, "the English page moved with one member's usage");
    assert!(before.1 == after.1, "the Japanese page moved with one member's usage");
}

#[test]
fn names_from_the_document_are_escaped() {
    let mut doc = small();
    let hostile = "<script>alert(1)</script> \"' & \u{202e}x";
    set(&mut doc, "/organisation/units/1/name", json!(hostile));
    set(&mut doc, "/organisation/name", json!(hostile));
    let snapshot = load(&doc).unwrap();
    let a = teichaku::assess(&snapshot, "2026-04-20".parse().unwrap()).unwrap();
    let page = html(&snapshot, &a, Lang::En, 10);
    assert!(!page.contains("<script"), "raw markup from a name");
    assert!(!page.contains('\u{202e}'), "a bidirectional override from a name");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &quot;&#39; &amp; \\u{202e}x"));
}

/// The Gantt chart's tasks run from each activity's earliest start to the day after its earliest
/// finish (Mermaid's end is exclusive), tagged by status.
#[test]
fn the_gantt_chart_follows_the_schedule() {
    let snapshot = teichaku::demo::snapshot();
    let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF).unwrap();
    let text = gantt_mermaid(&snapshot, &a.plan, Lang::En);
    assert!(text.starts_with("---\ntitle: 'Demo Manufacturing Co. — rollout schedule as of 2026-11-01'\n---\ngantt\n"));
    // The kick-off meeting, done, organisation-wide: one task.
    let kickoff = a.plan.instances.iter().find(|i| i.key.activity.as_str() == "kick-off").unwrap();
    let end = kickoff.earliest_finish.succ_opt().unwrap();
    assert!(
        text.contains(&format!("  Hold the kick-off meeting :done, t8, {}, {end}\n", kickoff.earliest_start)),
        "{text}"
    );
    // Per-unit work is one task per wave, numbered from 1.
    assert!(text.contains("Give every member one small AI task to do every day · wave 1 :done, "));
    assert!(text.contains("Give every member one small AI task to do every day · wave 2 :active, "));
    assert!(text.contains("  as of 2026-11-01 :milestone, asof, 2026-11-01, 0d\n"));
    // Every phase is a section, in order.
    let sections: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("  section ")).collect();
    assert_eq!(sections.first(), Some(&"1. Trial & preparation"));
    assert_eq!(sections.len(), snapshot.playbook().phases.len() + 1);
}

/// The text report, the HTML report and the drawn plan number the waves alike: from 1, the
/// pilot being wave 1.
#[test]
fn the_drawn_plan_numbers_waves_as_the_text_report_does() {
    let snapshot = teichaku::demo::snapshot();
    let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF).unwrap();
    let mermaid = plan_mermaid(&snapshot, &a.plan, Lang::En);
    let dot = teichaku::rollout::plan_dot(&snapshot, &a.plan, Lang::En);
    let page = html(&snapshot, &a, Lang::En, 10);
    for w in a.readiness.waves.iter().skip(1) {
        let label = format!("wave {} may start", w.wave + 1);
        assert!(mermaid.contains(&format!("g{}{{{{\"{label}\"}}}}", w.wave)), "{label} in Mermaid");
        assert!(dot.contains(&format!("g{} [label=\"{label}\"", w.wave)), "{label} in DOT");
        assert!(page.contains(&format!(">Wave {}</text>", w.wave + 1)));
    }
    assert!(!mermaid.contains("wave 1 may start"), "the pilot, wave 1, waits for no gate");
    assert!(
        mermaid.starts_with(
            "---\ntitle: 'Demo Manufacturing Co. — rollout as of 2026-11-01 (sme-five-step rev 5)'\n---\n"
        )
    );
    assert!(dot.contains("  rankdir=LR;\n") && dot.contains("  size=\"7.5,10.5\";\n"));
}

/// small.json with 30 teams added, 15 under Sales and 15 under Support (one member each), so the
/// page has 34 scopes: the organisation, Head office, Sales, Support and the teams. It draws
/// `TREND_CHARTS` of them (the organisation and the three units above the teams, then the first
/// teams in report order) and counts the others in its note, in both languages; every unit keeps
/// its row in the KPI table. The teams, in a wave of their own, fill its column of the wave map up
/// to `WAVE_MAP_UNITS`, and a last line counts the others.
#[test]
fn a_large_organisation_gets_charts_for_the_top_of_its_tree_and_a_count_of_the_rest() {
    let mut doc = small();
    for k in 0..30u32 {
        let parent =
            if k < 15 { "00000000-0000-0000-0000-000000000002" } else { "00000000-0000-0000-0000-000000000003" };
        let id = format!("00000000-0000-0000-0000-0000000010{k:02}");
        push(&mut doc, "/organisation/units", json!({ "id": id, "name": format!("Team {k}"), "parent": parent }));
        push(
            &mut doc,
            "/organisation/members",
            json!({ "id": format!("00000000-0000-0000-0000-0000000020{k:02}"), "unit": id, "roles": ["staff"], "joined": "2020-04-01" }),
        );
    }
    let teams: Vec<String> = (0..30u32).map(|k| format!("00000000-0000-0000-0000-0000000010{k:02}")).collect();
    push(&mut doc, "/organisation/waves", json!({ "name": "teams", "units": teams }));
    let snapshot = load(&doc).unwrap();
    let a = teichaku::assess(&snapshot, "2026-04-20".parse().unwrap()).unwrap();
    let charts = |page: &str| -> Vec<String> {
        let trends = page.split("<section id=\"trends\">").nth(1).unwrap().split("</section>").next().unwrap();
        trends
            .split("<svg class=\"trend\"")
            .skip(1)
            .map(|c| c.split("aria-label=\"").nth(1).unwrap().split(" (").next().unwrap().to_owned())
            .collect()
    };
    let page = html(&snapshot, &a, Lang::En, 10);
    let drawn = charts(&page);
    let left = 34 - teichaku_report::TREND_CHARTS;
    let mut expected: Vec<String> = ["Organisation", "Head office", "Sales", "Support"].map(String::from).to_vec();
    expected.extend((0..teichaku_report::TREND_CHARTS - 4).map(|k| format!("Team {k}")));
    assert_eq!(drawn, expected);
    assert!(page.contains(&format!("The charts of {left} more units are left out")), "the note counts the rest");
    for k in 0..30 {
        assert!(page.contains(&format!("<tr><td>Team {k}</td>")), "Team {k} keeps its row in the KPI table");
    }
    let ja = html(&snapshot, &a, Lang::Ja, 10);
    assert_eq!(charts(&ja).len(), teichaku_report::TREND_CHARTS);
    assert!(ja.contains(&format!("ほか{left}部署のグラフは省略しました")), "the Japanese note counts the rest");
    // The teams' wave shows its first `WAVE_MAP_UNITS` units and counts the rest.
    let shown = teichaku_report::WAVE_MAP_UNITS;
    let wave_map =
        |page: &str| page.split("id=\"chart-waves\"").nth(1).unwrap().split("</svg>").next().unwrap().to_owned();
    let map = wave_map(&page);
    let column = map.split("<g class=\"wave ").last().unwrap();
    let names: Vec<&str> = column.split("<title>").skip(1).map(|t| t.split(':').next().unwrap()).collect();
    let expected: Vec<String> = (0..shown).map(|k| format!("Team {k}")).collect();
    assert_eq!(names, expected);
    assert!(column.contains(&format!(">… and {} more</text>", 30 - shown)), "{column}");
    assert!(wave_map(&ja).contains(&format!(">ほか{}部署</text>", 30 - shown)));
}

/// Up to `TREND_CHARTS` scopes, every one is drawn and the note says nothing of leaving any out.
#[test]
fn a_small_organisation_gets_a_chart_for_every_scope() {
    let snapshot = load(&small()).unwrap();
    let a = teichaku::assess(&snapshot, "2026-04-20".parse().unwrap()).unwrap();
    let page = html(&snapshot, &a, Lang::En, 10);
    let trends = page.split("<section id=\"trends\">").nth(1).unwrap().split("</section>").next().unwrap();
    assert_eq!(trends.matches("<svg class=\"trend\"").count(), 4, "the organisation and its three units");
    assert!(!trends.contains("left out"));
}
