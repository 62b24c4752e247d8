//! HTTP ⇄ use case: routing, CORS, content types, status codes. Every client mistake is answered
//! here with a 4xx and a clear message (`RequestError`); the handler never returns an error to the
//! runtime.

mod app;
pub mod body;
mod booking;
mod booking_check;
mod booking_view;
mod customer;
mod customer_actions;
mod customer_check;
mod customer_invoicing;
mod customer_request;
mod error;
mod event;
mod invoicing_view;
mod response;
mod sign_in;
mod source;

pub use app::{App, HttpSettings};
pub use booking::BOOKING_PATH;
pub use error::RequestError;
pub use event::{BODY_ERROR_HEADER, make_safe, request_from_event_str};
pub use response::{Reply, receipt_json};
pub use source::source_address;

use lambda_http::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use lambda_http::{Body, Request, RequestExt, Response};

use crate::domain::{ErrorCode, Field, Language, OrderForm, Reference, WebOrigin};
use crate::intake::{Deadline, Placed};
use app::header_text;
use body::{MAX_BODY_BYTES, MediaType};
use response::{ALLOWED_METHODS, ThankYou};

pub const ORDERS_PATH: &str = "/orders";
/// The thank-you page of a plain form post, in the order's language.
pub const THANKS_PATH: &str = "/orders/thanks";
const ALLOWED_HEADERS: &str = "content-type, idempotency-key";
const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";

/// Answers one request. Logs carry ids and outcomes, never what the customer typed.
pub async fn handle(app: &App, request: Request) -> Response<Body> {
    crate::measure::request();
    let request_id = request
        .lambda_context_ref()
        .map(|c| c.request_id.clone())
        .unwrap_or_default();
    let span = tracing::info_span!("request", request_id = %request_id, method = %request.method());
    let work = async {
        let response = route(app, &request).await;
        tracing::info!(status = response.status().as_u16(), "answered");
        response
    };
    tracing::Instrument::instrument(work, span).await
}

async fn route(app: &App, request: &Request) -> Response<Body> {
    let language = header_text(request.headers(), header::ACCEPT_LANGUAGE)
        .map(Language::from_accept_language)
        .unwrap_or_default();
    let reply = Reply::json(language);
    let path = match request.raw_http_path() {
        "" => request.uri().path(),
        path => path,
    };
    if path.trim_end_matches('/') == THANKS_PATH {
        if let Method::GET | Method::HEAD = *request.method() {
            return thanks(app, request);
        }
        let mut refused = reply.refuse(RequestError::MethodNotAllowed);
        (refused.headers_mut()).insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return refused;
    }
    if path.trim_end_matches('/') == BOOKING_PATH {
        return booking::handle(app, request).await;
    }
    let path = path.trim_end_matches('/');
    if path == customer::ORDER_PAGE_PATH && request.method() == Method::POST {
        return customer_actions::act(app, request, language).await;
    }
    if let Some(calendar) = match path {
        customer::ORDER_PAGE_PATH => Some(false),
        customer::ORDER_CALENDAR_PATH => Some(true),
        _ => None,
    } {
        return customer::handle(app, request, language, calendar).await;
    }
    if path.trim_end_matches('/') != ORDERS_PATH {
        return reply.refuse(RequestError::NotFound);
    }
    let cors_origin = match cors_origin(app, request.headers()) {
        Ok(origin) => origin,
        Err(error) => return reply.refuse(error),
    };
    let mut response = match *request.method() {
        Method::POST => post(app, request, reply).await,
        Method::OPTIONS => preflight(),
        _ => reply.refuse(RequestError::MethodNotAllowed),
    };
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = cors_origin.and_then(|o| HeaderValue::from_str(o.as_str()).ok()) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    response
}

/// A browser on a site we do not know gets nothing: no CORS headers, no order. A request
/// without `Origin` (a script, an old browser's form post) goes on.
fn cors_origin(app: &App, headers: &HeaderMap) -> Result<Option<WebOrigin>, RequestError> {
    if !headers.contains_key(header::ORIGIN) {
        return Ok(None);
    }
    header_text(headers, header::ORIGIN)
        .and_then(WebOrigin::parse)
        .filter(|origin| app.allows(origin))
        .map(Some)
        .ok_or(RequestError::OriginNotAllowed)
}

