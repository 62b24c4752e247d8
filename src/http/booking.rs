//! The booking page (`/booking`), the trainers' own: GET only shows (mail scanners open every
//! link, some more than once), POST acts, and only from the page itself (`Origin` or
//! `Sec-Fetch-Site`), with the signed token repeated. A refused link gets a plain Finnish page.

use lambda_http::http::{HeaderMap, Method, StatusCode, header};
use lambda_http::{Body, Request, RequestExt, Response};

use super::app::{App, header_text};
use super::booking_view::{
    BOOKING_PAGE_POLICY, booking_line, page_view, problem_field, problem_text, render,
};
use super::response::{refusal_page, see_other};
use super::{booking_check, sign_in};
use crate::domain::{
    Booking, BookingChange, BookingForm, BookingProblem, LinkError, LinkGrant, Reference, WebOrigin,
};
use crate::intake::{BookingAction, BookingError, BookingOutcome, Deadline, Released};
use crate::texts::{BOOKING_PAGE, fill};

pub const BOOKING_PATH: &str = "/booking";

/// `/booking`: GET shows, POST acts, nothing else.
pub async fn handle(app: &App, request: &Request) -> Response<Body> {
    match *request.method() {
        Method::GET | Method::HEAD => show(app, request).await,
        Method::POST => act(app, request).await,
        _ => refused(StatusCode::METHOD_NOT_ALLOWED, BOOKING_PAGE.link_refused),
    }
}

fn refused(status: StatusCode, message: &str) -> Response<Body> {
    let title = BOOKING_PAGE.link_refused_title;
    refusal_page(status, "fi", title, message, BOOKING_PAGE_POLICY)
}

/// A refusal as a page: which words, which status. Nothing says which part of a token was
/// wrong, only whether it had expired.
fn refusal(error: &BookingError) -> Response<Body> {
    let t = &BOOKING_PAGE;
    match error {
        BookingError::Link(LinkError::Expired) => refused(StatusCode::FORBIDDEN, t.link_expired),
        BookingError::Link(_) => refused(StatusCode::FORBIDDEN, t.link_refused),
        BookingError::NotConfigured => refused(StatusCode::NOT_FOUND, t.link_refused),
        BookingError::NotFound(_) => refused(StatusCode::NOT_FOUND, t.not_found),
        BookingError::NothingToCancel(_) => refused(StatusCode::CONFLICT, t.status_none),
        // Logged and alarmed where it was found; the page only says to come back.
        BookingError::Sealed(_) => refused(StatusCode::CONFLICT, t.unavailable),
        BookingError::Store(cause) => {
            tracing::error!(error = %cause, "booking page: store unavailable");
            refused(StatusCode::SERVICE_UNAVAILABLE, t.unavailable)
        }
    }
}

