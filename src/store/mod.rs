//! Where orders are kept: one small trait per capability (`Orders`, `QuotaCounters`, `EmailQueue`,
//! `DeliveryReports`, `Retention`, `Bookings`, `Reputation`), each implemented directly by one
//! file of the DynamoDB store (`dynamodb/orders.rs`, `queue.rs`, `reports.rs`, `erasure.rs`,
//! `bookings.rs`, `reputation.rs`) and by the in-memory one; `Store` is all seven. A use case
//! holds only the traits it uses; a test double implements only the trait it changes.
//! `Corrections` (an operator's corrections of an order) is DynamoDB's only.
//!
//! The order's codec (`item`, `booking_item`, `codec`) and attribute names (`attribute`) are
//! public for the operator's storage in `ops`, which reads the same items.

pub mod attribute;
pub mod booking_item;
pub mod codec;
mod corrections;
pub mod dynamodb;
mod invoice_item;
mod invoicing_change;
pub mod item;
pub mod key_spaces;
mod memory;
pub mod operator_item;
mod sessions;
mod stores;
pub mod table;

pub use corrections::{Corrected, Corrections};
pub use dynamodb::DynamoDbStore;
pub use invoicing_change::InvoicingChange;
pub use memory::MemoryStore;
pub use sessions::{Sessions, TrainerSession};
pub use stores::Stores;

use async_trait::async_trait;
use jiff::Timestamp;

use crate::domain::{
    Booking, BreakerState, Culprit, Delivery, EmailKind, Order, Outcome, QuotaCounter, QuotaKind,
    Receipt, Reference, Strike,
};

/// A store call's result: what it answered, or why it could not.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What makes two submissions the same order: the client's idempotency key, or, without one,
/// the order's normalised content. The record expires after `DEDUPE_WINDOW`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DedupeKey {
    /// `key#…` or `content#…`.
    pub id: String,
    /// The content fingerprint, to tell a replay from a reused key.
    pub fingerprint: String,
    pub expires_at: Timestamp,
}

pub const DEDUPE_WINDOW_SECONDS: i64 = 24 * 60 * 60;

/// What recording an email's outcome did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutcomeRecorded {
    /// No message with that id was sent by this function (or its record is gone).
    UnknownMessage,
    /// Nothing new: the same report again, or one that arrived after a later outcome.
    Unchanged {
        reference: Reference,
        kind: EmailKind,
    },
    /// The outcome is new for this order's email.
    Changed {
        reference: Reference,
        kind: EmailKind,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Insert {
    Created,
    /// The same submission was stored before: here is that order.
    Duplicate(Receipt),
    /// The idempotency key was used before for different content.
    KeyReused,
    /// The random reference collided with an existing order: draw another.
    ReferenceTaken,
    /// A concurrent write to the same records won the race for now: try again shortly.
    Contended,
    /// This counter is at its limit: nothing was stored and no counter was taken from.
    OverQuota(QuotaKind),
}

/// What erasing an order's personal data did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Erasure {
    #[serde(serialize_with = "as_text")]
    pub reference: Reference,
    /// The personal fields that were there and are now gone (wire names).
    pub removed: Vec<&'static str>,
    /// Emails not yet sent that now never will be (there is nobody to send them to).
    pub dropped: Vec<&'static str>,
    /// The customer's emails whose recipients' addresses were removed from the order.
    pub messages_scrubbed: u32,
    /// It had been erased before (`removed` is then empty).
    pub already_erased: bool,
}

fn as_text<S: serde::Serializer>(reference: &Reference, to: S) -> Result<S::Ok, S::Error> {
    to.serialize_str(reference.as_str())
}

/// Why a store call did not do what was asked. The source is kept for the log's cause chain.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Storage did not answer, or answered with an error: nothing was written.
    #[error("order store unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// An item this code cannot read (edited by hand, or written by another version). The key
    /// lets a caller that walks many items skip this one.
    #[error("item {key} could not be read: {problem}")]
    Unreadable { key: String, problem: &'static str },
    /// Concurrent writes to the same records kept winning; trying again later may succeed.
    #[error("order not stored after {attempts} contended attempts")]
    Contended { attempts: u32 },
}

impl StoreError {
    pub fn unavailable(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> StoreError {
        StoreError::Unavailable(error.into())
    }
}

/// What SES reported about one recipient of a sent message, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecipientReport<'a> {
    /// The order and email the message's tags name.
    pub reference: &'a Reference,
    pub kind: EmailKind,
    pub message_id: &'a str,
    pub recipient: &'a str,
    pub outcome: Outcome,
    pub at: Timestamp,
}

/// A sender's hold on an email: taken at `now`, good until `until` (after that, another sender
/// may take the email over).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    pub now: Timestamp,
    pub until: Timestamp,
}

