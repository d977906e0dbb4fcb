//! Vendors' usage exports read into member-day records: GitHub Copilot's user-level usage
//! metrics (NDJSON, one record per user and day) and Microsoft 365 Copilot's per-user usage
//! report (CSV, one row per user with last-activity dates by app).
//!
//! Each vendor row is mapped to what it truly says, and nothing more (`docs/vendors.md` cites
//! the vendors' pages and says what each source can and cannot tell).
//! The records are handed over as a member-day record file ([`VendorRead::day_records_csv`]),
//! so the engine's checks, duplicate policy and unknown-member reports apply to them unchanged;
//! [`VendorRead::vendor_line`] names the vendor's line behind each record.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use teichaku_model::ToolId;

/// The longest vendor export read, in bytes.
pub const MAX_VENDOR_BYTES: usize = 1024 * 1024 * 1024;

/// The most bad lines a [`VendorRead`] keeps; past it they are counted only.
pub const MAX_VENDOR_BAD_LINES_KEPT: usize = 1000;

/// The longest member text kept in a record or a message, in characters.
const MAX_SHOWN_CHARS: usize = 64;

/// A vendor export the importer reads.
///
/// ```
/// use teichaku_import::Vendor;
/// assert_eq!("github-copilot".parse::<Vendor>()?, Vendor::GithubCopilot);
/// assert_eq!(Vendor::M365Copilot.as_str(), "m365-copilot");
/// assert!("chatgpt".parse::<Vendor>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Vendor {
    /// GitHub Copilot's user-level usage metrics report: NDJSON, one record per user and day.
    GithubCopilot,
    /// Microsoft 365 Copilot's usage user detail report: CSV, one row per user.
    M365Copilot,
}

impl Vendor {
    /// Every vendor, in order.
    ///
    /// ```
    /// assert_eq!(teichaku_import::Vendor::ALL.len(), 2);
    /// ```
    pub const ALL: [Vendor; 2] = [Vendor::GithubCopilot, Vendor::M365Copilot];

    /// The vendor's name on the command line: `github-copilot` or `m365-copilot`.
    ///
    /// ```
    /// assert_eq!(teichaku_import::Vendor::GithubCopilot.as_str(), "github-copilot");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Vendor::GithubCopilot => "github-copilot",
            Vendor::M365Copilot => "m365-copilot",
        }
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Vendor {
    type Err = VendorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Vendor::ALL
            .into_iter()
            .find(|v| v.as_str() == s.trim())
            .ok_or_else(|| VendorError::UnknownVendor { name: s.chars().take(MAX_SHOWN_CHARS).collect() })
    }
}

/// Which member each GitHub login is: GitHub's report names users by login, which is none of
/// the organisation's keys. A login not listed is taken as a member key itself.
///
/// Logins are compared case-insensitively (GitHub's are).
///
/// ```
/// use teichaku_import::GithubLogins;
/// let logins = GithubLogins::from_csv(b"login,member\nOcto-Sato,E001\nsuzuki,suzuki@example.jp\n")?;
/// assert_eq!(logins.member_for("octo-sato"), "E001");
/// assert_eq!(logins.member_for("E009"), "E009");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GithubLogins {
    members: BTreeMap<String, String>,
}

