//! Deterministic synthetic usage data for benchmarks and the peer comparison.
//!
//! [`generate`] builds an organisation of members spread over units and a stream of AI usage events
//! over whole ISO weeks. It depends on nothing but `std`: a seeded SplitMix64 drives every choice,
//! with integer arithmetic only, so the same arguments give the same data set on every platform.
//!
//! What the data looks like:
//! - units have skewed sizes (a few large departments, many small teams); when there are at
//!   least as many members as units, every unit has a member;
//! - each unit has its own adoption climate (one "pilot" unit is clearly ahead);
//! - each member has a propensity: about 20% never use AI, about 10% are heavy near-daily users,
//!   about 25% regular and the rest light users; members start at different times after the
//!   launch, and some lapse before the end;
//! - weekdays are much busier than weekends, the first two weeks after the launch are busier still,
//!   use clusters in working hours, sessions last 1 to 30 minutes with short ones most common;
//! - the total is exactly the number of events asked for, and the events come **shuffled**, so a
//!   consumer cannot rely on any order.
//!
//! The standard benchmark set is [`standard`]: `generate(0x7e1c_4a2b, 100_000, 50, 13, 10_000_000)`.

/// The seed of the standard benchmark set.
pub const STANDARD_SEED: u64 = 0x7e1c_4a2b;
/// Members in the standard benchmark set.
pub const STANDARD_MEMBERS: u32 = 100_000;
/// Units in the standard benchmark set.
pub const STANDARD_UNITS: u16 = 50;
/// ISO weeks in the standard benchmark set.
pub const STANDARD_WEEKS: u32 = 13;
/// Usage events in the standard benchmark set.
pub const STANDARD_EVENTS: u64 = 10_000_000;
/// Members in the small quick-check set ([`small`]).
pub const SMALL_MEMBERS: u32 = 2_000;
/// Usage events in the small quick-check set ([`small`]).
pub const SMALL_EVENTS: u64 = 50_000;

/// The first day of every generated data set: Monday 2026-08-03, as days since 1970-01-01.
pub const FIRST_DAY: i32 = 20_668;

/// Most weeks [`generate`] accepts.
pub const MAX_WEEKS: u32 = 1_000_000;

/// A generated organisation and its usage events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    /// Number of units; unit ids are `0..units`.
    pub units: u32,
    /// The members; a member's id is its position in this vector.
    pub members: Vec<SynthMember>,
    /// The usage events, in no particular order.
    pub events: Vec<SynthEvent>,
    /// The first day (a Monday), as local days since 1970-01-01.
    pub first_day: i32,
    /// The last day that counts (a Sunday): `first_day + 7 * weeks - 1`.
    pub as_of: i32,
}

/// A generated member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SynthMember {
    /// The member's unit, in `0..Dataset::units`.
    pub unit: u16,
}

/// A generated usage event (16 bytes). No two events of a member start on the same day and minute,
/// so no event is an exact duplicate of another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SynthEvent {
    /// The member's index in [`Dataset::members`].
    pub member: u32,
    /// Local day, as days since 1970-01-01, in `first_day..=as_of`.
    pub day: i32,
    /// Local time of day the session started, in minutes after midnight (`0..1440`).
    pub minute_of_day: u16,
    /// Length of the session in hundredths of a minute (`100..=3000`: 1 to 30 minutes).
    pub minutes_centi: u32,
}

const _: () = assert!(size_of::<SynthEvent>() <= 16);

/// The standard benchmark set: 100,000 members in 50 units, 13 weeks, 10,000,000 events.
#[must_use]
pub fn standard() -> Dataset {
    generate(STANDARD_SEED, STANDARD_MEMBERS, STANDARD_UNITS, STANDARD_WEEKS, STANDARD_EVENTS)
}

/// The small quick-check set: the standard seed, units and weeks with 2,000 members and 50,000 events.
#[must_use]
pub fn small() -> Dataset {
    generate(STANDARD_SEED, SMALL_MEMBERS, STANDARD_UNITS, STANDARD_WEEKS, SMALL_EVENTS)
}

