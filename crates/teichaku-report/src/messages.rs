//! Error messages in the reader's language: every error a user of the command line or the
//! Python binding sees, in English (its `Display`) or Japanese.
//!
//! The Japanese messages count rows and positions from 1 ("3件目", "4行目"), name records by the
//! id, key or name the error holds, and keep ids, keys, field names and values in backticks as
//! they are written in the input. An error type that may grow (`#[non_exhaustive]`) falls back to
//! its English `Display` for a variant this module does not know yet; the unit tests list every
//! current variant, so a new one is noticed.

use std::fmt::Write as _;

use teichaku::metrics::{EventError, KpiError, LineError, PartialError, StoreError, StreamError};
use teichaku::model::{
    DocumentError, KeyHolder, Lang, Limit, NumberProblem, Record, ValidationError, ValidationErrors,
};
use teichaku::rules::{
    BatchPartialError, BuiltinError, EvaluationError, FactName, Location, ReportError, RubricError, RubricErrors,
    ValueKind,
};
use teichaku::{CompletionNameError, LoadError, OutcomeFileError, SimulateError, UsageBadLine};
use teichaku_import::{BadRow, ImportError, RoleTableError, VendorBadLine, VendorError, VendorLineError};

/// An error that can say what is wrong in the reader's language.
///
/// `message(Lang::En)` is the error's `Display`; `message(Lang::Ja)` the same in Japanese, rows
/// and positions counted from 1.
///
/// ```
/// use teichaku::model::{Lang, MemberId, Record, UnitId, ValidationError};
/// use teichaku_report::Message;
/// let e = ValidationError::UnknownUnit {
///     record: Record::Member { index: 0, id: MemberId::from_u128(1), key: None, name: None },
///     unit: UnitId::from_u128(9),
/// };
/// assert_eq!(e.message(Lang::En), e.to_string());
/// assert_eq!(
///     e.message(Lang::Ja),
///     "1件目のメンバー `00000000-0000-0000-0000-000000000001`が存在しない部署 `00000000-0000-0000-0000-000000000009`を指しています",
/// );
/// ```
pub trait Message {
    /// What is wrong, in `lang`.
    fn message(&self, lang: Lang) -> String;
}

/// Whether `lang` is Japanese (the one language besides English).
fn ja(lang: Lang) -> bool {
    matches!(lang, Lang::Ja)
}

/// `n` counted from 1.
fn nth(index: usize) -> usize {
    index.saturating_add(1)
}

impl Message for Record {
    /// ```
    /// use teichaku::model::{Lang, Record};
    /// use teichaku_report::Message;
    /// assert_eq!(Record::Wave { index: 0 }.message(Lang::Ja), "1番目のウェーブ");
    /// assert_eq!(Record::Wave { index: 0 }.message(Lang::En), "wave #0");
    /// ```
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        match self {
            Record::Document => "文書".to_owned(),
            Record::Organisation => "組織".to_owned(),
            Record::Unit { index, id, code, name } => {
                format!("{}件目の部署 {}", nth(*index), named(code.as_deref(), id, name.as_deref()))
            }
            Record::Member { index, id, key, name } => {
                format!("{}件目のメンバー {}", nth(*index), named(key.as_deref(), id, name.as_deref()))
            }
            Record::Wave { index } => format!("{}番目のウェーブ", nth(*index)),
            Record::TaskBaseline { index, task } => format!("{}件目の業務の基準値 `{task}`", nth(*index)),
            Record::HourlyRate => "時間単価".to_owned(),
            Record::Playbook { id } => format!("プレイブック `{id}`"),
            Record::Phase { index, id } => format!("{}番目のフェーズ `{id}`", nth(*index)),
            Record::Criterion { phase, index, id } => {
                format!("フェーズ `{phase}`の{}番目の基準 `{id}`", nth(*index))
            }
            Record::Activity { index, id } => format!("{}件目の活動 `{id}`", nth(*index)),
            Record::KpiTarget { index } => format!("{}件目のKPI目標", nth(*index)),
            Record::Intervention { index, id } => format!("{}件目の介入 `{id}`", nth(*index)),
            Record::ScoreComponent { index } => format!("{}番目のスコア要素", nth(*index)),
            Record::AbsoluteCondition { index, id } => format!("{}番目の絶対条件 `{id}`", nth(*index)),
            Record::ScoringModel => "スコアの算出方法".to_owned(),
            Record::MetricSettings => "指標の設定".to_owned(),
            Record::Urgency => "緊急度の係数".to_owned(),
            Record::PlaybookTaskBaseline { index, task } => {
                format!("プレイブックの{}件目の業務の基準値 `{task}`", nth(*index))
            }
            Record::Observations => "観測データ".to_owned(),
            Record::Completion { index, activity } => format!("{}件目の完了記録（活動 `{activity}`）", nth(*index)),
            Record::UsageEvent { index, member } => format!("{}件目の利用イベント（メンバー `{member}`）", nth(*index)),
            Record::Training { index, member } => format!("{}件目の研修記録（メンバー `{member}`）", nth(*index)),
            Record::Survey { index, id } => format!("{}件目のアンケート回答 `{id}`", nth(*index)),
            Record::Proposal { index, id } => format!("{}件目の提案 `{id}`", nth(*index)),
            Record::Consultation { index, id } => format!("{}件目の相談 `{id}`", nth(*index)),
            Record::Incident { index, id } => format!("{}件目のインシデント `{id}`", nth(*index)),
            Record::RuleReview { index, id } => format!("{}件目のルール見直し `{id}`", nth(*index)),
            Record::SuccessCase { index, id } => format!("{}件目の成功事例 `{id}`", nth(*index)),
            Record::OutcomeKpi { index, id } => format!("{}件目の成果KPI `{id}`", nth(*index)),
            Record::OutcomeTarget { index, outcome } => format!("{}件目の成果目標（`{outcome}`）", nth(*index)),
            Record::OrganisationOutcomeKpi { index, id } => format!("組織の{}件目の成果KPI `{id}`", nth(*index)),
            Record::OrganisationKpiTarget { index } => format!("組織の{}件目のKPI目標", nth(*index)),
            Record::OrganisationOutcomeTarget { index, outcome } => {
                format!("組織の{}件目の成果目標（`{outcome}`）", nth(*index))
            }
            Record::Outcome { index, outcome } => format!("{}件目の成果記録（`{outcome}`）", nth(*index)),
            Record::OutcomeRow { row, outcome } => format!("成果ファイルの{row}行目（`{outcome}`）"),
            Record::Change { number, member, key, name } => {
                let mut text = match key {
                    Some(key) => format!("メンバー `{key}`"),
                    None => format!("メンバー `{member}`"),
                };
                if let Some(name) = name {
                    let _ = write!(text, "（{name}）");
                }
                let _ = write!(text, "の{number}件目の変更");
                text
            }
            Record::Tool { index, tool } => format!("{}件目の新しいツール `{tool}`", nth(*index)),
            other => other.to_string(),
        }
    }
}

