//! The emails' states on the order and the retry queue (`EmailQueue`): claims, attempts and
//! the sparse `retry-due` index that follows them.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use jiff::Timestamp;

use super::erasure::report_attributes;
use super::{Changes, DynamoDbStore, RETRY_INDEX, unavailable, written};
use crate::domain::{Delivery, DeliveryStatus, EmailKind, Order, Reference, RetryQueue};
use crate::store::attribute::EmailAttribute;
use crate::store::codec::{n, number, s, text};
use crate::store::item::{
    ERASED_AT_ATTRIBUTE, ORDER_TABLE_PARTITION_KEY, RETRY_AT_ATTRIBUTE, RETRY_QUEUE,
    RETRY_QUEUE_ATTRIBUTE, order_from_item, order_pk, recipients_value, reference_of, retry_place,
};
use crate::store::{Claim, EmailQueue, Result, SentMessage};

impl DynamoDbStore {
    /// Up to `limit` orders of one place of the retry index due by `now`, oldest first.
    async fn due_in(
        &self,
        queue: RetryQueue,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<Reference>> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(RETRY_INDEX)
            .key_condition_expression("#queue = :queue AND #at <= :now")
            .expression_attribute_names("#queue", RETRY_QUEUE_ATTRIBUTE)
            .expression_attribute_names("#at", RETRY_AT_ATTRIBUTE)
            .expression_attribute_values(":queue", s(queue.as_str()))
            .expression_attribute_values(":now", n(now.as_second()))
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(output.items().iter().filter_map(reference_of).collect())
    }
}

#[async_trait]
impl EmailQueue for DynamoDbStore {
    /// One update of the order: both emails' states, to whom each sent message went, and the
    /// order's place in the retry queue (`order.retry_at()`).
    async fn record_attempts(&self, order: &Order, sent: &[SentMessage]) -> Result<()> {
        let changes = || {
            let mut changes = Changes::default();
            for (kind, delivery) in order.deliveries() {
                changes.delivery(kind, delivery);
            }
            changes.retry_queue(retry_place(order));
            changes
        };
        (self.write_emails(&order.reference, sent, changes, ReturnValue::None)).await?;
        Ok(())
    }

    async fn record_delivery(
        &self,
        reference: &Reference,
        kind: EmailKind,
        delivery: &Delivery,
        sent: Option<&SentMessage>,
    ) -> Result<()> {
        let changes = || {
            let mut changes = Changes::default();
            changes.delivery(kind, delivery);
            changes
        };
        let sent = sent.map(std::slice::from_ref).unwrap_or_default();
        let item = (self.write_emails(reference, sent, changes, ReturnValue::AllNew)).await?;
        if item.contains_key(ERASED_AT_ATTRIBUTE) {
            // Erased since the send: out of the retry queue for good, and no longer readable.
            return Ok(());
        }
        // Keep the retry queue in step with the emails' states as they now stand; most often
        // (the first of two emails sent) it already is, and no second write is needed.
        let order = order_from_item(&item)?;
        let queued = text(&item, RETRY_QUEUE_ATTRIBUTE).zip(number(&item, RETRY_AT_ATTRIBUTE));
        if queued == retry_place(&order).map(|(queue, at)| (queue, at.as_second())) {
            return Ok(());
        }
        self.reschedule(&order).await
    }

    async fn claim(&self, reference: &Reference, kind: EmailKind, claim: Claim) -> Result<bool> {
        let Claim { now, until } = claim;
        let claimed = self
            .update_order(reference)
            .update_expression("SET #status = :sending, #due = :until")
            .condition_expression("#status IN (:sending, :pending, :held) AND #due <= :now")
            .expression_attribute_names("#status", EmailAttribute::Status.of(kind))
            .expression_attribute_names("#due", EmailAttribute::DueAt.of(kind))
            .expression_attribute_values(":sending", s(DeliveryStatus::Sending.as_str()))
            .expression_attribute_values(":pending", s(DeliveryStatus::Pending.as_str()))
            .expression_attribute_values(":held", s(DeliveryStatus::Held.as_str()))
            .expression_attribute_values(":until", n(until.as_second()))
            .expression_attribute_values(":now", n(now.as_second()))
            .send()
            .await;
        written(claimed, |e| e.is_conditional_check_failed_exception())
    }

