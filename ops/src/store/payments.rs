//! Payments matched to an invoice (`orders payments import`): each kept on the invoice's item
//! (`payments`, a list of `{archive_id, date, cents}`) with its bank archive id in a set
//! (`payment_ids`), written on the condition that the id is not there yet, so importing a file
//! twice, or two files that overlap, records each payment once.

use aws_sdk_dynamodb::types::AttributeValue;

use super::DynamoDbOperatorStore;
use super::document::{DocumentKind, IssuedInvoice, invoice_pk};
use super::paid::{InvoicePayment, PAYMENT_IDS_ATTRIBUTE, PAYMENTS_ATTRIBUTE, REMINDERS_ATTRIBUTE};
use order_intake::store::Result;
use order_intake::store::codec::{Item, n, s};
use order_intake::store::dynamodb::written;
use order_intake::store::item::ORDER_TABLE_PARTITION_KEY;

/// What recording a payment found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentRecorded {
    Now,
    /// Its archive id is on the invoice already (the same file, or an overlapping one).
    Before,
    NoInvoice,
}

/// Where an invoice stands with its payments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentState {
    Unpaid,
    /// Paid in part: what is left.
    PartlyPaid(i64),
    Paid,
    /// Paid more than is billed: by how much (owed back, or set against another invoice).
    Overpaid(i64),
    /// Paid although credited in whole: all of it is owed back.
    RefundOwed(i64),
    /// Credited in whole, paid, and the payment returned (`orders payments refund`).
    Refunded,
}

impl IssuedInvoice {
    pub fn paid_cents(&self) -> i64 {
        self.after_issue.payments.iter().map(|p| p.cents).sum()
    }

    /// What is still to pay: what is billed less what was paid (negative when overpaid).
    pub fn balance_cents(&self) -> i64 {
        self.open_cents() - self.paid_cents()
    }

    pub fn payment_state(&self) -> PaymentState {
        let paid = self.paid_cents();
        let credited_whole =
            self.kind == DocumentKind::Invoice && self.after_issue.credited_by.is_some();
        match self.balance_cents() {
            _ if credited_whole && paid > 0 => PaymentState::RefundOwed(paid),
            _ if paid == 0 && self.after_issue.payments.is_empty() => PaymentState::Unpaid,
            _ if credited_whole => PaymentState::Refunded,
            0 => PaymentState::Paid,
            left if left > 0 => PaymentState::PartlyPaid(left),
            over => PaymentState::Overpaid(-over),
        }
    }
}

impl PaymentState {
    /// As the ledger and the import state it (amounts in euros).
    pub fn words(self) -> String {
        let eur = order_intake::domain::format_eur;
        match self {
            PaymentState::Unpaid => "unpaid".to_owned(),
            PaymentState::PartlyPaid(left) => format!("partly paid, {} left", eur(left)),
            PaymentState::Paid => "paid".to_owned(),
            PaymentState::Overpaid(by) => format!("overpaid by {}", eur(by)),
            PaymentState::RefundOwed(cents) => {
                format!("credited, yet paid: refund of {} owed", eur(cents))
            }
            PaymentState::Refunded => "credited, paid and refunded".to_owned(),
        }
    }
}

impl DynamoDbOperatorStore {
    pub(super) async fn write_payment(
        &self,
        number: u32,
        payment: &InvoicePayment,
    ) -> Result<PaymentRecorded> {
        let entry = AttributeValue::M(Item::from([
            ("archive_id".to_owned(), s(&payment.archive_id)),
            ("date".to_owned(), s(payment.date.to_string())),
            ("cents".to_owned(), n(payment.cents)),
        ]));
        let sent = (self.store.client().update_item())
            .table_name(self.store.table())
            .key(ORDER_TABLE_PARTITION_KEY, s(invoice_pk(number)))
            .update_expression(
                "SET #list = list_append(if_not_exists(#list, :empty), :one) ADD #ids :id_set",
            )
            .condition_expression("attribute_exists(#pk) AND NOT contains(#ids, :id)")
            .expression_attribute_names("#list", PAYMENTS_ATTRIBUTE)
            .expression_attribute_names("#ids", PAYMENT_IDS_ATTRIBUTE)
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_values(":empty", AttributeValue::L(Vec::new()))
            .expression_attribute_values(":one", AttributeValue::L(vec![entry]))
            .expression_attribute_values(
                ":id_set",
                AttributeValue::Ss(vec![payment.archive_id.clone()]),
            )
            .expression_attribute_values(":id", s(&payment.archive_id))
            .send()
            .await;
        if written(sent, |e| e.is_conditional_check_failed_exception())? {
            return Ok(PaymentRecorded::Now);
        }
        Ok(match self.store.get(invoice_pk(number)).await? {
            Some(_) => PaymentRecorded::Before,
            None => PaymentRecorded::NoInvoice,
        })
    }
}

impl DynamoDbOperatorStore {
    /// Adds a reminder sent (`orders remind`) to the invoice's history.
    pub(super) async fn write_reminder(
        &self,
        number: u32,
        reminder: &super::paid::InvoiceReminder,
    ) -> Result<bool> {
        let entry = AttributeValue::M(Item::from([
            ("at".to_owned(), s(reminder.at.to_string())),
            ("open_cents".to_owned(), n(reminder.open_cents)),
        ]));
        let sent = (self.store.client().update_item())
            .table_name(self.store.table())
            .key(ORDER_TABLE_PARTITION_KEY, s(invoice_pk(number)))
            .update_expression("SET #list = list_append(if_not_exists(#list, :empty), :one)")
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#list", REMINDERS_ATTRIBUTE)
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_values(":empty", AttributeValue::L(Vec::new()))
            .expression_attribute_values(":one", AttributeValue::L(vec![entry]))
            .send()
            .await;
        written(sent, |e| e.is_conditional_check_failed_exception())
    }
}
