//! Orders in one DynamoDB table. Items:
//! - `pk = order#<REFERENCE>`: the order, written once with a conditional put;
//! - `pk = dedupe#key#<key>` or `dedupe#content#<fingerprint>`: what makes a resubmission a
//!   replay, written in the same transaction, expiring through the table's TTL attribute;
//! - `pk = invoice#<NUMBER>`: an issued invoice or credit note, numbered from `counter#invoice`
//!   (the operator's, in `ops/src/store/`);
//! - `pk = retention#<YYYY-MM>`: the month's erasure watermark (`erasure.rs`);
//! - `quota#…`: the abuse counters and the reputation breaker.
//!
//! One file per capability, each implementing its trait directly: `orders.rs` (`Orders`,
//! `QuotaCounters`), `queue.rs` (`EmailQueue`), `reports.rs` (`DeliveryReports`), `erasure.rs`
//! (`Retention`), `bookings.rs` (`Bookings`), `reputation.rs` (`Reputation`), `corrections.rs`
//! (`Corrections`). Beside them: `changes.rs` (an update's names and values), `cancel.rs` (a
//! cancelled transaction's reasons), `query.rs` (reads of many items).

mod bookings;
mod cancel;
mod changes;
mod corrections;
mod erasure;
mod orders;
pub mod query;
mod queue;
mod reports;
mod reputation;
mod sealing;
mod sessions;
#[cfg(test)]
pub use sessions::session_keys;

pub(in crate::store) use changes::Changes;
#[cfg(test)]
pub(super) use {erasure::watermark_key, orders::WARM_UP_KEY, sealing::SEALED_ALL_KEY};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;

use super::codec::{Item, s};
use super::item::{ORDER_TABLE_PARTITION_KEY, order_pk};
use super::{Result, StoreError};
use crate::domain::Reference;

/// The sparse index of orders with an email not yet sent or given up.
pub const RETRY_INDEX: &str = "retry-due";
/// Every order by its month (Helsinki time) and creation time: what operators list and export,
/// and what the retention run looks through.
pub const BY_MONTH_INDEX: &str = "by-month";

/// The IAM actions this store calls (a transaction is authorised per item action; Query on the
/// retry index); the templates grant exactly these on the table and the index (tests/api/template_agreement.rs).
pub const DYNAMODB_ACTIONS: [&str; 5] = [
    "dynamodb:ConditionCheckItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
];

/// What the operator's `orders` command calls (it reads items and the by-month index, updates
/// orders, invoices and their counter, the retention watermarks and the breaker — a transaction is authorised
/// per item action), granted by the template's operator policy on the table and that index
/// only. Its commands that send ask the function (`lambda:InvokeFunction`) and write nothing.
pub const OPERATOR_DYNAMODB_ACTIONS: [&str; 3] =
    ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem"];

#[derive(Clone)]
pub struct DynamoDbStore {
    client: Client,
    table: String,
}

impl DynamoDbStore {
    pub fn new(client: Client, table: impl Into<String>) -> DynamoDbStore {
        DynamoDbStore {
            client,
            table: table.into(),
        }
    }
}

/// Storage did not answer, or answered with an error. The SDK error stays the source: its
/// context names the operation and the cause, and carries no item data.
pub fn unavailable<E, R>(error: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    StoreError::unavailable(error)
}

pub fn build_error(error: aws_sdk_dynamodb::error::BuildError) -> StoreError {
    StoreError::unavailable(error)
}

/// A conditional write's result: `true` when it was made, `false` when its condition did not
/// hold (`failed_condition` tells that error from the others).
pub fn written<O, E, R>(
    result: Result<O, SdkError<E, R>>,
    failed_condition: impl Fn(&E) -> bool,
) -> Result<bool>
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match result {
        Ok(_) => Ok(true),
        Err(error) if error.as_service_error().is_some_and(&failed_condition) => Ok(false),
        Err(error) => Err(unavailable(error)),
    }
}

impl DynamoDbStore {
    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// An update of one order's item.
    fn update_order(&self, reference: &Reference) -> UpdateItemFluentBuilder {
        self.client
            .update_item()
            .table_name(&self.table)
            .key(ORDER_TABLE_PARTITION_KEY, s(order_pk(reference)))
    }

    /// One item by its key, read consistently.
    pub async fn get(&self, pk: String) -> Result<Option<Item>> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(ORDER_TABLE_PARTITION_KEY, s(pk))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(output.item)
    }
}
