//! The buyer's postal address, which a full invoice carries (AVL 209 e §; EN 16931 BG-8).

use serde::{Deserialize, Serialize};

/// A billing address in Finland: street or PL box, a five-digit postcode and a town.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingAddress {
    pub street: String,
    pub postcode: String,
    pub town: String,
}

impl BillingAddress {
    /// A Finnish postcode: five digits.
    pub fn is_postcode(text: &str) -> bool {
        text.len() == 5 && text.bytes().all(|b| b.is_ascii_digit())
    }

    /// The address from its three parts as stored: all three (`Some(Some(_))`) or none
    /// (`Some(None)`); `None` when only some are there or the postcode is not one.
    pub fn from_parts(
        street: Option<String>,
        postcode: Option<String>,
        town: Option<String>,
    ) -> Option<Option<BillingAddress>> {
        match (street, postcode, town) {
            (None, None, None) => Some(None),
            (Some(street), Some(postcode), Some(town)) if Self::is_postcode(&postcode) => {
                Some(Some(BillingAddress {
                    street,
                    postcode,
                    town,
                }))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_whole_or_absent() {
        let part = |s: &str| Some(s.to_owned());
        assert_eq!(BillingAddress::from_parts(None, None, None), Some(None));
        let whole = BillingAddress::from_parts(part("PL 60"), part("04301"), part("Tuusula"));
        assert_eq!(whole.flatten().unwrap().postcode, "04301");
        assert_eq!(
            BillingAddress::from_parts(part("PL 60"), None, part("Tuusula")),
            None
        );
        assert_eq!(
            BillingAddress::from_parts(part("PL 60"), part("4301"), part("T")),
            None
        );
    }
}
