//! The order's log of corrections to its invoicing details, as stored on the order.

use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;
use serde::Serialize;

use super::codec::{Item, s, text};

/// One correction: who made it, when, and the field's old and new value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoicingChange {
    pub at: Timestamp,
    pub by: String,
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl InvoicingChange {
    pub fn attribute(&self) -> AttributeValue {
        let mut map = std::collections::HashMap::from([
            ("at".to_owned(), s(self.at.to_string())),
            ("by".to_owned(), s(&self.by)),
            ("field".to_owned(), s(&self.field)),
        ]);
        for (name, value) in [("old", &self.old), ("new", &self.new)] {
            if let Some(value) = value {
                map.insert(name.to_owned(), s(value));
            }
        }
        AttributeValue::M(map)
    }

    pub fn from_attribute(value: &AttributeValue) -> Option<InvoicingChange> {
        let map = value.as_m().ok()?;
        Some(InvoicingChange {
            at: timestamp(map, "at")?,
            by: owned(map, "by")?,
            field: owned(map, "field")?,
            old: owned(map, "old"),
            new: owned(map, "new"),
        })
    }
}

fn owned(item: &Item, name: &str) -> Option<String> {
    text(item, name).map(str::to_owned)
}

fn timestamp(item: &Item, name: &str) -> Option<Timestamp> {
    text(item, name)?.parse().ok()
}
