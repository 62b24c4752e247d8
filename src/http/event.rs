//! API Gateway and Function URL events made safe for `lambda_http`, which panics on a body
//! flagged as base64 that does not decode, and on a path that is not a valid URI. Such events are
//! mended first, so the client gets a 400 or 404 instead of a dead process.

use lambda_http::Request;
use lambda_http::http::HeaderValue;
use lambda_http::http::header::HeaderMap;
use lambda_http::http::uri::PathAndQuery;
use lambda_http::request::LambdaRequest;

/// Set by this module, never by a client (a client's copy is removed): the body was flagged as
/// base64 but did not decode.
pub const BODY_ERROR_HEADER: &str = "x-order-intake-body-error";

/// Drops a body flagged as base64 that does not decode, and returns whether it did so.
fn drop_undecodable_body(body: &mut Option<String>, is_base64_encoded: &mut bool) -> bool {
    use base64::Engine;
    let broken = *is_base64_encoded
        && body
            .as_deref()
            .is_some_and(|b| base64::engine::general_purpose::STANDARD.decode(b).is_err());
    if broken {
        *body = None;
        *is_base64_encoded = false;
    }
    broken
}

fn mark_body_error(headers: &mut HeaderMap, broken: bool) {
    headers.remove(BODY_ERROR_HEADER);
    if broken {
        headers.insert(
            BODY_ERROR_HEADER,
            HeaderValue::from_static("invalid-base64"),
        );
    }
}

fn valid_path(path: &str) -> bool {
    path.starts_with('/') && PathAndQuery::try_from(path).is_ok_and(|p| p.query().is_none())
}

/// Drops a body that is not valid base64 (marking it) and a path or query that `http` would
/// refuse (the request then reaches no route: 404).
pub fn make_safe(event: &mut LambdaRequest) {
    const INVALID_PATH: &str = "/invalid-path";
    match event {
        LambdaRequest::ApiGatewayV1(ag) => {
            let broken = drop_undecodable_body(&mut ag.body, &mut ag.is_base64_encoded);
            mark_body_error(&mut ag.headers, broken);
            mark_body_error(&mut ag.multi_value_headers, broken);
            if !ag.path.as_deref().is_some_and(valid_path) {
                ag.path = Some(INVALID_PATH.into());
            }
        }
        LambdaRequest::ApiGatewayV2(ag) => {
            let broken = drop_undecodable_body(&mut ag.body, &mut ag.is_base64_encoded);
            mark_body_error(&mut ag.headers, broken);
            if !ag.raw_path.as_deref().is_some_and(valid_path) {
                ag.raw_path = Some(INVALID_PATH.into());
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
