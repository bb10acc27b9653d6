//! Living with rate limits: a retry policy for the client, another for one call, and what is
//! left when the retries are used up.
//!
//! ```sh
//! MITHRIL_API_KEY=fkey_... cargo run -p mithril-client --example handle_rate_limits -- <project>
//! ```
//!
//! It reads the status history of the project's instances, a page at a time, each page a
//! request of its own. `MITHRIL_BASE_URL` overrides the API's address.

use std::process::ExitCode;
use std::time::Duration;

use futures_util::StreamExt;
use mithril_client::{Client, Error, RetryPolicy};

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(project), None) = (args.next(), args.next()) else {
        eprintln!("usage: handle_rate_limits <project>");
        return ExitCode::from(2);
    };
    match run(&project).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(project: &str) -> Result<(), Box<dyn std::error::Error>> {
    // `429 Too Many Requests` is retried for every method, and 502/503/504 for the idempotent
    // ones. Without a `Retry-After` header the client backs off exponentially with jitter (here
    // 0.5 s, 1 s, 2 s, ... capped at 8 s); a `Retry-After` is honoured exactly, unless it asks
    // for more than `max_retry_after`: then the call fails at once with `Error::RateLimited`.
    let patient = RetryPolicy::new()
        .max_attempts(5)
        .base_delay(Duration::from_millis(500))
        .max_delay(Duration::from_secs(8))
        .max_retry_after(Duration::from_secs(30));

    // The key comes from MITHRIL_API_KEY (building fails if it is not set), the address from
    // MITHRIL_BASE_URL if it is set.
    let client = Client::builder().require_api_key().retry(patient).build()?;

    // One call may use another policy, say a single attempt when a caller has its own loop.
    let quick = client.get_instance_status_history(project).limit(1).retry(RetryPolicy::disabled());
    match quick.await {
        Ok(page) => println!("first attempt: {} instance(s) with history", page.instances.len()),
        Err(e) if e.is_rate_limited() => println!("first attempt throttled: {e}"),
        Err(e) => return Err(e.into()),
    }

    // Every page of the history is a request of its own, sent with the client's policy.
    let mut histories = client.get_instance_status_history(project).limit(100).items();
    let mut count = 0;
    while let Some(history) = histories.next().await {
        match history {
            Ok(history) => {
                count += 1;
                let last = history.events.last().map(|e| e.status.to_string()).unwrap_or_default();
                println!("{:<24} {} event(s), last {last}", history.instance_fid, history.events.len());
            }
            // The server asked to wait longer than the policy allows.
            Err(Error::RateLimited { retry_after, .. }) => {
                return Err(format!("rate limited: the API asks to wait {retry_after:?}; try again later").into());
            }
            // Still 429 after every attempt. The spec documents no 429 for this API, so it
            // arrives as an unexpected status, with the response kept.
            Err(e) if e.is_rate_limited() => {
                let attempts = e.request().attempts();
                let wait = e.retry_after().map(|w| format!(", asked to wait {w:?}")).unwrap_or_default();
                return Err(format!("still rate limited after {attempts} attempts{wait}").into());
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
    println!("{count} instance(s) with history in {project}");
    Ok(())
}
