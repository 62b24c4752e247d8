//! Where `resend`, `release`, `book` and `cancel` run: in the deployed function (the function
//! sends, from its own templates; the operator policy grants `lambda:InvokeFunction` on it and
//! no `ses:SendEmail`), or, without `ORDERS_FUNCTION`, here with the function's own use cases
//! (make dev's `make orders`, the tests).

use aws_sdk_lambda::primitives::Blob;
use order_intake::intake::{OperatorAnswer, OperatorCommand, OperatorDesk};

use crate::OpsError;

pub enum Desk {
    Function {
        client: aws_sdk_lambda::Client,
        name: String,
    },
    Local(Box<OperatorDesk>),
}

impl Desk {
    pub async fn run(&self, command: OperatorCommand) -> Result<OperatorAnswer, OpsError> {
        match self {
            Desk::Local(desk) => Ok(desk.run(command, &operator()).await?),
            Desk::Function { client, name } => invoke(client, name, command).await,
        }
    }
}

async fn invoke(
    client: &aws_sdk_lambda::Client,
    name: &str,
    command: OperatorCommand,
) -> Result<OperatorAnswer, OpsError> {
    let payload = serde_json::json!({ "operator": command, "by": operator() });
    let invoked = client
        .invoke()
        .function_name(name)
        .payload(Blob::new(payload.to_string()))
        .send()
        .await
        .map_err(|error| OpsError::Function(format!("{name} was not invoked: {error}")))?;
    let body = invoked.payload.map(Blob::into_inner).unwrap_or_default();
    if let Some(kind) = invoked.function_error {
        let said = String::from_utf8_lossy(&body);
        return Err(OpsError::Function(format!(
            "{name} failed ({kind}): {said}"
        )));
    }
    serde_json::from_slice(&body).map_err(|error| {
        OpsError::Function(format!(
            "{name} answered what this command does not read: {error}"
        ))
    })
}

/// Who the operator is, for the order's operator log: `ORDERS_OPERATOR`, else the login name.
/// What they say: CloudTrail records which credential invoked the function.
fn operator() -> String {
    ["ORDERS_OPERATOR", "USER", "LOGNAME"]
        .into_iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "orders".to_owned())
}
