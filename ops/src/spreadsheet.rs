//! The operator's spreadsheets: the orders' export as CSV for Excel in a Finnish locale, and
//! the cells that Excel must not run.

use crate::store::OrderRecord;
use order_intake::domain::{Field, FieldValue};

use crate::amount::euros;
use crate::format::local;

/// A cell Excel would run as a formula (`=`, `+`, `-`, `@`, or a tab or carriage return first:
/// CSV injection) gets a leading apostrophe, which Excel shows as text.
pub fn inert(cell: String) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell,
    }
}

/// The export's columns: the order's reference and time, the customer's values under their
/// wire names (`Field::order_values`), then amounts, emails, erasure and invoice.
pub fn csv_columns() -> Vec<&'static str> {
    let values: Vec<&str> = Field::order_values().map(Field::name).collect();
    let after = [
        "net_eur",
        "vat_percent",
        "vat_eur",
        "gross_eur",
        "customer_email",
        "trainer_email",
        "erased_at",
        "invoice_number",
        "invoice_date",
        "booking_state",
        "booking_start",
        "booking_end",
        "booking_place",
        "booking_trainers",
    ];
    [&["reference", "created"][..], &values, &after].concat()
}

/// UTF-8 with a byte-order mark, `;` between fields, amounts with a decimal comma, CRLF: what
/// Excel in a Finnish locale opens as columns and numbers. Quoting as RFC 4180 (Python's csv
/// reads it back).
pub fn csv(records: &[OrderRecord]) -> Result<Vec<u8>, std::io::Error> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(csv_columns())?;
    for r in records {
        let amount = |cents: Option<i64>| cents.map(euros).unwrap_or_default();
        let invoice = r.invoice.as_ref();
        let mut row = vec![r.reference.clone(), local(r.created_at)];
        row.extend(Field::order_values().map(|field| {
            r.values
                .get(field)
                .map(FieldValue::joined)
                .unwrap_or_default()
        }));
        row.extend([
            amount(r.net_cents),
            r.vat_rate_percent
                .clone()
                .unwrap_or_default()
                .replace('.', ","),
            amount(r.vat_cents),
            amount(r.gross_cents),
            r.customer_email().state().to_owned(),
            r.trainer_email().state().to_owned(),
            r.erased_at.map(local).unwrap_or_default(),
            invoice.map(|i| i.number.to_string()).unwrap_or_default(),
            invoice
                .map(|i| i.invoice_date.to_string())
                .unwrap_or_default(),
        ]);
        let booking = r.booking.as_ref();
        row.extend(
            [
                booking.map(|b| b.state.as_str().to_owned()),
                booking.map(|b| b.start.strftime("%Y-%m-%d %H:%M").to_string()),
                booking.map(|b| b.end.strftime("%Y-%m-%d %H:%M").to_string()),
                booking.map(|b| b.place.clone()),
                booking.map(|b| b.trainers.join(", ")),
            ]
            .map(Option::unwrap_or_default),
        );
        writer.write_record(row.into_iter().map(inert))?;
    }
    writer.into_inner().map_err(|e| e.into_error())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_excel_would_run_is_made_text() {
        for formula in [
            "=HYPERLINK(\"http://x\")",
            "+358 40 1234567",
            "-1",
            "@SUM(A1)",
        ] {
            assert_eq!(inert(formula.to_owned()), format!("'{formula}"));
        }
        assert_eq!(inert("Kunta".to_owned()), "Kunta");
    }
}