/// A member or unit as a Japanese message names it: its key (else its id) in backticks, then its
/// name in parentheses.
fn named(key: Option<&str>, id: &dyn std::fmt::Display, name: Option<&str>) -> String {
    let mut text = match key {
        Some(key) => format!("`{key}`"),
        None => format!("`{id}`"),
    };
    if let Some(name) = name {
        let _ = write!(text, "（{name}）");
    }
    text
}

impl Message for KeyHolder {
    /// ```
    /// use teichaku::model::{KeyHolder, Lang};
    /// use teichaku_report::Message;
    /// let h = KeyHolder { index: 3, key: Some("E004".into()), name: Some("佐藤 花子".into()) };
    /// assert_eq!(h.message(Lang::Ja), "4件目 `E004`（佐藤 花子）");
    /// ```
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        let mut text = format!("{}件目", nth(self.index));
        if let Some(key) = &self.key {
            let _ = write!(text, " `{key}`");
        }
        if let Some(name) = &self.name {
            let _ = write!(text, "（{name}）");
        }
        text
    }
}

impl Message for NumberProblem {
    /// ```
    /// use teichaku::model::{Lang, NumberProblem};
    /// use teichaku_report::Message;
    /// assert_eq!(NumberProblem::Negative.message(Lang::Ja), "負の数です");
    /// ```
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        match self {
            NumberProblem::NotFinite => "有限の数ではありません".to_owned(),
            NumberProblem::Negative => "負の数です".to_owned(),
            NumberProblem::NotPositive => "0 より大きい数でなければなりません".to_owned(),
            NumberProblem::OutOfRange { min, max } => format!("{min}〜{max}の範囲の外です"),
            other => other.to_string(),
        }
    }
}

impl Message for Limit {
    /// What is counted, with its counter word in Japanese.
    ///
    /// ```
    /// use teichaku::model::{Lang, Limit};
    /// use teichaku_report::Message;
    /// assert_eq!(Limit::Members.message(Lang::Ja), "メンバー数");
    /// assert_eq!(Limit::Members.message(Lang::En), "members");
    /// ```
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        limit_ja(*self).map_or_else(|| self.to_string(), str::to_owned)
    }
}

fn limit_ja(limit: Limit) -> Option<&'static str> {
    Some(match limit {
        Limit::DocumentBytes => "文書のバイト数",
        Limit::StringBytes => "1つの文字列のバイト数",
        Limit::Nesting => "入れ子の深さ",
        Limit::Units => "部署数",
        Limit::Members => "メンバー数",
        Limit::Waves => "ウェーブ数",
        Limit::TaskBaselines => "業務の基準値の数",
        Limit::Phases => "フェーズ数",
        Limit::GateCriteria => "ゲート基準の数",
        Limit::Activities => "活動数",
        Limit::ActivityInstances => "活動の実施単位の数",
        Limit::Interventions => "介入の数",
        Limit::KpiTargets => "KPI目標の数",
        Limit::ScoreComponents => "スコア要素の数",
        Limit::AbsoluteConditions => "絶対条件の数",
        Limit::UsageEvents => "利用イベント数",
        Limit::Completions => "完了記録の数",
        Limit::Trainings => "研修記録の数",
        Limit::Surveys => "アンケート回答の数",
        Limit::Proposals => "提案の数",
        Limit::Consultations => "相談の数",
        Limit::Incidents => "インシデントの数",
        Limit::RuleReviews => "ルール見直しの数",
        Limit::SuccessCases => "成功事例の数",
        Limit::UsageFiles => "利用イベントファイルの数",
        Limit::RubricFacts => "ファクトの数",
        Limit::RubricCriteria => "評価基準の数",
        Limit::RubricBands => "評価段階の数",
        Limit::RubricCaps => "上限ルールの数",
        Limit::EnumerationValues => "選択肢の数",
        Limit::ScoringSteps => "採点の段階数",
        Limit::OutcomeKpis => "成果KPIの数",
        Limit::Outcomes => "成果記録の数",
        Limit::Changes => "メンバー情報の変更の数",
        Limit::Tools => "新しいツールの数",
        _ => return None,
    })
}

/// Ids in backticks joined by arrows, as a cycle is written.
fn cycle<T: std::fmt::Display>(items: &[T]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(" → ")
}

/// The Japanese for a few whole-sentence explanations the model writes in English.
fn empty_ja(what: &str) -> String {
    match what {
        "a playbook needs at least one phase" => "プレイブックにはフェーズが1つ以上必要です".to_owned(),
        other => other.to_owned(),
    }
}

