//! DynamoDB attribute values in and out: an item, strings, numbers and lists of maps.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

pub type Item = HashMap<String, AttributeValue>;

pub fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

pub fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

pub fn text<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name)?.as_s().ok().map(String::as_str)
}

pub fn number(item: &Item, name: &str) -> Option<i64> {
    item.get(name)?.as_n().ok()?.parse().ok()
}

/// The entries of a list-of-maps attribute, each read by `read`, in the list's order; an entry it
/// cannot read is left out, and an absent or other attribute is an empty list.
pub fn map_list<T>(item: &Item, name: &str, read: impl Fn(&Item) -> Option<T>) -> Vec<T> {
    let Some(Ok(list)) = item.get(name).map(|v| v.as_l()) else {
        return Vec::new();
    };
    (list.iter())
        .filter_map(|entry| read(entry.as_m().ok()?))
        .collect()
}
