//! The one-time sealing of the orders stored before seals (`domain::OrderSeal`): the first
//! scheduled run after the upgrade seals every order of the retention time that has none and
//! marks it done (`migration#seal`, which only the function's role writes); from then on an
//! order without a seal is never sealed and never mailed. The operator cannot run it: it would
//! seal whatever the table holds.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::Clock;
use super::sending::Sender;
use crate::domain::months_before;
use crate::store::item::order_month;
use crate::store::{Orders, Retention, StoreError};

/// Months looked in beyond the retention time: orders older are erased, or about to be.
const SPARE_MONTHS: u32 = 2;

/// The use case of the sealing run.
pub struct SealOrders {
    pub(super) retention: Arc<dyn Retention>,
    pub(super) orders: Arc<dyn Orders>,
    pub(super) sender: Sender,
    pub(super) clock: Clock,
    pub(super) retention_months: u32,
    /// Seen done by this process: no read of the marker in every run.
    pub(super) done: Arc<AtomicBool>,
}

impl SealOrders {
    /// Seals the orders stored before seals, unless it has run: how many it sealed.
    pub async fn run(&self) -> Result<u32, StoreError> {
        if self.done.load(Ordering::Relaxed) {
            return Ok(0);
        }
        if self.retention.all_sealed().await? {
            self.done.store(true, Ordering::Relaxed);
            return Ok(0);
        }
        let now = (self.clock)();
        let mut sealed = 0;
        for back in 0..=self.retention_months + SPARE_MONTHS {
            let month = order_month(months_before(now, back));
            for reference in self.retention.unsealed(&month).await? {
                let mut order = match self.orders.load(&reference).await {
                    Ok(Some(order)) if order.seal.is_none() => order,
                    // Gone, sealed meanwhile, or erased (unreadable whole): nothing to seal.
                    Ok(_) | Err(StoreError::Unreadable { .. }) => continue,
                    Err(error) => return Err(error),
                };
                self.sender.seal(&mut order);
                if self.retention.seal_unsealed(&order).await? {
                    sealed += 1;
                }
            }
        }
        self.retention.mark_all_sealed(now).await?;
        self.done.store(true, Ordering::Relaxed);
        tracing::info!(sealed, "orders stored before seals sealed, once");
        Ok(sealed)
    }
}
