//! Validation of a rubric and its compiled form, with fact names resolved to positions once.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use teichaku_model::{Limit, Limits, Role};

use crate::error::{EvaluationError, Location, RubricError, RubricErrors};
use crate::id::FactName;
use crate::rubric::{
    Band, Condition, FORMAT_VERSION, FactKind, FactRange, MAX_MAGNITUDE, MAX_WEIGHT, MissingPolicy, NumberOp, Rubric,
    Scoring, ValueKind,
};

/// A rubric checked and ready to evaluate: fact names resolved to positions, band limits known.
///
/// Build it with [`compile`]; it keeps the rubric it came from.
///
/// ```
/// let compiled = teichaku_rules::ai_use_in_appraisal();
/// assert_eq!(compiled.rubric().id.as_str(), "ai-use-in-appraisal");
/// assert!(compiled.fact_table().index("incidents").is_some());
/// ```
#[derive(Clone, Debug)]
pub struct CompiledRubric {
    rubric: Rubric,
    table: FactTable,
    pub(crate) criteria: Vec<CompiledCriterion>,
    pub(crate) caps: Vec<CompiledCap>,
    /// For each fact, whether a criterion or condition reads it.
    pub(crate) read: Vec<bool>,
    /// `sha256:` and the hex SHA-256 of the rubric's canonical JSON.
    hash: String,
}

#[derive(Clone, Debug)]
pub(crate) struct CompiledCriterion {
    pub(crate) fact: usize,
}

#[derive(Clone, Debug)]
pub(crate) struct CompiledCap {
    pub(crate) when: Compiled,
    /// The highest total the cap allows.
    pub(crate) limit: f64,
}

#[derive(Clone, Debug)]
pub(crate) enum Compiled {
    All(Vec<Compiled>),
    Any(Vec<Compiled>),
    Not(Box<Compiled>),
    Compare { fact: usize, op: NumberOp, value: f64 },
    Is { fact: usize, value: bool },
    OneOf { fact: usize, values: Vec<String> },
}

impl CompiledRubric {
    /// The rubric this was compiled from.
    pub fn rubric(&self) -> &Rubric {
        &self.rubric
    }

    /// The rubric's facts, by position.
    pub fn fact_table(&self) -> &FactTable {
        &self.table
    }

    /// The fingerprint of the rubric's content: `sha256:` followed by the lower-case hex SHA-256
    /// of its canonical JSON (see [`canonical_json`]). Two rubrics with the same id and revision
    /// but any difference in content (a weight, a bound, a title) have different hashes; the
    /// same rubric written with other spacing, key order or number spelling (`20` or `20.0`) has
    /// the same hash. Every [`Evaluation`](crate::Evaluation) and
    /// [`BatchReport`](crate::BatchReport) records it.
    ///
    /// ```
    /// let rubric = teichaku_rules::ai_use_in_appraisal();
    /// assert!(rubric.content_hash().starts_with("sha256:"));
    /// assert_eq!(rubric.content_hash().len(), 7 + 64);
    /// let mut edited = rubric.rubric().clone();
    /// edited.criteria[0].weight += 1.0; // same id, same revision
    /// assert_ne!(teichaku_rules::compile(edited)?.content_hash(), rubric.content_hash());
    /// # Ok::<(), teichaku_rules::RubricErrors>(())
    /// ```
    pub fn content_hash(&self) -> &str {
        &self.hash
    }

    /// Whether the fact at `index` is required (see [`FactDecl::required`](crate::FactDecl::required)).
    pub(crate) fn is_required(&self, index: usize) -> bool {
        self.rubric.facts.get(index).is_some_and(|f| f.required)
    }

    /// The range of the fact at `index`, if it declares one.
    pub(crate) fn range(&self, index: usize) -> Option<FactRange> {
        self.rubric.facts.get(index).and_then(|f| f.range)
    }

