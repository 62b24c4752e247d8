//! `orders ledger`: the month's invoices and credit notes as the bookkeeper's sales ledger (by
//! invoice date, one row per document and VAT rate, no personal data).

use std::io::Write;

use crate::store::{DocumentKind, IssuedInvoice};
use jiff::Timestamp;
use order_intake::domain::{VatRate, vat_breakdown};
use serde::Serialize;

use crate::amount::euros;
use crate::cli::{LedgerFormat, PeriodArgs};
use crate::invoice::reference_number;
use crate::period::Period;
use crate::{Operator, OpsError};

/// A rate as Finnish invoices write it (`25,5`).
fn as_percent<S: serde::Serializer>(rate: &VatRate, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&rate.percent())
}

/// One ledger row: a document's amounts at one VAT rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerRow {
    pub number: u32,
    /// `invoice` or `credit`.
    pub kind: &'static str,
    pub invoice_date: jiff::civil::Date,
    pub delivery_date: jiff::civil::Date,
    pub due_date: jiff::civil::Date,
    /// The viitenumero payments carry.
    pub reference_number: String,
    /// A credit note's original invoice.
    pub credits: Option<u32>,
    /// The order's reference.
    pub order: String,
    pub customer: String,
    pub business_id: Option<String>,
    pub net_cents: i64,
    /// `25,5` in the CSV and JSON, a number in the workbook.
    #[serde(serialize_with = "as_percent")]
    pub vat_rate: VatRate,
    pub vat_cents: i64,
    pub gross_cents: i64,
    /// What was paid of the document (on its first row only, so that a sum counts it once),
    /// and the day of the latest payment.
    pub paid_cents: Option<i64>,
    pub paid_on: Option<jiff::civil::Date>,
    /// `open`, `partly credited by N`, `credited by N`, or `credit note`; with the payments
    /// imported, `, paid`, `, partly paid, X left`, … (`PaymentState`).
    pub state: String,
}

pub const LEDGER_COLUMNS: [&str; 17] = [
    "number",
    "kind",
    "invoice_date",
    "delivery_date",
    "due_date",
    "reference_number",
    "credits",
    "order",
    "customer",
    "business_id",
    "net_eur",
    "vat_percent",
    "vat_eur",
    "gross_eur",
    "paid_eur",
    "paid_on",
    "state",
];

/// The documents' rows, by number.
pub fn ledger_rows(documents: &[IssuedInvoice]) -> Vec<LedgerRow> {
    let mut rows = Vec::new();
    for doc in documents {
        let state = match doc.after_issue.payments.is_empty() {
            true => doc.state(),
            false => format!("{}, {}", doc.state(), doc.payment_state().words()),
        };
        let paid = (!doc.after_issue.payments.is_empty()).then(|| doc.paid_cents());
        let paid_on = doc.after_issue.payments.iter().map(|p| p.date).max();
        for (i, (rate, sum)) in vat_breakdown(&doc.lines).into_iter().enumerate() {
            rows.push(LedgerRow {
                number: doc.record.number,
                kind: match doc.kind {
                    DocumentKind::Invoice => "invoice",
                    DocumentKind::Credit => "credit",
                },
                invoice_date: doc.record.invoice_date,
                delivery_date: doc.record.delivery_date,
                due_date: doc.record.due_date,
                reference_number: reference_number(doc.record.number),
                credits: doc.original.map(|o| o.number),
                order: doc.reference.clone(),
                customer: doc.buyer.clone(),
                business_id: doc.buyer_business_id.clone(),
                net_cents: sum.net_cents,
                vat_rate: rate,
                vat_cents: sum.vat_cents,
                gross_cents: sum.gross_cents,
                paid_cents: paid.filter(|_| i == 0),
                paid_on: paid_on.filter(|_| i == 0),
                state: state.clone(),
            });
        }
    }
    rows.sort_by_key(|row| row.number);
    rows
}

/// A ledger cell: what a workbook types it as.
enum Cell {
    Text(String),
    Cents(i64),
    Percent(VatRate),
    Day(jiff::civil::Date),
    Empty,
}