/// The thank-you page a plain form lands on. It shows a reference only in the one shape a
/// reference has, so the page cannot be made to say anything else.
fn thanks(app: &App, request: &Request) -> Response<Body> {
    let query = request.uri().query().unwrap_or_default().as_bytes();
    let first = |name: &str| {
        url::form_urlencoded::parse(query)
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };
    let language = first("lang")
        .and_then(|code| Language::parse(&code))
        .unwrap_or_default();
    let reference = first("reference").and_then(|text| Reference::parse(&text));
    let waiting = first("waiting").as_deref() == Some("1");
    let contact = contact_line(app, language);
    response::thank_you_page(language, reference.as_ref(), waiting, &home(app), contact)
}

/// The form's contact line ("Kysyttävää? Soita numeroon … tai lähetä sähköpostia osoitteeseen
/// …"), when the seller's phone is configured.
fn contact_line(app: &App, language: Language) -> Option<String> {
    let phone = app.customer.seller()?.phone.as_str().to_owned();
    let texts = crate::texts::texts(language);
    let emails: Vec<String> = app
        .settings
        .contact_emails
        .iter()
        .map(|e| e.to_string())
        .collect();
    let emails = match emails.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {} {last}", rest.join(", "), texts.form.or),
        None => return None,
    };
    let values = [("phone", phone.as_str()), ("emails", emails.as_str())];
    Some(crate::texts::fill(texts.form.contact, &values))
}

/// The site's front page: the first allowed origin.
fn home(app: &App) -> String {
    app.settings
        .allowed_origins
        .first()
        .map(|origin| origin.as_str().to_owned())
        .unwrap_or_default()
}

fn preflight() -> Response<Body> {
    let mut response = response::response(
        StatusCode::NO_CONTENT,
        "text/plain; charset=utf-8",
        String::new(),
    );
    let headers = response.headers_mut();
    headers.insert(header::ALLOW, HeaderValue::from_static(ALLOWED_METHODS));
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(ALLOWED_METHODS),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(ALLOWED_HEADERS),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    response
}

/// Whether the client would rather read HTML than JSON (a browser posting a plain form).
fn prefers_html(accept: Option<&str>) -> bool {
    let quality = |wanted: &str| -> f32 {
        accept
            .unwrap_or("")
            .split(',')
            .filter_map(|entry| {
                let mut parts = entry.split(';');
                let media = parts.next()?.trim().to_ascii_lowercase();
                (media == wanted).then(|| {
                    parts
                        .filter_map(|p| p.trim().strip_prefix("q="))
                        .find_map(|q| q.trim().parse::<f32>().ok())
                        .unwrap_or(1.0)
                })
            })
            .fold(0.0, f32::max)
    };
    let html = quality("text/html");
    html > 0.0 && html >= quality("application/json")
}

async fn post(app: &App, request: &Request, mut reply: Reply) -> Response<Body> {
    match accept(app, request, &mut reply).await {
        Ok(response) => response,
        Err(error) => reply.refuse(error),
    }
}

