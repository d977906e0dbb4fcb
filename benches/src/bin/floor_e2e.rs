//! The floor of the end-to-end job on this machine: how long a bare reader takes over the same
//! files as `teichaku kpis DOC --events FILE`, doing only the work no reader of them can skip,
//! and none of what teichaku does besides.
//!
//! ```text
//! floor-e2e csv DATA_DIR [THREADS]       # DATA_DIR/events.csv and DATA_DIR/members.csv
//! floor-e2e parquet DATA_DIR [THREADS]   # DATA_DIR/events.parquet
//! ```
//!
//! From CSV, each of `THREADS` threads reads its share of the file in blocks of 4 MiB, splits
//! the lines with `memchr`, reads each line's member (a canonical uuid, or a key of up to 15
//! bytes such as an employee number), reads the timestamp (`YYYY-MM-DDTHH:MM:SSZ` only), the minutes and the task, and keeps the
//! row (20 bytes); the block's members are then looked up in a flat table made from
//! `members.csv`, in a loop of their own so that the cache misses overlap (as teichaku does). It reads no document, checks nothing a line could get wrong beyond what it
//! must to read it (a line in any other form is only counted), reports no line by number, keeps
//! no line order, drops no duplicate, sorts nothing and computes no figure. From Parquet, each
//! thread decodes its share of the row groups into Arrow batches with the `parquet` crate
//! (every column teichaku reads), and does nothing with them.
//!
//! Timed whole-process by `benches/peer/compare-e2e.sh` beside teichaku, DuckDB and Polars, it
//! says how far any reader of these files could go: if DuckDB's time over this floor's is under
//! five, no exact reader is five times faster than DuckDB on this machine.

#![allow(clippy::print_stdout, clippy::print_stderr, reason = "a benchmark driver reports on its terminal")]

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(format), Some(dir)) = (args.first(), args.get(1)) else {
        eprintln!("usage: floor-e2e csv|parquet DATA_DIR [THREADS]");
        return ExitCode::from(2);
    };
    let threads = args.get(2).and_then(|t| t.parse::<usize>().ok()).unwrap_or(2).max(1);
    let outcome = match format.as_str() {
        "csv" => csv(dir, threads),
        "parquet" => parquet(dir, threads),
        _ => Err(format!("unknown format {format}: csv or parquet")),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("floor-e2e: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Bytes read at a time by each thread.
const BLOCK: usize = 4 << 20;

/// A row as kept: member number, day since 1970, milliseconds into the day, minutes in
/// hundredths, task number.
type Row = (u32, i32, u32, u32, u16);

#[expect(clippy::disallowed_methods, reason = "a benchmark driver reads files and the clock")]
fn csv(dir: &str, threads: usize) -> Result<(), String> {
    let started = Instant::now();
    let members = std::fs::read_to_string(format!("{dir}/members.csv")).map_err(|e| e.to_string())?;
    let mut table = Table::with_capacity(members.lines().count());
    for (n, line) in members.lines().skip(1).enumerate() {
        let key = line.split(',').next().unwrap_or_default().as_bytes();
        let id = member_id(key).ok_or_else(|| format!("members.csv line {}: no member", n + 2))?;
        table.insert(id, n as u32);
    }
    let path = format!("{dir}/events.csv");
    let size = File::open(&path).and_then(|f| f.metadata()).map_err(|e| e.to_string())?.len();
    let read = Instant::now();
    let results: Vec<Result<(Vec<Row>, u64), String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads as u64)
            .map(|t| {
                let (path, table) = (&path, &table);
                scope.spawn(move || read_share(path, size * t / threads as u64, size * (t + 1) / threads as u64, table))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("a thread panicked".into()))).collect()
    });
    let mut rows = 0;
    let mut other = 0;
    for result in results {
        let (kept, others) = result?;
        rows += kept.len();
        other += others;
    }
    let end = Instant::now();
    eprintln!(
        "floor csv: {rows} rows kept, {other} lines in another form; members {:.3} s, reading {:.3} s on {threads} threads ({:.0} ns a row of wall time)",
        (read - started).as_secs_f64(),
        (end - read).as_secs_f64(),
        (end - read).as_nanos() as f64 / rows.max(1) as f64,
    );
    println!("{rows}");
    Ok(())
}

