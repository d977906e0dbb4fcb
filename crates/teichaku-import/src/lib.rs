//! Reads the member list every company has (an HR master export: employee number, name,
//! department path, position, joined, left) into a teichaku assessment document.
//!
//! The reader is pure: bytes in, a document out. It takes CSV (UTF-8, UTF-8 with a byte-order
//! mark, or Shift-JIS/CP932) and, with the default feature `xlsx`, the first sheet of an XLSX
//! workbook. Headers may be written in English or Japanese ([`HEADERS`]); departments are paths
//! such as `本社/営業部` whose units are created parents first; positions are mapped to roles by
//! a [`RoleTable`]. Every row that cannot be read is reported, all of them at once, by line
//! (the header is line 1): none is skipped.
//!
//! It also reads vendors' usage exports (GitHub Copilot's user-level metrics, Microsoft 365
//! Copilot's per-user usage report) into member-day records: [`read_vendor`].
//!
//! ```
//! use teichaku_import::{ImportOptions, import_members};
//! let csv = "社員番号,氏名,メール,部署,役職,入社日\n\
//!            E001,佐藤 花子,Sato@Example.jp,本社/営業部,部長,2015-04-01\n\
//!            E002,鈴木 一郎,,本社/営業部,,2020/4/1\n";
//! let imported = import_members(csv.as_bytes(), &ImportOptions::new("2026-04-01".parse()?))?;
//! let org = &imported.document.organisation;
//! assert_eq!(org.units.len(), 2); // 本社, then 本社/営業部
//! assert_eq!(org.members[0].id, teichaku_model::MemberId::from_key("E001"));
//! assert!(org.members[0].has_role(teichaku_model::Role::Manager));
//! assert!(org.members[1].has_role(teichaku_model::Role::Staff));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)]

mod read;
mod roles;
mod vendor;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use teichaku_model::{
    AgeBand, AssessmentDocument, DeploymentPattern, DocumentError, FORMAT_VERSION, LiteracyTier, PlaybookId, Role,
    UtcOffset, parse_document,
};

pub use read::{Encoding, SourceFormat};
pub use roles::{DEFAULT_POSITIONS, RoleTable, RoleTableError};
pub use vendor::{
    GithubLogins, MAX_VENDOR_BAD_LINES_KEPT, MAX_VENDOR_BYTES, UNKNOWN_REACH, Vendor, VendorBadLine, VendorDay,
    VendorError, VendorKnown, VendorLineError, VendorRead, VendorUnknown, read_vendor, unknown_days, unknown_days_csv,
};

/// The longest member list read, in bytes.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// The most bad rows an [`ImportError::BadRows`] lists; past it they are counted only.
pub const MAX_BAD_ROWS_KEPT: usize = 1000;

/// The columns a member list may have, each with the header names it is known by (compared
/// after trimming, with ASCII letters in lower case and spaces and `-` read as `_`).
///
/// ```
/// let (_, names) = teichaku_import::HEADERS.iter().find(|(c, _)| *c == "key").unwrap();
/// assert!(names.contains(&"社員番号"));
/// ```
pub const HEADERS: [(&str, &[&str]); 14] = [
    (
        "key",
        &[
            "key",
            "employee_number",
            "employee_no",
            "employee_id",
            "employee_code",
            "社員番号",
            "社員コード",
            "社員id",
            "従業員番号",
            "従業員コード",
            "職員番号",
        ],
    ),
    ("name", &["name", "full_name", "氏名", "名前", "社員名", "従業員名"]),
    ("email", &["email", "e_mail", "mail", "upn", "メール", "メールアドレス", "eメール"]),
    ("department", &["department", "dept", "unit", "部署", "所属", "部門", "所属部署"]),
    ("position", &["position", "title", "job_title", "役職", "職位"]),
    ("roles", &["roles", "role", "ロール"]),
    ("ambassador", &["ambassador", "アンバサダー"]),
    ("promotion_lead", &["promotion_lead", "推進", "推進担当", "ai推進"]),
    ("birth_year", &["birth_year", "生年", "生まれ年"]),
    ("birth_date", &["birth_date", "birthday", "生年月日"]),
    ("age_band", &["age_band", "年代"]),
    ("literacy", &["literacy", "ai_literacy", "リテラシー", "aiリテラシー"]),
    ("joined", &["joined", "hire_date", "start_date", "入社日", "入社年月日"]),
    ("left", &["left", "leave_date", "end_date", "退職日", "退社日"]),
];

