//! Orders in one DynamoDB table. Items:
//! - `pk = order#<REFERENCE>`: the order, written once with a conditional put;
//! - `pk = dedupe#key#<key>` or `dedupe#content#<fingerprint>`: what makes a resubmission a
//!   replay, written in the same transaction, expiring through the table's TTL attribute.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, ReturnValue, TransactWriteItem};
use jiff::Timestamp;

use super::{DedupeKey, Delivery, EmailKind, Insert, Order, OrderStore, Receipt, StoreError};
use crate::domain::{
    BusinessId, Channel, EInvoiceId, EmailAddress, Language, NewOrder, Package, Phone, Price,
    Reference, VAT_RATE_PERCENT,
};

/// The table's only key attribute (a string). `infra/template.yaml` declares the same.
pub const ORDER_TABLE_PARTITION_KEY: &str = "pk";
/// Epoch seconds after which DynamoDB may delete a dedupe record. Orders never carry it.
pub const ORDER_TABLE_TTL_ATTRIBUTE: &str = "expires_at";
/// The sparse index of orders with an email not yet sent or given up: only such orders carry
/// `retry_queue` (always `due`) and `retry_at` (epoch seconds when to look next).
pub const RETRY_INDEX: &str = "retry-due";
pub const RETRY_QUEUE_ATTRIBUTE: &str = "retry_queue";
pub const RETRY_AT_ATTRIBUTE: &str = "retry_at";
const RETRY_QUEUE: &str = "due";

/// The IAM actions this store calls (a transaction is authorised per item action; Query on the
/// retry index); the templates grant exactly these on the table and the index (tests/api/template_agreement.rs).
pub const DYNAMODB_ACTIONS: [&str; 4] = [
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
];

pub struct DynamoDbStore {
    client: Client,
    table: String,
}

impl DynamoDbStore {
    pub fn new(client: Client, table: impl Into<String>) -> DynamoDbStore {
        DynamoDbStore {
            client,
            table: table.into(),
        }
    }
}

fn order_pk(reference: &Reference) -> String {
    format!("order#{reference}")
}

pub(super) fn unavailable<E, R>(error: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    // The SDK's error context names the operation and the cause; it carries no item data.
    StoreError {
        message: DisplayErrorContext(&error).to_string(),
    }
}

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn order_item(order: &Order) -> HashMap<String, AttributeValue> {
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
        ("language".to_owned(), s(d.language.code())),
        ("package".to_owned(), s(d.package.id())),
        ("net_cents".to_owned(), n(order.price.net_cents)),
        ("vat_rate_percent".to_owned(), s(VAT_RATE_PERCENT)),
        ("vat_cents".to_owned(), n(order.price.vat_cents)),
        ("gross_cents".to_owned(), n(order.price.gross_cents)),
        ("currency".to_owned(), s("EUR")),
        ("organization".to_owned(), s(&d.organization)),
        ("contact_name".to_owned(), s(&d.contact_name)),
        ("email".to_owned(), s(d.email.as_str())),
        ("privacy_consent".to_owned(), AttributeValue::Bool(true)),
    ]);
    let mut optional = |name: &str, value: Option<&str>| {
        if let Some(value) = value {
            item.insert(name.to_owned(), s(value));
        }
    };
    optional("business_id", d.business_id.as_ref().map(|v| v.as_str()));
    optional("phone", d.phone.as_ref().map(|v| v.as_str()));
    optional("location", d.location.as_deref());
    optional(
        "einvoice_address",
        d.einvoice_address.as_ref().map(|v| v.as_str()),
    );
    optional(
        "einvoice_operator",
        d.einvoice_operator.as_ref().map(|v| v.as_str()),
    );
    optional("billing_reference", d.billing_reference.as_deref());
    optional("message", d.message.as_deref());
    if let Some(participants) = d.participants {
        item.insert("participants".to_owned(), n(participants));
    }
    if !d.channels.is_empty() {
        item.insert(
            "channels".to_owned(),
            AttributeValue::L(d.channels.iter().map(|c| s(c.id())).collect()),
        );
    }
    if !d.preferred_dates.is_empty() {
        item.insert(
            "preferred_dates".to_owned(),
            AttributeValue::L(d.preferred_dates.iter().map(|c| s(c.to_string())).collect()),
        );
    }
    for kind in EmailKind::BOTH {
        item.extend(delivery_attributes(kind, order.delivery(kind)));
    }
    if let Some(retry_at) = order.retry_at() {
        item.insert(RETRY_QUEUE_ATTRIBUTE.to_owned(), s(RETRY_QUEUE));
        item.insert(RETRY_AT_ATTRIBUTE.to_owned(), n(retry_at.as_second()));
    }
    item
}

