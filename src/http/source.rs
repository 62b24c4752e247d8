//! Where a request came from.

use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};

use crate::domain::SourceAddress;

/// Where the request came from, as API Gateway (or a Function URL) saw the connection. Never a
/// header such as `X-Forwarded-For`, which the client writes.
pub fn source_address(request: &Request) -> SourceAddress {
    let ip = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => context.http.source_ip.as_deref(),
        Some(RequestContext::ApiGatewayV1(context)) => context.identity.source_ip.as_deref(),
        _ => None,
    };
    ip.and_then(SourceAddress::parse)
        .unwrap_or_else(SourceAddress::unknown)
}
