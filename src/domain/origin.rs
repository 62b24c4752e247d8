//! A web origin as browsers send it in `Origin`: `scheme://host[:port]`.

use url::Url;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebOrigin(String);

impl WebOrigin {
    /// A plain http(s) origin, normalised as browsers send it; `None` for anything else (a path,
    /// credentials, `null`, another scheme).
    pub fn parse(text: &str) -> Option<WebOrigin> {
        let url = Url::parse(text).ok()?;
        let plain = matches!(url.scheme(), "http" | "https")
            && url.host().is_some()
            && url.username().is_empty()
            && url.password().is_none()
            && url.path() == "/"
            && url.query().is_none()
            && url.fragment().is_none();
        plain.then(|| WebOrigin(url.origin().ascii_serialization()))
    }

    /// The origin of a full URL (a `Referer`, a `_next`), if it has one.
    pub fn of(url: &Url) -> Option<WebOrigin> {
        WebOrigin::parse(&url.origin().ascii_serialization())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised_as_browsers_send_them() {
        let parsed = |text| WebOrigin::parse(text).map(|o| o.as_str().to_owned());
        assert_eq!(
            parsed("https://WWW.Example.fi:443").as_deref(),
            Some("https://www.example.fi")
        );
        assert_eq!(
            parsed("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(parsed("https://www.example.fi/tilaa"), None);
        assert_eq!(parsed("null"), None);
        assert_eq!(parsed("javascript:alert(1)"), None);
    }
}
