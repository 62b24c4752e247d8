//! Orders in one DynamoDB table. Items:
//! - `pk = order#<REFERENCE>`: the order, written once with a conditional put;
//! - `pk = dedupe#key#<key>` or `dedupe#content#<fingerprint>`: what makes a resubmission a
//!   replay, written in the same transaction, expiring through the table's TTL attribute.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use jiff::Timestamp;

use super::{DedupeKey, Delivery, EmailKind, Insert, Order, OrderStore, Receipt, StoreError};
use crate::domain::{Package, Price, Reference, VAT_RATE_PERCENT};

/// The table's only key attribute (a string). `infra/template.yaml` declares the same.
pub const ORDER_TABLE_PARTITION_KEY: &str = "pk";
/// Epoch seconds after which DynamoDB may delete a dedupe record. Orders never carry it.
pub const ORDER_TABLE_TTL_ATTRIBUTE: &str = "expires_at";

/// The IAM actions this store calls (a transaction is authorised per item action); the templates
/// grant exactly these on the table (tests/api/template_agreement.rs).
pub const DYNAMODB_ACTIONS: [&str; 3] = [
    "dynamodb:GetItem",
    "dynamodb:PutItem",
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
    for (kind, delivery) in [
        (EmailKind::Customer, &order.customer_email),
        (EmailKind::Trainer, &order.trainer_email),
    ] {
        let prefix = kind.as_str();
        match delivery {
            Delivery::Pending => {
                item.insert(format!("{prefix}_email_status"), s("pending"));
            }
            Delivery::Sent {
                message_id,
                sent_at,
            } => {
                item.insert(format!("{prefix}_email_status"), s("sent"));
                item.insert(format!("{prefix}_email_message_id"), s(message_id));
                item.insert(format!("{prefix}_email_sent_at"), s(sent_at.to_string()));
            }
        }
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

    async fn mark_email_sent(
        &self,
        reference: &Reference,
        kind: EmailKind,
        message_id: &str,
        sent_at: Timestamp,
    ) -> Result<(), StoreError> {
        let prefix = kind.as_str();
        self.client
            .update_item()
            .table_name(&self.table)
            .key(ORDER_TABLE_PARTITION_KEY, s(order_pk(reference)))
            .update_expression(
                "SET #status = :sent, #message_id = :message_id, #sent_at = :sent_at",
            )
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_names("#status", format!("{prefix}_email_status"))
            .expression_attribute_names("#message_id", format!("{prefix}_email_message_id"))
            .expression_attribute_names("#sent_at", format!("{prefix}_email_sent_at"))
            .expression_attribute_values(":sent", s("sent"))
            .expression_attribute_values(":message_id", s(message_id))
            .expression_attribute_values(":sent_at", s(sent_at.to_string()))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}
