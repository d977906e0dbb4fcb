//! Subject dicts read a chunk at a time while the interpreter is held, and scored on a worker
//! thread that runs without it: a batch of dicts takes about the longer of reading and scoring,
//! not their sum.
//!
//! A subject is read straight from its dicts into buffers that hold no Python object. Keys are
//! known by identity (the dicts of a batch share their key objects: the literals of the
//! caller's code, a CSV header's names), else looked up in a dict of the names this batch reads;
//! values of the exact built-in types are read as they are. Nothing in that reading runs Python
//! code, so no dict can change while it is read. Any other subject (a dict subclass, a key or
//! value of another type, an unknown key, fact or role) is read by
//! [`subject_input`](crate::subject_input) and checked by [`calls::subject`], which name what
//! is wrong: the results and the errors are those of reading every subject that way.

use std::ops::Range;
use std::sync::mpsc;
use std::thread;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};
use teichaku::model::Role;
use teichaku::rules::{CompiledRubric, FactValue, Facts, Subject};

use crate::calls::{self, FactInput, Misshapen};
use crate::convert::{self, FactNames, GcPause};
use crate::results::{ResultColumns, Row};

/// Where the subjects read go, a row at a time, in input order.
pub(crate) trait Sink: Send {
    /// Takes one subject.
    fn push(&mut self, row: &Row<'_>);
}

/// Each subject scored into the compact columns.
impl Sink for ResultColumns<'_> {
    fn push(&mut self, row: &Row<'_>) {
        ResultColumns::push(self, row);
    }
}

/// Each subject kept as the engine's batch evaluation takes it.
impl Sink for Vec<Subject> {
    fn push(&mut self, row: &Row<'_>) {
        let mut subject = Subject::new(row.id, row.facts.clone()).with_roles(row.roles.iter().copied());
        subject.group = row.group.map(str::to_owned);
        Vec::push(self, subject);
    }
}

/// The subjects read before they are handed over to the worker.
const CHUNK: usize = 2048;

/// Reads `subjects` (an iterable of subject dicts) and hands each to `sink`, in order: the
/// first chunk read, the rest on a worker thread that runs without the interpreter while the
/// next chunks are read. Between chunks the interpreter is let go for a moment, so other Python
/// threads run during a long read too.
///
/// # Errors
///
/// `TypeError` for subjects that are not an iterable of subject dicts, as
/// [`BatchInput::of`](crate::batch::BatchInput::of) raises it; the binding's `EvaluationError`
/// naming every subject of the wrong shape, as [`calls::subjects`] names them (nothing is then
/// handed on); `EvaluationError` `changed_while_read` for a subject that Python code run while
/// it was read changed.
pub(crate) fn read<S: Sink>(rubric: &CompiledRubric, subjects: &Bound<'_, PyAny>, sink: S) -> PyResult<S> {
    let py = subjects.py();
    crate::batch::check_iterable(subjects)?;
    // No collection runs while the dicts are read: nothing in the plain reading then runs
    // Python code (a collection may call finalisers), and a collection every few hundred new
    // objects would walk every dict of the batch again and again.
    let _paused = GcPause::new(py)?;
    let mut reader = Reader::new(py, rubric)?;
    let mut names = FactNames::default();
    let mut misshapen = Misshapen::default();
    thread::scope(|scope| {
        let mut scoring = Scoring { rubric, sink: Some(sink), worker: None, emptied: None };
        let mut chunk = Chunk::new(reader.width);
        for (index, subject) in subjects.try_iter()?.enumerate() {
            let subject = subject?;
            if !reader.read(&subject, &mut chunk) {
                let input = crate::subject_input(&subject, index, &mut names)?;
                match calls::subject(rubric, &input) {
                    Ok(row) => chunk.push_subject(&row),
                    Err(problems) => misshapen.add(index, &input.id, problems),
                }
            }
            if chunk.len() == CHUNK {
                let full = std::mem::replace(&mut chunk, scoring.empty_chunk(reader.width));
                // Once a subject is misshapen there are no results to make.
                if misshapen.is_empty() {
                    scoring.hand_over(scope, full)?;
                }
                py.detach(|| ());
            }
        }
        if let Some(failure) = misshapen.into_failure() {
            return Err(crate::raise(py, failure));
        }
        scoring.finish(py, chunk)
    })
}

