//! The human check: Cloudflare Turnstile's token from the form, verified server-side with
//! siteverify. A doubt never refuses an order: the order is stored and the trainers told, and
//! only the customer's confirmation waits for a person (`Delivery::Unverified`).

use std::time::Duration;

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use url::Url;
use uuid::Uuid;

use crate::domain::SourceAddress;

/// Cloudflare's own verification endpoint; tests and make dev point `TURNSTILE_SITEVERIFY_URL`
/// at a local stub.
pub const SITEVERIFY_URL: &str = "https://challenges.cloudflare.com/turnstile/v0/siteverify";
/// The widget's `data-action` on the order form: a token made for another action is refused.
pub const ORDER_ACTION: &str = "order";
/// Cloudflare's tokens are at most 2,048 characters.
const MAX_TOKEN_LENGTH: usize = 2048;
/// The whole siteverify call, connection included: an order waits this long at most.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

/// Whether a person sent the form, as far as the check can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Human,
    /// Not shown to be a person: the confirmation waits. The reason goes to the log.
    Doubtful(Doubt),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Doubt {
    /// No token, or one that cannot be a token (too long, odd characters).
    NoToken,
    /// Cloudflare said no, with its error codes (`invalid-input-response`,
    /// `timeout-or-duplicate`, …).
    Refused(String),
    /// A valid token made on a page this function does not serve.
    WrongHostname,
    /// A valid token made for another widget action.
    WrongAction,
    /// Cloudflare did not answer in time, or not with its JSON.
    Unreachable(String),
}

impl Doubt {
    /// A short word for the logs and metrics.
    pub fn as_str(&self) -> &'static str {
        match self {
            Doubt::NoToken => "no_token",
            Doubt::Refused(_) => "refused",
            Doubt::WrongHostname => "wrong_hostname",
            Doubt::WrongAction => "wrong_action",
            Doubt::Unreachable(_) => "unreachable",
        }
    }
}

#[async_trait]
pub trait HumanCheck: Send + Sync {
    /// The verdict on a form's token. `idempotency` is the same for every post of the same
    /// submission (`idempotency_key`), so that Cloudflare answers a replay's used token as it
    /// answered the first post.
    async fn verify(
        &self,
        token: Option<&str>,
        source: &SourceAddress,
        idempotency: Uuid,
    ) -> Verdict;
}