    /// An empty facts row for this rubric: every fact missing.
    ///
    /// ```
    /// let compiled = teichaku_rules::ai_use_in_appraisal();
    /// let facts = compiled.empty_facts();
    /// assert_eq!(facts.len(), compiled.fact_table().len());
    /// ```
    pub fn empty_facts(&self) -> Facts {
        Facts { values: vec![None; self.table.len()] }
    }

    /// Builds a facts row from named values; facts not named are missing.
    ///
    /// # Errors
    ///
    /// [`EvaluationError::UnknownFact`] for a name the rubric does not declare;
    /// [`EvaluationError::DuplicateFact`] for a name given twice (the first value is not silently
    /// replaced by the second); a value of the wrong kind or out of range is caught by
    /// [`evaluate`](crate::evaluate).
    ///
    /// # Example
    ///
    /// ```
    /// use teichaku_rules::FactValue;
    /// let compiled = teichaku_rules::ai_use_in_appraisal();
    /// let facts = compiled.facts([("incidents", FactValue::Number(0.0))])?;
    /// assert!(compiled.facts([("no_such_fact", FactValue::Boolean(true))]).is_err());
    /// assert!(compiled.facts([("incidents", FactValue::Number(0.0)), ("incidents", FactValue::Number(1.0))]).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn facts<'a>(&self, values: impl IntoIterator<Item = (&'a str, FactValue)>) -> Result<Facts, EvaluationError> {
        let mut facts = self.empty_facts();
        for (name, value) in values {
            let index = self.table.index(name).ok_or_else(|| EvaluationError::UnknownFact { fact: name.to_owned() })?;
            if facts.get(index).is_some() {
                return Err(EvaluationError::DuplicateFact { fact: name.to_owned() });
            }
            facts.set(index, value);
        }
        Ok(facts)
    }

    /// Whether the rubric is meant for someone holding `roles`: when `applies_to` is empty or
    /// shares a role with them.
    ///
    /// ```
    /// use teichaku_model::{Limit, Limits, Role};
    /// assert!(teichaku_rules::ai_use_in_appraisal().applies_to(&[Role::Staff]));
    /// ```
    pub fn applies_to(&self, roles: &[Role]) -> bool {
        self.rubric.applies_to.is_empty() || self.rubric.applies_to.iter().any(|r| roles.contains(r))
    }

    /// The band a total falls in: the first band, highest first, whose `min_score` it reaches
    /// (the last band for anything below).
    ///
    /// ```
    /// let compiled = teichaku_rules::ai_use_in_appraisal();
    /// assert_eq!(compiled.band_of(100.0), "S");
    /// assert_eq!(compiled.band_of(0.0), "D");
    /// ```
    pub fn band_of(&self, total: f64) -> &str {
        self.rubric
            .bands
            .iter()
            .find(|b| total >= b.min_score)
            .or(self.rubric.bands.last())
            .map_or("", |b| b.name.as_str())
    }

    /// `total` for display, at [`DISPLAY_DECIMALS`](crate::DISPLAY_DECIMALS) decimals, never
    /// showing a number of another band than `total`'s: rounded half away from zero; cut (rounded
    /// down) instead when rounding would carry it into the band above, as for a total a cap left
    /// just below a band's bound; unrounded in the odd case of a band narrower than the display
    /// step that neither lands in.
    ///
    /// ```
    /// let compiled = teichaku_rules::ai_use_in_appraisal();
    /// let just_below_a = f64::from_bits(75.0_f64.to_bits() - 1); // 74.99999999999999
    /// assert_eq!(compiled.band_of(just_below_a), "B");
    /// assert_eq!(compiled.shown_total(just_below_a), 74.99); // not 75.00, which would be A
    /// assert_eq!(compiled.shown_total(61.234), 61.23);
    /// assert_eq!(compiled.shown_total(61.235), 61.24);
    /// ```
    pub fn shown_total(&self, total: f64) -> f64 {
        let scale = 10_f64.powi(crate::DISPLAY_DECIMALS as i32);
        let band = self.band_of(total);
        let rounded = (total * scale).round() / scale;
        if self.band_of(rounded) == band {
            return rounded;
        }
        let cut = (total * scale).floor() / scale;
        if self.band_of(cut) == band { cut } else { total }
    }
}

