//! Money is integer euro cents; VAT is computed here, with explicit rounding.

use super::Language;

use super::VatRate;

/// `VatRate::GENERAL` as the API and the order item write it.
pub const VAT_RATE_PERCENT: &str = "25.5";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Price {
    pub net_cents: i64,
    pub vat_cents: i64,
    pub gross_cents: i64,
}

impl Price {
    /// VAT rounded half away from zero to the cent, as invoices do.
    pub fn from_net_cents(net_cents: i64) -> Price {
        let vat_cents = VatRate::GENERAL.vat_on(net_cents);
        Price {
            net_cents,
            vat_cents,
            gross_cents: net_cents + vat_cents,
        }
    }
}

/// No-break space: an amount must not wrap between its groups or before its currency sign.
const NBSP: char = '\u{A0}';

/// Formats cents as a Finn (or a Swede in Finland) reads an amount: `1 129,50 €`, with no-break
/// spaces.
pub fn format_eur(cents: i64) -> String {
    let (sign, euros, cents) = parts(cents, NBSP);
    format!("{sign}{euros},{cents:02}{NBSP}€")
}

/// An amount as the reader of `language` writes it: `1 129,50 €` in Finnish and Swedish,
/// `€1,129.50` in English.
pub fn format_amount(cents: i64, language: Language) -> String {
    match language {
        Language::Fi | Language::Sv => format_eur(cents),
        Language::En => {
            let (sign, euros, cents) = parts(cents, ',');
            format!("{sign}€{euros}.{cents:02}")
        }
    }
}

/// Sign, whole euros grouped by three with `separator`, and cents.
fn parts(cents: i64, separator: char) -> (&'static str, String, u64) {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let euros = (cents / 100).to_string();
    let mut grouped = String::with_capacity(euros.len() + euros.len() / 3 * 2);
    for (i, digit) in euros.chars().enumerate() {
        if i > 0 && (euros.len() - i).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(digit);
    }
    (sign, grouped, cents % 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_published_prices_have_the_published_vat() {
        assert_eq!(
            Price::from_net_cents(500_00),
            Price {
                net_cents: 500_00,
                vat_cents: 127_50,
                gross_cents: 627_50
            }
        );
        assert_eq!(
            Price::from_net_cents(900_00),
            Price {
                net_cents: 900_00,
                vat_cents: 229_50,
                gross_cents: 1_129_50
            }
        );
    }

    #[test]
    fn half_cents_round_up() {
        // 1 cent * 25,5 % = 0,255 cents -> 0; 2 cents -> 0,51 -> 1; 3 cents -> 0,765 -> 1.
        assert_eq!(Price::from_net_cents(1).vat_cents, 0);
        assert_eq!(Price::from_net_cents(2).vat_cents, 1);
        assert_eq!(Price::from_net_cents(3).vat_cents, 1);
    }

    #[test]
    fn amounts_are_formatted_the_finnish_way_and_the_english_way() {
        let plain = |text: String| text.replace(NBSP, " ");
        assert_eq!(plain(format_eur(1_129_50)), "1 129,50 €");
        assert_eq!(plain(format_eur(500_00)), "500,00 €");
        assert_eq!(plain(format_eur(127_50)), "127,50 €");
        assert_eq!(plain(format_eur(5)), "0,05 €");
        assert_eq!(plain(format_eur(1_234_567_89)), "1 234 567,89 €");
        assert!(!format_eur(1_129_50).contains(' '), "only no-break spaces");
        assert_eq!(format_amount(1_129_50, Language::En), "€1,129.50");
        assert_eq!(format_amount(900_00, Language::En), "€900.00");
        assert_eq!(format_amount(1_129_50, Language::Sv), format_eur(1_129_50));
    }

    proptest! {
        #[test]
        fn gross_is_net_plus_vat_and_vat_is_within_half_a_cent(net in 0i64..100_000_000) {
            let price = Price::from_net_cents(net);
            prop_assert_eq!(price.gross_cents, price.net_cents + price.vat_cents);
            let exact = net as f64 * 0.255;
            prop_assert!((price.vat_cents as f64 - exact).abs() <= 0.5 + 1e-9);
        }

        #[test]
        fn formatting_round_trips_to_the_same_number(cents in 0i64..10_000_000_000) {
            let text = format_eur(cents);
            let ends_with_the_sign = text.ends_with(&format!("{NBSP}€"));
            prop_assert!(ends_with_the_sign);
            let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
            prop_assert_eq!(digits.parse::<i64>().unwrap(), cents);
            // Groups of three digits, separated by single spaces.
            let euros = text.split(',').next().unwrap();
            for (i, group) in euros.split(NBSP).enumerate() {
                let well_grouped = if i == 0 { (1..=3).contains(&group.len()) } else { group.len() == 3 };
                prop_assert!(well_grouped, "{}", text);
            }
        }
    }
}
