//! Vendors' usage exports (docs/vendors.md): GitHub Copilot's user-level NDJSON metrics and
//! Microsoft 365 Copilot's usage user detail report, read by `teichaku_import::read_vendor`
//! into member-day records and loaded as the command line loads them, with hand-computed KPIs,
//! the KPIs the exports cannot give reported as not measurable, bad lines named by their
//! vendor line, and users the organisation does not know reported.

use std::collections::BTreeMap;

use teichaku::metrics::{Figure, KpiOptions, KpiReport, Rate, ScopeFigures, kpis_with_store};
use teichaku::model::HabitRule;
use teichaku::{LoadOptions, Loaded};
use teichaku_import::{GithubLogins, Vendor, VendorLineError, VendorRead, read_vendor, unknown_days, unknown_days_csv};

use crate::support::catalog;

/// Sunday: the trailing 7 days are the ISO week 2026-08-03..09.
const AS_OF: &str = "2026-08-09";

/// Five staff members E001..E005, e-mail `one@example.jp`..`five@example.jp`.
const ORG: &str = include_str!("../data/vendors/org.json");
const GITHUB: &str = include_str!("../data/vendors/github-copilot.ndjson");
const LOGINS: &str = include_str!("../data/vendors/github-logins.csv");
const M365: &str = include_str!("../data/vendors/m365-copilot.csv");

/// The documented columns of the usage user detail report.
const M365_HEADER: &str = "Report Refresh Date,Report Period,User Principal Name,Display Name,Last Activity Date,Microsoft Teams Copilot Last Activity Date,Word Copilot Last Activity Date,Excel Copilot Last Activity Date,PowerPoint Copilot Last Activity Date,Outlook Copilot Last Activity Date,OneNote Copilot Last Activity Date,Loop Copilot Last Activity Date,Copilot Chat Last Activity Date";

/// Reads each export, then loads the document with their member-day records and the days none
/// of them tells of as unknown days (bad lines skipped and reported), as `--usage-vendor` does.
fn load(exports: &[(Vendor, &str)], logins: &GithubLogins) -> (Loaded, Vec<VendorRead>) {
    let mut files = BTreeMap::new();
    let mut options = LoadOptions { skip_bad_lines: true, ..LoadOptions::default() };
    let mut reads = Vec::new();
    for (i, (vendor, text)) in exports.iter().enumerate() {
        let read = read_vendor(*vendor, text.as_bytes(), logins).unwrap();
        let name = format!("export-{i}.csv");
        files.insert(name.clone(), read.day_records_csv().into_bytes());
        options.extra_day_files.push(name);
        reads.push(read);
    }
    let unknown = unknown_days(&reads.iter().collect::<Vec<_>>());
    if !unknown.is_empty() {
        files.insert("unknown.csv".to_owned(), unknown_days_csv(&unknown).into_bytes());
        options.extra_period_files.push("unknown.csv".to_owned());
    }
    (teichaku::load_with(ORG, catalog(), &files, &options).unwrap(), reads)
}

fn report(loaded: &Loaded) -> KpiReport {
    let mut options = KpiOptions::default();
    options.min_group_size = Some(1);
    options.habit = Some(HabitRule::DaysInWindow { days: 4, window: 7 });
    kpis_with_store(&loaded.snapshot, &loaded.store, AS_OF.parse().unwrap(), &options).unwrap()
}

fn org(report: &KpiReport) -> &ScopeFigures {
    match &report.scopes[0].figures {
        Figure::Value(f) => f,
        other => panic!("the organisation's figures are {other:?}"),
    }
}

fn rate(figure: &Figure<Rate>) -> (u64, u64) {
    match figure {
        Figure::Value(r) => (r.numerator, r.denominator),
        other => panic!("expected a rate, got {other:?}"),
    }
}

