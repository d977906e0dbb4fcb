//! Builds a small organisation in code (two teams, a pilot wave, a few weeks of use), assesses
//! it against the built-in `sme-five-step` playbook and prints the next actions.
//!
//! ```text
//! cargo run -p example-assess-in-code
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr, reason = "an example program talks to its terminal")]

use std::collections::BTreeSet;
use std::process::ExitCode;

use chrono::{Days, NaiveDate};
use teichaku::Catalog;
use teichaku::model::{
    Completion, DeploymentPattern, Member, MemberId, Observations, Organisation, PlaybookCatalog, PlaybookId, Role,
    Snapshot, Timestamp, Unit, UnitId, UsageEvent, UtcOffset, Wave, validate,
};

fn main() -> ExitCode {
    let launch = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap_or_default();
    let as_of = NaiveDate::from_ymd_opt(2026, 10, 31).unwrap_or_default();
    let sales = UnitId::from_u128(1);
    let support = UnitId::from_u128(2);

    // Twelve people: an executive and a promotion lead in Sales, an ambassador in Sales only.
    let members: Vec<Member> = (1..=12u128)
        .map(|n| {
            let roles = match n {
                1 => BTreeSet::from([Role::Executive]),
                2 => BTreeSet::from([Role::PromotionLead, Role::Staff]),
                3 => BTreeSet::from([Role::Ambassador, Role::Staff]),
                4 | 9 => BTreeSet::from([Role::Manager]),
                _ => BTreeSet::from([Role::Staff]),
            };
            Member {
                id: MemberId::from_u128(100 + n),
                name: None,
                unit: if n <= 7 { sales } else { support },
                roles,
                age_band: None,
                literacy: None,
                joined: NaiveDate::from_ymd_opt(2020, 4, 1).unwrap_or_default(),
                left: None,
            }
        })
        .collect();
    let organisation = Organisation {
        name: "Example Trading Co.".into(),
        utc_offset: UtcOffset::from_minutes(9 * 60).unwrap_or_default(),
        launch_date: launch,
        deployment_pattern: DeploymentPattern::Hybrid,
        units: vec![
            Unit { id: sales, name: "Sales".into(), parent: None },
            Unit { id: support, name: "Support".into(), parent: None },
        ],
        members,
        waves: vec![Wave { name: Some("pilot".into()), units: vec![sales] }, Wave { name: None, units: vec![support] }],
        task_baselines: Vec::new(),
        hourly_rate: None,
        keys: Default::default(),
    };

    // Sales members 1-5 use AI on most weekdays of the last four weeks.
    let mut usage = Vec::new();
    for day in 0..28u64 {
        let date = as_of - Days::new(day);
        if day % 7 >= 5 {
            continue;
        }
        for n in 1..=5u128 {
            usage.push(UsageEvent {
                member: MemberId::from_u128(100 + n),
                at: Timestamp::from(format!("{date}T10:00:00+09:00")),
                minutes: 8.0,
                task: None,
                tool: None,
                saved_minutes: None,
            });
        }
    }
    let done = |activity: &str, unit: Option<UnitId>, days_after_launch: u64| Completion {
        activity: activity.parse().unwrap_or_else(|e| panic!("`{activity}`: {e}")),
        unit,
        date: launch + Days::new(days_after_launch),
        by: None,
    };
    let completions = vec![
        done("choose-deployment-pattern", None, 0),
        done("executive-state-aim", None, 1),
        done("appoint-promotion-lead", None, 2),
        done("announce-rollout", None, 5),
    ];

    let catalog = Catalog::builtin();
    let Some(playbook) = PlaybookId::new("sme-five-step").ok().and_then(|id| catalog.playbook(&id).cloned()) else {
        eprintln!("the built-in playbook is missing");
        return ExitCode::FAILURE;
    };
    let snapshot = match validate(Snapshot {
        organisation,
        playbook,
        observations: Observations { usage, completions, ..Observations::default() },
    }) {
        Ok(snapshot) => snapshot,
        Err(errors) => {
            eprintln!("{errors}");
            return ExitCode::FAILURE;
        }
    };
    let assessment = match teichaku::assess(&snapshot, as_of) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    println!("current phase: {:?}", assessment.readiness.current_phase.map(|p| p.to_string()));
    for action in assessment.actions.actions.iter().take(10) {
        println!(
            "{:>6.1}  {:<44} {:?} ({} to act)",
            action.urgency,
            action.title.en,
            action.owner,
            action.members.len()
        );
    }
    ExitCode::SUCCESS
}
