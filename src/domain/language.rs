/// The language of emails, error messages and HTML pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    #[default]
    Fi,
    Sv,
    En,
}

impl Language {
    /// Every language the function speaks; Finnish, the default, first.
    pub const ALL: [Language; 3] = [Language::Fi, Language::Sv, Language::En];

    pub fn parse(code: &str) -> Option<Language> {
        Language::ALL
            .into_iter()
            .find(|language| language.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Language::Fi => "fi",
            Language::Sv => "sv",
            Language::En => "en",
        }
    }

    /// The first language of ours named in an `Accept-Language` header, else Finnish.
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
    fn every_language_parses_from_its_own_code_and_finnish_is_first() {
        assert!((Language::ALL.iter()).all(|l| Language::parse(l.code()) == Some(*l)));
        assert_eq!(
            (Language::parse("FI"), Language::ALL[0]),
            (None, Language::default())
        );
    }

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