/// The weekday of a day since 1970-01-01: 0 is Monday, 6 is Sunday.
#[must_use]
pub const fn weekday(day: i32) -> u32 {
    // 1970-01-01 was a Thursday.
    (day + 3).rem_euclid(7).unsigned_abs()
}

/// The Monday that starts the ISO week of a day since 1970-01-01.
#[must_use]
pub const fn week_start(day: i32) -> i32 {
    day - (day + 3).rem_euclid(7)
}

/// Generates a data set: `members` members over `units` units, and exactly `events` usage events
/// over `weeks` whole ISO weeks starting on [`FIRST_DAY`].
///
/// The same arguments always give the same data set.
///
/// # Panics
///
/// If `weeks` exceeds [`MAX_WEEKS`], if there are members but no units, if there are events but no
/// members or no weeks, or if some member's share of the events exceeds one a minute on every day
/// (1,440 × 7 × `weeks`; the standard set's largest share is far below that).
#[must_use]
pub fn generate(seed: u64, members: u32, units: u16, weeks: u32, events: u64) -> Dataset {
    assert!(weeks <= MAX_WEEKS, "at most {MAX_WEEKS} weeks");
    assert!(members == 0 || units > 0, "members need at least one unit");
    assert!(events == 0 || (members > 0 && weeks > 0), "events need members and days");
    let days = weeks * 7;
    let first_day = FIRST_DAY;
    let as_of = first_day + days as i32 - 1; // exact: `days` is at most 7,000,000

    let mut master = SplitMix64::new(mix(seed ^ 0x6f72_6761_6e69_7361));
    let climates = unit_climates(&mut master, units);
    let assigned = assign_units(&mut master, members, units);

    // Pass 1: how much each member uses AI, as active days times events per active day.
    let mut active = Vec::with_capacity(days as usize);
    let mut weights = Vec::with_capacity(members as usize);
    for (member, m) in (0..members).zip(&assigned) {
        let mut rng = member_rng(seed, member);
        let weight = match profile(&mut rng, days, climates[usize::from(m.unit)]) {
            Some(p) => {
                active_days(&mut rng, &p, &mut active);
                active.len() as u64 * u64::from(p.intensity_centi)
            }
            None => 0,
        };
        weights.push(weight);
    }
    let mut total: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    if total == 0 && events > 0 {
        // Nobody would use AI (a tiny organisation of non-users): spread the events evenly instead.
        weights.iter_mut().for_each(|w| *w = 1);
        total = u128::from(members);
    }

    // Pass 2: replay each member's stream and give it its share of the events, apportioned so that
    // the shares add up to exactly `events`.
    let mut out = Vec::with_capacity(usize::try_from(events).unwrap_or(0));
    let (mut taken, mut filled) = (Vec::new(), Vec::new());
    let mut cumulative: u128 = 0;
    let mut before: u64 = 0;
    for ((member, m), &weight) in (0..members).zip(&assigned).zip(&weights) {
        cumulative += u128::from(weight);
        let upto = if total == 0 { 0 } else { share(events, cumulative, total) };
        let count = upto - before;
        before = upto;
        if count == 0 {
            continue;
        }
        let mut rng = member_rng(seed, member);
        active.clear();
        if let Some(p) = profile(&mut rng, days, climates[usize::from(m.unit)]) {
            active_days(&mut rng, &p, &mut active);
        }
        if active.is_empty() || count > active.len() as u64 * MINUTES_PER_DAY {
            // The fallback above, or a share too large for the member's active days.
            active.clear();
            active.extend(0..days);
        }
        assert!(count <= active.len() as u64 * MINUTES_PER_DAY, "more than 1,440 events a day for one member");
        let mut slots = Slots::new(&mut taken, &mut filled, active.len());
        let k = active.len() as u64;
        for i in 0..count {
            // Every active day gets one event when there are enough; the rest fall on random active days.
            let wanted = if count >= k && i < k { i } else { rng.below(k) };
            let minute = minute_of_day(&mut rng);
            let (slot, minute) = slots.take(wanted as usize, minute);
            out.push(SynthEvent {
                member,
                day: first_day + active[slot] as i32,
                minute_of_day: minute,
                minutes_centi: minutes_centi(&mut rng),
            });
        }
    }
    debug_assert_eq!(out.len() as u64, events);

    // Fisher–Yates: consumers must not rely on the generation order.
    let mut shuffler = SplitMix64::new(mix(seed ^ 0x7368_7566_666c_6521));
    for i in (1..out.len()).rev() {
        let j = shuffler.below(i as u64 + 1) as usize;
        out.swap(i, j);
    }

    Dataset { units: u32::from(units), members: assigned, events: out, first_day, as_of }
}

