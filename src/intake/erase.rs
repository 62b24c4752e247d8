//! The retention time (`EraseExpired`): an order's personal data erased once it has passed,
//! by the scheduled run after its retries.

use std::sync::Arc;

use jiff::Timestamp;

use super::Clock;
use crate::domain::months_before;
use crate::store::{Erasure, Retention, StoreError};

/// How long personal data is kept after an order unless configured (`RETENTION_MONTHS`): the
/// privacy notice promises it.
pub const DEFAULT_RETENTION_MONTHS: u32 = 24;

/// Orders erased per scheduled run at most; the next run goes on.
const ERASURE_BATCH: usize = 25;

/// The use case of the retention time: personal data erased once it has passed.
#[derive(Clone)]
pub struct EraseExpired {
    pub(super) retention: Arc<dyn Retention>,
    pub(super) clock: Clock,
    /// How long after an order its personal data is kept.
    pub(super) retention_months: u32,
}

impl EraseExpired {
    /// When personal data of orders placed before it is due for erasure.
    pub fn retention_cutoff(&self, now: Timestamp) -> Timestamp {
        months_before(now, self.retention_months)
    }

    /// Erases the personal data of orders older than the retention time (a batch per run).
    pub async fn erase_expired(&self) -> Result<Vec<Erasure>, StoreError> {
        let now = (self.clock)();
        let cutoff = self.retention_cutoff(now);
        let mut erased = Vec::new();
        for reference in self
            .retention
            .due_for_erasure(cutoff, ERASURE_BATCH)
            .await?
        {
            if let Some(erasure) = self.retention.erase(&reference, now).await? {
                tracing::info!(reference = %reference, "personal data erased: retention time passed");
                erased.push(erasure);
            }
        }
        Ok(erased)
    }
}
