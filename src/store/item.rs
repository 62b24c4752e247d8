//! Orders ⇄ DynamoDB items. The order's own values (`NewOrder::values`) are stored under their
//! wire names (`Field::name`), by their shape alone (text a string, count a number, list a list
//! of strings); what the server decided has names of its own. Reading an item back passes every
//! value through its domain type again (`NewOrder::from_values`).

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;

use super::attribute::Attribute;
use super::attribute::EmailAttribute::{self, Attempts, DropAt, DueAt, MessageId, SentAt, Status};
use super::codec::{Item, n, number, s, text};
use super::{DedupeKey, Result, StoreError};
use crate::domain::{
    Culprit, Delivery, DeliveryStatus, EmailKind, Field, FieldValue, NewOrder, Order, Outcome,
    Package, Price, QuotaCounter, Receipt, Reference, Reports, RetryQueue, VAT_RATE_PERCENT,
    helsinki,
};

/// The table's only key attribute (a string). `infra/template.yaml` declares the same.
pub const ORDER_TABLE_PARTITION_KEY: &str = Attribute::PartitionKey.name();
/// Epoch seconds after which DynamoDB may delete a dedupe record. Orders never carry it.
pub const ORDER_TABLE_TTL_ATTRIBUTE: &str = Attribute::ExpiresAt.name();
/// The sparse retry index: only orders with an email not yet final carry its two attributes.
pub const RETRY_QUEUE_ATTRIBUTE: &str = Attribute::RetryQueue.name();
pub const RETRY_AT_ATTRIBUTE: &str = Attribute::RetryAt.name();
/// The index's partition of orders with an email due (`RetryQueue::Due`).
pub const RETRY_QUEUE: &str = RetryQueue::Due.as_str();

/// The order's place in the retry index (its partition, and when to look), if it has one.
pub fn retry_place(order: &Order) -> Option<(&'static str, Timestamp)> {
    order.queue_place().map(|(queue, at)| (queue.as_str(), at))
}

/// The index operators list orders by: every order carries its month (`2026-11`, Helsinki time)
/// and its creation time in epoch milliseconds, so a month's orders are one query, in order.
pub const ORDER_MONTH_ATTRIBUTE: &str = Attribute::OrderMonth.name();
pub const CREATED_MS_ATTRIBUTE: &str = Attribute::CreatedMs.name();
/// When an order's personal fields were erased (on request, or after the retention time).
pub const ERASED_AT_ATTRIBUTE: &str = Attribute::ErasedAt.name();

const ORDER_PREFIX: &str = "order#";
const DEDUPE_PREFIX: &str = "dedupe#";

/// A sent message's recipients as the order keeps them: lower case, in the order sent.
pub fn recipients_value(recipients: &[String]) -> AttributeValue {
    AttributeValue::L(recipients.iter().map(|r| s(r.to_lowercase())).collect())
}

/// The place of `recipient` among an email's recipients on the order item, if it is one.
pub fn recipient_place(item: &Item, kind: EmailKind, recipient: &str) -> Option<usize> {
    let recipient = recipient.to_lowercase();
    (item
        .get(&EmailAttribute::Recipients.of(kind))?
        .as_l()
        .ok()?
        .iter())
    .position(|r| r.as_s().is_ok_and(|r| *r == recipient))
}

/// The month an order is listed under: its creation time's month in Helsinki.
pub fn order_month(at: Timestamp) -> String {
    at.to_zoned_datetime(helsinki())
        .strftime("%Y-%m")
        .to_string()
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
        (Attribute::Kind.name().to_owned(), s("order")),
        (Attribute::OrderId.name().to_owned(), s(&order.order_id)),
        (
            Attribute::Reference.name().to_owned(),
            s(order.reference.as_str()),
        ),
        (
            Attribute::CreatedAt.name().to_owned(),
            s(order.created_at.to_string()),
        ),
        (
            ORDER_MONTH_ATTRIBUTE.to_owned(),
            s(order_month(order.created_at)),
        ),
        (
            CREATED_MS_ATTRIBUTE.to_owned(),
            n(order.created_at.as_millisecond()),
        ),
        (
            Field::PrivacyConsent.name().to_owned(),
            AttributeValue::Bool(true),
        ),
    ]);
    // A new order has no booking yet: `Bookings::book` writes it.
    item.extend(detail_attributes(d));
    for (kind, delivery) in order.deliveries() {
        item.extend(delivery_attributes(kind, delivery));
    }
    item.extend(price_attributes(order));
    if let Some(culprit) = &order.culprit {
        item.extend(culprit_attributes(culprit));
    }
    if let Some(seal) = &order.seal {
        item.insert(Attribute::Seal.name().to_owned(), s(seal));
    }
    if let Some((queue, retry_at)) = retry_place(order) {
        item.insert(RETRY_QUEUE_ATTRIBUTE.to_owned(), s(queue));
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
        (Attribute::Kind.name().to_owned(), s("dedupe")),
        (
            Attribute::Fingerprint.name().to_owned(),
            s(&dedupe.fingerprint),
        ),
        (
            Attribute::Reference.name().to_owned(),
            s(order.reference.as_str()),
        ),
        (Attribute::OrderId.name().to_owned(), s(&order.order_id)),
        (
            Attribute::CreatedAt.name().to_owned(),
            s(order.created_at.to_string()),
        ),
        (
            ORDER_TABLE_TTL_ATTRIBUTE.to_owned(),
            n(dedupe.expires_at.as_second()),
        ),
    ])
}