/// `floor(events * cumulative / total)`, which is at most `events`.
fn share(events: u64, cumulative: u128, total: u128) -> u64 {
    let value = u128::from(events) * cumulative / total;
    u64::try_from(value).unwrap_or(events).min(events)
}

/// Each unit's adoption climate in per mille: most units between 700 and 1300, the first unit in the
/// random order a pilot at 1500.
fn unit_climates(rng: &mut SplitMix64, units: u16) -> Vec<u32> {
    let mut climates: Vec<u32> = (0..units).map(|_| 700 + rng.below(601) as u32).collect();
    if units > 0 {
        let pilot = rng.below(u64::from(units)) as usize;
        climates[pilot] = 1500;
    }
    climates
}

/// Skewed unit sizes: unit weights fall off as `1 / (rank + 4)` over a random ranking of the units.
fn assign_units(rng: &mut SplitMix64, members: u32, units: u16) -> Vec<SynthMember> {
    let mut ranking: Vec<u16> = (0..units).collect();
    for i in (1..ranking.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        ranking.swap(i, j);
    }
    let mut cumulative = Vec::with_capacity(ranking.len());
    let mut sum = 0_u64;
    for rank in 0..u64::from(units) {
        sum += 1_000_000 / (rank + 4);
        cumulative.push(sum);
    }
    (0..members)
        .map(|i| {
            let unit = if i < u32::from(units) {
                // Every unit gets a member first (the cast is exact: `i < units`).
                i as u16
            } else {
                let pick = rng.below(sum);
                ranking[cumulative.partition_point(|&c| c <= pick)]
            };
            SynthMember { unit }
        })
        .collect()
}

/// How one member uses AI.
struct Profile {
    /// Chance of using AI on a weekday, per mille.
    weekday: u32,
    /// Chance of using AI on a weekend day, per mille.
    weekend: u32,
    /// Events per active day, in hundredths.
    intensity_centi: u32,
    /// First day offset the member may use AI.
    start: u32,
    /// Day offset the member stops (exclusive).
    end: u32,
}

/// Draws a member's profile; `None` for a member who never uses AI.
fn profile(rng: &mut SplitMix64, days: u32, climate: u32) -> Option<Profile> {
    let class = rng.below(100);
    let (weekday, weekend, intensity_base, intensity_spread, start_within, lapse_pm): (u32, u32, u32, u32, u32, u64) =
        match class {
            0..20 => return None,
            20..30 => (880, 120, 450, 400, 7, 50),
            30..55 => (520, 50, 200, 200, 28, 100),
            _ => (160, 15, 100, 100, 63, 300),
        };
    let jitter = 600 + rng.below(801) as u32; // 0.6 to 1.4
    let scale = |pm: u32| (pm * jitter / 1000 * climate / 1000).min(1000);
    let intensity_centi = intensity_base + rng.below(u64::from(intensity_spread) + 1) as u32;
    let start = rng.below(u64::from(start_within.min(days))) as u32;
    let lapses = rng.below(1000) < lapse_pm;
    let end = if lapses && days > start + 7 { start + 7 + rng.below(u64::from(days - start - 7)) as u32 } else { days };
    Some(Profile { weekday: scale(weekday), weekend: scale(weekend), intensity_centi, start, end })
}

