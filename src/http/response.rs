//! Building responses: JSON for programs, a small HTML page or a redirect for browsers.

use askama::Template;
use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Response};
use serde::Serialize;
use serde_json::json;
use url::Url;

use super::error::RequestError;
use crate::domain::{Language, Receipt, Reference, VAT_RATE_PERCENT};
use crate::i18n;
use crate::texts::{Pages, fill, texts};

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
        // `waiting`: the confirmation waits for a person (held or unverified), said honestly.
        "email_status": match (receipt.confirmation_waits, receipt.emails_sent) {
            (true, _) => "waiting",
            (false, true) => "sent",
            (false, false) => "pending",
        },
    })
}

#[derive(Serialize)]
struct FieldErrorBody {
    field: &'static str,
    code: &'static str,
    message: String,
}

/// Seconds a client should wait before retrying when storage is down.
const RETRY_AFTER_SECONDS: &str = "5";

/// How the outcome of a request is told: JSON for programs, pages and redirects for browsers
/// posting a plain form.
pub struct Reply {
    pub html: bool,
    pub language: Language,
    /// Where the error page's link leads back to.
    pub back: String,
    /// Addresses a refused customer can write to instead.
    pub contacts: Vec<String>,
}

impl Reply {
    /// A JSON reply in this language (before anything says the client reads HTML).
    pub fn json(language: Language) -> Reply {
        Reply {
            html: false,
            language,
            back: String::new(),
            contacts: Vec::new(),
        }
    }

    /// The one place a refusal becomes a response. The log gets the cause chain of a 5xx; the
    /// client gets the code and a message, never the cause.
    pub fn refuse(&self, error: RequestError) -> Response<Body> {
        crate::measure::refused(error.code());
        match &error {
            RequestError::ServiceUnavailable(cause) => {
                let cause = cause.as_ref().map(|c| cause_chain(c)).unwrap_or_default();
                tracing::error!(error = %error, cause = %cause, "order not stored");
            }
            RequestError::Validation(fields) => {
                let codes: Vec<String> = fields
                    .iter()
                    .map(|e| format!("{}:{}", e.field, e.code.as_str()))
                    .collect();
                tracing::info!(errors = ?codes, "validation failed");
            }
            RequestError::OriginNotAllowed => tracing::info!("origin not allowed"),
            _ => {}
        }
        let mut response = if self.html {
            self.html_page(&error)
        } else {
            self.json_body(&error)
        };
        let headers = response.headers_mut();
        match error {
            RequestError::MethodNotAllowed => {
                headers.insert(header::ALLOW, HeaderValue::from_static(ALLOWED_METHODS));
            }
            RequestError::OriginNotAllowed => {
                headers.insert(header::VARY, HeaderValue::from_static("Origin"));
            }
            RequestError::ServiceUnavailable(_) => {
                headers.insert(
                    header::RETRY_AFTER,
                    HeaderValue::from_static(RETRY_AFTER_SECONDS),
                );
            }
            RequestError::RateLimited {
                retry_after_seconds,
            } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_seconds));
            }
            _ => {}
        }
        response
    }

    /// What a refused browser is told beyond the message: when to try again, and whom to
    /// write to instead.
    fn advice(&self, error: &RequestError) -> Vec<String> {
        let RequestError::RateLimited {
            retry_after_seconds,
        } = error
        else {
            return Vec::new();
        };
        // A per-mailbox window is a day: beyond an hour and a half, say hours.
        let t = &texts(self.language).pages;
        let minutes = (retry_after_seconds + 59) / 60;
        let (count, again) = match minutes {
            ..=1 => (1, t.try_again_a_minute),
            2..=90 => (minutes, t.try_again_minutes),
            _ => ((minutes + 59) / 60, t.try_again_hours),
        };
        let contacts = self.contacts.join(", ");
        let again = fill(again, &[("count", &count.to_string())]);
        let write = fill(t.order_by_email, &[("contacts", &contacts)]);
        [again, write]
            .into_iter()
            .filter(|line| !line.ends_with(": "))
            .collect()
    }

    fn json_body(&self, error: &RequestError) -> Response<Body> {
        let language = self.language;
        let mut body = json!({
            "error": error.code(),
            "message": error.message(language),
        });
        if let RequestError::RateLimited {
            retry_after_seconds,
        } = error
        {
            body["retry_after_seconds"] = json!(retry_after_seconds);
            // The same sentence as the page's, for a script to show.
            if let Some(again) = self.advice(error).into_iter().next() {
                body["try_again"] = json!(again);
            }
        }
        if let RequestError::Validation(fields) = error {
            let errors: Vec<FieldErrorBody> = fields
                .iter()
                .map(|e| FieldErrorBody {
                    field: e.field.name(),
                    code: e.code.as_str(),
                    message: i18n::field_message(e, language),
                })
                .collect();
            body["errors"] = json!(errors);
        }
        json_response(error.status(), &body)
    }

    fn html_page(&self, error: &RequestError) -> Response<Body> {
        let language = self.language;
        let pages = &texts(language).pages;
        let errors: Vec<String> = (error.fields().iter())
            .map(|e| i18n::field_message(e, language))
            .collect();
        let page = ErrorPage {
            lang: language.code(),
            title: pages.error_title,
            message: error.message(language),
            title_prefix: if errors.is_empty() {
                ""
            } else {
                pages.error_prefix
            },
            summary_heading: pages.summary_heading,
            errors,
            advice: self.advice(error),
            back: &self.back,
            back_label: texts(language).pages.back_to_form,
            back_hint: texts(language).pages.back_hint,
        };
        let html = page
            .render()
            .unwrap_or_else(|_| error.message(language).to_owned());
        html_response(error.status(), html)
    }

    /// 201 or 200 with the receipt as JSON, or, for a browser, a redirect to the thank-you page
    /// (`303`, so that a reload does not post again) with the reference and the language.
    pub fn success(
        &self,
        status: StatusCode,
        receipt: &Receipt,
        thank_you: &ThankYou,
    ) -> Response<Body> {
        if !self.html {
            return json_response(status, &receipt_json(receipt));
        }
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("reference", receipt.reference.as_str());
        if receipt.confirmation_waits {
            query.append_pair("waiting", "1");
        }
        if self.language != Language::Fi {
            query.append_pair("lang", self.language.code());
        }
        let query = query.finish();
        match thank_you {
            ThankYou::Page(url) => {
                let mut location = url.clone();
                let joined = match location.query() {
                    Some(existing) if !existing.is_empty() => format!("{existing}&{query}"),
                    _ => query,
                };
                location.set_query(Some(&joined));
                see_other(location.as_str())
            }
            ThankYou::Own(path) => see_other(&format!("{path}?{query}")),
        }
    }
}

