//! Configuration from environment variables, read and checked once at start-up.

use url::Url;

use crate::domain::{
    BusinessId, EmailAddress, Language, Limits, Phone, Seller, Trainer, WebOrigin,
};
use crate::domain::{CancellationTerms, FeeVat, LinkSigner, OrderSeal};
use crate::human_check::{DEFAULT_TIMEOUT, SITEVERIFY_URL, TurnstileSettings};
use crate::intake::{
    BookingLinks, BookingSettings, DEFAULT_BACKOFF_SECONDS, DEFAULT_RETENTION_MONTHS,
};

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
    /// `THANK_YOU_URL`: optional. Where a plain HTML form lands after a successful order; unset,
    /// it lands on the function's own thank-you page (`/orders/thanks`) in the order's language.
    pub thank_you_url: Option<Url>,
    /// `SELLER_NAME`, `SELLER_BUSINESS_ID`, `SELLER_PHONE` and the terms of sale `TERMS_FI`,
    /// `TERMS_SV`, `TERMS_EN`: shown in every customer email.
    pub seller: Seller,
    /// `SES_CONFIGURATION_SET`: optional.
    pub ses_configuration_set: Option<String>,
    /// `WARM_UP_CONNECTIONS`: `false` (the default) or `true`. Connect to DynamoDB and SES
    /// during init instead of in the first order. At Lambda's CPU share the three TLS
    /// handshakes cost init more than they save the first order (BENCHMARKS.md, issue 17).
    pub warm_up_connections: bool,
    /// `METRICS`: `true` (the default) or `false`. Business metrics in CloudWatch Embedded
    /// Metric Format on stdout after each invocation (src/measure.rs); `false` for make bench's
    /// comparison.
    pub metrics: bool,
    /// `RATE_LIMIT_SECRET` (at least 32 characters; the counters' keys are its HMAC of each
    /// address) and the quotas `ORDERS_PER_SOURCE_PER_HOUR` (default 10),
    /// `ORDERS_PER_MAILBOX_PER_DAY` (3), `CONFIRMATIONS_PER_HOUR` (10) and
    /// `CONFIRMATIONS_PER_DAY` (30), of which `REAL_CONFIRMATIONS_PER_HOUR` (5) and
    /// `REAL_CONFIRMATIONS_PER_DAY` (15) are kept for orders that passed the human check and
    /// look real; the reputation breaker's `BREAKER_BOUNCES_PER_DAY` (3),
    /// `BREAKER_COMPLAINTS_PER_DAY` (1), from `BREAKER_NETWORKS_PER_DAY` (3) networks, ended
    /// after `BREAKER_QUIET_HOURS` (12); `TRAINER_NOTIFICATIONS_PER_HOUR` (20), over which the
    /// trainers get one hourly digest.
    pub limits: Limits,
    /// `RETENTION_MONTHS` (default 24): personal data is erased this long after an order.
    pub retention_months: u32,
    /// `RETRY_BACKOFF_SECONDS` (default 60): the first wait after a failed send, doubling up to
    /// an hour. Only the end-to-end run sets it, to wait less for real.
    pub retry_backoff_seconds: u32,
    /// `BOOKING_LINK_SECRET` (at least 32 characters, not the rate-limit secret) signs the
    /// links; `PUBLIC_URL` (https, or http on loopback) is where the function answers;
    /// `TRAINERS` (`Name <own address>, …`), `BOOKING_LINK_SECRET_PREVIOUS` (a rotation's).
    pub booking: BookingSettings,
    /// `HUMAN_CHECK`: `on` (the default) or `off`. On, `TURNSTILE_SECRET` is required: every
    /// order's Turnstile token is verified and a confirmation without a valid one waits for a
    /// person; `off` runs without it on purpose. Tokens come from `ALLOWED_ORIGINS`' hosts.
    /// `TURNSTILE_SITEVERIFY_URL` (Cloudflare's) and `TURNSTILE_TIMEOUT_MS` (3000).
    pub human_check: Option<TurnstileSettings>,
    /// `DOORS`: `alias` (the default; each event only through its own alias) or `local`.
    pub doors: crate::door::Doors,
    /// `ORDER_SEAL_SECRET` (at least 32 characters, none of the other secrets): the key of the
    /// orders' seals (`domain::OrderSeal`).
    pub seal: OrderSeal,
}

