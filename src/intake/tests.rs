//! The use case over the in-memory fakes: placing, replays, retries, races.
use std::sync::atomic::{AtomicI64, Ordering};

use async_trait::async_trait;

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use super::counters::EVERYONE;
use super::*;
use crate::domain::{
    Delivery, EmailAddress, EmailKind, IdempotencyKey, Limits, NewOrder, Order, OrderForm,
    QuotaCounter, QuotaKind, Quotas, Receipt, Reference, SourceAddress,
};
use crate::email::{Mailer, RecordingMailer};
use crate::store::{
    Claim, DedupeKey, EmailQueue, Insert, MemoryStore, Orders, QuotaCounters as _, Retention,
    StoreError, Stores,
};

/// The clock the tests move by hand, and what reads it.
fn manual_clock() -> (ManualClock, Clock) {
    let time = ManualClock::at(Timestamp::from_second(1_790_000_000).unwrap());
    let clock = time.clock();
    (time, clock)
}

fn limits() -> Limits {
    Limits::new(Quotas::default(), "a-test-secret-of-at-least-32-characters")
}

fn source() -> SourceAddress {
    SourceAddress::parse("203.0.113.7").unwrap()
}

struct Fixture {
    wiring: Wiring,
    place_order: PlaceOrder,
    retry: RetryEmails,
    report: HandleReport,
    resend: Resend,
    store: Arc<MemoryStore>,
    mailer: Arc<RecordingMailer>,
    time: ManualClock,
}

fn fixture() -> Fixture {
    fixture_with(Quotas::default())
}

fn fixture_with(quotas: Quotas) -> Fixture {
    fixture_sending_through(quotas, |recording| recording)
}

/// The fakes, with the recording mailer wrapped by `mailer` (a slow one, say).
fn fixture_sending_through(
    quotas: Quotas,
    mailer: impl FnOnce(Arc<RecordingMailer>) -> Arc<dyn Mailer>,
) -> Fixture {
    fixture_built(quotas, mailer, Stores::new)
}

/// The fakes, the memory store's capabilities handed to the use cases as `stores` says (a
/// double in place of one).
fn fixture_storing_through(
    quotas: Quotas,
    stores: impl FnOnce(Arc<MemoryStore>) -> Stores,
) -> Fixture {
    fixture_built(quotas, |recording| recording, stores)
}

fn fixture_built(
    quotas: Quotas,
    mailer: impl FnOnce(Arc<RecordingMailer>) -> Arc<dyn Mailer>,
    stores: impl FnOnce(Arc<MemoryStore>) -> Stores,
) -> Fixture {
    let store = Arc::new(MemoryStore::new());
    let recording = Arc::new(RecordingMailer::new());
    let (time, clock) = manual_clock();
    let trainers = vec![EmailAddress::parse("kouluttajat@some-tyopajat.example").unwrap()];
    let limits = Limits::new(quotas, "a-test-secret-of-at-least-32-characters");
    let wiring = Wiring::new(
        stores(store.clone()),
        mailer(recording.clone()),
        trainers,
        clock,
        limits,
    );
    Fixture::new(wiring, store, recording, time)
}

impl Fixture {
    /// Each use case, built from `wiring`.
    fn new(
        wiring: Wiring,
        store: Arc<MemoryStore>,
        mailer: Arc<RecordingMailer>,
        time: ManualClock,
    ) -> Fixture {
        Fixture {
            place_order: wiring.place_order(),
            retry: wiring.retry_emails(),
            report: wiring.handle_report(),
            resend: wiring.resend(),
            wiring,
            store,
            mailer,
            time,
        }
    }

    /// Places an order for `organization` that must be new.
    async fn created(&self, organization: &str) -> Receipt {
        match self
            .place_order
            .place(order(organization), None, &source())
            .await
        {
            Ok(Placed::Created(receipt)) => receipt,
            other => panic!("a new order is created, not {other:?}"),
        }
    }

    /// The same fakes, the use cases built again from `wiring`.
    fn rewired(self, wiring: Wiring) -> Fixture {
        Fixture::new(wiring, self.store, self.mailer, self.time)
    }
}

