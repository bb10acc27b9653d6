//! Searches Vast.ai's marketplace for GPU offers and prints the cheapest ones as a table.
//!
//! ```sh
//! VAST_API_KEY=... cargo run -p vast-client --example search_offers -- \
//!     [--gpu "RTX 4090"]... [--num-gpus 1] [--max-price 0.60] [--min-reliability 0.98] [--limit 10]
//! ```
//!
//! Only verified, rentable, on-demand offers are listed, cheapest first. `--gpu` may be given
//! several times (any of the models matches); `--max-price` is the total price in $/hour.
//! `VAST_BASE_URL` overrides the API's address (a mock server, a proxy).

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::str::FromStr;

// The search filters that have no type of their own, and the offers, are JSON values. The crate
// does not re-export `serde_json`: this example uses the runtime's, your own crate would depend
// on `serde_json` itself.
use sdkgen_runtime::serde_json::{json, Value};
use vast_client::errors::SearchOffersError;
use vast_client::types::{
    EqModel, SearchOffersRequest, StringInFilter, SearchOffersRequestNumGpus, SearchOffersRequestType,
};
use vast_client::{Client, Error};

const USAGE: &str = "usage: search_offers [--gpu MODEL]... [--num-gpus N] [--max-price DOLLARS_PER_HOUR] \
                     [--min-reliability 0..1] [--limit N]";

/// What to search for, from the command line.
struct Search {
    gpus: Vec<String>,
    num_gpus: i64,
    max_price: Option<f64>,
    min_reliability: f64,
    limit: i64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let search = match parse_args(std::env::args().skip(1)) {
        Ok(search) => search,
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(search).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Search, String> {
    let mut search = Search { gpus: Vec::new(), num_gpus: 1, max_price: None, min_reliability: 0.98, limit: 10 };
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--gpu" => search.gpus.push(value()?),
            "--num-gpus" => search.num_gpus = parse(&flag, &value()?)?,
            "--max-price" => search.max_price = Some(parse(&flag, &value()?)?),
            "--min-reliability" => search.min_reliability = parse(&flag, &value()?)?,
            "--limit" => search.limit = parse(&flag, &value()?)?,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(search)
}

fn parse<T: FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value.parse().map_err(|_| format!("{flag}: not a valid value: {value:?}"))
}

/// One filter operator and its operand, such as `{"gte": 0.98}`.
fn filter(operator: &str, operand: Value) -> BTreeMap<String, Value> {
    BTreeMap::from([(operator.to_owned(), operand)])
}

async fn run(search: Search) -> Result<(), Box<dyn std::error::Error>> {
    // The key comes from VAST_API_KEY (building fails if it is not set), the address from
    // VAST_BASE_URL if it is set.
    let client = Client::from_env()?;

    let request = SearchOffersRequest {
        limit: Some(search.limit),
        r#type: Some(SearchOffersRequestType::Ondemand),
        verified: Some(EqModel { eq: Some(true) }),
        rentable: Some(EqModel { eq: Some(true) }),
        rented: Some(EqModel { eq: Some(false) }),
        gpu_name: (!search.gpus.is_empty()).then(|| StringInFilter { r#in: Some(search.gpus.clone()) }),
        num_gpus: Some(SearchOffersRequestNumGpus { r#in: Some(vec![search.num_gpus]) }),
        reliability: Some(filter("gte", json!(search.min_reliability))),
        dph_total: search.max_price.map(|max| filter("lte", json!(max))),
        // Cheapest first; among offers of the same price, the most reliable first.
        order: Some(vec![
            vec!["dph_total".to_owned(), "asc".to_owned()],
            vec!["reliability".to_owned(), "desc".to_owned()],
        ]),
        ..Default::default()
    };

    let offers = match client.search_offers(request).await {
        Ok(found) => found.offers.unwrap_or_default(),
        Err(Error::Api { error: SearchOffersError::BadRequest(body), .. }) => {
            let why = body.msg.or(body.error).unwrap_or_default();
            return Err(format!("the API refused the search: {why}").into());
        }
        // The spec documents 404 as this endpoint's answer to an invalid or missing key.
        Err(Error::Api { error: SearchOffersError::NotFound(_), .. }) => {
            return Err("the API key was refused: check VAST_API_KEY".into());
        }
        Err(other) => return Err(other.into()),
    };

    if offers.is_empty() {
        println!("no offer matches; try a higher --max-price, a lower --min-reliability or other --gpu models");
        return Ok(());
    }

    // The offers are JSON objects (the spec gives them no schema): read the fields by name.
    println!(
        "{:>10}  {:<22} {:>8} {:>8} {:>7}  {:<28} {:>9}",
        "offer", "gpus", "vram/gpu", "$/hour", "reliab.", "location", "down MB/s"
    );
    for offer in &offers {
        let gpus = format!("{} x {}", integer(offer, "num_gpus").unwrap_or(0), text(offer, "gpu_name"));
        let vram = number(offer, "gpu_ram").map(|mb| format!("{:.0} GB", mb / 1024.0)).unwrap_or_default();
        let reliability = number(offer, "reliability").or_else(|| number(offer, "reliability2"));
        println!(
            "{:>10}  {:<22} {:>8} {:>8} {:>7}  {:<28} {:>9}",
            integer(offer, "id").map(|id| id.to_string()).unwrap_or_else(|| "-".into()),
            gpus,
            vram,
            number(offer, "dph_total").map(|p| format!("{p:.3}")).unwrap_or_default(),
            reliability.map(|r| format!("{r:.3}")).unwrap_or_default(),
            text(offer, "geolocation"),
            number(offer, "inet_down").map(|d| format!("{d:.0}")).unwrap_or_default(),
        );
    }
    println!("{} offer(s); rent one with the launch_instance example", offers.len());
    Ok(())
}

/// A numeric field of an offer.
fn number(offer: &BTreeMap<String, Value>, field: &str) -> Option<f64> {
    offer.get(field).and_then(Value::as_f64)
}

/// An integer field of an offer.
fn integer(offer: &BTreeMap<String, Value>, field: &str) -> Option<i64> {
    offer.get(field).and_then(Value::as_i64)
}

/// A text field of an offer, `-` when it is missing or not text.
fn text<'a>(offer: &'a BTreeMap<String, Value>, field: &str) -> &'a str {
    offer.get(field).and_then(Value::as_str).unwrap_or("-")
}
