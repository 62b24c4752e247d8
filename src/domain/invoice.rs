//! What an invoice bills: its lines, each with its own VAT rate and VAT, and the totals and VAT
//! breakdown that follow from them. Amounts are cents; a credit note's are negative.

use std::collections::BTreeMap;

use jiff::civil::{Date, date};
use serde::{Deserialize, Serialize};

/// A VAT rate in hundredths of a percent: 2550 is 25,5 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct VatRate(u32);

/// Finland's general rate and the day it came into force, newest first.
/// Days to pay an invoice unless the operator gives other terms: what the customer's email
/// promises and `orders invoice` writes.
pub const PAYMENT_TERM_DAYS: u32 = 14;

const GENERAL_RATES: [(Date, VatRate); 3] = [
    (date(2024, 9, 1), VatRate(2550)),
    (date(2013, 1, 1), VatRate(2400)),
    (date(2010, 7, 1), VatRate(2300)),
];

impl VatRate {
    /// The general rate of today's prices (25,5 %).
    pub const GENERAL: VatRate = VatRate(2550);
    /// No VAT: a row outside VAT's scope carries this rate and `VatCategory::OutsideScope`.
    pub const NONE: VatRate = VatRate(0);

    /// `25.5`, `25,5` or `24`: at most two decimals, under 100 %.
    pub fn parse(text: &str) -> Option<VatRate> {
        let text = text.trim().replace(',', ".");
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let digits = |s: &str, max| s.len() <= max && s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole, 2) || !digits(fraction, 2) {
            return None;
        }
        let hundredths: u32 = format!("{fraction:0<2}").parse().ok()?;
        Some(VatRate(whole.parse::<u32>().ok()? * 100 + hundredths))
    }

    /// The general rate in force on a day: a service's tax point is its delivery.
    pub fn general_on(day: Date) -> VatRate {
        GENERAL_RATES
            .iter()
            .find(|(since, _)| *since <= day)
            .map_or(VatRate(2200), |(_, rate)| *rate)
    }

    /// As Finvoice and Finnish invoices write it: `25,5`, `24`.
    pub fn percent(self) -> String {
        self.written(',')
    }

    /// In hundredths of a percent: 2550 for 25,5 %.
    pub fn hundredths(self) -> u32 {
        self.0
    }

    /// As the order item and the API store it: `25.5`.
    pub fn stored(self) -> String {
        self.written('.')
    }

    fn written(self, separator: char) -> String {
        let (whole, hundredths) = (self.0 / 100, self.0 % 100);
        match hundredths {
            0 => whole.to_string(),
            h if h % 10 == 0 => format!("{whole}{separator}{}", h / 10),
            h => format!("{whole}{separator}{h:02}"),
        }
    }

    /// The VAT on an amount, rounded half away from zero to the cent, as invoices do.
    pub fn vat_on(self, net_cents: i64) -> i64 {
        let scaled = net_cents * i64::from(self.0);
        (scaled + 5_000 * scaled.signum()) / 10_000
    }
}

/// One line of an invoice or credit note: quantity one, so its unit price is its net.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    /// The package's id, or `matkakulut`, `peruutusmaksu`.
    pub article_id: String,
    /// In Finnish, as the invoice prints it.
    pub name: String,
    pub net_cents: i64,
    pub vat_rate: VatRate,
    pub vat_cents: i64,
    /// Standard-rated, or outside VAT's scope (EN 16931 category `O`); a standard row's
    /// document does not write it, so documents stored before it read the same.
    #[serde(default, skip_serializing_if = "VatCategory::is_standard")]
    pub vat_category: VatCategory,
}

/// A row's VAT category: standard (`S`, at its rate) or not subject to VAT (`O`: a
/// cancellation fee as compensation, `FeeVat::Outside`). EN 16931 (BR-O-11..14) allows no
/// other category beside `O` on one invoice.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum VatCategory {
    #[default]
    Standard,
    OutsideScope,
}

impl VatCategory {
    pub fn is_standard(&self) -> bool {
        *self == VatCategory::Standard
    }

    /// UNCL 5305, as Finvoice writes it.
    pub fn code(self) -> &'static str {
        match self {
            VatCategory::Standard => "S",
            VatCategory::OutsideScope => "O",
        }
    }
}

impl InvoiceLine {
    /// A row outside VAT's scope: no rate, no VAT.
    pub fn outside_vat(article_id: &str, name: impl Into<String>, net_cents: i64) -> Self {
        InvoiceLine {
            vat_category: VatCategory::OutsideScope,
            ..InvoiceLine::new(article_id, name, net_cents, VatRate::NONE)
        }
    }

    pub fn new(article_id: &str, name: impl Into<String>, net_cents: i64, rate: VatRate) -> Self {
        InvoiceLine {
            article_id: article_id.to_owned(),
            name: name.into(),
            net_cents,
            vat_rate: rate,
            vat_cents: rate.vat_on(net_cents),
            vat_category: VatCategory::Standard,
        }
    }

    pub fn gross_cents(&self) -> i64 {
        self.net_cents + self.vat_cents
    }

    /// The same line on a credit note: every amount negated.
    pub fn credited(&self) -> InvoiceLine {
        InvoiceLine {
            net_cents: -self.net_cents,
            vat_cents: -self.vat_cents,
            ..self.clone()
        }
    }
}

/// An invoice's totals: the sums of its lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub net_cents: i64,
    pub vat_cents: i64,
    pub gross_cents: i64,
}

impl Totals {
    pub fn of(lines: &[InvoiceLine]) -> Totals {
        lines.iter().fold(Totals::default(), |sum, line| Totals {
            net_cents: sum.net_cents + line.net_cents,
            vat_cents: sum.vat_cents + line.vat_cents,
            gross_cents: sum.gross_cents + line.gross_cents(),
        })
    }
}