/// A message SES accepted: which email it was, to whom it went, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMessage {
    pub kind: EmailKind,
    pub message_id: String,
    pub recipients: Vec<String>,
    pub sent_at: Timestamp,
}

/// Orders themselves: stored once (with their dedupe record and quota units), read whole.
#[async_trait]
pub trait Orders: Send + Sync {
    /// Stores the order and its dedupe record and takes a unit from each quota counter, all
    /// together or none of it. Never overwrites. A replay or a refusal takes nothing.
    async fn insert(
        &self,
        order: &Order,
        dedupe: &DedupeKey,
        quota: &[QuotaCounter],
        now: Timestamp,
    ) -> Result<Insert>;

    /// The whole order, read consistently.
    async fn load(&self, reference: &Reference) -> Result<Option<Order>>;

    /// Moves the order's customer links on a generation (none sent before opens): the new one.
    async fn revoke_customer_links(&self, reference: &Reference) -> Result<Option<u32>>;

    /// Opens the connection the first order will use, with a call the store makes anyway.
    async fn warm_up(&self) -> Result<()> {
        Ok(())
    }
}

/// The abuse counters and the confirmations' ceiling, taken from outside an order's insert.
#[async_trait]
pub trait QuotaCounters: Send + Sync {
    /// Takes a unit from one counter if it is under its limit; `false` when it is not.
    async fn take_quota(&self, counter: &QuotaCounter) -> Result<bool>;
}

/// The emails' states on the order and the retry queue that follows them: claims, attempts,
/// the sweeper's look-ups.
#[async_trait]
pub trait EmailQueue: Send + Sync {
    /// Writes one email's new state (after a send or a failed attempt), and the sent message's
    /// recipients, in one update of the order, and keeps the order in the retry queue while any
    /// of its emails is not final. SES's later reports (which name the order and email by the
    /// message's tags) find the recipient's place there. An order erased since the send keeps
    /// no addresses: its email's state is written without them.
    async fn record_delivery(
        &self,
        reference: &Reference,
        kind: EmailKind,
        delivery: &Delivery,
        sent: Option<&SentMessage>,
    ) -> Result<()>;

    /// After both emails of a new order were tried: each sent message's recipients (as
    /// `record_delivery`), both emails' states and the retry queue as `order` now stands, all
    /// in one update of the order.
    async fn record_attempts(&self, order: &Order, sent: &[SentMessage]) -> Result<()>;

    /// Claims an email for sending until `claim.until`, if it is pending or its claim ran out
    /// by `claim.now`. `false`: someone else holds it, or it is final.
    async fn claim(&self, reference: &Reference, kind: EmailKind, claim: Claim) -> Result<bool>;

    /// Claims an email for an operator's resend, whatever its state, unless a sender holds it
    /// now: what SES reported about earlier sends is cleared, so the new one's reports count.
    /// `false`: it is being sent right now, or the order is erased.
    async fn reclaim(&self, reference: &Reference, kind: EmailKind, claim: Claim) -> Result<bool>;

    /// Claims a confirmation that waits for a person (held or unverified) for sending now: a
    /// person released it. `false`: it no longer waits (sent, or being sent by someone else), or
    /// the order is erased.
    async fn claim_waiting(
        &self,
        reference: &Reference,
        kind: EmailKind,
        claim: Claim,
    ) -> Result<bool>;

    /// Orders with an email that may be (re)tried by `now`, oldest due first: those with an
    /// email due (`RetryQueue::Due`), then those waiting only on a held confirmation (`Held`).
    /// Never those waiting only on the trainers' digest.
    async fn due_for_retry(&self, now: Timestamp, limit: usize) -> Result<Vec<Reference>>;

    /// Orders whose trainers' notification, held for the hour's digest, is due by `now`, and
    /// that wait for nothing else due (`RetryQueue::Digest`), oldest first.
    async fn due_for_digest(&self, now: Timestamp, limit: usize) -> Result<Vec<Reference>>;

    /// Sets when the sweeper next looks at the order, from its emails' states.
    async fn reschedule(&self, order: &Order) -> Result<()>;

    /// Takes an item out of the retry index by its key, whatever it holds: for an order the
    /// retry run cannot read, so that it does not stay at the head of the index.
    async fn dequeue(&self, key: &str) -> Result<()>;
}

