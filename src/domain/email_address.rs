/// An email address we can send to: plain `local@domain.tld`, ASCII, no display name, no quoted
/// local part, no IP literal, at most 254 characters.
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
        if domain
            .split('.')
            .any(|label| label.is_empty() || label.starts_with('-') || label.ends_with('-'))
        {
            return None;
        }
        Some(EmailAddress(format!("{local}@{domain}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
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
    fn ordinary_addresses_are_accepted() {
        for a in [
            "viestinta@tuusula.fi",
            "first.last+tag@kunta.example.fi",
            "a_b-c@sub-domain.fi",
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
        ] {
            assert!(EmailAddress::parse(a).is_none(), "{a:?}");
        }
        let long = format!("{}@{}.fi", "a".repeat(64), "b".repeat(200));
        assert!(long.len() > MAX_EMAIL_LENGTH);
        assert!(EmailAddress::parse(&long).is_none());
    }
}
