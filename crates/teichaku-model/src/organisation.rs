//! The organisation: its unit tree, its members and its rollout plan.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{KpiTarget, MemberId, OutcomeKpi, OutcomeTarget, TaskCategory, ToolId, UnitId, UtcOffset};

/// A company: a tree of units, its members, and how AI is being rolled out to them.
///
/// ```
/// use teichaku_model::Organisation;
/// let org: Organisation = serde_json::from_str(r#"{
///   "name": "Example Ltd",
///   "utc_offset": "+09:00",
///   "launch_date": "2026-04-01",
///   "deployment_pattern": "hybrid",
///   "units": [{ "id": "00000000-0000-0000-0000-000000000001", "name": "Sales" }],
///   "members": [],
///   "waves": []
/// }"#)?;
/// assert_eq!(org.units.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Members and units may be given by the organisation's own keys instead of uuids (an employee
/// number or e-mail address, a department code); their ids are then derived from the keys, and
/// every reference may name them by key:
///
/// ```
/// use teichaku_model::{MemberId, Organisation, UnitId};
/// let org: Organisation = serde_json::from_str(r#"{
///   "name": "Example Ltd", "utc_offset": "+09:00", "launch_date": "2026-04-01",
///   "deployment_pattern": "hybrid",
///   "units": [{ "code": "S", "name": "Sales" }],
///   "members": [{ "key": "E001", "email": "sato@example.jp", "unit": "S", "roles": ["staff"], "joined": "2020-04-01" }]
/// }"#)?;
/// assert_eq!(org.members[0].id, MemberId::from_key("E001"));
/// assert_eq!(org.members[0].unit, UnitId::from_key("S"));
/// assert_eq!(org.keys.member(org.members[0].id).and_then(|k| k.key.as_deref()), Some("E001"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "OrganisationRecord", into = "OrganisationRecord")]
#[non_exhaustive]
pub struct Organisation {
    /// The organisation's name, shown in reports.
    pub name: String,
    /// The fixed offset from UTC in which local days are counted.
    pub utc_offset: UtcOffset,
    /// The day the AI tools became available to staff; "days after launch" count from here.
    #[serde(deserialize_with = "crate::time::day::deserialize")]
    pub launch_date: NaiveDate,
    /// How the rollout is driven.
    pub deployment_pattern: DeploymentPattern,
    /// The units, in any order; roots have no parent.
    pub units: Vec<Unit>,
    /// Everyone who belongs or belonged to the organisation.
    pub members: Vec<Member>,
    /// The rollout plan: units in the order they take up AI, the pilot wave first.
    /// Units in no wave are rolled out after the last wave.
    #[serde(default)]
    pub waves: Vec<Wave>,
    /// Minutes a task took before AI, used to estimate time saved when an event carries none.
    #[serde(default)]
    pub task_baselines: Vec<TaskBaseline>,
    /// The cost of one hour of staff time, used to put a money value on time saved.
    #[serde(default)]
    pub hourly_rate: Option<HourlyRate>,
    /// Dated changes to members' facts (transfers, role appointments and removals, literacy and
    /// age band), each taking effect on its day: a member's facts on a day are those of their
    /// record with every change dated on or before that day applied ([`crate::ValidSnapshot::on`]).
    #[serde(default)]
    pub changes: Vec<MemberChange>,
    /// New AI tools made available after launch, each from its day: the trainings held before
    /// a tool came are held again for the members who get it (the next cycle of the method).
    #[serde(default)]
    pub tools: Vec<NewTool>,
    /// The organisation's own outcome KPIs, beside the playbook's: business measures it records
    /// itself. An id the playbook declares too is refused ([`crate::ValidationError::OutcomeDeclaredTwice`]).
    pub outcomes: Vec<OutcomeKpi>,
    /// The organisation's own KPI targets, judged beside the playbook's.
    pub kpi_targets: Vec<KpiTarget>,
    /// The organisation's own outcome targets, judged beside the playbook's.
    pub outcome_targets: Vec<OutcomeTarget>,
    /// The organisation's own keys of its members and units (in a document, the `key`, `email`
    /// and `code` fields of each record).
    pub keys: OrganisationKeys,
}

