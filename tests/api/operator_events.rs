//! The operator's commands as the function receives them (`orders` invokes it directly): the
//! function sends, from its own templates. The same JSON posted through API Gateway is an
//! order body like any other, never a command.

use serde_json::{Value, json};

use order_intake::entry::Event;
use order_intake::intake::OperatorAnswer;

use crate::helpers::*;

async fn command(app: &FakeApp, operator: Value) -> OperatorAnswer {
    match Event::parse(json!({ "operator": operator, "by": "pilvi" })).expect("the event parses") {
        Event::Operator(Ok(command), by) => app.app.desk.run(command, &by).await.unwrap(),
        Event::Operator(Err(message), _) => OperatorAnswer::Refused { message },
        _ => panic!("an operator event"),
    }
}

async fn placed(app: &FakeApp) -> String {
    let order = order_json("anna.virtanen@tuusula.example").to_string();
    let answer = app.send(&post_event("application/json", &order)).await;
    assert_eq!(answer.status, 201);
    answer.json()["reference"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_operator_event_resends_releases_and_books_through_the_functions_own_use_cases() {
    let app = FakeApp::new();
    let reference = placed(&app).await;
    let resent = command(
        &app,
        json!({"command": "resend", "reference": reference, "email": "customer"}),
    )
    .await;
    assert_eq!(
        resent,
        OperatorAnswer::Sent {
            status: "sent".into()
        }
    );
    assert_eq!(
        app.mailer.sent().len(),
        3,
        "the order's two emails and the resend"
    );

    let released = command(&app, json!({"command": "release", "reference": reference})).await;
    assert_eq!(
        released,
        OperatorAnswer::NotWaiting {
            status: "sent".into()
        }
    );
    assert_eq!(app.mailer.sent().len(), 3, "nothing waited, nothing sent");

    let form = json!({"date": "2027-03-30", "start": "9.00", "end": "11.00", "place": "Kunnantalo",
                      "trainers": ["Pilvi Nummi"], "note": ""});
    let booked = command(
        &app,
        json!({"command": "book", "reference": reference, "expected": 0, "form": form}),
    )
    .await;
    assert_eq!(
        booked,
        OperatorAnswer::Booked {
            booking_email: "sent".into(),
            booking_note: "sent".into()
        }
    );
    let again = command(
        &app,
        json!({"command": "book", "reference": reference, "expected": 0, "form": form}),
    )
    .await;
    assert_eq!(
        again,
        OperatorAnswer::Conflict,
        "written over the booking it saw, or not at all"
    );
    let cancelled = command(
        &app,
        json!({"command": "cancel", "reference": reference, "expected": 1, "reason": ""}),
    )
    .await;
    assert!(
        matches!(cancelled, OperatorAnswer::Invalid { .. }),
        "{cancelled:?}"
    );
}

#[tokio::test]
async fn a_command_the_function_does_not_know_is_refused_and_sends_nothing() {
    let app = FakeApp::new();
    let reference = placed(&app).await;
    for operator in [
        json!({"command": "send", "to": "victim@example.com", "text": "hello"}),
        json!({"command": "resend", "reference": reference, "email": "customer", "to": "x@y.fi"}),
        json!({"command": "resend", "reference": "not-a-reference", "email": "customer"}),
        json!({"command": "resend", "reference": reference, "email": "everyone"}),
        json!({"command": "release", "reference": "AAAA-BBBB"}),
    ] {
        let answer = command(&app, operator.clone()).await;
        assert!(
            matches!(answer, OperatorAnswer::Refused { .. }),
            "{operator}: {answer:?}"
        );
    }
    assert_eq!(app.mailer.sent().len(), 2, "only the order's own emails");
}

#[tokio::test]
async fn the_same_command_posted_through_api_gateway_is_an_order_body_not_a_command() {
    let app = FakeApp::new();
    let reference = placed(&app).await;
    let body =
        json!({"operator": {"command": "resend", "reference": reference, "email": "customer"}});
    let answer = app
        .send(&post_event("application/json", &body.to_string()))
        .await;
    assert_eq!(answer.status, 422, "{}", answer.body);
    assert_eq!(app.mailer.sent().len(), 2);
}

/// The sample operator events in `events/` are commands the function knows, and each runs.
#[tokio::test]
async fn every_sample_operator_event_is_a_command_the_function_runs() {
    let app = FakeApp::new();
    let dir = format!("{}/events", env!("CARGO_MANIFEST_DIR"));
    let mut samples: Vec<_> = (std::fs::read_dir(&dir).unwrap())
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.starts_with("operator-") && name.ends_with(".json")
        })
        .collect();
    samples.sort();
    assert!(samples.len() >= 3, "{samples:?}");
    for path in samples {
        let event: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let Event::Operator(Ok(command), by) = Event::parse(event).expect("the event parses")
        else {
            panic!("{}: not a command the function knows", path.display());
        };
        let answer = app.app.desk.run(command, &by).await;
        assert!(answer.is_ok(), "{}: {answer:?}", path.display());
    }
}