impl Message for ValidationError {
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        let r = |record: &Record| record.message(lang);
        match self {
            ValidationError::UnknownPlaybook { id } => format!("文書が従うプレイブック `{id}`はありません"),
            ValidationError::UnsupportedVersion { record, found, supported } => format!(
                "{}の形式バージョン {found}は読めません（このバージョンの teichaku が読むのは 1〜{supported}）",
                r(record)
            ),
            ValidationError::DuplicateId { record, first_index } => {
                format!("{}の ID が {}件目と重複しています", r(record), nth(*first_index))
            }
            ValidationError::DuplicateKey { key, first, second } => format!(
                "メンバー {}のキー `{key}`がメンバー {}と重複しています",
                second.message(lang),
                first.message(lang)
            ),
            ValidationError::DuplicateUnitCode { code, first, second } => {
                format!("部署 {}のコード `{code}`が部署 {}と重複しています", second.message(lang), first.message(lang))
            }
            ValidationError::UnknownUnit { record, unit } => {
                format!("{}が存在しない部署 `{unit}`を指しています", r(record))
            }
            ValidationError::UnknownMember { record, member } => {
                format!("{}が存在しないメンバー `{member}`を指しています", r(record))
            }
            ValidationError::UnknownOutcome { record, outcome } => {
                format!("{}が存在しない成果KPI `{outcome}`を指しています", r(record))
            }
            ValidationError::OutcomeDeclaredTwice { record, outcome } => {
                format!("{}の成果KPI `{outcome}`はプレイブックでも定められています", r(record))
            }
            ValidationError::TargetDeclaredTwice { record, other } => {
                format!("{}は{}と同じ指標・向き・期日・起点・範囲の目標です", r(record), r(other))
            }
            ValidationError::OutcomeUnitMismatch { record, outcome, declared, found } => format!(
                "{}の単位は `{found}`ですが、成果KPI `{outcome}`の単位は `{declared}`と定められています",
                r(record)
            ),
            ValidationError::UnknownActivity { record, activity } => {
                format!("{}が存在しない活動 `{activity}`を指しています", r(record))
            }
            ValidationError::RecentPerUnit { record, activity } => format!(
                "{}: `activity_recent`に使えるのは全社の活動だけですが、`{activity}`は部署ごとの活動です",
                r(record)
            ),
            ValidationError::UnknownPhase { record, phase } => {
                format!("{}が存在しないフェーズ `{phase}`を指しています", r(record))
            }
            ValidationError::UnitCycle { units } => format!("部署の親子関係が循環しています: {}", cycle(units)),
            ValidationError::DependencyCycle { activities } => {
                format!("活動の依存関係が循環しています: {}", cycle(activities))
            }
            ValidationError::DependsOnLaterPhase { record, phase, dependency, dependency_phase } => format!(
                "フェーズ `{phase}`の{}が、後のフェーズ `{dependency_phase}`の活動 `{dependency}`を待っています",
                r(record)
            ),
            ValidationError::MemberPlacedTwice { member, first_index, first_unit, second_index, second_unit } => {
                format!(
                    "メンバー `{member}`が2回登録されています: 部署 `{first_unit}`（{}件目）と部署 `{second_unit}`（{}件目）",
                    nth(*first_index),
                    nth(*second_index)
                )
            }
            ValidationError::UnitInTwoWaves { unit, first_wave, second_wave } => format!(
                "部署 `{unit}`が{}番目のウェーブと{}番目のウェーブの両方に入っています",
                nth(*first_wave),
                nth(*second_wave)
            ),
            ValidationError::DatesOutOfOrder { record, field, date, earlier_field, earlier } => format!(
                "{}の{}{date}が{}{earlier}より前です",
                r(record),
                date_field_ja(field),
                date_field_ja(earlier_field)
            ),
            ValidationError::InvalidNumber { record, field, value, problem } => {
                format!("{}: `{field}` = {value}は{}", r(record), problem.message(lang))
            }
            ValidationError::SurveyAnswerOutOfRange { record, field, value, min, max } => {
                format!("{}: `{field}` = {value}は回答の尺度 {min}〜{max}の外です", r(record))
            }
            ValidationError::UnreadableTimestamp { record, text } => {
                format!("{}: 日時 {text:?}を読めません。{TIMESTAMP_JA}", r(record))
            }
            ValidationError::CompletionScope { record, activity, scope } => {
                if *scope == teichaku::model::ActivityScope::PerUnit {
                    format!("{}: 活動 `{activity}`は部署ごとの活動ですが、完了記録に部署がありません", r(record))
                } else {
                    format!("{}: 活動 `{activity}`は全社の活動ですが、完了記録に部署があります", r(record))
                }
            }
            ValidationError::ConditionTooDeep { record, depth, limit } => {
                format!("{}: 条件の入れ子が {depth} 段あり、上限の {limit} 段を超えています", r(record))
            }
            ValidationError::CircularScore { record } => {
                format!("{}が、自分も計算に加わる定着スコアを使っています（計算が循環します）", r(record))
            }
            ValidationError::LimitExceeded { record, what, limit, found } => {
                format!("{}の{}が {found}で、上限の {limit}を超えています", r(record), what.message(lang))
            }
            ValidationError::Empty { record, what } => format!("{}が空です: {}", r(record), empty_ja(what)),
            ValidationError::ChangeOutsideTenure { record, on, joined, left } => match left {
                Some(left) if on >= left => {
                    format!("{}の発効日 {on}は、メンバーが退職した日（{left}）以後です", r(record))
                }
                _ => format!("{}の発効日 {on}は、メンバーの入社日 {joined}より前です", r(record)),
            },
            ValidationError::RoleChange { record, role, on, held } => {
                let role = crate::words::Title::title(role, lang);
                if *held {
                    format!("{}は役割「{role}」を付けますが、メンバーは {on}より前からその役割にあります", r(record))
                } else {
                    format!("{}は役割「{role}」を外しますが、メンバーは {on}より前にその役割にありません", r(record))
                }
            }
            ValidationError::ConflictingChanges { record, fact, on, first } => format!(
                "{}は {on}に `{fact}`を変えますが、{first}件目の変更も同じ日に変えています。1つの変更にまとめるか、日を分けてください",
                r(record)
            ),
            other => other.to_string(),
        }
    }
}

/// A date field of the document in Japanese, with its name as written.
fn date_field_ja(field: &str) -> String {
    let ja = match field {
        "joined" => "入社日",
        "left" => "退職日",
        "opened" => "受付日",
        "resolved" => "解決日",
        "submitted" => "提出日",
        "implemented" => "実施日",
        "from" => "開始日",
        "date" => "日付",
        "available_from" => "利用開始日",
        "launch_date" => "導入日",
        _ => return format!("`{field}`"),
    };
    format!("{ja}（`{field}`）")
}

/// How a timestamp is written, in Japanese.
const TIMESTAMP_JA: &str = "2026-04-01T09:30:00+09:00 のように RFC 3339 の形式で書いてください";

impl Message for ValidationErrors {
    /// One problem a line, in the order of the document.
    ///
    /// ```
    /// use teichaku::model::{Lang, PlaybookId, ValidationError, ValidationErrors};
    /// use teichaku_report::Message;
    /// let errs = ValidationErrors::from(vec![ValidationError::UnknownPlaybook { id: PlaybookId::new("x")? }]);
    /// assert_eq!(errs.message(Lang::Ja), "文書が従うプレイブック `x`はありません");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn message(&self, lang: Lang) -> String {
        self.iter().map(|e| e.message(lang)).collect::<Vec<_>>().join("\n")
    }
}

impl Message for DocumentError {
    /// ```
    /// use teichaku::model::{Lang, parse_document};
    /// use teichaku_report::Message;
    /// let e = parse_document("{").unwrap_err();
    /// assert_eq!(e.message(Lang::Ja), "1行目 1列目: 途中で終わっています");
    /// ```
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        match self {
            DocumentError::Syntax { line, column, message } => {
                let place = if *line == 0 { "末尾".to_owned() } else { format!("{line}行目 {column}列目") };
                format!("{place}: {}", json_problem_ja(message))
            }
            DocumentError::MissingVersion => format!(
                "文書に読める `version`がありません（`\"version\": {}`と書いてください）",
                teichaku::model::FORMAT_VERSION
            ),
            DocumentError::UnsupportedVersion { found, supported } => {
                format!("文書のバージョン {found}は読めません（このバージョンの teichaku が読むのは 1〜{supported}）")
            }
            DocumentError::LimitExceeded { what, limit, found } => {
                format!("文書の{}が {found}で、上限の {limit}を超えています", what.message(lang))
            }
            other => other.to_string(),
        }
    }
}

/// A problem the JSON reader (serde_json) found, given as its English message, in `lang`: in
/// Japanese the common shapes are translated, keeping the field names and values they quote, and
/// anything else becomes a general sentence.
///
/// ```
/// use teichaku::model::Lang;
/// let e = "missing field `subject` at line 1 column 2";
/// assert_eq!(teichaku_report::json_problem(e, Lang::Ja), "必須の項目 `subject`がありません");
/// assert_eq!(teichaku_report::json_problem(e, Lang::En), e);
/// ```
pub fn json_problem(message: &str, lang: Lang) -> String {
    if ja(lang) { json_problem_ja(message) } else { message.to_owned() }
}

