//! The reputation breaker's item (`Reputation`): strikes appended to a list, the trip a
//! conditional write, so that the trainers are told once however many reports arrive at once.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use jiff::Timestamp;

use super::{DynamoDbStore, unavailable, written};
use crate::domain::{BREAKER_KEY, BreakerState, MAX_STRIKES_KEPT, Strike};
use crate::store::attribute::Attribute;
use crate::store::codec::{Item, n, number, s};
use crate::store::item::ORDER_TABLE_PARTITION_KEY;
use crate::store::{Reputation, Result};

fn list_attribute(strike: Strike) -> &'static str {
    match strike {
        Strike::Bounce => Attribute::Bounces.name(),
        Strike::Complaint => Attribute::Complaints.name(),
    }
}

fn times(item: &Item, name: &str) -> Vec<Timestamp> {
    let Some(AttributeValue::L(list)) = item.get(name) else {
        return Vec::new();
    };
    (list.iter())
        .filter_map(|value| value.as_n().ok()?.parse::<i64>().ok())
        .filter_map(|second| Timestamp::from_second(second).ok())
        .collect()
}

fn state_from(item: &Item) -> BreakerState {
    let at = |attribute: Attribute| {
        number(item, attribute.name()).and_then(|second| Timestamp::from_second(second).ok())
    };
    BreakerState {
        bounces: times(item, Attribute::Bounces.name()),
        complaints: times(item, Attribute::Complaints.name()),
        tripped_at: at(Attribute::TrippedAt),
        reset_at: at(Attribute::ResetAt),
    }
}

fn seconds(times: &[Timestamp]) -> AttributeValue {
    AttributeValue::L(times.iter().map(|t| n(t.as_second())).collect())
}

#[async_trait]
impl Reputation for DynamoDbStore {
    async fn strike(&self, strike: Strike, at: Timestamp) -> Result<BreakerState> {
        let name = list_attribute(strike);
        let updated = self
            .update_breaker()
            .update_expression(
                "SET #list = list_append(if_not_exists(#list, :empty), :one), #kind = :kind",
            )
            .expression_attribute_names("#list", name)
            .expression_attribute_names("#kind", Attribute::Kind.name())
            .expression_attribute_values(":empty", AttributeValue::L(Vec::new()))
            .expression_attribute_values(":one", seconds(&[at]))
            .expression_attribute_values(":kind", s("breaker"))
            .return_values(ReturnValue::AllNew)
            .send()
            .await
            .map_err(unavailable)?;
        let state = state_from(&updated.attributes.unwrap_or_default());
        let all = match strike {
            Strike::Bounce => &state.bounces,
            Strike::Complaint => &state.complaints,
        };
        if all.len() > MAX_STRIKES_KEPT {
            // Only the last day counts: keep the newest (a lost race here only keeps more).
            let newest = &all[all.len() - MAX_STRIKES_KEPT / 2..];
            self.update_breaker()
                .update_expression("SET #list = :list")
                .expression_attribute_names("#list", name)
                .expression_attribute_values(":list", seconds(newest))
                .send()
                .await
                .map_err(unavailable)?;
        }
        Ok(state)
    }

    async fn trip(&self, at: Timestamp) -> Result<bool> {
        let tripped = self
            .update_breaker()
            .update_expression("SET #tripped = :at")
            .condition_expression("attribute_not_exists(#tripped)")
            .expression_attribute_names("#tripped", Attribute::TrippedAt.name())
            .expression_attribute_values(":at", n(at.as_second()))
            .send()
            .await;
        written(tripped, |e| e.is_conditional_check_failed_exception())
    }

    async fn breaker(&self) -> Result<BreakerState> {
        let item = self.get(BREAKER_KEY.to_owned()).await?;
        Ok(item.as_ref().map(state_from).unwrap_or_default())
    }

    async fn reset_breaker(&self, at: Timestamp) -> Result<()> {
        self.update_breaker()
            .update_expression("SET #reset = :at REMOVE #tripped")
            .expression_attribute_names("#reset", Attribute::ResetAt.name())
            .expression_attribute_names("#tripped", Attribute::TrippedAt.name())
            .expression_attribute_values(":at", n(at.as_second()))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

impl DynamoDbStore {
    fn update_breaker(
        &self,
    ) -> aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder {
        self.client
            .update_item()
            .table_name(&self.table)
            .key(ORDER_TABLE_PARTITION_KEY, s(BREAKER_KEY))
    }
}
