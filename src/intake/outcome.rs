//! What SES reports after an email went out: delivered, bounced, complained about, delayed or
//! rejected, recorded on the order recipient by recipient. When the customer's confirmation
//! did not arrive, the trainers are told once; when their own notification did not arrive, ops
//! are (through the log line the `TrainerNotificationUndelivered` alarm counts).

use super::Intake;
use crate::domain::{EmailKind, Order, Outcome};
use crate::email::{EmailEvent, MailError, undelivered_alert};
use crate::store::{OutcomeRecorded, StoreError};

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
                OutcomeRecorded::Unchanged => {
                    report.unchanged += 1;
                    continue;
                }
                OutcomeRecorded::Changed { reference, kind } => (reference, kind),
            };
            report.recorded += 1;
            tracing::info!(reference = %reference, email = kind.as_str(), "delivery report recorded");
            if !event.outcome.is_failure() {
                continue;
            }
            match kind {
                EmailKind::Trainer => {
                    tracing::error!(reference = %reference, "trainer notification undelivered");
                }
                EmailKind::Customer => {
                    let Some(order) = self.store.load(&reference).await? else {
                        continue;
                    };
                    if self.tell_trainers(&order, recipient, event.outcome).await? {
                        report.trainers_told = true;
                    }
                }
            }
        }
        Ok(report)
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