/// How [`import_members`] reads a member list and what it puts around it.
///
/// ```
/// let options = teichaku_import::ImportOptions::new("2026-04-01".parse()?);
/// assert_eq!(options.playbook.as_str(), "sme-five-step");
/// assert_eq!(options.utc_offset.to_string(), "+09:00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ImportOptions {
    /// The text encoding of a CSV; `None` detects it (UTF-8 when the bytes are valid UTF-8,
    /// else Shift-JIS/CP932).
    pub encoding: Option<Encoding>,
    /// CSV or XLSX; `None` tells them apart by the bytes (an XLSX file is a ZIP archive).
    pub format: Option<SourceFormat>,
    /// The built-in playbook the document follows.
    pub playbook: PlaybookId,
    /// The organisation's name.
    pub name: String,
    /// The organisation's offset from UTC.
    pub utc_offset: UtcOffset,
    /// The day the AI tools became available.
    pub launch_date: NaiveDate,
    /// The day ages are reckoned on, for a birth year or date: a member's age is the calendar
    /// year of this day less the year of birth.
    pub as_of: NaiveDate,
    /// How the rollout is driven.
    pub deployment_pattern: DeploymentPattern,
    /// How positions map to roles.
    pub roles: RoleTable,
}

impl ImportOptions {
    /// The defaults: the `sme-five-step` playbook, an organisation named `Organisation` at
    /// `+09:00` with a hybrid rollout launched on `as_of`, encoding and format detected, the
    /// default position table.
    #[expect(clippy::expect_used, reason = "a literal slug")]
    pub fn new(as_of: NaiveDate) -> Self {
        Self {
            encoding: None,
            format: None,
            playbook: PlaybookId::new("sme-five-step").expect("a slug"),
            name: "Organisation".into(),
            utc_offset: UtcOffset::from_minutes(9 * 60).unwrap_or(UtcOffset::UTC),
            launch_date: as_of,
            as_of,
            deployment_pattern: DeploymentPattern::Hybrid,
            roles: RoleTable::default(),
        }
    }
}

/// A member list read into a document.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Imported {
    /// The document, as read back from [`Imported::json`].
    pub document: AssessmentDocument,
    /// The document as JSON text, naming members by their keys and units by their paths.
    pub json: String,
    /// The encoding the CSV was read in (`None` for XLSX).
    pub encoding: Option<Encoding>,
    /// Header names not known, whose columns were not read.
    pub ignored_columns: Vec<String>,
}

/// One row that could not be read, by its line (the header is line 1; for XLSX, the sheet's
/// row number), with every problem it has.
///
/// ```
/// let row = teichaku_import::BadRow { line: 3, key: Some("E002".into()), name: None, problems: vec!["no joined date".into()] };
/// assert_eq!(row.to_string(), "line 3 (`E002`): no joined date");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRow {
    /// The line, from 1 (the header is line 1).
    pub line: u64,
    /// The row's key (employee number or e-mail address), when it has one.
    pub key: Option<String>,
    /// The row's name, when it has one.
    pub name: Option<String>,
    /// What is wrong with it.
    pub problems: Vec<String>,
}

impl fmt::Display for BadRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)?;
        match (&self.key, &self.name) {
            (Some(k), Some(n)) => write!(f, " (`{k}` {n})")?,
            (Some(k), None) => write!(f, " (`{k}`)")?,
            (None, Some(n)) => write!(f, " ({n})")?,
            (None, None) => {}
        }
        write!(f, ": {}", self.problems.join("; "))
    }
}