fn json_problem_ja(message: &str) -> String {
    // The document reader adds where the problem is: `... (at `organisation.members[2].unit`)`.
    if let Some((problem, place)) = message.rsplit_once(" (at `") {
        if let Some(place) = place.strip_suffix("`)") {
            return format!("{}（場所: `{place}`）", json_problem_ja(problem));
        }
    }
    // serde_json's own position, when a caller left it in.
    let message = message.split(" at line ").next().unwrap_or(message);
    let quoted = |text: &str| -> Vec<String> { text.split('`').skip(1).step_by(2).map(str::to_owned).collect() };
    if message.starts_with("EOF while parsing") {
        return "途中で終わっています".to_owned();
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let names = quoted(rest);
        if let Some((field, expected)) = names.split_first() {
            let expected = expected.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join("、");
            return if expected.is_empty() {
                format!("未知の項目 `{field}`があります")
            } else {
                format!("未知の項目 `{field}`があります（書ける項目: {expected}）")
            };
        }
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        if let Some(field) = quoted(rest).first() {
            return format!("必須の項目 `{field}`がありません");
        }
    }
    if let Some(rest) = message.strip_prefix("duplicate field ") {
        if let Some(field) = quoted(rest).first() {
            return format!("項目 `{field}`が2回書かれています");
        }
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let names = quoted(rest);
        if let Some((value, expected)) = names.split_first() {
            let expected = expected.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join("、");
            return format!("`{value}`は使えない値です（使える値: {expected}）");
        }
    }
    if message.starts_with("invalid type") {
        return "値の型が違います".to_owned();
    }
    if message.starts_with("invalid value") || message.starts_with("invalid length") {
        return "値が正しくありません".to_owned();
    }
    if message.starts_with("input contains invalid characters") || message.starts_with("premature end") {
        return "日付または日時を読めません".to_owned();
    }
    if message.starts_with("trailing characters") {
        return "文書の後ろに余分な文字があります".to_owned();
    }
    if message.starts_with("expected") || message.starts_with("key must be a string") {
        return "JSON の書き方が正しくありません".to_owned();
    }
    "JSON として読めないか、文書の形に合いません".to_owned()
}

impl Message for EventError {
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        match self {
            EventError::UnknownMember(id) => format!("存在しないメンバー `{id}`です"),
            EventError::MemberOutOfRange { member, members } => {
                format!("メンバー番号 {member}は範囲の外です（メンバーは {members} 人、番号は 0 から）")
            }
            EventError::UnreadableTimestamp(text) => format!("日時 {text:?}を読めません。{TIMESTAMP_JA}"),
            EventError::BadMinutes { field, value } => format!(
                "`{field}` = {value} は 0〜{}の有限の数でなければなりません",
                teichaku::metrics::MAX_EVENT_MINUTES
            ),
            EventError::ZeroCount => {
                "`count` = 0 です。日ごとの記録は利用のあった日の記録なので 1 以上にしてください（不明なら空欄に）"
                    .to_owned()
            }
            EventError::BadPeriod { start, end } => format!(
                "期間 {start}〜{end}: 終了日は開始日と同じか後で、開始日から {} 日以内でなければなりません",
                teichaku::metrics::MAX_PERIOD_DAYS
            ),
            EventError::ActiveDays { active_days, days } => {
                format!("`active_days` = {active_days}が、期間の日数 {days} 日を超えています")
            }
            EventError::UnknownDaysWithUses => {
                "`active_days` が unknown（利用の有無が不明な日）なので、`count` と `minutes` は空欄にしてください"
                    .to_owned()
            }
            EventError::CountBelowActiveDays { count, active_days } => format!(
                "`count` = {count}が `active_days` = {active_days}より少なくなっています（利用した日には1回以上の利用があります）"
            ),
            other => other.to_string(),
        }
    }
}

impl Message for LineError {
    /// ```
    /// use teichaku::metrics::LineError;
    /// use teichaku::model::Lang;
    /// use teichaku_report::Message;
    /// let e = LineError::NotANumber { column: "minutes", text: "ten".into() };
    /// assert_eq!(e.message(Lang::Ja), "`minutes`: \"ten\"は数ではありません");
    /// ```
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        match self {
            LineError::UnterminatedQuote => "CSV を読めません: この行で開いた引用符が閉じていません".to_owned(),
            LineError::FieldCount { expected, found } => {
                format!("CSV を読めません: 値が {found} 個ありますが、見出しの列は {expected} 個です")
            }
            LineError::Json(message) => json_problem_ja(message),
            LineError::NotUtf8 => "行を読めません: UTF-8 ではありません".to_owned(),
            LineError::TooLong { limit } => format!("行が {limit} バイトより長くなっています"),
            LineError::MissingMember => "`member`が空です".to_owned(),
            LineError::Member(_) => "`member`の値はメンバーのキーとして長すぎます".to_owned(),
            LineError::UnknownMemberKey { text } => {
                format!("`member`: `{text}`はこの組織のメンバーのキーでも UUID でもありません")
            }
            LineError::MissingTimestamp => "`at`（日時）が空です".to_owned(),
            LineError::NotANumber { column, text } => format!("`{column}`: {text:?}は数ではありません"),
            LineError::Slug { column, .. } => {
                format!("`{column}`: 英小文字・数字と `-`、`_`、`.` でできた識別子ではありません")
            }
            LineError::Event(e) => e.message(lang),
            LineError::MissingField { column } => format!("`{column}`が空です"),
            LineError::BadDate { column, .. } => {
                format!("`{column}`: 日付を読めません。2026-04-01 のように YYYY-MM-DD の形式で書いてください")
            }
            LineError::NotACount { column, text } => format!("`{column}`: {text:?}は 0 以上の整数ではありません"),
            LineError::Record { member, error } => format!("メンバー `{member}`: {}", error.message(lang)),
            other => other.to_string(),
        }
    }
}

impl Message for StreamError {
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        match self {
            StreamError::UnreadableHeader(_) => "1行目: 見出しを読めません".to_owned(),
            StreamError::MissingColumns => "1行目: 見出しには列 `member` と `at`が必要です".to_owned(),
            StreamError::UnknownColumn { column } => format!(
                "1行目: 未知の列 `{column}`があります（使える列: {}）",
                teichaku::metrics::CSV_COLUMNS.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join("、")
            ),
            StreamError::RepeatedColumn { column } => format!("1行目: 列 `{column}`が見出しに2回あります"),
            StreamError::Read { line, .. } => format!("{line}行目: 読み込みが途中で失敗しました"),
            StreamError::RecordColumns { expected, .. } => {
                let columns = expected.split(", ").map(|c| format!("`{c}`")).collect::<Vec<_>>().join("、");
                format!("1行目: 見出しの列が記録の形式に合いません（使える列: {columns}。必須の列が先）")
            }
            StreamError::BatchColumns { expected, .. } => {
                let columns = expected.split(", ").map(|c| format!("`{c}`")).collect::<Vec<_>>().join("、");
                format!("列が形式に合いません（使える列: {columns}。必須の列が先）")
            }
            StreamError::ColumnType { column, found, .. } => {
                format!("列 `{column}`の値の型 {found} はこの列に使えません")
            }
            other => other.to_string(),
        }
    }
}

