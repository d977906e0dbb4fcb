//! Look-ups the event readers share: member numbers by uuid in a flat table, and task-and-tool
//! kinds by their raw text, so a row costs one probe and a hash rather than a general map and a
//! slug check.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use teichaku_model::{MemberId, TaskCategory, ToolId};

use crate::fast;
use crate::store::EventStoreBuilder;

/// Member numbers by uuid, in one flat open-addressing table at most half full: a look-up reads
/// one slot (the uuid and the number side by side), so a file of shuffled members costs one
/// cache miss a row, not the two of a general hash map. The hash is fixed (no random seed).
pub(crate) struct MemberTable {
    /// The uuid's high and low halves and the number; [`EMPTY`] in the number marks a free slot.
    slots: Vec<[u64; 3]>,
    mask: usize,
    /// Slots taken.
    len: usize,
}

/// The number word of a free [`MemberTable`] slot.
pub(crate) const EMPTY: u64 = u64::MAX;

/// The most slots a [`MemberTable`] look-up reads. At most half full, a table of ids spread by
/// its hash has runs this long with a chance far below one in a million million; ids made to
/// collide are left to the general path past it, so that no input makes a look-up read the table
/// through (and filling the table take time in the square of its ids).
const MAX_PROBES: usize = 64;

impl Default for MemberTable {
    fn default() -> Self {
        Self::with_slots(16)
    }
}

impl MemberTable {
    pub(crate) fn new(members: impl Iterator<Item = (u128, u32)>) -> Self {
        let members: Vec<(u128, u32)> = members.collect();
        let mut table = Self::with_slots((members.len() * 2).next_power_of_two().max(16));
        for (id, number) in members {
            table.insert(id, number);
        }
        table
    }

    /// An empty table of `size` slots, a power of two.
    fn with_slots(size: usize) -> Self {
        Self { slots: vec![[0, 0, EMPTY]; size], mask: size - 1, len: 0 }
    }

    /// Numbers `id` `number` (a number already given to `id` is replaced), doubling the table
    /// first if it would be more than half full.
    pub(crate) fn insert(&mut self, id: u128, number: u32) {
        if (self.len + 1) * 2 > self.slots.len() {
            let mut bigger = Self::with_slots(self.slots.len() * 2);
            for &[h, l, n] in &self.slots {
                if n != EMPTY {
                    bigger.insert((u128::from(h) << 64) | u128::from(l), n as u32);
                }
            }
            *self = bigger;
        }
        let mut at = self.home(id);
        // An id whose run of taken slots is longer than a look-up reads is left out: it is then
        // found by the general path, and ids made to share a slot cost no more than that.
        for _ in 0..MAX_PROBES {
            let Some(slot) = self.slots.get_mut(at) else { return };
            if slot[2] == EMPTY || (slot[0], slot[1]) == halves(id) {
                self.len += usize::from(slot[2] == EMPTY);
                *slot = [halves(id).0, halves(id).1, u64::from(number)];
                return;
            }
            at = (at + 1) & self.mask;
        }
    }

