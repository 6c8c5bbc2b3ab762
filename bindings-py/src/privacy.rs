//! `xinyong.person_key` and `xinyong.redact`: resident ID numbers never enter a graph file or
//! leave in a message (engine module `privacy`).

use pyo3::prelude::*;

use crate::errors::to_py_err;

/// The pseudonymous person key of a resident ID number (GB 11643): ``pid-`` and 32 hex digits of
/// HMAC-SHA-256 under ``secret`` (at least 16 bytes, kept by the platform). The same number and
/// secret always give the same key, so shareholder tables from several departments meet at one
/// person. Raises ``InvalidFieldError`` for a number whose check character or birth date is
/// wrong, or a short secret; the message never repeats the number.
#[pyfunction]
pub fn person_key(id_number: &str, secret: &[u8]) -> PyResult<String> {
    xinyong::privacy::person_key(id_number, secret).map_err(to_py_err)
}

/// ``text`` with every resident ID number in it replaced by ``[ID number redacted]``.
#[pyfunction]
pub fn redact(text: &str) -> String {
    xinyong::privacy::redact(text).into_owned()
}
