//! The built-in teichaku playbooks, one per method in the source articles, as embedded JSON, and
//! a [`Catalog`] that holds them along with any playbooks the caller adds or overrides.
//!
//! ```
//! use teichaku_playbooks::Catalog;
//! use teichaku_model::{PlaybookCatalog, PlaybookId};
//! let catalog = Catalog::builtin();
//! let sme = catalog.playbook(&PlaybookId::new("sme-five-step")?).expect("built in");
//! assert_eq!(sme.phases.len(), 5);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
// Engine code returns typed errors or documented fallbacks on untrusted input, never panics
// (issue 6); `#[cfg(test)]` code may, through clippy.toml's `allow-*-in-tests`.
#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)]

use std::collections::BTreeMap;

use teichaku_model::{Playbook, PlaybookCatalog, PlaybookId, parse_playbook};

/// The built-in playbooks' ids and JSON texts, in the order they are listed.
pub const BUILTIN_SOURCES: [(&str, &str); 5] = [
    ("sme-five-step", include_str!("../data/sme-five-step.json")),
    ("three-phase-cycle", include_str!("../data/three-phase-cycle.json")),
    ("exec-led-design", include_str!("../data/exec-led-design.json")),
    ("five-step-self-driving", include_str!("../data/five-step-self-driving.json")),
    ("seven-step-motivation", include_str!("../data/seven-step-motivation.json")),
];

/// Playbooks by id: the built-in ones, plus any the caller inserts (which replace a built-in one
/// of the same id).
///
/// ```
/// use teichaku_playbooks::Catalog;
/// let mut catalog = Catalog::builtin();
/// let mut mine = catalog.iter().next().expect("five built in").clone();
/// mine.revision += 1;
/// let replaced = catalog.insert(mine);
/// assert!(replaced.is_some());
/// assert_eq!(catalog.len(), 5);
/// ```
#[derive(Clone, PartialEq, Debug, Default)]
pub struct Catalog {
    playbooks: BTreeMap<PlaybookId, Playbook>,
}

impl Catalog {
    /// A catalog holding the five built-in playbooks.
    ///
    /// Every embedded playbook is parsed by this crate's tests and validated by the test suite
    /// (`tests/it/playbooks.rs`, which also counts them), so all five are always present; one that
    /// did not parse would be left out rather than stop the caller.
    pub fn builtin() -> Self {
        let mut catalog = Self::default();
        for playbook in BUILTIN_SOURCES.iter().filter_map(|(_, json)| parse_playbook(json).ok()) {
            catalog.insert(playbook);
        }
        catalog
    }

    /// Adds a playbook, returning the one it replaces (a built-in one of the same id, say).
    pub fn insert(&mut self, playbook: Playbook) -> Option<Playbook> {
        self.playbooks.insert(playbook.id.clone(), playbook)
    }

    /// The playbooks, sorted by id.
    pub fn iter(&self) -> impl Iterator<Item = &Playbook> {
        self.playbooks.values()
    }

    /// How many playbooks the catalog holds.
    pub fn len(&self) -> usize {
        self.playbooks.len()
    }

    /// Whether the catalog holds none.
    pub fn is_empty(&self) -> bool {
        self.playbooks.is_empty()
    }
}

impl Catalog {
    /// The playbook with the id `id`, such as `sme-five-step`; `None` when the catalog holds none
    /// of that id (or `id` is not a playbook id at all).
    ///
    /// ```
    /// use teichaku_playbooks::Catalog;
    /// let catalog = Catalog::builtin();
    /// assert_eq!(catalog.get("sme-five-step").map(|p| p.phases.len()), Some(5));
    /// assert!(catalog.get("no-such-playbook").is_none());
    /// assert!(catalog.get("Not An Id").is_none());
    /// ```
    pub fn get(&self, id: &str) -> Option<&Playbook> {
        let id = PlaybookId::new(id).ok()?;
        self.playbooks.get(&id)
    }
}

impl PlaybookCatalog for Catalog {
    fn playbook(&self, id: &PlaybookId) -> Option<&Playbook> {
        self.playbooks.get(id)
    }
}

#[cfg(test)]
mod tests;
