//! What the HTTP layer serves with: the use cases and its own settings.

use lambda_http::http::{HeaderMap, header};
use url::Url;

use crate::domain::{EmailAddress, WebOrigin};
use crate::intake::{BookWorkshop, CustomerPage, PlaceOrder, TrainerSignIn};

/// What the HTTP layer needs beyond the use case.
pub struct HttpSettings {
    /// Origins allowed to post orders (CORS, `_next` and the error page's way back).
    pub allowed_origins: Vec<WebOrigin>,
    /// Where a plain form lands after success; `None`: the function's own page.
    pub thank_you_url: Option<Url>,
    /// Who a refused customer can write to instead (the trainers).
    pub contact_emails: Vec<EmailAddress>,
}

pub struct App {
    pub place_order: PlaceOrder,
    /// The booking page's use case.
    pub book: BookWorkshop,
    /// The trainers' sign-in to it.
    pub sign_in: TrainerSignIn,
    /// The customer's own page of their order.
    pub customer: CustomerPage,
    pub settings: HttpSettings,
}

impl App {
    pub(super) fn allows(&self, origin: &WebOrigin) -> bool {
        self.settings.allowed_origins.contains(origin)
    }

    /// `text` as a URL, if it is one on an allowed origin.
    pub(super) fn allowed_url(&self, text: &str) -> Option<Url> {
        let url = Url::parse(text).ok()?;
        WebOrigin::of(&url)
            .is_some_and(|origin| self.allows(&origin))
            .then_some(url)
    }
}

/// A header's value, when it is text.
pub(super) fn header_text(headers: &HeaderMap, name: impl header::AsHeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}
