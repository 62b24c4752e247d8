//! What a document prints besides its lines and amounts, frozen when it is issued: both parties
//! with their addresses and identifiers, the buyer's references, the contact, and where it goes.
//! A reprint and a credit note read these, never the order (which its customer or
//! `set-invoicing` may change, and erasure empties): an issued document is a bookkeeping voucher
//! (KPL 2:10 §) and stays as it went out.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::record::OrderRecord;
use order_intake::domain::{BillingAddress, Field, Invoicing, Seller, helsinki};

/// Finvoice's limit for references and the contact's name.
const MAX_REFERENCE: usize = 70;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parties {
    pub seller: IssuingSeller,
    pub buyer_address: Option<BillingAddress>,
    pub purchase_order: Option<String>,
    /// The buyer's reference: their billing reference, else the contact's name, else our
    /// reference (PEPPOL-EN16931-R003 needs one once the buyer's operator converts it).
    pub buyer_reference: Option<String>,
    pub contact: Option<String>,
    pub routing: Routing,
    /// The day the order was placed (Finvoice's OrderDate).
    pub order_date: Date,
    /// Frozen from its order after it was issued, by a version that kept less: as close to the
    /// original as the order still allowed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub backfilled: bool,
}

/// The seller as it stood on the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuingSeller {
    pub name: String,
    pub business_id: String,
    pub phone: String,
    #[serde(flatten)]
    pub invoicing: Invoicing,
}

impl IssuingSeller {
    pub fn of(seller: &Seller, invoicing: &Invoicing) -> IssuingSeller {
        IssuingSeller {
            name: seller.name.clone(),
            business_id: seller.business_id.as_str().to_owned(),
            phone: seller.phone.as_str().to_owned(),
            invoicing: invoicing.clone(),
        }
    }
}

/// Where the document goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "channel", rename_all = "snake_case")]
pub enum Routing {
    /// A Finvoice to the buyer's e-invoice address through their operator.
    Einvoice { address: String, operator: String },
    /// Printed (or saved as PDF) and emailed to `send_to`, or posted to the billing address.
    Paper { send_to: Option<String> },
}

impl Parties {
    /// The order's details now, and the seller's: at issue, or (`backfilled`) for a document
    /// that was stored without them. `None` when the order has nowhere to send an invoice.
    pub fn of(order: &OrderRecord, seller: IssuingSeller, backfilled: bool) -> Option<Parties> {
        let text = |field| order.text(field).map(str::to_owned);
        let cut = |field| text(field).map(|t| t.chars().take(MAX_REFERENCE).collect::<String>());
        let routing = match (text(Field::EInvoiceAddress), text(Field::EInvoiceOperator)) {
            (Some(address), Some(operator)) => Routing::Einvoice { address, operator },
            _ => Routing::Paper {
                send_to: text(Field::InvoiceAddress),
            },
        };
        let buyer_address = BillingAddress::from_parts(
            text(Field::BillingStreet),
            text(Field::BillingPostcode),
            text(Field::BillingTown),
        )
        .flatten();
        if matches!(routing, Routing::Paper { send_to: None }) && buyer_address.is_none() {
            return None;
        }
        // Left out when erased, or longer than Finvoice takes.
        let contact = text(Field::ContactName).filter(|n| n.chars().count() <= MAX_REFERENCE);
        let billing_reference = cut(Field::BillingReference);
        // What the document printed before it kept its parties: the billing reference only.
        let buyer_reference = if backfilled {
            billing_reference
        } else {
            (billing_reference.or_else(|| contact.clone()))
                .or_else(|| Some(order.reference.clone()))
        };
        Some(Parties {
            seller,
            buyer_address,
            purchase_order: cut(Field::PurchaseOrder),
            buyer_reference,
            contact,
            routing,
            order_date: order.created_at.to_zoned_datetime(helsinki()).date(),
            backfilled,
        })
    }
}