mod limits;
mod secrets;

/// A secret shorter than this is refused: the counter keys must not be guessable.
const MIN_SECRET_LENGTH: usize = 32;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("configuration: {variable} {problem}")]
pub struct ConfigError {
    pub variable: String,
    pub problem: String,
}

fn error(variable: impl Into<String>, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable: variable.into(),
        problem: problem.into(),
    }
}

/// Reads variables by name (the process environment, or a map in tests).
struct Variables<F: Fn(&str) -> Option<String>>(F);

impl<F: Fn(&str) -> Option<String>> Variables<F> {
    fn optional(&self, name: &str) -> Option<String> {
        (self.0)(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    fn required(&self, name: &str) -> Result<String, ConfigError> {
        self.optional(name).ok_or_else(|| error(name, "is not set"))
    }

    /// A secret: long enough, and not a committed one unless the function runs on this
    /// machine alone (`secrets.rs`).
    fn secret(&self, name: &'static str, value: String) -> Result<String, ConfigError> {
        let local = secrets::is_local(self.optional("PUBLIC_URL"));
        secrets::checked(value, MIN_SECRET_LENGTH, local).map_err(|problem| error(name, problem))
    }

    /// A comma-separated list, each item parsed; `what` says what an item should look like.
    fn list<T>(
        &self,
        name: &'static str,
        parse: impl Fn(&str) -> Option<T>,
        what: &str,
    ) -> Result<Vec<T>, ConfigError> {
        let items = self
            .required(name)?
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| parse(v).ok_or_else(|| error(name, format!("has {v:?}, which is not {what}"))))
            .collect::<Result<Vec<_>, _>>()?;
        if items.is_empty() {
            return Err(error(name, "lists nothing"));
        }
        Ok(items)
    }

    fn email(&self, name: &'static str) -> Result<EmailAddress, ConfigError> {
        let value = self.required(name)?;
        EmailAddress::parse(&value)
            .ok_or_else(|| error(name, format!("has an invalid email address: {value:?}")))
    }

    /// An absolute http(s) URL, when set.
    fn url(&self, name: &'static str) -> Result<Option<Url>, ConfigError> {
        let Some(value) = self.optional(name) else {
            return Ok(None);
        };
        (Url::parse(&value).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .map(Some)
            .ok_or_else(|| error(name, format!("is not an absolute http(s) URL: {value:?}")))
    }

    fn count(&self, name: &'static str, default: u32) -> Result<u32, ConfigError> {
        match self.optional(name) {
            None => Ok(default),
            Some(text) => text
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| error(name, format!("is {text:?}, not a whole number above 0"))),
        }
    }

    fn seller(&self) -> Result<Seller, ConfigError> {
        let business_id = self.required("SELLER_BUSINESS_ID")?;
        let phone = self.required("SELLER_PHONE")?;
        Ok(Seller {
            name: self.required("SELLER_NAME")?,
            business_id: BusinessId::parse(&business_id)
                .map_err(|_| error("SELLER_BUSINESS_ID", "is not a valid Y-tunnus"))?,
            phone: Phone::parse(&phone)
                .ok_or_else(|| error("SELLER_PHONE", "is not a phone number"))?,
            // `TERMS_FI`, `TERMS_SV`, …: one for each language.
            terms: (Language::ALL.into_iter())
                .map(|language| {
                    let name = format!("TERMS_{}", language.code().to_uppercase());
                    Ok((language, self.required(&name)?))
                })
                .collect::<Result<_, ConfigError>>()?,
            // Only the operator's command makes invoices (ops/src/config.rs).
            invoicing: None,
            email: (self.optional("SELLER_EMAIL"))
                .map(|text| {
                    EmailAddress::parse(&text)
                        .ok_or_else(|| error("SELLER_EMAIL", "is not an email address"))
                })
                .transpose()?,
        })
    }

    fn booking(&self, sender: &EmailAddress) -> Result<BookingSettings, ConfigError> {
        let secret = self.secret("BOOKING_LINK_SECRET", self.required("BOOKING_LINK_SECRET")?)?;
        if self.optional("RATE_LIMIT_SECRET").as_deref() == Some(secret.as_str()) {
            return Err(error(
                "BOOKING_LINK_SECRET",
                "is the same as RATE_LIMIT_SECRET",
            ));
        }
        let public_url = self.url("PUBLIC_URL")?;
        if let Some(problem) = public_url.as_ref().and_then(secrets::public_url_problem) {
            return Err(error("PUBLIC_URL", problem));
        }
        let defaults = BookingSettings::default();
        let trainers = match self.optional("TRAINERS") {
            None => Vec::new(),
            Some(list) => {
                Trainer::parse_list(&list).map_err(|problem| error("TRAINERS", problem))?
            }
        };
        let roster = match trainers.is_empty() {
            true => defaults.roster,
            false => trainers.iter().map(|t| t.name.clone()).collect(),
        };
        let mut signer = LinkSigner::new(&secret);
        if let Some(previous) = self.optional("BOOKING_LINK_SECRET_PREVIOUS") {
            let previous = self.secret("BOOKING_LINK_SECRET_PREVIOUS", previous)?;
            signer = signer.with_previous(&previous);
        }
        Ok(BookingSettings {
            links: Some(BookingLinks::new(signer, public_url.as_ref())),
            organizer: match self.optional("ORGANIZER_EMAIL") {
                None => sender.to_string(),
                Some(_) => self.email("ORGANIZER_EMAIL")?.to_string(),
            },
            roster,
            trainers,
            reminder_days_before: match self.optional("REMINDER_DAYS_BEFORE") {
                None => None,
                Some(_) => Some(self.count("REMINDER_DAYS_BEFORE", 1)?),
            },
            terms: self.terms()?,
        })
    }

    /// The cancellation terms; a fee over 100 % is a typo.
    fn terms(&self) -> Result<CancellationTerms, ConfigError> {
        let defaults = CancellationTerms::default();
        // 0 is a term too: no free days, or no fee.
        let whole = |name: &'static str, default: u32, max: u32| match self.optional(name) {
            None => Ok(default),
            Some(text) => (text.parse::<u32>().ok())
                .filter(|n| *n <= max)
                .ok_or_else(|| error(name, format!("is {text:?}, not a whole number 0–{max}"))),
        };
        let free_days = whole("CANCELLATION_FREE_DAYS", defaults.free_days, 365)?;
        let fee_percent = whole("CANCELLATION_FEE_PERCENT", defaults.fee_percent, 100)?;
        let fee_vat = match self.optional("CANCELLATION_FEE_VAT") {
            None => defaults.fee_vat,
            Some(text) => FeeVat::parse(&text)
                .ok_or_else(|| error("CANCELLATION_FEE_VAT", "is not outside or taxable"))?,
        };
        Ok(CancellationTerms {
            free_days,
            fee_percent,
            fee_vat,
        })
    }