fn dedupe_item(dedupe: &DedupeKey, order: &Order) -> HashMap<String, AttributeValue> {
    HashMap::from([
        (
            ORDER_TABLE_PARTITION_KEY.to_owned(),
            s(format!("dedupe#{}", dedupe.id)),
        ),
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

fn text<'a>(item: &'a HashMap<String, AttributeValue>, name: &str) -> Option<&'a str> {
    item.get(name)?.as_s().ok().map(String::as_str)
}

fn number(item: &HashMap<String, AttributeValue>, name: &str) -> Option<i64> {
    item.get(name)?.as_n().ok()?.parse().ok()
}

fn attribute_name(kind: EmailKind, field: &str) -> String {
    format!("{}_email_{field}", kind.as_str())
}

/// One email's state as item attributes (`customer_email_status`, …_attempts, …_due_at, …).
fn delivery_attributes(kind: EmailKind, delivery: &Delivery) -> Vec<(String, AttributeValue)> {
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
    }
    attributes
}

fn delivery_from_item(item: &HashMap<String, AttributeValue>, kind: EmailKind) -> Option<Delivery> {
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
        _ => return None,
    })
}

/// The order back from its item, every field through its domain type. `None` for an item this
/// code did not write (the caller logs it).
fn order_from_item(item: &HashMap<String, AttributeValue>) -> Option<Order> {
    let optional = |name: &str| text(item, name).map(str::to_owned);
    let list = |name: &str| -> Option<Vec<String>> {
        match item.get(name) {
            None => Some(Vec::new()),
            Some(value) => value
                .as_l()
                .ok()?
                .iter()
                .map(|v| v.as_s().ok().cloned())
                .collect(),
        }
    };
    let details = NewOrder {
        package: Package::parse(text(item, "package")?)?,
        organization: text(item, "organization")?.to_owned(),
        contact_name: text(item, "contact_name")?.to_owned(),
        email: EmailAddress::parse(text(item, "email")?)?,
        business_id: match text(item, "business_id") {
            Some(id) => Some(BusinessId::parse(id)?),
            None => None,
        },
        phone: match text(item, "phone") {
            Some(phone) => Some(Phone::parse(phone)?),
            None => None,
        },
        participants: match number(item, "participants") {
            Some(count) => Some(u32::try_from(count).ok()?),
            None => None,
        },
        channels: list("channels")?
            .iter()
            .map(|c| Channel::parse(c))
            .collect::<Option<_>>()?,
        preferred_dates: list("preferred_dates")?
            .iter()
            .map(|d| d.parse().ok())
            .collect::<Option<_>>()?,
        location: optional("location"),
        einvoice_address: match text(item, "einvoice_address") {
            Some(id) => Some(EInvoiceId::parse(id)?),
            None => None,
        },
        einvoice_operator: match text(item, "einvoice_operator") {
            Some(id) => Some(EInvoiceId::parse(id)?),
            None => None,
        },
        billing_reference: optional("billing_reference"),
        message: optional("message"),
        language: Language::parse(text(item, "language")?)?,
    };
    let receipt = receipt_from_item(item)?;
    Some(Order {
        order_id: receipt.order_id,
        reference: receipt.reference,
        created_at: text(item, "created_at")?.parse().ok()?,
        price: receipt.price,
        details,
        customer_email: delivery_from_item(item, EmailKind::Customer)?,
        trainer_email: delivery_from_item(item, EmailKind::Trainer)?,
    })
}

fn receipt_from_item(item: &HashMap<String, AttributeValue>) -> Option<Receipt> {
    Some(Receipt {
        order_id: text(item, "order_id")?.to_owned(),
        reference: Reference::parse(text(item, "reference")?)?,
        package: Package::parse(text(item, "package")?)?,
        price: Price {
            net_cents: number(item, "net_cents")?,
            vat_cents: number(item, "vat_cents")?,
            gross_cents: number(item, "gross_cents")?,
        },
        emails_sent: text(item, "customer_email_status") == Some("sent")
            && text(item, "trainer_email_status") == Some("sent"),
    })
}