impl GithubLogins {
    /// Reads a CSV with the columns `login` and `member` (a member's key or e-mail address);
    /// the header is line 1.
    ///
    /// # Errors
    ///
    /// [`VendorError::Logins`] naming the line of a row that cannot be read, holds an empty
    /// cell, or lists a login a second time; or naming line 1 when a column is missing.
    ///
    /// ```
    /// use teichaku_import::{GithubLogins, VendorError};
    /// let e = GithubLogins::from_csv(b"login,member\na,E001\nA,E002\n").unwrap_err();
    /// assert_eq!(e.to_string(), "GitHub login list, line 3: login `A` is listed twice");
    /// ```
    pub fn from_csv(bytes: &[u8]) -> Result<Self, VendorError> {
        let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
        let bad = |line: u64, problem: String| VendorError::Logins { line, problem };
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes);
        let header = reader.headers().map_err(|e| bad(1, e.to_string()))?.clone();
        let place = |name: &str| header.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
        let (Some(login_at), Some(member_at)) = (place("login"), place("member")) else {
            return Err(bad(1, "the header names the columns `login` and `member`".into()));
        };
        let mut logins = Self::default();
        for row in reader.records() {
            let row = row.map_err(|e| bad(e.position().map_or(0, |p| p.line()), e.to_string()))?;
            let line = row.position().map_or(0, |p| p.line());
            let login = row.get(login_at).map(str::trim).unwrap_or_default();
            let member = row.get(member_at).map(str::trim).unwrap_or_default();
            if login.is_empty() || member.is_empty() {
                return Err(bad(line, "a row needs a `login` and a `member`".into()));
            }
            if logins.members.insert(login.to_lowercase(), member.to_owned()).is_some() {
                return Err(bad(line, format!("login `{login}` is listed twice")));
            }
        }
        Ok(logins)
    }

    /// Lists `login` as `member` (a key or e-mail address), replacing an earlier entry.
    ///
    /// ```
    /// let mut logins = teichaku_import::GithubLogins::default();
    /// logins.insert("octocat", "E001");
    /// assert_eq!(logins.member_for("OctoCat"), "E001");
    /// ```
    pub fn insert(&mut self, login: &str, member: &str) {
        self.members.insert(login.trim().to_lowercase(), member.trim().to_owned());
    }

    /// The member text `login` stands for: the listed member, else the login itself.
    ///
    /// ```
    /// assert_eq!(teichaku_import::GithubLogins::default().member_for("E001"), "E001");
    /// ```
    pub fn member_for<'a>(&'a self, login: &'a str) -> &'a str {
        self.members.get(&login.to_lowercase()).map_or(login, String::as_str)
    }
}

/// One member-day record read from a vendor row.
///
/// ```
/// let read = teichaku_import::read_vendor(
///     teichaku_import::Vendor::GithubCopilot,
///     br#"{"user_login": "E001", "day": "2025-10-01", "user_initiated_interaction_count": 3}"#,
///     &Default::default(),
/// )?;
/// let day = &read.days[0];
/// assert_eq!((day.line, day.member.as_str(), day.count), (1, "E001", Some(3)));
/// assert_eq!(day.tool.as_str(), "github-copilot");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct VendorDay {
    /// The vendor file's line the record comes from (from 1; a CSV's header is line 1).
    pub line: u64,
    /// The member as the row names them (a key or e-mail address; for GitHub, the login's
    /// member from [`GithubLogins`]).
    pub member: String,
    /// The day of use.
    pub date: NaiveDate,
    /// Uses that day, when the vendor counts them.
    pub count: Option<u32>,
    /// The tool: `github-copilot`, or `m365-copilot` and `m365-copilot-<app>`.
    pub tool: ToolId,
}

/// What [`read_vendor`] read from a vendor export.
///
/// ```
/// use teichaku_import::{Vendor, read_vendor};
/// let csv = "Report Refresh Date,Report Period,User Principal Name,Display Name,Last Activity Date,Word Copilot Last Activity Date\n\
///            2026-08-09,7,sato@example.jp,Sato,2026-08-07,2026-08-07\n\
///            2026-08-09,7,ito@example.jp,Ito,,\n";
/// let read = read_vendor(Vendor::M365Copilot, csv.as_bytes(), &Default::default())?;
/// assert_eq!((read.rows, read.rows_without_use, read.days.len()), (2, 1, 1));
/// assert_eq!(read.days[0].tool.as_str(), "m365-copilot-word");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct VendorRead {
    /// The export read.
    pub vendor: Vendor,
    /// The rows (records) read, bad ones included; blank lines and a CSV's header are not rows.
    pub rows: u64,
    /// The member-day records, in the order of their rows (and, within a row, by day and tool).
    pub days: Vec<VendorDay>,
    /// Rows that state no use at all (GitHub: every activity count 0 and no `used_*` flag;
    /// Microsoft 365: no last-activity date): they say the user did not use the tool, and
    /// give no record.
    pub rows_without_use: u64,
    /// The days each row says the user's use is known on (Microsoft 365: from the last day of
    /// use to the refresh date; GitHub: none, as its records are every day of use), in the
    /// order of their rows: [`unknown_days`] gives the days between and around them.
    pub known: Vec<VendorKnown>,
    /// The rows that could not be read, at most [`MAX_VENDOR_BAD_LINES_KEPT`].
    pub bad_lines: Vec<VendorBadLine>,
    /// How many rows could not be read.
    pub bad_line_count: u64,
}

