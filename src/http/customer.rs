//! The customer's own page of their order (`/order`) and its calendar download
//! (`/order/calendar.ics`), opened by the signed link in every customer email. GET only shows:
//! mail scanners open every link. A refused link gets a plain page in the reader's language
//! (`Accept-Language`: a refused token names no order) and nothing of any order.

use askama::Template;
use lambda_http::http::{HeaderValue, Method, StatusCode, header};
use lambda_http::{Body, Request, RequestExt, Response};

use super::app::App;
use super::booking_view::BOOKING_PAGE_POLICY;
use super::invoicing_view::{InvoicingSection, invoicing_section};
use super::response::{page_response, refusal_page, response};
use crate::domain::{
    Delivery, Field, FieldError, InvoiceChannel, Language, MAX_PREFERRED_DATES, Order,
    format_amount, helsinki,
};
use crate::intake::CustomerPageError;
use crate::texts::{
    OrderPage, cancellation_line, cancellation_terms, date_with_weekday, fill, package_name, texts,
    when,
};

pub const ORDER_PAGE_PATH: &str = "/order";
pub const ORDER_CALENDAR_PATH: &str = "/order/calendar.ics";

#[derive(Template)]
#[template(path = "order_page.html")]
struct OrderPageHtml<'a> {
    lang: &'a str,
    t: &'a OrderPage,
    reference: String,
    status: Vec<String>,
    calendar: Option<String>,
    /// What was done, or why not.
    message: Option<&'a str>,
    /// The cancel form while the workshop is ahead: the booking's sequence, the terms' line.
    cancel: Option<(u32, String)>,
    /// The form asking for another date while the workshop is ahead.
    request: Option<RequestForm>,
    token: &'a str,
    details: Vec<(&'static str, String)>,
    /// The contact line around the phone, which is a `tel:` link: before, (number, link), after.
    contact: (String, Option<(String, String)>, String),
    terms: Option<String>,
    invoicing: InvoicingSection,
}

/// The form asking for another date.
struct RequestForm {
    /// The booking's sequence (0: none yet).
    sequence: u32,
    /// Each date input's id and label.
    inputs: Vec<(String, String)>,
    /// The first day a date may be (tomorrow).
    first_day: String,
}

/// `/order` and `/order/calendar.ics`: GET (and HEAD) only.
pub async fn handle(
    app: &App,
    request: &Request,
    language: Language,
    calendar: bool,
) -> Response<Body> {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        let mut refused = refusal(StatusCode::METHOD_NOT_ALLOWED, language, false);
        (refused.headers_mut()).insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return refused;
    }
    let query = request.query_string_parameters();
    let token = query.first("token").unwrap_or_default();
    let order = match app.customer.show(token).await {
        Ok(order) => order,
        Err(error) => return refused(&error, language),
    };
    if calendar {
        return calendar_file(app, &order, language);
    }
    let t = &texts(order.details.language).order_page;
    let done = match query.first("done") {
        Some("cancelled") => Some(t.done_cancelled),
        Some("requested") => Some(t.done_requested),
        Some("invoicing") => Some(t.done_invoicing),
        _ => None,
    };
    page_with(app, &order, token, StatusCode::OK, done)
}

pub(super) fn refused(error: &CustomerPageError, language: Language) -> Response<Body> {
    tracing::info!(error = %error, "customer link refused");
    match error {
        CustomerPageError::Store(_) => refusal(StatusCode::SERVICE_UNAVAILABLE, language, true),
        CustomerPageError::NotConfigured => refusal(StatusCode::NOT_FOUND, language, false),
        CustomerPageError::TooMany(_) => {
            let t = &texts(language).order_page;
            refusal_with(StatusCode::TOO_MANY_REQUESTS, language, t.too_many_today)
        }
        _ => refusal(StatusCode::FORBIDDEN, language, false),
    }
}

fn refusal(status: StatusCode, language: Language, unavailable: bool) -> Response<Body> {
    let t = &texts(language).order_page;
    let message = if unavailable {
        t.unavailable
    } else {
        t.refused
    };
    refusal_with(status, language, message)
}

