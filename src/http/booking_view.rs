//! The booking page as the trainers see it: the order's summary and the form, filled from the
//! booking (or from the order), rendered by askama (templates/booking_page.html).

use askama::Template;
use jiff::civil::Date;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

use super::app::App;
use super::response::page_response;
use crate::domain::{Booking, BookingProblem, Delivery, Field, Language, Order};
use crate::texts::{
    BOOKING_PAGE, BookingPageTexts, TRAINER, date_with_weekday, fill, label, received_at, when,
};

/// A label, its value and where it links (`tel:`, `mailto:`).
type Row = (&'static str, String, Option<String>);

pub(super) struct PageView {
    pub(super) organization: String,
    pub(super) token: String,
    /// The page's own address, relative: the forms post back to it.
    pub(super) action: &'static str,
    pub(super) sequence: u32,
    pub(super) booked: bool,
    pub(super) status: String,
    pub(super) message: Option<String>,
    pub(super) message_class: &'static str,
    /// What is wrong, each with the field it is about (its element's id), GOV.UK style: a
    /// summary linking to each field, the message again by the field, `aria-invalid`.
    pub(super) errors: Vec<(Option<&'static str>, &'static str)>,
    pub(super) rows: Vec<Row>,
    /// The preferred dates as quick choices: value, label, chosen.
    pub(super) dates: Vec<(String, String, bool)>,
    pub(super) other_date: String,
    pub(super) start: String,
    pub(super) end: String,
    pub(super) place: String,
    pub(super) place_offer: Option<String>,
    pub(super) trainers: Vec<(String, bool)>,
    pub(super) note: String,
    pub(super) reason: String,
    /// Why the customer's confirmation waits for a person, if it does: the page offers to
    /// send it.
    pub(super) waiting: Option<&'static str>,
    /// The latest booking email (with its invitation) did not arrive.
    pub(super) booking_undelivered: Option<&'static str>,
    /// The customer's request for another date, until the trainers act on the booking.
    pub(super) change_request: Option<String>,
}

/// What the page lets a form do: post to itself, nothing else.
pub(super) const BOOKING_PAGE_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
                                   base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

#[derive(Template)]
#[template(path = "booking_page.html")]
struct BookingPage<'a> {
    t: &'a BookingPageTexts,
    view: &'a PageView,
}

pub(super) fn render(status: StatusCode, view: &PageView) -> Response<Body> {
    let page = BookingPage {
        t: &BOOKING_PAGE,
        view,
    };
    page_response(
        status,
        page.render().unwrap_or_default(),
        BOOKING_PAGE_POLICY,
    )
}

pub(super) fn problem_text(problem: BookingProblem) -> &'static str {
    let t = &BOOKING_PAGE;
    match problem {
        BookingProblem::DateMissing => t.date_missing,
        BookingProblem::DateInvalid => t.date_invalid,
        BookingProblem::DateInPast => t.date_in_past,
        BookingProblem::StartInvalid => t.start_invalid,
        BookingProblem::EndInvalid => t.end_invalid,
        BookingProblem::EndNotAfterStart => t.end_not_after_start,
        BookingProblem::PlaceMissing => t.place_missing,
        BookingProblem::PlaceInvalid => t.place_invalid,
        BookingProblem::TrainersMissing => t.trainers_missing,
        BookingProblem::TrainerUnknown => t.trainer_unknown,
        BookingProblem::NoteInvalid => t.note_invalid,
        BookingProblem::ReasonInvalid => t.reason_invalid,
        BookingProblem::TooManyChanges => t.too_many_changes,
        BookingProblem::AlreadyStarted => t.already_started,
    }
}

/// The field a problem is about, by its element's id (`date_field`: the first quick choice, or
/// the other date when that is where the day was typed); `None` for what no field can fix.
pub(super) fn problem_field(
    problem: BookingProblem,
    date_field: &'static str,
) -> Option<&'static str> {
    Some(match problem {
        BookingProblem::DateMissing | BookingProblem::DateInvalid | BookingProblem::DateInPast => {
            date_field
        }
        BookingProblem::StartInvalid => "start",
        BookingProblem::EndInvalid | BookingProblem::EndNotAfterStart => "end",
        BookingProblem::PlaceMissing | BookingProblem::PlaceInvalid => "place",
        BookingProblem::TrainersMissing | BookingProblem::TrainerUnknown => "trainer",
        BookingProblem::NoteInvalid => "note",
        BookingProblem::ReasonInvalid => "reason",
        BookingProblem::TooManyChanges | BookingProblem::AlreadyStarted => return None,
    })
}

