/// The language of emails, error messages and HTML pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    #[default]
    Fi,
    Sv,
    En,
}

impl Language {
    pub fn parse(code: &str) -> Option<Language> {
        match code {
            "fi" => Some(Language::Fi),
            "sv" => Some(Language::Sv),
            "en" => Some(Language::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Language::Fi => "fi",
            Language::Sv => "sv",
            Language::En => "en",
        }
    }

    /// The one of three texts (or values) that is in this language.
    pub fn pick<T>(self, fi: T, sv: T, en: T) -> T {
        match self {
            Language::Fi => fi,
            Language::Sv => sv,
            Language::En => en,
        }
    }

    /// The first of fi, sv, en named in an `Accept-Language` header, else Finnish.
    pub fn from_accept_language(header: &str) -> Language {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .filter_map(|tag| tag.trim().get(..2))
            .find_map(|prefix| Language::parse(&prefix.to_ascii_lowercase()))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_first_supported() {
        assert_eq!(
            Language::from_accept_language("de-DE, sv-FI;q=0.8, en;q=0.5"),
            Language::Sv
        );
        assert_eq!(Language::from_accept_language("en-GB"), Language::En);
        assert_eq!(Language::from_accept_language("de"), Language::Fi);
        assert_eq!(Language::from_accept_language("ä"), Language::Fi);
        assert_eq!(Language::from_accept_language(""), Language::Fi);
    }
}
