//! The in-memory store's `Orders` and `QuotaCounters`: an order, its dedupe record and its counters in one step.

use async_trait::async_trait;
use jiff::Timestamp;

use super::MemoryStore;
use crate::domain::{Order, QuotaCounter, Reference};
use crate::store::{DedupeKey, Insert, Orders, QuotaCounters, Result, StoreError};

#[async_trait]
impl Orders for MemoryStore {
    async fn insert(
        &self,
        order: &Order,
        dedupe: &DedupeKey,
        quota: &[QuotaCounter],
        now: Timestamp,
    ) -> Result<Insert> {
        let mut state = self.available()?;
        let order_key = order.reference.as_str().to_owned();
        // The same precedence as the DynamoDB store's cancellation reasons.
        if let Some((existing, reference)) = state.dedupe.get(&dedupe.id)
            && existing.expires_at > now
        {
            if existing.fingerprint != dedupe.fingerprint {
                return Ok(Insert::KeyReused);
            }
            let receipt = state.orders.get(reference).map(Order::receipt);
            return Ok(receipt.map_or(Insert::Contended, Insert::Duplicate));
        }
        if let Some(full) = quota.iter().find(|c| !state.has_room(c)) {
            return Ok(Insert::OverQuota(full.kind));
        }
        if state.orders.contains_key(&order_key) {
            return Ok(Insert::ReferenceTaken);
        }
        for counter in quota {
            *state.counters.entry(counter.key.clone()).or_default() += 1;
        }
        state
            .dedupe
            .insert(dedupe.id.clone(), (dedupe.clone(), order_key.clone()));
        state.orders.insert(order_key, order.clone());
        Ok(Insert::Created)
    }

    async fn load(&self, reference: &Reference) -> Result<Option<Order>> {
        let state = self.available()?;
        if state.erased.contains_key(reference.as_str()) {
            return Err(StoreError::Unreadable {
                key: reference.to_string(),
                problem: "order fields",
            });
        }
        Ok(state.orders.get(reference.as_str()).cloned())
    }

    async fn revoke_customer_links(&self, reference: &Reference) -> Result<Option<u32>> {
        let mut state = self.available()?;
        if state.erased.contains_key(reference.as_str()) {
            return Ok(None);
        }
        let Some(order) = state.orders.get_mut(reference.as_str()) else {
            return Ok(None);
        };
        order.customer_link_generation += 1;
        Ok(Some(order.customer_link_generation))
    }
}

#[async_trait]
impl QuotaCounters for MemoryStore {
    async fn take_quota(&self, counter: &QuotaCounter) -> Result<bool> {
        let mut state = self.available()?;
        if !state.has_room(counter) {
            return Ok(false);
        }
        if !counter.kind.is_count() {
            return Ok(true);
        }
        *state.counters.entry(counter.key.clone()).or_default() += 1;
        Ok(true)
    }
}
