//! To whom sent messages went, and what SES reports about them (`DeliveryReports`): on the
//! order's item, found by the reference and email the message's tags name.

use async_trait::async_trait;
use jiff::Timestamp;

use super::{DynamoDbStore, unavailable, written};
use crate::domain::{EmailKind, Reference};
use crate::store::attribute::EmailAttribute;
use crate::store::codec::{n, s, text};
use crate::store::item::{ORDER_TABLE_PARTITION_KEY, order_pk, recipient_place};
use crate::store::{DeliveryReports, OutcomeRecorded, RecipientReport, Result};

#[async_trait]
impl DeliveryReports for DynamoDbStore {
    async fn record_outcome(&self, report: RecipientReport<'_>) -> Result<OutcomeRecorded> {
        let (reference, kind) = (report.reference.clone(), report.kind);
        let Some(item) = self.get(order_pk(report.reference)).await? else {
            return Ok(OutcomeRecorded::UnknownMessage);
        };
        // A message this email was never sent as, or a recipient it did not go to (or no
        // longer has: erased), is none of this order's.
        let sent_as = (item.get(&EmailAttribute::MessageIds.of(kind)))
            .and_then(|ids| ids.as_ss().ok())
            .is_some_and(|ids| ids.iter().any(|id| id == report.message_id))
            || text(&item, &EmailAttribute::MessageId.of(kind)) == Some(report.message_id);
        let place = recipient_place(&item, kind, report.recipient);
        let (true, Some(place)) = (sent_as, place) else {
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
