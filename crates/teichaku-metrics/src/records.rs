//! Member-day and member-period usage records streamed from CSV or JSON Lines text into an
//! [`EventStoreBuilder`], with the guarantees of the event reader: every line read is stored,
//! handed over as a [`BadLine`] with its number (from 1), or blank; no line longer than
//! [`MAX_LINE_BYTES`] is held; a leading UTF-8 byte-order mark is accepted.
//!
//! CSV text needs a header naming the columns of [`DAY_CSV_COLUMNS`] or [`PERIOD_CSV_COLUMNS`]
//! (the required ones, and any of the others, in any order); JSON Lines text holds one
//! [`DayRecord`] or [`PeriodRecord`] object per line. A row the builder refuses names the member
//! as the row gives it ([`LineError::Record`]).

use std::io::BufRead;

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use teichaku_model::{DayRecord, MemberId, PeriodRecord, TaskCategory, ToolId};

use crate::store::{EventError, EventStoreBuilder};
use crate::stream::{
    BOM, BadLine, EventFormat, Line, LineError, MAX_LINE_BYTES, Splitter, StreamError, header_name, is_blank, read_line,
};

/// The columns a CSV of member-day records may name: `member` and `date` required.
///
/// ```
/// assert_eq!(teichaku_metrics::DAY_CSV_COLUMNS[..2], ["member", "date"]);
/// ```
pub const DAY_CSV_COLUMNS: [&str; 7] = ["member", "date", "count", "minutes", "task", "tool", "saved_minutes"];

/// The columns a CSV of member-period records may name: `member`, `start`, `end` and
/// `active_days` required.
///
/// ```
/// assert_eq!(teichaku_metrics::PERIOD_CSV_COLUMNS.len(), 6);
/// ```
pub const PERIOD_CSV_COLUMNS: [&str; 6] = ["member", "start", "end", "active_days", "count", "minutes"];

/// Streams member-day records from `reader` into `builder`, handing each row that cannot be
/// stored to `on_bad_line`; returns how many records were stored.
///
/// Exact duplicates and conflicts are dealt with when the builder finishes
/// ([`EventStoreBuilder::finish`]).
///
/// # Errors
///
/// [`StreamError`] when a CSV header is unusable or the reader fails; the records stored before
/// stay in the builder.
///
/// ```
/// use teichaku_metrics::{EventFormat, EventStoreBuilder, stream_day_records};
/// use teichaku_model::{MemberId, UtcOffset};
/// let member = MemberId::from_key("E001");
/// let mut builder = EventStoreBuilder::with_members([(member, 0)].into(), 1, UtcOffset::UTC);
/// let csv = "member,date,count,minutes\nE001,2026-08-03,10,20\n\nE001,2026-08-04,0,5\nE002,2026-08-04,1,1\n";
/// let mut bad = Vec::new();
/// let stored = stream_day_records(csv.as_bytes(), EventFormat::Csv, &mut builder, |b| bad.push(b))?;
/// assert_eq!(stored, 1);
/// assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [4, 5]);
/// assert_eq!(bad[0].to_string(), "line 4: member `E001`: `count` = 0: a day record is a day with use, so at least 1 (leave it out when unknown)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn stream_day_records(
    reader: impl BufRead,
    format: EventFormat,
    builder: &mut EventStoreBuilder,
    on_bad_line: impl FnMut(BadLine),
) -> Result<u64, StreamError> {
    stream_records(reader, format, builder, &DAY_CSV_COLUMNS, 2, on_bad_line, day_from_csv, |b, m, r: &DayRecord| {
        b.push_day_parts(m, r)
    })
}

/// Streams member-period records from `reader` into `builder`, as [`stream_day_records`] does.
///
/// # Errors
///
/// As [`stream_day_records`].
///
/// ```
/// use teichaku_metrics::{EventFormat, EventStoreBuilder, stream_period_records};
/// use teichaku_model::{MemberId, UtcOffset};
/// let member = MemberId::from_key("a@example.com");
/// let mut builder = EventStoreBuilder::with_members([(member, 0)].into(), 1, UtcOffset::UTC);
/// let jsonl = r#"{"member": "A@example.com", "start": "2026-08-01", "end": "2026-08-31", "active_days": 12}
/// {"member": "a@example.com", "start": "2026-09-01", "end": "2026-09-30", "active_days": 31}
/// "#;
/// let mut bad = Vec::new();
/// let stored = stream_period_records(jsonl.as_bytes(), EventFormat::JsonLines, &mut builder, |b| bad.push(b))?;
/// assert_eq!((stored, bad.len(), bad[0].line), (1, 1, 2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn stream_period_records(
    reader: impl BufRead,
    format: EventFormat,
    builder: &mut EventStoreBuilder,
    on_bad_line: impl FnMut(BadLine),
) -> Result<u64, StreamError> {
    stream_records(
        reader,
        format,
        builder,
        &PERIOD_CSV_COLUMNS,
        4,
        on_bad_line,
        period_from_csv,
        |b, m, r: &PeriodRecord| b.push_period_parts(m, r),
    )
}

