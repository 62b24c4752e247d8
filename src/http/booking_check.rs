//! The booking page's check step: before anything goes to the customer, the trainer sees the
//! email as the customer will get it, in the customer's language, with the address it goes to
//! and whether mail to it has arrived; one button then sends it (the same form, `checked=1`).

use askama::Template;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

use super::booking_view::{BOOKING_PAGE_POLICY, booking_line};
use super::response::page_response;
use crate::domain::{Language, Order, Outcome};
use crate::intake::BookingAction;
use crate::texts::{BOOKING_PAGE, BookingPageTexts, fill};

struct CheckView {
    organization: String,
    booking: String,
    in_language: String,
    subject: String,
    text: String,
    address: String,
    /// A failed delivery to the address before: what to do about it.
    warning: Option<&'static str>,
    /// The form again, as checked: name and value, each a hidden field.
    fields: Vec<(&'static str, String)>,
    back: String,
}

#[derive(Template)]
#[template(path = "booking_check.html")]
struct CheckPage<'a> {
    t: &'a BookingPageTexts,
    view: &'a CheckView,
}

/// How the customer reads: `suomeksi`, `ruotsiksi`, `englanniksi`.
fn in_language(language: Language) -> &'static str {
    match language {
        Language::Fi => "suomeksi",
        Language::Sv => "ruotsiksi",
        Language::En => "englanniksi",
    }
}

/// What mail to the customer's address did before: a bounce or a complaint is a warning.
fn warning(order: &Order) -> Option<&'static str> {
    let outcomes = [
        order.reports.customer_outcome,
        order.reports.booking_outcome,
    ];
    match outcomes.into_iter().flatten().max_by_key(|o| o.rank()) {
        Some(Outcome::Complained) => Some(BOOKING_PAGE.check_complained),
        Some(outcome) if outcome.is_failure() => Some(BOOKING_PAGE.check_bounced),
        _ => None,
    }
}

/// The form as checked: what the booking became (the worked-out end, the chosen place), so
/// that what is sent is what was shown.
fn fields(
    order: &Order,
    token: &str,
    sequence: u32,
    action: &BookingAction,
) -> Vec<(&'static str, String)> {
    let mut fields = vec![
        ("token", token.to_owned()),
        ("sequence", sequence.to_string()),
        ("checked", "1".to_owned()),
    ];
    let hhmm = |t: jiff::civil::DateTime| t.strftime("%H:%M").to_string();
    match (action, order.booking.as_ref()) {
        (BookingAction::Cancel { reason }, _) => {
            fields.extend([("action", "cancel".to_owned()), ("reason", reason.clone())]);
        }
        (BookingAction::Book(_), Some(booking)) => {
            fields.extend([
                ("action", "book".to_owned()),
                ("date", booking.start.date().to_string()),
                ("start", hhmm(booking.start)),
                ("end", hhmm(booking.end)),
                ("place", booking.place.clone()),
                ("note", booking.note.clone().unwrap_or_default()),
            ]);
            fields.extend(
                booking
                    .trainers
                    .iter()
                    .map(|name| ("trainer", name.clone())),
            );
        }
        (BookingAction::Book(_), None) => {}
    }
    fields
}

/// The check step for `order` as it would stand, with the customer's email (subject, text) as
/// it would go.
pub(super) fn page(
    order: &Order,
    (subject, text): (&str, &str),
    token: &str,
    sequence: u32,
    action: &BookingAction,
) -> Response<Body> {
    let d = &order.details;
    let mut back = url::form_urlencoded::Serializer::new(String::new());
    back.append_pair("token", token);
    let view = CheckView {
        organization: d.organization.clone(),
        booking: booking_line(order.booking.as_ref()),
        in_language: fill(
            BOOKING_PAGE.check_intro,
            &[("language", in_language(d.language))],
        ),
        subject: subject.to_owned(),
        text: text.to_owned(),
        address: d.email.to_string(),
        warning: warning(order),
        fields: fields(order, token, sequence, action),
        back: format!("booking?{}", back.finish()),
    };
    let html = CheckPage {
        t: &BOOKING_PAGE,
        view: &view,
    }
    .render()
    .unwrap_or_default();
    page_response(StatusCode::OK, html, BOOKING_PAGE_POLICY)
}
