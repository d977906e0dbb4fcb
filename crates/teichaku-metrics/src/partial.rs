//! The usage aggregate as a serialised, versioned partial: computed over one shard of the usage
//! (in another process or on another machine), merged exactly with the others, and turned into
//! the KPI report as if every shard had been read in one pass.
//!
//! A [`UsagePartial`] names members by id and kinds of task by their names (never by the
//! positions one process gave them), so partials made from different files merge. Its JSON form
//! is canonical (members sorted by id, kinds sorted by name, nothing empty written), so two
//! partials holding the same state are the same bytes. `docs/scale.md` describes the form, the
//! merge laws and how the same state runs inside a distributed query engine.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use teichaku_model::{MemberId, TaskCategory, ToolId, ValidSnapshot};

use crate::aggregate::{AggregateSpec, HORIZON_DAYS, MAX_SERIES_WEEKS, PeriodSpan, UsageAggregate, WORDS};
use crate::calendar::{date_of, day_number};
use crate::store::{EventStore, MAX_KINDS, NO_COUNT};

/// The version of the serialised [`UsagePartial`] this engine writes and reads.
///
/// ```
/// assert_eq!(teichaku_metrics::PARTIAL_FORMAT_VERSION, 1);
/// ```
pub const PARTIAL_FORMAT_VERSION: u32 = 1;

/// The value of the `format` field of a serialised [`UsagePartial`].
///
/// ```
/// assert_eq!(teichaku_metrics::USAGE_PARTIAL_FORMAT, "teichaku-usage-partial");
/// ```
pub const USAGE_PARTIAL_FORMAT: &str = "teichaku-usage-partial";

/// The longest serialised partial [`UsagePartial::from_json`] reads: 1 GiB (a partial of
/// 100,000 members over 13 weeks is about 30 MB).
///
/// ```
/// assert_eq!(teichaku_metrics::MAX_PARTIAL_BYTES, 1 << 30);
/// ```
pub const MAX_PARTIAL_BYTES: usize = 1 << 30;

/// The most period records one member may hold in a partial.
///
/// ```
/// assert_eq!(teichaku_metrics::MAX_PARTIAL_PERIODS, 4096);
/// ```
pub const MAX_PARTIAL_PERIODS: usize = 4096;

/// The usage of some members over some of the usage records, for one organisation on one date:
/// mergeable, exact, and serialisable.
///
/// [`UsagePartial::compute`] gathers it from an event store; [`UsagePartial::merge`] adds
/// another shard's in (associative and commutative: any split of the records merged in any
/// order gives the same bytes as one pass, when no record is repeated across shards);
/// [`kpis_from_partial`](crate::kpis_from_partial) turns it into the KPI report.
///
/// A partial holds each member's usage days and figures: it is input as sensitive as the usage
/// records themselves, not an output that may be shown. The report made from it withholds small
/// groups as any other.
///
/// ```
/// # fn setup() -> (teichaku_model::ValidSnapshot, teichaku_metrics::EventStore, teichaku_metrics::EventStore) { unimplemented!() }
/// # if false {
/// use teichaku_metrics::UsagePartial;
/// let (snapshot, first_half, second_half) = setup();
/// let as_of = "2026-11-01".parse()?;
/// let mut whole = UsagePartial::compute(&snapshot, &first_half, as_of, 13);
/// let other = UsagePartial::from_json(&UsagePartial::compute(&snapshot, &second_half, as_of, 13).to_json())?;
/// whole.merge(&other)?;
/// let report = teichaku_metrics::kpis_from_partial(&snapshot, &whole, as_of, &Default::default())?;
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct UsagePartial {
    as_of: NaiveDate,
    series_weeks: u32,
    organisation: String,
    counts: PartialCounts,
    kinds: Vec<PartialKind>,
    members: BTreeMap<MemberId, MemberState>,
}