/// Why a member list could not be read into a document.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The input is larger than [`MAX_INPUT_BYTES`].
    #[error("the member list has {found} bytes, more than the limit of {MAX_INPUT_BYTES}")]
    TooLarge {
        /// Its size.
        found: usize,
    },
    /// The text is neither UTF-8 nor Shift-JIS, or not the encoding given.
    ///
    /// ```
    /// let e = teichaku_import::import_members(b"\xff\xfe\xfd", &teichaku_import::ImportOptions::new("2026-04-01".parse()?));
    /// assert_eq!(e.unwrap_err().to_string(), "the member list is not text in UTF-8 or Shift-JIS (CP932): give its encoding with --encoding");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[error("the member list is not text in {expected}: give its encoding with --encoding")]
    Encoding {
        /// The encodings tried.
        expected: String,
    },
    /// The XLSX workbook cannot be read.
    #[error("unreadable XLSX workbook: {0}")]
    Xlsx(String),
    /// An XLSX member list was given, and this build reads no XLSX (the feature `xlsx` is off).
    #[error("this build reads no XLSX: save the member list as CSV")]
    XlsxNotBuilt,
    /// The CSV cannot be split into fields.
    #[error("line {line}: unreadable CSV: {problem}")]
    Csv {
        /// The line.
        line: u64,
        /// Why.
        problem: String,
    },
    /// There is no header row.
    #[error("the member list is empty: its first line must name the columns")]
    Empty,
    /// The header lacks a column every member needs.
    ///
    /// ```
    /// let e = teichaku_import::ImportError::MissingColumns { missing: vec!["joined (入社日)".into()] };
    /// assert_eq!(e.to_string(), "line 1: the header has no column for joined (入社日)");
    /// ```
    #[error("line 1: the header has no column for {}", .missing.join(", "))]
    MissingColumns {
        /// The columns missing, in English and Japanese.
        missing: Vec<String>,
    },
    /// Two header names mean the same column.
    #[error("line 1: the columns `{first}` and `{second}` both give {column}")]
    RepeatedColumn {
        /// The column they mean.
        column: &'static str,
        /// The first header name.
        first: String,
        /// The second.
        second: String,
    },
    /// Some rows cannot be read: each is listed with its line and every problem.
    #[error("{count} rows of the member list cannot be read:\n{}", .rows.iter().map(|r| format!("  {r}")).collect::<Vec<_>>().join("\n"))]
    BadRows {
        /// How many rows are bad in all.
        count: usize,
        /// The first [`MAX_BAD_ROWS_KEPT`] of them, in line order.
        rows: Vec<BadRow>,
    },
    /// The document made could not be read back (a bug: reported rather than hidden).
    #[error("the document made from the member list cannot be read: {0}")]
    Document(#[from] DocumentError),
}

/// One member row as read: its cells by column.
pub(crate) struct Row {
    pub(crate) line: u64,
    pub(crate) cells: Vec<String>,
}

