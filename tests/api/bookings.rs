//! The booking loop through the handler, over in-memory fakes: the trainers' link, the page
//! (GET shows, POST acts, only from itself), the booking on the order, its emails and
//! invitation, changes, cancellations, refusals and reminders.

use serde_json::json;

use crate::fixtures::BOOK;
use crate::helpers::*;
use order_intake::domain::{BookingState, Delivery, EmailKind, LinkPurpose, LinkSigner, Reference};
use order_intake::email::{Email, InvitationMethod};
use order_intake::intake::{Deadline, ManualClock};
use order_intake::store::Orders;

/// The test's clock: it starts on Monday 1 March 2027, 10.00 in Helsinki.
fn start_clock() -> ManualClock {
    ManualClock::at("2027-03-01T08:00:00Z".parse().unwrap())
}

/// An order placed on 1 March 2027 with 30 March as its preferred date: the app, the order's
/// reference, and the booking page's path and query from the trainers' email.
async fn ordered() -> (FakeApp, ManualClock, Reference, String) {
    let time = start_clock();
    let app = FakeApp::with_clock(time.clock());
    let mut order = order_json("anna.virtanen@tuusula.example");
    order["preferred_dates"] = json!(["2027-03-30", "2027-04-06"]);
    let answer = app
        .send(&post_event("application/json", &order.to_string()))
        .await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    let reference = Reference::parse(answer.json()["reference"].as_str().unwrap()).unwrap();
    let trainers = trainers_email(&app.mailer.sent());
    let link = booking_link(&trainers.text);
    assert!(
        trainers.html.contains("Vahvista varaus"),
        "{}",
        trainers.html
    );
    app.sign_in_as(0, &link).await;
    (app, time, reference, link)
}

fn trainers_email(sent: &[Email]) -> Email {
    sent.iter()
        .find(|e| e.to.iter().any(|to| to.starts_with("pilvi.nummi")))
        .cloned()
        .expect("an email to the trainers")
}

async fn stored_booking(
    app: &FakeApp,
    reference: &Reference,
) -> Option<order_intake::domain::Booking> {
    app.store.load(reference).await.unwrap().unwrap().booking
}