/// Why a partial cannot be read or merged, or used with a document.
///
/// ```
/// let e = teichaku_metrics::UsagePartial::from_json("{}").unwrap_err();
/// assert!(e.to_string().starts_with("not a usage partial"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PartialError {
    /// The text is longer than [`MAX_PARTIAL_BYTES`].
    #[error("a usage partial of {bytes} bytes is longer than the limit of {limit}")]
    TooLong {
        /// The text's length.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// The text is not a usage partial's JSON (the parser's words).
    #[error("not a usage partial: {0}")]
    Json(String),
    /// The `format` field names something else.
    #[error("not a usage partial: the format is `{0}`, expected `teichaku-usage-partial`")]
    Format(String),
    /// A version this engine does not read.
    #[error("usage partial version {found} is not read by this engine (it reads version {supported})")]
    Version {
        /// The partial's version.
        found: u32,
        /// The version read.
        supported: u32,
    },
    /// A field's value is out of its range (the field, and the member when it is a member's).
    #[error("usage partial: {}{field}: {problem}", .member.map(|m| format!("member `{m}`: ")).unwrap_or_default())]
    Invalid {
        /// The member whose entry is wrong, if any.
        member: Option<MemberId>,
        /// The field.
        field: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// Two partials (or a partial and the document) of different dates, weeks or organisations.
    #[error("usage partials of different {what} cannot be merged: `{left}` and `{right}`")]
    Mismatch {
        /// `as_of`, `series_weeks` or `organisation`.
        what: &'static str,
        /// One side's value.
        left: String,
        /// The other's.
        right: String,
    },
    /// A sum past 2⁶⁴ − 1 (or 2³² − 1 for a member's counts).
    #[error("usage partials too large to merge: {field} overflows")]
    Overflow {
        /// The field.
        field: &'static str,
    },
    /// A member the document does not have.
    #[error("the usage partial names member `{0}`, whom the document does not have")]
    UnknownMember(MemberId),
}

/// The store-wide counts a partial carries, summed when partials merge.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartialCounts {
    stored: u64,
    duplicates_dropped: u64,
    day_records: u64,
    day_duplicates_dropped: u64,
    superseded_events: u64,
    period_records: u64,
    period_duplicates_dropped: u64,
    counted: u64,
    after_as_of: u64,
    outside_membership: u64,
}

/// A kind of use: its task and tool by name.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartialKind {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    task: Option<TaskCategory>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tool: Option<ToolId>,
}

/// One member's state, as the aggregate holds it (`kinds_28` by position in the partial's
/// own kinds).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
struct MemberState {
    days: [u64; WORDS],
    first: i32,
    last: i32,
    week_minutes: Vec<u64>,
    events_7: u32,
    minutes_7: u64,
    saved_measured: u64,
    saved_estimated: u64,
    unmeasured: u32,
    kinds_28: Vec<u16>,
    uncounted_7: u32,
    untimed_7: u32,
    periods: Vec<PeriodSpan>,
}

impl MemberState {
    fn is_empty(&self) -> bool {
        self.days == [0; WORDS]
            && self.first == i32::MAX
            && self.last == i32::MIN
            && self.week_minutes.iter().all(|&w| w == 0)
            && self.events_7 == 0
            && self.minutes_7 == 0
            && self.saved_measured == 0
            && self.saved_estimated == 0
            && self.unmeasured == 0
            && self.kinds_28.is_empty()
            && self.uncounted_7 == 0
            && self.untimed_7 == 0
            && self.periods.is_empty()
    }
}

impl UsagePartial {
    /// The partial of every record of `store`, for `snapshot`'s members on `as_of`, with a
    /// weekly series of `series_weeks` ISO weeks (at most [`MAX_SERIES_WEEKS`]).
    ///
    /// ```
    /// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let snapshot = valid();
    /// let store = teichaku_metrics::EventStore::from_snapshot(&snapshot)?;
    /// let partial = teichaku_metrics::UsagePartial::compute(&snapshot, &store, "2026-11-01".parse()?, 13);
    /// std::fs::write("shard-0.json", partial.to_json())?;
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn compute(snapshot: &ValidSnapshot, store: &EventStore, as_of: NaiveDate, series_weeks: u32) -> Self {
        let spec = AggregateSpec::new(snapshot, store, as_of, series_weeks);
        let agg = UsageAggregate::compute(store, &spec, 0..store.len());
        Self::from_aggregate(snapshot, store, &agg, as_of)
    }

