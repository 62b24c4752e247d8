//! Asking for another date from the customer's own page: the check step lists what is asked,
//! then (with `checked=1`) the request is written on the order and sent to the trainers; the
//! booking stays as it is. Posted `date` (up to three, `YYYY-MM-DD`) and `message`.

use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

use super::app::App;
use super::booking::Posted;
use super::customer::refused;
use super::customer_check::{CheckPage, page_link};
use super::response::see_other;
use crate::domain::{ChangeRequest, Language, Order};
use crate::intake::{Deadline, RequestOutcome};
use crate::texts::{date_with_weekday, fill, texts};

/// The check step, or (checked) the request.
pub(super) async fn ask(
    app: &App,
    posted: &Posted,
    sequence: u32,
    language: Language,
    deadline: Deadline,
) -> Response<Body> {
    let token = posted.get("token");
    let dates = posted.all("date");
    let message = posted.get("message");
    if posted.get("checked") != "1" {
        return match (app.customer)
            .check_request(&token, sequence, &dates, &message)
            .await
        {
            Ok(Ok((order, request))) => check_page(&order, &request, &token, sequence),
            Ok(Err(outcome)) => not_done(app, &token, &outcome, language).await,
            Err(error) => refused(&error, language),
        };
    }
    match (app.customer)
        .request_change(&token, sequence, &dates, &message, deadline)
        .await
    {
        Ok(RequestOutcome::Done(_)) => see_other(&page_link(&token, Some("requested"))),
        Ok(outcome) => not_done(app, &token, &outcome, language).await,
        Err(error) => refused(&error, language),
    }
}

fn check_page(
    order: &Order,
    request: &ChangeRequest,
    token: &str,
    sequence: u32,
) -> Response<Body> {
    let language = order.details.language;
    let t = &texts(language).order_page;
    let mut lines = vec![t.check_request.to_owned()];
    if !request.dates.is_empty() {
        let dates: Vec<String> = (request.dates.iter())
            .map(|date| date_with_weekday(*date, language))
            .collect();
        lines.push(fill(t.check_request_dates, &[("dates", &dates.join(", "))]));
    }
    if let Some(message) = &request.message {
        lines.push(format!("{}: {message}", t.request_message));
    }
    let mut hidden = vec![
        ("token", token.to_owned()),
        ("sequence", sequence.to_string()),
        ("action", "request".to_owned()),
    ];
    hidden.extend(request.dates.iter().map(|date| ("date", date.to_string())));
    hidden.push(("message", request.message.clone().unwrap_or_default()));
    CheckPage {
        lang: language.code(),
        title: t.check_request_title,
        reference: order.reference.to_string(),
        lines,
        hidden,
        danger: false,
        confirm: t.check_request_confirm,
        back: page_link(token, None),
        back_label: t.check_request_back,
    }
    .response()
}

/// Not asked: the booking changed meanwhile, the workshop has started, or the fields are
/// wrong. The page again, with why.
async fn not_done(
    app: &App,
    token: &str,
    outcome: &RequestOutcome,
    language: Language,
) -> Response<Body> {
    super::customer::page_again(app, token, language, |t| match outcome {
        RequestOutcome::Conflict => (StatusCode::CONFLICT, t.conflict),
        RequestOutcome::Started => (StatusCode::UNPROCESSABLE_ENTITY, t.request_started),
        _ => (StatusCode::UNPROCESSABLE_ENTITY, t.request_invalid),
    })
    .await
}