/// The rows of the lines that start in `[from, to)` of the file (the header excepted), and how
/// many lines were not in the plain form.
#[expect(clippy::disallowed_methods, reason = "a benchmark driver reads files")]
fn read_share(path: &str, from: u64, to: u64, table: &Table) -> Result<(Vec<Row>, u64), String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let mut rows = Vec::with_capacity(((to - from) / 60) as usize);
    let mut other = 0u64;
    let mut kinds: Vec<Kind> = Vec::new();
    let mut days = [(0u64, 0i32); 64];
    let mut buffer = vec![0u8; BLOCK];
    // A block's rows with their members' ids, before the members are looked up.
    let mut block_rows: Vec<(u128, Row)> = Vec::new();
    // Where the next read starts, and how many bytes of an unfinished line are kept in front.
    let mut at = from;
    let mut kept = 0usize;
    // A share that does not start the file starts after its first line end (that line is the
    // previous share's); the first share skips the header.
    let mut skipping = true;
    loop {
        if kept == buffer.len() {
            buffer.resize(buffer.len() * 2, 0);
        }
        let n = file.read_at(buffer.get_mut(kept..).unwrap_or_default(), at).map_err(|e| e.to_string())?;
        let text = buffer.get(..kept + n).unwrap_or_default();
        let block_start = at - kept as u64;
        at += n as u64;
        let mut start = 0;
        let mut done = false;
        for end in memchr::memchr_iter(b'\n', text) {
            let line_start = block_start + start as u64;
            if line_start >= to && !skipping {
                done = true;
                break;
            }
            let line = text.get(start..end).unwrap_or_default();
            start = end + 1;
            if std::mem::take(&mut skipping) {
                continue;
            }
            match read_line(line, &mut days, &mut kinds) {
                Some(read) => block_rows.push(read),
                None => other += 1,
            }
        }
        // The members looked up in a loop of their own, so that their cache misses overlap.
        for (id, (_, day, millis, minutes, kind)) in block_rows.drain(..) {
            match table.get(id) {
                Some(member) => rows.push((member, day, millis, minutes, kind)),
                None => other += 1,
            }
        }
        if done {
            return Ok((rows, other));
        }
        if n == 0 {
            return Ok((rows, other + u64::from(start < text.len())));
        }
        buffer.copy_within(start..kept + n, 0);
        kept = kept + n - start;
    }
}

/// The member's id and the row (its member number not yet known) of a line
/// `member,YYYY-MM-DDTHH:MM:SSZ,minutes,task`, if it is in that form.
#[inline]
fn read_line(line: &[u8], days: &mut [(u64, i32); 64], kinds: &mut Vec<Kind>) -> Option<(u128, Row)> {
    let comma = memchr::memchr(b',', line)?;
    let id = member_id(line.get(..comma)?)?;
    let rest = line.get(comma + 1..)?;
    let (day, millis) = timestamp(rest.get(..20)?, days)?;
    let rest = rest.get(20..)?.strip_prefix(b",")?;
    let comma = comma_in(rest)?;
    let minutes = centi(rest.get(..comma)?)?;
    let task = rest.get(comma + 1..)?;
    let words = Kind::words(task);
    let tail = task.get(15..).unwrap_or_default();
    let kind = match kinds.iter().position(|k| k.words == words && (tail.is_empty() || k.tail == tail)) {
        Some(k) => k,
        None => {
            kinds.push(Kind { words, tail: tail.to_vec() });
            kinds.len() - 1
        }
    };
    Some((id, (0, day, millis, minutes, kind as u16)))
}

/// Where the first comma of a short field is: a plain loop, which for the few bytes of a field
/// costs less than a call to `memchr`.
#[inline]
fn comma_in(text: &[u8]) -> Option<usize> {
    text.iter().position(|&b| b == b',')
}

/// A task's text: its first fifteen bytes and its length as two words, so that most
/// comparisons are two, and the bytes past the fifteenth.
struct Kind {
    words: (u64, u64),
    tail: Vec<u8>,
}

