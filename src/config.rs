//! Configuration from environment variables, read and checked once at start-up.

use url::Url;

use crate::domain::{EmailAddress, WebOrigin};

#[derive(Debug, Clone)]
pub struct Config {
    /// `ORDERS_TABLE`: the DynamoDB table.
    pub orders_table: String,
    /// `SENDER_EMAIL`: the verified SES identity emails come from.
    pub sender_email: EmailAddress,
    /// `TRAINER_EMAILS`: comma-separated; they get each order and the customer's replies.
    pub trainer_emails: Vec<EmailAddress>,
    /// `ALLOWED_ORIGINS`: comma-separated web origins allowed to post orders (CORS and `_next`).
    pub allowed_origins: Vec<WebOrigin>,
    /// `THANK_YOU_URL`: where a plain HTML form lands after a successful order.
    pub thank_you_url: Url,
    /// `SES_CONFIGURATION_SET`: optional.
    pub ses_configuration_set: Option<String>,
    /// `WARM_UP_CONNECTIONS`: `true` (the default) or `false`. Connect to DynamoDB and SES
    /// during init, so the first order after a cold start does not pay for it.
    pub warm_up_connections: bool,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("configuration: {variable} {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

fn error(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        problem: problem.into(),
    }
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let required = |name: &'static str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| error(name, "is not set"))
        };
        let email = |name: &'static str, value: &str| {
            EmailAddress::parse(value)
                .ok_or_else(|| error(name, format!("has an invalid email address: {value:?}")))
        };
        let list = |value: String| {
            value
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };

        let orders_table = required("ORDERS_TABLE")?;
        let sender_email = email("SENDER_EMAIL", &required("SENDER_EMAIL")?)?;
        let trainer_emails = list(required("TRAINER_EMAILS")?)
            .iter()
            .map(|v| email("TRAINER_EMAILS", v))
            .collect::<Result<Vec<_>, _>>()?;
        if trainer_emails.is_empty() {
            return Err(error("TRAINER_EMAILS", "lists no address"));
        }
        let allowed_origins = list(required("ALLOWED_ORIGINS")?)
            .iter()
            .map(|v| {
                WebOrigin::parse(v).ok_or_else(|| {
                    error(
                        "ALLOWED_ORIGINS",
                        format!("has {v:?}, which is not an origin like https://www.example.fi"),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let thank_you_url = required("THANK_YOU_URL")?;
        let thank_you_url = Url::parse(&thank_you_url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| {
                error(
                    "THANK_YOU_URL",
                    format!("is not an absolute http(s) URL: {thank_you_url:?}"),
                )
            })?;
        let ses_configuration_set = lookup("SES_CONFIGURATION_SET")
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty());
        let warm_up_connections = match lookup("WARM_UP_CONNECTIONS").as_deref().map(str::trim) {
            None | Some("" | "true") => true,
            Some("false") => false,
            Some(other) => {
                return Err(error(
                    "WARM_UP_CONNECTIONS",
                    format!("is {other:?}, not true or false"),
                ));
            }
        };
        Ok(Config {
            orders_table,
            sender_email,
            trainer_emails,
            allowed_origins,
            thank_you_url,
            ses_configuration_set,
            warm_up_connections,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    const VALID: [(&str, &str); 5] = [
        ("ORDERS_TABLE", "orders"),
        ("SENDER_EMAIL", "tilaukset@some-tyopajat.fi"),
        (
            "TRAINER_EMAILS",
            "anna@some-tyopajat.fi, ville@some-tyopajat.fi",
        ),
        (
            "ALLOWED_ORIGINS",
            "https://www.some-tyopajat.fi,http://127.0.0.1:8080",
        ),
        ("THANK_YOU_URL", "https://www.some-tyopajat.fi/kiitos"),
    ];

    #[test]
    fn a_complete_environment_is_read() {
        let config = Config::from_lookup(env(&VALID)).unwrap();
        assert_eq!(config.trainer_emails.len(), 2);
        let origins: Vec<&str> = config.allowed_origins.iter().map(|o| o.as_str()).collect();
        assert_eq!(
            origins,
            vec!["https://www.some-tyopajat.fi", "http://127.0.0.1:8080"]
        );
        assert_eq!(config.ses_configuration_set, None);
        assert!(config.warm_up_connections);
    }

    #[test]
    fn warm_up_can_be_turned_off_but_not_misspelt() {
        let with = |value: &'static str| {
            let mut pairs = VALID.to_vec();
            pairs.push(("WARM_UP_CONNECTIONS", value));
            Config::from_lookup(env(&pairs)).map(|c| c.warm_up_connections)
        };
        assert_eq!(with("false"), Ok(false));
        assert_eq!(with("true"), Ok(true));
        assert_eq!(with("no").unwrap_err().variable, "WARM_UP_CONNECTIONS");
    }

    #[test]
    fn each_missing_or_invalid_variable_is_named() {
        for (variable, bad) in [
            ("ORDERS_TABLE", ""),
            ("SENDER_EMAIL", "Tilaukset <tilaukset@some-tyopajat.fi>"),
            ("TRAINER_EMAILS", "anna@some-tyopajat.fi,not-an-address"),
            ("ALLOWED_ORIGINS", "https://www.some-tyopajat.fi/tilaa"),
            ("THANK_YOU_URL", "/kiitos"),
            ("WARM_UP_CONNECTIONS", "yes"),
        ] {
            let mut pairs = VALID.to_vec();
            pairs.retain(|(k, _)| *k != variable);
            pairs.push((variable, bad));
            let error = Config::from_lookup(env(&pairs)).unwrap_err();
            assert_eq!(error.variable, variable);
        }
    }
}