fn order(organization: &str) -> NewOrder {
    order_to(organization, "anna.virtanen@tuusula.example")
}

fn order_to(organization: &str, email: &str) -> NewOrder {
    let form = OrderForm {
        package: Some("somestartti".into()),
        organization: Some(organization.into()),
        contact_name: Some("Anna Virtanen".into()),
        email: Some(email.into()),
        privacy_consent: Some("true".into()),
        ..OrderForm::default()
    };
    NewOrder::parse(&form, jiff::civil::date(2026, 1, 1)).unwrap()
}

fn key(text: &str) -> Option<IdempotencyKey> {
    IdempotencyKey::parse(text)
}

#[tokio::test]
async fn a_placed_order_is_stored_once_and_both_emails_are_sent() {
    let f = fixture();
    let receipt = f.created("Tuusula").await;
    assert!(receipt.emails_sent);
    assert_eq!(f.mailer.sent().len(), 2);
    let replay = f
        .place_order
        .place(order("Tuusula"), None, &source())
        .await
        .unwrap();
    assert_eq!(replay, Placed::Replayed(receipt));
    assert_eq!(f.store.orders().len(), 1);
    assert_eq!(f.mailer.sent().len(), 2, "a replay sends nothing");
}

#[tokio::test]
async fn a_key_used_again_for_other_content_is_refused() {
    let f = fixture();
    f.place_order
        .place(order("Tuusula"), key("key-00000001"), &source())
        .await
        .unwrap();
    let reused = f
        .place_order
        .place(order("Kerava"), key("key-00000001"), &source())
        .await;
    assert!(matches!(reused, Err(PlaceError::KeyReused)));
    assert_eq!(f.store.orders().len(), 1);
}

#[tokio::test]
async fn storage_down_is_an_error_and_nothing_is_sent() {
    let f = fixture();
    f.store.set_unavailable(true);
    let placed = f.place_order.place(order("Tuusula"), None, &source()).await;
    assert!(matches!(
        placed,
        Err(PlaceError::Store(StoreError::Unavailable(_)))
    ));
    assert!(f.mailer.sent().is_empty());
}

#[tokio::test]
async fn a_failed_send_is_left_pending_and_the_retry_run_sends_it_after_the_backoff() {
    let f = fixture();
    f.mailer.set_failing(true);
    let receipt = f.created("Tuusula").await;
    assert!(!receipt.emails_sent);
    let stored = &f.store.orders()[0];
    assert!(matches!(
        stored.customer_email(),
        Delivery::Pending { attempts: 1, .. }
    ));

    f.mailer.set_failing(false);
    assert_eq!(f.retry.retry_due(50).await.unwrap().sent, 0, "not yet due");
    f.time.advance(backoff_seconds(1));
    let report = f.retry.retry_due(50).await.unwrap();
    assert_eq!((report.orders, report.sent), (1, 2));
    assert!(f.store.orders()[0].receipt().emails_sent);
    assert_eq!(f.retry.retry_due(50).await.unwrap().orders, 0);
}

#[tokio::test]
async fn an_email_is_given_up_after_the_last_attempt() {
    let f = fixture();
    f.mailer.set_failing(true);
    f.created("Tuusula").await;
    for attempt in 1..MAX_ATTEMPTS {
        f.time.advance(backoff_seconds(attempt));
        f.retry.retry_due(50).await.unwrap();
    }
    let stored = &f.store.orders()[0];
    assert_eq!(
        stored.customer_email().clone(),
        Delivery::Failed {
            attempts: MAX_ATTEMPTS
        }
    );
    assert_eq!(stored.retry_at(), None, "out of the retry queue");
}

#[tokio::test]
async fn two_sweepers_at_once_send_each_email_once() {
    let f = fixture();
    f.mailer.set_failing(true);
    f.created("Tuusula").await;
    f.mailer.set_failing(false);
    f.time.advance(backoff_seconds(1));
    let (a, b) = tokio::join!(f.retry.retry_due(50), f.retry.retry_due(50));
    assert_eq!(a.unwrap().sent + b.unwrap().sent, 2);
    assert_eq!(f.mailer.sent().len(), 2);
}

