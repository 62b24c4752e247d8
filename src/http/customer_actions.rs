//! The customer's actions from their own page: POST only from the page itself, counted per
//! source, each first a check step, then (with `checked=1`) done. Cancelling shows what the
//! terms charge today and the booking page's use case carries it out by `customer`, recording
//! its fee; asking for another date is `customer_request`'s.

use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, RequestExt, Response};

use super::app::App;
use super::booking::{Posted, from_own_page};
use super::customer::refusal_with;
use super::customer_check::{CheckPage, page_link};
use super::response::see_other;
use super::source::source_address;
use crate::domain::{BookingProblem, Language, Order, fee_cents, format_amount};
use crate::intake::{BookingOutcome, Deadline};
use crate::texts::{OrderPage, date_with_weekday, fee_vat_words, fill, texts, when};

/// What cancelling at the check step costs: free, or the fee (the booking as it would stand
/// carries its share) with the day free cancellation ended.
fn fee_line(app: &App, order: &Order, t: &OrderPage) -> String {
    let language = order.details.language;
    let Some(booking) = order.booking.as_ref() else {
        return String::new();
    };
    match booking.fee_percent.unwrap_or(0) {
        0 => t.check_free.to_owned(),
        percent => {
            let fee = format_amount(fee_cents(order.price.net_cents, percent), language);
            let ended = app.customer.terms().free_until(booking.start);
            let ended = date_with_weekday(ended, language);
            let percent = percent.to_string();
            let vat = fee_vat_words(app.customer.terms().fee_vat, language);
            fill(
                t.check_fee,
                &[
                    ("fee", &fee),
                    ("percent", &percent),
                    ("date", &ended),
                    ("vat", vat),
                ],
            )
        }
    }
}

pub(super) async fn act(app: &App, request: &Request, language: Language) -> Response<Body> {
    let t = &texts(language).order_page;
    if !from_own_page(app, request.headers()) {
        tracing::info!("customer page post refused: not from the page");
        return refusal_with(StatusCode::FORBIDDEN, language, t.cross_site);
    }
    let body: &[u8] = match request.body() {
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => &[],
    };
    match app.customer.count_post(&source_address(request)).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!("customer page post refused: over the source's hourly limit");
            return refusal_with(StatusCode::TOO_MANY_REQUESTS, language, t.too_many);
        }
        Err(error) => return super::customer::refused(&error, language),
    }
    let Some(posted) = Posted::parse(body) else {
        return refusal_with(StatusCode::BAD_REQUEST, language, t.refused);
    };
    let Ok(sequence) = posted.get("sequence").parse::<u32>() else {
        return refusal_with(StatusCode::BAD_REQUEST, language, t.refused);
    };
    let deadline = request.lambda_context_ref().map_or(Deadline::none(), |c| {
        Deadline::from_epoch_millis(c.deadline)
    });
    match posted.get("action").as_str() {
        "cancel" => cancel(app, &posted, sequence, language, deadline).await,
        "request" => super::customer_request::ask(app, &posted, sequence, language, deadline).await,
        "invoicing" => super::customer_invoicing::correct(app, &posted, language, deadline).await,
        _ => refusal_with(StatusCode::BAD_REQUEST, language, t.refused),
    }
}

/// Cancelling: the check step, or (checked) the cancellation.
async fn cancel(
    app: &App,
    posted: &Posted,
    sequence: u32,
    language: Language,
    deadline: Deadline,
) -> Response<Body> {
    let (token, reason) = (posted.get("token"), posted.get("reason"));
    let checked = match (app.customer)
        .check_cancel(&token, sequence, &reason, unsaid)
        .await
    {
        Ok(Ok(order)) => order,
        Ok(Err(outcome)) => return not_done(app, &token, &outcome, language).await,
        Err(error) => return super::customer::refused(&error, language),
    };
    let fee = checked.booking.as_ref().and_then(|b| b.fee_percent);
    let shown = posted.get("fee_percent").parse::<u32>().ok();
    if posted.get("checked") != "1" || shown != fee {
        // First the check step; again if its fee is no longer today's (free cancellation
        // ended meanwhile, at midnight): what is charged is what the customer confirmed.
        let changed = posted.get("checked") == "1";
        return check_page(app, &checked, &token, sequence, reason, changed);
    }
    match app
        .customer
        .cancel(&token, sequence, &reason, unsaid, deadline)
        .await
    {
        Ok(BookingOutcome::Done(_)) => see_other(&page_link(&token, Some("cancelled"))),
        Ok(outcome) => not_done(app, &token, &outcome, language).await,
        Err(error) => super::customer::refused(&error, language),
    }
}

/// A cancellation's reason when the customer wrote none.
fn unsaid(language: Language) -> &'static str {
    texts(language).order_page.cancel_reason_default
}

/// The check step: what is cancelled and what it costs, and one button that does it.
fn check_page(
    app: &App,
    order: &Order,
    token: &str,
    sequence: u32,
    reason: String,
    fee_changed: bool,
) -> Response<Body> {
    let language = order.details.language;
    let t = &texts(language).order_page;
    let mut lines = Vec::new();
    if fee_changed {
        lines.push(t.check_fee_changed.to_owned());
    }
    if let Some(booking) = order.booking.as_ref() {
        let when = when(booking.start, booking.end, language);
        lines.push(fill(t.check_cancel, &[("when", &when)]));
    }
    lines.push(fee_line(app, order, t));
    let fee = order
        .booking
        .as_ref()
        .and_then(|b| b.fee_percent)
        .unwrap_or(0);
    CheckPage {
        lang: language.code(),
        title: t.check_title,
        reference: order.reference.to_string(),
        lines,
        hidden: vec![
            ("token", token.to_owned()),
            ("sequence", sequence.to_string()),
            ("action", "cancel".to_owned()),
            ("reason", reason),
            ("fee_percent", fee.to_string()),
        ],
        danger: true,
        confirm: t.check_confirm,
        back: page_link(token, None),
        back_label: t.check_back,
    }
    .response()
}

/// Not cancelled: the workshop has started, or the booking changed meanwhile. The page again,
/// with why.
async fn not_done(
    app: &App,
    token: &str,
    outcome: &BookingOutcome,
    language: Language,
) -> Response<Body> {
    let started = |p: &Vec<BookingProblem>| p.contains(&BookingProblem::AlreadyStarted);
    let reason = |p: &Vec<BookingProblem>| p.contains(&BookingProblem::ReasonInvalid);
    super::customer::page_again(app, token, language, |t| match outcome {
        BookingOutcome::Invalid(p) if started(p) => {
            (StatusCode::UNPROCESSABLE_ENTITY, t.already_started)
        }
        BookingOutcome::Invalid(p) if reason(p) => {
            (StatusCode::UNPROCESSABLE_ENTITY, t.cancel_message_invalid)
        }
        BookingOutcome::Conflict(_) => (StatusCode::CONFLICT, t.conflict),
        _ => (StatusCode::UNPROCESSABLE_ENTITY, t.cannot_cancel),
    })
    .await
}
