//! Signed links to the function's own pages. A booking link names an order (it is no credential:
//! a trainer's session acts on it); a sign-in link, emailed to one trainer's own address, starts
//! that session once. A token names its key, the purpose, the order and an expiry, signed with
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

/// How long an emailed sign-in link works: long enough to open it on the phone it came to.
pub const SIGN_IN_VALID_SECONDS: i64 = 15 * 60;

/// What a link is for: a token for one purpose opens nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// The booking page of an order: it names the order; a trainer's session acts on it.
    Booking,
    /// A trainer's one-time sign-in, emailed to that trainer's own address.
    SignIn,
    /// The customer's own page of their order, in every customer email: a bearer link to one
    /// order, valid until 60 days after the workshop (`customer_link_expiry`).
    Customer,
}

impl LinkPurpose {
    fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Booking => "booking",
            LinkPurpose::SignIn => "signin",
            LinkPurpose::Customer => "customer",
        }
    }

    fn parse(text: &str) -> Option<LinkPurpose> {
        match text {
            "booking" => Some(LinkPurpose::Booking),
            "signin" => Some(LinkPurpose::SignIn),
            "customer" => Some(LinkPurpose::Customer),
            _ => None,
        }
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
    #[error("the link was revoked")]
    Revoked,
}

/// A verified token: which order it opens, and a short id of the link (stored with what it did).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkGrant {
    pub reference: Reference,
    pub link_id: String,
}

/// A verified sign-in token: the trainer (their place in the roster), the order to return to,
/// and the nonce that is used up when it signs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInGrant {
    pub reference: Reference,
    pub trainer: usize,
    pub nonce: String,
}

/// One signing key and its id (in every token it signs, so that a rotation can overlap).
#[derive(Clone, PartialEq, Eq)]
struct Key {
    secret: Vec<u8>,
    id: String,
}

impl Key {
    fn new(secret: &str) -> Key {
        use sha2::Digest;
        let digest = Sha256::digest([b"order-intake key id\n", secret.as_bytes()].concat());
        Key {
            secret: secret.as_bytes().to_vec(),
            id: format!("k{}", &URL_SAFE_NO_PAD.encode(digest)[..6]),
        }
    }

    fn mac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes a key of any length")
    }
}

/// Signs links with one secret (`BOOKING_LINK_SECRET`) and checks them with it or, during a
/// rotation, with the previous one (`BOOKING_LINK_SECRET_PREVIOUS`, verify-only). Tokens name
/// their key's id; a token from before key ids is checked as the current key's.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkSigner {
    key: Key,
    previous: Option<Key>,
}

impl std::fmt::Debug for LinkSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkSigner(..)")
    }
}

impl LinkSigner {
    pub fn new(secret: &str) -> LinkSigner {
        LinkSigner {
            key: Key::new(secret),
            previous: None,
        }
    }

    /// Also accepts what `previous` signed, until its links expire.
    pub fn with_previous(mut self, previous: &str) -> LinkSigner {
        self.previous = Some(Key::new(previous));
        self
    }

    fn signature(&self, payload: &str) -> Vec<u8> {
        signature_with(&self.key, payload)
    }

    fn sign_payload(&self, payload: &str) -> String {
        let payload = format!("{}.{payload}", self.key.id);
        let signature = URL_SAFE_NO_PAD.encode(self.signature(&payload));
        format!("{payload}.{signature}")
    }

    /// A token for `purpose` on `reference`, valid for `LINK_VALID_DAYS` from `now`:
    /// `<key id>.<purpose>.<reference>.<expiry>.<signature>`, every part URL-safe.
    pub fn sign(&self, purpose: LinkPurpose, reference: &Reference, now: Timestamp) -> String {
        let expires = now.as_second() + LINK_VALID_DAYS * 24 * 60 * 60;
        self.sign_payload(&format!(
            "{}.{}.{expires}",
            purpose.as_str(),
            reference.as_str()
        ))
    }