impl Message for StoreError {
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        match self {
            StoreError::Event { index, error } => format!("{}件目の利用イベント: {}", nth(*index), error.message(lang)),
            StoreError::DaySpan { first, last } => format!(
                "利用イベントが {first} から {last}にわたり、{} 日を超えています",
                teichaku::metrics::MAX_DAY_SPAN
            ),
            StoreError::TooManyKinds { kinds } => format!(
                "利用イベントの業務とツールの組み合わせが {kinds} 通りあり、上限の {}を超えています",
                teichaku::metrics::MAX_KINDS
            ),
            StoreError::DayConflict { member, date, task, tool } => format!(
                "メンバー `{member}`に {date}（業務 {}、ツール {}）の日ごとの記録が内容の違う2件あります。1件にしてください",
                task.as_ref().map_or("-", |t| t.as_str()),
                tool.as_ref().map_or("-", |t| t.as_str())
            ),
            StoreError::PeriodOverlap { member, first, second } => format!(
                "メンバー `{member}`の期間の記録が重なっています: {}〜{}と {}〜{}",
                first.0, first.1, second.0, second.1
            ),
            StoreError::MixedGranularity { member, date, period } => format!(
                "メンバー `{member}`の {date}の利用が、期間の記録 {}〜{}の中にあります。メンバーと日ごとに粒度は1つにしてください",
                period.0, period.1
            ),
            other => other.to_string(),
        }
    }
}

impl Message for KpiError {
    /// ```
    /// use teichaku::metrics::KpiError;
    /// use teichaku::model::{Lang, UnitId};
    /// use teichaku_report::Message;
    /// let e = KpiError::UnknownUnit(UnitId::from_u128(1));
    /// assert_eq!(e.message(Lang::Ja), "存在しない部署 `00000000-0000-0000-0000-000000000001`です");
    /// ```
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        match self {
            KpiError::Store(e) => e.message(lang),
            KpiError::UnknownUnit(unit) => format!("存在しない部署 `{unit}`です"),
            KpiError::Partial(e) => e.message(lang),
            other => other.to_string(),
        }
    }
}

impl Message for PartialError {
    /// ```
    /// use teichaku::metrics::PartialError;
    /// use teichaku::model::Lang;
    /// use teichaku_report::Message;
    /// let e = PartialError::Version { found: 2, supported: 1 };
    /// assert_eq!(e.message(Lang::Ja), "利用の部分集計の版 2 は読めません（読める版は 1）");
    /// ```
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        match self {
            PartialError::TooLong { bytes, limit } => {
                format!("利用の部分集計が {bytes} バイトあり、上限の {limit} バイトを超えています")
            }
            PartialError::Json(problem) => format!("利用の部分集計ではありません: {problem}"),
            PartialError::Format(found) => {
                format!("利用の部分集計ではありません（形式が `{found}`で、`teichaku-usage-partial`ではありません）")
            }
            PartialError::Version { found, supported } => {
                format!("利用の部分集計の版 {found} は読めません（読める版は {supported}）")
            }
            PartialError::Invalid { member: Some(m), field, problem } => {
                format!("利用の部分集計のメンバー `{m}`の {field}が正しくありません: {problem}")
            }
            PartialError::Invalid { member: None, field, problem } => {
                format!("利用の部分集計の {field}が正しくありません: {problem}")
            }
            PartialError::Mismatch { what, left, right } => {
                format!("{what}の異なる利用の部分集計は合わせられません: `{left}`と `{right}`")
            }
            PartialError::Overflow { field } => format!("利用の部分集計を合わせると {field}が大きすぎます"),
            PartialError::UnknownMember(m) => format!("利用の部分集計のメンバー `{m}`は文書にいません"),
            other => other.to_string(),
        }
    }
}

impl Message for BatchPartialError {
    /// ```
    /// use teichaku::model::Lang;
    /// use teichaku::rules::BatchPartialError;
    /// use teichaku_report::Message;
    /// let e = BatchPartialError::SubjectInTwoShards { subject: "e-1".into() };
    /// assert!(e.message(Lang::Ja).starts_with("対象者 `e-1`が2つのシャードに"));
    /// ```
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        match self {
            BatchPartialError::TooLong { bytes, limit } => {
                format!("評価の部分集計が {bytes} バイトあり、上限の {limit} バイトを超えています")
            }
            BatchPartialError::Json(problem) => format!("評価の部分集計ではありません: {problem}"),
            BatchPartialError::Format(found) => {
                format!("評価の部分集計ではありません（形式が `{found}`で、`teichaku-batch-partial`ではありません）")
            }
            BatchPartialError::Version { found, supported } => {
                format!("評価の部分集計の版 {found} は読めません（読める版は {supported}）")
            }
            BatchPartialError::Invalid { subject, problem } => {
                format!("評価の部分集計の対象者 `{subject}`が正しくありません: {problem}")
            }
            BatchPartialError::RubricMismatch { left, right } => {
                format!("ルーブリック `{left}`と `{right}`の評価の部分集計は合わせられません")
            }
            BatchPartialError::SubjectInTwoShards { subject } => format!(
                "対象者 `{subject}`が2つのシャードに異なるグループか結果で入っています。1人の行が同じシャードに入るよう、対象者で分けてください"
            ),
            other => other.to_string(),
        }
    }
}

impl Message for UsageBadLine {
    /// The file and line, then the problem.
    ///
    /// ```
    /// use teichaku::UsageBadLine;
    /// use teichaku::metrics::LineError;
    /// use teichaku::model::Lang;
    /// use teichaku_report::Message;
    /// let line = UsageBadLine::new("a.csv", 4, LineError::MissingTimestamp);
    /// assert_eq!(line.message(Lang::Ja), "a.csv:4: `at`（日時）が空です");
    /// assert_eq!(line.message(Lang::En), "a.csv:4: no timestamp");
    /// ```
    fn message(&self, lang: Lang) -> String {
        let problem = match (ja(lang), self.error()) {
            (true, Some(error)) => error.message(lang),
            _ => self.problem.clone(),
        };
        format!("{}:{}: {problem}", self.file, self.line)
    }
}

impl Message for LoadError {
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        match self {
            LoadError::Document(e) => e.message(lang),
            LoadError::Invalid(e) => e.message(lang),
            LoadError::UsageFilesNeedASource { files } => format!(
                "文書が利用イベントファイル（{}）を指していますが、それを読む手段が渡されていません",
                files.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join("、")
            ),
            LoadError::UsageFileUnreadable { file, .. } => format!("利用イベントファイル `{file}`を読めません"),
            LoadError::UsageFile { file, error } => format!("利用イベントファイル `{file}`: {}", error.message(lang)),
            LoadError::BadLines { count, lines } => {
                let mut text = format!("利用イベントの行のうち {count} 行が読めません");
                if let Some(first) = lines.first() {
                    let _ = write!(text, "（最初は {}）", first.message(lang));
                }
                text
            }
            LoadError::Store(e) => e.message(lang),
            other => other.to_string(),
        }
    }
}

impl Message for OutcomeFileError {
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        match self {
            OutcomeFileError::Header { problem } => format!("成果ファイルの見出し: {}", outcome_problem_ja(problem)),
            OutcomeFileError::Row { row, problem } => {
                format!("成果ファイルの{row}行目: {}", outcome_problem_ja(problem))
            }
            OutcomeFileError::TooManyRows { limit } => format!("成果ファイルの行数が上限の {limit}を超えています"),
            other => other.to_string(),
        }
    }
}

