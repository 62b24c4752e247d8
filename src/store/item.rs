//! Orders ⇄ DynamoDB items. The order's own values (`NewOrder::values`) are stored under their
//! wire names (`Field::name`), by their shape alone: a text is a string, a count a number, a
//! list a list of strings; what the server decided has names of its own. Reading an item back
//! passes every value through its domain type again (`NewOrder::from_values`).

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;

use super::{DedupeKey, Result, SentMessage, StoreError};
use crate::domain::{
    Delivery, EmailKind, Field, FieldValue, NewOrder, Order, Outcome, Package, Price, QuotaCounter,
    Receipt, Reference, Reports, VAT_RATE_PERCENT, helsinki,
};

pub type Item = HashMap<String, AttributeValue>;

/// The table's only key attribute (a string). `infra/template.yaml` declares the same.
pub const ORDER_TABLE_PARTITION_KEY: &str = "pk";
/// Epoch seconds after which DynamoDB may delete a dedupe record. Orders never carry it.
pub const ORDER_TABLE_TTL_ATTRIBUTE: &str = "expires_at";
/// The sparse index of orders with an email not yet sent or given up: only such orders carry
/// `retry_queue` (always `due`) and `retry_at` (epoch seconds when to look next).
pub const RETRY_QUEUE_ATTRIBUTE: &str = "retry_queue";
pub const RETRY_AT_ATTRIBUTE: &str = "retry_at";
pub const RETRY_QUEUE: &str = "due";
/// The index operators list orders by: every order carries its month (`2026-11`, Helsinki time)
/// and its creation time in epoch milliseconds, so a month's orders are one query, in order.
pub const ORDER_MONTH_ATTRIBUTE: &str = "order_month";
pub const CREATED_MS_ATTRIBUTE: &str = "created_ms";
/// When an order's personal fields were erased (on request, or after the retention time).
pub const ERASED_AT_ATTRIBUTE: &str = "erased_at";

const ORDER_PREFIX: &str = "order#";
const DEDUPE_PREFIX: &str = "dedupe#";
const MESSAGE_PREFIX: &str = "msg#";

/// The key of a sent message's lookup item: its SES message id.
pub fn message_pk(message_id: &str) -> String {
    format!("{MESSAGE_PREFIX}{message_id}")
}

/// A sent message's lookup item: which order and email it is, and its recipients (lower case,
/// in the order sent; an outcome is kept per recipient by that place).
pub fn message_item(reference: &Reference, sent: &SentMessage) -> Item {
    let recipients = sent
        .recipients
        .iter()
        .map(|r| s(r.to_lowercase()))
        .collect();
    HashMap::from([
        (
            ORDER_TABLE_PARTITION_KEY.to_owned(),
            s(message_pk(&sent.message_id)),
        ),
        ("kind".to_owned(), s("message")),
        ("reference".to_owned(), s(reference.as_str())),
        ("email".to_owned(), s(sent.kind.as_str())),
        ("recipients".to_owned(), AttributeValue::L(recipients)),
    ])
}

/// From a message's lookup item: the order, the email and the recipient's place, if it names
/// that recipient.
pub fn message_target(item: &Item, recipient: &str) -> Option<(Reference, EmailKind, usize)> {
    let reference = Reference::parse(text(item, "reference")?)?;
    let kind = EmailKind::BOTH
        .into_iter()
        .find(|k| Some(k.as_str()) == text(item, "email"))?;
    let recipient = recipient.to_lowercase();
    let place = item
        .get("recipients")?
        .as_l()
        .ok()?
        .iter()
        .position(|r| r.as_s().is_ok_and(|r| *r == recipient))?;
    Some((reference, kind, place))
}

/// The month an order is listed under: its creation time's month in Helsinki.
pub fn order_month(at: Timestamp) -> String {
    at.to_zoned_datetime(helsinki())
        .strftime("%Y-%m")
        .to_string()
}

/// Every message id an email has been sent with (a resend adds one), so that erasure finds
/// each message's lookup item.
pub fn message_ids_attribute(kind: EmailKind) -> String {
    attribute_name(kind, "message_ids")
}

pub fn order_pk(reference: &Reference) -> String {
    format!("{ORDER_PREFIX}{reference}")
}

pub fn dedupe_pk(dedupe: &DedupeKey) -> String {
    format!("{DEDUPE_PREFIX}{}", dedupe.id)
}

/// The reference in an order's key, if `pk` is one.
pub fn reference_of(item: &Item) -> Option<Reference> {
    text(item, ORDER_TABLE_PARTITION_KEY)?
        .strip_prefix(ORDER_PREFIX)
        .and_then(Reference::parse)
}

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

