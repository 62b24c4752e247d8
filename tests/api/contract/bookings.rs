//! `Bookings`: written only over the sequence the writer saw, so that two trainers booking at
//! once make one booking; with its emails' states and the retry queue; never on an erased or
//! missing order.

use order_intake::domain::Outcome;
use order_intake::domain::{Booking, BookingState, Delivery, EmailKind, Order, Reference};
use order_intake::store::{Booked, DedupeKey, Insert, RecipientReport, SentMessage, Store};

use super::*;
use crate::fixtures::*;

fn placed(reference: Reference) -> Order {
    let details = new_order();
    let sent = |id: &str| Delivery::Sent {
        message_id: id.into(),
        sent_at: at(1),
    };
    let mut order = Order {
        reference,
        ..Order::placed(details, at(0), sent("m-1"))
    };
    order.set_delivery(EmailKind::Trainer, sent("m-2"));
    order
}

fn booking(sequence: u32, trainer: &str, note: Option<&str>) -> Booking {
    let day = jiff::civil::date(2027, 3, 30);
    Booking {
        state: BookingState::Booked,
        start: day.at(9, 0, 0, 0),
        end: day.at(11, 0, 0, 0),
        place: "Kunnantalo, 2.krs".into(),
        trainers: vec![trainer.into()],
        note: note.map(str::to_owned),
        reason: None,
        sequence,
        changed_at: at(10),
        changed_by: "AbCdEf12".into(),
        fee_percent: None,
        fee_vat: None,
    }
}

/// The order as a booking leaves it: its booking, both booking emails claimed, the reminder due.
fn booked(mut order: Order, booking: Booking) -> Order {
    let claimed = Delivery::Sending {
        attempts: 0,
        until: at(130),
    };
    order.set_delivery(EmailKind::Booking, claimed.clone());
    order.set_delivery(EmailKind::BookingNote, claimed);
    order.set_delivery(
        EmailKind::Reminder,
        Delivery::Pending {
            attempts: 0,
            next_attempt_at: at(5000),
        },
    );
    order.booking = Some(booking);
    order
}

pub(super) async fn stored(store: &dyn Store) -> Order {
    let order = placed(Reference::random());
    let dedupe = DedupeKey {
        id: format!("key#{}", uuid::Uuid::now_v7()),
        fingerprint: "f".into(),
        expires_at: at(86_400),
    };
    assert_eq!(
        store.insert(&order, &dedupe, &[], at(0)).await.unwrap(),
        Insert::Created
    );
    order
}

async fn books_once(store: &dyn Store) {
    let order = stored(store).await;
    let pilvi = booked(order.clone(), booking(1, "Pilvi Nummi", Some("Tervetuloa")));
    let jaana = booked(order.clone(), booking(1, "Jaana Pohjola", None));
    let (one, other) = tokio::join!(store.book(&pilvi, 0, None), store.book(&jaana, 0, None));
    let outcomes = [one.unwrap(), other.unwrap()];
    let stored_one = outcomes.iter().filter(|o| **o == Booked::Stored).count();
    assert_eq!(stored_one, 1, "one booking of two at once: {outcomes:?}");
    let loaded = store.load(&order.reference).await.unwrap().unwrap();
    let winner = loaded.booking.clone().unwrap();
    assert!(
        outcomes.contains(&Booked::Conflict(Some(winner.clone()))),
        "the other is told who booked: {outcomes:?}"
    );
    let expected = if winner.trainers == ["Pilvi Nummi"] {
        &pilvi
    } else {
        &jaana
    };
    assert_eq!(&loaded, expected, "the booking and its emails as written");
    assert_eq!(
        loaded.retry_at(),
        Some(at(130)),
        "in the retry queue by its emails"
    );
    assert!(
        store
            .due_for_retry(at(200), 10)
            .await
            .unwrap()
            .contains(&order.reference),
        "the retry run finds it"
    );

    // A change over the sequence seen; the note taken away is gone.
    let change = booked(loaded.clone(), booking(2, "Pilvi Nummi", None));
    assert_eq!(store.book(&change, 1, None).await.unwrap(), Booked::Stored);
    let loaded = store.load(&order.reference).await.unwrap().unwrap();
    assert_eq!(loaded.booking, change.booking);
    // A stale one changes nothing.
    let stale = booked(loaded.clone(), booking(2, "Jaana Pohjola", None));
    assert_eq!(
        store.book(&stale, 1, None).await.unwrap(),
        Booked::Conflict(change.booking.clone())
    );
}

async fn never_books_a_missing_or_erased_order(store: &dyn Store) {
    let missing = booked(placed(Reference::random()), booking(1, "Pilvi Nummi", None));
    assert_eq!(
        store.book(&missing, 0, None).await.unwrap(),
        Booked::NoOrder
    );
    let order = stored(store).await;
    let with_note = booked(
        order.clone(),
        booking(1, "Pilvi Nummi", Some("Terveisin Anna")),
    );
    assert_eq!(
        store.book(&with_note, 0, None).await.unwrap(),
        Booked::Stored
    );
    let erasure = store
        .erase(&order.reference, at(20))
        .await
        .unwrap()
        .unwrap();
    assert!(erasure.removed.contains(&"booking_note"), "{erasure:?}");
    assert!(
        erasure.dropped.contains(&"reminder"),
        "its reminder never goes: {erasure:?}"
    );
    let erased = booked(order, booking(2, "Pilvi Nummi", None));
    assert_eq!(store.book(&erased, 1, None).await.unwrap(), Booked::NoOrder);
}

