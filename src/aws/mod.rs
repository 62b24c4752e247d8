//! SDK clients with timeouts well inside API Gateway's 30 s, so a slow service becomes a clear
//! answer (503 for storage, a pending email for SES) rather than a gateway timeout.
//! Endpoints come from the SDK's standard variables (`AWS_ENDPOINT_URL_DYNAMODB`,
//! `AWS_ENDPOINT_URL_SESV2`), which is how `make dev` and the tests point them at local services.

use std::time::Duration;

mod https;
pub use https::{Answer, CallError, HttpsClient};

use aws_config::environment::{
    EnvironmentVariableCredentialsProvider, EnvironmentVariableRegionProvider,
};
use aws_config::retry::RetryConfig;
use aws_config::stalled_stream_protection::StalledStreamProtectionConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader, SdkConfig};
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};

/// The roots every AWS endpoint the function calls chains to (Amazon Root CA 1–4, of Amazon
/// Trust Services), compiled in. The SDK's default reads the system's whole store at start-up
/// instead: on Debian 300 files, 3–4 ms of every cold start (BENCHMARKS.md), for 140
/// authorities the function never needs.
pub const AMAZON_TRUST_SERVICES_ROOTS: &str = include_str!("amazon-trust-services.pem");

pub async fn load_sdk_config() -> SdkConfig {
    sdk_config_loader().load().await
}

/// The function's SDK settings before loading; tests add their region, credentials and endpoint.
/// Region and credentials come from the environment, where Lambda puts them (and the env files
/// of make dev and make test): the SDK's default chains would also build an STS and an IMDS
/// client at every cold start, a third of the function's init instructions (BENCHMARKS.md).
pub fn sdk_config_loader() -> ConfigLoader {
    aws_config::defaults(BehaviorVersion::latest())
        .region(EnvironmentVariableRegionProvider::new())
        .credentials_provider(EnvironmentVariableCredentialsProvider::new())
        .http_client(https_client())
        .retry_config(RetryConfig::standard().with_max_attempts(3))
        .stalled_stream_protection(stalled_stream_protection())
}

/// Stalled-stream protection is off: its grace period (20 s) is longer than every call's
/// operation timeout (8 s, `timeouts`), so it could never be what stops a call, and it wraps
/// every request and response body in a throughput monitor that reads the clock on each poll
/// (BENCHMARKS.md, issue 28). A `trust-local-ca` build (make bench) turns it back on when
/// `ORDER_INTAKE_BENCH_SDK_DEFAULTS` is set, to measure both in one run.
fn stalled_stream_protection() -> StalledStreamProtectionConfig {
    #[cfg(feature = "trust-local-ca")]
    if std::env::var_os(BENCH_SDK_DEFAULTS_VARIABLE).is_some() {
        return StalledStreamProtectionConfig::enabled().build();
    }
    StalledStreamProtectionConfig::disabled()
}

/// make bench's switch back to the SDK's defaults (`stalled_stream_protection`); read only by a
/// `trust-local-ca` build.
pub const BENCH_SDK_DEFAULTS_VARIABLE: &str = "ORDER_INTAKE_BENCH_SDK_DEFAULTS";

/// Names a PEM file of one more CA to trust, read only by a build with the `trust-local-ca`
/// feature (make bench's TLS runs); a normal build, the one Lambda runs, ignores it.
pub const LOCAL_CA_VARIABLE: &str = "ORDER_INTAKE_LOCAL_CA";

/// The roots the function trusts, as PEM: Amazon Trust Services, and in a `trust-local-ca`
/// build the CA of `ORDER_INTAKE_LOCAL_CA` too.
pub fn trusted_roots(lookup: impl Fn(&str) -> Option<String>) -> String {
    match local_ca(lookup) {
        Some(pem) => format!("{AMAZON_TRUST_SERVICES_ROOTS}\n{pem}"),
        None => AMAZON_TRUST_SERVICES_ROOTS.to_owned(),
    }
}

/// The system's roots, for the one call that is not to AWS (the human check's siteverify:
/// Cloudflare's chain is not Amazon's), and in a `trust-local-ca` build the CA of
/// `ORDER_INTAKE_LOCAL_CA` too (make bench's siteverify stub).
pub fn system_trust_store() -> TrustStore {
    let store = TrustStore::default();
    match local_ca(|name| std::env::var(name).ok()) {
        Some(pem) => store.with_pem_certificate(pem.into_bytes()),
        None => store,
    }
}

