//! The workshop's booking on its order (`Bookings`): one conditional update over the sequence
//! the writer saw, so that of two trainers booking at once one wins and the other is told.

use async_trait::async_trait;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure;

use super::{Changes, DynamoDbStore, unavailable};
use crate::domain::{EmailKind, Order};
use crate::store::attribute::{Attribute, EmailAttribute};
use crate::store::booking_item::{
    booking_attributes, booking_from_item, change_request_attributes,
};
use crate::store::codec::{n, s};
use crate::store::item::{ERASED_AT_ATTRIBUTE, ORDER_TABLE_PARTITION_KEY, retry_place};
use crate::store::{Booked, Bookings, Result};

#[async_trait]
impl Bookings for DynamoDbStore {
    async fn book(&self, order: &Order, expected: u32, seen_seal: Option<&str>) -> Result<Booked> {
        let Some(booking) = &order.booking else {
            return Ok(Booked::NoOrder);
        };
        let mut changes = Changes::default();
        let (set, remove) = booking_attributes(booking);
        for (attribute, value) in set {
            changes.set(attribute.name(), value);
        }
        for attribute in remove {
            changes.remove(attribute.name());
        }
        for kind in EmailKind::AFTER_BOOKING {
            if let Some(delivery) = order.delivery(kind) {
                changes.delivery(kind, delivery);
            }
        }
        // A new booking email: what SES said of the last one, and who was told, are gone.
        for stale in [EmailAttribute::Outcome(0), EmailAttribute::ToldAt] {
            changes.remove(stale.of(EmailKind::Booking));
        }
        // The change request the writer saw is answered: gone, if it is still the one stored.
        let (_, answered) = change_request_attributes(None);
        for attribute in answered {
            changes.remove(attribute.name());
        }
        let request_at = changes.name(Attribute::ChangeRequestAt.name());
        let request_seen = match &order.change_request {
            None => format!("attribute_not_exists({request_at})"),
            Some(request) => {
                let value = changes.value(s(request.at.to_string()));
                format!("{request_at} = {value}")
            }
        };
        changes.retry_queue(retry_place(order));
        let sealed = changes.reseal(order.seal.as_deref(), seen_seal);
        self.write_over(
            order,
            expected,
            changes,
            &format!("{request_seen} AND {sealed}"),
        )
        .await
    }

    async fn request_change(&self, order: &Order, expected: u32) -> Result<Booked> {
        let mut changes = Changes::default();
        let (set, remove) = change_request_attributes(order.change_request.as_ref());
        for (attribute, value) in set {
            changes.set(attribute.name(), value);
        }
        for attribute in remove {
            changes.remove(attribute.name());
        }
        for kind in EmailKind::REQUEST {
            if let Some(delivery) = order.delivery(kind) {
                changes.delivery(kind, delivery);
            }
        }
        changes.retry_queue(retry_place(order));
        self.write_over(order, expected, changes, "").await
    }
}

impl DynamoDbStore {
    /// Writes `changes` to an order that is not erased, if its booking's sequence is still
    /// `expected` (and `also`, a further condition, holds).
    async fn write_over(
        &self,
        order: &Order,
        expected: u32,
        mut changes: Changes,
        also: &str,
    ) -> Result<Booked> {
        let key = changes.name(ORDER_TABLE_PARTITION_KEY);
        let erased = changes.name(ERASED_AT_ATTRIBUTE);
        let sequence = changes.name(Attribute::BookingSequence.name());
        let seen = if expected == 0 {
            format!("attribute_not_exists({sequence})")
        } else {
            let value = changes.value(n(expected));
            format!("{sequence} = {value}")
        };
        let mut condition =
            format!("attribute_exists({key}) AND attribute_not_exists({erased}) AND {seen}");
        if !also.is_empty() {
            condition = format!("{condition} AND {also}");
        }
        let written = changes
            .apply(self.update_order(&order.reference))
            .condition_expression(condition)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match written {
            Ok(_) => Ok(Booked::Stored),
            Err(error) => match error.as_service_error() {
                Some(UpdateItemError::ConditionalCheckFailedException(failed)) => {
                    Ok(match failed.item() {
                        Some(item) if !item.contains_key(ERASED_AT_ATTRIBUTE) => {
                            Booked::Conflict(booking_from_item(item))
                        }
                        _ => Booked::NoOrder,
                    })
                }
                _ => Err(unavailable(error)),
            },
        }
    }
}
