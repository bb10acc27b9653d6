//! Destroys a Vast.ai instance: it stops, its disk is deleted and billing ends. This cannot be
//! undone.
//!
//! ```sh
//! VAST_API_KEY=... cargo run -p vast-client --example destroy_instance -- <instance-id>
//! ```
//!
//! Exit status: 0 when the instance is destroyed, 1 on an error (including an instance that
//! does not exist), 2 on bad arguments. `VAST_BASE_URL` overrides the API's address (a mock
//! server, a proxy).

use std::process::ExitCode;

use vast_client::errors::DestroyInstanceError;
use vast_client::{Client, Error};

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(id), None) = (args.next(), args.next()) else {
        eprintln!("usage: destroy_instance <instance-id>");
        return ExitCode::from(2);
    };
    let Ok(id) = id.parse::<i64>() else {
        eprintln!("error: not an instance id: {id:?}\nusage: destroy_instance <instance-id>");
        return ExitCode::from(2);
    };
    match run(id).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(id: i64) -> Result<(), Box<dyn std::error::Error>> {
    // The key comes from VAST_API_KEY (building fails if it is not set), the address from
    // VAST_BASE_URL if it is set.
    let client = Client::from_env()?;

    match client.destroy_instance(id).await {
        // The API may answer 200 and still say it did nothing.
        Ok(done) if done.success == Some(false) => {
            Err(format!("instance {id}: the API did not destroy it: {}", done.msg.unwrap_or_default()).into())
        }
        Ok(done) => {
            println!("instance {id}: {}", done.msg.unwrap_or_else(|| "destroyed".to_owned()));
            Ok(())
        }
        // The documented errors arrive decoded, with the body the API sent.
        Err(Error::Api { error: DestroyInstanceError::NotFound(body), .. }) => {
            Err(format!("instance {id} not found: {}", body.msg.or(body.error).unwrap_or_default()).into())
        }
        Err(Error::Api { error: DestroyInstanceError::BadRequest(body), .. }) => {
            Err(format!("instance {id}: the API refused the request: {}", body.msg.or(body.error).unwrap_or_default())
                .into())
        }
        // A 429 is retried first (three attempts by default); this is the last answer.
        Err(Error::Api { error: DestroyInstanceError::TooManyRequests(body), .. }) => {
            Err(format!("rate limited, try again later: {}", body.msg.or(body.error).unwrap_or_default()).into())
        }
        // The spec documents no 401 here: a refused key arrives as an unexpected status.
        Err(e) if e.status().is_some_and(|s| s.as_u16() == 401) => {
            Err("the API key was refused: check VAST_API_KEY".into())
        }
        // Anything else (network, timeout, another status): its message names the request and
        // shows the status and the start of the body.
        Err(other) => Err(other.into()),
    }
}
