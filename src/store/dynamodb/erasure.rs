//! Erasing an order's personal data, on request or after the retention time (`Retention`).

use async_trait::async_trait;
use jiff::{Timestamp, ToSpan};

use super::{Changes, DynamoDbStore, unavailable, written};
use crate::domain::{Delivery, DeliveryStatus, EmailKind, Field, Reference, helsinki};
use crate::store::attribute::{Attribute, EmailAttribute};
use crate::store::attribute::{
    INVOICE_ATTRIBUTES, INVOICE_NUMBERS_ATTRIBUTE, INVOICING_CHANGES_ATTRIBUTE,
};
use crate::store::codec::{Item, n, number, s, text};
use crate::store::item::{
    CREATED_MS_ATTRIBUTE, ERASED_AT_ATTRIBUTE, ORDER_TABLE_PARTITION_KEY, RETRY_AT_ATTRIBUTE,
    RETRY_QUEUE_ATTRIBUTE, order_month, order_pk, reference_of,
};
use crate::store::{Erasure, Result, Retention, StoreError};

/// Months before the cutoff's own that the erasure query looks in: the scheduled run comes every
/// few minutes, so only a stop longer than this would leave an order unerased.
const ERASURE_LOOKBACK_MONTHS: i32 = 3;

/// A month's erasure watermark item (`retention#2026-01`): `last` is the creation time (ms) up
/// to which every order of that month is erased.
const WATERMARK_PREFIX: &str = "retention#";

/// The key of a month's erasure watermark: `retention#2026-12`.
pub(in crate::store) fn watermark_key(month: &str) -> String {
    format!("{WATERMARK_PREFIX}{month}")
}

/// The attributes that hold what SES reported about an email's sends, in an item.
pub(super) fn report_attributes(item: &Item, kind: EmailKind) -> Vec<String> {
    let mut names: Vec<String> = item
        .keys()
        .filter(|name| EmailAttribute::is_recipients(name, kind))
        .cloned()
        .collect();
    names.push(EmailAttribute::ToldAt.of(kind));
    if kind == EmailKind::Customer {
        names.push(EmailAttribute::CheckAt.of(kind));
    }
    names
}

#[async_trait]
impl Retention for DynamoDbStore {
    async fn due_for_erasure(&self, cutoff: Timestamp, limit: usize) -> Result<Vec<Reference>> {
        let month = cutoff.to_zoned_datetime(helsinki()).date().first_of_month();
        let mut due = Vec::new();
        for back in (0..=ERASURE_LOOKBACK_MONTHS).rev() {
            let Ok(first) = month.checked_sub(back.months()) else {
                continue;
            };
            let Ok(start) = first.to_zoned_datetime(helsinki()) else {
                continue;
            };
            let month = order_month(start.timestamp());
            due.extend(self.due_in_month(&month, cutoff, limit - due.len()).await?);
            if due.len() >= limit {
                break;
            }
        }
        Ok(due)
    }

    async fn erase(&self, reference: &Reference, now: Timestamp) -> Result<Option<Erasure>> {
        // Read, then write on the condition that the emails still stand as read: a retry run
        // that sends in between makes this try again with what it recorded.
        for _ in 0..3 {
            let Some(item) = self.get(order_pk(reference)).await? else {
                return Ok(None);
            };
            if let Some(erasure) = self.erase_item(reference, &item, now).await? {
                return Ok(Some(erasure));
            }
        }
        Err(StoreError::Contended { attempts: 3 })
    }

    async fn all_sealed(&self) -> Result<bool> {
        self.all_sealed_marker().await
    }

    async fn mark_all_sealed(&self, at: Timestamp) -> Result<()> {
        self.mark_all_sealed_marker(at).await
    }

    async fn unsealed(&self, month: &str) -> Result<Vec<Reference>> {
        self.unsealed_in(month).await
    }

    async fn seal_unsealed(&self, order: &crate::domain::Order) -> Result<bool> {
        self.seal_if_unsealed(order).await
    }
}

impl DynamoDbStore {
    /// The month's orders due for erasure, oldest first. It reads only the orders after the
    /// month's watermark, the creation time up to which every order of the month is erased, and
    /// moves the watermark past those it finds erased: the scheduled run erases oldest first, so
    /// each run reads what is new since the last, not every erased order of the month again.
    async fn due_in_month(
        &self,
        month: &str,
        cutoff: Timestamp,
        limit: usize,
    ) -> Result<Vec<Reference>> {
        let mark = watermark_key(month);
        let through = (self.get(mark.clone()).await?)
            .and_then(|item| number(&item, Attribute::Last.name()))
            .unwrap_or(-1);
        let query = self
            .month_query(month)
            .key_condition_expression("#month = :month AND #created BETWEEN :after AND :cutoff")
            .expression_attribute_values(":after", n(through + 1))
            .expression_attribute_values(":cutoff", n(cutoff.as_millisecond()))
            .projection_expression("#pk, #created, #erased")
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_names("#erased", ERASED_AT_ATTRIBUTE);
        let mut pages = query.into_paginator().items().send();
        let (mut due, mut erased_through) = (Vec::new(), None);
        while due.len() < limit {
            let Some(item) = pages.next().await else {
                break;
            };
            let item = item.map_err(unavailable)?;
            match (item.contains_key(ERASED_AT_ATTRIBUTE), due.is_empty()) {
                (true, true) => erased_through = number(&item, CREATED_MS_ATTRIBUTE),
                (true, false) => {}
                (false, _) => due.extend(reference_of(&item)),
            }
        }
        if let Some(erased_through) = erased_through {
            self.advance_watermark(&mark, erased_through).await?;
        }
        Ok(due)
    }