impl Cell {
    /// As the CSV writes it: amounts with a decimal comma, dates ISO.
    fn text(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Cents(cents) => euros(*cents),
            Cell::Percent(rate) => rate.percent(),
            Cell::Day(day) => day.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

impl LedgerRow {
    /// The row's cells, in `LEDGER_COLUMNS` order.
    fn cells(&self) -> [Cell; 17] {
        let text = |value: String| Cell::Text(value);
        [
            text(self.number.to_string()),
            text(self.kind.to_owned()),
            Cell::Day(self.invoice_date),
            Cell::Day(self.delivery_date),
            Cell::Day(self.due_date),
            text(self.reference_number.clone()),
            text(self.credits.map(|n| n.to_string()).unwrap_or_default()),
            text(self.order.clone()),
            text(self.customer.clone()),
            text(self.business_id.clone().unwrap_or_default()),
            Cell::Cents(self.net_cents),
            Cell::Percent(self.vat_rate),
            Cell::Cents(self.vat_cents),
            Cell::Cents(self.gross_cents),
            self.paid_cents.map_or(Cell::Empty, Cell::Cents),
            self.paid_on.map_or(Cell::Empty, Cell::Day),
            text(self.state.clone()),
        ]
    }
}

/// The ledger as CSV for Excel in a Finnish locale (BOM, `;`, decimal comma, CRLF). No
/// column has an identifier of digits with leading zeros (invoice and reference numbers start
/// from the series' first number, a Y-tunnus has its hyphen, dates are ISO): Excel keeps them
/// all as written. Text cells that Excel would run as formulas are made inert; amounts, which
/// are negative on credit notes, stay numbers.
pub fn ledger_csv(rows: &[LedgerRow]) -> Result<Vec<u8>, std::io::Error> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(LEDGER_COLUMNS)?;
    for row in rows {
        let cells = row.cells().map(|cell| match cell {
            Cell::Text(text) => crate::spreadsheet::inert(text),
            other => other.text(),
        });
        writer.write_record(cells)?;
    }
    writer.into_inner().map_err(|e| e.into_error())
}

/// The ledger as an Excel workbook: identifiers as text, amounts as numbers, dates as dates.
pub fn ledger_xlsx(rows: &[LedgerRow]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Myyntireskontra")?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let day_format = Format::new().set_num_format("yyyy-mm-dd");
    for (column, name) in (0u16..).zip(LEDGER_COLUMNS) {
        sheet.write_string_with_format(0, column, name, &bold)?;
    }
    for (line, row) in (1u32..).zip(rows) {
        for (column, cell) in (0u16..).zip(row.cells()) {
            match cell {
                Cell::Empty => continue,
                Cell::Text(text) => sheet.write_string(line, column, text)?,
                Cell::Cents(cents) => {
                    sheet.write_number_with_format(line, column, cents as f64 / 100.0, &money)?
                }
                Cell::Percent(rate) => {
                    sheet.write_number(line, column, f64::from(rate.hundredths()) / 100.0)?
                }
                Cell::Day(day) => {
                    let date = ExcelDateTime::from_ymd(
                        u16::try_from(day.year()).unwrap_or(1900),
                        u8::try_from(day.month()).unwrap_or(1),
                        u8::try_from(day.day()).unwrap_or(1),
                    )?;
                    sheet.write_datetime_with_format(line, column, &date, &day_format)?
                }
            };
        }
    }
    sheet.autofit();
    workbook.save_to_buffer()
}

impl Operator {
    pub(crate) async fn ledger(
        &self,
        month: &str,
        format: LedgerFormat,
        now: Timestamp,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let period = month_period(month, now)?;
        let key = period.first_day.strftime("%Y-%m").to_string();
        let rows = ledger_rows(&self.stores.invoices.issued_in_month(&key).await?);
        match format {
            LedgerFormat::Csv => out.write_all(&ledger_csv(&rows)?)?,
            LedgerFormat::Xlsx => out.write_all(
                &ledger_xlsx(&rows).map_err(|e| OpsError::Output(std::io::Error::other(e)))?,
            )?,
            LedgerFormat::Json => {
                serde_json::to_writer_pretty(&mut *out, &rows).map_err(std::io::Error::other)?;
                writeln!(out)?;
            }
        }
        Ok(())
    }
}

fn month_period(month: &str, now: Timestamp) -> Result<Period, OpsError> {
    let args = PeriodArgs {
        month: Some(month.to_owned()),
        ..PeriodArgs::default()
    };
    Period::from_args(&args, now)
}
