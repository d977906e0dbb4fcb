//! Runs a yearly appraisal over the built-in demo organisation with the rubric in
//! `rubric.json`: facts the engine derives from what it observed (usage days, streaks, habit
//! segment, proposals, success cases, incidents, trainings) merged with facts an HR system would
//! supply (the goal sheet's AI entry, the manager's rating; made up here), one explained result
//! per employee as JSON lines on standard output, then the team roll-up and a calibration
//! summary on standard error.
//!
//! ```text
//! cargo run -p yearly-appraisal > results.jsonl
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr, reason = "an example program talks to its terminal")]

use std::io::Write;
use std::process::ExitCode;

use chrono::NaiveDate;
use teichaku::demo;
use teichaku::facts::{HrFacts, engine_facts, merge_facts};
use teichaku::model::MemberId;
use teichaku::rules::{
    CalibrationTarget, DEFAULT_MIN_GROUP_SIZE, Direction, FactValue, GroupFigures, calibrate, compile, evaluate_batch,
    parse_rubric, rollup,
};

/// The rubric, kept beside the program as a document an HR department would own.
const RUBRIC: &str = include_str!("../rubric.json");

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let rubric = compile(parse_rubric(RUBRIC)?)?;
    let snapshot = demo::snapshot();
    // The appraisal year so far: from the start of the fiscal year to the demo's date.
    let from = NaiveDate::from_ymd_opt(2026, 4, 1).ok_or("a calendar date")?;
    let engine = engine_facts(&snapshot, from, demo::AS_OF)?;

    // What an HR system would export: a goal-sheet entry and a manager's rating for most
    // people, made up from each member's position, and one row for someone who has left the
    // system's view of the organisation.
    let mut hr: Vec<HrFacts> = engine.members.iter().enumerate().map(|(i, m)| made_up_hr_facts(i, m.member)).collect();
    hr.push(HrFacts::new(MemberId::from_u128(0xdead), [("goal_sheet_ai_entry", FactValue::Boolean(true))]));
    let merged = merge_facts(&rubric, &engine, &hr)?;
    for member in &merged.unknown_members {
        eprintln!("HR facts name member `{member}`, who is not in the organisation on {}: not evaluated", demo::AS_OF);
    }

    let batch = evaluate_batch(&rubric, &merged.subjects);
    let mut out = std::io::stdout().lock();
    for result in &batch.results {
        serde_json::to_writer(&mut out, result)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    // Every result line names the rubric's content hash and the engine's version too.
    eprintln!(
        "rubric {} revision {} {}, teichaku {}",
        batch.rubric_id, batch.rubric_revision, batch.rubric_hash, batch.engine_version
    );
    eprintln!(
        "{} members: {} evaluated, {} out of the rubric's scope, {} failed",
        batch.results.len(),
        batch.evaluated,
        batch.not_applicable,
        batch.failed
    );

    let teams = rollup(&rubric, &batch, DEFAULT_MIN_GROUP_SIZE)?;
    eprintln!("team roll-up (figures withheld under {} people):", teams.min_group_size);
    for group in &teams.groups {
        let name = group
            .group
            .as_deref()
            .and_then(|id| snapshot.organisation().units.iter().find(|u| u.id.to_string() == id))
            .map_or("(no unit)", |u| u.name.as_str());
        let figures = match &group.figures {
            GroupFigures::Shown { mean, median, bands } => {
                let bands: Vec<String> = bands.iter().map(|b| format!("{} {}", b.band, b.count)).collect();
                format!("mean {mean:.1}, median {median:.1}, {}", bands.join(" / "))
            }
            GroupFigures::Suppressed => "withheld (too few people)".to_owned(),
            _ => "nobody evaluated".to_owned(),
        };
        eprintln!("  {name:<18} {:>3} evaluated of {:>3}: {figures}", group.evaluated, group.subjects);
    }

    let target: CalibrationTarget =
        serde_json::from_str(r#"{ "shares": { "S": 0.1, "A": 0.2, "B": 0.4, "C": 0.2, "D": 0.1 } }"#)?;
    let calibration = calibrate(&rubric, &batch, &target)?;
    let up = calibration.moves.iter().filter(|m| m.direction == Direction::Up).count();
    eprintln!(
        "calibration to 10/20/40/20/10: {} of {} would move ({} of them up), {} keep their band",
        calibration.moves.len(),
        calibration.ranked,
        up,
        calibration.unchanged
    );
    Ok(())
}

/// The HR facts of the `i`-th member: most goal sheets have their AI entry; most ratings meet.
fn made_up_hr_facts(i: usize, member: MemberId) -> HrFacts {
    let rating = match i % 9 {
        0 => "exceeds",
        4 => "below",
        _ => "meets",
    };
    let mut facts = vec![("manager_rating", FactValue::Enumeration(rating.to_owned()))];
    if i % 5 != 3 {
        facts.push(("goal_sheet_ai_entry", FactValue::Boolean(i % 4 != 0)));
    }
    HrFacts::new(member, facts)
}
