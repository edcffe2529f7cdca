//! Django REST framework's field semantics for request bodies: which JSON values a field of
//! each [`FieldType`](crate::facts::FieldType) takes, the value it turns them into, and `null`.
//!
//! iDenfy's serializers are DRF's (its OpenAPI is drf-spectacular's), so a field coerces as
//! DRF 3.15's `fields.py` does: an `IntegerField` takes `600`, `600.0`, `"600"` and
//! `" 600.00 "` but not `600.5` or `true`; a `BooleanField` takes `true`, `1`, `1.0`, `"1"`,
//! `"true"`, `"yes"`, `"on"` and their kin; a `CharField` takes a number as the string Python
//! prints for it; a `FloatField` takes numbers, numeric strings and booleans. A field not
//! marked nullable answers `null` with "This field may not be null."; an object field (a
//! `DictField`, `type: object` in the OpenAPI) takes only a JSON object. The functions here are
//! `serde(deserialize_with)` helpers, so a body is still parsed once, straight from its bytes.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// DRF's error messages, verbatim.
pub mod messages {
    /// `null` for a field that is not nullable.
    pub const NULL: &str = "This field may not be null.";
    /// An `IntegerField` value that is not an integer.
    pub const INVALID_INTEGER: &str = "A valid integer is required.";
    /// A string over 1000 characters for a numeric field.
    pub const STRING_TOO_LARGE: &str = "String value too large.";
    /// A `BooleanField` value that is not one of DRF's booleans.
    pub const INVALID_BOOLEAN: &str = "Must be a valid boolean.";
    /// A `CharField` value that is neither a string nor a number.
    pub const INVALID_STRING: &str = "Not a valid string.";
    /// The start of a `DictField`'s answer to a value that is not an object; the Python type
    /// name follows in quotes.
    pub const NOT_A_DICT: &str = "Expected a dictionary of items but got type";
    /// A `FloatField` value that is not a number.
    pub const INVALID_NUMBER: &str = "A valid number is required.";
}

/// Longest string a numeric field parses (DRF's `MAX_STRING_LENGTH`).
pub const MAX_NUMERIC_STRING: usize = 1000;

/// Strings a `BooleanField` reads as `true` (besides `true`, `1` and `1.0`).
pub const TRUE_STRINGS: &[&str] = &[
    "t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1",
];
/// Strings a `BooleanField` reads as `false` (besides `false`, `0` and `0.0`).
pub const FALSE_STRINGS: &[&str] = &[
    "f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0",
];
/// Strings a nullable `BooleanField` reads as `null`.
pub const NULL_STRINGS: &[&str] = &["null", "Null", "NULL", ""];

/// The integer an `IntegerField` makes of a string: DRF strips a trailing `.0…` and
/// whitespace, then Python's `int()` takes surrounding whitespace, a sign and ASCII digits
/// with single underscores between them. `None` when it refuses the string.
pub fn integer_from_str(value: &str) -> Option<i64> {
    let trimmed = value.trim_end();
    let without_fraction = match trimmed.rfind('.') {
        Some(dot) if trimmed[dot + 1..].bytes().all(|b| b == b'0') => &trimmed[..dot],
        _ => value,
    };
    let text = without_fraction.trim();
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let well_formed = !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    if !well_formed {
        return None;
    }
    let magnitude: i64 = digits.replace('_', "").parse().ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

/// The integer an `IntegerField` makes of a JSON number with a fraction part: one whose
/// Python `str()` is `<digits>.0` (no fraction, under 10^16, where Python switches to
/// exponent notation).
pub fn integer_from_f64(value: f64) -> Option<i64> {
    // Exact: every integral f64 below 2^53 < 10^16 converts without loss.
    (value.is_finite() && value.fract() == 0.0 && value.abs() < 1e16).then_some(value as i64)
}

/// The boolean a `BooleanField` makes of a string, if any.
pub fn boolean_from_str(value: &str) -> Option<bool> {
    if TRUE_STRINGS.contains(&value) {
        Some(true)
    } else if FALSE_STRINGS.contains(&value) {
        Some(false)
    } else {
        None
    }
}

/// Python's `repr` of a float, as a `CharField` stores a JSON number with a fraction part:
/// the shortest digits that read back, in positional notation from 10^-4 up to below
/// 10^16 (`600.0`, `0.0001`) and in exponent notation outside (`1e+16`, `1.5e-05`).
pub fn python_float_repr(value: f64) -> String {
    if value == 0.0 {
        return if value.is_sign_negative() {
            "-0.0"
        } else {
            "0.0"
        }
        .to_owned();
    }
    // Rust's `{:e}` gives the same shortest round-trip digits, as `d.ddde<exp>`.
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific
        .split_once('e')
        .expect("`{:e}` always writes an exponent");
    let exponent: i32 = exponent.parse().expect("`{:e}` writes an integer exponent");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if (-4..16).contains(&exponent) {
        let point = exponent + 1;
        if point <= 0 {
            let zeros = "0".repeat(point.unsigned_abs() as usize);
            format!("{sign}0.{zeros}{digits}")
        } else {
            let point = point as usize;
            let integer = format!("{digits:0<point$}");
            let (whole, fraction) = integer.split_at(point);
            let fraction = if fraction.is_empty() { "0" } else { fraction };
            format!("{sign}{whole}.{fraction}")
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exponent_sign = if exponent < 0 { '-' } else { '+' };
        format!(
            "{sign}{first}{rest}e{exponent_sign}{:02}",
            exponent.unsigned_abs()
        )
    }
}

/// An `IntegerField` that is not nullable: absent stays `None` (with `#[serde(default)]`).
pub fn integer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    deserializer
        .deserialize_any(IntegerVisitor)
        .and_then(present)
}

/// A `BooleanField` that is not nullable.
pub fn boolean<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    deserializer
        .deserialize_any(BooleanVisitor { nullable: false })
        .and_then(present)
}

