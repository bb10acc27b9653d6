//! Living with Vast.ai's rate limits: a retry policy for the client, another for one call, and
//! what is left when the retries are used up.
//!
//! ```sh
//! VAST_API_KEY=... cargo run -p vast-client --example rate_limits -- <instance-id>
//! ```
//!
//! It labels the instance (a harmless change). `VAST_BASE_URL` overrides the API's address.

use std::process::ExitCode;
use std::time::Duration;

use vast_client::errors::ManageInstanceError;
use vast_client::types::ManageInstanceRequest;
use vast_client::{Client, Error, RetryPolicy};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let Some(id) = std::env::args().nth(1) else {
        eprintln!("usage: rate_limits <instance-id>");
        std::process::exit(2);
    };
    let id: i64 = id.parse().map_err(|_| format!("not an instance id: {id:?}"))?;

    // `429 Too Many Requests` is retried for every method. Without a `Retry-After` header the
    // client backs off exponentially with jitter (here 0.5 s, 1 s, 2 s, ... capped at 8 s); a
    // `Retry-After` is honoured exactly, unless it asks for more than `max_retry_after`: then
    // the call fails at once with `Error::RateLimited`.
    let patient = RetryPolicy::new()
        .max_attempts(5)
        .base_delay(Duration::from_millis(500))
        .max_delay(Duration::from_secs(8))
        .max_retry_after(Duration::from_secs(30));

    let mut builder = Client::builder().require_api_key().retry(patient);
    if let Ok(url) = std::env::var("VAST_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    let body = ManageInstanceRequest { label: Some("rate-limit example".into()), ..Default::default() };
    // One call may use another policy, say a single attempt when a caller has its own loop.
    let impatient = client.manage_instance(id, body.clone()).retry(RetryPolicy::disabled());
    match impatient.await {
        Ok(_) => println!("instance {id}: labelled on the first attempt"),
        Err(e) if e.is_rate_limited() => println!("instance {id}: throttled on the first attempt ({e})"),
        Err(e) => return Err(e.into()),
    }

    match client.manage_instance(id, body).await {
        Ok(_) => {
            println!("instance {id}: labelled");
            Ok(())
        }
        // Still 429 after every attempt: the documented body says which threshold was hit.
        Err(Error::Api { error: ManageInstanceError::TooManyRequests(body), response }) => {
            let attempts = response.request().attempts();
            let detail = body.detail.unwrap_or_default();
            Err(format!("still rate limited after {attempts} attempts: {detail}").into())
        }
        // The server asked to wait longer than the policy allows.
        Err(Error::RateLimited { retry_after, .. }) => {
            Err(format!("rate limited: the API asks to wait {retry_after:?}; try again later").into())
        }
        Err(other) => Err(other.into()),
    }
}
