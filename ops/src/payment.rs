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

/// The invoice number a payment's reference names: a viitenumero whose check digit is right,
/// or an RF reference (ISO 11649) around one whose check digits are right; spaces and leading
/// zeros ignored. `None` for anything else.
pub fn invoice_number_of(reference: &str) -> Option<u32> {
    let compact: String = (reference.chars())
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    let viite = match compact.strip_prefix("RF") {
        Some(rest) => {
            let inner = rest.get(2..)?;
            (inner.bytes().all(|b| b.is_ascii_digit()) && rf_reference(inner) == compact)
                .then_some(inner)?
        }
        None => compact.as_str(),
    };
    let viite = viite.trim_start_matches('0');
    // The shortest viitenumero is four digits (three and the check digit).
    if !(4..=20).contains(&viite.len()) || !viite.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number: u32 = viite[..viite.len() - 1].parse().ok()?;
    (reference_number(number) == viite).then_some(number)
}

/// The invoice numbers a payer may have meant in a free-text message: each word, and each run
/// of digits and spaces, that is a valid reference, in the message's order.
pub fn invoice_numbers_in(message: &str) -> Vec<u32> {
    let words = message.split_whitespace().map(str::to_owned);
    let runs = message
        .split(|c: char| !(c.is_ascii_digit() || c == ' '))
        .map(str::to_owned);
    let mut found = Vec::new();
    for candidate in words.chain(runs) {
        let trimmed = candidate.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        if let Some(number) = invoice_number_of(trimmed)
            && !found.contains(&number)
        {
            found.push(number);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_names_its_invoice_only_when_its_check_digits_are_right() {
        assert_eq!(invoice_number_of("10003"), Some(1000));
        assert_eq!(invoice_number_of("0000 10003"), Some(1000));
        assert_eq!(invoice_number_of(&rf_reference("10003")), Some(1000));
        assert_eq!(invoice_number_of("rf68 1000 3"), Some(1000));
        assert_eq!(invoice_number_of("10004"), None);
        assert_eq!(invoice_number_of("RF00 10003"), None);
        assert_eq!(invoice_number_of("13"), None);
        assert_eq!(invoice_numbers_in("Lasku 1000, viite 1000 3."), vec![1000]);
        assert_eq!(invoice_numbers_in("no reference, 12 €"), Vec::<u32>::new());
    }

    #[test]
    fn ibans_are_checked_by_their_check_digits() {
        assert!(iban_is_valid("FI2112345600000785"));
        assert!(iban_is_valid("GB82WEST12345698765432"));
        assert!(!iban_is_valid("FI2112345600000786"));
        assert!(!iban_is_valid("FI21 1234 5600 0007 85"));
        assert!(!iban_is_valid("FI21"));
    }
}
