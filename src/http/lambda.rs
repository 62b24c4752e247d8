//! The Lambda runtime around `handle`. `lambda_http` turns events into requests, but panics on a
//! body flagged as base64 that does not decode, and on a path that is not a valid URI; such
//! events are made safe first, so the client gets a 400 or 404 instead of a dead process.

use lambda_http::http::HeaderValue;
use lambda_http::http::header::HeaderMap;
use lambda_http::http::uri::PathAndQuery;
use lambda_http::lambda_runtime::{self, LambdaEvent};
use lambda_http::request::LambdaRequest;
use lambda_http::{Adapter, Request, Service, service_fn};

use super::{App, handle};

/// Set by this module, never by a client (a client's copy is removed): the body was flagged as
/// base64 but did not decode.
pub const BODY_ERROR_HEADER: &str = "x-order-intake-body-error";

fn mark_body_error(headers: &mut HeaderMap, flagged: bool) {
    headers.remove(BODY_ERROR_HEADER);
    if flagged {
        headers.insert(
            BODY_ERROR_HEADER,
            HeaderValue::from_static("invalid-base64"),
        );
    }
}

/// Drops a body that is not valid base64 (marking it) and a path or query that `http` would
/// refuse (the request then reaches no route: 404).
fn make_safe(event: &mut LambdaRequest) {
    use base64::Engine;
    let decodes = |flagged: bool, body: &Option<String>| {
        !flagged
            || body
                .as_deref()
                .is_none_or(|b| base64::engine::general_purpose::STANDARD.decode(b).is_ok())
    };
    let valid_path = |path: &str| {
        path.starts_with('/') && PathAndQuery::try_from(path).is_ok_and(|p| p.query().is_none())
    };
    match event {
        LambdaRequest::ApiGatewayV1(ag) => {
            let broken = !decodes(ag.is_base64_encoded, &ag.body);
            if broken {
                ag.body = None;
                ag.is_base64_encoded = false;
            }
            mark_body_error(&mut ag.headers, broken);
            mark_body_error(&mut ag.multi_value_headers, broken);
            if !ag.path.as_deref().is_some_and(valid_path) {
                ag.path = Some("/invalid-path".into());
            }
        }
        LambdaRequest::ApiGatewayV2(ag) => {
            let broken = !decodes(ag.is_base64_encoded, &ag.body);
            if broken {
                ag.body = None;
                ag.is_base64_encoded = false;
            }
            mark_body_error(&mut ag.headers, broken);
            if !ag.raw_path.as_deref().is_some_and(valid_path) {
                ag.raw_path = Some("/invalid-path".into());
            }
            if ag
                .raw_query_string
                .as_deref()
                .is_some_and(|q| PathAndQuery::try_from(format!("/?{q}")).is_err())
            {
                ag.raw_query_string = None;
            }
        }
        _ => {}
    }
}

/// Reads an API Gateway or Function URL event as the runtime would: for tests and tools.
pub fn request_from_event_str(event: &str) -> Result<Request, serde_json::Error> {
    let mut event: LambdaRequest = serde_json::from_str(event)?;
    make_safe(&mut event);
    Ok(Request::from(event))
}

/// A scheduled event (EventBridge) asks for a retry run instead of an HTTP answer.
fn is_scheduled(event: &serde_json::Value) -> bool {
    event.get("detail-type").and_then(|d| d.as_str()) == Some("Scheduled Event")
}

/// How many orders one scheduled run looks at; the next run takes the rest.
const RETRY_BATCH: usize = 50;

/// Serves HTTP requests, and retry runs on a schedule, until the Lambda runtime stops the process.
pub async fn run(app: App) -> Result<(), lambda_http::Error> {
    // The app lives as long as the process; leaking it gives the handler a plain reference.
    let app: &'static App = Box::leak(Box::new(app));
    let adapter = Adapter::from(service_fn(move |request: Request| async move {
        Ok::<_, lambda_http::Error>(handle(app, request).await)
    }));
    lambda_runtime::run(service_fn(move |event: LambdaEvent<serde_json::Value>| {
        let mut adapter = adapter.clone();
        async move {
            let LambdaEvent { payload, context } = event;
            if is_scheduled(&payload) {
                let report = app.intake.retry_due(RETRY_BATCH).await.map_err(|error| {
                    tracing::error!(error = %error, "retry run stopped: storage unavailable");
                    error
                })?;
                return Ok(serde_json::to_value(report)?);
            }
            let mut request: LambdaRequest = serde_json::from_value(payload)?;
            make_safe(&mut request);
            let response = adapter
                .call(LambdaEvent {
                    payload: request,
                    context,
                })
                .await?;
            Ok::<_, lambda_http::Error>(serde_json::to_value(response)?)
        }
    }))
    .await
}