/// The organisation's own keys of its members and units: what a document, an event file or a
/// facts file may name them by instead of their uuids.
///
/// ```
/// use teichaku_model::{MemberId, MemberKeys, OrganisationKeys};
/// let keys = OrganisationKeys {
///     members: vec![MemberKeys { member: MemberId::from_u128(7), key: Some("E007".into()), email: Some("Ito@example.jp".into()) }],
///     units: vec![],
/// };
/// let aliases = keys.member_aliases();
/// assert_eq!(aliases.get(&MemberId::from_key("ito@EXAMPLE.jp")), Some(&MemberId::from_u128(7)));
/// assert_eq!(aliases.get(&MemberId::from_key("E007")), Some(&MemberId::from_u128(7)));
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct OrganisationKeys {
    /// The keys of the members that have any, in the order of the members.
    pub members: Vec<MemberKeys>,
    /// The codes of the units that have one, in the order of the units.
    pub units: Vec<UnitKeys>,
}

/// A member's own keys.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct MemberKeys {
    /// The member they name.
    pub member: MemberId,
    /// The organisation's key of the member, such as an employee number; compared exactly
    /// (ASCII case-insensitively when it holds `@`).
    pub key: Option<String>,
    /// The member's e-mail address or UPN; compared ASCII case-insensitively.
    pub email: Option<String>,
}

impl MemberKeys {
    /// The text reports name the member by: its key, else its e-mail address.
    ///
    /// ```
    /// use teichaku_model::{MemberId, MemberKeys};
    /// let keys = MemberKeys { member: MemberId::from_u128(7), key: None, email: Some("ito@example.jp".into()) };
    /// assert_eq!(keys.label(), Some("ito@example.jp"));
    /// ```
    pub fn label(&self) -> Option<&str> {
        self.key.as_deref().or(self.email.as_deref())
    }
}

/// The keys of an organisation's members and the codes of its units by id, made once by
/// [`OrganisationKeys::index`] for many look-ups.
///
/// ```
/// use teichaku_model::{MemberId, MemberKeys, OrganisationKeys};
/// let keys = OrganisationKeys {
///     members: vec![MemberKeys { member: MemberId::from_u128(7), key: Some("E007".into()), email: None }],
///     units: vec![],
/// };
/// assert_eq!(keys.index().member(MemberId::from_u128(7)).and_then(|k| k.key.as_deref()), Some("E007"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct KeysIndex<'a> {
    members: BTreeMap<MemberId, &'a MemberKeys>,
    units: BTreeMap<UnitId, &'a str>,
}

impl<'a> KeysIndex<'a> {
    /// The keys of `member`, if it has any, as [`OrganisationKeys::member`] finds them.
    ///
    /// ```
    /// # use teichaku_model::{MemberId, OrganisationKeys};
    /// assert!(OrganisationKeys::default().index().member(MemberId::from_u128(7)).is_none());
    /// ```
    pub fn member(&self, member: MemberId) -> Option<&'a MemberKeys> {
        self.members.get(&member).copied()
    }

    /// The text reports name `member` by, as [`OrganisationKeys::label`] gives it.
    ///
    /// ```
    /// # use teichaku_model::{MemberId, OrganisationKeys};
    /// assert_eq!(OrganisationKeys::default().index().label(MemberId::from_u128(7)), None);
    /// ```
    pub fn label(&self, member: MemberId) -> Option<&'a str> {
        self.member(member).and_then(MemberKeys::label)
    }

    /// The code of `unit`, as [`OrganisationKeys::unit_code`] gives it.
    ///
    /// ```
    /// # use teichaku_model::{OrganisationKeys, UnitId};
    /// assert_eq!(OrganisationKeys::default().index().unit_code(UnitId::from_u128(1)), None);
    /// ```
    pub fn unit_code(&self, unit: UnitId) -> Option<&'a str> {
        self.units.get(&unit).copied()
    }
}

/// A unit's own code.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct UnitKeys {
    /// The unit it names.
    pub unit: UnitId,
    /// The organisation's code of the unit, such as `本社/営業部`; compared exactly.
    pub code: String,
}

