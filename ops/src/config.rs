//! The function's configuration variables that the command uses: the table always; the
//! sender, trainers and configuration set for `resend`; the retention time for searches by
//! address.

use order_intake::domain::EmailAddress;
use order_intake::intake::DEFAULT_RETENTION_MONTHS;

use crate::invoice::Seller;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpsConfig {
    pub orders_table: String,
    /// `None` when SENDER_EMAIL or TRAINER_EMAILS is not set: then only resend is refused.
    /// With them, the seller's details and terms must be set too (SELLER_PHONE, TERMS_*).
    pub mail: Option<MailConfig>,
    pub retention_months: u32,
    /// The seller on invoices, or what is missing for it.
    pub seller: Result<Seller, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailConfig {
    pub sender: EmailAddress,
    pub trainers: Vec<EmailAddress>,
    pub configuration_set: Option<String>,
    /// The seller's line and the terms a customer email carries (as the function's).
    pub seller: order_intake::email::Seller,
}

impl OpsConfig {
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<OpsConfig, String> {
        let set = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let orders_table = set("ORDERS_TABLE").ok_or(
            "ORDERS_TABLE is not set: the table's name (the stack's OrdersTableName output; `orders` under make dev)",
        )?;
        let email = |name: &str, text: &str| {
            EmailAddress::parse(text.trim())
                .ok_or(format!("{name} has {text:?}, not an email address"))
        };
        let mail = match (set("SENDER_EMAIL"), set("TRAINER_EMAILS")) {
            (Some(sender), Some(trainers)) => Some(MailConfig {
                sender: email("SENDER_EMAIL", &sender)?,
                trainers: trainers
                    .split(',')
                    .map(|t| email("TRAINER_EMAILS", t))
                    .collect::<Result<_, _>>()?,
                configuration_set: set("SES_CONFIGURATION_SET"),
                seller: order_intake::config::seller_from_lookup(&lookup)
                    .map_err(|e| format!("resending needs the customer email's {e}"))?,
            }),
            _ => None,
        };
        let retention_months = match set("RETENTION_MONTHS") {
            None => DEFAULT_RETENTION_MONTHS,
            Some(text) => text.trim().parse().ok().filter(|m| *m > 0).ok_or(format!(
                "RETENTION_MONTHS is {text:?}, not a whole number above 0"
            ))?,
        };
        let seller = Seller::from_lookup(&lookup);
        Ok(OpsConfig {
            orders_table,
            mail,
            retention_months,
            seller,
        })
    }
}
