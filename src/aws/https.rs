//! One HTTPS client for calls beyond AWS (Cloudflare's siteverify, the e-invoice operator's
//! API for `orders send`): the SDK's own TLS stack (rustls with aws-lc) trusting the system's
//! roots, built on first use (loading the roots is most of its cost).

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use aws_smithy_http_client::tls::{self, TlsContext, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::HttpConnector;
use aws_smithy_runtime_api::http::Request;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;

/// Why a call has no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// Nothing came back in time: the request may or may not have been acted on.
    #[error("no answer in {0:?}")]
    Timeout(Duration),
    /// The request could not be made or its answer read.
    #[error("{0}")]
    Failed(String),
}

/// An answer: its status and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

#[derive(Default)]
pub struct HttpsClient {
    connector: OnceLock<Arc<dyn HttpConnector>>,
}

impl HttpsClient {
    pub fn new() -> HttpsClient {
        HttpsClient::default()
    }

    /// Whether the connector (and its trust roots) was built yet.
    pub fn connected(&self) -> bool {
        self.connector.get().is_some()
    }

    fn connector(&self) -> &Arc<dyn HttpConnector> {
        self.connector.get_or_init(|| {
            let connector = aws_smithy_http_client::Connector::builder()
                .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
                .tls_context(
                    TlsContext::builder()
                        .with_trust_store(super::system_trust_store())
                        .build()
                        .unwrap_or_default(),
                )
                .build();
            Arc::new(connector)
        })
    }

    /// One request (`content_type` with a body), its answer within `timeout`.
    pub async fn call(
        &self,
        method: &str,
        url: &str,
        content: Option<(&str, Vec<u8>)>,
        timeout: Duration,
    ) -> Result<Answer, CallError> {
        let failed = |error: String| CallError::Failed(error);
        let (content_type, body) = content.map_or((None, Vec::new()), |(t, b)| (Some(t), b));
        let mut request = Request::new(SdkBody::from(body));
        request
            .set_method(method)
            .map_err(|e| failed(e.to_string()))?;
        request.set_uri(url).map_err(|e| failed(e.to_string()))?;
        if let Some(content_type) = content_type {
            request
                .headers_mut()
                .insert("content-type", content_type.to_owned());
        }
        let call = async {
            let response =
                (self.connector().call(request).await).map_err(|e| failed(format!("{e:?}")))?;
            let status = response.status().as_u16();
            let body = ByteStream::new(response.into_body()).collect().await;
            let body = body
                .map_err(|e| failed(e.to_string()))?
                .into_bytes()
                .to_vec();
            Ok(Answer { status, body })
        };
        match tokio::time::timeout(timeout, call).await {
            Ok(answer) => answer,
            Err(_) => Err(CallError::Timeout(timeout)),
        }
    }
}
