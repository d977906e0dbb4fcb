//! Reading and validating an assessment document in one step.

use teichaku_model::{DocumentError, ValidSnapshot, ValidationErrors, parse_document, validate_document};
use teichaku_playbooks::Catalog;

/// Why a document could not be loaded.
///
/// ```
/// let err = teichaku::load("{", &teichaku::Catalog::builtin()).unwrap_err();
/// assert!(matches!(err, teichaku::LoadError::Document(_)));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The text could not be read as a document.
    #[error(transparent)]
    Document(#[from] DocumentError),
    /// The document was read, and these problems were found in it.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
}

/// Reads an assessment document, resolves its playbook in `catalog` and validates it.
///
/// # Errors
///
/// [`LoadError::Document`] when the text cannot be read, [`LoadError::Invalid`] with every problem
/// found otherwise.
///
/// ```
/// let json = serde_json::to_string(&teichaku::demo::document())?;
/// let snapshot = teichaku::load(&json, &teichaku::Catalog::builtin())?;
/// assert_eq!(snapshot.organisation().units.len(), 5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load(json: &str, catalog: &Catalog) -> Result<ValidSnapshot, LoadError> {
    let document = parse_document(json)?;
    Ok(validate_document(document, catalog)?)
}