#[tokio::test]
async fn a_sweeper_leaves_a_live_request_s_emails_alone_and_takes_over_a_dead_one() {
    let f = fixture();
    // A request that stored the order and died before sending: its claim is still live.
    let (_, clock) = manual_clock();
    let dead_request = Wiring::new(
        Stores::new(f.store.clone()),
        Arc::new(NeverSends),
        vec![EmailAddress::parse("kouluttajat@some-tyopajat.example").unwrap()],
        clock,
        limits(),
    )
    .with_seal(f.wiring.seal.clone())
    .place_order();
    let source = source();
    let placing = dead_request.place(order("Tuusula"), None, &source);
    // NeverSends keeps the request waiting forever: drop it after the order is stored.
    let _ = tokio::time::timeout(Duration::from_millis(50), placing).await;
    assert_eq!(f.store.orders().len(), 1);
    f.time.advance(CLAIM_SECONDS - 1);
    assert_eq!(f.retry.retry_due(50).await.unwrap().sent, 0);
    f.time.advance(2);
    assert_eq!(f.retry.retry_due(50).await.unwrap().sent, 2);
    assert_eq!(f.mailer.sent().len(), 2);
}

/// A mailer whose sends never finish: a request killed mid-send.
struct NeverSends;

#[async_trait]
impl Mailer for NeverSends {
    async fn send(&self, _email: &crate::email::Email) -> Result<String, crate::email::MailError> {
        std::future::pending().await
    }
}

/// The memory store's orders, but one cannot be read (as an item edited by hand).
struct OneUnreadable {
    store: Arc<MemoryStore>,
    unreadable: std::sync::Mutex<Option<Reference>>,
}

#[async_trait]
impl Orders for OneUnreadable {
    async fn insert(
        &self,
        o: &Order,
        d: &DedupeKey,
        q: &[QuotaCounter],
        now: Timestamp,
    ) -> Result<Insert, StoreError> {
        self.store.insert(o, d, q, now).await
    }
    async fn load(&self, reference: &Reference) -> Result<Option<Order>, StoreError> {
        if self.unreadable.lock().unwrap().as_ref() == Some(reference) {
            let key = format!("order#{reference}");
            return Err(StoreError::Unreadable {
                key,
                problem: "order fields",
            });
        }
        self.store.load(reference).await
    }
    async fn revoke_customer_links(&self, r: &Reference) -> Result<Option<u32>, StoreError> {
        self.store.revoke_customer_links(r).await
    }
}

#[tokio::test]
async fn an_unreadable_order_is_skipped_and_the_others_are_retried() {
    let mut double = None;
    let f = fixture_storing_through(Quotas::default(), |memory| {
        let store = Arc::new(OneUnreadable {
            store: memory.clone(),
            unreadable: std::sync::Mutex::new(None),
        });
        double = Some(store.clone());
        Stores::new(memory).with_orders(store)
    });
    let store = double.unwrap();
    f.mailer.set_failing(true);
    f.created("Tuusula").await;
    f.time.advance(1);
    f.created("Kerava").await;
    f.mailer.set_failing(false);
    let first = f.store.orders()[0].reference.clone();
    *store.unreadable.lock().unwrap() = Some(first);
    f.time.advance(backoff_seconds(1));
    let report = f.retry.retry_due(50).await.unwrap();
    assert_eq!((report.unreadable, report.orders, report.sent), (1, 1, 2));
    let dequeued = f.store.dequeued();
    assert_eq!(dequeued.len(), 1, "it leaves the retry index");
}

fn ip(text: &str) -> SourceAddress {
    SourceAddress::parse(text).unwrap()
}

fn is_rate_limited(placed: &Result<Placed, PlaceError>, expected: QuotaKind) -> bool {
    matches!(placed, Err(PlaceError::RateLimited { kind, retry_after_seconds })
        if *kind == expected && (1..=86_400).contains(retry_after_seconds))
}