/// The days a vendor row says a user's use is known on: every day of use among them has a
/// record, every other day had no use.
///
/// ```
/// use teichaku_import::{Vendor, read_vendor};
/// let csv = "Report Refresh Date,User Principal Name,Last Activity Date\n\
///            2026-08-09,sato@example.jp,2026-08-07\n\
///            2026-08-09,ito@example.jp,\n";
/// let read = read_vendor(Vendor::M365Copilot, csv.as_bytes(), &Default::default())?;
/// let spans: Vec<_> = read.known.iter().map(|k| (k.member.as_str(), k.from.map(|d| d.to_string()), k.to.to_string())).collect();
/// // Sato's last day of use, then none up to the refresh date; Ito's none ever.
/// assert_eq!(spans, [
///     ("sato@example.jp", Some("2026-08-07".into()), "2026-08-09".into()),
///     ("ito@example.jp", None, "2026-08-09".into()),
/// ]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct VendorKnown {
    /// The vendor file's line (from 1; a CSV's header is line 1).
    pub line: u64,
    /// The member as the row names them.
    pub member: String,
    /// The first day known; `None` when the row knows every day up to `to` (no use ever).
    pub from: Option<NaiveDate>,
    /// The last day known.
    pub to: NaiveDate,
}

/// Days of a member whose use no vendor row tells ([`unknown_days`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct VendorUnknown {
    /// The member as the rows name them.
    pub member: String,
    /// The first unknown day.
    pub start: NaiveDate,
    /// The last unknown day (at most [`UNKNOWN_REACH`] days after `start`, less one).
    pub end: NaiveDate,
    /// Which of the reads given the member's first row is in ...
    pub read: usize,
    /// ... and on which line.
    pub line: u64,
}

/// How far unknown days reach before a member's first known day and after their last one,
/// in days: the longest period record the engine takes (366), so one record of unknown days
/// each side.
pub const UNKNOWN_REACH: i64 = 366;

