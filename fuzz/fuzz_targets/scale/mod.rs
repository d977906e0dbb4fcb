//! Documents shaped for scale, built from a few `arbitrary` choices and a seed: a unit tree that
//! is a deep chain, a wide fan, a k-ary tree or a random tree of up to a few thousand units,
//! members spread over them with roles, a playbook (built in, or generated with long dependency
//! chains over many phases), many waves, and per-unit completions and usage events drawn from the
//! seed. A handful of edits, rarely, break the document in one place (a dangling parent, a unit
//! cycle, a duplicate member, a completion of an unknown activity), which must be refused with a
//! typed error.
//!
//! The choices are few and the bulk is drawn from the seed, so a short input makes a large
//! document and libFuzzer's mutations move the shape (size, depth, width, waves, shares) rather
//! than single records. [`Caps`] bound the sizes: all but one input in 256 make documents of up to
//! `common_units` units, so one execution costs well under a millisecond on average.

#![allow(dead_code, reason = "each target uses the part it needs")]

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use serde_json::{Value, json};

use crate::common::{catalog, day, title};

pub const ROLES: [&str; 5] = ["executive", "promotion_lead", "ambassador", "manager", "staff"];

/// How large a document may grow.
#[derive(Clone, Copy, Debug)]
pub struct Caps {
    /// Units, at most: reached only by the rare input whose `size` is 255 (one in 256), a large
    /// document that meets the limits of depth and width.
    pub units: usize,
    /// Units, at most, of every other input: small documents, so one execution costs well under
    /// a millisecond on average.
    pub common_units: usize,
    /// Members a unit, at most.
    pub members_per_unit: usize,
    /// Usage events in all, at most.
    pub usage: usize,
    /// Activity instances (per-unit activities × waved units, plus the organisation's), at most;
    /// units are left out of the waves to stay under it.
    pub instances: usize,
    /// Activities of a generated playbook, at most.
    pub activities: usize,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Input {
    /// 0: a chain (each unit under the one before), 1: a fan (every unit under the root),
    /// 2: a k-ary tree, 3: a random tree (each unit under a random earlier one).
    pub shape: u8,
    /// Units, scaled to `1..=caps.common_units` (cubically); 255: a large document, from half of
    /// `caps.units` to all of it.
    pub size: u8,
    /// The fan-out of a k-ary tree.
    pub branching: u8,
    /// Members a unit, modulo `caps.members_per_unit + 1`.
    pub members_per_unit: u8,
    /// Roles: the share of managers, ambassadors, executives.
    pub role_mix: u8,
    pub min_group_size: Option<u8>,
    pub playbook: PlaybookIn,
    /// Waves, `1 + waves % 64`.
    pub waves: u8,
    /// The share of units in a wave, out of 255.
    pub waved_share: u8,
    /// The share of instances done, out of 255.
    pub done_share: u8,
    /// Usage events a member, modulo 8.
    pub usage_per_member: u8,
    /// `as_of`, days after the launch (modulo 400).
    pub as_of_days: u16,
    pub seed: u64,
    pub edits: Vec<Edit>,
    /// The order the shuffled copy lists units, members and observations in.
    pub shuffle: u64,
}

#[derive(Arbitrary, Debug, Clone)]
pub enum PlaybookIn {
    /// A built-in playbook, by position in the catalogue.
    Builtin(u8),
    /// A generated one.
    Chain(ChainIn),
}

/// A generated playbook: `length` activities over `phases` phases, each depending on the one
/// before (and every `fan_in`-th on several earlier ones), a share of them per unit, a share
/// recurring, and up to three gate criteria a phase.
#[derive(Arbitrary, Debug, Clone)]
pub struct ChainIn {
    pub length: u8,
    pub phases: u8,
    pub per_unit_share: u8,
    pub fan_in: u8,
    pub recurring: u8,
    pub gate_criteria: u8,
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Edit {
    /// A unit's parent points at no unit.
    DanglingParent(u16),
    /// A unit's parent becomes one of its descendants (a cycle), or itself.
    Cycle(u16, u16),
    /// A member listed twice.
    DuplicateMember(u16),
    /// A completion of an activity the playbook does not have.
    UnknownActivity(u16),
    /// A member moved to another unit.
    Move(u16, u16),
    /// A unit in two waves.
    TwoWaves(u16),
}

/// A small LCG: deterministic, seeded by the input.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A number in `0..n` (`0` for `n == 0`).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() as usize) % n }
    }

