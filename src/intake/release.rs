//! A confirmation that waits for a person (held over a ceiling or by the breaker, or unverified)
//! sent now because one decided: a trainer on the booking page (or by booking the order), an
//! operator with `orders release`. A person's release takes no unit of the ceilings.

use std::sync::Arc;

use super::resend::{NamedOrderError, sealed_order};
use super::sending::Sender;
use super::{CLAIM_SECONDS, Deadline, after};
use crate::domain::{Delivery, DeliveryStatus, EmailKind, Order, Reference};
use crate::store::{Claim, EmailQueue, Orders, StoreError};

/// What a release did.
#[derive(Debug, Clone, PartialEq)]
pub enum Released {
    /// Claimed and tried: its state after the send (sent, or pending for the retry run).
    Sent(Delivery),
    /// It was not waiting (its status then): sent already, dropped, or someone else's release
    /// came first. Nothing was sent.
    NotWaiting(&'static str),
}

/// The use case of an operator's release.
pub struct Release {
    pub(super) orders: Arc<dyn Orders>,
    pub(super) queue: Arc<dyn EmailQueue>,
    pub(super) sender: Sender,
}

impl Release {
    pub async fn release(
        &self,
        reference: &Reference,
        by: &str,
    ) -> Result<Released, NamedOrderError> {
        let order = sealed_order(&*self.orders, &self.sender, reference, "release").await?;
        let released = release_waiting(&*self.queue, &self.sender, &order, by, Deadline::none());
        Ok(released.await?)
    }
}

/// Sends the order's waiting confirmation, claimed first so that two releases (or a release
/// and the retry run) never send it twice.
pub(super) async fn release_waiting(
    queue: &dyn EmailQueue,
    sender: &Sender,
    order: &Order,
    by: &str,
    deadline: Deadline,
) -> Result<Released, StoreError> {
    let kind = EmailKind::Customer;
    if !order.customer_email().is_waiting() {
        return Ok(Released::NotWaiting(order.customer_email().status()));
    }
    let now = sender.now();
    let until = after(now, CLAIM_SECONDS);
    if !(queue.claim_waiting(&order.reference, kind, Claim { now, until })).await? {
        return Ok(Released::NotWaiting(DeliveryStatus::Sending.as_str()));
    }
    let was = order.customer_email().status();
    tracing::info!(order_id = %order.order_id, reference = %order.reference, was, by, "waiting confirmation released by a person");
    let mut order = order.clone();
    order.set_delivery(
        EmailKind::Customer,
        Delivery::Sending { attempts: 0, until },
    );
    Ok(Released::Sent(
        sender.send_one(&order, kind, deadline).await,
    ))
}
