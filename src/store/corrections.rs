//! The operator's corrections of an order, as the function carries them out (`fix-email`)
//! and as `orders set-invoicing` writes them.

use async_trait::async_trait;
use jiff::Timestamp;

use super::{InvoicingChange, Result};
use crate::domain::{Field, OperatorAction, Order, Reference};

/// What a correction of invoicing details did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Corrected {
    /// Written (none: the values were already so).
    Changed(Vec<InvoicingChange>),
    NoOrder,
    /// An invoice is current, and the correction was only for an uninvoiced order.
    Invoiced,
}

/// An operator's corrections of an order (`orders fix-email`, `orders set-invoicing`).
#[async_trait]
pub trait Corrections: Send + Sync {
    /// Writes the customer's new address (`order.details.email`) and the order's new seal over
    /// the seal the writer read, and logs `action`, on an order that is not erased (`false`: no
    /// such order, it is erased, or it changed meanwhile). The next send goes to the new
    /// address.
    async fn fix_email(
        &self,
        order: &Order,
        seen_seal: Option<&str>,
        action: &OperatorAction,
    ) -> Result<bool>;

    /// Writes the order's payment reminder (`order.payment_reminder`), its email's claimed
    /// state and its place in the retry queue, with the order's new seal over the one the
    /// writer read, and logs `action`, on an order that is not erased (`false`: no such order,
    /// erased, or changed meanwhile).
    async fn remind(
        &self,
        order: &Order,
        seen_seal: Option<&str>,
        action: &OperatorAction,
    ) -> Result<bool>;

    /// Adds an operator's action to the order's log (`false`: no such order).
    async fn log_operator_action(
        &self,
        reference: &Reference,
        action: &OperatorAction,
    ) -> Result<bool>;

    /// Sets (or, with `None`, removes) invoicing fields and logs each change: who, when, old
    /// and new (a value set to what it was is no change). With `uninvoiced_only`, only while
    /// no invoice is current (the customer's page).
    async fn set_invoicing(
        &self,
        reference: &Reference,
        values: &[(Field, Option<String>)],
        by: &str,
        now: Timestamp,
        uninvoiced_only: bool,
    ) -> Result<Corrected>;
}
