//! The booking's calendar invitation: iCalendar (RFC 5545) in an iTIP message (RFC 5546),
//! `METHOD:REQUEST` for a new or changed booking and `METHOD:CANCEL` for a cancelled one. The
//! `icalendar` crate writes the event (escaping, line folding, quoted parameters); the zone's
//! definition is a fixed block the crate has no type for.

use icalendar::{Calendar, Component, Event, EventLike, Property};
use jiff::Timestamp;
use jiff::civil::DateTime;

use super::{Invitation, InvitationMethod};
use crate::domain::{Booking, EmailAddress, Language, Order, Trainer};
use crate::texts::{TRAINER, fill, texts};

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

/// What every booking email needs beside the order: where the trainers read mail, the
/// invitation's organizer, the trainers by name (its attendees), the phone to call, and the
/// time it is made at (its `DTSTAMP`).
pub struct BookingEmails<'a> {
    pub trainers: &'a [EmailAddress],
    /// `ORGANIZER_EMAIL`: a calendar's answer to the invitation goes here.
    pub organizer: &'a str,
    /// The organizer's name: the seller's.
    pub organizer_name: &'a str,
    /// `TRAINERS`: the leading trainers' own addresses, as attendees.
    pub roster: &'a [Trainer],
    /// `SELLER_PHONE`: whom the customer calls to change or cancel.
    pub phone: Option<&'a str>,
    /// The customer's own page of the order (`None` until `PUBLIC_URL` is set).
    pub customer_link: Option<String>,
    /// The cancellation terms: the booking emails say until when cancelling is free.
    pub terms: crate::domain::CancellationTerms,
    pub now: Timestamp,
}

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

/// The longest title calendars show whole in a week view; the organisation's name, whose
/// length the customer decides, is added only where it fits.
pub const MAX_SUMMARY_CHARS: usize = 60;

/// Whose calendar the event is for: the customer's, in their language, or the trainers', in
/// Finnish with the customer's organisation and contact. Both are the one event (one `UID`,
/// one `SEQUENCE`, the same attendees), each written for its reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Customer,
    Trainers,
}

/// The invitation (or its cancellation) for `audience`: one `UID` per order, `SEQUENCE` from
/// the booking, times in Helsinki with the zone's definition, the organizer an address a
/// person reads (a calendar's "Decline" goes there), the trainers who lead it as accepted
/// attendees and the customer as an attendee whose answer nobody waits for.
pub fn invitation(
    order: &Order,
    booking: &Booking,
    context: &BookingEmails,
    audience: Audience,
) -> Invitation {
    let method = match booking.is_booked() {
        true => InvitationMethod::Request,
        false => InvitationMethod::Cancel,
    };
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new(
            "PRODID",
            "-//Some-tyopajat//order-intake//FI",
        ))
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", method.as_str()))
        .push(event(order, booking, context, audience));
    // The zone's definition goes before the event that uses it.
    let written = calendar.to_string();
    let content = written.replacen(
        "BEGIN:VEVENT\r\n",
        &format!("{VTIMEZONE}BEGIN:VEVENT\r\n"),
        1,
    );
    let t = &texts(reader(order, audience)).booking;
    let file_name = match method {
        InvitationMethod::Request => t.invitation_file,
        InvitationMethod::Cancel => t.cancellation_file,
    };
    Invitation {
        method,
        file_name: file_name.to_owned(),
        calendar: content,
    }
}

fn reader(order: &Order, audience: Audience) -> Language {
    match audience {
        Audience::Customer => order.details.language,
        Audience::Trainers => Language::Fi,
    }
}

/// The title: the workshop and its provider, then the organisation where it fits (the
/// trainers' calendar; the customer's is their own organisation's).
pub fn summary(order: &Order, audience: Audience) -> String {
    let d = &order.details;
    let title = (texts(reader(order, audience)).package)(d.package).calendar_title;
    let with_organization = format!("{title} – {}", d.organization);
    match audience {
        Audience::Trainers if with_organization.chars().count() <= MAX_SUMMARY_CHARS => {
            with_organization
        }
        _ => title.to_owned(),
    }
}