/// A record read from a row, with the member text the row gives.
pub(crate) trait Keyed {
    fn member(&self) -> MemberId;
}

impl Keyed for DayRecord {
    fn member(&self) -> MemberId {
        self.member
    }
}

impl Keyed for PeriodRecord {
    fn member(&self) -> MemberId {
        self.member
    }
}

/// The fields of a CSV row by column of the record's column list (`None` where the header lacks
/// it or the field is blank).
pub(crate) type Fields<'a> = [Option<&'a str>];

#[allow(clippy::too_many_arguments, reason = "one private driver shared by the two record kinds")]
fn stream_records<T: DeserializeOwned + Keyed>(
    mut reader: impl BufRead,
    format: EventFormat,
    builder: &mut EventStoreBuilder,
    columns: &'static [&'static str],
    required: usize,
    mut on_bad_line: impl FnMut(BadLine),
    from_csv: fn(&Fields<'_>, MemberId) -> Result<T, LineError>,
    push: impl Fn(&mut EventStoreBuilder, u32, &T) -> Result<(), EventError>,
) -> Result<u64, StreamError> {
    let mut buffer = Vec::new();
    let mut splitter = Splitter::new();
    let mut line = 0u64;
    let mut stored = 0u64;
    // For CSV: where each of `columns` sits in the header.
    let mut places: Option<Vec<Option<usize>>> = None;
    let mut header_width = 0;
    loop {
        line += 1;
        buffer.clear();
        let read =
            read_line(&mut reader, &mut buffer).map_err(|e| StreamError::Read { line, problem: e.to_string() })?;
        if line == 1 && buffer.starts_with(BOM) {
            buffer.drain(..BOM.len());
        }
        match read {
            Line::End => break,
            Line::TooLong if format == EventFormat::Csv && places.is_none() => {
                return Err(StreamError::UnreadableHeader(format!("longer than {MAX_LINE_BYTES} bytes")));
            }
            Line::TooLong => on_bad_line(BadLine { line, error: LineError::TooLong { limit: MAX_LINE_BYTES } }),
            Line::Read if is_blank(&buffer) => {}
            Line::Read => match format {
                EventFormat::Csv if places.is_none() => {
                    let names = splitter
                        .split(&buffer, 1, MAX_LINE_BYTES + 1)
                        .map_err(|e| StreamError::UnreadableHeader(e.to_string()))?;
                    header_width = names.len();
                    places = Some(header(&names, columns, required)?);
                }
                EventFormat::Csv => {
                    let places = places.as_deref().unwrap_or_default();
                    let result = splitter.split(&buffer, header_width, header_width).and_then(|fields| {
                        let row: Vec<Option<&str>> =
                            places.iter().map(|p| p.and_then(|p| fields.get(p)).copied()).collect();
                        push_row(builder, &row, from_csv, &push)
                    });
                    match result {
                        Ok(()) => stored += 1,
                        Err(error) => on_bad_line(BadLine { line, error }),
                    }
                }
                EventFormat::JsonLines => {
                    let result = std::str::from_utf8(&buffer).map_err(|_| LineError::NotUtf8).and_then(|text| {
                        let record: T = serde_json::from_str(text).map_err(|e| LineError::Json(e.to_string()))?;
                        let shown = member_text(text).unwrap_or_default();
                        store(builder, &record, &shown, &push)
                    });
                    match result {
                        Ok(()) => stored += 1,
                        Err(error) => on_bad_line(BadLine { line, error }),
                    }
                }
            },
        }
    }
    if format == EventFormat::Csv && places.is_none() {
        return Err(StreamError::RecordColumns { problem: "no header".into(), expected: columns.join(", ") });
    }
    Ok(stored)
}

