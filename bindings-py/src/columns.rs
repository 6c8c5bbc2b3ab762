//! Arrow rows as enterprise JSON documents: the second column convention of
//! `Evaluator.evaluate_frame` (`column=None`), where the table's columns are the enterprise's
//! top-level fields (`uscc`, `name`, `established_on`, `records` as a list of structs, ...).
//!
//! A row is written as the JSON object the engine reads, then parsed by the engine's own parser,
//! so the same data gives the same result and the same error paths as its JSON Lines form.
//! Nulls become absent fields (inside structs too), which is what a DataFrame built from records
//! of different kinds holds. Decimals are written as exact decimal strings, dates as
//! `YYYY-MM-DD`; a timestamp at midnight is written as its date (pandas keeps dates as
//! timestamps), any other timestamp as a full ISO text, which the engine rejects where a date
//! is expected.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use chrono::NaiveTime;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

/// Why a column type cannot be written as JSON, or `None` when it can.
pub(crate) fn unsupported(data_type: &DataType) -> Option<String> {
    match data_type {
        DataType::Null
        | DataType::Boolean
        | DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64
        | DataType::Float32
        | DataType::Float64
        | DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Date32
        | DataType::Date64
        | DataType::Timestamp(_, _) => None,
        DataType::Decimal128(_, scale) if *scale >= 0 => None,
        DataType::List(field) | DataType::LargeList(field) | DataType::FixedSizeList(field, _) => {
            unsupported(field.data_type())
        }
        DataType::Struct(fields) => fields.iter().find_map(|f| unsupported(f.data_type())),
        DataType::Map(entries, _) => unsupported(entries.data_type()),
        DataType::Dictionary(_, values) => unsupported(values),
        other => Some(format!("{other} has no JSON form the engine reads")),
    }
}

/// One row of a batch as a JSON object (null cells left out).
pub(crate) struct Row<'a> {
    /// The batch.
    pub(crate) batch: &'a RecordBatch,
    /// The row.
    pub(crate) row: usize,
}

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let schema = self.batch.schema_ref();
        let mut map = serializer.serialize_map(None)?;
        for (field, column) in schema.fields().iter().zip(self.batch.columns()) {
            if !column.is_null(self.row) && column.data_type() != &DataType::Null {
                map.serialize_entry(field.name(), &Cell { array: column, row: self.row })?;
            }
        }
        map.end()
    }
}

/// One value of an array.
struct Cell<'a> {
    array: &'a ArrayRef,
    row: usize,
}

/// An exact decimal text from Arrow's scaled integer.
fn decimal_text(value: i128, scale: i8) -> String {
    let digits = value.unsigned_abs().to_string();
    let sign = if value < 0 { "-" } else { "" };
    let scale = usize::try_from(scale).unwrap_or(0);
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    format!("{sign}{whole}.{fraction}")
}

