//! The use case: a valid order is stored once, then both emails go out concurrently. An email
//! that fails leaves the order stored with that email pending; it never fails the order.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;

use crate::domain::{
    Delivery, EmailAddress, EmailKind, IdempotencyKey, NewOrder, Order, Receipt, Reference,
};
use crate::email::{Mailer, customer_email, trainer_email};
use crate::store::{DEDUPE_WINDOW_SECONDS, DedupeKey, Insert, OrderStore, StoreError};

/// Reads the current time; tests fix it.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(Timestamp::now)
}

pub struct Intake {
    store: Arc<dyn OrderStore>,
    mailer: Arc<dyn Mailer>,
    trainers: Vec<EmailAddress>,
    clock: Clock,
}

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
    #[error("order not stored")]
    Store(#[from] StoreError),
}

/// How often a store write is tried when a reference collides or a concurrent duplicate holds
/// the records; both are rare, so a few attempts suffice.
const INSERT_ATTEMPTS: u32 = 6;

impl Intake {
    pub fn new(
        store: Arc<dyn OrderStore>,
        mailer: Arc<dyn Mailer>,
        trainers: Vec<EmailAddress>,
        clock: Clock,
    ) -> Intake {
        Intake {
            store,
            mailer,
            trainers,
            clock,
        }
    }

    pub fn now(&self) -> Timestamp {
        (self.clock)()
    }