    /// A one-time sign-in token for the roster's `trainer`, returning to `reference`, valid
    /// for `SIGN_IN_VALID_SECONDS`; `nonce` (random, URL-safe) is what its use uses up.
    pub fn sign_in_token(
        &self,
        trainer: usize,
        reference: &Reference,
        nonce: &str,
        now: Timestamp,
    ) -> String {
        let expires = now.as_second() + SIGN_IN_VALID_SECONDS;
        let purpose = LinkPurpose::SignIn.as_str();
        self.sign_payload(&format!(
            "{purpose}.{}.{expires}.{trainer}.{nonce}",
            reference.as_str()
        ))
    }

    /// The payload's parts after a valid signature by the key the token names (or, for a
    /// token without a key id, the current key), and the signature.
    fn checked<'a>(&self, token: &'a str) -> Result<(Vec<&'a str>, Vec<u8>), LinkError> {
        let (payload, signature) = token.rsplit_once('.').ok_or(LinkError::Invalid)?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| LinkError::Invalid)?;
        let mut parts: Vec<&str> = payload.split('.').collect();
        let key = match parts.first() {
            Some(id) if *id == self.key.id => Some(&self.key),
            Some(id) if self.previous.as_ref().is_some_and(|p| p.id == *id) => {
                self.previous.as_ref()
            }
            Some(id) if id.starts_with('k') && id.len() == 7 => None,
            _ => {
                // From before key ids: the current key's.
                parts.insert(0, "");
                Some(&self.key)
            }
        };
        let key = key.ok_or(LinkError::Invalid)?;
        let mut mac = key.mac();
        mac.update(DOMAIN_SEPARATOR);
        mac.update(payload.as_bytes());
        mac.verify_slice(&signature)
            .map_err(|_| LinkError::Invalid)?;
        parts.remove(0);
        Ok((parts, signature))
    }

    /// Checks a token for `purpose` at `now`. The signature is compared in constant time.
    pub fn verify(
        &self,
        token: &str,
        purpose: LinkPurpose,
        now: Timestamp,
    ) -> Result<LinkGrant, LinkError> {
        let (parts, signature) = self.checked(token)?;
        let [named, reference, expires] = parts[..] else {
            return match parts.first().and_then(|p| LinkPurpose::parse(p)) {
                Some(other) if other != purpose => Err(LinkError::OtherPurpose),
                _ => Err(LinkError::Invalid),
            };
        };
        if LinkPurpose::parse(named) != Some(purpose) {
            return Err(LinkError::OtherPurpose);
        }
        let reference = Reference::parse(reference).ok_or(LinkError::Invalid)?;
        expiry(expires, now)?;
        let link_id = URL_SAFE_NO_PAD.encode(&signature[..6]);
        Ok(LinkGrant { reference, link_id })
    }

    /// A customer link's token: `<key id>.customer.<reference>.<expiry>.<generation>` (the
    /// order's `customer_link_generation` when signed: a revocation moves it on).
    pub fn sign_customer(
        &self,
        reference: &Reference,
        generation: u32,
        expires: Timestamp,
    ) -> String {
        let purpose = LinkPurpose::Customer.as_str();
        self.sign_payload(&format!(
            "{purpose}.{}.{}.{generation}",
            reference.as_str(),
            expires.as_second()
        ))
    }

    /// Checks a customer link's token at `now`: its order and the generation it was signed in
    /// (whether that is still the order's is the store's to say).
    pub fn verify_customer(
        &self,
        token: &str,
        now: Timestamp,
    ) -> Result<(LinkGrant, u32), LinkError> {
        let (parts, signature) = self.checked(token)?;
        let [named, reference, expires, generation] = parts[..] else {
            return match parts.first().and_then(|p| LinkPurpose::parse(p)) {
                Some(LinkPurpose::Customer) | None => Err(LinkError::Invalid),
                Some(_) => Err(LinkError::OtherPurpose),
            };
        };
        if LinkPurpose::parse(named) != Some(LinkPurpose::Customer) {
            return Err(LinkError::OtherPurpose);
        }
        let reference = Reference::parse(reference).ok_or(LinkError::Invalid)?;
        expiry(expires, now)?;
        let generation = generation.parse().map_err(|_| LinkError::Invalid)?;
        let link_id = URL_SAFE_NO_PAD.encode(&signature[..6]);
        Ok((LinkGrant { reference, link_id }, generation))
    }

    /// Checks a sign-in token at `now` (that it was not used is the store's to say).
    pub fn verify_sign_in(&self, token: &str, now: Timestamp) -> Result<SignInGrant, LinkError> {
        let (parts, _) = self.checked(token)?;
        let [named, reference, expires, trainer, nonce] = parts[..] else {
            return match parts.first().and_then(|p| LinkPurpose::parse(p)) {
                Some(LinkPurpose::Booking) => Err(LinkError::OtherPurpose),
                _ => Err(LinkError::Invalid),
            };
        };
        if LinkPurpose::parse(named) != Some(LinkPurpose::SignIn) {
            return Err(LinkError::OtherPurpose);
        }
        let reference = Reference::parse(reference).ok_or(LinkError::Invalid)?;
        expiry(expires, now)?;
        let trainer = trainer.parse().map_err(|_| LinkError::Invalid)?;
        Ok(SignInGrant {
            reference,
            trainer,
            nonce: nonce.to_owned(),
        })
    }
}

