//! The orders themselves (`Orders`): one transaction puts the order, its dedupe record and its
//! quota units; a replay is answered from the dedupe record. The quota counters taken alone
//! (`QuotaCounters`).

use async_trait::async_trait;
use aws_sdk_dynamodb::types::builders::{ConditionCheckBuilder, UpdateBuilder};
use aws_sdk_dynamodb::types::{ConditionCheck, Put, ReturnValue, TransactWriteItem, Update};
use jiff::Timestamp;

use super::cancel::{Cancelled, cancelled};
use super::{DynamoDbStore, build_error, unavailable, written};
use crate::domain::{BREAKER_KEY, Order, QuotaCounter, QuotaKind, Receipt, Reference};
use crate::store::attribute::Attribute;
use crate::store::codec::{n, number, s, text};
use crate::store::item::{
    ERASED_AT_ATTRIBUTE, ORDER_TABLE_PARTITION_KEY, ORDER_TABLE_TTL_ATTRIBUTE, counter_expiry,
    dedupe_item, dedupe_pk, order_from_item, order_item, order_pk, receipt_from_item,
};
use crate::store::{DedupeKey, Insert, Orders, QuotaCounters, Reputation, Result, StoreError};

/// A key in the orders' key space (the role may read nothing else) that no order has: references
/// are upper case.
pub(in crate::store) const WARM_UP_KEY: &str = "order#warm-up";

#[async_trait]
impl Orders for DynamoDbStore {
    async fn insert(
        &self,
        order: &Order,
        dedupe: &DedupeKey,
        quota: &[QuotaCounter],
        now: Timestamp,
    ) -> Result<Insert> {
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
            items.push(self.quota_item(counter)?);
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

    async fn load(&self, reference: &Reference) -> Result<Option<Order>> {
        let Some(item) = self.get(order_pk(reference)).await? else {
            return Ok(None);
        };
        order_from_item(&item).map(Some)
    }

    /// One `UpdateItem`: `ADD` to the generation, on an order that exists and is not erased.
    async fn revoke_customer_links(&self, reference: &Reference) -> Result<Option<u32>> {
        let updated = self
            .update_order(reference)
            .update_expression("ADD #generation :one")
            .condition_expression("attribute_exists(#pk) AND attribute_not_exists(#erased)")
            .expression_attribute_names("#generation", Attribute::CustomerLinkGeneration.name())
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_names("#erased", ERASED_AT_ATTRIBUTE)
            .expression_attribute_values(":one", n(1))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await;
        match updated {
            Ok(output) => {
                let attributes = output.attributes.unwrap_or_default();
                let generation = number(&attributes, Attribute::CustomerLinkGeneration.name());
                Ok(generation.and_then(|g| u32::try_from(g).ok()))
            }
            Err(error)
                if (error.as_service_error())
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(None)
            }
            Err(error) => Err(unavailable(error)),
        }
    }