/// The thank-you page of a plain form post, in the order's language.
pub fn thank_you_page(
    language: Language,
    reference: Option<&Reference>,
    waiting: bool,
    home: &str,
    contact: Option<String>,
) -> Response<Body> {
    let t = &texts(language).pages;
    let page = ThankYouPage {
        lang: language.code(),
        waiting,
        received: if waiting {
            t.thanks_waiting
        } else {
            t.thanks_received
        },
        t,
        reference: reference.map(Reference::as_str),
        home,
        back_label: t.back_to_site,
        contact,
    };
    let html = page.render().unwrap_or_else(|_| t.thanks_title.to_owned());
    html_response(StatusCode::OK, html)
}

#[derive(Template)]
#[template(path = "thank_you.html")]
struct ThankYouPage<'a> {
    lang: &'a str,
    waiting: bool,
    /// That the confirmation is on its way, or that a person confirms the order first.
    received: &'static str,
    t: &'static Pages,
    reference: Option<&'a str>,
    home: &'a str,
    back_label: &'a str,
    /// The form's contact line: the seller's phone and the trainers' addresses.
    contact: Option<String>,
}

/// An error and its sources, one after another, for the log.
fn cause_chain(error: &dyn std::error::Error) -> String {
    let mut chain = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    chain
}

/// The error page: a refused form post's (with its summary and the way back), or a plain
/// refusal of the booking page's (a title and a message).
#[derive(Template, Default)]
#[template(path = "error_page.html")]
pub(super) struct ErrorPage<'a> {
    pub(super) lang: &'a str,
    pub(super) title: &'a str,
    pub(super) message: &'a str,
    /// What to fix, field by field: the page's error summary.
    pub(super) errors: Vec<String>,
    /// When to try again, whom to write to.
    pub(super) advice: Vec<String>,
    pub(super) title_prefix: &'a str,
    pub(super) summary_heading: &'a str,
    pub(super) back: &'a str,
    pub(super) back_label: &'a str,
    pub(super) back_hint: &'a str,
}

/// A plain page that refuses: a title and a message, nothing else (the booking page's and the
/// customer page's refusals, under the pages' own policy).
pub(super) fn refusal_page(
    status: StatusCode,
    lang: &str,
    title: &str,
    message: &str,
    policy: &'static str,
) -> Response<Body> {
    let page = ErrorPage {
        lang,
        title,
        message,
        ..ErrorPage::default()
    };
    page_response(status, page.render().unwrap_or_default(), policy)
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

/// What the function's own pages may do: show themselves with their inline style, nothing
/// else (no script, no frame around them, no form posted from them).
const PAGE_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; \
                           form-action 'none'; frame-ancestors 'none'";

/// An HTML page of the function's own (the error page, the thank-you page).
fn html_response(status: StatusCode, html: String) -> Response<Body> {
    page_response(status, html, PAGE_POLICY)
}

/// An HTML page under its content security policy, never sending its address on.
pub(super) fn page_response(
    status: StatusCode,
    html: String,
    policy: &'static str,
) -> Response<Body> {
    let mut page = response(status, "text/html; charset=utf-8", html);
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, policy),
        (header::REFERRER_POLICY, "no-referrer"),
    ] {
        page.headers_mut()
            .insert(name, HeaderValue::from_static(value));
    }
    page
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

pub(super) const ALLOWED_METHODS: &str = "POST, OPTIONS";

/// Where a plain form lands after success.
pub enum ThankYou {
    /// A page of the site's own, told `?reference=…[&lang=…]`.
    Page(Url),
    /// The function's own page, at this path relative to the request's.
    Own(&'static str),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(language: Language, retry_after_seconds: i64) -> String {
        let reply = Reply {
            html: true,
            language,
            back: "https://www.example.fi/tilaa".into(),
            contacts: vec!["tilaukset@example.fi".into()],
        };
        let response = reply.refuse(RequestError::RateLimited {
            retry_after_seconds,
        });
        match response.into_body() {
            Body::Text(text) => text,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_refused_browser_is_told_when_to_try_again_in_its_grammar_and_how_to_go_back() {
        for (language, one, many) in [
            (Language::Fi, "minuutin kuluttua.", "5 minuutin kuluttua."),
            (Language::Sv, "om en minut.", "om 5 minuter."),
            (Language::En, "in a minute.", "in 5 minutes."),
        ] {
            assert!(page(language, 30).contains(one), "{language:?}");
            assert!(page(language, 290).contains(many), "{language:?}");
        }
        let fi = page(Language::Fi, 30);
        assert!(fi.contains("selaimen Takaisin-painikkeella"), "{fi}");
    }
}