#[tokio::test]
async fn one_source_gets_its_quota_an_hour_and_another_source_is_not_affected() {
    let f = fixture();
    let quota = Quotas::default().orders_per_source_per_hour;
    for n in 0..quota {
        let order = order_to("Tuusula", &format!("asiakas{n}@tuusula.example"));
        let placed = f.place_order.place(order, None, &ip("2001:db8::1")).await;
        assert!(matches!(placed, Ok(Placed::Created(_))), "order {n}");
    }
    // The same /64, another address in it: the same quota.
    let over = order_to("Tuusula", "yksi.liikaa@tuusula.example");
    let placed = f
        .place_order
        .place(over.clone(), None, &ip("2001:db8::ffff"))
        .await;
    assert!(is_rate_limited(&placed, QuotaKind::Source));
    assert_eq!(
        f.store.orders().len(),
        quota as usize,
        "a refused order is not stored"
    );
    assert_eq!(f.mailer.sent().len(), 2 * quota as usize, "and not mailed");
    let elsewhere = f
        .place_order
        .place(over.clone(), None, &ip("198.51.100.1"))
        .await;
    assert!(matches!(elsewhere, Ok(Placed::Created(_))));
    // The next window lets the first source in again.
    f.time.advance(3600);
    let next_hour = order_to("Tuusula", "seuraava@tuusula.example");
    let placed = f
        .place_order
        .place(next_hour, None, &ip("2001:db8::1"))
        .await;
    assert!(matches!(placed, Ok(Placed::Created(_))));
}

#[tokio::test]
async fn one_mailbox_gets_three_orders_a_day_whatever_its_tags_and_case() {
    let f = fixture();
    for (n, email) in [
        "anna@kerava.example",
        "Anna+1@kerava.example",
        "anna+2@KERAVA.example",
    ]
    .into_iter()
    .enumerate()
    {
        let placed = f
            .place_order
            .place(
                order_to(&format!("Kerava {n}"), email),
                None,
                &ip(&format!("198.51.100.{n}")),
            )
            .await;
        assert!(matches!(placed, Ok(Placed::Created(_))), "{email}");
    }
    let fourth = f
        .place_order
        .place(
            order_to("Kerava 4", "anna+3@kerava.example"),
            None,
            &ip("198.51.100.9"),
        )
        .await;
    assert!(is_rate_limited(&fourth, QuotaKind::Mailbox));
    f.time.advance(24 * 3600);
    let next_day = f
        .place_order
        .place(
            order_to("Kerava 5", "anna@kerava.example"),
            None,
            &ip("198.51.100.9"),
        )
        .await;
    assert!(matches!(next_day, Ok(Placed::Created(_))));
}

#[tokio::test]
async fn replays_and_refusals_use_up_no_quota() {
    let f = fixture_with(Quotas {
        orders_per_source_per_hour: 2,
        ..Quotas::default()
    });
    let source = ip("203.0.113.9");
    for _ in 0..5 {
        f.place_order
            .place(order("Tuusula"), key("same-key-0001"), &source)
            .await
            .unwrap();
    }
    let reused = f
        .place_order
        .place(order("Kerava"), key("same-key-0001"), &source)
        .await;
    assert!(matches!(reused, Err(PlaceError::KeyReused)));
    let second = f.place_order.place(order("Järvenpää"), None, &source).await;
    assert!(
        matches!(second, Ok(Placed::Created(_))),
        "one replayed order and one refusal used one unit"
    );
    let third = f
        .place_order
        .place(order("Nurmijärvi"), None, &source)
        .await;
    assert!(is_rate_limited(&third, QuotaKind::Source));
}

/// One confirmation an hour: a first order, and a second one over the ceiling (its receipt).
async fn second_order_over_the_ceiling() -> (Fixture, Receipt) {
    let f = fixture_with(Quotas {
        confirmations_per_hour: 1,
        ..Quotas::default()
    });
    let (one, two) = (ip("198.51.100.1"), ip("198.51.100.2"));
    let first = f.place_order.place(order("Tuusula"), None, &one).await;
    assert!(matches!(first, Ok(Placed::Created(_))));
    let second = f.place_order.place(order("Kerava"), None, &two).await;
    let Ok(Placed::Created(receipt)) = second else {
        panic!("the second order is taken");
    };
    (f, receipt)
}

