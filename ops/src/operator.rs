//! The operator (`Operator`): one command run against the store, or through the function's
//! operator desk; the commands that belong to no other module (list, show, export, resend,
//! fix-email, erase, subject-access).

use std::io::Write;

use crate::store::{OperatorStores, OrderRecord};
use jiff::{Timestamp, ToSpan};
use order_intake::domain::{Delivery, EmailAddress, EmailKind, Reference};
use order_intake::intake::{ErasureLine, OperatorAnswer, OperatorCommand};

use crate::cli::{self, Command, ExportFormat};
use crate::desk::Desk;
use crate::error::OpsError;
use crate::period::Period;
use crate::{format, spreadsheet};
use order_intake::domain::Seller;

/// The store, and where the commands that send run (`Desk`): the function, or here.
pub struct Operator {
    pub stores: OperatorStores,
    /// `resend`, `release`, `book` and `cancel`: the function (`ORDERS_FUNCTION`), or its use
    /// cases here (with the mail configuration); `None`: neither is configured.
    pub desk: Option<Desk>,
    pub retention_months: u32,
    pub seller: Result<Seller, String>,
    /// The first invoice's number (`INVOICE_NUMBER_START`), when configured.
    pub first_invoice_number: Option<u32>,
    /// The accounts `orders journal` suggests.
    pub accounts: crate::accounts::Accounts,
    /// Where documents are written (`ORDERS_DOCUMENTS`); `None`: on stdout.
    pub documents_dir: Option<std::path::PathBuf>,
    /// The e-invoice operator for `orders send` (`APIX_URL`, …), or why it is not usable.
    pub apix: Result<Option<crate::operator_settings::ApixSettings>, String>,
    /// Where the operator's transfer credentials are (SSM Parameter Store).
    pub ssm: Option<aws_sdk_ssm::Client>,
    pub clock: fn() -> Timestamp,
}

impl Operator {
    /// Runs one command: its output on `out`, what a person should know besides (the
    /// reference number of an invoice) on `notes`.
    pub async fn run(
        &self,
        command: Command,
        out: &mut dyn Write,
        notes: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let now = (self.clock)();
        match command {
            Command::List { period, status } => self.list(&period, status, now, out).await,
            Command::Show { reference } => {
                let record = self.record(&reference).await?;
                out.write_all(format::details(&record).as_bytes())?;
                self.documents_of(&record, out).await
            }
            Command::Export { period, format } => self.export(&period, format, now, out).await,
            Command::Resend { reference, email } => self.resend(&reference, email, out).await,
            Command::Release { references } => self.release(&references, out).await,
            Command::Breaker { action } => self.breaker(action, now, out).await,
            Command::Trainers { action } => self.trainers(action, out).await,
            Command::CustomerLink { action } => self.customer_link(action, out).await,
            Command::FixEmail { reference, address } => {
                self.fix_email(&reference, &address, out).await
            }
            Command::Erase { reference, email } => self.erase(reference, email, now, out).await,
            Command::Invoice(asked) => self.invoice(asked.into(), now, out, notes).await,
            Command::Credit(asked) => self.credit(asked.into(), now, out, notes).await,
            Command::Document(asked) => self.document(asked, now, out, notes).await,
            Command::SetInvoicing(asked) => self.set_invoicing(asked, now, out).await,
            Command::Ledger { month, format } => self.ledger(&month, format, now, out).await,
            Command::ToInvoice => self.to_invoice(now, out).await,
            Command::Journal { month } => self.journal(&month, now, out).await,
            Command::Report(asked) => self.report(asked, now, out).await,
            Command::SubjectAccess { email } => self.subject_access(&email, now, out).await,
            Command::Book(asked) => self.book(asked, out).await,
            Command::Cancel { reference, reason } => self.cancel(&reference, reason, out).await,
            Command::Upcoming => self.upcoming(now, out).await,
            Command::Payments { action } => self.payments(action, out).await,
            Command::Receivables => self.receivables(None, now, out).await,
            Command::Send { number, unsent } => self.send(number, unsent, out).await,
            Command::Documents { .. } => self.list_unsent(out).await,
            Command::Operator {
                action: cli::OperatorAction::Connect { user },
            } => {
                let mut password = String::new();
                std::io::stdin().read_line(&mut password)?;
                self.connect(&user, password.trim_end_matches(['\r', '\n']), out)
                    .await
            }
            Command::Remind { number } => self.remind(number, now, out).await,
            Command::Overdue { days } => self.receivables(Some(days), now, out).await,
        }
    }