#[test]
fn github_copilot_user_days_give_the_day_figures_hand_computed() {
    let logins = GithubLogins::from_csv(LOGINS.as_bytes()).unwrap();
    let (loaded, reads) = load(&[(Vendor::GithubCopilot, GITHUB)], &logins);
    let read = &reads[0];
    // Eleven lines: ten records, a blank line. Seven days of use, one record of a day without
    // use (octo-two on 08-09: every count 0), one bad day (line 11); the unknown user of line 9
    // is refused by the engine.
    assert_eq!((read.rows, read.days.len(), read.rows_without_use, read.bad_line_count), (10, 8, 1, 1));
    assert_eq!(read.bad_lines[0].line, 11);
    assert!(matches!(read.bad_lines[0].error, VendorLineError::BadDate { field: "day", .. }));
    assert_eq!((loaded.usage.day_records, loaded.usage.bad_line_count), (7, 1));
    let unknown = &loaded.usage.bad_lines[0];
    assert_eq!(read.vendor_line(unknown.line), Some(9));
    assert!(unknown.problem.contains("`stranger`"), "{}", unknown.problem);

    let report = report(&loaded);
    let f = org(&report);
    // E001 (octo-one, any case) on 08-03, 04, 06, 07; E002 (Octo-Two, by e-mail) on 08-08;
    // E003 (login = key) on 07-30 and 08-07.
    assert_eq!(rate(&f.weekly_active), (3, 5));
    assert_eq!(rate(&f.monthly_active), (3, 5));
    assert_eq!(rate(&f.habit), (1, 5));
    // Active in 07-27..08-02: E003, active again.
    assert_eq!(rate(&f.returning), (1, 1));
    let s = f.segments;
    assert_eq!((s.habitual, s.regular, s.occasional, s.lapsed, s.never, s.not_measurable), (1, 2, 0, 0, 2, 0));
    // Uses are prompts, acceptances and CLI prompts: E001 8 + 2 + 1 + 2, E002 2, E003 3,
    // over 4 + 1 + 1 active member-days.
    assert_eq!(f.usage.intensity, Figure::Value(18.0 / 6.0));
    // The export holds no time: minutes are not measurable, time saved unmeasured.
    assert_eq!(f.usage.minutes_per_active_member, Figure::NotMeasurable);
    assert_eq!(f.time_saved.unmeasured_events, 13 + 2 + 4 + 3);
}

#[test]
fn a_github_day_of_completions_only_is_a_day_of_use_whose_uses_are_unknown() {
    let ndjson = format!(
        "{GITHUB}{}\n",
        r#"{"code_acceptance_activity_count": 0, "code_generation_activity_count": 6, "day": "2026-08-05", "user_id": 104, "user_login": "E004", "user_initiated_interaction_count": 0}"#
    );
    let logins = GithubLogins::from_csv(LOGINS.as_bytes()).unwrap();
    let (loaded, _) = load(&[(Vendor::GithubCopilot, &ndjson)], &logins);
    let report = report(&loaded);
    let f = org(&report);
    assert_eq!(rate(&f.weekly_active), (4, 5));
    assert_eq!(f.usage.intensity, Figure::NotMeasurable);
}

