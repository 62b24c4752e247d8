/// The order's short, human-readable reference, e.g. `K7Q4-M2XD`: eight random characters of
/// Crockford's base32 (no I, L, O or U, so it survives being read out on the phone), 40 bits of
/// randomness, so it is not a guessable sequence. Uniqueness is enforced by the store.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference(String);

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

impl Reference {
    pub fn random() -> Reference {
        let mut bytes = [0u8; 8];
        // getrandom only fails where the OS has no randomness source; Lambda always has one.
        if getrandom::fill(&mut bytes).is_err() {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            bytes = (nanos as u64).to_le_bytes();
        }
        Reference::from_random_bytes(bytes)
    }

    fn from_random_bytes(bytes: [u8; 8]) -> Reference {
        let mut text = String::with_capacity(9);
        for (i, byte) in bytes.iter().enumerate() {
            if i == 4 {
                text.push('-');
            }
            text.push(ALPHABET[(byte & 31) as usize] as char);
        }
        Reference(text)
    }

    /// Accepts a reference as stored (used when reading orders back).
    pub fn parse(text: &str) -> Option<Reference> {
        let valid = text.len() == 9
            && text.char_indices().all(|(i, c)| {
                if i == 4 {
                    c == '-'
                } else {
                    ALPHABET.contains(&(c as u8)) && c.is_ascii()
                }
            });
        valid.then(|| Reference(text.to_owned()))
    }

    /// A reference as a person types or reads it out: any case, with or without the hyphen or
    /// spaces, and with Crockford's look-alikes (O for 0, I and L for 1) taken as meant.
    pub fn read(text: &str) -> Option<Reference> {
        let symbols: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            })
            .collect();
        if symbols.len() != 8 || !symbols.is_ascii() {
            return None;
        }
        Reference::parse(&format!("{}-{}", &symbols[..4], &symbols[4..]))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_have_the_readable_shape_and_parse_back() {
        for _ in 0..100 {
            let r = Reference::random();
            assert_eq!(Reference::parse(r.as_str()), Some(r.clone()));
            assert!(!r.as_str().contains(['I', 'L', 'O', 'U']));
        }
        assert_eq!(Reference::parse("K7Q4M2XD"), None);
        assert_eq!(Reference::parse("K7Q4-M2XI"), None);
    }

    #[test]
    fn a_reference_is_read_as_people_type_it() {
        let meant = Reference::parse("K7M2-QX91").unwrap();
        for typed in [
            "K7M2-QX91",
            "k7m2qx91",
            " K7M2 QX9I ",
            "K7M2-QX9l",
            "k7m2-qx9L",
        ] {
            assert_eq!(Reference::read(typed), Some(meant.clone()), "{typed}");
        }
        assert_eq!(Reference::read("K7MO-QX91"), Reference::parse("K7M0-QX91"));
        for wrong in [
            "K7M2QX9",
            "K7M2-QX91X",
            "K7M2-QX9U",
            "K7M2–QX91",
            "ÄÄÄÄ-ÄÄÄÄ",
            "",
        ] {
            assert_eq!(Reference::read(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn consecutive_references_differ() {
        let refs: std::collections::HashSet<_> = (0..1000).map(|_| Reference::random()).collect();
        assert_eq!(refs.len(), 1000);
    }
}
