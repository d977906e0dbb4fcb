//! Engine results straight into Python objects: a serde serializer whose output is dicts, lists,
//! str, int, float, bool and None, the shapes `serde_json` would write, without a JSON value in
//! between. Each text and float is made once per conversion and shared, a struct's field names
//! found by their address.

use std::collections::HashMap;
use std::fmt;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString};
use serde::Serialize;
use serde::ser;

/// Python objects made in one conversion, each text and each float made once.
pub(crate) struct Objects<'py> {
    py: Python<'py>,
    texts: HashMap<String, Bound<'py, PyString>>,
    names: HashMap<(usize, usize), Bound<'py, PyString>>,
    floats: HashMap<u64, Bound<'py, PyAny>>,
}

impl<'py> Objects<'py> {
    /// Nothing made yet.
    pub(crate) fn new(py: Python<'py>) -> Self {
        Self { py, texts: HashMap::new(), names: HashMap::new(), floats: HashMap::new() }
    }

    /// The Python form of `value`, as `serde_json` would write it and `json.loads` read it back
    /// (a non-finite float is None).
    pub(crate) fn of(&mut self, value: &impl Serialize) -> PyResult<Bound<'py, PyAny>> {
        value.serialize(Serializer(self)).map_err(|e| e.0)
    }

    fn text(&mut self, text: &str) -> Bound<'py, PyString> {
        if let Some(made) = self.texts.get(text) {
            return made.clone();
        }
        let made = PyString::new(self.py, text);
        self.texts.insert(text.to_owned(), made.clone());
        made
    }

    /// A struct's field name or an enum's variant name, found again by its address.
    fn name(&mut self, name: &'static str) -> Bound<'py, PyString> {
        let key = (name.as_ptr() as usize, name.len());
        if let Some(made) = self.names.get(&key) {
            return made.clone();
        }
        let made = self.text(name);
        self.names.insert(key, made.clone());
        made
    }

    fn float(&mut self, x: f64) -> PyResult<Bound<'py, PyAny>> {
        if !x.is_finite() {
            return Ok(self.py.None().into_bound(self.py));
        }
        if let Some(made) = self.floats.get(&x.to_bits()) {
            return Ok(made.clone());
        }
        let made = x.into_pyobject(self.py)?.into_any();
        self.floats.insert(x.to_bits(), made.clone());
        Ok(made)
    }
}

/// A Python exception met while serializing, or a serde error as a `ValueError`.
pub(crate) struct Error(PyErr);

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(pyo3::exceptions::PyValueError::new_err(format!("the result cannot be written: {msg}")))
    }
}

impl From<std::convert::Infallible> for Error {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}

impl From<PyErr> for Error {
    fn from(e: PyErr) -> Self {
        Error(e)
    }
}

struct Serializer<'a, 'py>(&'a mut Objects<'py>);

/// A list being filled: a sequence, a tuple, or a variant's tuple (then `{variant: [...]}`).
struct List<'a, 'py> {
    objects: &'a mut Objects<'py>,
    list: Bound<'py, PyList>,
    variant: Option<&'static str>,
}

/// A dict being filled: a map, a struct, or a variant's struct (then `{variant: {...}}`).
struct Dict<'a, 'py> {
    objects: &'a mut Objects<'py>,
    dict: Bound<'py, PyDict>,
    key: Option<Bound<'py, PyAny>>,
    variant: Option<&'static str>,
}

impl<'py> Dict<'_, 'py> {
    fn done(self) -> Result<Bound<'py, PyAny>, Error> {
        let Some(variant) = self.variant else { return Ok(self.dict.into_any()) };
        let outer = PyDict::new(self.objects.py);
        outer.set_item(self.objects.name(variant), self.dict)?;
        Ok(outer.into_any())
    }
}