#[tokio::test]
async fn over_the_day_s_ceiling_a_confirmation_is_held_until_the_next_day() {
    let f = fixture_with(Quotas {
        confirmations_per_hour: 100,
        confirmations_per_day: 2,
        ..Quotas::default()
    });
    for (n, organization) in ["Tuusula", "Kerava", "Järvenpää"].into_iter().enumerate() {
        let source = ip(&format!("198.51.100.{n}"));
        let placed = f
            .place_order
            .place(order(organization), None, &source)
            .await;
        assert!(matches!(placed, Ok(Placed::Created(_))), "{placed:?}");
    }
    let third = (f.store.orders().into_iter())
        .find(|o| o.details.organization == "Järvenpää")
        .unwrap();
    let day = 24 * 60 * 60;
    let next_day = (f.place_order.now().as_second() / day + 1) * day;
    assert_eq!(
        third.customer_email().due_at().map(|at| at.as_second()),
        Some(next_day),
        "held until the day's window ends: {:?}",
        third.customer_email()
    );
    assert!(
        third.trainer_email().is_sent(),
        "the trainers are told at once"
    );
}

/// The memory store's counters, each call to take one alone counted.
struct CountedQuotas {
    store: Arc<MemoryStore>,
    taken_alone: AtomicI64,
}

#[async_trait]
impl crate::store::QuotaCounters for CountedQuotas {
    async fn take_quota(&self, counter: &QuotaCounter) -> Result<bool, StoreError> {
        self.taken_alone.fetch_add(1, Ordering::SeqCst);
        self.store.take_quota(counter).await
    }
}

#[tokio::test]
async fn an_order_takes_its_counters_and_the_hour_s_confirmation_in_its_own_write() {
    let one_an_hour = Quotas {
        confirmations_per_hour: 1,
        ..Quotas::default()
    };
    let mut double = None;
    let f = fixture_storing_through(one_an_hour, |memory| {
        let quotas = Arc::new(CountedQuotas {
            store: memory.clone(),
            taken_alone: AtomicI64::new(0),
        });
        double = Some(quotas.clone());
        Stores::new(memory).with_quotas(quotas)
    });
    let quotas = double.unwrap();
    for (organization, address) in [("Tuusula", "198.51.100.1"), ("Kerava", "198.51.100.2")] {
        let placed = f
            .place_order
            .place(order(organization), None, &ip(address))
            .await;
        assert!(matches!(placed, Ok(Placed::Created(_))), "{placed:?}");
    }
    assert_eq!(quotas.taken_alone.load(Ordering::SeqCst), 0);
    let stored = |organization: &str| {
        let orders = f.store.orders();
        orders
            .into_iter()
            .find(|o| o.details.organization == organization)
            .unwrap()
    };
    assert!(stored("Tuusula").customer_email().is_sent());
    assert!(matches!(
        stored("Kerava").customer_email(),
        Delivery::Held { .. }
    ));
    assert_eq!(
        f.mailer.sent().len(),
        3,
        "the second order's confirmation is held"
    );
}

#[tokio::test]
async fn over_the_hourly_ceiling_the_order_is_taken_and_its_confirmation_held_then_sent() {
    let (f, receipt) = second_order_over_the_ceiling().await;
    assert!(!receipt.emails_sent);
    let held = f
        .store
        .orders()
        .into_iter()
        .find(|o| o.reference == receipt.reference)
        .unwrap();
    assert!(matches!(held.customer_email(), Delivery::Held { .. }));
    assert!(
        held.trainer_email().is_sent(),
        "the trainers are told at once"
    );
    let sent = f.mailer.sent();
    assert_eq!(
        sent.len(),
        3,
        "two for the first order, the trainers' for the second"
    );
    assert!(
        sent[2].text.contains("EI VIELÄ LÄHETETTY"),
        "{}",
        sent[2].text
    );

    // Still the same hour: the retry run keeps it held.
    f.time.advance(60);
    let report = f.retry.retry_due(50).await.unwrap();
    assert_eq!(
        (report.sent, report.still_held),
        (0, 0),
        "not due before the next window"
    );
    let next_window = match held.customer_email() {
        Delivery::Held {
            next_attempt_at, ..
        } => next_attempt_at,
        _ => unreachable!(),
    };
    f.time
        .advance(next_window.as_second() - f.place_order.now().as_second());
    let report = f.retry.retry_due(50).await.unwrap();
    assert_eq!(report.sent, 1);
    assert_eq!(f.mailer.sent().len(), 4);
    assert!(f.store.orders().iter().all(|o| o.receipt().emails_sent));
}

