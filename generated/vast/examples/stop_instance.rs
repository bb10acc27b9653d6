//! Stops a Vast.ai instance. A stopped instance keeps its disk (and its storage charges) and
//! can be started again.
//!
//! ```sh
//! VAST_API_KEY=... cargo run -p vast-client --example stop_instance -- <instance-id>
//! ```
//!
//! `VAST_BASE_URL` overrides the API's address (a mock server, a proxy).

use std::process::ExitCode;

use vast_client::errors::ManageInstanceError;
use vast_client::types::{InstanceState, ManageInstanceRequest};
use vast_client::{Client, Error};

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(id), None) = (args.next(), args.next()) else {
        eprintln!("usage: stop_instance <instance-id>");
        return ExitCode::from(2);
    };
    let Ok(id) = id.parse::<i64>() else {
        eprintln!("error: not an instance id: {id:?}\nusage: stop_instance <instance-id>");
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

    let body = ManageInstanceRequest { state: Some(InstanceState::Stopped), ..Default::default() };
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