/// A plain page in `language` with this message and nothing of any order.
pub(super) fn refusal_with(
    status: StatusCode,
    language: Language,
    message: &str,
) -> Response<Body> {
    let t = &texts(language).order_page;
    let (lang, title) = (language.code(), t.refused_title);
    refusal_page(status, lang, title, message, BOOKING_PAGE_POLICY)
}

/// Where the order stands, newest last: received, its confirmation, its booking.
fn status(order: &Order, t: &OrderPage) -> Vec<String> {
    let language = order.details.language;
    let received = helsinki().to_datetime(order.created_at).date();
    let mut lines = vec![fill(
        t.received,
        &[("date", &date_with_weekday(received, language))],
    )];
    lines.push(match order.customer_email() {
        Delivery::Unverified | Delivery::Held { .. } => t.confirmation_waiting.to_owned(),
        _ => t.confirmation_sent.to_owned(),
    });
    lines.push(match &order.booking {
        None => t.booking_none.to_owned(),
        Some(booking) if !booking.is_booked() => t.booking_cancelled.to_owned(),
        Some(booking) => {
            let when = when(booking.start, booking.end, language);
            let booked = fill(
                t.booking_booked,
                &[("when", &when), ("place", &booking.place)],
            );
            let trainers = booking.trainers.join(", ");
            format!(
                "{booked} {}",
                fill(t.booking_trainers, &[("trainers", &trainers)])
            )
        }
    });
    lines.extend(invoice_lines(order, t));
    if let Some(request) = &order.change_request {
        let at = date_with_weekday(helsinki().to_datetime(request.at).date(), language);
        lines.push(fill(t.request_pending, &[("at", &at)]));
    }
    lines
}

/// The order's invoices: the latest credit note, then the current invoice.
fn invoice_lines(order: &Order, t: &OrderPage) -> Vec<String> {
    let day = |date: jiff::civil::Date| date.strftime("%-d.%-m.%Y").to_string();
    let invoicing = &order.invoicing;
    let mut lines = Vec::new();
    if let Some(credit) = &invoicing.credited {
        let (number, original) = (credit.number.to_string(), credit.original.to_string());
        let values = [
            ("original", &*original),
            ("date", &day(credit.date)),
            ("number", &number),
        ];
        lines.push(fill(t.credited, &values));
    }
    if let Some(invoice) = &invoicing.current {
        let number = invoice.number.to_string();
        let reference = invoice.reference_number();
        let values = [
            ("date", day(invoice.date)),
            ("number", number),
            ("due", day(invoice.due_date)),
            ("reference", reference),
        ];
        let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut line = fill(t.invoiced, &values);
        if let Some(cents) = invoice.gross_cents {
            let amount = format_amount(cents, order.details.language);
            line = format!("{line} {}", fill(t.invoiced_amount, &[("amount", &amount)]));
        }
        match invoice.channel {
            Some(InvoiceChannel::EInvoice) => line = format!("{line} {}", t.invoiced_einvoice),
            Some(InvoiceChannel::Paper) => line = format!("{line} {}", t.invoiced_paper),
            None => {}
        }
        lines.push(line);
    }
    lines
}

/// The form asking for another date, until the workshop starts.
fn request_form(app: &App, order: &Order) -> Option<RequestForm> {
    let now = app.customer.now();
    let booking = order.booking.as_ref();
    if booking.is_some_and(|b| b.is_booked() && b.start_utc() <= now) {
        return None;
    }
    let t = &texts(order.details.language).order_page;
    let tomorrow = helsinki().to_datetime(now).date().tomorrow().ok()?;
    let sequence = booking.map_or(0, |b| b.sequence);
    Some(RequestForm {
        sequence,
        inputs: date_inputs(t),
        first_day: tomorrow.to_string(),
    })
}

/// The cancel form while the workshop is ahead (cancelling is the customer's until it starts):
/// the booking's sequence, and what the terms charge when.
fn cancel_form(app: &App, order: &Order) -> Option<(u32, String)> {
    let language = order.details.language;
    let booking = (order.booking.as_ref()).filter(|b| b.is_booked())?;
    if booking.start_utc() <= app.customer.now() {
        return None;
    }
    let (terms, net, now) = (
        app.customer.terms(),
        order.price.net_cents,
        app.customer.now(),
    );
    let terms_line = cancellation_line(terms, booking.start, net, now, language);
    Some((booking.sequence, terms_line))
}