/// An outcomes file problem (English text naming columns in backticks) in Japanese: the
/// columns it quotes are kept, the sentence is general.
fn outcome_problem_ja(problem: &str) -> String {
    let columns: Vec<String> = problem.split('`').skip(1).step_by(2).map(|c| format!("`{c}`")).collect();
    if columns.is_empty() { "読めません".to_owned() } else { format!("{}を読めません", columns.join("、")) }
}

impl Message for BadRow {
    /// ```
    /// use teichaku::model::Lang;
    /// use teichaku_report::Message;
    /// let row = teichaku_import::BadRow { line: 3, key: Some("E002".into()), name: None, problems: vec!["department (部署) is empty".into()] };
    /// assert_eq!(row.message(Lang::Ja), "3行目（`E002`）: 部署が空です");
    /// ```
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        let mut text = format!("{}行目", self.line);
        match (&self.key, &self.name) {
            (Some(k), Some(n)) => {
                let _ = write!(text, "（`{k}` {n}）");
            }
            (Some(k), None) => {
                let _ = write!(text, "（`{k}`）");
            }
            (None, Some(n)) => {
                let _ = write!(text, "（{n}）");
            }
            (None, None) => {}
        }
        let problems: Vec<String> = self.problems.iter().map(|p| row_problem_ja(p)).collect();
        let _ = write!(text, ": {}", problems.join("、"));
        text
    }
}

/// A member list row problem in Japanese. The import writes each as English with the column's
/// Japanese name in parentheses and the cell in backticks; both are kept.
fn row_problem_ja(problem: &str) -> String {
    let column = problem.find('(').and_then(|open| {
        let rest = problem.get(open + 1..)?;
        rest.find(')').and_then(|close| rest.get(..close))
    });
    let cell = problem.split('`').nth(1);
    let column = column.unwrap_or("値");
    if let Some(key) = problem.strip_prefix("the key `").and_then(|r| r.split('`').next()) {
        let line = problem.rsplit(' ').next().unwrap_or_default();
        return format!("キー `{key}`が{line}行目と重複しています");
    }
    if problem.starts_with("no employee number") {
        return "社員番号もメールもありません".to_owned();
    }
    if problem.starts_with("no joined date") {
        return "入社日がありません".to_owned();
    }
    if problem.ends_with("is empty") {
        return format!("{column}が空です");
    }
    if problem.starts_with("left (退職日)") {
        return "退職日が入社日より前です".to_owned();
    }
    if problem.contains("is not a date") {
        return format!(
            "{column}: `{}`は日付ではありません（2026-04-01、2026/4/1、2026年4月1日）",
            cell.unwrap_or_default()
        );
    }
    if problem.contains("is not yes or no") {
        return format!("{column}: `{}` は はい／いいえ ではありません", cell.unwrap_or_default());
    }
    if problem.contains("is not an e-mail address") {
        return format!("メール: `{}`はメールアドレスではありません", cell.unwrap_or_default());
    }
    match cell {
        Some(cell) => format!("{column}: `{cell}`を読めません"),
        None => format!("{column}を読めません"),
    }
}

impl Message for ImportError {
    /// ```
    /// use teichaku::model::Lang;
    /// use teichaku_report::Message;
    /// let e = teichaku_import::ImportError::MissingColumns { missing: vec!["joined (入社日)".into()] };
    /// assert_eq!(e.message(Lang::Ja), "1行目: 見出しに「入社日」の列がありません");
    /// ```
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        match self {
            ImportError::TooLarge { found } => format!(
                "メンバー一覧が {found} バイトあり、上限の {} バイトを超えています",
                teichaku_import::MAX_INPUT_BYTES
            ),
            ImportError::Encoding { expected } => format!(
                "メンバー一覧が {}の文字列ではありません。--encoding で文字コードを指定してください",
                expected.replace(" or ", "、")
            ),
            ImportError::Xlsx(_) => "XLSX のブックを読めません".to_owned(),
            ImportError::XlsxNotBuilt => {
                "このビルドは XLSX を読めません。メンバー一覧を CSV で保存してください".to_owned()
            }
            ImportError::Csv { line, .. } => format!("{line}行目: CSV として読めません"),
            ImportError::Empty => "メンバー一覧が空です。1行目には列の見出しが必要です".to_owned(),
            ImportError::MissingColumns { missing } => {
                let names: Vec<String> = missing.iter().map(|m| japanese_columns(m)).collect();
                format!("1行目: 見出しに{}の列がありません", names.join("、"))
            }
            ImportError::RepeatedColumn { first, second, .. } => {
                format!("1行目: 列 `{first}` と `{second}`が同じ項目を表しています")
            }
            ImportError::BadRows { count, rows } => {
                let mut text = format!("メンバー一覧の {count} 行を読めません:");
                for row in rows {
                    let _ = write!(text, "\n  {}", row.message(lang));
                }
                text
            }
            ImportError::Document(e) => format!("メンバー一覧から作った文書を読めません: {}", e.message(lang)),
            other => other.to_string(),
        }
    }
}

/// The Japanese names of the columns in `key (社員番号) or email (メール)`.
fn japanese_columns(text: &str) -> String {
    let names: Vec<&str> = text.split('(').skip(1).filter_map(|part| part.split(')').next()).collect();
    if names.is_empty() {
        text.to_owned()
    } else {
        names.iter().map(|n| format!("「{n}」")).collect::<Vec<_>>().join("または")
    }
}

impl Message for RoleTableError {
    /// ```
    /// use teichaku::model::Lang;
    /// use teichaku_report::Message;
    /// let e = teichaku_import::RoleTable::with_csv("役職,ロール\n部長,boss\n").unwrap_err();
    /// assert_eq!(e.message(Lang::Ja), "役職表の2行目: `boss`は役割ではありません");
    /// ```
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        let cell = self.problem.split('`').nth(1);
        match cell {
            Some(cell) => format!("役職表の{}行目: `{cell}`は役割ではありません", self.line),
            None => format!("役職表の{}行目: 役職と役割の2つの値が必要です", self.line),
        }
    }
}

impl Message for Location {
    /// ```
    /// use teichaku::model::Lang;
    /// use teichaku::rules::{CriterionId, Location};
    /// use teichaku_report::Message;
    /// let at = Location::Criterion { index: 2, id: CriterionId::new("usage")? };
    /// assert_eq!(at.message(Lang::Ja), "3番目の評価基準 `usage`");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        match self {
            Location::Fact { index, name } => format!("{}番目のファクト `{name}`", nth(*index)),
            Location::Band { index, name } => format!("{}番目の評価段階 `{name}`", nth(*index)),
            Location::Criterion { index, id } => format!("{}番目の評価基準 `{id}`", nth(*index)),
            Location::Cap { index, id } => format!("{}番目の上限ルール `{id}`", nth(*index)),
            other => other.to_string(),
        }
    }
}