/// Reads and stores one row of fields laid out as the record's column list (`None` where the
/// column is absent), each field trimmed and an empty one taken as absent.
pub(crate) fn push_row<T: Keyed>(
    builder: &mut EventStoreBuilder,
    row: &Fields<'_>,
    from_csv: fn(&Fields<'_>, MemberId) -> Result<T, LineError>,
    push: &impl Fn(&mut EventStoreBuilder, u32, &T) -> Result<(), EventError>,
) -> Result<(), LineError> {
    let row: Vec<Option<&str>> = row.iter().map(|f| f.map(str::trim).filter(|f| !f.is_empty())).collect();
    let text = row.first().copied().flatten().ok_or(LineError::MissingMember)?;
    let member = MemberId::from_ref(text).map_err(|e| LineError::Member(e.to_string()))?;
    let record = from_csv(&row, member)?;
    store(builder, &record, text, push)
}

/// Stores `record` of the member the row names as `text`.
fn store<T: Keyed>(
    builder: &mut EventStoreBuilder,
    record: &T,
    text: &str,
    push: &impl Fn(&mut EventStoreBuilder, u32, &T) -> Result<(), EventError>,
) -> Result<(), LineError> {
    let shown: String = text.chars().take(64).collect();
    let number = match builder.member_number(&record.member()) {
        Ok(number) => number,
        Err(_) if text.parse::<MemberId>().is_err() => return Err(LineError::UnknownMemberKey { text: shown }),
        Err(error) => return Err(LineError::Record { member: shown, error }),
    };
    push(builder, number, record).map_err(|error| LineError::Record { member: shown, error })
}

/// The text of a JSON line's `member`, for messages.
fn member_text(line: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    value.get("member")?.as_str().map(str::to_owned)
}

/// Where each of `columns` sits in `names`; the first `required` must be there, no other name
/// may be, none twice.
fn header(
    names: &[&str],
    columns: &'static [&'static str],
    required: usize,
) -> Result<Vec<Option<usize>>, StreamError> {
    let names: Vec<&str> = names.iter().map(|h| header_name(h)).collect();
    let expected = || columns.join(", ");
    if let Some(unknown) = names.iter().find(|h| !columns.contains(h)) {
        return Err(StreamError::RecordColumns {
            problem: format!("unknown column `{unknown}`"),
            expected: expected(),
        });
    }
    for (i, name) in names.iter().enumerate() {
        if names.get(..i).is_some_and(|before| before.contains(name)) {
            return Err(StreamError::RepeatedColumn { column: (*name).to_owned() });
        }
    }
    let places: Vec<Option<usize>> = columns.iter().map(|c| names.iter().position(|h| h == c)).collect();
    for (column, place) in columns.iter().zip(&places).take(required) {
        if place.is_none() {
            return Err(StreamError::RecordColumns { problem: format!("no column `{column}`"), expected: expected() });
        }
    }
    Ok(places)
}

fn date(field: Option<&str>, column: &'static str) -> Result<NaiveDate, LineError> {
    let text = field.ok_or(LineError::MissingField { column })?;
    text.parse::<NaiveDate>().map_err(|_| LineError::BadDate {
        column,
        problem: format!("{:?} is not a day such as 2026-08-03", text.chars().take(32).collect::<String>()),
    })
}

fn count(field: Option<&str>, column: &'static str) -> Result<Option<u32>, LineError> {
    field
        .map(|t| t.parse::<u32>().map_err(|_| LineError::NotACount { column, text: t.chars().take(64).collect() }))
        .transpose()
}

fn number(field: Option<&str>, column: &'static str) -> Result<Option<f64>, LineError> {
    field
        .map(|t| t.parse::<f64>().map_err(|_| LineError::NotANumber { column, text: t.chars().take(64).collect() }))
        .transpose()
}

fn slug<T>(
    field: Option<&str>,
    column: &'static str,
    new: fn(&str) -> Result<T, teichaku_model::SlugError>,
) -> Result<Option<T>, LineError> {
    field.map(new).transpose().map_err(|e| LineError::Slug { column, problem: e.to_string() })
}

/// A day record from a CSV row laid out as [`DAY_CSV_COLUMNS`].
pub(crate) fn day_from_csv(row: &Fields<'_>, member: MemberId) -> Result<DayRecord, LineError> {
    let field = |i: usize| row.get(i).copied().flatten();
    let mut record = DayRecord::new(member, date(field(1), "date")?);
    record.count = count(field(2), "count")?;
    record.minutes = number(field(3), "minutes")?;
    record.task = slug(field(4), "task", TaskCategory::new)?;
    record.tool = slug(field(5), "tool", ToolId::new)?;
    record.saved_minutes = number(field(6), "saved_minutes")?;
    Ok(record)
}