/// Reads a member list (CSV or XLSX bytes) into an assessment document.
///
/// # Errors
///
/// [`ImportError`]: an undecodable text, an unusable header, or the bad rows, all of them.
///
/// ```
/// use teichaku_import::{ImportError, ImportOptions, import_members};
/// let csv = "社員番号,氏名,部署,入社日,退職日\nE001,佐藤,営業,2020-04-01,\nE002,鈴木,,2020-13-01,\nE001,高橋,営業,2021-04-01,2020-01-01\n";
/// let Err(ImportError::BadRows { count, rows }) = import_members(csv.as_bytes(), &ImportOptions::new("2026-04-01".parse()?)) else { panic!() };
/// assert_eq!(count, 2);
/// assert_eq!(rows[0].to_string(), "line 3 (`E002` 鈴木): department (部署) is empty; joined (入社日): `2020-13-01` is not a date (2026-04-01, 2026/4/1 or 2026年4月1日)");
/// assert_eq!(rows[1].to_string(), "line 4 (`E001` 高橋): the key `E001` repeats line 2; left (退職日) 2020-01-01 is before joined 2021-04-01");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn import_members(data: &[u8], options: &ImportOptions) -> Result<Imported, ImportError> {
    if data.len() > MAX_INPUT_BYTES {
        return Err(ImportError::TooLarge { found: data.len() });
    }
    let (header, rows, encoding) = read::rows(data, options)?;
    let (columns, ignored_columns) = Columns::of(&header)?;
    let mut units: BTreeMap<String, (String, Option<String>)> = BTreeMap::new();
    let mut members = Vec::with_capacity(rows.len());
    let mut bad = Vec::new();
    let mut bad_count = 0;
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    for row in &rows {
        let cell = |c: &str| columns.get(c).and_then(|&i| row.cells.get(i)).map(|s| s.trim()).filter(|s| !s.is_empty());
        if row.cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut problems = Vec::new();
        let key = cell("key").map(str::to_owned);
        let name = cell("name").map(str::to_owned);
        let email = cell("email").map(str::to_owned);
        match (&key, &email) {
            (None, None) => problems.push("no employee number (社員番号) nor e-mail address (メール)".to_owned()),
            _ => {
                for text in key.iter().chain(&email) {
                    if let Err(e) = teichaku_model::MemberId::from_ref(text) {
                        problems.push(format!("`{text}`: {e}"));
                    }
                    let compared = teichaku_model::normalise_key(text).into_owned();
                    match seen.get(&compared) {
                        Some(first) => problems.push(format!("the key `{text}` repeats line {first}")),
                        None => {
                            seen.insert(compared, row.line);
                        }
                    }
                }
            }
        }
        if email.as_deref().is_some_and(|e| !e.contains('@')) {
            problems
                .push(format!("email (メール): `{}` is not an e-mail address", email.as_deref().unwrap_or_default()));
        }
        let unit = match cell("department") {
            None => {
                problems.push("department (部署) is empty".into());
                None
            }
            Some(path) => match unit_path(path) {
                Ok(path) => Some(path),
                Err(e) => {
                    problems.push(e);
                    None
                }
            },
        };
        let date = |column: &str, label: &str, problems: &mut Vec<String>| {
            cell(column).and_then(|text| match parse_date(text) {
                Some(d) => Some(d),
                None => {
                    problems.push(format!("{label}: `{text}` is not a date (2026-04-01, 2026/4/1 or 2026年4月1日)"));
                    None
                }
            })
        };
        let joined = date("joined", "joined (入社日)", &mut problems);
        if joined.is_none() && cell("joined").is_none() {
            problems.push("no joined date (入社日)".into());
        }
        let left = date("left", "left (退職日)", &mut problems);
        if let (Some(j), Some(l)) = (joined, left) {
            if l < j {
                problems.push(format!("left (退職日) {l} is before joined {j}"));
            }
        }
        let flag = |column: &str, label: &str, problems: &mut Vec<String>| {
            cell(column).is_some_and(|text| match parse_bool(text) {
                Some(b) => b,
                None => {
                    problems.push(format!("{label}: `{text}` is not yes or no (TRUE/FALSE, 1/0, ○/×, はい/いいえ)"));
                    false
                }
            })
        };
        let mut roles: BTreeSet<Role> = match cell("roles") {
            Some(list) => match parse_roles(list) {
                Ok(roles) => roles,
                Err(e) => {
                    problems.push(e);
                    BTreeSet::new()
                }
            },
            None => cell("position").map(|p| options.roles.roles_of(p)).unwrap_or_default(),
        };
        if flag("ambassador", "ambassador (アンバサダー)", &mut problems) {
            roles.insert(Role::Ambassador);
        }
        if flag("promotion_lead", "promotion_lead (推進)", &mut problems) {
            roles.insert(Role::PromotionLead);
        }
        if roles.is_empty() || roles == BTreeSet::from([Role::Ambassador]) {
            roles.insert(Role::Staff);
        }
        let age_band = age_band(&cell, options.as_of, &mut problems);
        let literacy = cell("literacy").and_then(|text| match parse_literacy(text) {
            Some(l) => Some(l),
            None => {
                problems.push(format!(
                    "literacy (リテラシー): `{text}` is not beginner, intermediate or advanced (初級, 中級, 上級)"
                ));
                None
            }
        });
        if !problems.is_empty() {
            bad_count += 1;
            if bad.len() < MAX_BAD_ROWS_KEPT {
                bad.push(BadRow { line: row.line, key: key.or(email), name, problems });
            }
            continue;
        }
        let (Some(path), Some(joined)) = (unit, joined) else { continue };
        for (i, segment) in path.iter().enumerate() {
            let code = path.get(..=i).map(|p| p.join("/")).unwrap_or_default();
            let parent = (i > 0).then(|| path.get(..i).map(|p| p.join("/")).unwrap_or_default());
            units.entry(code).or_insert_with(|| (segment.clone(), parent));
        }
        members.push(MemberOut {
            key,
            email,
            name,
            unit: path.join("/"),
            roles: roles.iter().map(|r| r.as_str()).collect(),
            age_band,
            literacy,
            joined,
            left,
        });
    }
    if bad_count > 0 {
        return Err(ImportError::BadRows { count: bad_count, rows: bad });
    }
    let units = units.into_iter().map(|(code, (name, parent))| UnitOut { code, name, parent }).collect();
    let document_out = DocumentOut {
        version: FORMAT_VERSION,
        organisation: OrganisationOut {
            name: &options.name,
            utc_offset: options.utc_offset,
            launch_date: options.launch_date,
            deployment_pattern: options.deployment_pattern,
            units,
            members,
            waves: [],
        },
        playbook: PlaybookOut { builtin: options.playbook.as_str() },
    };
    let mut json = serde_json::to_string_pretty(&document_out).unwrap_or_default();
    json.push('\n');
    let document = parse_document(&json)?;
    Ok(Imported { document, json, encoding, ignored_columns })
}

