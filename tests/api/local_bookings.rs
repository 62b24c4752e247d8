//! A booking through the real SDK clients: the booking on DynamoDB Local, its emails with their
//! invitation through SES v2 `Attachments` to the SES emulator, and the invitation read by an
//! independent parser (tests/ical_check.py, Python's icalendar) on both sides of the changes
//! to and from summer time.

use base64::Engine;
use serde_json::{Value, json};

use crate::helpers::*;
use order_intake::store::Orders;

/// The emulator's emails of this app to `to`, oldest first.
async fn emails_to(app: &LocalApp, to: &str) -> Vec<Value> {
    (app.emails().await.into_iter())
        .filter(|e| e["destination"]["to"].to_string().contains(to))
        .collect()
}

/// The invitation in an email in the emulator's store (which parses the raw MIME SES was sent),
/// as the independent parser reads it, with the attached file's name as `file_name`: the
/// calendar inline (what Outlook and Gmail show as an event) and the same as a file.
fn parsed_invitation(email: &Value) -> Value {
    let parts = email["attachments"].as_array().expect("attachments kept");
    let kind = |part: &Value| part["contentType"].as_str().unwrap().to_owned();
    let kinds: Vec<String> = parts.iter().map(kind).collect();
    assert_eq!(kinds, ["text/calendar", "application/ics"], "{email}");
    let (inline, file) = (&parts[0], &parts[1]);
    assert_eq!(inline["content"], file["content"], "one invitation");
    assert_eq!(file["contentDisposition"], "attachment", "{file}");
    let content = base64::engine::general_purpose::STANDARD
        .decode(file["content"].as_str().unwrap())
        .unwrap();
    let path = std::env::temp_dir().join(format!("{}.ics", unique("invitation")));
    std::fs::write(&path, content).unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let python = format!("{root}/.tools/venv-calendar/bin/python");
    let output = std::process::Command::new(&python)
        .arg(format!("{root}/tests/ical_check.py"))
        .arg(&path)
        .output()
        .unwrap_or_else(|e| {
            panic!("{python} does not run ({e}): run `make tools` (scripts/install-tools.sh test)")
        });
    assert!(
        output.status.success(),
        "the parser refused the invitation: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut parsed: Value = serde_json::from_slice(&output.stdout).unwrap();
    parsed["file_name"] = file["filename"].clone();
    parsed
}

fn book_on(date: &'static str) -> [(&'static str, &'static str); 6] {
    [
        ("action", "book"),
        ("other_date", date),
        ("start", "9.00"),
        ("end", "13.00"),
        ("place", "Kunnantalo; sali \"A\", 2.krs"),
        ("trainer", "Jaana Pohjola"),
    ]
}

/// Places an order in `language` and returns the booking page's token from the trainers' email.
async fn ordered(app: &LocalApp, language: &str) -> String {
    let mut order = order_json(&app.customer());
    order["language"] = json!(language);
    let answer = app.post_json(&order).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    let trainers = emails_to(app, "pilvi.nummi").await;
    let link = booking_link(trainers[0]["body"]["text"].as_str().unwrap());
    app.sign_in_as(1, &link).await;
    token_of(&link)
}

#[tokio::test]
async fn the_invitation_reads_right_in_an_independent_parser_through_every_change() {
    let app = LocalApp::start().await;
    let token = ordered(&app, "fi").await;
    for (sequence, fields) in [
        (0, book_on("2027-03-30").to_vec()),
        (1, book_on("2027-11-02").to_vec()),
        (
            2,
            vec![
                ("action", "cancel"),
                ("reason", "Tila ei ole käytettävissä"),
            ],
        ),
    ] {
        let answer = app
            .send(&booking_post(
                &booking_form(&token, sequence, &fields),
                json!({}),
            ))
            .await;
        assert_eq!(answer.status, 303, "{}", answer.body);
    }
    let customer = emails_to(&app, "anna.virtanen").await;
    // The confirmation, then the booking, the change and the cancellation.
    assert_eq!(customer.len(), 4, "{customer:#?}");
    let invitations: Vec<Value> = customer[1..].iter().map(parsed_invitation).collect();
    let (booked, changed, cancelled) = (&invitations[0], &invitations[1], &invitations[2]);
    assert_eq!(booked["method"], "REQUEST");
    assert_eq!(booked["start_tzid"], "Europe/Helsinki");
    assert_eq!(booked["timezones"], json!(["Europe/Helsinki"]));
    // 9.00 in Helsinki: summer time (UTC+3) on 30 March 2027, standard time on 2 November.
    assert_eq!(booked["start_utc"], "2027-03-30T06:00:00Z");
    assert_eq!(booked["end_utc"], "2027-03-30T10:00:00Z");
    assert_eq!(changed["start_utc"], "2027-11-02T07:00:00Z");
    assert_eq!(cancelled["method"], "CANCEL");
    assert_eq!(cancelled["status"], "CANCELLED");
    for (invitation, sequence) in [(booked, 1), (changed, 2), (cancelled, 3)] {
        assert_eq!(invitation["uid"], booked["uid"], "one UID per order");
        assert_eq!(invitation["sequence"], sequence);
    }
    assert_eq!(
        booked["location"], "Kunnantalo; sali \"A\", 2.krs",
        "escaped and read back"
    );
    // iTIP: the organizer a person reads, the leading trainer accepted, the customer's answer
    // awaited by nobody.
    assert_eq!(booked["organizer"], format!("mailto:{ORGANIZER}"));
    assert_eq!(booked["organizer_name"], "Some-työpajat Oy");
    assert_eq!(
        booked["attendees"],
        json!([
            {"address": "mailto:jaana.pohjola@some-tyopajat.example", "name": "Jaana Pohjola",
             "role": "CHAIR", "partstat": "ACCEPTED", "rsvp": "FALSE"},
            {"address": format!("mailto:{}", app.customer()), "name": "Anna Virtanen",
             "role": "REQ-PARTICIPANT", "partstat": "NEEDS-ACTION", "rsvp": "FALSE"},
        ])
    );
    assert_eq!(booked["summary"], "Some haltuun -koulutus (Some-työpajat)");
    assert_eq!(booked["file_name"], "kutsu.ics");
    assert_eq!(cancelled["file_name"], "peruutus.ics");
    let description = booked["description"].as_str().unwrap();
    for line in ["Tilausnumero: ", "Kouluttajat: Jaana Pohjola", "soita +358"] {
        assert!(description.contains(line), "{line}: {description}");
    }

    // The trainers' note carries the same event.
    let notes = emails_to(&app, "pilvi.nummi").await;
    assert_eq!(notes.len(), 4, "the notification and three notes");
    let note = parsed_invitation(&notes[1]);
    assert_eq!(note["uid"], booked["uid"]);
    assert_eq!(note["attendees"], booked["attendees"]);
    // Theirs in Finnish, titled with the customer's organisation where it fits.
    assert_eq!(
        note["summary"],
        "Some haltuun -koulutus (Some-työpajat) – Tuusulan kunta"
    );
    // Recorded as sent, on the order in DynamoDB Local.
    let order = &app.orders().await[0];
    assert_eq!(s(order, "booking_email_status"), "sent");
    assert_eq!(s(order, "booking_note_email_status"), "sent");
    assert_eq!(s(order, "booking_state"), "cancelled");
}

#[tokio::test]
async fn a_swedish_order_gets_its_booking_email_in_swedish() {
    let app = LocalApp::start().await;
    let token = ordered(&app, "sv").await;
    let answer = app
        .send(&booking_post(
            &booking_form(&token, 0, &book_on("2027-03-30")),
            json!({}),
        ))
        .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    let customer = emails_to(&app, "anna.virtanen").await;
    let booking = customer.last().unwrap();
    assert!(
        (booking["subject"].as_str().unwrap()).starts_with("Utbildningen är bokad"),
        "{}",
        booking["subject"]
    );
    let text = booking["body"]["text"].as_str().unwrap();
    assert!(text.contains("ti\u{a0}30.3.2027 kl. 9.00–13.00"), "{text}");
    assert!(text.contains("Inför utbildningen"), "{text}");
    let invitation = parsed_invitation(booking);
    assert_eq!(
        invitation["summary"],
        "Some haltuun – utbildning i sociala medier (Some-työpajat)"
    );
    assert_eq!(invitation["file_name"], "inbjudan.ics");
    // The customer's own page, from the booking email's link, read from DynamoDB Local: in
    // Swedish, with the booked day; the invitation as a file.
    let start = text.find("/order?token=").expect("the customer's link");
    let page = text[start..].split_whitespace().next().unwrap().to_owned();
    let shown = app.send(&get_event(&page)).await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(
        shown
            .body
            .contains("Utbildningen är bokad: ti\u{a0}30.3.2027 kl. 9.00–13.00"),
        "{}",
        shown.body
    );
    let file = app
        .send(&get_event(&page.replace("/order?", "/order/calendar.ics?")))
        .await;
    assert_eq!(file.status, 200, "{}", file.body);
    assert!(file.body.contains("METHOD:REQUEST"), "{}", file.body);
    assert!(
        (invitation["description"].as_str().unwrap()).contains("Ändringar och avbokningar"),
        "{invitation}"
    );

    // The customer asks for another date from the page: the request on the DynamoDB Local
    // item, the receipt (Swedish) and the trainers' note (Finnish, their link) through SES.
    let customer_token = token_of(&page);
    let asked = [
        ("action", "request"),
        ("date", "2027-04-13"),
        ("message", "Fullmäktige sammanträder då."),
        ("checked", "1"),
    ];
    let request = crate::customer_page::page_post(&customer_token, 1, &asked, json!({}));
    let done = app.send(&request).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let receipt = emails_to(&app, "anna.virtanen").await.pop().unwrap();
    assert_eq!(
        receipt["subject"].as_str().unwrap().split(" (").next(),
        Some("Din begäran om ett annat datum")
    );
    assert!(
        receipt["body"]["text"]
            .as_str()
            .unwrap()
            .contains("ti\u{a0}13.4.2027"),
        "{receipt}"
    );
    let note = emails_to(&app, "pilvi.nummi").await.pop().unwrap();
    let note_text = note["body"]["text"].as_str().unwrap();
    assert!(
        note_text.contains("Fullmäktige sammanträder då."),
        "{note_text}"
    );
    assert!(note_text.contains("/booking?token="), "{note_text}");
    let reference = order_intake::domain::Reference::parse(
        receipt["subject"]
            .as_str()
            .unwrap()
            .rsplit('(')
            .next()
            .unwrap()
            .trim_end_matches(')'),
    )
    .unwrap();
    let stored = app.store.load(&reference).await.unwrap().unwrap();
    assert_eq!(stored.change_request.unwrap().dates.len(), 1);
    // The trainers move the workshop: the request is answered.
    let moved = app
        .send(&booking_post(
            &booking_form(&token, 1, &book_on("2027-04-13")),
            json!({}),
        ))
        .await;
    assert_eq!(moved.status, 303, "{}", moved.body);
    let stored = app.store.load(&reference).await.unwrap().unwrap();
    assert_eq!(stored.change_request, None);
}

/// The customer's correction of the invoicing details on DynamoDB Local: written with its log
/// entry by `customer`; once `orders` has recorded an invoice on the order (its attributes,
/// written here as `orders invoice` writes them) the page shows the invoice and refuses.
#[tokio::test]
async fn invoicing_details_are_the_customer_s_to_correct_until_invoiced() {
    use aws_sdk_dynamodb::types::AttributeValue;
    let app = LocalApp::start().await;
    ordered(&app, "fi").await;
    let confirmation = emails_to(&app, "anna.virtanen").await.remove(0);
    let text = confirmation["body"]["text"].as_str().unwrap();
    let start = text.find("/order?token=").expect("the customer's link");
    let page = text[start..].split_whitespace().next().unwrap().to_owned();
    let token = token_of(&page);
    let corrected = [
        ("action", "invoicing"),
        ("purchase_order", "PO-77"),
        ("checked", "1"),
    ];
    let post =
        |fields: &[(&str, &str)]| crate::customer_page::page_post(&token, 0, fields, json!({}));
    let done = app.send(&post(&corrected)).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let items = app.items().await;
    let item = items
        .iter()
        .find(|i| i.contains_key("purchase_order"))
        .expect("the order");
    assert_eq!(s(item, "purchase_order"), "PO-77");
    let log = item["invoicing_changes"].as_l().unwrap();
    assert_eq!(log[0].as_m().unwrap()["by"].as_s().unwrap(), "customer");
    assert!(
        emails_to(&app, "anna.virtanen").await.iter().any(|e| {
            e["subject"]
                .as_str()
                .unwrap()
                .starts_with("Laskutustietosi on päivitetty")
        }),
        "the receipt through SES"
    );

    // `orders invoice` records its invoice on the order.
    let key = s(item, "pk").to_owned();
    let invoice = [
        ("invoice_number", AttributeValue::N("1000".into())),
        ("invoice_date", AttributeValue::S("2027-04-01".into())),
        ("invoice_due_date", AttributeValue::S("2027-04-15".into())),
        ("invoice_gross_cents", AttributeValue::N("112950".into())),
        ("invoice_channel", AttributeValue::S("einvoice".into())),
    ];
    let mut update = (app.dynamodb.update_item())
        .table_name(&app.table)
        .key("pk", AttributeValue::S(key));
    let mut set = Vec::new();
    for (i, (name, value)) in invoice.into_iter().enumerate() {
        update = update
            .expression_attribute_names(format!("#a{i}"), name)
            .expression_attribute_values(format!(":a{i}"), value);
        set.push(format!("#a{i} = :a{i}"));
    }
    update
        .update_expression(format!("SET {}", set.join(", ")))
        .send()
        .await
        .unwrap();
    let shown = app.send(&get_event(&page)).await;
    for words in [
        "Laskutettu 1.4.2027: lasku 1000, eräpäivä 15.4.2027, viitenumero 10003. Summa 1\u{a0}129,50\u{a0}€ sis. alv. Lasku lähetettiin verkkolaskuna.",
        "Lasku on jo lähetetty, joten laskutustietoja ei voi enää muuttaa",
    ] {
        assert!(shown.body.contains(words), "{words}: {}", shown.body);
    }
    assert!(
        !shown.body.contains(r#"value="invoicing""#),
        "no form once invoiced"
    );
    let refused = app
        .send(&post(&[
            ("action", "invoicing"),
            ("purchase_order", "PO-78"),
            ("checked", "1"),
        ]))
        .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    let items = app.items().await;
    let item = items
        .iter()
        .find(|i| i.contains_key("purchase_order"))
        .unwrap();
    assert_eq!(
        s(item, "purchase_order"),
        "PO-77",
        "the invoice's details stay"
    );
}