/// A period record from a CSV row laid out as [`PERIOD_CSV_COLUMNS`].
pub(crate) fn period_from_csv(row: &Fields<'_>, member: MemberId) -> Result<PeriodRecord, LineError> {
    let field = |i: usize| row.get(i).copied().flatten();
    let (start, end) = (date(field(1), "start")?, date(field(2), "end")?);
    let mut record = if field(3).map(str::trim) == Some("unknown") {
        PeriodRecord::unknown(member, start, end)
    } else {
        let active = count(field(3), "active_days")?.ok_or(LineError::MissingField { column: "active_days" })?;
        PeriodRecord::new(member, start, end, active)
    };
    record.count = count(field(4), "count")?;
    record.minutes = number(field(5), "minutes")?;
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;
    use teichaku_model::UtcOffset;

    fn builder() -> EventStoreBuilder {
        let members = [(MemberId::from_key("E001"), 0), (MemberId::from_key("E002"), 1)].into();
        EventStoreBuilder::with_members(members, 2, UtcOffset::UTC)
    }

    fn days(text: &str, format: EventFormat) -> (Result<u64, StreamError>, Vec<BadLine>, EventStoreBuilder) {
        let mut b = builder();
        let mut bad = Vec::new();
        let result = stream_day_records(text.as_bytes(), format, &mut b, |l| bad.push(l));
        (result, bad, b)
    }

    #[test]
    fn every_line_is_stored_bad_or_blank() {
        let text = "\u{feff}date, member ,count,minutes,task,tool,saved_minutes\n\
                    2026-08-03,E001,3,10,mail,chat,\n\
                    \n\
                    2026-08-03,,3,10,,,\n\
                    2026-08-03,E999,3,10,,,\n\
                    08/03/2026,E001,3,10,,,\n\
                    2026-08-03,E001,2.5,10,,,\n\
                    2026-08-03,E001,3,ten,,,\n\
                    2026-08-03,E001,3,10,Not A Slug,,\n\
                    2026-08-03,E001,0,10,,,\n\
                    2026-08-03,E001,3\n\
                    2026-08-04,E002,,,,,\n";
        let (result, bad, b) = days(text, EventFormat::Csv);
        assert_eq!(result, Ok(2));
        assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), (4..=11).collect::<Vec<_>>());
        assert_eq!(bad[0].error, LineError::MissingMember);
        assert_eq!(bad[1].error, LineError::UnknownMemberKey { text: "E999".into() });
        assert!(matches!(bad[2].error, LineError::BadDate { column: "date", .. }));
        assert_eq!(bad[3].error, LineError::NotACount { column: "count", text: "2.5".into() });
        assert_eq!(bad[4].error, LineError::NotANumber { column: "minutes", text: "ten".into() });
        assert!(matches!(bad[5].error, LineError::Slug { column: "task", .. }));
        assert_eq!(bad[6].error, LineError::Record { member: "E001".into(), error: EventError::ZeroCount });
        assert_eq!(bad[7].error, LineError::FieldCount { expected: 7, found: 3 });
        // 12 lines: 1 header, 2 stored, 8 bad, 1 blank.
        assert_eq!(text.lines().count(), 1 + 2 + 8 + 1);
        assert_eq!(b.finish().map(|s| s.day_records()), Ok(2));
    }

    #[test]
    fn headers_are_checked() {
        let (result, ..) = days("member,count\n", EventFormat::Csv);
        assert_eq!(
            result,
            Err(StreamError::RecordColumns {
                problem: "no column `date`".into(),
                expected: DAY_CSV_COLUMNS.join(", ")
            })
        );
        let (result, ..) = days("member,date,at\n", EventFormat::Csv);
        assert!(matches!(result, Err(StreamError::RecordColumns { .. })), "{result:?}");
        let (result, ..) = days("member,date,date\n", EventFormat::Csv);
        assert_eq!(result, Err(StreamError::RepeatedColumn { column: "date".into() }));
        let (result, ..) = days("", EventFormat::Csv);
        assert!(matches!(result, Err(StreamError::RecordColumns { .. })));
    }

    #[test]
    fn json_lines_and_long_lines() {
        let long = format!("{{\"member\": \"{}\"}}", "x".repeat(MAX_LINE_BYTES));
        let text = format!(
            "{{\"member\": \"E001\", \"date\": \"2026-08-03\", \"count\": 2}}\n{long}\n{{\"member\": \"E001\", \"date\": \"2026-08-03\", \"colour\": 1}}\n\n{{\"member\": \"E002\", \"date\": \"2026-08-03\", \"minutes\": -1}}\n"
        );
        let (result, bad, _) = days(&text, EventFormat::JsonLines);
        assert_eq!(result, Ok(1));
        assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [2, 3, 5]);
        assert_eq!(bad[0].error, LineError::TooLong { limit: MAX_LINE_BYTES });
        assert!(matches!(bad[1].error, LineError::Json(_)));
        assert_eq!(
            bad[2].error,
            LineError::Record {
                member: "E002".into(),
                error: EventError::BadMinutes { field: "minutes", value: -1.0 }
            }
        );
    }

    #[test]
    fn period_rows_are_checked() {
        let text = "member,start,end,active_days,count,minutes\n\
                    E001,2026-08-01,2026-08-31,12,40,300\n\
                    E001,2026-08-01,2026-08-31,,40,300\n\
                    E002,2026-08-09,2026-08-03,1,,\n\
                    E002,2026-08-03,2026-08-09,3,2,\n";
        let mut b = builder();
        let mut bad = Vec::new();
        let result = stream_period_records(text.as_bytes(), EventFormat::Csv, &mut b, |l| bad.push(l));
        assert_eq!(result, Ok(1));
        assert_eq!(bad[0].error, LineError::MissingField { column: "active_days" });
        assert!(matches!(bad[1].error, LineError::Record { error: EventError::BadPeriod { .. }, .. }));
        assert_eq!(
            bad[2].error,
            LineError::Record {
                member: "E002".into(),
                error: EventError::CountBelowActiveDays { count: 2, active_days: 3 }
            }
        );
    }

    #[test]
    fn unknown_days_are_the_days_no_other_record_settles() {
        // E001: unknown 07-01..08-09, a day record on 08-05, a known week 07-20..26; E002: two
        // unknown spans that meet. An unknown span may give no count nor minutes.
        let periods = "member,start,end,active_days,count,minutes
                       E001,2026-07-01,2026-08-09,unknown,,
                       E001,2026-07-20,2026-07-26,2,,
                       E002,2026-07-01,2026-07-10,unknown,,
                       E002,2026-07-08,2026-07-20,unknown,,
                       E002,2026-08-01,2026-08-02,unknown,3,
";
        let mut b = builder();
        let mut bad = Vec::new();
        let result = stream_period_records(periods.as_bytes(), EventFormat::Csv, &mut b, |l| bad.push(l));
        assert_eq!(result, Ok(4));
        assert_eq!(bad[0].error, LineError::Record { member: "E002".into(), error: EventError::UnknownDaysWithUses });
        let jsonl = "{\"member\": \"E001\", \"date\": \"2026-08-05\"}\n";
        assert_eq!(stream_day_records(jsonl.as_bytes(), EventFormat::JsonLines, &mut b, |_| {}), Ok(1));
        let store = b.finish().unwrap();
        let spans = |m: usize| {
            let p = store.member_periods(m);
            let d = |n: i32| crate::calendar::date_of(n).unwrap().to_string();
            (0..p.first.len()).map(|i| (d(p.first[i]), d(p.last[i]), p.active[i])).collect::<Vec<_>>()
        };
        let unknown = crate::store::NO_COUNT;
        assert_eq!(
            spans(0),
            [
                ("2026-07-01".into(), "2026-07-19".into(), unknown),
                ("2026-07-20".into(), "2026-07-26".into(), 2),
                ("2026-07-27".into(), "2026-08-04".into(), unknown),
                ("2026-08-06".into(), "2026-08-09".into(), unknown),
            ]
        );
        assert_eq!(spans(1), [("2026-07-01".into(), "2026-07-20".into(), unknown)]);
        // In JSON, `active_days` is "unknown".
        let jsonl = "{\"member\": \"E001\", \"start\": \"2026-09-01\", \"end\": \"2026-09-30\", \"active_days\": \"unknown\"}\n\
                     {\"member\": \"E001\", \"start\": \"2026-09-01\", \"end\": \"2026-09-30\", \"active_days\": \"some\"}\n";
        let mut b = builder();
        let mut bad = Vec::new();
        assert_eq!(stream_period_records(jsonl.as_bytes(), EventFormat::JsonLines, &mut b, |l| bad.push(l)), Ok(1));
        assert!(matches!(&bad[0].error, LineError::Json(e) if e.contains("unknown")), "{:?}", bad[0]);
    }
}
