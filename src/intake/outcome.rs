//! What SES reports after an email went out: delivered, bounced, complained about, delayed or
//! rejected, recorded on the order recipient by recipient. When the customer's confirmation
//! did not arrive, the trainers are told once; when their own notification did not arrive, ops
//! are (through the log line the `TrainerNotificationUndelivered` alarm counts).

use std::sync::Arc;

use jiff::Timestamp;

use super::after;
use super::alerts::{AlertError, Alerts};
use crate::domain::{
    BreakerLimits, Delivery, EmailKind, MARK_SECONDS, Order, Outcome, Reference, Strike,
};
use crate::email::EmailEvent;
use crate::store::{
    DeliveryReports, EmailQueue, Orders, OutcomeRecorded, RecipientReport, Reputation, StoreError,
};

/// How long after a transient bounce a delivery may still be reported before the trainers are
/// told that the confirmation did not arrive.
pub const TRANSIENT_BOUNCE_GRACE_SECONDS: i64 = 15 * 60;

/// Whether `message_id` is the order's email of `kind` as last sent.
fn is_current(order: &Order, kind: EmailKind, message_id: &str) -> bool {
    match order.delivery(kind).unwrap_or(&Delivery::Dropped) {
        Delivery::Sent {
            message_id: sent, ..
        } => sent == message_id,
        _ => false,
    }
}

/// Whether the trainers are told when this email did not arrive: the confirmation, and the
/// booking's email with its invitation (the customer has no date in their calendar without it).
fn tells_trainers(kind: EmailKind) -> bool {
    matches!(kind, EmailKind::Customer | EmailKind::Booking)
}

/// What counts against the company's sending reputation, as AWS counts it: a customer
/// confirmation bounced for good, or marked as spam; never a transient bounce, nor a report SES
/// made without sending (an address on the account's suppression list).
fn strike_of(kind: EmailKind, event: &EmailEvent) -> Option<Strike> {
    match (kind, event.outcome) {
        _ if event.suppressed => None,
        (EmailKind::Customer, Outcome::Bounced) => Some(Strike::Bounce),
        (EmailKind::Customer, Outcome::Complained) => Some(Strike::Complaint),
        _ => None,
    }
}

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
    /// This report tripped the reputation breaker.
    pub breaker_tripped: bool,
}

/// Why an event could not be handled; the invocation fails, so EventBridge delivers it again.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Alert(#[from] AlertError),
}

/// The use case of SES's reports.
pub struct HandleReport {
    pub(super) reports: Arc<dyn DeliveryReports>,
    pub(super) orders: Arc<dyn Orders>,
    pub(super) queue: Arc<dyn EmailQueue>,
    /// Tells the trainers when a confirmation did not arrive or the breaker tripped.
    pub(super) alerts: Alerts,
    pub(super) reputation: Arc<dyn Reputation>,
    pub(super) breaker: BreakerLimits,
}