/// A kind of fact value, in Japanese.
fn kind_ja(kind: ValueKind) -> String {
    match kind {
        ValueKind::Number => "数値".to_owned(),
        ValueKind::Boolean => "真偽値".to_owned(),
        ValueKind::Enumeration => "選択肢".to_owned(),
        other => other.to_string(),
    }
}

fn names(facts: &[FactName]) -> String {
    facts.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join("、")
}

impl Message for RubricError {
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        let at = |at: &Location| at.message(lang);
        match self {
            RubricError::UnsupportedVersion { found } => {
                format!("ルーブリックの形式バージョン {found}は読めません（読めるのは 1）")
            }
            RubricError::EffectiveRange { from, until } => {
                format!("ルーブリックの終了日 {until}が開始日 {from}より前です")
            }
            RubricError::DuplicateFact { at: a } => format!("{}の名前が前のファクトと重複しています", at(a)),
            RubricError::BadEnumeration { at: a } => format!("{}には重複のない選択肢が必要です", at(a)),
            RubricError::NoBands => "ルーブリックに評価段階がありません".to_owned(),
            RubricError::DuplicateBand { at: a } => format!("{}の名前が前の評価段階と重複しています", at(a)),
            RubricError::BandsUnsorted { at: a, min_score } => format!(
                "{}の下限 {min_score}が前の段階の下限より下ではありません（段階は高い順に重ならないように並べます）",
                at(a)
            ),
            RubricError::BandOutOfRange { at: a, min_score } => {
                format!("{}の下限 {min_score} が 0〜100 の外です（最後の段階の下限は 0 にします）", at(a))
            }
            RubricError::NoCriteria => "ルーブリックに評価基準がありません".to_owned(),
            RubricError::DuplicateCriterion { at: a } => format!("{}の ID が前の評価基準と重複しています", at(a)),
            RubricError::DuplicateCap { at: a } => format!("{}の ID が前の上限ルールと重複しています", at(a)),
            RubricError::UnknownFact { at: a, fact } => format!("{}が存在しないファクト `{fact}`を読んでいます", at(a)),
            RubricError::WrongFactKind { at: a, fact, expected, found } => format!(
                "{}がファクト `{fact}`を{}として読んでいますが、宣言は{}です",
                at(a),
                kind_ja(*expected),
                kind_ja(*found)
            ),
            RubricError::UnknownValue { at: a, fact, value } => {
                format!("{}がファクト `{fact}`を宣言にない値 {value:?}と比べています", at(a))
            }
            RubricError::BadWeight { at: a, weight } => {
                format!("{}の重み {weight}が正しくありません（0 より大きく 1000000 以下）", at(a))
            }
            RubricError::BadNumber { at: a, field, value } => {
                format!("{}の `{field}` = {value}が範囲の外です", at(a))
            }
            RubricError::FlatLinear { at: a, value } => {
                format!("{}の直線の採点が {value}から同じ値までになっています", at(a))
            }
            RubricError::StepsUnsorted { at: a, step } => {
                format!("{}の段階が空か、厳密に昇順ではありません（{}番目の段階）", at(a), nth(*step))
            }
            RubricError::ConditionTooDeep { at: a, max } => {
                format!("{}の条件の入れ子が上限の {max} 段より深くなっています", at(a))
            }
            RubricError::UnknownBand { at: a, band } => {
                format!("{}が存在しない評価段階 `{band}`を上限にしています", at(a))
            }
            RubricError::LimitExceeded { at: a, what, limit, found } => format!(
                "{}の{}が {found}で、上限の {limit}を超えています",
                a.as_ref().map_or_else(|| "ルーブリック".to_owned(), at),
                what.message(lang)
            ),
            RubricError::BadRange { at: a, min, max } => format!(
                "{}の範囲 [{min}, {max}] が正しくありません（範囲は数値のファクトに、min <= max で ±1e12 の内に書きます）",
                at(a)
            ),
            RubricError::CapWithoutLimit { at: a } => {
                format!("{}は何も制限していません（`max_band` か `max_score`、または両方を書いてください）", at(a))
            }
            other => other.to_string(),
        }
    }
}

impl Message for RubricErrors {
    /// One problem a line.
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        self.iter().map(|e| e.message(lang)).collect::<Vec<_>>().join("\n")
    }
}

impl Message for EvaluationError {
    /// ```
    /// use teichaku::model::Lang;
    /// use teichaku::rules::{EvaluationError, FactName};
    /// use teichaku_report::Message;
    /// let e = EvaluationError::RequiredFactsMissing { facts: vec![FactName::new("incidents")?] };
    /// assert_eq!(e.message(Lang::Ja), "必須のファクトがありません: `incidents`");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        match self {
            EvaluationError::MissingFacts { facts } => {
                format!("ファクトが欠けています（欠けたら `error`とする設定）: {}", names(facts))
            }
            EvaluationError::UnknownFact { fact } => format!("ルーブリックにファクト `{fact}`はありません"),
            EvaluationError::WrongValueKind { fact, expected, found } => {
                format!("ファクト `{fact}`は{}と宣言されていますが、値は{}です", kind_ja(*expected), kind_ja(*found))
            }
            EvaluationError::NonFiniteValue { fact } => format!("ファクト `{fact}`の数値が有限ではありません"),
            EvaluationError::UnknownValue { fact, value } => {
                format!("ファクト `{fact}`の値 {value:?}は宣言にありません")
            }
            EvaluationError::FactCountMismatch { expected, found } => {
                format!("ファクトの値が {found} 個ありますが、ルーブリックのファクトは {expected} 個です")
            }
            EvaluationError::DuplicateFact { fact } => format!("ファクト `{fact}`が2回あります"),
            EvaluationError::OutOfRange { fact, value, min, max } => {
                format!("ファクト `{fact}`の値 {value}が範囲 [{min}, {max}] の外です")
            }
            EvaluationError::RequiredFactsMissing { facts } => format!("必須のファクトがありません: {}", names(facts)),
            EvaluationError::NothingToScore => {
                "どの評価基準も欠けたファクトを読むため、採点できるものがありません".to_owned()
            }
            other => other.to_string(),
        }
    }
}

impl Message for ReportError {
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        match self {
            ReportError::RubricMismatch { expected, expected_revision, found, found_revision } => format!(
                "この評価はルーブリック `{found}` 改訂 {found_revision}で行われたもので、`{expected}` 改訂 {expected_revision}ではありません"
            ),
            ReportError::RubricContentMismatch { expected, found } => format!(
                "この評価は ID と改訂が同じで内容の違うルーブリックで行われました（ハッシュ {found}、期待したのは {expected}）"
            ),
            ReportError::UnknownBand { subject, band } => {
                format!("対象者 `{subject}`の評価段階 `{band}`はルーブリックにありません")
            }
            ReportError::TargetUnknownBand { band } => {
                format!("目標がルーブリックにない評価段階 `{band}`の割合を指定しています")
            }
            ReportError::TargetMissingBand { band } => {
                format!("目標に評価段階 `{band}`の割合がありません（0 も含めてすべての段階に割合を書いてください）")
            }
            ReportError::TargetBadShare { band, share } => {
                format!("評価段階 `{band}`の目標の割合 {share} が 0〜1 の外です")
            }
            ReportError::TargetSum { sum } => format!("目標の割合の合計が {sum}で、1 ではありません"),
            other => other.to_string(),
        }
    }
}

