//! The use case: a valid order is stored once, then both emails go out concurrently. An email
//! that fails leaves the order stored with that email pending; it never fails the order.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;

mod budget;
mod operations;
mod outcome;
mod retry;
#[cfg(test)]
mod tests;

pub use budget::{DEADLINE_MARGIN, Deadline};
pub use operations::{DEFAULT_RETENTION_MONTHS, ResendError};
pub use outcome::{EventError, EventReport};
pub use retry::RetryReport;

use crate::domain::{
    Delivery, EmailAddress, EmailKind, IdempotencyKey, Limits, NewOrder, Order, QuotaKind, Receipt,
    Reference, SourceAddress, mailbox,
};
use crate::email::{Mailer, Seller, customer_email, trainer_email};
use crate::store::{DEDUPE_WINDOW_SECONDS, DedupeKey, Insert, OrderStore, SentMessage, StoreError};

/// Reads the current time; tests fix it.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(Timestamp::now)
}

pub struct Intake {
    store: Arc<dyn OrderStore>,
    mailer: Arc<dyn Mailer>,
    trainers: Vec<EmailAddress>,
    /// The seller's details and terms for the customer's email.
    seller: Option<Seller>,
    clock: Clock,
    limits: Limits,
    /// What one email needs (send, then record): less time than this left, it is not started.
    email_needs: Duration,
    /// How long after an order its personal data is kept.
    retention_months: u32,
}

/// The SDK's operation timeouts bound a send and a record at 8 s each; this much is what one
/// email needs in practice with a margin, so that a slow service leaves it pending instead of
/// the invocation being stopped between the send and the record.
pub const EMAIL_NEEDS: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, PartialEq)]
pub enum Placed {
    /// A new order, stored now.
    Created(Receipt),
    /// The same submission arrived before: no new order, no new email.
    Replayed(Receipt),
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("idempotency key reused for different content")]
    KeyReused,
    #[error("over the {} quota", .kind.name())]
    RateLimited {
        kind: QuotaKind,
        retry_after_seconds: i64,
    },
    #[error("order not stored")]
    Store(#[from] StoreError),
}

/// One email tried: its new state, the message SES accepted (if it did), and how long it took.
struct Attempt {
    delivery: Delivery,
    sent: Option<SentMessage>,
    attempts: u32,
    send_ms: f64,
}

/// How long a held confirmation waits for room before it is dropped.
const HOLD_SECONDS: i64 = 24 * 60 * 60;
/// Everyone's confirmations share one counter.
const EVERYONE: &str = "everyone";

/// How often a store write is tried when a reference collides or a concurrent duplicate holds
/// the records; both are rare, so a few attempts suffice.
const INSERT_ATTEMPTS: u32 = 6;

impl Intake {
    pub fn new(
        store: Arc<dyn OrderStore>,
        mailer: Arc<dyn Mailer>,
        trainers: Vec<EmailAddress>,
        clock: Clock,
        limits: Limits,
    ) -> Intake {
        Intake {
            store,
            mailer,
            trainers,
            seller: None,
            clock,
            limits,
            email_needs: EMAIL_NEEDS,
            retention_months: DEFAULT_RETENTION_MONTHS,
        }
    }

    /// The seller's details and terms, shown in every customer email.
    pub fn with_seller(mut self, seller: Seller) -> Intake {
        self.seller = Some(seller);
        self
    }

    /// Another retention time than `DEFAULT_RETENTION_MONTHS`.
    pub fn with_retention_months(mut self, months: u32) -> Intake {
        self.retention_months = months;
        self
    }

    /// Another estimate of what one email needs (tests with slow fakes use milliseconds).
    pub fn with_email_needs(mut self, needs: Duration) -> Intake {
        self.email_needs = needs;
        self
    }

    pub fn now(&self) -> Timestamp {
        (self.clock)()
    }

    #[tracing::instrument(name = "place_order", skip_all, fields(package = order.package.id(), keyed = key.is_some()))]
    pub async fn place(
        &self,
        order: NewOrder,
        key: Option<IdempotencyKey>,
        source: &SourceAddress,
    ) -> Result<Placed, IntakeError> {
        self.place_within(order, key, source, Deadline::none())
            .await
    }

