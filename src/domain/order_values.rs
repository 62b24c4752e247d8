//! An order's values as data keyed by `Field`: what the store writes and reads, what both
//! emails and the operator's command show, walk these instead of typing each field out. The
//! two functions below are the only places that name each of the order's fields to store it.

use jiff::civil::Date;
use serde::Serialize;

use super::{
    BillingAddress, BusinessId, Channel, EInvoiceId, EmailAddress, Field, Language, NewOrder,
    Package, Participants, Phone,
};

/// One of an order's values as it is stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum FieldValue {
    /// A name, an id, a code or a free text (a package by its id, a language by its code).
    Text(String),
    /// A whole number: the participants.
    Count(i64),
    /// Texts in order: channels by their ids, dates as `YYYY-MM-DD`.
    List(Vec<String>),
}

/// The shape a field's value has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Text,
    Count,
    List,
}

impl Field {
    /// The request's own fields, which an order does not keep: consent (every stored order
    /// has given it), the idempotency key, `_next`, `_gotcha` and the human check's token.
    pub const REQUEST_ONLY: [Field; 5] = [
        Field::PrivacyConsent,
        Field::IdempotencyKey,
        Field::Next,
        Field::Gotcha,
        Field::HumanToken,
    ];

    /// The fields an order keeps, in the form's order (`Field::ALL`).
    pub fn order_values() -> impl Iterator<Item = Field> {
        (Field::ALL.into_iter()).filter(|field| !Field::REQUEST_ONLY.contains(field))
    }

    pub fn value_kind(self) -> ValueKind {
        match self {
            Field::Participants => ValueKind::Count,
            Field::Channels | Field::PreferredDates => ValueKind::List,
            _ => ValueKind::Text,
        }
    }
}

