//! The HTML report: one self-contained page (inline CSS and SVG, no script, nothing fetched)
//! that a promotion lead reads on screen or prints on A4.

use std::fmt::Write as _;

use chrono::Days;
use teichaku::Assessment;
use teichaku::metrics::{Figure, Rate, Scope, ScopeKpis};
use teichaku::model::{Check, Comparison, Kpi, Lang, Role, UnitId, ValidSnapshot};
use teichaku::rollout::{Action, ActionScope, GateReadiness, Observed, Reason, UnitReadiness, WaveBlock};

use crate::format::{esc, kpi_value, num, pct};
use crate::schedule::rows;
use crate::svg::{BarRow, TargetLine, WaveColumn, bars, capitalise, gantt, trend, waves};
use crate::words::{component, level, role, t, undefined, withheld};

/// The most trend charts a page draws: the organisation's and those of the units nearest the top
/// of the tree (ties in report order); the page's note counts the units left out, whose figures
/// stay in its KPI table.
///
/// ```
/// // An organisation of five divisions of ten departments each: the organisation, the five
/// // divisions and the first eighteen departments get a chart, 32 departments do not.
/// assert_eq!(1 + 5 + 50 - teichaku_report::TREND_CHARTS, 32);
/// ```
pub const TREND_CHARTS: usize = 24;

/// The most units a wave's column of the wave map shows, in the wave's order; the column ends
/// with how many more the wave has (the JSON report lists them all).
///
/// ```
/// // A wave of 9,000 units shows its first twenty and "… and 8980 more".
/// assert_eq!(9_000 - teichaku_report::WAVE_MAP_UNITS, 8_980);
/// ```
pub const WAVE_MAP_UNITS: usize = 20;

/// The id of every chart the page draws, in page order: the phases, the current gate's criteria,
/// the retention score's components, the weekly trends, the Gantt chart and the wave map.
pub const CHART_IDS: [&str; 6] =
    ["chart-phases", "chart-gate", "chart-score", "chart-trends", "chart-gantt", "chart-waves"];

/// The assessment as one self-contained HTML page in `lang`, with the `top` most urgent next
/// actions grouped by owner.
///
/// The page holds, in order: the phase and each gate's progress with the current gate's criteria
/// (credit against the bar each must reach), the barrier point, the retention score's components
/// against their maxima, the weekly-active and habit trends of the organisation and each unit
/// (with the playbook's targets in force and the last gate's habit threshold), the rollout as a
/// Gantt chart and the wave map, the next actions by owner, and the KPI table. Rates are
/// percentages with one decimal, dates `YYYY-MM-DD`. A figure the metrics withhold is written as
/// the word "withheld" (非表示) and nowhere else, not even as a chart coordinate.
///
/// ```
/// use teichaku::model::Lang;
/// let snapshot = teichaku::demo::snapshot();
/// let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
/// let page = teichaku_report::html(&snapshot, &a, Lang::Ja, 10);
/// assert!(page.contains("<html lang=\"ja\">"));
/// for id in teichaku_report::CHART_IDS {
///     assert!(page.contains(&format!("id=\"{id}\"")), "{id}");
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn html(snapshot: &ValidSnapshot, a: &Assessment, lang: Lang, top: usize) -> String {
    // Units and roles as they were on `as_of`, as the assessment counts them.
    let snapshot = &*snapshot.on(a.as_of);
    let ctx = Ctx { snapshot, a, lang };
    let org = snapshot.organisation();
    let pb = snapshot.playbook();
    let mut out = String::with_capacity(64 * 1024);
    let code = t(lang, "en", "ja");
    let title = format!("{} — {} {}", org.name, t(lang, "assessment as of", "アセスメント 基準日"), a.as_of);
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>",
        esc(&title)
    );
    let since = (a.as_of - org.launch_date).num_days();
    let _ = writeln!(
        out,
        "<header>\n<h1>{}</h1>\n<p class=\"sub\">{} {} · {} · {}: {} (rev {}) {}</p>\n</header>",
        esc(&org.name),
        t(lang, "Assessment as of", "アセスメント 基準日"),
        a.as_of,
        match lang {
            Lang::Ja => format!("導入から{since}日目"),
            _ => format!("day {since} after launch"),
        },
        t(lang, "playbook", "プレイブック"),
        esc(pb.id.as_str()),
        pb.revision,
        esc(pb.title.get(lang))
    );
    ctx.phases(&mut out);
    ctx.barrier(&mut out);
    ctx.score(&mut out);
    ctx.trends(&mut out);
    ctx.rollout(&mut out);
    ctx.actions(&mut out, top);
    ctx.review(&mut out);
    ctx.kpi_table(&mut out);
    let _ = writeln!(
        out,
        "<footer>teichaku {} · {} {} · {} {} rev {}</footer>\n</body>\n</html>",
        esc(&a.engine_version),
        t(lang, "document format", "文書形式"),
        a.document_version,
        t(lang, "playbook", "プレイブック"),
        esc(a.playbook.as_str()),
        a.playbook_revision
    );
    out
}

