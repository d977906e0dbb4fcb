//! Positions (役職) to roles: a small default table the organisation may extend or override.

use std::collections::BTreeSet;

use teichaku_model::Role;

/// The default table, in the order it is searched: a position is matched first exactly, then
/// by the first entry it contains (`営業部長` contains `部長`), executives before managers. A
/// position matching nothing, or an empty one, is `staff`.
///
/// ```
/// let table = teichaku_import::RoleTable::default();
/// use teichaku_model::Role;
/// assert_eq!(table.roles_of("取締役営業部長"), [Role::Executive].into());
/// assert_eq!(table.roles_of("営業課長"), [Role::Manager].into());
/// assert_eq!(table.roles_of("主任"), [Role::Staff].into());
/// ```
pub const DEFAULT_POSITIONS: [(&str, Role); 22] = [
    ("代表取締役", Role::Executive),
    ("社長", Role::Executive),
    ("会長", Role::Executive),
    ("取締役", Role::Executive),
    ("執行役員", Role::Executive),
    ("役員", Role::Executive),
    ("CEO", Role::Executive),
    ("executive", Role::Executive),
    ("本部長", Role::Manager),
    ("部長", Role::Manager),
    ("次長", Role::Manager),
    ("課長", Role::Manager),
    ("室長", Role::Manager),
    ("所長", Role::Manager),
    ("支店長", Role::Manager),
    ("工場長", Role::Manager),
    ("センター長", Role::Manager),
    ("マネージャー", Role::Manager),
    ("マネジャー", Role::Manager),
    ("manager", Role::Manager),
    ("推進担当", Role::PromotionLead),
    ("アンバサダー", Role::Ambassador),
];

/// How positions map to roles: the organisation's own entries first, then
/// [`DEFAULT_POSITIONS`]. English entries are compared without regard to ASCII case.
///
/// ```
/// use teichaku_import::RoleTable;
/// use teichaku_model::Role;
/// let table = RoleTable::with_csv("役職,ロール\n主任,manager\n部長,manager;ambassador\n")?;
/// assert_eq!(table.roles_of("主任"), [Role::Manager].into());
/// assert_eq!(table.roles_of("部長"), [Role::Manager, Role::Ambassador].into());
/// assert_eq!(table.roles_of("社長"), [Role::Executive].into());
/// # Ok::<(), teichaku_import::RoleTableError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleTable {
    entries: Vec<(String, BTreeSet<Role>)>,
}

impl Default for RoleTable {
    fn default() -> Self {
        Self { entries: DEFAULT_POSITIONS.iter().map(|(p, r)| ((*p).to_owned(), BTreeSet::from([*r]))).collect() }
    }
}

/// A role table that cannot be read.
///
/// ```
/// let e = teichaku_import::RoleTable::with_csv("役職,ロール\n部長,boss\n").unwrap_err();
/// assert_eq!(e.to_string(), "role table line 2: `boss` is not a role: executive, promotion_lead, ambassador, manager or staff");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("role table line {line}: {problem}")]
pub struct RoleTableError {
    /// The line, from 1 (the header is line 1).
    pub line: u64,
    /// What is wrong with it.
    pub problem: String,
}

impl RoleTable {
    /// The default table with the entries of a CSV put first: a header row (`position,roles` or
    /// `役職,ロール`), then one position per row with its roles separated by `;`.
    ///
    /// # Errors
    ///
    /// [`RoleTableError`] for a row without two fields or naming an unknown role.
    pub fn with_csv(text: &str) -> Result<Self, RoleTableError> {
        let text = text.trim_start_matches('\u{feff}');
        let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes());
        let mut own = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| RoleTableError {
                line: e.position().map_or(0, csv::Position::line),
                problem: e.to_string(),
            })?;
            let line = record.position().map_or(0, csv::Position::line);
            let (Some(position), Some(roles)) = (record.get(0), record.get(1)) else {
                return Err(RoleTableError { line, problem: "a row is a position and its roles".into() });
            };
            let position = position.trim();
            if position.is_empty() {
                continue;
            }
            let roles = roles
                .split([';', '|', '、'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|name| {
                    Role::ALL.into_iter().find(|r| r.as_str() == name).ok_or_else(|| RoleTableError {
                        line,
                        problem: format!(
                            "`{name}` is not a role: executive, promotion_lead, ambassador, manager or staff"
                        ),
                    })
                })
                .collect::<Result<BTreeSet<Role>, _>>()?;
            own.push((position.to_owned(), roles));
        }
        let mut table = Self::default();
        own.append(&mut table.entries);
        table.entries = own;
        Ok(table)
    }

    /// The roles of a position: those of the first entry equal to it, else of the first entry
    /// it contains, else `staff`.
    pub fn roles_of(&self, position: &str) -> BTreeSet<Role> {
        let position = position.trim();
        let lower = position.to_ascii_lowercase();
        let same = |entry: &str| entry == position || entry.to_ascii_lowercase() == lower;
        let within = |entry: &str| !entry.is_empty() && lower.contains(&entry.to_ascii_lowercase());
        self.entries
            .iter()
            .find(|(entry, _)| same(entry))
            .or_else(|| self.entries.iter().find(|(entry, _)| within(entry)))
            .map(|(_, roles)| roles.clone())
            .filter(|roles| !roles.is_empty())
            .unwrap_or_else(|| BTreeSet::from([Role::Staff]))
    }
}