/// The days of each member on which none of `reads` tells whether they used the tool: the
/// gaps between the spans the rows know ([`VendorRead::known`]), the [`UNKNOWN_REACH`] days
/// before the first span (unless a row knows every day before it) and those after the last.
/// Members are grouped by their text compared case-insensitively (e-mail addresses), spans
/// longer than [`UNKNOWN_REACH`] are cut, and a member is named by their first row.
///
/// One Microsoft 365 report knows each user's days from the last day of use to the refresh
/// date, so the days before are unknown: habit and other figures whose window holds one are
/// not measurable. Daily snapshots know every day from the first snapshot on.
///
/// ```
/// use teichaku_import::{Vendor, read_vendor, unknown_days};
/// let csv = "Report Refresh Date,User Principal Name,Last Activity Date\n2026-08-09,sato@example.jp,2026-08-07\n";
/// let read = read_vendor(Vendor::M365Copilot, csv.as_bytes(), &Default::default())?;
/// let unknown = unknown_days(&[&read]);
/// let spans: Vec<_> = unknown.iter().map(|u| (u.start.to_string(), u.end.to_string())).collect();
/// assert_eq!(spans, [("2025-08-06".into(), "2026-08-06".into()), ("2026-08-10".into(), "2027-08-10".into())]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn unknown_days(reads: &[&VendorRead]) -> Vec<VendorUnknown> {
    // Each member's known spans (`None`: from the beginning), with the first row naming them.
    let mut members: BTreeMap<String, (String, usize, u64, Vec<KnownSpan>)> = BTreeMap::new();
    for (r, read) in reads.iter().enumerate() {
        for k in &read.known {
            let entry =
                members.entry(k.member.to_lowercase()).or_insert_with(|| (k.member.clone(), r, k.line, Vec::new()));
            entry.3.push((k.from, k.to));
        }
    }
    let mut out = Vec::new();
    let reach = chrono::Days::new(UNKNOWN_REACH as u64);
    for (member, read, line, mut spans) in members.into_values() {
        spans.sort_unstable();
        // Merge the spans that meet; `None` sorts first, so an open span starts the list.
        let mut merged: Vec<KnownSpan> = Vec::new();
        for (from, to) in spans {
            match merged.last_mut() {
                Some(last) if from.is_none_or(|f| f.pred_opt().is_none_or(|p| p <= last.1)) => last.1 = last.1.max(to),
                _ => merged.push((from, to)),
            }
        }
        let mut gaps: Vec<(NaiveDate, NaiveDate)> = Vec::new();
        if let Some((Some(first), _)) = merged.first() {
            if let (Some(start), Some(end)) = (first.checked_sub_days(reach), first.pred_opt()) {
                gaps.push((start, end));
            }
        }
        for pair in merged.windows(2) {
            if let [(_, a), (Some(b), _)] = pair {
                if let (Some(start), Some(end)) = (a.succ_opt(), b.pred_opt()) {
                    gaps.push((start, end));
                }
            }
        }
        if let Some((_, last)) = merged.last() {
            if let (Some(start), Some(end)) = (last.succ_opt(), last.checked_add_days(reach)) {
                gaps.push((start, end));
            }
        }
        for (mut start, end) in gaps {
            while start <= end {
                let cut =
                    start.checked_add_days(chrono::Days::new(UNKNOWN_REACH as u64 - 1)).map_or(end, |c| c.min(end));
                out.push(VendorUnknown { member: member.clone(), start, end: cut, read, line });
                let Some(next) = cut.succ_opt() else { break };
                start = next;
            }
        }
    }
    out
}

/// Days known, from the first (`None`: from the beginning) to the last.
type KnownSpan = (Option<NaiveDate>, NaiveDate);

/// The unknown days as a member-period record CSV (`member,start,end,active_days`, with
/// `active_days` `unknown`), which the engine reads as any `--usage-periods` file; its line
/// `n` (from 2) holds `unknown[n - 2]`.
///
/// ```
/// use teichaku_import::{Vendor, read_vendor, unknown_days, unknown_days_csv};
/// let csv = "Report Refresh Date,User Principal Name,Last Activity Date\n2026-08-09,sato@example.jp,2026-08-07\n";
/// let read = read_vendor(Vendor::M365Copilot, csv.as_bytes(), &Default::default())?;
/// assert_eq!(
///     unknown_days_csv(&unknown_days(&[&read])),
///     "member,start,end,active_days\n\
///      sato@example.jp,2025-08-06,2026-08-06,unknown\n\
///      sato@example.jp,2026-08-10,2027-08-10,unknown\n"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn unknown_days_csv(unknown: &[VendorUnknown]) -> String {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    // Writing to a Vec cannot fail, and every field is UTF-8 text.
    let _ = writer.write_record(["member", "start", "end", "active_days"]);
    for u in unknown {
        let _ = writer.write_record([u.member.as_str(), &u.start.to_string(), &u.end.to_string(), "unknown"]);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The member-day record CSV's header ([`VendorRead::day_records_csv`]).
const DAY_FILE_HEADER: [&str; 4] = ["member", "date", "count", "tool"];

impl VendorRead {
    /// The records as a member-day record CSV (`member,date,count,tool`), which the engine reads
    /// as any `--usage-days` file; its line `n` (from 2) holds `days[n - 2]`.
    ///
    /// ```
    /// let read = teichaku_import::read_vendor(
    ///     teichaku_import::Vendor::GithubCopilot,
    ///     b"\n{\"user_login\": \"E001\", \"day\": \"2025-10-01\", \"used_chat\": true}\n",
    ///     &Default::default(),
    /// )?;
    /// assert_eq!(read.day_records_csv(), "member,date,count,tool\nE001,2025-10-01,,github-copilot\n");
    /// assert_eq!((read.vendor_line(1), read.vendor_line(2)), (None, Some(2)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn day_records_csv(&self) -> String {
        let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
        // Writing to a Vec cannot fail, and every field is UTF-8 text.
        let _ = writer.write_record(DAY_FILE_HEADER);
        for day in &self.days {
            let count = day.count.map(|c| c.to_string()).unwrap_or_default();
            let _ = writer.write_record([day.member.as_str(), &day.date.to_string(), &count, day.tool.as_str()]);
        }
        let bytes = writer.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }

    /// The vendor file's line behind line `line` of [`Self::day_records_csv`] (none for its
    /// header or past its end).
    ///
    /// See [`Self::day_records_csv`] for an example.
    pub fn vendor_line(&self, line: u64) -> Option<u64> {
        let index = usize::try_from(line.checked_sub(2)?).ok()?;
        self.days.get(index).map(|d| d.line)
    }

    fn bad(&mut self, line: u64, error: VendorLineError) {
        self.bad_line_count += 1;
        if self.bad_lines.len() < MAX_VENDOR_BAD_LINES_KEPT {
            self.bad_lines.push(VendorBadLine { line, error });
        }
    }
}