    /// The partial of an aggregate computed (in full detail) over `store` for `snapshot`.
    fn from_aggregate(snapshot: &ValidSnapshot, store: &EventStore, agg: &UsageAggregate, as_of: NaiveDate) -> Self {
        let weeks = agg.series_weeks() as usize;
        // The kinds some member used in the trailing 28 days, by name, and their new positions.
        let mut named: BTreeMap<PartialKind, u16> = BTreeMap::new();
        for kinds in &agg.kinds_28 {
            for &k in kinds {
                if let Some((task, tool)) = store.kind(k) {
                    named.insert(PartialKind { task: task.clone(), tool: tool.clone() }, 0);
                }
            }
        }
        for (position, slot) in named.values_mut().enumerate() {
            *slot = position as u16;
        }
        let renumber = |k: u16| -> Option<u16> {
            let (task, tool) = store.kind(k)?;
            named.get(&PartialKind { task: task.clone(), tool: tool.clone() }).copied()
        };
        let mut members = BTreeMap::new();
        for (m, member) in snapshot.organisation().members.iter().enumerate() {
            let get32 = |v: &Vec<u32>| v.get(m).copied().unwrap_or(0);
            let get64 = |v: &Vec<u64>| v.get(m).copied().unwrap_or(0);
            let mut kinds_28: Vec<u16> =
                agg.kinds_28.get(m).map(|k| k.iter().filter_map(|&k| renumber(k)).collect()).unwrap_or_default();
            kinds_28.sort_unstable();
            kinds_28.dedup();
            let mut week_minutes = agg.week_minutes.get(m * weeks..(m + 1) * weeks).unwrap_or_default().to_vec();
            trim_zeros(&mut week_minutes);
            let state = MemberState {
                days: agg.days.get(m).copied().unwrap_or([0; WORDS]),
                first: agg.first_day.get(m).copied().unwrap_or(i32::MAX),
                last: agg.last_day.get(m).copied().unwrap_or(i32::MIN),
                week_minutes,
                events_7: get32(&agg.events_7),
                minutes_7: get64(&agg.minutes_7),
                saved_measured: get64(&agg.saved_measured),
                saved_estimated: get64(&agg.saved_estimated),
                unmeasured: get32(&agg.unmeasured),
                kinds_28,
                uncounted_7: get32(&agg.uncounted_7),
                untimed_7: get32(&agg.untimed_7),
                periods: agg.periods.get(m).cloned().unwrap_or_default(),
            };
            if !state.is_empty() {
                members.insert(member.id, state);
            }
        }
        Self {
            as_of,
            series_weeks: agg.series_weeks(),
            organisation: organisation_fingerprint(snapshot),
            counts: PartialCounts {
                stored: store.len() as u64,
                duplicates_dropped: store.duplicates_dropped(),
                day_records: store.day_records() as u64,
                day_duplicates_dropped: store.day_duplicates_dropped(),
                superseded_events: store.superseded_events(),
                period_records: store.period_records() as u64,
                period_duplicates_dropped: store.period_duplicates_dropped(),
                counted: agg.events_counted(),
                after_as_of: agg.events_after_as_of(),
                outside_membership: agg.events_outside_membership(),
            },
            kinds: named.into_keys().collect(),
            members,
        }
    }

    /// The last day that counts.
    ///
    /// ```
    /// # fn partial() -> teichaku_metrics::UsagePartial { unimplemented!() }
    /// # if false {
    /// println!("{}", partial().as_of());
    /// # }
    /// ```
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// ISO weeks in the weekly series.
    ///
    /// ```
    /// # fn partial() -> teichaku_metrics::UsagePartial { unimplemented!() }
    /// # if false {
    /// assert!(partial().series_weeks() <= teichaku_metrics::MAX_SERIES_WEEKS);
    /// # }
    /// ```
    pub fn series_weeks(&self) -> u32 {
        self.series_weeks
    }

    /// Members with some usage in the partial.
    ///
    /// ```
    /// # fn partial() -> teichaku_metrics::UsagePartial { unimplemented!() }
    /// # if false {
    /// println!("{} members", partial().member_count());
    /// # }
    /// ```
    pub fn member_count(&self) -> usize {
        self.members.len()
    }

    /// Events stored from the shard's files, after exact duplicates were removed.
    ///
    /// ```
    /// # fn partial() -> teichaku_metrics::UsagePartial { unimplemented!() }
    /// # if false {
    /// println!("{} events", partial().events_stored());
    /// # }
    /// ```
    pub fn events_stored(&self) -> u64 {
        self.counts.stored
    }