/// What SES said of a booking email, and that the trainers were told, last until the next
/// booking email: a change's email is news again.
async fn a_booking_email_s_outcome_lasts_until_the_next_booking(store: &dyn Store) {
    let order = stored(store).await;
    let first = booked(order.clone(), booking(1, "Pilvi Nummi", None));
    assert_eq!(store.book(&first, 0, None).await.unwrap(), Booked::Stored);
    let (kind, to) = (EmailKind::Booking, "anna.virtanen@tuusula.example");
    let sent = SentMessage {
        kind,
        message_id: "b-1".into(),
        recipients: vec![to.into()],
        sent_at: at(20),
    };
    let delivery = Delivery::Sent {
        message_id: "b-1".into(),
        sent_at: at(20),
    };
    (store.record_delivery(&order.reference, kind, &delivery, Some(&sent)))
        .await
        .unwrap();
    let report = RecipientReport {
        kind,
        ..super::reported(&order.reference, "b-1", to, Outcome::Bounced, 30)
    };
    store.record_outcome(report).await.unwrap();
    let loaded = store.load(&order.reference).await.unwrap().unwrap();
    assert_eq!(loaded.reports.booking_outcome, Some(Outcome::Bounced));
    assert_eq!(
        loaded.reports.customer_outcome, None,
        "the confirmation's is its own"
    );
    assert!(
        store
            .mark_told(&order.reference, kind, at(31))
            .await
            .unwrap()
    );
    let change = booked(loaded, booking(2, "Pilvi Nummi", None));
    assert_eq!(store.book(&change, 1, None).await.unwrap(), Booked::Stored);
    let loaded = store.load(&order.reference).await.unwrap().unwrap();
    assert_eq!(loaded.reports.booking_outcome, None);
    assert!(
        store
            .mark_told(&order.reference, kind, at(40))
            .await
            .unwrap()
    );
}

/// The customer's request for another date: written beside the booking (which it leaves as
/// it is) over the sequence seen, with its emails; answered by the next booking that saw it;
/// a booking that did not see it is a conflict, so no request is lost unseen; erased with the
/// personal data.
async fn a_change_request_waits_for_the_booking_that_saw_it(store: &dyn Store) {
    use order_intake::domain::ChangeRequest;
    let order = stored(store).await;
    let first = booked(order.clone(), booking(1, "Pilvi Nummi", None));
    assert_eq!(store.book(&first, 0, None).await.unwrap(), Booked::Stored);
    let mut asking = store.load(&order.reference).await.unwrap().unwrap();
    let request = ChangeRequest {
        dates: vec![
            jiff::civil::date(2027, 4, 13),
            jiff::civil::date(2027, 4, 20),
        ],
        message: Some("Valtuusto kokoontuu\nsilloin.".into()),
        at: at(40),
    };
    asking.change_request = Some(request.clone());
    let claimed = Delivery::Sending {
        attempts: 0,
        until: at(160),
    };
    asking.set_delivery(EmailKind::Request, claimed.clone());
    asking.set_delivery(EmailKind::RequestNote, claimed.clone());
    assert_eq!(
        store.request_change(&asking, 0).await.unwrap(),
        Booked::Conflict(first.booking.clone()),
        "over a booking it did not see"
    );
    assert_eq!(
        store.request_change(&asking, 1).await.unwrap(),
        Booked::Stored
    );
    let loaded = store.load(&order.reference).await.unwrap().unwrap();
    assert_eq!(loaded.change_request, Some(request));
    assert_eq!(loaded.booking, first.booking, "the booking stays as it was");
    assert_eq!(loaded.delivery(EmailKind::RequestNote), Some(&claimed));
    assert!(
        store
            .due_for_retry(at(200), 10)
            .await
            .unwrap()
            .contains(&order.reference),
        "its emails are retried if the claim runs out"
    );

    // A trainer's change read before the request: a conflict, the request stays.
    let unseen = booked(first.clone(), booking(2, "Jaana Pohjola", None));
    assert!(matches!(
        store.book(&unseen, 1, None).await.unwrap(),
        Booked::Conflict(_)
    ));
    let loaded = store.load(&order.reference).await.unwrap().unwrap();
    assert!(loaded.change_request.is_some());
    // One that saw it answers it.
    let answered = booked(loaded.clone(), booking(2, "Jaana Pohjola", None));
    assert_eq!(
        store.book(&answered, 1, None).await.unwrap(),
        Booked::Stored
    );
    let loaded = store.load(&order.reference).await.unwrap().unwrap();
    assert_eq!(loaded.change_request, None);

    // Erasure takes a pending request's message with it.
    let mut again = loaded.clone();
    again.change_request = Some(ChangeRequest {
        dates: Vec::new(),
        message: Some("Soittakaa".into()),
        at: at(50),
    });
    assert_eq!(
        store.request_change(&again, 2).await.unwrap(),
        Booked::Stored
    );
    let erasure = store
        .erase(&order.reference, at(60))
        .await
        .unwrap()
        .unwrap();
    assert!(
        erasure.removed.contains(&"change_request_message"),
        "{erasure:?}"
    );
}

store_contract!(
    books_once,
    never_books_a_missing_or_erased_order,
    a_booking_email_s_outcome_lasts_until_the_next_booking,
    a_change_request_waits_for_the_booking_that_saw_it
);