impl DynamoDbStore {
    async fn get(&self, pk: String) -> Result<Option<HashMap<String, AttributeValue>>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(ORDER_TABLE_PARTITION_KEY, s(pk))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(output.item)
    }

    /// The stored submission this one repeats, if its record is still live.
    async fn existing(&self, dedupe: &DedupeKey, now: Timestamp) -> Result<Insert, StoreError> {
        let Some(record) = self.get(format!("dedupe#{}", dedupe.id)).await? else {
            return Ok(Insert::Contended);
        };
        if number(&record, ORDER_TABLE_TTL_ATTRIBUTE)
            .is_none_or(|expires| expires < now.as_second())
        {
            return Ok(Insert::Contended);
        }
        if text(&record, "fingerprint") != Some(dedupe.fingerprint.as_str()) {
            return Ok(Insert::KeyReused);
        }
        let Some(reference) = text(&record, "reference").and_then(Reference::parse) else {
            return Err(StoreError {
                message: "dedupe record without a valid reference".into(),
            });
        };
        match self
            .get(order_pk(&reference))
            .await?
            .as_ref()
            .and_then(receipt_from_item)
        {
            Some(receipt) => Ok(Insert::Duplicate(receipt)),
            None => Err(StoreError {
                message: format!("dedupe record points at missing order {reference}"),
            }),
        }
    }
}

pub(super) fn build_error(error: aws_sdk_dynamodb::error::BuildError) -> StoreError {
    StoreError {
        message: error.to_string(),
    }
}