impl Serialize for Cell<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (array, row) = (self.array, self.row);
        if array.is_null(row) {
            return s.serialize_unit();
        }
        match array.data_type() {
            DataType::Null => s.serialize_unit(),
            DataType::Boolean => s.serialize_bool(array.as_boolean().value(row)),
            DataType::Int8 => s.serialize_i64(array.as_primitive::<Int8Type>().value(row).into()),
            DataType::Int16 => s.serialize_i64(array.as_primitive::<Int16Type>().value(row).into()),
            DataType::Int32 => s.serialize_i64(array.as_primitive::<Int32Type>().value(row).into()),
            DataType::Int64 => s.serialize_i64(array.as_primitive::<Int64Type>().value(row)),
            DataType::UInt8 => s.serialize_u64(array.as_primitive::<UInt8Type>().value(row).into()),
            DataType::UInt16 => {
                s.serialize_u64(array.as_primitive::<UInt16Type>().value(row).into())
            }
            DataType::UInt32 => {
                s.serialize_u64(array.as_primitive::<UInt32Type>().value(row).into())
            }
            DataType::UInt64 => s.serialize_u64(array.as_primitive::<UInt64Type>().value(row)),
            DataType::Float32 => float(s, array.as_primitive::<Float32Type>().value(row).into()),
            DataType::Float64 => float(s, array.as_primitive::<Float64Type>().value(row)),
            DataType::Utf8 => s.serialize_str(array.as_string::<i32>().value(row)),
            DataType::LargeUtf8 => s.serialize_str(array.as_string::<i64>().value(row)),
            DataType::Utf8View => s.serialize_str(array.as_string_view().value(row)),
            DataType::Decimal128(_, scale) => {
                let value = array.as_primitive::<arrow_array::types::Decimal128Type>().value(row);
                s.collect_str(&decimal_text(value, *scale))
            }
            DataType::Date32 => match array.as_primitive::<Date32Type>().value_as_date(row) {
                Some(date) => s.collect_str(&date.format("%Y-%m-%d")),
                None => s.serialize_unit(),
            },
            DataType::Date64 => match array.as_primitive::<Date64Type>().value_as_date(row) {
                Some(date) => s.collect_str(&date.format("%Y-%m-%d")),
                None => s.serialize_unit(),
            },
            DataType::Timestamp(_, _) => match timestamp(array, row) {
                Some(at) if at.time() == NaiveTime::MIN => s.collect_str(&at.format("%Y-%m-%d")),
                Some(at) => s.collect_str(&at.format("%Y-%m-%dT%H:%M:%S%.f")),
                None => s.serialize_unit(),
            },
            DataType::List(_) => seq(s, &array.as_list::<i32>().value(row)),
            DataType::LargeList(_) => seq(s, &array.as_list::<i64>().value(row)),
            DataType::FixedSizeList(_, _) => seq(s, &array.as_fixed_size_list().value(row)),
            DataType::Struct(fields) => {
                let parts = array.as_struct();
                let mut map = s.serialize_map(None)?;
                for (field, column) in fields.iter().zip(parts.columns()) {
                    if !column.is_null(row) && column.data_type() != &DataType::Null {
                        map.serialize_entry(field.name(), &Cell { array: column, row })?;
                    }
                }
                map.end()
            }
            DataType::Map(_, _) => {
                let entries = array.as_map().value(row);
                let (keys, values) = (entries.column(0), entries.column(1));
                let mut map = s.serialize_map(Some(entries.len()))?;
                for i in 0..entries.len() {
                    if !values.is_null(i) {
                        map.serialize_entry(
                            &Cell { array: keys, row: i },
                            &Cell { array: values, row: i },
                        )?;
                    }
                }
                map.end()
            }
            DataType::Dictionary(_, _) => match array.as_any_dictionary_opt() {
                Some(dictionary) => {
                    let key = dictionary.normalized_keys().get(row).copied().unwrap_or(0);
                    Cell { array: dictionary.values(), row: key }.serialize(s)
                }
                None => s.serialize_unit(),
            },
            // Refused before any row is read (see `unsupported`).
            _ => s.serialize_unit(),
        }
    }
}

fn float<S: Serializer>(s: S, value: f64) -> Result<S::Ok, S::Error> {
    // NaN is how pandas spells a missing number.
    if value.is_finite() { s.serialize_f64(value) } else { s.serialize_unit() }
}

fn seq<S: Serializer>(s: S, items: &ArrayRef) -> Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(Some(items.len()))?;
    for row in 0..items.len() {
        seq.serialize_element(&Cell { array: items, row })?;
    }
    seq.end()
}

/// A timestamp cell as a naive date-time (in UTC when the column has a zone).
fn timestamp(array: &ArrayRef, row: usize) -> Option<chrono::NaiveDateTime> {
    use arrow_array::types::{
        TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
        TimestampSecondType,
    };
    use arrow_schema::TimeUnit;
    match array.data_type() {
        DataType::Timestamp(TimeUnit::Second, _) => {
            array.as_primitive::<TimestampSecondType>().value_as_datetime(row)
        }
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            array.as_primitive::<TimestampMillisecondType>().value_as_datetime(row)
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            array.as_primitive::<TimestampMicrosecondType>().value_as_datetime(row)
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            array.as_primitive::<TimestampNanosecondType>().value_as_datetime(row)
        }
        _ => None,
    }
}