    #[tracing::instrument(name = "place_order", skip_all, fields(package = order.package.id(), keyed = key.is_some()))]
    pub async fn place(
        &self,
        order: NewOrder,
        key: Option<IdempotencyKey>,
    ) -> Result<Placed, IntakeError> {
        let now = self.now();
        let fingerprint = order.fingerprint();
        let dedupe = DedupeKey {
            id: match &key {
                Some(key) => format!("key#{}", key.as_str()),
                None => format!("content#{fingerprint}"),
            },
            fingerprint,
            expires_at: now
                .checked_add(jiff::Span::new().seconds(DEDUPE_WINDOW_SECONDS))
                .unwrap_or(now),
        };
        let mut order = Order {
            order_id: uuid::Uuid::now_v7().to_string(),
            reference: Reference::random(),
            created_at: now,
            price: order.package.price(),
            details: order,
            // This request holds both emails until the claim runs out; after that (a crash
            // between the write and the send) the retry sweeper may take them over.
            customer_email: Delivery::Sending {
                attempts: 0,
                until: after(now, CLAIM_SECONDS),
            },
            trainer_email: Delivery::Sending {
                attempts: 0,
                until: after(now, CLAIM_SECONDS),
            },
        };
        for attempt in 0..INSERT_ATTEMPTS {
            let started = Instant::now();
            match self.store.insert(&order, &dedupe, now).await? {
                Insert::Created => {
                    let store_ms = millis(started);
                    tracing::info!(order_id = %order.order_id, reference = %order.reference, store_ms, "order stored");
                    self.send_emails(&mut order).await;
                    return Ok(Placed::Created(order.receipt()));
                }
                Insert::Duplicate(receipt) => {
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

    /// Sends both emails at once and records how each one went.
    async fn send_emails(&self, order: &mut Order) {
        let (customer, trainer) = tokio::join!(
            self.send_one(order, EmailKind::Customer),
            self.send_one(order, EmailKind::Trainer),
        );
        order.customer_email = customer;
        order.trainer_email = trainer;
    }

    /// Sends one email whose claim the caller holds, and records the outcome.
    async fn send_one(&self, order: &Order, kind: EmailKind) -> Delivery {
        let email = match kind {
            EmailKind::Customer => customer_email(order, &self.trainers),
            EmailKind::Trainer => trainer_email(order, &self.trainers),
        };
        let attempts = order.delivery(kind).attempts() + 1;
        let started = Instant::now();
        let sent = self.mailer.send(&email).await;
        let send_ms = millis(started);
        let delivery = match sent {
            Ok(message_id) => Delivery::Sent {
                message_id,
                sent_at: self.now(),
            },
            Err(error) if error.permanent || attempts >= MAX_ATTEMPTS => {
                tracing::error!(order_id = %order.order_id, email = kind.as_str(), attempts, error.code = %error.code, error = %error, "email failed");
                Delivery::Failed { attempts }
            }
            Err(error) => {
                tracing::warn!(order_id = %order.order_id, email = kind.as_str(), attempts, error.code = %error.code, error = %error, "email left pending");
                Delivery::Pending {
                    attempts,
                    next_attempt_at: after(self.now(), backoff_seconds(attempts)),
                }
            }
        };
        let started = Instant::now();
        match self
            .store
            .record_delivery(&order.reference, kind, &delivery)
            .await
        {
            Ok(()) if matches!(delivery, Delivery::Sent { .. }) => {
                let record_ms = millis(started);
                tracing::info!(order_id = %order.order_id, reference = %order.reference, email = kind.as_str(), attempts, send_ms, record_ms, "email sent");
            }
            Ok(()) => {}
            // The outcome is not recorded: when the claim runs out the sweeper sends again, so
            // an email that did go out may go twice. Say so loudly.
            Err(error) => {
                tracing::error!(order_id = %order.order_id, email = kind.as_str(), status = delivery.status(), error = %error, "email outcome not recorded");
            }
        }
        delivery
    }

    /// Opens the connections the first order needs (DynamoDB, SES) while the function
    /// initialises, so the first customer after a cold start does not wait for them. Failure
    /// is only logged: the order path connects again and reports its own errors.
    #[tracing::instrument(name = "warm_up", skip_all)]
    pub async fn warm_up(&self) {
        let started = Instant::now();
        // An order uses two connections of each at once (both emails are sent, then recorded,
        // concurrently), so two of each are opened.
        let (store, mailer) = tokio::join!(
            async { tokio::try_join!(self.store.warm_up(), self.store.warm_up()) },
            async { tokio::try_join!(self.mailer.warm_up(), self.mailer.warm_up()) },
        );
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

    /// Retries the emails that are due: pending ones whose backoff has passed, and ones whose
    /// sender's claim ran out. Each is claimed with a conditional write before it is sent, so a
    /// concurrent sweeper or the original request never sends the same email twice.
    #[tracing::instrument(name = "retry_emails", skip_all)]
    pub async fn retry_due(&self, limit: usize) -> Result<RetryReport, StoreError> {
        let now = self.now();
        let mut report = RetryReport::default();
        for reference in self.store.due_for_retry(now, limit).await? {
            let mut order = match self.store.load(&reference).await {
                Ok(Some(order)) => order,
                Ok(None) => continue,
                // One item this code cannot read must not stop the retries of all the others.
                Err(StoreError::Unreadable { key, problem }) => {
                    tracing::error!(key, problem, "order skipped by the retry run: unreadable");
                    report.unreadable += 1;
                    continue;
                }
                Err(error) => return Err(error),
            };
            report.orders += 1;
            let mut claimed_any = false;
            for kind in EmailKind::BOTH {
                let attempts = order.delivery(kind).attempts();
                let due = order.delivery(kind).due_at().is_some_and(|at| at <= now);
                let until = after(now, CLAIM_SECONDS);
                if !due || !self.store.claim(&reference, kind, now, until).await? {
                    continue;
                }
                claimed_any = true;
                *order.delivery_mut(kind) = Delivery::Sending { attempts, until };
                let outcome = self.send_one(&order, kind).await;
                match outcome {
                    Delivery::Sent { .. } => report.sent += 1,
                    Delivery::Failed { .. } => report.failed += 1,
                    _ => report.still_pending += 1,
                }
                *order.delivery_mut(kind) = outcome;
            }
            if !claimed_any {
                // Looked at too early (its time was from an older state): set the right time.
                self.store.reschedule(&order).await?;
            }
        }
        tracing::info!(
            orders = report.orders,
            sent = report.sent,
            failed = report.failed,
            still_pending = report.still_pending,
            unreadable = report.unreadable,
            "retry run done"
        );
        Ok(report)
    }
}

/// What one retry run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RetryReport {
    pub orders: u32,
    pub sent: u32,
    pub failed: u32,
    pub still_pending: u32,
    /// Orders in the retry queue that could not be read, skipped (and logged by key).
    pub unreadable: u32,
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

/// Milliseconds since `started`, for the timing fields of the logs (and make bench).
fn millis(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

fn after(now: Timestamp, seconds: i64) -> Timestamp {
    now.checked_add(jiff::Span::new().seconds(seconds))
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicI64, Ordering};

    use async_trait::async_trait;

    use super::*;
    use crate::domain::OrderForm;
    use crate::email::RecordingMailer;
    use crate::store::MemoryStore;

    /// A clock the test moves by hand.
    struct Time(Arc<AtomicI64>);

    impl Time {
        fn new() -> (Time, Clock) {
            let seconds = Arc::new(AtomicI64::new(1_790_000_000));
            let read = seconds.clone();
            let clock: Clock =
                Arc::new(move || Timestamp::from_second(read.load(Ordering::SeqCst)).unwrap());
            (Time(seconds), clock)
        }

        fn advance(&self, seconds: i64) {
            self.0.fetch_add(seconds, Ordering::SeqCst);
        }
    }

    struct Fixture {
        intake: Intake,
        store: Arc<MemoryStore>,
        mailer: Arc<RecordingMailer>,
        time: Time,
    }

    fn fixture() -> Fixture {
        let store = Arc::new(MemoryStore::new());
        let mailer = Arc::new(RecordingMailer::new());
        let (time, clock) = Time::new();
        let trainers = vec![EmailAddress::parse("kouluttajat@some-tyopajat.example").unwrap()];
        let intake = Intake::new(store.clone(), mailer.clone(), trainers, clock);
        Fixture {
            intake,
            store,
            mailer,
            time,
        }
    }

    fn order(organization: &str) -> NewOrder {
        let form = OrderForm {
            package: Some("somestartti".into()),
            organization: Some(organization.into()),
            contact_name: Some("Anna Virtanen".into()),
            email: Some("anna.virtanen@tuusula.example".into()),
            privacy_consent: Some("true".into()),
            ..OrderForm::default()
        };
        NewOrder::parse(&form, jiff::civil::date(2026, 1, 1)).unwrap()
    }

    fn key(text: &str) -> Option<IdempotencyKey> {
        IdempotencyKey::parse(text)
    }

    #[tokio::test]
    async fn a_placed_order_is_stored_once_and_both_emails_are_sent() {
        let f = fixture();
        let Placed::Created(receipt) = f.intake.place(order("Tuusula"), None).await.unwrap() else {
            panic!("a new order is created");
        };
        assert!(receipt.emails_sent);
        assert_eq!(f.mailer.sent().len(), 2);
        let replay = f.intake.place(order("Tuusula"), None).await.unwrap();
        assert_eq!(replay, Placed::Replayed(receipt));
        assert_eq!(f.store.orders().len(), 1);
        assert_eq!(f.mailer.sent().len(), 2, "a replay sends nothing");
    }

    #[tokio::test]
    async fn a_key_used_again_for_other_content_is_refused() {
        let f = fixture();
        f.intake
            .place(order("Tuusula"), key("key-00000001"))
            .await
            .unwrap();
        let reused = f.intake.place(order("Kerava"), key("key-00000001")).await;
        assert!(matches!(reused, Err(IntakeError::KeyReused)));
        assert_eq!(f.store.orders().len(), 1);
    }

    #[tokio::test]
    async fn storage_down_is_an_error_and_nothing_is_sent() {
        let f = fixture();
        f.store.set_unavailable(true);
        let placed = f.intake.place(order("Tuusula"), None).await;
        assert!(matches!(
            placed,
            Err(IntakeError::Store(StoreError::Unavailable(_)))
        ));
        assert!(f.mailer.sent().is_empty());
    }

    #[tokio::test]
    async fn a_failed_send_is_left_pending_and_the_retry_run_sends_it_after_the_backoff() {
        let f = fixture();
        f.mailer.set_failing(true);
        let Placed::Created(receipt) = f.intake.place(order("Tuusula"), None).await.unwrap() else {
            panic!("the order is stored although the emails failed");
        };
        assert!(!receipt.emails_sent);
        let stored = &f.store.orders()[0];
        assert!(matches!(
            stored.customer_email,
            Delivery::Pending { attempts: 1, .. }
        ));

        f.mailer.set_failing(false);
        assert_eq!(f.intake.retry_due(50).await.unwrap().sent, 0, "not yet due");
        f.time.advance(backoff_seconds(1));
        let report = f.intake.retry_due(50).await.unwrap();
        assert_eq!((report.orders, report.sent), (1, 2));
        assert!(f.store.orders()[0].receipt().emails_sent);
        assert_eq!(f.intake.retry_due(50).await.unwrap().orders, 0);
    }

    #[tokio::test]
    async fn an_email_is_given_up_after_the_last_attempt() {
        let f = fixture();
        f.mailer.set_failing(true);
        f.intake.place(order("Tuusula"), None).await.unwrap();
        for attempt in 1..MAX_ATTEMPTS {
            f.time.advance(backoff_seconds(attempt));
            f.intake.retry_due(50).await.unwrap();
        }
        let stored = &f.store.orders()[0];
        assert_eq!(
            stored.customer_email,
            Delivery::Failed {
                attempts: MAX_ATTEMPTS
            }
        );
        assert_eq!(stored.retry_at(), None, "out of the retry queue");
    }

    #[tokio::test]
    async fn two_sweepers_at_once_send_each_email_once() {
        let f = fixture();
        f.mailer.set_failing(true);
        f.intake.place(order("Tuusula"), None).await.unwrap();
        f.mailer.set_failing(false);
        f.time.advance(backoff_seconds(1));
        let (a, b) = tokio::join!(f.intake.retry_due(50), f.intake.retry_due(50));
        assert_eq!(a.unwrap().sent + b.unwrap().sent, 2);
        assert_eq!(f.mailer.sent().len(), 2);
    }

    #[tokio::test]
    async fn a_sweeper_leaves_a_live_request_s_emails_alone_and_takes_over_a_dead_one() {
        let f = fixture();
        // A request that stored the order and died before sending: its claim is still live.
        let (_, clock) = Time::new();
        let dead_request = Intake::new(
            f.store.clone(),
            Arc::new(NeverSends),
            vec![EmailAddress::parse("kouluttajat@some-tyopajat.example").unwrap()],
            clock,
        );
        let placing = dead_request.place(order("Tuusula"), None);
        // NeverSends keeps the request waiting forever: drop it after the order is stored.
        let _ = tokio::time::timeout(Duration::from_millis(50), placing).await;
        assert_eq!(f.store.orders().len(), 1);
        f.time.advance(CLAIM_SECONDS - 1);
        assert_eq!(f.intake.retry_due(50).await.unwrap().sent, 0);
        f.time.advance(2);
        assert_eq!(f.intake.retry_due(50).await.unwrap().sent, 2);
        assert_eq!(f.mailer.sent().len(), 2);
    }

    /// A mailer whose sends never finish: a request killed mid-send.
    struct NeverSends;

    #[async_trait]
    impl Mailer for NeverSends {
        async fn send(
            &self,
            _email: &crate::email::Email,
        ) -> Result<String, crate::email::MailError> {
            std::future::pending().await
        }
    }

    /// The memory store, but one order cannot be read (as an item edited by hand).
    struct OneUnreadable {
        store: Arc<MemoryStore>,
        unreadable: std::sync::Mutex<Option<Reference>>,
    }

    #[async_trait]
    impl OrderStore for OneUnreadable {
        async fn insert(
            &self,
            o: &Order,
            d: &DedupeKey,
            now: Timestamp,
        ) -> Result<Insert, StoreError> {
            self.store.insert(o, d, now).await
        }
        async fn record_delivery(
            &self,
            r: &Reference,
            k: EmailKind,
            d: &Delivery,
        ) -> Result<(), StoreError> {
            self.store.record_delivery(r, k, d).await
        }
        async fn claim(
            &self,
            r: &Reference,
            k: EmailKind,
            now: Timestamp,
            until: Timestamp,
        ) -> Result<bool, StoreError> {
            self.store.claim(r, k, now, until).await
        }
        async fn due_for_retry(
            &self,
            now: Timestamp,
            limit: usize,
        ) -> Result<Vec<Reference>, StoreError> {
            self.store.due_for_retry(now, limit).await
        }
        async fn load(&self, reference: &Reference) -> Result<Option<Order>, StoreError> {
            if self.unreadable.lock().unwrap().as_ref() == Some(reference) {
                let key = format!("order#{reference}");
                return Err(StoreError::Unreadable {
                    key,
                    problem: "order fields",
                });
            }
            self.store.load(reference).await
        }
        async fn reschedule(&self, order: &Order) -> Result<(), StoreError> {
            self.store.reschedule(order).await
        }
    }

    #[tokio::test]
    async fn an_unreadable_order_is_skipped_and_the_others_are_retried() {
        let memory = Arc::new(MemoryStore::new());
        let store = Arc::new(OneUnreadable {
            store: memory.clone(),
            unreadable: std::sync::Mutex::new(None),
        });
        let mailer = Arc::new(RecordingMailer::new());
        let (time, clock) = Time::new();
        let trainers = vec![EmailAddress::parse("kouluttajat@some-tyopajat.example").unwrap()];
        let intake = Intake::new(store.clone(), mailer.clone(), trainers, clock);
        mailer.set_failing(true);
        intake.place(order("Tuusula"), None).await.unwrap();
        time.advance(1);
        intake.place(order("Kerava"), None).await.unwrap();
        mailer.set_failing(false);
        let first = memory.orders()[0].reference.clone();
        *store.unreadable.lock().unwrap() = Some(first);
        time.advance(backoff_seconds(1));
        let report = intake.retry_due(50).await.unwrap();
        assert_eq!((report.unreadable, report.orders, report.sent), (1, 1, 2));
    }
}