    /// A GetItem (already granted) of a key no order has: half a read unit, and the
    /// connection is open for the first order's write.
    async fn warm_up(&self) -> Result<()> {
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

#[async_trait]
impl QuotaCounters for DynamoDbStore {
    async fn take_quota(&self, counter: &QuotaCounter) -> Result<bool> {
        match counter.kind {
            QuotaKind::Breaker => return Ok(!self.breaker().await?.is_tripped(counter.at)),
            QuotaKind::Marked => {
                let mark = self.get(counter.key.clone()).await?;
                let until = mark.and_then(|m| number(&m, Attribute::MarkedUntil.name()));
                return Ok(until.is_none_or(|until| until <= counter.at.as_second()));
            }
            _ => {}
        }
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
}

impl DynamoDbStore {
    /// A counter's part of the order's transaction: a unit taken, or the breaker checked.
    fn quota_item(&self, counter: &QuotaCounter) -> Result<TransactWriteItem> {
        Ok(match counter.kind {
            QuotaKind::Breaker => {
                let check = self
                    .breaker_closed(counter.at)
                    .build()
                    .map_err(build_error)?;
                TransactWriteItem::builder().condition_check(check).build()
            }
            QuotaKind::Marked => {
                let check = self.unmarked(counter).build().map_err(build_error)?;
                TransactWriteItem::builder().condition_check(check).build()
            }
            _ => {
                let update = self.take_from(counter).build().map_err(build_error)?;
                TransactWriteItem::builder().update(update).build()
            }
        })
    }

    /// The order's check that the reputation breaker is not tripped at `at` (no item: never
    /// was; a trip without an end stands until a reset).
    fn breaker_closed(&self, at: Timestamp) -> ConditionCheckBuilder {
        ConditionCheck::builder()
            .table_name(&self.table)
            .key(ORDER_TABLE_PARTITION_KEY, s(BREAKER_KEY))
            .condition_expression(
                "attribute_not_exists(#tripped) OR (attribute_exists(#until) AND #until <= :at)",
            )
            .expression_attribute_names("#tripped", Attribute::TrippedAt.name())
            .expression_attribute_names("#until", Attribute::TrippedUntil.name())
            .expression_attribute_values(":at", n(at.as_second()))
    }

    /// The order's check that its source or mailbox is not marked at the counter's time (TTL
    /// deletes a mark lazily, so its end is compared).
    fn unmarked(&self, counter: &QuotaCounter) -> ConditionCheckBuilder {
        ConditionCheck::builder()
            .table_name(&self.table)
            .key(ORDER_TABLE_PARTITION_KEY, s(&counter.key))
            .condition_expression("attribute_not_exists(#until) OR #until <= :at")
            .expression_attribute_names("#until", Attribute::MarkedUntil.name())
            .expression_attribute_values(":at", n(counter.at.as_second()))
    }

    /// One unit from a quota counter, if it is under its limit: the counter's item is made on
    /// the window's first order.
    fn take_from(&self, counter: &QuotaCounter) -> UpdateBuilder {
        Update::builder()
            .table_name(&self.table)
            .key(ORDER_TABLE_PARTITION_KEY, s(&counter.key))
            .update_expression("ADD #count :one SET #kind = :kind, #expires = :expires")
            .condition_expression("attribute_not_exists(#count) OR #count < :limit")
            .expression_attribute_names("#count", Attribute::Count.name())
            .expression_attribute_names("#kind", Attribute::Kind.name())
            .expression_attribute_names("#expires", ORDER_TABLE_TTL_ATTRIBUTE)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":kind", s("quota"))
            .expression_attribute_values(":expires", counter_expiry(counter))
            .expression_attribute_values(":limit", n(counter.limit))
    }

    /// The stored submission this one repeats, if its record is still live.
    async fn existing(&self, dedupe: &DedupeKey, order: &Order, now: Timestamp) -> Result<Insert> {
        let Some(record) = self.get(dedupe_pk(dedupe)).await? else {
            return Ok(Insert::Contended);
        };
        if number(&record, ORDER_TABLE_TTL_ATTRIBUTE)
            .is_none_or(|expires| expires < now.as_second())
        {
            return Ok(Insert::Contended);
        }
        if text(&record, Attribute::Fingerprint.name()) != Some(dedupe.fingerprint.as_str()) {
            return Ok(Insert::KeyReused);
        }
        let unreadable = |problem| StoreError::Unreadable {
            key: dedupe_pk(dedupe),
            problem,
        };
        let reference = text(&record, Attribute::Reference.name())
            .and_then(Reference::parse)
            .ok_or_else(|| unreadable("dedupe record without a valid reference"))?;
        let stored = self.get(order_pk(&reference)).await?;
        let stored = stored.ok_or_else(|| unreadable("dedupe record of a missing order"))?;
        Ok(Insert::Duplicate(receipt_from_item(&stored).unwrap_or_else(|| {
            // The same content was stored, so the same package: the customer is told their
            // order's reference, never an error for an order that exists.
            tracing::warn!(reference = %reference, "stored order unreadable: replay answered from its dedupe record");
            Receipt {
                order_id: text(&record, Attribute::OrderId.name()).unwrap_or_default().to_owned(),
                reference: reference.clone(),
                package: order.details.package,
                price: order.price,
                emails_sent: false,
                confirmation_waits: false,
            }
        })))
    }
}
