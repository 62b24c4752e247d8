//! The trainers' sign-in on the booking page. A booking link without a session shows only the
//! roster's names, each a button that emails a sign-in link to that trainer's own address; the
//! sign-in link's page (GET) shows one button, whose POST signs in and sets the session cookie.

use askama::Template;
use lambda_http::http::header::{COOKIE, SET_COOKIE, USER_AGENT};
use lambda_http::http::{HeaderValue, StatusCode};
use lambda_http::{Body, Request, Response};

use super::app::{App, header_text};
use super::booking_view::BOOKING_PAGE_POLICY;
use super::response::{page_response, see_other};
use crate::intake::{SESSION_DAYS, SignInError, device_of};
use crate::texts::{BOOKING_PAGE, fill};

/// The session cookie: `__Host-` keeps it to this host, over HTTPS, on every path.
pub const SESSION_COOKIE: &str = "__Host-trainer";

struct SignInForm {
    action: &'static str,
    token: String,
    trainer: Option<usize>,
    label: String,
}

struct SignInView {
    title: &'static str,
    message: String,
    forms: Vec<SignInForm>,
}

#[derive(Template)]
#[template(path = "sign_in_page.html")]
struct SignInPage<'a> {
    view: &'a SignInView,
}

fn page(status: StatusCode, view: &SignInView) -> Response<Body> {
    let html = SignInPage { view }.render().unwrap_or_default();
    page_response(status, html, BOOKING_PAGE_POLICY)
}

fn message(status: StatusCode, message: String) -> Response<Body> {
    let view = SignInView {
        title: BOOKING_PAGE.sign_in_title,
        message,
        forms: Vec::new(),
    };
    page(status, &view)
}

/// The session's trainer, if the request carries a live session's cookie.
pub(super) async fn session_trainer(
    app: &App,
    request: &Request,
) -> Result<Option<String>, Response<Body>> {
    let cookies = request.headers().get_all(COOKIE).iter();
    let id = cookies
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned());
    let Some(id) = id else {
        return Ok(None);
    };
    app.sign_in.trainer(&id).await.map_err(|error| {
        tracing::error!(error = %error, "booking page: sessions unavailable");
        message(
            StatusCode::SERVICE_UNAVAILABLE,
            BOOKING_PAGE.unavailable.to_owned(),
        )
    })
}

/// What a booking link shows without a session: nothing of the order, only who may sign in.
pub(super) fn sign_in_page(app: &App, token: &str, status: StatusCode) -> Response<Body> {
    let forms = (app.sign_in.trainers().iter().enumerate())
        .map(|(index, trainer)| SignInForm {
            action: "request_sign_in",
            token: token.to_owned(),
            trainer: Some(index),
            label: fill(BOOKING_PAGE.sign_in_as, &[("name", &trainer.name)]),
        })
        .collect();
    let view = SignInView {
        title: BOOKING_PAGE.sign_in_title,
        message: BOOKING_PAGE.sign_in_who.to_owned(),
        forms,
    };
    page(status, &view)
}

/// Emails the chosen trainer a sign-in link back to the link's order (a POST from the page).
pub(super) async fn request(
    app: &App,
    request: &Request,
    token: &str,
    trainer: &str,
) -> Response<Body> {
    let grant = match app.book.open(token) {
        Ok(grant) => grant,
        Err(_) => return message(StatusCode::FORBIDDEN, BOOKING_PAGE.link_refused.to_owned()),
    };
    let Ok(trainer) = trainer.parse::<usize>() else {
        return sign_in_page(app, token, StatusCode::BAD_REQUEST);
    };
    let source = super::source::source_address(request);
    match app
        .sign_in
        .request(&grant.reference, trainer, &source)
        .await
    {
        Ok(()) => {
            let name = &app.sign_in.trainers()[trainer].name;
            message(
                StatusCode::OK,
                fill(BOOKING_PAGE.sign_in_sent, &[("name", name)]),
            )
        }
        Err(SignInError::UnknownTrainer) => sign_in_page(app, token, StatusCode::BAD_REQUEST),
        Err(SignInError::RateLimited) => message(
            StatusCode::TOO_MANY_REQUESTS,
            BOOKING_PAGE.sign_in_limited.to_owned(),
        ),
        Err(error) => {
            tracing::error!(error = %error, "sign-in link not sent");
            message(
                StatusCode::SERVICE_UNAVAILABLE,
                BOOKING_PAGE.sign_in_failed.to_owned(),
            )
        }
    }
}

/// A sign-in link as opened (GET): one button; nothing is used up.
pub(super) fn confirm_page(app: &App, token: &str) -> Response<Body> {
    match app.sign_in.check(token) {
        Ok((_, trainer)) => {
            let view = SignInView {
                title: BOOKING_PAGE.sign_in_title,
                message: fill(BOOKING_PAGE.sign_in_confirm, &[("name", &trainer.name)]),
                forms: vec![SignInForm {
                    action: "sign_in",
                    token: token.to_owned(),
                    trainer: None,
                    label: BOOKING_PAGE.sign_in_button.to_owned(),
                }],
            };
            page(StatusCode::OK, &view)
        }
        Err(_) => message(
            StatusCode::FORBIDDEN,
            BOOKING_PAGE.sign_in_refused.to_owned(),
        ),
    }
}

/// Signs in (a POST from the sign-in link's page), once: the session cookie, then the order's
/// booking page.
pub(super) async fn sign_in(app: &App, request: &Request, token: &str) -> Response<Body> {
    let device = device_of(header_text(request.headers(), USER_AGENT));
    let (session_id, grant) = match app.sign_in.sign_in(token, &device).await {
        Ok(signed_in) => signed_in,
        Err(SignInError::Store(error)) => {
            tracing::error!(error = %error, "sign-in: sessions unavailable");
            return message(
                StatusCode::SERVICE_UNAVAILABLE,
                BOOKING_PAGE.unavailable.to_owned(),
            );
        }
        Err(_) => {
            return message(
                StatusCode::FORBIDDEN,
                BOOKING_PAGE.sign_in_refused.to_owned(),
            );
        }
    };
    let Some(page) = app.book.fresh_link(&grant.reference) else {
        return message(StatusCode::NOT_FOUND, BOOKING_PAGE.link_refused.to_owned());
    };
    let mut response = see_other(&page);
    let cookie = format!(
        "{SESSION_COOKIE}={session_id}; Path=/; Max-Age={}; Secure; HttpOnly; SameSite=Lax",
        SESSION_DAYS * 24 * 60 * 60
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(SET_COOKIE, value);
    }
    response
}