/// The subjects read and not yet handed over, in buffers that hold no Python object.
struct Chunk {
    /// The number of facts of the rubric: each subject's slots in `facts`.
    width: usize,
    /// Every subject's id and group, one after another.
    text: String,
    subjects: Vec<Read>,
    /// Every subject's roles, one after another.
    roles: Vec<Role>,
    /// Every subject's facts, `width` slots each; `None` for a missing fact.
    facts: Vec<Option<FactValue>>,
}

/// Where one subject of a chunk lies in its buffers.
struct Read {
    id: Range<usize>,
    group: Option<Range<usize>>,
    roles: Range<usize>,
}

/// The buffers' lengths, to undo a subject read in part.
struct Mark {
    text: usize,
    roles: usize,
    facts: usize,
}

impl Chunk {
    fn new(width: usize) -> Self {
        Self {
            width,
            text: String::new(),
            subjects: Vec::with_capacity(CHUNK),
            roles: Vec::with_capacity(CHUNK),
            facts: Vec::with_capacity(CHUNK * width),
        }
    }

    fn len(&self) -> usize {
        self.subjects.len()
    }

    fn mark(&self) -> Mark {
        Mark { text: self.text.len(), roles: self.roles.len(), facts: self.facts.len() }
    }

    fn undo(&mut self, mark: Mark) {
        self.text.truncate(mark.text);
        self.roles.truncate(mark.roles);
        self.facts.truncate(mark.facts);
    }

    /// Appends a text; `None` when it cannot be read as UTF-8 (a lone surrogate).
    fn push_text(&mut self, text: &Bound<'_, PyString>) -> Option<Range<usize>> {
        // `encode_utf8` rather than `to_cow`: one Python bytes object, no Rust string made from it
        // (the binding targets the stable ABI of Python 3.9, which cannot borrow a str's UTF-8).
        let bytes = text.encode_utf8().ok()?;
        let text = std::str::from_utf8(bytes.as_bytes()).ok()?;
        let start = self.text.len();
        self.text.push_str(text);
        Some(start..self.text.len())
    }

    /// Appends a subject read and checked the slow way.
    fn push_subject(&mut self, subject: &Subject) {
        let start = self.text.len();
        self.text.push_str(&subject.id);
        let id = start..self.text.len();
        let group = subject.group.as_deref().map(|group| {
            let start = self.text.len();
            self.text.push_str(group);
            start..self.text.len()
        });
        let roles = self.roles.len()..self.roles.len() + subject.roles.len();
        self.roles.extend_from_slice(&subject.roles);
        self.facts.extend((0..self.width).map(|i| subject.facts.get(i).cloned()));
        self.subjects.push(Read { id, group, roles });
    }

    /// Hands every subject to `sink`, in order, each in the reused facts row `row`, and empties
    /// the chunk for reuse.
    fn hand_over(&mut self, row: &mut Facts, sink: &mut impl Sink) {
        let width = self.width;
        let mut slots = self.facts.chunks_exact_mut(width.max(1));
        for read in &self.subjects {
            if width > 0 {
                for (index, slot) in slots.next().into_iter().flatten().enumerate() {
                    match slot.take() {
                        Some(value) => row.set(index, value),
                        None => row.clear(index),
                    }
                }
            }
            let id = self.text.get(read.id.clone()).unwrap_or_default();
            let group = read.group.clone().and_then(|group| self.text.get(group));
            let roles = self.roles.get(read.roles.clone()).unwrap_or_default();
            sink.push(&Row { id, group, roles, facts: row });
        }
        self.text.clear();
        self.subjects.clear();
        self.roles.clear();
        self.facts.clear();
    }
}

/// The keys of a subject dict.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Field {
    Id,
    Group,
    Roles,
    Facts,
}

impl Field {
    const ALL: [Field; 4] = [Field::Id, Field::Group, Field::Roles, Field::Facts];

    fn key(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Group => "group",
            Field::Roles => "roles",
            Field::Facts => "facts",
        }
    }
}

