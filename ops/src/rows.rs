//! An invoice's rows beside the workshop: travel, a discount, any `REASON=AMOUNT` option (a
//! credit's amount too), and the cancellation fee's VAT.

use std::io::Write;

use order_intake::domain::{FeeVat, InvoiceLine, VatRate, parse_euros};

use crate::OpsError;
use crate::amount::euros;
use crate::invoice::cut;
use crate::store::OrderRecord;

/// Finvoice's ArticleName: at most 100 characters.
pub(crate) const MAX_ROW_TEXT: usize = 100;

/// `Matkakulut Helsinki–Tuusula=120,00`: a travel row of its own.
pub(crate) fn travel_line(row: &str, rate: VatRate) -> Result<InvoiceLine, OpsError> {
    let (text, cents) = text_amount("--travel", row, "Matkakulut Helsinki–Tuusula=120,00")?;
    Ok(InvoiceLine::new("matkakulut", text, cents, rate))
}

/// `Kuntien yhteishankinta=50,00`: a discount row of its own, its reason printed, taking at
/// most what the other rows bill.
pub(crate) fn discount_line(row: &str, lines: &[InvoiceLine]) -> Result<InvoiceLine, OpsError> {
    let (reason, cents) = text_amount("--discount", row, "Kuntien yhteishankinta=50,00")?;
    let billed: i64 = lines.iter().map(|l| l.net_cents).sum();
    // At the first row's VAT: the workshop's rate, or a fee's category.
    let Some(first) = lines.first().filter(|_| cents < billed) else {
        return Err(OpsError::Usage(format!(
            "--discount {} € is not less than the invoice's other rows ({} €)",
            euros(cents),
            euros(billed)
        )));
    };
    let text = cut(&format!("Alennus: {reason}"), MAX_ROW_TEXT);
    Ok(InvoiceLine {
        vat_category: first.vat_category,
        ..InvoiceLine::new("alennus", text, -cents, first.vat_rate)
    })
}

/// A `TEXT=AMOUNT` option: printable text of at most a row's length and a positive amount in
/// net euros.
pub(crate) fn text_amount(
    option: &str,
    row: &str,
    example: &str,
) -> Result<(String, i64), OpsError> {
    let wrong = || {
        OpsError::Usage(format!(
            "{option} {row:?}: give TEXT=AMOUNT, e.g. \"{example}\" (net euros, at most {MAX_ROW_TEXT} characters of text)"
        ))
    };
    let (text, amount) = row.rsplit_once('=').ok_or_else(wrong)?;
    let text = text.trim();
    let printable = !text.is_empty()
        && text.chars().count() <= MAX_ROW_TEXT
        && !order_intake::domain::contains_control_characters(text);
    let cents = parse_euros(amount)
        .filter(|cents| printable && *cents > 0)
        .ok_or_else(wrong)?;
    Ok((text.to_owned(), cents))
}

/// The fee's VAT: as given, else as the terms said at the cancellation (the customer's page
/// showed it), else with VAT on top, as the page showed it before the fee's VAT was recorded.
pub(crate) fn fee_vat(
    record: &OrderRecord,
    given: Option<&str>,
    notes: &mut dyn Write,
) -> Result<FeeVat, OpsError> {
    let recorded = record.booking.as_ref().and_then(|b| b.fee_vat);
    if let Some(text) = given {
        let given = FeeVat::parse(text)
            .ok_or_else(|| OpsError::Usage(format!("--fee-vat {text:?}: outside or taxable")))?;
        if recorded.is_some_and(|r| r != given) {
            writeln!(
                notes,
                "warning: the customer's page stated the fee {} VAT at the cancellation; this invoice bills it {}",
                recorded.map_or("", vat_words),
                vat_words(given)
            )?;
        }
        return Ok(given);
    }
    if let Some(recorded) = recorded {
        return Ok(recorded);
    }
    writeln!(
        notes,
        "note: this cancellation predates the fee's recorded VAT, and the customer's page then said \"+ alv\": billed with VAT (--fee-vat outside bills it as compensation)"
    )?;
    Ok(FeeVat::Taxable)
}

fn vat_words(vat: FeeVat) -> &'static str {
    match vat {
        FeeVat::Outside => "outside",
        FeeVat::Taxable => "with",
    }
}