/// What people look for on the day: the reference, who leads it, whom to call and how to
/// change; the trainers' note; what to prepare.
fn description(
    order: &Order,
    booking: &Booking,
    context: &BookingEmails,
    audience: Audience,
) -> String {
    let d = &order.details;
    let mut lines = Vec::new();
    match audience {
        Audience::Customer => {
            let (t, customer) = (&texts(d.language).booking, &texts(d.language).customer);
            lines.push(format!("{}: {}", customer.reference, order.reference));
            lines.push(format!("{}: {}", t.trainers, booking.trainers.join(", ")));
            lines.push(match context.phone {
                Some(phone) => fill(t.calendar_changes, &[("phone", phone)]),
                None => t.reach.to_owned(),
            });
        }
        Audience::Trainers => {
            let labels = &texts(Language::Fi).labels;
            lines.push(format!("{}: {}", labels.organization, d.organization));
            let mut contact = format!("{}: {}", labels.contact_name, d.contact_name);
            if let Some(phone) = &d.phone {
                contact.push_str(&format!(", {}", phone.as_str()));
            }
            lines.push(contact);
            lines.push(format!("{}: {}", TRAINER.reference, order.reference));
            lines.push(format!(
                "{}: {}",
                TRAINER.trainers,
                booking.trainers.join(", ")
            ));
        }
    }
    let language = reader(order, audience);
    let t = &texts(language).booking;
    if let Some(note) = &booking.note {
        lines.push(format!("{}: {note}", t.note));
    }
    if let (false, Some(reason)) = (booking.is_booked(), &booking.reason) {
        lines.push(format!("{}: {reason}", t.reason));
    }
    let mut description = lines.join("\n");
    if booking.is_booked() && audience == Audience::Customer {
        description.push_str(&format!("\n\n{}\n{}", t.prepare_heading, prepare(order)));
    }
    description
}

/// The workshop as an event: when and where, who invites whom, what to prepare.
fn event(order: &Order, booking: &Booking, context: &BookingEmails, audience: Audience) -> Event {
    let d = &order.details;
    let mut organizer = Property::new("ORGANIZER", format!("mailto:{}", context.organizer));
    organizer.add_parameter("CN", &parameter(context.organizer_name));
    let status = match booking.is_booked() {
        true => "CONFIRMED",
        false => "CANCELLED",
    };
    let mut event = Event::new();
    event
        .uid(&format!("order-{}@some-tyopajat", order.order_id))
        .sequence(booking.sequence)
        .add_property("DTSTAMP", utc(context.now))
        .append_property(zoned("DTSTART", booking.start))
        .append_property(zoned("DTEND", booking.end))
        .summary(&summary(order, audience))
        .location(&booking.place)
        .description(&description(order, booking, context, audience))
        .add_property("STATUS", status)
        .append_property(organizer);
    // The trainers who lead it, as the roster spells them: they arranged it, so accepted.
    for name in &booking.trainers {
        if let Some(trainer) = context.roster.iter().find(|t| &t.name == name) {
            let email = trainer.email.as_str();
            event.append_multi_property(attendee(email, &trainer.name, "CHAIR", "ACCEPTED"));
        }
    }
    let customer = attendee(
        d.email.as_str(),
        &d.contact_name,
        "REQ-PARTICIPANT",
        "NEEDS-ACTION",
    );
    event.append_multi_property(customer);
    event.done()
}

/// An `ATTENDEE` whose answer nobody waits for (`RSVP=FALSE`).
fn attendee(email: &str, name: &str, role: &str, partstat: &str) -> Property {
    let mut attendee = Property::new("ATTENDEE", format!("mailto:{email}"));
    attendee
        .add_parameter("CN", &parameter(name))
        .add_parameter("ROLE", role)
        .add_parameter("PARTSTAT", partstat)
        .add_parameter("RSVP", "FALSE");
    attendee
}

/// What the customer prepares: the room's equipment and the chosen channels' apps.
pub(super) fn prepare(order: &Order) -> String {
    let d = &order.details;
    let t = &texts(d.language).booking;
    let channels: Vec<&str> = d.channels.iter().map(|c| c.display_name()).collect();
    if channels.is_empty() {
        return t.prepare_no_channels.to_owned();
    }
    let channels = crate::texts::all_of(&channels, d.language);
    crate::texts::fill(t.prepare, &[("channels", &channels)])
}
