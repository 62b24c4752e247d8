/// An email address we can send to: plain `local@domain.tld`, ASCII, no display name, no quoted
/// local part, no IP literal, at most 254 characters. Conservative beyond the standard, since
/// the address reaches a `mailto:` link and SES: the local part is letters, digits and `. _ + -
/// '` (no leading, trailing or double dot); each domain label is letters, digits and inner
/// hyphens (an internationalised domain in its `xn--` form), the last one not all digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

pub const MAX_EMAIL_LENGTH: usize = 254;

impl EmailAddress {
    pub fn parse(input: &str) -> Option<EmailAddress> {
        if input.len() > MAX_EMAIL_LENGTH
            || !input.is_ascii()
            || input.contains(['"', ' ', '<', '>', ',', ';'])
        {
            return None;
        }
        let options = ::email_address::Options {
            minimum_sub_domains: 2,
            allow_domain_literal: false,
            allow_display_text: false,
            allow_long_local_parts: false,
        };
        let parsed = ::email_address::EmailAddress::parse_with_options(input, options).ok()?;
        // Domains are case-insensitive; keep the local part as typed.
        let (local, domain) = parsed.as_str().rsplit_once('@')?;
        let domain = domain.to_ascii_lowercase();
        let labels: Vec<&str> = domain.split('.').collect();
        let tld_is_a_name = labels
            .last()
            .is_some_and(|tld| tld.bytes().any(|b| b.is_ascii_alphabetic()));
        if !labels.iter().all(|label| is_label(label)) || !tld_is_a_name || !is_local_part(local) {
            return None;
        }
        Some(EmailAddress(format!("{local}@{domain}")))
    }

    /// A `mailto:` link to the address and nothing else: everything but letters, digits and
    /// `@ . _ -` percent-encoded (no `?cc=`, however the address was spelled).
    pub fn mailto_uri(&self) -> String {
        use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
        const MAILTO_ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
            .remove(b'@')
            .remove(b'.')
            .remove(b'_')
            .remove(b'-');
        format!(
            "mailto:{}",
            utf8_percent_encode(self.as_str(), MAILTO_ESCAPED)
        )
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A DNS label: letters, digits and hyphens, not at either end, at most 63 characters.
fn is_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The local parts people have: letters, digits and `. _ + - '`, dots only between others.
fn is_local_part(local: &str) -> bool {
    let allowed =
        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'+' | b'-' | b'\'');
    !local.is_empty()
        && local.bytes().all(allowed)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mailto_link_carries_the_address_alone() {
        let mailto = |text: &str| EmailAddress::parse(text).unwrap().mailto_uri();
        assert_eq!(mailto("anna.v-k_1@kunta.fi"), "mailto:anna.v-k_1@kunta.fi");
        assert_eq!(
            mailto("o'brien+x@kunta.fi"),
            "mailto:o%27brien%2Bx@kunta.fi"
        );
    }

    #[test]
    fn ordinary_addresses_are_accepted() {
        for a in [
            "viestinta@tuusula.fi",
            "first.last+tag@kunta.example.fi",
            "a_b-c@sub-domain.fi",
            "o'brien@kunta.fi",
            "info@xn--mntsl-kua.fi",
        ] {
            assert!(EmailAddress::parse(a).is_some(), "{a}");
        }
        assert_eq!(
            EmailAddress::parse("Anna@Tuusula.FI").unwrap().as_str(),
            "Anna@tuusula.fi"
        );
    }

    #[test]
    fn addresses_that_could_smuggle_headers_or_names_are_rejected() {
        for a in [
            "Anna <anna@tuusula.fi>",
            "anna@tuusula.fi\r\nBcc: x@y.fi",
            "anna@tuusula.fi, other@evil.fi",
            "\"a b\"@tuusula.fi",
            "anna@[127.0.0.1]",
            "anna@localhost",
            "anna",
            "@tuusula.fi",
            "anna@tuusula..fi",
            "anna@-tuusula.fi",
            "änna@tuusula.fi",
            "",
            // A query smuggled into the domain would put a third party in the trainers' Cc.
            "x@evil.f?cc=boss%40victim.fi",
            "x@evil.fi?cc=boss@victim.fi",
            "x@evil_domain.fi",
            "x@tuusula.123",
            "a&cc=b@tuusula.fi",
            "a/b@tuusula.fi",
            ".anna@tuusula.fi",
            "anna.@tuusula.fi",
            "an..na@tuusula.fi",
        ] {
            assert!(EmailAddress::parse(a).is_none(), "{a:?}");
        }
        let long = format!("{}@{}.fi", "a".repeat(64), "b".repeat(200));
        assert!(long.len() > MAX_EMAIL_LENGTH);
        assert!(EmailAddress::parse(&long).is_none());
    }
}
