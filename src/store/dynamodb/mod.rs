//! Orders in one DynamoDB table. Items:
//! - `pk = order#<REFERENCE>`: the order, written once with a conditional put;
//! - `pk = dedupe#key#<key>` or `dedupe#content#<fingerprint>`: what makes a resubmission a
//!   replay, written in the same transaction, expiring through the table's TTL attribute.

mod cancel;
mod erasure;
mod invoice;
mod listing;

pub use invoice::{FIRST_INVOICE_NUMBER, Invoiced};
mod reports;

use cancel::{Cancelled, cancelled};

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::builders::UpdateBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, Put, ReturnValue, TransactWriteItem, Update};
use jiff::Timestamp;

use super::item::{
    Item, ORDER_TABLE_PARTITION_KEY, ORDER_TABLE_TTL_ATTRIBUTE, RETRY_AT_ATTRIBUTE, RETRY_QUEUE,
    RETRY_QUEUE_ATTRIBUTE, attribute_name, counter_expiry, dedupe_item, dedupe_pk,
    delivery_attributes, message_ids_attribute, message_item, n, number, order_from_item,
    order_item, order_pk, receipt_from_item, reference_of, s, stale_delivery_fields, text,
};
use super::{DedupeKey, Erasure, Insert, OrderStore, OutcomeRecorded, SentMessage, StoreError};
use crate::domain::{Delivery, EmailKind, Order, Outcome, QuotaCounter, Receipt, Reference};

/// A key in the orders' key space (the role may read nothing else) that no order has: references
/// are upper case.
const WARM_UP_KEY: &str = "order#warm-up";

/// The sparse index of orders with an email not yet sent or given up.
pub const RETRY_INDEX: &str = "retry-due";
/// Every order by its month (Helsinki time) and creation time: what operators list and export,
/// and what the retention run looks through.
pub const BY_MONTH_INDEX: &str = "by-month";

/// The IAM actions this store calls (a transaction is authorised per item action; Query on the
/// retry index); the templates grant exactly these on the table and the index (tests/api/template_agreement.rs).
pub const DYNAMODB_ACTIONS: [&str; 4] = [
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
];

/// What the operator's `orders` command calls (it reads items and the by-month index, updates
/// orders, message lookups and the invoice counter — a transaction is authorised per item
/// action — and writes a resend's lookup item): the same actions as the function's, granted by
/// the template's operator policy on the table and that index only.
pub const OPERATOR_DYNAMODB_ACTIONS: [&str; 4] = DYNAMODB_ACTIONS;

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

/// Storage did not answer, or answered with an error. The SDK error stays the source: its
/// context names the operation and the cause, and carries no item data.
pub(in crate::store) fn unavailable<E, R>(error: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    StoreError::unavailable(error)
}

pub(in crate::store) fn build_error(error: aws_sdk_dynamodb::error::BuildError) -> StoreError {
    StoreError::unavailable(error)
}

