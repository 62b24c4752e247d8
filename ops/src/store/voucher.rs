//! A document after its issue: frozen once if it was stored before documents kept their parties,
//! and recorded as sent, once.

use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;

use super::DynamoDbOperatorStore;
use super::document::{
    AfterIssue, DOCUMENT_SET, IssuedInvoice, SENT_AT_ATTRIBUTE, SENT_HOW_ATTRIBUTE, document,
    invoice_pk,
};
use order_intake::store::Result;
use order_intake::store::codec::s;
use order_intake::store::dynamodb::{build_error, written};
use order_intake::store::item::ORDER_TABLE_PARTITION_KEY;

/// What recording a document as sent found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordedSent {
    Now,
    /// Recorded before: when and how.
    Before(super::Sent),
    NoDocument,
}

/// In a document's JSON once it keeps its parties.
const FROZEN_MARK: &str = "\"parties\":{";

impl DynamoDbOperatorStore {
    /// Stores `issued` (its parties frozen) unless its stored document already has parties:
    /// `false` then, and the stored one stands.
    pub(super) async fn write_backfill(&self, issued: &IssuedInvoice) -> Result<bool> {
        // An invoice made before invoices had items gets its item now.
        let update = document(self.store.table(), issued)
            .update_expression(format!("SET {DOCUMENT_SET}"))
            .condition_expression("attribute_not_exists(#pk) OR NOT contains(#a3, :frozen)")
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_values(":frozen", s(FROZEN_MARK))
            .build()
            .map_err(build_error)?;
        let sent = (self.store.client().update_item())
            .table_name(update.table_name)
            .set_key(Some(update.key))
            .set_update_expression(Some(update.update_expression))
            .set_condition_expression(update.condition_expression)
            .set_expression_attribute_names(update.expression_attribute_names)
            .set_expression_attribute_values(update.expression_attribute_values)
            .send()
            .await;
        written(sent, |e| e.is_conditional_check_failed_exception())
    }

    pub(super) async fn write_sent(
        &self,
        number: u32,
        how: &str,
        at: Timestamp,
    ) -> Result<RecordedSent> {
        let sent = (self.store.client().update_item())
            .table_name(self.store.table())
            .key(ORDER_TABLE_PARTITION_KEY, s(invoice_pk(number)))
            .update_expression("SET #at = :at, #how = :how")
            .condition_expression("attribute_exists(#pk) AND attribute_not_exists(#at)")
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_names("#at", SENT_AT_ATTRIBUTE)
            .expression_attribute_names("#how", SENT_HOW_ATTRIBUTE)
            .expression_attribute_values(":at", s(at.to_string()))
            .expression_attribute_values(":how", AttributeValue::S(how.to_owned()))
            .send()
            .await;
        if written(sent, |e| e.is_conditional_check_failed_exception())? {
            return Ok(RecordedSent::Now);
        }
        let item = self.store.get(invoice_pk(number)).await?;
        Ok(match item.as_ref().and_then(IssuedInvoice::from_item) {
            Some(IssuedInvoice {
                after_issue: AfterIssue {
                    sent: Some(sent), ..
                },
                ..
            }) => RecordedSent::Before(sent),
            // Sent meanwhile, then gone: nothing removes documents, so this is no document.
            _ => RecordedSent::NoDocument,
        })
    }
}