#[tokio::test]
async fn a_confirmation_held_for_a_day_is_dropped_unsent() {
    let (f, held) = second_order_over_the_ceiling().await;
    // Every later hour's one confirmation is taken by someone else.
    let mut dropped = 0;
    for _ in 0..25 {
        f.time.advance(3600);
        let counter =
            f.wiring
                .limits
                .counter(QuotaKind::Confirmations, EVERYONE, f.place_order.now());
        assert!(f.store.take_quota(&counter).await.unwrap());
        dropped += f.retry.retry_due(50).await.unwrap().dropped;
    }
    assert_eq!(dropped, 1);
    let orders = f.store.orders();
    let held = orders
        .iter()
        .find(|o| o.reference == held.reference)
        .unwrap();
    assert_eq!(held.customer_email().clone(), Delivery::Dropped);
    assert_eq!(held.retry_at(), None);
    assert_eq!(f.mailer.sent().len(), 3, "the held confirmation never went");
}

/// The recording mailer, but each send takes `delay`.
struct SlowMailer {
    inner: Arc<RecordingMailer>,
    delay: Duration,
}

#[async_trait]
impl Mailer for SlowMailer {
    async fn send(&self, email: &crate::email::Email) -> Result<String, crate::email::MailError> {
        tokio::time::sleep(self.delay).await;
        self.inner.send(email).await
    }
}

fn slow_fixture(delay: Duration, needs: Duration) -> Fixture {
    let f = fixture_sending_through(Quotas::default(), |inner| {
        Arc::new(SlowMailer { inner, delay })
    });
    let wiring = f.wiring.clone().with_email_needs(needs);
    f.rewired(wiring)
}

#[tokio::test]
async fn a_request_short_of_time_leaves_its_emails_pending_and_the_retry_run_sends_them_once() {
    let f = slow_fixture(Duration::from_millis(10), Duration::from_millis(200));
    let deadline = Deadline::after(DEADLINE_MARGIN + Duration::from_millis(50));
    let placed = f
        .place_order
        .place_within(order("Tuusula"), None, &source(), deadline)
        .await
        .unwrap();
    let Placed::Created(receipt) = placed else {
        panic!("the order is stored");
    };
    assert!(!receipt.emails_sent);
    assert!(
        f.mailer.sent().is_empty(),
        "nothing started that could not finish"
    );
    let stored = &f.store.orders()[0];
    assert!(matches!(
        stored.customer_email(),
        Delivery::Pending { attempts: 0, .. }
    ));
    assert_eq!(f.retry.retry_due(50).await.unwrap().sent, 2);
    assert_eq!(f.retry.retry_due(50).await.unwrap().sent, 0);
    assert_eq!(f.mailer.sent().len(), 2);
}