/// What SES reports about sent messages, and who was told when an email did not arrive.
#[async_trait]
pub trait DeliveryReports: Send + Sync {
    /// Records what became of a message for one recipient, if it is news: an outcome only
    /// replaces a lower one (`Outcome::rank`).
    async fn record_outcome(&self, report: RecipientReport<'_>) -> Result<OutcomeRecorded>;

    /// Sets (or clears) when the retry run looks again at the customer's confirmation after a
    /// transient bounce. The caller reschedules the order afterwards.
    async fn set_check(&self, reference: &Reference, at: Option<Timestamp>) -> Result<()>;

    /// Marks that a person was told an email did not arrive, only if nobody was yet: `false`
    /// when somebody was.
    async fn mark_told(
        &self,
        reference: &Reference,
        kind: EmailKind,
        now: Timestamp,
    ) -> Result<bool>;

    /// Takes the mark back, when telling failed, so that a later report tries again.
    async fn unmark_told(&self, reference: &Reference, kind: EmailKind) -> Result<()>;
}

/// Personal data's end: orders past their retention time, and their erasure.
#[async_trait]
pub trait Retention: Send + Sync {
    /// Orders created at or before `cutoff` whose personal data is still held, oldest first.
    /// Looks back a few months from the cutoff's month (the scheduled run is frequent).
    async fn due_for_erasure(&self, cutoff: Timestamp, limit: usize) -> Result<Vec<Reference>>;

    /// Removes an order's personal fields (`Field::PERSONAL`), keeps what bookkeeping needs,
    /// marks it erased and drops emails not yet sent. `None`: there is no such order.
    async fn erase(&self, reference: &Reference, now: Timestamp) -> Result<Option<Erasure>>;

    /// Whether the one-time sealing of the orders stored before seals has run (its marker,
    /// `migration#seal`, is in the function's key space only).
    async fn all_sealed(&self) -> Result<bool>;

    /// Marks it run: from then on an order without a seal is never sealed, nor mailed.
    async fn mark_all_sealed(&self, at: Timestamp) -> Result<()>;

    /// A month's orders (`2026-11`) without a seal and not erased.
    async fn unsealed(&self, month: &str) -> Result<Vec<Reference>>;

    /// Writes `order.seal` on an order that still has none and is not erased (`false`: it has
    /// one now, or is erased).
    async fn seal_unsealed(&self, order: &Order) -> Result<bool>;
}

/// What writing a booking did.
#[derive(Debug, Clone, PartialEq)]
pub enum Booked {
    /// Written, with its emails' new states.
    Stored,
    /// Someone changed the booking first (or there was one where none was expected): here it
    /// is as it now stands (`None`: there is still none, and `expected` was not 0).
    Conflict(Option<Booking>),
    /// No such order, or its personal data is erased (nobody to invite).
    NoOrder,
}

/// The workshop's booking on its order: written only over the one the writer saw.
#[async_trait]
pub trait Bookings: Send + Sync {
    /// Writes `order.booking`, its emails' states and the retry queue, if the stored booking's
    /// sequence is `expected` (0: none yet) and the change request the writer saw
    /// (`order.change_request`) is still the one stored: it is answered (removed). A request
    /// made meanwhile is a conflict, never lost unseen.
    /// The order's seal is written with it, over the one the writer read (`seen_seal`): a
    /// change made meanwhile is a conflict too.
    async fn book(&self, order: &Order, expected: u32, seen_seal: Option<&str>) -> Result<Booked>;

    /// Writes the customer's change request and its emails' states (`EmailKind::REQUEST`), the
    /// booking untouched, if its sequence is still `expected`.
    async fn request_change(&self, order: &Order, expected: u32) -> Result<Booked>;
}

/// The reputation breaker's one item and the marks strikes leave. Orders check both in their
/// own transaction (as the ceiling `QuotaKind::Breaker` and the checks `QuotaKind::Marked`);
/// SES's reports strike and mark.
#[async_trait]
pub trait Reputation: Send + Sync {
    /// Records a strike at `at` from an order of `network` (a keyed hash), and returns the
    /// breaker as it then stands.
    async fn strike(&self, strike: Strike, network: &str, at: Timestamp) -> Result<BreakerState>;

    /// Trips the breaker until `until` unless it is tripped at `at` already (`true`: this call
    /// tripped it); a trip that stands is extended to `until`.
    async fn trip(&self, at: Timestamp, until: Timestamp) -> Result<bool>;

    async fn breaker(&self) -> Result<BreakerState>;

    /// Lets automatic confirmations go again; strikes before `at` no longer count.
    async fn reset_breaker(&self, at: Timestamp) -> Result<()>;

    /// Marks an order's source and mailbox until `until`: their orders' confirmations then
    /// wait for a person.
    async fn mark(&self, culprit: &Culprit, until: Timestamp) -> Result<()>;
}

/// Every capability at once, for wiring one store into every use case (`Stores::new`).
pub trait Store:
    Orders
    + QuotaCounters
    + EmailQueue
    + DeliveryReports
    + Retention
    + Bookings
    + Reputation
    + Sessions
    + Corrections
{
}

impl<
    T: Orders
        + QuotaCounters
        + EmailQueue
        + DeliveryReports
        + Retention
        + Bookings
        + Reputation
        + Sessions
        + Corrections,
> Store for T
{
}
