//! The scheduled retry run: emails still pending after a failed send, claims left by a request
//! that died, and customer confirmations held over the hourly ceiling.

use std::sync::Arc;

use super::alerts::Alerts;
use super::counters::Counters;
use super::erase::EraseExpired;
use super::sending::Sender;
use super::{
    CLAIM_SECONDS, Clock, DIGEST_KEPT_SECONDS, Deadline, HOLD_SECONDS, NEAR_DROP_SECONDS, after,
};

/// The most notifications one run lists in the trainers' digest; the rest wait for the next
/// hour's.
const DIGEST_BATCH: usize = 1000;
use crate::domain::{Delivery, EmailKind, Order, Outcome, Reference, SealCheck};
use crate::store::{Claim, DeliveryReports, EmailQueue, Orders, Reputation, StoreError};

/// What one retry run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RetryReport {
    pub orders: u32,
    pub sent: u32,
    pub failed: u32,
    pub still_pending: u32,
    /// Held confirmations that still found no room in this hour's ceiling.
    pub still_held: u32,
    /// Emails dropped unsent: held confirmations after a day, reminders of a cancelled booking.
    pub dropped: u32,
    /// Orders in the retry queue that could not be read, skipped (and logged by key).
    pub unreadable: u32,
    /// The run stopped claiming work because the invocation's time was running out; the next
    /// run goes on from there.
    pub out_of_time: bool,
    /// Orders whose personal data this run erased: their retention time had passed.
    pub erased: u32,
    /// Trainers' notifications held over the hour's limit, listed in this run's digest.
    pub digested: u32,
    /// Held confirmations close to being dropped (`HeldConfirmationsNearDrop`).
    pub near_drop: u32,
    /// Orders stored before seals that this run sealed (the first run after the upgrade).
    pub sealed: u32,
}

/// The use case of the scheduled run.
pub struct RetryEmails {
    pub(super) orders: Arc<dyn Orders>,
    pub(super) queue: Arc<dyn EmailQueue>,
    pub(super) reports: Arc<dyn DeliveryReports>,
    pub(super) counters: Counters,
    pub(super) sender: Sender,
    /// Tells the trainers when a confirmation's transient bounce did not clear.
    pub(super) alerts: Alerts,
    pub(super) erasure: EraseExpired,
    /// The one-time sealing, before anything is sent: what it seals goes in the same run.
    pub(super) sealing: super::seal_orders::SealOrders,
    /// Whether the breaker holds a confirmation past its day: then it is kept, not dropped.
    pub(super) reputation: Arc<dyn Reputation>,
    pub(super) clock: Clock,
}

impl RetryEmails {
    pub fn now(&self) -> jiff::Timestamp {
        (self.clock)()
    }

    /// Retries the emails that are due: pending ones whose backoff has passed, ones whose
    /// sender's claim ran out, and held confirmations. Each is claimed with a conditional write
    /// before anything is done with it, so a concurrent sweeper or the original request never
    /// sends the same email twice.
    pub async fn retry_due(&self, limit: usize) -> Result<RetryReport, StoreError> {
        self.retry_due_within(limit, Deadline::none()).await
    }

    /// The retry run within the invocation's deadline: it claims no email it could not send and
    /// record in the time left.
    #[tracing::instrument(name = "retry_emails", skip_all)]
    pub async fn retry_due_within(
        &self,
        limit: usize,
        deadline: Deadline,
    ) -> Result<RetryReport, StoreError> {
        let now = self.now();
        let started = std::time::Instant::now();
        let mut report = RetryReport {
            sealed: self.sealing.run().await?,
            ..RetryReport::default()
        };
        let mut digest = Vec::new();
        for reference in self.queue.due_for_retry(now, limit).await? {
            self.retry_order(&reference, now, deadline, &mut report, &mut digest)
                .await?;
            if report.out_of_time {
                break;
            }
        }
        if !report.out_of_time {
            self.digest(now, deadline, &mut report, digest).await?;
        }
        if !report.out_of_time && self.sender.fits(deadline) {
            report.erased =
                u32::try_from(self.erasure.erase_expired().await?.len()).unwrap_or(u32::MAX);
        }
        let r = &report;
        crate::measure::retry_run(r.orders, r.sent, r.unreadable, r.erased, started.elapsed());
        tracing::info!(
            orders = report.orders,
            sent = report.sent,
            failed = report.failed,
            still_pending = report.still_pending,
            still_held = report.still_held,
            dropped = report.dropped,
            digested = report.digested,
            unreadable = report.unreadable,
            out_of_time = report.out_of_time,
            erased = report.erased,
            "retry run done"
        );
        Ok(report)
    }

