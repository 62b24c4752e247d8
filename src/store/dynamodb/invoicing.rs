//! Corrections to an order's invoicing details (`orders set-invoicing`): each change written
//! together with its entry in the order's change log, on the condition that the value is still
//! the one read, so two operators' corrections never overwrite each other unseen.

use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;

use super::changes::Changes;
use super::{DynamoDbStore, written};
use crate::domain::{Field, Reference};
use crate::store::attribute::INVOICING_CHANGES_ATTRIBUTE;
use crate::store::codec::{Item, s, text};
use crate::store::item::{ORDER_TABLE_PARTITION_KEY, order_pk};
use crate::store::record::InvoicingChange;
use crate::store::{Result, StoreError};

impl DynamoDbStore {
    /// Sets (or, with `None`, removes) invoicing fields and logs each change: who, when, old
    /// and new. Returns the changes made (a value set to what it was is no change); `None`
    /// when there is no such order.
    pub async fn set_invoicing(
        &self,
        reference: &Reference,
        values: &[(Field, Option<String>)],
        by: &str,
        now: Timestamp,
    ) -> Result<Option<Vec<InvoicingChange>>> {
        for _ in 0..3 {
            let Some(item) = self.get(order_pk(reference)).await? else {
                return Ok(None);
            };
            let made = changes_to(&item, values, by, now);
            if made.is_empty() {
                return Ok(Some(made));
            }
            let mut changes = Changes::default();
            let mut condition = vec![format!(
                "attribute_exists({})",
                changes.name(ORDER_TABLE_PARTITION_KEY)
            )];
            for change in &made {
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
            let updated = changes
                .apply(self.update_order(reference))
                .condition_expression(condition.join(" AND "))
                .send()
                .await;
            if written(updated, |e| e.is_conditional_check_failed_exception())? {
                return Ok(Some(made));
            }
        }
        Err(StoreError::Contended { attempts: 3 })
    }
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
