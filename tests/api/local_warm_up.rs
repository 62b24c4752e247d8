//! The connection warm-up at init (WARM_UP_CONNECTIONS), through the real clients: it reaches
//! both local services, and with a service down it fails softly.

use order_intake::aws::{dynamodb_client, ses_client};
use order_intake::email::{Mailer, RecordingMailer, SesMailer};
use order_intake::store::{DynamoDbStore, Orders, Stores};

use crate::helpers::*;

#[tokio::test]
async fn the_warm_up_reaches_dynamodb_local_and_the_ses_emulator() {
    let app = LocalApp::start().await;
    let store = DynamoDbStore::new(
        dynamodb_client(&sdk_config(&dynamodb_endpoint()).await),
        &app.table,
    );
    let mailer = SesMailer::new(ses_client(&sdk_config(&ses_endpoint()).await), SENDER, None);
    store.warm_up().await.expect("GetItem on DynamoDB Local");
    mailer
        .warm_up()
        .await
        .expect("GetAccount on the SES emulator");
    // It reads and sends nothing.
    assert!(app.items().await.is_empty());
    assert!(app.emails().await.is_empty());
}

#[tokio::test]
async fn with_the_services_down_the_warm_up_fails_softly() {
    let store = DynamoDbStore::new(dynamodb_client(&sdk_config(DOWN).await), "orders");
    let mailer = SesMailer::new(ses_client(&sdk_config(DOWN).await), SENDER, None);
    assert!(store.warm_up().await.is_err());
    assert!(mailer.warm_up().await.is_err());
    // Placing an order only logs it: init goes on.
    let place_order = order_intake::intake::Wiring::new(
        Stores::new(std::sync::Arc::new(store)),
        std::sync::Arc::new(RecordingMailer::new()),
        trainers("warm-up"),
        fixed_clock(),
        limits(Default::default()),
    )
    .place_order();
    place_order.warm_up().await;
}
