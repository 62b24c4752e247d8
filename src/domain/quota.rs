//! Abuse limits. Anyone on the internet can post an order, and each order makes the company's
//! own domain send an email, so orders are counted per source address and per recipient mailbox,
//! and customer confirmations per hour. Counters live in fixed windows keyed by their start;
//! their keys are a keyed hash (HMAC-SHA-256) of the address, never the address itself, so a
//! counter holds no personal data and never needs erasing.

use std::net::IpAddr;

use hmac::{Hmac, KeyInit, Mac};
use jiff::Timestamp;
use sha2::Sha256;

use super::{BreakerLimits, EmailAddress};

/// How much each limit allows. `Quotas::default()` is the production default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quotas {
    /// Orders from one source address (an IPv6 address counted by its /64) per hour.
    pub orders_per_source_per_hour: u32,
    /// Orders to one mailbox (case and `+tag` ignored) per 24 hours.
    pub orders_per_mailbox_per_day: u32,
    /// Customer confirmations per hour from everyone together; over it a confirmation is held.
    pub confirmations_per_hour: u32,
    /// The same per day (Helsinki's UTC day windows): the bound under a slow, steady attack.
    pub confirmations_per_day: u32,
    /// The share of those two kept for orders that passed the human check and look real (a
    /// valid Y-tunnus and an e-invoice address), which junk cannot use up. Only with the human
    /// check on; without it everyone shares the whole ceilings.
    pub real_confirmations_per_hour: u32,
    pub real_confirmations_per_day: u32,
    /// Bounces and complaints of confirmations in a rolling day that trip the breaker.
    pub breaker: BreakerLimits,
    /// The trainers' notifications an hour; over it, one hourly digest lists the rest.
    pub trainer_notifications_per_hour: u32,
    /// Operators' commands that email (resend, release, book, cancel) a day, to one order and
    /// to all together: what a leaked operator credential can make the domain send.
    pub operator_mails_per_order_per_day: u32,
    pub operator_mails_per_day: u32,
}

