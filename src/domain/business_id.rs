/// A Finnish business id (Y-tunnus), `NNNNNNN-C` with a correct check digit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessId(String);

const WEIGHTS: [u32; 7] = [7, 9, 10, 5, 8, 4, 2];

/// Why a text is not a business id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BusinessIdError {
    /// Not seven digits, a hyphen and a digit.
    Shape,
    /// The right shape, but the check digit does not match the seven digits.
    CheckDigit,
}

impl BusinessId {
    pub fn parse(input: &str) -> Result<BusinessId, BusinessIdError> {
        let bytes = input.as_bytes();
        let shaped = bytes.len() == 9
            && bytes[7] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 7 || b.is_ascii_digit());
        if !shaped {
            return Err(BusinessIdError::Shape);
        }
        let digits: Vec<u32> = bytes[..7].iter().map(|b| u32::from(b - b'0')).collect();
        let given = u32::from(bytes[8] - b'0');
        match check_digit(&digits) {
            Some(expected) if expected == given => Ok(BusinessId(input.to_owned())),
            _ => Err(BusinessIdError::CheckDigit),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `None` when the remainder is 1: no valid id has those seven digits.
fn check_digit(digits: &[u32]) -> Option<u32> {
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    match sum % 11 {
        0 => Some(0),
        1 => None,
        r => Some(11 - r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn real_business_ids_are_accepted() {
        // Nokia Oyj, Helsingin kaupunki and one made up with the published rule.
        for id in ["0112038-9", "2331972-7", "0201256-6"] {
            assert!(BusinessId::parse(id).is_ok(), "{id}");
        }
    }

    #[test]
    fn malformed_ids_are_rejected() {
        assert_eq!(
            BusinessId::parse("0112038-8"),
            Err(BusinessIdError::CheckDigit)
        );
        for id in [
            "01120389",
            "112038-9",
            "0112038-98",
            "0112O38-9",
            "０112038-9",
            " 0112038-9",
            "",
        ] {
            assert_eq!(BusinessId::parse(id), Err(BusinessIdError::Shape), "{id}");
        }
    }

    proptest! {
        #[test]
        fn exactly_one_check_digit_is_valid_unless_the_remainder_is_one(n in 0u32..10_000_000) {
            let body = format!("{n:07}");
            let valid: Vec<u32> = (0..10).filter(|c| BusinessId::parse(&format!("{body}-{c}")).is_ok()).collect();
            let digits: Vec<u32> = body.chars().map(|c| c.to_digit(10).unwrap()).collect();
            let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
            if sum % 11 == 1 {
                prop_assert!(valid.is_empty());
            } else {
                prop_assert_eq!(valid.len(), 1);
            }
        }

        #[test]
        fn arbitrary_text_never_panics(s in ".{0,20}") {
            let _ = BusinessId::parse(&s);
        }
    }
}