/// A POST, step by step; `reply` learns how the client wants its answer as the steps find out.
async fn accept(
    app: &App,
    request: &Request,
    reply: &mut Reply,
) -> Result<Response<Body>, RequestError> {
    let headers = request.headers();
    let media = header_text(headers, header::CONTENT_TYPE)
        .and_then(body::media_type)
        .ok_or(RequestError::UnsupportedMediaType)?;
    reply.html = media.is_form() && prefers_html(header_text(headers, header::ACCEPT));
    reply.back = way_back(app, headers);
    reply.contacts = (app.settings.contact_emails.iter())
        .map(ToString::to_string)
        .collect();
    let mut form = read_form(request, media).await?;
    if let Some(language) = form
        .language
        .as_deref()
        .and_then(|l| Language::parse(l.trim()))
    {
        reply.language = language;
    }
    take_idempotency_header(&mut form, headers);
    let thank_you = thank_you_url(app, &mut form, request);

    let deadline = request.lambda_context_ref().map_or(Deadline::none(), |c| {
        Deadline::from_epoch_millis(c.deadline)
    });
    let placed = (app.place_order)
        .submit(&form, &source_address(request), deadline)
        .await?;
    Ok(match placed {
        // A bot that filled the honeypot is answered as a new order would be.
        Placed::Created(receipt) | Placed::Decoy(receipt) => {
            reply.success(StatusCode::CREATED, &receipt, &thank_you)
        }
        Placed::Replayed(receipt) => reply.success(StatusCode::OK, &receipt, &thank_you),
    })
}

/// Where the error page links back to: the page that posted, if it is on an allowed origin.
fn way_back(app: &App, headers: &HeaderMap) -> String {
    header_text(headers, header::REFERER)
        .filter(|referer| app.allowed_url(referer).is_some())
        .map_or_else(|| home(app), str::to_owned)
}

/// The body as an `OrderForm`, or why it is not one.
async fn read_form(request: &Request, media: MediaType) -> Result<OrderForm, RequestError> {
    if request.headers().contains_key(BODY_ERROR_HEADER) {
        return Err(RequestError::InvalidBase64);
    }
    let bytes: &[u8] = match request.body() {
        Body::Empty => &[],
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => &[],
    };
    if bytes.len() > MAX_BODY_BYTES {
        return Err(RequestError::PayloadTooLarge);
    }
    if media == MediaType::Multipart {
        let boundary = header_text(request.headers(), header::CONTENT_TYPE)
            .and_then(body::multipart_boundary)
            .ok_or(RequestError::UnsupportedMediaType)?;
        return Ok(body::parse_multipart(&boundary, bytes).await?);
    }
    Ok(body::parse(media, bytes)?)
}

/// The `Idempotency-Key` header stands for the form field; the two must agree, and the header
/// may be sent once.
fn take_idempotency_header(form: &mut OrderForm, headers: &HeaderMap) {
    let header_key = header_text(headers, IDEMPOTENCY_KEY_HEADER)
        .map(str::trim)
        .filter(|k| !k.is_empty());
    match (header_key, form.idempotency_key.as_deref()) {
        (Some(header_key), Some(field_key)) if header_key != field_key => {
            form.shape_error(Field::IdempotencyKey, ErrorCode::Conflict);
        }
        (Some(header_key), None) => form.idempotency_key = Some(header_key.to_owned()),
        _ => {}
    }
    if headers.get_all(IDEMPOTENCY_KEY_HEADER).iter().count() > 1 {
        form.shape_error(Field::IdempotencyKey, ErrorCode::Repeated);
    }
}

/// Where a browser lands after success: `_next` if it is on an allowed origin (else a field
/// error), else the configured thank-you page, else the function's own (a path relative to the
/// request's, so that it works behind any stage prefix).
fn thank_you_url(app: &App, form: &mut OrderForm, request: &Request) -> ThankYou {
    let next = form
        .next
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let configured = || match &app.settings.thank_you_url {
        Some(url) => ThankYou::Page(url.clone()),
        None if request.uri().path().ends_with('/') => ThankYou::Own("thanks"),
        None => ThankYou::Own("orders/thanks"),
    };
    match next.map(|next| app.allowed_url(next)) {
        None => configured(),
        Some(Some(url)) => ThankYou::Page(url),
        Some(None) => {
            form.shape_error(Field::Next, ErrorCode::Invalid);
            configured()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::prefers_html;

    #[test]
    fn browsers_prefer_html_and_fetch_does_not() {
        assert!(prefers_html(Some(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        )));
        assert!(!prefers_html(Some("*/*")));
        assert!(!prefers_html(None));
        assert!(!prefers_html(Some("application/json, text/html;q=0.5")));
        assert!(!prefers_html(Some("text/html;q=0")));
    }
}