    /// True with probability `share / 255`.
    pub fn chance(&mut self, share: u8) -> bool {
        self.below(255) < usize::from(share)
    }
}

pub fn unit_id(i: usize) -> String {
    format!("00000000-0000-0000-0001-{i:012x}")
}

pub fn member_id(i: usize) -> String {
    format!("00000000-0000-0000-0002-{i:012x}")
}

/// What the checks need to know about a generated document besides its JSON.
#[derive(Debug, Clone)]
pub struct Built {
    pub document: Value,
    pub as_of: NaiveDate,
    /// Each unit's parent (by position), `None` for a root or a dangling parent.
    pub parents: Vec<Option<usize>>,
    /// Whether an edit broke the document on purpose.
    pub broken: bool,
}

/// An activity of the playbook, as far as completions need it.
struct Act {
    id: String,
    per_unit: bool,
}

fn generated_playbook(spec: &ChainIn, caps: &Caps, rng: &mut Rng) -> (Value, Vec<Act>) {
    let ChainIn { length, phases, per_unit_share, fan_in, recurring, gate_criteria } = *spec;
    let n = 1 + usize::from(length) % caps.activities;
    let phases_n = 1 + usize::from(phases) % n.min(24);
    let mut acts = Vec::with_capacity(n);
    let activities: Vec<Value> = (0..n)
        .map(|i| {
            // Phases in order along the chain, so a dependency is never on a later phase.
            let phase = i * phases_n / n;
            let per_unit = rng.chance(per_unit_share);
            let mut depends_on = Vec::new();
            if i > 0 {
                depends_on.push(format!("a{}", i - 1));
            }
            if fan_in > 0 && i % (1 + usize::from(fan_in % 8)) == 0 {
                for _ in 0..3 {
                    let d = rng.below(i);
                    let id = format!("a{d}");
                    if i > 0 && !depends_on.contains(&id) {
                        depends_on.push(id);
                    }
                }
            }
            let mut activity = json!({
                "id": format!("a{i}"), "phase": format!("p{phase}"), "title": title("activity"),
                "owner": ROLES[rng.below(ROLES.len())],
                "scope": if per_unit { "per_unit" } else { "organisation" },
                "duration_days": 1 + rng.below(14), "depends_on": depends_on,
            });
            if rng.chance(recurring) {
                activity["recurrence"] = json!({ "every_days": 7 + rng.below(30) });
            }
            if rng.chance(64) {
                activity["timing"] = json!({ "after": "launch", "not_before_days": rng.below(30) });
            }
            acts.push(Act { id: format!("a{i}"), per_unit });
            activity
        })
        .collect();
    let phase_list: Vec<Value> = (0..phases_n)
        .map(|p| {
            let criteria: Vec<Value> = (0..usize::from(gate_criteria % 4))
                .map(|c| {
                    let check = match rng.below(3) {
                        0 => json!({ "kind": "activity_done", "activity": format!("a{}", rng.below(n)) }),
                        1 => json!({
                            "kind": "kpi", "kpi": "weekly_active_rate", "op": "at_least",
                            "threshold": rng.below(100) as f64 / 100.0,
                        }),
                        _ => json!({
                            "kind": "role_present", "role": ROLES[rng.below(ROLES.len())],
                            "min_count": 1, "per_unit": rng.chance(128),
                        }),
                    };
                    json!({
                        "id": format!("c{p}-{c}"), "title": title("criterion"), "weight": 1 + rng.below(3),
                        "mandatory": rng.chance(64), "check": check,
                    })
                })
                .collect();
            json!({ "id": format!("p{p}"), "title": title("phase"), "summary": title(""), "gate": { "criteria": criteria } })
        })
        .collect();
    let playbook = json!({
        "version": 1, "id": "scaled", "revision": 1, "title": title("scaled"), "summary": title(""),
        "phases": phase_list, "activities": activities, "interventions": [],
    });
    (playbook, acts)
}