/// A nullable `BooleanField`: `null` and DRF's null strings are absent.
pub fn nullable_boolean<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<bool>, D::Error> {
    deserializer.deserialize_any(BooleanVisitor { nullable: true })
}

/// A `FloatField` that is not nullable.
pub fn number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    deserializer
        .deserialize_any(NumberVisitor)
        .and_then(present)
}

/// A nullable `CharField`: `null` is absent, a number becomes its string.
pub fn nullable_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    deserializer.deserialize_any(StringVisitor)
}

/// A required `CharField` that is not nullable, such as `clientId`.
pub fn required_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    deserializer
        .deserialize_any(StringVisitor)
        .and_then(refuse_null)
}

/// Any other field that is not nullable (a choice, an object): `null` is refused, every other
/// value is `T`'s to read.
pub fn non_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).and_then(present)
}

/// `value` as it is, or the error for a `null` (read as `None`) where none is allowed.
fn present<T, E: de::Error>(value: Option<T>) -> Result<Option<T>, E> {
    refuse_null(value).map(Some)
}

/// A `DictField` that is not nullable (`additionalSteps`, `additionalData`): a JSON object.
pub fn object<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<serde_json::Value>, D::Error> {
    let value = present(Option::<serde_json::Value>::deserialize(deserializer)?)?;
    let python_type = match &value {
        Some(serde_json::Value::Object(_)) | None => return Ok(value),
        Some(serde_json::Value::String(_)) => "str",
        Some(serde_json::Value::Bool(_)) => "bool",
        Some(serde_json::Value::Number(number)) if number.is_f64() => "float",
        Some(serde_json::Value::Number(_)) => "int",
        Some(serde_json::Value::Array(_)) => "list",
        Some(serde_json::Value::Null) => "NoneType",
    };
    Err(de::Error::custom(format!(
        "{} \"{python_type}\".",
        messages::NOT_A_DICT
    )))
}

fn refuse_null<T, E: de::Error>(value: Option<T>) -> Result<T, E> {
    value.ok_or_else(|| E::custom(messages::NULL))
}

fn invalid<T, E: de::Error>(message: &str) -> Result<T, E> {
    Err(E::custom(message))
}

/// Reads JSON `null` as `None` and everything else through `visit`.
macro_rules! null_is_none {
    () => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    };
}

struct IntegerVisitor;

impl<'de> Visitor<'de> for IntegerVisitor {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(messages::INVALID_INTEGER)
    }

    null_is_none!();

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Some(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        i64::try_from(value)
            .map(Some)
            .or_else(|_| invalid(messages::INVALID_INTEGER))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        integer_from_f64(value).map_or_else(|| invalid(messages::INVALID_INTEGER), |v| Ok(Some(v)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        if value.chars().count() > MAX_NUMERIC_STRING {
            return invalid(messages::STRING_TOO_LARGE);
        }
        integer_from_str(value).map_or_else(|| invalid(messages::INVALID_INTEGER), |v| Ok(Some(v)))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        invalid(messages::INVALID_INTEGER)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        invalid(messages::INVALID_INTEGER)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        invalid(messages::INVALID_INTEGER)
    }
}

struct BooleanVisitor {
    nullable: bool,
}

impl<'de> Visitor<'de> for BooleanVisitor {
    type Value = Option<bool>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(messages::INVALID_BOOLEAN)
    }

    null_is_none!();

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
        Ok(Some(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        match value {
            1 => Ok(Some(true)),
            0 => Ok(Some(false)),
            _ => invalid(messages::INVALID_BOOLEAN),
        }
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        i64::try_from(value).map_or_else(
            |_| invalid(messages::INVALID_BOOLEAN),
            |v| self.visit_i64(v),
        )
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        // Python's `1.0 in {1, True}`: equal numbers hash alike.
        if value == 1.0 {
            Ok(Some(true))
        } else if value == 0.0 {
            Ok(Some(false))
        } else {
            invalid(messages::INVALID_BOOLEAN)
        }
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        match boolean_from_str(value) {
            Some(value) => Ok(Some(value)),
            None if self.nullable && NULL_STRINGS.contains(&value) => Ok(None),
            None => invalid(messages::INVALID_BOOLEAN),
        }
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        invalid(messages::INVALID_BOOLEAN)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        invalid(messages::INVALID_BOOLEAN)
    }
}

struct NumberVisitor;

impl<'de> Visitor<'de> for NumberVisitor {
    type Value = Option<f64>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(messages::INVALID_NUMBER)
    }

    null_is_none!();

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        Ok(Some(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Some(value as f64))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Some(value as f64))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
        Ok(Some(if value { 1.0 } else { 0.0 }))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        if value.chars().count() > MAX_NUMERIC_STRING {
            return invalid(messages::STRING_TOO_LARGE);
        }
        // Finite values only: the answer echoes the value as JSON, which has no infinity.
        match value.trim().parse::<f64>() {
            Ok(number) if number.is_finite() => Ok(Some(number)),
            _ => invalid(messages::INVALID_NUMBER),
        }
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        invalid(messages::INVALID_NUMBER)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        invalid(messages::INVALID_NUMBER)
    }
}

struct StringVisitor;

impl<'de> Visitor<'de> for StringVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(messages::INVALID_STRING)
    }

    null_is_none!();

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Some(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Some(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Some(value.to_string()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Some(value.to_string()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        Ok(Some(python_float_repr(value)))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        invalid(messages::INVALID_STRING)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        invalid(messages::INVALID_STRING)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        invalid(messages::INVALID_STRING)
    }
}
