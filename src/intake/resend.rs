//! An operator's resend (`orders resend`): one of an order's emails sent again, whatever became
//! of it before.

use std::sync::Arc;

use super::sending::Sender;
use super::{CLAIM_SECONDS, Deadline, after};
use crate::domain::{Delivery, EmailKind, Order, Reference};
use crate::store::{Claim, EmailQueue, Orders, StoreError};

/// What an operator's resend could not do.
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
    #[error("{refusal} ({0})", refusal = SEAL_REFUSAL)]
    Sealed(Reference),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an operator is told of an order whose seal does not verify.
pub const SEAL_REFUSAL: &str = "the order is not as the function wrote it (its seal does not verify): nothing is sent from it; see the SealRefused alarm in RUNBOOK.md";

/// Why an order an operator names cannot be acted on.
#[derive(Debug, thiserror::Error)]
pub enum NamedOrderError {
    #[error("no order {0}")]
    NotFound(Reference),
    #[error("order {0} is erased: there is no address to send to")]
    Erased(Reference),
    #[error("{refusal} ({0})", refusal = SEAL_REFUSAL)]
    Sealed(Reference),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<NamedOrderError> for ResendError {
    fn from(error: NamedOrderError) -> ResendError {
        match error {
            NamedOrderError::NotFound(reference) => ResendError::NotFound(reference),
            NamedOrderError::Erased(reference) => ResendError::Erased(reference),
            NamedOrderError::Sealed(reference) => ResendError::Sealed(reference),
            NamedOrderError::Store(error) => ResendError::Store(error),
        }
    }
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
        let order = sealed_order(&*self.orders, &self.sender, reference, kind.as_str()).await?;
        if !order.still_wants(kind, now) {
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
) -> Result<Order, NamedOrderError> {
    match orders.load(reference).await {
        Ok(Some(order)) => Ok(order),
        Ok(None) => Err(NamedOrderError::NotFound(reference.clone())),
        Err(StoreError::Unreadable { .. }) => Err(NamedOrderError::Erased(reference.clone())),
        Err(error) => Err(error.into()),
    }
}

/// The order an operator names, refused unless its seal verifies (counted and logged): nothing
/// is sent from, nor written over, what someone but the function wrote.
pub(super) async fn sealed_order(
    orders: &dyn Orders,
    sender: &Sender,
    reference: &Reference,
    what: &'static str,
) -> Result<Order, NamedOrderError> {
    let order = named_order(orders, reference).await?;
    match sender.check_seal(&order, what) {
        crate::domain::SealCheck::Intact => Ok(order),
        _ => Err(NamedOrderError::Sealed(reference.clone())),
    }
}
