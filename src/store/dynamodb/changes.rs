//! Update expressions built from their parts.

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;

use crate::domain::{Delivery, EmailKind};
use crate::store::attribute::{Attribute, EmailAttribute};
use crate::store::codec::{n, s};
use crate::store::item::{
    RETRY_AT_ATTRIBUTE, RETRY_QUEUE_ATTRIBUTE, delivery_attributes, stale_delivery_fields,
};

/// An update expression built from its parts, with a placeholder for every name and value
/// (attribute names such as `status` are reserved words).
#[derive(Default)]
pub(in crate::store) struct Changes {
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
    set: Vec<String>,
    remove: Vec<String>,
    add: Vec<String>,
}

impl Changes {
    /// The placeholder of an attribute name, for this update's expressions and its condition.
    pub(in crate::store) fn name(&mut self, attribute: impl Into<String>) -> String {
        let attribute = attribute.into();
        if let Some((placeholder, _)) = self.names.iter().find(|(_, a)| **a == attribute) {
            return placeholder.clone();
        }
        let placeholder = format!("#n{}", self.names.len());
        self.names.insert(placeholder.clone(), attribute);
        placeholder
    }

    /// The placeholder of a value.
    pub(in crate::store) fn value(&mut self, value: AttributeValue) -> String {
        let placeholder = format!(":v{}", self.values.len());
        self.values.insert(placeholder.clone(), value);
        placeholder
    }

    pub(in crate::store) fn set(&mut self, attribute: impl Into<String>, value: AttributeValue) {
        let (name, value) = (self.name(attribute), self.value(value));
        self.set.push(format!("{name} = {value}"));
    }

    /// A SET clause written with placeholders from `name` and `value` (`if_not_exists`, …).
    pub(in crate::store) fn set_clause(&mut self, clause: String) {
        self.set.push(clause);
    }

    /// Removes an attribute; once, however often asked (DynamoDB refuses an expression that
    /// names one path twice).
    pub(in crate::store) fn remove(&mut self, attribute: impl Into<String>) {
        let name = self.name(attribute);
        if !self.remove.contains(&name) {
            self.remove.push(name);
        }
    }

    /// Adds to a number or a set.
    pub(in crate::store) fn add(&mut self, attribute: impl Into<String>, value: AttributeValue) {
        let (name, value) = (self.name(attribute), self.value(value));
        self.add.push(format!("{name} {value}"));
    }

    /// An email's new state: its attributes, the removal of those of its previous state that
    /// this one does not have, and a sent message's id added to the email's set.
    pub(in crate::store) fn delivery(&mut self, kind: EmailKind, delivery: &Delivery) {
        for (name, value) in delivery_attributes(kind, delivery) {
            self.set(name, value);
        }
        for field in stale_delivery_fields(delivery) {
            self.remove(field.of(kind));
        }
        if let Delivery::Sent { message_id, .. } = delivery {
            self.add(
                EmailAttribute::MessageIds.of(kind),
                AttributeValue::Ss(vec![message_id.clone()]),
            );
        }
    }

    /// The order's new seal (`domain::OrderSeal`), and the condition that the one the writer
    /// read (`None`: none) is still the one stored: a write over a change it did not see would
    /// leave a seal of what is not stored.
    pub(in crate::store) fn reseal(&mut self, new: Option<&str>, seen: Option<&str>) -> String {
        if let Some(new) = new {
            self.set(Attribute::Seal.name(), s(new));
        }
        let name = self.name(Attribute::Seal.name());
        match seen {
            None => format!("attribute_not_exists({name})"),
            Some(seen) => {
                let value = self.value(s(seen));
                format!("{name} = {value}")
            }
        }
    }

    /// The order's place in the sparse retry index (`item::retry_place`): a queue and when to
    /// look, or out of it once every email is final.
    pub(in crate::store) fn retry_queue(&mut self, place: Option<(&str, jiff::Timestamp)>) {
        match place {
            Some((queue, at)) => {
                self.set(RETRY_QUEUE_ATTRIBUTE, s(queue));
                self.set(RETRY_AT_ATTRIBUTE, n(at.as_second()));
            }
            None => {
                self.remove(RETRY_QUEUE_ATTRIBUTE);
                self.remove(RETRY_AT_ATTRIBUTE);
            }
        }
    }

    /// The update expression, names and values on `update` (its condition, if any, may use
    /// placeholders taken from `name` and `value`).
    pub(in crate::store) fn apply(
        self,
        update: UpdateItemFluentBuilder,
    ) -> UpdateItemFluentBuilder {
        update
            .update_expression(self.expression())
            .set_expression_attribute_names(Some(self.names))
            .set_expression_attribute_values(Some(self.values).filter(|v| !v.is_empty()))
    }

    fn expression(&self) -> String {
        let clauses = [
            ("SET", &self.set, ", "),
            ("REMOVE", &self.remove, ", "),
            ("ADD", &self.add, ", "),
        ];
        clauses
            .into_iter()
            .filter(|(_, parts, _)| !parts.is_empty())
            .map(|(keyword, parts, separator)| format!("{keyword} {}", parts.join(separator)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}