/// The member's active day offsets, in increasing order.
fn active_days(rng: &mut SplitMix64, p: &Profile, out: &mut Vec<u32>) {
    out.clear();
    for offset in p.start..p.end {
        let base = if offset % 7 >= 5 { p.weekend } else { p.weekday };
        // The launch buzz: the first two weeks are busier.
        let chance = if offset < 14 { (base * 13 / 10).min(1000) } else { base };
        if rng.below(1000) < u64::from(chance) {
            out.push(offset);
        }
    }
}

const MINUTES_PER_DAY: u64 = 1440;
const WORDS_PER_DAY: usize = 1440 / 64 + 1;

/// The minutes already used on each of one member's active days, so that no member has two events
/// starting in the same minute (teichaku drops exact duplicates; the peers could not).
struct Slots<'a> {
    /// One bit per minute, [`WORDS_PER_DAY`] words per active day.
    taken: &'a mut Vec<u64>,
    /// Minutes used per active day.
    filled: &'a mut Vec<u16>,
}

impl<'a> Slots<'a> {
    fn new(taken: &'a mut Vec<u64>, filled: &'a mut Vec<u16>, days: usize) -> Self {
        taken.clear();
        taken.resize(days * WORDS_PER_DAY, 0);
        filled.clear();
        filled.resize(days, 0);
        Self { taken, filled }
    }

    /// Takes the wanted minute on the wanted day, or the next free minute of that day, or of the next
    /// day with one (wrapping around). The caller makes sure that some day has a free minute.
    fn take(&mut self, wanted_day: usize, wanted_minute: u16) -> (usize, u16) {
        let days = self.filled.len();
        let mut day = wanted_day;
        while u64::from(self.filled[day]) >= MINUTES_PER_DAY {
            day = (day + 1) % days;
        }
        let mut minute = wanted_minute;
        loop {
            let (word, bit) = (day * WORDS_PER_DAY + usize::from(minute / 64), minute % 64);
            if self.taken[word] & (1 << bit) == 0 {
                self.taken[word] |= 1 << bit;
                self.filled[day] += 1;
                return (day, minute);
            }
            minute = (minute + 1) % 1440;
        }
    }
}

/// Relative weight of each hour of the day for the start of a session.
const HOUR_WEIGHTS: [u32; 24] = [1, 0, 0, 0, 0, 1, 2, 6, 18, 40, 46, 38, 14, 30, 42, 44, 40, 30, 16, 8, 5, 4, 3, 2];
const HOUR_TOTAL: u32 = {
    let mut sum = 0;
    let mut i = 0;
    while i < 24 {
        sum += HOUR_WEIGHTS[i];
        i += 1;
    }
    sum
};

fn minute_of_day(rng: &mut SplitMix64) -> u16 {
    let mut pick = rng.below(u64::from(HOUR_TOTAL)) as u32;
    let mut hour = 0_u16;
    for &w in &HOUR_WEIGHTS {
        if pick < w {
            break;
        }
        pick -= w;
        hour += 1;
    }
    hour * 60 + rng.below(60) as u16
}

/// 1 to 30 minutes in hundredths, short sessions most common (the product of two uniform draws).
fn minutes_centi(rng: &mut SplitMix64) -> u32 {
    let a = rng.below(2901) as u32;
    let b = rng.below(2901) as u32;
    100 + a * b / 2900
}

/// The SplitMix64 output function.
pub(crate) const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The member's own stream, independent of every other member's.
fn member_rng(seed: u64, member: u32) -> SplitMix64 {
    SplitMix64::new(mix(seed ^ mix(u64::from(member).wrapping_add(0x6d65_6d62_6572_0000))))
}

