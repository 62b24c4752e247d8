//! The operator's storage: orders listed and read leniently for `list`, `show`, `export` and
//! the ledger (`Listings`), and the invoices and credit notes (`Invoices`), with their DynamoDB
//! adapter (`DynamoDbOperatorStore`). What the function shares with the operator (erasure,
//! corrections, the breaker, the order's codec and key names) stays in the function's library;
//! `OperatorStores` holds both sides as the commands use them.
//!
//! Items of the operator's own: `pk = invoice#<NUMBER>`, an issued invoice or credit note
//! (`document.rs`) with everything it prints (`parties.rs`) and whether it was sent
//! (`voucher.rs`), listed in the by-month index under `invoices#YYYY-MM`, numbered from
//! `counter#invoice`.

mod attempts;
mod document;
mod invoices;
mod listing;
mod paid;
mod parties;
mod payments;
mod record;
mod send_step;
mod transmission;
mod voucher;

use std::sync::Arc;

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use order_intake::domain::{InvoiceLine, Reference};
use order_intake::store::{Corrections, DynamoDbStore, Reputation, Result, Retention};

pub use document::{
    AfterIssue, DocumentKind, InvoiceDraft, IssuedInvoice, OriginalInvoice, Sent, invoice_pk,
    listed,
};
pub use invoices::{COUNTER_KEY as INVOICE_COUNTER_KEY, FIRST_INVOICE_NUMBER};
pub use paid::{InvoicePayment, InvoiceReminder};
pub use parties::{IssuingSeller, Parties, Routing};
pub use payments::{PaymentRecorded, PaymentState};
pub use record::RecordValues;
pub use record::{EmailRecord, InvoiceRecord, InvoiceTerms, OrderRecord, RecipientOutcome};
pub use send_step::{SendState, SendStep};
pub use voucher::RecordedSent;

/// What `invoice` found or made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invoiced {
    /// A number was taken now and the invoice stored.
    New(Box<IssuedInvoice>),
    /// The order has a current invoice: that one (its document is `issued_invoice`'s, or, for
    /// an invoice made before invoices had items, its order's).
    Existing(InvoiceRecord),
}

/// What `credit` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credited {
    /// The credit note, and the invoice it cancelled.
    New {
        credit: Box<IssuedInvoice>,
        original: Box<IssuedInvoice>,
    },
    /// The order has no current invoice to credit.
    NotInvoiced,
}

/// Orders as the operator reads them.
#[async_trait]
pub trait Listings: Send + Sync {
    /// Orders created in `since..until` (`until` excluded), newest first.
    async fn orders_between(&self, since: Timestamp, until: Timestamp) -> Result<Vec<OrderRecord>>;

    /// One order as stored (erased or not); `None` when there is none.
    async fn order_record(&self, reference: &Reference) -> Result<Option<OrderRecord>>;
}

/// Invoices and credit notes: numbered, stored, read back by number or month.
#[async_trait]
pub trait Invoices: Send + Sync {
    /// The order's current invoice, or a new one from `draft` with the next number (`first`
    /// when there is none yet). `None` when there is no such order.
    async fn invoice(
        &self,
        reference: &Reference,
        draft: &InvoiceDraft,
        first: u32,
        now: Timestamp,
    ) -> Result<Option<Invoiced>>;

    /// A credit note, dated `date`, of `original`, the order's current invoice as issued (the
    /// caller reads it: `issued_invoice`, or from the order for an invoice made before invoices
    /// had items), crediting `draft`'s lines. `None` when there is no such order.
    async fn credit(
        &self,
        original: &IssuedInvoice,
        draft: &CreditDraft,
        date: Date,
        first: u32,
        now: Timestamp,
    ) -> Result<Option<Credited>>;

    /// An invoice or credit note by its number.
    async fn issued_invoice(&self, number: u32) -> Result<Option<IssuedInvoice>>;

    /// The series' last number, once there is a series.
    async fn last_number(&self) -> Result<Option<u32>>;

    /// Stores the parties of a document issued before documents kept them (`issued`, frozen
    /// from its order now), unless another run did first: `false` then (read it again).
    async fn backfill(&self, issued: &IssuedInvoice) -> Result<bool>;

    /// Records a document as sent (`how`: `by hand`), once.
    async fn record_sent(&self, number: u32, how: &str, at: Timestamp) -> Result<RecordedSent>;

    /// The invoices and credit notes dated in a month (`2026-11`), by number.
    async fn issued_in_month(&self, month: &str) -> Result<Vec<IssuedInvoice>>;

    /// Records a payment of invoice `number`, once per bank archive id.
    async fn record_payment(
        &self,
        number: u32,
        payment: &InvoicePayment,
    ) -> Result<PaymentRecorded>;

    /// Adds a reminder the function sent to invoice `number`'s history (`false`: no such
    /// invoice).
    async fn record_reminder(&self, number: u32, reminder: &InvoiceReminder) -> Result<bool>;

    /// Writes a step of sending document `number` through the e-invoice operator, if it may
    /// follow the document's state (`sending`: not sent any way yet, nor being sent, nor
    /// unknown): `false` otherwise.
    async fn record_send_step(&self, number: u32, step: &SendStep) -> Result<bool>;
}

/// What a credit note credits: the whole invoice (it is then no longer the order's current
/// invoice) or a part (it stays current), as negative lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditDraft {
    pub lines: Vec<InvoiceLine>,
    pub whole: bool,
}

/// The operator's traits on DynamoDB: the function's store's client and table, and its own
/// items.
pub struct DynamoDbOperatorStore {
    store: DynamoDbStore,
}

impl DynamoDbOperatorStore {
    pub fn new(store: DynamoDbStore) -> DynamoDbOperatorStore {
        DynamoDbOperatorStore { store }
    }
}

/// Everything the commands store through, each capability as a trait.
#[derive(Clone)]
pub struct OperatorStores {
    pub listings: Arc<dyn Listings>,
    pub invoices: Arc<dyn Invoices>,
    pub corrections: Arc<dyn Corrections>,
    pub retention: Arc<dyn Retention>,
    pub reputation: Arc<dyn Reputation>,
}

impl OperatorStores {
    /// Every capability on one DynamoDB table.
    pub fn dynamodb(store: DynamoDbStore) -> OperatorStores {
        let operator = Arc::new(DynamoDbOperatorStore::new(store.clone()));
        let shared = Arc::new(store);
        OperatorStores {
            listings: operator.clone(),
            invoices: operator,
            corrections: shared.clone(),
            retention: shared.clone(),
            reputation: shared,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use order_intake::store::key_spaces::{FUNCTION_KEY_SPACES, OPERATOR_KEY_SPACES, allowed};

    #[test]
    fn the_operator_s_own_keys_are_in_its_key_spaces_and_not_the_function_s() {
        for key in [invoice_pk(1000).as_str(), INVOICE_COUNTER_KEY] {
            assert!(
                allowed(&OPERATOR_KEY_SPACES, key),
                "the operator writes {key}"
            );
            assert!(
                !allowed(&FUNCTION_KEY_SPACES, key),
                "the function never writes {key}"
            );
        }
    }
}
