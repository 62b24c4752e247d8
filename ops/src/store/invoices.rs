//! Invoice numbers: one counter item, taken from in the same transaction that writes the
//! invoice (or credit note) as an item of its own and updates its order, so that numbers have
//! no gaps, no two documents share one, and an order has one current invoice at a time: a
//! credit note cancels it and leaves the order free to be invoiced again; a partial credit note
//! leaves it current.

use async_trait::async_trait;

use aws_sdk_dynamodb::types::builders::UpdateBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use jiff::Timestamp;
use jiff::civil::Date;

use super::document::{
    DOCUMENT_SET, InvoiceDraft, IssuedInvoice, PARTLY_CREDITED_BY_ATTRIBUTE,
    PARTLY_CREDITED_CENTS_ATTRIBUTE, document, invoice_month_key, invoice_pk,
};
use super::{
    CreditDraft, Credited, DynamoDbOperatorStore, Invoiced, Invoices, Listings, RecordedSent,
};
use order_intake::domain::Reference;
use order_intake::store::attribute::Attribute;
use order_intake::store::attribute::{
    CREDIT_ATTRIBUTES, CREDITED_BY_ATTRIBUTE, INVOICE_ATTRIBUTES, INVOICE_NUMBERS_ATTRIBUTE,
    INVOICE_SUMMARY_ATTRIBUTES,
};
use order_intake::store::codec::{n, number, s};
use order_intake::store::dynamodb::query::query_items;
use order_intake::store::dynamodb::{build_error, written};
use order_intake::store::item::{ORDER_TABLE_PARTITION_KEY, order_pk};
use order_intake::store::{Result, StoreError};

/// The counter's key, in a key space of its own.
pub const COUNTER_KEY: &str = "counter#invoice";
/// The first invoice's number, unless configuration says otherwise (`INVOICE_NUMBER_START`).
pub const FIRST_INVOICE_NUMBER: u32 = 1000;
use super::attempts::Attempt;

#[async_trait]
impl Invoices for DynamoDbOperatorStore {
    /// The order's current invoice, or a new one from `draft` with the next number (`first`
    /// when there is none yet). `None` when there is no such order.
    async fn invoice(
        &self,
        reference: &Reference,
        draft: &InvoiceDraft,
        first: u32,
        now: Timestamp,
    ) -> Result<Option<Invoiced>> {
        self.numbered(|| self.try_invoice(reference, draft, first, now))
            .await
    }

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
    ) -> Result<Option<Credited>> {
        self.numbered(|| self.try_credit(original, draft, date, first, now))
            .await
    }

    /// An invoice or credit note by its number.
    async fn issued_invoice(&self, number: u32) -> Result<Option<IssuedInvoice>> {
        let item = self.store.get(invoice_pk(number)).await?;
        Ok(item.as_ref().and_then(IssuedInvoice::from_item))
    }

    async fn last_number(&self) -> Result<Option<u32>> {
        let (last, _) = self.next_number(FIRST_INVOICE_NUMBER).await?;
        Ok(last.and_then(|last| u32::try_from(last).ok()))
    }

    async fn backfill(&self, issued: &IssuedInvoice) -> Result<bool> {
        self.write_backfill(issued).await
    }

    async fn record_sent(&self, number: u32, how: &str, at: Timestamp) -> Result<RecordedSent> {
        self.write_sent(number, how, at).await
    }

    /// The invoices and credit notes dated in a month (`2026-11`), by number.
    async fn issued_in_month(&self, month: &str) -> Result<Vec<IssuedInvoice>> {
        let query = (self.store)
            .month_query(&invoice_month_key(month))
            .key_condition_expression("#month = :month AND #created >= :first")
            .expression_attribute_values(":first", n(0));
        let items = query_items(query, None).await?;
        Ok(items.iter().filter_map(IssuedInvoice::from_item).collect())
    }

    async fn record_payment(
        &self,
        number: u32,
        payment: &super::InvoicePayment,
    ) -> Result<super::PaymentRecorded> {
        self.write_payment(number, payment).await
    }

    async fn record_reminder(
        &self,
        number: u32,
        reminder: &super::InvoiceReminder,
    ) -> Result<bool> {
        self.write_reminder(number, reminder).await
    }

    async fn record_send_step(&self, number: u32, step: &super::SendStep) -> Result<bool> {
        self.write_send_step(number, step).await
    }
}

