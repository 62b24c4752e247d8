//! Telling the trainers what needs a person: a confirmation that did not arrive, the reputation
//! breaker tripped.

use std::sync::Arc;

use super::Clock;
use super::compose::Composer;
use super::sending::check_seal;
use crate::domain::{EmailKind, Order, OrderSeal, Outcome, SealCheck};
use crate::email::{MailError, Mailer};
use crate::store::{DeliveryReports, StoreError};

/// Why the trainers could not be told.
#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the trainers could not be told")]
    Mail(#[from] MailError),
}

/// Alerts to the trainers, each sent once.
#[derive(Clone)]
pub(super) struct Alerts {
    pub(super) mailer: Arc<dyn Mailer>,
    pub(super) composer: Composer,
    pub(super) reports: Arc<dyn DeliveryReports>,
    pub(super) clock: Clock,
    /// Nobody is told about an order the function's seal does not verify.
    pub(super) seal: OrderSeal,
}

impl Alerts {
    /// One email to the trainers about the customer's confirmation or booking email (`kind`),
    /// unless one went already.
    pub(super) async fn tell_trainers(
        &self,
        order: &Order,
        kind: EmailKind,
        address: &str,
        outcome: Outcome,
    ) -> Result<bool, AlertError> {
        let now = (self.clock)();
        if check_seal(&self.seal, order, "undelivered alert") != SealCheck::Intact {
            return Ok(false);
        }
        if !self.reports.mark_told(&order.reference, kind, now).await? {
            return Ok(false);
        }
        let alert = self
            .composer
            .undelivered(order, kind, address, outcome, now);
        if let Err(error) = self.mailer.send(&alert).await {
            // Take the mark back, so that the event's next delivery tries again.
            self.reports.unmark_told(&order.reference, kind).await?;
            return Err(error.into());
        }
        tracing::warn!(order_id = %order.order_id, email = kind.as_str(), "trainers told: the customer's email did not arrive");
        Ok(true)
    }

    /// The breaker tripped: the trainers told, or the failure only logged (the alarm still
    /// fires from its metric, and the trainers see the held orders).
    pub(super) async fn breaker_tripped(&self, bounces: u32, complaints: u32, quiet_hours: u32) {
        let alert = (self.composer).breaker_tripped(bounces, complaints, quiet_hours);
        if let Err(error) = self.mailer.send(&alert).await {
            tracing::error!(error = %error, "trainers not told that the breaker tripped");
        }
    }
}
