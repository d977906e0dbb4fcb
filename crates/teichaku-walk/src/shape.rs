//! The organisations walked: one unit of 12, five units in three waves, forty units in six waves.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use teichaku::model::{
    AgeBand, DeploymentPattern, LiteracyTier, Member, MemberId, NewTool, Organisation, Role, ToolId, Unit, UnitId,
    UtcOffset, Wave,
};

/// The day every walk launches (a Monday).
pub const LAUNCH: NaiveDate = match NaiveDate::from_ymd_opt(2026, 4, 6) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// The shape of a walked organisation.
///
/// Every unit has a manager (its first member) and an ambassador-to-be (its second member, a
/// staff member in their 20s or 30s with advanced literacy, who becomes the unit's ambassador
/// when the walk appoints one); nobody is an ambassador at launch. Member `k` of unit `u` (from 0)
/// is in age band `k mod 3` and literacy tier `(k div 3 + u) mod 3`, so the organisation holds
/// every combination. Everyone joined a year before launch, except one new hire per unit on day
/// [`HIRED_ON_DAY`]; nobody leaves. A new AI tool, [`NEW_TOOL`], comes for everyone on day
/// [`NEW_TOOL_ON_DAY`]. In the shapes with waves, the first unit of the last wave is where
/// enthusiasts started on their own ([`Shape::enthusiasts`]): use already rises there before
/// the rollout reaches it.
///
/// ```
/// use teichaku_walk::Shape;
/// assert_eq!(Shape::FiveUnits.headcount(), 52);
/// assert_eq!(Shape::FortyUnits.waves().len(), 6);
/// assert_eq!(Shape::FiveUnits.enthusiasts(), Some(4));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[non_exhaustive]
pub enum Shape {
    /// One unit of 12: the executive, the manager, the ambassador-to-be and the promotion lead in it.
    OneUnit,
    /// 52 members in 5 units (12, 10, 10, 10, 10) and 3 waves: the pilot, then two units, then two.
    FiveUnits,
    /// 320 members in 40 units of 8 and 6 waves of 2, 4, 6, 8, 10 and 10 units.
    FortyUnits,
}

impl Shape {
    /// Every shape, smallest first.
    pub const ALL: [Shape; 3] = [Shape::OneUnit, Shape::FiveUnits, Shape::FortyUnits];

    /// The shape's name in walk names: `one-unit`, `five-units`, `forty-units`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Shape::OneUnit => "one-unit",
            Shape::FiveUnits => "five-units",
            Shape::FortyUnits => "forty-units",
        }
    }

    /// The headcount of each unit, in unit order.
    pub fn unit_sizes(self) -> Vec<usize> {
        match self {
            Shape::OneUnit => vec![12],
            Shape::FiveUnits => vec![12, 10, 10, 10, 10],
            Shape::FortyUnits => vec![8; 40],
        }
    }

    /// How many units each wave holds, the pilot first.
    pub fn waves(self) -> Vec<usize> {
        match self {
            Shape::OneUnit => vec![1],
            Shape::FiveUnits => vec![1, 2, 2],
            Shape::FortyUnits => vec![2, 4, 6, 8, 10, 10],
        }
    }

    /// The unit (counted from 1) where enthusiasts started on their own: the first unit of the
    /// last wave, in the shapes with more than one wave. Its members use AI on at least
    /// [`ENTHUSIAST_PROPENSITY`](crate::ENTHUSIAST_PROPENSITY) of working days from launch, so its
    /// weekly-active rate stands far above the 20 % at which a bottom-up rollout takes it first.
    ///
    /// ```
    /// use teichaku_walk::Shape;
    /// assert_eq!(Shape::OneUnit.enthusiasts(), None);
    /// assert_eq!(Shape::FortyUnits.enthusiasts(), Some(31));
    /// ```
    pub fn enthusiasts(self) -> Option<usize> {
        let waves = self.waves();
        let last = waves.last().copied().filter(|_| waves.len() > 1)?;
        Some(waves.iter().sum::<usize>() - last + 1)
    }

    /// The organisation's headcount at launch; one new hire per unit joins on day
    /// [`HIRED_ON_DAY`].
    pub fn headcount(self) -> usize {
        self.unit_sizes().iter().sum()
    }
}

/// The id of unit `n` (counted from 1).
pub(crate) fn unit_id(n: usize) -> UnitId {
    UnitId::from_u128(0x5555_0000 + n as u128)
}

/// The id of member `n` (counted from 1, in organisation order).
pub(crate) fn member_id(n: usize) -> MemberId {
    MemberId::from_u128(0x7777_0000 + n as u128)
}