impl<'a, 'py> ser::Serializer for Serializer<'a, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    type SerializeSeq = List<'a, 'py>;
    type SerializeTuple = List<'a, 'py>;
    type SerializeTupleStruct = List<'a, 'py>;
    type SerializeTupleVariant = List<'a, 'py>;
    type SerializeMap = Dict<'a, 'py>;
    type SerializeStruct = Dict<'a, 'py>;
    type SerializeStructVariant = Dict<'a, 'py>;

    fn serialize_bool(self, v: bool) -> Result<Self::Ok, Error> {
        Ok(PyBool::new(self.0.py, v).to_owned().into_any())
    }
    fn serialize_i8(self, v: i8) -> Result<Self::Ok, Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<Self::Ok, Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<Self::Ok, Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<Self::Ok, Error> {
        Ok(v.into_pyobject(self.0.py)?.into_any())
    }
    fn serialize_i128(self, v: i128) -> Result<Self::Ok, Error> {
        Ok(v.into_pyobject(self.0.py)?.into_any())
    }
    fn serialize_u8(self, v: u8) -> Result<Self::Ok, Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<Self::Ok, Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<Self::Ok, Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<Self::Ok, Error> {
        Ok(v.into_pyobject(self.0.py)?.into_any())
    }
    fn serialize_u128(self, v: u128) -> Result<Self::Ok, Error> {
        Ok(v.into_pyobject(self.0.py)?.into_any())
    }
    fn serialize_f32(self, v: f32) -> Result<Self::Ok, Error> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<Self::Ok, Error> {
        Ok(self.0.float(v)?)
    }
    fn serialize_char(self, v: char) -> Result<Self::Ok, Error> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<Self::Ok, Error> {
        Ok(self.0.text(v).into_any())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Self::Ok, Error> {
        Ok(PyList::new(self.0.py, v)?.into_any())
    }
    fn serialize_none(self) -> Result<Self::Ok, Error> {
        Ok(self.0.py.None().into_bound(self.0.py))
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<Self::Ok, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Self::Ok, Error> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Self::Ok, Error> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Self::Ok, Error> {
        Ok(self.0.name(variant).into_any())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Self::Ok, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Self::Ok, Error> {
        let dict = PyDict::new(self.0.py);
        let key = self.0.name(variant);
        dict.set_item(key, value.serialize(Serializer(&mut *self.0))?)?;
        Ok(dict.into_any())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<List<'a, 'py>, Error> {
        let list = PyList::empty(self.0.py);
        Ok(List { objects: self.0, list, variant: None })
    }
    fn serialize_tuple(self, len: usize) -> Result<List<'a, 'py>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<List<'a, 'py>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<List<'a, 'py>, Error> {
        let list = PyList::empty(self.0.py);
        Ok(List { objects: self.0, list, variant: Some(variant) })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Dict<'a, 'py>, Error> {
        let dict = PyDict::new(self.0.py);
        Ok(Dict { objects: self.0, dict, key: None, variant: None })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Dict<'a, 'py>, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Dict<'a, 'py>, Error> {
        let dict = PyDict::new(self.0.py);
        Ok(Dict { objects: self.0, dict, key: None, variant: Some(variant) })
    }
}

impl<'py> List<'_, 'py> {
    fn push<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        let item = value.serialize(Serializer(&mut *self.objects))?;
        Ok(self.list.append(item)?)
    }

    fn done(self) -> Result<Bound<'py, PyAny>, Error> {
        let Some(variant) = self.variant else { return Ok(self.list.into_any()) };
        let outer = PyDict::new(self.objects.py);
        outer.set_item(self.objects.name(variant), self.list)?;
        Ok(outer.into_any())
    }
}

/// The four sequence forms serde asks of a serializer, each a Python list built element by element.
macro_rules! list_form {
    ($($form:ident :: $method:ident),*) => {$(
        impl<'py> ser::$form for List<'_, 'py> {
            type Ok = Bound<'py, PyAny>;
            type Error = Error;
            fn $method<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
                self.push(value)
            }
            fn end(self) -> Result<Self::Ok, Error> {
                self.done()
            }
        }
    )*};
}

list_form!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl<'py> ser::SerializeMap for Dict<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Error> {
        let key = key.serialize(Serializer(&mut *self.objects))?;
        // JSON keys are text: a number or a bool is written as its text, as `serde_json` does.
        self.key = Some(if key.is_instance_of::<PyString>() {
            key
        } else if key.is_instance_of::<PyBool>() {
            self.objects.text(if key.is_truthy()? { "true" } else { "false" }).into_any()
        } else {
            key.str()?.into_any()
        });
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        let value = value.serialize(Serializer(&mut *self.objects))?;
        let key = self.key.take().ok_or_else(|| <Error as ser::Error>::custom("a map value without its key"))?;
        Ok(self.dict.set_item(key, value)?)
    }
    fn end(self) -> Result<Self::Ok, Error> {
        self.done()
    }
}

impl<'py> ser::SerializeStruct for Dict<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        let value = value.serialize(Serializer(&mut *self.objects))?;
        Ok(self.dict.set_item(self.objects.name(key), value)?)
    }
    fn end(self) -> Result<Self::Ok, Error> {
        self.done()
    }
}

impl<'py> ser::SerializeStructVariant for Dict<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> Result<Self::Ok, Error> {
        self.done()
    }
}
