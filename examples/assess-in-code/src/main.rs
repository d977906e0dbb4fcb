//! Builds a small organisation in code (two teams, a pilot wave, a few weeks of use), assesses
//! it against the built-in `sme-five-step` playbook and prints the next actions.
//!
//! ```text
//! cargo run -p example-assess-in-code
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr, reason = "an example program talks to its terminal")]

use std::process::ExitCode;

use chrono::{Days, NaiveDate};
use teichaku::Catalog;
use teichaku::model::{
    ActivityId, Completion, Member, MemberId, Observations, Organisation, Role, Snapshot, Unit, UnitId, UsageEvent,
    UtcOffset, Wave,
};

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
    // A date that does not exist is an error here, never a silent 1970-01-01.
    let launch: NaiveDate = "2026-09-01".parse()?;
    let as_of: NaiveDate = "2026-10-31".parse()?;
    let joined: NaiveDate = "2020-04-01".parse()?;
    let sales = UnitId::from_key("S");
    let support = UnitId::from_key("C");

    // Twelve people: an executive and a promotion lead in Sales, an ambassador in Sales only.
    let mut organisation = Organisation::new("Example Trading Co.", UtcOffset::from_minutes(9 * 60)?, launch)
        .with_unit(Unit::new(sales, "Sales"))
        .with_unit(Unit::new(support, "Support"))
        .with_wave(Wave::new([sales]).named("pilot"))
        .with_wave(Wave::new([support]));
    for n in 1..=12u32 {
        let key = format!("E{n:03}");
        let unit = if n <= 7 { sales } else { support };
        let member = match n {
            1 => Member::new(MemberId::from_key(&key), unit, joined).with_role(Role::Executive),
            2 => Member::new(MemberId::from_key(&key), unit, joined)
                .with_role(Role::PromotionLead)
                .with_role(Role::Staff),
            3 => Member::new(MemberId::from_key(&key), unit, joined).with_role(Role::Ambassador).with_role(Role::Staff),
            4 | 9 => Member::new(MemberId::from_key(&key), unit, joined).with_role(Role::Manager),
            _ => Member::new(MemberId::from_key(&key), unit, joined).with_role(Role::Staff),
        };
        organisation = organisation.with_keyed_member(member, key, None);
    }

    // Sales members 1-5 use AI on most weekdays of the last four weeks.
    let mut observations = Observations::new();
    for day in (0..28u64).filter(|day| day % 7 < 5) {
        let date = as_of - Days::new(day);
        for n in 1..=5u32 {
            let at = format!("{date}T10:00:00+09:00");
            observations =
                observations.with_usage(UsageEvent::new(MemberId::from_key(&format!("E{n:03}")), at).with_minutes(8.0));
        }
    }
    for (activity, days_after_launch) in [
        ("choose-deployment-pattern", 0),
        ("executive-state-aim", 1),
        ("appoint-promotion-lead", 2),
        ("announce-rollout", 5),
    ] {
        observations = observations
            .with_completion(Completion::new(ActivityId::new(activity)?, launch + Days::new(days_after_launch)));
    }

    let playbook = Catalog::builtin().get("sme-five-step").ok_or("the built-in playbook is missing")?.clone();
    // Every problem at once, each naming its record.
    let snapshot = Snapshot::new(organisation, playbook, observations).validate()?;
    let assessment = teichaku::assess(&snapshot, as_of)?;
    println!("current phase: {:?}", assessment.current_phase().map(|p| p.to_string()));
    if let Some(score) = assessment.score() {
        println!("retention score: {:.1} ({:?})", score.score, score.level);
    }
    for action in assessment.actions().iter().take(10) {
        println!(
            "{:>6.1}  {:<44} {:?} ({} to act)",
            action.urgency,
            action.title.en,
            action.owner,
            action.members.len()
        );
    }
    Ok(())
}