impl FieldValue {
    /// The value as one line of text: a list joined with `, `.
    pub fn joined(&self) -> String {
        match self {
            FieldValue::Text(text) => text.clone(),
            FieldValue::Count(count) => count.to_string(),
            FieldValue::List(items) => items.join(", "),
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            FieldValue::Text(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_list(&self) -> &[String] {
        match self {
            FieldValue::List(items) => items,
            _ => &[],
        }
    }

    pub fn as_count(&self) -> Option<i64> {
        match self {
            FieldValue::Count(count) => Some(*count),
            _ => None,
        }
    }
}

fn text(value: impl Into<String>) -> Option<FieldValue> {
    Some(FieldValue::Text(value.into()))
}

/// A list, or nothing when it is empty.
fn list<T>(items: &[T], each: impl Fn(&T) -> String) -> Option<FieldValue> {
    (!items.is_empty()).then(|| FieldValue::List(items.iter().map(each).collect()))
}

/// An optional text through its domain type: absent stays `Some(None)`, not parsing is `None`.
fn through<T>(text: Option<String>, parse: impl Fn(&str) -> Option<T>) -> Option<Option<T>> {
    match text {
        None => Some(None),
        Some(text) => parse(&text).map(Some),
    }
}

impl NewOrder {
    /// One field's value; `None` when the customer left it out (or gave an empty list).
    pub fn value(&self, field: Field) -> Option<FieldValue> {
        match field {
            Field::Package => text(self.package.id()),
            Field::Organization => text(&self.organization),
            Field::ContactName => text(&self.contact_name),
            Field::Email => text(self.email.as_str()),
            Field::BusinessId => text(self.business_id.as_ref()?.as_str()),
            Field::Phone => text(self.phone.as_ref()?.as_str()),
            Field::Participants => Some(FieldValue::Count(self.participants?.get().into())),
            Field::Channels => list(&self.channels, |c| c.id().to_owned()),
            Field::PreferredDates => list(&self.preferred_dates, Date::to_string),
            Field::Location => text(self.location.as_deref()?),
            Field::EInvoiceAddress => text(self.einvoice_address.as_ref()?.as_str()),
            Field::EInvoiceOperator => text(self.einvoice_operator.as_ref()?.as_str()),
            Field::BillingReference => text(self.billing_reference.as_deref()?),
            Field::PurchaseOrder => text(self.purchase_order.as_deref()?),
            Field::BillingStreet => text(&self.billing_address.as_ref()?.street),
            Field::BillingPostcode => text(&self.billing_address.as_ref()?.postcode),
            Field::BillingTown => text(&self.billing_address.as_ref()?.town),
            Field::InvoiceAddress => text(self.invoice_address.as_deref()?),
            Field::Message => text(self.message.as_deref()?),
            Field::Language => text(self.language.code()),
            Field::WorkshopLanguage => text(self.workshop_language?.code()),
            Field::PrivacyConsent
            | Field::IdempotencyKey
            | Field::Next
            | Field::Gotcha
            | Field::HumanToken => None,
        }
    }

    /// Every value the order has, in the form's order.
    pub fn values(&self) -> Vec<(Field, FieldValue)> {
        Field::order_values()
            .filter_map(|field| Some((field, self.value(field)?)))
            .collect()
    }

    /// The order with these text fields replaced (`None`: removed), as stored values are read
    /// back; `None` if the result would not be a valid order.
    pub fn with_texts(&self, values: &[(Field, Option<String>)]) -> Option<NewOrder> {
        NewOrder::from_values(|field| match values.iter().find(|(f, _)| *f == field) {
            Some((_, new)) => new.clone().map(FieldValue::Text),
            None => self.value(field),
        })
    }

    /// The order back from its values, each through its domain type again: `None` when a
    /// required one is missing or any does not parse (an item edited by hand).
    pub fn from_values(get: impl Fn(Field) -> Option<FieldValue>) -> Option<NewOrder> {
        let required = |field: Field| match get(field)? {
            FieldValue::Text(text) => Some(text),
            _ => None,
        };
        // Absent is `Some(None)`; present but not parsing is `None`.
        let optional = |field: Field| -> Option<Option<String>> {
            match get(field) {
                None => Some(None),
                Some(FieldValue::Text(text)) => Some(Some(text)),
                Some(_) => None,
            }
        };
        let each = |field: Field| match get(field) {
            None => Some(Vec::new()),
            Some(FieldValue::List(items)) => Some(items),
            Some(_) => None,
        };
        let participants = match get(Field::Participants) {
            None => None,
            Some(FieldValue::Count(count)) => {
                Some(Participants::new(u32::try_from(count).ok()?).ok()?)
            }
            Some(_) => return None,
        };
        Some(NewOrder {
            package: Package::parse(&required(Field::Package)?)?,
            organization: required(Field::Organization)?,
            contact_name: required(Field::ContactName)?,
            email: EmailAddress::parse(&required(Field::Email)?)?,
            business_id: through(optional(Field::BusinessId)?, |v| BusinessId::parse(v).ok())?,
            phone: through(optional(Field::Phone)?, Phone::parse)?,
            participants,
            channels: (each(Field::Channels)?.iter())
                .map(|c| Channel::parse(c))
                .collect::<Option<_>>()?,
            preferred_dates: (each(Field::PreferredDates)?.iter())
                .map(|d| d.parse().ok())
                .collect::<Option<_>>()?,
            location: optional(Field::Location)?,
            einvoice_address: through(optional(Field::EInvoiceAddress)?, EInvoiceId::parse)?,
            einvoice_operator: through(optional(Field::EInvoiceOperator)?, EInvoiceId::parse)?,
            billing_reference: optional(Field::BillingReference)?,
            purchase_order: optional(Field::PurchaseOrder)?,
            billing_address: BillingAddress::from_parts(
                optional(Field::BillingStreet)?,
                optional(Field::BillingPostcode)?,
                optional(Field::BillingTown)?,
            )?,
            invoice_address: optional(Field::InvoiceAddress)?,
            message: optional(Field::Message)?,
            language: Language::parse(&required(Field::Language)?)?,
            workshop_language: through(optional(Field::WorkshopLanguage)?, Language::parse)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_orders::full_order;
    use std::collections::BTreeMap;

    #[test]
    fn an_order_comes_back_whole_from_its_values() {
        let order = full_order();
        let values: BTreeMap<Field, FieldValue> = order.values().into_iter().collect();
        assert_eq!(
            values.len(),
            16,
            "all but the invoicing address: {values:?}"
        );
        let back = NewOrder::from_values(|field| values.get(&field).cloned());
        assert_eq!(back, Some(order));
    }

    #[test]
    fn every_value_has_its_field_s_kind_and_a_wrong_one_is_unreadable() {
        let order = full_order();
        for (field, value) in order.values() {
            let kind = match value {
                FieldValue::Text(_) => ValueKind::Text,
                FieldValue::Count(_) => ValueKind::Count,
                FieldValue::List(_) => ValueKind::List,
            };
            assert_eq!(kind, field.value_kind(), "{field}");
        }
        let mut values: BTreeMap<Field, FieldValue> = order.values().into_iter().collect();
        values.insert(Field::Phone, FieldValue::Count(1));
        assert_eq!(NewOrder::from_values(|f| values.get(&f).cloned()), None);
        values.insert(Field::Phone, FieldValue::Text("not a phone".into()));
        assert_eq!(NewOrder::from_values(|f| values.get(&f).cloned()), None);
        values.remove(&Field::Phone);
        values.remove(&Field::Organization);
        assert_eq!(NewOrder::from_values(|f| values.get(&f).cloned()), None);
    }

    #[test]
    fn the_request_s_own_fields_are_no_order_values() {
        let order = full_order();
        let kept: Vec<Field> = Field::order_values().collect();
        assert_eq!(kept.len(), Field::ALL.len() - Field::REQUEST_ONLY.len());
        for field in Field::REQUEST_ONLY {
            assert!(!kept.contains(&field));
            assert_eq!(order.value(field), None, "{field}");
        }
    }
}