/// Steele, Lea and Flood's SplitMix64, shared by the generators of this crate.
pub(crate) struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub(crate) const fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.state)
    }

    /// A number in `0..n` (0 when `n` is 0), by Lemire's multiply-shift.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_day_is_a_monday_and_weeks_are_whole() {
        assert_eq!(weekday(FIRST_DAY), 0);
        assert_eq!(weekday(0), 3); // 1970-01-01, a Thursday
        let d = generate(1, 10, 2, 13, 100);
        assert_eq!(d.first_day, 20_668);
        assert_eq!(d.as_of, 20_668 + 91 - 1);
        assert_eq!(weekday(d.as_of), 6);
        assert_eq!(week_start(d.as_of), d.as_of - 6);
        assert_eq!(week_start(d.first_day), d.first_day);
    }

    #[test]
    fn same_arguments_same_data() {
        assert_eq!(generate(7, 500, 5, 4, 20_000), generate(7, 500, 5, 4, 20_000));
        assert_ne!(generate(7, 500, 5, 4, 20_000).events, generate(8, 500, 5, 4, 20_000).events);
    }

    #[test]
    fn exact_count_and_ranges() {
        for (members, units, weeks, events) in [(2_000, 50, 13, 50_000), (3, 2, 1, 1_000), (1, 1, 1, 7), (10, 3, 2, 0)]
        {
            let d = generate(STANDARD_SEED, members, units, weeks, events);
            assert_eq!(d.events.len() as u64, events);
            assert_eq!(d.members.len(), members as usize);
            for e in &d.events {
                assert!(e.member < members);
                assert!((d.first_day..=d.as_of).contains(&e.day));
                assert!(e.minute_of_day < 1440);
                assert!((100..=3000).contains(&e.minutes_centi));
            }
            assert!(d.members.iter().all(|m| u32::from(m.unit) < d.units));
        }
    }

    #[test]
    fn no_member_starts_two_events_in_the_same_minute() {
        for (members, weeks, events) in [(2_000, 13, 50_000), (1, 1, 10_080), (5, 1, 5_000), (40, 2, 20_000)] {
            let d = generate(STANDARD_SEED, members, 3, weeks, events);
            let mut starts: Vec<_> = d.events.iter().map(|e| (e.member, e.day, e.minute_of_day)).collect();
            starts.sort_unstable();
            starts.dedup();
            assert_eq!(starts.len() as u64, events, "{members} members, {weeks} weeks, {events} events");
        }
    }

    #[test]
    #[should_panic(expected = "more than 1,440 events a day")]
    fn refuses_more_than_one_event_a_minute() {
        let _ = generate(STANDARD_SEED, 1, 1, 1, 10_081);
    }

    #[test]
    fn looks_like_real_usage() {
        let d = small();
        // Every unit has members, and sizes are skewed.
        let mut sizes = vec![0_u32; d.units as usize];
        d.members.iter().for_each(|m| sizes[usize::from(m.unit)] += 1);
        let (min, max) = (sizes.iter().min().copied().unwrap_or(0), sizes.iter().max().copied().unwrap_or(0));
        assert!(min > 0 && max > 3 * min, "sizes {min}..{max}");
        // Weekdays are much busier than weekends.
        let weekend = d.events.iter().filter(|e| weekday(e.day) >= 5).count();
        assert!(weekend * 10 < d.events.len(), "{weekend} weekend events");
        // About a fifth never use AI; distinct-day counts vary widely.
        let mut days = vec![std::collections::BTreeSet::new(); d.members.len()];
        d.events.iter().for_each(|e| {
            days[e.member as usize].insert(e.day);
        });
        let never = days.iter().filter(|s| s.is_empty()).count();
        assert!((300..=600).contains(&never), "{never} never");
        let heavy = days.iter().filter(|s| s.len() >= 50).count();
        let light = days.iter().filter(|s| (1..=10).contains(&s.len())).count();
        assert!(heavy > 100 && light > 400, "heavy {heavy}, light {light}");
        // Not sorted by member or by day.
        assert!(d.events.windows(2).any(|w| w[0].member > w[1].member));
        assert!(d.events.windows(2).any(|w| w[0].day > w[1].day));
    }
}