impl OrganisationKeys {
    /// Whether no member or unit has a key.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty() && self.units.is_empty()
    }

    /// The keys of `member`, if it has any (the first entry for it). This reads the list
    /// through: for the keys of many members, make an [`OrganisationKeys::index`] once.
    pub fn member(&self, member: MemberId) -> Option<&MemberKeys> {
        self.members.iter().find(|k| k.member == member)
    }

    /// The text reports name `member` by: its key, else its e-mail address, else `None` (the
    /// uuid is then shown). This reads the list through: for many members, use
    /// [`KeysIndex::label`].
    pub fn label(&self, member: MemberId) -> Option<&str> {
        self.member(member).and_then(MemberKeys::label)
    }

    /// The code of `unit`, if it has one. This reads the list through: for many units, use
    /// [`KeysIndex::unit_code`].
    pub fn unit_code(&self, unit: UnitId) -> Option<&str> {
        self.units.iter().find(|k| k.unit == unit).map(|k| k.code.as_str())
    }

    /// The keys by member and the codes by unit, for many look-ups: each then costs a search of
    /// a tree rather than a reading of the lists, so naming every member of a large organisation
    /// takes time in proportion to its size, not to its square. An index answers as the lists
    /// do: where an id appears twice, its first entry.
    ///
    /// ```
    /// use teichaku_model::{MemberId, MemberKeys, OrganisationKeys, UnitId, UnitKeys};
    /// let member = |n: u128, key: &str| MemberKeys { member: MemberId::from_u128(n), key: Some(key.into()), email: None };
    /// let keys = OrganisationKeys {
    ///     members: vec![member(7, "E007"), member(8, "E008"), member(7, "E107")],
    ///     units: vec![UnitKeys { unit: UnitId::from_u128(1), code: "本社/営業部".into() }],
    /// };
    /// let index = keys.index();
    /// assert_eq!(index.label(MemberId::from_u128(7)), Some("E007"));
    /// assert_eq!(index.label(MemberId::from_u128(9)), None);
    /// assert_eq!(index.unit_code(UnitId::from_u128(1)), Some("本社/営業部"));
    /// for n in 0..10 {
    ///     assert_eq!(index.label(MemberId::from_u128(n)), keys.label(MemberId::from_u128(n)));
    /// }
    /// ```
    pub fn index(&self) -> KeysIndex<'_> {
        let mut members = BTreeMap::new();
        for k in &self.members {
            members.entry(k.member).or_insert(k);
        }
        let mut units = BTreeMap::new();
        for k in &self.units {
            units.entry(k.unit).or_insert(k.code.as_str());
        }
        KeysIndex { members, units }
    }

    /// Each id a reference by key may arrive as ([`MemberId::from_key`] of a key or e-mail
    /// address) that is not the member's own id, with the member's id; the first member
    /// holding a key wins (duplicates are a validation error).
    pub fn member_aliases(&self) -> BTreeMap<MemberId, MemberId> {
        let mut aliases = BTreeMap::new();
        for k in &self.members {
            for text in k.key.iter().chain(&k.email) {
                let alias = MemberId::from_key(text);
                if alias != k.member {
                    aliases.entry(alias).or_insert(k.member);
                }
            }
        }
        aliases
    }

    /// As [`Self::member_aliases`], for units and their codes.
    pub fn unit_aliases(&self) -> BTreeMap<UnitId, UnitId> {
        let mut aliases = BTreeMap::new();
        for k in &self.units {
            let alias = UnitId::from_key(&k.code);
            if alias != k.unit {
                aliases.entry(alias).or_insert(k.unit);
            }
        }
        aliases
    }
}

