//! An issued invoice or credit note as an item of its own (`invoice#1000`): what it billed,
//! line by line, so that a reprint, its credit note and the sales ledger read it as issued. It
//! is listed in the by-month index under `invoices#YYYY-MM` (its invoice date's month), ordered
//! by number, apart from the orders' own months.

use aws_sdk_dynamodb::types::builders::UpdateBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, Update};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::parties::Parties;
use super::record::{InvoiceRecord, InvoiceTerms};
use order_intake::domain::{InvoiceChannel, InvoiceLine, Reference, Totals};
use order_intake::store::attribute::Attribute;
use order_intake::store::attribute::{CREDITED_BY_ATTRIBUTE, DOCUMENT_ATTRIBUTE};
use order_intake::store::codec::{Item, n, number, s, text};
use order_intake::store::item::{
    CREATED_MS_ATTRIBUTE, ORDER_MONTH_ATTRIBUTE, ORDER_TABLE_PARTITION_KEY,
};

const INVOICE_PREFIX: &str = "invoice#";
/// When and how a document was recorded as sent: from then on it prints as a copy.
pub const SENT_AT_ATTRIBUTE: &str = "sent_at";
pub const SENT_HOW_ATTRIBUTE: &str = "sent_how";
/// The partial credit notes of an invoice (a number set) and their gross sum (positive cents).
pub const PARTLY_CREDITED_BY_ATTRIBUTE: &str = "partly_credited_by";
pub const PARTLY_CREDITED_CENTS_ATTRIBUTE: &str = "partly_credited_cents";
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
    /// Everything else it prints, as issued. `None` only in a document stored before documents
    /// kept it, until it is frozen once from its order (`Parties::backfilled`).
    #[serde(default)]
    pub parties: Option<Parties>,
    /// What became of it since it was issued: attributes of its own on its item, set by later
    /// commands, never in the document.
    #[serde(skip)]
    pub after_issue: AfterIssue,
}

/// What became of an issued document: credits, sending, payments, reminders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AfterIssue {
    /// The credit note that cancelled this invoice, set when it is credited.
    pub credited_by: Option<u32>,
    /// The partial credit notes of this invoice so far, by number, and their gross sum as a
    /// positive amount.
    pub partly_credited_by: Vec<u32>,
    pub partly_credited_cents: i64,
    /// Recorded as sent: it prints as a copy from then on.
    pub sent: Option<Sent>,
    /// The payments matched to it (`orders payments import`), oldest first.
    pub payments: Vec<super::paid::InvoicePayment>,
    /// The payment reminders sent of it (`orders remind`), oldest first.
    pub reminders: Vec<super::paid::InvoiceReminder>,
    /// Its sending through the e-invoice operator (`orders send`), step by step.
    pub send_history: Vec<super::send_step::SendStep>,
}

/// A document recorded as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub at: Timestamp,
    /// `by hand` (`orders document N --record sent`).
    pub how: String,
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
    pub parties: Parties,
}

/// Document numbers as a list: `1001, 1002`.
pub fn listed(numbers: &[u32]) -> String {
    let numbers: Vec<String> = numbers.iter().map(u32::to_string).collect();
    numbers.join(", ")
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
            parties: Some(draft.parties.clone()),
            after_issue: AfterIssue::default(),
        }
    }

    /// The credit note numbered `number` of this invoice, dated `date`, crediting `lines`
    /// (negative amounts: all of its lines negated, or a part), nothing to pay.
    pub fn credit_note(
        &self,
        number: u32,
        date: Date,
        now: Timestamp,
        lines: Vec<InvoiceLine>,
    ) -> IssuedInvoice {
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
            lines,
            original: Some(OriginalInvoice {
                number: self.record.number,
                date: self.record.invoice_date,
            }),
            parties: (self.parties.clone()).map(|parties| Parties {
                backfilled: false,
                ..parties
            }),
            after_issue: AfterIssue::default(),
            ..self.clone()
        }
    }

    pub fn totals(&self) -> Totals {
        Totals::of(&self.lines)
    }

    /// What is still billed: an invoice's gross less its credits (none once fully credited).
    pub fn open_cents(&self) -> i64 {
        match (self.kind, self.after_issue.credited_by) {
            (DocumentKind::Invoice, None) => {
                self.totals().gross_cents - self.after_issue.partly_credited_cents
            }
            _ => 0,
        }
    }

    /// As the ledger and the journal state it: `open`, `partly credited by N, M`,
    /// `credited by N`, or `credit note`.
    pub fn state(&self) -> String {
        match (
            self.kind,
            self.after_issue.credited_by,
            self.after_issue.partly_credited_by.as_slice(),
        ) {
            (DocumentKind::Credit, _, _) => "credit note".to_owned(),
            (DocumentKind::Invoice, Some(credit), _) => format!("credited by {credit}"),
            (DocumentKind::Invoice, None, []) => "open".to_owned(),
            (DocumentKind::Invoice, None, partly) => {
                format!("partly credited by {}", listed(partly))
            }
        }
    }

    /// What the order item records of it while it is the order's current invoice.
    /// Its attributes but the key (and `credited_by`, which is set when it is credited).
    pub fn attributes(&self) -> Vec<(&'static str, AttributeValue)> {
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
        let issued: IssuedInvoice = serde_json::from_str(text(item, DOCUMENT_ATTRIBUTE)?).ok()?;
        Some(IssuedInvoice {
            after_issue: AfterIssue::from_item(item),
            ..issued
        })
    }
}

impl AfterIssue {
    /// Read from a document's item, where each is an attribute of its own.
    fn from_item(item: &Item) -> AfterIssue {
        let mut partly_credited_by: Vec<u32> = match item.get(PARTLY_CREDITED_BY_ATTRIBUTE) {
            Some(AttributeValue::Ns(numbers)) => {
                numbers.iter().filter_map(|n| n.parse().ok()).collect()
            }
            _ => Vec::new(),
        };
        partly_credited_by.sort_unstable();
        AfterIssue {
            credited_by: number(item, CREDITED_BY_ATTRIBUTE).and_then(|n| n.try_into().ok()),
            partly_credited_by,
            partly_credited_cents: number(item, PARTLY_CREDITED_CENTS_ATTRIBUTE).unwrap_or(0),
            sent: text(item, SENT_AT_ATTRIBUTE)
                .and_then(|at| at.parse().ok())
                .map(|at| Sent {
                    at,
                    how: text(item, SENT_HOW_ATTRIBUTE).unwrap_or("").to_owned(),
                }),
            payments: super::paid::payments_from_item(item),
            reminders: super::paid::reminders_from_item(item),
            send_history: super::send_step::send_history(item),
        }
    }
}

/// What `IssuedInvoice::attributes` sets, by the names `document` gives them.
pub(super) const DOCUMENT_SET: &str = "#a0 = :a0, #a1 = :a1, #a2 = :a2, #a3 = :a3";

/// The update that writes a document's attributes (its expression still to come).
pub(super) fn document(table: &str, issued: &IssuedInvoice) -> UpdateBuilder {
    let mut update = Update::builder().table_name(table).key(
        ORDER_TABLE_PARTITION_KEY,
        s(invoice_pk(issued.record.number)),
    );
    for (i, (name, value)) in issued.attributes().into_iter().enumerate() {
        update = update
            .expression_attribute_names(format!("#a{i}"), name)
            .expression_attribute_values(format!(":a{i}"), value);
    }
    update
}