    #[inline]
    fn home(&self, id: u128) -> usize {
        let (high, low) = halves(id);
        let folded = high ^ low.rotate_left(32);
        ((folded ^ (folded >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize & self.mask
    }

    #[inline]
    pub(crate) fn get(&self, id: u128) -> Option<u32> {
        let (high, low) = halves(id);
        let mut at = self.home(id);
        // At most half the slots are taken, so a free one ends a probe of ids spread by the hash;
        // ids made to share a slot (the hash is fixed, and an input can aim at it) end it after
        // [`MAX_PROBES`] slots, and are then found by the general path.
        for _ in 0..MAX_PROBES {
            let &[h, l, number] = self.slots.get(at)?;
            if number == EMPTY {
                return None;
            }
            if h == high && l == low {
                return u32::try_from(number).ok();
            }
            at = (at + 1) & self.mask;
        }
        None
    }
}

/// The number of the member keyed `text` (trimmed, a uuid or the organisation's own key, such as
/// an employee number), as the general path finds it; `None` when it does not (the general path
/// then says why).
pub(crate) fn member_of_key(text: &str, builder: &EventStoreBuilder, count: u32) -> Option<u32> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let id = MemberId::from_ref(text).ok()?;
    builder.member_number(&id).ok().filter(|&m| m < count)
}

/// Members found by the text a reader's member field holds when it is not a canonical uuid
/// (an employee number, an e-mail address), remembered by those exact bytes: the general path
/// derives the key's id (a SHA-1) and searches a tree for it, once a distinct text here rather
/// than once a row. Only texts that name a member are kept, at most [`MAX_KEYED_MEMBERS`].
#[derive(Default)]
pub(crate) struct KeyedMembers {
    /// Texts of up to [`SHORT_TEXT`] bytes (most employee numbers), as [`packed_text`] numbers
    /// them, in a flat table: a look-up reads one slot, with no text elsewhere to compare.
    short: MemberTable,
    /// Longer texts (e-mail addresses).
    long: HashMap<Box<[u8]>, u32, Fnv>,
}

/// The most texts a [`KeyedMembers`] remembers; past it, other texts are found each time.
pub(crate) const MAX_KEYED_MEMBERS: usize = 1 << 20;

/// The longest text a [`KeyedMembers`] keeps in its flat table.
const SHORT_TEXT: usize = 15;

/// A text of up to [`SHORT_TEXT`] bytes as one number: its bytes in order, then its length in
/// the last byte, so that two texts have the same number exactly when they are equal.
#[inline]
pub(crate) fn packed_text(raw: &[u8]) -> Option<u128> {
    let mut bytes = [0u8; 16];
    bytes.get_mut(..raw.len()).filter(|_| raw.len() <= SHORT_TEXT)?.copy_from_slice(raw);
    if let Some(length) = bytes.last_mut() {
        *length = raw.len() as u8;
    }
    Some(u128::from_le_bytes(bytes))
}

impl KeyedMembers {
    /// A short text as [`KeyedMembers::find`] looks it up, `None` for a longer one.
    #[inline]
    pub(crate) fn packed(raw: &[u8]) -> Option<u128> {
        packed_text(raw)
    }

    /// The member of `text` without finding anything anew: a uuid in `uuids`, a short text if met
    /// before; `None` for the rest, which [`KeyedMembers::get`] then finds.
    #[inline]
    pub(crate) fn find(&self, uuids: &MemberTable, text: MemberText) -> Option<u32> {
        match text {
            MemberText::Uuid(id) => uuids.get(id),
            MemberText::Short(packed) => self.short.get(packed),
            MemberText::Long | MemberText::Unread => None,
        }
    }

    /// The number of the member whose field holds `raw`, as [`member_of_key`] finds it.
    #[inline]
    pub(crate) fn get(&mut self, raw: &[u8], builder: &EventStoreBuilder) -> Option<u32> {
        let packed = packed_text(raw);
        let known = match packed {
            Some(p) => self.short.get(p),
            None => self.long.get(raw).copied(),
        };
        if known.is_some() {
            return known;
        }
        let m = member_of_key(std::str::from_utf8(raw).ok()?, builder, builder.member_count())?;
        if self.short.len + self.long.len() < MAX_KEYED_MEMBERS {
            match packed {
                Some(p) => self.short.insert(p, m),
                None => {
                    self.long.insert(raw.into(), m);
                }
            }
        }
        Some(m)
    }
}

/// What a reader's member field holds, as the look-ups take it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum MemberText {
    /// A canonical uuid.
    Uuid(u128),
    /// A short text (an employee number), as [`KeyedMembers::packed`] numbers it.
    Short(u128),
    /// A longer text (an e-mail address).
    Long,
    /// Nothing the fast path reads: the row goes to the general path.
    Unread,
}

impl MemberText {
    /// What `text` is.
    #[inline]
    pub(crate) fn of(text: &[u8]) -> Self {
        match fast::uuid(text) {
            Some(id) => Self::Uuid(id),
            None => KeyedMembers::packed(text).map_or(Self::Long, Self::Short),
        }
    }
}

/// A uuid's high and low 64 bits.
#[inline]
pub(crate) fn halves(id: u128) -> (u64, u64) {
    ((id >> 64) as u64, id as u64)
}

/// FNV-1a: a fixed hash (no random seed) for the caches of short keys.
pub(crate) struct FnvHasher(u64);

impl Default for FnvHasher {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl FnvHasher {
    #[inline]
    fn byte(&mut self, b: u8) {
        self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
}

impl std::hash::Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.byte(b);
        }
    }
}

