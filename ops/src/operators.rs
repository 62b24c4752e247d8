//! Finnish e-invoice operators' codes (välittäjätunnukset), from TIEKE's public list of
//! operators and the banks' BICs that take e-invoices. An unknown code is warned about, not
//! refused: the list changes, and a customer's operator knows its own code best. Add a code
//! here when a customer's checked one is missing.

pub const EINVOICE_OPERATORS: [(&str, &str); 18] = [
    ("003723327487", "Apix Messaging Oy"),
    ("003703575029", "Basware Oyj"),
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
    EINVOICE_OPERATORS
        .iter()
        .find(|(known, _)| *known == code)
        .map(|(_, name)| *name)
}

/// What is wrong with an OVT address for this Y-tunnus: an OVT address (`0037…`) is `0037`,
/// the Y-tunnus's eight digits and up to five more characters (a department's suffix).
pub fn ovt_problem(address: &str, business_id: Option<&str>) -> Option<String> {
    let rest = address.strip_prefix("0037")?;
    let Some(business_id) = business_id else {
        return Some(format!(
            "{address} is an OVT address, which is 0037 and the Y-tunnus: give the Y-tunnus too (--business-id)"
        ));
    };
    let digits: String = business_id.chars().filter(char::is_ascii_digit).collect();
    if rest.starts_with(&digits) && rest.len() - digits.len() <= 5 {
        return None;
    }
    Some(format!(
        "{address} is not an OVT address of Y-tunnus {business_id}: it should be 0037{digits} and up to five more characters"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ovt_address_carries_its_y_tunnus() {
        assert_eq!(ovt_problem("003702012566", Some("0201256-6")), None);
        assert_eq!(ovt_problem("00370201256610001", Some("0201256-6")), None);
        assert!(ovt_problem("003702012566100011", Some("0201256-6")).is_some());
        assert!(ovt_problem("003712345671", Some("0201256-6")).is_some());
        assert!(ovt_problem("003702012566", None).is_some());
        assert_eq!(ovt_problem("FI2112345600000785", None), None);
        assert_eq!(
            operator_name("e204503"),
            Some("OpusCapita Solutions Oy (Posti)")
        );
        assert_eq!(operator_name("003799999999"), None);
    }
}