impl Kind {
    #[inline]
    fn words(task: &[u8]) -> (u64, u64) {
        let mut head = [0u8; 16];
        let n = task.len().min(15);
        if let (Some(h), Some(t)) = (head.get_mut(..n), task.get(..n)) {
            h.copy_from_slice(t);
        }
        head[15] = task.len().min(255) as u8;
        let word =
            |at: usize| u64::from_le_bytes(head.get(at..at + 8).and_then(|w| w.try_into().ok()).unwrap_or_default());
        (word(0), word(8))
    }
}

/// A member's text as one number: a canonical uuid's value, or a key of up to 15 bytes with its
/// length in the top byte.
#[inline]
fn member_id(text: &[u8]) -> Option<u128> {
    if text.len() == 36 {
        return uuid(text);
    }
    if text.is_empty() || text.len() > 15 {
        return None;
    }
    let mut bytes = [0u8; 16];
    bytes.get_mut(..text.len())?.copy_from_slice(text);
    bytes[15] = text.len() as u8;
    Some(u128::from_le_bytes(bytes))
}

/// The value of a canonical uuid (`8-4-4-4-12` hexadecimal digits).
#[inline]
fn uuid(t: &[u8]) -> Option<u128> {
    if t.len() != 36 || t.get(8) != Some(&b'-') || t[13] != b'-' || t[18] != b'-' || t[23] != b'-' {
        return None;
    }
    let word = |at: usize| u64::from_le_bytes(t.get(at..at + 8).and_then(|w| w.try_into().ok()).unwrap_or_default());
    let half = |at: usize| {
        u64::from(u32::from_le_bytes(t.get(at..at + 4).and_then(|w| w.try_into().ok()).unwrap_or_default()))
    };
    let groups = [hex8(word(0))?, hex8(half(9) | half(14) << 32)?, hex8(half(19) | half(24) << 32)?, hex8(word(28))?];
    Some(groups.iter().fold(0u128, |v, &x| (v << 32) | u128::from(x)))
}

/// Eight hexadecimal digits (little-endian bytes of `x`) as a number.
#[inline]
fn hex8(x: u64) -> Option<u32> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    if x & HIGH != 0 {
        return None;
    }
    let at_least = |x: u64, c: u64| (x + (0x80 - c) * ONES) & HIGH;
    let digit = at_least(x, 0x30) & !at_least(x, 0x3a);
    let lower = x | (0x20 * ONES);
    let letter = at_least(lower, 0x61) & !at_least(lower, 0x67);
    if digit | letter != HIGH {
        return None;
    }
    let v = (x & (0x0f * ONES)) + ((x >> 6) & ONES) * 9;
    let p = ((v << 4) | (v >> 8)) & 0x00ff_00ff_00ff_00ff;
    Some((((p & 0xff) << 24) | ((p >> 16 & 0xff) << 16) | ((p >> 32 & 0xff) << 8) | (p >> 48 & 0xff)) as u32)
}

/// Two decimal digits.
#[inline]
fn d2(a: u8, b: u8) -> Option<u32> {
    let (a, b) = (a.wrapping_sub(b'0'), b.wrapping_sub(b'0'));
    (a < 10 && b < 10).then(|| u32::from(a) * 10 + u32::from(b))
}

/// `YYYY-MM-DDTHH:MM:SSZ` as days since 1970 and milliseconds into the day; the day of each
/// date is kept in `days` (64 slots by the date's bytes).
#[inline]
fn timestamp(t: &[u8], days: &mut [(u64, i32); 64]) -> Option<(i32, u32)> {
    if t.len() != 20 || t[4] != b'-' || t[7] != b'-' || t[10] != b'T' || t[13] != b':' || t[16] != b':' || t[19] != b'Z'
    {
        return None;
    }
    let date = u64::from_le_bytes(t.get(..8)?.try_into().ok()?) ^ u64::from(t[8]) << 56 ^ u64::from(t[9]) << 48;
    let slot = (date.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58) as usize;
    let cached = days.get(slot).copied().unwrap_or_default();
    let day = if cached.0 == date && date != 0 {
        cached.1
    } else {
        let (y, m, d) = (d2(t[0], t[1])? * 100 + d2(t[2], t[3])?, d2(t[5], t[6])?, d2(t[8], t[9])?);
        if m == 0 || m > 12 || d == 0 || d > 31 {
            return None;
        }
        let (yy, mm) = if m <= 2 { (i64::from(y) - 1, m + 9) } else { (i64::from(y), m - 3) };
        let (era, yoe) = (yy.div_euclid(400), yy.rem_euclid(400));
        let doy = (153 * i64::from(mm) + 2) / 5 + i64::from(d) - 1;
        let day = (era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468) as i32;
        if let Some(s) = days.get_mut(slot) {
            *s = (date, day);
        }
        day
    };
    let (h, mi, s) = (d2(t[11], t[12])?, d2(t[14], t[15])?, d2(t[17], t[18])?);
    if h > 23 || mi > 59 || s > 59 {
        return None;
    }
    Some((day, (h * 3600 + mi * 60 + s) * 1000))
}

