use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use jiff::Timestamp;

use super::{
    Claim, DedupeKey, DeliveryReports, EmailQueue, Insert, Orders, OutcomeRecorded, Quotas,
    RecipientReport, Result, SentMessage, StoreError,
};
use crate::domain::{Delivery, EmailKind, Order, Outcome, QuotaCounter, Reference};

// Retention and bookings: what happens to an order later.
mod later;

/// An in-memory store of every capability for fast tests; it keeps the same rules as the DynamoDB one.
#[derive(Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    orders: HashMap<String, Order>,
    dedupe: HashMap<String, (DedupeKey, String)>,
    counters: HashMap<String, u32>,
    messages: HashMap<String, (Reference, EmailKind, Vec<String>)>,
    outcomes: HashMap<(String, String), Outcome>,
    told: std::collections::HashSet<(String, &'static str)>,
    /// Erased orders, kept whole here (a fake) but no longer loadable, as in DynamoDB.
    erased: HashMap<String, Timestamp>,
    /// Keys taken out of the retry queue (`EmailQueue::dequeue`), for tests to see.
    dequeued: Vec<String>,
    breaker: crate::domain::BreakerState,
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

    /// The keys `EmailQueue::dequeue` was asked to take out of the retry queue.
    pub fn dequeued(&self) -> Vec<String> {
        self.lock().dequeued.clone()
    }

    /// Makes every call fail, as DynamoDB being down would.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.lock().unavailable = unavailable;
    }

    /// The state, once the store is available (as DynamoDB answering would be).
    fn available(&self) -> Result<std::sync::MutexGuard<'_, State>> {
        let state = self.lock();
        if state.unavailable {
            return Err(StoreError::unavailable("memory store set unavailable"));
        }
        Ok(state)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the maps half-written, so go on.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl State {
    fn remember(&mut self, reference: &Reference, message: &SentMessage) {
        // An erased order keeps no addresses.
        if self.erased.contains_key(reference.as_str()) {
            return;
        }
        let recipients = message
            .recipients
            .iter()
            .map(|r| r.to_lowercase())
            .collect();
        let target = (reference.clone(), message.kind, recipients);
        self.messages.insert(message.message_id.clone(), target);
    }

    fn has_room(&self, counter: &QuotaCounter) -> bool {
        if counter.kind == crate::domain::QuotaKind::Breaker {
            return !self.breaker.is_tripped();
        }
        self.counters.get(&counter.key).copied().unwrap_or(0) < counter.limit
    }

    fn order_mut(&mut self, reference: &Reference) -> Result<&mut Order> {
        self.orders
            .get_mut(reference.as_str())
            .ok_or_else(|| StoreError::unavailable(format!("no order {reference}")))
    }
}

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
}

#[async_trait]
impl Quotas for MemoryStore {
    async fn take_quota(&self, counter: &QuotaCounter) -> Result<bool> {
        let mut state = self.available()?;
        if !state.has_room(counter) {
            return Ok(false);
        }
        *state.counters.entry(counter.key.clone()).or_default() += 1;
        Ok(true)
    }
}

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
        let state = self.available()?;
        // As the DynamoDB store's two places: the due orders first, then the held ones.
        let mut due: Vec<(bool, Timestamp, Reference)> = state
            .orders
            .values()
            .filter_map(|o| {
                o.retry_at()
                    .filter(|at| *at <= now)
                    .map(|at| (o.waits_only_on_ceilings(), at, o.reference.clone()))
            })
            .collect();
        due.sort_by_key(|(held, at, _)| (*held, *at));
        Ok(due.into_iter().take(limit).map(|(_, _, r)| r).collect())
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

#[async_trait]
impl DeliveryReports for MemoryStore {
    async fn record_outcome(&self, report: RecipientReport<'_>) -> Result<OutcomeRecorded> {
        let mut state = self.available()?;
        // Found by the order and email the message's tags name, as the DynamoDB store does.
        let Some((reference, kind, recipients)) = (state.messages.get(report.message_id).cloned())
            .filter(|(reference, kind, _)| reference == report.reference && *kind == report.kind)
        else {
            return Ok(OutcomeRecorded::UnknownMessage);
        };
        let recipient = report.recipient.to_lowercase();
        if !recipients.contains(&recipient) {
            return Ok(OutcomeRecorded::UnknownMessage);
        }
        // Reports about an earlier send of a resent email no longer count.
        let current = match state
            .orders
            .get(reference.as_str())
            .and_then(|o| o.delivery(kind))
        {
            Some(Delivery::Sent {
                message_id: sent, ..
            }) => sent == report.message_id,
            _ => true,
        };
        let key = (report.message_id.to_owned(), recipient);
        if !current
            || state
                .outcomes
                .get(&key)
                .is_some_and(|known| *known >= report.outcome)
        {
            return Ok(OutcomeRecorded::Unchanged { reference, kind });
        }
        state.outcomes.insert(key, report.outcome);
        if kind == EmailKind::Customer {
            state.order_mut(&reference)?.reports.customer_outcome = Some(report.outcome);
        }
        Ok(OutcomeRecorded::Changed { reference, kind })
    }

    async fn set_check(&self, reference: &Reference, at: Option<Timestamp>) -> Result<()> {
        self.available()?.order_mut(reference)?.reports.check_at = at;
        Ok(())
    }

    async fn mark_told(
        &self,
        reference: &Reference,
        kind: EmailKind,
        _now: Timestamp,
    ) -> Result<bool> {
        let key = (reference.as_str().to_owned(), kind.as_str());
        Ok(self.available()?.told.insert(key))
    }

    async fn unmark_told(&self, reference: &Reference, kind: EmailKind) -> Result<()> {
        let key = (reference.as_str().to_owned(), kind.as_str());
        self.available()?.told.remove(&key);
        Ok(())
    }
}
