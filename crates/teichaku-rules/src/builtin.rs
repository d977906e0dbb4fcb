//! The built-in rubrics, embedded as data.

use crate::compile::{CompiledRubric, compile};
use crate::rubric::parse_rubric;

/// The JSON of the built-in rubric `ai-use-in-appraisal`.
///
/// It scores how a person uses generative AI in the appraisal period: the AI entry in the goal
/// sheet filled in (reviewed in the appraisal interview), improvement proposals implemented,
/// success cases shared and days of use in the last 28. Any rule incident in the period caps the
/// band at B, and use without any outcome (no proposal implemented, no success case shared)
/// cannot lift the band above C.
///
/// ```
/// let rubric = teichaku_rules::parse_rubric(teichaku_rules::AI_USE_IN_APPRAISAL_JSON)?;
/// assert_eq!(rubric.criteria.len(), 4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const AI_USE_IN_APPRAISAL_JSON: &str = include_str!("../data/ai-use-in-appraisal.json");

/// The built-in rubric `ai-use-in-appraisal`, compiled (see [`AI_USE_IN_APPRAISAL_JSON`]).
///
/// ```
/// let rubric = teichaku_rules::ai_use_in_appraisal();
/// assert_eq!(rubric.rubric().revision, 1);
/// assert_eq!(rubric.rubric().bands.len(), 5);
/// ```
pub fn ai_use_in_appraisal() -> CompiledRubric {
    #[expect(clippy::expect_used, reason = "INVARIANT: embedded data, checked by the crate's tests")]
    let rubric = parse_rubric(AI_USE_IN_APPRAISAL_JSON).expect("the built-in rubric parses");
    #[expect(clippy::expect_used, reason = "INVARIANT: embedded data, checked by the crate's tests")]
    compile(rubric).expect("the built-in rubric is valid")
}
