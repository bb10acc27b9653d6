//! Living with Vast.ai's rate limits: a retry policy for the client, another for one call, and
//! what is left when the retries are used up.
//!
//! ```sh
//! VAST_API_KEY=... cargo run -p vast-client --example rate_limits
//! ```
//!
//! It lists the account's instances, a page of at most 25 at a time, each page a request that
//! counts against the endpoint's limit. `VAST_BASE_URL` overrides the API's address.

use std::process::ExitCode;
use std::time::Duration;

use futures_util::StreamExt;
use vast_client::errors::ShowInstancesError;
use vast_client::{Client, Error, RetryPolicy};

#[tokio::main]
async fn main() -> ExitCode {
    if std::env::args().len() > 1 {
        eprintln!("usage: rate_limits");
        return ExitCode::from(2);
    }
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    // `429 Too Many Requests` is retried for every method. Without a `Retry-After` header the
    // client backs off exponentially with jitter (here 0.5 s, 1 s, 2 s, ... capped at 8 s); a
    // `Retry-After` is honoured exactly, unless it asks for more than `max_retry_after`: then
    // the call fails at once with `Error::RateLimited`.
    let patient = RetryPolicy::new()
        .max_attempts(5)
        .base_delay(Duration::from_millis(500))
        .max_delay(Duration::from_secs(8))
        .max_retry_after(Duration::from_secs(30));

    // The key comes from VAST_API_KEY (building fails if it is not set), the address from
    // VAST_BASE_URL if it is set.
    let client = Client::builder().require_api_key().retry(patient).build()?;

    // One call may use another policy, say a single attempt when a caller has its own loop.
    let quick = client.show_instances().limit(1).retry(RetryPolicy::disabled());
    match quick.await {
        Ok(page) => println!("first attempt: {} instance(s) in the account", page.total_instances.unwrap_or(0)),
        Err(e) if e.is_rate_limited() => println!("first attempt throttled: {e}"),
        Err(e) => return Err(e.into()),
    }

    // Every page of the listing is a request of its own, sent with the client's policy.
    let mut instances = client
        .show_instances()
        .select_cols(r#"["id","label","actual_status","gpu_name","num_gpus","dph_total"]"#)
        .items();
    let mut count = 0;
    while let Some(instance) = instances.next().await {
        match instance {
            Ok(instance) => {
                count += 1;
                println!(
                    "{:>10} {:<10} {} x {:<16} ${:.3}/h {}",
                    instance.id.unwrap_or_default(),
                    instance.actual_status.as_deref().unwrap_or("-"),
                    instance.num_gpus.unwrap_or_default(),
                    instance.gpu_name.as_deref().unwrap_or("-"),
                    instance.dph_total.unwrap_or_default(),
                    instance.label.as_deref().unwrap_or(""),
                );
            }
            // Still 429 after every attempt: the documented body says which threshold was hit.
            Err(Error::Api { error: ShowInstancesError::TooManyRequests(body), response }) => {
                let attempts = response.request().attempts();
                let detail = body.detail.unwrap_or_default();
                return Err(format!("still rate limited after {attempts} attempts: {detail}").into());
            }
            // The server asked to wait longer than the policy allows.
            Err(Error::RateLimited { retry_after, .. }) => {
                return Err(format!("rate limited: the API asks to wait {retry_after:?}; try again later").into());
            }
            // A server that sends a cursor it sent before would make the listing loop forever;
            // the stream stops instead. What came before is complete.
            Err(Error::RepeatedCursor { cursor, .. }) => {
                eprintln!("the API sent the cursor {cursor:?} again; stopping the listing here");
                break;
            }
            Err(other) => return Err(other.into()),
        }
    }
    println!("{count} instance(s) listed");
    Ok(())
}