/// A vendor row that could not be read, by line (from 1; a CSV's header is line 1).
///
/// ```
/// let read = teichaku_import::read_vendor(
///     teichaku_import::Vendor::GithubCopilot,
///     br#"{"user_login": "E001", "day": "10/01/2025"}"#,
///     &Default::default(),
/// )?;
/// assert_eq!(read.bad_lines[0].to_string(), r#"line 1: `day`: "10/01/2025" is not a day such as 2025-10-01"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("line {line}: {error}")]
#[non_exhaustive]
pub struct VendorBadLine {
    /// The line, from 1.
    pub line: u64,
    /// What is wrong with it.
    pub error: VendorLineError,
}

/// What is wrong with a vendor row.
///
/// ```
/// let e = teichaku_import::VendorLineError::MissingField { field: "user_login" };
/// assert_eq!(e.to_string(), "no `user_login`");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum VendorLineError {
    /// The line is not UTF-8 text.
    #[error("not UTF-8")]
    NotUtf8,
    /// The line is not a JSON object, or not a CSV record.
    #[error("unreadable: {problem}")]
    Unreadable {
        /// Why.
        problem: String,
    },
    /// A required field is missing or empty.
    #[error("no `{field}`")]
    MissingField {
        /// The vendor's field name.
        field: &'static str,
    },
    /// A field is not a day written as the vendor writes days (`2025-10-01`).
    #[error("`{field}`: {text:?} is not a day such as 2025-10-01")]
    BadDate {
        /// The vendor's field name.
        field: &'static str,
        /// The text found (at most 64 characters).
        text: String,
    },
    /// A field is not of the type the vendor documents (a whole number, a flag, a text).
    #[error("`{field}`: {text} is not {expected}")]
    BadValue {
        /// The vendor's field name.
        field: &'static str,
        /// The value found (at most 64 characters).
        text: String,
        /// What the vendor documents.
        expected: &'static str,
    },
    /// A last-activity date after the report's refresh date.
    #[error("`{field}` {date} is after the report's refresh date {refreshed}")]
    AfterRefresh {
        /// The column.
        field: String,
        /// Its date.
        date: NaiveDate,
        /// The report's refresh date.
        refreshed: NaiveDate,
    },
}

