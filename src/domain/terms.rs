//! The cancellation terms as data (`CANCELLATION_FREE_DAYS`, `CANCELLATION_FEE_PERCENT`,
//! `CANCELLATION_FEE_VAT`): free until a number of days before the workshop, then a share of the
//! price, with or without VAT. What the customer's page shows, what is recorded on a cancelled
//! booking and what `orders invoice` bills come from this one place.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};

use super::helsinki;

pub const DEFAULT_CANCELLATION_FREE_DAYS: u32 = 14;
pub const DEFAULT_CANCELLATION_FEE_PERCENT: u32 = 50;

/// How a cancellation fee is taxed. Verohallinto's guidance "Vahingonkorvaus ja
/// vahingonkorvauksen luonteinen erä arvonlisäverotuksessa" (A122/200/2015, 1.2.2017, after EU
/// C-277/05 Société thermale): what a customer pays for cancelling a reserved service it will not
/// receive compensates the seller's loss and is no consideration for a service, so it is outside
/// VAT; a customer who does not cancel and does not come pays for the service itself (taxable).
/// `Taxable` is for a company whose adviser reads its terms otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeVat {
    #[default]
    Outside,
    Taxable,
}

impl FeeVat {
    pub fn parse(text: &str) -> Option<FeeVat> {
        match text.trim() {
            "outside" => Some(FeeVat::Outside),
            "taxable" => Some(FeeVat::Taxable),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FeeVat::Outside => "outside",
            FeeVat::Taxable => "taxable",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CancellationTerms {
    /// Free of charge until this many days before the workshop's day (that day included).
    pub free_days: u32,
    /// After that, this share of the price (net).
    pub fee_percent: u32,
    /// With VAT on top, or outside VAT.
    pub fee_vat: FeeVat,
}

impl Default for CancellationTerms {
    fn default() -> CancellationTerms {
        CancellationTerms {
            free_days: DEFAULT_CANCELLATION_FREE_DAYS,
            fee_percent: DEFAULT_CANCELLATION_FEE_PERCENT,
            fee_vat: FeeVat::default(),
        }
    }
}

impl CancellationTerms {
    /// The last day (Helsinki) a workshop starting at `start` can be cancelled free of charge.
    pub fn free_until(&self, start: DateTime) -> Date {
        let days = jiff::Span::new().days(i64::from(self.free_days));
        start.date().checked_sub(days).unwrap_or(start.date())
    }

    /// The fee's share of the price for a cancellation at `now` (0: free).
    pub fn fee_percent_at(&self, start: DateTime, now: Timestamp) -> u32 {
        let today = helsinki().to_datetime(now).date();
        match today <= self.free_until(start) {
            true => 0,
            false => self.fee_percent,
        }
    }
}

/// `percent` of `net_cents`, rounded half up to the cent (as `orders invoice` bills it).
pub fn fee_cents(net_cents: i64, percent: u32) -> i64 {
    (net_cents * i64::from(percent) + 50) / 100
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn free_until_the_day_then_the_fee_in_helsinki_time() {
        let terms = CancellationTerms::default();
        // Tuesday 30 March 2027 at 9.00: free through Tuesday 16 March.
        let start = date(2027, 3, 30).at(9, 0, 0, 0);
        assert_eq!(terms.free_until(start), date(2027, 3, 16));
        // 23.59 in Helsinki on the 16th (21.59 UTC, before summer time) is still free.
        let last = "2027-03-16T21:59:00Z".parse().unwrap();
        assert_eq!(terms.fee_percent_at(start, last), 0);
        // Midnight in Helsinki is 22.00 UTC: the 17th, the fee.
        let first = "2027-03-16T22:00:00Z".parse().unwrap();
        assert_eq!(terms.fee_percent_at(start, first), 50);
        // Across the change to summer time (28 March 2027): a workshop on 12 April, free
        // through 29 March, whose midnight is 21.00 UTC.
        let start = date(2027, 4, 12).at(9, 0, 0, 0);
        assert_eq!(terms.free_until(start), date(2027, 3, 29));
        assert_eq!(
            terms.fee_percent_at(start, "2027-03-29T20:59:00Z".parse().unwrap()),
            0
        );
        assert_eq!(
            terms.fee_percent_at(start, "2027-03-29T21:00:00Z".parse().unwrap()),
            50
        );
    }

    #[test]
    fn the_fee_is_rounded_half_up_to_the_cent() {
        assert_eq!(fee_cents(50_000, 50), 25_000);
        assert_eq!(fee_cents(33_333, 50), 16_667);
        assert_eq!(fee_cents(90_000, 0), 0);
    }
}