#[tokio::test]
async fn every_link_in_the_trainers_email_only_shows_however_often_it_is_fetched() {
    let (app, _, reference, link) = ordered().await;
    let emails_before = app.mailer.sent().len();
    for _ in 0..2 {
        let page = app.send(&get_event(&link)).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("Tuusulan kunta"));
        assert!(
            page.body.contains("ti\u{a0}30.3.2027"),
            "the preferred date with its weekday"
        );
        assert!(page.body.contains("tel:+358401234567"));
        assert!(
            !page.body.contains("<dd></dd>"),
            "a dash for what was left out"
        );
        assert!(page.body.contains("mailto:anna.virtanen@tuusula.example"));
        // Nothing chosen that the trainer did not choose: no date, no time, the place offered.
        assert!(!page.body.contains(" checked>"), "{}", page.body);
        assert!(page.body.contains(r#"name="start" value="""#));
        assert!(
            page.body
                .contains(r#"name="place_offer" value="Kunnantalo">"#)
        );
        let csp = page.header("content-security-policy").unwrap();
        assert!(csp.contains("form-action 'self'") && !csp.contains("script-src"));
        assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    }
    assert_eq!(stored_booking(&app, &reference).await, None);
    assert_eq!(
        app.mailer.sent().len(),
        emails_before,
        "a GET sends nothing"
    );
}

#[tokio::test]
async fn a_trainer_books_from_the_page_and_the_customer_gets_an_invitation() {
    let (app, _, reference, link) = ordered().await;
    let token = token_of(&link);
    let sent_before = app.mailer.sent().len();
    let answer = app
        .send(&booking_post(&booking_form(&token, 0, &BOOK), json!({})))
        .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    assert!(answer.header("location").unwrap().contains("done=booked"));
    let booking = stored_booking(&app, &reference).await.unwrap();
    assert_eq!(
        (booking.state, booking.sequence, booking.place.as_str()),
        (BookingState::Booked, 1, "Kunnantalo, valtuustosali")
    );
    assert_eq!(booking.start_utc().to_string(), "2027-03-30T06:00:00Z");
    let sent = app.mailer.sent()[sent_before..].to_vec();
    assert_eq!(
        sent.len(),
        2,
        "the customer's booking email and the trainers' note"
    );
    let customer = sent
        .iter()
        .find(|e| e.to == ["anna.virtanen@tuusula.example"])
        .unwrap();
    assert!(
        customer.subject.starts_with("Koulutus on varattu"),
        "{}",
        customer.subject
    );
    assert!(
        customer.text.contains("ti\u{a0}30.3.2027 klo 9.00–13.00"),
        "{}",
        customer.text
    );
    assert!(
        customer.text.contains("Facebook ja Instagram"),
        "{}",
        customer.text
    );
    let invitation = customer.invitation.as_ref().unwrap();
    assert_eq!(invitation.method, InvitationMethod::Request);
    assert_eq!(invitation.file_name, "kutsu.ics");
    let ics = invitation.calendar.clone();
    assert!(
        ics.contains("DTSTART;TZID=Europe/Helsinki:20270330T090000"),
        "{ics}"
    );
    assert!(
        ics.contains("SEQUENCE:1") && ics.contains("BEGIN:VTIMEZONE"),
        "{ics}"
    );
    let note = trainers_email(&sent);
    assert!(
        note.subject.starts_with("Varaus vahvistettu"),
        "{}",
        note.subject
    );
    assert!(note.invitation.is_some());
    assert!(
        booking_link(&note.text).contains("token="),
        "a fresh link in every later email"
    );
    let shown = app
        .send(&get_event(
            answer
                .header("location")
                .map(|l| format!("/{l}"))
                .unwrap()
                .as_str(),
        ))
        .await;
    assert!(
        shown.body.contains("Varaus on tallennettu"),
        "{}",
        shown.body
    );
}

#[tokio::test]
async fn a_change_and_a_cancellation_update_the_same_event() {
    let (app, _, reference, link) = ordered().await;
    let token = token_of(&link);
    app.send(&booking_post(&booking_form(&token, 0, &BOOK), json!({})))
        .await;
    let mut changed = BOOK.to_vec();
    changed[1] = ("date", "2027-04-06");
    let answer = app
        .send(&booking_post(&booking_form(&token, 1, &changed), json!({})))
        .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    let cancel = [("action", "cancel"), ("reason", "Sairastuminen")];
    let answer = app
        .send(&booking_post(&booking_form(&token, 2, &cancel), json!({})))
        .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    let booking = stored_booking(&app, &reference).await.unwrap();
    assert_eq!(
        (booking.state, booking.sequence),
        (BookingState::Cancelled, 3)
    );
    assert_eq!(booking.fee_percent, Some(0), "ours to cancel: no fee");
    let invitations: Vec<String> = (app.mailer.sent().iter())
        .filter(|e| e.to == ["anna.virtanen@tuusula.example"])
        .filter_map(|e| e.invitation.as_ref())
        .map(|a| a.calendar.clone())
        .collect();
    assert_eq!(invitations.len(), 3);
    let uid = |ics: &str| {
        ics.lines()
            .find(|l| l.starts_with("UID:"))
            .unwrap()
            .to_owned()
    };
    assert!(
        invitations
            .iter()
            .all(|ics| uid(ics) == uid(&invitations[0]))
    );
    assert!(invitations[1].contains("SEQUENCE:2") && invitations[1].contains("METHOD:REQUEST"));
    assert!(invitations[2].contains("SEQUENCE:3") && invitations[2].contains("METHOD:CANCEL"));
    let customer = app
        .mailer
        .sent()
        .into_iter()
        .rev()
        .find(|e| e.to == ["anna.virtanen@tuusula.example"])
        .unwrap();
    assert!(
        customer.text.contains("Sairastuminen"),
        "the reason is told"
    );
}

#[tokio::test]
async fn a_stale_form_is_told_who_booked_first_and_changes_nothing() {
    let (app, _, reference, link) = ordered().await;
    let token = token_of(&link);
    let first = app
        .send(&booking_post(&booking_form(&token, 0, &BOOK), json!({})))
        .await;
    assert_eq!(first.status, 303);
    let mut other = BOOK.to_vec();
    other[5] = ("trainer", "Jaana Pohjola");
    let second = app
        .send(&booking_post(&booking_form(&token, 0, &other), json!({})))
        .await;
    assert_eq!(second.status, 409, "{}", second.body);
    assert!(second.body.contains("ehdittiin muuttaa") && second.body.contains("Pilvi Nummi"));
    assert_eq!(
        stored_booking(&app, &reference).await.unwrap().trainers,
        ["Pilvi Nummi"]
    );
}

#[tokio::test]
async fn bad_expired_foreign_and_other_purpose_tokens_get_a_plain_page_and_change_nothing() {
    let (app, time, reference, link) = ordered().await;
    let token = token_of(&link);
    let other_order = LinkSigner::new(BOOKING_SECRET).sign(
        LinkPurpose::Booking,
        &Reference::parse("ABCD-EFGH").unwrap(),
        time.clock()(),
    );
    let foreign = LinkSigner::new("another-secret-of-at-least-32-characters!").sign(
        LinkPurpose::Booking,
        &reference,
        time.clock()(),
    );
    let tampered = token.replacen(reference.as_str(), "ABCD-EFGH", 1);
    let sent_before = app.mailer.sent().len();
    for (bad, status) in [
        (tampered.as_str(), 403),
        (foreign.as_str(), 403),
        (reference.as_str(), 403),
        ("", 403),
        (other_order.as_str(), 404),
    ] {
        let path = format!("/booking?token={}", urlencode(bad));
        let page = app.send(&get_event(&path)).await;
        assert_eq!(page.status, status, "{bad}: {}", page.body);
        assert!(page.body.contains("lang=\"fi\""));
        let posted = app
            .send(&booking_post(&booking_form(bad, 0, &BOOK), json!({})))
            .await;
        assert_eq!(posted.status, status, "{bad}");
    }
    time.set("2027-07-01T08:00:00Z".parse().unwrap());
    let expired = app.send(&get_event(&link)).await;
    assert_eq!(expired.status, 403);
    assert!(expired.body.contains("vanhentunut"), "{}", expired.body);
    let posted = app
        .send(&booking_post(&booking_form(&token, 0, &BOOK), json!({})))
        .await;
    assert_eq!(posted.status, 403);
    assert_eq!(stored_booking(&app, &reference).await, None);
    assert_eq!(app.mailer.sent().len(), sent_before);
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn a_post_from_another_site_or_from_nowhere_is_refused() {
    let (app, _, reference, link) = ordered().await;
    let body = booking_form(&token_of(&link), 0, &BOOK);
    for headers in [
        json!({"origin": "https://evil.example", "sec-fetch-site": null}),
        json!({"sec-fetch-site": "cross-site"}),
        json!({"sec-fetch-site": "same-site", "origin": "https://www.api.example"}),
        json!({"origin": null, "sec-fetch-site": null}),
    ] {
        let answer = app.send(&booking_post(&body, headers.clone())).await;
        assert_eq!(answer.status, 403, "{headers}");
        assert!(answer.body.contains("toiselta sivulta"));
    }
    assert_eq!(stored_booking(&app, &reference).await, None);
}

#[tokio::test]
async fn a_form_with_mistakes_is_shown_again_with_each_named() {
    let (app, _, reference, link) = ordered().await;
    let body = booking_form(
        &token_of(&link),
        0,
        &[
            ("action", "book"),
            ("other_date", "2027-02-01"),
            ("start", "10:00"),
            ("end", "9:00"),
            ("place", ""),
        ],
    );
    let answer = app.send(&booking_post(&body, json!({}))).await;
    assert_eq!(answer.status, 422, "{}", answer.body);
    for words in [
        "Päivä on jo mennyt",
        "Kirjoita paikka",
        "Valitse ainakin yksi kouluttaja",
    ] {
        assert!(answer.body.contains(words), "{words}: {}", answer.body);
    }
    assert!(
        answer.body.contains(r#"value="2027-02-01""#),
        "what was entered is kept"
    );
    assert_eq!(stored_booking(&app, &reference).await, None);
}

#[tokio::test]
async fn reminders_go_once_each_and_never_for_a_cancelled_booking() {
    let (app, time, reference, link) = ordered().await;
    let token = token_of(&link);
    app.send(&booking_post(&booking_form(&token, 0, &BOOK), json!({})))
        .await;
    let order = app.store.load(&reference).await.unwrap().unwrap();
    // 30.3.2027 is a Tuesday, free to cancel through Tuesday 16.3: the customer's reminder on
    // the working day before that, Monday 15.3, at 9.00. The working day before the workshop
    // is Thursday 25.3 (Good Friday and Easter Monday come between): the trainers' note at
    // 8.00 and the customer's practical reminder at 9.00, in winter time (UTC+2).
    let due = |kind| {
        order
            .delivery(kind)
            .and_then(Delivery::due_at)
            .map(|at| at.to_string())
    };
    assert_eq!(
        due(EmailKind::Reminder).as_deref(),
        Some("2027-03-15T07:00:00Z")
    );
    assert_eq!(
        due(EmailKind::ReminderNote).as_deref(),
        Some("2027-03-25T06:00:00Z")
    );
    assert_eq!(
        due(EmailKind::Practical).as_deref(),
        Some("2027-03-25T07:00:00Z")
    );
    let before = app.mailer.sent().len();
    time.set("2027-03-29T06:00:00Z".parse().unwrap());
    // Two scheduled runs at once, then one more.
    let (one, two) = tokio::join!(
        app.retry().retry_due_within(50, Deadline::none()),
        app.retry().retry_due_within(50, Deadline::none())
    );
    one.unwrap();
    two.unwrap();
    app.retry()
        .retry_due_within(50, Deadline::none())
        .await
        .unwrap();
    let reminders: Vec<Email> = app.mailer.sent()[before..].to_vec();
    assert_eq!(reminders.len(), 3, "{reminders:#?}");
    assert!(reminders.iter().any(|e| {
        e.subject
            .starts_with("Muistutus koulutuksesta: ti\u{a0}30.3.2027 klo 9.00")
    }));
    assert!(reminders.iter().any(|e| {
        e.subject
            .starts_with("Koulutus lähestyy: ti\u{a0}30.3.2027 klo 9.00")
            && e.invitation.is_some()
    }));
    assert!(reminders.iter().any(|e| {
        e.subject
            .starts_with("Tulossa koulutus: ti\u{a0}30.3.2027 klo 9.00")
    }));

    // A second order, booked and then cancelled: its reminders never go.
    let (app, time, reference, link) = ordered().await;
    let token = token_of(&link);
    app.send(&booking_post(&booking_form(&token, 0, &BOOK), json!({})))
        .await;
    let cancel = [("action", "cancel"), ("reason", "Peruttu")];
    app.send(&booking_post(&booking_form(&token, 1, &cancel), json!({})))
        .await;
    let before = app.mailer.sent().len();
    time.set("2027-03-29T06:00:00Z".parse().unwrap());
    app.retry()
        .retry_due_within(50, Deadline::none())
        .await
        .unwrap();
    assert_eq!(
        app.mailer.sent().len(),
        before,
        "nothing for a cancelled booking"
    );
    let order = app.store.load(&reference).await.unwrap().unwrap();
    assert_eq!(
        order.delivery(EmailKind::Reminder),
        Some(&Delivery::Dropped)
    );
}

/// Booked inside the free days (on 20 March for 30 March, free only through 16 March): only
/// the practical reminder, on Thursday 25 March at 9.00 in winter time. Moved across the change
/// to summer time to Tuesday 20 April after the early reminder of the first date went: the new
/// date's early reminder (free through 6 April: Monday 5 April at 9.00, summer time, UTC+3) and
/// practical one (Monday 19 April at 9.00) are due again, each once.
#[tokio::test]
async fn a_booking_inside_the_free_days_gets_only_the_practical_reminder_and_a_moved_one_its_own() {
    let (app, time, reference, link) = ordered().await;
    let token = token_of(&link);
    time.set("2027-03-20T08:00:00Z".parse().unwrap());
    app.send(&booking_post(&booking_form(&token, 0, &BOOK), json!({})))
        .await;
    let due = |order: &order_intake::domain::Order, kind| {
        (order.delivery(kind).and_then(Delivery::due_at)).map(|at| at.to_string())
    };
    let order = app.store.load(&reference).await.unwrap().unwrap();
    assert_eq!(
        order.delivery(EmailKind::Reminder),
        None,
        "no early reminder inside the free days"
    );
    assert_eq!(
        due(&order, EmailKind::Practical).as_deref(),
        Some("2027-03-25T07:00:00Z")
    );

    // A second order booked early, whose early reminder goes, then moved.
    let (app, time, reference, link) = ordered().await;
    let token = token_of(&link);
    app.send(&booking_post(&booking_form(&token, 0, &BOOK), json!({})))
        .await;
    time.set("2027-03-15T07:00:00Z".parse().unwrap());
    app.retry()
        .retry_due_within(50, Deadline::none())
        .await
        .unwrap();
    let order = app.store.load(&reference).await.unwrap().unwrap();
    assert!(
        order
            .delivery(EmailKind::Reminder)
            .is_some_and(Delivery::is_sent),
        "the early reminder went"
    );
    let mut moved = BOOK.to_vec();
    moved[1] = ("date", "2027-04-20");
    let answer = app
        .send(&booking_post(&booking_form(&token, 1, &moved), json!({})))
        .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    let order = app.store.load(&reference).await.unwrap().unwrap();
    assert_eq!(
        due(&order, EmailKind::Reminder).as_deref(),
        Some("2027-04-05T06:00:00Z")
    );
    assert_eq!(
        due(&order, EmailKind::Practical).as_deref(),
        Some("2027-04-19T06:00:00Z")
    );
    let before = app.mailer.sent().len();
    time.set("2027-04-19T06:00:00Z".parse().unwrap());
    for _ in 0..2 {
        app.retry()
            .retry_due_within(50, Deadline::none())
            .await
            .unwrap();
    }
    let subjects: Vec<String> = (app.mailer.sent()[before..].iter())
        .filter(|e| e.to == ["anna.virtanen@tuusula.example"])
        .map(|e| e.subject.clone())
        .collect();
    assert_eq!(subjects.len(), 2, "{subjects:?}");
    assert!(
        subjects
            .iter()
            .any(|s| s.starts_with("Muistutus koulutuksesta: ti\u{a0}20.4.2027"))
    );
    assert!(
        subjects
            .iter()
            .any(|s| s.starts_with("Koulutus lähestyy: ti\u{a0}20.4.2027"))
    );
}

/// A reminder whose run comes only after the workshop started (the scheduled runs failed for a
/// day, say) is dropped: a reminder after the start is no reminder.
#[tokio::test]
async fn no_reminder_goes_once_the_workshop_has_started() {
    let (app, time, reference, link) = ordered().await;
    let token = token_of(&link);
    app.send(&booking_post(&booking_form(&token, 0, &BOOK), json!({})))
        .await;
    let before = app.mailer.sent().len();
    // Tuesday 30 March 2027, the workshop (9–13 Helsinki) under way.
    time.set("2027-03-30T08:00:00Z".parse().unwrap());
    app.retry()
        .retry_due_within(50, Deadline::none())
        .await
        .unwrap();
    assert_eq!(app.mailer.sent().len(), before, "no late reminder");
    let order = app.store.load(&reference).await.unwrap().unwrap();
    for kind in [
        EmailKind::Reminder,
        EmailKind::ReminderNote,
        EmailKind::Practical,
    ] {
        assert_eq!(order.delivery(kind), Some(&Delivery::Dropped), "{kind:?}");
    }
}

#[tokio::test]
async fn a_run_out_of_time_leaves_the_reminders_to_the_next_one_which_sends_each_once() {
    let (app, time, _, link) = ordered().await;
    let token = token_of(&link);
    app.send(&booking_post(&booking_form(&token, 0, &BOOK), json!({})))
        .await;
    let before = app.mailer.sent().len();
    time.set("2027-03-29T06:00:00Z".parse().unwrap());
    // Less time left than one email needs: nothing is started, nothing is lost.
    let hurried = app
        .retry()
        .retry_due_within(50, Deadline::after(std::time::Duration::from_millis(1)))
        .await
        .unwrap();
    assert!(hurried.out_of_time, "{hurried:?}");
    assert_eq!(app.mailer.sent().len(), before);
    for _ in 0..2 {
        app.retry()
            .retry_due_within(50, Deadline::none())
            .await
            .unwrap();
    }
    assert_eq!(app.mailer.sent().len(), before + 3, "each reminder once");
}

#[tokio::test]
async fn a_leaked_link_can_change_a_booking_only_so_often_and_an_operator_still_can() {
    use order_intake::intake::{BY_OPERATOR, BookingAction, BookingOutcome, MAX_CHANGES_BY_LINK};
    let (app, _, reference, link) = ordered().await;
    let token = token_of(&link);
    let days = ["2027-03-30", "2027-04-06"];
    for sequence in 0..MAX_CHANGES_BY_LINK {
        let mut fields = BOOK.to_vec();
        fields[1] = ("date", days[sequence as usize % 2]);
        let answer = app
            .send(&booking_post(
                &booking_form(&token, sequence, &fields),
                json!({}),
            ))
            .await;
        assert_eq!(answer.status, 303, "change {sequence}: {}", answer.body);
    }
    let sent = app.mailer.sent().len();
    let one_more = app
        .send(&booking_post(
            &booking_form(&token, MAX_CHANGES_BY_LINK, &BOOK),
            json!({}),
        ))
        .await;
    assert_eq!(one_more.status, 422, "{}", one_more.body);
    assert!(
        one_more
            .body
            .contains(&format!("jo {MAX_CHANGES_BY_LINK} kertaa"))
    );
    assert_eq!(app.mailer.sent().len(), sent, "nothing more sent");
    let booking = stored_booking(&app, &reference).await.unwrap();
    assert_eq!(booking.sequence, MAX_CHANGES_BY_LINK);
    // The operator's command is not counted against the link.
    let form = order_intake::domain::BookingForm {
        date: "2027-04-13".into(),
        start: "9".into(),
        end: "13".into(),
        place: "Kunnantalo".into(),
        trainers: vec!["Jaana Pohjola".into()],
        note: String::new(),
    };
    let book = &app.app.http.book;
    let outcome = book
        .act(
            &reference,
            MAX_CHANGES_BY_LINK,
            BookingAction::Book(form),
            BY_OPERATOR,
            Deadline::none(),
        )
        .await
        .unwrap();
    assert!(matches!(outcome, BookingOutcome::Done(_)), "{outcome:?}");
}

#[tokio::test]
async fn what_the_customer_left_out_shows_as_a_dash_on_the_page() {
    let app = FakeApp::with_clock(start_clock().clock());
    let mut order = order_json("ville@kerava.example");
    order["preferred_dates"] = json!(["2027-03-30"]);
    for field in ["participants", "channels", "message", "phone"] {
        order.as_object_mut().unwrap().remove(field);
    }
    let answer = app
        .send(&post_event("application/json", &order.to_string()))
        .await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    let link = booking_link(&trainers_email(&app.mailer.sent()).text);
    app.sign_in_as(1, &link).await;
    let page = app.send(&get_event(&link)).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("<dd></dd>"), "{}", page.body);
    assert!(
        page.body.contains("Osallistujamäärä</dt><dd>–</dd>"),
        "{}",
        page.body
    );
}

/// A booking email (with its invitation) that bounced tells the trainers once, as a
/// confirmation's does, and the booking page says so until a new booking email goes.
#[tokio::test]
async fn an_undelivered_booking_email_tells_the_trainers_and_the_page_shows_it() {
    use order_intake::entry::Event;
    let (app, _, reference, link) = ordered().await;
    let token = token_of(&link);
    app.send(&booking_post(&booking_form(&token, 0, &BOOK), json!({})))
        .await;
    let order = app.store.load(&reference).await.unwrap().unwrap();
    let Some(Delivery::Sent { message_id, .. }) = order.delivery(EmailKind::Booking) else {
        panic!("the booking email was sent");
    };
    let bounce = ses_report(
        "ses-email-bounced",
        (reference.as_str(), "booking"),
        message_id,
        "anna.virtanen@tuusula.example",
    );
    let before = app.mailer.sent().len();
    for _ in 0..2 {
        let Event::EmailReport(event) = Event::parse(bounce.clone()).unwrap() else {
            panic!("a report");
        };
        app.report().record_email_event(event).await.unwrap();
    }
    let alerts = app.mailer.sent()[before..].to_vec();
    assert_eq!(alerts.len(), 1, "told once: {alerts:#?}");
    assert!(
        (alerts[0].subject).starts_with("Varausvahvistus ja kalenterikutsu eivät menneet perille"),
        "{}",
        alerts[0].subject
    );
    assert!(
        alerts[0]
            .text
            .contains("kerro hänelle koulutuksen aika ja paikka")
    );
    let page = app.send(&get_event(&link)).await;
    assert!(
        page.body
            .contains("Asiakas ei ole saanut varausvahvistusta eikä kalenterikutsua"),
        "{}",
        page.body
    );
    // A change sends a new booking email: the page no longer warns of the old one.
    let mut changed = BOOK.to_vec();
    changed.retain(|(name, _)| *name != "start");
    changed.push(("start", "10:00"));
    app.send(&booking_post(&booking_form(&token, 1, &changed), json!({})))
        .await;
    let page = app.send(&get_event(&link)).await;
    assert!(!page.body.contains("eikä kalenterikutsua"), "{}", page.body);
}

/// Once the workshop has started the page changes nothing (what is invoiced follows the
/// booking); an operator still can. The page says who booked.
#[tokio::test]
async fn a_started_workshop_is_changed_only_by_an_operator() {
    let (app, time, reference, link) = ordered().await;
    let token = token_of(&link);
    app.send(&booking_post(&booking_form(&token, 0, &BOOK), json!({})))
        .await;
    let page = app.send(&get_event(&link)).await;
    assert!(page.body.contains("kirjannut Pilvi Nummi"), "{}", page.body);
    // Tuesday 30 March 2027, 10.00 Helsinki: under way.
    time.set("2027-03-30T07:00:00Z".parse().unwrap());
    let cancel = [("action", "cancel"), ("reason", "Peruttu")];
    let answer = app
        .send(&booking_post(&booking_form(&token, 1, &cancel), json!({})))
        .await;
    assert_eq!(answer.status, 422, "{}", answer.body);
    assert!(
        answer.body.contains("Koulutus on jo alkanut"),
        "{}",
        answer.body
    );
    let order = app.store.load(&reference).await.unwrap().unwrap();
    assert!(order.booking.as_ref().unwrap().is_booked());
    let operator = (app.app.desk)
        .run(
            order_intake::intake::OperatorCommand::Cancel {
                reference: reference.to_string(),
                expected: 1,
                reason: "Sairastuminen".into(),
            },
            "orders",
        )
        .await
        .unwrap();
    assert!(
        matches!(
            operator,
            order_intake::intake::OperatorAnswer::Booked { .. }
        ),
        "{operator:?}"
    );
}

/// The form posted as it first shows, without choosing: refused with each missing part named,
/// nothing written. With only a day, a start and the offered place ticked, the end is the
/// package's length.
#[tokio::test]
async fn the_untouched_form_books_nothing_and_an_empty_end_is_the_package_s_length() {
    let (app, _, reference, link) = ordered().await;
    let token = token_of(&link);
    let untouched = [
        ("action", "book"),
        ("start", ""),
        ("end", ""),
        ("place", ""),
    ];
    let answer = app
        .send(&booking_post(
            &booking_form(&token, 0, &untouched),
            json!({}),
        ))
        .await;
    assert_eq!(answer.status, 422, "{}", answer.body);
    for missing in ["Valitse päivä", "Valitse ainakin yksi kouluttaja"] {
        assert!(answer.body.contains(missing), "{missing}: {}", answer.body);
    }
    // GOV.UK's pattern: a summary linking to each field, the message by the field, the field
    // marked invalid and described by its message.
    assert!(answer.body.contains("<title>Virhe: "), "{}", answer.body);
    let linked = linked_fields(&answer.body);
    assert_eq!(
        linked,
        ["date", "start", "place", "trainer"],
        "{}",
        answer.body
    );
    for id in linked {
        let tag = element_with_id(&answer.body, id);
        assert!(tag.contains(r#"aria-invalid="true""#), "{tag}");
        assert!(
            tag.contains(&format!("{id}-error")),
            "described by its message: {tag}"
        );
        assert!(
            answer
                .body
                .contains(&format!(r#"<p class="field-error" id="{id}-error">"#))
        );
    }
    assert_eq!(stored_booking(&app, &reference).await, None);
    let chosen = [
        ("action", "book"),
        ("date", "2027-03-30"),
        ("start", "10:00"),
        ("end", ""),
        ("place", ""),
        ("place_offer", "Kunnantalo"),
        ("trainer", "Jaana Pohjola"),
    ];
    let answer = app
        .send(&booking_post(&booking_form(&token, 0, &chosen), json!({})))
        .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    let booking = stored_booking(&app, &reference).await.unwrap();
    assert_eq!(
        booking.end.time(),
        jiff::civil::time(14, 0, 0, 0),
        "Some haltuun: 4 hours"
    );
    assert_eq!(booking.place, "Kunnantalo");
}

/// Before anything goes to the customer the page shows it: the email in the customer's
/// language, the address, a warning when mail to it bounced; nothing is written or sent until
/// the check step's own form is posted, which books exactly what was shown.
#[tokio::test]
async fn the_check_step_shows_what_the_customer_gets_before_anything_is_sent() {
    let time = start_clock();
    let app = FakeApp::with_clock(time.clock());
    let mut order = order_json("anna.virtanen@tuusula.example");
    order["preferred_dates"] = json!(["2027-03-30"]);
    order["language"] = json!("sv");
    let answer = app
        .send(&post_event("application/json", &order.to_string()))
        .await;
    let reference = Reference::parse(answer.json()["reference"].as_str().unwrap()).unwrap();
    let link = booking_link(&trainers_email(&app.mailer.sent()).text);
    app.sign_in_as(0, &link).await;
    let token = token_of(&link);
    let sent_before = app.mailer.sent().len();
    let fields = [
        ("action", "book"),
        ("date", "2027-03-30"),
        ("start", "9:30"),
        ("end", ""),
        ("place_offer", "Kunnantalo"),
        ("trainer", "Pilvi Nummi"),
    ];
    let check = app
        .send(&booking_post(
            &unchecked_form(&token, 0, &fields),
            json!({}),
        ))
        .await;
    assert_eq!(check.status, 200, "{}", check.body);
    for shown in [
        "Asiakas saa tämän ruotsiksi",
        "anna.virtanen@tuusula.example",
        "13.30",
        r#"name="checked" value="1""#,
        r#"name="end" value="13:30""#,
    ] {
        assert!(check.body.contains(shown), "{shown}: {}", check.body);
    }
    assert!(
        !check.body.contains("Koulutus on varattu"),
        "the Swedish email, not the Finnish"
    );
    assert_eq!(
        stored_booking(&app, &reference).await,
        None,
        "nothing written"
    );
    assert_eq!(app.mailer.sent().len(), sent_before, "nothing sent");
    // The check step's own form, as the browser posts it.
    let hidden =
        regex_lite::Regex::new(r#"<input type="hidden" name="([^"]+)" value="([^"]*)">"#).unwrap();
    let posted: Vec<(String, String)> = (hidden.captures_iter(&check.body))
        .map(|c| (c[1].to_owned(), c[2].replace("&#58;", ":")))
        .collect();
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in &posted {
        body.append_pair(name, value);
    }
    let sent = app.send(&booking_post(&body.finish(), json!({}))).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let booking = stored_booking(&app, &reference).await.unwrap();
    assert_eq!(booking.end.time(), jiff::civil::time(13, 30, 0, 0));
    assert_eq!(booking.place, "Kunnantalo");
}

/// The ids the error summary links to, in its order.
fn linked_fields(page: &str) -> Vec<&str> {
    let summary = &page[page.find("errors-heading").expect("an error summary")..];
    let summary = &summary[..summary.find("</ul>").unwrap()];
    (summary.split(r##"<a href="#"##).skip(1))
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect()
}

/// The start tag of the element with `id`.
fn element_with_id<'a>(page: &'a str, id: &str) -> &'a str {
    let at = page
        .find(&format!(r#" id="{id}""#))
        .unwrap_or_else(|| panic!("no element {id}: {page}"));
    let start = page[..at].rfind('<').unwrap();
    let end = at + page[at..].find('>').unwrap();
    &page[start..=end]
}
