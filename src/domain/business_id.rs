/// A Finnish business id (Y-tunnus), `NNNNNNN-C` with a correct check digit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessId(String);

const WEIGHTS: [u32; 7] = [7, 9, 10, 5, 8, 4, 2];

impl BusinessId {
    pub fn parse(input: &str) -> Option<BusinessId> {
        let bytes = input.as_bytes();
        if bytes.len() != 9 || bytes[7] != b'-' || !input.is_ascii() {
            return None;
        }
        let digits: Vec<u32> = input[..7]
            .chars()
            .map(|c| c.to_digit(10))
            .collect::<Option<_>>()?;
        let given = input[8..].chars().next()?.to_digit(10)?;
        (check_digit(&digits)? == given).then(|| BusinessId(input.to_owned()))
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
            assert!(BusinessId::parse(id).is_some(), "{id}");
        }
    }

    #[test]
    fn malformed_ids_are_rejected() {
        for id in [
            "0112038-8",
            "01120389",
            "112038-9",
            "0112038-98",
            "0112O38-9",
            "０112038-9",
            " 0112038-9",
            "",
        ] {
            assert!(BusinessId::parse(id).is_none(), "{id}");
        }
    }

    proptest! {
        #[test]
        fn exactly_one_check_digit_is_valid_unless_the_remainder_is_one(n in 0u32..10_000_000) {
            let body = format!("{n:07}");
            let valid: Vec<u32> = (0..10).filter(|c| BusinessId::parse(&format!("{body}-{c}")).is_some()).collect();
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
