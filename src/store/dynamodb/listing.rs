//! The operator's reads: orders by time range (the by-month index, newest first), one order
//! as stored, and a corrected customer address.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};

use super::query::query_items;
use super::{DynamoDbStore, written};
use crate::domain::{EmailAddress, Field, Reference, helsinki};
use crate::store::codec::{n, s};
use crate::store::item::{ERASED_AT_ATTRIBUTE, ORDER_TABLE_PARTITION_KEY, order_month, order_pk};
use crate::store::{OrderRecord, Result, StoreError};

impl DynamoDbStore {
    /// Orders created in `since..until` (`until` excluded), newest first: one query per month.
    pub async fn orders_between(
        &self,
        since: Timestamp,
        until: Timestamp,
    ) -> Result<Vec<OrderRecord>> {
        let mut records = Vec::new();
        let first = month_start(since);
        let mut month = month_start(until.checked_sub(1.millisecond()).unwrap_or(until));
        while month >= first {
            let key = order_month(
                month
                    .to_zoned_datetime(helsinki())
                    .map_err(StoreError::unavailable)?
                    .timestamp(),
            );
            let query = self
                .month_query(&key)
                .key_condition_expression("#month = :month AND #created BETWEEN :since AND :last")
                .expression_attribute_values(":since", n(since.as_millisecond()))
                .expression_attribute_values(":last", n(until.as_millisecond() - 1))
                .scan_index_forward(false);
            let items = query_items(query, None).await?;
            records.extend(items.iter().filter_map(OrderRecord::from_item));
            month = month
                .checked_sub(1.month())
                .map_err(StoreError::unavailable)?;
        }
        Ok(records)
    }

    /// One order as stored (erased or not); `None` when there is none.
    pub async fn order_record(&self, reference: &Reference) -> Result<Option<OrderRecord>> {
        let item = self.get(order_pk(reference)).await?;
        Ok(item.as_ref().and_then(OrderRecord::from_item))
    }

    /// Replaces the customer's address of an order that is not erased (`false`: no such order,
    /// or it is erased). The next send goes to the new address.
    pub async fn set_customer_email(
        &self,
        reference: &Reference,
        email: &EmailAddress,
    ) -> Result<bool> {
        let updated = self
            .update_order(reference)
            .update_expression("SET #email = :email")
            .condition_expression("attribute_exists(#pk) AND attribute_not_exists(#erased)")
            .expression_attribute_names("#email", Field::Email.name())
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_names("#erased", ERASED_AT_ATTRIBUTE)
            .expression_attribute_values(":email", s(email.as_str()))
            .send()
            .await;
        written(updated, |e| e.is_conditional_check_failed_exception())
    }
}

/// The first day of the Helsinki month `at` falls in.
fn month_start(at: Timestamp) -> Date {
    at.to_zoned_datetime(helsinki()).date().first_of_month()
}