/// An organisation as a document writes it: members and units carry their keys, and their ids
/// may be left out when a key gives them.
#[derive(Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Organisation")]
struct OrganisationRecord {
    /// The organisation's name, shown in reports.
    name: String,
    /// The fixed offset from UTC in which local days are counted.
    utc_offset: UtcOffset,
    /// The day the AI tools became available to staff; "days after launch" count from here.
    #[serde(deserialize_with = "crate::time::day::deserialize")]
    launch_date: NaiveDate,
    /// How the rollout is driven.
    deployment_pattern: DeploymentPattern,
    /// The units, in any order; roots have no parent.
    units: Vec<UnitRecord>,
    /// Everyone who belongs or belonged to the organisation.
    members: Vec<MemberRecord>,
    /// The rollout plan: units in the order they take up AI, the pilot wave first.
    /// Units in no wave are rolled out after the last wave.
    #[serde(default)]
    waves: Vec<Wave>,
    /// Minutes a task took before AI, used to estimate time saved when an event carries none.
    #[serde(default)]
    task_baselines: Vec<TaskBaseline>,
    /// The cost of one hour of staff time, used to put a money value on time saved.
    #[serde(default)]
    hourly_rate: Option<HourlyRate>,
    /// Dated changes to members' facts: transfers, role appointments and removals, literacy
    /// and age band, each from its day on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    changes: Vec<MemberChange>,
    /// New AI tools made available after launch, each from its day.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tools: Vec<NewTool>,
    /// The organisation's own outcome KPIs, beside the playbook's (ids unique across both).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    outcomes: Vec<OutcomeKpi>,
    /// The organisation's own KPI targets, judged beside the playbook's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    kpi_targets: Vec<KpiTarget>,
    /// The organisation's own outcome targets, judged beside the playbook's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    outcome_targets: Vec<OutcomeTarget>,
}

/// A unit as a document writes it.
#[derive(Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Unit")]
struct UnitRecord {
    /// The unit's id, a uuid; may be left out when `code` is given (it is then derived from
    /// the code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<uuid::Uuid>")]
    id: Option<String>,
    /// The organisation's code of the unit, such as `本社/営業部`: references may name the unit
    /// by it. Compared exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    /// The unit's name.
    name: String,
    /// The unit this one belongs to (its id or code); `None` for a root.
    #[serde(default)]
    parent: Option<UnitId>,
}

/// A member as a document writes it.
#[derive(Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Member")]
struct MemberRecord {
    /// The member's id, a uuid; may be left out when `key` or `email` is given (it is then
    /// derived from the key, or else from the e-mail address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<uuid::Uuid>")]
    id: Option<String>,
    /// The organisation's key of the member, such as an employee number: references may name
    /// the member by it. Compared exactly (ASCII case-insensitively when it holds `@`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    /// The member's e-mail address or UPN: references may name the member by it. Compared ASCII
    /// case-insensitively.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    /// A display name; reports identify members by key or id, so it may be left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    /// The unit the member works in (its id or code).
    unit: UnitId,
    /// The roles the member holds in the rollout; a member may hold several.
    roles: BTreeSet<Role>,
    /// The member's generation, which decides the training track.
    #[serde(default)]
    age_band: Option<AgeBand>,
    /// The member's AI literacy, which decides the prompt-template level.
    #[serde(default)]
    literacy: Option<LiteracyTier>,
    /// The first day the member counts in headcount.
    #[serde(deserialize_with = "crate::time::day::deserialize")]
    joined: NaiveDate,
    /// The first day the member no longer counts, if they have left.
    #[serde(default, deserialize_with = "crate::time::day::deserialize_option")]
    left: Option<NaiveDate>,
}

/// The uuid in the `id` of a record, or a message naming the record and the expected form.
fn parse_id<T: std::str::FromStr>(text: &str, kind: &str, record: &str, key_field: &str) -> Result<T, String> {
    text.parse().map_err(|_| {
        format!(
            "`id` of {record}: `{}` is not a uuid: put the {kind}'s own key in `{key_field}` and leave `id` out",
            text.chars().take(64).collect::<String>()
        )
    })
}

/// A key given in a document that cannot be used.
fn check_key_text(what: &str, record: &str, text: &str) -> Result<(), String> {
    crate::id::check_key(text).map_err(|e| format!("{record}: `{what}`: {e}"))
}

impl TryFrom<OrganisationRecord> for Organisation {
    type Error = String;