    /// Adds `other` in: usage days and kinds by union, first and last use by minimum and
    /// maximum, everything else by sum. Associative and commutative; on an error `self` is
    /// left as it was.
    ///
    /// # Errors
    ///
    /// [`PartialError::Mismatch`] when the two are for different dates, weeks or organisations
    /// (members with their joining and leaving dates, task baselines);
    /// [`PartialError::Overflow`] when a sum does not fit.
    ///
    /// ```
    /// # fn partials() -> (teichaku_metrics::UsagePartial, teichaku_metrics::UsagePartial) { unimplemented!() }
    /// # if false {
    /// let (mut a, b) = partials();
    /// a.merge(&b)?;
    /// # }
    /// # Ok::<(), teichaku_metrics::PartialError>(())
    /// ```
    pub fn merge(&mut self, other: &Self) -> Result<(), PartialError> {
        let mismatch = |what, left: String, right: String| Err(PartialError::Mismatch { what, left, right });
        if self.as_of != other.as_of {
            return mismatch("as_of", self.as_of.to_string(), other.as_of.to_string());
        }
        if self.series_weeks != other.series_weeks {
            return mismatch("series_weeks", self.series_weeks.to_string(), other.series_weeks.to_string());
        }
        if self.organisation != other.organisation {
            return mismatch("organisation", self.organisation.clone(), other.organisation.clone());
        }
        let mut kinds: Vec<PartialKind> = self.kinds.iter().chain(&other.kinds).cloned().collect();
        kinds.sort();
        kinds.dedup();
        if kinds.len() > MAX_KINDS {
            return Err(PartialError::Overflow { field: "kinds" });
        }
        let position = |k: &PartialKind| kinds.binary_search(k).ok().map(|p| p as u16);
        let map_self: Vec<Option<u16>> = self.kinds.iter().map(position).collect();
        let map_other: Vec<Option<u16>> = other.kinds.iter().map(position).collect();
        let mut members = BTreeMap::new();
        for (id, state) in &self.members {
            let renumbered = renumber_kinds(state, &map_self);
            let merged = match other.members.get(id) {
                Some(theirs) => merge_member(&renumbered, &renumber_kinds(theirs, &map_other))?,
                None => renumbered,
            };
            members.insert(*id, merged);
        }
        for (id, state) in &other.members {
            if !self.members.contains_key(id) {
                members.insert(*id, renumber_kinds(state, &map_other));
            }
        }
        let (a, b) = (&self.counts, &other.counts);
        let add = |x: u64, y: u64, field| x.checked_add(y).ok_or(PartialError::Overflow { field });
        let counts = PartialCounts {
            stored: add(a.stored, b.stored, "stored")?,
            duplicates_dropped: add(a.duplicates_dropped, b.duplicates_dropped, "duplicates_dropped")?,
            day_records: add(a.day_records, b.day_records, "day_records")?,
            day_duplicates_dropped: add(a.day_duplicates_dropped, b.day_duplicates_dropped, "day_duplicates_dropped")?,
            superseded_events: add(a.superseded_events, b.superseded_events, "superseded_events")?,
            period_records: add(a.period_records, b.period_records, "period_records")?,
            period_duplicates_dropped: add(
                a.period_duplicates_dropped,
                b.period_duplicates_dropped,
                "period_duplicates_dropped",
            )?,
            counted: add(a.counted, b.counted, "counted")?,
            after_as_of: add(a.after_as_of, b.after_as_of, "after_as_of")?,
            outside_membership: add(a.outside_membership, b.outside_membership, "outside_membership")?,
        };
        self.counts = counts;
        self.kinds = kinds;
        self.members = members;
        Ok(())
    }

    /// The partial's canonical JSON: equal partials give equal bytes.
    ///
    /// ```
    /// # fn partial() -> teichaku_metrics::UsagePartial { unimplemented!() }
    /// # if false {
    /// let text = partial().to_json();
    /// assert!(text.starts_with(r#"{"format":"teichaku-usage-partial","version":1,"#));
    /// # }
    /// ```
    pub fn to_json(&self) -> String {
        let raw = RawPartial {
            format: USAGE_PARTIAL_FORMAT.to_owned(),
            version: PARTIAL_FORMAT_VERSION,
            as_of: self.as_of,
            series_weeks: self.series_weeks,
            organisation: self.organisation.clone(),
            counts: self.counts,
            kinds: self.kinds.clone(),
            members: self.members.iter().map(|(id, s)| RawMember::of(*id, s)).collect(),
        };
        // INVARIANT: the raw form holds strings, numbers, dates and ids only, which serialise.
        serde_json::to_string(&raw).unwrap_or_default()
    }

