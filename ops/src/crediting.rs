//! `orders credit`: a credit note (hyvityslasku) of an order's current invoice, from the same
//! number series. The whole invoice (the order can then be invoiced again, differently), or a
//! part accounts payable asks for — an amount off with its reason, or chosen rows — which
//! leaves the invoice current with less to pay. Asked twice, each prints its own note again.

use std::collections::BTreeSet;
use std::io::Write;

use jiff::Timestamp;
use order_intake::domain::{InvoiceLine, Reference, Totals, helsinki};

use crate::amount::euros;
use crate::documents::{how_sent, printing_of};
use crate::invoice::cut;
use crate::invoice::{self, Printing};
use crate::rows::{MAX_ROW_TEXT, text_amount};
use crate::store::{CreditDraft, Credited, DocumentKind, IssuedInvoice, OrderRecord};
use crate::{Operator, OpsError, parse_reference};

/// What `orders credit` was asked for.
#[derive(Debug, Clone, Default)]
pub struct CreditAsked {
    pub reference: String,
    /// `REASON=AMOUNT` (net euros): a partial credit of one row at the invoice's VAT rate.
    pub amount: Option<String>,
    /// The invoice's rows to credit (1 is the first), a partial credit unless all of them.
    pub rows: Vec<usize>,
}

impl From<crate::cli::CreditArgs> for CreditAsked {
    fn from(args: crate::cli::CreditArgs) -> Self {
        CreditAsked {
            reference: args.reference,
            amount: args.amount,
            rows: args.rows,
        }
    }
}

impl Operator {
    pub(crate) async fn credit(
        &self,
        asked: CreditAsked,
        now: Timestamp,
        out: &mut dyn Write,
        notes: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let reference = parse_reference(&asked.reference)?;
        let record = self.record(reference.as_str()).await?;
        let today = now.to_zoned_datetime(helsinki()).date();
        let Some(current) = &record.invoice else {
            return self.credited_before(&reference, &record, out, notes).await;
        };
        let issued = self.as_issued(&record, current).await?;
        let draft = self.credit_draft(&issued, &asked).await?;
        if let Some(earlier) = self.same_partial(&record, &issued, &draft).await? {
            let (printing, what) = printing_of(&earlier);
            writeln!(
                notes,
                "credit note {} of invoice {} was already made on {}: {what}",
                earlier.record.number, issued.record.number, earlier.record.invoice_date
            )?;
            return self.emit(&earlier, printing, None, out, notes);
        }
        // Checked before a number is taken, as for an invoice.
        let unnumbered = issued.credit_note(0, today, now, draft.lines.clone());
        invoice::document(&unnumbered, Printing::Original, None)?;
        let first = self.first_number().await?;
        let (credit, original) = match self
            .stores
            .invoices
            .credit(&issued, &draft, today, first, now)
            .await?
        {
            None => return Err(OpsError::NotFound(reference.to_string())),
            Some(Credited::NotInvoiced) => return Err(not_invoiced(&reference, &record)),
            Some(Credited::New { credit, original }) => (credit, original),
        };
        let after = match draft.whole {
            true => format!("the order can be invoiced again: orders invoice {reference} …"),
            false => format!(
                "invoice {} stays current with {} € to pay",
                original.record.number,
                euros(original.open_cents())
            ),
        };
        writeln!(
            notes,
            "credit note {} for invoice {} of {reference} ({}): {} €; {after}",
            credit.record.number,
            original.record.number,
            how_sent(&credit),
            euros(credit.totals().gross_cents),
        )?;
        self.emit(&credit, Printing::Original, None, out, notes)?;
        Ok(())
    }

    /// The lines to credit: all of the invoice (less what partial credit notes took), an
    /// amount, or chosen rows; a part must leave something to pay.
    async fn credit_draft(
        &self,
        issued: &IssuedInvoice,
        asked: &CreditAsked,
    ) -> Result<CreditDraft, OpsError> {
        let number = issued.record.number;
        let lines = match (&asked.amount, asked.rows.as_slice()) {
            (Some(_), [_, ..]) => {
                return Err(OpsError::Usage(
                    "give --amount or --rows, not both".to_owned(),
                ));
            }
            (None, []) => return self.whole_credit(issued).await,
            (Some(amount), []) => vec![amount_line(amount, issued)?],
            (None, rows) => {
                let chosen = chosen_rows(issued, rows)?;
                if chosen.len() == issued.lines.len()
                    && issued.after_issue.partly_credited_by.is_empty()
                {
                    return self.whole_credit(issued).await;
                }
                chosen
            }
        };
        let credited = -Totals::of(&lines).gross_cents;
        let open = issued.open_cents();
        if credited > open {
            return Err(OpsError::Usage(format!(
                "that credits {} €, and invoice {number} has {} € left to credit",
                euros(credited),
                euros(open)
            )));
        }
        if credited == open {
            return Err(OpsError::Usage(format!(
                "that credits all that is left of invoice {number} ({} €): credit it whole, so the order can be invoiced again: orders credit {}",
                euros(open),
                issued.reference
            )));
        }
        Ok(CreditDraft {
            lines,
            whole: false,
        })
    }

