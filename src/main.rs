//! Start-up: telemetry, configuration, SDK clients built once, then serve.

use std::sync::Arc;

use order_intake::config::Config;
use order_intake::email::SesMailer;
use order_intake::entry::{self, Function, Parts, run};
use order_intake::intake::system_clock;
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
    entry::cold_start(&config);
    let sdk = aws::load_sdk_config().await;
    let store = DynamoDbStore::new(aws::dynamodb_client(&sdk), &config.orders_table);
    let mailer = SesMailer::new(
        aws::ses_client(&sdk),
        config.sender_email.to_string(),
        config.ses_configuration_set.clone(),
    );
    let parts = Parts {
        stores: Stores::new(Arc::new(store)),
        mailer: Arc::new(mailer),
        clock: system_clock(),
    };
    let function = Function::from_config(&config, parts);
    if config.warm_up_connections {
        function.http.place_order.warm_up().await;
    }
    run(function, metrics).await
}
