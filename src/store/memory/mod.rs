//! The in-memory store: every capability for fast tests, with the DynamoDB store's rules, one
//! file per trait as in `dynamodb/`.

use std::collections::HashMap;
use std::sync::Mutex;

use jiff::Timestamp;

use super::{DedupeKey, Result, SentMessage, StoreError};
use crate::domain::{EmailKind, Order, Outcome, QuotaCounter, Reference};

mod bookings;
mod corrections;
mod erasure;
mod orders;
mod queue;
mod reports;
mod reputation;
mod sessions;

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
    /// Marked sources and mailboxes (their mark keys), each until when.
    marks: HashMap<String, Timestamp>,
    /// Used sign-in nonces, and sessions by their id's hash.
    sign_ins: std::collections::HashSet<String>,
    sessions: HashMap<String, crate::store::TrainerSession>,
    /// Each order's log of invoicing corrections.
    invoicing_changes: HashMap<String, Vec<crate::store::InvoicingChange>>,
    /// When the one-time sealing ran (`Retention::mark_all_sealed`).
    all_sealed: Option<Timestamp>,
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

    /// An order's log of invoicing corrections, oldest first.
    pub fn invoicing_changes(&self, reference: &Reference) -> Vec<crate::store::InvoicingChange> {
        (self
            .lock()
            .invoicing_changes
            .get(reference.as_str())
            .cloned())
        .unwrap_or_default()
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
        match counter.kind {
            crate::domain::QuotaKind::Breaker => return !self.breaker.is_tripped(counter.at),
            crate::domain::QuotaKind::Marked => {
                return self
                    .marks
                    .get(&counter.key)
                    .is_none_or(|until| *until <= counter.at);
            }
            _ => {}
        }
        self.counters.get(&counter.key).copied().unwrap_or(0) < counter.limit
    }

    fn order_mut(&mut self, reference: &Reference) -> Result<&mut Order> {
        self.orders
            .get_mut(reference.as_str())
            .ok_or_else(|| StoreError::unavailable(format!("no order {reference}")))
    }
}
