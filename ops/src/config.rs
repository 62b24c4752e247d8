//! The function's configuration variables that the command uses: the table always; the
//! sender, trainers and configuration set for `resend`; the retention time for searches by
//! address.

use order_intake::config::{booking_from_lookup, seal_from_lookup, seller_from_lookup};
use order_intake::domain::{EmailAddress, Invoicing, OrderSeal, Seller};
use order_intake::intake::{BookingSettings, DEFAULT_RETENTION_MONTHS};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpsConfig {
    pub orders_table: String,
    /// `None` when SENDER_EMAIL or TRAINER_EMAILS is not set: then only resend is refused.
    /// With them, the seller's details and terms must be set too (SELLER_PHONE, TERMS_*).
    pub mail: Option<MailConfig>,
    pub retention_months: u32,
    /// `ORDERS_FUNCTION`: the deployed function's operator alias (the stack's
    /// `OrderFunctionName` output, an alias ARN); set, the commands that send ask it to.
    pub function: Option<String>,
    /// The seller on invoices (its invoicing details present), or what is missing for it.
    pub seller: Result<Seller, String>,
    /// The first invoice's number (`INVOICE_NUMBER_START`, 1000 by default): start where the
    /// company's other series (accounting software) will not reach. Read only before the first
    /// invoice: set once the series exists, invoicing is refused.
    pub first_invoice_number: Option<u32>,
    /// The accounts `orders journal` suggests (`JOURNAL_*`).
    pub accounts: crate::accounts::Accounts,
    /// Where `invoice`, `credit` and `document` write their files (`ORDERS_DOCUMENTS`); unset,
    /// they print on stdout.
    pub documents_dir: Option<std::path::PathBuf>,
    /// The e-invoice operator for `orders send` (`APIX_URL`, …), or why it is not usable.
    pub apix: Result<Option<crate::operator_settings::ApixSettings>, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailConfig {
    pub sender: EmailAddress,
    pub trainers: Vec<EmailAddress>,
    pub configuration_set: Option<String>,
    /// The seller's line and the terms a customer email carries (as the function's).
    pub seller: Seller,
    /// The booking emails' links and organizer, the trainers' names (`orders book`).
    pub booking: BookingSettings,
    /// The function's seal (`ORDER_SEAL_SECRET`): what it sends here verifies as there.
    pub seal: OrderSeal,
}

/// What sending here needs (`SENDER_EMAIL` and `TRAINER_EMAILS` set: make dev's `make orders`),
/// as the function has it; `None` without them.
fn mail_config(lookup: &impl Fn(&str) -> Option<String>) -> Result<Option<MailConfig>, String> {
    let set = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
    let email = |name: &str, text: &str| {
        EmailAddress::parse(text.trim()).ok_or(format!("{name} has {text:?}, not an email address"))
    };
    let (Some(sender), Some(trainers)) = (set("SENDER_EMAIL"), set("TRAINER_EMAILS")) else {
        return Ok(None);
    };
    Ok(Some(MailConfig {
        booking: booking_from_lookup(lookup, &email("SENDER_EMAIL", &sender)?)
            .map_err(|e| format!("sending needs the booking links' {e}"))?,
        sender: email("SENDER_EMAIL", &sender)?,
        trainers: trainers
            .split(',')
            .map(|t| email("TRAINER_EMAILS", t))
            .collect::<Result<_, _>>()?,
        configuration_set: set("SES_CONFIGURATION_SET"),
        seller: seller_from_lookup(lookup)
            .map_err(|e| format!("resending needs the customer email's {e}"))?,
        seal: seal_from_lookup(lookup).map_err(|e| format!("sending needs the function's {e}"))?,
    }))
}

impl OpsConfig {
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<OpsConfig, String> {
        let set = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let orders_table = set("ORDERS_TABLE").ok_or(
            "ORDERS_TABLE is not set: the table's name (the stack's OrdersTableName output; `orders` under make dev)",
        )?;
        let mail = mail_config(&lookup)?;
        let retention_months = match set("RETENTION_MONTHS") {
            None => DEFAULT_RETENTION_MONTHS,
            Some(text) => text.trim().parse().ok().filter(|m| *m > 0).ok_or(format!(
                "RETENTION_MONTHS is {text:?}, not a whole number above 0"
            ))?,
        };
        let seller = match (seller_from_lookup(&lookup), invoicing(set)) {
            (Ok(seller), Ok(invoicing)) => Ok(Seller {
                invoicing: Some(invoicing),
                ..seller
            }),
            (_, Err(missing)) => Err(format!("invoicing needs the seller's details: {missing}")),
            (Err(error), Ok(_)) => Err(format!("invoicing needs the seller's {error}")),
        };
        // A viitenumero needs four digits with its check digit: numbers from 1000.
        let first_invoice_number = match set("INVOICE_NUMBER_START") {
            None => None,
            Some(text) => Some(
                (text.trim().parse().ok())
                    .filter(|n| (crate::store::FIRST_INVOICE_NUMBER..=99_999_999).contains(n))
                    .ok_or(format!(
                        "INVOICE_NUMBER_START is {text:?}, not a whole number from 1000 to 99999999"
                    ))?,
            ),
        };
        Ok(OpsConfig {
            accounts: crate::accounts::Accounts::from_lookup(set)?,
            documents_dir: set("ORDERS_DOCUMENTS").map(|dir| dir.trim().into()),
            first_invoice_number,
            orders_table,
            mail,
            retention_months,
            function: set("ORDERS_FUNCTION"),
            seller,
            apix: crate::operator_settings::ApixSettings::from_lookup(set),
        })
    }
}

/// What an invoice needs of the seller besides what the function has (`SELLER_NAME`,
/// `SELLER_BUSINESS_ID`, `SELLER_PHONE`, `TERMS_*`).
pub const INVOICING_VARIABLES: [&str; 8] = [
    "SELLER_VAT_NUMBER",
    "SELLER_STREET",
    "SELLER_POSTCODE",
    "SELLER_TOWN",
    "SELLER_IBAN",
    "SELLER_BIC",
    "SELLER_EINVOICE_ADDRESS",
    "SELLER_EINVOICE_OPERATOR",
];

/// The seller's invoicing details, or the variables of them that are not set.
/// What the Finvoice schema and the banks take: an invalid value would make every invoice
/// invalid, or send payments nowhere, and still take numbers.
fn check_invoicing(
    street: &str,
    postcode: &str,
    town: &str,
    iban: &str,
    bic: &str,
) -> Result<(), String> {
    let chars = |text: &str| text.chars().count();
    if !(2..=35).contains(&chars(street)) || !(2..=35).contains(&chars(town)) {
        return Err("SELLER_STREET and SELLER_TOWN take 2 to 35 characters (Finvoice)".into());
    }
    if !order_intake::domain::BillingAddress::is_postcode(postcode) {
        return Err(format!("SELLER_POSTCODE is {postcode:?}, not five digits"));
    }
    if !crate::payment::iban_is_valid(iban) {
        return Err(format!(
            "SELLER_IBAN is {iban:?}, not an IBAN (its check digits fail)"
        ));
    }
    let bic_shape = (bic.len() == 8 || bic.len() == 11)
        && bic
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && bic.bytes().take(6).all(|b| b.is_ascii_uppercase());
    if !bic_shape {
        return Err(format!(
            "SELLER_BIC is {bic:?}, not a BIC (8 or 11 letters and digits)"
        ));
    }
    Ok(())
}

fn invoicing(set: impl Fn(&str) -> Option<String>) -> Result<Invoicing, String> {
    let values = INVOICING_VARIABLES.map(|name| set(name).map(|v| v.trim().to_owned()));
    let missing: Vec<&str> = (INVOICING_VARIABLES.iter().zip(&values))
        .filter(|(_, value)| value.is_none())
        .map(|(name, _)| *name)
        .collect();
    if !missing.is_empty() {
        return Err(format!("{} not set", missing.join(", ")));
    }
    let [
        vat_number,
        street,
        postcode,
        town,
        iban,
        bic,
        address,
        operator,
    ] = values.map(Option::unwrap_or_default);
    let iban = iban.replace(' ', "").to_uppercase();
    check_invoicing(&street, &postcode, &town, &iban, &bic)?;
    let email = match set("SELLER_EMAIL") {
        None => None,
        Some(text) => Some(
            order_intake::domain::EmailAddress::parse(text.trim())
                .ok_or_else(|| format!("SELLER_EMAIL {text:?} is not an email address"))?
                .as_str()
                .to_owned(),
        ),
    };
    Ok(Invoicing {
        email,
        vat_number,
        street,
        postcode,
        town,
        iban,
        bic,
        einvoice_address: address,
        einvoice_operator: operator,
    })
}

/// The settings of a configuration file (`orders.env`): `file` when given (it must be
/// readable), else `orders.env` in the current folder when there is one, else none.
pub fn settings_file(
    file: Option<&std::path::Path>,
) -> Result<std::collections::HashMap<String, String>, String> {
    let default = std::path::Path::new(SETTINGS_FILE);
    let path = match file {
        Some(path) => path,
        None if default.exists() => default,
        None => return Ok(Default::default()),
    };
    let unreadable = |e: dotenvy::Error| format!("{}: {e}", path.display());
    dotenvy::from_path_iter(path)
        .map_err(unreadable)?
        .map(|line| line.map_err(unreadable))
        .collect()
}

/// The configuration file `orders` reads from the current folder.
pub const SETTINGS_FILE: &str = "orders.env";

#[cfg(test)]
mod tests {
    use super::*;

    fn with(changed: (&str, &str)) -> Result<Seller, String> {
        let values = [
            ("ORDERS_TABLE", "orders"),
            ("SELLER_NAME", "Some-työpajat Oy"),
            ("SELLER_BUSINESS_ID", "1234567-1"),
            ("SELLER_PHONE", "+358 40 123 4567"),
            ("TERMS_FI", "ehdot"),
            ("TERMS_SV", "villkor"),
            ("TERMS_EN", "terms"),
            ("SELLER_VAT_NUMBER", "FI12345671"),
            ("SELLER_STREET", "Esimerkkikatu 1"),
            ("SELLER_POSTCODE", "00100"),
            ("SELLER_TOWN", "Helsinki"),
            ("SELLER_IBAN", "FI21 1234 5600 0007 85"),
            ("SELLER_BIC", "NDEAFIHH"),
            ("SELLER_EINVOICE_ADDRESS", "003712345671"),
            ("SELLER_EINVOICE_OPERATOR", "003721291126"),
        ];
        let lookup = |name: &str| {
            let value = if name == changed.0 {
                Some(changed.1)
            } else {
                values.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
            };
            value.map(str::to_owned)
        };
        OpsConfig::from_lookup(lookup).unwrap().seller
    }

    #[test]
    fn the_seller_s_invoicing_details_are_checked_before_any_invoice() {
        assert!(with(("", "")).is_ok());
        for (name, wrong, said) in [
            ("SELLER_IBAN", "FI2112345600000786", "check digits"),
            ("SELLER_BIC", "NDEAFI", "not a BIC"),
            (
                "SELLER_STREET",
                "Pitkäkatu 1, 2. kerros, Toimisto 345 B",
                "2 to 35",
            ),
            ("SELLER_POSTCODE", "100", "five digits"),
            (
                "SELLER_EMAIL",
                "laskutus at example",
                "not an email address",
            ),
        ] {
            let problem = with((name, wrong)).unwrap_err();
            assert!(problem.contains(said), "{name}: {problem}");
        }
    }

    #[test]
    fn an_invoice_series_starts_at_1000_or_later() {
        let start = |value: &str| {
            OpsConfig::from_lookup(|name| match name {
                "ORDERS_TABLE" => Some("orders".to_owned()),
                "INVOICE_NUMBER_START" => Some(value.to_owned()),
                _ => None,
            })
            .map(|config| config.first_invoice_number)
        };
        assert_eq!(start("5000"), Ok(Some(5000)));
        for wrong in ["999", "1", "x", "100000000"] {
            let problem = start(wrong).unwrap_err();
            assert!(problem.contains("from 1000"), "{wrong}: {problem}");
        }
    }
}
