//! SDK clients with timeouts well inside API Gateway's 30 s, so a slow service becomes a clear
//! answer (503 for storage, a pending email for SES) rather than a gateway timeout.
//! Endpoints come from the SDK's standard variables (`AWS_ENDPOINT_URL_DYNAMODB`,
//! `AWS_ENDPOINT_URL_SESV2`), which is how `make dev` and the tests point them at local services.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};

pub async fn load_sdk_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::standard().with_max_attempts(3))
        .load()
        .await
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
