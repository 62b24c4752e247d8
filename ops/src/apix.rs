//! Apix Messaging's REST API for external usage (wiki.apix.fi, version 1.15), as far as
//! `orders send` needs it: `SendInvoiceZIP` (a `PUT` of a ZIP holding the Finvoice, to
//! `/invoices?soft=…&ver=…&TraID=…&t=…&d=SHA-256:…`, the digest a SHA-256 over
//! `soft+ver+TraID+t+TransferKey`, `t` the UTC time as `CCYYMMDDHHMMSS`) and
//! `RetrieveTransferID` (once, for the TransferID and TransferKey: `/app-transferID?id=…&idq=…
//! &uid=…&ts=…&d=SHA-256:…` over `id+idq+uid+ts+SHA-256(password)`). Answers are Apix's
//! `<Response><Status>OK|ERR</Status><StatusCode>…</StatusCode><FreeText>…</FreeText>
//! <Content><Group><Value type="…">…</Value>…` document.

use std::io::Write as _;
use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;
use order_intake::aws::{CallError, HttpsClient};
use sha2::{Digest, Sha256};
use url::Url;

/// The production and test hosts (`APIX_URL`).
pub const PRODUCTION_URL: &str = "https://api.apix.fi";
pub const TEST_URL: &str = "https://test-api.apix.fi";
/// How this software names itself to Apix (`soft`, `ver`).
pub const SOFTWARE: &str = "order-intake";
/// How long a send may take before its outcome is unknown.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// The company's transfer credentials (`RetrieveTransferID`'s answer).
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TransferCredentials {
    pub transfer_id: String,
    pub transfer_key: String,
    pub unique_company_id: String,
}

impl std::fmt::Debug for TransferCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransferCredentials")
            .field("transfer_id", &self.transfer_id)
            .finish_non_exhaustive()
    }
}

/// What an operator made of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// Accepted, under the operator's id for it (Apix's batch id) when it gave one.
    Accepted { operator_id: Option<String> },
    /// Refused, with the operator's reason: nothing was sent.
    Refused { reason: String },
}

/// A send whose outcome nobody knows: the request went out and no clear answer came back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unknown(pub String);

/// One document as it goes: its Finvoice and the invoice's image, each with its file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub finvoice: (String, Vec<u8>),
    pub image: (String, Vec<u8>),
}

/// An e-invoice operator: Apix now; another (Maventa) behind the same door later.
#[async_trait]
pub trait EInvoiceOperator: Send + Sync {
    async fn send(&self, document: &Outgoing) -> Result<Delivered, Unknown>;
}

/// The Finvoice as Apix takes it with its image: `InvoiceUrlNameText` `APIX_PDFFILE` and
/// `InvoiceUrlText` `file://NAME` after `EpiDetails` (where the Finvoice 3.0 schema puts them).
pub fn with_image(finvoice: &str, image_name: &str) -> String {
    let reference = format!(
        "<InvoiceUrlNameText>APIX_PDFFILE</InvoiceUrlNameText>\n<InvoiceUrlText>file://{image_name}</InvoiceUrlText>"
    );
    match finvoice.split_once("</EpiDetails>") {
        Some((before, after)) => format!("{before}</EpiDetails>\n{reference}{after}"),
        None => finvoice.to_owned(),
    }
}

/// SHA-256 over the parts joined with `+`, as lowercase hex, headed `SHA-256:`.
pub fn digest(parts: &[&str]) -> String {
    let hash = Sha256::digest(parts.join("+").as_bytes());
    format!("SHA-256:{}", hex(&hash))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Apix's timestamp: the UTC time as `CCYYMMDDHHMMSS`.
pub fn timestamp(at: Timestamp) -> String {
    at.strftime("%Y%m%d%H%M%S").to_string()
}

/// The ZIP Apix takes: the Finvoice and its image at its root.
pub fn invoice_zip(document: &Outgoing) -> std::io::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in [&document.finvoice, &document.image] {
        zip.start_file(name.as_str(), options)
            .map_err(std::io::Error::other)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish().map_err(std::io::Error::other)?.into_inner())
}

/// Apix's answer document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApixResponse {
    pub ok: bool,
    pub status_code: String,
    pub free_text: String,
    /// `Content/Group/Value` by their `type`, in order.
    pub values: Vec<(String, String)>,
}

impl ApixResponse {
    pub fn parse(body: &[u8]) -> Option<ApixResponse> {
        let text = std::str::from_utf8(body).ok()?;
        let document = roxmltree::Document::parse(text).ok()?;
        let root = document.root_element();
        (root.tag_name().name() == "Response").then_some(())?;
        let child = |name: &str| {
            (root.children())
                .find(|n| n.tag_name().name() == name)
                .and_then(|n| n.text())
                .map(plain)
        };
        let values = (root.descendants())
            .filter(|n| n.tag_name().name() == "Value")
            .map(|n| {
                let kind = n.attribute("type").unwrap_or_default().to_owned();
                (kind, plain(n.text().unwrap_or_default()))
            })
            .collect();
        Some(ApixResponse {
            ok: child("Status")? == "OK",
            status_code: child("StatusCode").unwrap_or_default(),
            free_text: child("FreeText").unwrap_or_default(),
            values,
        })
    }

