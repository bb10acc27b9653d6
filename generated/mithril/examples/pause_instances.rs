//! Pauses (or, with `--resume`, starts again) Mithril instances, then shows their status.
//!
//! ```sh
//! MITHRIL_API_KEY=fkey_... cargo run -p mithril-client --example pause_instances -- [--resume] <instance-fid>...
//! ```
//!
//! `MITHRIL_BASE_URL` overrides the API's address (a mock server, a proxy).

use std::process::ExitCode;

use mithril_client::errors::PutInstanceStatusError;
use mithril_client::types::{PatchInstanceStatusRequest, TargetInstanceStatus};
use mithril_client::{Client, Error};

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
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let resume = args.first().is_some_and(|a| a == "--resume");
    if resume {
        args.remove(0);
    }
    if args.is_empty() {
        eprintln!("usage: pause_instances [--resume] <instance-fid>...");
        std::process::exit(2);
    }
    let target = if resume { TargetInstanceStatus::Running } else { TargetInstanceStatus::Paused };

    let mut builder = Client::builder().require_api_key();
    if let Ok(url) = std::env::var("MITHRIL_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    let request = PatchInstanceStatusRequest { instances: args.clone(), status: target.clone() };
    let changed = match client.put_instance_status(request).await {
        Ok(changed) => changed,
        Err(Error::Api { error, .. }) => {
            let why = match error {
                PutInstanceStatusError::NotFound => "one of the instances does not exist".to_owned(),
                PutInstanceStatusError::Conflict => "an instance is not ready for this change yet".to_owned(),
                PutInstanceStatusError::NotImplemented => "spot bids cannot be paused yet".to_owned(),
                PutInstanceStatusError::UnprocessableEntity(body) => body
                    .detail
                    .unwrap_or_default()
                    .iter()
                    .map(|d| d.msg.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                other => format!("{other:?}"),
            };
            return Err(format!("cannot change the instances to {target}: {why}").into());
        }
        Err(other) => return Err(other.into()),
    };

    // The answer holds each instance's status right after the request: STATUS_STOPPING for
    // one being paused, STATUS_CONFIRMED for one being started, the old status if unchanged.
    println!("requested {target}:");
    for (fid, status) in &changed.instances {
        println!("  {fid:<24} {status}");
    }

    // The change is asynchronous: ask for the current status of each instance.
    println!("now:");
    for fid in &args {
        let now = client.get_instance_status(fid).await?;
        println!("  {fid:<24} {}", now.status);
    }
    Ok(())
}