#[async_trait]
impl OrderStore for DynamoDbStore {
    async fn insert(
        &self,
        order: &Order,
        dedupe: &DedupeKey,
        now: Timestamp,
    ) -> Result<Insert, StoreError> {
        let put_order = Put::builder()
            .table_name(&self.table)
            .set_item(Some(order_item(order)))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .build()
            .map_err(build_error)?;
        // A dedupe record past its expiry may still be there (TTL deletes lazily): replace it.
        let put_dedupe = Put::builder()
            .table_name(&self.table)
            .set_item(Some(dedupe_item(dedupe, order)))
            .condition_expression("attribute_not_exists(#pk) OR #expires < :now")
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_names("#expires", ORDER_TABLE_TTL_ATTRIBUTE)
            .expression_attribute_values(":now", n(now.as_second()))
            .build()
            .map_err(build_error)?;
        let result = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().put(put_order).build())
            .transact_items(TransactWriteItem::builder().put(put_dedupe).build())
            .send()
            .await;
        let error = match result {
            Ok(_) => return Ok(Insert::Created),
            Err(error) => error,
        };
        let reasons: Vec<Option<String>> = match error.as_service_error() {
            Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) => cancelled
                .cancellation_reasons()
                .iter()
                .map(|r| r.code().map(str::to_owned))
                .collect(),
            _ => return Err(unavailable(error)),
        };
        let failed =
            |index: usize, code: &str| reasons.get(index).and_then(Option::as_deref) == Some(code);
        if failed(1, "ConditionalCheckFailed") {
            self.existing(dedupe, now).await
        } else if failed(0, "ConditionalCheckFailed") {
            Ok(Insert::ReferenceTaken)
        } else if reasons
            .iter()
            .flatten()
            .any(|code| code == "TransactionConflict")
        {
            Ok(Insert::Contended)
        } else {
            Err(unavailable(error))
        }
    }

    async fn record_delivery(
        &self,
        reference: &Reference,
        kind: EmailKind,
        delivery: &Delivery,
    ) -> Result<(), StoreError> {
        let mut names = HashMap::from([("#pk".to_owned(), ORDER_TABLE_PARTITION_KEY.to_owned())]);
        let mut values = HashMap::new();
        let mut set = Vec::new();
        for (i, (name, value)) in delivery_attributes(kind, delivery).into_iter().enumerate() {
            names.insert(format!("#a{i}"), name);
            values.insert(format!(":v{i}"), value);
            set.push(format!("#a{i} = :v{i}"));
        }
        // Fields of the previous state that this one does not have.
        let stale: Vec<&str> = match delivery {
            Delivery::Sent { .. } => vec!["attempts", "due_at"],
            Delivery::Failed { .. } => vec!["due_at"],
            Delivery::Sending { .. } | Delivery::Pending { .. } => vec![],
        };
        let mut remove = Vec::new();
        for (i, field) in stale.into_iter().enumerate() {
            names.insert(format!("#r{i}"), attribute_name(kind, field));
            remove.push(format!("#r{i}"));
        }
        let mut expression = format!("SET {}", set.join(", "));
        if !remove.is_empty() {
            expression.push_str(&format!(" REMOVE {}", remove.join(", ")));
        }
        let updated = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(ORDER_TABLE_PARTITION_KEY, s(order_pk(reference)))
            .update_expression(expression)
            .condition_expression("attribute_exists(#pk)")
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .return_values(ReturnValue::AllNew)
            .send()
            .await
            .map_err(unavailable)?;
        // Keep the retry queue in step with the emails' states as they now stand; most often
        // (the first of two emails sent) it already is, and no second write is needed.
        let item = updated.attributes.unwrap_or_default();
        let Some(order) = order_from_item(&item) else {
            return Err(StoreError {
                message: format!("order {reference} could not be read back"),
            });
        };
        let queued_at = item
            .contains_key(RETRY_QUEUE_ATTRIBUTE)
            .then(|| number(&item, RETRY_AT_ATTRIBUTE))
            .flatten();
        if queued_at == order.retry_at().map(|at| at.as_second()) {
            return Ok(());
        }
        self.reschedule(&order).await
    }

    async fn claim(
        &self,
        reference: &Reference,
        kind: EmailKind,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<bool, StoreError> {
        let claimed = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(ORDER_TABLE_PARTITION_KEY, s(order_pk(reference)))
            .update_expression("SET #status = :sending, #due = :until")
            .condition_expression("#status IN (:sending, :pending) AND #due <= :now")
            .expression_attribute_names("#status", attribute_name(kind, "status"))
            .expression_attribute_names("#due", attribute_name(kind, "due_at"))
            .expression_attribute_values(":sending", s("sending"))
            .expression_attribute_values(":pending", s("pending"))
            .expression_attribute_values(":until", n(until.as_second()))
            .expression_attribute_values(":now", n(now.as_second()))
            .send()
            .await;
        match claimed {
            Ok(_) => Ok(true),
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(error) => Err(unavailable(error)),
        }
    }

    async fn due_for_retry(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<Reference>, StoreError> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(RETRY_INDEX)
            .key_condition_expression("#queue = :queue AND #at <= :now")
            .expression_attribute_names("#queue", RETRY_QUEUE_ATTRIBUTE)
            .expression_attribute_names("#at", RETRY_AT_ATTRIBUTE)
            .expression_attribute_values(":queue", s(RETRY_QUEUE))
            .expression_attribute_values(":now", n(now.as_second()))
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(output
            .items()
            .iter()
            .filter_map(|item| {
                text(item, ORDER_TABLE_PARTITION_KEY)?
                    .strip_prefix("order#")
                    .and_then(Reference::parse)
            })
            .collect())
    }

    async fn load(&self, reference: &Reference) -> Result<Option<Order>, StoreError> {
        let Some(item) = self.get(order_pk(reference)).await? else {
            return Ok(None);
        };
        order_from_item(&item).map(Some).ok_or_else(|| StoreError {
            message: format!("order {reference} could not be read"),
        })
    }

    async fn reschedule(&self, order: &Order) -> Result<(), StoreError> {
        let update = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(ORDER_TABLE_PARTITION_KEY, s(order_pk(&order.reference)))
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_names("#queue", RETRY_QUEUE_ATTRIBUTE)
            .expression_attribute_names("#at", RETRY_AT_ATTRIBUTE);
        let update = match order.retry_at() {
            Some(at) => update
                .update_expression("SET #queue = :queue, #at = :at")
                .expression_attribute_values(":queue", s(RETRY_QUEUE))
                .expression_attribute_values(":at", n(at.as_second())),
            // Both emails final: out of the sparse index.
            None => update.update_expression("REMOVE #queue, #at"),
        };
        update.send().await.map_err(unavailable)?;
        Ok(())
    }

    /// A GetItem (already granted) of a key no order has: half a read unit, and the
    /// connection is open for the first order's write.
    async fn warm_up(&self) -> Result<(), StoreError> {
        self.client
            .get_item()
            .table_name(&self.table)
            .key(ORDER_TABLE_PARTITION_KEY, s("warm-up"))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}