    /// Moves a month's watermark on (never back: two runs at once both leave the later one).
    async fn advance_watermark(&self, mark: &str, through: i64) -> Result<()> {
        let moved = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(ORDER_TABLE_PARTITION_KEY, s(mark))
            .update_expression("SET #last = :through, #kind = :kind")
            .condition_expression("attribute_not_exists(#last) OR #last < :through")
            .expression_attribute_names("#last", Attribute::Last.name())
            .expression_attribute_names("#kind", Attribute::Kind.name())
            .expression_attribute_values(":through", n(through))
            .expression_attribute_values(":kind", s("retention"))
            .send()
            .await;
        written(moved, |e| e.is_conditional_check_failed_exception()).map(|_| ())
    }

    /// `None` when the item changed since it was read.
    async fn erase_item(
        &self,
        reference: &Reference,
        item: &Item,
        now: Timestamp,
    ) -> Result<Option<Erasure>> {
        let already_erased = item.contains_key(ERASED_AT_ATTRIBUTE);
        let booking_texts = WRITTEN_TEXTS.map(Attribute::name);
        let invoiced = was_invoiced(item);
        let removed: Vec<&'static str> = (Field::PERSONAL.iter().map(|field| field.name()))
            .chain(booking_texts)
            .chain(INVOICING_TEXTS.into_iter().filter(|_| !invoiced))
            .filter(|name| item.contains_key(*name))
            .collect();
        let mut changes = Changes::default();
        let mut condition = vec![format!(
            "attribute_exists({})",
            changes.name(ORDER_TABLE_PARTITION_KEY)
        )];
        if !invoiced {
            for name in [INVOICE_NUMBERS_ATTRIBUTE, INVOICE_ATTRIBUTES[0]] {
                condition.push(format!("attribute_not_exists({})", changes.name(name)));
            }
        }
        let erased = changes.name(ERASED_AT_ATTRIBUTE);
        let at = changes.value(s(now.to_string()));
        changes.set_clause(format!("{erased} = if_not_exists({erased}, {at})"));
        for name in &removed {
            changes.remove(*name);
        }
        // The addresses the customer's messages went to: SES's later reports about them then
        // find no recipient, and are ignored.
        let recipients = customer_recipients(item);
        let messages_scrubbed = recipients.len() as u32;
        for name in recipients {
            changes.remove(name);
        }
        let dropped = drop_unsent(item, &mut changes, &mut condition);
        changes.remove(EmailAttribute::CheckAt.of(EmailKind::Customer));
        changes.remove(RETRY_QUEUE_ATTRIBUTE);
        changes.remove(RETRY_AT_ATTRIBUTE);
        let updated = changes
            .apply(self.update_order(reference))
            .condition_expression(condition.join(" AND "))
            .send()
            .await;
        let done = written(updated, |e| e.is_conditional_check_failed_exception())?;
        Ok(done.then_some(Erasure {
            reference: reference.clone(),
            removed,
            dropped,
            messages_scrubbed,
            already_erased,
        }))
    }
}

/// What people wrote to each other in the booking and in a change request: erased with the
/// personal data (the booking's date and place stay).
const WRITTEN_TEXTS: [Attribute; 5] = [
    Attribute::BookingNote,
    Attribute::BookingReason,
    Attribute::ChangeRequestAt,
    Attribute::ChangeRequestDates,
    Attribute::ChangeRequestMessage,
];

/// Invoicing details that can name a person (an invoice inbox, a reference with a name), and
/// their change log: erased with the personal data unless an invoice, a receipt kept for the
/// bookkeeping period, was made.
const INVOICING_TEXTS: [&str; 3] = [
    Field::InvoiceAddress.name(),
    Field::BillingReference.name(),
    INVOICING_CHANGES_ATTRIBUTE,
];

fn was_invoiced(item: &Item) -> bool {
    [INVOICE_NUMBERS_ATTRIBUTE, INVOICE_ATTRIBUTES[0]]
        .iter()
        .any(|name| item.contains_key(*name))
}

/// The order's lists of whom the customer's emails went to: the person's address.
fn customer_recipients(item: &Item) -> Vec<String> {
    (EmailKind::ALL.into_iter())
        .filter(|kind| kind.to_customer())
        .map(|kind| EmailAttribute::Recipients.of(kind))
        .filter(|name| item.contains_key(name))
        .collect()
}

/// Drops the emails not yet sent (there is nobody to send them to), on the condition that each
/// email's state is still as read; their names.
fn drop_unsent(
    item: &Item,
    changes: &mut Changes,
    condition: &mut Vec<String>,
) -> Vec<&'static str> {
    let mut dropped = Vec::new();
    for kind in EmailKind::ALL {
        let status_name = EmailAttribute::Status.of(kind);
        if !item.contains_key(&status_name) {
            continue;
        }
        let status = text(item, &status_name).unwrap_or_default().to_owned();
        let placeholder = changes.name(status_name.clone());
        let value = changes.value(s(status.clone()));
        condition.push(format!("{placeholder} = {value}"));
        if DeliveryStatus::parse(&status).is_some_and(|s| DeliveryStatus::UNSENT.contains(&s)) {
            changes.set(status_name, s(Delivery::Dropped.status()));
            for stale in [
                EmailAttribute::Attempts,
                EmailAttribute::DueAt,
                EmailAttribute::DropAt,
            ] {
                changes.remove(stale.of(kind));
            }
            dropped.push(kind.as_str());
        }
    }
    dropped
}
