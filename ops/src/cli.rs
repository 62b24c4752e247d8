//! The command line (clap).

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::cli_args::SetInvoicingArgs;
use order_intake::domain::EmailKind;

/// Find, export, resend and erase Some-työpajat orders. Reads ORDERS_TABLE (and, for resend,
/// SENDER_EMAIL, TRAINER_EMAILS, SES_CONFIGURATION_SET) like the function, and AWS credentials
/// as the AWS CLI does (environment, profiles, SSO). Dates are Helsinki dates.
#[derive(Debug, Parser)]
#[command(name = "orders", version)]
pub struct Cli {
    /// The configuration file (KEY=VALUE lines, as RUNBOOK.md shows); default: `orders.env` in
    /// the current folder when there is one. Environment variables override it.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Orders of a period as a table, newest first.
    List {
        #[command(flatten)]
        period: PeriodArgs,
        /// Only orders with an email in this state: sending, pending, held, unverified, sent,
        /// failed, dropped, or what SES reported (delivered, delayed, bounced, complained, rejected).
        #[arg(long)]
        status: Option<String>,
    },
    /// Everything stored about one order, its emails' states and reports included.
    Show { reference: String },
    /// Orders of a period for a spreadsheet (CSV for Excel in a Finnish locale) or a script.
    Export {
        #[command(flatten)]
        period: PeriodArgs,
        #[arg(long, value_enum, default_value = "csv")]
        format: ExportFormat,
    },
    /// Sends an order's email again (after fix-email, or when SES lost it) and records it.
    Resend {
        reference: String,
        #[arg(value_parser = email_kind())]
        email: EmailKind,
    },
    /// Sends the confirmations that wait for a person (unverified: the form's human check did
    /// not pass; held: over a ceiling or by the reputation breaker) of these orders, now.
    Release {
        #[arg(required = true)]
        references: Vec<String>,
    },
    /// The trainers' sessions on their devices (the booking page's sign-in): which device,
    /// last used; `sign-out NAME` ends all of one trainer's (a lost phone). The function carries
    /// both out: the operator's role cannot read sessions.
    Trainers {
        #[command(subcommand)]
        action: Option<TrainersAction>,
    },
    /// The customer's links to their order's page: `revoke REF` makes every link sent so far
    /// open nothing (a forwarded email, a customer's request); the next customer email carries
    /// a new one. The function carries it out.
    CustomerLink {
        #[command(subcommand)]
        action: CustomerLinkAction,
    },
    /// The reputation breaker: `status` shows it and the day's bounces and complaints; `reset`
    /// lets automatic confirmations go again, once the cause is dealt with (RUNBOOK.md).
    Breaker {
        #[arg(value_enum)]
        action: BreakerAction,
    },
    /// Replaces an order's customer address (a typo the trainers noticed, a bounce).
    FixEmail { reference: String, address: String },
    /// Erases personal data (names, email, phone, location, message) of one order or of every
    /// order of an address; what bookkeeping needs stays.
    Erase {
        /// The order's reference.
        #[arg(required_unless_present = "email", conflicts_with = "email")]
        reference: Option<String>,
        /// Every order placed with this address.
        #[arg(long)]
        email: Option<String>,
    },
    /// The invoice for a delivered workshop, on stdout (the reference number on stderr): a
    /// Finvoice 3.0 e-invoice when the order has e-invoice details, else a printable HTML
    /// invoice. Numbers come from one counter (INVOICE_NUMBER_START, 1000 by default); the
    /// invoice is stored, so running it again prints a copy of the same invoice. Needs the
    /// SELLER_* variables and the order's billing address.
    Invoice(InvoiceArgs),
    /// A credit note (hyvityslasku) of the order's current invoice, from the same number
    /// series, on stdout: of the whole invoice (the order can then be invoiced again,
    /// differently), or of a part (--amount or --rows; the invoice stays current with less to
    /// pay). Run again, it prints that credit note again.
    Credit(CreditArgs),
    /// Any invoice or credit note by its number, exactly as issued, on stdout: the original
    /// until it is recorded as sent, a copy (marked so) after. `--record sent` records that a
    /// person sent it.
    Document(DocumentArgs),
    /// Corrects an order's invoicing details with the form's rules (and an OVT address's
    /// Y-tunnus), logging each change on the order (who, when, old → new). An empty value
    /// ("") removes one.
    SetInvoicing(SetInvoicingArgs),
    /// Invoices and credit notes of a month by invoice date, for the bookkeeper: CSV (Excel in
    /// a Finnish locale), XLSX or JSON. No personal data.
    Ledger {
        /// YYYY-MM, `this` or `last` (the previous month).
        #[arg(long)]
        month: String,
        #[arg(long, value_enum, default_value = "csv")]
        format: LedgerFormat,
    },
    /// What is owed and not invoiced: workshops held and cancellations charged a fee, with no
    /// current invoice (never invoiced, or credited and not invoiced again), oldest first.
    ToInvoice,
    /// The month's invoices and credit notes (by invoice date) as balanced journal rows for the
    /// accounting software's import (Netvisor's accounting material CSV): receivable, sales per
    /// article and VAT rate with the VAT code, VAT; accounts from JOURNAL_* (RUNBOOK.md).
    Journal {
        /// YYYY-MM, `this` or `last` (the previous month).
        #[arg(long)]
        month: String,
    },
    /// A month's, quarter's or year's summary for the bookkeeper: orders, bookings,
    /// deliveries, invoiced and credited net, VAT and gross per package and VAT rate, the VAT
    /// return's figures by month of supply, open invoices.
    Report(ReportArgs),
    /// Books the workshop's date, or changes the booking, as the trainers' booking page does:
    /// the customer gets a booking email with a calendar invitation, the trainers a note.
    Book(BookArgs),
    /// Cancels a booking: the customer gets a cancellation (iCalendar CANCEL) with the reason.
    Cancel {
        reference: String,
        #[arg(long)]
        reason: String,
    },
    /// The coming bookings as a table, soonest first.
    Upcoming,
    /// Sends an issued e-invoice or credit note through the e-invoice operator (Apix), once:
    /// a send whose outcome is unknown waits for a person (`document N --record sent|failed`).
    Send {
        number: Option<u32>,
        /// Every issued e-invoice document not sent yet.
        #[arg(long, conflicts_with = "number")]
        unsent: bool,
    },
    /// Issued e-invoice documents not sent yet, with their last send's state.
    Documents {
        #[arg(long, required = true)]
        unsent: bool,
    },
    /// The e-invoice operator's set-up (RUNBOOK.md, "Sending e-invoices").
    Operator {
        #[command(subcommand)]
        action: OperatorAction,
    },
    /// The bank's reference payments matched to invoices (RUNBOOK.md, "Payments").
    Payments {
        #[command(subcommand)]
        action: PaymentsAction,
    },
    /// Every invoice still owed (or paid over, or owing a refund): due date, days overdue,
    /// what is open; the totals.
    Receivables,
    /// Sends the customer a payment reminder of an overdue invoice (through the function, to
    /// the order's own address, in its language): what is open after the payments imported,
    /// the viitenumero, the due date and a new one 14 days on; one per invoice in 14 days.
    Remind { number: u32 },
    /// Invoices unpaid `--days` days (default 7) after their due date: the ones to remind.
    Overdue {
        #[arg(long, default_value_t = DEFAULT_OVERDUE_DAYS)]
        days: u32,
    },
    /// Everything held about an address, as JSON (a data subject's access request).
    SubjectAccess {
        #[arg(long)]
        email: String,
    },
}

