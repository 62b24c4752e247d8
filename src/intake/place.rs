//! Placing an order: a form post becomes one stored order (or the answer to a replay, a
//! honeypot or a refusal), then both emails go out concurrently. An email that fails leaves the
//! order stored with that email pending; it never fails the order.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;

use super::counters::{Counters, EVERYONE, Share};
use super::sending::Sender;
use super::{CLAIM_SECONDS, Clock, DIGEST_KEPT_SECONDS, Deadline, HOLD_SECONDS, after, millis};
use crate::domain::{
    Culprit, Delivery, EmailKind, FieldError, IdempotencyKey, NewOrder, Order, OrderForm, Package,
    QuotaCounter, QuotaKind, Receipt, Reference, SourceAddress, Submission, helsinki,
};
use crate::human_check::{HumanCheck, Verdict, idempotency_key};
use crate::store::{DEDUPE_WINDOW_SECONDS, DedupeKey, Insert, Orders, StoreError};

/// How often a store write is tried when a reference collides or a concurrent duplicate holds
/// the records; both are rare, so a few attempts suffice.
const INSERT_ATTEMPTS: u32 = 6;

#[derive(Debug, Clone, PartialEq)]
pub enum Placed {
    /// A new order, stored now.
    Created(Receipt),
    /// The same submission arrived before: no new order, no new email.
    Replayed(Receipt),
    /// The honeypot was filled: a bot is told it succeeded, and nothing is stored or sent.
    Decoy(Receipt),
}

/// Why an order was not placed.
#[derive(Debug, thiserror::Error)]
pub enum PlaceError {
    #[error("validation failed")]
    Invalid(Vec<FieldError>),
    #[error("idempotency key reused for different content")]
    KeyReused,
    #[error("over the {} quota", .kind.name())]
    RateLimited {
        kind: QuotaKind,
        retry_after_seconds: i64,
    },
    /// Concurrent writes to the same records kept winning; trying again later may succeed.
    #[error("order not stored after {attempts} contended attempts")]
    Contended { attempts: u32 },
    #[error("order not stored")]
    Store(#[from] StoreError),
}

/// The use case of a form post.
pub struct PlaceOrder {
    pub(super) orders: Arc<dyn Orders>,
    pub(super) counters: Counters,
    pub(super) sender: Sender,
    pub(super) clock: Clock,
    /// Turnstile, when configured: without it every confirmation goes out at once.
    pub(super) human_check: Option<Arc<dyn HumanCheck>>,
}

/// Whether the customer's confirmation may go out by itself: the human check passed (or is not
/// configured), or the confirmation waits for a person (`Delivery::Unverified`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checked {
    Person,
    /// Why not: counted (`HumanCheckFailed`) only once a new order is stored, so that a replayed
    /// post, whose token siteverify has seen, is a duplicate and no failed check.
    Doubtful(&'static str),
}

impl PlaceOrder {
    pub(super) fn now(&self) -> Timestamp {
        (self.clock)()
    }

    /// Everything a form post decides: the honeypot's decoy, today's date for the dates'
    /// rules, the idempotency key, then the order placed within the invocation's deadline.
    #[tracing::instrument(name = "place_order", skip_all)]
    pub async fn submit(
        &self,
        form: &OrderForm,
        source: &SourceAddress,
        deadline: Deadline,
    ) -> Result<Placed, PlaceError> {
        if form.gotcha.as_deref().is_some_and(|g| !g.trim().is_empty()) {
            tracing::info!("honeypot filled: answered as a success, nothing stored");
            self.counters.charge_source(source, self.now()).await;
            return Ok(Placed::Decoy(decoy_receipt(form)));
        }
        let today = self.now().to_zoned_datetime(helsinki()).date();
        let Submission { order, key } =
            Submission::parse(form, today).map_err(PlaceError::Invalid)?;
        let replay = dedupe_key(&order, key.as_ref(), self.now());
        let checked = (self.check_human(form.human_token.as_deref(), source, &replay.id)).await;
        self.place_checked(order, key, source, deadline, checked)
            .await
    }

    /// Turnstile's verdict on the form's token; without Turnstile, everyone passes. A replay of
    /// the submission (`replay_id`) asks with the same idempotency key.
    async fn check_human(
        &self,
        token: Option<&str>,
        source: &SourceAddress,
        replay_id: &str,
    ) -> Checked {
        let Some(check) = &self.human_check else {
            return Checked::Person;
        };
        match check
            .verify(token, source, idempotency_key(replay_id))
            .await
        {
            Verdict::Human => Checked::Person,
            Verdict::Doubtful(doubt) => {
                let reason = doubt.as_str();
                tracing::warn!(reason, detail = ?doubt, "human check not passed");
                Checked::Doubtful(reason)
            }
        }
    }

