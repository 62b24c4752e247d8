//! Creates the order table (`ORDERS_TABLE`) on the DynamoDB that `AWS_ENDPOINT_URL_DYNAMODB`
//! points at, with the key schema and TTL of `infra/template.yaml`. `make dev` runs it; in AWS
//! the template creates the table.

use order_intake::aws;
use order_intake::store::create_order_table;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let table = std::env::var("ORDERS_TABLE").map_err(|_| "ORDERS_TABLE is not set")?;
    let sdk = aws::load_sdk_config().await;
    create_order_table(&aws::dynamodb_client(&sdk), &table).await?;
    println!("table {table} is ready");
    Ok(())
}
