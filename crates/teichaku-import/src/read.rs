//! From bytes to a header and rows of text: CSV in one of its encodings, or an XLSX sheet.

use std::fmt;

use crate::{ImportError, ImportOptions, Row};

/// The text encoding of a CSV member list.
///
/// ```
/// use teichaku_import::Encoding;
/// assert_eq!("shift_jis".parse(), Ok(Encoding::ShiftJis));
/// assert_eq!("cp932".parse(), Ok(Encoding::ShiftJis));
/// assert_eq!(Encoding::Utf8.to_string(), "utf-8");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark.
    Utf8,
    /// Shift-JIS as Windows writes it (CP932, Windows-31J), which Excel uses for Japanese CSV.
    ShiftJis,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "utf-8",
            Encoding::ShiftJis => "shift_jis",
        })
    }
}

impl std::str::FromStr for Encoding {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().replace('-', "_").as_str() {
            "utf_8" | "utf8" => Ok(Encoding::Utf8),
            "shift_jis" | "sjis" | "cp932" | "windows_31j" | "ms932" => Ok(Encoding::ShiftJis),
            _ => Err(format!("unknown encoding `{s}`: utf-8 or shift_jis")),
        }
    }
}

/// Whether a member list is CSV or an XLSX workbook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SourceFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// The first sheet of an XLSX workbook, with a header row.
    Xlsx,
}

impl SourceFormat {
    /// The format a file name's extension names (`.csv`, `.xlsx`), ASCII case ignored.
    ///
    /// ```
    /// use teichaku_import::SourceFormat;
    /// assert_eq!(SourceFormat::from_file_name("社員.XLSX"), Some(SourceFormat::Xlsx));
    /// assert_eq!(SourceFormat::from_file_name("hr.txt"), None);
    /// ```
    pub fn from_file_name(name: &str) -> Option<Self> {
        let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "csv" => Some(SourceFormat::Csv),
            "xlsx" | "xlsm" => Some(SourceFormat::Xlsx),
            _ => None,
        }
    }
}

/// A member list as read: its header, its rows, and the encoding a CSV was read in.
pub(crate) type Table = (Vec<String>, Vec<Row>, Option<Encoding>);

/// The header and the rows of a member list, and the encoding a CSV was read in.
pub(crate) fn rows(data: &[u8], options: &ImportOptions) -> Result<Table, ImportError> {
    // An XLSX workbook is a ZIP archive, whose first bytes are `PK\x03\x04`.
    let format =
        options.format.unwrap_or(if data.starts_with(b"PK\x03\x04") { SourceFormat::Xlsx } else { SourceFormat::Csv });
    match format {
        SourceFormat::Csv => {
            let (text, encoding) = decode(data, options.encoding)?;
            let (header, rows) = csv_rows(&text)?;
            Ok((header, rows, Some(encoding)))
        }
        SourceFormat::Xlsx => {
            let (header, rows) = xlsx_rows(data)?;
            Ok((header, rows, None))
        }
    }
}

/// The text of a CSV: UTF-8 (a byte-order mark dropped) or Shift-JIS, as given, or detected:
/// valid UTF-8 is UTF-8, anything else is read as Shift-JIS and refused if that fails too.
fn decode(data: &[u8], encoding: Option<Encoding>) -> Result<(String, Encoding), ImportError> {
    let utf8 = |data: &[u8]| std::str::from_utf8(data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data)).map(str::to_owned);
    let shift_jis = |data: &[u8]| {
        let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(data);
        (!had_errors).then(|| text.into_owned())
    };
    match encoding {
        Some(Encoding::Utf8) => {
            utf8(data).map(|t| (t, Encoding::Utf8)).map_err(|_| ImportError::Encoding { expected: "UTF-8".into() })
        }
        Some(Encoding::ShiftJis) => shift_jis(data)
            .map(|t| (t, Encoding::ShiftJis))
            .ok_or(ImportError::Encoding { expected: "Shift-JIS (CP932)".into() }),
        None => match utf8(data) {
            Ok(text) => Ok((text, Encoding::Utf8)),
            Err(_) => shift_jis(data)
                .map(|t| (t, Encoding::ShiftJis))
                .ok_or(ImportError::Encoding { expected: "UTF-8 or Shift-JIS (CP932)".into() }),
        },
    }
}

