//! What the operator is told when a command fails.

use order_intake::store::StoreError;

use crate::invoice;

/// What the operator is told when a command cannot do what was asked (exit status 1).
#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    #[error("{0}")]
    Usage(String),
    #[error("no order {0}")]
    NotFound(String),
    #[error("the order table did not answer: {0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Function(String),
    #[error(transparent)]
    Invoice(#[from] invoice::InvoiceError),
    #[error("writing the output failed: {0}")]
    Output(#[from] std::io::Error),
}
