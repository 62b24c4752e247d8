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
use order_ops::desk::Desk;
use order_ops::store::OperatorStores;
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
    let configured = settings(cli.config.clone())
        .and_then(|settings| Ok((OpsConfig::from_lookup(&settings)?, settings)));
    let (config, settings) = match configured {
        Ok(configured) => configured,
        Err(problem) => {
            eprintln!("orders: {problem}");
            return ExitCode::from(2);
        }
    };
    let sdk = sdk_config(&settings).await;
    let store = Arc::new(DynamoDbStore::new(
        aws::dynamodb_client(&sdk),
        &config.orders_table,
    ));
    // The function sends when it is named (the deployed way: the operator policy has no
    // ses:SendEmail); else, with the mail configuration, the same use cases run here.
    let desk = match config.function {
        Some(name) => Some(Desk::Function {
            client: aws_sdk_lambda::Client::new(&sdk),
            name,
        }),
        None => (config.mail)
            .map(|mail| Desk::Local(Box::new(wiring(&sdk, store.clone(), mail).operator_desk()))),
    };
    let operator = Operator {
        stores: OperatorStores::dynamodb((*store).clone()),
        desk,
        retention_months: config.retention_months,
        seller: config.seller,
        first_invoice_number: config.first_invoice_number,
        accounts: config.accounts,
        documents_dir: config.documents_dir,
        apix: config.apix,
        ssm: Some(aws_sdk_ssm::Client::new(&sdk)),
        clock: Timestamp::now,
    };
    let mut out = std::io::stdout().lock();
    let mut notes = std::io::stderr().lock();
    match operator.run(cli.command, &mut out, &mut notes).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => failed(&error),
    }
}

/// The error, and its causes, for an operator (or a test) to see why storage did not answer;
/// the SDK's errors name the operation and the service's code, never item data.
fn failed(error: &order_ops::OpsError) -> ExitCode {
    eprintln!("orders: {error}");
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        eprintln!("  caused by: {inner}");
        cause = inner.source();
    }
    ExitCode::FAILURE
}

/// The settings: the environment first, then the configuration file (`orders.env`).
fn settings(file: Option<std::path::PathBuf>) -> Result<impl Fn(&str) -> Option<String>, String> {
    let file = order_ops::config::settings_file(file.as_deref())?;
    Ok(move |name: &str| {
        (std::env::var(name).ok().filter(|v| !v.is_empty())).or_else(|| file.get(name).cloned())
    })
}

/// The AWS CLI's chain: environment, profiles (AWS_PROFILE), SSO, credential processes; the
/// profile and region may come from the configuration file.
async fn sdk_config(settings: &impl Fn(&str) -> Option<String>) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    if let Some(profile) = settings("AWS_PROFILE") {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = settings("AWS_REGION") {
        loader = loader.region(aws_config::Region::new(region));
    }
    loader.load().await
}

/// What `resend`, `release`, `book` and `cancel` send with when no function is named: the
/// function's own use cases, with the mail configuration.
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
    .with_seal(mail.seal)
}
