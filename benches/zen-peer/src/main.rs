//! Peer comparison: the builtin `ai-use-in-appraisal` rubric evaluated by teichaku and, written as
//! a GoRules ZEN decision model (`rubric.json`), by zen-engine, on the same subjects.
//!
//! Checks that both give the same band and total (within 1e-9) for every subject, then times each
//! on one thread and prints evaluations per second and the ratio. See `README.md`.
//!
//! ```sh
//! CARGO_TARGET_DIR=/tmp/target-zen cargo run --release -- [--subjects N] [--runs N] [--nodes-in-context]
//! ```

use std::hint::black_box;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};
use teichaku_benches::subjects::{self, FACT_NAMES, Subject};
use teichaku_rules::{CompiledRubric, Evaluation, Facts, evaluate, evaluate_into};
use zen_engine::model::DecisionContent;
use zen_engine::{Decision, DecisionEngine, Variable, ZEN_CONFIG};

const RUBRIC_JSON: &str = include_str!("../rubric.json");
const TOLERANCE: f64 = 1e-9;

struct Options {
    subjects: usize,
    runs: usize,
    nodes_in_context: bool,
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options { subjects: subjects::STANDARD_SUBJECTS, runs: 7, nodes_in_context: false };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<usize, String> {
            args.next().and_then(|v| v.parse().ok()).ok_or_else(|| format!("{name} needs a number"))
        };
        match arg.as_str() {
            "--subjects" => options.subjects = number("--subjects")?,
            "--runs" => options.runs = number("--runs")?.max(1),
            "--nodes-in-context" => options.nodes_in_context = true,
            "-h" | "--help" => {
                return Err("usage: zen-peer [--subjects N] [--runs N] [--nodes-in-context]".into());
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(options)
}

/// The subject as the JSON object the ZEN model reads: a missing fact is an absent key.
fn zen_input(subject: &Subject) -> Value {
    let mut object = Map::new();
    for (name, value) in FACT_NAMES.into_iter().zip(subject.values()) {
        match value {
            Some(teichaku_rules::FactValue::Boolean(b)) => {
                object.insert(name.into(), Value::Bool(b));
            }
            Some(teichaku_rules::FactValue::Number(x)) => {
                // Counts: integers in JSON, as an HR system would send them.
                object.insert(name.into(), Value::from(x as u64));
            }
            _ => {}
        }
    }
    Value::Object(object)
}

fn zen_decision() -> Result<Decision, String> {
    let content: DecisionContent = serde_json::from_str(RUBRIC_JSON).map_err(|e| format!("rubric.json: {e}"))?;
    let engine = DecisionEngine::default();
    let mut decision = engine.create_decision(Arc::new(content)).map_err(|e| format!("rubric.json: {e:?}"))?;
    decision.validate().map_err(|e| format!("rubric.json: {e}"))?;
    // Pre-compile expressions and decision-table indexes: the engine's fastest path.
    decision.compile();
    Ok(decision)
}

fn zen_total_and_band(result: &Variable) -> Option<(f64, String)> {
    let json: Value = result.to_value();
    let total = json.get("total")?.as_f64()?;
    let band = json.get("band")?.as_str()?.to_owned();
    Some((total, band))
}

#[derive(Default)]
struct Timing {
    runs: Vec<Duration>,
}

impl Timing {
    fn best(&self) -> Duration {
        self.runs.iter().copied().min().unwrap_or_default()
    }
    fn median(&self) -> Duration {
        let mut sorted = self.runs.clone();
        sorted.sort();
        sorted.get(sorted.len() / 2).copied().unwrap_or_default()
    }
}

fn per_second(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

fn time_teichaku_evaluate(rubric: &CompiledRubric, facts: &[Facts]) -> Result<Duration, String> {
    let start = Instant::now();
    for f in facts {
        let e = evaluate(rubric, f).map_err(|e| e.to_string())?;
        black_box(&e);
    }
    Ok(start.elapsed())
}

fn time_teichaku_evaluate_into(
    rubric: &CompiledRubric,
    facts: &[Facts],
    out: &mut Evaluation,
) -> Result<Duration, String> {
    let start = Instant::now();
    for f in facts {
        evaluate_into(rubric, f, out).map_err(|e| e.to_string())?;
        black_box(&*out);
    }
    Ok(start.elapsed())
}

fn time_zen(decision: &Decision, inputs: &[Variable]) -> Result<Duration, String> {
    // Fresh inputs for every run, made before the clock starts: evaluation takes its input by
    // value and the engine shares it with its output.
    let fresh: Vec<Variable> = inputs.iter().map(Variable::deep_clone).collect();
    let start = Instant::now();
    futures::executor::block_on(async {
        for input in fresh {
            let response = decision.evaluate(input).await.map_err(|e| e.to_string())?;
            black_box(&response);
        }
        Ok::<(), String>(())
    })?;
    Ok(start.elapsed())
}

fn run() -> Result<(), String> {
    let options = parse_args()?;
    ZEN_CONFIG.nodes_in_context.store(options.nodes_in_context, Ordering::Relaxed);

    let compile_start = Instant::now();
    let rubric = teichaku_rules::builtin("ai-use-in-appraisal@1").map_err(|e| e.to_string())?;
    let teichaku_compile = compile_start.elapsed();
    let zen_start = Instant::now();
    let decision = zen_decision()?;
    let zen_compile = zen_start.elapsed();

    let subjects = subjects::generate(subjects::STANDARD_SEED, options.subjects);
    let facts: Vec<Facts> = subjects.iter().map(|s| s.facts(&rubric)).collect();
    let inputs: Vec<Variable> = subjects.iter().map(|s| Variable::from(zen_input(s))).collect();
    let n = subjects.len();

    // Agreement, subject by subject (untimed).
    let mut band_counts = std::collections::BTreeMap::<String, usize>::new();
    let mut capped = 0usize;
    let mut lowered_by = std::collections::BTreeMap::<String, usize>::new();
    let mut with_missing = 0usize;
    let mut max_diff = 0.0_f64;
    let mut disagreements = 0usize;
    futures::executor::block_on(async {
        for (i, (f, input)) in facts.iter().zip(&inputs).enumerate() {
            let ours = evaluate(&rubric, f).map_err(|e| format!("subject {i}: teichaku: {e}"))?;
            let response =
                decision.evaluate(input.deep_clone()).await.map_err(|e| format!("subject {i}: zen-engine: {e}"))?;
            let (zen_total, zen_band) = zen_total_and_band(&response.result)
                .ok_or_else(|| format!("subject {i}: zen-engine result has no total or band: {}", response.result))?;
            let diff = (ours.total - zen_total).abs();
            max_diff = max_diff.max(diff);
            if ours.band != zen_band || diff.is_nan() || diff > TOLERANCE {
                disagreements += 1;
                if disagreements <= 10 {
                    eprintln!(
                        "DISAGREE subject {i}: {:?}\n  teichaku: total {} band {}\n  zen:      total {} band {}\n  zen result: {}",
                        subjects[i], ours.total, ours.band, zen_total, zen_band, response.result
                    );
                }
            }
            *band_counts.entry(ours.band.clone()).or_default() += 1;
            if ours.total < ours.uncapped_total {
                capped += 1;
                for cap in &ours.caps_applied {
                    *lowered_by.entry(cap.cap.as_str().to_owned()).or_default() += 1;
                }
            }
            with_missing += usize::from(!ours.missing.is_empty());
        }
        Ok::<(), String>(())
    })?;
    if disagreements > 0 {
        return Err(format!("{disagreements} of {n} subjects disagree (band or total beyond {TOLERANCE})"));
    }
    println!(
        "agreement: all {n} subjects agree (band equal, |total difference| <= {max_diff:.3e}, tolerance {TOLERANCE:e})"
    );
    println!(
        "bands: {band_counts:?}; totals lowered by a cap: {capped} {lowered_by:?}; with a missing fact: {with_missing}"
    );
    println!(
        "compile once: teichaku {:.1?} (builtin rubric: parse + compile), zen-engine {:.1?} (parse + create + compile)",
        teichaku_compile, zen_compile
    );
    println!(
        "zen-engine nodes_in_context = {} (pass --nodes-in-context for the engine default, true)",
        options.nodes_in_context
    );

    let runs = options.runs;
    // Runs interleaved, so that a change in the machine's load affects all three alike.
    let (mut into, mut alloc, mut zen) = (Timing::default(), Timing::default(), Timing::default());
    let mut buffer = Evaluation::buffer_for(&rubric);
    for _ in 0..runs {
        into.runs.push(time_teichaku_evaluate_into(&rubric, &facts, &mut buffer)?);
        alloc.runs.push(time_teichaku_evaluate(&rubric, &facts)?);
        zen.runs.push(time_zen(&decision, &inputs)?);
    }

    println!();
    println!("{n} subjects, {runs} runs each, one thread");
    println!("| engine | best | median | evaluations/s (best) | evaluations/s (median) |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (name, t) in [
        ("teichaku `evaluate_into` (full Evaluation, buffer reused)", &into),
        ("teichaku `evaluate` (full Evaluation, allocated)", &alloc),
        ("zen-engine (compiled decision)", &zen),
    ] {
        println!(
            "| {name} | {:.2?} | {:.2?} | {:.0} | {:.0} |",
            t.best(),
            t.median(),
            per_second(n, t.best()),
            per_second(n, t.median())
        );
    }
    let ratio = |t: &Timing, f: fn(&Timing) -> Duration| f(&zen).as_secs_f64() / f(t).as_secs_f64();
    println!();
    println!(
        "ratio teichaku evaluate_into / zen-engine: {:.1}x (best), {:.1}x (median)",
        ratio(&into, Timing::best),
        ratio(&into, Timing::median)
    );
    println!(
        "ratio teichaku evaluate      / zen-engine: {:.1}x (best), {:.1}x (median)",
        ratio(&alloc, Timing::best),
        ratio(&alloc, Timing::median)
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
