//! Pauses Mithril instances (or, with `--resume`, starts them again), then shows their status.
//!
//! ```sh
//! MITHRIL_API_KEY=fkey_... cargo run -p mithril-client --example pause_instances -- \
//!     [--resume] [--conflict-retries N] <instance-fid>...
//! ```
//!
//! The API pauses and resumes the instances of reservations only (a paused reserved instance
//! earns a credit at the reservation's flexible-use buyback price); a spot bid is paused as a
//! whole, with `update_bid` and `UpdateBidRequest::paused`. The change is asynchronous: the
//! answer gives each instance's status right after the request, and the example then reads
//! each instance's current status.
//!
//! If an instance is not ready for the change yet (still starting, say), the API refuses the
//! whole request with `409 Conflict`. The example then waits and asks again, up to
//! `--conflict-retries` times (default 3).
//!
//! Exit status: 0 when the API accepted the request (the instances it left unchanged are
//! listed), 1 on an error, 2 on bad arguments. `MITHRIL_BASE_URL` overrides the API's address
//! (a mock server, a proxy).

use std::process::ExitCode;
use std::time::Duration;

use mithril_client::errors::PutInstanceStatusError;
use mithril_client::types::{InstanceStatus, PatchInstanceStatusRequest, TargetInstanceStatus};
use mithril_client::{Client, Error};

const USAGE: &str = "usage: pause_instances [--resume] [--conflict-retries N] <instance-fid>...";

/// How long to wait before asking again after a `409 Conflict`.
const CONFLICT_WAIT: Duration = Duration::from_secs(15);

/// What to do, from the command line.
struct Change {
    target: TargetInstanceStatus,
    conflict_retries: u32,
    instances: Vec<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let change = match parse_args(std::env::args().skip(1)) {
        Ok(change) => change,
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(change).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Change, String> {
    let mut change = Change { target: TargetInstanceStatus::Paused, conflict_retries: 3, instances: Vec::new() };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--resume" => change.target = TargetInstanceStatus::Running,
            "--conflict-retries" => {
                let value = args.next().ok_or("--conflict-retries needs a value")?;
                change.conflict_retries =
                    value.parse().map_err(|_| format!("--conflict-retries: not a number: {value:?}"))?;
            }
            flag if flag.starts_with("--") => return Err(format!("unknown argument {flag:?}")),
            _ => change.instances.push(arg),
        }
    }
    if change.instances.is_empty() {
        return Err("no instance given".to_owned());
    }
    Ok(change)
}

async fn run(change: Change) -> Result<(), Box<dyn std::error::Error>> {
    // The key comes from MITHRIL_API_KEY (building fails if it is not set), the address from
    // MITHRIL_BASE_URL if it is set.
    let client = Client::from_env()?;
    let target = &change.target;
    let request = PatchInstanceStatusRequest { instances: change.instances.clone(), status: target.clone() };

    let mut conflicts = 0;
    let changed = loop {
        match client.put_instance_status(request.clone()).await {
            Ok(changed) => break changed,
            Err(Error::Api { error: PutInstanceStatusError::Conflict, .. }) if conflicts < change.conflict_retries => {
                conflicts += 1;
                eprintln!(
                    "an instance is not ready for {target} yet; asking again in {} s ({conflicts}/{})",
                    CONFLICT_WAIT.as_secs(),
                    change.conflict_retries
                );
                print_statuses(&client, &change.instances).await;
                // `tokio::time` needs tokio's `time` feature (the client's runtime enables it here).
                tokio::time::sleep(CONFLICT_WAIT).await;
            }
            Err(Error::Api { error, .. }) => {
                let why = match error {
                    PutInstanceStatusError::NotFound => "one of the instances does not exist".to_owned(),
                    PutInstanceStatusError::Conflict => {
                        print_statuses(&client, &change.instances).await;
                        format!("an instance is still not ready for this change after {} attempt(s)", conflicts + 1)
                    }
                    PutInstanceStatusError::NotImplemented => spot_bid_hint(&client, &change.instances).await,
                    PutInstanceStatusError::UnprocessableEntity(body) => {
                        body.detail.unwrap_or_default().iter().map(|d| d.msg.as_str()).collect::<Vec<_>>().join("; ")
                    }
                    other => format!("{other:?}"),
                };
                return Err(format!("cannot change the instances to {target}: {why}").into());
            }
            Err(other) => return Err(other.into()),
        }
    };

    // The answer holds each instance's status right after the request: STATUS_STOPPING for one
    // being paused, STATUS_CONFIRMED for one being started, the old status if it was not
    // changed.
    let accepted = match target {
        TargetInstanceStatus::Paused => [InstanceStatus::Stopping, InstanceStatus::Paused],
        _ => [InstanceStatus::Confirmed, InstanceStatus::Running],
    };
    println!("requested {target}:");
    let mut unchanged = 0;
    for fid in &change.instances {
        match changed.instances.get(fid) {
            Some(status) if accepted.contains(status) => println!("  {fid:<24} {status}"),
            Some(status) => {
                unchanged += 1;
                println!("  {fid:<24} {status} (left unchanged)");
            }
            None => {
                unchanged += 1;
                println!("  {fid:<24} (missing from the answer)");
            }
        }
    }
    if unchanged > 0 {
        println!("{unchanged} of {} instance(s) not changed", change.instances.len());
    }

    // The change is asynchronous: ask for the current status of each instance.
    println!("now:");
    print_statuses(&client, &change.instances).await;
    Ok(())
}

/// Prints the current status of each instance; an instance whose status cannot be read is
/// listed with the reason.
async fn print_statuses(client: &Client, instances: &[String]) {
    for fid in instances {
        match client.get_instance_status(fid).await {
            Ok(now) => println!("  {fid:<24} {}", now.status),
            Err(e) => println!("  {fid:<24} (cannot read its status: {e})"),
        }
    }
}

/// The explanation of a `501 Not Implemented`: the instances belong to spot bids, which this
/// operation does not pause. It names their bids, which can be paused as a whole.
async fn spot_bid_hint(client: &Client, instances: &[String]) -> String {
    let mut bids = Vec::new();
    for fid in instances {
        if let Ok(Some(bid)) = client.get_instance_status(fid).await.map(|s| s.bid) {
            if !bids.contains(&bid) {
                bids.push(bid);
            }
        }
    }
    let mut why = "instances of spot bids cannot be paused one by one".to_owned();
    if !bids.is_empty() {
        why.push_str(&format!(
            "; pause or resume their bid(s) as a whole with `update_bid` and `paused`: {}",
            bids.join(", ")
        ));
    }
    why
}