#[tokio::test]
async fn a_retry_run_short_of_time_stops_claiming_and_the_next_run_goes_on_without_duplicates() {
    let f = slow_fixture(Duration::from_millis(40), Duration::from_millis(50));
    f.mailer.set_failing(true);
    for (n, town) in ["Tuusula", "Kerava", "Järvenpää", "Nurmijärvi"]
        .iter()
        .enumerate()
    {
        let email = format!("asiakas{n}@tuusula.example");
        f.place_order
            .place(order_to(town, &email), None, &source())
            .await
            .unwrap();
    }
    f.mailer.set_failing(false);
    f.time.advance(backoff_seconds(1));
    let deadline = Deadline::after(DEADLINE_MARGIN + Duration::from_millis(150));
    let first = f.retry.retry_due_within(50, deadline).await.unwrap();
    assert!(first.out_of_time, "{first:?}");
    assert!(first.sent < 8, "{first:?}");
    let second = f.retry.retry_due(50).await.unwrap();
    assert!(!second.out_of_time);
    assert_eq!(first.sent + second.sent, 8);
    assert_eq!(f.mailer.sent().len(), 8, "every email once");
    assert!(f.store.orders().iter().all(|o| o.receipt().emails_sent));
}

fn confirmation_id(f: &Fixture) -> String {
    match &f.store.orders()[0].customer_email() {
        Delivery::Sent { message_id, .. } => message_id.clone(),
        other => panic!("the confirmation was sent, not {other:?}"),
    }
}

fn report(
    f: &Fixture,
    message_id: &str,
    outcome: crate::domain::Outcome,
) -> crate::email::EmailEvent {
    crate::email::EmailEvent {
        message_id: message_id.to_owned(),
        about: Some((
            f.store.orders()[0].reference.clone(),
            crate::domain::EmailKind::Customer,
        )),
        outcome,
        recipients: vec!["anna.virtanen@tuusula.example".to_owned()],
        at: f.place_order.now(),
        suppressed: false,
    }
}

#[tokio::test]
async fn a_transient_bounce_with_no_delivery_in_15_minutes_is_told_to_the_trainers_once() {
    use crate::domain::Outcome;
    let f = fixture();
    f.created("Tuusula").await;
    let id = confirmation_id(&f);
    let first = f
        .report
        .record_email_event(report(&f, &id, Outcome::TransientBounce))
        .await;
    assert!(
        !first.unwrap().trainers_told,
        "not yet: a delivery may still come"
    );
    f.time.advance(14 * 60);
    f.retry.retry_due(50).await.unwrap();
    assert_eq!(f.mailer.sent().len(), 2);
    f.time.advance(2 * 60);
    f.retry.retry_due(50).await.unwrap();
    let sent = f.mailer.sent();
    assert_eq!(sent.len(), 3, "one alert");
    assert!(sent[2].subject.starts_with("Vahvistus ei mennyt perille"));
    f.time.advance(60 * 60);
    f.retry.retry_due(50).await.unwrap();
    assert_eq!(f.mailer.sent().len(), 3, "told once");
    assert_eq!(
        f.store.orders()[0].retry_at(),
        None,
        "out of the retry queue"
    );
}

#[tokio::test]
async fn a_transient_bounce_followed_by_a_delivery_tells_nobody() {
    use crate::domain::Outcome;
    let f = fixture();
    f.created("Tuusula").await;
    let id = confirmation_id(&f);
    f.report
        .record_email_event(report(&f, &id, Outcome::TransientBounce))
        .await
        .unwrap();
    f.report
        .record_email_event(report(&f, &id, Outcome::Delivered))
        .await
        .unwrap();
    f.time.advance(16 * 60);
    f.retry.retry_due(50).await.unwrap();
    assert_eq!(f.mailer.sent().len(), 2);
    assert_eq!(f.store.orders()[0].retry_at(), None);
}

#[tokio::test]
async fn personal_data_is_erased_by_the_scheduled_run_once_the_retention_time_has_passed() {
    const DAY: i64 = 86_400;
    let f = fixture();
    let placed = |organization: &'static str| {
        let place_order = &f.place_order;
        async move {
            match place_order
                .place(order(organization), None, &source())
                .await
            {
                Ok(Placed::Created(receipt)) => receipt.reference,
                other => panic!("{other:?}"),
            }
        }
    };
    let old = placed("Tuusula").await;
    f.time.advance(366 * DAY);
    let newer = placed("Kerava").await;
    f.time.advance(364 * DAY);
    assert_eq!(
        f.retry.retry_due(50).await.unwrap().erased,
        0,
        "24 months not yet passed"
    );
    f.time.advance(2 * DAY);
    assert_eq!(f.retry.retry_due(50).await.unwrap().erased, 1);
    assert!(matches!(
        f.store.load(&old).await,
        Err(StoreError::Unreadable { .. })
    ));
    assert!(f.store.load(&newer).await.unwrap().is_some());
    assert_eq!(
        f.retry.retry_due(50).await.unwrap().erased,
        0,
        "each order once"
    );
    let shorter = fixture().wiring.with_retention_months(12).erase_expired();
    let now = f.place_order.now();
    assert!(shorter.retention_cutoff(now) > f.wiring.erase_expired().retention_cutoff(now));
}

