//! Building responses: JSON for programs, a small HTML page or a redirect for browsers.

use askama::Template;
use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Response};
use serde::Serialize;
use serde_json::json;

use crate::domain::{FieldError, Language, VAT_RATE_PERCENT};
use crate::i18n;
use crate::store::Receipt;

/// The success body, for a new order (201) and a replay (200).
pub fn receipt_json(receipt: &Receipt) -> serde_json::Value {
    json!({
        "order_id": receipt.order_id,
        "reference": receipt.reference.as_str(),
        "package": receipt.package.id(),
        "price": {
            "net_cents": receipt.price.net_cents,
            "vat_cents": receipt.price.vat_cents,
            "gross_cents": receipt.price.gross_cents,
            "vat_rate_percent": VAT_RATE_PERCENT,
            "currency": "EUR",
        },
        "email_status": if receipt.emails_sent { "sent" } else { "pending" },
    })
}

#[derive(Serialize)]
struct FieldErrorBody {
    field: &'static str,
    code: &'static str,
    message: String,
}

/// A whole-request error: a status, a stable code, and, for 422, every field error.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub status: StatusCode,
    pub code: &'static str,
    pub fields: Vec<FieldError>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &'static str) -> Problem {
        Problem {
            status,
            code,
            fields: Vec::new(),
        }
    }

    pub fn validation(fields: Vec<FieldError>) -> Problem {
        Problem {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "validation_failed",
            fields,
        }
    }

    pub fn json(&self, language: Language) -> Response<Body> {
        let mut body = json!({
            "error": self.code,
            "message": i18n::request_message(self.code, language),
        });
        if self.status == StatusCode::UNPROCESSABLE_ENTITY {
            let errors: Vec<FieldErrorBody> = self
                .fields
                .iter()
                .map(|e| FieldErrorBody {
                    field: e.field,
                    code: e.code.as_str(),
                    message: i18n::field_message(e, language),
                })
                .collect();
            body["errors"] = json!(errors);
        }
        json_response(self.status, &body)
    }

    pub fn html(&self, language: Language, back: &str) -> Response<Body> {
        let page = ErrorPage {
            lang: language.code(),
            title: page_title(language),
            message: i18n::request_message(self.code, language),
            errors: self
                .fields
                .iter()
                .map(|e| i18n::field_message(e, language))
                .collect(),
            back,
            back_label: back_label(language),
        };
        let html = page
            .render()
            .unwrap_or_else(|_| i18n::request_message(self.code, language).to_owned());
        response(self.status, "text/html; charset=utf-8", html)
    }
}

fn page_title(language: Language) -> &'static str {
    match language {
        Language::Fi => "Tilausta ei lähetetty",
        Language::Sv => "Beställningen skickades inte",
        Language::En => "The order was not sent",
    }
}

fn back_label(language: Language) -> &'static str {
    match language {
        Language::Fi => "Palaa lomakkeelle",
        Language::Sv => "Tillbaka till formuläret",
        Language::En => "Back to the form",
    }
}

#[derive(Template)]
#[template(path = "error_page.html")]
struct ErrorPage<'a> {
    lang: &'a str,
    title: &'a str,
    message: &'a str,
    errors: Vec<String>,
    back: &'a str,
    back_label: &'a str,
}

pub fn json_response(status: StatusCode, body: &serde_json::Value) -> Response<Body> {
    response(status, "application/json; charset=utf-8", body.to_string())
}

pub fn response(status: StatusCode, content_type: &'static str, body: String) -> Response<Body> {
    let mut response = Response::new(Body::Text(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// 303 See Other: the browser follows it with a GET, so a reload does not post again.
pub fn see_other(location: &str) -> Response<Body> {
    let mut response = response(
        StatusCode::SEE_OTHER,
        "text/plain; charset=utf-8",
        String::new(),
    );
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}
