//! What the use cases share to send an order's emails: one email (or a pair) tried and
//! recorded (`Sender`), and the trainers' hourly digest.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;

use super::compose::Composer;
use super::{Clock, DIGEST_KEPT_SECONDS, Deadline, MAX_ATTEMPTS, after, backoff_from, millis};
use crate::domain::{Delivery, EmailKind, Order, OrderSeal, SealCheck};
use crate::email::{EMAIL_TAG, MailError, Mailer, ORDER_TAG};
use crate::store::{EmailQueue, SentMessage, StoreError};

/// One email tried: its new state, the message SES accepted (if it did), and how long it took.
struct Attempt {
    delivery: Delivery,
    sent: Option<SentMessage>,
    attempts: u32,
    send_ms: f64,
}

/// Sends an order's emails, each composed as the order then stands, and records what became
/// of them.
#[derive(Clone)]
pub(super) struct Sender {
    queue: Arc<dyn EmailQueue>,
    mailer: Arc<dyn Mailer>,
    composer: Composer,
    clock: Clock,
    /// What one email needs (send, then record): less time than this left, it is not started.
    email_needs: Duration,
    /// The first wait after a failed send.
    backoff_seconds: u32,
    /// The function's seal: nothing is sent from an order it does not verify.
    seal: OrderSeal,
}

impl Sender {
    pub(super) fn new(
        queue: Arc<dyn EmailQueue>,
        mailer: Arc<dyn Mailer>,
        composer: Composer,
        clock: Clock,
        email_needs: Duration,
        backoff_seconds: u32,
        seal: OrderSeal,
    ) -> Sender {
        Sender {
            queue,
            mailer,
            composer,
            clock,
            email_needs,
            backoff_seconds,
            seal,
        }
    }

    /// Seals the order as it now stands, before the function writes it.
    pub(super) fn seal(&self, order: &mut Order) {
        self.seal.seal(order);
    }

    /// What the order's seal says, each time it is not intact logged and counted
    /// (`SealRefused`, alarmed): someone but the function wrote what it mails from.
    pub(super) fn check_seal(&self, order: &Order, what: &'static str) -> SealCheck {
        check_seal(&self.seal, order, what)
    }

    /// Whether one more email fits before the deadline.
    pub(super) fn fits(&self, deadline: Deadline) -> bool {
        deadline.allows(self.email_needs)
    }

    /// Opens the SES connections an order's two emails use (they are sent at once).
    pub(super) async fn warm_up(&self) -> Result<(), MailError> {
        tokio::try_join!(self.mailer.warm_up(), self.mailer.warm_up()).map(|_| ())
    }

    pub(super) fn now(&self) -> Timestamp {
        (self.clock)()
    }

    /// The email of `kind` as it would go now, unsent (the booking page's check step).
    pub(super) fn preview(&self, order: &Order, kind: EmailKind) -> Option<crate::email::Email> {
        self.composer.compose(order, kind, self.now())
    }

    /// Sends two emails whose claims the caller holds (the customer's and the trainers', or a
    /// booking's two) at once, then records how both went, and the sent messages, in one write
    /// (`EmailQueue::record_attempts`, one UpdateItem).
    pub(super) async fn send_pair(
        &self,
        order: &mut Order,
        [first, second]: [EmailKind; 2],
        deadline: Deadline,
    ) {
        let (one, other) = tokio::join!(
            self.attempt(order, first, deadline),
            self.attempt(order, second, deadline),
        );
        order.set_delivery(first, one.delivery.clone());
        order.set_delivery(second, other.delivery.clone());
        let sent: Vec<SentMessage> = [&one.sent, &other.sent]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        let started = Instant::now();
        let recorded = self.queue.record_attempts(order, &sent).await;
        let record_ms = millis(started);
        for (kind, attempt) in [(first, &one), (second, &other)] {
            let recorded = self.recorded(order, kind, &attempt.delivery, &recorded);
            self.log_attempt(order, kind, attempt, recorded, record_ms);
        }
    }

    /// Sends one email whose claim the caller holds, and records the outcome.
    pub(super) async fn send_one(
        &self,
        order: &Order,
        kind: EmailKind,
        deadline: Deadline,
    ) -> Delivery {
        let attempt = self.attempt(order, kind, deadline).await;
        let started = Instant::now();
        let recorded =
            (self.record_sent(order, kind, &attempt.delivery, attempt.sent.as_ref())).await;
        self.log_attempt(order, kind, &attempt, recorded, millis(started));
        attempt.delivery
    }

    /// Sends one email whose claim the caller holds, unless the invocation is out of time;
    /// records nothing.
    async fn attempt(&self, order: &Order, kind: EmailKind, deadline: Deadline) -> Attempt {
        let attempts = order.delivery(kind).map_or(0, Delivery::attempts) + 1;
        if !self.fits(deadline) {
            // Not started, so never sent twice: due at once for the retry run, no attempt used.
            let remaining_ms = deadline.remaining().map(|left| left.as_millis() as u64);
            tracing::warn!(order_id = %order.order_id, email = kind.as_str(), remaining_ms, "email left for the retry run: out of time");
            return Attempt {
                delivery: Delivery::Pending {
                    attempts: attempts - 1,
                    next_attempt_at: self.now(),
                },
                sent: None,
                attempts,
                send_ms: 0.0,
            };
        }
        if self.check_seal(order, kind.as_str()) != SealCheck::Intact {
            // Not sent, and tried again like a failed send: an order stored before seals is
            // sealed by the first scheduled run after the upgrade, and then goes.
            let refused = Err(MailError {
                code: "SealRefused".to_owned(),
                detail: "the order's seal does not verify".to_owned(),
                permanent: false,
            });
            return Attempt {
                delivery: self.delivery_after(order, kind, attempts, &refused),
                sent: None,
                attempts,
                send_ms: 0.0,
            };
        }
        let Some(mut email) = self.composer.compose(order, kind, self.now()) else {
            // A booking email without its booking (or a reminder of a cancelled one).
            return Attempt {
                delivery: Delivery::Dropped,
                sent: None,
                attempts: attempts - 1,
                send_ms: 0.0,
            };
        };
        // SES's reports about it name the order and the email by these.
        email.tags = vec![
            (ORDER_TAG, order.reference.to_string()),
            (EMAIL_TAG, kind.as_str().to_owned()),
        ];
        let started = Instant::now();
        let sent = self.mailer.send(&email).await;
        let send_ms = millis(started);
        Attempt {
            delivery: self.delivery_after(order, kind, attempts, &sent),
            sent: sent.ok().map(|message_id| SentMessage {
                kind,
                message_id,
                recipients: email.to,
                sent_at: self.now(),
            }),
            attempts,
            send_ms,
        }
    }