fn csv_rows(text: &str) -> Result<(Vec<String>, Vec<Row>), ImportError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => return Err(ImportError::Empty),
        Some(Err(e)) => return Err(csv_error(&e)),
        Some(Ok(r)) => r.iter().map(str::to_owned).collect::<Vec<_>>(),
    };
    if header.iter().all(|h| h.trim().trim_start_matches('\u{feff}').is_empty()) {
        return Err(ImportError::Empty);
    }
    let mut rows = Vec::new();
    for record in records {
        let record = record.map_err(|e| csv_error(&e))?;
        let line = record.position().map_or(0, csv::Position::line);
        rows.push(Row { line, cells: record.iter().map(str::to_owned).collect() });
    }
    Ok((header, rows))
}

fn csv_error(e: &csv::Error) -> ImportError {
    ImportError::Csv { line: e.position().map_or(0, csv::Position::line), problem: e.to_string() }
}

#[cfg(feature = "xlsx")]
fn xlsx_rows(data: &[u8]) -> Result<(Vec<String>, Vec<Row>), ImportError> {
    use calamine::{Data, Reader, Xlsx};
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(data))
        .map_err(|e: calamine::XlsxError| ImportError::Xlsx(e.to_string()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| ImportError::Xlsx("the workbook has no sheet".into()))?
        .map_err(|e| ImportError::Xlsx(e.to_string()))?;
    let first_row = range.start().map_or(0, |(row, _)| u64::from(row));
    let first_column = range.start().map_or(0, |(_, column)| column as usize);
    let text = |cell: &Data| match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Data::DateTime(d) => excel_day(d.as_f64()).map(|d| d.to_string()).unwrap_or_else(|| d.as_f64().to_string()),
        Data::Error(e) => format!("#{e:?}"),
    };
    let mut lines = range.rows().enumerate().map(|(i, cells)| {
        // Cells left of the used range are empty: pad so columns line up with the header's.
        let mut row: Vec<String> = vec![String::new(); first_column];
        row.extend(cells.iter().map(text));
        (first_row + i as u64 + 1, row)
    });
    let Some((_, header)) = lines.next() else { return Err(ImportError::Empty) };
    let rows = lines.map(|(line, cells)| Row { line, cells }).collect();
    Ok((header, rows))
}

#[cfg(not(feature = "xlsx"))]
fn xlsx_rows(_: &[u8]) -> Result<(Vec<String>, Vec<Row>), ImportError> {
    Err(ImportError::XlsxNotBuilt)
}

/// The day of an Excel serial date (days since 1899-12-30, as Excel counts from 1 March 1900).
#[cfg(feature = "xlsx")]
fn excel_day(serial: f64) -> Option<chrono::NaiveDate> {
    if !serial.is_finite() || !(1.0..3_000_000.0).contains(&serial) {
        return None;
    }
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?;
    epoch.checked_add_days(chrono::Days::new(serial.floor() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_detected() {
        let text = "社員番号,氏名\nE001,佐藤\n";
        let (sjis, _, errors) = encoding_rs::SHIFT_JIS.encode(text);
        assert!(!errors);
        assert_eq!(decode(&sjis, None), Ok((text.to_owned(), Encoding::ShiftJis)));
        assert_eq!(decode(text.as_bytes(), None), Ok((text.to_owned(), Encoding::Utf8)));
        let bom = [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode(&bom, None), Ok((text.to_owned(), Encoding::Utf8)));
        assert!(decode(&sjis, Some(Encoding::Utf8)).is_err());
        // 0x82 followed by 0x20 is no Shift-JIS character.
        assert!(decode(b"\x82\x20", None).is_err());
    }

    #[cfg(feature = "xlsx")]
    #[test]
    fn excel_serial_days() {
        assert_eq!(excel_day(43922.0), chrono::NaiveDate::from_ymd_opt(2020, 4, 1));
        assert_eq!(excel_day(-1.0), None);
    }
}
