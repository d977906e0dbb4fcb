//! The organisation: its unit tree, its members and its rollout plan.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{MemberId, TaskCategory, UnitId, UtcOffset};

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
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
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
}

/// A department or team.
///
/// ```
/// use teichaku_model::{Unit, UnitId};
/// let team = Unit { id: UnitId::from_u128(2), name: "Inside sales".into(), parent: Some(UnitId::from_u128(1)) };
/// assert!(team.parent.is_some());
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
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
/// use std::collections::BTreeSet;
/// use teichaku_model::{AgeBand, LiteracyTier, Member, MemberId, Role, UnitId};
/// let m = Member {
///     id: MemberId::from_u128(7),
///     name: None,
///     unit: UnitId::from_u128(1),
///     roles: BTreeSet::from([Role::Staff, Role::Ambassador]),
///     age_band: Some(AgeBand::Age40s50s),
///     literacy: Some(LiteracyTier::Beginner),
///     joined: "2020-04-01".parse()?,
///     left: None,
/// };
/// assert!(m.has_role(Role::Ambassador));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
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
    /// # use std::collections::BTreeSet;
    /// # use teichaku_model::{Member, MemberId, UnitId};
    /// let m = Member {
    ///     id: MemberId::from_u128(1), name: None, unit: UnitId::from_u128(1),
    ///     roles: BTreeSet::new(), age_band: None, literacy: None,
    ///     joined: "2026-04-01".parse()?, left: Some("2026-05-01".parse()?),
    /// };
    /// assert!(m.is_present_on("2026-04-30".parse()?));
    /// assert!(!m.is_present_on("2026-05-01".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_present_on(&self, day: NaiveDate) -> bool {
        self.joined <= day && self.left.is_none_or(|left| day < left)
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
/// let pilot = Wave { name: Some("pilot".into()), units: vec![UnitId::from_u128(1)] };
/// assert_eq!(pilot.units.len(), 1);
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
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