/// What `orders invoice` is asked.
#[derive(Debug, Clone, Args)]
pub struct InvoiceArgs {
    pub reference: String,
    /// The day the workshop was held (YYYY-MM-DD), not after today nor before the order.
    /// Default: the booked date, once the booked workshop is over.
    #[arg(long)]
    pub delivered: Option<String>,
    /// Days to pay (default 14).
    #[arg(long, value_parser = clap::value_parser!(u32).range(0..=365))]
    pub due_days: Option<u32>,
    /// A travel row, "TEXT=AMOUNT" in net euros (e.g. "Matkakulut Helsinki–Tuusula=120,00");
    /// repeat for more.
    #[arg(long)]
    pub travel: Vec<String>,
    /// Bills the cancellation fee of the terms (this percentage of the price) instead of the
    /// workshop, for a booking cancelled late.
    #[arg(long)]
    pub fee_percent: Option<u32>,
    /// The VAT rate (25,5), when the one in force on the delivery day differs from the order's.
    #[arg(long)]
    pub vat_rate: Option<String>,
    /// An agreed price for the workshop instead of the order's, "REASON=AMOUNT" in net euros
    /// (e.g. "Puitesopimus 2027=450,00"); the reason is printed on the row.
    #[arg(long)]
    pub price: Option<String>,
    /// A discount row, "REASON=AMOUNT" in net euros off (e.g. "Kuntien yhteishankinta=50,00");
    /// the reason is printed on the row.
    #[arg(long)]
    pub discount: Option<String>,
    /// The cancellation fee's VAT, `outside` (as compensation) or `taxable`, when not as
    /// recorded at the cancellation (CANCELLATION_FEE_VAT then).
    #[arg(long)]
    pub fee_vat: Option<String>,
}

/// The period of `orders report`: one of the three.
#[derive(Debug, Clone, Default, Args)]
#[group(required = true, multiple = false)]
pub struct ReportArgs {
    /// YYYY-MM, `this` or `last` (the previous month).
    #[arg(long)]
    pub month: Option<String>,
    /// YYYYQN (2026Q4), `this` or `last`.
    #[arg(long)]
    pub quarter: Option<String>,
    /// YYYY, `this` or `last`.
    #[arg(long)]
    pub year: Option<String>,
}

/// What `orders credit` is asked.
#[derive(Debug, Clone, Args)]
pub struct CreditArgs {
    pub reference: String,
    /// A partial credit, "REASON=AMOUNT" in net euros at the invoice's VAT rate (e.g.
    /// "Sovittu alennus=100,00"); the reason is printed on the row.
    #[arg(long)]
    pub amount: Option<String>,
    /// A partial credit of the invoice's rows, by position (1 is the first): --rows 2 or
    /// --rows 2,3. All of them credits the whole invoice.
    #[arg(long, value_delimiter = ',')]
    pub rows: Vec<usize>,
}