impl Default for Quotas {
    fn default() -> Quotas {
        Quotas {
            orders_per_source_per_hour: 10,
            orders_per_mailbox_per_day: 3,
            // Real volume is a few orders a day: the ceilings bound what strangers can make
            // the company's domain send, not what customers need.
            confirmations_per_hour: 10,
            confirmations_per_day: 30,
            real_confirmations_per_hour: 5,
            real_confirmations_per_day: 15,
            breaker: BreakerLimits::default(),
            // A busy real day is a handful of orders; twenty in an hour is a flood to summarise.
            trainer_notifications_per_hour: 20,
            // A day's real use is a resend, a booking and its change or two.
            operator_mails_per_order_per_day: 5,
            operator_mails_per_day: 20,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuotaKind {
    Source,
    Mailbox,
    Confirmations,
    ConfirmationsDaily,
    /// The ceilings' share kept for real customers (`Quotas::real_confirmations_per_hour`).
    RealConfirmations,
    RealConfirmationsDaily,
    /// Not a count: the reputation breaker (`BreakerState`), checked in the order's own
    /// transaction. While it is tripped there is no room for an automatic confirmation.
    Breaker,
    /// The trainers' notifications, everyone's together: over it, an order's notification waits
    /// for the hour's digest.
    TrainerNotifications,
    /// Not a count: a source or mailbox a strike marked (`Culprit`), checked in the order's own
    /// transaction. While it is marked, the order's confirmation waits for a person.
    Marked,
    /// The trainers' digest: one an hour, taken before it is sent.
    Digest,
    /// Sign-in links sent to one trainer, and asked for from one source, an hour.
    SignInTrainer,
    SignInSource,
    /// Posts to the customer's page from one source an hour: a counter of its own, so that a
    /// municipal office behind one address can still order.
    PagePosts,
    /// Actions on one order's page that email its customer and the trainers (another date,
    /// the invoicing details), a day: whoever holds a leaked link, from however many sources.
    OrderActions,
    /// Operators' emailing commands on one order, and on all (`Quotas::operator_mails_…`).
    OperatorMails,
    OperatorMailsAll,
}

/// Sign-in links an hour to one trainer (a forwarded link's holder cannot flood their inbox),
/// and asked for from one source.
pub const SIGN_INS_PER_TRAINER_PER_HOUR: u32 = 10;
pub const SIGN_INS_PER_SOURCE_PER_HOUR: u32 = 10;
/// Posts to the customer's page an hour from one source (each cancellation is two: the check
/// and the confirmation).
pub const PAGE_POSTS_PER_SOURCE_PER_HOUR: u32 = 30;
/// Emailing actions on one order's page a day (a real customer makes one or two).
pub const ORDER_ACTIONS_PER_DAY: u32 = 10;

/// The breaker's one item: the store's key for its state.
/// In the counters' key space (`quota#…`), which the function's role may write.
pub const BREAKER_KEY: &str = "quota#breaker";

impl QuotaKind {
    /// The ceilings of customer confirmations: over one, a confirmation is held, not refused.
    /// The breaker first: while it is tripped, the retry run takes no unit of the others.
    pub const CEILINGS: [QuotaKind; 3] = [
        QuotaKind::Breaker,
        QuotaKind::Confirmations,
        QuotaKind::ConfirmationsDaily,
    ];

    /// The real customers' own share of the ceilings, taken instead of the shared ones.
    pub const REAL_CEILINGS: [QuotaKind; 3] = [
        QuotaKind::Breaker,
        QuotaKind::RealConfirmations,
        QuotaKind::RealConfirmationsDaily,
    ];

    pub fn is_ceiling(self) -> bool {
        QuotaKind::CEILINGS.contains(&self) || QuotaKind::REAL_CEILINGS.contains(&self)
    }

    /// Whether taking it counts a unit (the breaker and the marks are only checked).
    pub fn is_count(self) -> bool {
        !matches!(self, QuotaKind::Breaker | QuotaKind::Marked)
    }

    pub fn name(self) -> &'static str {
        match self {
            QuotaKind::Source => "source",
            QuotaKind::Mailbox => "mailbox",
            QuotaKind::Confirmations => "confirmations",
            QuotaKind::ConfirmationsDaily => "confirmations-day",
            QuotaKind::RealConfirmations => "real-confirmations",
            QuotaKind::RealConfirmationsDaily => "real-confirmations-day",
            QuotaKind::Breaker => "breaker",
            QuotaKind::TrainerNotifications => "trainer-notifications",
            QuotaKind::Marked => "marked",
            QuotaKind::Digest => "digest",
            QuotaKind::SignInTrainer => "sign-in-trainer",
            QuotaKind::SignInSource => "sign-in-source",
            QuotaKind::PagePosts => "page-posts",
            QuotaKind::OrderActions => "order-actions",
            QuotaKind::OperatorMails => "operator-mails",
            QuotaKind::OperatorMailsAll => "operator-mails-all",
        }
    }

    fn window_seconds(self) -> i64 {
        match self {
            // A held confirmation looks again each hour whether the breaker was reset.
            QuotaKind::Source
            | QuotaKind::Confirmations
            | QuotaKind::RealConfirmations
            | QuotaKind::Breaker
            | QuotaKind::TrainerNotifications
            | QuotaKind::Marked
            | QuotaKind::Digest
            | QuotaKind::SignInTrainer
            | QuotaKind::SignInSource
            | QuotaKind::PagePosts => 60 * 60,
            QuotaKind::Mailbox
            | QuotaKind::OrderActions
            | QuotaKind::OperatorMails
            | QuotaKind::OperatorMailsAll
            | QuotaKind::ConfirmationsDaily
            | QuotaKind::RealConfirmationsDaily => 24 * 60 * 60,
        }
    }
}

/// The item that marks a source or mailbox (by its keyed hash), in the counters' key space.
pub fn mark_key(hash: &str) -> String {
    format!("quota#mark#{hash}")
}

/// Who an order came from, as keyed hashes that hold no address: its source, its mailbox and
/// its source's network. Stored on the order, so that a strike against its confirmation marks
/// the source and mailbox (`MARK_SECONDS`) and counts the network once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Culprit {
    pub source: String,
    pub mailbox: String,
    pub network: String,
}

impl Culprit {
    /// The mark items' keys: the source's and the mailbox's.
    pub fn mark_keys(&self) -> [String; 2] {
        [mark_key(&self.source), mark_key(&self.mailbox)]
    }
}

/// One counter an order takes a unit from: at most `limit` units in the window ending at
/// `window_end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaCounter {
    pub kind: QuotaKind,
    /// `quota#<kind>#<window start>#<keyed hash>`: the store's key for this window's count.
    pub key: String,
    pub limit: u32,
    pub window_end: Timestamp,
    /// When it is taken: the breaker and the marks are checked as they stand then.
    pub at: Timestamp,
}

impl QuotaCounter {
    /// Whole seconds until the window ends (at least 1): the `Retry-After` of a refusal.
    pub fn seconds_left(&self, now: Timestamp) -> i64 {
        (self.window_end.as_second() - now.as_second()).max(1)
    }
}