    pub fn value(&self, kind: &str) -> Option<&str> {
        (self.values.iter())
            .find(|(k, _)| k == kind)
            .map(|(_, v)| v.as_str())
    }
}

/// An answer's text as it may be printed and kept: trimmed, without control characters.
fn plain(text: &str) -> String {
    text.trim().chars().filter(|c| !c.is_control()).collect()
}

/// Apix on one host with one company's credentials.
pub struct Apix {
    pub base: Url,
    pub credentials: TransferCredentials,
    pub clock: fn() -> Timestamp,
    pub timeout: Duration,
    pub client: HttpsClient,
}

impl Apix {
    /// The `SendInvoiceZIP` URL for `at`.
    pub fn send_url(&self, at: Timestamp) -> String {
        let (version, t) = (env!("CARGO_PKG_VERSION"), timestamp(at));
        let c = &self.credentials;
        let d = digest(&[SOFTWARE, version, &c.transfer_id, &t, &c.transfer_key]);
        let mut url = self.base.join("invoices").expect("a path joins a base URL");
        url.query_pairs_mut()
            .append_pair("soft", SOFTWARE)
            .append_pair("ver", version)
            .append_pair("TraID", &c.transfer_id)
            .append_pair("t", &t)
            .append_pair("d", &d);
        url.to_string()
    }
}

#[async_trait]
impl EInvoiceOperator for Apix {
    async fn send(&self, document: &Outgoing) -> Result<Delivered, Unknown> {
        let zip = invoice_zip(document).map_err(|e| Unknown(e.to_string()))?;
        let url = self.send_url((self.clock)());
        let content = Some(("application/octet-stream", zip));
        let answer = match self.client.call("PUT", &url, content, self.timeout).await {
            Ok(answer) => answer,
            // Nothing left here: no request reached Apix.
            Err(CallError::Failed(error)) if error.contains("ConnectError") => {
                return Ok(Delivered::Refused {
                    reason: format!("Apix was not reached: {error}"),
                });
            }
            Err(error) => return Err(Unknown(error.to_string())),
        };
        match ApixResponse::parse(&answer.body) {
            Some(response) if response.ok => Ok(Delivered::Accepted {
                operator_id: response.value("BatchID").map(str::to_owned),
            }),
            Some(response) => Ok(Delivered::Refused {
                reason: format!("{} {}", response.status_code, response.free_text),
            }),
            None => Err(Unknown(format!(
                "status {} with an answer that is not Apix's",
                answer.status
            ))),
        }
    }
}

/// `RetrieveTransferID`: the company's transfer credentials for its Y-tunnus (`id`, qualifier
/// `y`), an Apix user and password (the password is hashed here and never sent).
pub async fn retrieve_transfer_id(
    client: &HttpsClient,
    base: &Url,
    business_id: &str,
    user: &str,
    password: &str,
    at: Timestamp,
) -> Result<TransferCredentials, String> {
    let ts = timestamp(at);
    let password_hash = hex(&Sha256::digest(password.as_bytes()));
    let d = digest(&[business_id, "y", user, &ts, &password_hash]);
    let mut url = base
        .join("app-transferID")
        .expect("a path joins a base URL");
    url.query_pairs_mut()
        .append_pair("id", business_id)
        .append_pair("idq", "y")
        .append_pair("uid", user)
        .append_pair("ts", &ts)
        .append_pair("d", &d);
    let answer = (client.call("GET", url.as_str(), None, SEND_TIMEOUT).await)
        .map_err(|e| format!("Apix did not answer: {e}"))?;
    let response = ApixResponse::parse(&answer.body).ok_or_else(|| {
        format!(
            "Apix answered status {} without its document",
            answer.status
        )
    })?;
    if !response.ok {
        return Err(format!(
            "Apix refused: {} {}",
            response.status_code, response.free_text
        ));
    }
    let value = |kind: &str| {
        response
            .value(kind)
            .map(str::to_owned)
            .ok_or_else(|| format!("Apix's answer has no {kind}"))
    };
    Ok(TransferCredentials {
        transfer_id: value("TransferID")?,
        transfer_key: value("TransferKey")?,
        unique_company_id: value("UniqueCompanyID")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_and_timestamp_are_as_apix_documents_them() {
        let at: Timestamp = "2027-01-05T08:09:10Z".parse().unwrap();
        assert_eq!(timestamp(at), "20270105080910");
        // echo -n 'a+b+c' | sha256sum
        assert_eq!(
            digest(&["a", "b", "c"]),
            "SHA-256:ff02308b1ff78b66ab564140c91419e94e47644d3e94addcc8b0864058ca4028"
        );
        let ok = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Response><Status>OK</Status><StatusCode>5000</StatusCode><FreeText language="en">OK</FreeText><Content><Group><Value type="BatchID">42</Value></Group></Content></Response>"#;
        let parsed = ApixResponse::parse(ok).unwrap();
        assert!(parsed.ok && parsed.value("BatchID") == Some("42"));
        assert!(ApixResponse::parse(b"<html/>").is_none());
    }
}
