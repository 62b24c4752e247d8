//! Creates the order table (`ORDERS_TABLE`) on the DynamoDB that `AWS_ENDPOINT_URL_DYNAMODB`
//! points at, from the `OrdersTable` properties of `infra/template.yaml` (key schema, indexes,
//! TTL). `make dev` and the end-to-end test run it; in AWS the template creates the table.

use order_intake::aws;
use order_intake::store::table::{TableSpec, create_order_table};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let table = std::env::var("ORDERS_TABLE").map_err(|_| "ORDERS_TABLE is not set")?;
    let sdk = aws::load_sdk_config().await;
    let spec = TableSpec::from_repository_template()?;
    create_order_table(&aws::dynamodb_client(&sdk), &table, &spec).await?;
    println!("table {table} is ready");
    Ok(())
}