    async fn reclaim(&self, reference: &Reference, kind: EmailKind, claim: Claim) -> Result<bool> {
        let Claim { now, until } = claim;
        let Some(item) = self.get(order_pk(reference)).await? else {
            return Ok(false);
        };
        let mut changes = Changes::default();
        changes.set(
            EmailAttribute::Status.of(kind),
            s(DeliveryStatus::Sending.as_str()),
        );
        changes.set(EmailAttribute::DueAt.of(kind), n(until.as_second()));
        let attempts = changes.name(EmailAttribute::Attempts.of(kind));
        let zero = changes.value(n(0));
        // In the retry index until the send is recorded, so a crash leaves it to the retry run.
        changes.set(RETRY_QUEUE_ATTRIBUTE, s(RETRY_QUEUE));
        changes.set(RETRY_AT_ATTRIBUTE, n(until.as_second()));
        for stale in [
            EmailAttribute::MessageId,
            EmailAttribute::SentAt,
            EmailAttribute::DropAt,
        ] {
            changes.remove(stale.of(kind));
        }
        for reported in report_attributes(&item, kind) {
            changes.remove(reported);
        }
        let pk = changes.name(ORDER_TABLE_PARTITION_KEY);
        let erased = changes.name(ERASED_AT_ATTRIBUTE);
        let status = changes.name(EmailAttribute::Status.of(kind));
        let due = changes.name(EmailAttribute::DueAt.of(kind));
        let (sending, now) = (
            changes.value(s(DeliveryStatus::Sending.as_str())),
            changes.value(n(now.as_second())),
        );
        changes.set_clause(format!("{attempts} = if_not_exists({attempts}, {zero})"));
        let reclaimed = changes
            .apply(self.update_order(reference))
            .condition_expression(format!(
                "attribute_exists({pk}) AND attribute_not_exists({erased}) \
                 AND ({status} <> {sending} OR {due} <= {now})"
            ))
            .send()
            .await;
        written(reclaimed, |e| e.is_conditional_check_failed_exception())
    }

    async fn claim_waiting(
        &self,
        reference: &Reference,
        kind: EmailKind,
        claim: Claim,
    ) -> Result<bool> {
        let mut changes = Changes::default();
        changes.set(
            EmailAttribute::Status.of(kind),
            s(DeliveryStatus::Sending.as_str()),
        );
        changes.set(EmailAttribute::DueAt.of(kind), n(claim.until.as_second()));
        changes.set(EmailAttribute::Attempts.of(kind), n(0));
        changes.remove(EmailAttribute::DropAt.of(kind));
        // In the retry index until the send is recorded, so a crash leaves it to the retry run.
        changes.retry_queue(Some((RETRY_QUEUE, claim.until)));
        let pk = changes.name(ORDER_TABLE_PARTITION_KEY);
        let erased = changes.name(ERASED_AT_ATTRIBUTE);
        let status = changes.name(EmailAttribute::Status.of(kind));
        let held = changes.value(s(DeliveryStatus::Held.as_str()));
        let unverified = changes.value(s(Delivery::Unverified.status()));
        let claimed = changes
            .apply(self.update_order(reference))
            .condition_expression(format!(
                "attribute_exists({pk}) AND attribute_not_exists({erased}) \
                 AND {status} IN ({held}, {unverified})"
            ))
            .send()
            .await;
        written(claimed, |e| e.is_conditional_check_failed_exception())
    }

    /// The due orders first, then those waiting only on held confirmations.
    async fn due_for_retry(&self, now: Timestamp, limit: usize) -> Result<Vec<Reference>> {
        let mut due = self.due_in(RetryQueue::Due, now, limit).await?;
        if due.len() < limit {
            let held = self
                .due_in(RetryQueue::Held, now, limit - due.len())
                .await?;
            due.extend(held);
        }
        Ok(due)
    }

    async fn due_for_digest(&self, now: Timestamp, limit: usize) -> Result<Vec<Reference>> {
        self.due_in(RetryQueue::Digest, now, limit).await
    }