fn signature_with(key: &Key, payload: &str) -> Vec<u8> {
    let mut mac = key.mac();
    mac.update(DOMAIN_SEPARATOR);
    mac.update(payload.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn expiry(expires: &str, now: Timestamp) -> Result<(), LinkError> {
    let expires: i64 = expires.parse().map_err(|_| LinkError::Invalid)?;
    match now.as_second() >= expires {
        true => Err(LinkError::Expired),
        false => Ok(()),
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

    #[test]
    fn a_rotation_overlaps_and_tokens_from_before_key_ids_still_name_their_order() {
        let old = LinkSigner::new("the-old-secret-of-thirty-two-chars!!");
        let new = LinkSigner::new("the-new-secret-of-thirty-two-chars!!")
            .with_previous("the-old-secret-of-thirty-two-chars!!");
        let token = old.sign(LinkPurpose::Booking, &reference(), now());
        assert_eq!(
            new.verify(&token, LinkPurpose::Booking, now())
                .unwrap()
                .reference,
            reference()
        );
        let without_previous = LinkSigner::new("the-new-secret-of-thirty-two-chars!!");
        assert_eq!(
            without_previous.verify(&token, LinkPurpose::Booking, now()),
            Err(LinkError::Invalid)
        );
        // A token as signed before key ids: purpose, reference, expiry, signature.
        let payload = format!(
            "booking.{}.{}",
            reference().as_str(),
            now().as_second() + 60
        );
        let signature = URL_SAFE_NO_PAD.encode(old.signature(&payload));
        let legacy = format!("{payload}.{signature}");
        assert!(old.verify(&legacy, LinkPurpose::Booking, now()).is_ok());
    }

    #[test]
    fn a_sign_in_token_names_its_trainer_and_order_for_fifteen_minutes_and_opens_no_page() {
        let signer = LinkSigner::new("a-secret-of-thirty-two-characters!!");
        let token = signer.sign_in_token(1, &reference(), "n0nce", now());
        let grant = signer.verify_sign_in(&token, now()).unwrap();
        assert_eq!((grant.trainer, grant.nonce.as_str()), (1, "n0nce"));
        assert_eq!(grant.reference, reference());
        let later = now() + SignedDuration::from_secs(SIGN_IN_VALID_SECONDS);
        assert_eq!(
            signer.verify_sign_in(&token, later),
            Err(LinkError::Expired)
        );
        assert_eq!(
            signer.verify(&token, LinkPurpose::Booking, now()),
            Err(LinkError::OtherPurpose)
        );
        let booking = signer.sign(LinkPurpose::Booking, &reference(), now());
        assert_eq!(
            signer.verify_sign_in(&booking, now()),
            Err(LinkError::OtherPurpose)
        );
        let other_trainer = token.replacen(".1.n0nce", ".0.n0nce", 1);
        assert_eq!(
            signer.verify_sign_in(&other_trainer, now()),
            Err(LinkError::Invalid)
        );
    }
}