    /// The trainers' digest, at most one an hour: its hour is taken first (a crash after that
    /// loses this hour's digest, never sends two), then the notifications waiting in the
    /// digest's place of the queue are claimed, with those the run met elsewhere (`digest`),
    /// and listed in one email. Without the hour, those met elsewhere wait for the next one.
    async fn digest(
        &self,
        now: jiff::Timestamp,
        deadline: Deadline,
        report: &mut RetryReport,
        mut digest: Vec<Order>,
    ) -> Result<(), StoreError> {
        let waiting = self.queue.due_for_digest(now, DIGEST_BATCH).await?;
        if waiting.is_empty() && digest.is_empty() {
            return Ok(());
        }
        if let Err(next_hour) = self.counters.digest_hour(now).await {
            self.hold_for_digest(&digest, next_hour, now).await;
            return Ok(());
        }
        for reference in waiting {
            if !self.sender.fits(deadline) {
                report.out_of_time = true;
                break;
            }
            let Some(order) = self.load_due(&reference, report).await? else {
                continue;
            };
            let claim = Claim {
                now,
                until: after(now, CLAIM_SECONDS),
            };
            let due = (order.trainer_email().due_at()).is_some_and(|at| at <= now);
            if order.trainer_email().is_waiting()
                && due
                && self
                    .queue
                    .claim(&reference, EmailKind::Trainer, claim)
                    .await?
            {
                digest.push(order);
            }
        }
        // Nothing is listed from an order the function's seal does not verify (counted and
        // alarmed): it waits for the next hour, as a failed send would.
        let (listed, refused): (Vec<Order>, Vec<Order>) = (digest.into_iter())
            .partition(|order| self.sender.check_seal(order, "digest") == SealCheck::Intact);
        self.hold_for_digest(&refused, after(now, 60 * 60), now)
            .await;
        if !listed.is_empty() {
            report.digested = self.sender.send_digest(&listed).await;
        }
        Ok(())
    }

    /// Trainers' notifications claimed for a digest that does not go now: waiting again for
    /// `next_attempt_at`, each kept until its own drop time.
    async fn hold_for_digest(
        &self,
        orders: &[Order],
        next_attempt_at: jiff::Timestamp,
        now: jiff::Timestamp,
    ) {
        for order in orders {
            let drop_at = match order.trainer_email() {
                Delivery::Held { drop_at, .. } => *drop_at,
                _ => after(now, DIGEST_KEPT_SECONDS),
            };
            let held = Delivery::Held {
                next_attempt_at,
                drop_at,
            };
            self.sender.record(order, EmailKind::Trainer, &held).await;
        }
    }

    /// One order from the retry index: a confirmation check that is due, then each email that
    /// is due, claimed first. A trainers' notification held for the digest goes into `digest`,
    /// claimed, for the run to send together.
    async fn retry_order(
        &self,
        reference: &Reference,
        now: jiff::Timestamp,
        deadline: Deadline,
        report: &mut RetryReport,
        digest: &mut Vec<Order>,
    ) -> Result<(), StoreError> {
        let Some(mut order) = self.load_due(reference, report).await? else {
            return Ok(());
        };
        report.orders += 1;
        if order.reports.check_at.is_some_and(|at| at <= now) {
            self.check_confirmation(&mut order).await?;
        }
        let mut claimed_any = false;
        for kind in EmailKind::ALL {
            if !self.sender.fits(deadline) {
                report.out_of_time = true;
                return Ok(());
            }
            let due = (order.delivery(kind))
                .and_then(Delivery::due_at)
                .is_some_and(|at| at <= now);
            let claim = Claim {
                now,
                until: after(now, CLAIM_SECONDS),
            };
            if !due || !self.queue.claim(reference, kind, claim).await? {
                continue;
            }
            claimed_any = true;
            if kind == EmailKind::Trainer && order.trainer_email().is_waiting() {
                digest.push(order.clone());
                continue;
            }
            let outcome = (self.retry_one(&mut order, kind, claim.until, deadline, report)).await;
            order.set_delivery(kind, outcome);
        }
        if !claimed_any {
            // Looked at too early (its time was from an older state): set the right time.
            self.queue.reschedule(&order).await?;
        }
        Ok(())
    }