/// A decimal number of at most two places, in hundredths.
#[inline]
fn centi(t: &[u8]) -> Option<u32> {
    let (whole, fraction) = match memchr::memchr(b'.', t) {
        Some(dot) => (t.get(..dot)?, t.get(dot + 1..)?),
        None => (t, &[][..]),
    };
    if whole.is_empty() || whole.len() > 7 || fraction.len() > 2 {
        return None;
    }
    let mut value = 0u32;
    for &b in whole.iter().chain(fraction) {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        value = value * 10 + u32::from(digit);
    }
    Some(value * [100, 10, 1][fraction.len()])
}

/// Member numbers by id: open addressing, linear probing, a power-of-two size at least twice
/// the members.
struct Table {
    slots: Vec<(u128, u32)>,
    mask: usize,
}

impl Table {
    fn with_capacity(members: usize) -> Self {
        let size = (members * 2).next_power_of_two().max(16);
        Self { slots: vec![(0, u32::MAX); size], mask: size - 1 }
    }

    #[inline]
    fn home(&self, id: u128) -> usize {
        let folded = (id >> 64) as u64 ^ (id as u64).rotate_left(32);
        ((folded ^ (folded >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize & self.mask
    }

    fn insert(&mut self, id: u128, number: u32) {
        let mut at = self.home(id);
        while self.slots.get(at).is_some_and(|s| s.1 != u32::MAX && s.0 != id) {
            at = (at + 1) & self.mask;
        }
        if let Some(slot) = self.slots.get_mut(at) {
            *slot = (id, number);
        }
    }

    #[inline]
    fn get(&self, id: u128) -> Option<u32> {
        let mut at = self.home(id);
        loop {
            let &(key, number) = self.slots.get(at)?;
            if number == u32::MAX {
                return None;
            }
            if key == id {
                return Some(number);
            }
            at = (at + 1) & self.mask;
        }
    }
}

#[expect(clippy::disallowed_methods, reason = "a benchmark driver reads files and the clock")]
fn parquet(dir: &str, threads: usize) -> Result<(), String> {
    use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
    let started = Instant::now();
    let path = format!("{dir}/events.parquet");
    let file = File::open(&path).map_err(|e| e.to_string())?;
    let metadata = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()).map_err(|e| e.to_string())?;
    let groups = metadata.metadata().num_row_groups();
    let results: Vec<Result<usize, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (path, metadata) = (&path, &metadata);
                scope.spawn(move || -> Result<usize, String> {
                    let file = File::open(path).map_err(|e| e.to_string())?;
                    let mine: Vec<usize> = (t..groups).step_by(threads).collect();
                    if mine.is_empty() {
                        return Ok(0);
                    }
                    let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(file, metadata.clone())
                        .with_row_groups(mine)
                        .with_batch_size(64 * 1024)
                        .build()
                        .map_err(|e| e.to_string())?;
                    let mut rows = 0;
                    for batch in reader {
                        rows += batch.map_err(|e| e.to_string())?.num_rows();
                    }
                    Ok(rows)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("a thread panicked".into()))).collect()
    });
    let mut rows = 0;
    for result in results {
        rows += result?;
    }
    eprintln!(
        "floor parquet: {rows} rows decoded in {:.3} s on {threads} threads, {groups} row groups",
        started.elapsed().as_secs_f64()
    );
    println!("{rows}");
    Ok(())
}
