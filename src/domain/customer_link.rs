//! How long the customer's own link opens their order's page: 60 days after the workshop, so
//! the invoice can still be looked up; 13 months after ordering if it was never booked.

use jiff::{SignedDuration, Timestamp};

use super::Order;

/// After the workshop's end.
pub const CUSTOMER_LINK_DAYS_AFTER_WORKSHOP: i64 = 60;
/// After ordering, for an order never booked (about 13 months).
pub const CUSTOMER_LINK_DAYS_UNBOOKED: i64 = 396;

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(n * 24)
}

impl Order {
    /// Until when the customer's link opens the page, as the order now stands. A link signed
    /// before a booking carries the longer date; the page checks this one as well.
    pub fn customer_link_expiry(&self) -> Timestamp {
        match &self.booking {
            Some(booking) => booking.end_utc() + days(CUSTOMER_LINK_DAYS_AFTER_WORKSHOP),
            None => self.created_at + days(CUSTOMER_LINK_DAYS_UNBOOKED),
        }
    }
}