    fn try_from(r: OrganisationRecord) -> Result<Self, String> {
        let mut keys = OrganisationKeys::default();
        let mut units = Vec::with_capacity(r.units.len());
        for (index, u) in r.units.into_iter().enumerate() {
            let record = format!("unit #{} `{}`", index + 1, u.name);
            let id = match (u.id, &u.code) {
                (Some(id), _) => parse_id(&id, "unit", &record, "code")?,
                (None, Some(code)) => {
                    check_key_text("code", &record, code)?;
                    UnitId::from_key(code)
                }
                (None, None) => {
                    return Err(format!("{record} has neither `id` nor `code`: give a uuid or the unit's own code"));
                }
            };
            if let Some(code) = u.code {
                check_key_text("code", &record, &code)?;
                keys.units.push(UnitKeys { unit: id, code });
            }
            units.push(Unit { id, name: u.name, parent: u.parent });
        }
        let mut members = Vec::with_capacity(r.members.len());
        for (index, m) in r.members.into_iter().enumerate() {
            let record =
                format!("member #{}{}", index + 1, m.name.as_ref().map(|n| format!(" `{n}`")).unwrap_or_default());
            for (what, text) in [("key", &m.key), ("email", &m.email)] {
                if let Some(text) = text {
                    check_key_text(what, &record, text)?;
                }
            }
            let id = match (m.id, m.key.as_deref().or(m.email.as_deref())) {
                (Some(id), _) => parse_id(&id, "member", &record, "key")?,
                (None, Some(key)) => MemberId::from_key(key),
                (None, None) => {
                    return Err(format!(
                        "{record} has none of `id`, `key` and `email`: give a uuid or the member's own key"
                    ));
                }
            };
            if m.key.is_some() || m.email.is_some() {
                keys.members.push(MemberKeys { member: id, key: m.key, email: m.email });
            }
            members.push(Member {
                id,
                name: m.name,
                unit: m.unit,
                roles: m.roles,
                age_band: m.age_band,
                literacy: m.literacy,
                joined: m.joined,
                left: m.left,
            });
        }
        Ok(Organisation {
            name: r.name,
            utc_offset: r.utc_offset,
            launch_date: r.launch_date,
            deployment_pattern: r.deployment_pattern,
            units,
            members,
            waves: r.waves,
            task_baselines: r.task_baselines,
            hourly_rate: r.hourly_rate,
            changes: r.changes,
            tools: r.tools,
            outcomes: r.outcomes,
            kpi_targets: r.kpi_targets,
            outcome_targets: r.outcome_targets,
            keys,
        })
    }
}

impl From<Organisation> for OrganisationRecord {
    fn from(o: Organisation) -> Self {
        let member_keys: BTreeMap<MemberId, &MemberKeys> = o.keys.members.iter().rev().map(|k| (k.member, k)).collect();
        let unit_codes: BTreeMap<UnitId, &str> = o.keys.units.iter().rev().map(|k| (k.unit, k.code.as_str())).collect();
        let units = o
            .units
            .into_iter()
            .map(|u| {
                let code = unit_codes.get(&u.id).map(|c| (*c).to_owned());
                // An id the code gives is left out, as it was in the document.
                let id = Some(u.id).filter(|id| code.as_deref().is_none_or(|c| UnitId::from_key(c) != *id));
                UnitRecord { id: id.map(|id| id.to_string()), code, name: u.name, parent: u.parent }
            })
            .collect();
        let members = o
            .members
            .into_iter()
            .map(|m| {
                let keys = member_keys.get(&m.id);
                let key = keys.and_then(|k| k.key.clone());
                let email = keys.and_then(|k| k.email.clone());
                let derived = key.as_deref().or(email.as_deref()).map(MemberId::from_key);
                let id = Some(m.id).filter(|id| derived != Some(*id)).map(|id| id.to_string());
                MemberRecord {
                    id,
                    key,
                    email,
                    name: m.name,
                    unit: m.unit,
                    roles: m.roles,
                    age_band: m.age_band,
                    literacy: m.literacy,
                    joined: m.joined,
                    left: m.left,
                }
            })
            .collect();
        OrganisationRecord {
            name: o.name,
            utc_offset: o.utc_offset,
            launch_date: o.launch_date,
            deployment_pattern: o.deployment_pattern,
            units,
            members,
            waves: o.waves,
            task_baselines: o.task_baselines,
            hourly_rate: o.hourly_rate,
            changes: o.changes,
            tools: o.tools,
            outcomes: o.outcomes,
            kpi_targets: o.kpi_targets,
            outcome_targets: o.outcome_targets,
        }
    }
}