/// The facts a rubric declares, by position: the columns of a [`Facts`] row.
///
/// ```
/// let compiled = teichaku_rules::ai_use_in_appraisal();
/// let table = compiled.fact_table();
/// let i = table.index("usage_days_28").unwrap();
/// assert_eq!(table.name(i).map(|n| n.as_str()), Some("usage_days_28"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct FactTable {
    names: Vec<FactName>,
    kinds: Vec<FactKind>,
    by_name: BTreeMap<FactName, usize>,
}

impl FactTable {
    /// How many facts.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the rubric declares no facts.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The position of the fact called `name`.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// The name of the fact at `index`.
    pub fn name(&self, index: usize) -> Option<&FactName> {
        self.names.get(index)
    }

    /// The kind of the fact at `index`.
    pub fn kind(&self, index: usize) -> Option<&FactKind> {
        self.kinds.get(index)
    }

    /// The position and kind of the fact called `name`.
    fn lookup(&self, name: &str) -> Option<(usize, &FactKind)> {
        let index = self.index(name)?;
        Some((index, self.kinds.get(index)?))
    }
}

/// The value of one fact.
///
/// In JSON a value is written bare: a number, `true`/`false`, or a string for an enumeration.
///
/// ```
/// use teichaku_rules::FactValue;
/// let values: Vec<FactValue> = serde_json::from_str(r#"[3, true, "g1"]"#)?;
/// assert_eq!(values, [FactValue::Number(3.0), FactValue::Boolean(true), FactValue::Enumeration("g1".into())]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
#[non_exhaustive]
pub enum FactValue {
    /// A number.
    Number(f64),
    /// A boolean.
    Boolean(bool),
    /// An enumeration value.
    Enumeration(String),
}

impl FactValue {
    /// The value's kind.
    ///
    /// ```
    /// use teichaku_rules::{FactValue, ValueKind};
    /// assert_eq!(FactValue::Boolean(false).kind(), ValueKind::Boolean);
    /// ```
    pub fn kind(&self) -> ValueKind {
        match self {
            FactValue::Number(_) => ValueKind::Number,
            FactValue::Boolean(_) => ValueKind::Boolean,
            FactValue::Enumeration(_) => ValueKind::Enumeration,
        }
    }
}

/// One person's facts for one rubric: a value or nothing for each position of its [`FactTable`].
///
/// ```
/// use teichaku_rules::FactValue;
/// let compiled = teichaku_rules::ai_use_in_appraisal();
/// let mut facts = compiled.empty_facts();
/// let i = compiled.fact_table().index("incidents").unwrap();
/// facts.set(i, FactValue::Number(1.0));
/// assert_eq!(facts.get(i), Some(&FactValue::Number(1.0)));
/// ```
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Facts {
    values: Vec<Option<FactValue>>,
}

impl Facts {
    /// A row from values by position; see [`CompiledRubric::empty_facts`] for the length.
    pub fn from_values(values: Vec<Option<FactValue>>) -> Self {
        Self { values }
    }

    /// Sets the fact at `index`, growing the row when needed.
    pub fn set(&mut self, index: usize, value: FactValue) {
        if index >= self.values.len() {
            self.values.resize(index + 1, None);
        }
        if let Some(slot) = self.values.get_mut(index) {
            *slot = Some(value);
        }
    }

    /// Marks the fact at `index` missing.
    pub fn clear(&mut self, index: usize) {
        if let Some(slot) = self.values.get_mut(index) {
            *slot = None;
        }
    }

    /// The value at `index`, if there is one.
    pub fn get(&self, index: usize) -> Option<&FactValue> {
        self.values.get(index).and_then(Option::as_ref)
    }