/// The document `input` describes, within `caps`.
pub fn build(input: &Input, caps: &Caps) -> Built {
    let mut rng = Rng::new(input.seed);
    let base = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap_or_default();
    let launch = base;
    let as_of_offset = i64::from(input.as_of_days % 400);
    let as_of = base.checked_add_days(Days::new(as_of_offset.unsigned_abs())).unwrap_or(base);

    // Cubic in `size` up to `common_units`: half the sizes give under an eighth of it. A `size`
    // of 255 makes a large document, from half the cap to the cap (a chain thousands deep, a fan
    // thousands wide), so the run stays fast and still meets the largest trees.
    let size = usize::from(input.size);
    let n_units = if input.size == u8::MAX && caps.units > caps.common_units {
        caps.units - (input.seed as usize) % (caps.units / 2).max(1)
    } else {
        let common = caps.common_units.clamp(1, caps.units);
        1 + size * size * size * (common - 1) / (255 * 255 * 255)
    };
    let k = 2 + usize::from(input.branching % 15);
    let mut parents: Vec<Option<usize>> = (0..n_units)
        .map(|i| match (i, input.shape % 4) {
            (0, _) => None,
            (_, 0) => Some(i - 1),
            (_, 1) => Some(0),
            (_, 2) => Some((i - 1) / k),
            _ => Some(rng.below(i)),
        })
        .collect();

    // The playbook.
    let (playbook, acts) = match &input.playbook {
        PlaybookIn::Builtin(b) => {
            let list: Vec<_> = catalog().iter().collect();
            let pb = list[usize::from(*b) % list.len()];
            let acts = pb
                .activities
                .iter()
                .map(|a| Act {
                    id: a.id.to_string(),
                    per_unit: matches!(a.scope, teichaku::model::ActivityScope::PerUnit),
                })
                .collect();
            (json!({ "builtin": pb.id.as_str() }), acts)
        }
        PlaybookIn::Chain(spec) => {
            let (pb, acts) = generated_playbook(spec, caps, &mut rng);
            (json!({ "inline": pb }), acts)
        }
    };
    let per_unit_acts = acts.iter().filter(|a| a.per_unit).count().max(1);

    // The rollout units (every unit a wave names, and every leaf in no wave, which form one more
    // wave) times the per-unit activities are the plan's instances: the last units (leaves, as
    // every parent comes earlier) are dropped until the leaves fit, then units join the waves
    // while they fit.
    let room = (caps.instances.saturating_sub(acts.len()) / per_unit_acts).max(1);
    let mut children = vec![0usize; parents.len()];
    for p in parents.iter().flatten() {
        children[*p] += 1;
    }
    let mut leaves = children.iter().filter(|&&c| c == 0).count();
    while leaves > room && parents.len() > 1 {
        if let Some(Some(p)) = parents.pop() {
            children[p] -= 1;
            if children[p] != 0 {
                leaves -= 1;
            }
        } else {
            leaves -= 1;
        }
        children.pop();
    }
    let n_units = parents.len();
    let mut rollout = leaves;
    let waved: Vec<usize> = (0..n_units)
        .filter(|&u| {
            if !rng.chance(input.waved_share) {
                return false;
            }
            if children[u] == 0 {
                return true;
            }
            rollout += 1;
            rollout <= room
        })
        .collect();
    let wave_n = (1 + usize::from(input.waves % 64)).min(waved.len().max(1));
    let mut waves: Vec<Vec<usize>> = vec![Vec::new(); wave_n];
    for (j, &u) in waved.iter().enumerate() {
        waves[j * wave_n / waved.len().max(1)].push(u);
    }
    // Per-unit instances: in every waved unit and every leaf in no wave.
    let rollout_units: Vec<usize> =
        (0..n_units).filter(|&u| children[u] == 0 || waved.binary_search(&u).is_ok()).collect();

    // Members.
    let per_unit = usize::from(input.members_per_unit) % (caps.members_per_unit + 1);
    let mut members: Vec<Value> = Vec::new();
    let mut member_units = Vec::new();
    for u in 0..n_units {
        let count = if u == 0 { per_unit.max(1) } else { per_unit.min(rng.below(per_unit + 1) + per_unit / 2) };
        for _ in 0..count {
            let i = members.len();
            let mut roles = vec!["staff"];
            let mix = input.role_mix;
            if rng.chance(mix / 2) {
                roles = vec!["manager"];
            }
            if rng.chance(mix / 3) {
                roles.push("ambassador");
            }
            if (u == 0 && i == 0) || rng.chance(mix / 16) {
                roles.push("executive");
            }
            if u == 0 && i == 0 {
                roles.push("promotion_lead");
            }
            let joined = day(launch, -(rng.below(2000) as i64));
            let mut member = json!({ "id": member_id(i), "unit": unit_id(u), "roles": roles, "joined": joined });
            if rng.chance(12) {
                member["left"] = json!(day(launch, rng.below(400) as i64));
            }
            if rng.chance(128) {
                member["literacy"] = json!(["beginner", "intermediate", "advanced"][rng.below(3)]);
            }
            members.push(member);
            member_units.push(u);
        }
    }

    // Usage events.
    let mut usage = Vec::new();
    let per_member = usize::from(input.usage_per_member % 8);
    'members: for i in 0..members.len() {
        for _ in 0..rng.below(per_member + 1) {
            if usage.len() >= caps.usage {
                break 'members;
            }
            let d = day(launch, rng.below(as_of_offset.unsigned_abs() as usize + 14) as i64 - 7);
            let at = format!("{d}T{:02}:{:02}:00+09:00", rng.below(24), rng.below(60));
            usage.push(json!({ "member": member_id(i), "at": at, "minutes": 1 + rng.below(60) }));
        }
    }

    // Completions: each instance (the organisation's activities once, the per-unit ones in each
    // rollout unit) done with the given share, on a day up to `as_of`.
    let mut completions = Vec::new();
    let done_day = |rng: &mut Rng| day(launch, rng.below(as_of_offset.unsigned_abs() as usize + 1) as i64);
    for a in &acts {
        if a.per_unit {
            for &u in &rollout_units {
                if rng.chance(input.done_share) {
                    completions.push(json!({ "activity": a.id, "unit": unit_id(u), "date": done_day(&mut rng) }));
                }
            }
        } else if rng.chance(input.done_share) {
            completions.push(json!({ "activity": a.id, "date": done_day(&mut rng) }));
        }
    }

    // Edits, rarely: each breaks one thing.
    let mut broken = false;
    let mut wave_extra: Option<usize> = None;
    for e in input.edits.iter().take(2) {
        match *e {
            Edit::DanglingParent(u) => {
                let u = usize::from(u) % n_units;
                parents[u] = Some(n_units + 7);
                broken = true;
            }
            Edit::Cycle(a, b) => {
                // `b` under `a` where `a` is `b` or below it.
                let b = usize::from(b) % n_units;
                let mut a = usize::from(a) % n_units;
                let mut x = Some(a);
                let mut below = false;
                // At most one step a unit: an earlier edit may have made a cycle already.
                for _ in 0..=parents.len() {
                    let Some(p) = x else { break };
                    if p == b {
                        below = true;
                        break;
                    }
                    x = parents.get(p).copied().flatten();
                }
                if !below {
                    a = b;
                }
                parents[b] = Some(a);
                broken = true;
            }
            Edit::DuplicateMember(m) if !members.is_empty() => {
                let m = usize::from(m) % members.len();
                members.push(members[m].clone());
                broken = true;
            }
            Edit::UnknownActivity(d) => {
                completions.push(json!({ "activity": format!("nope{d}"), "date": day(launch, 0) }));
                broken = true;
            }
            Edit::Move(m, u) if !members.is_empty() => {
                let m = usize::from(m) % members.len();
                members[m]["unit"] = json!(unit_id(usize::from(u) % n_units));
            }
            // Broken once it is in the last wave too (below).
            Edit::TwoWaves(u) if wave_n >= 2 && !waved.is_empty() => {
                wave_extra = Some(waved[usize::from(u) % waved.len()]);
            }
            _ => {}
        }
    }

    let units: Vec<Value> = parents
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut unit = json!({ "id": unit_id(i), "name": format!("unit {i}") });
            if let Some(p) = p {
                unit["parent"] = json!(unit_id(*p));
            }
            unit
        })
        .collect();
    let mut wave_list: Vec<Value> =
        waves.iter().map(|w| json!({ "units": w.iter().map(|&u| unit_id(u)).collect::<Vec<_>>() })).collect();
    if let (Some(u), Some(list)) = (wave_extra, wave_list.last_mut().and_then(|w| w["units"].as_array_mut())) {
        let id = json!(unit_id(u));
        if !list.contains(&id) {
            list.push(id);
            broken = true;
        }
    }
    let mut playbook = playbook;
    if let (Some(m), Some(inline)) = (input.min_group_size, playbook.get_mut("inline")) {
        inline["metrics"] = json!({ "min_group_size": 1 + m % 8 });
    }
    let document = json!({
        "version": 1,
        "organisation": {
            "name": "Scale K.K.", "utc_offset": "+09:00", "launch_date": launch.to_string(),
            "deployment_pattern": "hybrid", "units": units, "members": members, "waves": wave_list,
        },
        "playbook": playbook,
        "observations": { "usage": usage, "completions": completions },
    });
    let parents = parents.into_iter().map(|p| p.filter(|&p| p < n_units)).collect();
    Built { document, as_of, parents, broken }
}

