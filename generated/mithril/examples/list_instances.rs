//! Lists every instance of a Mithril project, following the pages lazily.
//!
//! ```sh
//! MITHRIL_API_KEY=fkey_... cargo run -p mithril-client --example list_instances -- <project>
//! ```
//!
//! `MITHRIL_BASE_URL` overrides the API's address (a mock server, a proxy).

use std::process::ExitCode;

use futures_util::StreamExt;
use mithril_client::types::{InstanceSortField, SortDirection};
use mithril_client::{Client, Error};

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(project), None) = (args.next(), args.next()) else {
        eprintln!("usage: list_instances <project>");
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
    // The key comes from MITHRIL_API_KEY (building fails if it is not set), the address from
    // MITHRIL_BASE_URL if it is set.
    let client = Client::from_env()?;

    // `items()` yields the instances of every page in order, requesting the next page (with the
    // previous page's `next_cursor`) only when the current one is used up.
    let mut instances = client
        .get_instances(project)
        .sort_by(InstanceSortField::CreatedAt)
        .sort_dir(SortDirection::Asc)
        .limit(100)
        .items();

    let mut count = 0;
    while let Some(instance) = instances.next().await {
        match instance {
            Ok(instance) => {
                count += 1;
                // An instance belongs to a spot bid or to a reservation.
                let order = instance.bid.as_deref().or(instance.reservation.as_deref()).unwrap_or("-");
                println!(
                    "{:<24} {:<20} {:<20} {:<14} {:<16} {:<18} {}",
                    instance.fid,
                    instance.name,
                    instance.status.as_str(),
                    instance.instance_type,
                    instance.region.as_deref().unwrap_or("-"),
                    order,
                    instance.ssh_destination.as_deref().unwrap_or("-")
                );
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
    println!("{count} instance(s) in {project}");
    Ok(())
}