    /// The row's length.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the row is empty.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The values by position.
    pub fn values(&self) -> &[Option<FactValue>] {
        &self.values
    }
}

/// Validates a rubric and compiles it for [`evaluate`](crate::evaluate).
///
/// # Errors
///
/// Every problem found, in document order, each naming the fact, band, criterion or cap by
/// position and id: see [`RubricError`].
///
/// # Example
///
/// ```
/// let mut rubric = teichaku_rules::ai_use_in_appraisal().rubric().clone();
/// rubric.criteria[0].weight = -1.0;
/// rubric.bands[1].min_score = 95.0; // above S at 90
/// let errors = teichaku_rules::compile(rubric).unwrap_err();
/// assert_eq!(errors.len(), 2);
/// assert!(errors.to_string().contains("criterion #0 `goal-sheet-ai-entry` has weight -1"));
/// assert!(errors.to_string().contains("band #1 `A` starts at 95"));
/// ```
pub fn compile(rubric: Rubric) -> Result<CompiledRubric, RubricErrors> {
    compile_with_limits(rubric, &Limits::DEFAULT)
}

/// Validates a rubric within `limits` and compiles it, as [`compile`] does.
///
/// # Errors
///
/// As [`compile`]; a rubric with more facts, criteria, bands or caps than `limits` allow gets
/// only [`RubricError::LimitExceeded`] errors, as the other checks would take time in proportion
/// to the oversized lists.
///
/// # Example
///
/// ```
/// use teichaku_model::{Limit, Limits};
/// use teichaku_rules::RubricError;
/// let rubric = teichaku_rules::ai_use_in_appraisal().rubric().clone();
/// let limits = Limits { max_rubric_criteria: 2, ..Limits::DEFAULT };
/// let errors = teichaku_rules::compile_with_limits(rubric, &limits).unwrap_err();
/// assert!(matches!(
///     errors.iter().next(),
///     Some(RubricError::LimitExceeded { at: None, what: Limit::RubricCriteria, limit: 2, .. })
/// ));
/// ```
pub fn compile_with_limits(rubric: Rubric, limits: &Limits) -> Result<CompiledRubric, RubricErrors> {
    let mut errors = Vec::new();
    for (what, limit, found) in [
        (Limit::RubricFacts, limits.max_rubric_facts, rubric.facts.len()),
        (Limit::RubricCriteria, limits.max_rubric_criteria, rubric.criteria.len()),
        (Limit::RubricBands, limits.max_rubric_bands, rubric.bands.len()),
        (Limit::RubricCaps, limits.max_rubric_caps, rubric.caps.len()),
    ] {
        if found > limit {
            errors.push(RubricError::LimitExceeded { at: None, what, limit, found });
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    if rubric.version != FORMAT_VERSION {
        errors.push(RubricError::UnsupportedVersion { found: rubric.version });
    }
    if let Some(until) = rubric.effective_until
        && until < rubric.effective_from
    {
        errors.push(RubricError::EffectiveRange { from: rubric.effective_from, until });
    }

    let mut by_name = BTreeMap::new();
    for (index, decl) in rubric.facts.iter().enumerate() {
        let at = || Location::Fact { index, name: decl.name.clone() };
        if by_name.insert(decl.name.clone(), index).is_some() {
            errors.push(RubricError::DuplicateFact { at: at() });
        }
        if let Some(range) = decl.range {
            let sound = [range.min, range.max].iter().all(|x| x.is_finite() && x.abs() <= MAX_MAGNITUDE)
                && range.min <= range.max;
            if !sound || decl.kind != FactKind::Number {
                errors.push(RubricError::BadRange { at: at(), min: range.min, max: range.max });
            }
        }
        if let FactKind::Enumeration(values) = &decl.kind {
            if let Some(error) = too_many_values(values.len(), limits, at) {
                errors.push(error);
                continue;
            }
            let distinct = values.iter().enumerate().all(|(i, v)| !values.iter().take(i).any(|w| w == v));
            if values.is_empty() || !distinct {
                errors.push(RubricError::BadEnumeration { at: at() });
            }
        }
    }
    // With duplicate names, the first declaration wins the lookup.
    for (index, decl) in rubric.facts.iter().enumerate().rev() {
        by_name.insert(decl.name.clone(), index);
    }
    let table = FactTable {
        names: rubric.facts.iter().map(|d| d.name.clone()).collect(),
        kinds: rubric.facts.iter().map(|d| d.kind.clone()).collect(),
        by_name,
    };

    check_bands(&rubric, &mut errors);

    if rubric.criteria.is_empty() {
        errors.push(RubricError::NoCriteria);
    }
    let mut read = vec![false; table.len()];
    let mut criteria = Vec::with_capacity(rubric.criteria.len());
    for (index, c) in rubric.criteria.iter().enumerate() {
        let at = || Location::Criterion { index, id: c.id.clone() };
        if rubric.criteria.iter().take(index).any(|o| o.id == c.id) {
            errors.push(RubricError::DuplicateCriterion { at: at() });
        }
        if !(c.weight.is_finite() && c.weight > 0.0 && c.weight <= MAX_WEIGHT) {
            errors.push(RubricError::BadWeight { at: at(), weight: c.weight });
        }
        check_scoring(&c.scoring, at, limits, &mut errors);
        if let Some((fact, _)) = resolve(&table, &c.fact, c.scoring.reads(), at, &mut errors) {
            mark_read(&mut read, fact);
            criteria.push(CompiledCriterion { fact });
        }
    }

    let mut caps = Vec::with_capacity(rubric.caps.len());
    for (index, cap) in rubric.caps.iter().enumerate() {
        let at = || Location::Cap { index, id: cap.id.clone() };
        if rubric.caps.iter().take(index).any(|o| o.id == cap.id) {
            errors.push(RubricError::DuplicateCap { at: at() });
        }
        let mut limit = 100.0_f64;
        match (&cap.max_band, cap.max_score) {
            (None, None) => errors.push(RubricError::CapWithoutLimit { at: at() }),
            (band, score) => {
                if let Some(band) = band {
                    match rubric.bands.iter().position(|b| &b.name == band) {
                        // Capped just below the band above it, if any.
                        Some(i) => {
                            if let Some(above) = rubric.bands.get(..i).and_then(<[_]>::last) {
                                limit = limit.min(just_below(above.min_score));
                            }
                        }
                        None => errors.push(RubricError::UnknownBand { at: at(), band: band.clone() }),
                    }
                }
                if let Some(score) = score {
                    if (0.0..=100.0).contains(&score) {
                        limit = limit.min(score);
                    } else {
                        errors.push(RubricError::BadNumber { at: at(), field: "max_score", value: score });
                    }
                }
            }
        }
        if cap.when.depth() > crate::MAX_CONDITION_DEPTH {
            errors.push(RubricError::ConditionTooDeep { at: at(), max: crate::MAX_CONDITION_DEPTH });
            continue;
        }
        if let Some(when) = compile_condition(&table, &cap.when, &at, limits, &mut read, &mut errors) {
            caps.push(CompiledCap { when, limit });
        }
    }

    if !errors.is_empty() {
        return Err(errors.into());
    }
    let hash = content_hash(&rubric);
    Ok(CompiledRubric { rubric, table, criteria, caps, read, hash })
}

/// The canonical JSON of a rubric: what [`CompiledRubric::content_hash`] hashes.
///
/// It is the rubric as this crate writes it: fields in the order of [`Rubric`]'s declaration,
/// optional fields left out when absent, no spaces, numbers as serde_json writes an `f64` (`20`
/// becomes `20.0`), text as UTF-8 with JSON's escapes. So it depends on what the rubric says,
/// not on how its file was laid out.
///
/// ```
/// let a = teichaku_rules::parse_rubric(teichaku_rules::AI_USE_IN_APPRAISAL_JSON)?;
/// let spaced = serde_json::to_string_pretty(&a)?;
/// let b = teichaku_rules::parse_rubric(&spaced)?;
/// assert_eq!(teichaku_rules::canonical_json(&a), teichaku_rules::canonical_json(&b));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn canonical_json(rubric: &Rubric) -> String {
    // Serialising plain data with string keys cannot fail; an empty text would still hash.
    serde_json::to_string(rubric).unwrap_or_default()
}

fn content_hash(rubric: &Rubric) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(canonical_json(rubric).as_bytes());
    let mut hash = String::with_capacity(7 + 64);
    hash.push_str("sha256:");
    for byte in digest {
        use std::fmt::Write as _;
        let _ = write!(hash, "{byte:02x}");
    }
    hash
}

