//! The reputation breaker's item (`Reputation`): strikes appended to a list, the trip a
//! conditional write, so that the trainers are told once however many reports arrive at once;
//! the marks, one item per marked source or mailbox, in the counters' key space with a TTL.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use jiff::Timestamp;

use super::{DynamoDbStore, unavailable, written};
use crate::domain::{BREAKER_KEY, BreakerState, Culprit, MAX_STRIKES_KEPT, Strike, StrikeAt};
use crate::store::attribute::Attribute;
use crate::store::codec::{Item, n, number, s};
use crate::store::item::{ORDER_TABLE_PARTITION_KEY, ORDER_TABLE_TTL_ATTRIBUTE};
use crate::store::{Reputation, Result};

type UpdateBuilder = aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;

fn list_attribute(strike: Strike) -> &'static str {
    match strike {
        Strike::Bounce => Attribute::Bounces.name(),
        Strike::Complaint => Attribute::Complaints.name(),
    }
}

/// A stored strike: `{at, network}`, or a bare epoch second from before networks were kept.
fn strike_from(value: &AttributeValue) -> Option<StrikeAt> {
    let (second, network) = match value {
        AttributeValue::N(second) => (second.as_str(), ""),
        AttributeValue::M(map) => (
            map.get("at")?.as_n().ok()?.as_str(),
            (map.get(Attribute::Network.name()))
                .and_then(|v| v.as_s().ok())
                .map_or("", String::as_str),
        ),
        _ => return None,
    };
    Some(StrikeAt {
        at: Timestamp::from_second(second.parse().ok()?).ok()?,
        network: network.to_owned(),
    })
}

fn strike_value(strike: &StrikeAt) -> AttributeValue {
    AttributeValue::M(
        [
            ("at".to_owned(), n(strike.at.as_second())),
            (Attribute::Network.name().to_owned(), s(&strike.network)),
        ]
        .into(),
    )
}

fn strikes(item: &Item, name: &str) -> Vec<StrikeAt> {
    let Some(AttributeValue::L(list)) = item.get(name) else {
        return Vec::new();
    };
    list.iter().filter_map(strike_from).collect()
}

fn state_from(item: &Item) -> BreakerState {
    let at = |attribute: Attribute| {
        number(item, attribute.name()).and_then(|second| Timestamp::from_second(second).ok())
    };
    BreakerState {
        bounces: strikes(item, Attribute::Bounces.name()),
        complaints: strikes(item, Attribute::Complaints.name()),
        tripped_at: at(Attribute::TrippedAt),
        tripped_until: at(Attribute::TrippedUntil),
        reset_at: at(Attribute::ResetAt),
    }
}

fn list_of(strikes: &[StrikeAt]) -> AttributeValue {
    AttributeValue::L(strikes.iter().map(strike_value).collect())
}

#[async_trait]
impl Reputation for DynamoDbStore {
    async fn strike(&self, strike: Strike, network: &str, at: Timestamp) -> Result<BreakerState> {
        let name = list_attribute(strike);
        let one = StrikeAt {
            at,
            network: network.to_owned(),
        };
        let updated = self
            .update_breaker()
            .update_expression(
                "SET #list = list_append(if_not_exists(#list, :empty), :one), #kind = :kind",
            )
            .expression_attribute_names("#list", name)
            .expression_attribute_names("#kind", Attribute::Kind.name())
            .expression_attribute_values(":empty", AttributeValue::L(Vec::new()))
            .expression_attribute_values(":one", list_of(&[one]))
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
                .expression_attribute_values(":list", list_of(newest))
                .send()
                .await
                .map_err(unavailable)?;
        }
        Ok(state)
    }

    async fn trip(&self, at: Timestamp, until: Timestamp) -> Result<bool> {
        let tripped = self
            .update_breaker()
            .update_expression("SET #tripped = :at, #until = :until")
            .condition_expression(
                "attribute_not_exists(#tripped) OR (attribute_exists(#until) AND #until <= :at)",
            )
            .expression_attribute_names("#tripped", Attribute::TrippedAt.name())
            .expression_attribute_names("#until", Attribute::TrippedUntil.name())
            .expression_attribute_values(":at", n(at.as_second()))
            .expression_attribute_values(":until", n(until.as_second()))
            .send()
            .await;
        if written(tripped, |e| e.is_conditional_check_failed_exception())? {
            return Ok(true);
        }
        // Tripped already: a new strike moves its end (never earlier; a trip without an end
        // keeps waiting for a reset).
        let extended = self
            .update_breaker()
            .update_expression("SET #until = :until")
            .condition_expression("attribute_exists(#until) AND #until < :until")
            .expression_attribute_names("#until", Attribute::TrippedUntil.name())
            .expression_attribute_values(":until", n(until.as_second()))
            .send()
            .await;
        written(extended, |e| e.is_conditional_check_failed_exception())?;
        Ok(false)
    }

    async fn breaker(&self) -> Result<BreakerState> {
        let item = self.get(BREAKER_KEY.to_owned()).await?;
        Ok(item.as_ref().map(state_from).unwrap_or_default())
    }

    async fn reset_breaker(&self, at: Timestamp) -> Result<()> {
        self.update_breaker()
            .update_expression("SET #reset = :at REMOVE #tripped, #until")
            .expression_attribute_names("#reset", Attribute::ResetAt.name())
            .expression_attribute_names("#tripped", Attribute::TrippedAt.name())
            .expression_attribute_names("#until", Attribute::TrippedUntil.name())
            .expression_attribute_values(":at", n(at.as_second()))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn mark(&self, culprit: &Culprit, until: Timestamp) -> Result<()> {
        for key in culprit.mark_keys() {
            let marked = self
                .update(key)
                .update_expression("SET #until = :until, #kind = :kind, #expires = :until")
                .condition_expression("attribute_not_exists(#until) OR #until < :until")
                .expression_attribute_names("#until", Attribute::MarkedUntil.name())
                .expression_attribute_names("#kind", Attribute::Kind.name())
                .expression_attribute_names("#expires", ORDER_TABLE_TTL_ATTRIBUTE)
                .expression_attribute_values(":until", n(until.as_second()))
                .expression_attribute_values(":kind", s("mark"))
                .send()
                .await;
            // Marked longer already: nothing to do.
            written(marked, |e| e.is_conditional_check_failed_exception())?;
        }
        Ok(())
    }
}

impl DynamoDbStore {
    fn update_breaker(&self) -> UpdateBuilder {
        self.update(BREAKER_KEY.to_owned())
    }

    fn update(&self, key: String) -> UpdateBuilder {
        self.client
            .update_item()
            .table_name(&self.table)
            .key(ORDER_TABLE_PARTITION_KEY, s(key))
    }
}
