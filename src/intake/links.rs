//! The trainers' booking page as the use cases see it: its signed links (`BookingLinks`) and
//! what bookings need beside the store (`BookingSettings`).

use jiff::Timestamp;
use url::Url;

use crate::domain::{
    LinkError, LinkGrant, LinkPurpose, LinkSigner, Order, Reference, SignInGrant, WebOrigin,
};

/// The customer's page of their order, beside the booking page.
pub const CUSTOMER_PAGE: &str = "/order";

/// Signed links to the booking page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingLinks {
    signer: LinkSigner,
    /// The booking page's address (`<PUBLIC_URL>/booking`); `None` until `PUBLIC_URL` is set
    /// (the first deployment, before the API's address is known): the emails then carry no link.
    page: Option<Url>,
}

impl BookingLinks {
    pub fn new(signer: LinkSigner, public_url: Option<&Url>) -> BookingLinks {
        let page = public_url.map(|url| {
            let mut page = url.clone();
            let path = format!("{}/booking", page.path().trim_end_matches('/'));
            page.set_path(&path);
            page.set_query(None);
            page
        });
        BookingLinks { signer, page }
    }

    /// A fresh link to the order's booking page.
    pub fn link(&self, reference: &Reference, now: Timestamp) -> Option<String> {
        let mut page = self.page.clone()?;
        let token = self.signer.sign(LinkPurpose::Booking, reference, now);
        page.query_pairs_mut().append_pair("token", &token);
        Some(page.into())
    }

    /// The customer's own link to the order's page (`<PUBLIC_URL>/order`), valid until the
    /// order's `customer_link_expiry` as it now stands.
    pub fn customer_link(&self, order: &Order) -> Option<String> {
        let mut page = self.page.clone()?;
        let path = page.path().trim_end_matches("/booking").to_owned();
        page.set_path(&format!("{path}{CUSTOMER_PAGE}"));
        let (generation, expires) = (order.customer_link_generation, order.customer_link_expiry());
        let token = (self.signer).sign_customer(&order.reference, generation, expires);
        page.query_pairs_mut().append_pair("token", &token);
        Some(page.into())
    }

    /// A customer link's order and generation, if its token is valid at `now`.
    pub fn verify_customer(
        &self,
        token: &str,
        now: Timestamp,
    ) -> Result<(LinkGrant, u32), LinkError> {
        self.signer.verify_customer(token, now)
    }

    /// A one-time sign-in link for the roster's `trainer`, back to the order's page.
    pub fn sign_in_link(
        &self,
        trainer: usize,
        reference: &Reference,
        nonce: &str,
        now: Timestamp,
    ) -> Option<String> {
        let mut page = self.page.clone()?;
        let token = self.signer.sign_in_token(trainer, reference, nonce, now);
        page.query_pairs_mut().append_pair("signin", &token);
        Some(page.into())
    }

    /// A sign-in token's trainer, order and nonce, if it is valid at `now`.
    pub fn verify_sign_in(&self, token: &str, now: Timestamp) -> Result<SignInGrant, LinkError> {
        self.signer.verify_sign_in(token, now)
    }

    /// The booking page's origin: where its form posts come from.
    pub fn page_origin(&self) -> Option<WebOrigin> {
        WebOrigin::of(self.page.as_ref()?)
    }

    pub fn verify(&self, token: &str, now: Timestamp) -> Result<LinkGrant, LinkError> {
        self.signer.verify(token, LinkPurpose::Booking, now)
    }
}

/// What bookings need beside the store: the links, the invitation's organizer, the trainers'
/// names to choose from, when the customer's reminder goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingSettings {
    pub links: Option<BookingLinks>,
    /// The sender address: the invitation's `ORGANIZER`.
    pub organizer: String,
    /// Who can lead a workshop, by name (from `TRAINERS`).
    pub roster: Vec<String>,
    /// `TRAINERS`: the same people with their own addresses, where sign-in links go (none:
    /// nobody can sign in, as for the operator's command, which needs no session).
    pub trainers: Vec<crate::domain::Trainer>,
    /// `REMINDER_DAYS_BEFORE`: the customer's reminder this many days before; unset, the
    /// working day before free cancellation ends (`Booking::customer_reminder_before`).
    pub reminder_days_before: Option<u32>,
    /// `CANCELLATION_FREE_DAYS`, `CANCELLATION_FEE_PERCENT`: what a customer's cancellation costs.
    pub terms: crate::domain::CancellationTerms,
}

impl Default for BookingSettings {
    fn default() -> BookingSettings {
        BookingSettings {
            links: None,
            organizer: String::new(),
            roster: vec!["Pilvi Nummi".into(), "Jaana Pohjola".into()],
            trainers: Vec::new(),
            reminder_days_before: None,
            terms: crate::domain::CancellationTerms::default(),
        }
    }
}