/// The PEM of the file `ORDER_INTAKE_LOCAL_CA` names, in a `trust-local-ca` build only.
fn local_ca(lookup: impl Fn(&str) -> Option<String>) -> Option<String> {
    #[cfg(feature = "trust-local-ca")]
    return lookup(LOCAL_CA_VARIABLE).and_then(|path| std::fs::read_to_string(path).ok());
    #[cfg(not(feature = "trust-local-ca"))]
    {
        let _ = lookup;
        None
    }
}

/// The SDK's own HTTPS client (hyper 1, rustls with aws-lc: the one TLS stack), trusting only
/// Amazon Trust Services.
fn https_client() -> impl aws_sdk_dynamodb::config::HttpClient + use<> {
    let roots = trusted_roots(|name| std::env::var(name).ok());
    let trust_store = TrustStore::empty().with_pem_certificate(roots.as_bytes());
    // Building the context cannot fail today; should it ever, the system's roots still work.
    let context = TlsContext::builder()
        .with_trust_store(trust_store)
        .build()
        .unwrap_or_default();
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
        .tls_context(context)
        .build_https()
}

/// Connect 2 s, each attempt `attempt_seconds`, the whole operation with retries 8 s.
fn timeouts(attempt_seconds: u64) -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(2))
        .operation_attempt_timeout(Duration::from_secs(attempt_seconds))
        .operation_timeout(Duration::from_secs(8))
        .build()
}

pub fn dynamodb_client(sdk: &SdkConfig) -> aws_sdk_dynamodb::Client {
    let config = aws_sdk_dynamodb::config::Builder::from(sdk).timeout_config(timeouts(3));
    aws_sdk_dynamodb::Client::from_conf(config.build())
}

/// SES gets a longer attempt: a send is slower than a DynamoDB write and fails softly (pending).
pub fn ses_client(sdk: &SdkConfig) -> aws_sdk_sesv2::Client {
    let config = aws_sdk_sesv2::config::Builder::from(sdk).timeout_config(timeouts(4));
    aws_sdk_sesv2::Client::from_conf(config.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A certificate that is not Amazon's, in a file, named by the variable.
    fn another_ca() -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("local-ca-{}.pem", std::process::id()));
        let first = AMAZON_TRUST_SERVICES_ROOTS
            .split_inclusive("-----END CERTIFICATE-----")
            .next()
            .unwrap();
        std::fs::write(&path, first).unwrap();
        path
    }

    #[cfg(not(feature = "trust-local-ca"))]
    #[test]
    fn a_normal_build_trusts_amazons_roots_only_whatever_the_environment_says() {
        let path = another_ca();
        let roots =
            trusted_roots(|name| (name == LOCAL_CA_VARIABLE).then(|| path.display().to_string()));
        assert_eq!(roots, AMAZON_TRUST_SERVICES_ROOTS);
        assert_eq!(roots.matches("BEGIN CERTIFICATE").count(), 4);
    }

    #[cfg(feature = "trust-local-ca")]
    #[test]
    fn a_bench_build_adds_the_named_ca() {
        let path = another_ca();
        let roots =
            trusted_roots(|name| (name == LOCAL_CA_VARIABLE).then(|| path.display().to_string()));
        assert_eq!(roots.matches("BEGIN CERTIFICATE").count(), 5);
    }

    #[test]
    fn the_trust_store_holds_the_four_amazon_roots() {
        assert_eq!(
            AMAZON_TRUST_SERVICES_ROOTS
                .matches("-----BEGIN CERTIFICATE-----")
                .count(),
            4
        );
        // Building a client builds its TLS connector, which parses every root (and panics on
        // one it cannot parse).
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(aws_config::Region::new("eu-north-1"))
            .http_client(https_client())
            .build();
        let _client = aws_sdk_dynamodb::Client::from_conf(config);
    }

    /// Every call has an operation timeout shorter than the protection's grace period, so the
    /// protection is off for both clients; the timeouts stay.
    #[tokio::test]
    async fn calls_are_bounded_by_their_timeouts_not_by_stalled_stream_protection() {
        let sdk = sdk_config_loader()
            .region(aws_config::Region::new("eu-north-1"))
            .load()
            .await;
        let protection = sdk.stalled_stream_protection().expect("set by the loader");
        assert!(!protection.is_enabled());
        assert!(
            aws_smithy_runtime_api::client::stalled_stream_protection::DEFAULT_GRACE_PERIOD
                > Duration::from_secs(8)
        );
        for client in [
            dynamodb_client(&sdk).config().timeout_config().cloned(),
            ses_client(&sdk).config().timeout_config().cloned(),
        ] {
            let timeouts = client.expect("timeouts set");
            assert_eq!(timeouts.operation_timeout(), Some(Duration::from_secs(8)));
            assert!(timeouts.operation_attempt_timeout().is_some());
        }
    }
}