/// Whether `x` is finite and within ±[`MAX_MAGNITUDE`].
fn bounded(x: f64) -> bool {
    x.is_finite() && x.abs() <= MAX_MAGNITUDE
}

fn check_bands(rubric: &Rubric, errors: &mut Vec<RubricError>) {
    let bands = &rubric.bands;
    if bands.is_empty() {
        errors.push(RubricError::NoBands);
        return;
    }
    let mut above: Option<&Band> = None;
    for (index, band) in bands.iter().enumerate() {
        let at = || Location::Band { index, name: band.name.clone() };
        if bands.iter().take(index).any(|b| b.name == band.name) {
            errors.push(RubricError::DuplicateBand { at: at() });
        }
        let last = index + 1 == bands.len();
        if !(0.0..=100.0).contains(&band.min_score) || (last && band.min_score != 0.0) {
            errors.push(RubricError::BandOutOfRange { at: at(), min_score: band.min_score });
        } else if above.is_some_and(|a| band.min_score >= a.min_score) {
            errors.push(RubricError::BandsUnsorted { at: at(), min_score: band.min_score });
        }
        above = Some(band);
    }
}

fn check_scoring(scoring: &Scoring, at: impl Fn() -> Location, limits: &Limits, errors: &mut Vec<RubricError>) {
    match scoring {
        Scoring::Steps(steps) if steps.len() > limits.max_scoring_steps => {
            errors.push(RubricError::LimitExceeded {
                at: Some(at()),
                what: Limit::ScoringSteps,
                limit: limits.max_scoring_steps,
                found: steps.len(),
            });
        }
        Scoring::Linear { from, to } => {
            if !bounded(*from) {
                errors.push(RubricError::BadNumber { at: at(), field: "linear.from", value: *from });
            } else if !bounded(*to) {
                errors.push(RubricError::BadNumber { at: at(), field: "linear.to", value: *to });
            } else if from == to {
                errors.push(RubricError::FlatLinear { at: at(), value: *from });
            }
        }
        Scoring::Steps(steps) => {
            if steps.is_empty() {
                errors.push(RubricError::StepsUnsorted { at: at(), step: 0 });
            }
            let mut previous: Option<f64> = None;
            for (i, step) in steps.iter().enumerate() {
                if !bounded(step.at_least) {
                    errors.push(RubricError::BadNumber { at: at(), field: "steps.at_least", value: step.at_least });
                } else if previous.is_some_and(|p| step.at_least <= p) {
                    errors.push(RubricError::StepsUnsorted { at: at(), step: i });
                }
                previous = Some(step.at_least);
                if !(0.0..=1.0).contains(&step.score) {
                    errors.push(RubricError::BadNumber { at: at(), field: "steps.score", value: step.score });
                }
            }
        }
        Scoring::Boolean { when_true } => {
            if !(0.0..=1.0).contains(when_true) {
                errors.push(RubricError::BadNumber { at: at(), field: "boolean.when_true", value: *when_true });
            }
        }
    }
}