/// Why a vendor export could not be read at all.
///
/// ```
/// let e = teichaku_import::VendorError::MissingColumn { column: "User Principal Name".into() };
/// assert_eq!(e.to_string(), "the header has no column `User Principal Name`");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VendorError {
    /// A vendor name the importer does not know.
    #[error("unknown vendor export `{name}`: known are github-copilot, m365-copilot")]
    UnknownVendor {
        /// The name given.
        name: String,
    },
    /// The export is larger than [`MAX_VENDOR_BYTES`].
    #[error("the export holds {bytes} bytes, more than the {limit} read")]
    TooLarge {
        /// Its size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// A CSV's header (line 1) cannot be read.
    #[error("the header (line 1) cannot be read: {problem}")]
    UnreadableHeader {
        /// Why.
        problem: String,
    },
    /// A CSV's header lacks a column the importer needs.
    #[error("the header has no column `{column}`")]
    MissingColumn {
        /// The vendor's column name.
        column: String,
    },
    /// A GitHub login list cannot be read.
    #[error("GitHub login list, line {line}: {problem}")]
    Logins {
        /// The line, from 1.
        line: u64,
        /// Why.
        problem: String,
    },
}

/// Reads a vendor export into member-day records, every row read into records, counted as
/// stating no use, or reported bad by line; `logins` names GitHub users' members.
///
/// # Errors
///
/// [`VendorError`] when nothing can be read: the export is too large, or a CSV's header is
/// unreadable or lacks a column the importer needs.
///
/// ```
/// use teichaku_import::{GithubLogins, Vendor, read_vendor};
/// let mut logins = GithubLogins::default();
/// logins.insert("octo-sato", "E001");
/// let ndjson = r#"{"user_login": "octo-sato", "day": "2025-10-01", "user_initiated_interaction_count": 2, "code_acceptance_activity_count": 1}
/// {"user_login": "octo-sato", "day": "2025-10-02", "user_initiated_interaction_count": 0, "code_generation_activity_count": 0}
/// {"day": "2025-10-02"}
/// "#;
/// let read = read_vendor(Vendor::GithubCopilot, ndjson.as_bytes(), &logins)?;
/// assert_eq!((read.rows, read.days.len(), read.rows_without_use, read.bad_line_count), (3, 1, 1, 1));
/// assert_eq!((read.days[0].member.as_str(), read.days[0].count), ("E001", Some(3)));
/// assert_eq!(read.bad_lines[0].to_string(), "line 3: no `user_login`");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_vendor(vendor: Vendor, bytes: &[u8], logins: &GithubLogins) -> Result<VendorRead, VendorError> {
    if bytes.len() > MAX_VENDOR_BYTES {
        return Err(VendorError::TooLarge { bytes: bytes.len(), limit: MAX_VENDOR_BYTES });
    }
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let mut read = VendorRead {
        vendor,
        rows: 0,
        days: Vec::new(),
        rows_without_use: 0,
        known: Vec::new(),
        bad_lines: Vec::new(),
        bad_line_count: 0,
    };
    match vendor {
        Vendor::GithubCopilot => github(bytes, logins, &mut read),
        Vendor::M365Copilot => m365(bytes, &mut read)?,
    }
    Ok(read)
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// GitHub Copilot's tool slug.
const GITHUB_TOOL: &str = "github-copilot";

/// The activity counts of a GitHub user-day record that are the user's own actions (prompts
/// sent, suggestions accepted), added up as the day's uses.
const GITHUB_USES: [&str; 2] = ["user_initiated_interaction_count", "code_acceptance_activity_count"];

/// Further counts and flags that say the user used Copilot that day.
const GITHUB_ACTIVITY: [&str; 1] = ["code_generation_activity_count"];
const GITHUB_FLAGS: [&str; 3] = ["used_chat", "used_agent", "used_cli"];

fn github(bytes: &[u8], logins: &GithubLogins, read: &mut VendorRead) {
    for (index, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let number = index as u64 + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        read.rows += 1;
        match github_row(line, logins) {
            Ok(Some((member, date, count))) => {
                // INVARIANT: the tool's slug is a constant that passes the slug check.
                let Ok(tool) = ToolId::new(GITHUB_TOOL) else { continue };
                read.days.push(VendorDay { line: number, member, date, count, tool });
            }
            Ok(None) => read.rows_without_use += 1,
            Err(error) => read.bad(number, error),
        }
    }
}

type GithubDay = (String, NaiveDate, Option<u32>);

