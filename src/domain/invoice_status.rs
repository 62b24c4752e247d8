//! Where an order stands with its invoices, as `orders` writes it onto the order item when it
//! issues or credits one (the function reads no invoice items): the current invoice's number,
//! dates, amount and channel, and the latest credit note. The customer's page shows it, and
//! the page's corrections of the invoicing details stop once an invoice is current.

use jiff::civil::Date;

/// How an invoice went: as an e-invoice (Finvoice through the operator), or to print or
/// email to the invoicing address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceChannel {
    EInvoice,
    Paper,
}

impl InvoiceChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceChannel::EInvoice => "einvoice",
            InvoiceChannel::Paper => "paper",
        }
    }

    pub fn parse(text: &str) -> Option<InvoiceChannel> {
        [InvoiceChannel::EInvoice, InvoiceChannel::Paper]
            .into_iter()
            .find(|c| c.as_str() == text)
    }
}

/// The order's current invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentInvoice {
    pub number: u32,
    pub date: Date,
    pub due_date: Date,
    /// With VAT; `None` on invoices issued before it was written on the order.
    pub gross_cents: Option<i64>,
    pub channel: Option<InvoiceChannel>,
}

impl CurrentInvoice {
    /// The viitenumero payments carry.
    pub fn reference_number(&self) -> String {
        reference_number(self.number)
    }
}

/// How many days a payment reminder gives, and how long after one the next may go.
pub const PAYMENT_REMINDER_DAYS: i64 = 14;

/// A reminder of an overdue invoice, as the function sent it: which invoice, what was open (as
/// `orders` computed it from the payments), the invoice's due date and the new one, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentReminder {
    pub invoice: u32,
    pub open_cents: i64,
    pub due_date: Date,
    pub new_due_date: Date,
    pub at: jiff::Timestamp,
}

impl PaymentReminder {
    /// The viitenumero the payment carries: the invoice's.
    pub fn reference_number(&self) -> String {
        reference_number(self.invoice)
    }
}

/// The order's latest credit note, and the invoice it cancelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditNote {
    pub number: u32,
    pub date: Date,
    pub original: u32,
}

/// The order's invoices as far as its page and corrections need them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceStatus {
    pub current: Option<CurrentInvoice>,
    pub credited: Option<CreditNote>,
}

/// The Finnish reference number (viitenumero) of an invoice number: its digits and a check
/// digit from the weights 7, 3, 1 from the right.
pub fn reference_number(invoice_number: u32) -> String {
    let digits = invoice_number.to_string();
    let sum: u32 = digits
        .bytes()
        .rev()
        .zip([7, 3, 1].into_iter().cycle())
        .map(|(digit, weight)| u32::from(digit - b'0') * weight)
        .sum();
    format!("{digits}{}", (10 - sum % 10) % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_number_carries_its_check_digit() {
        // Weights 7, 3, 1 from the right: 1000 → 7·0 + 3·0 + 1·0 + 7·1 = 7 → 3.
        assert_eq!(reference_number(1000), "10003");
        assert_eq!(reference_number(1234), "12344");
        for channel in [InvoiceChannel::EInvoice, InvoiceChannel::Paper] {
            assert_eq!(InvoiceChannel::parse(channel.as_str()), Some(channel));
        }
    }
}