/// What every section reads.
struct Ctx<'a> {
    snapshot: &'a ValidSnapshot,
    a: &'a Assessment,
    lang: Lang,
}

impl Ctx<'_> {
    fn t(&self, en: &'static str, ja: &'static str) -> &'static str {
        t(self.lang, en, ja)
    }

    fn unit_name(&self, u: UnitId) -> String {
        self.snapshot.unit(u).map_or_else(|| u.to_string(), |u| u.name.clone())
    }

    fn scope_name(&self, s: &Scope) -> String {
        match s {
            Scope::Unit(u) => self.unit_name(*u),
            Scope::Role(r) => role(*r, self.lang).to_owned(),
            _ => self.t("Organisation", "全社").to_owned(),
        }
    }

    /// The scopes of [`Page::scopes`] that get a trend chart, in report order, and how many are
    /// left out: all of them up to [`TREND_CHARTS`], else the organisation and the units nearest
    /// the top of the tree (ties in report order). Tens of thousands of charts (about 4 KB each)
    /// make a page nobody reads and few browsers open; the KPI table keeps every unit.
    fn charted(&self) -> (Vec<&ScopeKpis>, usize) {
        let scopes: Vec<&ScopeKpis> = self.scopes().collect();
        if scopes.len() <= TREND_CHARTS {
            return (scopes, 0);
        }
        let depth = teichaku::metrics::from_the_top(
            self.snapshot.organisation().units.len(),
            |u| self.snapshot.parent_position(u),
            |_, above: Option<usize>| above.map_or(0, |d| d + 1),
        );
        let depth_of = |s: &ScopeKpis| match s.scope {
            Scope::Unit(u) => self.snapshot.unit_position(u).and_then(|p| depth.get(p)).map_or(usize::MAX, |d| d + 1),
            _ => 0,
        };
        let mut ranked: Vec<(usize, usize)> = scopes.iter().enumerate().map(|(i, s)| (depth_of(s), i)).collect();
        ranked.sort_unstable();
        let mut kept: Vec<usize> = ranked.iter().take(TREND_CHARTS).map(|&(_, i)| i).collect();
        kept.sort_unstable();
        let left = scopes.len() - kept.len();
        (kept.into_iter().filter_map(|i| scopes.get(i).copied()).collect(), left)
    }

    /// The organisation's and each unit's KPIs, in report order (roles left out).
    fn scopes(&self) -> impl Iterator<Item = &ScopeKpis> {
        self.a.kpis.scopes.iter().filter(|s| !matches!(s.scope, Scope::Role(_)))
    }

    /// Phase and gate progress: each phase's readiness against its pass mark, then the current
    /// gate's criteria.
    fn phases(&self, out: &mut String) {
        let pb = self.snapshot.playbook();
        let r = &self.a.readiness;
        let _ = writeln!(
            out,
            "<section id=\"phases\">\n<h2>{}</h2>",
            self.t("Phase and gate progress", "フェーズと移行条件の進捗")
        );
        let current = r.current_phase.as_ref().and_then(|c| pb.phases.iter().position(|p| &p.id == c));
        let _ = match current.and_then(|i| pb.phases.get(i).map(|p| (i, p))) {
            Some((i, p)) => writeln!(
                out,
                "<p>{}: <strong>{}. {}</strong></p>",
                self.t("Current phase", "現在のフェーズ"),
                i + 1,
                esc(p.title.get(self.lang))
            ),
            None => writeln!(
                out,
                "<p>{}</p>",
                self.t("Every phase's gate has passed.", "すべてのフェーズの移行条件を満たしています。")
            ),
        };
        let rows: Vec<BarRow> = r
            .phases
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let title = pb.phase(&g.phase).map_or(g.phase.as_str(), |p| p.title.get(self.lang));
                let state = if g.passed { self.t("passed", "通過") } else { self.t("not yet", "未通過") };
                BarRow {
                    label: format!("{}. {title}", i + 1),
                    tooltip: format!("{}. {title}", i + 1),
                    track: 1.0,
                    share: Some(g.readiness),
                    mark: Some(g.pass_at),
                    note: match self.lang {
                        Lang::Ja => format!("{}（通過ライン {}）· {state}", pct(g.readiness), pct(g.pass_at)),
                        _ => format!("{} / {} to pass · {state}", pct(g.readiness), pct(g.pass_at)),
                    },
                    class: if current == Some(i) {
                        "current"
                    } else if g.passed {
                        "passed"
                    } else {
                        "later"
                    },
                }
            })
            .collect();
        bars(out, "chart-phases", self.t("Readiness of each phase's gate", "各フェーズの移行準備度"), &rows, 230.0);
        // The current gate, or the last one once every gate has passed.
        let gate = current.and_then(|i| r.phases.get(i)).or_else(|| r.phases.last());
        let _ = writeln!(
            out,
            "<h3>{}</h3>",
            self.t("The current gate: each criterion's credit against its bar", "現在の移行条件：各基準の達成度")
        );
        let rows = gate.map(|g| self.criteria_rows(g)).unwrap_or_default();
        bars(out, "chart-gate", self.t("Criteria of the current gate", "現在の移行条件の基準"), &rows, 300.0);
        let _ = writeln!(
            out,
            "<p class=\"note\">{}</p>\n</section>",
            self.t(
                "The bar is each criterion's credit (0–100%); * marks a mandatory criterion; the barrier point is outlined.",
                "棒は各基準の達成度（0〜100%）。＊は必須の基準、枠で囲んだ行がボトルネックです。"
            )
        );
    }

    fn criteria_rows(&self, g: &GateReadiness) -> Vec<BarRow> {
        let pb = self.snapshot.playbook();
        let phase = pb.phase(&g.phase);
        let barrier = self.a.readiness.barrier.as_ref().filter(|b| b.phase == g.phase).map(|b| &b.criterion);
        g.criteria
            .iter()
            .map(|c| {
                let title = phase
                    .and_then(|p| p.gate.criteria.iter().find(|x| x.id == c.criterion))
                    .map_or(c.criterion.as_str(), |x| x.title.get(self.lang));
                let star = if c.mandatory { t(self.lang, "* ", "＊") } else { "" };
                let mark = if c.is_withheld() {
                    ""
                } else if c.met {
                    "✓ "
                } else {
                    "✗ "
                };
                BarRow {
                    label: format!("{star}{title}"),
                    tooltip: format!("{title} [{}]", c.criterion),
                    track: 1.0,
                    share: (!c.is_withheld()).then_some(c.credit),
                    mark: None,
                    note: format!("{mark}{}", self.observed(&c.observed)),
                    class: if barrier == Some(&c.criterion) {
                        "barrier"
                    } else if c.met {
                        "met"
                    } else {
                        "unmet"
                    },
                }
            })
            .collect()
    }

    /// What a criterion observed, against what it asks.
    fn observed(&self, o: &Observed) -> String {
        let lang = self.lang;
        match o {
            Observed::Kpi { withheld: true, .. } => withheld(lang).to_owned(),
            Observed::Kpi { kpi, value, op, threshold, .. } => {
                let value = value.map_or_else(|| undefined(lang).to_owned(), |v| kpi_value(*kpi, v, lang));
                format!("{value} / {}{}", op_sign(*op), kpi_value(*kpi, *threshold, lang))
            }
            Observed::Activity { done, of, .. } => match lang {
                Lang::Ja => format!("{of}件中{done}件完了"),
                _ => format!("done {done} of {of}"),
            },
            Observed::Recent { last, within_days, .. } => {
                let last = last.map_or_else(|| self.t("never done", "未実施").to_owned(), |d| d.to_string());
                match lang {
                    Lang::Ja => format!("前回 {last}（{within_days}日以内が条件）"),
                    _ => format!("last {last} (within {within_days} days)"),
                }
            }
            Observed::Role { role: r, count, min_count, .. } => match lang {
                Lang::Ja => format!("{} {count}人 / {min_count}人以上", role(*r, lang)),
                _ => format!("{count} {} / at least {min_count}", role(*r, lang)),
            },
            Observed::Outcome { withheld: true, .. } => withheld(lang).to_owned(),
            Observed::Outcome { value, op, threshold, .. } => {
                let value = value.map_or_else(|| undefined(lang).to_owned(), |v| v.to_string());
                format!("{value} / {}{threshold}", op_sign(*op))
            }
            _ => String::new(),
        }
    }

    fn barrier(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "<section id=\"barrier\">\n<h2>{}</h2>",
            self.t("Barrier point: fix this first", "ボトルネック：最優先で解消すること")
        );
        let r = &self.a.readiness;
        match &r.barrier {
            Some(b) => {
                let pb = self.snapshot.playbook();
                let phase_index = pb.phases.iter().position(|p| p.id == b.phase).unwrap_or(0);
                let criterion = pb.phase(&b.phase).and_then(|p| p.gate.criteria.iter().find(|c| c.id == b.criterion));
                let observed = r
                    .phases
                    .iter()
                    .find(|g| g.phase == b.phase)
                    .and_then(|g| g.criteria.iter().find(|c| c.criterion == b.criterion))
                    .map(|c| self.observed(&c.observed))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "<div class=\"barrier\"><p><strong>{}</strong> <code>{}</code></p><p>{}: {} · {} {}. {}</p></div>",
                    esc(criterion.map_or(b.criterion.as_str(), |c| c.title.get(self.lang))),
                    esc(b.criterion.as_str()),
                    self.t("Now", "現状"),
                    esc(&observed),
                    self.t("gate of phase", "フェーズ"),
                    phase_index + 1,
                    esc(pb.phase(&b.phase).map_or("", |p| p.title.get(self.lang)))
                );
            }
            None => {
                let _ = writeln!(out, "<p>{}</p>", self.t("No criterion is unmet.", "未達の基準はありません。"));
            }
        }
        out.push_str("</section>\n");
    }

    fn score(&self, out: &mut String) {
        let lang = self.lang;
        let _ = writeln!(out, "<section id=\"score\">\n<h2>{}</h2>", self.t("Retention score", "定着スコア"));
        let org = self.a.kpis.scopes.iter().find(|s| s.scope == Scope::Organisation);
        let Some(Figure::Value(score)) = org.map(|s| &s.score) else {
            let _ = writeln!(out, "<p class=\"withheld\">{}</p>", withheld(lang));
            // The chart is still there, empty, so every report has the same sections.
            bars(
                out,
                "chart-score",
                self.t("Score components against their maxima", "スコア構成要素と満点"),
                &[],
                220.0,
            );
            out.push_str("</section>\n");
            return;
        };
        let _ = writeln!(
            out,
            "<p class=\"score\"><strong>{}</strong> / 100 · {}{}{}</p>",
            num(score.score),
            esc(level(score.level, lang)),
            score.cap.map(|c| format!(" · {} {}", self.t("capped at", "上限"), num(c))).unwrap_or_default(),
            if score.failing {
                self.t(
                    " · failing: weekly-active under 20% three months after launch",
                    " · 要注意：導入3か月後も週次利用率20%未満",
                )
            } else {
                ""
            }
        );
        let max = score.components.iter().map(|c| c.weight).fold(0.0_f64, f64::max);
        let rows: Vec<BarRow> = score
            .components
            .iter()
            .map(|c| {
                let name = component(c.component, lang);
                let note = if c.withheld {
                    format!("{} / {} {}", withheld(lang), num(c.weight), self.t("pts", "点"))
                } else {
                    let value = c.value.map_or_else(|| undefined(lang).to_owned(), |v| kpi_value(c.kpi, v, lang));
                    format!(
                        "{} / {} {} · {value} ({} {}{})",
                        num(c.points),
                        num(c.weight),
                        self.t("pts", "点"),
                        self.t("target", "目標"),
                        op_sign(c.op),
                        kpi_value(c.kpi, c.target, lang)
                    )
                };
                BarRow {
                    label: name.clone(),
                    tooltip: name,
                    track: if max > 0.0 { c.weight / max } else { 0.0 },
                    share: (!c.withheld && c.weight > 0.0).then(|| c.points / c.weight),
                    mark: None,
                    note,
                    class: if c.withheld { "withheld" } else { "component" },
                }
            })
            .collect();
        bars(out, "chart-score", self.t("Score components against their maxima", "スコア構成要素と満点"), &rows, 220.0);
        if !score.absolute_conditions.is_empty() {
            let _ = writeln!(out, "<ul class=\"conditions\">");
            for c in &score.absolute_conditions {
                let state = if c.withheld {
                    withheld(lang)
                } else if c.holds {
                    self.t("✓ holds", "✓ 満たしている")
                } else {
                    self.t("✗ does not hold", "✗ 満たしていない")
                };
                let _ = writeln!(out, "<li>{}: {}</li>", esc(c.title.get(lang)), esc(state));
            }
            out.push_str("</ul>\n");
        }
        let _ = writeln!(
            out,
            "<p class=\"note\">{}</p>\n</section>",
            self.t(
                "Each track is as long as the component's maximum points; the fill is the points earned.",
                "各バーの長さが構成要素の満点、塗りが獲得点です。"
            )
        );
    }

    /// The target lines of a trend chart: for weekly-active and habit, the playbook's target in
    /// force (the next one due, else the last), and the last gate's habit threshold.
    fn targets(&self) -> Vec<TargetLine> {
        let pb = self.snapshot.playbook();
        let since = (self.a.as_of - self.snapshot.organisation().launch_date).num_days();
        let mut lines = Vec::new();
        for (kpi, class) in [(Kpi::WeeklyActiveRate, "weekly"), (Kpi::HabitRate, "habit")] {
            let targets: Vec<_> = self.snapshot.kpi_targets().filter(|x| x.kpi == kpi).collect();
            let due = targets
                .iter()
                .filter(|x| x.by_day.is_some_and(|d| i64::from(d) >= since))
                .min_by_key(|x| x.by_day)
                .or_else(|| targets.iter().rfind(|x| x.by_day.is_none()))
                .or_else(|| targets.iter().max_by_key(|x| x.by_day));
            if let Some(x) = due {
                let by = x
                    .by_day
                    .map(|d| match self.lang {
                        Lang::Ja => format!("（導入{d}日目まで）"),
                        _ => format!(" (by day {d})"),
                    })
                    .unwrap_or_default();
                lines.push(TargetLine {
                    rate: x.value,
                    class,
                    tooltip: format!("{}: {}{}{by}", self.t("target", "目標"), op_sign(x.op), pct(x.value)),
                });
            }
        }
        let last_gate = pb.phases.last().and_then(|p| {
            p.gate.criteria.iter().find_map(|c| match c.check {
                Check::Kpi { kpi: Kpi::HabitRate, op, threshold } => Some((op, threshold)),
                _ => None,
            })
        });
        if let Some((op, threshold)) = last_gate {
            lines.push(TargetLine {
                rate: threshold,
                class: "gate",
                tooltip: format!(
                    "{}: {}{}",
                    self.t("last gate's habit threshold", "最終移行条件の習慣化率"),
                    op_sign(op),
                    pct(threshold)
                ),
            });
        }
        lines
    }

    fn trends(&self, out: &mut String) {
        let lang = self.lang;
        let _ =
            writeln!(out, "<section id=\"trends\">\n<h2>{}</h2>", self.t("Weekly trends by unit", "部署別の週次推移"));
        let targets = self.targets();
        // The legend.
        let _ = write!(
            out,
            "<p class=\"legend\"><span class=\"key weekly\"></span>{} <span class=\"key habit\"></span>{}",
            self.t("weekly-active rate", "週次利用率"),
            self.t("habit rate", "習慣化率")
        );
        for target in &targets {
            let _ = write!(out, " <span class=\"key target {}\"></span>{}", target.class, esc(&target.tooltip));
        }
        out.push_str("</p>\n<div id=\"chart-trends\" class=\"multiples\">\n");
        let (charted, left) = self.charted();
        for s in charted {
            let name = format!("{} ({})", self.scope_name(&s.scope), s.headcount);
            let weeks = s.figures.value().map(|f| f.weekly.as_slice());
            trend(out, &name, weeks, &targets, lang);
        }
        let _ = write!(
            out,
            "</div>\n<p class=\"note\">{}",
            self.t(
                "One chart per scope, oldest week on the left; a gap is a week whose figures are withheld or undefined.",
                "範囲ごとに1つのグラフ（左が古い週）。途切れた箇所は非表示またはデータなしの週です。"
            )
        );
        if left > 0 {
            let _ = match lang {
                Lang::Ja => write!(
                    out,
                    "ほか{left}部署のグラフは省略しました（全社と上位の部署から{TREND_CHARTS}件を表示）。各部署の数値は下の指標表に、週ごとの推移は <code>--format json</code> の出力にあります。"
                ),
                _ => write!(
                    out,
                    " The charts of {left} more units are left out ({TREND_CHARTS} drawn: the organisation and the units nearest the top); the KPI table below has every unit's figures, and <code>--format json</code> their weekly series."
                ),
            };
        }
        out.push_str("</p>\n</section>\n");
    }

    fn rollout(&self, out: &mut String) {
        let lang = self.lang;
        let pb = self.snapshot.playbook();
        let plan = &self.a.plan;
        let _ = writeln!(out, "<section id=\"rollout\">\n<h2>{}</h2>", self.t("Rollout", "展開計画"));
        let count = |s: crate::schedule::BarStatus| {
            plan.instances.iter().filter(|i| crate::schedule::BarStatus::of(i) == s).count()
        };
        let counts: Vec<String> = crate::schedule::BarStatus::ALL
            .iter()
            .map(|&s| match lang {
                Lang::Ja => format!("{} {}件", s.word(lang), count(s)),
                _ => format!("{} {}", count(s), s.word(lang)),
            })
            .collect();
        let _ = writeln!(
            out,
            "<p>{}{}{} {}</p>",
            esc(&counts.join(self.t(", ", "、"))),
            self.t("; ", "。"),
            self.t("projected finish", "完了見込み"),
            plan.projected_finish
        );
        let phases: Vec<String> = pb.phases.iter().map(|p| p.title.get(lang).to_owned()).collect();
        gantt(out, &rows(self.snapshot, plan, lang), &phases, self.a.as_of, lang);
        let _ = writeln!(out, "<h3>{}</h3>", self.t("Wave map", "ウェーブ図"));
        // Each unit's readiness by unit, looked up once a unit of a wave rather than searched.
        let readiness: std::collections::BTreeMap<UnitId, &UnitReadiness> =
            self.a.readiness.units.iter().rev().map(|x| (x.unit, x)).collect();
        let columns: Vec<WaveColumn> = self
            .a
            .readiness
            .waves
            .iter()
            .map(|w| {
                let (state, class) = if w.wave == 0 {
                    (self.t("pilot", "パイロット").to_owned(), "pilot")
                } else if w.may_start {
                    (self.t("may start", "開始可能").to_owned(), "may-start")
                } else {
                    let reasons: Vec<String> = w
                        .blocked_by
                        .iter()
                        .map(|b| match b {
                            WaveBlock::RoleMissing { role: r, .. } => {
                                format!("{} {}", self.t("no", "不在:"), role(*r, lang))
                            }
                            WaveBlock::PreviousWaveGate { .. } | WaveBlock::PreviousWave { .. } => {
                                self.t("previous wave", "前の波").to_owned()
                            }
                            _ => String::new(),
                        })
                        .collect::<std::collections::BTreeSet<_>>()
                        .into_iter()
                        .collect();
                    (format!("{} ({})", self.t("blocked", "保留"), reasons.join(", ")), "blocked")
                };
                let ahead: std::collections::BTreeSet<UnitId> = w.ahead.iter().copied().collect();
                let more = w.units.len().saturating_sub(WAVE_MAP_UNITS);
                let units = w
                    .units
                    .iter()
                    .take(WAVE_MAP_UNITS)
                    .map(|&u| {
                        let own = readiness.get(&u).copied();
                        let note = match own.map(|x| &x.phase) {
                            Some(Some(p)) => {
                                let i = pb.phases.iter().position(|q| &q.id == p).unwrap_or(0);
                                format!("{} {}/{}", self.t("phase", "フェーズ"), i + 1, pb.phases.len())
                            }
                            Some(None) => self.t("all passed", "全通過").to_owned(),
                            None => String::new(),
                        };
                        let note = if ahead.contains(&u) {
                            format!("{} · {}", self.t("ahead", "先行"), note)
                        } else {
                            note
                        };
                        (self.unit_name(u), note)
                    })
                    .collect();
                WaveColumn { wave: w.wave, state, class, units, more }
            })
            .collect();
        waves(out, &columns, lang);
        let _ = writeln!(
            out,
            "<p class=\"note\">{}</p>\n</section>",
            self.t(
                "Waves are numbered from 1: the pilot is wave 1. Each unit shows its own phase.",
                "展開ウェーブは1から数えます（パイロットが第1波）。各部署には部署自身のフェーズを示します。"
            )
        );
    }

    fn actions(&self, out: &mut String, top: usize) {
        let lang = self.lang;
        let as_of = self.a.as_of;
        let end = as_of.checked_add_days(Days::new(6)).unwrap_or(as_of);
        let _ = writeln!(
            out,
            "<section id=\"actions\">\n<h2>{} ({as_of} – {end})</h2>",
            self.t("This week: next actions by owner", "今週の次のアクション（担当別）")
        );
        let chosen: Vec<&Action> = self.a.actions.actions.iter().take(top).collect();
        if chosen.is_empty() {
            let _ = writeln!(out, "<p>{}</p>", self.t("Nothing to do.", "アクションはありません。"));
        }
        let mut roles: Vec<Role> = chosen.iter().map(|a| a.owner).collect();
        roles.sort_by_key(|r| Role::ALL.iter().position(|x| x == r));
        roles.dedup();
        for r in roles {
            let _ = writeln!(out, "<div class=\"owner\">\n<h3>{}</h3>\n<ol>", esc(&capitalise(role(r, lang))));
            for a in chosen.iter().filter(|a| a.owner == r) {
                let scope = match a.scope {
                    ActionScope::Unit(u) => self.unit_name(u),
                    _ if !a.units.is_empty() => {
                        a.units.iter().map(|&u| self.unit_name(u)).collect::<Vec<_>>().join(self.t(", ", "、"))
                    }
                    _ => self.t("organisation", "全社").to_owned(),
                };
                let due = a
                    .due
                    .map(|d| {
                        let class = if d < as_of { "due late" } else { "due" };
                        format!(" · <span class=\"{class}\">{} {d}</span>", self.t("due", "期限"))
                    })
                    .unwrap_or_default();
                // Each reason once, in order: a grouped action gives the same reason per unit.
                let mut reasons: Vec<String> = Vec::new();
                for text in a.reasons.iter().map(|x| self.reason(x)).filter(|s| !s.is_empty()) {
                    if !reasons.contains(&text) {
                        reasons.push(text);
                    }
                }
                let people = crate::format::count(a.members.len() as u64, "person", "people", "人", lang);
                let _ = writeln!(
                    out,
                    "<li><strong>{}</strong> — {} · {people}{due}<br><span class=\"why\">{}</span></li>",
                    esc(&crate::words::action_title(a, lang)),
                    esc(&scope),
                    esc(&reasons.join(self.t("; ", "／")))
                );
            }
            out.push_str("</ol>\n</div>\n");
        }
        out.push_str("</section>\n");
    }

    fn reason(&self, r: &Reason) -> String {
        crate::words::reason(self.snapshot, r, self.lang)
    }

    /// The pack of the next review due: each measure, what it is compared with, and who
    /// supplies what is missing.
    fn review(&self, out: &mut String) {
        use teichaku::rollout::Measure;
        let reviews = &self.a.reviews;
        let Some(pack) = reviews.next_due.and_then(|i| reviews.packs.get(i)) else { return };
        let pb = self.snapshot.playbook();
        let title = pb
            .activity(&pack.activity)
            .map_or_else(|| pack.activity.to_string(), |x| x.title.get(self.lang).to_owned());
        // A unit's review names its unit, as the text report does.
        let title = match pack.scope {
            Scope::Unit(u) => format!("{title}{}{}", self.t(" — ", "："), self.unit_name(u)),
            _ => title,
        };
        let _ = writeln!(
            out,
            "<section id=\"review\">\n<h2>{}: {} ({} – {})</h2>\n<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
            self.t("Next review", "次の振り返り"),
            esc(&title),
            pack.period.from,
            pack.period.to,
            self.t("Measure", "指標"),
            self.t("Value", "値"),
            self.t("Compared with", "比較"),
            self.t("To supply", "提供"),
        );
        let figure = |f: &Figure<f64>| match f {
            Figure::Value(v) => format!("{v:.2}"),
            Figure::Suppressed => withheld(self.lang).to_owned(),
            _ => "—".to_owned(),
        };
        for m in &pack.measures {
            let name = match &m.measure {
                Measure::Kpi { kpi } => kpi.name().to_owned(),
                Measure::Outcome { outcome } => self
                    .snapshot
                    .outcome(outcome)
                    .map_or_else(|| outcome.to_string(), |o| format!("{} [{}]", o.title.get(self.lang), o.measured_in)),
                _ => String::new(),
            };
            let compared = m.comparison.as_ref().map(figure).unwrap_or_default();
            let who = m.supplied_by.map(|r| role(r, self.lang)).unwrap_or_default();
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&name),
                figure(&m.value),
                compared,
                who
            );
        }
        let _ = writeln!(out, "</tbody>\n</table>\n</section>");
    }

    fn kpi_table(&self, out: &mut String) {
        let lang = self.lang;
        let _ = writeln!(
            out,
            "<section id=\"kpis\">\n<h2>{}</h2>\n<table id=\"kpi-table\">\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
            self.t("KPIs by unit", "部署別KPI"),
            self.t("Scope", "範囲"),
            self.t("People", "人数"),
            self.t("Weekly-active", "週次利用率"),
            self.t("Habit", "習慣化率"),
            self.t("Returning", "継続利用率"),
            self.t("Score", "スコア"),
            self.t("Level", "段階"),
        );
        let rate = |f: &Figure<Rate>| match f {
            Figure::Value(r) => pct(r.rate),
            Figure::Suppressed => withheld(lang).to_owned(),
            Figure::NotMeasurable => crate::words::not_measurable(lang).to_owned(),
            _ => undefined(lang).to_owned(),
        };
        for s in self.scopes() {
            let name = esc(&self.scope_name(&s.scope));
            let class = if s.scope == Scope::Organisation { " class=\"total\"" } else { "" };
            match (&s.figures, &s.score) {
                (Figure::Value(f), score) => {
                    let (points, lvl) = match score {
                        Figure::Value(sc) => {
                            (num(sc.score), format!("{}{}", level(sc.level, lang), if sc.failing { " !" } else { "" }))
                        }
                        Figure::Suppressed => (withheld(lang).to_owned(), withheld(lang).to_owned()),
                        _ => (undefined(lang).to_owned(), undefined(lang).to_owned()),
                    };
                    let _ = writeln!(
                        out,
                        "<tr{class}><td>{name}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        s.headcount,
                        esc(&rate(&f.weekly_active)),
                        esc(&rate(&f.habit)),
                        esc(&rate(&f.returning)),
                        esc(&points),
                        esc(&lvl)
                    );
                }
                (other, _) => {
                    let word = if matches!(other, Figure::Suppressed) { withheld(lang) } else { undefined(lang) };
                    let _ = writeln!(
                        out,
                        "<tr{class}><td>{name}</td><td>{}</td><td colspan=\"5\" class=\"withheld\">{}</td></tr>",
                        s.headcount,
                        esc(word)
                    );
                }
            }
        }
        let _ = writeln!(
            out,
            "</tbody>\n</table>\n<p class=\"note\">{}</p>\n</section>",
            self.t(
                "Figures of a group smaller than the minimum group size are withheld.",
                "最小グループ人数に満たない集団の数値は非表示です。"
            )
        );
    }
}