/// A new AI tool made available after launch: from `available_from`, the trainings held before
/// it are held again for the members who get it (everyone, or the members of `units` and the
/// units under them) and have no training record from that day on. The seeds' cycle repeats for
/// new hires and for new tools (「新しいAIツールが出れば再評価も必要」).
///
/// ```
/// use teichaku_model::NewTool;
/// let tool: NewTool = serde_json::from_str(r#"{ "tool": "meeting-notes-ai", "available_from": "2027-01-11" }"#)?;
/// assert_eq!(tool.tool.as_str(), "meeting-notes-ai");
/// assert!(tool.units.is_empty(), "everyone gets it");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct NewTool {
    /// The tool, as usage events name it, such as `meeting-notes-ai`.
    pub tool: ToolId,
    /// The first day members can use it; not before the organisation's launch.
    #[serde(deserialize_with = "crate::time::day::deserialize")]
    pub available_from: NaiveDate,
    /// The units whose members get it, each with the units under it; everyone when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<UnitId>,
}

/// A department or team.
///
/// ```
/// use teichaku_model::{Unit, UnitId};
/// let team = Unit::new(UnitId::from_u128(2), "Inside sales").under(UnitId::from_u128(1));
/// assert!(team.parent.is_some());
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Unit {
    /// The unit's id.
    pub id: UnitId,
    /// The unit's name.
    pub name: String,
    /// The unit this one belongs to; `None` for a root.
    #[serde(default)]
    pub parent: Option<UnitId>,
}

/// A person in the organisation.
///
/// ```
/// use teichaku_model::{AgeBand, LiteracyTier, Member, MemberId, Role, UnitId};
/// let m = Member::new(MemberId::from_u128(7), UnitId::from_u128(1), "2020-04-01".parse()?)
///     .with_role(Role::Staff)
///     .with_role(Role::Ambassador)
///     .with_age_band(AgeBand::Age40s50s)
///     .with_literacy(LiteracyTier::Beginner);
/// assert!(m.has_role(Role::Ambassador));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Member {
    /// The member's id.
    pub id: MemberId,
    /// A display name; reports identify members by id, so it may be left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The unit the member works in.
    pub unit: UnitId,
    /// The roles the member holds in the rollout; a member may hold several.
    pub roles: BTreeSet<Role>,
    /// The member's generation, which decides the training track.
    #[serde(default)]
    pub age_band: Option<AgeBand>,
    /// The member's AI literacy, which decides the prompt-template level.
    #[serde(default)]
    pub literacy: Option<LiteracyTier>,
    /// The first day the member counts in headcount.
    #[serde(deserialize_with = "crate::time::day::deserialize")]
    pub joined: NaiveDate,
    /// The first day the member no longer counts, if they have left.
    #[serde(default, deserialize_with = "crate::time::day::deserialize_option")]
    pub left: Option<NaiveDate>,
}

impl Member {
    /// Whether the member holds `role`.
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Whether the member counts in headcount on `day`: joined on or before it and not yet left.
    ///
    /// ```
    /// # use teichaku_model::{Member, MemberId, UnitId};
    /// let m = Member::new(MemberId::from_u128(1), UnitId::from_u128(1), "2026-04-01".parse()?)
    ///     .left_on("2026-05-01".parse()?);
    /// assert!(m.is_present_on("2026-04-30".parse()?));
    /// assert!(!m.is_present_on("2026-05-01".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_present_on(&self, day: NaiveDate) -> bool {
        self.joined <= day && self.left.is_none_or(|left| day < left)
    }
}