    /// Reads a partial written by [`to_json`](Self::to_json), checking every field: a value out
    /// of its range is an error naming the member and the field, never a panic.
    ///
    /// # Errors
    ///
    /// [`PartialError`] naming what is wrong: too long, not JSON of this form, another format
    /// or version, or a field out of range.
    ///
    /// ```
    /// use teichaku_metrics::{PartialError, UsagePartial};
    /// let text = r#"{"format":"teichaku-usage-partial","version":2}"#;
    /// assert!(matches!(UsagePartial::from_json(text), Err(PartialError::Version { found: 2, .. })));
    /// ```
    pub fn from_json(text: &str) -> Result<Self, PartialError> {
        if text.len() > MAX_PARTIAL_BYTES {
            return Err(PartialError::TooLong { bytes: text.len(), limit: MAX_PARTIAL_BYTES });
        }
        // The format and version first, so a later version's fields are not reported as unknown.
        let head: RawHead = serde_json::from_str(text).map_err(|e| PartialError::Json(e.to_string()))?;
        match head.format.as_deref() {
            Some(USAGE_PARTIAL_FORMAT) => {}
            Some(other) => return Err(PartialError::Format(other.to_owned())),
            None => return Err(PartialError::Json("no `format` field".to_owned())),
        }
        if head.version != Some(PARTIAL_FORMAT_VERSION) {
            return Err(PartialError::Version { found: head.version.unwrap_or(0), supported: PARTIAL_FORMAT_VERSION });
        }
        let raw: RawPartial = serde_json::from_str(text).map_err(|e| PartialError::Json(e.to_string()))?;
        raw.check()
    }

    /// The aggregate over `snapshot`'s members and the kinds' task and tool numbers.
    pub(crate) fn to_aggregate(&self, snapshot: &ValidSnapshot) -> Result<(UsageAggregate, KindNumbers), PartialError> {
        let document = organisation_fingerprint(snapshot);
        if self.organisation != document {
            return Err(PartialError::Mismatch {
                what: "organisation",
                left: self.organisation.clone(),
                right: document,
            });
        }
        let n = snapshot.organisation().members.len();
        let weeks = self.series_weeks as usize;
        let mut agg = UsageAggregate::empty_detailed(day_number(self.as_of), self.series_weeks, n);
        for (id, state) in &self.members {
            let m = snapshot.member_position(*id).ok_or(PartialError::UnknownMember(*id))?;
            let set = |v: &mut Vec<u32>, x: u32| {
                if let Some(slot) = v.get_mut(m) {
                    *slot = x;
                }
            };
            set(&mut agg.events_7, state.events_7);
            set(&mut agg.unmeasured, state.unmeasured);
            set(&mut agg.uncounted_7, state.uncounted_7);
            set(&mut agg.untimed_7, state.untimed_7);
            let set = |v: &mut Vec<u64>, x: u64| {
                if let Some(slot) = v.get_mut(m) {
                    *slot = x;
                }
            };
            set(&mut agg.minutes_7, state.minutes_7);
            set(&mut agg.saved_measured, state.saved_measured);
            set(&mut agg.saved_estimated, state.saved_estimated);
            if let Some(slot) = agg.days.get_mut(m) {
                *slot = state.days;
            }
            if let Some(slot) = agg.first_day.get_mut(m) {
                *slot = state.first;
            }
            if let Some(slot) = agg.last_day.get_mut(m) {
                *slot = state.last;
            }
            if let Some(slot) = agg.week_minutes.get_mut(m * weeks..(m + 1) * weeks) {
                slot.iter_mut().zip(&state.week_minutes).for_each(|(a, &b)| *a = b);
            }
            if let Some(slot) = agg.kinds_28.get_mut(m) {
                slot.clone_from(&state.kinds_28);
            }
            if let Some(slot) = agg.periods.get_mut(m) {
                slot.clone_from(&state.periods);
            }
        }
        agg.counted = self.counts.counted;
        agg.after_as_of = self.counts.after_as_of;
        agg.outside_membership = self.counts.outside_membership;
        Ok((agg, kind_numbers(&self.kinds)))
    }

    /// The event counts of the report.
    pub(crate) fn event_counts(&self) -> crate::kpis::StoreCounts {
        let c = &self.counts;
        crate::kpis::StoreCounts {
            stored: c.stored,
            duplicates_dropped: c.duplicates_dropped,
            day_records: c.day_records,
            day_duplicates_dropped: c.day_duplicates_dropped,
            superseded_events: c.superseded_events,
            period_records: c.period_records,
            period_duplicates_dropped: c.period_duplicates_dropped,
        }
    }
}

