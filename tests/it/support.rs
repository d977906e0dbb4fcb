//! Shared fixtures: the small document and helpers to break it in one place.

use serde_json::Value;
use teichaku::model::{MemberId, UnitId, ValidationError};
use teichaku::{Catalog, LoadError};

/// A small valid document with a record of every kind and an inline playbook.
pub(crate) const SMALL: &str = include_str!("../data/small.json");

pub(crate) fn small() -> Value {
    serde_json::from_str(SMALL).unwrap()
}

/// The built-in catalog, parsed once for the whole test binary.
pub(crate) fn catalog() -> &'static Catalog {
    static CATALOG: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    CATALOG.get_or_init(Catalog::builtin)
}

/// Loads `doc` against the built-in catalog.
pub(crate) fn load(doc: &Value) -> Result<teichaku::model::ValidSnapshot, LoadError> {
    teichaku::load(&doc.to_string(), catalog())
}

/// The validation errors of `doc`, which must be readable and invalid.
pub(crate) fn errors(doc: &Value) -> Vec<ValidationError> {
    match load(doc) {
        Err(LoadError::Invalid(errors)) => errors.into_vec(),
        Err(other) => panic!("expected validation errors, got {other}"),
        Ok(_) => panic!("expected validation errors, the document is valid"),
    }
}

/// Sets the value at a JSON pointer, adding the last key to its object when it is absent.
pub(crate) fn set(doc: &mut Value, pointer: &str, value: Value) {
    if let Some(node) = doc.pointer_mut(pointer) {
        *node = value;
        return;
    }
    let (parent, key) = pointer.rsplit_once('/').unwrap_or_else(|| panic!("no {pointer}"));
    let object = doc.pointer_mut(parent).and_then(Value::as_object_mut).unwrap_or_else(|| panic!("no object {parent}"));
    object.insert(key.to_owned(), value);
}

/// Appends to the array at a JSON pointer.
pub(crate) fn push(doc: &mut Value, pointer: &str, value: Value) {
    doc.pointer_mut(pointer).and_then(Value::as_array_mut).unwrap_or_else(|| panic!("no array {pointer}")).push(value);
}

/// The value at a JSON pointer, cloned.
pub(crate) fn get(doc: &Value, pointer: &str) -> Value {
    doc.pointer(pointer).cloned().unwrap_or_else(|| panic!("no {pointer}"))
}

pub(crate) fn unit(n: u128) -> UnitId {
    UnitId::from_u128(n)
}

pub(crate) fn member(n: u128) -> MemberId {
    MemberId::from_u128(n)
}