impl PageView {
    /// The message by a field, if it has one.
    pub(super) fn error_for(&self, field: &str) -> Option<&'static str> {
        (self.errors.iter())
            .find(|(at, _)| *at == Some(field))
            .map(|(_, message)| *message)
    }

    /// `aria-invalid` and the ids that describe a field: its hint, and its error if any.
    pub(super) fn described(&self, field: &str, hint: &str) -> String {
        let error = self.error_for(field).map(|_| format!("{field}-error"));
        let ids: Vec<String> = [
            Some(hint.to_owned()).filter(|h| !h.is_empty()),
            error.clone(),
        ]
        .into_iter()
        .flatten()
        .collect();
        let mut attributes = String::new();
        if !ids.is_empty() {
            attributes.push_str(&format!(" aria-describedby=\"{}\"", ids.join(" ")));
        }
        if error.is_some() {
            attributes.push_str(" aria-invalid=\"true\"");
        }
        attributes
    }
}

/// `Varattu: ti 30.3.2027 klo 9.00–11.00, Kunnantalo (Pilvi Nummi)`.
pub(super) fn booking_line(booking: Option<&Booking>) -> String {
    let t = &BOOKING_PAGE;
    let Some(b) = booking else {
        return t.status_none.to_owned();
    };
    let state = if b.is_booked() {
        t.status_booked
    } else {
        t.status_cancelled
    };
    format!(
        "{state}: {}, {} ({})",
        when(b.start, b.end, Language::Fi),
        b.place,
        b.trainers.join(", ")
    )
}

/// Who wrote the booking as it stands, and when: a trainer by name, or the operator (a booking
/// from before sign-ins was written by a link, which names nobody).
fn who_changed(booking: &Booking, roster: &[String]) -> Option<String> {
    let who = match booking.changed_by.as_str() {
        crate::intake::BY_OPERATOR => BOOKING_PAGE.by_operator,
        name if roster.iter().any(|r| r == name) => name,
        _ => return None,
    };
    let at = booking
        .changed_at
        .to_zoned_datetime(crate::domain::helsinki());
    let when = format!(
        "{} klo {}",
        at.strftime("%-d.%-m.%Y"),
        at.strftime("%-H.%M")
    );
    Some(fill(
        BOOKING_PAGE.changed_by,
        &[("who", who), ("when", &when)],
    ))
}

fn date_label(date: Date) -> String {
    date_with_weekday(date, Language::Fi)
}

fn hhmm(time: jiff::civil::Time) -> String {
    time.strftime("%H:%M").to_string()
}

/// The page for an order: its summary, and the form filled with the booking, or empty: the
/// preferred dates and the order's place are offered as choices, none chosen.
pub(super) fn page_view(app: &App, order: &Order, token: &str) -> PageView {
    let d = &order.details;
    let booking = order.booking.as_ref();
    let booked = booking.is_some_and(Booking::is_booked);
    let (dates, other_date) = date_choices(order);
    let roster = app.book.roster();
    PageView {
        organization: d.organization.clone(),
        token: token.to_owned(),
        action: "booking",
        sequence: booking.map_or(0, |b| b.sequence),
        booked,
        status: match booking.and_then(|b| who_changed(b, roster)) {
            Some(who) => format!("{} – {who}", booking_line(booking)),
            None => booking_line(booking),
        },
        message: None,
        message_class: "",
        errors: Vec::new(),
        rows: summary_rows(order),
        dates,
        other_date,
        start: booking.map_or(String::new(), |b| hhmm(b.start.time())),
        end: booking.map_or(String::new(), |b| hhmm(b.end.time())),
        place: booking.map_or(String::new(), |b| b.place.clone()),
        // The order's place, offered to confirm (not filled in).
        place_offer: d.location.clone().filter(|_| booking.is_none()),
        trainers: (roster.iter())
            .map(|name| {
                (
                    name.clone(),
                    booking.is_some_and(|b| b.trainers.contains(name)),
                )
            })
            .collect(),
        note: booking.and_then(|b| b.note.clone()).unwrap_or_default(),
        reason: String::new(),
        waiting: match order.customer_email() {
            Delivery::Unverified => Some(BOOKING_PAGE.waiting_unverified),
            Delivery::Held { .. } => Some(BOOKING_PAGE.waiting_held),
            _ => None,
        },
        booking_undelivered: (order.reports.booking_outcome)
            .filter(|outcome| outcome.is_failure())
            .map(|_| BOOKING_PAGE.booking_undelivered),
        change_request: order.change_request.as_ref().map(request_line),
    }
}