fn query_value(request: &Request, name: &str) -> Option<String> {
    let query = request.uri().query().unwrap_or_default();
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

async fn show(app: &App, request: &Request) -> Response<Body> {
    if let Some(sign_in_token) = query_value(request, "signin") {
        return sign_in::confirm_page(app, &sign_in_token);
    }
    let token = query_value(request, "token").unwrap_or_default();
    if let Err(error) = app.book.open(&token) {
        return refusal(&error);
    }
    // The link names the order; only a signed-in trainer sees it.
    match sign_in::session_trainer(app, request).await {
        Ok(Some(_)) => {}
        Ok(None) => return sign_in::sign_in_page(app, &token, StatusCode::OK),
        Err(response) => return response,
    }
    let (_, order) = match app.book.show(&token).await {
        Ok(shown) => shown,
        Err(error) => return refusal(&error),
    };
    let done = query_value(request, "done");
    let message = match done.as_deref() {
        Some("released") => Some(BOOKING_PAGE.done_released),
        Some("not_waiting") => Some(BOOKING_PAGE.release_not_waiting),
        Some(done) => BookingChange::parse(done).map(|change| match change {
            BookingChange::Booked => BOOKING_PAGE.done_booked,
            BookingChange::Changed => BOOKING_PAGE.done_changed,
            BookingChange::Cancelled => BOOKING_PAGE.done_cancelled,
        }),
        None => None,
    };
    let mut view = page_view(app, &order, &token);
    view.message = message.map(str::to_owned);
    view.message_class = "done";
    render(StatusCode::OK, &view)
}

/// Whether a POST comes from the function's own page: a browser says where a form was posted
/// from (`Sec-Fetch-Site`, or at least `Origin`); a post that says neither is refused too.
pub(super) fn from_own_page(app: &App, headers: &HeaderMap) -> bool {
    if let Some(site) = header_text(headers, "sec-fetch-site") {
        return site == "same-origin";
    }
    let own = app.book.page_origin();
    match header_text(headers, header::ORIGIN).and_then(WebOrigin::parse) {
        Some(origin) => own.is_some_and(|own| own == origin),
        None => false,
    }
}

/// The posted form's fields (a field given twice: its first value; `trainer` may repeat).
pub(super) struct Posted(Vec<(String, String)>);

impl Posted {
    pub(super) fn parse(body: &[u8]) -> Option<Posted> {
        let text = std::str::from_utf8(body).ok()?;
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(text.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        // Invalid percent-encoded UTF-8 is replaced by the parser: refuse it instead.
        (!pairs.iter().any(|(_, v)| v.contains('\u{FFFD}'))).then_some(Posted(pairs))
    }

    pub(super) fn get(&self, name: &str) -> String {
        (self.0.iter())
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    }

    pub(super) fn all(&self, name: &str) -> Vec<String> {
        (self.0.iter())
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect()
    }

    fn booking_form(&self) -> BookingForm {
        let other = self.get("other_date");
        BookingForm {
            date: if other.trim().is_empty() {
                self.get("date")
            } else {
                other
            },
            start: self.get("start"),
            end: self.get("end"),
            place: match self.get("place") {
                place if place.trim().is_empty() => self.get("place_offer"),
                place => place,
            },
            trainers: self.all("trainer"),
            note: self.get("note"),
        }
    }
}

async fn act(app: &App, request: &Request) -> Response<Body> {
    if !from_own_page(app, request.headers()) {
        tracing::info!("booking post refused: not from the booking page");
        return refused(StatusCode::FORBIDDEN, BOOKING_PAGE.cross_site);
    }
    let body: &[u8] = match request.body() {
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => &[],
    };
    let Some(posted) = Posted::parse(body) else {
        return refused(StatusCode::BAD_REQUEST, BOOKING_PAGE.link_refused);
    };
    let token = posted.get("token");
    let (grant, trainer) = match signed_in(app, request, &posted, &token).await {
        Ok(signed_in) => signed_in,
        Err(response) => return response,
    };
    let Ok(sequence) = posted.get("sequence").parse::<u32>() else {
        return refused(StatusCode::BAD_REQUEST, BOOKING_PAGE.link_refused);
    };
    let deadline = request.lambda_context_ref().map_or(Deadline::none(), |c| {
        Deadline::from_epoch_millis(c.deadline)
    });
    if posted.get("action") == "release" {
        return release(app, &grant.reference, &trainer, &token, deadline).await;
    }
    let action = match posted.get("action").as_str() {
        "cancel" => BookingAction::Cancel {
            reason: posted.get("reason"),
        },
        _ => BookingAction::Book(posted.booking_form()),
    };
    // Nothing goes to the customer before the trainer has seen what will.
    if posted.get("checked") != "1" {
        return check_step(app, &grant.reference, sequence, &action, &trainer, &token).await;
    }
    let outcome = app
        .book
        .act(
            &grant.reference,
            sequence,
            action.clone(),
            &trainer,
            deadline,
        )
        .await;
    match outcome {
        Ok(BookingOutcome::Done(order)) => {
            let change = order.booking.as_ref().map(Booking::change);
            self::done(&token, change.unwrap_or(BookingChange::Booked).as_str())
        }
        Ok(BookingOutcome::Conflict(_)) => conflict(app, &token).await,
        Ok(BookingOutcome::Invalid(problems)) => invalid(app, &token, &action, &problems).await,
        Err(error) => refusal(&error),
    }
}

/// The check step: the page of what the customer will get, or the form's mistakes, or a
/// conflict; nothing written or sent.
async fn check_step(
    app: &App,
    reference: &Reference,
    sequence: u32,
    action: &BookingAction,
    trainer: &str,
    token: &str,
) -> Response<Body> {
    let checked = app
        .book
        .check(reference, sequence, action.clone(), trainer)
        .await;
    match checked {
        Ok(Ok((order, email))) => {
            let email = (email.subject.as_str(), email.text.as_str());
            booking_check::page(&order, email, token, sequence, action)
        }
        Ok(Err(BookingOutcome::Invalid(problems))) => invalid(app, token, action, &problems).await,
        // A conflict (a check writes nothing, so never `Done`).
        Ok(Err(_)) => conflict(app, token).await,
        Err(error) => refusal(&error),
    }
}

/// The link's order and the signed-in trainer who acts on it (recorded as who did it); or the
/// sign-in's own posts, or the sign-in page when there is no session.
async fn signed_in(
    app: &App,
    request: &Request,
    posted: &Posted,
    token: &str,
) -> Result<(LinkGrant, String), Response<Body>> {
    match posted.get("action").as_str() {
        "request_sign_in" => {
            return Err(sign_in::request(app, request, token, &posted.get("trainer")).await);
        }
        "sign_in" => return Err(sign_in::sign_in(app, request, token).await),
        _ => {}
    }
    let grant = app.book.open(token).map_err(|error| refusal(&error))?;
    match sign_in::session_trainer(app, request).await? {
        Some(trainer) => Ok((grant, trainer)),
        None => Err(sign_in::sign_in_page(app, token, StatusCode::FORBIDDEN)),
    }
}

/// The waiting confirmation sent, if it still waits.
async fn release(
    app: &App,
    reference: &Reference,
    trainer: &str,
    token: &str,
    deadline: Deadline,
) -> Response<Body> {
    match app.book.release(reference, trainer, deadline).await {
        Ok(Released::Sent(_)) => done(token, "released"),
        Ok(Released::NotWaiting(_)) => done(token, "not_waiting"),
        Err(error) => refusal(&error),
    }
}

/// Back to the page (post, redirect, get), with what was done.
fn done(token: &str, what: &str) -> Response<Body> {
    let mut location = url::form_urlencoded::Serializer::new(String::new());
    location
        .append_pair("token", token)
        .append_pair("done", what);
    see_other(&format!("booking?{}", location.finish()))
}

/// Someone changed the booking first: the page as it now stands, and what happened.
async fn conflict(app: &App, token: &str) -> Response<Body> {
    let order = match app.book.show(token).await {
        Ok((_, order)) => order,
        Err(error) => return refusal(&error),
    };
    let mut view = page_view(app, &order, token);
    let now = booking_line(order.booking.as_ref());
    view.message = Some(fill(BOOKING_PAGE.conflict, &[("booking", &now)]));
    view.message_class = "problem";
    render(StatusCode::CONFLICT, &view)
}

/// The form again, with what was entered and what is wrong with it.
async fn invalid(
    app: &App,
    token: &str,
    action: &BookingAction,
    problems: &[BookingProblem],
) -> Response<Body> {
    let order = match app.book.show(token).await {
        Ok((_, order)) => order,
        Err(error) => return refusal(&error),
    };
    let mut view = page_view(app, &order, token);
    let chosen = match action {
        BookingAction::Book(form) => form.date.trim(),
        BookingAction::Cancel { .. } => "",
    };
    let quick = |value: &str| view.dates.iter().any(|(v, _, _)| v == value);
    let date_field = match view.dates.is_empty() || !(chosen.is_empty() || quick(chosen)) {
        true => "other_date",
        false => "date",
    };
    view.errors = (problems.iter())
        .map(|p| (problem_field(*p, date_field), problem_text(*p)))
        .collect();
    if let BookingAction::Cancel { reason } = action {
        view.reason = reason.clone();
    }
    if let BookingAction::Book(form) = action {
        let chosen = form.date.trim();
        let mut quick = false;
        for (value, _, checked) in &mut view.dates {
            *checked = value == chosen;
            quick |= *checked;
        }
        view.other_date = if quick {
            String::new()
        } else {
            form.date.clone()
        };
        view.start = form.start.clone();
        view.end = form.end.clone();
        view.place = form.place.clone();
        for (name, checked) in &mut view.trainers {
            *checked = form.trainers.contains(name);
        }
        view.note = form.note.clone();
    }
    render(StatusCode::UNPROCESSABLE_ENTITY, &view)
}