#[tokio::test]
async fn after_a_resend_a_late_bounce_of_the_old_message_tells_nobody() {
    use crate::domain::Outcome;
    let f = fixture();
    let receipt = f.created("Tuusula").await;
    let old = confirmation_id(&f);
    let bounced = f
        .report
        .record_email_event(report(&f, &old, Outcome::Bounced));
    assert!(bounced.await.unwrap().trainers_told);
    let resent = f.resend.resend(&receipt.reference, EmailKind::Customer);
    assert!(resent.await.unwrap().is_sent());
    let new = confirmation_id(&f);
    assert_ne!(new, old);
    let sent = f.mailer.sent().len();
    let late = f
        .report
        .record_email_event(report(&f, &old, Outcome::Bounced));
    assert!(!late.await.unwrap().trainers_told);
    assert_eq!(
        f.mailer.sent().len(),
        sent,
        "nobody told of the old message"
    );
    let again = f
        .report
        .record_email_event(report(&f, &new, Outcome::Bounced));
    assert!(
        again.await.unwrap().trainers_told,
        "the new one bounced too"
    );
}

#[tokio::test]
async fn an_operator_resends_an_email_unless_it_is_being_sent_or_erased() {
    let f = fixture();
    let receipt = f.created("Tuusula").await;
    let reference = receipt.reference;
    let first = f
        .store
        .load(&reference)
        .await
        .unwrap()
        .unwrap()
        .customer_email()
        .clone();
    let resent = f
        .resend
        .resend(&reference, EmailKind::Customer)
        .await
        .unwrap();
    assert!(
        resent.is_sent() && resent != first,
        "a new message: {resent:?}"
    );
    assert_eq!(f.mailer.sent().len(), 3);
    assert_eq!(
        f.store
            .load(&reference)
            .await
            .unwrap()
            .unwrap()
            .customer_email()
            .clone(),
        resent
    );

    // A sender holding the email now (the retry run) keeps it.
    let now = f.place_order.now();
    assert!(
        f.store
            .reclaim(
                &reference,
                EmailKind::Trainer,
                Claim {
                    now,
                    until: after(now, 60)
                }
            )
            .await
            .unwrap()
    );
    let busy = f.resend.resend(&reference, EmailKind::Trainer).await;
    assert!(matches!(busy, Err(ResendError::BeingSent(..))), "{busy:?}");

    f.store.erase(&reference, now).await.unwrap();
    let erased = f.resend.resend(&reference, EmailKind::Customer).await;
    assert!(matches!(erased, Err(ResendError::Erased(_))), "{erased:?}");
    let unknown = f
        .resend
        .resend(&Reference::random(), EmailKind::Customer)
        .await;
    assert!(
        matches!(unknown, Err(ResendError::NotFound(_))),
        "{unknown:?}"
    );
    assert_eq!(f.mailer.sent().len(), 3, "nothing more was sent");
}

#[test]
fn a_configured_first_backoff_doubles_up_to_an_hour() {
    assert_eq!(
        [1, 2, 3, 7, 8].map(|attempts| super::backoff_from(20, attempts)),
        [20, 40, 80, 1280, 1280]
    );
    assert_eq!(super::backoff_from(60, 8), 3600);
    assert_eq!(super::backoff_seconds(3), super::backoff_from(60, 3));
    assert_eq!(
        super::backoff_from(7200, 2),
        7200,
        "never shorter than the first wait"
    );
}
