//! The one request-error type: every refusal the endpoint answers with, its status, its stable
//! code and its message in each language. Adding a refusal is one variant here; the compiler then
//! lists every place to fill in. `response::Reply::refuse` is where it becomes a response.

use lambda_http::http::StatusCode;

use super::body::BodyError;
use crate::domain::{FieldError, Language};
use crate::intake::PlaceError;

#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("no such path")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("origin not allowed")]
    OriginNotAllowed,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("body flagged as base64 does not decode")]
    InvalidBase64,
    #[error("malformed body: {0:?}")]
    Body(BodyError),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("idempotency key reused for different content")]
    IdempotencyKeyReused,
    #[error("rate limited")]
    RateLimited { retry_after_seconds: i64 },
    /// Storage failed or stayed contended: the use case's error is the cause, for the log
    /// (`None` only in `codes()`, which lists every code).
    #[error("order not stored")]
    ServiceUnavailable(#[source] Option<PlaceError>),
}

impl From<BodyError> for RequestError {
    fn from(error: BodyError) -> RequestError {
        RequestError::Body(error)
    }
}

impl From<Vec<FieldError>> for RequestError {
    fn from(errors: Vec<FieldError>) -> RequestError {
        RequestError::Validation(errors)
    }
}

impl From<PlaceError> for RequestError {
    fn from(error: PlaceError) -> RequestError {
        match error {
            PlaceError::Invalid(errors) => RequestError::Validation(errors),
            PlaceError::KeyReused => RequestError::IdempotencyKeyReused,
            PlaceError::RateLimited {
                retry_after_seconds,
                ..
            } => RequestError::RateLimited {
                retry_after_seconds,
            },
            error @ (PlaceError::Contended { .. } | PlaceError::Store(_)) => {
                RequestError::ServiceUnavailable(Some(error))
            }
        }
    }
}

impl RequestError {
    /// The codes of whole-request errors (`error` in a 4xx or 503 body), 422's aside.
    pub fn codes() -> Vec<&'static str> {
        let body = BodyError::ALL.map(RequestError::Body);
        let rest = [
            RequestError::NotFound,
            RequestError::MethodNotAllowed,
            RequestError::OriginNotAllowed,
            RequestError::UnsupportedMediaType,
            RequestError::PayloadTooLarge,
            RequestError::InvalidBase64,
            RequestError::IdempotencyKeyReused,
            RequestError::RateLimited {
                retry_after_seconds: 0,
            },
            RequestError::ServiceUnavailable(None),
        ];
        body.iter().chain(rest.iter()).map(|e| e.code()).collect()
    }

    pub fn status(&self) -> StatusCode {
        match self {
            RequestError::NotFound => StatusCode::NOT_FOUND,
            RequestError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            RequestError::OriginNotAllowed => StatusCode::FORBIDDEN,
            RequestError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            RequestError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            RequestError::InvalidBase64 | RequestError::Body(_) => StatusCode::BAD_REQUEST,
            RequestError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            RequestError::IdempotencyKeyReused => StatusCode::CONFLICT,
            RequestError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            RequestError::ServiceUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The stable code clients may switch on.
    pub fn code(&self) -> &'static str {
        match self {
            RequestError::NotFound => "not_found",
            RequestError::MethodNotAllowed => "method_not_allowed",
            RequestError::OriginNotAllowed => "origin_not_allowed",
            RequestError::UnsupportedMediaType => "unsupported_media_type",
            RequestError::PayloadTooLarge => "payload_too_large",
            RequestError::InvalidBase64 => "invalid_base64",
            RequestError::Body(error) => error.code(),
            RequestError::Validation(_) => "validation_failed",
            RequestError::IdempotencyKeyReused => "idempotency_key_reused",
            RequestError::RateLimited { .. } => "rate_limited",
            RequestError::ServiceUnavailable(_) => "service_unavailable",
        }
    }

    /// The field errors of a 422; empty for the others.
    pub fn fields(&self) -> &[FieldError] {
        match self {
            RequestError::Validation(fields) => fields,
            _ => &[],
        }
    }

    pub fn message(&self, language: Language) -> &'static str {
        let t = &crate::texts::texts(language).refusals;
        match self {
            RequestError::Validation(_) => t.validation,
            RequestError::Body(BodyError::InvalidJson) => t.invalid_json,
            RequestError::Body(BodyError::NotAnObject) => t.not_an_object,
            RequestError::Body(BodyError::DuplicateField) => t.duplicate_field,
            RequestError::Body(BodyError::InvalidUtf8) => t.invalid_utf8,
            RequestError::Body(BodyError::InvalidMultipart) => t.invalid_multipart,
            RequestError::Body(BodyError::FileNotAccepted) => t.file_not_accepted,
            RequestError::InvalidBase64 => t.invalid_base64,
            RequestError::Body(BodyError::Empty) => t.empty,
            RequestError::UnsupportedMediaType => t.unsupported_media_type,
            RequestError::PayloadTooLarge => t.payload_too_large,
            RequestError::MethodNotAllowed => t.method_not_allowed,
            RequestError::NotFound => t.not_found,
            RequestError::OriginNotAllowed => t.origin_not_allowed,
            RequestError::IdempotencyKeyReused => t.idempotency_key_reused,
            RequestError::RateLimited { .. } => t.rate_limited,
            RequestError::ServiceUnavailable(_) => t.service_unavailable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_request_error_has_its_own_code_and_message_in_every_language() {
        let codes = RequestError::codes();
        assert_eq!(codes.iter().collect::<HashSet<_>>().len(), codes.len());
        for language in Language::ALL {
            let mut errors: Vec<RequestError> = BodyError::ALL.map(RequestError::Body).into();
            errors.push(RequestError::Validation(Vec::new()));
            errors.push(RequestError::InvalidBase64);
            errors.push(RequestError::RateLimited {
                retry_after_seconds: 1,
            });
            let messages: HashSet<&str> = errors.iter().map(|e| e.message(language)).collect();
            assert_eq!(messages.len(), errors.len(), "{language:?}");
        }
    }
}