/// One email's state as item attributes (`customer_email_status`, …_attempts, …_due_at, …).
pub fn delivery_attributes(kind: EmailKind, delivery: &Delivery) -> Vec<(String, AttributeValue)> {
    let name = |attribute: EmailAttribute| attribute.of(kind);
    let mut attributes = vec![(name(Status), s(delivery.status()))];
    match delivery {
        Delivery::Sending {
            attempts,
            until: due,
        }
        | Delivery::Pending {
            attempts,
            next_attempt_at: due,
        } => {
            attributes.push((name(Attempts), n(attempts)));
            attributes.push((name(DueAt), n(due.as_second())));
        }
        Delivery::Sent {
            message_id,
            sent_at,
        } => {
            attributes.push((name(MessageId), s(message_id)));
            attributes.push((name(SentAt), s(sent_at.to_string())));
        }
        Delivery::Failed { attempts } => attributes.push((name(Attempts), n(attempts))),
        Delivery::Held {
            next_attempt_at,
            drop_at,
        } => {
            attributes.push((name(DueAt), n(next_attempt_at.as_second())));
            attributes.push((name(DropAt), n(drop_at.as_second())));
        }
        Delivery::Dropped | Delivery::Unverified => {}
    }
    attributes
}

/// The attributes of other states that this one does not have (removed when it is written).
pub fn stale_delivery_fields(delivery: &Delivery) -> &'static [EmailAttribute] {
    match delivery {
        Delivery::Sending { .. } | Delivery::Pending { .. } => &[DropAt],
        Delivery::Sent { .. } => &[Attempts, DueAt, DropAt],
        Delivery::Failed { .. } => &[DueAt, DropAt],
        Delivery::Held { .. } => &[Attempts],
        Delivery::Dropped | Delivery::Unverified => &[Attempts, DueAt, DropAt],
    }
}

/// A quota counter's item after its first unit: `count` is added to by each order.
pub fn counter_expiry(counter: &QuotaCounter) -> AttributeValue {
    // TTL only cleans old windows up (a day late or more); the count is read by window key.
    n(counter.window_end.as_second() + 24 * 60 * 60)
}