/// The function is the only writer of the address it mails to: `orders fix-email` and `erase`
/// are its commands (the operator policy does not reach those fields).
#[tokio::test]
async fn the_function_fixes_an_address_and_erases_an_order_for_the_operator() {
    let app = FakeApp::new();
    let reference = placed(&app).await;
    let wrong = command(
        &app,
        json!({"command": "fix_email", "reference": reference, "address": "not an address"}),
    )
    .await;
    assert!(matches!(wrong, OperatorAnswer::Refused { .. }), "{wrong:?}");
    let fixed = command(
        &app,
        json!({"command": "fix_email", "reference": reference, "address": "anna@tuusula.example"}),
    )
    .await;
    assert_eq!(fixed, OperatorAnswer::EmailFixed);
    let resent = command(
        &app,
        json!({"command": "resend", "reference": reference, "email": "customer"}),
    )
    .await;
    assert!(matches!(resent, OperatorAnswer::Sent { .. }), "{resent:?}");
    let last = app.mailer.sent().pop().unwrap();
    assert_eq!(last.to, vec!["anna@tuusula.example".to_owned()]);

    let erased = command(&app, json!({"command": "erase", "reference": reference})).await;
    let OperatorAnswer::Erased { erasure } = erased else {
        panic!("{erased:?}");
    };
    assert_eq!(erasure.reference, reference);
    assert!(erasure.removed.contains(&"email".to_owned()), "{erasure:?}");
    assert!(!erasure.already_erased);
    // Erased: its address cannot be set again, and nothing is sent to it.
    let after = command(
        &app,
        json!({"command": "fix_email", "reference": reference, "address": "anna@tuusula.example"}),
    )
    .await;
    assert!(matches!(after, OperatorAnswer::Refused { .. }), "{after:?}");
    let unknown = command(&app, json!({"command": "erase", "reference": "K7M2-QX9P"})).await;
    assert!(
        matches!(unknown, OperatorAnswer::Refused { .. }),
        "{unknown:?}"
    );
}

/// An order someone but the function changed is not booked over (the booking would seal what
/// they wrote), nor readdressed, nor mailed; each command that acts on an order is in its
/// operator log, with who and when.
#[tokio::test]
async fn an_order_changed_outside_the_function_is_neither_booked_nor_readdressed() {
    let app = FakeApp::new();
    let reference = app.place_broken_order("toinen@tuusula.example").await;
    let sent = app.mailer.sent().len();
    let form = json!({"date": "2027-03-30", "start": "9.00", "end": "11.00", "place": "Kunnantalo",
                      "trainers": ["Pilvi Nummi"], "note": "Maksa heti"});
    for event in [
        json!({"command": "book", "reference": reference.to_string(), "expected": 0, "form": form}),
        json!({"command": "fix_email", "reference": reference.to_string(), "address": "a@b.example"}),
        json!({"command": "resend", "reference": reference.to_string(), "email": "customer"}),
    ] {
        let answer = command(&app, event).await;
        let OperatorAnswer::Refused { message } = &answer else {
            panic!("refused: {answer:?}");
        };
        assert!(message.contains("seal does not verify"), "{message}");
    }
    assert_eq!(app.mailer.sent().len(), sent, "nothing mailed");

    let fine = placed(&app).await;
    let fixed =
        json!({"command": "fix_email", "reference": fine, "address": "uusi@tuusula.example"});
    assert_eq!(command(&app, fixed).await, OperatorAnswer::EmailFixed);
    let resend = json!({"command": "resend", "reference": fine, "email": "customer"});
    assert!(matches!(
        command(&app, resend).await,
        OperatorAnswer::Sent { .. }
    ));
    let last = app.mailer.sent().pop().unwrap();
    assert_eq!(last.to, vec!["uusi@tuusula.example".to_owned()]);
    let fine = order_intake::domain::Reference::parse(&fine).unwrap();
    let order = order_intake::store::Orders::load(&*app.store, &fine)
        .await
        .unwrap()
        .unwrap();
    let log: Vec<(&str, &str)> = (order.operator_actions.iter())
        .map(|a| (a.by.as_str(), a.what.as_str()))
        .collect();
    assert_eq!(log, [("pilvi", "fix-email"), ("pilvi", "resend customer")]);
}
