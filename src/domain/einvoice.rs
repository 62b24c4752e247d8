//! Where an e-invoice goes: the buyer's address (an OVT code, or an IBAN-form address) and their
//! operator's code (välittäjätunnus), each well-formed or refused; the operators known by name
//! (TIEKE's public list and the banks that take e-invoices); and what is accepted but worth a
//! look (an operator not on the list, an OVT code of another Y-tunnus, such as a shared
//! service centre's). The form, the API, `orders set-invoicing` and the customer's page share
//! these rules through `NewOrder::parse`.

use super::order::Checker;
use super::order_form::{ErrorCode, OrderForm};
use super::{BusinessId, EInvoiceId, Field};

/// The operators known by name. An unknown well-formed code is flagged, not refused: the list
/// changes, and a customer's operator knows its own code best. Add a code when a checked one is
/// missing.
pub const EINVOICE_OPERATORS: [(&str, &str); 19] = [
    ("003723327487", "Apix Messaging Oy"),
    ("003703575029", "Basware Oyj"),
    ("BAWCFI22", "Basware Oyj"),
    ("003721291126", "Maventa (Visma Solutions Oy)"),
    ("E204503", "OpusCapita Solutions Oy (Posti)"),
    ("003710948874", "Posti Messaging Oy"),
    ("003714377140", "Ropo Capital Oy"),
    ("003701011385", "Tieto Finland Oy"),
    ("003708599126", "Liaison Technologies Oy (OpenText)"),
    ("003723609900", "Pagero Oy"),
    ("NDEAFIHH", "Nordea Pankki"),
    ("OKOYFIHH", "OP Osuuskunta"),
    ("DABAFIHH", "Danske Bank"),
    ("HANDFIHH", "Handelsbanken"),
    ("SBANFIHH", "S-Pankki"),
    ("HELSFIHH", "Aktia Pankki"),
    ("AABAFI22", "Ålandsbanken"),
    ("POPFFI22", "POP Pankki"),
    ("ITELFIHH", "Säästöpankit"),
];

/// The operator's name, when the code is on the list.
pub fn operator_name(code: &str) -> Option<&'static str> {
    let code = code.trim().to_uppercase();
    (EINVOICE_OPERATORS.iter())
        .find(|(known, _)| *known == code)
        .map(|(_, name)| *name)
}

/// An OVT code's Y-tunnus (`0201256-6`), when it is one: `0037`, the eight digits of a valid
/// Y-tunnus, and up to five more letters or digits (a unit's suffix).
pub fn ovt_business_id(code: &str) -> Option<BusinessId> {
    let rest = code.strip_prefix("0037")?;
    let (digits, suffix) = (rest.get(..8)?, rest.get(8..)?);
    let suffix_ok = suffix.len() <= 5
        && suffix
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !suffix_ok || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    BusinessId::parse(&format!("{}-{}", &digits[..7], &digits[7..])).ok()
}

/// Whether an account number is an IBAN: its shape and its mod-97 check digits (ISO 13616).
pub fn iban_is_valid(iban: &str) -> bool {
    let shape = (15..=34).contains(&iban.len())
        && iban.bytes().take(2).all(|b| b.is_ascii_uppercase())
        && iban.bytes().skip(2).take(2).all(|b| b.is_ascii_digit())
        && (iban.bytes()).all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !shape {
        return false;
    }
    // The first four characters moved to the end, letters as numbers (A = 10 … Z = 35), mod 97.
    let rearranged = iban[4..].bytes().chain(iban[..4].bytes());
    let remainder = rearranged.fold(0u32, |acc, b| match b {
        b'0'..=b'9' => (acc * 10 + u32::from(b - b'0')) % 97,
        _ => (acc * 100 + u32::from(b - b'A' + 10)) % 97,
    });
    remainder == 1
}

/// A well-formed e-invoice address: an OVT code or an IBAN-form address (upper case).
pub fn is_einvoice_address(address: &str) -> bool {
    ovt_business_id(address).is_some() || iban_is_valid(address)
}

/// A well-formed operator code: one on the list, an operator's OVT code (`0037` and a valid
/// Y-tunnus's digits), or a bank's BIC (8 or 11 characters).
pub fn is_operator_code(code: &str) -> bool {
    let bic = matches!(code.len(), 8 | 11)
        && code.bytes().take(6).all(|b| b.is_ascii_uppercase())
        && (code.bytes()).all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    operator_name(code).is_some() || (code.len() == 12 && ovt_business_id(code).is_some()) || bic
}

/// Well-formed routing that deserves a look before the invoice goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoutingFlag {
    /// The operator's code is not on the list.
    UnlistedOperator(String),
    /// The OVT code carries another Y-tunnus than the order's.
    OtherBusinessId { ovt: String, business_id: String },
}