fn delivery_from_item(item: &Item, kind: EmailKind) -> Option<Delivery> {
    let attempts =
        || number(item, &EmailAttribute::Attempts.of(kind)).and_then(|a| u32::try_from(a).ok());
    let due = || Timestamp::from_second(number(item, &EmailAttribute::DueAt.of(kind))?).ok();
    Some(
        match DeliveryStatus::parse(text(item, &EmailAttribute::Status.of(kind))?)? {
            DeliveryStatus::Sending => Delivery::Sending {
                attempts: attempts()?,
                until: due()?,
            },
            DeliveryStatus::Pending => Delivery::Pending {
                attempts: attempts()?,
                next_attempt_at: due()?,
            },
            DeliveryStatus::Sent => Delivery::Sent {
                message_id: text(item, &EmailAttribute::MessageId.of(kind))?.to_owned(),
                sent_at: text(item, &EmailAttribute::SentAt.of(kind))?.parse().ok()?,
            },
            DeliveryStatus::Failed => Delivery::Failed {
                attempts: attempts()?,
            },
            DeliveryStatus::Held => Delivery::Held {
                next_attempt_at: due()?,
                drop_at: Timestamp::from_second(number(item, &EmailAttribute::DropAt.of(kind))?)
                    .ok()?,
            },
            DeliveryStatus::Dropped => Delivery::Dropped,
            DeliveryStatus::Unverified => Delivery::Unverified,
        },
    )
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
    let created_at = text(item, Attribute::CreatedAt.name()).and_then(|t| t.parse().ok());
    let emails: std::collections::BTreeMap<EmailKind, Delivery> = (EmailKind::ALL.into_iter())
        .filter_map(|kind| Some((kind, delivery_from_item(item, kind)?)))
        .collect();
    let first_emails = EmailKind::BOTH.iter().all(|kind| emails.contains_key(kind));
    let (Some(created_at), true) = (created_at, first_emails) else {
        return Err(unreadable("created_at or email states"));
    };
    Ok(Order {
        order_id: receipt.order_id,
        reference: receipt.reference,
        created_at,
        price: receipt.price,
        details,
        emails,
        reports: reports_from_item(item),
        booking: super::booking_item::booking_from_item(item),
        change_request: super::booking_item::change_request_from_item(item),
        invoicing: super::invoice_item::invoice_status_from_item(item),
        culprit: culprit_from_item(item),
        customer_link_generation: number(item, Attribute::CustomerLinkGeneration.name())
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0),
        seal: text(item, Attribute::Seal.name()).map(str::to_owned),
        operator_actions: super::operator_item::operator_actions_from_item(item),
        payment_reminder: super::operator_item::payment_reminder_from_item(item),
    })
}

/// The price as the bookkeeping reads it: cents, the VAT rate, the currency.
fn price_attributes(order: &Order) -> Vec<(String, AttributeValue)> {
    vec![
        (
            Attribute::NetCents.name().to_owned(),
            n(order.price.net_cents),
        ),
        (
            Attribute::VatRatePercent.name().to_owned(),
            s(VAT_RATE_PERCENT),
        ),
        (
            Attribute::VatCents.name().to_owned(),
            n(order.price.vat_cents),
        ),
        (
            Attribute::GrossCents.name().to_owned(),
            n(order.price.gross_cents),
        ),
        (Attribute::Currency.name().to_owned(), s("EUR")),
    ]
}

fn culprit_attributes(culprit: &Culprit) -> Vec<(String, AttributeValue)> {
    vec![
        (Attribute::SourceMark.name().to_owned(), s(&culprit.source)),
        (
            Attribute::MailboxMark.name().to_owned(),
            s(&culprit.mailbox),
        ),
        (
            Attribute::NetworkMark.name().to_owned(),
            s(&culprit.network),
        ),
    ]
}

fn culprit_from_item(item: &Item) -> Option<Culprit> {
    let hash = |attribute: Attribute| text(item, attribute.name()).map(str::to_owned);
    Some(Culprit {
        source: hash(Attribute::SourceMark)?,
        mailbox: hash(Attribute::MailboxMark)?,
        network: hash(Attribute::NetworkMark)?,
    })
}

/// The customer's outcome (recipient 0 of the confirmation) and a pending check.
fn reports_from_item(item: &Item) -> Reports {
    let kind = EmailKind::Customer;
    let outcome = text(item, &EmailAttribute::Outcome(0).of(kind));
    Reports {
        customer_outcome: outcome.and_then(Outcome::parse),
        check_at: number(item, &EmailAttribute::CheckAt.of(kind))
            .and_then(|at| Timestamp::from_second(at).ok()),
        booking_outcome: text(item, &EmailAttribute::Outcome(0).of(EmailKind::Booking))
            .and_then(Outcome::parse),
    }
}

pub fn receipt_from_item(item: &Item) -> Option<Receipt> {
    Some(Receipt {
        order_id: text(item, Attribute::OrderId.name())?.to_owned(),
        reference: Reference::parse(text(item, Attribute::Reference.name())?)?,
        package: Package::parse(text(item, Field::Package.name())?)?,
        price: Price {
            net_cents: number(item, Attribute::NetCents.name())?,
            vat_cents: number(item, Attribute::VatCents.name())?,
            gross_cents: number(item, Attribute::GrossCents.name())?,
        },
        emails_sent: EmailKind::BOTH.into_iter().all(|kind| {
            text(item, &EmailAttribute::Status.of(kind)) == Some(Delivery::SENT_STATUS)
        }),
        confirmation_waits: matches!(
            text(item, &EmailAttribute::Status.of(EmailKind::Customer)),
            Some("held" | "unverified")
        ),
    })
}
