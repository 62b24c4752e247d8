//! HTTP ⇄ use case: routing, CORS, content types, status codes. Every client mistake is answered
//! here with a 4xx and a clear message; the handler never returns an error to the runtime.

pub mod body;
mod lambda;
mod response;

pub use lambda::{BODY_ERROR_HEADER, request_from_event_str, run};
pub use response::{Problem, receipt_json};

use lambda_http::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use lambda_http::{Body, Request, RequestExt, Response};
use url::Url;

use crate::config::parse_origin;
use crate::domain::{
    ErrorCode, FieldError, IdempotencyKey, Language, NewOrder, Package, Reference,
};
use crate::intake::{Intake, IntakeError, Placed};
use crate::store::Receipt;
use body::{MAX_BODY_BYTES, MediaType};

pub const ORDERS_PATH: &str = "/orders";
const ALLOWED_METHODS: &str = "POST, OPTIONS";
const ALLOWED_HEADERS: &str = "content-type, idempotency-key";
/// Seconds a client should wait before retrying when storage is down.
const RETRY_AFTER_SECONDS: &str = "5";

/// What the HTTP layer needs beyond the use case.
pub struct HttpSettings {
    /// Origins as browsers send them (`https://www.example.fi`).
    pub allowed_origins: Vec<String>,
    pub thank_you_url: Url,
}

pub struct App {
    pub intake: Intake,
    pub settings: HttpSettings,
}

impl App {
    fn allowed_origin(&self, text: &str) -> Option<String> {
        parse_origin(text).filter(|origin| self.settings.allowed_origins.contains(origin))
    }
}

fn header_text(headers: &HeaderMap, name: impl header::AsHeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Answers one request. Logs carry ids and outcomes, never what the customer typed.
pub async fn handle(app: &App, request: Request) -> Response<Body> {
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
    let path = match request.raw_http_path() {
        "" => request.uri().path(),
        path => path,
    };
    if path.trim_end_matches('/') != ORDERS_PATH {
        return Problem::new(StatusCode::NOT_FOUND, "not_found").json(language);
    }
    // A browser on a site we do not know gets nothing: no CORS headers, no order.
    let cors_origin = match header_text(request.headers(), header::ORIGIN) {
        None if request.headers().contains_key(header::ORIGIN) => return forbidden(language),
        None => None,
        Some(origin) => match app.allowed_origin(origin) {
            Some(allowed) => Some(allowed),
            None => return forbidden(language),
        },
    };
    let mut response = match *request.method() {
        Method::POST => post(app, request, language).await,
        Method::OPTIONS => preflight(),
        _ => {
            let mut response =
                Problem::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").json(language);
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(ALLOWED_METHODS));
            response
        }
    };
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = cors_origin.and_then(|o| HeaderValue::from_str(&o).ok()) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    response
}

fn forbidden(language: Language) -> Response<Body> {
    tracing::info!("origin not allowed");
    let mut response = Problem::new(StatusCode::FORBIDDEN, "origin_not_allowed").json(language);
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Origin"));
    response
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

/// How the outcome of a POST is told: JSON for programs, pages and redirects for browsers.
struct Reply<'a> {
    html: bool,
    language: Language,
    back: &'a str,
}

impl Reply<'_> {
    fn problem(&self, problem: Problem) -> Response<Body> {
        if self.html {
            problem.html(self.language, self.back)
        } else {
            problem.json(self.language)
        }
    }

    fn success(&self, status: StatusCode, receipt: &Receipt, thank_you: &Url) -> Response<Body> {
        if self.html {
            let mut location = thank_you.clone();
            location
                .query_pairs_mut()
                .append_pair("reference", receipt.reference.as_str());
            // The thank-you page speaks the order's language when it is told it.
            if self.language != Language::Fi {
                location
                    .query_pairs_mut()
                    .append_pair("lang", self.language.code());
            }
            return response::see_other(location.as_str());
        }
        response::json_response(status, &receipt_json(receipt))
    }
}

