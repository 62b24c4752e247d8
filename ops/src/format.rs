//! What the command prints: a table, one order in full, CSV for a spreadsheet, erasures.

use std::fmt::Write;

use crate::store::{EmailRecord, OrderRecord};
use jiff::Timestamp;
use order_intake::domain::{Field, FieldValue, Language, Package, helsinki};
use order_intake::intake::ErasureLine;
use order_intake::texts::{label, when};

use crate::amount::euros;
use crate::period::Period;

/// A Helsinki local time, to the minute, as people here read it in a table.
pub(crate) fn local(at: Timestamp) -> String {
    at.to_zoned_datetime(helsinki())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// Text from the internet, safe to print on a terminal: control characters (escape sequences
/// could rewrite the operator's screen) become `?`. Intake refuses them; an item edited by hand
/// may still hold them.
pub(crate) fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn cut(text: &str, width: usize) -> String {
    let text = printable(text);
    if text.chars().count() <= width {
        return text;
    }
    let kept: String = text.chars().take(width - 1).collect();
    format!("{kept}…")
}

fn package_name(id: Option<&str>) -> &str {
    match id.and_then(Package::parse) {
        Some(package) => package.short_name(),
        None => id.unwrap_or("-"),
    }
}

/// Whether either email of the order is in that state (its sending state or what SES reported).
pub fn has_state(record: &OrderRecord, state: &str) -> bool {
    let state = state.trim().to_lowercase();
    [record.customer_email(), record.trainer_email()]
        .iter()
        .any(|email| {
            email.status.as_deref() == Some(state.as_str())
                || email.outcomes.iter().any(|o| o.outcome == state)
        })
}

/// One email in a few words: `sent 2026-11-27 18:06, delivered`.
pub fn email_summary(email: &EmailRecord) -> String {
    let mut summary = email.status.clone().unwrap_or_else(|| "-".to_owned());
    if let Some(sent_at) = email.sent_at {
        summary.push_str(&format!(" {}", local(sent_at)));
    }
    if let Some(attempts) = email.attempts.filter(|a| *a > 0) {
        summary.push_str(&format!(" after {attempts} attempts"));
    }
    for outcome in &email.outcomes {
        summary.push_str(&format!(", {}", outcome.outcome));
    }
    summary
}

pub fn table(records: &[OrderRecord], period: &Period) -> String {
    let headings = [
        "Reference",
        "Created",
        "Package",
        "Organisation",
        "Contact",
        "Customer email",
        "Trainer email",
        "Booked",
    ];
    let rows: Vec<[String; 8]> = records
        .iter()
        .map(|r| {
            let contact = match (&r.erased_at, r.text(Field::ContactName)) {
                (Some(_), _) => "(erased)".to_owned(),
                (None, Some(name)) => cut(name, 24),
                (None, None) => "-".to_owned(),
            };
            [
                r.reference.clone(),
                local(r.created_at),
                package_name(r.text(Field::Package)).to_owned(),
                cut(r.text(Field::Organization).unwrap_or("-"), 32),
                contact,
                r.customer_email().state().to_owned(),
                r.trainer_email().state().to_owned(),
                booked(r),
            ]
        })
        .collect();
    let mut widths = headings.map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        padded.join("  ").trim_end().to_owned() + "\n"
    };
    let mut out = line(&headings.map(str::to_owned));
    for row in &rows {
        out.push_str(&line(row));
    }
    let _ = writeln!(
        out,
        "{} orders, {} – {} (Helsinki time)",
        records.len(),
        period.first_day,
        period.last_day
    );
    out
}

/// The booking in a few words: `ti 30.3.2027 klo 9.00–11.00`, `cancelled`, or `-`.
fn booked(r: &OrderRecord) -> String {
    match &r.booking {
        None => "-".to_owned(),
        Some(b) if !b.is_booked() => "cancelled".to_owned(),
        Some(b) => when(b.start, b.end, Language::Fi),
    }
}

/// The booking's lines of `show`.
fn booking_details(out: &mut String, r: &OrderRecord) {
    let Some(b) = &r.booking else {
        return;
    };
    let _ = writeln!(
        out,
        "
Booking: {} (change {})",
        b.state.as_str(),
        b.sequence
    );
    let _ = writeln!(out, "  when: {}", when(b.start, b.end, Language::Fi));
    let _ = writeln!(out, "  place: {}", printable(&b.place));
    let _ = writeln!(out, "  trainers: {}", printable(&b.trainers.join(", ")));
    for (label, text) in [("note to the customer", &b.note), ("reason", &b.reason)] {
        if let Some(text) = text {
            let _ = writeln!(out, "  {label}: {}", printable(text));
        }
    }
    let _ = writeln!(
        out,
        "  changed: {} by {}",
        local(b.changed_at),
        b.changed_by
    );
    for (kind, email) in r.booking_emails() {
        email_details(out, &format!("Booking email {}", kind.as_str()), email);
    }
}