/// The lines with their VAT computed per rate on the rate's base, as Finnish practice and
/// EN 16931 (BR-CO-17) do: a cent that the rows' own rounding gains or loses goes to the rate's
/// largest row, so the rows, the breakdown and the totals still agree to the cent.
pub fn balanced(mut lines: Vec<InvoiceLine>) -> Vec<InvoiceLine> {
    let mut by_rate: BTreeMap<VatRate, Vec<usize>> = BTreeMap::new();
    for (i, line) in lines.iter().enumerate() {
        by_rate.entry(line.vat_rate).or_default().push(i);
    }
    for (rate, rows) in by_rate {
        let net: i64 = rows.iter().map(|&i| lines[i].net_cents).sum();
        let vat: i64 = rows.iter().map(|&i| lines[i].vat_cents).sum();
        let largest = rows
            .iter()
            .copied()
            .max_by_key(|&i| lines[i].net_cents.abs());
        if let Some(largest) = largest {
            lines[largest].vat_cents += rate.vat_on(net) - vat;
        }
    }
    lines
}

/// The VAT breakdown: per rate, its base and its VAT (the lines' own, summed, so the
/// breakdown, the rows and the totals agree to the cent).
pub fn vat_breakdown(lines: &[InvoiceLine]) -> Vec<(VatRate, Totals)> {
    let mut by_rate: BTreeMap<VatRate, Vec<InvoiceLine>> = BTreeMap::new();
    for line in lines {
        by_rate.entry(line.vat_rate).or_default().push(line.clone());
    }
    by_rate
        .into_iter()
        .rev()
        .map(|(rate, lines)| (rate, Totals::of(&lines)))
        .collect()
}

/// An amount as people type it for an invoice: `120`, `120,50` or `120.50` euros, positive.
pub fn parse_euros(text: &str) -> Option<i64> {
    let text = text.trim().replace(',', ".");
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || whole.len() > 9 || !digits(cents) || cents.len() > 2 {
        return None;
    }
    let cents: i64 = format!("{cents:0<2}").parse().ok()?;
    Some(whole.parse::<i64>().ok()? * 100 + cents).filter(|c| *c > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_and_write_both_ways() {
        let rate = VatRate::parse("25,5").unwrap();
        assert_eq!(rate, VatRate::GENERAL);
        assert_eq!(VatRate::parse("25.5"), Some(rate));
        assert_eq!(
            (rate.percent(), rate.stored()),
            ("25,5".into(), "25.5".into())
        );
        assert_eq!(VatRate::parse("24").unwrap().percent(), "24");
        assert_eq!(VatRate::parse("13.25").unwrap().percent(), "13,25");
        for wrong in ["", "x", "100", "25,555", "-1", ".5"] {
            assert_eq!(VatRate::parse(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn the_rate_in_force_follows_the_delivery_day() {
        assert_eq!(VatRate::general_on(date(2024, 8, 31)).percent(), "24");
        assert_eq!(VatRate::general_on(date(2024, 9, 1)).percent(), "25,5");
        assert_eq!(VatRate::general_on(date(2027, 1, 1)), VatRate::GENERAL);
    }

    #[test]
    fn lines_totals_and_breakdown_agree_to_the_cent() {
        let lines = [
            InvoiceLine::new("somestartti", "Somestartti", 500_00, VatRate::GENERAL),
            InvoiceLine::new("matkakulut", "Matkakulut", 120_33, VatRate::GENERAL),
            InvoiceLine::new("x", "Vanha", 10_00, VatRate::parse("24").unwrap()),
        ];
        assert_eq!(lines[1].vat_cents, 30_68); // 30,684 → 30,68
        let totals = Totals::of(&lines);
        assert_eq!(totals.gross_cents, totals.net_cents + totals.vat_cents);
        let breakdown = vat_breakdown(&lines);
        assert_eq!(breakdown.len(), 2);
        assert_eq!(breakdown[0].1.net_cents, 620_33);
        let credited: Vec<_> = lines.iter().map(InvoiceLine::credited).collect();
        assert_eq!(Totals::of(&credited).gross_cents, -totals.gross_cents);
    }

    #[test]
    fn vat_is_computed_per_rate_and_the_rounding_cent_goes_to_the_largest_row() {
        let dime = |name| InvoiceLine::new("x", name, 10, VatRate::GENERAL);
        let mut lines = vec![dime("a"), dime("b"), dime("c")];
        lines.push(InvoiceLine::new("y", "d", 20, VatRate::GENERAL));
        // Each row alone: 0,0255 → 0,03 and 0,051 → 0,05; the base 0,50 € → 0,1275 → 0,13.
        assert_eq!(Totals::of(&lines).vat_cents, 14);
        let lines = balanced(lines);
        assert_eq!(Totals::of(&lines).vat_cents, 13);
        assert_eq!(lines[3].vat_cents, 4, "the largest row takes the cent");
        assert_eq!(vat_breakdown(&lines)[0].1.vat_cents, 13);
        let credited: Vec<_> = lines.iter().map(InvoiceLine::credited).collect();
        assert_eq!(balanced(credited.clone()), credited);
    }

    #[test]
    fn euros_are_read_as_typed() {
        assert_eq!(parse_euros("120"), Some(120_00));
        assert_eq!(parse_euros("120,5"), Some(120_50));
        assert_eq!(parse_euros(" 0.05 "), Some(5));
        for wrong in ["", "0", "-5", "1,234", "1 000", "12e3", "1234567890"] {
            assert_eq!(parse_euros(wrong), None, "{wrong}");
        }
    }
}