/// The dates offered as quick choices (a pending request's first: the customer's latest
/// wishes, then the order's), which one the booking has, and the booking's date if it is none
/// of them. Nothing is chosen that the trainer did not choose: wishes are not a default.
fn date_choices(order: &Order) -> (Vec<(String, String, bool)>, String) {
    let chosen = order.booking.as_ref().map(|b| b.start.date());
    let mut wished: Vec<Date> = (order.change_request.iter())
        .flat_map(|r| r.dates.iter().copied())
        .collect();
    let earlier: Vec<Date> = (order.details.preferred_dates.iter())
        .filter(|date| !wished.contains(date))
        .copied()
        .collect();
    wished.extend(earlier);
    let dates = (wished.iter())
        .map(|date| (date.to_string(), date_label(*date), Some(*date) == chosen))
        .collect();
    let other_date = match chosen {
        Some(date) if !wished.contains(&date) => date.to_string(),
        _ => String::new(),
    };
    (dates, other_date)
}

/// The customer's pending request, as the page says it.
fn request_line(request: &crate::domain::ChangeRequest) -> String {
    let at = received_at(request.at.to_zoned_datetime(crate::domain::helsinki()));
    let mut rest = Vec::new();
    if !request.dates.is_empty() {
        let dates: Vec<String> = request.dates.iter().map(|d| date_label(*d)).collect();
        rest.push(format!("{}: {}.", TRAINER.request_dates, dates.join(", ")));
    }
    if let Some(message) = &request.message {
        rest.push(format!("{}: {message}", TRAINER.request_message));
    }
    fill(
        TRAINER.request_page,
        &[("at", &at), ("rest", &rest.join(" "))],
    )
}

/// The order as the trainers plan with it.
fn summary_rows(order: &Order) -> Vec<Row> {
    let d = &order.details;
    let fi = Language::Fi;
    let plain = |field: Field, value: String| (label(field, fi), value, None);
    let mut rows = vec![
        plain(Field::Organization, d.organization.clone()),
        plain(
            Field::Package,
            crate::texts::package_name(d.package, fi).to_owned(),
        ),
        (
            label(Field::ContactName, fi),
            d.contact_name.clone(),
            Some(d.email.mailto_uri()),
        ),
    ];
    if let Some(phone) = &d.phone {
        let href = Some(phone.tel_uri());
        rows.push((label(Field::Phone, fi), phone.as_str().to_owned(), href));
    }
    let dates: Vec<String> = d.preferred_dates.iter().map(|x| date_label(*x)).collect();
    rows.push((
        BOOKING_PAGE.preferred_dates,
        or_dash(dates.join(", ")),
        None,
    ));
    rows.push(plain(
        Field::Location,
        or_dash(d.location.clone().unwrap_or_default()),
    ));
    rows.push(plain(
        Field::Participants,
        or_dash(
            d.participants
                .map(|p| p.get().to_string())
                .unwrap_or_default(),
        ),
    ));
    let channels: Vec<&str> = d.channels.iter().map(|c| c.display_name()).collect();
    rows.push(plain(Field::Channels, or_dash(channels.join(", "))));
    rows.push(plain(
        Field::Message,
        or_dash(d.message.clone().unwrap_or_default()),
    ));
    rows.push((
        crate::texts::TRAINER.reference,
        order.reference.to_string(),
        None,
    ));
    rows
}

fn or_dash(text: String) -> String {
    if text.trim().is_empty() {
        "–".to_owned()
    } else {
        text
    }
}
