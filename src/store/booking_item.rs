//! A booking ⇄ the order item's `booking_*` attributes, and the customer's change request ⇄
//! its `change_request_*`.

use aws_sdk_dynamodb::types::AttributeValue;

use super::attribute::Attribute;
use super::codec::{Item, n, number, s, text};
use crate::domain::{Booking, BookingState, ChangeRequest, FeeVat};

/// The booking's attributes, and those it leaves empty (to remove).
pub fn booking_attributes(booking: &Booking) -> (Vec<(Attribute, AttributeValue)>, Vec<Attribute>) {
    let mut set = vec![
        (Attribute::BookingState, s(booking.state.as_str())),
        (Attribute::BookingSequence, n(booking.sequence)),
        (Attribute::BookingStart, s(booking.start.to_string())),
        (Attribute::BookingEnd, s(booking.end.to_string())),
        (
            Attribute::BookingStartUtc,
            s(booking.start_utc().to_string()),
        ),
        (Attribute::BookingEndUtc, s(booking.end_utc().to_string())),
        (Attribute::BookingPlace, s(&booking.place)),
        (
            Attribute::BookingTrainers,
            AttributeValue::L(booking.trainers.iter().map(s).collect()),
        ),
        (
            Attribute::BookingChangedAt,
            s(booking.changed_at.to_string()),
        ),
        (Attribute::BookingChangedBy, s(&booking.changed_by)),
    ];
    let mut remove = Vec::new();
    match booking.fee_percent {
        Some(percent) => set.push((Attribute::BookingFeePercent, n(percent))),
        None => remove.push(Attribute::BookingFeePercent),
    }
    match booking.fee_vat {
        Some(vat) => set.push((Attribute::BookingFeeVat, s(vat.as_str()))),
        None => remove.push(Attribute::BookingFeeVat),
    }
    for (attribute, value) in [
        (Attribute::BookingNote, &booking.note),
        (Attribute::BookingReason, &booking.reason),
    ] {
        match value {
            Some(text) => set.push((attribute, s(text))),
            None => remove.push(attribute),
        }
    }
    (set, remove)
}

/// The booking on an order item; `None` when it has none (or one this code cannot read).
pub fn booking_from_item(item: &Item) -> Option<Booking> {
    let get = |attribute: Attribute| text(item, attribute.name());
    Some(Booking {
        state: BookingState::parse(get(Attribute::BookingState)?)?,
        start: get(Attribute::BookingStart)?.parse().ok()?,
        end: get(Attribute::BookingEnd)?.parse().ok()?,
        place: get(Attribute::BookingPlace)?.to_owned(),
        trainers: item
            .get(Attribute::BookingTrainers.name())?
            .as_l()
            .ok()?
            .iter()
            .filter_map(|name| name.as_s().ok().cloned())
            .collect(),
        note: get(Attribute::BookingNote).map(str::to_owned),
        reason: get(Attribute::BookingReason).map(str::to_owned),
        sequence: u32::try_from(number(item, Attribute::BookingSequence.name())?).ok()?,
        changed_at: get(Attribute::BookingChangedAt)?.parse().ok()?,
        changed_by: get(Attribute::BookingChangedBy)?.to_owned(),
        fee_percent: number(item, Attribute::BookingFeePercent.name())
            .and_then(|n| u32::try_from(n).ok()),
        fee_vat: get(Attribute::BookingFeeVat).and_then(FeeVat::parse),
    })
}

/// The change request's attributes; with `None`, those to remove.
pub fn change_request_attributes(
    request: Option<&ChangeRequest>,
) -> (Vec<(Attribute, AttributeValue)>, Vec<Attribute>) {
    const ALL: [Attribute; 3] = [
        Attribute::ChangeRequestAt,
        Attribute::ChangeRequestDates,
        Attribute::ChangeRequestMessage,
    ];
    let Some(request) = request else {
        return (Vec::new(), ALL.to_vec());
    };
    let dates = (request.dates.iter()).map(|d| s(d.to_string())).collect();
    let mut set = vec![
        (Attribute::ChangeRequestAt, s(request.at.to_string())),
        (Attribute::ChangeRequestDates, AttributeValue::L(dates)),
    ];
    let mut remove = Vec::new();
    match &request.message {
        Some(message) => set.push((Attribute::ChangeRequestMessage, s(message))),
        None => remove.push(Attribute::ChangeRequestMessage),
    }
    (set, remove)
}

/// The change request on an order item, if it has one.
pub fn change_request_from_item(item: &Item) -> Option<ChangeRequest> {
    let at = text(item, Attribute::ChangeRequestAt.name())?
        .parse()
        .ok()?;
    let dates = item
        .get(Attribute::ChangeRequestDates.name())?
        .as_l()
        .ok()?;
    Some(ChangeRequest {
        dates: (dates.iter())
            .filter_map(|d| d.as_s().ok()?.parse().ok())
            .collect(),
        message: text(item, Attribute::ChangeRequestMessage.name()).map(str::to_owned),
        at,
    })
}