fn github_row(line: &[u8], logins: &GithubLogins) -> Result<Option<GithubDay>, VendorLineError> {
    let text = std::str::from_utf8(line).map_err(|_| VendorLineError::NotUtf8)?;
    let value: Value =
        serde_json::from_str(text).map_err(|e| VendorLineError::Unreadable { problem: e.to_string() })?;
    let Value::Object(record) = value else {
        let problem = if text.trim_start().starts_with('[') {
            "a JSON array: the report is read as NDJSON, one record a line".to_owned()
        } else {
            "not a JSON object".to_owned()
        };
        return Err(VendorLineError::Unreadable { problem });
    };
    let login = match record.get("user_login") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim(),
        None | Some(Value::Null) | Some(Value::String(_)) => {
            return Err(VendorLineError::MissingField { field: "user_login" });
        }
        Some(other) => return Err(bad_value("user_login", other, "a text")),
    };
    let day = match record.get("day") {
        Some(Value::String(s)) => s.trim(),
        None | Some(Value::Null) => return Err(VendorLineError::MissingField { field: "day" }),
        Some(other) => return Err(bad_value("day", other, "a day")),
    };
    let date = day
        .parse::<NaiveDate>()
        .map_err(|_| VendorLineError::BadDate { field: "day", text: day.chars().take(MAX_SHOWN_CHARS).collect() })?;
    let count_of = |field: &'static str, value: Option<&Value>| -> Result<u64, VendorLineError> {
        match value {
            None | Some(Value::Null) => Ok(0),
            Some(v) => v.as_u64().ok_or_else(|| bad_value(field, v, "a whole number")),
        }
    };
    let mut uses = 0u64;
    for field in GITHUB_USES {
        uses = uses.saturating_add(count_of(field, record.get(field))?);
    }
    let cli = record.get("totals_by_cli").and_then(|c| c.get("prompt_count"));
    uses = uses.saturating_add(count_of("totals_by_cli.prompt_count", cli)?);
    let mut active = uses > 0;
    for field in GITHUB_ACTIVITY {
        active |= count_of(field, record.get(field))? > 0;
    }
    for field in GITHUB_FLAGS {
        match record.get(field) {
            None | Some(Value::Null) => {}
            Some(Value::Bool(b)) => active |= b,
            Some(other) => return Err(bad_value(field, other, "true or false")),
        }
    }
    if !active {
        return Ok(None);
    }
    let count = (uses > 0).then(|| u32::try_from(uses).unwrap_or(u32::MAX));
    let member: String = logins.member_for(login).chars().take(MAX_SHOWN_CHARS).collect();
    Ok(Some((member, date, count)))
}

fn bad_value(field: &'static str, value: &Value, expected: &'static str) -> VendorLineError {
    VendorLineError::BadValue { field, text: value.to_string().chars().take(MAX_SHOWN_CHARS).collect(), expected }
}

/// Microsoft 365 Copilot's report columns the importer reads.
const M365_REFRESH: &str = "Report Refresh Date";
const M365_USER: &str = "User Principal Name";
const M365_LAST: &str = "Last Activity Date";
/// The tool of a day known only from the overall last-activity date.
const M365_TOOL: &str = "m365-copilot";

