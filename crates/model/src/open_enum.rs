//! The `open_enum!` macro: string enums that keep values they do not know.
//!
//! iDenfy adds fraud tags, statuses and document types without notice, so every
//! vocabulary type has a final `Other(String)` variant instead of failing to parse.

/// Defines a string enum with exact wire names, an `Other(String)` fallback,
/// a constant slice `ALL` of the known values, `as_str`, `Display`, `FromStr`,
/// serde and JSON Schema support.
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
            /// A value this version of the model does not know, kept verbatim.
            Other(String),
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
                match value {
                    $( $wire => $name::$variant, )+
                    other => $name::Other(other.to_owned()),
                }
            }

            /// Parses a wire name ignoring ASCII case (`"en"`, `"EN"`); unknown names become
            /// `Other` with the value as given.
            pub fn from_any_case(value: &str) -> Self {
                Self::ALL
                    .iter()
                    .find(|known| known.as_str().eq_ignore_ascii_case(value))
                    .cloned()
                    .unwrap_or_else(|| Self::Other(value.to_owned()))
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