/// A field's value as an attribute: a string, a number, or a list of strings.
fn attribute(value: FieldValue) -> AttributeValue {
    match value {
        FieldValue::Text(text) => s(text),
        FieldValue::Count(count) => n(count),
        FieldValue::List(items) => AttributeValue::L(items.into_iter().map(s).collect()),
    }
}

/// A field's value from its attribute, by the attribute's type; `None` when absent (or of a
/// type no field has: the domain then finds the field missing).
pub fn field_value(item: &Item, field: Field) -> Option<FieldValue> {
    Some(match item.get(field.name())? {
        AttributeValue::S(text) => FieldValue::Text(text.clone()),
        AttributeValue::N(number) => FieldValue::Count(number.parse().ok()?),
        AttributeValue::L(items) => FieldValue::List(
            items
                .iter()
                .map(|v| v.as_s().ok().cloned())
                .collect::<Option<_>>()?,
        ),
        _ => return None,
    })
}

pub fn order_item(order: &Order) -> Item {
    let d = &order.details;
    let mut item = HashMap::from([
        (
            ORDER_TABLE_PARTITION_KEY.to_owned(),
            s(order_pk(&order.reference)),
        ),
        ("kind".to_owned(), s("order")),
        ("order_id".to_owned(), s(&order.order_id)),
        ("reference".to_owned(), s(order.reference.as_str())),
        ("created_at".to_owned(), s(order.created_at.to_string())),
        (
            ORDER_MONTH_ATTRIBUTE.to_owned(),
            s(order_month(order.created_at)),
        ),
        (
            CREATED_MS_ATTRIBUTE.to_owned(),
            n(order.created_at.as_millisecond()),
        ),
        ("net_cents".to_owned(), n(order.price.net_cents)),
        ("vat_rate_percent".to_owned(), s(VAT_RATE_PERCENT)),
        ("vat_cents".to_owned(), n(order.price.vat_cents)),
        ("gross_cents".to_owned(), n(order.price.gross_cents)),
        ("currency".to_owned(), s("EUR")),
        (
            Field::PrivacyConsent.name().to_owned(),
            AttributeValue::Bool(true),
        ),
    ]);
    item.extend(detail_attributes(d));
    for kind in EmailKind::BOTH {
        item.extend(delivery_attributes(kind, order.delivery(kind)));
    }
    if let Some(retry_at) = order.retry_at() {
        item.insert(RETRY_QUEUE_ATTRIBUTE.to_owned(), s(RETRY_QUEUE));
        item.insert(RETRY_AT_ATTRIBUTE.to_owned(), n(retry_at.as_second()));
    }
    item
}

/// The customer's fields under their wire names; absent ones and empty lists are left out.
fn detail_attributes(d: &NewOrder) -> Vec<(String, AttributeValue)> {
    (d.values().into_iter())
        .map(|(field, value)| (field.name().to_owned(), attribute(value)))
        .collect()
}

pub fn dedupe_item(dedupe: &DedupeKey, order: &Order) -> Item {
    HashMap::from([
        (ORDER_TABLE_PARTITION_KEY.to_owned(), s(dedupe_pk(dedupe))),
        ("kind".to_owned(), s("dedupe")),
        ("fingerprint".to_owned(), s(&dedupe.fingerprint)),
        ("reference".to_owned(), s(order.reference.as_str())),
        ("order_id".to_owned(), s(&order.order_id)),
        ("created_at".to_owned(), s(order.created_at.to_string())),
        (
            ORDER_TABLE_TTL_ATTRIBUTE.to_owned(),
            n(dedupe.expires_at.as_second()),
        ),
    ])
}

pub fn attribute_name(kind: EmailKind, field: &str) -> String {
    format!("{}_email_{field}", kind.as_str())
}

/// One email's state as item attributes (`customer_email_status`, …_attempts, …_due_at, …).
pub fn delivery_attributes(kind: EmailKind, delivery: &Delivery) -> Vec<(String, AttributeValue)> {
    let name = |field| attribute_name(kind, field);
    let mut attributes = vec![(name("status"), s(delivery.status()))];
    match delivery {
        Delivery::Sending {
            attempts,
            until: due,
        }
        | Delivery::Pending {
            attempts,
            next_attempt_at: due,
        } => {
            attributes.push((name("attempts"), n(attempts)));
            attributes.push((name("due_at"), n(due.as_second())));
        }
        Delivery::Sent {
            message_id,
            sent_at,
        } => {
            attributes.push((name("message_id"), s(message_id)));
            attributes.push((name("sent_at"), s(sent_at.to_string())));
        }
        Delivery::Failed { attempts } => attributes.push((name("attempts"), n(attempts))),
        Delivery::Held {
            next_attempt_at,
            drop_at,
        } => {
            attributes.push((name("due_at"), n(next_attempt_at.as_second())));
            attributes.push((name("drop_at"), n(drop_at.as_second())));
        }
        Delivery::Dropped => {}
    }
    attributes
}