    /// The function's bookings: as `booking`, with `TRAINERS` required (a trainer signs in to
    /// the booking page with a link sent to their own address).
    fn function_booking(&self, sender: &EmailAddress) -> Result<BookingSettings, ConfigError> {
        let booking = self.booking(sender)?;
        if booking.trainers.is_empty() {
            return Err(error("TRAINERS", "is required: `Name <own address>, …`"));
        }
        Ok(booking)
    }

    /// On unless `HUMAN_CHECK=off` says otherwise on purpose: then a warning at every cold
    /// start and the `HumanCheckOff` metric (`src/main.rs`).
    fn human_check(&self, origins: &[WebOrigin]) -> Result<Option<TurnstileSettings>, ConfigError> {
        let secret = self.optional("TURNSTILE_SECRET");
        match self.optional("HUMAN_CHECK").as_deref() {
            Some("off") => return Ok(None),
            None | Some("on") => {}
            Some(_) => return Err(error("HUMAN_CHECK", "is neither on nor off")),
        }
        let Some(secret) = secret else {
            let problem = "is required while HUMAN_CHECK is on (set HUMAN_CHECK=off to run without the human check on purpose)";
            return Err(error("TURNSTILE_SECRET", problem));
        };
        if let Some(problem) = secrets::committed_secret_problem(
            &secret,
            secrets::is_local(self.optional("PUBLIC_URL")),
        ) {
            return Err(error("TURNSTILE_SECRET", problem));
        }
        let siteverify = match self.url("TURNSTILE_SITEVERIFY_URL")? {
            None => Url::parse(SITEVERIFY_URL).expect("Cloudflare's URL parses"),
            Some(url) => url,
        };
        let hostnames = (origins.iter())
            .filter_map(|origin| {
                Url::parse(origin.as_str())
                    .ok()?
                    .host_str()
                    .map(str::to_owned)
            })
            .collect();
        let timeout_ms = self.count("TURNSTILE_TIMEOUT_MS", DEFAULT_TIMEOUT.as_millis() as u32)?;
        Ok(Some(TurnstileSettings {
            secret,
            siteverify,
            hostnames,
            timeout: std::time::Duration::from_millis(timeout_ms.into()),
        }))
    }

