//! The use case: a valid order is stored once, then both emails go out concurrently. An email
//! that fails leaves the order stored with that email pending; it never fails the order.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use crate::domain::{EmailAddress, IdempotencyKey, NewOrder, Reference};
use crate::email::{Email, Mailer, customer_email, trainer_email};
use crate::store::{
    DEDUPE_WINDOW_SECONDS, DedupeKey, Delivery, EmailKind, Insert, Order, OrderStore, Receipt,
    StoreError,
};

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
    #[error(transparent)]
    StoreUnavailable(#[from] StoreError),
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
            customer_email: Delivery::Pending,
            trainer_email: Delivery::Pending,
        };
        for attempt in 0..INSERT_ATTEMPTS {
            match self.store.insert(&order, &dedupe, now).await? {
                Insert::Created => {
                    tracing::info!(order_id = %order.order_id, reference = %order.reference, "order stored");
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
        Err(StoreError {
            message: format!("order not stored after {INSERT_ATTEMPTS} contended attempts"),
        }
        .into())
    }

    /// Sends both emails at once and records each one that went out.
    async fn send_emails(&self, order: &mut Order) {
        let customer = customer_email(order, &self.trainers);
        let trainer = trainer_email(order, &self.trainers);
        let (customer, trainer) = tokio::join!(
            self.send_one(order, EmailKind::Customer, &customer),
            self.send_one(order, EmailKind::Trainer, &trainer),
        );
        order.customer_email = customer;
        order.trainer_email = trainer;
    }

    async fn send_one(&self, order: &Order, kind: EmailKind, email: &Email) -> Delivery {
        let message_id = match self.mailer.send(email).await {
            Ok(message_id) => message_id,
            Err(error) => {
                tracing::warn!(order_id = %order.order_id, email = kind.as_str(), error.code = %error.code, error = %error, "email left pending");
                return Delivery::Pending;
            }
        };
        let sent_at = self.now();
        if let Err(error) = self
            .store
            .mark_email_sent(&order.reference, kind, &message_id, sent_at)
            .await
        {
            // The email went out; only its record is missing. Say so loudly: a retry of pending
            // emails would send it again.
            tracing::error!(order_id = %order.order_id, email = kind.as_str(), message_id = %message_id, error = %error, "email sent but not recorded");
        }
        Delivery::Sent {
            message_id,
            sent_at,
        }
    }
}