/// Hash maps of short keys, by [`FnvHasher`].
pub(crate) type Fnv = BuildHasherDefault<FnvHasher>;

/// Task-and-tool kinds by their raw text, so a row's kind costs a comparison or a hash, not a
/// slug check and a map of owned names.
#[derive(Default)]
pub(crate) struct KindCache {
    /// Scratch: the task's bytes, a 0xff byte (never in UTF-8), the tool's bytes.
    key: Vec<u8>,
    /// Kinds by the top bits of their key's hash, each with that hash and its key: the first
    /// kind met of each slot (most files have a handful of kinds, which then take a slot each).
    slots: Vec<Option<(u64, Vec<u8>, u32)>>,
    /// The kinds met whose slot was taken.
    many: HashMap<Vec<u8>, u32, BuildHasherDefault<std::collections::hash_map::DefaultHasher>>,
}

/// The slots of a [`KindCache`], as a power of two.
pub(crate) const KIND_SLOT_BITS: u32 = 6;

/// The most kinds a [`KindCache`] remembers; past it, kinds are looked up in the builder.
pub(crate) const MAX_CACHED_KINDS: usize = 4096;

/// The hash of a [`KindCache`] key (`task`, a 0xff byte, `tool`), computed from the two texts
/// eight bytes at a time without building the key: a slug is a word or two, so a row's kind
/// costs a few multiplications rather than one a byte. Keys of equal hash are compared byte for
/// byte, so the hash only has to spread the few kinds of a file.
#[inline]
pub(crate) fn kind_hash(task: &[u8], tool: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mix = |hash: u64, word: u64| (hash ^ word).wrapping_mul(K).rotate_left(29);
    let mut hash = ((task.len() as u64) << 32 | tool.len() as u64).wrapping_mul(K);
    for text in [task, tool] {
        let mut words = text.chunks_exact(8);
        for word in words.by_ref() {
            hash = mix(hash, word_at(word, 0));
        }
        // The bytes left, read as whole words that overlap those already read (no copy, so no
        // load waits on a store).
        let n = text.len();
        let tail = match words.remainder().len() {
            0 => 0,
            _ if n >= 8 => word_at(text, n - 8),
            _ if n >= 4 => u64::from(half_at(text, 0)) | u64::from(half_at(text, n - 4)) << 32,
            _ => text.iter().fold(0, |word, &b| word << 8 | u64::from(b)),
        };
        hash = mix(hash, tail);
    }
    hash
}

/// The eight bytes of `text` from `at`, little-endian (0 past its end).
#[inline]
pub(crate) fn word_at(text: &[u8], at: usize) -> u64 {
    text.get(at..at + 8).and_then(|w| w.try_into().ok()).map_or(0, u64::from_le_bytes)
}

/// The four bytes of `text` from `at`, little-endian (0 past its end).
#[inline]
pub(crate) fn half_at(text: &[u8], at: usize) -> u32 {
    text.get(at..at + 4).and_then(|w| w.try_into().ok()).map_or(0, u32::from_le_bytes)
}