impl RoutingFlag {
    /// In Finnish, for the trainers.
    pub fn finnish(&self) -> String {
        match self {
            RoutingFlag::UnlistedOperator(code) => format!(
                "Välittäjätunnus {code} ei ole tunnettujen operaattoreiden listalla. Varmista se tilaajalta ennen laskutusta."
            ),
            RoutingFlag::OtherBusinessId { ovt, business_id } => format!(
                "Verkkolaskuosoitteen {ovt} Y-tunnus ei ole tilaajan Y-tunnus {business_id} (esimerkiksi palvelukeskuksen osoite). Varmista se tilaajalta ennen laskutusta."
            ),
        }
    }

    /// In English, for the operator.
    pub fn english(&self) -> String {
        match self {
            RoutingFlag::UnlistedOperator(code) => format!(
                "operator code {code} is not on the list of Finnish e-invoice operators: check it with the customer"
            ),
            RoutingFlag::OtherBusinessId { ovt, business_id } => format!(
                "e-invoice address {ovt} is an OVT code of another Y-tunnus than the order's {business_id} (a shared service centre's?): check it with the customer"
            ),
        }
    }
}

/// What to flag about an order's routing.
pub fn routing_flags(
    address: Option<&str>,
    operator: Option<&str>,
    business_id: Option<&str>,
) -> Vec<RoutingFlag> {
    let mut flags = Vec::new();
    if let Some(code) = operator.filter(|code| operator_name(code).is_none()) {
        flags.push(RoutingFlag::UnlistedOperator(code.to_owned()));
    }
    if let (Some(ovt), Some(business_id)) = (address, business_id)
        && ovt_business_id(ovt).is_some_and(|id| id.as_str() != business_id)
    {
        flags.push(RoutingFlag::OtherBusinessId {
            ovt: ovt.to_owned(),
            business_id: business_id.to_owned(),
        });
    }
    flags
}

impl Checker<'_> {
    /// The e-invoice address and its operator's code: each well-formed (`einvoice.rs`), and
    /// each needing the other (an address without its operator would go on paper).
    pub(super) fn einvoice(
        &mut self,
        form: &OrderForm,
    ) -> (Option<EInvoiceId>, Option<EInvoiceId>) {
        let given = |value: &Option<String>| value.as_deref().is_some_and(|v| !v.trim().is_empty());
        let parts = [
            (
                Field::EInvoiceAddress,
                &form.einvoice_address,
                &form.einvoice_operator,
            ),
            (
                Field::EInvoiceOperator,
                &form.einvoice_operator,
                &form.einvoice_address,
            ),
        ];
        let [address, operator] = parts.map(|(field, value, other)| {
            if !given(value) && given(other) {
                return self.fail(field, ErrorCode::Required);
            }
            let well_formed = |id: &EInvoiceId| match field {
                Field::EInvoiceAddress => is_einvoice_address(id.as_str()),
                _ => is_operator_code(id.as_str()),
            };
            self.parsed(field, value, |text| {
                EInvoiceId::parse(text).filter(|id| well_formed(id))
            })
        });
        (address, operator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_operator_codes_are_well_formed_or_refused() {
        for good in ["003702012566", "00370201256610001", "FI2112345600000785"] {
            assert!(is_einvoice_address(good), "{good}");
        }
        // A wrong check digit, a suffix too long, a bad IBAN, free text.
        for bad in [
            "003702012567",
            "003702012566100011",
            "FI2112345600000786",
            "LASKUT",
        ] {
            assert!(!is_einvoice_address(bad), "{bad}");
        }
        for good in [
            "003721291126",
            "E204503",
            "BAWCFI22",
            "NDEAFIHH",
            "003712345671",
        ] {
            assert!(is_operator_code(good), "{good}");
        }
        for bad in ["003799999999", "MAVENTA", "0037212911", "12345678"] {
            assert!(!is_operator_code(bad), "{bad}");
        }
        assert_eq!(operator_name("bawcfi22"), Some("Basware Oyj"));
    }

    #[test]
    fn an_unlisted_operator_and_another_y_tunnus_are_flagged_not_refused() {
        let flags = routing_flags(
            Some("003712345671"),
            Some("003712345671"),
            Some("0201256-6"),
        );
        assert_eq!(
            flags,
            [
                RoutingFlag::UnlistedOperator("003712345671".into()),
                RoutingFlag::OtherBusinessId {
                    ovt: "003712345671".into(),
                    business_id: "0201256-6".into()
                }
            ]
        );
        assert!(
            routing_flags(
                Some("003702012566"),
                Some("003721291126"),
                Some("0201256-6")
            )
            .is_empty()
        );
        assert!(flags[1].finnish().contains("Y-tunnus 0201256-6"));
    }
}