/// What `orders document` is asked.
#[derive(Debug, Clone, Args)]
pub struct DocumentArgs {
    pub number: u32,
    /// Default: as it went (Finvoice for an e-invoice, else printable HTML); `html` prints an
    /// e-invoice for reading.
    #[arg(long, value_enum, conflicts_with = "record")]
    pub format: Option<DocumentFormat>,
    /// Records that the document was sent (by hand: uploaded to the operator's portal, emailed
    /// or posted); it prints as a copy from then on.
    #[arg(long, value_enum)]
    pub record: Option<RecordState>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DocumentFormat {
    Finvoice,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecordState {
    Sent,
    /// After a send through the operator whose outcome was unknown: it did not arrive.
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LedgerFormat {
    Csv,
    Xlsx,
    Json,
}

/// What `orders book` is asked: the day, and what else differs from the defaults.
#[derive(Debug, Clone, Args)]
pub struct BookArgs {
    pub reference: String,
    /// The day (YYYY-MM-DD or 30.3.2027), Helsinki.
    #[arg(long)]
    pub date: String,
    /// Default 9.00.
    #[arg(long)]
    pub start: Option<String>,
    /// Default: the package's length from the start's default (11.00 or 13.00).
    #[arg(long)]
    pub end: Option<String>,
    /// Default: the place the order gave.
    #[arg(long)]
    pub place: Option<String>,
    /// Who leads it, a name of TRAINERS; repeat for two.
    #[arg(long = "trainer", required = true)]
    pub trainers: Vec<String>,
    /// A note to the customer, in their booking email.
    #[arg(long)]
    pub note: Option<String>,
}

/// A period of orders: `--month`, or `--since`/`--until` (default: the last 30 days).
#[derive(Debug, Clone, Default, Args)]
pub struct PeriodArgs {
    /// From this date (YYYY-MM-DD), inclusive.
    #[arg(long)]
    pub since: Option<String>,
    /// Up to this date (YYYY-MM-DD), inclusive.
    #[arg(long)]
    pub until: Option<String>,
    /// One calendar month (YYYY-MM), `this` or `last` (the previous one).
    #[arg(long, conflicts_with_all = ["since", "until"])]
    pub month: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum TrainersAction {
    /// Ends every session of the trainer (`TRAINERS`' name): they sign in again by email.
    SignOut { name: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum CustomerLinkAction {
    /// Every customer link of the order sent so far opens nothing.
    Revoke { reference: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BreakerAction {
    Status,
    Reset,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
}

/// Which of an order's emails, by `EmailKind`'s own names (the help lists them): the
/// confirmation, the trainers' notification, and after a booking its email, the trainers' note
/// and the two reminders.
fn email_kind() -> impl TypedValueParser<Value = EmailKind> {
    PossibleValuesParser::new(EmailKind::ALL.map(EmailKind::as_str))
        .map(|name| EmailKind::parse(&name).unwrap_or(EmailKind::Customer))
}

/// Days after the due date an unpaid invoice is listed by `orders overdue` unless `--days`
/// says otherwise.
pub const DEFAULT_OVERDUE_DAYS: u32 = 7;

#[derive(Debug, Subcommand)]
pub enum PaymentsAction {
    /// Reads the bank's ISO 20022 file (camt.054 reference payments, or a camt.053 statement)
    /// and records each credit on the invoice its reference (viitenumero or RF; else a number
    /// in the message) names: paid, partly paid, overpaid, or a refund owed on a credited
    /// invoice. Importing the same file again changes nothing; unmatched payments are listed.
    Import { file: std::path::PathBuf },
    /// Records a payment of the bank's file that matched no invoice on the invoice a person
    /// found for it, by the payment's archive id (its amount and date as the bank gave them).
    /// Once: assigning it again, or importing the file again, changes nothing.
    Assign {
        /// The bank's file the payment is in, as imported.
        file: std::path::PathBuf,
        /// The payment's archive id, as `orders payments import` listed it.
        archive_id: String,
        /// The invoice's number.
        invoice: u32,
    },
    /// Records money paid back from an overpaid invoice, or from a credited one the customer
    /// paid (a transfer made in the bank): at most what is owed back. Once for the same
    /// invoice, amount and day.
    Refund {
        /// The invoice's number.
        invoice: u32,
        /// What was paid back, in euros (`10,00`).
        #[arg(long)]
        amount: String,
        /// The day it left the account (YYYY-MM-DD).
        #[arg(long)]
        date: jiff::civil::Date,
    },
}

#[derive(Debug, Subcommand)]
pub enum OperatorAction {
    /// Fetches the company's transfer credentials from Apix once (RetrieveTransferID) with an
    /// Apix user's password (read from stdin, never stored) and stores them in SSM Parameter
    /// Store as a SecureString (APIX_PARAMETER).
    Connect {
        /// The Apix user (an email address).
        #[arg(long)]
        user: String,
    },
}
