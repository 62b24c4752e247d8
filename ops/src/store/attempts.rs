//! Invoicing's retries: an attempt that another writer overtook (the counter or the order
//! changed) is run again, a transient storage failure a few times.

use std::time::Duration;

use super::DynamoDbOperatorStore;
use order_intake::store::{Result, StoreError};

/// Concurrent invoicing retries on the counter; twenty at once settle in a few rounds.
const ATTEMPTS: u32 = 60;
/// Storage calls that fail outright (a timeout under load) tried again before giving up.
const TRANSIENT_FAILURES: u32 = 3;

/// One attempt's result: `None` when the counter or the order moved meanwhile.
/// One attempt's result: `None` when the counter or the order moved meanwhile.
pub(super) type Attempt<T> = Result<Option<T>>;

impl DynamoDbOperatorStore {
    /// Runs attempts until one is not overtaken by another writer.
    pub(super) async fn numbered<T, F>(&self, attempt: impl Fn() -> F + Send + Sync) -> Result<T>
    where
        F: Future<Output = Attempt<T>> + Send,
    {
        let mut failures = 0;
        for round in 0..ATTEMPTS {
            match attempt().await {
                Ok(Some(done)) => return Ok(done),
                // Someone took this number (or changed this order) first: read again.
                Ok(None) => {}
                // A call that timed out or failed may still have been written: each attempt
                // reads the order and the counter afresh, so trying again is safe (a document
                // written by the failed call is then found as the order's own). Storage that
                // keeps failing is reported.
                Err(StoreError::Unavailable(cause)) if failures < TRANSIENT_FAILURES => {
                    failures += 1;
                    tracing::warn!(error = %cause, round, "invoice: storage call failed, trying again");
                }
                Err(error) => return Err(error),
            }
            let jitter = u64::from(getrandom::u32().unwrap_or(0) % 20);
            tokio::time::sleep(Duration::from_millis(
                5 + jitter + 5 * u64::from(round.min(10)),
            ))
            .await;
        }
        Err(StoreError::Contended { attempts: ATTEMPTS })
    }
}