/// The organisation a partial is for: a fingerprint (FNV-1a, 64 bits, in hex) of every member's
/// id, joining and leaving dates, in the document's order, and every task baseline in force, so
/// partials made from different documents refuse to merge.
fn organisation_fingerprint(snapshot: &ValidSnapshot) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    for member in &snapshot.organisation().members {
        eat(member.id.as_uuid().as_bytes());
        eat(&day_number(member.joined).to_le_bytes());
        eat(&member.left.map_or(i32::MAX, day_number).to_le_bytes());
    }
    // The organisation's baselines take precedence over the playbook's (the first of a task
    // counts), as the aggregate reads them.
    let mut baselines: BTreeMap<&str, u32> = BTreeMap::new();
    let org = &snapshot.organisation().task_baselines;
    for b in org.iter().chain(&snapshot.playbook().task_baselines) {
        let centi = (b.minutes * 100.0).round().clamp(0.0, f64::from(u32::MAX - 1)) as u32;
        baselines.entry(b.task.as_str()).or_insert(centi);
    }
    for (task, centi) in baselines {
        eat(task.as_bytes());
        eat(&[0]);
        eat(&centi.to_le_bytes());
    }
    format!("{h:016x}")
}

/// Each kind's task number and tool number, by kind.
pub(crate) type KindNumbers = (Vec<Option<u32>>, Vec<Option<u32>>);

/// Each kind's task and tool as small numbers (equal names, equal numbers).
fn kind_numbers(kinds: &[PartialKind]) -> KindNumbers {
    let mut tasks: BTreeMap<&TaskCategory, u32> = BTreeMap::new();
    let mut tools: BTreeMap<&ToolId, u32> = BTreeMap::new();
    let task_numbers = kinds
        .iter()
        .map(|k| {
            let next = tasks.len() as u32;
            k.task.as_ref().map(|t| *tasks.entry(t).or_insert(next))
        })
        .collect();
    let tool_numbers = kinds
        .iter()
        .map(|k| {
            let next = tools.len() as u32;
            k.tool.as_ref().map(|t| *tools.entry(t).or_insert(next))
        })
        .collect();
    (task_numbers, tool_numbers)
}

fn trim_zeros(v: &mut Vec<u64>) {
    while v.last() == Some(&0) {
        v.pop();
    }
}

fn renumber_kinds(state: &MemberState, map: &[Option<u16>]) -> MemberState {
    let mut out = state.clone();
    out.kinds_28 = state.kinds_28.iter().filter_map(|&k| map.get(usize::from(k)).copied().flatten()).collect();
    out.kinds_28.sort_unstable();
    out.kinds_28.dedup();
    out
}

fn merge_member(a: &MemberState, b: &MemberState) -> Result<MemberState, PartialError> {
    let add64 = |x: u64, y: u64, field| x.checked_add(y).ok_or(PartialError::Overflow { field });
    let add32 = |x: u32, y: u32, field| x.checked_add(y).ok_or(PartialError::Overflow { field });
    let mut days = a.days;
    days.iter_mut().zip(&b.days).for_each(|(x, y)| *x |= y);
    let mut week_minutes = vec![0u64; a.week_minutes.len().max(b.week_minutes.len())];
    for (i, slot) in week_minutes.iter_mut().enumerate() {
        let (x, y) = (a.week_minutes.get(i).copied().unwrap_or(0), b.week_minutes.get(i).copied().unwrap_or(0));
        *slot = add64(x, y, "week_minutes")?;
    }
    let mut kinds_28: Vec<u16> = a.kinds_28.iter().chain(&b.kinds_28).copied().collect();
    kinds_28.sort_unstable();
    kinds_28.dedup();
    let mut periods: Vec<PeriodSpan> = a.periods.iter().chain(&b.periods).copied().collect();
    periods.sort_unstable();
    periods.dedup();
    if periods.len() > MAX_PARTIAL_PERIODS {
        return Err(PartialError::Overflow { field: "periods" });
    }
    Ok(MemberState {
        days,
        first: a.first.min(b.first),
        last: a.last.max(b.last),
        week_minutes,
        events_7: add32(a.events_7, b.events_7, "events_7")?,
        minutes_7: add64(a.minutes_7, b.minutes_7, "minutes_7_centi")?,
        saved_measured: add64(a.saved_measured, b.saved_measured, "saved_measured_centi")?,
        saved_estimated: add64(a.saved_estimated, b.saved_estimated, "saved_estimated_centi")?,
        unmeasured: add32(a.unmeasured, b.unmeasured, "unmeasured")?,
        kinds_28,
        uncounted_7: add32(a.uncounted_7, b.uncounted_7, "uncounted_7")?,
        untimed_7: add32(a.untimed_7, b.untimed_7, "untimed_7")?,
        periods,
    })
}

