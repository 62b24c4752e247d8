//! The two emails as the SES emulator received them through the real SES v2 client.

use serde_json::{Value, json};

use crate::helpers::*;

fn addresses(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_customer_and_the_trainers_get_their_emails() {
    let app = LocalApp::start().await;
    let answer = app.post_json(&order_json(&app.customer())).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    assert_eq!(answer.json()["email_status"], "sent");
    let reference = answer.json()["reference"].as_str().unwrap().to_owned();
    let trainer_addresses: Vec<String> =
        trainers(&app.tag).iter().map(ToString::to_string).collect();

    let emails = app.emails().await;
    assert_eq!(emails.len(), 2);
    let customer = emails
        .iter()
        .find(|e| addresses(&e["destination"]["to"]) == [app.customer()])
        .expect("customer email");
    assert_eq!(customer["from"], SENDER);
    assert_eq!(addresses(&customer["replyTo"]), trainer_addresses);
    assert_eq!(
        customer["subject"],
        format!("Tilausvahvistus: Puolen päivän some haltuun -koulutus ({reference})")
    );
    let text = customer["body"]["text"].as_str().unwrap();
    for expected in [
        "Hei Anna Virtanen",
        "900,00\u{a0}€",
        "229,50\u{a0}€",
        "1\u{a0}129,50\u{a0}€",
        "Tuusulan kunta",
        "Mitä seuraavaksi?",
        &reference,
    ] {
        assert!(
            text.contains(expected),
            "customer text lacks {expected:?}:\n{text}"
        );
    }
    assert!(
        customer["body"]["html"]
            .as_str()
            .unwrap()
            .contains("1\u{a0}129,50\u{a0}€")
    );

    let trainer = emails
        .iter()
        .find(|e| addresses(&e["destination"]["to"]) == trainer_addresses)
        .expect("trainer email");
    assert_eq!(trainer["from"], SENDER);
    assert_eq!(addresses(&trainer["replyTo"]), [app.customer()]);
    assert_eq!(
        trainer["subject"],
        format!("Uusi tilaus: Some haltuun – Tuusulan kunta ({reference})")
    );
    let text = trainer["body"]["text"].as_str().unwrap();
    for expected in [
        "0201256-6",
        "+358 40 123 4567",
        "Facebook, Instagram",
        "003701577119",
        "Rivi 1\nRivi 2",
        "Yhteensä: 1\u{a0}129,50\u{a0}€",
    ] {
        assert!(
            text.contains(expected),
            "trainer text lacks {expected:?}:\n{text}"
        );
    }

    let item = &app.orders().await[0];
    let message_ids: Vec<String> = emails
        .iter()
        .map(|e| e["messageId"].as_str().unwrap().to_owned())
        .collect();
    assert!(message_ids.contains(&s(item, "customer_email_message_id").to_owned()));
    assert!(message_ids.contains(&s(item, "trainer_email_message_id").to_owned()));
}

#[tokio::test]
async fn the_customer_email_is_in_the_language_of_the_order() {
    let app = LocalApp::start().await;
    for (language, subject) in [
        ("sv", "Beställningsbekräftelse: "),
        ("en", "Order confirmation: "),
    ] {
        let mut order = order_json(&app.customer());
        order["language"] = json!(language);
        assert_eq!(app.post_json(&order).await.status, 201);
        let emails = app.emails().await;
        assert!(
            emails
                .iter()
                .any(|e| e["subject"].as_str().unwrap().starts_with(subject)),
            "{language}"
        );
    }
    // The trainers read Finnish whatever the customer's language.
    let emails = app.emails().await;
    assert_eq!(
        emails
            .iter()
            .filter(|e| e["subject"].as_str().unwrap().starts_with("Uusi tilaus: "))
            .count(),
        2
    );
}
