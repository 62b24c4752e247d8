//! The function's secrets and public address, checked at start-up so that a deployment cannot
//! run on what the repository shows: the committed development and test secrets
//! (`config/dev.env`, `config/test.env`: `dev-only-…`, `test-only-…`) work only while the
//! function answers on this machine (a loopback `PUBLIC_URL`), and an `http://` address only
//! there too.

use crate::door::Doors;
use url::{Host, Url};

/// How every committed (public) secret begins.
const COMMITTED_PREFIXES: [&str; 2] = ["dev-only-", "test-only-"];

/// Whether `url` is this machine: `localhost`, 127.0.0.0/8 or `::1`.
pub(super) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Why an address is no public address: `http://` anywhere but on this machine.
pub(super) fn public_url_problem(url: &Url) -> Option<&'static str> {
    (url.scheme() == "http" && !is_loopback(url)).then_some(
        "is http:// on a host other than this machine: the links carry credentials, use https://",
    )
}

/// Whether a `PUBLIC_URL` is this machine's (a loopback address): the function runs locally.
pub(super) fn is_local(public_url: Option<String>) -> bool {
    let url = public_url.and_then(|u| Url::parse(&u).ok());
    url.is_some_and(|url| is_loopback(&url))
}

/// A secret at least `min` characters long, and not a committed one unless `local`.
pub(super) fn checked(secret: String, min: usize, local: bool) -> Result<String, String> {
    if secret.chars().count() < min {
        return Err(format!("is shorter than {min} characters"));
    }
    match committed_secret_problem(&secret, local) {
        Some(problem) => Err(problem.to_owned()),
        None => Ok(secret),
    }
}

/// Why a secret cannot be used: committed to the repository, while the function does not run
/// on this machine alone (`local`: a loopback `PUBLIC_URL`).
pub(super) fn committed_secret_problem(secret: &str, local: bool) -> Option<&'static str> {
    let committed = COMMITTED_PREFIXES.iter().any(|p| secret.starts_with(p));
    (committed && !local).then_some(
        "is a development secret from the repository: generate one (openssl rand -base64 48); it works only with a loopback PUBLIC_URL",
    )
}

/// `DOORS`: `alias`, or `local` (every event through any ARN, as `cargo lambda watch` names
/// no alias), which only a function on this machine (a loopback `PUBLIC_URL`) accepts.
pub(super) fn doors(value: Option<String>, public_url: Option<String>) -> Result<Doors, String> {
    match value.as_deref().map(str::trim) {
        None | Some("alias") => Ok(Doors::ByAlias),
        Some("local") if is_local(public_url) => Ok(Doors::Local),
        Some("local") => Err("is local, which only a function on this machine takes (a PUBLIC_URL on 127.0.0.1 or localhost): deployed, each event comes through its own alias".to_owned()),
        Some(other) => Err(format!("is {other:?}, not alias or local")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_is_for_this_machine_only_and_committed_secrets_too() {
        for local in [
            "http://127.0.0.1:9000",
            "http://localhost:9000/",
            "http://[::1]:9000",
        ] {
            let url = Url::parse(local).unwrap();
            assert!(
                is_loopback(&url) && public_url_problem(&url).is_none(),
                "{local}"
            );
        }
        for public in [
            "http://api.example",
            "http://10.0.0.5:9000",
            "http://localhost.example",
        ] {
            assert!(
                public_url_problem(&Url::parse(public).unwrap()).is_some(),
                "{public}"
            );
        }
        assert!(public_url_problem(&Url::parse("https://api.example").unwrap()).is_none());
        let dev = "dev-only-booking-link-secret-0123456789abcdef";
        assert!(committed_secret_problem(dev, true).is_none());
        assert!(committed_secret_problem(dev, false).is_some());
        assert!(
            committed_secret_problem("test-only-rate-limit-secret-0123456789", false).is_some()
        );
        assert!(
            committed_secret_problem("k3Zx9-a-generated-secret-of-48-characters", false).is_none()
        );
    }

    /// `cargo lambda watch` names no alias, so `make dev` and the end-to-end run let every
    /// event through any door; a deployed function never can.
    #[test]
    fn every_door_is_open_only_on_this_machine() {
        let doors = |value: Option<&str>, url: Option<&str>| {
            doors(value.map(str::to_owned), url.map(str::to_owned))
        };
        assert_eq!(doors(None, None), Ok(Doors::ByAlias));
        assert_eq!(
            doors(Some("alias"), Some("https://api.example.fi")),
            Ok(Doors::ByAlias)
        );
        for local in ["http://127.0.0.1:9000", "http://localhost:9100"] {
            assert_eq!(doors(Some("local"), Some(local)), Ok(Doors::Local));
        }
        for elsewhere in [
            None,
            Some("https://api.example.fi"),
            Some("http://10.0.0.5:9000"),
        ] {
            let refused = doors(Some("local"), elsewhere).unwrap_err();
            assert!(
                refused.contains("only a function on this machine"),
                "{refused}"
            );
        }
        assert!(doors(Some("all"), Some("http://127.0.0.1:9000")).is_err());
    }
}
