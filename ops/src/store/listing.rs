//! The operator's reads: orders by time range (the by-month index, newest first), one order
//! as stored, and a corrected customer address.

use async_trait::async_trait;
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};

use order_intake::store::dynamodb::query::query_items;

use super::record::OrderRecord;
use super::{DynamoDbOperatorStore, Listings};
use order_intake::domain::{Reference, helsinki};
use order_intake::store::codec::n;
use order_intake::store::item::{order_month, order_pk};
use order_intake::store::{Result, StoreError};

#[async_trait]
impl Listings for DynamoDbOperatorStore {
    /// Orders created in `since..until` (`until` excluded), newest first: one query per month.
    async fn orders_between(&self, since: Timestamp, until: Timestamp) -> Result<Vec<OrderRecord>> {
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
            let query = (self.store)
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
    async fn order_record(&self, reference: &Reference) -> Result<Option<OrderRecord>> {
        let item = self.store.get(order_pk(reference)).await?;
        Ok(item.as_ref().and_then(OrderRecord::from_item))
    }
}

/// The first day of the Helsinki month `at` falls in.
fn month_start(at: Timestamp) -> Date {
    at.to_zoned_datetime(helsinki()).date().first_of_month()
}