/// The siteverify `idempotency_key` of a submission: a UUID (as Cloudflare wants) made from what
/// makes a resubmission a replay (its idempotency key, or its content's fingerprint).
pub fn idempotency_key(replay_id: &str) -> Uuid {
    let digest = Sha256::digest(replay_id.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// Turnstile's settings: `TURNSTILE_SECRET`, the allowed hostnames (those of
/// `ALLOWED_ORIGINS`), `TURNSTILE_SITEVERIFY_URL` and the timeout.
#[derive(Debug, Clone)]
pub struct TurnstileSettings {
    pub secret: String,
    pub siteverify: Url,
    pub hostnames: Vec<String>,
    pub timeout: Duration,
}

/// The siteverify client: one HTTPS connection pool on the SDK's own TLS stack (rustls with
/// aws-lc), trusting the system's roots (Cloudflare's chain is not Amazon's), built once, when
/// the first token is checked: loading the system's roots is most of its cost (11 M
/// instructions with one bundle file, 20 M with Debian's folder, against 2.4 M for the whole of
/// init without it; BENCHMARKS.md), and the cold starts for SES's reports and the scheduled runs
/// never need it.
pub struct Turnstile {
    settings: TurnstileSettings,
    client: crate::aws::HttpsClient,
}

/// What siteverify answers (only the fields the check reads).
#[derive(Debug, serde::Deserialize)]
struct Siteverify {
    success: bool,
    #[serde(default)]
    hostname: Option<String>,
    #[serde(default)]
    action: Option<String>,
    #[serde(default, rename = "error-codes")]
    error_codes: Vec<String>,
}

impl Turnstile {
    pub fn new(settings: TurnstileSettings) -> Turnstile {
        Turnstile {
            settings,
            client: crate::aws::HttpsClient::new(),
        }
    }

    async fn siteverify(
        &self,
        token: &str,
        source: &SourceAddress,
        idempotency: Uuid,
    ) -> Result<Siteverify, String> {
        let body = {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            form.append_pair("secret", &self.settings.secret);
            form.append_pair("response", token);
            form.append_pair("idempotency_key", &idempotency.to_string());
            // A source counted by its IPv6 /64 is not one address: siteverify gets none then.
            if source.as_str().parse::<std::net::IpAddr>().is_ok() {
                form.append_pair("remoteip", source.as_str());
            }
            form.finish()
        };
        let form = Some(("application/x-www-form-urlencoded", body.into_bytes()));
        let url = self.settings.siteverify.as_str();
        let answer = (self
            .client
            .call("POST", url, form, self.settings.timeout)
            .await)
            .map_err(|error| error.to_string())?;
        if !(200..300).contains(&answer.status) {
            return Err(format!("status {}", answer.status));
        }
        serde_json::from_slice(&answer.body).map_err(|error| error.to_string())
    }

    /// Cloudflare's answer against what this form must have made.
    fn judge(&self, answer: Siteverify) -> Verdict {
        if !answer.success {
            return Verdict::Doubtful(Doubt::Refused(answer.error_codes.join(",")));
        }
        let hostname = answer.hostname.unwrap_or_default().to_ascii_lowercase();
        if !self.settings.hostnames.contains(&hostname) {
            return Verdict::Doubtful(Doubt::WrongHostname);
        }
        if answer.action.as_deref() != Some(ORDER_ACTION) {
            return Verdict::Doubtful(Doubt::WrongAction);
        }
        Verdict::Human
    }
}

/// Whether a form value can be a token at all: Cloudflare's are URL-safe text.
fn plausible(token: &str) -> bool {
    (1..=MAX_TOKEN_LENGTH).contains(&token.len())
        && (token.bytes()).all(|b| b.is_ascii_alphanumeric() || b"-_.:+/=".contains(&b))
}

#[async_trait]
impl HumanCheck for Turnstile {
    async fn verify(
        &self,
        token: Option<&str>,
        source: &SourceAddress,
        idempotency: Uuid,
    ) -> Verdict {
        let Some(token) = token.map(str::trim).filter(|t| plausible(t)) else {
            return Verdict::Doubtful(Doubt::NoToken);
        };
        match self.siteverify(token, source, idempotency).await {
            Ok(answer) => self.judge(answer),
            Err(problem) => Verdict::Doubtful(Doubt::Unreachable(problem)),
        }
    }
}

impl std::fmt::Debug for Turnstile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Turnstile")
            .field("siteverify", &self.settings.siteverify.as_str())
            .field("hostnames", &self.settings.hostnames)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_submission_s_idempotency_key_is_a_stable_uuid() {
        let key = idempotency_key("key#0190-abc");
        assert_eq!(key, idempotency_key("key#0190-abc"));
        assert_ne!(key, idempotency_key("key#0190-abd"));
        assert_eq!(key.get_version_num(), 4);
        assert!(Uuid::parse_str(&key.to_string()).is_ok());
    }

    fn turnstile() -> Turnstile {
        Turnstile::new(TurnstileSettings {
            secret: "secret".into(),
            siteverify: Url::parse("http://127.0.0.1:1/siteverify").unwrap(),
            hostnames: vec!["www.some-tyopajat.fi".into()],
            timeout: Duration::from_millis(200),
        })
    }

    fn answer(success: bool, hostname: &str, action: &str) -> Siteverify {
        Siteverify {
            success,
            hostname: Some(hostname.into()),
            action: Some(action.into()),
            error_codes: if success {
                vec![]
            } else {
                vec!["invalid-input-response".into()]
            },
        }
    }

    #[test]
    fn only_a_success_on_our_hostname_for_the_order_action_is_a_person() {
        let check = turnstile();
        let host = "www.some-tyopajat.fi";
        assert_eq!(check.judge(answer(true, host, "order")), Verdict::Human);
        assert_eq!(
            check.judge(answer(true, "WWW.Some-Tyopajat.fi", "order")),
            Verdict::Human
        );
        assert_eq!(
            check.judge(answer(false, host, "order")),
            Verdict::Doubtful(Doubt::Refused("invalid-input-response".into()))
        );
        assert_eq!(
            check.judge(answer(true, "evil.example", "order")),
            Verdict::Doubtful(Doubt::WrongHostname)
        );
        assert_eq!(
            check.judge(answer(true, host, "login")),
            Verdict::Doubtful(Doubt::WrongAction)
        );
    }

    #[test]
    fn a_missing_or_implausible_token_is_never_sent() {
        for token in ["", "  ", "a b", "x\r\ny", &"a".repeat(2049), "ä"] {
            assert!(!plausible(token.trim()), "{token:?}");
        }
        assert!(plausible("0.AbC-_x:y+z/="));
    }

    #[tokio::test]
    async fn an_unreachable_siteverify_is_a_doubt_not_an_error() {
        let source = SourceAddress::parse("192.0.2.1").unwrap();
        let verdict = turnstile()
            .verify(Some("XXXX.DUMMY.TOKEN"), &source, idempotency_key("k"))
            .await;
        assert!(
            matches!(verdict, Verdict::Doubtful(Doubt::Unreachable(_))),
            "{verdict:?}"
        );
        let verdict = turnstile()
            .verify(None, &source, idempotency_key("k"))
            .await;
        assert_eq!(verdict, Verdict::Doubtful(Doubt::NoToken));
    }

    /// The client (and the system's roots it loads) is built by the first token's check, not
    /// at start-up, and not for a form without a token.
    #[tokio::test]
    async fn the_client_is_built_when_the_first_token_is_checked() {
        let source = SourceAddress::parse("192.0.2.1").unwrap();
        let check = turnstile();
        assert!(!check.client.connected());
        check.verify(None, &source, idempotency_key("k")).await;
        assert!(!check.client.connected());
        check
            .verify(Some("XXXX.DUMMY.TOKEN"), &source, idempotency_key("k"))
            .await;
        assert!(check.client.connected());
    }
}
