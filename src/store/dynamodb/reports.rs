//! The sent messages' lookup items and what SES reports about them (`DeliveryReports`).

use async_trait::async_trait;
use jiff::Timestamp;

use super::{DynamoDbStore, unavailable, written};
use crate::domain::{EmailKind, Reference};
use crate::store::EmailAttribute;
use crate::store::item::{
    ORDER_TABLE_PARTITION_KEY, message_item, message_pk, message_target, n, s,
};
use crate::store::{DeliveryReports, OutcomeRecorded, RecipientReport, Result, SentMessage};

#[async_trait]
impl DeliveryReports for DynamoDbStore {
    async fn remember_message(&self, reference: &Reference, sent: &SentMessage) -> Result<()> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(message_item(reference, sent)))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn record_outcome(&self, report: RecipientReport<'_>) -> Result<OutcomeRecorded> {
        let Some(message) = self.get(message_pk(report.message_id)).await? else {
            return Ok(OutcomeRecorded::UnknownMessage);
        };
        let Some((reference, kind, place)) = message_target(&message, report.recipient) else {
            return Ok(OutcomeRecorded::UnknownMessage);
        };
        let updated = self
            .update_order(&reference)
            .update_expression("SET #outcome = :outcome, #rank = :rank, #at = :at")
            // Reports about an earlier send of a resent email no longer count.
            .condition_expression(
                "attribute_exists(#pk) AND (attribute_not_exists(#rank) OR #rank < :rank) \
                 AND (attribute_not_exists(#message) OR #message = :message)",
            )
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_names("#message", EmailAttribute::MessageId.of(kind))
            .expression_attribute_values(":message", s(report.message_id))
            .expression_attribute_names("#outcome", EmailAttribute::Outcome(place).of(kind))
            .expression_attribute_names("#rank", EmailAttribute::OutcomeRank(place).of(kind))
            .expression_attribute_names("#at", EmailAttribute::OutcomeAt(place).of(kind))
            .expression_attribute_values(":outcome", s(report.outcome.as_str()))
            .expression_attribute_values(":rank", n(report.outcome.rank()))
            .expression_attribute_values(":at", s(report.at.to_string()))
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

    async fn set_check(&self, reference: &Reference, at: Option<Timestamp>) -> Result<()> {
        let update = self
            .update_order(reference)
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_names("#check", EmailAttribute::CheckAt.of(EmailKind::Customer));
        let update = match at {
            Some(at) => update
                .update_expression("SET #check = :at")
                .expression_attribute_values(":at", n(at.as_second())),
            None => update.update_expression("REMOVE #check"),
        };
        update.send().await.map_err(unavailable)?;
        Ok(())
    }

    async fn mark_told(
        &self,
        reference: &Reference,
        kind: EmailKind,
        now: Timestamp,
    ) -> Result<bool> {
        let marked = self
            .update_order(reference)
            .update_expression("SET #told = :now")
            .condition_expression("attribute_exists(#pk) AND attribute_not_exists(#told)")
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_names("#told", EmailAttribute::ToldAt.of(kind))
            .expression_attribute_values(":now", s(now.to_string()))
            .send()
            .await;
        written(marked, |e| e.is_conditional_check_failed_exception())
    }

    async fn unmark_told(&self, reference: &Reference, kind: EmailKind) -> Result<()> {
        let unmarked = self
            .update_order(reference)
            .update_expression("REMOVE #told")
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_names("#told", EmailAttribute::ToldAt.of(kind))
            .send()
            .await;
        // Not written when the order is gone: there is no mark to take back.
        written(unmarked, |e| e.is_conditional_check_failed_exception()).map(drop)
    }
}
