//! Invoice numbers: one counter item, taken from in the same transaction that writes the
//! invoice's details on the order, so that numbers have no gaps, no two orders share one, and
//! an order is invoiced once.

use std::time::Duration;

use jiff::Timestamp;

use super::{DynamoDbStore, build_error, written};
use crate::domain::Reference;
use crate::store::Attribute;
use crate::store::item::{ORDER_TABLE_PARTITION_KEY, n, number, order_pk, s};
use crate::store::record::{INVOICE_ATTRIBUTES, InvoiceRecord, InvoiceTerms};
use crate::store::{Result, StoreError};
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};

/// The counter's key, in a key space of its own.
const COUNTER_KEY: &str = "counter#invoice";
/// The first invoice's number.
pub const FIRST_INVOICE_NUMBER: u32 = 1000;
/// Concurrent invoicing retries on the counter; twenty at once settle in a few rounds.
const ATTEMPTS: u32 = 60;
/// Storage calls that fail outright (a timeout under load) tried again before giving up.
const TRANSIENT_FAILURES: u32 = 3;

/// What `invoice` found or made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invoiced {
    /// A number was taken now and the invoice stored on the order.
    New(InvoiceRecord),
    /// The order was invoiced before: its invoice as stored.
    Existing(InvoiceRecord),
}

impl DynamoDbStore {
    /// The order's invoice: the stored one, or a new one with the next number and `terms`.
    /// `None` when there is no such order.
    pub async fn invoice(
        &self,
        reference: &Reference,
        terms: &InvoiceTerms,
        now: Timestamp,
    ) -> Result<Option<Invoiced>> {
        let mut failures = 0;
        for attempt in 0..ATTEMPTS {
            match self.try_invoice(reference, terms, now).await {
                Ok(Some(done)) => return Ok(done),
                // Someone took this number (or invoiced this order) first: read again.
                Ok(None) => {}
                // A call that timed out or failed may still have been written: each attempt
                // reads the order and the counter afresh, so trying again is safe (an invoice
                // written by the failed call is then found as the order's own). Storage that
                // keeps failing is reported.
                Err(StoreError::Unavailable(cause)) if failures < TRANSIENT_FAILURES => {
                    failures += 1;
                    tracing::warn!(error = %cause, attempt, "invoice: storage call failed, trying again");
                }
                Err(error) => return Err(error),
            }
            let jitter = u64::from(getrandom::u32().unwrap_or(0) % 20);
            tokio::time::sleep(Duration::from_millis(
                5 + jitter + 5 * u64::from(attempt.min(10)),
            ))
            .await;
        }
        Err(StoreError::Contended { attempts: ATTEMPTS })
    }

    /// One attempt: `Some` with what was found or made, `None` when the counter or the order
    /// moved meanwhile.
    async fn try_invoice(
        &self,
        reference: &Reference,
        terms: &InvoiceTerms,
        now: Timestamp,
    ) -> Result<Option<Option<Invoiced>>> {
        let Some(order) = self.get(order_pk(reference)).await? else {
            return Ok(Some(None));
        };
        if let Some(existing) = InvoiceRecord::from_item(&order) {
            return Ok(Some(Some(Invoiced::Existing(existing))));
        }
        let counter = self.get(COUNTER_KEY.to_owned()).await?;
        let last = counter
            .as_ref()
            .and_then(|c| number(c, Attribute::Last.name()));
        let next = last.map_or(i64::from(FIRST_INVOICE_NUMBER), |last| last + 1);
        let invoice = InvoiceRecord::new(
            reference,
            u32::try_from(next).map_err(StoreError::unavailable)?,
            terms,
            now,
        );
        Ok(self
            .take_number(reference, last, &invoice)
            .await?
            .then_some(Some(Invoiced::New(invoice))))
    }

    /// The counter moved from `last` to the invoice's number and the invoice written on the
    /// order, both or neither; `false` when either condition failed.
    async fn take_number(
        &self,
        reference: &Reference,
        last: Option<i64>,
        invoice: &InvoiceRecord,
    ) -> Result<bool> {
        let counter = Update::builder()
            .table_name(&self.table)
            .key(ORDER_TABLE_PARTITION_KEY, s(COUNTER_KEY))
            .update_expression("SET #last = :next, #kind = :kind")
            .expression_attribute_names("#last", Attribute::Last.name())
            .expression_attribute_names("#kind", Attribute::Kind.name())
            .expression_attribute_values(":next", n(invoice.number))
            .expression_attribute_values(":kind", s("counter"));
        let counter = match last {
            None => counter.condition_expression("attribute_not_exists(#last)"),
            Some(last) => counter
                .condition_expression("#last = :last")
                .expression_attribute_values(":last", n(last)),
        };
        let mut order = Update::builder()
            .table_name(&self.table)
            .key(ORDER_TABLE_PARTITION_KEY, s(order_pk(reference)))
            .condition_expression("attribute_exists(#pk) AND attribute_not_exists(#number)")
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_names("#number", INVOICE_ATTRIBUTES[0]);
        let mut set = Vec::new();
        for (i, (name, value)) in invoice.attributes().into_iter().enumerate() {
            order = order
                .expression_attribute_names(format!("#i{i}"), name)
                .expression_attribute_values(format!(":i{i}"), value);
            set.push(format!("#i{i} = :i{i}"));
        }
        let order = order.update_expression(format!("SET {}", set.join(", ")));
        let result = self
            .client
            .transact_write_items()
            .transact_items(
                TransactWriteItem::builder()
                    .update(counter.build().map_err(build_error)?)
                    .build(),
            )
            .transact_items(
                TransactWriteItem::builder()
                    .update(order.build().map_err(build_error)?)
                    .build(),
            )
            .send()
            .await;
        // Cancelled: another invoice took the number, or this order has an invoice already.
        written(result, |e| e.is_transaction_canceled_exception())
    }
}
