//! `orders send`: issued e-invoices and credit notes through the company's e-invoice operator
//! (Apix), each sent at most once (`store::SendState`); `orders documents --unsent` lists what
//! waits; `orders operator connect` fetches the transfer credentials once into SSM.

use std::io::Write;

use order_intake::aws::HttpsClient;

use crate::OpsError;
use crate::apix::{
    Apix, Delivered, EInvoiceOperator, Outgoing, TransferCredentials, retrieve_transfer_id,
    with_image,
};
use crate::invoice::{self, InvoiceFormat, Printing};
use crate::invoice_pdf::invoice_pdf;
use crate::operator::Operator;
use crate::operator_settings::{ApixSettings, CredentialSource};
use crate::store::{DocumentKind, IssuedInvoice, Routing, SendState, SendStep};

impl Operator {
    fn apix_settings(&self) -> Result<&ApixSettings, OpsError> {
        match &self.apix {
            Ok(Some(settings)) => Ok(settings),
            Ok(None) => Err(OpsError::Usage(
                "sending needs APIX_URL (production or test) and the transfer credentials (RUNBOOK.md, \"Sending e-invoices\")".into(),
            )),
            Err(problem) => Err(OpsError::Usage(problem.clone())),
        }
    }

    /// The operator as configured, its credentials read now.
    async fn einvoice_operator(&self) -> Result<Apix, OpsError> {
        let settings = self.apix_settings()?;
        let credentials = match &settings.credentials {
            CredentialSource::Local(credentials) => credentials.clone(),
            CredentialSource::Parameter(name) => self.read_credentials(name).await?,
        };
        Ok(Apix {
            base: settings.base.clone(),
            credentials,
            clock: self.clock,
            timeout: settings.timeout,
            client: HttpsClient::new(),
        })
    }

    async fn read_credentials(&self, name: &str) -> Result<TransferCredentials, OpsError> {
        let ssm = self.ssm.as_ref().ok_or_else(|| {
            OpsError::Usage("no AWS configuration to read the credentials with".into())
        })?;
        let read = ssm
            .get_parameter()
            .name(name)
            .with_decryption(true)
            .send()
            .await;
        let value = read
            .map_err(|e| OpsError::Usage(format!("the transfer credentials ({name}) could not be read: {}; run orders operator connect first (RUNBOOK.md)", aws_sdk_ssm::error::DisplayErrorContext(e))))?
            .parameter
            .and_then(|p| p.value)
            .unwrap_or_default();
        serde_json::from_str(&value).map_err(|_| {
            OpsError::Usage(format!(
                "{name} does not hold transfer credentials: run orders operator connect"
            ))
        })
    }

    pub(crate) async fn send(
        &self,
        number: Option<u32>,
        unsent: bool,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let numbers = match (number, unsent) {
            (Some(number), false) => vec![number],
            (None, true) => self
                .unsent()
                .await?
                .iter()
                .map(|d| d.record.number)
                .collect(),
            _ => return Err(OpsError::Usage("send takes a NUMBER or --unsent".into())),
        };
        let apix = self.einvoice_operator().await?;
        let (mut sent, mut problems) = (0, Vec::new());
        for number in numbers {
            match self.send_one(&apix, number).await {
                Ok(said) => {
                    sent += 1;
                    writeln!(out, "{said}")?;
                }
                Err(OpsError::Usage(problem)) => {
                    writeln!(out, "{number}: {problem}")?;
                    problems.push(number);
                }
                Err(error) => return Err(error),
            }
        }
        match problems.as_slice() {
            [] => Ok(()),
            [_] if sent == 0 => Err(OpsError::Usage("not sent".into())),
            _ => Err(OpsError::Usage(format!(
                "{sent} sent; not sent: {}",
                crate::store::listed(&problems)
            ))),
        }
    }

    /// One document through the operator, once: marked `sending` before the request.
    async fn send_one(
        &self,
        operator: &dyn EInvoiceOperator,
        number: u32,
    ) -> Result<String, OpsError> {
        let invoices = &self.stores.invoices;
        let Some(issued) = invoices.issued_invoice(number).await? else {
            return Err(OpsError::Usage("no such document".into()));
        };
        sendable(&issued).map_err(OpsError::Usage)?;
        let finvoice =
            invoice::document(&issued, Printing::Original, Some(InvoiceFormat::Finvoice))?;
        let step = |state, note: String| SendStep {
            at: (self.clock)(),
            state,
            note,
        };
        let sending = step(SendState::Sending, String::new());
        if !invoices.record_send_step(number, &sending).await? {
            return Err(OpsError::Usage(
                "sent or being sent meanwhile: nothing sent".into(),
            ));
        }
        let stem = format!("{}-{number}", file_stem(&issued));
        let image_name = format!("{stem}.pdf");
        let document = Outgoing {
            finvoice: (
                format!("{stem}.xml"),
                with_image(&finvoice, &image_name).into_bytes(),
            ),
            image: (image_name, invoice_pdf(&issued, Printing::Original)?),
        };
        let answer = operator.send(&document).await;
        let (state, note, said) = outcome(number, answer);
        if !invoices
            .record_send_step(number, &step(state, note))
            .await?
        {
            tracing::warn!(
                number,
                "a send's outcome was not recorded: its state moved meanwhile"
            );
        }
        said
    }

    /// Every issued e-invoice and credit note not sent any way yet, by number.
    pub(crate) async fn unsent(&self) -> Result<Vec<IssuedInvoice>, OpsError> {
        let mut issued = self.issued_documents().await?;
        issued.retain(|issued| {
            issued.after_issue.sent.is_none()
                && matches!(
                    issued.parties.as_ref().map(|p| &p.routing),
                    Some(Routing::Einvoice { .. })
                )
        });
        Ok(issued)
    }

