//! What the trainers' emails and alerts are laid out as: label/value rows.

/// A label, its value, and where the value links to (`mailto:`, `tel:`), if anywhere.
pub(super) type Row = (&'static str, String, Option<String>);

/// The value, or a dash for what the customer left out.
pub(super) fn or_dash(value: Option<String>) -> String {
    value
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "–".to_owned())
}