/// Positions (in the member list) of the people the walk gives a role to later.
#[derive(Clone, Debug, Default)]
pub(crate) struct Cast {
    /// Each unit's ambassador-to-be, by unit position.
    pub(crate) ambassadors_to_be: Vec<usize>,
    /// The promotion lead, appointed from the start or to be.
    pub(crate) lead: usize,
    /// Each unit's members, by unit position.
    pub(crate) unit_members: Vec<Vec<usize>>,
}

/// Builds the organisation of `shape` following `pattern`; the promotion lead holds the role from
/// launch unless `lead_appointed_later` (the playbook has an activity appointing one).
/// The day after launch on which each unit gains a new hire (26 weeks: the seeds' cycle of 3–6
/// months comes round).
pub const HIRED_ON_DAY: u64 = 182;

/// The day after launch on which a new AI tool comes for everyone (39 weeks: a quarter after the
/// new hires, so the year holds the next cycle for new members and for a new tool).
pub const NEW_TOOL_ON_DAY: u64 = 273;

/// The new tool's name.
pub const NEW_TOOL: &str = "meeting-notes-ai";

pub(crate) fn organisation(
    shape: Shape,
    pattern: DeploymentPattern,
    lead_appointed_later: bool,
) -> (Organisation, Cast) {
    const AGES: [AgeBand; 3] = [AgeBand::Age20s30s, AgeBand::Age40s50s, AgeBand::Age60Plus];
    const TIERS: [LiteracyTier; 3] = [LiteracyTier::Beginner, LiteracyTier::Intermediate, LiteracyTier::Advanced];
    let sizes = shape.unit_sizes();
    let last_unit = sizes.len();
    let joined = LAUNCH.checked_sub_days(Days::new(365)).unwrap_or(LAUNCH);
    let mut members = Vec::new();
    let mut cast = Cast::default();
    for (u, &size) in sizes.iter().enumerate() {
        let unit = u + 1;
        let mut here = Vec::new();
        for k in 0..size {
            let position = members.len();
            let mut roles = BTreeSet::new();
            let (mut age, mut literacy) = (AGES[k % 3], TIERS[(k / 3 + u) % 3]);
            match k {
                0 => {
                    roles.insert(Role::Manager);
                }
                1 => {
                    roles.insert(Role::Staff);
                    (age, literacy) = (AgeBand::Age20s30s, LiteracyTier::Advanced);
                    cast.ambassadors_to_be.push(position);
                }
                _ => {
                    roles.insert(Role::Staff);
                }
            }
            // The executives: the pilot unit's third member and, in larger shapes, the last
            // unit's third and fourth (the management unit rolled out last).
            let executive = (unit == 1 && k == 2) || (unit == last_unit && last_unit > 1 && (k == 2 || k == 3));
            if executive {
                roles = BTreeSet::from([Role::Executive]);
                age = AgeBand::Age40s50s;
            }
            // The promotion lead: the pilot unit's fourth member.
            if unit == 1 && k == 3 {
                cast.lead = position;
                if !lead_appointed_later {
                    roles.insert(Role::PromotionLead);
                }
            }
            let mut member =
                Member::new(member_id(position + 1), unit_id(unit), joined).with_age_band(age).with_literacy(literacy);
            member.roles = roles;
            members.push(member);
            here.push(position);
        }
        cast.unit_members.push(here);
    }
    // The next cycle's new hires: one beginner in their 20s or 30s joins each unit on day
    // `HIRED_ON_DAY`, after every unit's training; listed last, so the members before keep their
    // positions (and their draws).
    let hired = LAUNCH.checked_add_days(Days::new(HIRED_ON_DAY)).unwrap_or(LAUNCH);
    for unit in 1..=sizes.len() {
        let hire = Member::new(member_id(members.len() + 1), unit_id(unit), hired)
            .with_role(Role::Staff)
            .with_age_band(AgeBand::Age20s30s)
            .with_literacy(LiteracyTier::Beginner);
        members.push(hire);
    }
    let units = (1..=sizes.len()).map(|n| Unit::new(unit_id(n), format!("Unit {n}"))).collect();
    let mut next = 1;
    let waves = shape
        .waves()
        .into_iter()
        .enumerate()
        .map(|(w, count)| {
            let units = (next..next + count).map(unit_id);
            next += count;
            Wave::new(units).named(if w == 0 { "pilot".into() } else { format!("wave {w}") })
        })
        .collect();
    let mut organisation =
        Organisation::new(format!("Walk {}", shape.as_str()), UtcOffset::UTC, LAUNCH).with_deployment_pattern(pattern);
    organisation.units = units;
    organisation.members = members;
    organisation.waves = waves;
    let tool_day = LAUNCH.checked_add_days(Days::new(NEW_TOOL_ON_DAY)).unwrap_or(LAUNCH);
    if let Ok(tool) = ToolId::new(NEW_TOOL) {
        organisation.tools.push(NewTool::new(tool, tool_day));
    }
    (organisation, cast)
}