impl DynamoDbOperatorStore {
    async fn try_invoice(
        &self,
        reference: &Reference,
        draft: &InvoiceDraft,
        first: u32,
        now: Timestamp,
    ) -> Attempt<Option<Invoiced>> {
        let Some(order) = self.order_record(reference).await? else {
            return Ok(Some(None));
        };
        if let Some(current) = order.invoice {
            return Ok(Some(Some(Invoiced::Existing(current))));
        }
        let (last, next) = self.next_number(first).await?;
        let invoice = IssuedInvoice::new(reference, next, draft, now);
        let mut order = self
            .order_update(reference)
            .condition_expression("attribute_exists(#pk) AND attribute_not_exists(#number)");
        let mut set = vec![APPEND.to_owned()];
        // What the customer's page shows of it (the function reads no invoice items).
        let [gross, channel] = INVOICE_SUMMARY_ATTRIBUTES;
        let summary = [
            (gross, n(invoice.totals().gross_cents)),
            (channel, s(draft.channel.as_str())),
        ];
        let attributes = invoice
            .record
            .clone()
            .attributes()
            .into_iter()
            .chain(summary);
        for (i, (name, value)) in attributes.enumerate() {
            order = order
                .expression_attribute_names(format!("#i{i}"), name)
                .expression_attribute_values(format!(":i{i}"), value);
            set.push(format!("#i{i} = :i{i}"));
        }
        let order =
            appended_number(order, next).update_expression(format!("SET {}", set.join(", ")));
        let written = self
            .take_number(
                last,
                next,
                [order, new_document(self.store.table(), &invoice)],
            )
            .await?;
        Ok(written.then_some(Some(Invoiced::New(Box::new(invoice)))))
    }

    async fn try_credit(
        &self,
        original: &IssuedInvoice,
        draft: &CreditDraft,
        date: Date,
        first: u32,
        now: Timestamp,
    ) -> Attempt<Option<Credited>> {
        let reference = Reference::parse(&original.reference).ok_or(StoreError::Unreadable {
            key: invoice_pk(original.record.number),
            problem: "its order reference is not one",
        })?;
        let reference = &reference;
        let Some(order) = self.order_record(reference).await? else {
            return Ok(Some(None));
        };
        let Some(current) = &order.invoice else {
            return Ok(Some(Some(Credited::NotInvoiced)));
        };
        if current.number != original.record.number {
            return Ok(Some(Some(Credited::NotInvoiced)));
        }
        let mut original = original.clone();
        let (last, next) = self.next_number(first).await?;
        let credit = original.credit_note(next, date, now, draft.lines.clone());
        let credited_cents = -credit.totals().gross_cents;
        let marked = self.marked(&original, draft.whole, next, credited_cents);
        let order_update = match draft.whole {
            true => self.unlocked(reference, current.number, &credit),
            false => self.kept(reference, current.number, next),
        };
        let updates = [
            order_update,
            new_document(self.store.table(), &credit),
            marked,
        ];
        let written = self.take_number(last, next, updates).await?;
        if draft.whole {
            original.after_issue.credited_by = Some(next);
        } else {
            original.after_issue.partly_credited_by.push(next);
            original.after_issue.partly_credited_cents += credited_cents;
        }
        Ok(written.then_some(Some(Credited::New {
            credit: Box::new(credit),
            original: Box::new(original),
        })))
    }

    /// The original as issued (written now if it predates invoice items): credited by `credit`
    /// (whole), or its partial credits added to, unless another credit note came first.
    fn marked(
        &self,
        original: &IssuedInvoice,
        whole: bool,
        credit: u32,
        credited_cents: i64,
    ) -> UpdateBuilder {
        let marked = document(self.store.table(), original)
            .expression_attribute_names("#credited", CREDITED_BY_ATTRIBUTE)
            .expression_attribute_names("#partly_cents", PARTLY_CREDITED_CENTS_ATTRIBUTE);
        let marked = match original.after_issue.partly_credited_cents {
            0 => marked.condition_expression(
                "attribute_not_exists(#credited) AND attribute_not_exists(#partly_cents)",
            ),
            seen => marked
                .condition_expression("attribute_not_exists(#credited) AND #partly_cents = :seen")
                .expression_attribute_values(":seen", n(seen)),
        };
        if whole {
            return marked
                .update_expression(format!("SET {DOCUMENT_SET}, #credited = :credited"))
                .expression_attribute_values(":credited", n(credit));
        }
        marked
            .update_expression(format!(
                "SET {DOCUMENT_SET} ADD #partly :partly, #partly_cents :partly_cents"
            ))
            .expression_attribute_names("#partly", PARTLY_CREDITED_BY_ATTRIBUTE)
            .expression_attribute_values(":partly", AttributeValue::Ns(vec![credit.to_string()]))
            .expression_attribute_values(":partly_cents", n(credited_cents))
    }

