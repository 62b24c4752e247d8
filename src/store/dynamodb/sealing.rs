//! The one-time sealing of the orders stored before seals (`Retention::unsealed`, …): its
//! marker item, the by-month query for orders without a seal, and the conditional write.

use jiff::Timestamp;

use super::query::query_items;
use super::{DynamoDbStore, written};
use crate::domain::{Order, Reference};
use crate::store::Result;
use crate::store::attribute::Attribute;
use crate::store::codec::{n, s};
use crate::store::item::{ERASED_AT_ATTRIBUTE, ORDER_TABLE_PARTITION_KEY, reference_of};

/// The marker of the sealing run, in a key space only the function's role writes.
pub const SEALED_ALL_KEY: &str = "migration#seal";

impl DynamoDbStore {
    pub(super) async fn all_sealed_marker(&self) -> Result<bool> {
        Ok(self.get(SEALED_ALL_KEY.to_owned()).await?.is_some())
    }

    pub(super) async fn mark_all_sealed_marker(&self, at: Timestamp) -> Result<()> {
        self.client
            .update_item()
            .table_name(&self.table)
            .key(ORDER_TABLE_PARTITION_KEY, s(SEALED_ALL_KEY))
            .update_expression("SET #kind = :kind, #at = if_not_exists(#at, :at)")
            .expression_attribute_names("#kind", Attribute::Kind.name())
            .expression_attribute_names("#at", Attribute::CreatedAt.name())
            .expression_attribute_values(":kind", s("migration"))
            .expression_attribute_values(":at", s(at.to_string()))
            .send()
            .await
            .map_err(super::unavailable)?;
        Ok(())
    }

    pub(super) async fn unsealed_in(&self, month: &str) -> Result<Vec<Reference>> {
        let query = self
            .month_query(month)
            .key_condition_expression("#month = :month AND #created >= :zero")
            .expression_attribute_values(":zero", n(0))
            .filter_expression("attribute_not_exists(#seal) AND attribute_not_exists(#erased)")
            .expression_attribute_names("#seal", Attribute::Seal.name())
            .expression_attribute_names("#erased", ERASED_AT_ATTRIBUTE)
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .projection_expression("#pk");
        let items = query_items(query, None).await?;
        Ok(items.iter().filter_map(reference_of).collect())
    }

    pub(super) async fn seal_if_unsealed(&self, order: &Order) -> Result<bool> {
        let Some(seal) = &order.seal else {
            return Ok(false);
        };
        let updated = self
            .update_order(&order.reference)
            .update_expression("SET #seal = :seal")
            .condition_expression(
                "attribute_exists(#pk) AND attribute_not_exists(#seal) AND attribute_not_exists(#erased)",
            )
            .expression_attribute_names("#seal", Attribute::Seal.name())
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_names("#erased", ERASED_AT_ATTRIBUTE)
            .expression_attribute_values(":seal", s(seal))
            .send()
            .await;
        written(updated, |e| e.is_conditional_check_failed_exception())
    }
}
