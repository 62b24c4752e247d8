//! Start-up: telemetry, configuration, SDK clients built once, then serve.

use std::sync::Arc;

use order_intake::config::Config;
use order_intake::email::SesMailer;
use order_intake::entry::{Function, run};
use order_intake::http::HttpSettings;
use order_intake::human_check::Turnstile;
use order_intake::intake::{Wiring, system_clock};
use order_intake::store::{DynamoDbStore, Stores};
use order_intake::{aws, measure, telemetry};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    telemetry::init();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            tracing::error!(variable = %error.variable, "{error}");
            return Err(error.into());
        }
    };
    // Business metrics (src/measure.rs); without them the function still serves.
    let metrics = match config.metrics {
        true => measure::init()
            .inspect_err(|error| tracing::error!(error = %error, "metrics recorder not installed"))
            .ok(),
        false => None,
    };
    measure::cold_start();
    let sdk = aws::load_sdk_config().await;
    let store = DynamoDbStore::new(aws::dynamodb_client(&sdk), &config.orders_table);
    let mailer = SesMailer::new(
        aws::ses_client(&sdk),
        config.sender_email.to_string(),
        config.ses_configuration_set.clone(),
    );
    let wiring = Wiring::new(
        Stores::new(Arc::new(store)),
        Arc::new(mailer),
        config.trainer_emails.clone(),
        system_clock(),
        config.limits.clone(),
    )
    .with_seller(config.seller)
    .with_retention_months(config.retention_months)
    .with_backoff_seconds(config.retry_backoff_seconds)
    .with_booking(config.booking);
    let wiring = match config.human_check {
        Some(settings) => wiring.with_human_check(Arc::new(Turnstile::new(settings))),
        None => wiring,
    };
    let settings = HttpSettings {
        allowed_origins: config.allowed_origins,
        thank_you_url: config.thank_you_url,
        contact_emails: config.trainer_emails,
    };
    let function = Function::new(&wiring, settings);
    if config.warm_up_connections {
        function.http.place_order.warm_up().await;
    }
    run(function, metrics).await
}