/// The lists of the document whose order means nothing: members and observations.
pub const UNORDERED: [(&str, &str); 4] = [
    ("organisation", "members"),
    ("observations", "usage"),
    ("observations", "completions"),
    ("observations", "trainings"),
];

/// The lists whose order means something: units (the order of the scopes in the reports, and
/// the tie-break of complementary suppression, "fewest members, then first in the unit list")
/// and each wave's units.
pub const ORDERED: [(&str, &str); 1] = [("organisation", "units")];

/// The document with the lists `which` names listed in another order (a Fisher–Yates shuffle
/// driven by `seed`); with `waves`, each wave's units too.
pub fn shuffled(document: &Value, seed: u64, which: &[(&str, &str)], waves: bool) -> Value {
    let mut doc = document.clone();
    let mut rng = Rng::new(seed);
    let mut shuffle = |items: &mut Vec<Value>| {
        for i in (1..items.len()).rev() {
            items.swap(i, rng.below(i + 1));
        }
    };
    // `get_mut`, not indexing: indexing a missing key would add it as `null`.
    for (object, key) in which {
        if let Some(items) = doc.get_mut(*object).and_then(|o| o.get_mut(*key)).and_then(Value::as_array_mut) {
            shuffle(items);
        }
    }
    if !waves {
        return doc;
    }
    if let Some(waves) = doc.get_mut("organisation").and_then(|o| o.get_mut("waves")).and_then(Value::as_array_mut) {
        for w in waves {
            if let Some(items) = w.get_mut("units").and_then(Value::as_array_mut) {
                shuffle(items);
            }
        }
    }
    doc
}

/// Counts how many of each thing a document has, for `FUZZ_STATS`.
pub fn sizes(document: &Value) -> BTreeMap<&'static str, usize> {
    let len = |v: &Value| v.as_array().map_or(0, Vec::len);
    BTreeMap::from([
        ("units", len(&document["organisation"]["units"])),
        ("members", len(&document["organisation"]["members"])),
        ("waves", len(&document["organisation"]["waves"])),
        ("usage", len(&document["observations"]["usage"])),
        ("completions", len(&document["observations"]["completions"])),
    ])
}
