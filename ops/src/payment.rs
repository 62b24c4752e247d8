//! How an invoice is paid in Finland: its reference number (viitenumero), the international RF
//! form of it for payers abroad, both as printed for people, and the banks' virtual bar code.

pub use order_intake::domain::reference_number;

/// The same reference in the international form (ISO 11649, `RF` and two check digits), for
/// payers abroad.
pub fn rf_reference(reference: &str) -> String {
    // The reference, then "RF00" with its letters as numbers (R = 27, F = 15), mod 97.
    let digits = format!("{reference}271500");
    let remainder = digits
        .bytes()
        .fold(0u32, |acc, digit| (acc * 10 + u32::from(digit - b'0')) % 97);
    format!("RF{:02}{reference}", 98 - remainder)
}

/// A reference number as printed for people: in groups of five from the right (Finnish
/// banks' practice for the viitenumero).
pub fn grouped(reference: &str) -> String {
    let chars: Vec<char> = reference.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if i > 0 && (chars.len() - i).is_multiple_of(5) {
            out.push(' ');
        }
        out.push(*c);
    }
    out
}

/// An RF reference as printed: in groups of four from the left (ISO 11649).
pub fn grouped_rf(reference: &str) -> String {
    let chars: Vec<char> = reference.chars().collect();
    chars
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The Finnish banks' virtual bar code (version 4: IBAN, euros, cents, the reference number,
/// the due date as digits), which a payer types or pastes into an online bank. `None` for a
/// foreign account or an amount over 999 999,99 €.
pub fn virtual_barcode(
    iban: &str,
    cents: i64,
    viite: &str,
    due: jiff::civil::Date,
) -> Option<String> {
    let account = iban
        .strip_prefix("FI")
        .filter(|digits| digits.len() == 16 && digits.bytes().all(|b| b.is_ascii_digit()))?;
    if !(0..100_000_000).contains(&cents) || viite.len() > 20 {
        return None;
    }
    Some(format!(
        "4{account}{:06}{:02}000{viite:0>20}{}",
        cents / 100,
        cents % 100,
        due.strftime("%y%m%d")
    ))
}

pub use order_intake::domain::iban_is_valid;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans_are_checked_by_their_check_digits() {
        assert!(iban_is_valid("FI2112345600000785"));
        assert!(iban_is_valid("GB82WEST12345698765432"));
        assert!(!iban_is_valid("FI2112345600000786"));
        assert!(!iban_is_valid("FI21 1234 5600 0007 85"));
        assert!(!iban_is_valid("FI21"));
    }
}
