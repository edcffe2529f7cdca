//! The `open_enum!` macro: string enums that keep values they do not know, and
//! [`UnknownValue`], the payload of their `Other` variant.
//!
//! iDenfy adds fraud tags, statuses and document types without notice, so every
//! vocabulary type has a final `Other(UnknownValue<Self>)` variant instead of failing to parse.
//! An [`UnknownValue`] is made only by parsing, which maps every known name to its known
//! variant, so equal wire values are equal values: `Other` never holds `"DOC_VALIDATED"`
//! where `DocValidated` is meant.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

/// A wire value that names none of the known values of the vocabulary `E`, kept verbatim.
///
/// It has no public constructor: the only way to get one is to parse a string into `E`
/// (`from_wire`, `FromStr`, `From<&str>`, `From<String>` or deserialization), which yields the
/// known variant for every known name. So `E::Other` never holds a known name of `E`, and
/// two values of `E` are equal exactly when their wire values are.
pub struct UnknownValue<E> {
    value: String,
    vocabulary: PhantomData<fn() -> E>,
}

impl<E> UnknownValue<E> {
    /// Wraps a value the caller checked names no known value of `E` (the macro's parsers).
    pub(crate) fn new(value: String) -> Self {
        Self {
            value,
            vocabulary: PhantomData,
        }
    }

    /// The value exactly as it came over the wire.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl<E> Clone for UnknownValue<E> {
    fn clone(&self) -> Self {
        Self::new(self.value.clone())
    }
}

impl<E> PartialEq for UnknownValue<E> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<E> Eq for UnknownValue<E> {}

impl<E> PartialOrd for UnknownValue<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for UnknownValue<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}

impl<E> Hash for UnknownValue<E> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<E> fmt::Debug for UnknownValue<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UnknownValue").field(&self.value).finish()
    }
}

impl<E> fmt::Display for UnknownValue<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

/// Defines a string enum with exact wire names, an `Other(UnknownValue<Self>)` fallback,
/// a constant slice `ALL` of the known values, `as_str`, `Display`, `FromStr`, `From<&str>`,
/// `From<String>`, serde and JSON Schema support.
///
/// `Other` is only produced for strings that match no known wire name, so
/// `"APPROVED"` always parses to the known variant and round-trips.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = concat!("`", $wire, "`")] $variant, )+
            /// A value this version of the model does not know, kept verbatim; only parsing
            /// makes one.
            Other($crate::open_enum::UnknownValue<$name>),
        }

        impl $name {
            /// Every known value, in the order the reference lists them.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )+ ];

            /// The exact wire name.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Other(value) => value.as_str(),
                }
            }

            /// Parses a wire name; unknown names become `Other`.
            pub fn from_wire(value: &str) -> Self {
                Self::known(value).unwrap_or_else(|| {
                    $name::Other($crate::open_enum::UnknownValue::new(value.to_owned()))
                })
            }

            /// The known value with this exact wire name.
            fn known(value: &str) -> Option<Self> {
                match value {
                    $( $wire => Some($name::$variant), )+
                    _ => None,
                }
            }

            /// Parses a wire name ignoring ASCII case (`"en"`, `"EN"`); unknown names become
            /// `Other` with the value as given.
            pub fn from_any_case(value: &str) -> Self {
                Self::ALL
                    .iter()
                    .find(|known| known.as_str().eq_ignore_ascii_case(value))
                    .cloned()
                    .unwrap_or_else(|| {
                        $name::Other($crate::open_enum::UnknownValue::new(value.to_owned()))
                    })
            }

            /// Whether this is one of the known values (not `Other`).
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_wire(value))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::from_wire(value)
            }
        }

        impl ::std::convert::From<String> for $name {
            fn from(value: String) -> Self {
                Self::known(&value).unwrap_or_else(|| {
                    $name::Other($crate::open_enum::UnknownValue::new(value))
                })
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <::std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok(Self::from_wire(&value))
            }
        }

        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({
                    "type": "string",
                    "description": concat!(
                        "Known values: ",
                        $( $wire, " ", )+
                        "(unknown values are accepted and kept)"
                    ),
                    "examples": [ $( $wire, )+ ],
                })
            }
        }
    };
}

pub(crate) use open_enum;
