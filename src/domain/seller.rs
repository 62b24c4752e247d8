//! The company that sells: configuration (`SELLER_*`, `TERMS_*`), never code. The customer's
//! email shows its name, Y-tunnus, phone and terms; an invoice needs its address, VAT number,
//! bank account and e-invoice address besides, which only the operator's command configures.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{BusinessId, EmailAddress, Language, Phone};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seller {
    pub name: String,
    pub business_id: BusinessId,
    pub phone: Phone,
    /// The terms of sale (cancellation, travel costs) in each language (`TERMS_FI`, …).
    pub terms: HashMap<Language, String>,
    /// What an invoice needs besides (`SELLER_VAT_NUMBER` … `SELLER_EINVOICE_OPERATOR`), when
    /// all of it is configured.
    pub invoicing: Option<Invoicing>,
    /// Where buyers ask about an invoice (`SELLER_EMAIL`, optional): replies to a payment
    /// reminder go there, else to the trainers.
    pub email: Option<EmailAddress>,
}

/// The seller's details that only an invoice needs (an issued invoice keeps them as they were).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoicing {
    /// `FI12345671`.
    pub vat_number: String,
    pub street: String,
    pub postcode: String,
    pub town: String,
    /// Without spaces.
    pub iban: String,
    pub bic: String,
    /// The seller's own e-invoice address and its operator's id (Finvoice's From…).
    pub einvoice_address: String,
    pub einvoice_operator: String,
    /// Where the buyer asks about an invoice (`SELLER_EMAIL`), printed on it when set.
    #[serde(default)]
    pub email: Option<String>,
}

impl Seller {
    /// The terms of sale in `language` (every language has them: configuration requires it).
    pub fn terms_in(&self, language: Language) -> &str {
        self.terms.get(&language).map_or("", String::as_str)
    }
}
