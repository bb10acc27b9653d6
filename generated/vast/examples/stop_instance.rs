//! Stops a Vast.ai instance.
//!
//! ```sh
//! VAST_API_KEY=... cargo run -p vast-client --example stop_instance -- <instance-id>
//! ```
//!
//! `VAST_BASE_URL` overrides the API's address (a mock server, a proxy).

use std::process::ExitCode;

use vast_client::errors::ManageInstanceError;
use vast_client::types::{InstanceTargetState, ManageInstanceRequest};
use vast_client::{Client, Error};

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
        eprintln!("usage: stop_instance <instance-id>");
        std::process::exit(2);
    };
    let id: i64 = id.parse().map_err(|_| format!("not an instance id: {id:?}"))?;

    // The key comes from VAST_API_KEY; building fails if it is not set.
    let mut builder = Client::builder().require_api_key();
    if let Ok(url) = std::env::var("VAST_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    let body = ManageInstanceRequest { state: Some(InstanceTargetState::Stopped), ..Default::default() };
    match client.manage_instance(id, body).await {
        Ok(out) if out.success == Some(false) => Err(format!("instance {id}: the API did not confirm the stop").into()),
        Ok(_) => {
            println!("instance {id}: stopping");
            Ok(())
        }
        // The documented errors arrive decoded, with the body the API sent.
        Err(Error::Api { error: ManageInstanceError::NotFound(body), .. }) => {
            Err(format!("instance {id} not found: {}", body.msg.or(body.error).unwrap_or_default()).into())
        }
        Err(Error::Api { error: ManageInstanceError::Unauthorized(_), .. }) => {
            Err("the API key was refused: check VAST_API_KEY".into())
        }
        // Anything else (bad request, rate limited after the retries, network): its message
        // names the request and shows the status and the start of the body.
        Err(other) => Err(other.into()),
    }
}
