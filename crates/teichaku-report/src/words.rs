//! The words of the reports, in English and Japanese.

use teichaku::metrics::Level;
use teichaku::model::{Lang, Role, ScoreComponentKind};

/// The English or the Japanese text, by `lang`.
pub(crate) fn t(lang: Lang, en: &'static str, ja: &'static str) -> &'static str {
    match lang {
        Lang::Ja => ja,
        _ => en,
    }
}

/// The one word for a figure withheld to protect a small group.
pub(crate) fn withheld(lang: Lang) -> &'static str {
    t(lang, "withheld", "非表示")
}

/// The one word for a figure the usage data is too coarse to give.
pub(crate) fn not_measurable(lang: Lang) -> &'static str {
    t(lang, "not measurable", "測定不可")
}

/// The one word for a figure with nothing to measure (an empty group, no record yet).
pub(crate) fn undefined(lang: Lang) -> &'static str {
    t(lang, "no data", "データなし")
}

/// A role's name.
pub(crate) fn role(r: Role, lang: Lang) -> &'static str {
    match r {
        Role::Executive => t(lang, "executive", "経営層"),
        Role::PromotionLead => t(lang, "promotion lead", "AI推進担当"),
        Role::Ambassador => t(lang, "ambassador", "アンバサダー"),
        Role::Manager => t(lang, "manager", "管理職"),
        _ => t(lang, "staff", "現場"),
    }
}

/// A level's name.
pub(crate) fn level(l: Level, lang: Lang) -> &'static str {
    match l {
        Level::Installed => t(lang, "installed", "導入のみ"),
        Level::Trial => t(lang, "trial", "試行"),
        Level::Spreading => t(lang, "spreading", "拡大中"),
        Level::Retained => t(lang, "retained", "定着"),
        _ => t(lang, "self-driving", "自走"),
    }
}

/// A score component's name; a component this build does not know by name is shown by its
/// name in documents, its underscores as spaces.
pub(crate) fn component(c: ScoreComponentKind, lang: Lang) -> String {
    let known = match c {
        ScoreComponentKind::HabitRate => Some(t(lang, "Daily habit", "習慣化率")),
        ScoreComponentKind::WeeklyActiveRate => Some(t(lang, "Weekly use", "週次利用率")),
        ScoreComponentKind::ReturningRate => Some(t(lang, "Returning users", "継続利用率")),
        ScoreComponentKind::ExecutiveCommitment => Some(t(lang, "Executive commitment", "経営層のコミットメント")),
        ScoreComponentKind::ConsultationEnvironment => Some(t(lang, "A place to ask", "相談できる環境")),
        ScoreComponentKind::KnowledgeSharing => Some(t(lang, "Success cases shared", "成功事例の共有")),
        ScoreComponentKind::RuleHygiene => Some(t(lang, "Rules kept fresh", "ルールの見直し")),
        // The list of components may grow.
        _ => None,
    };
    known.map_or_else(
        || serde_json::to_value(c).ok().and_then(|v| v.as_str().map(|s| s.replace('_', " "))).unwrap_or_default(),
        str::to_owned,
    )
}

/// A wave's name, numbered from 1 (the pilot is wave 1), as every report numbers them.
pub(crate) fn wave(index: usize, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("第{}波", index + 1),
        _ => format!("wave {}", index + 1),
    }
}
