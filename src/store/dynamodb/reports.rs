//! The sent messages' lookup items and what SES reports about them; the retry index's
//! maintenance; the abuse counters taken on their own.

use jiff::Timestamp;

use super::{DynamoDbStore, build_error, unavailable, written};
use crate::domain::{EmailKind, Order, Outcome, QuotaCounter, Reference};
use crate::store::OutcomeRecorded;
use crate::store::StoreError;
use crate::store::item::{
    CHECK_AT, ORDER_TABLE_PARTITION_KEY, RETRY_AT_ATTRIBUTE, RETRY_QUEUE, RETRY_QUEUE_ATTRIBUTE,
    attribute_name, message_item, message_pk, message_target, n, s,
};

impl DynamoDbStore {
    pub(super) async fn take_unit(&self, counter: &QuotaCounter) -> Result<bool, StoreError> {
        let update = self.take_from(counter).build().map_err(build_error)?;
        let taken = self
            .client
            .update_item()
            .table_name(update.table_name())
            .set_key(Some(update.key().clone()))
            .update_expression(update.update_expression())
            .set_condition_expression(update.condition_expression().map(str::to_owned))
            .set_expression_attribute_names(update.expression_attribute_names().cloned())
            .set_expression_attribute_values(update.expression_attribute_values().cloned())
            .send()
            .await;
        written(taken, |e| e.is_conditional_check_failed_exception())
    }

    pub(super) async fn remove_from_queue(&self, key: &str) -> Result<(), StoreError> {
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

    pub(super) async fn put_message(
        &self,
        message_id: &str,
        reference: &Reference,
        kind: EmailKind,
        recipients: &[String],
    ) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(message_item(message_id, reference, kind, recipients)))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    pub(super) async fn update_outcome(
        &self,
        message_id: &str,
        recipient: &str,
        outcome: Outcome,
        at: Timestamp,
    ) -> Result<OutcomeRecorded, StoreError> {
        let Some(message) = self.get(message_pk(message_id)).await? else {
            return Ok(OutcomeRecorded::UnknownMessage);
        };
        let Some((reference, kind, place)) = message_target(&message, recipient) else {
            return Ok(OutcomeRecorded::UnknownMessage);
        };
        let field = |what: &str| attribute_name(kind, &format!("to{place}_{what}"));
        let updated = self
            .update_order(&reference)
            .update_expression("SET #outcome = :outcome, #rank = :rank, #at = :at")
            // Reports about an earlier send of a resent email no longer count.
            .condition_expression(
                "attribute_exists(#pk) AND (attribute_not_exists(#rank) OR #rank < :rank) \
                 AND (attribute_not_exists(#message) OR #message = :message)",
            )
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_names("#message", attribute_name(kind, "message_id"))
            .expression_attribute_values(":message", s(message_id))
            .expression_attribute_names("#outcome", field("outcome"))
            .expression_attribute_names("#rank", field("outcome_rank"))
            .expression_attribute_names("#at", field("outcome_at"))
            .expression_attribute_values(":outcome", s(outcome.as_str()))
            .expression_attribute_values(":rank", n(outcome.rank()))
            .expression_attribute_values(":at", s(at.to_string()))
            .send()
            .await;
        Ok(
            if written(updated, |e| e.is_conditional_check_failed_exception())? {
                OutcomeRecorded::Changed { reference, kind }
            } else {
                OutcomeRecorded::Unchanged { reference, kind }
            },
        )
    }

    pub(super) async fn update_check(
        &self,
        reference: &Reference,
        at: Option<Timestamp>,
    ) -> Result<(), StoreError> {
        let update = self
            .update_order(reference)
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_names("#check", attribute_name(EmailKind::Customer, CHECK_AT));
        let update = match at {
            Some(at) => update
                .update_expression("SET #check = :at")
                .expression_attribute_values(":at", n(at.as_second())),
            None => update.update_expression("REMOVE #check"),
        };
        update.send().await.map_err(unavailable)?;
        Ok(())
    }

    pub(super) async fn update_told(
        &self,
        reference: &Reference,
        kind: EmailKind,
        told: bool,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let update = self
            .update_order(reference)
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_names("#told", attribute_name(kind, "told_at"));
        let update = match told {
            true => update
                .update_expression("SET #told = :now")
                .condition_expression("attribute_exists(#pk) AND attribute_not_exists(#told)")
                .expression_attribute_values(":now", s(now.to_string())),
            false => update
                .update_expression("REMOVE #told")
                .condition_expression("attribute_exists(#pk)"),
        };
        written(update.send().await, |e| {
            e.is_conditional_check_failed_exception()
        })
    }

    /// The order's place in the retry index, from its emails' states.
    pub(super) async fn update_schedule(&self, order: &Order) -> Result<(), StoreError> {
        // Only if both emails still stand as in `order`: a stale copy must not put a finished
        // order back in the retry index (or take a live one out).
        let mut condition = vec!["attribute_exists(#pk)".to_owned()];
        let mut update = self
            .update_order(&order.reference)
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_names("#queue", RETRY_QUEUE_ATTRIBUTE)
            .expression_attribute_names("#at", RETRY_AT_ATTRIBUTE);
        for kind in EmailKind::BOTH {
            let delivery = order.delivery(kind);
            let (status, due) = (
                format!("#{}s", kind.as_str()),
                format!("#{}d", kind.as_str()),
            );
            update = update
                .expression_attribute_names(&status, attribute_name(kind, "status"))
                .expression_attribute_names(&due, attribute_name(kind, "due_at"))
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
        let update = match order.retry_at() {
            Some(at) => update
                .update_expression("SET #queue = :queue, #at = :at")
                .expression_attribute_values(":queue", s(RETRY_QUEUE))
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
}