/// Reads plain subjects: the names this batch reads, and the keys met at each position of the
/// dicts read so far (the dicts of a batch list the same keys in the same order, as the same
/// objects).
struct Reader<'py> {
    width: usize,
    /// Each field's key to its position in [`Field::ALL`].
    fields: Bound<'py, PyDict>,
    /// Each fact's name to its position in the rubric's fact table.
    facts: Bound<'py, PyDict>,
    /// Each role's name to its position in [`Role::ALL`].
    roles: Bound<'py, PyDict>,
    /// The key last met at each position of a subject dict.
    field_keys: Vec<Option<(Bound<'py, PyAny>, Field)>>,
    /// The key last met at each position of a facts dict.
    fact_keys: Vec<Option<(Bound<'py, PyAny>, usize)>>,
}

impl<'py> Reader<'py> {
    fn new(py: Python<'py>, rubric: &CompiledRubric) -> PyResult<Self> {
        let table = rubric.fact_table();
        let fields = PyDict::new(py);
        for (position, field) in Field::ALL.iter().enumerate() {
            fields.set_item(PyString::intern(py, field.key()), position)?;
        }
        let facts = PyDict::new(py);
        for index in 0..table.len() {
            if let Some(name) = table.name(index) {
                facts.set_item(PyString::intern(py, name.as_str()), index)?;
            }
        }
        let roles = PyDict::new(py);
        for (position, role) in Role::ALL.iter().enumerate() {
            roles.set_item(PyString::intern(py, role.as_str()), position)?;
        }
        Ok(Self { width: table.len(), fields, facts, roles, field_keys: Vec::new(), fact_keys: Vec::new() })
    }

    /// Reads a plain subject into `chunk`; `false`, and the chunk as it was, for any other.
    fn read(&mut self, subject: &Bound<'py, PyAny>, chunk: &mut Chunk) -> bool {
        let mark = chunk.mark();
        let read = self.read_plain(subject, chunk).is_some();
        if !read {
            chunk.undo(mark);
        }
        read
    }

    fn read_plain(&mut self, subject: &Bound<'py, PyAny>, chunk: &mut Chunk) -> Option<()> {
        let dict = subject.cast_exact::<PyDict>().ok()?;
        let facts_at = chunk.facts.len();
        chunk.facts.resize(facts_at + chunk.width, None);
        let roles_at = chunk.roles.len();
        let (mut id, mut group, mut has_facts) = (None, None, false);
        // Nothing in this loop runs Python code (exact types only, lookups of exact str keys in
        // dicts of exact str keys, the collector paused), so the dicts cannot change while they
        // are iterated.
        for (position, (key, value)) in dict.iter().enumerate() {
            match self.field(position, &key)? {
                Field::Id => id = Some(chunk.push_text(value.cast_exact::<PyString>().ok()?)?),
                Field::Group if value.is_none() => {}
                Field::Group => group = Some(chunk.push_text(value.cast_exact::<PyString>().ok()?)?),
                Field::Roles => {
                    for role in value.cast_exact::<PyList>().ok()?.iter() {
                        let role = self.roles.get_item(role.cast_exact::<PyString>().ok()?).ok()??;
                        chunk.roles.push(*Role::ALL.get(role.extract::<usize>().ok()?)?);
                    }
                }
                Field::Facts => {
                    for (position, (key, value)) in value.cast_exact::<PyDict>().ok()?.iter().enumerate() {
                        let index = self.fact(position, &key)?;
                        *chunk.facts.get_mut(facts_at + index)? = plain_value(&value)?;
                    }
                    has_facts = true;
                }
            }
        }
        if !has_facts {
            return None;
        }
        chunk.subjects.push(Read { id: id?, group, roles: roles_at..chunk.roles.len() });
        Some(())
    }

    /// The field a subject dict's key at `position` names; `None` for an unknown key or one
    /// that is not exactly a str.
    fn field(&mut self, position: usize, key: &Bound<'py, PyAny>) -> Option<Field> {
        if let Some(Some((known, field))) = self.field_keys.get(position) {
            if known.is(key) {
                return Some(*field);
            }
        }
        let found = self.fields.get_item(key.cast_exact::<PyString>().ok()?).ok()??;
        let field = *Field::ALL.get(found.extract::<usize>().ok()?)?;
        remember(&mut self.field_keys, position, key, field);
        Some(field)
    }

    /// The position in the rubric's fact table of the fact a facts dict's key at `position`
    /// names; `None` for a name the rubric does not declare or one that is not exactly a str.
    fn fact(&mut self, position: usize, key: &Bound<'py, PyAny>) -> Option<usize> {
        if let Some(Some((known, index))) = self.fact_keys.get(position) {
            if known.is(key) {
                return Some(*index);
            }
        }
        let found = self.facts.get_item(key.cast_exact::<PyString>().ok()?).ok()??;
        let index = found.extract::<usize>().ok()?;
        remember(&mut self.fact_keys, position, key, index);
        Some(index)
    }
}

/// Keeps `key` as the key last met at `position`.
fn remember<'py, T>(
    keys: &mut Vec<Option<(Bound<'py, PyAny>, T)>>,
    position: usize,
    key: &Bound<'py, PyAny>,
    meaning: T,
) {
    if keys.len() <= position {
        keys.resize_with(position + 1, || None);
    }
    if let Some(slot) = keys.get_mut(position) {
        *slot = Some((key.clone(), meaning));
    }
}

/// A fact's value of an exact built-in type (`None`, `bool`, `int`, `float`, `str`) as
/// [`convert::to_facts`] reads it; `None` for any other object, or a value that fact reading
/// refuses (an int too large for a float, a str that is not UTF-8).
fn plain_value(value: &Bound<'_, PyAny>) -> Option<Option<FactValue>> {
    if value.is_none() {
        return Some(None);
    }
    if let Ok(b) = value.cast_exact::<PyBool>() {
        return Some(Some(FactValue::Boolean(b.is_true())));
    }
    if value.is_exact_instance_of::<PyInt>() {
        // An int read as an i64 where that is exact, without the float object `float(i)` makes.
        if let Ok(i) = value.extract::<i64>() {
            if i.unsigned_abs() <= 1 << f64::MANTISSA_DIGITS {
                return Some(Some(FactValue::Number(i as f64)));
            }
        }
        return match convert::number(value) {
            FactInput::Value(value) => Some(Some(value)),
            FactInput::Missing => Some(None),
            FactInput::Unsupported(_) => None,
        };
    }
    if value.is_exact_instance_of::<PyFloat>() {
        let x: f64 = value.extract().ok()?;
        return Some(if x.is_nan() { None } else { Some(FactValue::Number(x)) });
    }
    let text = value.cast_exact::<PyString>().ok()?.encode_utf8().ok()?;
    let text = std::str::from_utf8(text.as_bytes()).ok()?;
    Some(Some(FactValue::Enumeration(text.to_owned())))
}

/// Where the chunks go: to `sink` here until the first chunk is full, then to a worker thread
/// that holds it and sends each chunk back emptied, its buffers to be filled again.
struct Scoring<'scope, 'r, S> {
    rubric: &'r CompiledRubric,
    sink: Option<S>,
    worker: Option<(mpsc::Sender<Chunk>, thread::ScopedJoinHandle<'scope, S>)>,
    emptied: Option<mpsc::Receiver<Chunk>>,
}

impl<'scope, 'r: 'scope, S: Sink + 'scope> Scoring<'scope, 'r, S> {
    /// A chunk emptied by the worker, or a new one.
    fn empty_chunk(&self, width: usize) -> Chunk {
        self.emptied.as_ref().and_then(|emptied| emptied.try_recv().ok()).unwrap_or_else(|| Chunk::new(width))
    }

    /// Hands `chunk` over to the worker, started on the first chunk.
    fn hand_over<'env>(&mut self, scope: &'scope thread::Scope<'scope, 'env>, chunk: Chunk) -> PyResult<()> {
        if let Some(mut sink) = self.sink.take() {
            let (chunks, received) = mpsc::channel::<Chunk>();
            let (give_back, emptied) = mpsc::channel::<Chunk>();
            let rubric = self.rubric;
            let worker = scope.spawn(move || {
                let mut row = rubric.empty_facts();
                for mut chunk in received {
                    chunk.hand_over(&mut row, &mut sink);
                    // The reader may have stopped taking them back; the chunk is then dropped.
                    let _ = give_back.send(chunk);
                }
                sink
            });
            self.worker = Some((chunks, worker));
            self.emptied = Some(emptied);
        }
        match &self.worker {
            Some((chunks, _)) => chunks.send(chunk).map_err(|_| stopped()),
            None => Err(stopped()),
        }
    }

    /// Hands the last chunk over and waits for the sink, letting the interpreter go meanwhile.
    fn finish(self, py: Python<'_>, mut chunk: Chunk) -> PyResult<S> {
        let rubric = self.rubric;
        match (self.sink, self.worker) {
            (Some(mut sink), _) => Ok(py.detach(|| {
                chunk.hand_over(&mut rubric.empty_facts(), &mut sink);
                sink
            })),
            (None, Some((chunks, worker))) => {
                chunks.send(chunk).map_err(|_| stopped())?;
                drop(chunks);
                py.detach(|| worker.join()).map_err(|_| stopped())
            }
            (None, None) => Err(stopped()),
        }
    }
}

/// The worker stopped before it scored every subject: a bug, not the caller's input.
fn stopped() -> PyErr {
    PyRuntimeError::new_err("the thread scoring the subjects stopped before the last subject (a bug in teichaku)")
}