/// A dated change to one member's facts: from `on` (inclusive) the member works in `unit`, holds
/// `add_roles` besides and no longer holds `remove_roles`, and has `literacy` and `age_band`;
/// a field left out leaves that fact as it was.
///
/// A change reads as the member's record does (same field names), so a transfer row of an HR
/// export is `member, on, unit` and an appointment `member, on, add_roles`:
///
/// ```
/// use teichaku_model::{MemberChange, MemberId, Role, UnitId};
/// let change: MemberChange = serde_json::from_str(
///     r#"{ "member": "E007", "on": "2026-10-01", "unit": "S2", "add_roles": ["ambassador"] }"#,
/// )?;
/// assert_eq!(change.member, MemberId::from_key("E007"));
/// assert_eq!(change.unit, Some(UnitId::from_key("S2")));
/// assert!(change.add_roles.contains(&Role::Ambassador));
/// let built = MemberChange::new(MemberId::from_key("E007"), "2026-10-01".parse()?)
///     .with_unit(UnitId::from_key("S2"))
///     .with_added_role(Role::Ambassador);
/// assert_eq!(built, change);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MemberChange {
    /// The member whose facts change (their id, key or e-mail address).
    pub member: MemberId,
    /// The first day the change holds.
    #[serde(deserialize_with = "crate::time::day::deserialize")]
    pub on: NaiveDate,
    /// The unit the member works in from `on` (its id or code): a transfer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitId>,
    /// Roles the member holds from `on`: appointments. Each must not be held the day before.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub add_roles: BTreeSet<Role>,
    /// Roles the member no longer holds from `on`. Each must be held the day before.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub remove_roles: BTreeSet<Role>,
    /// The member's AI literacy from `on`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub literacy: Option<LiteracyTier>,
    /// The member's generation from `on`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_band: Option<AgeBand>,
}

impl MemberChange {
    /// A change of `member` from `on` that changes nothing yet; the `with_*` methods say what.
    ///
    /// ```
    /// use teichaku_model::{LiteracyTier, MemberChange, MemberId};
    /// let c = MemberChange::new(MemberId::from_key("E001"), "2026-07-01".parse()?).with_literacy(LiteracyTier::Advanced);
    /// assert_eq!(c.literacy, Some(LiteracyTier::Advanced));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(member: MemberId, on: NaiveDate) -> Self {
        Self {
            member,
            on,
            unit: None,
            add_roles: BTreeSet::new(),
            remove_roles: BTreeSet::new(),
            literacy: None,
            age_band: None,
        }
    }

    /// With the member transferred to `unit`.
    #[must_use]
    pub fn with_unit(mut self, unit: UnitId) -> Self {
        self.unit = Some(unit);
        self
    }

    /// With the member appointed to `role`.
    #[must_use]
    pub fn with_added_role(mut self, role: Role) -> Self {
        self.add_roles.insert(role);
        self
    }

    /// With the member removed from `role`.
    #[must_use]
    pub fn with_removed_role(mut self, role: Role) -> Self {
        self.remove_roles.insert(role);
        self
    }

    /// With the member's literacy now `literacy`.
    #[must_use]
    pub fn with_literacy(mut self, literacy: LiteracyTier) -> Self {
        self.literacy = Some(literacy);
        self
    }

    /// With the member's age band now `age_band`.
    #[must_use]
    pub fn with_age_band(mut self, age_band: AgeBand) -> Self {
        self.age_band = Some(age_band);
        self
    }

    /// Whether the change changes nothing (a validation error in a document).
    ///
    /// ```
    /// use teichaku_model::{MemberChange, MemberId};
    /// assert!(MemberChange::new(MemberId::from_u128(1), "2026-07-01".parse()?).is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.unit.is_none()
            && self.add_roles.is_empty()
            && self.remove_roles.is_empty()
            && self.literacy.is_none()
            && self.age_band.is_none()
    }

    /// Applies the change to `member`'s facts: the unit, roles, literacy and age band it names.
    ///
    /// ```
    /// use teichaku_model::{Member, MemberChange, MemberId, Role, UnitId};
    /// let day = "2026-04-01".parse()?;
    /// let mut m = Member::new(MemberId::from_u128(1), UnitId::from_u128(1), day).with_role(Role::Staff);
    /// MemberChange::new(m.id, day).with_unit(UnitId::from_u128(2)).with_added_role(Role::Ambassador).apply_to(&mut m);
    /// assert_eq!(m.unit, UnitId::from_u128(2));
    /// assert!(m.has_role(Role::Ambassador) && m.has_role(Role::Staff));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply_to(&self, member: &mut Member) {
        if let Some(unit) = self.unit {
            member.unit = unit;
        }
        for role in &self.remove_roles {
            member.roles.remove(role);
        }
        member.roles.extend(self.add_roles.iter().copied());
        if let Some(literacy) = self.literacy {
            member.literacy = Some(literacy);
        }
        if let Some(age_band) = self.age_band {
            member.age_band = Some(age_band);
        }
    }
}