    /// The order's place in the retry index, from its emails' states.
    async fn reschedule(&self, order: &Order) -> Result<()> {
        // Only if every email still stands as in `order`: a stale copy must not put a finished
        // order back in the retry index (or take a live one out).
        let mut condition = vec!["attribute_exists(#pk)".to_owned()];
        let mut update = self
            .update_order(&order.reference)
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_names("#queue", RETRY_QUEUE_ATTRIBUTE)
            .expression_attribute_names("#at", RETRY_AT_ATTRIBUTE);
        for (kind, delivery) in order.deliveries() {
            let (status, due) = (
                format!("#{}s", kind.as_str()),
                format!("#{}d", kind.as_str()),
            );
            update = update
                .expression_attribute_names(&status, EmailAttribute::Status.of(kind))
                .expression_attribute_names(&due, EmailAttribute::DueAt.of(kind))
                .expression_attribute_values(format!(":{}s", kind.as_str()), s(delivery.status()));
            condition.push(format!("{status} = :{}s", kind.as_str()));
            match delivery.due_at() {
                Some(at) => {
                    let value = format!(":{}d", kind.as_str());
                    update = update.expression_attribute_values(&value, n(at.as_second()));
                    condition.push(format!("{due} = {value}"));
                }
                None => condition.push(format!("attribute_not_exists({due})")),
            }
        }
        let update = match retry_place(order) {
            Some((queue, at)) => update
                .update_expression("SET #queue = :queue, #at = :at")
                .expression_attribute_values(":queue", s(queue))
                .expression_attribute_values(":at", n(at.as_second())),
            // Both emails final: out of the sparse index.
            None => update.update_expression("REMOVE #queue, #at"),
        };
        let sent = update
            .condition_expression(condition.join(" AND "))
            .send()
            .await;
        // Not written when the order changed since it was read: the writer of the newer state
        // keeps the index in step.
        written(sent, |e| e.is_conditional_check_failed_exception())?;
        Ok(())
    }

    async fn dequeue(&self, key: &str) -> Result<()> {
        let removed = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(ORDER_TABLE_PARTITION_KEY, s(key))
            .update_expression("REMOVE #queue, #at")
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_names("#queue", RETRY_QUEUE_ATTRIBUTE)
            .expression_attribute_names("#at", RETRY_AT_ATTRIBUTE)
            .send()
            .await;
        // Not written when the item is gone already: nothing to take out.
        written(removed, |e| e.is_conditional_check_failed_exception())?;
        Ok(())
    }
}

impl DynamoDbStore {
    /// One update of an order that exists: `changes`, and to whom each sent message went, unless
    /// the order was erased since (an erased order keeps no addresses; then it is written again
    /// without them, the only case with a second call). The item as `returned` asks.
    async fn write_emails(
        &self,
        reference: &Reference,
        sent: &[SentMessage],
        changes: impl Fn() -> Changes,
        returned: ReturnValue,
    ) -> Result<HashMap<String, AttributeValue>> {
        if !sent.is_empty() {
            let mut with_recipients = changes();
            for message in sent {
                with_recipients.set(
                    EmailAttribute::Recipients.of(message.kind),
                    recipients_value(&message.recipients),
                );
            }
            let exists = with_recipients.name(ORDER_TABLE_PARTITION_KEY);
            let erased = with_recipients.name(ERASED_AT_ATTRIBUTE);
            let written = with_recipients
                .apply(self.update_order(reference))
                .condition_expression(format!(
                    "attribute_exists({exists}) AND attribute_not_exists({erased})"
                ))
                .return_values(returned.clone())
                .send()
                .await;
            match written {
                Ok(output) => return Ok(output.attributes.unwrap_or_default()),
                Err(error)
                    if !(error.as_service_error())
                        .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
                {
                    return Err(unavailable(error));
                }
                // Erased (or gone) since: without the addresses, below.
                Err(_) => {}
            }
        }
        let mut changes = changes();
        let exists = changes.name(ORDER_TABLE_PARTITION_KEY);
        let output = changes
            .apply(self.update_order(reference))
            .condition_expression(format!("attribute_exists({exists})"))
            .return_values(returned)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(output.attributes.unwrap_or_default())
    }
}