    /// Places an order within the invocation's deadline: emails that no longer fit are left
    /// pending for the retry run.
    pub async fn place_within(
        &self,
        order: NewOrder,
        key: Option<IdempotencyKey>,
        source: &SourceAddress,
        deadline: Deadline,
    ) -> Result<Placed, IntakeError> {
        let now = self.now();
        let quota = [
            self.limits.counter(QuotaKind::Source, source.as_str(), now),
            self.limits
                .counter(QuotaKind::Mailbox, &mailbox(&order.email), now),
        ];
        let dedupe = dedupe_key(&order, key.as_ref(), now);
        let mut order = new_record(order, now);
        for attempt in 0..INSERT_ATTEMPTS {
            let started = Instant::now();
            match self.store.insert(&order, &dedupe, &quota, now).await? {
                Insert::Created => {
                    let store_ms = millis(started);
                    crate::measure::order_created(order.details.package);
                    tracing::info!(order_id = %order.order_id, reference = %order.reference, store_ms, "order stored");
                    self.confirm_and_notify(&mut order, deadline).await;
                    return Ok(Placed::Created(order.receipt()));
                }
                Insert::OverQuota(kind) => {
                    let counter = quota.iter().find(|c| c.kind == kind);
                    let retry_after_seconds = counter.map_or(60, |c| c.seconds_left(now));
                    tracing::warn!(limit = kind.name(), "rate limited");
                    return Err(IntakeError::RateLimited {
                        kind,
                        retry_after_seconds,
                    });
                }
                Insert::Duplicate(receipt) => {
                    crate::measure::order_replayed();
                    tracing::info!(order_id = %receipt.order_id, "duplicate submission answered with the stored order");
                    return Ok(Placed::Replayed(receipt));
                }
                Insert::KeyReused => return Err(IntakeError::KeyReused),
                Insert::ReferenceTaken => order.reference = Reference::random(),
                Insert::Contended => tokio::time::sleep(Duration::from_millis(25 << attempt)).await,
            }
        }
        Err(StoreError::Contended {
            attempts: INSERT_ATTEMPTS,
        }
        .into())
    }

    /// Sends both emails, unless the hour's confirmations are used up: then the trainers are
    /// told (their email says the confirmation is held) and the retry run sends it later.
    async fn confirm_and_notify(&self, order: &mut Order, deadline: Deadline) {
        let Err(next_window) = self.confirmation_room(order.created_at).await else {
            return self.send_emails(order, deadline).await;
        };
        let held = Delivery::Held {
            next_attempt_at: next_window,
            drop_at: after(order.created_at, HOLD_SECONDS),
        };
        tracing::warn!(order_id = %order.order_id, "confirmation held: over the hourly ceiling");
        self.record(order, EmailKind::Customer, &held).await;
        order.customer_email = held;
        order.trainer_email = self.send_one(order, EmailKind::Trainer, deadline).await;
    }