    async fn list(
        &self,
        period: &cli::PeriodArgs,
        status: Option<String>,
        now: Timestamp,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let period = Period::from_args(period, now)?;
        let mut records = self
            .stores
            .listings
            .orders_between(period.since, period.until)
            .await?;
        if let Some(status) = status {
            records.retain(|r| format::has_state(r, &status));
        }
        Ok(out.write_all(format::table(&records, &period).as_bytes())?)
    }

    async fn export(
        &self,
        period: &cli::PeriodArgs,
        format: ExportFormat,
        now: Timestamp,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let period = Period::from_args(period, now)?;
        let records = self
            .stores
            .listings
            .orders_between(period.since, period.until)
            .await?;
        match format {
            ExportFormat::Csv => out.write_all(&spreadsheet::csv(&records)?)?,
            ExportFormat::Json => {
                serde_json::to_writer_pretty(&mut *out, &records).map_err(std::io::Error::other)?;
                writeln!(out)?;
            }
        }
        Ok(())
    }

    async fn resend(
        &self,
        reference: &str,
        kind: EmailKind,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let reference = parse_reference(reference)?;
        let command = OperatorCommand::Resend {
            reference: reference.to_string(),
            email: kind.as_str().to_owned(),
        };
        let status = match self.desk("resend")?.run(command).await? {
            OperatorAnswer::Sent { status } => status,
            other => return Err(refusal(other)),
        };
        let record = self.record(reference.as_str()).await?;
        writeln!(
            out,
            "{reference}: {} email {}",
            kind.as_str(),
            record.email(kind).map_or("-".into(), format::email_summary)
        )?;
        if status != Delivery::SENT_STATUS {
            return Err(OpsError::Usage(format!(
                "the {} email was not sent now; the retry run tries again ({status})",
                kind.as_str(),
            )));
        }
        Ok(())
    }

    async fn fix_email(
        &self,
        reference: &str,
        address: &str,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let reference = parse_reference(reference)?;
        let email = EmailAddress::parse(address)
            .ok_or_else(|| OpsError::Usage(format!("{address:?} is not an email address")))?;
        // The function writes the address it mails to, with the order's seal (the operator
        // policy cannot): deployed through its operator alias, locally with its use cases.
        let Some(desk) = &self.desk else {
            return Err(OpsError::Usage(
                "fix-email needs the function: ORDERS_FUNCTION, or locally the mail configuration (make orders)".to_owned(),
            ));
        };
        let command = OperatorCommand::FixEmail {
            reference: reference.to_string(),
            address: email.to_string(),
        };
        match desk.run(command).await? {
            OperatorAnswer::EmailFixed => {}
            OperatorAnswer::Refused { message } if message.starts_with("no order") => {
                return Err(OpsError::NotFound(format!("{reference} (or it is erased)")));
            }
            other => return Err(refusal(other)),
        }
        writeln!(
            out,
            "{reference}: customer address replaced; send the confirmation again with: orders resend {reference} customer"
        )?;
        Ok(())
    }

