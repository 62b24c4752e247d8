//! `orders ledger` and `orders report`: the month's invoices and credit notes as the
//! bookkeeper's sales ledger (by invoice date, one row per document and VAT rate, no personal
//! data), and the month's summary for the VAT return.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

use crate::store::{DocumentKind, IssuedInvoice};
use jiff::{Timestamp, ToSpan};
use order_intake::domain::{BookingState, Field, Package, VatRate, vat_breakdown};
use serde::Serialize;

use crate::amount::euros;
use crate::cli::{LedgerFormat, PeriodArgs};
use crate::invoice::reference_number;
use crate::period::Period;
use crate::{Operator, OpsError};

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
    /// `25,5`.
    pub vat_rate: String,
    pub vat_cents: i64,
    pub gross_cents: i64,
    /// `open`, `credited by N`, or `credit note`.
    pub state: String,
}

pub const LEDGER_COLUMNS: [&str; 15] = [
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
    "state",
];

/// The documents' rows, by number.
pub fn ledger_rows(documents: &[IssuedInvoice]) -> Vec<LedgerRow> {
    let mut rows = Vec::new();
    for doc in documents {
        let state = match (doc.kind, doc.credited_by) {
            (DocumentKind::Credit, _) => "credit note".to_owned(),
            (DocumentKind::Invoice, Some(credit)) => format!("credited by {credit}"),
            (DocumentKind::Invoice, None) => "open".to_owned(),
        };
        for (rate, sum) in vat_breakdown(&doc.lines) {
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
                vat_rate: rate.percent(),
                vat_cents: sum.vat_cents,
                gross_cents: sum.gross_cents,
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
    Day(jiff::civil::Date),
}

impl Cell {
    /// As the CSV writes it: amounts with a decimal comma, dates ISO.
    fn text(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Cents(cents) => euros(*cents),
            Cell::Day(day) => day.to_string(),
        }
    }
}

impl LedgerRow {
    /// The row's cells, in `LEDGER_COLUMNS` order.
    fn cells(&self) -> [Cell; 15] {
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
            text(self.vat_rate.clone()),
            Cell::Cents(self.vat_cents),
            Cell::Cents(self.gross_cents),
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
                Cell::Text(text) => sheet.write_string(line, column, text)?,
                Cell::Cents(cents) => {
                    sheet.write_number_with_format(line, column, cents as f64 / 100.0, &money)?
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

    pub(crate) async fn report(
        &self,
        month: &str,
        now: Timestamp,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let period = month_period(month, now)?;
        let key = period.first_day.strftime("%Y-%m").to_string();
        let orders = self
            .stores
            .listings
            .orders_between(period.since, period.until)
            .await?;
        // Workshops of the month were ordered in it or in the months before.
        let since = period
            .since
            .checked_sub(BOOKING_LOOKBACK_DAYS.days())
            .unwrap_or(period.since);
        let recent = self
            .stores
            .listings
            .orders_between(since, period.until)
            .await?;
        let documents = self.stores.invoices.issued_in_month(&key).await?;
        let mut text = String::new();
        let _ = writeln!(text, "Month {key} (Helsinki dates)");
        let _ = writeln!(text, "\nOrders placed: {}", orders.len());
        for (package, count) in count_by(orders.iter().filter_map(|o| o.text(Field::Package))) {
            let _ = writeln!(text, "  {package}: {count}");
        }
        let in_month = |b: &&order_intake::domain::Booking| {
            (period.first_day..=period.last_day).contains(&b.start.date())
        };
        let bookings: Vec<_> = recent
            .iter()
            .filter_map(|o| o.booking.as_ref())
            .filter(in_month)
            .collect();
        let booked = bookings.iter().filter(|b| b.is_booked()).count();
        let held = bookings
            .iter()
            .filter(|b| b.is_booked() && b.end_utc() <= now)
            .count();
        let cancelled = bookings
            .iter()
            .filter(|b| b.state == BookingState::Cancelled)
            .count();
        let _ = writeln!(
            text,
            "\nWorkshops dated in the month: {booked} booked, of which {held} held; {cancelled} cancelled"
        );
        summary(&mut text, &documents);
        Ok(out.write_all(text.as_bytes())?)
    }
}

/// How far back `report` looks for the orders of the month's workshops.
const BOOKING_LOOKBACK_DAYS: i64 = 550;

fn month_period(month: &str, now: Timestamp) -> Result<Period, OpsError> {
    let args = PeriodArgs {
        month: Some(month.to_owned()),
        ..PeriodArgs::default()
    };
    Period::from_args(&args, now)
}

fn count_by<'a>(items: impl Iterator<Item = &'a str>) -> BTreeMap<&'a str, usize> {
    let mut counts = BTreeMap::new();
    for item in items {
        *counts.entry(item).or_default() += 1;
    }
    counts
}

/// Net, VAT and gross per article and rate.
type Sums = BTreeMap<(String, VatRate), (i64, i64, i64)>;

fn sums<'a>(documents: impl Iterator<Item = &'a IssuedInvoice>) -> Sums {
    let mut sums = Sums::new();
    for line in documents.flat_map(|d| &d.lines) {
        let name =
            Package::parse(&line.article_id).map_or(line.article_id.clone(), |p| p.id().to_owned());
        let sum = sums.entry((name, line.vat_rate)).or_default();
        *sum = (
            sum.0 + line.net_cents,
            sum.1 + line.vat_cents,
            sum.2 + line.gross_cents(),
        );
    }
    sums
}

/// The invoiced and credited amounts, the VAT return's figures and the open invoices.
fn summary(text: &mut String, documents: &[IssuedInvoice]) {
    let of = |kind| documents.iter().filter(move |d| d.kind == kind);
    for (title, kind) in [
        ("Invoiced", DocumentKind::Invoice),
        ("Credited", DocumentKind::Credit),
    ] {
        let _ = writeln!(
            text,
            "\n{title} ({} documents): net, VAT, gross per article and VAT rate",
            of(kind).count()
        );
        for ((article, rate), (net, vat, gross)) in sums(of(kind)) {
            let _ = writeln!(
                text,
                "  {article:<15} {:>6} %  {:>10}  {:>10}  {:>10}",
                rate.percent(),
                euros(net),
                euros(vat),
                euros(gross)
            );
        }
    }
    let _ = writeln!(
        text,
        "\nFor the VAT return (sales by invoice date, credits deducted):"
    );
    let all: Vec<_> = documents.iter().flat_map(|d| d.lines.clone()).collect();
    for (rate, sum) in vat_breakdown(&all) {
        let _ = writeln!(
            text,
            "  {} %: taxable sales {} €, VAT {} €",
            rate.percent(),
            euros(sum.net_cents),
            euros(sum.vat_cents)
        );
    }
    let open: Vec<_> = of(DocumentKind::Invoice)
        .filter(|d| d.credited_by.is_none())
        .collect();
    let gross: i64 = open.iter().map(|d| d.totals().gross_cents).sum();
    let _ = writeln!(
        text,
        "\nOpen invoices of the month (not credited; payments are matched in the bank, not here): {}, {} €",
        open.len(),
        euros(gross)
    );
    for doc in open {
        let _ = writeln!(
            text,
            "  {} {} due {} {} €",
            doc.record.number,
            doc.reference,
            doc.record.due_date,
            euros(doc.totals().gross_cents)
        );
    }
}