    /// The whole invoice: its rows negated, and what its partial credit notes credited added
    /// back, each on a row that names it, so the note takes exactly what is left.
    async fn whole_credit(&self, issued: &IssuedInvoice) -> Result<CreditDraft, OpsError> {
        let mut lines: Vec<InvoiceLine> = issued.lines.iter().map(InvoiceLine::credited).collect();
        for number in &issued.after_issue.partly_credited_by {
            let earlier = (self.stores.invoices.issued_invoice(*number).await?)
                .ok_or_else(|| OpsError::NotFound(format!("credit note {number}")))?;
            for line in &earlier.lines {
                let mut back = line.credited();
                back.name = cut(
                    &format!("Hyvitetty jo hyvityslaskulla {number}: {}", line.name),
                    MAX_ROW_TEXT,
                );
                lines.push(back);
            }
        }
        Ok(CreditDraft { lines, whole: true })
    }

    /// A partial credit note already made of this invoice with these very rows, the order's
    /// latest document: a retry, not a second credit.
    async fn same_partial(
        &self,
        record: &OrderRecord,
        issued: &IssuedInvoice,
        draft: &CreditDraft,
    ) -> Result<Option<IssuedInvoice>, OpsError> {
        let latest = record.invoice_numbers.last().copied();
        let Some(number) = latest.filter(|n| issued.after_issue.partly_credited_by.contains(n))
        else {
            return Ok(None);
        };
        let earlier = self.stores.invoices.issued_invoice(number).await?;
        Ok(earlier.filter(|e| !draft.whole && e.lines == draft.lines))
    }

    /// The order has no current invoice: if its last document is a credit note (a retried
    /// `credit`), that one again, as `invoice` prints its invoice again; else why not.
    async fn credited_before(
        &self,
        reference: &Reference,
        record: &OrderRecord,
        out: &mut dyn Write,
        notes: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let last = match record.invoice_numbers.last() {
            Some(number) => self.stores.invoices.issued_invoice(*number).await?,
            None => None,
        };
        let Some(credit) = last.filter(|d| d.kind == DocumentKind::Credit) else {
            return Err(not_invoiced(reference, record));
        };
        let credit = self.frozen(credit, record).await?;
        let (printing, what) = printing_of(&credit);
        let original = credit.original.map_or(0, |o| o.number);
        writeln!(
            notes,
            "order {reference} has no current invoice to credit: credit note {} of invoice {original} was made on {}: {what}",
            credit.record.number, credit.record.invoice_date
        )?;
        self.emit(&credit, printing, None, out, notes)?;
        Ok(())
    }
}

/// `Väärä tuntihinta=100,00`: one row off, at the invoice's VAT rate.
fn amount_line(amount: &str, issued: &IssuedInvoice) -> Result<InvoiceLine, OpsError> {
    let (reason, cents) = text_amount("--amount", amount, "Sovittu alennus=100,00")?;
    let rates: BTreeSet<_> = issued.lines.iter().map(|l| l.vat_rate).collect();
    let [rate] = rates.into_iter().collect::<Vec<_>>()[..] else {
        return Err(OpsError::Usage(format!(
            "invoice {} has rows at several VAT rates: choose the rows to credit with --rows",
            issued.record.number
        )));
    };
    let text = cut(&format!("Hyvitys: {reason}"), MAX_ROW_TEXT);
    Ok(InvoiceLine::new("hyvitys", text, -cents, rate))
}

/// The chosen rows (1 is the first), each once, negated.
fn chosen_rows(issued: &IssuedInvoice, rows: &[usize]) -> Result<Vec<InvoiceLine>, OpsError> {
    let count = issued.lines.len();
    let unique: BTreeSet<_> = rows.iter().copied().collect();
    if unique.len() != rows.len() || unique.iter().any(|r| !(1..=count).contains(r)) {
        return Err(OpsError::Usage(format!(
            "--rows takes the invoice's rows, each once: 1 to {count} (orders document {} shows them)",
            issued.record.number
        )));
    }
    Ok((unique.iter())
        .map(|r| issued.lines[r - 1].credited())
        .collect())
}

fn not_invoiced(reference: &Reference, record: &OrderRecord) -> OpsError {
    let before = match record.invoice_numbers.as_slice() {
        [] => String::new(),
        numbers => format!(
            " (its invoices and credit notes so far: {})",
            crate::store::listed(numbers)
        ),
    };
    OpsError::Usage(format!(
        "order {reference} has no current invoice to credit{before}"
    ))
}
