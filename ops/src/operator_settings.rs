//! Where and how `orders send` reaches the e-invoice operator (`APIX_URL`: `production`,
//! `test` or a URL; `APIX_TIMEOUT_MS`), and where its transfer credentials are: SSM Parameter
//! Store (`APIX_PARAMETER`, a SecureString only the operator role reads, written once by
//! `orders operator connect`); only for an operator on this machine (a loopback `APIX_URL`, the
//! tests' stand-in) from `APIX_TRANSFER_ID` and `APIX_TRANSFER_KEY`.

use std::time::Duration;

use url::{Host, Url};

use crate::apix::{PRODUCTION_URL, SEND_TIMEOUT, TEST_URL, TransferCredentials};

/// The parameter's name unless `APIX_PARAMETER` says otherwise.
pub const DEFAULT_PARAMETER: &str = "/order-intake/apix-transfer";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    Parameter(String),
    /// A stand-in on this machine.
    Local(TransferCredentials),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApixSettings {
    pub base: Url,
    pub credentials: CredentialSource,
    pub timeout: Duration,
}

impl ApixSettings {
    /// `None` without `APIX_URL`; an error for a value that is not usable.
    pub fn from_lookup(
        set: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<ApixSettings>, String> {
        let Some(given) = set("APIX_URL") else {
            return Ok(None);
        };
        let base = match given.trim() {
            "production" => PRODUCTION_URL.to_owned(),
            "test" => TEST_URL.to_owned(),
            other => other.to_owned(),
        };
        let base = Url::parse(&format!("{}/", base.trim_end_matches('/')))
            .map_err(|_| format!("APIX_URL is {given:?}: production, test or a URL"))?;
        let loopback = match base.host() {
            Some(Host::Domain(name)) => name == "localhost",
            Some(Host::Ipv4(ip)) => ip.is_loopback(),
            Some(Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        if base.scheme() != "https" && !loopback {
            return Err("APIX_URL must be https (the transfer key's digest travels in it)".into());
        }
        let credentials = match (loopback, set("APIX_TRANSFER_ID"), set("APIX_TRANSFER_KEY")) {
            (true, Some(transfer_id), Some(transfer_key)) => {
                CredentialSource::Local(TransferCredentials {
                    transfer_id,
                    transfer_key,
                    unique_company_id: String::new(),
                })
            }
            (false, Some(_), _) | (false, _, Some(_)) => {
                return Err("APIX_TRANSFER_ID and APIX_TRANSFER_KEY are for a stand-in on this machine only: the real credentials live in SSM (orders operator connect)".into());
            }
            _ => CredentialSource::Parameter(
                set("APIX_PARAMETER").unwrap_or_else(|| DEFAULT_PARAMETER.to_owned()),
            ),
        };
        let timeout = match set("APIX_TIMEOUT_MS") {
            None => SEND_TIMEOUT,
            Some(ms) => Duration::from_millis(
                (ms.trim().parse::<u64>().ok())
                    .filter(|ms| *ms > 0)
                    .ok_or(format!("APIX_TIMEOUT_MS is {ms:?}, not milliseconds"))?,
            ),
        };
        Ok(Some(ApixSettings {
            base,
            credentials,
            timeout,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfer_keys_come_from_the_environment_only_for_a_stand_in_on_this_machine() {
        let with = |pairs: &[(&str, &str)]| {
            ApixSettings::from_lookup(move |name| {
                (pairs.iter().find(|(n, _)| *n == name)).map(|(_, v)| (*v).to_owned())
            })
        };
        let test = with(&[("APIX_URL", "test")]).unwrap().unwrap();
        assert_eq!(test.base.as_str(), "https://test-api.apix.fi/");
        assert_eq!(
            test.credentials,
            CredentialSource::Parameter(DEFAULT_PARAMETER.into())
        );
        const KEYS: [(&str, &str); 2] = [("APIX_TRANSFER_ID", "x"), ("APIX_TRANSFER_KEY", "y")];
        let keys = KEYS;
        assert!(with(&[("APIX_URL", "production"), keys[0], keys[1]]).is_err());
        let local = with(&[("APIX_URL", "http://127.0.0.1:9300"), keys[0], keys[1]]);
        assert!(matches!(
            local.unwrap().unwrap().credentials,
            CredentialSource::Local(_)
        ));
        assert!(with(&[("APIX_URL", "http://apix.example")]).is_err());
        assert_eq!(with(&[]), Ok(None));
    }
}
