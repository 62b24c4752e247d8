//! Signed links to the function's own pages: what lets a trainer act on an order from an email
//! without credentials. A link's token names the order, the purpose and an expiry, signed with
//! HMAC-SHA-256 under its own secret; the reference alone opens nothing.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use jiff::Timestamp;
use sha2::Sha256;

use super::Reference;

/// How long a link opens its page: the booking can be changed until the workshop (later emails
/// carry fresh links).
pub const LINK_VALID_DAYS: i64 = 120;

/// Keeps these signatures apart from anything else the secret might ever sign.
const DOMAIN_SEPARATOR: &[u8] = b"order-intake link v1\n";

/// What a link is for: a token for one purpose opens nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// The booking page: book, change or cancel the workshop's date.
    Booking,
}

impl LinkPurpose {
    fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Booking => "booking",
        }
    }

    fn parse(text: &str) -> Option<LinkPurpose> {
        (text == "booking").then_some(LinkPurpose::Booking)
    }
}

/// Why a token opens nothing. The page says the same to all: it must not tell a guesser which
/// part was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("the token is not one this function signed")]
    Invalid,
    #[error("the link has expired")]
    Expired,
    #[error("the link is for another purpose")]
    OtherPurpose,
}

/// A verified token: which order it opens, and a short id of the link (stored with what it did).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkGrant {
    pub reference: Reference,
    pub link_id: String,
}

/// Signs and checks links with one secret (`BOOKING_LINK_SECRET`).
#[derive(Clone, PartialEq, Eq)]
pub struct LinkSigner {
    key: Vec<u8>,
}

impl std::fmt::Debug for LinkSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkSigner(..)")
    }
}

impl LinkSigner {
    pub fn new(secret: &str) -> LinkSigner {
        LinkSigner {
            key: secret.as_bytes().to_vec(),
        }
    }

    fn mac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes a key of any length")
    }

    fn signature(&self, payload: &str) -> Vec<u8> {
        let mut mac = self.mac();
        mac.update(DOMAIN_SEPARATOR);
        mac.update(payload.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// A token for `purpose` on `reference`, valid for `LINK_VALID_DAYS` from `now`:
    /// `<purpose>.<reference>.<expiry>.<signature>`, every part URL-safe.
    pub fn sign(&self, purpose: LinkPurpose, reference: &Reference, now: Timestamp) -> String {
        let expires = now.as_second() + LINK_VALID_DAYS * 24 * 60 * 60;
        let payload = format!("{}.{}.{expires}", purpose.as_str(), reference.as_str());
        let signature = URL_SAFE_NO_PAD.encode(self.signature(&payload));
        format!("{payload}.{signature}")
    }

    /// Checks a token for `purpose` at `now`. The signature is compared in constant time.
    pub fn verify(
        &self,
        token: &str,
        purpose: LinkPurpose,
        now: Timestamp,
    ) -> Result<LinkGrant, LinkError> {
        let (payload, signature) = token.rsplit_once('.').ok_or(LinkError::Invalid)?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| LinkError::Invalid)?;
        let mut mac = self.mac();
        mac.update(DOMAIN_SEPARATOR);
        mac.update(payload.as_bytes());
        mac.verify_slice(&signature)
            .map_err(|_| LinkError::Invalid)?;
        let mut parts = payload.split('.');
        let (Some(named), Some(reference), Some(expires), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(LinkError::Invalid);
        };
        if LinkPurpose::parse(named) != Some(purpose) {
            return Err(LinkError::OtherPurpose);
        }
        let reference = Reference::parse(reference).ok_or(LinkError::Invalid)?;
        let expires: i64 = expires.parse().map_err(|_| LinkError::Invalid)?;
        if now.as_second() >= expires {
            return Err(LinkError::Expired);
        }
        let link_id = URL_SAFE_NO_PAD.encode(&signature[..6]);
        Ok(LinkGrant { reference, link_id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::SignedDuration;

    fn link_validity() -> SignedDuration {
        SignedDuration::from_hours(LINK_VALID_DAYS * 24)
    }

    fn reference() -> Reference {
        Reference::parse("K7M2-QX9P").unwrap()
    }

    fn now() -> Timestamp {
        "2027-01-10T08:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_signed_token_opens_its_order_until_it_expires() {
        let signer = LinkSigner::new("a-secret-of-thirty-two-characters!!");
        let token = signer.sign(LinkPurpose::Booking, &reference(), now());
        let grant = signer.verify(&token, LinkPurpose::Booking, now()).unwrap();
        assert_eq!(grant.reference, reference());
        let almost = now() + link_validity() - SignedDuration::from_secs(1);
        assert!(signer.verify(&token, LinkPurpose::Booking, almost).is_ok());
        let expired = now() + link_validity();
        assert_eq!(
            signer.verify(&token, LinkPurpose::Booking, expired),
            Err(LinkError::Expired)
        );
    }

    #[test]
    fn tampered_foreign_and_unsigned_tokens_open_nothing() {
        let signer = LinkSigner::new("a-secret-of-thirty-two-characters!!");
        let token = signer.sign(LinkPurpose::Booking, &reference(), now());
        let other = signer.sign(
            LinkPurpose::Booking,
            &Reference::parse("ABCD-EFGH").unwrap(),
            now(),
        );
        // Another order's reference with this order's signature.
        let (_, signature) = token.rsplit_once('.').unwrap();
        let (other_payload, _) = other.rsplit_once('.').unwrap();
        let swapped = format!("{other_payload}.{signature}");
        // A later expiry with the old signature.
        let extended = token.replacen(".1", ".2", 1);
        let foreign = LinkSigner::new("another-secret-of-thirty-two-chars!!").sign(
            LinkPurpose::Booking,
            &reference(),
            now(),
        );
        for bad in [
            swapped.as_str(),
            extended.as_str(),
            foreign.as_str(),
            "K7M2QX9P",
            "",
            "booking.K7M2QX9P.99999999999.",
        ] {
            assert_eq!(
                signer.verify(bad, LinkPurpose::Booking, now()),
                Err(LinkError::Invalid),
                "{bad}"
            );
        }
        // Signed, but for a purpose this page does not serve.
        let payload = "erasure.K7M2-QX9P.99999999999";
        let signature = URL_SAFE_NO_PAD.encode(signer.signature(payload));
        assert_eq!(
            signer.verify(
                &format!("{payload}.{signature}"),
                LinkPurpose::Booking,
                now()
            ),
            Err(LinkError::OtherPurpose)
        );
    }
}
