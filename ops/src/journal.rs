//! `orders journal --month`: the month's invoices and credit notes (by invoice date) as
//! double-entry rows for the accounting software, which never receives the invoices themselves
//! (this tool is the invoicing system). The layout is Netvisor's accounting material data import
//! (Company menu > Data import and export > Data import: a CSV of voucher number, date,
//! definition, account number and a sum with `+` for debit and `-` for credit), with the VAT
//! code and rate of each sales row and the document's state beside. Each document balances:
//! its receivable is debited, its sales (per article and VAT rate) and its VAT credited; a
//! credit note's signs are the other way round.

use std::collections::BTreeMap;
use std::io::Write;

use jiff::Timestamp;
use order_intake::domain::{VatCategory, VatRate};

use crate::accounts::Accounts;
use crate::amount::euros;
use crate::store::{DocumentKind, IssuedInvoice};
use crate::{Operator, OpsError};

pub const JOURNAL_COLUMNS: [&str; 9] = [
    "tositenumero",
    "paivamaara",
    "selite",
    "tili",
    "summa",
    "alv_koodi",
    "alv_prosentti",
    "artikkeli",
    "tila",
];

/// One journal row: `cents` is `+` debit, `-` credit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalRow {
    pub number: u32,
    pub date: jiff::civil::Date,
    pub definition: String,
    pub account: String,
    pub cents: i64,
    pub vat: Option<(String, VatRate)>,
    pub article: String,
    pub state: String,
}

/// The documents' balanced rows, by number.
pub fn journal_rows(documents: &[IssuedInvoice], accounts: &Accounts) -> Vec<JournalRow> {
    let mut rows = Vec::new();
    let mut documents: Vec<_> = documents.iter().collect();
    documents.sort_by_key(|d| d.record.number);
    for doc in documents {
        let title = match doc.kind {
            DocumentKind::Credit => "Hyvityslasku",
            DocumentKind::Invoice => "Lasku",
        };
        let state = doc.state();
        let definition = format!(
            "{title} {} {} {}",
            doc.record.number, doc.reference, doc.buyer
        );
        let row = |account: &str, cents: i64, vat, article: &str| JournalRow {
            number: doc.record.number,
            date: doc.record.invoice_date,
            definition: definition.clone(),
            account: account.to_owned(),
            cents,
            vat,
            article: article.to_owned(),
            state: state.clone(),
        };
        rows.push(row(
            &accounts.receivables,
            doc.totals().gross_cents,
            None,
            "",
        ));
        let mut sales: BTreeMap<(&str, VatRate, VatCategory), i64> = BTreeMap::new();
        let mut vat: BTreeMap<VatRate, i64> = BTreeMap::new();
        for line in &doc.lines {
            let key = (line.article_id.as_str(), line.vat_rate, line.vat_category);
            *sales.entry(key).or_default() += line.net_cents;
            // A row outside VAT's scope has no VAT to book.
            if line.vat_category.is_standard() {
                *vat.entry(line.vat_rate).or_default() += line.vat_cents;
            }
        }
        for ((article, rate, category), net) in sales {
            let code = match category {
                VatCategory::Standard => Some((accounts.vat_code.clone(), rate)),
                VatCategory::OutsideScope => Some((accounts.vat_code_outside.clone(), rate)),
            };
            rows.push(row(accounts.for_article(article), -net, code, article));
        }
        for (rate, cents) in vat {
            rows.push(row(
                &accounts.vat,
                -cents,
                Some((String::new(), rate)),
                "alv",
            ));
        }
    }
    rows
}

/// The journal as CSV for Excel in a Finnish locale and the import (BOM, `;`, decimal comma,
/// dates as d.m.yyyy, CRLF).
pub fn journal_csv(rows: &[JournalRow]) -> Result<Vec<u8>, std::io::Error> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(JOURNAL_COLUMNS)?;
    for row in rows {
        let (code, percent) = match &row.vat {
            Some((code, rate)) => (code.clone(), rate.percent()),
            None => (String::new(), String::new()),
        };
        let amount = euros(row.cents);
        writer.write_record([
            row.number.to_string(),
            row.date.strftime("%-d.%-m.%Y").to_string(),
            crate::spreadsheet::inert(row.definition.clone()),
            row.account.clone(),
            if row.cents > 0 {
                format!("+{amount}")
            } else {
                amount
            },
            code,
            percent,
            row.article.clone(),
            row.state.clone(),
        ])?;
    }
    writer.into_inner().map_err(|e| e.into_error())
}

impl Operator {
    pub(crate) async fn journal(
        &self,
        month: &str,
        now: Timestamp,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let args = crate::cli::PeriodArgs {
            month: Some(month.to_owned()),
            ..Default::default()
        };
        let period = crate::period::Period::from_args(&args, now)?;
        let key = period.first_day.strftime("%Y-%m").to_string();
        let documents = self.stores.invoices.issued_in_month(&key).await?;
        let rows = journal_rows(&documents, &self.accounts);
        Ok(out.write_all(&journal_csv(&rows)?)?)
    }
}
