//! Every Lambda event the function receives, handed to its handler: HTTP requests (API Gateway,
//! Function URLs) to `http`, the scheduled retry run and SES's delivery reports (EventBridge) to
//! their use cases (`intake::RetryEmails`, `intake::HandleReport`), an operator's command (a
//! direct invocation by `orders`) to `intake::OperatorDesk`, each only through its own alias
//! (`door`). One function, one deployment: the reports need the same table, templates and
//! trainer addresses as the orders, and a second function would repeat its configuration.

use lambda_http::lambda_runtime::{self, LambdaEvent};
use lambda_http::request::LambdaRequest;
use lambda_http::{Adapter, Request, Service, service_fn};
use serde_json::Value;

use std::sync::Arc;

use crate::config::Config;
use crate::door::{Door, Doors};
use crate::email::{EmailEvent, Mailer};
use crate::http::{App, HttpSettings, handle, make_safe};
use crate::human_check::Turnstile;
use crate::intake::{
    Clock, Deadline, HandleReport, OperatorAnswer, OperatorCommand, OperatorDesk, RetryEmails,
    Wiring,
};
use crate::store::Stores;
use serde::Deserialize;

/// How many orders one scheduled run looks at; the next run takes the rest.
const RETRY_BATCH: usize = 50;

/// The kinds of event this function is invoked with.
pub enum Event {
    /// EventBridge's schedule: retry the emails that are due.
    Scheduled,
    /// SES, through EventBridge: what became of a sent email.
    EmailReport(EmailEvent),
    /// An SES event that says nothing about delivery (Send, Open, Click): nothing to do.
    Ignored,
    /// `{"operator": {"command": …}, "by": "name"}`: only a direct invocation carries it (API
    /// Gateway and EventBridge build their own events); `Err`: a command this function does not
    /// know. `by`: who the operator says they are, for the order's operator log.
    Operator(Result<OperatorCommand, String>, String),
    /// Anything else is read as an HTTP request.
    Http(Box<LambdaRequest>),
}

impl Event {
    /// The door this kind of event comes through, and its name in logs and metrics.
    pub fn door(&self) -> (Door, &'static str) {
        match self {
            Event::Scheduled => (Door::Events, "scheduled"),
            Event::EmailReport(_) | Event::Ignored => (Door::Events, "email-report"),
            Event::Operator(..) => (Door::Operator, "operator"),
            Event::Http(_) => (Door::Web, "http"),
        }
    }

    pub fn parse(payload: Value) -> Result<Event, serde_json::Error> {
        if payload.get("detail-type").and_then(Value::as_str) == Some("Scheduled Event") {
            return Ok(Event::Scheduled);
        }
        if let Some(command) = payload.get("operator") {
            let command = OperatorCommand::deserialize(command).map_err(|e| e.to_string());
            let by = payload
                .get("by")
                .and_then(Value::as_str)
                .unwrap_or_default();
            return Ok(Event::Operator(command, by.to_owned()));
        }
        if payload.get("source").and_then(Value::as_str) == Some("aws.ses") {
            let detail = payload.get("detail").cloned().unwrap_or(Value::Null);
            return Ok(match EmailEvent::from_detail(detail)? {
                Some(event) => Event::EmailReport(event),
                None => Event::Ignored,
            });
        }
        let mut request: LambdaRequest = serde_json::from_value(payload)?;
        make_safe(&mut request);
        Ok(Event::Http(Box::new(request)))
    }
}

/// The function's handlers, one per kind of event, built once at start-up.
pub struct Function {
    /// Which events each door admits (`DOORS`).
    pub doors: Doors,
    pub http: App,
    pub retry: RetryEmails,
    pub report: HandleReport,
    pub desk: OperatorDesk,
}

/// What a function runs on beside its configuration: the clients `main` builds once (or a
/// test's fakes and local services), and the clock.
pub struct Parts {
    pub stores: Stores,
    pub mailer: Arc<dyn Mailer>,
    pub clock: Clock,
}

/// The one composition root, as zero2prod's `Application::build`: the use cases as `config`
/// says, on `parts`. `main` and the tests' helpers both build the function through it.
pub fn compose(config: &Config, parts: Parts) -> Wiring {
    let wiring = Wiring::new(
        parts.stores,
        parts.mailer,
        config.trainer_emails.clone(),
        parts.clock,
        config.limits.clone(),
    )
    .with_seller(config.seller.clone())
    .with_retention_months(config.retention_months)
    .with_backoff_seconds(config.retry_backoff_seconds)
    .with_booking(config.booking.clone())
    .with_seal(config.seal.clone());
    match &config.human_check {
        Some(settings) => wiring.with_human_check(Arc::new(Turnstile::new(settings.clone()))),
        None => wiring,
    }
}

