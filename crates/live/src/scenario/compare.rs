//! The first place two JSON values differ, named by its path, for readable failure reports.

use serde::Serialize;
use serde_json::Value;

/// Where two values first differ: the path, and both sides as compact JSON (`absent` for a
/// missing member).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonDifference {
    pub path: String,
    pub expected: String,
    pub actual: String,
}

/// The first difference between `expected` and `actual` serialized, under the path `root`;
/// object members in name order, array items in order.
pub(crate) fn first_difference<T: Serialize>(
    root: &str,
    expected: &T,
    actual: &T,
) -> Option<JsonDifference> {
    let expected = serde_json::to_value(expected).expect("model types serialize to JSON");
    let actual = serde_json::to_value(actual).expect("model types serialize to JSON");
    walk(root.to_owned(), Some(&expected), Some(&actual))
}

fn walk(path: String, expected: Option<&Value>, actual: Option<&Value>) -> Option<JsonDifference> {
    match (expected, actual) {
        (Some(Value::Object(expected)), Some(Value::Object(actual))) => {
            let mut names: Vec<&String> = expected.keys().chain(actual.keys()).collect();
            names.sort();
            names.dedup();
            names.into_iter().find_map(|name| {
                walk(
                    format!("{path}.{name}"),
                    expected.get(name),
                    actual.get(name),
                )
            })
        }
        (Some(Value::Array(expected)), Some(Value::Array(actual))) => {
            (0..expected.len().max(actual.len())).find_map(|index| {
                walk(
                    format!("{path}[{index}]"),
                    expected.get(index),
                    actual.get(index),
                )
            })
        }
        (expected, actual) if expected == actual => None,
        (expected, actual) => Some(JsonDifference {
            path,
            expected: render(expected),
            actual: render(actual),
        }),
    }
}

fn render(value: Option<&Value>) -> String {
    value.map_or_else(|| "absent".to_owned(), Value::to_string)
}
