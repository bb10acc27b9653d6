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
        eprintln!("usage: list_instances <project>");
        std::process::exit(2);
    };

    // The key comes from MITHRIL_API_KEY; building fails if it is not set.
    let mut builder = Client::builder().require_api_key();
    if let Ok(url) = std::env::var("MITHRIL_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    // `items()` yields the instances of every page in order, requesting the next page (with the
    // previous page's `next_cursor`) only when the current one is used up.
    let mut instances = client
        .get_instances(&project)
        .sort_by(InstanceSortField::CreatedAt)
        .sort_dir(SortDirection::Asc)
        .limit(100)
        .items();

    let mut count = 0;
    while let Some(instance) = instances.next().await {
        match instance {
            Ok(instance) => {
                count += 1;
                println!(
                    "{:<24} {:<20} {:<18} {:<14} {}",
                    instance.fid,
                    instance.name,
                    instance.status.as_str(),
                    instance.instance_type,
                    instance.region.as_deref().unwrap_or("-")
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