    /// The order's update for a partial credit note: its invoice stays current (still
    /// `current`), the credit note is added to its documents.
    fn kept(&self, reference: &Reference, current: u32, credit: u32) -> UpdateBuilder {
        let kept = self
            .order_update(reference)
            .condition_expression("attribute_exists(#pk) AND #number = :current")
            .expression_attribute_values(":current", n(current));
        appended_number(kept, credit).update_expression(format!("SET {APPEND}"))
    }

    /// The order's update for its credit note: the current invoice (still `current`) is no
    /// longer current, and the credit note is recorded as the order's latest (its page shows
    /// it).
    fn unlocked(
        &self,
        reference: &Reference,
        current: u32,
        credit: &IssuedInvoice,
    ) -> UpdateBuilder {
        let mut unlocked = self
            .order_update(reference)
            .condition_expression("attribute_exists(#pk) AND #number = :current")
            .expression_attribute_values(":current", n(current));
        let mut removed = vec!["#number".to_owned()];
        let others = (INVOICE_ATTRIBUTES.iter().skip(1)).chain(&INVOICE_SUMMARY_ATTRIBUTES);
        for (i, name) in others.enumerate() {
            unlocked = unlocked.expression_attribute_names(format!("#r{i}"), *name);
            removed.push(format!("#r{i}"));
        }
        let mut set = vec![APPEND.to_owned()];
        let number = credit.record.number;
        let credit_values = [
            n(number),
            s(credit.record.invoice_date.to_string()),
            n(current),
        ];
        for (i, (name, value)) in CREDIT_ATTRIBUTES.iter().zip(credit_values).enumerate() {
            unlocked = unlocked
                .expression_attribute_names(format!("#c{i}"), *name)
                .expression_attribute_values(format!(":c{i}"), value);
            set.push(format!("#c{i} = :c{i}"));
        }
        appended_number(unlocked, number).update_expression(format!(
            "SET {} REMOVE {}",
            set.join(", "),
            removed.join(", ")
        ))
    }

    /// The counter's last number (`None` before the first) and the next one.
    async fn next_number(&self, first: u32) -> Result<(Option<i64>, u32)> {
        let counter = self.store.get(COUNTER_KEY.to_owned()).await?;
        let last = counter
            .as_ref()
            .and_then(|c| number(c, Attribute::Last.name()));
        let next = last.map_or(i64::from(first), |last| last + 1);
        Ok((last, u32::try_from(next).map_err(StoreError::unavailable)?))
    }

    fn order_update(&self, reference: &Reference) -> UpdateBuilder {
        Update::builder()
            .table_name(self.store.table())
            .key(ORDER_TABLE_PARTITION_KEY, s(order_pk(reference)))
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_names("#number", INVOICE_ATTRIBUTES[0])
    }

    /// The counter moved from `last` to `next` and every update written, all or none; `false`
    /// when any condition failed.
    async fn take_number<const N: usize>(
        &self,
        last: Option<i64>,
        next: u32,
        updates: [UpdateBuilder; N],
    ) -> Result<bool> {
        let counter = Update::builder()
            .table_name(self.store.table())
            .key(ORDER_TABLE_PARTITION_KEY, s(COUNTER_KEY))
            .update_expression("SET #last = :next, #kind = :kind")
            .expression_attribute_names("#last", Attribute::Last.name())
            .expression_attribute_names("#kind", Attribute::Kind.name())
            .expression_attribute_values(":next", n(next))
            .expression_attribute_values(":kind", s("counter"));
        let counter = match last {
            None => counter.condition_expression("attribute_not_exists(#last)"),
            Some(last) => counter
                .condition_expression("#last = :last")
                .expression_attribute_values(":last", n(last)),
        };
        let mut transaction = self.store.client().transact_write_items();
        for update in std::iter::once(counter).chain(updates) {
            let item = TransactWriteItem::builder()
                .update(update.build().map_err(build_error)?)
                .build();
            transaction = transaction.transact_items(item);
        }
        // Cancelled: another document took the number, or the order changed.
        written(transaction.send().await, |e| {
            e.is_transaction_canceled_exception()
        })
    }
}

/// Appends the number to the order's list of its invoices and credit notes.
const APPEND: &str = "#numbers = list_append(if_not_exists(#numbers, :none), :appended)";
fn appended_number(update: UpdateBuilder, number: u32) -> UpdateBuilder {
    update
        .expression_attribute_names("#numbers", INVOICE_NUMBERS_ATTRIBUTE)
        .expression_attribute_values(":none", AttributeValue::L(Vec::new()))
        .expression_attribute_values(":appended", AttributeValue::L(vec![n(number)]))
}

/// A new document's item: written once, never over another.
fn new_document(table: &str, issued: &IssuedInvoice) -> UpdateBuilder {
    document(table, issued)
        .update_expression(format!("SET {DOCUMENT_SET}"))
        .condition_expression("attribute_not_exists(#pk)")
        .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
}
