//! What happens to an order after its emails: an operator's resend, and the erasure of its
//! personal data once the retention time has passed.

use std::sync::Arc;

use jiff::Timestamp;

use super::sending::Sender;
use super::{CLAIM_SECONDS, Clock, Deadline, after};
use crate::domain::{Delivery, EmailKind, Order, Reference, months_before};
use crate::store::{Claim, EmailQueue, Erasure, Orders, Retention, StoreError};

/// How long personal data is kept after an order unless configured (`RETENTION_MONTHS`): the
/// privacy notice promises it.
pub const DEFAULT_RETENTION_MONTHS: u32 = 24;

/// Orders erased per scheduled run at most; the next run goes on.
const ERASURE_BATCH: usize = 25;

/// What an operator's resend or release could not do.
#[derive(Debug, thiserror::Error)]
pub enum ResendError {
    #[error("no order {0}")]
    NotFound(Reference),
    #[error("order {0} is erased: there is no address to send to")]
    Erased(Reference),
    #[error("order {0} has no booking that stands: there is no {1} email to send")]
    NothingToSend(Reference, &'static str),
    #[error("the {1} email of order {0} is being sent right now; try again in a few minutes")]
    BeingSent(Reference, &'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The use case of an operator's resend.
pub struct Resend {
    pub(super) orders: Arc<dyn Orders>,
    pub(super) queue: Arc<dyn EmailQueue>,
    pub(super) sender: Sender,
}

impl Resend {
    /// Sends one of an order's emails again, whatever became of it before (an operator fixed
    /// the address, or SES lost it), and records the send. The claim keeps the retry run from
    /// sending it at the same time.
    pub async fn resend(
        &self,
        reference: &Reference,
        kind: EmailKind,
    ) -> Result<Delivery, ResendError> {
        let now = self.sender.now();
        let order = named_order(&*self.orders, reference).await?;
        if !order.still_wants(kind) {
            return Err(ResendError::NothingToSend(reference.clone(), kind.as_str()));
        }
        let until = after(now, CLAIM_SECONDS);
        if !self
            .queue
            .reclaim(reference, kind, Claim { now, until })
            .await?
        {
            return Err(ResendError::BeingSent(reference.clone(), kind.as_str()));
        }
        tracing::info!(order_id = %order.order_id, reference = %reference, email = kind.as_str(), "email resent by an operator");
        Ok(self.sender.send_one(&order, kind, Deadline::none()).await)
    }
}

/// The order an operator names, a missing one told apart from an erased one.
pub(super) async fn named_order(
    orders: &dyn Orders,
    reference: &Reference,
) -> Result<Order, ResendError> {
    match orders.load(reference).await {
        Ok(Some(order)) => Ok(order),
        Ok(None) => Err(ResendError::NotFound(reference.clone())),
        Err(StoreError::Unreadable { .. }) => Err(ResendError::Erased(reference.clone())),
        Err(error) => Err(error.into()),
    }
}

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