    fn flag(&self, name: &'static str, default: bool) -> Result<bool, ConfigError> {
        match self.optional(name).as_deref() {
            None => Ok(default),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(other) => Err(error(name, format!("is {other:?}, not true or false"))),
        }
    }
}

/// The seller as the function has it (`SELLER_NAME`, `SELLER_BUSINESS_ID`, `SELLER_PHONE`,
/// `TERMS_*`), for the operator's command, which adds its invoicing details.
pub fn seller_from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Seller, ConfigError> {
    Variables(lookup).seller()
}

/// The orders' seal as the function has it (`ORDER_SEAL_SECRET`), for the operator's command
/// when it sends here (make dev's `make orders`).
pub fn seal_from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<OrderSeal, ConfigError> {
    Variables(lookup).seal()
}

/// Bookings as the function has them (`BOOKING_LINK_SECRET`, `PUBLIC_URL`, `TRAINERS`,
/// `REMINDER_DAYS_BEFORE`), for the operator's `orders book`.
pub fn booking_from_lookup(
    lookup: impl Fn(&str) -> Option<String>,
    sender: &EmailAddress,
) -> Result<BookingSettings, ConfigError> {
    Variables(lookup).booking(sender)
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let vars = Variables(lookup);
        let sender_email = vars.email("SENDER_EMAIL")?;
        let allowed_origins = vars.list(
            "ALLOWED_ORIGINS",
            WebOrigin::parse,
            "an origin like https://www.example.fi",
        )?;
        Ok(Config {
            human_check: vars.human_check(&allowed_origins)?,
            orders_table: vars.required("ORDERS_TABLE")?,
            booking: vars.function_booking(&sender_email)?,
            sender_email,
            trainer_emails: vars.list("TRAINER_EMAILS", EmailAddress::parse, "an email address")?,
            allowed_origins,
            thank_you_url: vars.url("THANK_YOU_URL")?,
            seller: vars.seller()?,
            ses_configuration_set: vars.optional("SES_CONFIGURATION_SET"),
            warm_up_connections: vars.flag("WARM_UP_CONNECTIONS", false)?,
            metrics: vars.flag("METRICS", true)?,
            limits: vars.limits()?,
            retention_months: vars.count("RETENTION_MONTHS", DEFAULT_RETENTION_MONTHS)?,
            retry_backoff_seconds: vars.count("RETRY_BACKOFF_SECONDS", DEFAULT_BACKOFF_SECONDS)?,
            seal: vars.seal()?,
            doors: secrets::doors(vars.optional("DOORS"), vars.optional("PUBLIC_URL"))
                .map_err(|problem| error("DOORS", problem))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Quotas;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    const VALID: [(&str, &str); 16] = [
        ("HUMAN_CHECK", "off"),
        (
            "ORDER_SEAL_SECRET",
            "a-seal-secret-of-at-least-32-characters",
        ),
        (
            "TRAINERS",
            "Pilvi Nummi <pilvi.nummi@some-tyopajat.fi>, Jaana Pohjola <jaana.pohjola@some-tyopajat.fi>",
        ),
        (
            "BOOKING_LINK_SECRET",
            "a-booking-secret-of-at-least-32-characters",
        ),
        ("SELLER_NAME", "Some-työpajat Oy"),
        ("SELLER_BUSINESS_ID", "1234567-1"),
        ("SELLER_PHONE", "+358 40 123 4567"),
        ("TERMS_FI", "Ehdot"),
        ("TERMS_SV", "Villkor"),
        ("TERMS_EN", "Terms"),
        (
            "RATE_LIMIT_SECRET",
            "a-test-secret-of-at-least-32-characters",
        ),
        ("ORDERS_TABLE", "orders"),
        ("SENDER_EMAIL", "tilaukset@some-tyopajat.fi"),
        (
            "TRAINER_EMAILS",
            "pilvi.nummi@some-tyopajat.fi, jaana.pohjola@some-tyopajat.fi",
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
        assert_eq!(config.limits.quotas, Quotas::default());
        assert!(
            !config.warm_up_connections,
            "off unless asked for (BENCHMARKS.md)"
        );
        assert_eq!(config.seller.business_id.as_str(), "1234567-1");
    }

    #[test]
    fn without_a_thank_you_url_the_function_thanks_itself() {
        let mut pairs = VALID.to_vec();
        pairs.retain(|(k, _)| *k != "THANK_YOU_URL");
        assert_eq!(
            Config::from_lookup(env(&pairs)).unwrap().thank_you_url,
            None
        );
    }

    /// The repository's secrets and an http address work only on this machine (#41, L-2).
    #[test]
    fn committed_secrets_and_http_addresses_are_refused_off_this_machine() {
        let with = |changes: &[(&'static str, &'static str)]| {
            let mut pairs = VALID.to_vec();
            pairs.retain(|(k, _)| !changes.iter().any(|(c, _)| c == k));
            pairs.extend_from_slice(changes);
            Config::from_lookup(env(&pairs))
                .map(|_| ())
                .map_err(|e| e.variable)
        };
        let dev_secret = (
            "BOOKING_LINK_SECRET",
            "dev-only-booking-link-secret-0123456789abcdef",
        );
        let test_secret = (
            "RATE_LIMIT_SECRET",
            "test-only-rate-limit-secret-0123456789abcdef",
        );
        for url in ["http://127.0.0.1:9000", "http://localhost:9100"] {
            assert_eq!(
                with(&[dev_secret, test_secret, ("PUBLIC_URL", url)]),
                Ok(()),
                "{url}"
            );
        }
        let public = ("PUBLIC_URL", "https://api.some-tyopajat.fi");
        assert_eq!(
            with(&[dev_secret, public]).unwrap_err(),
            "BOOKING_LINK_SECRET"
        );
        assert_eq!(
            with(&[test_secret, public]).unwrap_err(),
            "RATE_LIMIT_SECRET"
        );
        assert_eq!(
            with(&[dev_secret]).unwrap_err(),
            "BOOKING_LINK_SECRET",
            "no address: not local"
        );
        assert_eq!(with(&[public]), Ok(()));
        let http = ("PUBLIC_URL", "http://api.some-tyopajat.fi");
        assert_eq!(with(&[http]).unwrap_err(), "PUBLIC_URL");
        let seal = (
            "ORDER_SEAL_SECRET",
            "dev-only-order-seal-secret-0123456789abcdef",
        );
        assert_eq!(with(&[seal, public]).unwrap_err(), "ORDER_SEAL_SECRET");
        let reused = (
            "ORDER_SEAL_SECRET",
            "a-test-secret-of-at-least-32-characters",
        );
        assert_eq!(with(&[reused]).unwrap_err(), "ORDER_SEAL_SECRET");
        let turnstile = [
            ("HUMAN_CHECK", "on"),
            (
                "TURNSTILE_SECRET",
                "dev-only-turnstile-secret-0123456789abcdef",
            ),
            public,
        ];
        assert_eq!(with(&turnstile).unwrap_err(), "TURNSTILE_SECRET");
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
            (
                "TRAINER_EMAILS",
                "pilvi.nummi@some-tyopajat.fi,not-an-address",
            ),
            ("ALLOWED_ORIGINS", "https://www.some-tyopajat.fi/tilaa"),
            ("THANK_YOU_URL", "/kiitos"),
            (
                "ORGANIZER_EMAIL",
                "Kouluttajat <kouluttajat@some-tyopajat.fi>",
            ),
            ("CANCELLATION_FEE_PERCENT", "101"),
            ("CANCELLATION_FREE_DAYS", "two weeks"),
            ("SELLER_BUSINESS_ID", "1234567-8"),
            ("SELLER_PHONE", "soita"),
            ("SELLER_EMAIL", "laskutus at some-tyopajat.fi"),
            ("TERMS_SV", ""),
            ("WARM_UP_CONNECTIONS", "yes"),
            ("RATE_LIMIT_SECRET", "too-short"),
            ("ORDERS_PER_SOURCE_PER_HOUR", "0"),
            ("CONFIRMATIONS_PER_HOUR", "many"),
        ] {
            let mut pairs = VALID.to_vec();
            pairs.retain(|(k, _)| *k != variable);
            pairs.push((variable, bad));
            let error = Config::from_lookup(env(&pairs)).unwrap_err();
            assert_eq!(error.variable, variable);
        }
    }

    #[test]
    fn turnstile_is_required_unless_turned_off_on_purpose_and_trusts_the_origins_hosts() {
        assert!(
            Config::from_lookup(env(&VALID))
                .unwrap()
                .human_check
                .is_none()
        );
        let mut pairs: Vec<_> = (VALID.iter().copied())
            .filter(|(name, _)| *name != "HUMAN_CHECK")
            .collect();
        let error = Config::from_lookup(env(&pairs)).unwrap_err();
        assert_eq!(error.variable, "TURNSTILE_SECRET", "on by default");
        pairs.push(("HUMAN_CHECK", "maybe"));
        assert_eq!(
            Config::from_lookup(env(&pairs)).unwrap_err().variable,
            "HUMAN_CHECK"
        );
        pairs.pop();
        pairs.push(("TURNSTILE_SECRET", "0x4AAAAAAA-secret"));
        let check = Config::from_lookup(env(&pairs))
            .unwrap()
            .human_check
            .unwrap();
        assert_eq!(check.siteverify.as_str(), SITEVERIFY_URL);
        assert_eq!(check.hostnames, vec!["www.some-tyopajat.fi", "127.0.0.1"]);
        assert_eq!(check.timeout, DEFAULT_TIMEOUT);
        pairs.push(("TURNSTILE_SITEVERIFY_URL", "/siteverify"));
        let error = Config::from_lookup(env(&pairs)).unwrap_err();
        assert_eq!(error.variable, "TURNSTILE_SITEVERIFY_URL");
    }
}