    async fn erase(
        &self,
        reference: Option<String>,
        email: Option<String>,
        now: Timestamp,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let erased = match (reference, email) {
            (Some(reference), None) => {
                let reference = parse_reference(&reference)?;
                let erased = self.erase_one(&reference, now).await?;
                vec![erased.ok_or_else(|| OpsError::NotFound(reference.to_string()))?]
            }
            (None, Some(address)) => {
                let mut erased = Vec::new();
                for record in self.orders_about(&address, now).await? {
                    let reference = parse_reference(&record.reference)?;
                    erased.extend(self.erase_one(&reference, now).await?);
                }
                erased
            }
            _ => {
                return Err(OpsError::Usage(
                    "erase takes a REFERENCE or --email ADDRESS".to_owned(),
                ));
            }
        };
        Ok(out.write_all(format::erasures(&erased).as_bytes())?)
    }

    /// One order erased: by the function when deployed (the operator policy cannot write the
    /// order's personal fields), else here.
    async fn erase_one(
        &self,
        reference: &Reference,
        now: Timestamp,
    ) -> Result<Option<ErasureLine>, OpsError> {
        if let Some(desk @ Desk::Function { .. }) = &self.desk {
            let command = OperatorCommand::Erase {
                reference: reference.to_string(),
            };
            return match desk.run(command).await? {
                OperatorAnswer::Erased { erasure } => Ok(Some(erasure)),
                OperatorAnswer::Refused { .. } => Ok(None),
                other => Err(refusal(other)),
            };
        }
        let erased = self.stores.retention.erase(reference, now).await?;
        Ok(erased.map(ErasureLine::from))
    }

    async fn subject_access(
        &self,
        email: &str,
        now: Timestamp,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let orders = self.orders_about(email, now).await?;
        let answer = serde_json::json!({
            "email": email,
            "searched_since": self.search_start(now),
            "orders": orders,
        });
        serde_json::to_writer_pretty(&mut *out, &answer).map_err(std::io::Error::other)?;
        writeln!(out)?;
        Ok(())
    }

    pub(crate) async fn record(&self, reference: &str) -> Result<OrderRecord, OpsError> {
        let reference = parse_reference(reference)?;
        self.stores
            .listings
            .order_record(&reference)
            .await?
            .ok_or_else(|| OpsError::NotFound(reference.to_string()))
    }

    /// How far back personal data can be: the retention time, a month to spare for the
    /// scheduled run.
    fn search_start(&self, now: Timestamp) -> Timestamp {
        order_intake::domain::months_before(now, self.retention_months + 1)
    }

    /// Every order placed with that address (ignoring case) that still holds personal data.
    async fn orders_about(
        &self,
        address: &str,
        now: Timestamp,
    ) -> Result<Vec<OrderRecord>, OpsError> {
        let until = now.checked_add(1.hour()).unwrap_or(now);
        let mut records = self
            .stores
            .listings
            .orders_between(self.search_start(now), until)
            .await?;
        records.retain(|record| record.is_about(address));
        Ok(records)
    }
}

pub(crate) fn parse_reference(text: &str) -> Result<Reference, OpsError> {
    Reference::read(text).ok_or_else(|| {
        OpsError::Usage(format!(
            "{text:?} is not an order reference (eight characters, like K7M2-QX9P)"
        ))
    })
}

impl Operator {
    /// Where the commands that send run, or the refusal when neither way is configured.
    pub(crate) fn desk(&self, command: &str) -> Result<&Desk, OpsError> {
        self.desk.as_ref().ok_or_else(|| {
            OpsError::Usage(format!(
                "{command} needs ORDERS_FUNCTION (the stack's OrderFunctionName output: the operator alias's ARN), or SENDER_EMAIL, TRAINER_EMAILS and BOOKING_LINK_SECRET to send from here"
            ))
        })
    }
}

/// An answer a command did not expect, as the operator's error.
pub(crate) fn refusal(answer: OperatorAnswer) -> OpsError {
    OpsError::Usage(match answer {
        OperatorAnswer::Refused { message } => message,
        other => format!("unexpected answer: {other:?}"),
    })
}