/// The attributes of other states that this one does not have (removed when it is written).
pub fn stale_delivery_fields(delivery: &Delivery) -> &'static [&'static str] {
    match delivery {
        Delivery::Sending { .. } | Delivery::Pending { .. } => &["drop_at"],
        Delivery::Sent { .. } => &["attempts", "due_at", "drop_at"],
        Delivery::Failed { .. } => &["due_at", "drop_at"],
        Delivery::Held { .. } => &["attempts"],
        Delivery::Dropped => &["attempts", "due_at", "drop_at"],
    }
}

/// A quota counter's item after its first unit: `count` is added to by each order.
pub fn counter_expiry(counter: &QuotaCounter) -> AttributeValue {
    // TTL only cleans old windows up (a day late or more); the count is read by window key.
    n(counter.window_end.as_second() + 24 * 60 * 60)
}

fn delivery_from_item(item: &Item, kind: EmailKind) -> Option<Delivery> {
    let attempts =
        || number(item, &attribute_name(kind, "attempts")).and_then(|a| u32::try_from(a).ok());
    let due = || Timestamp::from_second(number(item, &attribute_name(kind, "due_at"))?).ok();
    Some(match text(item, &attribute_name(kind, "status"))? {
        "sending" => Delivery::Sending {
            attempts: attempts()?,
            until: due()?,
        },
        "pending" => Delivery::Pending {
            attempts: attempts()?,
            next_attempt_at: due()?,
        },
        "sent" => Delivery::Sent {
            message_id: text(item, &attribute_name(kind, "message_id"))?.to_owned(),
            sent_at: text(item, &attribute_name(kind, "sent_at"))?.parse().ok()?,
        },
        "failed" => Delivery::Failed {
            attempts: attempts()?,
        },
        "held" => Delivery::Held {
            next_attempt_at: due()?,
            drop_at: Timestamp::from_second(number(item, &attribute_name(kind, "drop_at"))?)
                .ok()?,
        },
        "dropped" => Delivery::Dropped,
        _ => return None,
    })
}

/// The order back from its item. An item this code did not write is `Unreadable`, with its key.
pub fn order_from_item(item: &Item) -> Result<Order> {
    let unreadable = |problem| StoreError::Unreadable {
        key: text(item, ORDER_TABLE_PARTITION_KEY)
            .unwrap_or("(no key)")
            .to_owned(),
        problem,
    };
    let details = NewOrder::from_values(|field| field_value(item, field))
        .ok_or_else(|| unreadable("order fields"))?;
    let receipt = receipt_from_item(item).ok_or_else(|| unreadable("receipt fields"))?;
    let created_at = text(item, "created_at").and_then(|t| t.parse().ok());
    let deliveries = (
        delivery_from_item(item, EmailKind::Customer),
        delivery_from_item(item, EmailKind::Trainer),
    );
    let (Some(created_at), (Some(customer_email), Some(trainer_email))) = (created_at, deliveries)
    else {
        return Err(unreadable("created_at or email states"));
    };
    Ok(Order {
        order_id: receipt.order_id,
        reference: receipt.reference,
        created_at,
        price: receipt.price,
        details,
        customer_email,
        trainer_email,
        reports: reports_from_item(item),
    })
}

/// The customer's outcome (recipient 0 of the confirmation) and a pending check.
fn reports_from_item(item: &Item) -> Reports {
    let kind = EmailKind::Customer;
    let outcome = text(item, &attribute_name(kind, "to0_outcome"));
    Reports {
        customer_outcome: outcome.and_then(Outcome::parse),
        check_at: number(item, &attribute_name(kind, CHECK_AT))
            .and_then(|at| Timestamp::from_second(at).ok()),
    }
}

/// After a transient bounce: when the retry run looks again at the customer's confirmation.
pub const CHECK_AT: &str = "check_at";

pub fn receipt_from_item(item: &Item) -> Option<Receipt> {
    Some(Receipt {
        order_id: text(item, "order_id")?.to_owned(),
        reference: Reference::parse(text(item, "reference")?)?,
        package: Package::parse(text(item, Field::Package.name())?)?,
        price: Price {
            net_cents: number(item, "net_cents")?,
            vat_cents: number(item, "vat_cents")?,
            gross_cents: number(item, "gross_cents")?,
        },
        emails_sent: EmailKind::BOTH
            .into_iter()
            .all(|kind| text(item, &attribute_name(kind, "status")) == Some(Delivery::SENT_STATUS)),
    })
}
