//! One store's capabilities as the trait objects the use cases hold.

use std::sync::Arc;

use super::{
    Bookings, Corrections, DeliveryReports, EmailQueue, Orders, QuotaCounters, Reputation,
    Retention, Sessions, Store,
};

/// One store's capabilities, each as the trait object a use case holds. A test replaces one
/// (`with_orders`, …) with a double that implements only that trait.
#[derive(Clone)]
pub struct Stores {
    pub orders: Arc<dyn Orders>,
    pub quotas: Arc<dyn QuotaCounters>,
    pub queue: Arc<dyn EmailQueue>,
    pub reports: Arc<dyn DeliveryReports>,
    pub retention: Arc<dyn Retention>,
    pub bookings: Arc<dyn Bookings>,
    pub reputation: Arc<dyn Reputation>,
    pub sessions: Arc<dyn Sessions>,
    pub corrections: Arc<dyn Corrections>,
}

impl Stores {
    pub fn new<S: Store + 'static>(store: Arc<S>) -> Stores {
        Stores {
            orders: store.clone(),
            quotas: store.clone(),
            queue: store.clone(),
            reports: store.clone(),
            retention: store.clone(),
            bookings: store.clone(),
            reputation: store.clone(),
            sessions: store.clone(),
            corrections: store,
        }
    }

    pub fn with_orders(mut self, orders: Arc<dyn Orders>) -> Stores {
        self.orders = orders;
        self
    }

    pub fn with_quotas(mut self, quotas: Arc<dyn QuotaCounters>) -> Stores {
        self.quotas = quotas;
        self
    }
}