fn email_details(out: &mut String, title: &str, email: &EmailRecord) {
    let _ = writeln!(out, "\n{title}: {}", email.status.as_deref().unwrap_or("-"));
    let times = [
        ("sent at", email.sent_at),
        ("next attempt / claim until", email.due_at),
        ("dropped unless sent by", email.drop_at),
        ("check again at", email.check_at),
        ("people told it failed at", email.told_at),
    ];
    if let Some(attempts) = email.attempts {
        let _ = writeln!(out, "  attempts: {attempts}");
    }
    for (label, at) in times {
        if let Some(at) = at {
            let _ = writeln!(out, "  {label}: {}", local(at));
        }
    }
    if let Some(id) = &email.message_id {
        let _ = writeln!(out, "  SES message id: {id}");
    }
    let earlier: Vec<&String> = email
        .message_ids
        .iter()
        .filter(|id| Some(*id) != email.message_id.as_ref())
        .collect();
    if !earlier.is_empty() {
        let ids: Vec<&str> = earlier.iter().map(|id| id.as_str()).collect();
        let _ = writeln!(out, "  earlier sends: {}", ids.join(", "));
    }
    for outcome in &email.outcomes {
        let at = outcome.at.map(local).unwrap_or_default();
        let _ = writeln!(
            out,
            "  recipient {}: {} {at}",
            outcome.recipient + 1,
            outcome.outcome
        );
    }
}

/// Everything about one order, for a person.
/// A stored value as an operator reads it: a package by its short name, a list joined.
fn shown(field: Field, value: &FieldValue) -> String {
    match field {
        Field::Package => package_name(value.as_text()).to_owned(),
        _ => value.joined(),
    }
}

/// One order in full: the order, the customer's values under their English labels (as the
/// English form shows them), the amounts and the invoice, then both emails.
pub fn details(r: &OrderRecord) -> String {
    let amount = |cents: Option<i64>| cents.map(|c| format!("{} €", euros(c)));
    let vat_rate = r
        .vat_rate_percent
        .as_deref()
        .unwrap_or("?")
        .replace('.', ",");
    let mut fields: Vec<(&str, Option<String>)> = vec![
        ("Reference", Some(r.reference.clone())),
        ("Order id", r.order_id.clone()),
        ("Created", Some(local(r.created_at))),
    ];
    for (field, value) in r.values.iter() {
        fields.push((label(field, Language::En), Some(shown(field, value))));
    }
    fields.extend([
        ("Net", amount(r.net_cents)),
        (
            "VAT",
            amount(r.vat_cents).map(|vat| format!("{vat} ({vat_rate} %)")),
        ),
        ("Total", amount(r.gross_cents)),
        ("Erased at", r.erased_at.map(local)),
    ]);
    fields.extend(invoice_fields(r));
    let width = fields.iter().map(|(label, _)| label.chars().count()).max();
    let width = width.unwrap_or_default() + 2;
    let mut out = String::new();
    for (label, value) in fields {
        if let Some(value) = value {
            let _ = writeln!(out, "{label:<width$}{}", printable(&value));
        }
    }
    email_details(&mut out, "Customer's confirmation", r.customer_email());
    email_details(&mut out, "Trainers' notification", r.trainer_email());
    booking_details(&mut out, r);
    out
}

/// The order's invoice, its documents and the corrections to its invoicing details.
fn invoice_fields(r: &OrderRecord) -> Vec<(&'static str, Option<String>)> {
    let mut fields = vec![
        (
            "Invoice",
            r.invoice.as_ref().map(|i| {
                format!(
                    "{} of {} (delivered {}, due {})",
                    i.number, i.invoice_date, i.delivery_date, i.due_date
                )
            }),
        ),
        (
            "Invoices, credits",
            (!r.invoice_numbers.is_empty()).then(|| crate::store::listed(&r.invoice_numbers)),
        ),
    ];
    let flags = order_intake::domain::routing_flags(
        r.text(Field::EInvoiceAddress),
        r.text(Field::EInvoiceOperator),
        r.text(Field::BusinessId),
    );
    for flag in flags {
        fields.push(("Check", Some(flag.english())));
    }
    for change in &r.invoicing_changes {
        let value = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
        let text = format!(
            "{} {} → {} ({}, {})",
            change.field,
            value(&change.old),
            value(&change.new),
            change.by,
            local(change.at)
        );
        fields.push(("Corrected", Some(text)));
    }
    for action in &r.operator_actions {
        let text = format!("{} ({}, {})", action.what, action.by, local(action.at));
        fields.push(("Operator", Some(text)));
    }
    fields
}

pub fn erasures(erased: &[ErasureLine]) -> String {
    let mut out = String::new();
    for erasure in erased {
        if erasure.already_erased {
            let _ = writeln!(
                out,
                "{}: erased before; nothing left to remove",
                erasure.reference
            );
            continue;
        }
        let _ = write!(
            out,
            "{}: removed {}",
            erasure.reference,
            erasure.removed.join(", ")
        );
        if !erasure.dropped.is_empty() {
            let _ = write!(
                out,
                "; unsent emails dropped: {}",
                erasure.dropped.join(", ")
            );
        }
        let _ = writeln!(
            out,
            "; {} sent email(s) cleared of the address",
            erasure.messages_scrubbed
        );
    }
    let _ = writeln!(out, "{} order(s) erased", erased.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_not_printed() {
        assert_eq!(printable("Kunta\u{1b}[2J"), "Kunta?[2J");
        assert_eq!(cut("Pohjois-Pohjanmaan liitto", 10), "Pohjois-P…");
    }
}