impl KindCache {
    /// The kind of raw `task` and `tool` texts in `builder`, each trimmed; `None` when either is
    /// not a slug (the general path then says why).
    #[inline]
    pub(crate) fn kind(&mut self, task: &[u8], tool: &[u8], builder: &mut EventStoreBuilder) -> Option<u32> {
        let hash = kind_hash(task, tool);
        // A key of the same hash is checked byte for byte.
        let is = |key: &[u8]| {
            key.len() == task.len() + 1 + tool.len()
                && key.get(..task.len()).is_some_and(|k| same(k, task))
                && key.get(task.len() + 1..).is_some_and(|k| same(k, tool))
        };
        let slot = (hash >> (u64::BITS - KIND_SLOT_BITS)) as usize;
        if self.slots.is_empty() {
            self.slots.resize(1 << KIND_SLOT_BITS, None);
        }
        if let Some(Some((h, key, kind))) = self.slots.get(slot) {
            if *h == hash && is(key) {
                return Some(*kind);
            }
        }
        self.key.clear();
        self.key.extend_from_slice(task);
        self.key.push(0xff);
        self.key.extend_from_slice(tool);
        if let Some(&kind) = self.many.get(&self.key) {
            return Some(kind);
        }
        let (task, tool) = (trimmed_text(task)?, trimmed_text(tool)?);
        let task = if task.is_empty() { None } else { Some(TaskCategory::new(task).ok()?) };
        let tool = if tool.is_empty() { None } else { Some(ToolId::new(tool).ok()?) };
        let kind = builder.kind_number(task.as_ref(), tool.as_ref());
        if let Some(free @ None) = self.slots.get_mut(slot) {
            *free = Some((hash, self.key.clone(), kind));
        } else if self.many.len() < MAX_CACHED_KINDS {
            self.many.insert(self.key.clone(), kind);
        }
        Some(kind)
    }
}