    /// An email's state after a send: sent, failed for good, or pending with a backoff.
    fn delivery_after(
        &self,
        order: &Order,
        kind: EmailKind,
        attempts: u32,
        sent: &Result<String, MailError>,
    ) -> Delivery {
        match sent {
            Ok(message_id) => Delivery::Sent {
                message_id: message_id.clone(),
                sent_at: self.now(),
            },
            Err(error) if error.permanent || attempts >= MAX_ATTEMPTS => {
                tracing::error!(order_id = %order.order_id, reference = %order.reference, email = kind.as_str(), attempts, error.code = %error.code, error = %error, "email failed");
                Delivery::Failed { attempts }
            }
            Err(error) => {
                tracing::warn!(order_id = %order.order_id, reference = %order.reference, email = kind.as_str(), attempts, error.code = %error.code, error = %error, "email left pending");
                Delivery::Pending {
                    attempts,
                    next_attempt_at: after(
                        self.now(),
                        backoff_from(self.backoff_seconds, attempts),
                    ),
                }
            }
        }
    }

    fn log_attempt(
        &self,
        order: &Order,
        kind: EmailKind,
        attempt: &Attempt,
        recorded: bool,
        record_ms: f64,
    ) {
        if recorded && attempt.delivery.is_sent() {
            let (attempts, send_ms) = (attempt.attempts, attempt.send_ms);
            tracing::info!(order_id = %order.order_id, reference = %order.reference, email = kind.as_str(), attempts, send_ms, record_ms, "email sent");
        }
    }

    /// Writes an email's new state; `false` (and an error in the log) when it could not.
    pub(super) async fn record(&self, order: &Order, kind: EmailKind, delivery: &Delivery) -> bool {
        self.record_sent(order, kind, delivery, None).await
    }

    /// Writes an email's new state and, when it was sent, to whom (in the same update).
    async fn record_sent(
        &self,
        order: &Order,
        kind: EmailKind,
        delivery: &Delivery,
        sent: Option<&SentMessage>,
    ) -> bool {
        let recorded = self
            .queue
            .record_delivery(&order.reference, kind, delivery, sent)
            .await;
        self.recorded(order, kind, delivery, &recorded)
    }

    /// Counts a recorded email; an unrecorded one is an error in the log. Not recorded: when
    /// the claim runs out the sweeper acts again, so an email that did go out may go twice.
    /// Say so loudly.
    fn recorded(
        &self,
        order: &Order,
        kind: EmailKind,
        delivery: &Delivery,
        recorded: &Result<(), StoreError>,
    ) -> bool {
        match recorded {
            Ok(()) => crate::measure::email(kind, delivery.status()),
            Err(error) => {
                tracing::error!(order_id = %order.order_id, email = kind.as_str(), status = delivery.status(), error = %error, "email outcome not recorded");
            }
        }
        recorded.is_ok()
    }

    /// One digest to the trainers of the orders whose notifications were held over the hour's
    /// limit (their claims held by the caller), then each recorded as sent with it; when SES
    /// fails, they are held again for the next run. Returns how many it listed.
    pub(super) async fn send_digest(&self, orders: &[Order]) -> u32 {
        let now = self.now();
        let sent = self.mailer.send(&self.composer.digest(orders, now)).await;
        let delivery = match &sent {
            Ok(message_id) => Delivery::Sent {
                message_id: message_id.clone(),
                sent_at: now,
            },
            Err(error) => {
                tracing::warn!(error.code = %error.code, orders = orders.len(), "trainers' digest not sent: held for the next run");
                Delivery::Held {
                    next_attempt_at: after(now, backoff_from(self.backoff_seconds, 1)),
                    drop_at: after(now, DIGEST_KEPT_SECONDS),
                }
            }
        };
        for order in orders {
            self.record(order, EmailKind::Trainer, &delivery).await;
        }
        let listed = u32::try_from(orders.len()).unwrap_or(u32::MAX);
        match sent {
            Ok(_) => {
                tracing::warn!(orders = listed, "trainers' digest sent");
                listed
            }
            Err(_) => 0,
        }
    }
}

/// What the order's seal says; each time it is not intact, logged and counted (`SealRefused`,
/// alarmed) under `what` the function refused to do.
pub(super) fn check_seal(seal: &OrderSeal, order: &Order, what: &'static str) -> SealCheck {
    let check = seal.check(order);
    if check != SealCheck::Intact {
        crate::measure::seal_refused(what);
        tracing::error!(order_id = %order.order_id, reference = %order.reference, what, seal = ?check, "refused: the order's seal does not verify");
    }
    check
}