impl Message for BuiltinError {
    /// ```
    /// use teichaku::model::Lang;
    /// use teichaku_report::Message;
    /// let e = teichaku::rules::builtin("ai-use-in-appraisal@9").unwrap_err();
    /// assert_eq!(e.message(Lang::Ja), "組み込みのルーブリック `ai-use-in-appraisal`に改訂 9はありません（あるのは 1、2）");
    /// ```
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        match self {
            BuiltinError::UnknownRubric { id, known } => format!(
                "組み込みのルーブリック `{id}`はありません（あるのは {}）",
                known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join("、")
            ),
            BuiltinError::UnknownRevision { id, revision, known } => format!(
                "組み込みのルーブリック `{id}`に改訂 {revision}はありません（あるのは {}）",
                known.iter().map(ToString::to_string).collect::<Vec<_>>().join("、")
            ),
            BuiltinError::BadSpec { spec } => format!(
                "`{spec}`は改訂を指していません（`ID` か `ID@改訂`の形、たとえば `ai-use-in-appraisal@1`と書いてください）"
            ),
            other => other.to_string(),
        }
    }
}

#[cfg(test)]
mod tests;

impl Message for SimulateError {
    /// ```
    /// use teichaku::SimulateError;
    /// use teichaku::model::Lang;
    /// use teichaku_report::Message;
    /// let e = SimulateError::UsageWithStore { events: 2 };
    /// assert!(e.message(Lang::Ja).starts_with("追加の利用イベント 2 件"));
    /// ```
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        match self {
            SimulateError::InvalidObservations { problems } => {
                format!("追加の観測データが検証を通りません: {}", problems.message(lang))
            }
            SimulateError::UsageFiles { files } => format!(
                "追加の観測データが利用イベントファイル（{}）を指しています。イベントは `events` に入れてください",
                files.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join("、")
            ),
            SimulateError::UsageEvent { index, error } => {
                format!("{}件目の追加の利用イベント: {}", nth(*index), error.message(lang))
            }
            SimulateError::Kpi(e) => e.message(lang),
            SimulateError::UsageWithStore { events } => format!(
                "追加の利用イベント {events} 件は、読み終えたイベントストアに足せません。`simulate` に渡してください"
            ),
            other => other.to_string(),
        }
    }
}

impl Message for CompletionNameError {
    /// ```
    /// use teichaku::CompletionNameError;
    /// use teichaku::model::Lang;
    /// use teichaku_report::Message;
    /// let e = CompletionNameError::UnknownUnit { unit: "営業".into() };
    /// assert_eq!(e.message(Lang::Ja), "部署 `営業`はありません。部署の ID、コードまたは名前を指定してください");
    /// ```
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        match self {
            CompletionNameError::UnknownActivity { activity, known } => format!(
                "活動 `{activity}`はありません。このプレイブックの活動: {}",
                known.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join("、")
            ),
            CompletionNameError::UnknownUnit { unit } => {
                format!("部署 `{unit}`はありません。部署の ID、コードまたは名前を指定してください")
            }
            CompletionNameError::OrganisationWide { activity } => {
                format!("`{activity}`は全社で1回行う活動です。`@UNIT` を外してください")
            }
            CompletionNameError::NothingReady { activity } => format!(
                "`{activity}`には着手できる、または期限を過ぎた実施単位がありません。`{activity}@UNIT` で部署を指定してください"
            ),
            other => other.to_string(),
        }
    }
}

impl Message for VendorLineError {
    /// ```
    /// use teichaku::model::Lang;
    /// use teichaku_report::Message;
    /// let e = teichaku_import::VendorLineError::MissingField { field: "user_login" };
    /// assert_eq!(e.message(Lang::Ja), "`user_login`がありません");
    /// ```
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        match self {
            VendorLineError::NotUtf8 => "UTF-8 の文字列ではありません".to_owned(),
            VendorLineError::Unreadable { .. } => {
                "行を読めません（JSON のオブジェクトでも CSV の行でもありません）".to_owned()
            }
            VendorLineError::MissingField { field } => format!("`{field}`がありません"),
            VendorLineError::BadDate { field, text } => {
                format!("`{field}`: \"{text}\"は 2025-10-01 のような日付ではありません")
            }
            VendorLineError::BadValue { field, text, expected } => {
                format!("`{field}`: `{text}`は{}ではありません", vendor_expected_ja(expected))
            }
            VendorLineError::AfterRefresh { field, date, refreshed } => {
                format!("`{field}`の {date} がレポートの更新日 {refreshed} より後です")
            }
            other => other.to_string(),
        }
    }
}

/// What a vendor documents a field to be, in Japanese.
fn vendor_expected_ja(expected: &str) -> String {
    match expected {
        "a whole number" => "整数".to_owned(),
        "true or false" => "`true` か `false`".to_owned(),
        "a text" => "文字列".to_owned(),
        "a day" => "日付".to_owned(),
        "a day such as 2025-10-01" => "2025-10-01 のような日付".to_owned(),
        other => format!("「{other}」"),
    }
}

impl Message for VendorBadLine {
    /// ```
    /// use teichaku::model::Lang;
    /// use teichaku_report::Message;
    /// let read = teichaku_import::read_vendor(
    ///     teichaku_import::Vendor::GithubCopilot,
    ///     br#"{"user_login": "E001", "day": "10/01/2025"}"#,
    ///     &Default::default(),
    /// )?;
    /// assert_eq!(read.bad_lines[0].message(Lang::Ja), "1行目: `day`: \"10/01/2025\"は 2025-10-01 のような日付ではありません");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        format!("{}行目: {}", self.line, self.error.message(lang))
    }
}

impl Message for VendorError {
    /// ```
    /// use teichaku::model::Lang;
    /// use teichaku_report::Message;
    /// let e = teichaku_import::VendorError::MissingColumn { column: "User Principal Name".into() };
    /// assert_eq!(e.message(Lang::Ja), "見出しに `User Principal Name` の列がありません");
    /// ```
    fn message(&self, lang: Lang) -> String {
        if !ja(lang) {
            return self.to_string();
        }
        match self {
            VendorError::UnknownVendor { name } => {
                format!("`{name}`という利用エクスポートの種類はありません（あるのは `github-copilot`、`m365-copilot`）")
            }
            VendorError::TooLarge { bytes, limit } => {
                format!("エクスポートが {bytes} バイトあり、上限の {limit} バイトを超えています")
            }
            VendorError::UnreadableHeader { .. } => "見出し（1行目）を読めません".to_owned(),
            VendorError::MissingColumn { column } => format!("見出しに `{column}` の列がありません"),
            VendorError::Logins { line, .. } => format!("GitHub ログインの一覧の{line}行目を読めません"),
            other => other.to_string(),
        }
    }
}