async fn post(app: &App, request: &Request, header_language: Language) -> Response<Body> {
    let headers = request.headers();
    let Some(media) = header_text(headers, header::CONTENT_TYPE).and_then(body::media_type) else {
        return Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            .json(header_language);
    };
    let back = header_text(headers, header::REFERER)
        .filter(|referer| {
            Url::parse(referer).is_ok_and(|u| {
                app.allowed_origin(&u.origin().ascii_serialization())
                    .is_some()
            })
        })
        .map_or_else(
            || app.settings.thank_you_url.origin().ascii_serialization(),
            str::to_owned,
        );
    let mut reply = Reply {
        html: media == MediaType::Form && prefers_html(header_text(headers, header::ACCEPT)),
        language: header_language,
        back: &back,
    };
    if headers.contains_key(BODY_ERROR_HEADER) {
        return reply.problem(Problem::new(StatusCode::BAD_REQUEST, "invalid_base64"));
    }
    let bytes: &[u8] = match request.body() {
        Body::Empty => &[],
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => &[],
    };
    if bytes.len() > MAX_BODY_BYTES {
        return reply.problem(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ));
    }
    let mut form = match body::parse(media, bytes) {
        Ok(form) => form,
        Err(error) => return reply.problem(Problem::new(StatusCode::BAD_REQUEST, error.code())),
    };
    if let Some(language) = form
        .language
        .as_deref()
        .and_then(|l| Language::parse(l.trim()))
    {
        reply.language = language;
    }

    let header_key = header_text(headers, "idempotency-key")
        .map(str::trim)
        .filter(|k| !k.is_empty());
    match (header_key, form.idempotency_key.as_deref()) {
        (Some(header_key), Some(field_key)) if header_key != field_key => {
            form.shape_errors.push(FieldError {
                field: "idempotency_key",
                code: ErrorCode::Conflict,
            });
        }
        (Some(header_key), None) => form.idempotency_key = Some(header_key.to_owned()),
        _ => {}
    }
    if headers.get_all("idempotency-key").iter().count() > 1 {
        form.shape_errors.push(FieldError {
            field: "idempotency_key",
            code: ErrorCode::Repeated,
        });
    }

    let thank_you = match form
        .next
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        None => app.settings.thank_you_url.clone(),
        Some(next) => match Url::parse(next).ok().filter(|u| {
            app.allowed_origin(&u.origin().ascii_serialization())
                .is_some()
        }) {
            Some(url) => url,
            None => {
                form.shape_errors.push(FieldError {
                    field: "_next",
                    code: ErrorCode::Invalid,
                });
                app.settings.thank_you_url.clone()
            }
        },
    };

    // The honeypot: a bot is told it succeeded, and nothing is stored or sent.
    if form.gotcha.as_deref().is_some_and(|g| !g.trim().is_empty()) {
        tracing::info!("honeypot filled: answered as a success, nothing stored");
        return reply.success(StatusCode::CREATED, &decoy_receipt(&form), &thank_you);
    }

    let today = app.intake.now().to_zoned_datetime(crate::helsinki()).date();
    let order = match NewOrder::parse(&form, today) {
        Ok(order) => order,
        Err(fields) => {
            let codes: Vec<String> = fields
                .iter()
                .map(|e| format!("{}:{}", e.field, e.code.as_str()))
                .collect();
            tracing::info!(errors = ?codes, "validation failed");
            return reply.problem(Problem::validation(fields));
        }
    };
    let key = form
        .idempotency_key
        .as_deref()
        .and_then(IdempotencyKey::parse);
    match app.intake.place(order, key).await {
        Ok(Placed::Created(receipt)) => reply.success(StatusCode::CREATED, &receipt, &thank_you),
        Ok(Placed::Replayed(receipt)) => reply.success(StatusCode::OK, &receipt, &thank_you),
        Err(IntakeError::KeyReused) => {
            reply.problem(Problem::new(StatusCode::CONFLICT, "idempotency_key_reused"))
        }
        Err(IntakeError::StoreUnavailable(error)) => {
            tracing::error!(error = %error, "order not stored: storage unavailable");
            let mut response = reply.problem(Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "service_unavailable",
            ));
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_static(RETRY_AFTER_SECONDS),
            );
            response
        }
    }
}

/// What a bot that filled the honeypot is shown: indistinguishable from a real receipt.
fn decoy_receipt(form: &crate::domain::OrderForm) -> Receipt {
    let package = form
        .package
        .as_deref()
        .and_then(|p| Package::parse(p.trim()))
        .unwrap_or(Package::Somestartti);
    Receipt {
        order_id: uuid::Uuid::now_v7().to_string(),
        reference: Reference::random(),
        package,
        price: package.price(),
        emails_sent: true,
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