/// A member's role in the rollout.
///
/// ```
/// use teichaku_model::Role;
/// assert_eq!(serde_json::to_string(&Role::PromotionLead)?, "\"promotion_lead\"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Role {
    /// Sets the aim, funds it and uses AI where staff can see it (経営層).
    Executive,
    /// Owns the rollout, with the authority to change how work is done (AI推進担当).
    PromotionLead,
    /// The first person to ask inside a unit (アンバサダー).
    Ambassador,
    /// Gives feedback and holds appraisal interviews (管理職).
    Manager,
    /// Everyone else doing the unit's work (現場).
    Staff,
}

impl Role {
    /// Every role, in order.
    pub const ALL: [Role; 5] = [Role::Executive, Role::PromotionLead, Role::Ambassador, Role::Manager, Role::Staff];

    /// The role's name in documents, such as `promotion_lead`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Executive => "executive",
            Role::PromotionLead => "promotion_lead",
            Role::Ambassador => "ambassador",
            Role::Manager => "manager",
            Role::Staff => "staff",
        }
    }
}

/// A member's generation; training is tailored to it.
///
/// ```
/// use teichaku_model::AgeBand;
/// assert_eq!(serde_json::to_string(&AgeBand::Age60Plus)?, "\"60_plus\"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub enum AgeBand {
    /// 20s and 30s: practice-heavy training.
    #[serde(rename = "20s_30s")]
    Age20s30s,
    /// 40s and 50s: training tied directly to their own work.
    #[serde(rename = "40s_50s")]
    Age40s50s,
    /// 60 and over: basics first, at their own pace.
    #[serde(rename = "60_plus")]
    Age60Plus,
}

/// A member's AI literacy, matched to the level of prompt templates they get.
///
/// ```
/// use teichaku_model::LiteracyTier;
/// assert!(LiteracyTier::Beginner < LiteracyTier::Advanced);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LiteracyTier {
    /// Fill-in-the-blank templates.
    Beginner,
    /// Task-specific flows.
    Intermediate,
    /// Free-form use.
    Advanced,
}

/// How the rollout is driven.
///
/// ```
/// use teichaku_model::DeploymentPattern;
/// assert_eq!(serde_json::from_str::<DeploymentPattern>("\"hybrid\"")?, DeploymentPattern::Hybrid);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DeploymentPattern {
    /// The executives mandate it for everyone at once.
    TopDown,
    /// Enthusiasts in the field start and it spreads from them.
    BottomUp,
    /// An executive mandate plus one pilot unit first: usually the best choice for small and
    /// mid-size firms.
    Hybrid,
}

/// One wave of the rollout plan: units that start together.
///
/// ```
/// use teichaku_model::{UnitId, Wave};
/// let pilot = Wave::new([UnitId::from_u128(1)]).named("pilot");
/// assert_eq!(pilot.units.len(), 1);
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Wave {
    /// A name for the wave, such as `pilot`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The units of the wave; each unit is in at most one wave.
    pub units: Vec<UnitId>,
}

/// How long a task took before AI, in minutes: the baseline for estimating time saved.
///
/// ```
/// use teichaku_model::{TaskBaseline, TaskCategory};
/// let b = TaskBaseline { task: TaskCategory::new("minutes")?, minutes: 45.0 };
/// assert_eq!(b.minutes, 45.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskBaseline {
    /// The task category.
    pub task: TaskCategory,
    /// Minutes the task took without AI; finite and not negative.
    pub minutes: f64,
}

/// The cost of one hour of staff time, in a currency the caller names.
///
/// ```
/// use teichaku_model::HourlyRate;
/// let rate = HourlyRate { amount: 4000.0, currency: "JPY".into() };
/// assert_eq!(rate.currency, "JPY");
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HourlyRate {
    /// The amount per hour; finite and not negative.
    pub amount: f64,
    /// An ISO 4217 code such as `JPY`, shown beside money values.
    pub currency: String,
}