/// The document as written: fields in the order the format documents them.
#[derive(Serialize)]
struct DocumentOut<'a> {
    version: u32,
    organisation: OrganisationOut<'a>,
    playbook: PlaybookOut<'a>,
}

#[derive(Serialize)]
struct OrganisationOut<'a> {
    name: &'a str,
    utc_offset: UtcOffset,
    launch_date: NaiveDate,
    deployment_pattern: DeploymentPattern,
    units: Vec<UnitOut>,
    members: Vec<MemberOut>,
    waves: [(); 0],
}

#[derive(Serialize)]
struct PlaybookOut<'a> {
    builtin: &'a str,
}

#[derive(Serialize)]
struct UnitOut {
    code: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent: Option<String>,
}

#[derive(Serialize)]
struct MemberOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    unit: String,
    roles: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    age_band: Option<AgeBand>,
    #[serde(skip_serializing_if = "Option::is_none")]
    literacy: Option<LiteracyTier>,
    joined: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    left: Option<NaiveDate>,
}

/// Where each known column sits in the header.
struct Columns(BTreeMap<&'static str, usize>);

impl Columns {
    fn of(header: &[String]) -> Result<(Self, Vec<String>), ImportError> {
        let mut found: BTreeMap<&'static str, usize> = BTreeMap::new();
        let mut ignored = Vec::new();
        for (i, raw) in header.iter().enumerate() {
            let name = normalise_header(raw);
            if name.is_empty() {
                continue;
            }
            match HEADERS.iter().find(|(_, names)| names.contains(&name.as_str())) {
                Some((column, _)) => {
                    if let Some(&first) = found.get(column) {
                        return Err(ImportError::RepeatedColumn {
                            column,
                            first: header.get(first).cloned().unwrap_or_default().trim().to_owned(),
                            second: raw.trim().to_owned(),
                        });
                    }
                    found.insert(column, i);
                }
                None => ignored.push(raw.trim().to_owned()),
            }
        }
        let mut missing = Vec::new();
        if !found.contains_key("key") && !found.contains_key("email") {
            missing.push("key (社員番号) or email (メール)".to_owned());
        }
        for (column, ja) in [("department", "部署"), ("joined", "入社日")] {
            if !found.contains_key(column) {
                missing.push(format!("{column} ({ja})"));
            }
        }
        if !missing.is_empty() {
            return Err(ImportError::MissingColumns { missing });
        }
        Ok((Self(found), ignored))
    }

    fn get(&self, column: &str) -> Option<&usize> {
        self.0.get(column)
    }
}

/// A header name as compared: trimmed, ASCII lower case, spaces and `-` as `_`; a byte-order
/// mark dropped.
fn normalise_header(raw: &str) -> String {
    raw.trim_start_matches('\u{feff}')
        .trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' | '\u{3000}' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// The segments of a department path (`本社/営業部`), each trimmed.
fn unit_path(path: &str) -> Result<Vec<String>, String> {
    let segments: Vec<String> = path.split(['/', '／']).map(|s| s.trim().to_owned()).collect();
    if segments.iter().any(String::is_empty) {
        return Err(format!("department (部署): `{path}` has an empty part: write it as `本社/営業部`"));
    }
    if segments.len() > 32 {
        return Err(format!("department (部署): `{path}` is more than 32 units deep"));
    }
    Ok(segments)
}

/// A day written `2026-04-01`, `2026/4/1`, `2026.4.1` or `2026年4月1日` (a time after the
/// day, as an XLSX date cell may carry, is ignored).
fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.split([' ', 'T']).next().unwrap_or(text);
    let text = text.trim_end_matches('日');
    let parts: Vec<&str> = text.split(['-', '/', '.', '年', '月']).collect();
    let [y, m, d] = parts.as_slice() else { return None };
    let number = |s: &str| {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let year = i32::try_from(number(y).filter(|_| y.len() == 4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(m)?, number(d)?)
}

/// A yes or no: `TRUE`/`FALSE`, `1`/`0`, `○`/`×`, `はい`/`いいえ`, `yes`/`no` (ASCII case ignored).
fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "○" | "◯" | "はい" | "yes" | "y" => Some(true),
        "false" | "0" | "×" | "✕" | "いいえ" | "no" | "n" | "-" => Some(false),
        _ => None,
    }
}

/// A list of roles by their document names, separated by `;`, `,`, `|` or `、`.
fn parse_roles(list: &str) -> Result<BTreeSet<Role>, String> {
    list.split([';', ',', '|', '、'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|name| {
            Role::ALL.into_iter().find(|r| r.as_str() == name).ok_or_else(|| {
                format!(
                    "roles (ロール): `{name}` is not a role: executive, promotion_lead, ambassador, manager or staff"
                )
            })
        })
        .collect()
}

fn parse_literacy(text: &str) -> Option<LiteracyTier> {
    match text.to_ascii_lowercase().as_str() {
        "beginner" | "初級" | "初心者" => Some(LiteracyTier::Beginner),
        "intermediate" | "中級" => Some(LiteracyTier::Intermediate),
        "advanced" | "上級" => Some(LiteracyTier::Advanced),
        _ => None,
    }
}

/// The band of an age: under 40, 40 to 59, 60 and over.
fn band_of_age(age: i32) -> AgeBand {
    match age {
        ..=39 => AgeBand::Age20s30s,
        40..=59 => AgeBand::Age40s50s,
        _ => AgeBand::Age60Plus,
    }
}

/// A band written as in documents (`20s_30s`), as a decade (`30代`, `40s`) or `60歳以上`.
fn parse_band(text: &str) -> Option<AgeBand> {
    match text.to_ascii_lowercase().as_str() {
        "20s_30s" | "20代" | "30代" | "20s" | "30s" | "10代" => Some(AgeBand::Age20s30s),
        "40s_50s" | "40代" | "50代" | "40s" | "50s" => Some(AgeBand::Age40s50s),
        "60_plus" | "60代" | "70代" | "80代" | "60s" | "70s" | "60歳以上" | "60+" => Some(AgeBand::Age60Plus),
        _ => None,
    }
}

/// The member's age band: the `age_band` column, else the age reached in the year of `as_of`
/// from the birth year or date.
fn age_band<'a>(
    cell: &impl Fn(&str) -> Option<&'a str>,
    as_of: NaiveDate,
    problems: &mut Vec<String>,
) -> Option<AgeBand> {
    if let Some(text) = cell("age_band") {
        let band = parse_band(text);
        if band.is_none() {
            problems.push(format!("age_band (年代): `{text}` is not a band (20s_30s, 40s_50s, 60_plus, or 30代)"));
        }
        return band;
    }
    let born = match (cell("birth_year"), cell("birth_date")) {
        (Some(text), _) => match text.parse::<i32>().ok().filter(|y| (1900..=as_of.year()).contains(y)) {
            Some(year) => year,
            None => {
                problems.push(format!("birth_year (生年): `{text}` is not a year from 1900 to {}", as_of.year()));
                return None;
            }
        },
        (None, Some(text)) => match parse_date(text).filter(|d| *d <= as_of) {
            Some(day) => day.year(),
            None => {
                problems.push(format!("birth_date (生年月日): `{text}` is not a date before {as_of}"));
                return None;
            }
        },
        (None, None) => return None,
    };
    Some(band_of_age(as_of.year() - born))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_the_forms_hr_exports_use() {
        let day = NaiveDate::from_ymd_opt(2020, 4, 1);
        for text in
            ["2020-04-01", "2020/4/1", "2020.04.01", "2020年4月1日", "2020-04-01 00:00:00", "2020-04-01T00:00:00"]
        {
            assert_eq!(parse_date(text), day, "{text}");
        }
        for text in ["20-04-01", "2020-13-01", "2020/4", "April 1", "2020-04-01-02", ""] {
            assert_eq!(parse_date(text), None, "{text}");
        }
    }

    #[test]
    fn booleans_and_bands_and_headers() {
        assert_eq!(parse_bool("TRUE"), Some(true));
        assert_eq!(parse_bool("×"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
        assert_eq!(parse_band("50代"), Some(AgeBand::Age40s50s));
        assert_eq!(band_of_age(39), AgeBand::Age20s30s);
        assert_eq!(band_of_age(40), AgeBand::Age40s50s);
        assert_eq!(band_of_age(60), AgeBand::Age60Plus);
        assert_eq!(normalise_header("\u{feff} Employee Number"), "employee_number");
    }
}