fn m365(bytes: &[u8], read: &mut VendorRead) -> Result<(), VendorError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(bytes);
    let header = reader.headers().map_err(|e| VendorError::UnreadableHeader { problem: e.to_string() })?.clone();
    let names: Vec<String> = header.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
    let place = |column: &str| -> Result<usize, VendorError> {
        names
            .iter()
            .position(|h| *h == column.to_ascii_lowercase())
            .ok_or_else(|| VendorError::MissingColumn { column: column.to_owned() })
    };
    let (refresh_at, user_at, last_at) = (place(M365_REFRESH)?, place(M365_USER)?, place(M365_LAST)?);
    // Every other "… Last Activity Date" column is one app's: its tool is `m365-copilot-<app>`.
    let apps: Vec<(usize, String, ToolId)> = header
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != last_at)
        .filter_map(|(i, h)| {
            let h = h.trim();
            let app = h.strip_suffix(M365_LAST)?.trim();
            let app = app.strip_suffix("Copilot").unwrap_or(app).trim();
            let slug: String = app
                .to_ascii_lowercase()
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join("-");
            // `Microsoft Teams` is `teams`, `Copilot Chat` is `chat`.
            let slug = ["microsoft-", "copilot-"]
                .iter()
                .find_map(|p| slug.strip_prefix(p).filter(|rest| !rest.is_empty()))
                .map_or(slug.clone(), str::to_owned);
            let tool = if slug.is_empty() { M365_TOOL.to_owned() } else { format!("{M365_TOOL}-{slug}") };
            Some((i, h.to_owned(), ToolId::new(&tool).ok()?))
        })
        .collect();
    for row in reader.byte_records() {
        read.rows += 1;
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                read.bad(line, VendorLineError::Unreadable { problem: e.to_string() });
                continue;
            }
        };
        let line = row.position().map_or(0, |p| p.line());
        match m365_row(&row, line, refresh_at, user_at, last_at, &apps) {
            Ok((days, known)) => {
                read.rows_without_use += u64::from(days.is_empty());
                read.days.extend(days);
                read.known.push(known);
            }
            Err(error) => read.bad(line, error),
        }
    }
    Ok(())
}

fn m365_row(
    row: &csv::ByteRecord,
    line: u64,
    refresh_at: usize,
    user_at: usize,
    last_at: usize,
    apps: &[(usize, String, ToolId)],
) -> Result<(Vec<VendorDay>, VendorKnown), VendorLineError> {
    let field = |at: usize| -> Result<&str, VendorLineError> {
        std::str::from_utf8(row.get(at).unwrap_or_default()).map(str::trim).map_err(|_| VendorLineError::NotUtf8)
    };
    let date = |at: usize, name: &'static str| -> Result<Option<NaiveDate>, VendorLineError> {
        let text = field(at)?;
        if text.is_empty() {
            return Ok(None);
        }
        text.parse::<NaiveDate>()
            .map(Some)
            .map_err(|_| VendorLineError::BadDate { field: name, text: text.chars().take(MAX_SHOWN_CHARS).collect() })
    };
    let user = field(user_at)?;
    if user.is_empty() {
        return Err(VendorLineError::MissingField { field: M365_USER });
    }
    let refreshed = date(refresh_at, M365_REFRESH)?.ok_or(VendorLineError::MissingField { field: M365_REFRESH })?;
    let after =
        |field: &str, d: NaiveDate| VendorLineError::AfterRefresh { field: field.to_owned(), date: d, refreshed };
    let mut known: BTreeSet<(NaiveDate, &ToolId)> = BTreeSet::new();
    for (at, name, tool) in apps {
        let text = field(*at)?;
        if text.is_empty() {
            continue;
        }
        let d = text.parse::<NaiveDate>().map_err(|_| VendorLineError::BadValue {
            field: "an app's Last Activity Date",
            text: format!("{name} = {:?}", text.chars().take(MAX_SHOWN_CHARS).collect::<String>()),
            expected: "a day such as 2025-10-01",
        })?;
        if d > refreshed {
            return Err(after(name, d));
        }
        known.insert((d, tool));
    }
    let overall = ToolId::new(M365_TOOL).ok();
    if let Some(last) = date(last_at, M365_LAST)? {
        if last > refreshed {
            return Err(after(M365_LAST, last));
        }
        // The overall date is a day of use; it names an app when one app's date is that day.
        if !known.iter().any(|(d, _)| *d == last) {
            if let Some(tool) = &overall {
                known.insert((last, tool));
            }
        }
    }
    let member: String = user.chars().take(MAX_SHOWN_CHARS).collect();
    // Known: from the last day of use (the latest date of the row) to the refresh date.
    let span = VendorKnown { line, member: member.clone(), from: known.last().map(|(d, _)| *d), to: refreshed };
    let days = known
        .into_iter()
        .map(|(date, tool)| VendorDay { line, member: member.clone(), date, count: None, tool: tool.clone() })
        .collect();
    Ok((days, span))
}

#[cfg(test)]
mod tests;
