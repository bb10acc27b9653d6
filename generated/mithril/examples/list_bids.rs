//! Lists every spot bid of a Mithril project, following the pages lazily.
//!
//! ```sh
//! MITHRIL_API_KEY=fkey_... cargo run -p mithril-client --example list_bids -- <project>
//! ```
//!
//! `MITHRIL_BASE_URL` overrides the API's address (a mock server, a proxy).

use std::process::ExitCode;

use futures_util::StreamExt;
use mithril_client::types::{SortField, SortDirection};
use mithril_client::{Client, Error};

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(project), None) = (args.next(), args.next()) else {
        eprintln!("usage: list_bids <project>");
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

    // Without `project` the API lists the bids of every project of the user. `items()` yields
    // the bids of every page in order, requesting the next page only when it is needed.
    let mut bids =
        client.get_bids().project(project).sort_by(SortField::CreatedAt).sort_dir(SortDirection::Asc).limit(100).items();

    let mut count = 0;
    while let Some(bid) = bids.next().await {
        match bid {
            Ok(bid) => {
                count += 1;
                println!(
                    "{:<20} {:<20} {:<11} {:<14} {:<16} {:>10}/h  {}/{} instance(s)",
                    bid.fid,
                    bid.name,
                    bid.status.as_str(),
                    bid.instance_type,
                    bid.region.as_deref().unwrap_or("-"),
                    bid.limit_price,
                    bid.instances.len(),
                    bid.instance_quantity
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
    println!("{count} bid(s) in {project}");
    Ok(())
}
