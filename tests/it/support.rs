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

/// The peak resident memory of this process, in bytes, where the system tells it.
#[expect(clippy::disallowed_methods, reason = "the test reads its own peak memory from the system")]
pub(crate) fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Runs `body` alone in a child process of this test binary, so no other test's memory counts.
pub(crate) fn alone(test: &str, body: impl FnOnce()) {
    const CHILD: &str = "TEICHAKU_TEST_CHILD";
    #[expect(clippy::disallowed_methods, reason = "the test runs itself alone in a child process")]
    let child = std::env::var_os(CHILD).is_some();
    if child {
        body();
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let output = std::process::Command::new(exe)
        .args([test, "--exact", "--test-threads=1", "--nocapture"])
        .env(CHILD, "1")
        .output()
        .unwrap();
    assert!(
        output.status.success() && String::from_utf8_lossy(&output.stdout).contains("1 passed"),
        "{test} alone: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
