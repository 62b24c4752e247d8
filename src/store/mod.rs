//! Where orders are kept. The trait is small so the DynamoDB implementation stays thin and the
//! in-memory one can stand in for it in handler tests.

mod dynamodb;
mod memory;
mod table;

pub use dynamodb::{
    DYNAMODB_ACTIONS, DynamoDbStore, ORDER_TABLE_PARTITION_KEY, ORDER_TABLE_TTL_ATTRIBUTE,
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

#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    Pending,
    Sent {
        message_id: String,
        sent_at: Timestamp,
    },
}

impl Delivery {
    pub fn is_sent(&self) -> bool {
        matches!(self, Delivery::Sent { .. })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailKind {
    Customer,
    Trainer,
}

impl EmailKind {
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

    /// Records that an email went out, with SES's message id.
    async fn mark_email_sent(
        &self,
        reference: &Reference,
        kind: EmailKind,
        message_id: &str,
        sent_at: Timestamp,
    ) -> Result<(), StoreError>;
}
