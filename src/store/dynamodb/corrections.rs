//! An operator's corrections: the customer's address (`orders fix-email`), and the order's
//! invoicing details (`orders set-invoicing`), each change written together with its entry in
//! the order's change log, on the condition that the value is still the one read, so two
//! operators' corrections never overwrite each other unseen.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;

use super::changes::Changes;
use super::{DynamoDbStore, written};
use crate::domain::EmailKind;
use crate::domain::{Field, OperatorAction, Order, Reference};
use crate::store::InvoicingChange;
use crate::store::attribute::Attribute;
use crate::store::attribute::{INVOICE_ATTRIBUTES, INVOICING_CHANGES_ATTRIBUTE};
use crate::store::codec::{Item, s, text};
use crate::store::item::retry_place;
use crate::store::item::{ERASED_AT_ATTRIBUTE, ORDER_TABLE_PARTITION_KEY, order_pk};
use crate::store::operator_item::{operator_action_value, payment_reminder_value};
use crate::store::{Corrected, Corrections, Result, StoreError};

#[async_trait]
impl Corrections for DynamoDbStore {
    async fn fix_email(
        &self,
        order: &Order,
        seen_seal: Option<&str>,
        action: &OperatorAction,
    ) -> Result<bool> {
        let mut changes = Changes::default();
        changes.set(Field::Email.name(), s(order.details.email.as_str()));
        self.write_sealed(order, seen_seal, action, changes).await
    }

    async fn remind(
        &self,
        order: &Order,
        seen_seal: Option<&str>,
        action: &OperatorAction,
    ) -> Result<bool> {
        let Some(reminder) = &order.payment_reminder else {
            return Ok(false);
        };
        let mut changes = Changes::default();
        changes.set(
            Attribute::PaymentReminder.name(),
            payment_reminder_value(reminder),
        );
        if let Some(delivery) = order.delivery(EmailKind::PaymentReminder) {
            changes.delivery(EmailKind::PaymentReminder, delivery);
        }
        changes.retry_queue(retry_place(order));
        self.write_sealed(order, seen_seal, action, changes).await
    }

    async fn log_operator_action(
        &self,
        reference: &Reference,
        action: &OperatorAction,
    ) -> Result<bool> {
        let mut changes = Changes::default();
        let logged = log_action(&mut changes, action);
        changes.set_clause(logged);
        let key = changes.name(ORDER_TABLE_PARTITION_KEY);
        let updated = changes
            .apply(self.update_order(reference))
            .condition_expression(format!("attribute_exists({key})"))
            .send()
            .await;
        written(updated, |e| e.is_conditional_check_failed_exception())
    }

    async fn set_invoicing(
        &self,
        reference: &Reference,
        values: &[(Field, Option<String>)],
        by: &str,
        now: Timestamp,
        uninvoiced_only: bool,
    ) -> Result<Corrected> {
        for _ in 0..3 {
            let Some(item) = self.get(order_pk(reference)).await? else {
                return Ok(Corrected::NoOrder);
            };
            let invoice = INVOICE_ATTRIBUTES[0];
            if uninvoiced_only && item.contains_key(invoice) {
                return Ok(Corrected::Invoiced);
            }
            let made = changes_to(&item, values, by, now);
            if made.is_empty() {
                return Ok(Corrected::Changed(made));
            }
            let (changes, condition) = conditional_changes(&made, uninvoiced_only);
            let updated = changes
                .apply(self.update_order(reference))
                .condition_expression(condition)
                .send()
                .await;
            if written(updated, |e| e.is_conditional_check_failed_exception())? {
                return Ok(Corrected::Changed(made));
            }
        }
        Err(StoreError::Contended { attempts: 3 })
    }
}

/// The changes, each on the condition that its value is still the one read, and their log
/// entries (and, with `uninvoiced_only`, on the condition that no invoice is current).
fn conditional_changes(made: &[InvoicingChange], uninvoiced_only: bool) -> (Changes, String) {
    let mut changes = Changes::default();
    let mut condition = vec![format!(
        "attribute_exists({})",
        changes.name(ORDER_TABLE_PARTITION_KEY)
    )];
    if uninvoiced_only {
        let invoice = changes.name(INVOICE_ATTRIBUTES[0]);
        condition.push(format!("attribute_not_exists({invoice})"));
    }
    for change in made {
        let name = changes.name(&change.field);
        match &change.old {
            Some(old) => {
                let old = changes.value(s(old));
                condition.push(format!("{name} = {old}"));
            }
            None => condition.push(format!("attribute_not_exists({name})")),
        }
        match &change.new {
            Some(new) => changes.set(&change.field, s(new)),
            None => changes.remove(&change.field),
        }
    }
    let log = changes.name(INVOICING_CHANGES_ATTRIBUTE);
    let none = changes.value(AttributeValue::L(Vec::new()));
    let entries = changes.value(AttributeValue::L(
        made.iter().map(InvoicingChange::attribute).collect(),
    ));
    changes.set_clause(format!(
        "{log} = list_append(if_not_exists({log}, {none}), {entries})"
    ));
    (changes, condition.join(" AND "))
}

/// The values that differ from the item's, as changes.
fn changes_to(
    item: &Item,
    values: &[(Field, Option<String>)],
    by: &str,
    now: Timestamp,
) -> Vec<InvoicingChange> {
    (values.iter())
        .filter(|(field, new)| text(item, field.name()) != new.as_deref())
        .map(|(field, new)| InvoicingChange {
            at: now,
            by: by.to_owned(),
            field: field.name().to_owned(),
            old: text(item, field.name()).map(str::to_owned),
            new: new.clone(),
        })
        .collect()
}

impl DynamoDbStore {
    /// Writes an operator's `changes` to an order that is not erased, with its new seal over
    /// the one the writer read, and logs `action`: `false` when the order is gone, erased or
    /// changed meanwhile.
    async fn write_sealed(
        &self,
        order: &Order,
        seen_seal: Option<&str>,
        action: &OperatorAction,
        mut changes: Changes,
    ) -> Result<bool> {
        let sealed = changes.reseal(order.seal.as_deref(), seen_seal);
        let logged = log_action(&mut changes, action);
        changes.set_clause(logged);
        let (key, erased) = (
            changes.name(ORDER_TABLE_PARTITION_KEY),
            changes.name(ERASED_AT_ATTRIBUTE),
        );
        let updated = changes
            .apply(self.update_order(&order.reference))
            .condition_expression(format!(
                "attribute_exists({key}) AND attribute_not_exists({erased}) AND {sealed}"
            ))
            .send()
            .await;
        written(updated, |e| e.is_conditional_check_failed_exception())
    }
}

/// The SET clause that adds `action` to the order's operator log.
fn log_action(changes: &mut Changes, action: &OperatorAction) -> String {
    let log = changes.name(Attribute::OperatorActions.name());
    let entry = changes.value(AttributeValue::L(vec![operator_action_value(action)]));
    let empty = changes.value(AttributeValue::L(Vec::new()));
    format!("{log} = list_append(if_not_exists({log}, {empty}), {entry})")
}