/// A conditional write's result: `true` when it was made, `false` when its condition did not
/// hold (`failed_condition` tells that error from the others).
fn written<O, E, R>(
    result: Result<O, SdkError<E, R>>,
    failed_condition: impl Fn(&E) -> bool,
) -> Result<bool, StoreError>
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match result {
        Ok(_) => Ok(true),
        Err(error) if error.as_service_error().is_some_and(&failed_condition) => Ok(false),
        Err(error) => Err(unavailable(error)),
    }
}

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

    pub(in crate::store) fn remove(&mut self, attribute: impl Into<String>) {
        let name = self.name(attribute);
        self.remove.push(name);
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
            self.remove(attribute_name(kind, field));
        }
        if let Delivery::Sent { message_id, .. } = delivery {
            self.add(
                message_ids_attribute(kind),
                AttributeValue::Ss(vec![message_id.clone()]),
            );
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

    /// The same, on an update inside a transaction.
    pub(in crate::store) fn apply_in_transaction(self, update: UpdateBuilder) -> UpdateBuilder {
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

impl DynamoDbStore {
    /// An update of one order's item.
    fn update_order(&self, reference: &Reference) -> UpdateItemFluentBuilder {
        self.client
            .update_item()
            .table_name(&self.table)
            .key(ORDER_TABLE_PARTITION_KEY, s(order_pk(reference)))
    }

    /// One unit from a quota counter, if it is under its limit: the counter's item is made on
    /// the window's first order.
    fn take_from(&self, counter: &QuotaCounter) -> UpdateBuilder {
        Update::builder()
            .table_name(&self.table)
            .key(ORDER_TABLE_PARTITION_KEY, s(&counter.key))
            .update_expression("ADD #count :one SET #kind = :kind, #expires = :expires")
            .condition_expression("attribute_not_exists(#count) OR #count < :limit")
            .expression_attribute_names("#count", "count")
            .expression_attribute_names("#kind", "kind")
            .expression_attribute_names("#expires", ORDER_TABLE_TTL_ATTRIBUTE)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":kind", s("quota"))
            .expression_attribute_values(":expires", counter_expiry(counter))
            .expression_attribute_values(":limit", n(counter.limit))
    }

    async fn get(&self, pk: String) -> Result<Option<Item>, StoreError> {
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
    async fn existing(
        &self,
        dedupe: &DedupeKey,
        order: &Order,
        now: Timestamp,
    ) -> Result<Insert, StoreError> {
        let Some(record) = self.get(dedupe_pk(dedupe)).await? else {
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
        let unreadable = |problem| StoreError::Unreadable {
            key: dedupe_pk(dedupe),
            problem,
        };
        let reference = text(&record, "reference")
            .and_then(Reference::parse)
            .ok_or_else(|| unreadable("dedupe record without a valid reference"))?;
        let stored = self.get(order_pk(&reference)).await?;
        let stored = stored.ok_or_else(|| unreadable("dedupe record of a missing order"))?;
        Ok(Insert::Duplicate(receipt_from_item(&stored).unwrap_or_else(|| {
            // The same content was stored, so the same package: the customer is told their
            // order's reference, never an error for an order that exists.
            tracing::warn!(reference = %reference, "stored order unreadable: replay answered from its dedupe record");
            Receipt {
                order_id: text(&record, "order_id").unwrap_or_default().to_owned(),
                reference: reference.clone(),
                package: order.details.package,
                price: order.price,
                emails_sent: false,
            }
        })))
    }
}

#[async_trait]
impl OrderStore for DynamoDbStore {
    async fn insert(
        &self,
        order: &Order,
        dedupe: &DedupeKey,
        quota: &[QuotaCounter],
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
        let mut items = vec![
            TransactWriteItem::builder().put(put_order).build(),
            TransactWriteItem::builder().put(put_dedupe).build(),
        ];
        for counter in quota {
            let update = self.take_from(counter).build().map_err(build_error)?;
            items.push(TransactWriteItem::builder().update(update).build());
        }
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await;
        let error = match result {
            Ok(_) => return Ok(Insert::Created),
            Err(error) => error,
        };
        match error.as_service_error().and_then(cancelled) {
            Some(Cancelled::SeenBefore) => self.existing(dedupe, order, now).await,
            Some(Cancelled::OverQuota(index)) => match quota.get(index) {
                Some(counter) => Ok(Insert::OverQuota(counter.kind)),
                None => Err(unavailable(error)),
            },
            Some(Cancelled::ReferenceTaken) => Ok(Insert::ReferenceTaken),
            Some(Cancelled::Conflict) => Ok(Insert::Contended),
            Some(Cancelled::Other) | None => Err(unavailable(error)),
        }
    }

    async fn take_quota(&self, counter: &QuotaCounter) -> Result<bool, StoreError> {
        self.take_unit(counter).await
    }

    async fn dequeue(&self, key: &str) -> Result<(), StoreError> {
        self.remove_from_queue(key).await
    }

    async fn remember_message(
        &self,
        message_id: &str,
        reference: &Reference,
        kind: EmailKind,
        recipients: &[String],
    ) -> Result<(), StoreError> {
        self.put_message(message_id, reference, kind, recipients)
            .await
    }

    async fn record_outcome(
        &self,
        message_id: &str,
        recipient: &str,
        outcome: Outcome,
        at: Timestamp,
    ) -> Result<OutcomeRecorded, StoreError> {
        self.update_outcome(message_id, recipient, outcome, at)
            .await
    }

    async fn set_check(
        &self,
        reference: &Reference,
        at: Option<Timestamp>,
    ) -> Result<(), StoreError> {
        self.update_check(reference, at).await
    }

    async fn mark_told(
        &self,
        reference: &Reference,
        kind: EmailKind,
        told: bool,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        self.update_told(reference, kind, told, now).await
    }

    /// One transaction: the sent messages' lookup items, and one update of the order with both
    /// emails' states and its place in the retry queue (`order.retry_at()`), where the calls
    /// one by one were two puts, two updates and a reschedule.
    async fn record_attempts(&self, order: &Order, sent: &[SentMessage]) -> Result<(), StoreError> {
        let mut changes = Changes::default();
        for kind in EmailKind::BOTH {
            changes.delivery(kind, order.delivery(kind));
        }
        match order.retry_at() {
            Some(at) => {
                changes.set(RETRY_QUEUE_ATTRIBUTE, s(RETRY_QUEUE));
                changes.set(RETRY_AT_ATTRIBUTE, n(at.as_second()));
            }
            // Both emails final: out of the sparse index.
            None => {
                changes.remove(RETRY_QUEUE_ATTRIBUTE);
                changes.remove(RETRY_AT_ATTRIBUTE);
            }
        }
        let exists = changes.name(ORDER_TABLE_PARTITION_KEY);
        let update = changes
            .apply_in_transaction(
                Update::builder()
                    .table_name(&self.table)
                    .key(ORDER_TABLE_PARTITION_KEY, s(order_pk(&order.reference))),
            )
            .condition_expression(format!("attribute_exists({exists})"))
            .build()
            .map_err(build_error)?;
        let mut items = Vec::with_capacity(sent.len() + 1);
        for message in sent {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(message_item(
                    &message.message_id,
                    &order.reference,
                    message.kind,
                    &message.recipients,
                )))
                .build()
                .map_err(build_error)?;
            items.push(TransactWriteItem::builder().put(put).build());
        }
        items.push(TransactWriteItem::builder().update(update).build());
        self.client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn record_delivery(
        &self,
        reference: &Reference,
        kind: EmailKind,
        delivery: &Delivery,
    ) -> Result<(), StoreError> {
        let mut changes = Changes::default();
        changes.delivery(kind, delivery);
        let exists = changes.name(ORDER_TABLE_PARTITION_KEY);
        let updated = changes
            .apply(self.update_order(reference))
            .condition_expression(format!("attribute_exists({exists})"))
            .return_values(ReturnValue::AllNew)
            .send()
            .await
            .map_err(unavailable)?;
        // Keep the retry queue in step with the emails' states as they now stand; most often
        // (the first of two emails sent) it already is, and no second write is needed.
        let item = updated.attributes.unwrap_or_default();
        let order = order_from_item(&item)?;
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
            .update_order(reference)
            .update_expression("SET #status = :sending, #due = :until")
            .condition_expression("#status IN (:sending, :pending, :held) AND #due <= :now")
            .expression_attribute_names("#status", attribute_name(kind, "status"))
            .expression_attribute_names("#due", attribute_name(kind, "due_at"))
            .expression_attribute_values(":sending", s("sending"))
            .expression_attribute_values(":pending", s("pending"))
            .expression_attribute_values(":held", s("held"))
            .expression_attribute_values(":until", n(until.as_second()))
            .expression_attribute_values(":now", n(now.as_second()))
            .send()
            .await;
        written(claimed, |e| e.is_conditional_check_failed_exception())
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
        Ok(output.items().iter().filter_map(reference_of).collect())
    }

    async fn load(&self, reference: &Reference) -> Result<Option<Order>, StoreError> {
        let Some(item) = self.get(order_pk(reference)).await? else {
            return Ok(None);
        };
        order_from_item(&item).map(Some)
    }

    async fn reschedule(&self, order: &Order) -> Result<(), StoreError> {
        self.update_schedule(order).await
    }

    async fn reclaim(
        &self,
        reference: &Reference,
        kind: EmailKind,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<bool, StoreError> {
        self.reclaim_email(reference, kind, now, until).await
    }

    async fn due_for_erasure(
        &self,
        cutoff: Timestamp,
        limit: usize,
    ) -> Result<Vec<Reference>, StoreError> {
        self.erasure_due(cutoff, limit).await
    }

    async fn erase(
        &self,
        reference: &Reference,
        now: Timestamp,
    ) -> Result<Option<Erasure>, StoreError> {
        self.erase_order(reference, now).await
    }

    /// A GetItem (already granted) of a key no order has: half a read unit, and the
    /// connection is open for the first order's write.
    async fn warm_up(&self) -> Result<(), StoreError> {
        self.client
            .get_item()
            .table_name(&self.table)
            .key(ORDER_TABLE_PARTITION_KEY, s(WARM_UP_KEY))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}
