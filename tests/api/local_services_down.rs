//! What happens when a service is down, with the real clients.

use crate::helpers::*;

#[tokio::test]
async fn with_ses_down_the_order_is_kept_and_its_emails_are_pending() {
    let app = LocalApp::with(LocalOptions {
        ses: DOWN.into(),
        ..LocalOptions::default()
    })
    .await;
    let answer = app.post_json(&order_json(&app.customer())).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    assert_eq!(answer.json()["email_status"], "pending");
    let orders = app.orders().await;
    assert_eq!(orders.len(), 1);
    assert_eq!(s(&orders[0], "customer_email_status"), "pending");
    assert_eq!(s(&orders[0], "trainer_email_status"), "pending");
    assert!(app.emails().await.is_empty());
}

#[tokio::test]
async fn with_dynamodb_down_the_answer_is_503_and_no_email_goes_out() {
    let app = LocalApp::with(LocalOptions {
        dynamodb: DOWN.into(),
        ..LocalOptions::default()
    })
    .await;
    let answer = app.post_json(&order_json(&app.customer())).await;
    assert_eq!(answer.status, 503, "{}", answer.body);
    assert_eq!(answer.header("retry-after"), Some("5"));
    assert!(app.orders().await.is_empty());
    assert!(app.emails().await.is_empty());
}
