//! An issued invoice or credit note as an item of its own (`invoice#1000`): what it billed,
//! line by line, so that a reprint, its credit note and the sales ledger read it as issued. It
//! is listed in the by-month index under `invoices#YYYY-MM` (its invoice date's month), ordered
//! by number, apart from the orders' own months.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::record::{InvoiceRecord, InvoiceTerms};
use order_intake::domain::{InvoiceChannel, InvoiceLine, Reference, Totals};
use order_intake::store::attribute::Attribute;
use order_intake::store::attribute::{CREDITED_BY_ATTRIBUTE, DOCUMENT_ATTRIBUTE};
use order_intake::store::codec::{Item, n, number, s, text};
use order_intake::store::item::{
    CREATED_MS_ATTRIBUTE, ORDER_MONTH_ATTRIBUTE, ORDER_TABLE_PARTITION_KEY,
};

const INVOICE_PREFIX: &str = "invoice#";
/// The by-month index's partition of a month's invoices and credit notes.
const MONTH_PREFIX: &str = "invoices#";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Invoice,
    /// A credit note (hyvityslasku) of one invoice, with that invoice's lines negated.
    Credit,
}

/// The invoice a credit note credits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OriginalInvoice {
    pub number: u32,
    pub date: Date,
}

/// An invoice or credit note as issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedInvoice {
    /// Its number, dates, term and Finvoice ids: what its order records of it (the document's
    /// JSON keeps them at the top level).
    #[serde(flatten)]
    pub record: InvoiceRecord,
    pub kind: DocumentKind,
    /// The order's reference.
    pub reference: String,
    /// The buyer as invoiced: the organisation and its Y-tunnus (no person).
    pub buyer: String,
    pub buyer_business_id: Option<String>,
    pub lines: Vec<InvoiceLine>,
    /// A credit note's original invoice.
    pub original: Option<OriginalInvoice>,
    /// The credit note that cancelled this invoice: an attribute of its own, set when it is
    /// credited, never in the document.
    #[serde(skip)]
    pub credited_by: Option<u32>,
}

/// What an invoice is made of, before it has a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceDraft {
    pub terms: InvoiceTerms,
    /// How it goes: as an e-invoice, or to print (recorded on the order for its page).
    pub channel: InvoiceChannel,
    pub lines: Vec<InvoiceLine>,
    pub buyer: String,
    pub buyer_business_id: Option<String>,
}

pub fn invoice_pk(number: u32) -> String {
    format!("{INVOICE_PREFIX}{number}")
}

/// The index partition of a month's invoices (`2026-11`).
pub fn invoice_month_key(month: &str) -> String {
    format!("{MONTH_PREFIX}{month}")
}

impl IssuedInvoice {
    /// A new invoice numbered `number` from a draft.
    pub fn new(reference: &Reference, number: u32, draft: &InvoiceDraft, now: Timestamp) -> Self {
        IssuedInvoice {
            record: InvoiceRecord::new(reference, number, &draft.terms, now),
            kind: DocumentKind::Invoice,
            reference: reference.to_string(),
            buyer: draft.buyer.clone(),
            buyer_business_id: draft.buyer_business_id.clone(),
            lines: draft.lines.clone(),
            original: None,
            credited_by: None,
        }
    }

    /// The credit note numbered `number` of this invoice, dated `date`: its lines negated,
    /// nothing to pay.
    pub fn credit_note(&self, number: u32, date: Date, now: Timestamp) -> IssuedInvoice {
        IssuedInvoice {
            record: InvoiceRecord {
                number,
                invoice_date: date,
                due_days: 0,
                due_date: date,
                message_id: format!("{number}-{}", self.reference),
                made_at: Timestamp::from_second(now.as_second()).unwrap_or(now),
                ..self.record.clone()
            },
            kind: DocumentKind::Credit,
            lines: self.lines.iter().map(InvoiceLine::credited).collect(),
            original: Some(OriginalInvoice {
                number: self.record.number,
                date: self.record.invoice_date,
            }),
            credited_by: None,
            ..self.clone()
        }
    }

    pub fn totals(&self) -> Totals {
        Totals::of(&self.lines)
    }

    /// What the order item records of it while it is the order's current invoice.
    /// Its attributes but the key (and `credited_by`, which is set when it is credited).
    pub fn attributes(&self) -> Vec<(&'static str, aws_sdk_dynamodb::types::AttributeValue)> {
        let month = self.record.invoice_date.strftime("%Y-%m").to_string();
        let document = serde_json::to_string(self).unwrap_or_default();
        vec![
            (Attribute::Kind.name(), s("invoice")),
            (ORDER_MONTH_ATTRIBUTE, s(invoice_month_key(&month))),
            (CREATED_MS_ATTRIBUTE, n(self.record.number)),
            (DOCUMENT_ATTRIBUTE, s(document)),
        ]
    }

    pub fn from_item(item: &Item) -> Option<IssuedInvoice> {
        text(item, ORDER_TABLE_PARTITION_KEY)?.strip_prefix(INVOICE_PREFIX)?;
        let mut issued: IssuedInvoice =
            serde_json::from_str(text(item, DOCUMENT_ATTRIBUTE)?).ok()?;
        issued.credited_by = number(item, CREDITED_BY_ATTRIBUTE).and_then(|n| n.try_into().ok());
        Some(issued)
    }
}