/// Whether two short byte strings are equal, compared byte by byte in line rather than with a
/// call to `memcmp`.
#[inline]
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// `raw` as trimmed text, if UTF-8.
pub(crate) fn trimmed_text(raw: &[u8]) -> Option<&str> {
    std::str::from_utf8(raw).ok().map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;
    use teichaku_model::{MemberId, UtcOffset};

    fn builder() -> EventStoreBuilder {
        EventStoreBuilder::with_members([(MemberId::from_u128(1), 0)].into(), 1, UtcOffset::UTC)
    }

    /// The cache gives every task and tool the builder's own kind, whatever their length, when
    /// there are more kinds than slots (so slots are shared and the rest go to the map) and when
    /// texts differ only past their first word or only in their blanks.
    #[test]
    fn the_kind_cache_gives_the_builders_kinds() {
        let mut cache = KindCache::default();
        let mut b = builder();
        let mut texts: Vec<String> = (0..300).map(|i| format!("{}{i}", "t".repeat(i % 19))).collect();
        texts.extend(["a", "ab", "abc", "abcd", "abcdefgh", "abcdefgi", "abcdefghi", "abcdefghj"].map(String::from));
        let tools = ["", "x", "tool-12345678"];
        let mut expected = Vec::new();
        for round in 0..2 {
            for (i, task) in texts.iter().enumerate() {
                let tool = tools[i % 3];
                let raw_task = if round == 1 && i % 7 == 0 { format!(" {task} ") } else { task.clone() };
                let kind = cache.kind(raw_task.as_bytes(), tool.as_bytes(), &mut b).unwrap();
                let task = TaskCategory::new(task).unwrap();
                let tool = (!tool.is_empty()).then(|| ToolId::new(tool).unwrap());
                let own = b.kind_number(Some(&task), tool.as_ref());
                assert_eq!(kind, own, "{task:?} {tool:?}");
                if round == 0 {
                    expected.push(kind);
                } else {
                    assert_eq!(Some(&kind), expected.get(i));
                }
            }
        }
        assert!(!cache.many.is_empty(), "some kinds met a taken slot");
        assert_eq!(cache.kind(b"not a slug", b"", &mut b), None);
    }

    /// Every member is found under its uuid and no other uuid finds one, in tables whose probes
    /// run into each other.
    #[test]
    fn the_member_table_finds_each_member_and_nothing_else() {
        for n in [0u32, 1, 7, 100, 5_000] {
            let id = |i: u32| u128::from(i).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835) ^ 0x0190;
            let table = MemberTable::new((0..n).map(|i| (id(i), i * 3)));
            for i in 0..n {
                assert_eq!(table.get(id(i)), Some(i * 3));
            }
            for i in n..n + 200 {
                assert_eq!(table.get(id(i)), None);
            }
        }
    }

    /// A table grown one number at a time, past several doublings, finds every number given
    /// (the last given to an id, when one is given twice) and nothing else, and never fills more
    /// than half its slots.
    #[test]
    fn a_member_table_grows_as_numbers_are_given() {
        let mut table = MemberTable::default();
        for i in 0..3_000u32 {
            table.insert(u128::from(i) << 64 | u128::from(i % 7), i);
            assert!(table.len * 2 <= table.slots.len(), "{} of {} slots", table.len, table.slots.len());
        }
        table.insert(5 << 64 | 5, 99);
        assert_eq!(table.len, 3_000);
        for i in 0..3_000u32 {
            let expected = if i == 5 { 99 } else { i };
            assert_eq!(table.get(u128::from(i) << 64 | u128::from(i % 7)), Some(expected));
            assert_eq!(table.get(u128::from(i) << 64 | u128::from(i % 7 + 7)), None);
        }
    }

    /// Ids made to share one slot (the same `high ^ low.rotate_left(32)`, which is all the hash
    /// reads) are found up to [`MAX_PROBES`] of them and left out past it, so a look-up reads at
    /// most that many slots; ids spread by the hash are all found.
    #[test]
    fn ids_made_to_collide_are_left_out_past_the_longest_probe() {
        let colliding = |i: u64| (u128::from(i) << 64) | u128::from((i ^ 0x5eed).rotate_right(32));
        let table = MemberTable::new((0..1_000u32).map(|i| (colliding(u64::from(i)), i)));
        let homes: std::collections::BTreeSet<usize> = (0..1_000).map(|i| table.home(colliding(i))).collect();
        assert_eq!(homes.len(), 1, "the ids share one slot");
        for i in 0..1_000u32 {
            let expected = (i < MAX_PROBES as u32).then_some(i);
            assert_eq!(table.get(colliding(u64::from(i))), expected, "id {i}");
        }
        assert_eq!(table.get(colliding(5_000)), None);
        assert_eq!(table.len, MAX_PROBES);
    }

    /// Two short texts are numbered alike exactly when they are the same text, trailing zero
    /// bytes and all; longer texts are not numbered.
    #[test]
    fn short_texts_are_numbered_one_to_one() {
        let texts: [&[u8]; 10] =
            [b"", b"\0", b"\0\0", b"E1", b"E1\0", b"E10", b"1E", b"E0123456789ABCD", b"E0123456789ABC\x0f", b"\xff"];
        for a in texts {
            for b in texts {
                assert_eq!(packed_text(a) == packed_text(b), a == b, "{a:?} {b:?}");
            }
        }
        assert_eq!(packed_text(b"E0123456789ABCDE"), None);
    }

    /// The keys finder gives each text the member the general path gives it, from the flat
    /// table for short texts met before and the map for longer ones, and remembers only texts
    /// that name a member.
    #[test]
    fn keyed_members_are_found_as_the_general_path_finds_them() {
        let members = [
            (MemberId::from_u128(1), 0),
            (MemberId::from_key("E001"), 0),
            (MemberId::from_key("ito@example.jp"), 1),
            (MemberId::from_key("an-employee-number-of-many-bytes"), 1),
        ];
        let builder = EventStoreBuilder::with_members(members.into(), 2, UtcOffset::UTC);
        let mut keyed = KeyedMembers::default();
        let texts: [&[u8]; 9] = [
            b"E001",
            b" E001 ",
            b"ito@example.jp",
            b"Ito@Example.JP",
            b"an-employee-number-of-many-bytes",
            b"00000000000000000000000000000001",
            b"E002",
            b"",
            b"\xff",
        ];
        for round in 0..2 {
            for text in texts {
                let general = std::str::from_utf8(text).ok().and_then(|t| member_of_key(t, &builder, 2));
                assert_eq!(keyed.get(text, &builder), general, "{text:?}, round {round}");
                if let Some(packed) = KeyedMembers::packed(text) {
                    let remembered = keyed.find(&MemberTable::default(), MemberText::Short(packed));
                    assert_eq!(remembered, general, "{text:?} is remembered when it names a member");
                }
            }
        }
        assert_eq!((keyed.short.len, keyed.long.len()), (4, 2));
    }
}
