//! The check step every action of the customer's page answers first (`CheckPage`), and the
//! link back to the page.

use askama::Template;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

use super::booking_view::BOOKING_PAGE_POLICY;
use super::response::page_response;

/// A check step: what the action does, and one button that does it.
#[derive(Template)]
#[template(path = "order_check.html")]
pub(super) struct CheckPage<'a> {
    pub(super) lang: &'a str,
    pub(super) title: &'a str,
    pub(super) reference: String,
    pub(super) lines: Vec<String>,
    /// The action's fields, sent again with `checked=1`.
    pub(super) hidden: Vec<(&'static str, String)>,
    /// A red button (cancelling), else blue.
    pub(super) danger: bool,
    pub(super) confirm: &'a str,
    /// Back to the order's page, unchanged.
    pub(super) back: String,
    pub(super) back_label: &'a str,
}

impl CheckPage<'_> {
    pub(super) fn response(&self) -> Response<Body> {
        page_response(
            StatusCode::OK,
            self.render().unwrap_or_default(),
            BOOKING_PAGE_POLICY,
        )
    }
}

/// The order's page, relative to the page itself, with what was done.
pub(super) fn page_link(token: &str, done: Option<&str>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("token", token);
    if let Some(done) = done {
        query.append_pair("done", done);
    }
    format!("order?{}", query.finish())
}