    /// `orders documents --unsent`: what waits, with its last step.
    pub(crate) async fn list_unsent(&self, out: &mut dyn Write) -> Result<(), OpsError> {
        let unsent = self.unsent().await?;
        for issued in &unsent {
            let last =
                issued
                    .after_issue
                    .send_history
                    .last()
                    .map_or("not sent yet".to_owned(), |s| {
                        format!("{} {} {}", s.state.as_str(), s.at, s.note)
                            .trim_end()
                            .to_owned()
                    });
            writeln!(
                out,
                "{}  {}  {}  {last}",
                issued.record.number, issued.reference, issued.record.invoice_date
            )?;
        }
        writeln!(
            out,
            "{} unsent e-invoice document(s): orders send --unsent",
            unsent.len()
        )?;
        Ok(())
    }

    /// `orders show`'s lines of the order's documents: each one's sending, step by step.
    pub(crate) async fn documents_of(
        &self,
        record: &crate::store::OrderRecord,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        for number in &record.invoice_numbers {
            let Some(issued) = self.stores.invoices.issued_invoice(*number).await? else {
                continue;
            };
            let sent = issued
                .after_issue
                .sent
                .as_ref()
                .map_or("not sent".to_owned(), |s| {
                    format!("sent ({}) {}", s.how, s.at.strftime("%Y-%m-%d %H:%M UTC"))
                });
            writeln!(out, "Document {number}: {sent}")?;
            for step in &issued.after_issue.send_history {
                let at = step.at.strftime("%Y-%m-%d %H:%M UTC");
                writeln!(out, "  {at} {} {}", step.state.as_str(), step.note)?;
            }
        }
        Ok(())
    }

    /// `orders operator connect`: the transfer credentials from Apix into SSM, once.
    pub(crate) async fn connect(
        &self,
        user: &str,
        password: &str,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let settings = self.apix_settings()?;
        let seller = self.seller()?;
        let business_id = seller.business_id.as_str().to_owned();
        let client = HttpsClient::new();
        let credentials = retrieve_transfer_id(
            &client,
            &settings.base,
            &business_id,
            user,
            password,
            (self.clock)(),
        )
        .await
        .map_err(OpsError::Usage)?;
        let CredentialSource::Parameter(name) = &settings.credentials else {
            writeln!(
                out,
                "Apix answered for {business_id}: a stand-in on this machine; nothing stored"
            )?;
            return Ok(());
        };
        let ssm = self.ssm.as_ref().ok_or_else(|| {
            OpsError::Usage("no AWS configuration to store the credentials with".into())
        })?;
        let value = serde_json::to_string(&credentials).map_err(std::io::Error::other)?;
        (ssm.put_parameter()
            .name(name)
            .value(value)
            .r#type(aws_sdk_ssm::types::ParameterType::SecureString)
            .overwrite(true)
            .send()
            .await)
            .map_err(|e| {
                OpsError::Usage(format!(
                    "storing {name} failed: {}",
                    aws_sdk_ssm::error::DisplayErrorContext(e)
                ))
            })?;
        writeln!(
            out,
            "transfer credentials for {business_id} stored in {name} (SecureString); orders send reads them from there"
        )?;
        Ok(())
    }
}

/// Why a document cannot go to the operator now: not an e-invoice, sent already, or its last
/// send's outcome is not known.
fn sendable(issued: &IssuedInvoice) -> Result<(), String> {
    let number = issued.record.number;
    let einvoice = matches!(
        issued.parties.as_ref().map(|p| &p.routing),
        Some(Routing::Einvoice { .. })
    );
    if !einvoice {
        return Err(format!(
            "not an e-invoice: print it (orders document {number}) and send it by post or email"
        ));
    }
    if let Some(sent) = &issued.after_issue.sent {
        let at = sent.at.to_zoned_datetime(order_intake::domain::helsinki());
        return Err(format!(
            "already sent ({}) on {}",
            sent.how,
            at.strftime("%Y-%m-%d %H:%M")
        ));
    }
    match issued.after_issue.send_history.last().map(|s| s.state) {
        Some(state @ (SendState::Sending | SendState::Unknown)) => Err(format!(
            "its last send is {}: look in Apix's portal whether it arrived, then record it: orders document {number} --record sent|failed",
            state.as_str()
        )),
        _ => Ok(()),
    }
}

/// The step a send's answer records, and what the operator is told.
fn outcome(
    number: u32,
    answer: Result<Delivered, crate::apix::Unknown>,
) -> (SendState, String, Result<String, OpsError>) {
    let refused = |why: String| Err(OpsError::Usage(why));
    match answer {
        Ok(Delivered::Accepted { operator_id }) => {
            let id = operator_id.map_or("no id".to_owned(), |id| format!("Apix batch {id}"));
            let said = Ok(format!("{number}: sent through Apix ({id})"));
            (SendState::Sent, id, said)
        }
        Ok(Delivered::Refused { reason }) => {
            let said = refused(format!("refused by Apix: {reason}"));
            (SendState::Failed, reason, said)
        }
        Err(unknown) => {
            let said = refused(format!(
                "no clear answer from Apix ({}): look in its portal whether it arrived, then: orders document {number} --record sent|failed",
                unknown.0
            ));
            (SendState::Unknown, unknown.0, said)
        }
    }
}

fn file_stem(issued: &IssuedInvoice) -> &'static str {
    match issued.kind {
        DocumentKind::Invoice => "lasku",
        DocumentKind::Credit => "hyvityslasku",
    }
}
