//! `orders`: configuration and AWS clients from the environment, then one command.

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use jiff::Timestamp;
use order_intake::aws;
use order_intake::domain::{Limits, Quotas};
use order_intake::email::SesMailer;
use order_intake::intake::{Wiring, system_clock};
use order_intake::store::{DynamoDbStore, Stores};
use order_ops::config::MailConfig;
use order_ops::{Cli, Operator, OpsConfig};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // Warnings and errors only, on stderr: stdout is the command's output (CSV, JSON).
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ORDERS_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let config = match OpsConfig::from_lookup(|name| std::env::var(name).ok()) {
        Ok(config) => config,
        Err(problem) => {
            eprintln!("orders: {problem}");
            return ExitCode::from(2);
        }
    };
    // The AWS CLI's chain: environment, profiles (AWS_PROFILE), SSO, credential processes.
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let store = Arc::new(DynamoDbStore::new(
        aws::dynamodb_client(&sdk),
        &config.orders_table,
    ));
    let wiring = config.mail.map(|mail| wiring(&sdk, store.clone(), mail));
    let operator = Operator {
        store,
        resend: wiring.as_ref().map(Wiring::resend),
        release: wiring.as_ref().map(Wiring::release),
        book: wiring.as_ref().map(Wiring::book_workshop),
        retention_months: config.retention_months,
        seller: config.seller,
        clock: Timestamp::now,
    };
    let mut out = std::io::stdout().lock();
    let mut notes = std::io::stderr().lock();
    match operator.run(cli.command, &mut out, &mut notes).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("orders: {error}");
            // The causes, for an operator (or a test) to see why storage did not answer; the
            // SDK's errors name the operation and the service's code, never item data.
            let mut cause = std::error::Error::source(&error);
            while let Some(inner) = cause {
                eprintln!("  caused by: {inner}");
                cause = inner.source();
            }
            ExitCode::FAILURE
        }
    }
}

/// What `orders resend` and `orders book` send with: the function's own use cases, with the
/// mail configuration.
fn wiring(sdk: &aws_config::SdkConfig, store: Arc<DynamoDbStore>, mail: MailConfig) -> Wiring {
    let ses = aws::ses_client(sdk);
    let mailer = SesMailer::new(ses, mail.sender.to_string(), mail.configuration_set);
    // A resend takes nothing from the abuse counters: their key only has to be unguessable.
    let mut key = [0u8; 32];
    let _ = getrandom::fill(&mut key);
    let secret: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let limits = Limits::new(Quotas::default(), &secret);
    let stores = Stores::new(store);
    Wiring::new(
        stores,
        Arc::new(mailer),
        mail.trainers,
        system_clock(),
        limits,
    )
    .with_seller(mail.seller)
    .with_booking(mail.booking)
}
