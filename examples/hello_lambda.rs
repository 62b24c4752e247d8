//! The floor for `make bench`: a minimal lambda_http function, built with the same release
//! profile and started the same way as order-intake (current-thread runtime, the same default
//! log subscriber), so the init ratio shows only what order-intake adds.

use lambda_http::{Body, Error, Request, Response, run, service_fn};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    run(service_fn(|_request: Request| async {
        Response::builder()
            .status(200)
            .header("content-type", "text/plain")
            .body(Body::from("Hello"))
            .map_err(Error::from)
    }))
    .await
}