/// The format and version, read before the rest.
#[derive(Deserialize)]
struct RawHead {
    format: Option<String>,
    version: Option<u32>,
}

/// The serialised form (`docs/scale.md` describes each field).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPartial {
    format: String,
    version: u32,
    as_of: NaiveDate,
    series_weeks: u32,
    organisation: String,
    counts: PartialCounts,
    #[serde(default)]
    kinds: Vec<PartialKind>,
    #[serde(default)]
    members: Vec<RawMember>,
}

fn is_zero32(x: &u32) -> bool {
    *x == 0
}

fn is_zero64(x: &u64) -> bool {
    *x == 0
}

/// One member's entry.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMember {
    member: MemberId,
    /// Usage days, as days before `as_of` (0 is `as_of`), ascending.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    days: Vec<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    first_use: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_use: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    week_minutes_centi: Vec<u64>,
    #[serde(default, skip_serializing_if = "is_zero32")]
    events_7: u32,
    #[serde(default, skip_serializing_if = "is_zero64")]
    minutes_7_centi: u64,
    #[serde(default, skip_serializing_if = "is_zero64")]
    saved_measured_centi: u64,
    #[serde(default, skip_serializing_if = "is_zero64")]
    saved_estimated_centi: u64,
    #[serde(default, skip_serializing_if = "is_zero32")]
    unmeasured: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    kinds_28: Vec<u16>,
    #[serde(default, skip_serializing_if = "is_zero32")]
    uncounted_7: u32,
    #[serde(default, skip_serializing_if = "is_zero32")]
    untimed_7: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    periods: Vec<RawPeriod>,
}

/// One period record.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPeriod {
    first: NaiveDate,
    last: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    active_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    minutes_centi: Option<u32>,
}

impl RawMember {
    fn of(member: MemberId, s: &MemberState) -> Self {
        let mut days = Vec::new();
        for (w, &word) in s.days.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let b = bits.trailing_zeros();
                bits &= bits - 1;
                days.push((w as u32 * 64 + b) as u16);
            }
        }
        let known = |x: u32| (x != NO_COUNT).then_some(x);
        Self {
            member,
            days,
            first_use: (s.first != i32::MAX).then(|| date_of(s.first)).flatten(),
            last_use: (s.last != i32::MIN).then(|| date_of(s.last)).flatten(),
            week_minutes_centi: s.week_minutes.clone(),
            events_7: s.events_7,
            minutes_7_centi: s.minutes_7,
            saved_measured_centi: s.saved_measured,
            saved_estimated_centi: s.saved_estimated,
            unmeasured: s.unmeasured,
            kinds_28: s.kinds_28.clone(),
            uncounted_7: s.uncounted_7,
            untimed_7: s.untimed_7,
            periods: s
                .periods
                .iter()
                .filter_map(|p| {
                    Some(RawPeriod {
                        first: date_of(p.first)?,
                        last: date_of(p.last)?,
                        active_days: known(p.active),
                        count: known(p.count),
                        minutes_centi: known(p.minutes),
                    })
                })
                .collect(),
        }
    }
}