/// The order's page again after an action that was not done: `why` gives the status and the
/// message, in the order's language.
pub(super) async fn page_again(
    app: &App,
    token: &str,
    language: Language,
    why: impl FnOnce(&'static OrderPage) -> (StatusCode, &'static str),
) -> Response<Body> {
    let order = match app.customer.show(token).await {
        Ok(order) => order,
        Err(error) => return refused(&error, language),
    };
    let (status, message) = why(&texts(order.details.language).order_page);
    page_with(app, &order, token, status, Some(message))
}

/// The page, with a message at the top (what was done, or why not).
pub(super) fn page_with(
    app: &App,
    order: &Order,
    token: &str,
    status_code: StatusCode,
    message: Option<&str>,
) -> Response<Body> {
    page_with_invoicing(app, order, token, status_code, message, None, &[])
}

/// The page, its invoicing form filled from what was posted, with the form's mistakes.
pub(super) fn page_with_invoicing(
    app: &App,
    order: &Order,
    token: &str,
    status_code: StatusCode,
    message: Option<&str>,
    given: Option<&[(Field, String)]>,
    errors: &[FieldError],
) -> Response<Body> {
    let d = &order.details;
    let t = &texts(d.language).order_page;
    let seller = app.customer.seller();
    let phone = seller.map(|s| (s.phone.as_str().to_owned(), s.phone.tel_uri()));
    let booked = order.booking.as_ref().filter(|b| b.is_booked());
    let cancel = cancel_form(app, order);
    let request = request_form(app, order);
    let html = OrderPageHtml {
        lang: d.language.code(),
        t,
        reference: order.reference.to_string(),
        status: status(order, t),
        calendar: booked.map(|_| format!("order/calendar.ics?token={token}")),
        message,
        cancel,
        request,
        token,
        details: details(app, order),
        contact: match phone {
            Some(phone) => {
                let (before, after) = t.contact.split_once("{phone}").unwrap_or((t.contact, ""));
                (before.to_owned(), Some(phone), after.to_owned())
            }
            None => (t.contact_no_phone.to_owned(), None, String::new()),
        },
        terms: seller.map(|s| {
            let sentence = cancellation_terms(app.customer.terms(), d.language);
            format!("{sentence} {}", s.terms_in(d.language))
        }),
        invoicing: invoicing_section(order, given, errors),
    };
    page_response(
        status_code,
        html.render().unwrap_or_default(),
        BOOKING_PAGE_POLICY,
    )
}

/// The order as the customer gave it: the reference, package and organisation, the dates
/// they wished, and the rest as their confirmation lists it.
fn details(app: &App, order: &Order) -> Vec<(&'static str, String)> {
    let d = &order.details;
    let customer = &texts(d.language).customer;
    let package = package_name(d.package, d.language).to_owned();
    let mut details = vec![
        (customer.reference, order.reference.to_string()),
        (customer.package, package),
        (customer.organization, d.organization.clone()),
    ];
    if !d.preferred_dates.is_empty() {
        let dates: Vec<String> = (d.preferred_dates.iter())
            .map(|date| date_with_weekday(*date, d.language))
            .collect();
        details.push((customer.dates, dates.join(", ")));
    }
    details.extend(app.customer.details(order));
    details
}

/// The booking's invitation as a file to open; 404 before anything is booked.
fn calendar_file(app: &App, order: &Order, language: Language) -> Response<Body> {
    let Some(invitation) = app.customer.calendar(order) else {
        return refusal(StatusCode::NOT_FOUND, language, false);
    };
    let mut file = response(
        StatusCode::OK,
        "text/calendar; charset=utf-8",
        invitation.calendar,
    );
    let disposition = format!("attachment; filename=\"{}\"", invitation.file_name);
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        file.headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    file
}

/// The request's date inputs: their ids and labels, `MAX_PREFERRED_DATES` of them.
fn date_inputs(t: &OrderPage) -> Vec<(String, String)> {
    (1..=MAX_PREFERRED_DATES)
        .map(|n| {
            let label = fill(t.request_date, &[("n", &n.to_string())]);
            (format!("date{n}"), label)
        })
        .collect()
}
