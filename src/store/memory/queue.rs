//! The in-memory store's `EmailQueue`: claims, recorded sends, the retry queue.

use async_trait::async_trait;
use jiff::Timestamp;

use super::MemoryStore;
use crate::domain::{Delivery, EmailKind, Order, Reference, RetryQueue};
use crate::store::{Claim, EmailQueue, Result, SentMessage};

#[async_trait]
impl EmailQueue for MemoryStore {
    async fn record_delivery(
        &self,
        reference: &Reference,
        kind: EmailKind,
        delivery: &Delivery,
        sent: Option<&SentMessage>,
    ) -> Result<()> {
        let mut state = self.available()?;
        state
            .order_mut(reference)?
            .set_delivery(kind, delivery.clone());
        if let Some(message) = sent {
            state.remember(reference, message);
        }
        Ok(())
    }

    async fn record_attempts(&self, order: &Order, sent: &[SentMessage]) -> Result<()> {
        let mut state = self.available()?;
        for message in sent {
            state.remember(&order.reference, message);
        }
        let stored = state.order_mut(&order.reference)?;
        for (kind, delivery) in order.deliveries() {
            stored.set_delivery(kind, delivery.clone());
        }
        Ok(())
    }

    async fn claim(&self, reference: &Reference, kind: EmailKind, claim: Claim) -> Result<bool> {
        let Claim { now, until } = claim;
        let mut state = self.available()?;
        let order = state.order_mut(reference)?;
        let Some(delivery) = order.delivery_mut(kind) else {
            return Ok(false);
        };
        if delivery.due_at().is_none_or(|due| due > now) {
            return Ok(false);
        }
        *delivery = Delivery::Sending {
            attempts: delivery.attempts(),
            until,
        };
        Ok(true)
    }

    async fn reclaim(&self, reference: &Reference, kind: EmailKind, claim: Claim) -> Result<bool> {
        let Claim { now, until } = claim;
        let mut state = self.available()?;
        if state.erased.contains_key(reference.as_str()) {
            return Ok(false);
        }
        let Some(order) = state.orders.get_mut(reference.as_str()) else {
            return Ok(false);
        };
        let Some(delivery) = order.delivery_mut(kind) else {
            return Ok(false);
        };
        if matches!(delivery, Delivery::Sending { until, .. } if *until > now) {
            return Ok(false);
        }
        *delivery = Delivery::Sending {
            attempts: delivery.attempts(),
            until,
        };
        if kind == EmailKind::Customer {
            order.reports = Default::default();
        }
        state
            .told
            .remove(&(reference.as_str().to_owned(), kind.as_str()));
        Ok(true)
    }

    async fn claim_waiting(
        &self,
        reference: &Reference,
        kind: EmailKind,
        claim: Claim,
    ) -> Result<bool> {
        let mut state = self.available()?;
        if state.erased.contains_key(reference.as_str()) {
            return Ok(false);
        }
        let delivery = (state.orders.get_mut(reference.as_str()))
            .and_then(|order| order.delivery_mut(kind))
            .filter(|delivery| delivery.is_waiting());
        let Some(delivery) = delivery else {
            return Ok(false);
        };
        *delivery = Delivery::Sending {
            attempts: 0,
            until: claim.until,
        };
        Ok(true)
    }

    async fn due_for_retry(&self, now: Timestamp, limit: usize) -> Result<Vec<Reference>> {
        // As the DynamoDB store's places: the due orders first, then the held ones.
        self.due_in(&[RetryQueue::Due, RetryQueue::Held], now, limit)
    }

    async fn due_for_digest(&self, now: Timestamp, limit: usize) -> Result<Vec<Reference>> {
        self.due_in(&[RetryQueue::Digest], now, limit)
    }

    async fn reschedule(&self, _order: &Order) -> Result<()> {
        // The in-memory queue is computed from the emails' states on every look.
        self.available().map(drop)
    }

    async fn dequeue(&self, key: &str) -> Result<()> {
        // Every order here is readable and the queue is computed from the emails' states, so
        // there is nothing to take out; the key is kept for tests to see.
        self.available()?.dequeued.push(key.to_owned());
        Ok(())
    }
}

impl MemoryStore {
    /// Orders in these places of the queue due by `now`, place by place, oldest first.
    fn due_in(
        &self,
        places: &[RetryQueue],
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<Reference>> {
        let state = self.available()?;
        let mut due: Vec<(RetryQueue, Timestamp, Reference)> = (state.orders.values())
            .filter_map(|o| {
                let (queue, at) = o.queue_place()?;
                (places.contains(&queue) && at <= now).then(|| (queue, at, o.reference.clone()))
            })
            .collect();
        due.sort_by_key(|(queue, at, _)| (*queue, *at));
        Ok(due.into_iter().take(limit).map(|(_, _, r)| r).collect())
    }
}