fn resolve<'t>(
    table: &'t FactTable,
    fact: &FactName,
    expected: ValueKind,
    at: impl Fn() -> Location,
    errors: &mut Vec<RubricError>,
) -> Option<(usize, &'t FactKind)> {
    let Some((index, kind)) = table.lookup(fact.as_str()) else {
        errors.push(RubricError::UnknownFact { at: at(), fact: fact.clone() });
        return None;
    };
    let found = kind.value_kind();
    if found != expected {
        errors.push(RubricError::WrongFactKind { at: at(), fact: fact.clone(), expected, found });
        return None;
    }
    Some((index, kind))
}

fn compile_condition(
    table: &FactTable,
    condition: &Condition,
    at: &dyn Fn() -> Location,
    limits: &Limits,
    read: &mut [bool],
    errors: &mut Vec<RubricError>,
) -> Option<Compiled> {
    let compiled = match condition {
        Condition::All(parts) | Condition::Any(parts) => {
            let mut out = Vec::with_capacity(parts.len());
            let mut ok = true;
            for part in parts {
                match compile_condition(table, part, at, limits, read, errors) {
                    Some(c) => out.push(c),
                    None => ok = false,
                }
            }
            if !ok {
                return None;
            }
            if matches!(condition, Condition::All(_)) { Compiled::All(out) } else { Compiled::Any(out) }
        }
        Condition::Not(part) => Compiled::Not(Box::new(compile_condition(table, part, at, limits, read, errors)?)),
        Condition::Compare { fact, op, value } => {
            if !bounded(*value) {
                errors.push(RubricError::BadNumber { at: at(), field: "compare.value", value: *value });
            }
            let (fact, _) = resolve(table, fact, ValueKind::Number, at, errors)?;
            Compiled::Compare { fact, op: *op, value: *value }
        }
        Condition::Is { fact, value } => {
            Compiled::Is { fact: resolve(table, fact, ValueKind::Boolean, at, errors)?.0, value: *value }
        }
        Condition::OneOf { fact: name, values } => {
            if let Some(error) = too_many_values(values.len(), limits, at) {
                errors.push(error);
                return None;
            }
            let (fact, kind) = resolve(table, name, ValueKind::Enumeration, at, errors)?;
            if let FactKind::Enumeration(declared) = kind {
                for value in values.iter().filter(|v| !declared.contains(v)) {
                    errors.push(RubricError::UnknownValue { at: at(), fact: name.clone(), value: value.clone() });
                }
            }
            Compiled::OneOf { fact, values: values.clone() }
        }
    };
    if let Compiled::Compare { fact, .. } | Compiled::Is { fact, .. } | Compiled::OneOf { fact, .. } = &compiled {
        mark_read(read, *fact);
    }
    Some(compiled)
}

/// Records that fact `fact` is read; `read` has a flag for every fact of the table `fact` was
/// resolved in.
fn mark_read(read: &mut [bool], fact: usize) {
    if let Some(flag) = read.get_mut(fact) {
        *flag = true;
    }
}

/// The largest number below `x`, for `x > 0`: the top of the band under one starting at `x`.
fn just_below(x: f64) -> f64 {
    if x > 0.0 && x.is_finite() { f64::from_bits(x.to_bits() - 1) } else { x }
}

impl CompiledRubric {
    pub(crate) fn missing_policy(&self) -> MissingPolicy {
        self.rubric.missing
    }
}

/// The error for a list of `count` enumeration values (in a fact's declaration or a `one_of`
/// condition) over the limit, located by `at`; `None` within it.
fn too_many_values(count: usize, limits: &Limits, at: impl Fn() -> Location) -> Option<RubricError> {
    (count > limits.max_enumeration_values).then(|| RubricError::LimitExceeded {
        at: Some(at()),
        what: Limit::EnumerationValues,
        limit: limits.max_enumeration_values,
        found: count,
    })
}