    /// A parsed order placed as from a person, without a deadline (the unit tests' way in).
    #[cfg(test)]
    pub(super) async fn place(
        &self,
        order: NewOrder,
        key: Option<IdempotencyKey>,
        source: &SourceAddress,
    ) -> Result<Placed, PlaceError> {
        self.place_within(order, key, source, Deadline::none())
            .await
    }

    /// Places an order within the invocation's deadline: emails that no longer fit are left
    /// pending for the retry run.
    #[cfg(test)]
    pub(super) async fn place_within(
        &self,
        order: NewOrder,
        key: Option<IdempotencyKey>,
        source: &SourceAddress,
        deadline: Deadline,
    ) -> Result<Placed, PlaceError> {
        self.place_checked(order, key, source, deadline, Checked::Person)
            .await
    }

    /// Places an order whose sender was (or was not) shown to be a person.
    async fn place_checked(
        &self,
        order: NewOrder,
        key: Option<IdempotencyKey>,
        source: &SourceAddress,
        deadline: Deadline,
        checked: Checked,
    ) -> Result<Placed, PlaceError> {
        let now = self.now();
        let culprit = self.counters.limits.culprit(source, &order.email);
        let share = self.counters.share_of(&order);
        let mut quota = self.quota(&culprit, source, checked, share, now);
        let dedupe = dedupe_key(&order, key.as_ref(), now);
        let mut order = new_record(order, now);
        order.culprit = Some(culprit);
        if matches!(checked, Checked::Doubtful(_)) {
            order.set_delivery(EmailKind::Customer, Delivery::Unverified);
        }
        self.sender.seal(&mut order);
        for attempt in 0..INSERT_ATTEMPTS {
            let started = Instant::now();
            match self.orders.insert(&order, &dedupe, &quota, now).await? {
                Insert::Created => {
                    stored(&order, checked, millis(started));
                    self.confirm_and_notify(&mut order, deadline).await;
                    return Ok(Placed::Created(order.receipt()));
                }
                Insert::OverQuota(QuotaKind::Marked) => for_a_person(&mut order, &mut quota),
                Insert::OverQuota(kind) if QuotaKind::REAL_CEILINGS[1..].contains(&kind) => {
                    // The real customers' share is full: the shared ceilings then.
                    quota.retain(|c| !c.kind.is_ceiling());
                    quota.extend(self.counters.ceilings(Share::Shared, now));
                }
                Insert::OverQuota(kind) if kind.is_ceiling() => hold(&mut order, &mut quota, kind),
                Insert::OverQuota(QuotaKind::TrainerNotifications) => {
                    to_digest(&mut order, &mut quota);
                }
                Insert::OverQuota(kind) => {
                    let counter = quota.iter().find(|c| c.kind == kind);
                    let retry_after_seconds = counter.map_or(60, |c| c.seconds_left(now));
                    tracing::warn!(limit = kind.name(), "rate limited");
                    return Err(PlaceError::RateLimited {
                        kind,
                        retry_after_seconds,
                    });
                }
                Insert::Duplicate(receipt) => {
                    crate::measure::order_replayed();
                    tracing::info!(order_id = %receipt.order_id, "duplicate submission answered with the stored order");
                    return Ok(Placed::Replayed(receipt));
                }
                Insert::KeyReused => return Err(PlaceError::KeyReused),
                Insert::ReferenceTaken => order.reference = Reference::random(),
                Insert::Contended => tokio::time::sleep(Duration::from_millis(25 << attempt)).await,
            }
        }
        Err(PlaceError::Contended {
            attempts: INSERT_ATTEMPTS,
        })
    }

    /// The counters an order takes from, all in its own transaction: the abuse counters first
    /// (their refusal comes first), then that its source and mailbox are not marked by a strike
    /// (a marked one's confirmation waits for a person), then the hour's and the day's
    /// automatic confirmations and the breaker (a full one holds the confirmation instead of
    /// refusing the order; one that waits for a person takes none), then the trainers'
    /// notifications.
    fn quota(
        &self,
        culprit: &Culprit,
        source: &SourceAddress,
        checked: Checked,
        share: Share,
        now: Timestamp,
    ) -> Vec<QuotaCounter> {
        let limits = &self.counters.limits;
        let mut quota = vec![
            limits.counter(QuotaKind::Source, source.as_str(), now),
            limits.counter(QuotaKind::Mailbox, &culprit.mailbox, now),
        ];
        if checked == Checked::Person {
            quota.extend(limits.unmarked(culprit, now));
            quota.extend(self.counters.ceilings(share, now));
        }
        quota.push(limits.counter(QuotaKind::TrainerNotifications, EVERYONE, now));
        quota
    }