#[test]
fn one_microsoft_365_snapshot_settles_weekly_and_monthly_use_only_and_habit_is_not_measurable() {
    let (loaded, reads) = load(&[(Vendor::M365Copilot, M365)], &GithubLogins::default());
    let read = &reads[0];
    // Six rows: E001's three app dates, E002's one, E004's one, the ghost's one; E003 states
    // no use; E005's date after the refresh date is bad (line 7).
    assert_eq!((read.rows, read.days.len(), read.rows_without_use, read.bad_line_count), (6, 6, 1, 1));
    assert_eq!(read.bad_lines[0].line, 7);
    let tools: Vec<_> = read.days.iter().filter(|d| d.line == 2).map(|d| d.tool.as_str()).collect();
    assert_eq!(tools, ["m365-copilot-chat", "m365-copilot-word", "m365-copilot-teams"]);
    // The ghost (line 5) is not a member: refused by the engine, named by its line (and its
    // two records of unknown days too, which the command line reports as the same line).
    assert_eq!(loaded.usage.bad_line_count, 3);
    assert_eq!(read.vendor_line(loaded.usage.bad_lines[0].line), Some(5));
    // Known: E001 08-08..09, E002 07-25..08-09, E003 every day up to 08-09 (no use ever), E004
    // 08-09; the 366 days before each first known day and after 08-09 are unknown days.
    let known: Vec<_> = read.known.iter().map(|k| (k.line, k.from.map(|d| d.to_string()))).collect();
    assert_eq!(
        known,
        [
            (2, Some("2026-08-08".into())),
            (3, Some("2026-07-25".into())),
            (4, None),
            (5, Some("2026-08-09".into())),
            (6, Some("2026-08-09".into()))
        ]
    );
    assert_eq!(loaded.usage.period_records, 9 - 2);

    let report = report(&loaded);
    let f = org(&report);
    // Last use on or after 08-03 (E001 08-08, E004 08-09): exact, since the report also says
    // nobody used it after their last day.
    assert_eq!(rate(&f.weekly_active), (2, 5));
    // And E002 (07-25) in 07-13..08-09.
    assert_eq!(rate(&f.monthly_active), (3, 5));
    // No counts, no minutes.
    assert_eq!(f.usage.intensity, Figure::NotMeasurable);
    assert_eq!(f.usage.minutes_per_active_member, Figure::NotMeasurable);
    // One snapshot does not settle a 4-of-7 habit: in 08-03..09 E001 used it on 08-05 and
    // 08-08 and the four other days before 08-08 are unknown (2 to 6 days), E004 on 08-09 and
    // the six days before are unknown (1 to 7). So the habit rate is not measurable.
    assert_eq!(f.habit, Figure::NotMeasurable);
    // Nor are E001's and E004's segments; E002 (known without use since 07-25, used in the
    // last 28 days) is occasional, E003 and E005 (a bad line, skipped) never used it.
    let s = f.segments;
    assert_eq!((s.habitual, s.regular, s.occasional, s.lapsed, s.never, s.not_measurable), (0, 0, 1, 0, 2, 2));
    // E001's days in 07-27..08-02 are unknown: returning is not measurable, nor are streaks
    // or first use.
    assert_eq!(f.returning, Figure::NotMeasurable);
    assert_eq!(f.usage.mean_current_streak, Figure::NotMeasurable);
}

/// The usage user detail report refreshed on `refreshed`, for E001 (last use by Teams on the
/// latest of `teams` up to that day, Word on 08-04 once reached) and E002 (07-29, Outlook).
fn snapshot(refreshed: &str) -> String {
    let teams = ["2026-08-03", "2026-08-04", "2026-08-06", "2026-08-07"];
    let last = teams.iter().rev().find(|d| **d <= refreshed).unwrap();
    let word = if refreshed >= "2026-08-04" { "2026-08-04" } else { "" };
    format!(
        "{M365_HEADER}\n\
         {refreshed},7,one@example.jp,M1,{last},{last},{word},,,,,,\n\
         {refreshed},7,two@example.jp,M2,2026-07-29,,,,,2026-07-29,,,\n"
    )
}

#[test]
fn daily_microsoft_365_snapshots_settle_every_day_they_cover() {
    let days = ["2026-08-03", "2026-08-04", "2026-08-05", "2026-08-06", "2026-08-07", "2026-08-08", "2026-08-09"];
    let texts: Vec<String> = days.iter().map(|d| snapshot(d)).collect();
    let exports: Vec<(Vendor, &str)> = texts.iter().map(|t| (Vendor::M365Copilot, t.as_str())).collect();
    let (loaded, _) = load(&exports, &GithubLogins::default());
    // Twenty records, six distinct: E001 Teams on 08-03, 04, 06, 07 and Word on 08-04; E002
    // Outlook on 07-29. The snapshots repeat the others, exact duplicates dropped and counted.
    assert_eq!(loaded.usage.day_records, 20);
    let report = report(&loaded);
    let counts = report.events.unwrap();
    assert_eq!((counts.day_records, counts.day_duplicates_dropped), (6, 14));
    let f = org(&report);
    // Each day of the week is settled by its own snapshot: E001 used it on four.
    assert_eq!(rate(&f.weekly_active), (1, 5));
    assert_eq!(rate(&f.habit), (1, 5));
    assert_eq!(rate(&f.monthly_active), (2, 5));
    // E002 was active in 07-27..08-02 and not since, but E001's days before the first snapshot
    // (08-03) are unknown, so who returned is not measurable.
    assert_eq!(f.returning, Figure::NotMeasurable);
    assert_eq!(f.usage.intensity, Figure::NotMeasurable);
}