/// `≥ ` or `≤ `, for a comparison.
fn op_sign(op: Comparison) -> &'static str {
    match op {
        Comparison::AtMost => "≤",
        _ => "≥",
    }
}

/// The page's style: screen and A4 print.
const CSS: &str = r#"@page { size: A4; margin: 12mm; }
:root { --done: #66bb6a; --ready: #ffca28; --blocked: #bdbdbd; --overdue: #e53935; --weekly: #1565c0; --habit: #ef6c00; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK JP", "Noto Sans JP", "Hiragino Sans", "Yu Gothic", "Meiryo", system-ui, sans-serif; color: #222; margin: 0 auto; padding: 12px; max-width: 186mm; font-size: 10.5pt; line-height: 1.45; background: #fff; }
h1 { font-size: 17pt; margin: 0 0 2px; }
h2 { font-size: 13pt; border-bottom: 2px solid #1565c0; margin: 18px 0 6px; padding-bottom: 2px; }
h3 { font-size: 11pt; margin: 10px 0 4px; }
p { margin: 4px 0; }
.sub, .note, footer { color: #555; font-size: 9pt; }
footer { margin-top: 18px; border-top: 1px solid #ccc; padding-top: 4px; }
svg { display: block; max-width: 100%; height: auto; font-size: 11px; font-family: inherit; }
svg text { fill: #222; }
svg .axis { font-size: 9px; fill: #666; }
svg .grid { stroke: #e0e0e0; stroke-width: 1; }
.bars .track { fill: #eeeeee; stroke: #bbbbbb; stroke-width: 0.5; }
.bars .fill { fill: #1565c0; }
.bars .mark { stroke: #222; stroke-width: 2; }
.bars .passed .fill, .bars .met .fill { fill: #66bb6a; }
.bars .later .fill { fill: #90caf9; }
.bars .unmet .fill { fill: #ffa726; }
.bars .barrier .track { stroke: #c62828; stroke-width: 2; }
.bars .barrier .fill { fill: #d84315; }
.bars .current text { font-weight: bold; }
.bars .withheld text { fill: #777; }
.barrier { border-left: 4px solid #c62828; background: #fdecea; padding: 6px 10px; }
.score strong { font-size: 20pt; }
.conditions { margin: 4px 0; padding-left: 20px; }
.multiples { display: flex; flex-wrap: wrap; gap: 4px; }
.multiples svg { width: 32%; break-inside: avoid; }
.trend .title { font-weight: bold; font-size: 10px; }
.trend .line { fill: none; stroke-width: 1.6; }
.trend .line.weekly { stroke: var(--weekly); }
.trend .line.habit { stroke: var(--habit); }
.trend .dot.weekly { fill: var(--weekly); }
.trend .dot.habit { fill: var(--habit); }
.trend .target { stroke-width: 1.2; stroke-dasharray: 4 3; }
.trend .target.weekly { stroke: var(--weekly); opacity: 0.6; }
.trend .target.habit { stroke: var(--habit); opacity: 0.6; }
.trend .target.gate { stroke: #6a1b9a; stroke-dasharray: 1 2; stroke-width: 1.5; }
.trend .withheld { fill: #777; font-size: 11px; }
.legend { font-size: 9pt; }
.key { display: inline-block; width: 18px; height: 0; border-top: 2px solid; vertical-align: middle; margin: 0 3px 0 8px; }
.key.weekly { border-color: var(--weekly); }
.key.habit { border-color: var(--habit); }
.key.target { border-top-style: dashed; }
.key.target.gate { border-color: #6a1b9a; border-top-style: dotted; }
.gantt .bar { stroke: #555; stroke-width: 0.5; }
.gantt .bar.done { fill: var(--done); }
.gantt .bar.ready { fill: var(--ready); }
.gantt .bar.blocked { fill: var(--blocked); }
.gantt .bar.not-open { fill: #ffffff; stroke-dasharray: 2 2; stroke: #555; stroke-width: 1; }
.gantt .bar.overdue { fill: var(--overdue); }
.gantt .task text { font-size: 9.5px; }
.gantt .task .wave { fill: #666; }
.gantt .phase { font-weight: bold; font-size: 10px; fill: #1565c0; }
.gantt .today { stroke: #c62828; stroke-width: 1.5; stroke-dasharray: 3 2; }
.waves .column { fill: #fafafa; stroke: #bbb; }
.waves .head { font-weight: bold; }
.waves .state { font-size: 9.5px; fill: #555; }
.waves .unit rect { fill: #e3f2fd; stroke: #90caf9; }
.waves .pilot .unit rect { fill: #c8e6c9; stroke: #66bb6a; }
.waves .blocked .unit rect { fill: #eeeeee; stroke: #bdbdbd; }
.waves .blocked .column { stroke-dasharray: 4 3; }
.waves .note { font-size: 9px; fill: #555; }
.waves .more { font-size: 9.5px; fill: #555; font-style: italic; }
.owner ol { margin: 2px 0 8px; padding-left: 22px; }
.owner li { margin-bottom: 3px; }
.why { color: #555; font-size: 9pt; }
.due.late { color: #c62828; font-weight: bold; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 6px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
tr.total td { font-weight: bold; }
td.withheld { color: #777; text-align: center; }
@media print {
  body { padding: 0; max-width: none; }
  h2 { break-after: avoid; }
  svg, table, .owner, .barrier { break-inside: avoid; }
  .gantt { break-inside: auto; }
}
"#;
