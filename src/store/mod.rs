//! Where orders are kept. The trait is small so the DynamoDB implementation stays thin and the
//! in-memory one can stand in for it in handler tests.

mod dynamodb;
mod memory;
mod table;

pub use dynamodb::{
    DYNAMODB_ACTIONS, DynamoDbStore, ORDER_TABLE_PARTITION_KEY, ORDER_TABLE_TTL_ATTRIBUTE,
    RETRY_AT_ATTRIBUTE, RETRY_INDEX, RETRY_QUEUE_ATTRIBUTE,
};
pub use memory::MemoryStore;
pub use table::{TableSpec, create_order_table};

use async_trait::async_trait;
use jiff::Timestamp;

use crate::domain::{NewOrder, Package, Price, Reference};

/// An order as stored: the validated fields plus what the server decided.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    pub order_id: String,
    pub reference: Reference,
    pub created_at: Timestamp,
    pub price: Price,
    pub details: NewOrder,
    pub customer_email: Delivery,
    pub trainer_email: Delivery,
}

impl Order {
    pub fn delivery(&self, kind: EmailKind) -> &Delivery {
        match kind {
            EmailKind::Customer => &self.customer_email,
            EmailKind::Trainer => &self.trainer_email,
        }
    }

    pub fn delivery_mut(&mut self, kind: EmailKind) -> &mut Delivery {
        match kind {
            EmailKind::Customer => &mut self.customer_email,
            EmailKind::Trainer => &mut self.trainer_email,
        }
    }

    /// When the retry sweeper should next look at this order; `None` once both emails are final.
    pub fn retry_at(&self) -> Option<Timestamp> {
        [self.customer_email.due_at(), self.trainer_email.due_at()]
            .into_iter()
            .flatten()
            .min()
    }

    pub fn receipt(&self) -> Receipt {
        Receipt {
            order_id: self.order_id.clone(),
            reference: self.reference.clone(),
            package: self.details.package,
            price: self.price,
            emails_sent: self.customer_email.is_sent() && self.trainer_email.is_sent(),
        }
    }
}

/// What a client is told about an order, new or replayed.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    pub order_id: String,
    pub reference: Reference,
    pub package: Package,
    pub price: Price,
    pub emails_sent: bool,
}

/// Where one email stands.
///
/// `Sending` is a claim: its holder (the request that stored the order, or the retry sweeper
/// that claimed it) may send until `until`; after that, for example after a crash, the sweeper
/// may claim it again. Claims are conditional writes, so two senders never hold the same email.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    Sending {
        attempts: u32,
        until: Timestamp,
    },
    Pending {
        attempts: u32,
        next_attempt_at: Timestamp,
    },
    Sent {
        message_id: String,
        sent_at: Timestamp,
    },
    /// Given up after `attempts` (or at once, for a message SES refuses outright).
    Failed {
        attempts: u32,
    },
}

impl Delivery {
    pub fn is_sent(&self) -> bool {
        matches!(self, Delivery::Sent { .. })
    }

    /// Sent or given up: nothing more will happen to it.
    pub fn is_final(&self) -> bool {
        matches!(self, Delivery::Sent { .. } | Delivery::Failed { .. })
    }

    /// When the sweeper may (re)claim it.
    pub fn due_at(&self) -> Option<Timestamp> {
        match self {
            Delivery::Sending { until, .. } => Some(*until),
            Delivery::Pending {
                next_attempt_at, ..
            } => Some(*next_attempt_at),
            Delivery::Sent { .. } | Delivery::Failed { .. } => None,
        }
    }

    pub fn attempts(&self) -> u32 {
        match self {
            Delivery::Sending { attempts, .. }
            | Delivery::Pending { attempts, .. }
            | Delivery::Failed { attempts } => *attempts,
            Delivery::Sent { .. } => 0,
        }
    }

    /// The status word stored and shown: `sending`, `pending`, `sent` or `failed`.
    pub fn status(&self) -> &'static str {
        match self {
            Delivery::Sending { .. } => "sending",
            Delivery::Pending { .. } => "pending",
            Delivery::Sent { .. } => "sent",
            Delivery::Failed { .. } => "failed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailKind {
    Customer,
    Trainer,
}

impl EmailKind {
    pub const BOTH: [EmailKind; 2] = [EmailKind::Customer, EmailKind::Trainer];

    pub fn as_str(self) -> &'static str {
        match self {
            EmailKind::Customer => "customer",
            EmailKind::Trainer => "trainer",
        }
    }
}

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
}

/// Storage did not answer or answered with an error: the order was not stored.
#[derive(Debug, thiserror::Error)]
#[error("order store unavailable: {message}")]
pub struct StoreError {
    pub message: String,
}

#[async_trait]
pub trait OrderStore: Send + Sync {
    /// Stores the order and its dedupe record together, or neither. Never overwrites.
    async fn insert(
        &self,
        order: &Order,
        dedupe: &DedupeKey,
        now: Timestamp,
    ) -> Result<Insert, StoreError>;

    /// Writes one email's new state (after a send or a failed attempt) and keeps the order in
    /// the retry queue while any of its emails is not final.
    async fn record_delivery(
        &self,
        reference: &Reference,
        kind: EmailKind,
        delivery: &Delivery,
    ) -> Result<(), StoreError>;

    /// Claims an email for sending until `until`, if it is pending or its claim ran out by
    /// `now`. `false`: someone else holds it, or it is final.
    async fn claim(
        &self,
        reference: &Reference,
        kind: EmailKind,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<bool, StoreError>;

    /// Orders with an email that may be (re)tried by `now`, oldest due first.
    async fn due_for_retry(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<Reference>, StoreError>;

    /// The whole order, read consistently.
    async fn load(&self, reference: &Reference) -> Result<Option<Order>, StoreError>;

    /// Sets when the sweeper next looks at the order, from its emails' states.
    async fn reschedule(&self, order: &Order) -> Result<(), StoreError>;

    /// Opens the connection the first order will use, with a call the store makes anyway.
    async fn warm_up(&self) -> Result<(), StoreError> {
        Ok(())
    }
}
