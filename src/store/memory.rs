use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use jiff::Timestamp;

use super::{DedupeKey, Delivery, EmailKind, Insert, Order, OrderStore, StoreError};
use crate::domain::Reference;

/// An in-memory `OrderStore` for fast tests; it keeps the same rules as the DynamoDB one.
#[derive(Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    orders: HashMap<String, Order>,
    dedupe: HashMap<String, (DedupeKey, String)>,
    unavailable: bool,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// Every stored order, oldest first.
    pub fn orders(&self) -> Vec<Order> {
        let state = self.lock();
        let mut orders: Vec<Order> = state.orders.values().cloned().collect();
        orders.sort_by_key(|o| o.created_at);
        orders
    }

    /// Makes every call fail, as DynamoDB being down would.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.lock().unavailable = unavailable;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the maps half-written, so go on.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn check_available(state: &State) -> Result<(), StoreError> {
    if state.unavailable {
        return Err(StoreError {
            message: "memory store set unavailable".into(),
        });
    }
    Ok(())
}

#[async_trait]
impl OrderStore for MemoryStore {
    async fn insert(
        &self,
        order: &Order,
        dedupe: &DedupeKey,
        now: Timestamp,
    ) -> Result<Insert, StoreError> {
        let mut state = self.lock();
        check_available(&state)?;
        let order_key = order.reference.as_str().to_owned();
        if state.orders.contains_key(&order_key) {
            return Ok(Insert::ReferenceTaken);
        }
        if let Some((existing, reference)) = state.dedupe.get(&dedupe.id)
            && existing.expires_at > now
        {
            if existing.fingerprint != dedupe.fingerprint {
                return Ok(Insert::KeyReused);
            }
            let receipt = state.orders.get(reference).map(Order::receipt);
            return Ok(receipt.map_or(Insert::Contended, Insert::Duplicate));
        }
        state
            .dedupe
            .insert(dedupe.id.clone(), (dedupe.clone(), order_key.clone()));
        state.orders.insert(order_key, order.clone());
        Ok(Insert::Created)
    }

    async fn mark_email_sent(
        &self,
        reference: &Reference,
        kind: EmailKind,
        message_id: &str,
        sent_at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut state = self.lock();
        check_available(&state)?;
        let Some(order) = state.orders.get_mut(reference.as_str()) else {
            return Err(StoreError {
                message: "no such order".into(),
            });
        };
        let delivery = Delivery::Sent {
            message_id: message_id.to_owned(),
            sent_at,
        };
        match kind {
            EmailKind::Customer => order.customer_email = delivery,
            EmailKind::Trainer => order.trainer_email = delivery,
        }
        Ok(())
    }
}
