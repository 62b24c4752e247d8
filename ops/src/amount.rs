//! Amounts as the bookkeeper's files write them.

/// Euros with a decimal comma and no grouping (`1129,50`): what Excel in a Finnish locale
/// reads as a number, and Finvoice's amount pattern.
pub fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}{},{:02}", cents / 100, cents % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_have_a_decimal_comma_and_no_grouping() {
        assert_eq!(euros(1_129_50), "1129,50");
        assert_eq!(euros(500_00), "500,00");
        assert_eq!(euros(5), "0,05");
    }
}
