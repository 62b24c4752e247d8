//! The accounts and VAT code `orders journal` suggests (`JOURNAL_*`), with defaults for a
//! Finnish service company's chart of accounts.

/// The accounts and VAT code the rows suggest (`JOURNAL_*`), defaults for a Finnish service
/// company's chart of accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accounts {
    pub receivables: String,
    pub sales: String,
    /// Travel rows (`matkakulut`).
    pub travel: String,
    /// Cancellation fees (`peruutusmaksu`).
    pub fees: String,
    pub vat: String,
    /// The sales rows' VAT code: Netvisor's `KOMY`, domestic sales.
    pub vat_code: String,
    /// A row outside VAT's scope (a cancellation fee as compensation): Netvisor's `NONE`, no
    /// VAT handling.
    pub vat_code_outside: String,
}

impl Default for Accounts {
    fn default() -> Self {
        Accounts {
            receivables: "1700".into(),
            sales: "3000".into(),
            travel: "3000".into(),
            fees: "3000".into(),
            vat: "2939".into(),
            vat_code: "KOMY".into(),
            vat_code_outside: "NONE".into(),
        }
    }
}

impl Accounts {
    /// The defaults, each replaced by its variable when set (an account number of digits).
    pub fn from_lookup(set: impl Fn(&str) -> Option<String>) -> Result<Accounts, String> {
        let mut accounts = Accounts::default();
        let fields = [
            ("JOURNAL_ACCOUNT_RECEIVABLES", &mut accounts.receivables),
            ("JOURNAL_ACCOUNT_SALES", &mut accounts.sales),
            ("JOURNAL_ACCOUNT_TRAVEL", &mut accounts.travel),
            ("JOURNAL_ACCOUNT_FEES", &mut accounts.fees),
            ("JOURNAL_ACCOUNT_VAT", &mut accounts.vat),
        ];
        for (name, field) in fields {
            if let Some(value) = set(name) {
                let value = value.trim();
                if value.is_empty() || value.len() > 9 || !value.bytes().all(|b| b.is_ascii_digit())
                {
                    return Err(format!("{name} is {value:?}, not an account number"));
                }
                *field = value.to_owned();
            }
        }
        if let Some(code) = set("JOURNAL_VAT_CODE") {
            accounts.vat_code = code.trim().to_owned();
        }
        if let Some(code) = set("JOURNAL_VAT_CODE_OUTSIDE") {
            accounts.vat_code_outside = code.trim().to_owned();
        }
        Ok(accounts)
    }

    pub fn for_article(&self, article: &str) -> &str {
        match article {
            "matkakulut" => &self.travel,
            "peruutusmaksu" => &self.fees,
            _ => &self.sales,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_the_defaults_unless_configured_and_must_be_numbers() {
        let with = |name: &'static str, value: &'static str| {
            Accounts::from_lookup(move |n| (n == name).then(|| value.to_owned()))
        };
        assert_eq!(with("", ""), Ok(Accounts::default()));
        let travel = with("JOURNAL_ACCOUNT_TRAVEL", "3050").unwrap();
        assert_eq!(
            (
                travel.for_article("matkakulut"),
                travel.for_article("somestartti")
            ),
            ("3050", "3000")
        );
        let wrong = with("JOURNAL_ACCOUNT_SALES", "30x0").unwrap_err();
        assert!(wrong.contains("JOURNAL_ACCOUNT_SALES"), "{wrong}");
    }
}
