//! The booking's calendar invitation: iCalendar (RFC 5545) in an iTIP message (RFC 5546),
//! `METHOD:REQUEST` for a new or changed booking and `METHOD:CANCEL` for a cancelled one. The
//! `icalendar` crate writes the event (escaping, line folding, quoted parameters); the zone's
//! definition is a fixed block the crate has no type for.

use icalendar::{Calendar, Component, Event, EventLike, Property};
use jiff::Timestamp;
use jiff::civil::DateTime;

use super::Attachment;
use crate::domain::{Booking, Order};
use crate::texts::{package_name, texts};

const TZID: &str = "Europe/Helsinki";

/// Europe/Helsinki as the EU has kept it since 1996: summer time (EEST, UTC+3) from 3.00 on
/// the last Sunday of March, standard time (EET, UTC+2) from 4.00 on the last Sunday of
/// October. The binary's own zone data (jiff) computes the UTC times stored with the booking.
const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\n\
TZID:Europe/Helsinki\r\n\
BEGIN:DAYLIGHT\r\n\
TZOFFSETFROM:+0200\r\n\
TZOFFSETTO:+0300\r\n\
TZNAME:EEST\r\n\
DTSTART:19700329T030000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n\
END:DAYLIGHT\r\n\
BEGIN:STANDARD\r\n\
TZOFFSETFROM:+0300\r\n\
TZOFFSETTO:+0200\r\n\
TZNAME:EET\r\n\
DTSTART:19701025T040000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n\
END:STANDARD\r\n\
END:VTIMEZONE\r\n";

fn local(at: DateTime) -> String {
    at.strftime("%Y%m%dT%H%M%S").to_string()
}

fn utc(at: Timestamp) -> String {
    at.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// A parameter value as RFC 5545 allows it: no double quotes, no line breaks.
fn parameter(text: &str) -> String {
    text.chars()
        .filter(|c| *c != '"' && !c.is_control())
        .collect()
}

fn zoned(key: &str, at: DateTime) -> Property {
    let mut property = Property::new(key, local(at));
    property.add_parameter("TZID", TZID);
    property
}

/// The invitation to the customer (and, as the same event, to the trainers): one `UID` per
/// order, `SEQUENCE` from the booking, times in Helsinki with the zone's definition.
pub fn invitation(order: &Order, booking: &Booking, organizer: &str, now: Timestamp) -> Attachment {
    let method = if booking.is_booked() {
        "REQUEST"
    } else {
        "CANCEL"
    };
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new(
            "PRODID",
            "-//Some-tyopajat//order-intake//FI",
        ))
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", method))
        .push(event(order, booking, organizer, now));
    // The zone's definition goes before the event that uses it.
    let written = calendar.to_string();
    let content = written.replacen(
        "BEGIN:VEVENT\r\n",
        &format!("{VTIMEZONE}BEGIN:VEVENT\r\n"),
        1,
    );
    let file_name = if booking.is_booked() {
        "kutsu.ics"
    } else {
        "peruutus.ics"
    };
    Attachment {
        file_name: file_name.to_owned(),
        content_type: format!("text/calendar; charset=UTF-8; method={method}"),
        content: content.into_bytes(),
    }
}

/// The workshop as an event: when and where, who invites whom, what to prepare.
fn event(order: &Order, booking: &Booking, organizer: &str, now: Timestamp) -> Event {
    let d = &order.details;
    let t = &texts(d.language).booking;
    let summary = format!(
        "{} – {}",
        package_name(d.package, d.language),
        d.organization
    );
    let mut description = format!("{}: {}", t.trainers, booking.trainers.join(", "));
    if booking.is_booked() {
        description.push_str(&format!("\n\n{}\n{}", t.prepare_heading, prepare(order)));
    }
    let mut organizer_property = Property::new("ORGANIZER", format!("mailto:{organizer}"));
    organizer_property.add_parameter("CN", "Some-työpajat");
    let mut attendee = Property::new("ATTENDEE", format!("mailto:{}", d.email));
    attendee
        .add_parameter("CN", &parameter(&d.contact_name))
        .add_parameter("ROLE", "REQ-PARTICIPANT")
        .add_parameter("RSVP", "FALSE");
    let status = if booking.is_booked() {
        "CONFIRMED"
    } else {
        "CANCELLED"
    };
    Event::new()
        .uid(&format!("order-{}@some-tyopajat", order.order_id))
        .sequence(booking.sequence)
        .add_property("DTSTAMP", utc(now))
        .append_property(zoned("DTSTART", booking.start))
        .append_property(zoned("DTEND", booking.end))
        .summary(&summary)
        .location(&booking.place)
        .description(&description)
        .add_property("STATUS", status)
        .append_property(organizer_property)
        .append_multi_property(attendee)
        .done()
}

/// What the customer prepares: the room's equipment and the chosen channels' apps.
pub(super) fn prepare(order: &Order) -> String {
    let d = &order.details;
    let t = &texts(d.language).booking;
    let channels: Vec<&str> = d.channels.iter().map(|c| c.display_name()).collect();
    let channels = match channels[..] {
        [] => t.channels_none.to_owned(),
        _ => crate::texts::all_of(&channels, d.language),
    };
    crate::texts::fill(t.prepare, &[("channels", &channels)])
}
