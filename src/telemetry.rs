//! Structured logs: JSON on Lambda (`AWS_LAMBDA_LOG_FORMAT=JSON`), text locally; level from
//! `AWS_LAMBDA_LOG_LEVEL` or `RUST_LOG`. Log ids and outcomes, never personal data.

pub fn init() {
    lambda_http::tracing::init_default_subscriber();
}