impl RawPartial {
    /// The partial, if every field is in range.
    fn check(self) -> Result<UsagePartial, PartialError> {
        let invalid = |member: Option<MemberId>, field: &'static str, problem: String| PartialError::Invalid {
            member,
            field,
            problem,
        };
        if self.series_weeks > MAX_SERIES_WEEKS {
            return Err(invalid(
                None,
                "series_weeks",
                format!("{} is more than {MAX_SERIES_WEEKS}", self.series_weeks),
            ));
        }
        if self.organisation.len() != 16 || !self.organisation.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(invalid(None, "organisation", "not 16 hexadecimal digits".to_owned()));
        }
        if self.kinds.len() > MAX_KINDS {
            return Err(invalid(None, "kinds", format!("{} kinds, more than {MAX_KINDS}", self.kinds.len())));
        }
        if self.kinds.windows(2).any(|w| matches!(w, [a, b] if a >= b)) {
            return Err(invalid(None, "kinds", "not sorted by task and tool without repeats".to_owned()));
        }
        let as_of = day_number(self.as_of);
        let mut members = BTreeMap::new();
        let mut referenced = vec![false; self.kinds.len()];
        for raw in self.members {
            let id = raw.member;
            let bad = |field: &'static str, problem: String| invalid(Some(id), field, problem);
            if members.contains_key(&id) {
                return Err(bad("member", "listed twice".to_owned()));
            }
            let mut days = [0u64; WORDS];
            let mut previous = None;
            for &back in &raw.days {
                if i32::from(back) >= HORIZON_DAYS {
                    return Err(bad("days", format!("{back} is past the horizon of {HORIZON_DAYS} days")));
                }
                if previous.is_some_and(|p| p >= back) {
                    return Err(bad("days", "not ascending without repeats".to_owned()));
                }
                previous = Some(back);
                if let Some(word) = days.get_mut(usize::from(back) / 64) {
                    *word |= 1u64 << (back % 64);
                }
            }
            let first = raw.first_use.map_or(i32::MAX, day_number);
            let last = raw.last_use.map_or(i32::MIN, day_number);
            if raw.first_use.is_some() != raw.last_use.is_some() || (raw.first_use.is_some() && first > last) {
                return Err(bad("first_use", "needs a last use on or after it".to_owned()));
            }
            if raw.last_use.is_some() && last > as_of {
                return Err(bad("last_use", format!("after as_of {}", self.as_of)));
            }
            if raw.week_minutes_centi.len() > self.series_weeks as usize {
                return Err(bad("week_minutes_centi", format!("more than {} weeks", self.series_weeks)));
            }
            for &k in &raw.kinds_28 {
                match referenced.get_mut(usize::from(k)) {
                    Some(seen) => *seen = true,
                    None => {
                        return Err(bad("kinds_28", format!("kind {k} is not among the {} kinds", self.kinds.len())));
                    }
                }
            }
            if raw.kinds_28.windows(2).any(|w| matches!(w, [a, b] if a >= b)) {
                return Err(bad("kinds_28", "not ascending without repeats".to_owned()));
            }
            if raw.periods.len() > MAX_PARTIAL_PERIODS {
                return Err(bad("periods", format!("more than {MAX_PARTIAL_PERIODS}")));
            }
            let mut periods = Vec::with_capacity(raw.periods.len());
            for p in &raw.periods {
                if p.first > p.last {
                    return Err(bad("periods", format!("{} is after {}", p.first, p.last)));
                }
                let known = |x: Option<u32>| match x {
                    Some(NO_COUNT) => Err(bad("periods", format!("{NO_COUNT} is out of range"))),
                    Some(x) => Ok(x),
                    None => Ok(NO_COUNT),
                };
                periods.push(PeriodSpan {
                    first: day_number(p.first),
                    last: day_number(p.last),
                    active: known(p.active_days)?,
                    count: known(p.count)?,
                    minutes: known(p.minutes_centi)?,
                });
            }
            periods.sort_unstable();
            periods.dedup();
            let mut week_minutes = raw.week_minutes_centi;
            trim_zeros(&mut week_minutes);
            let state = MemberState {
                days,
                first,
                last,
                week_minutes,
                events_7: raw.events_7,
                minutes_7: raw.minutes_7_centi,
                saved_measured: raw.saved_measured_centi,
                saved_estimated: raw.saved_estimated_centi,
                unmeasured: raw.unmeasured,
                kinds_28: raw.kinds_28,
                uncounted_7: raw.uncounted_7,
                untimed_7: raw.untimed_7,
                periods,
            };
            if !state.is_empty() {
                members.insert(id, state);
            }
        }
        // Kinds no member refers to are dropped, so the form stays canonical.
        let mut kinds = self.kinds;
        if referenced.iter().any(|&r| !r) {
            let mut map = vec![None; kinds.len()];
            let mut next = 0u16;
            for (slot, &r) in map.iter_mut().zip(&referenced) {
                if r {
                    *slot = Some(next);
                    next += 1;
                }
            }
            let mut keep = referenced.iter();
            kinds.retain(|_| keep.next().copied().unwrap_or(false));
            for state in members.values_mut() {
                *state = renumber_kinds(state, &map);
            }
        }
        Ok(UsagePartial {
            as_of: self.as_of,
            series_weeks: self.series_weeks,
            organisation: self.organisation.to_ascii_lowercase(),
            counts: self.counts,
            kinds,
            members,
        })
    }
}

#[cfg(test)]
mod tests;
