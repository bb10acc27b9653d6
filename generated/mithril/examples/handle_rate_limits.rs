//! Living with rate limits: a retry policy for the client, another for one call, and what is
//! left when the retries are used up.
//!
//! ```sh
//! MITHRIL_API_KEY=fkey_... cargo run -p mithril-client --example handle_rate_limits -- <project>
//! ```
//!
//! It reads the project's status history. `MITHRIL_BASE_URL` overrides the API's address.

use std::process::ExitCode;
use std::time::Duration;

use mithril_client::{Client, Error, RetryPolicy};

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
    let Some(project) = std::env::args().nth(1) else {
        eprintln!("usage: handle_rate_limits <project>");
        std::process::exit(2);
    };

    // `429 Too Many Requests` is retried for every method, and 502/503/504 for the idempotent
    // ones. Without a `Retry-After` header the client backs off exponentially with jitter (here
    // 0.5 s, 1 s, 2 s, ... capped at 8 s); a `Retry-After` is honoured exactly, unless it asks
    // for more than `max_retry_after`: then the call fails at once with `Error::RateLimited`.
    let patient = RetryPolicy::new()
        .max_attempts(5)
        .base_delay(Duration::from_millis(500))
        .max_delay(Duration::from_secs(8))
        .max_retry_after(Duration::from_secs(30));

    let mut builder = Client::builder().require_api_key().retry(patient);
    if let Ok(url) = std::env::var("MITHRIL_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    // One call may use another policy, say a single attempt when a caller has its own loop.
    let quick = client.get_instance_status_history(&project).limit(1).retry(RetryPolicy::disabled());
    match quick.await {
        Ok(page) => println!("first attempt: {} instance(s) with history", page.instances.len()),
        Err(e) if e.is_rate_limited() => println!("first attempt throttled: {e}"),
        Err(e) => return Err(e.into()),
    }

    match client.get_instance_status_history(&project).limit(100).await {
        Ok(page) => {
            for history in &page.instances {
                let last = history.events.last().map(|e| e.status.to_string()).unwrap_or_default();
                println!("{:<24} {} event(s), last {last}", history.instance_fid, history.events.len());
            }
            Ok(())
        }
        // The server asked to wait longer than the policy allows.
        Err(Error::RateLimited { retry_after, .. }) => {
            Err(format!("rate limited: the API asks to wait {retry_after:?}; try again later").into())
        }
        // Still 429 after every attempt. The spec documents no 429 body for this API, so it
        // arrives as an unexpected status, with the response kept.
        Err(e) if e.is_rate_limited() => {
            let attempts = e.request().attempts();
            let wait = e.retry_after().map(|w| format!(", asked to wait {w:?}")).unwrap_or_default();
            Err(format!("still rate limited after {attempts} attempts{wait}").into())
        }
        Err(other) => Err(other.into()),
    }
}