    /// Takes one of this hour's customer confirmations; `Err` with the next window's start when
    /// none is left. Storage down counts as room: a real customer's confirmation is not held
    /// for a fault of ours.
    async fn confirmation_room(&self, now: Timestamp) -> Result<(), Timestamp> {
        let counter = self.limits.counter(QuotaKind::Confirmations, EVERYONE, now);
        match self.store.take_quota(&counter).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(counter.window_end),
            Err(error) => {
                tracing::warn!(error = %error, "confirmation ceiling not checked: storage unavailable");
                Ok(())
            }
        }
    }

    /// A honeypot hit: it counts against its source's quota like an order would (so a bot
    /// that fills every field is slowed down too), and the answer does not depend on it.
    pub async fn charge_source(&self, source: &SourceAddress) {
        let counter = self
            .limits
            .counter(QuotaKind::Source, source.as_str(), self.now());
        if let Err(error) = self.store.take_quota(&counter).await {
            tracing::warn!(error = %error, "honeypot hit not counted: storage unavailable");
        }
    }

    /// Sends both emails at once, then records how both went, and the sent messages, in one
    /// write (`OrderStore::record_attempts`): one DynamoDB transaction where recording each
    /// email on its own took up to five calls.
    async fn send_emails(&self, order: &mut Order, deadline: Deadline) {
        let (customer, trainer) = tokio::join!(
            self.attempt(order, EmailKind::Customer, deadline),
            self.attempt(order, EmailKind::Trainer, deadline),
        );
        order.customer_email = customer.delivery.clone();
        order.trainer_email = trainer.delivery.clone();
        let sent: Vec<SentMessage> = [&customer.sent, &trainer.sent]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        let started = Instant::now();
        let recorded = self.store.record_attempts(order, &sent).await;
        let record_ms = millis(started);
        for (kind, attempt) in [
            (EmailKind::Customer, &customer),
            (EmailKind::Trainer, &trainer),
        ] {
            let recorded = self.recorded(order, kind, &attempt.delivery, &recorded);
            self.log_attempt(order, kind, attempt, recorded, record_ms);
        }
    }

    /// Sends one email whose claim the caller holds, and records the outcome.
    async fn send_one(&self, order: &Order, kind: EmailKind, deadline: Deadline) -> Delivery {
        let attempt = self.attempt(order, kind, deadline).await;
        if let Some(sent) = &attempt.sent {
            self.remember(order, kind, &sent.message_id, &sent.recipients)
                .await;
        }
        let started = Instant::now();
        let recorded = self.record(order, kind, &attempt.delivery).await;
        self.log_attempt(order, kind, &attempt, recorded, millis(started));
        attempt.delivery
    }

    /// Sends one email whose claim the caller holds, unless the invocation is out of time;
    /// records nothing.
    async fn attempt(&self, order: &Order, kind: EmailKind, deadline: Deadline) -> Attempt {
        let attempts = order.delivery(kind).attempts() + 1;
        if !deadline.allows(self.email_needs) {
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
        let email = match kind {
            EmailKind::Customer => customer_email(order, &self.trainers, self.seller.as_ref()),
            EmailKind::Trainer => trainer_email(order, &self.trainers),
        };
        let started = Instant::now();
        let sent = self.mailer.send(&email).await;
        let send_ms = millis(started);
        let delivery = match &sent {
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
                    next_attempt_at: after(self.now(), backoff_seconds(attempts)),
                }
            }
        };
        Attempt {
            delivery,
            sent: sent.ok().map(|message_id| SentMessage {
                kind,
                message_id,
                recipients: email.to,
            }),
            attempts,
            send_ms,
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
    async fn record(&self, order: &Order, kind: EmailKind, delivery: &Delivery) -> bool {
        let recorded = self
            .store
            .record_delivery(&order.reference, kind, delivery)
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

    /// Opens the connections the first order needs (DynamoDB, SES) while the function
    /// initialises, so the first customer after a cold start does not wait for them. Failure
    /// is only logged: the order path connects again and reports its own errors.
    #[tracing::instrument(name = "warm_up", skip_all)]
    pub async fn warm_up(&self) {
        let started = Instant::now();
        // An order uses one DynamoDB connection (its writes come one after another: the order,
        // the confirmation counter, both emails' outcomes in one transaction) and two SES
        // connections (both emails are sent at once): those three are opened, no more, since
        // each is a TLS handshake at Lambda's CPU share.
        let (store, mailer) = tokio::join!(self.store.warm_up(), async {
            tokio::try_join!(self.mailer.warm_up(), self.mailer.warm_up())
        },);
        let elapsed_ms = millis(started);
        match (store, mailer) {
            (Ok(_), Ok(_)) => tracing::info!(elapsed_ms, "connections warmed up"),
            (store, mailer) => tracing::warn!(
                elapsed_ms,
                store = store.err().map(|e| e.to_string()).as_deref(),
                mailer = mailer.err().map(|e| e.code).as_deref(),
                "connection warm-up failed"
            ),
        }
    }
}

/// How long a sender holds an email: longer than the function's timeout (at most 29 s), so a
/// live sender never loses its claim.
pub const CLAIM_SECONDS: i64 = 120;
/// Attempts before an email is given up (about three hours of backoff); the order stays.
pub const MAX_ATTEMPTS: u32 = 8;

/// 1 min, 2, 4, … up to an hour between attempts.
pub fn backoff_seconds(attempts: u32) -> i64 {
    (60_i64 << attempts.saturating_sub(1).min(6)).min(3600)
}

/// What makes a resubmission of `order` a replay for the next 24 hours.
fn dedupe_key(order: &NewOrder, key: Option<&IdempotencyKey>, now: Timestamp) -> DedupeKey {
    let fingerprint = order.fingerprint();
    DedupeKey {
        id: match key {
            Some(key) => format!("key#{}", key.as_str()),
            None => format!("content#{fingerprint}"),
        },
        fingerprint,
        expires_at: after(now, DEDUPE_WINDOW_SECONDS),
    }
}

/// The order as it is first stored. This request holds both emails until the claim runs out;
/// after that (a crash between the write and the send) the retry sweeper may take them over.
fn new_record(details: NewOrder, now: Timestamp) -> Order {
    let claimed = Delivery::Sending {
        attempts: 0,
        until: after(now, CLAIM_SECONDS),
    };
    Order {
        order_id: uuid::Uuid::now_v7().to_string(),
        reference: Reference::random(),
        created_at: now,
        price: details.package.price(),
        details,
        customer_email: claimed.clone(),
        trainer_email: claimed,
        reports: Default::default(),
    }
}

/// Milliseconds since `started`, for the timing fields of the logs (and make bench).
fn millis(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

pub(crate) fn after(now: Timestamp, seconds: i64) -> Timestamp {
    now.checked_add(jiff::Span::new().seconds(seconds))
        .unwrap_or(now)
}