/// Where a request came from, as API Gateway saw it: an IPv4 address, or an IPv6 address's /64
/// (one subscriber usually holds a whole /64, so counting single IPv6 addresses would let one
/// client rotate through billions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceAddress(String);

impl SourceAddress {
    pub fn parse(text: &str) -> Option<SourceAddress> {
        Some(SourceAddress(match text.trim().parse::<IpAddr>().ok()? {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let [a, b, c, d, ..] = v6.segments();
                    format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
                }
            },
        }))
    }

    /// The network the source is in, as the breaker counts networks: an IPv4 address's /24,
    /// an IPv6 address's /48.
    pub fn network(&self) -> String {
        if let Some((v4, _)) = self.0.rsplit_once('.') {
            return format!("{v4}.0/24");
        }
        match self.0.split(':').collect::<Vec<_>>()[..] {
            [a, b, c, ..] if self.0.ends_with("/64") => format!("{a}:{b}:{c}::/48"),
            _ => self.0.clone(),
        }
    }

    /// A request without a source address (never from API Gateway): all such share one quota.
    pub fn unknown() -> SourceAddress {
        SourceAddress("unknown".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The mailbox an address delivers to, for counting: lower case, `+tag` removed, so
/// `Anna+1@x.fi` and `anna+2@X.fi` are one mailbox; at Gmail without dots, `googlemail.com` as
/// `gmail.com`.
pub fn mailbox(email: &EmailAddress) -> String {
    let (local, domain) = email
        .as_str()
        .rsplit_once('@')
        .unwrap_or((email.as_str(), ""));
    let local = local.split('+').next().unwrap_or(local).to_lowercase();
    let domain = domain.to_lowercase();
    // Gmail ignores dots in the local part and answers for googlemail.com too.
    if domain == "gmail.com" || domain == "googlemail.com" {
        return format!("{}@gmail.com", local.replace('.', ""));
    }
    format!("{local}@{domain}")
}

/// The limits, and the HMAC their counters are keyed with (made once, at start-up).
#[derive(Clone)]
pub struct Limits {
    pub quotas: Quotas,
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limits")
            .field("quotas", &self.quotas)
            .finish_non_exhaustive()
    }
}

impl Limits {
    /// Called at start-up with the configured secret. HMAC takes a key of any length, so the
    /// `expect` cannot fire; keying here keeps every request path free of it.
    pub fn new(quotas: Quotas, secret: &str) -> Limits {
        let mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
            .expect("HMAC-SHA-256 takes a key of any length");
        Limits { quotas, mac }
    }

    /// The counter of `kind` for `identity` (an address, a mailbox) in the window around `now`.
    pub fn counter(&self, kind: QuotaKind, identity: &str, now: Timestamp) -> QuotaCounter {
        let window = kind.window_seconds();
        let start = now.as_second().div_euclid(window) * window;
        let limit = match kind {
            QuotaKind::Source => self.quotas.orders_per_source_per_hour,
            QuotaKind::Mailbox => self.quotas.orders_per_mailbox_per_day,
            QuotaKind::Confirmations => self.quotas.confirmations_per_hour,
            QuotaKind::ConfirmationsDaily => self.quotas.confirmations_per_day,
            QuotaKind::RealConfirmations => self.quotas.real_confirmations_per_hour,
            QuotaKind::RealConfirmationsDaily => self.quotas.real_confirmations_per_day,
            QuotaKind::Breaker | QuotaKind::Marked => 0,
            QuotaKind::TrainerNotifications => self.quotas.trainer_notifications_per_hour,
            QuotaKind::Digest => 1,
            QuotaKind::SignInTrainer => SIGN_INS_PER_TRAINER_PER_HOUR,
            QuotaKind::SignInSource => SIGN_INS_PER_SOURCE_PER_HOUR,
            QuotaKind::PagePosts => PAGE_POSTS_PER_SOURCE_PER_HOUR,
            QuotaKind::OrderActions => ORDER_ACTIONS_PER_DAY,
            QuotaKind::OperatorMails => self.quotas.operator_mails_per_order_per_day,
            QuotaKind::OperatorMailsAll => self.quotas.operator_mails_per_day,
        };
        QuotaCounter {
            kind,
            key: match kind {
                QuotaKind::Breaker => BREAKER_KEY.to_owned(),
                QuotaKind::Marked => mark_key(identity),
                _ => format!(
                    "quota#{}#{start}#{}",
                    kind.name(),
                    self.keyed_hash(kind, identity)
                ),
            },
            limit,
            window_end: Timestamp::from_second(start + window).unwrap_or(Timestamp::MAX),
            at: now,
        }
    }

    /// Who an order came from, as keyed hashes (`Culprit`).
    pub fn culprit(&self, source: &SourceAddress, email: &EmailAddress) -> Culprit {
        Culprit {
            source: self.keyed("mark-source", source.as_str()),
            mailbox: self.keyed("mark-mailbox", &mailbox(email)),
            network: self.keyed("network", &source.network()),
        }
    }

    /// The checks that an order's source and mailbox are not marked, as of `now`.
    pub fn unmarked(&self, culprit: &Culprit, now: Timestamp) -> [QuotaCounter; 2] {
        [&culprit.source, &culprit.mailbox].map(|hash| self.counter(QuotaKind::Marked, hash, now))
    }

    /// HMAC-SHA-256 of the identity, 128 bits in hex: not reversible without the secret.
    fn keyed_hash(&self, kind: QuotaKind, identity: &str) -> String {
        self.keyed(kind.name(), identity)
    }

    fn keyed(&self, label: &str, identity: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(label.as_bytes());
        mac.update(b"\x1f");
        mac.update(identity.as_bytes());
        let digest = mac.finalize().into_bytes();
        digest[..16].iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_count_by_their_64_and_ipv4_as_they_are() {
        let parsed = |t| SourceAddress::parse(t).map(|s| s.0);
        assert_eq!(parsed("203.0.113.7").as_deref(), Some("203.0.113.7"));
        assert_eq!(
            parsed("2001:db8:1:2:aaaa::1"),
            parsed("2001:db8:1:2:bbbb:cccc:dddd:eeee")
        );
        assert_eq!(
            parsed("2001:db8:1:2::9").as_deref(),
            Some("2001:db8:1:2::/64")
        );
        assert_ne!(parsed("2001:db8:1:2::1"), parsed("2001:db8:1:3::1"));
        let network = |t| SourceAddress::parse(t).unwrap().network();
        assert_eq!(network("203.0.113.7"), "203.0.113.0/24");
        assert_eq!(network("203.0.113.7"), network("203.0.113.200"));
        assert_eq!(network("2001:db8:1:2::9"), "2001:db8:1::/48");
        assert_eq!(network("2001:db8:1:ffff::9"), network("2001:db8:1:2::9"));
        assert_eq!(SourceAddress::unknown().network(), "unknown");
        assert_eq!(parsed("::ffff:203.0.113.7").as_deref(), Some("203.0.113.7"));
        assert_eq!(parsed("not an address"), None);
    }

    #[test]
    fn a_mailbox_ignores_case_and_plus_tags() {
        let of = |t| mailbox(&EmailAddress::parse(t).unwrap());
        assert_eq!(of("Anna+1@Tuusula.fi"), of("anna+2@tuusula.fi"));
        assert_eq!(of("anna@tuusula.fi"), "anna@tuusula.fi");
        assert_ne!(of("anna@tuusula.fi"), of("ville@tuusula.fi"));
    }

    #[test]
    fn gmail_dots_and_googlemail_make_no_new_mailbox() {
        let of = |t| mailbox(&EmailAddress::parse(t).unwrap());
        assert_eq!(of("a.n.n.a+x@googlemail.com"), of("anna@gmail.com"));
        assert_eq!(of("Anna.Virtanen@Gmail.com"), "annavirtanen@gmail.com");
        assert_ne!(
            of("anna.v@tuusula.fi"),
            of("annav@tuusula.fi"),
            "other domains keep dots"
        );
    }

    #[test]
    fn counters_are_keyed_by_window_and_hash_and_never_hold_the_address() {
        let limits = Limits::new(Quotas::default(), "secret");
        let now = Timestamp::from_second(1_790_000_123).unwrap();
        let counter = limits.counter(QuotaKind::Source, "203.0.113.7", now);
        assert!(!counter.key.contains("203.0.113"));
        assert_eq!(counter.limit, 10);
        assert_eq!(counter.window_end.as_second() % 3600, 0);
        assert!(counter.seconds_left(now) <= 3600);
        let later = Timestamp::from_second(counter.window_end.as_second()).unwrap();
        assert_ne!(
            limits.counter(QuotaKind::Source, "203.0.113.7", later).key,
            counter.key
        );
        let other_secret = Limits::new(Quotas::default(), "other");
        assert_ne!(
            other_secret
                .counter(QuotaKind::Source, "203.0.113.7", now)
                .key,
            counter.key
        );
    }
}