/// The HTTP layer's settings as configured: a refused customer is told to write to the trainers.
pub fn http_settings(config: &Config) -> HttpSettings {
    HttpSettings {
        allowed_origins: config.allowed_origins.clone(),
        thank_you_url: config.thank_you_url.clone(),
        contact_emails: config.trainer_emails.clone(),
    }
}

impl Function {
    /// The function as configured, on `parts`.
    pub fn from_config(config: &Config, parts: Parts) -> Function {
        Function {
            doors: config.doors,
            ..Function::new(&compose(config, parts), http_settings(config))
        }
    }

    pub fn new(wiring: &Wiring, settings: HttpSettings) -> Function {
        Function {
            doors: Doors::ByAlias,
            http: App {
                place_order: wiring.place_order(),
                book: wiring.book_workshop(),
                sign_in: wiring.trainer_sign_in(),
                customer: wiring.customer_page(),
                settings,
            },
            retry: wiring.retry_emails(),
            report: wiring.handle_report(),
            desk: wiring.operator_desk(),
        }
    }
}

impl Function {
    /// An event through another door than its own: answered with the refusal, not failed
    /// (EventBridge would only deliver it again).
    fn refused(&self, event: &Event, arn: &str) -> Option<Value> {
        let (door, kind) = event.door();
        let refused = self.doors.admit(door, kind, arn).err()?;
        // In the operator's answer form, so `orders` prints it as a refusal.
        let message = match door {
            Door::Operator => {
                format!("{refused}: ORDERS_FUNCTION is the stack's OrderFunctionName output")
            }
            _ => refused.to_string(),
        };
        serde_json::to_value(OperatorAnswer::Refused { message }).ok()
    }

    async fn operator(
        &self,
        command: Result<OperatorCommand, String>,
        by: &str,
    ) -> Result<OperatorAnswer, crate::store::StoreError> {
        match command {
            Ok(command) => self.desk.run(command, by).await.inspect_err(|error| {
                tracing::error!(error = %error, "operator command not carried out: storage unavailable");
            }),
            Err(message) => Ok(OperatorAnswer::Refused { message }),
        }
    }
}

/// Serves events until the Lambda runtime stops the process.
/// `metrics`: the EMF collector to flush after each invocation (none: metrics are not kept).
pub async fn run(
    function: Function,
    metrics: Option<&'static metrics_cloudwatch_embedded::Collector>,
) -> Result<(), lambda_http::Error> {
    // The handlers live as long as the process; leaking them gives each a plain reference.
    let function: &'static Function = Box::leak(Box::new(function));
    let app = &function.http;
    let http = Adapter::from(service_fn(move |request: Request| async move {
        Ok::<_, lambda_http::Error>(handle(app, request).await)
    }));
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let mut http = http.clone();
        async move {
            let answered = async {
                let LambdaEvent { payload, context } = event;
                let event = Event::parse(payload)?;
                if let Some(refused) = function.refused(&event, &context.invoked_function_arn) {
                    return Ok(refused);
                }
                match event {
                    Event::Scheduled => {
                        let deadline = Deadline::from_epoch_millis(context.deadline);
                        let run = function.retry.retry_due_within(RETRY_BATCH, deadline).await;
                        let report = run.inspect_err(|error| {
                            tracing::error!(error = %error, "retry run stopped: storage unavailable");
                        })?;
                        Ok(serde_json::to_value(report)?)
                    }
                    Event::EmailReport(event) => {
                        let handled = function.report.record_email_event(event).await;
                        // A failure fails the invocation: EventBridge delivers the report again.
                        let report = handled.inspect_err(|error| {
                            tracing::error!(error = %error, cause = ?std::error::Error::source(error).map(ToString::to_string), "delivery report not handled");
                        })?;
                        Ok(serde_json::to_value(report)?)
                    }
                    Event::Ignored => Ok(Value::Null),
                    Event::Operator(command, by) => Ok(serde_json::to_value(function.operator(command, &by).await?)?),
                    Event::Http(request) => {
                        let payload = *request;
                        let response = http.call(LambdaEvent { payload, context }).await?;
                        Ok::<_, lambda_http::Error>(serde_json::to_value(response)?)
                    }
                }
            }
            .await;
            // Each invocation's metrics, whatever its outcome, before Lambda may freeze us.
            if let Some(collector) = metrics {
                crate::measure::flush(collector);
            }
            answered
        }
    }))
    .await
}

/// What a new execution environment reports once: counted as a cold start, and a warning and
/// the `HumanCheckOff` metric when the human check is off (on purpose, `HUMAN_CHECK=off`).
pub fn cold_start(config: &Config) {
    crate::measure::cold_start();
    if config.human_check.is_none() {
        crate::measure::human_check_off();
        tracing::warn!(
            "human check off (HUMAN_CHECK=off): every confirmation goes out without Turnstile"
        );
    }
}