impl HandleReport {
    /// Records one SES report; tells a person when an email did not arrive. The same report
    /// twice, or one that arrives after a later outcome, changes nothing and tells nobody.
    #[tracing::instrument(name = "email_event", skip_all, fields(outcome = event.outcome.as_str()))]
    pub async fn record_email_event(&self, event: EmailEvent) -> Result<EventReport, EventError> {
        let mut report = EventReport::default();
        let Some((order, email)) = &event.about else {
            tracing::info!("delivery report for a message without our tags: ignored");
            report.unknown = true;
            return Ok(report);
        };
        for recipient in &event.recipients {
            let recorded = self
                .reports
                .record_outcome(RecipientReport {
                    reference: order,
                    kind: *email,
                    message_id: &event.message_id,
                    recipient,
                    outcome: event.outcome,
                    at: event.at,
                })
                .await?;
            match recorded {
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
                    if event.outcome.is_failure() && tells_trainers(kind) {
                        report.trainers_told |=
                            (self.tell_about(&reference, kind, recipient, &event)).await?;
                    }
                    continue;
                }
                OutcomeRecorded::Changed { reference, kind } => {
                    self.changed(&reference, kind, recipient, &event, &mut report)
                        .await?;
                }
            }
        }
        Ok(report)
    }

    /// A new outcome recorded: counted, a strike against the reputation if it is one, and a
    /// person told when an email did not arrive.
    async fn changed(
        &self,
        reference: &Reference,
        kind: EmailKind,
        recipient: &str,
        event: &EmailEvent,
        report: &mut EventReport,
    ) -> Result<(), EventError> {
        report.recorded += 1;
        crate::measure::email(kind, event.outcome.as_str());
        if let Some(strike) = strike_of(kind, event) {
            report.breaker_tripped |= self.strike(reference, strike, event.at).await?;
        }
        tracing::info!(reference = %reference, email = kind.as_str(), "delivery report recorded");
        if event.outcome == Outcome::TransientBounce && kind == EmailKind::Customer {
            // Maybe an auto-reply, maybe a full mailbox: look again when a delivery would
            // have been reported.
            self.check_later(reference, event.at).await?;
        }
        if !event.outcome.is_failure() {
            return Ok(());
        }
        if tells_trainers(kind) {
            report.trainers_told |= self.tell_about(reference, kind, recipient, event).await?;
        } else if !kind.to_customer() {
            // Counted by the TrainerNotificationUndelivered alarm's metric filter.
            tracing::error!(reference = %reference, email = kind.as_str(), "trainer notification undelivered");
        } else {
            tracing::error!(reference = %reference, email = kind.as_str(), "email undelivered");
        }
        Ok(())
    }

    /// Tells the trainers that the customer's confirmation of this order did not arrive,
    /// unless the report is about an earlier send: after an operator's resend, a late bounce of
    /// the old message tells nobody.
    async fn tell_about(
        &self,
        reference: &Reference,
        kind: EmailKind,
        address: &str,
        event: &EmailEvent,
    ) -> Result<bool, EventError> {
        match self.orders.load(reference).await? {
            Some(order) if is_current(&order, kind, &event.message_id) => Ok((self.alerts)
                .tell_trainers(&order, kind, address, event.outcome)
                .await?),
            Some(_) => {
                tracing::info!(reference = %reference, "report about an earlier send of the confirmation: nobody told");
                Ok(false)
            }
            None => Ok(false),
        }
    }

    /// A bounce or complaint of a confirmation: the order's source and mailbox are marked (their
    /// later confirmations wait for a person), the strike is counted with the order's network,
    /// and when the day's strikes reach the threshold from enough networks the breaker trips
    /// (once, however many reports arrive together) until `quiet_hours` after the last strike:
    /// the alarm's metric is raised and the trainers told. A strike while tripped moves the end.
    async fn strike(
        &self,
        reference: &Reference,
        strike: Strike,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let culprit = self.orders.load(reference).await?.and_then(|o| o.culprit);
        if let Some(culprit) = &culprit {
            self.reputation
                .mark(culprit, after(at, MARK_SECONDS))
                .await?;
        }
        let network = culprit.as_ref().map_or("", |c| c.network.as_str());
        let state = self.reputation.strike(strike, network, at).await?;
        crate::measure::strike(strike);
        tracing::warn!(
            reference = %reference,
            strike = strike.as_str(),
            "a confirmation counted against the sending reputation: its source and mailbox marked"
        );
        let quiet = i64::from(self.breaker.quiet_hours) * 3600;
        let until = after(at, quiet);
        if state.is_tripped(at) {
            self.reputation.trip(at, until).await?;
            return Ok(false);
        }
        if !state.over(self.breaker, at) || !self.reputation.trip(at, until).await? {
            return Ok(false);
        }
        let (bounces, complaints) = state.counts(at);
        let networks = state.networks(at);
        crate::measure::breaker_tripped();
        tracing::error!(
            bounces,
            complaints,
            networks,
            quiet_hours = self.breaker.quiet_hours,
            "reputation breaker tripped: automatic confirmations are held until quiet hours pass or `orders breaker reset`"
        );
        (self.alerts)
            .breaker_tripped(bounces, complaints, self.breaker.quiet_hours)
            .await;
        Ok(true)
    }

    async fn check_later(&self, reference: &Reference, at: Timestamp) -> Result<(), StoreError> {
        let check_at = after(at, TRANSIENT_BOUNCE_GRACE_SECONDS);
        self.reports.set_check(reference, Some(check_at)).await?;
        if let Some(order) = self.orders.load(reference).await? {
            self.queue.reschedule(&order).await?;
        }
        Ok(())
    }
}