    /// Sends both emails, but not one that waits: a confirmation held over a ceiling or by the
    /// breaker, or unverified (the trainers' email then says so), or a notification over the
    /// hour's limit (the hour's digest lists it).
    async fn confirm_and_notify(&self, order: &mut Order, deadline: Deadline) {
        match order.customer_email() {
            Delivery::Held { .. } => {
                tracing::warn!(order_id = %order.order_id, "confirmation held: over a ceiling or by the breaker");
            }
            Delivery::Unverified => {
                tracing::warn!(order_id = %order.order_id, "confirmation unverified: it waits for a person");
            }
            _ => {}
        }
        if order.trainer_email().is_waiting() {
            tracing::warn!(order_id = %order.order_id, "trainer notification held for the hour's digest");
        }
        let (waiting, now): (Vec<EmailKind>, Vec<EmailKind>) = (EmailKind::BOTH.into_iter())
            .partition(|kind| order.delivery(*kind).is_some_and(Delivery::is_waiting));
        for kind in waiting {
            crate::measure::email(kind, order.delivery(kind).map_or("", Delivery::status));
        }
        match now[..] {
            [first, second] => {
                self.sender
                    .send_pair(order, [first, second], deadline)
                    .await
            }
            [kind] => {
                let delivery = self.sender.send_one(order, kind, deadline).await;
                order.set_delivery(kind, delivery);
            }
            _ => {}
        }
    }

    /// Opens the connections the first order needs (DynamoDB, SES) while the function
    /// initialises, so the first customer after a cold start does not wait for them. Failure
    /// is only logged: the order path connects again and reports its own errors.
    #[tracing::instrument(name = "warm_up", skip_all)]
    pub async fn warm_up(&self) {
        let started = Instant::now();
        // An order uses one DynamoDB connection (its writes come one after another: the order
        // with its counters, both emails' outcomes in one update) and two SES
        // connections (both emails are sent at once): those three are opened, no more, since
        // each is a TLS handshake at Lambda's CPU share.
        let (store, mailer) = tokio::join!(self.orders.warm_up(), self.sender.warm_up());
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

/// A new order stored: counted, and logged (a failed human check counts only now, so that a
/// replay is no second failure).
fn stored(order: &Order, checked: Checked, store_ms: f64) {
    crate::measure::order_created(order.details.package);
    tracing::info!(order_id = %order.order_id, reference = %order.reference, store_ms, "order stored");
    if let Checked::Doubtful(reason) = checked {
        crate::measure::human_check_failed(reason);
        tracing::warn!(order_id = %order.order_id, reason, "human check not passed: the confirmation waits for a person");
    }
}

/// Its source or mailbox is marked by a strike: the order is written again without the marks'
/// checks and the ceilings, its confirmation waiting for a person (the trainers' notification
/// says so).
fn for_a_person(order: &mut Order, quota: &mut Vec<QuotaCounter>) {
    tracing::warn!(order_id = %order.order_id, "source or mailbox marked by a strike: the confirmation waits for a person");
    quota.retain(|c| c.kind != QuotaKind::Marked && !c.kind.is_ceiling());
    order.set_delivery(EmailKind::Customer, Delivery::Unverified);
}

/// Over the hour's ceiling: the order is written again without the confirmations' counter,
/// its confirmation held, so the retry run sends it when a later hour has room, or drops it
/// after a day.
fn hold(order: &mut Order, quota: &mut Vec<QuotaCounter>, full: QuotaKind) {
    let full_window_end = quota.iter().find(|c| c.kind == full).map(|c| c.window_end);
    quota.retain(|c| !c.kind.is_ceiling());
    order.set_delivery(
        EmailKind::Customer,
        Delivery::Held {
            next_attempt_at: full_window_end.unwrap_or(order.created_at),
            drop_at: after(order.created_at, HOLD_SECONDS),
        },
    );
}

/// Over the hour's trainer notifications: the order is written again without that counter, its
/// notification held for the digest the retry run sends once the hour is over.
fn to_digest(order: &mut Order, quota: &mut Vec<QuotaCounter>) {
    let counter = quota
        .iter()
        .find(|c| c.kind == QuotaKind::TrainerNotifications);
    let window_end = counter.map_or(order.created_at, |c| c.window_end);
    quota.retain(|c| c.kind != QuotaKind::TrainerNotifications);
    order.set_delivery(
        EmailKind::Trainer,
        Delivery::Held {
            next_attempt_at: window_end,
            drop_at: after(window_end, DIGEST_KEPT_SECONDS),
        },
    );
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
    Order::placed(details, now, claimed)
}

/// What a bot that filled the honeypot is shown: indistinguishable from a real receipt.
fn decoy_receipt(form: &OrderForm) -> Receipt {
    let package = form
        .package
        .as_deref()
        .and_then(|p| Package::parse(p.trim()))
        .unwrap_or(Package::Somestartti);
    Receipt {
        order_id: uuid::Uuid::now_v7().to_string(),
        reference: Reference::random(),
        package,
        price: package.price(),
        emails_sent: true,
        confirmation_waits: false,
    }
}
