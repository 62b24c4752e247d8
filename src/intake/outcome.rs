//! What SES reports after an email went out: delivered, bounced, complained about, delayed or
//! rejected, recorded on the order recipient by recipient. When the customer's confirmation
//! did not arrive, the trainers are told once; when their own notification did not arrive, ops
//! are (through the log line the `TrainerNotificationUndelivered` alarm counts).

use jiff::Timestamp;

use super::{Intake, after};
use crate::domain::{EmailKind, Order, Outcome, Reference};
use crate::email::{EmailEvent, MailError, undelivered_alert};
use crate::store::{OutcomeRecorded, StoreError};

/// How long after a transient bounce a delivery may still be reported before the trainers are
/// told that the confirmation did not arrive.
pub const TRANSIENT_BOUNCE_GRACE_SECONDS: i64 = 15 * 60;

/// What handling one SES event did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct EventReport {
    /// Recipients whose outcome is new.
    pub recorded: u32,
    /// Recipients whose outcome was already known (the same event again, or a late one).
    pub unchanged: u32,
    /// The message is not one this function sent.
    pub unknown: bool,
    /// The trainers were told that a confirmation did not arrive.
    pub trainers_told: bool,
}

/// Why an event could not be handled; the invocation fails, so EventBridge delivers it again.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the trainers could not be told")]
    Mail(#[from] MailError),
}

impl Intake {
    /// Remembers which order a sent message belongs to. A failure is logged: SES's reports
    /// about this message will then not find their order.
    pub(super) async fn remember(
        &self,
        order: &Order,
        kind: EmailKind,
        message_id: &str,
        recipients: &[String],
    ) {
        let remembered = self
            .store
            .remember_message(message_id, &order.reference, kind, recipients)
            .await;
        if let Err(error) = remembered {
            tracing::warn!(order_id = %order.order_id, email = kind.as_str(), error = %error, "sent message not remembered: its delivery reports will be ignored");
        }
    }

    /// Records one SES report; tells a person when an email did not arrive. The same report
    /// twice, or one that arrives after a later outcome, changes nothing and tells nobody.
    #[tracing::instrument(name = "email_event", skip_all, fields(outcome = event.outcome.as_str()))]
    pub async fn record_email_event(&self, event: EmailEvent) -> Result<EventReport, EventError> {
        let mut report = EventReport::default();
        for recipient in &event.recipients {
            let recorded = self
                .store
                .record_outcome(&event.message_id, recipient, event.outcome, event.at)
                .await?;
            let (reference, kind) = match recorded {
                OutcomeRecorded::UnknownMessage => {
                    tracing::info!(
                        "delivery report for a message this function did not send: ignored"
                    );
                    report.unknown = true;
                    continue;
                }
                OutcomeRecorded::Unchanged { reference, kind } => {
                    report.unchanged += 1;
                    // Known already; but if telling the trainers failed the first time, this
                    // redelivery tries again (`mark_told` keeps it to once).
                    if event.outcome.is_failure() && kind == EmailKind::Customer {
                        report.trainers_told |=
                            self.tell_about(&reference, recipient, &event).await?;
                    }
                    continue;
                }
                OutcomeRecorded::Changed { reference, kind } => (reference, kind),
            };
            report.recorded += 1;
            crate::measure::email(kind, event.outcome.as_str());
            tracing::info!(reference = %reference, email = kind.as_str(), "delivery report recorded");
            if event.outcome == Outcome::TransientBounce && kind == EmailKind::Customer {
                // Maybe an auto-reply, maybe a full mailbox: look again when a delivery would
                // have been reported.
                self.check_later(&reference, event.at).await?;
            }
            if !event.outcome.is_failure() {
                continue;
            }
            match kind {
                EmailKind::Trainer => {
                    tracing::error!(reference = %reference, "trainer notification undelivered");
                }
                EmailKind::Customer => {
                    report.trainers_told |= self.tell_about(&reference, recipient, &event).await?;
                }
            }
        }
        Ok(report)
    }

    /// Tells the trainers that the customer's confirmation of this order did not arrive.
    async fn tell_about(
        &self,
        reference: &Reference,
        address: &str,
        event: &EmailEvent,
    ) -> Result<bool, EventError> {
        match self.store.load(reference).await? {
            Some(order) => self.tell_trainers(&order, address, event.outcome).await,
            None => Ok(false),
        }
    }

    async fn check_later(&self, reference: &Reference, at: Timestamp) -> Result<(), StoreError> {
        let check_at = after(at, TRANSIENT_BOUNCE_GRACE_SECONDS);
        self.store.set_check(reference, Some(check_at)).await?;
        if let Some(order) = self.store.load(reference).await? {
            self.store.reschedule(&order).await?;
        }
        Ok(())
    }

    /// The retry run's look at a confirmation that bounced transiently: delivered since, or
    /// the trainers are told.
    pub(super) async fn check_confirmation(&self, order: &mut Order) -> Result<(), StoreError> {
        if order.reports.customer_outcome == Some(Outcome::TransientBounce) {
            let address = order.details.email.to_string();
            if let Err(error) = self
                .tell_trainers(order, &address, Outcome::TransientBounce)
                .await
            {
                tracing::error!(order_id = %order.order_id, error = %error, "trainers not told of an undelivered confirmation; the next run tries again");
                return Ok(());
            }
        }
        self.store.set_check(&order.reference, None).await?;
        order.reports.check_at = None;
        self.store.reschedule(order).await
    }

    /// One email to the trainers about the customer's confirmation, unless one went already.
    async fn tell_trainers(
        &self,
        order: &Order,
        address: &str,
        outcome: Outcome,
    ) -> Result<bool, EventError> {
        let (kind, now) = (EmailKind::Customer, self.now());
        if !self
            .store
            .mark_told(&order.reference, kind, true, now)
            .await?
        {
            return Ok(false);
        }
        let alert = undelivered_alert(order, address, outcome, &self.trainers);
        if let Err(error) = self.mailer.send(&alert).await {
            // Take the mark back, so that the event's next delivery tries again.
            self.store
                .mark_told(&order.reference, kind, false, now)
                .await?;
            return Err(error.into());
        }
        tracing::warn!(order_id = %order.order_id, "trainers told: the customer's confirmation did not arrive");
        Ok(true)
    }
}
