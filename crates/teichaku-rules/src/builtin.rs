//! The built-in rubrics, embedded as data, every revision of each still addressable.

use crate::compile::{CompiledRubric, compile};
use crate::error::BuiltinError;
use crate::rubric::parse_rubric;

/// The ids of the built-in rubrics.
///
/// ```
/// assert_eq!(teichaku_rules::BUILTIN_RUBRICS, ["ai-use-in-appraisal"]);
/// ```
pub const BUILTIN_RUBRICS: [&str; 1] = ["ai-use-in-appraisal"];

/// The JSON of the built-in rubric `ai-use-in-appraisal`, its latest revision (2).
///
/// It scores how a person uses generative AI in the appraisal period: the AI entry in the goal
/// sheet filled in (reviewed in the appraisal interview), improvement proposals implemented,
/// success cases shared and days of use in the last 28. Any rule incident in the period caps the
/// band at B, and use without any outcome (no proposal implemented, no success case shared)
/// cannot lift the band above C.
///
/// Revision 2 declares every fact `required`, so a missing fact is an error rather than a
/// criterion left out (which lifted the others) or a cap that cannot apply (a missing `incidents`
/// lifted the incident cap), and gives the number facts ranges: `usage_days_28` within
/// `[0, 28]`, the counts within `[0, 1000]`. Revision 1
/// ([`AI_USE_IN_APPRAISAL_1_JSON`]) stays addressable as `ai-use-in-appraisal@1`, to re-run an
/// appraisal made with it.
///
/// ```
/// let rubric = teichaku_rules::parse_rubric(teichaku_rules::AI_USE_IN_APPRAISAL_JSON)?;
/// assert_eq!((rubric.revision, rubric.criteria.len()), (2, 4));
/// assert!(rubric.facts.iter().all(|f| f.required));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const AI_USE_IN_APPRAISAL_JSON: &str = include_str!("../data/ai-use-in-appraisal-2.json");

/// The JSON of revision 1 of the built-in rubric `ai-use-in-appraisal`: the same criteria, caps
/// and bands as revision 2, without fact ranges and with missing facts renormalised.
///
/// ```
/// let rubric = teichaku_rules::parse_rubric(teichaku_rules::AI_USE_IN_APPRAISAL_1_JSON)?;
/// assert_eq!(rubric.revision, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const AI_USE_IN_APPRAISAL_1_JSON: &str = include_str!("../data/ai-use-in-appraisal-1.json");

/// The revisions of `ai-use-in-appraisal`, oldest first, with their JSON.
const AI_USE_IN_APPRAISAL: [(u32, &str); 2] = [(1, AI_USE_IN_APPRAISAL_1_JSON), (2, AI_USE_IN_APPRAISAL_JSON)];

/// The built-in rubric `ai-use-in-appraisal`, latest revision, compiled (see
/// [`AI_USE_IN_APPRAISAL_JSON`]).
///
/// ```
/// let rubric = teichaku_rules::ai_use_in_appraisal();
/// assert_eq!(rubric.rubric().revision, 2);
/// assert_eq!(rubric.rubric().bands.len(), 5);
/// ```
pub fn ai_use_in_appraisal() -> CompiledRubric {
    compiled(AI_USE_IN_APPRAISAL_JSON)
}

/// The JSON of a built-in rubric named `ID` (its latest revision) or `ID@REVISION`.
///
/// # Errors
///
/// [`BuiltinError::UnknownRubric`], [`BuiltinError::UnknownRevision`] or
/// [`BuiltinError::BadSpec`] (a revision that is not a number).
///
/// # Example
///
/// ```
/// assert_eq!(teichaku_rules::builtin_json("ai-use-in-appraisal@1")?, teichaku_rules::AI_USE_IN_APPRAISAL_1_JSON);
/// assert_eq!(teichaku_rules::builtin_json("ai-use-in-appraisal")?, teichaku_rules::AI_USE_IN_APPRAISAL_JSON);
/// # Ok::<(), teichaku_rules::BuiltinError>(())
/// ```
pub fn builtin_json(spec: &str) -> Result<&'static str, BuiltinError> {
    let (id, revision) = match spec.split_once('@') {
        None => (spec, None),
        Some((id, revision)) => {
            let revision = revision.parse::<u32>().map_err(|_| BuiltinError::BadSpec { spec: spec.to_owned() })?;
            (id, Some(revision))
        }
    };
    let revisions: &[(u32, &'static str)] = match id {
        "ai-use-in-appraisal" => &AI_USE_IN_APPRAISAL,
        _ => {
            return Err(BuiltinError::UnknownRubric {
                id: id.to_owned(),
                known: BUILTIN_RUBRICS.iter().map(|s| (*s).to_owned()).collect(),
            });
        }
    };
    let found = match revision {
        None => revisions.last(),
        Some(revision) => revisions.iter().find(|(r, _)| *r == revision),
    };
    found.map(|(_, json)| *json).ok_or_else(|| BuiltinError::UnknownRevision {
        id: id.to_owned(),
        revision: revision.unwrap_or(0),
        known: revisions.iter().map(|(r, _)| *r).collect(),
    })
}

/// A built-in rubric named `ID` (its latest revision) or `ID@REVISION`, compiled.
///
/// # Errors
///
/// As [`builtin_json`].
///
/// # Example
///
/// ```
/// let old = teichaku_rules::builtin("ai-use-in-appraisal@1")?;
/// assert_eq!(old.rubric().revision, 1);
/// assert_ne!(old.content_hash(), teichaku_rules::ai_use_in_appraisal().content_hash());
/// assert!(teichaku_rules::builtin("ai-use-in-appraisal@3").is_err());
/// # Ok::<(), teichaku_rules::BuiltinError>(())
/// ```
pub fn builtin(spec: &str) -> Result<CompiledRubric, BuiltinError> {
    builtin_json(spec).map(compiled)
}

fn compiled(json: &str) -> CompiledRubric {
    #[expect(clippy::expect_used, reason = "INVARIANT: embedded data, checked by the crate's tests")]
    let rubric = parse_rubric(json).expect("the built-in rubric parses");
    #[expect(clippy::expect_used, reason = "INVARIANT: embedded data, checked by the crate's tests")]
    compile(rubric).expect("the built-in rubric is valid")
}