    /// The order behind a reference in the retry index. One the code cannot read must not stop
    /// the retries of all the others: it leaves the index (it would stay at its head), its key
    /// is logged and an alarm fires.
    async fn load_due(
        &self,
        reference: &Reference,
        report: &mut RetryReport,
    ) -> Result<Option<Order>, StoreError> {
        match self.orders.load(reference).await {
            Ok(order) => Ok(order),
            Err(StoreError::Unreadable { key, problem }) => {
                tracing::error!(key, problem, "order skipped by the retry run: unreadable");
                report.unreadable += 1;
                self.queue.dequeue(&key).await?;
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }

    /// One claimed email: a held confirmation past its day is dropped, one still over the
    /// ceiling stays held; anything else is sent.
    async fn retry_one(
        &self,
        order: &mut Order,
        kind: EmailKind,
        until: jiff::Timestamp,
        deadline: Deadline,
        report: &mut RetryReport,
    ) -> Delivery {
        let previous = order.delivery(kind).cloned().unwrap_or(Delivery::Dropped);
        let attempts = previous.attempts();
        if !order.still_wants(kind, self.now()) {
            // A reminder of a booking since cancelled, or of a workshop that has started (or
            // one without its booking): never sent.
            report.dropped += 1;
            self.sender.record(order, kind, &Delivery::Dropped).await;
            return Delivery::Dropped;
        }
        if let Delivery::Held { drop_at, .. } = previous
            && let Some(kept) = self.still_held(order, drop_at, report).await
        {
            self.sender.record(order, kind, &kept).await;
            return kept;
        }
        order.set_delivery(kind, Delivery::Sending { attempts, until });
        let outcome = self.sender.send_one(order, kind, deadline).await;
        match outcome {
            Delivery::Sent { .. } => report.sent += 1,
            Delivery::Failed { .. } => report.failed += 1,
            _ => report.still_pending += 1,
        }
        outcome
    }

    /// A held confirmation: dropped after its day unless the breaker holds it (then kept
    /// another day: nothing is lost to a breaker), else held while there is no room, with the
    /// alarm raised when it is close to its drop; `None`: there is room, send it.
    async fn still_held(
        &self,
        order: &Order,
        drop_at: jiff::Timestamp,
        report: &mut RetryReport,
    ) -> Option<Delivery> {
        let now = self.now();
        if now >= drop_at {
            // Storage down counts as tripped: a confirmation is not lost to a fault of ours.
            let tripped = (self.reputation.breaker().await).map_or(true, |b| b.is_tripped(now));
            if !tripped {
                tracing::error!(order_id = %order.order_id, "held confirmation dropped unsent after a day");
                report.dropped += 1;
                return Some(Delivery::Dropped);
            }
            tracing::warn!(order_id = %order.order_id, "held confirmation kept another day: the breaker holds it");
            report.still_held += 1;
            return Some(Delivery::Held {
                next_attempt_at: after(now, 60 * 60),
                drop_at: after(now, HOLD_SECONDS),
            });
        }
        if let Some(culprit) = &order.culprit
            && self.counters.is_marked(culprit, now).await
        {
            tracing::warn!(order_id = %order.order_id, "held confirmation of a source or mailbox marked since: it waits for a person");
            return Some(Delivery::Unverified);
        }
        let share = self.counters.share_of(&order.details);
        let next_window = self.counters.confirmation_room(share, now).await.err()?;
        report.still_held += 1;
        if drop_at.as_second() - now.as_second() <= NEAR_DROP_SECONDS {
            report.near_drop += 1;
            crate::measure::held_near_drop();
            tracing::error!(order_id = %order.order_id, reference = %order.reference, "held confirmation close to being dropped: a person should send it (orders release)");
        }
        Some(Delivery::Held {
            next_attempt_at: next_window,
            drop_at,
        })
    }

    /// A look at a confirmation that bounced transiently: delivered since, or the trainers are
    /// told.
    async fn check_confirmation(&self, order: &mut Order) -> Result<(), StoreError> {
        if order.reports.customer_outcome == Some(Outcome::TransientBounce) {
            let address = order.details.email.to_string();
            if let Err(error) = self
                .alerts
                .tell_trainers(
                    order,
                    EmailKind::Customer,
                    &address,
                    Outcome::TransientBounce,
                )
                .await
            {
                tracing::error!(order_id = %order.order_id, error = %error, "trainers not told of an undelivered confirmation; the next run tries again");
                return Ok(());
            }
        }
        self.reports.set_check(&order.reference, None).await?;
        order.reports.check_at = None;
        self.queue.reschedule(order).await
    }
}
