//! Rents the cheapest matching GPU offer on Vast.ai, waits until the instance runs and prints
//! how to connect to it.
//!
//! ```sh
//! VAST_API_KEY=... cargo run -p vast-client --example launch_instance -- \
//!     [--gpu "RTX 4090"]... [--num-gpus 1] [--max-price 0.60] [--image IMAGE] [--disk GB] \
//!     [--label TEXT] [--timeout SECONDS] [--interval SECONDS] [--max-polls N] [--destroy]
//! ```
//!
//! It searches verified, rentable, on-demand offers (cheapest first) and accepts the first one
//! that is still available. Then it reads the instance's `actual_status` every `--interval`
//! seconds (default 10) until it is `running`, for at most `--timeout` seconds (default 600)
//! and, if given, at most `--max-polls` times. Vast's API documents that an instance whose
//! status becomes `exited`, `unknown` or `offline` will never reach `running`, so the wait
//! stops there.
//!
//! With `--destroy` the instance is destroyed at the end, whatever happened before. Without
//! it, the instance keeps running (and costing money) until you destroy it, for instance with
//! the `destroy_instance` example.
//!
//! Exit status: 0 when the instance runs, 1 on an error, 2 on bad arguments, 3 when the
//! instance did not reach `running`. `VAST_BASE_URL` overrides the API's address (a mock
//! server, a proxy).

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::str::FromStr;
use std::time::{Duration, Instant};

// The search filters that have no type of their own, and the offers, are JSON values. The crate
// does not re-export `serde_json`: this example uses the runtime's, your own crate would depend
// on `serde_json` itself.
use sdkgen_runtime::serde_json::{json, Value};
use vast_client::errors::{CreateInstanceError, DestroyInstanceError, SearchOffersError};
use vast_client::types::{
    CreateInstanceRequest, CreateInstanceRequestRuntype, EqModel, InstanceState, SearchOffersRequest,
    StringInFilter, SearchOffersRequestNumGpus, SearchOffersRequestType, ShowInstancesResponseInstancesItem,
};
use vast_client::{Client, Error};

const USAGE: &str = "usage: launch_instance [--gpu MODEL]... [--num-gpus N] [--max-price DOLLARS_PER_HOUR] \
                     [--image IMAGE] [--disk GB] [--label TEXT] [--timeout SECONDS] [--interval SECONDS] \
                     [--max-polls N] [--destroy]";

/// The statuses that Vast's API description says never turn into `running`.
const NEVER_RUNNING: [&str; 3] = ["exited", "unknown", "offline"];

/// How many offers are tried, cheapest first, when the cheapest is taken in the meantime.
const CANDIDATES: i64 = 5;

/// The exit status of an instance that did not reach `running`.
const NOT_RUNNING: u8 = 3;

/// What to rent and how long to wait, from the command line.
struct Launch {
    gpus: Vec<String>,
    num_gpus: i64,
    max_price: Option<f64>,
    image: String,
    disk: f64,
    label: String,
    timeout: Duration,
    interval: Duration,
    max_polls: Option<u32>,
    destroy: bool,
}

/// Why the wait for `running` ended without it.
enum NotRunning {
    /// The instance did not reach `running`; the text says why.
    GaveUp(String),
    /// A call failed.
    Failed(Box<dyn std::error::Error>),
}

#[tokio::main]
async fn main() -> ExitCode {
    let launch = match parse_args(std::env::args().skip(1)) {
        Ok(launch) => launch,
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    // The key comes from VAST_API_KEY (building fails if it is not set), the address from
    // VAST_BASE_URL if it is set.
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };

    let id = match rent_cheapest(&client, &launch).await {
        Ok(id) => id,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };

    let (running, mut code) = match wait_until_running(&client, id, &launch).await {
        Ok(instance) => {
            print_connection(id, &instance);
            (true, ExitCode::SUCCESS)
        }
        Err(NotRunning::GaveUp(why)) => {
            eprintln!("instance {id} will not run: {why}");
            (false, ExitCode::from(NOT_RUNNING))
        }
        Err(NotRunning::Failed(e)) => {
            eprintln!("error while waiting for instance {id}: {e}");
            (false, ExitCode::FAILURE)
        }
    };

    if launch.destroy {
        if let Err(e) = destroy(&client, id).await {
            eprintln!("error: {e}");
            code = ExitCode::FAILURE;
        }
    } else if !running {
        eprintln!(
            "instance {id} still exists and may cost money: \
             cargo run -p vast-client --example destroy_instance -- {id}"
        );
    }
    code
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Launch, String> {
    let mut launch = Launch {
        gpus: Vec::new(),
        num_gpus: 1,
        max_price: None,
        image: "vastai/base-image:@vastai-automatic-tag".to_owned(),
        disk: 16.0,
        label: "vast-client launch_instance example".to_owned(),
        timeout: Duration::from_secs(600),
        interval: Duration::from_secs(10),
        max_polls: None,
        destroy: false,
    };
    while let Some(flag) = args.next() {
        if flag == "--destroy" {
            launch.destroy = true;
            continue;
        }
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--gpu" => launch.gpus.push(value()?),
            "--num-gpus" => launch.num_gpus = parse(&flag, &value()?)?,
            "--max-price" => launch.max_price = Some(parse(&flag, &value()?)?),
            "--image" => launch.image = value()?,
            "--disk" => launch.disk = parse(&flag, &value()?)?,
            "--label" => launch.label = value()?,
            "--timeout" => launch.timeout = Duration::from_secs(parse(&flag, &value()?)?),
            "--interval" => launch.interval = Duration::from_secs(parse(&flag, &value()?)?),
            "--max-polls" => launch.max_polls = Some(parse(&flag, &value()?)?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(launch)
}

fn parse<T: FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value.parse().map_err(|_| format!("{flag}: not a valid value: {value:?}"))
}

/// Searches the matching offers and rents the cheapest one still available; returns the id of
/// the new instance.
async fn rent_cheapest(client: &Client, launch: &Launch) -> Result<i64, Box<dyn std::error::Error>> {
    let filter = |operator: &str, operand: Value| BTreeMap::from([(operator.to_owned(), operand)]);
    let search = SearchOffersRequest {
        limit: Some(CANDIDATES),
        r#type: Some(SearchOffersRequestType::Ondemand),
        verified: Some(EqModel { eq: Some(true) }),
        rentable: Some(EqModel { eq: Some(true) }),
        rented: Some(EqModel { eq: Some(false) }),
        gpu_name: (!launch.gpus.is_empty()).then(|| StringInFilter { r#in: Some(launch.gpus.clone()) }),
        num_gpus: Some(SearchOffersRequestNumGpus { r#in: Some(vec![launch.num_gpus]) }),
        reliability: Some(filter("gte", json!(0.98))),
        dph_total: launch.max_price.map(|max| filter("lte", json!(max))),
        // Cheapest first; among offers of the same price, the most reliable first.
        order: Some(vec![
            vec!["dph_total".to_owned(), "asc".to_owned()],
            vec!["reliability".to_owned(), "desc".to_owned()],
        ]),
        ..Default::default()
    };
    let offers = match client.search_offers(search).await {
        Ok(found) => found.offers.unwrap_or_default(),
        Err(Error::Api { error: SearchOffersError::BadRequest(body), .. }) => {
            return Err(format!("the API refused the search: {}", body.msg.or(body.error).unwrap_or_default()).into());
        }
        // The spec documents 404 as this endpoint's answer to an invalid or missing key.
        Err(Error::Api { error: SearchOffersError::NotFound(_), .. }) => {
            return Err("the API key was refused: check VAST_API_KEY".into());
        }
        Err(other) => return Err(other.into()),
    };
    if offers.is_empty() {
        return Err("no offer matches; try a higher --max-price or other --gpu models".into());
    }

    // The offers are JSON objects (the spec gives them no schema): read the fields by name.
    let mut tried = 0;
    for offer in &offers {
        let Some(offer_id) = offer.get("id").and_then(Value::as_i64) else {
            eprintln!("skipping an offer without an id");
            continue;
        };
        tried += 1;
        println!(
            "offer {offer_id}: {} x {} at ${:.3}/hour in {}",
            offer.get("num_gpus").and_then(Value::as_i64).unwrap_or(0),
            offer.get("gpu_name").and_then(Value::as_str).unwrap_or("?"),
            offer.get("dph_total").and_then(Value::as_f64).unwrap_or(f64::NAN),
            offer.get("geolocation").and_then(Value::as_str).unwrap_or("?"),
        );
        let request = CreateInstanceRequest {
            image: launch.image.clone(),
            template_hash_id: None,
            label: Some(launch.label.clone()),
            disk: Some(launch.disk),
            runtype: Some(CreateInstanceRequestRuntype::Ssh),
            target_state: Some(InstanceState::Running),
            price: None,
            env: None,
            // Fail at once (410) rather than wait if the machine cannot start the instance now.
            cancel_unavail: Some(true),
            vm: None,
            onstart: None,
            args: None,
            args_str: None,
            use_jupyter_lab: None,
            jupyter_dir: None,
            python_utf8: None,
            lang_utf8: None,
            force: None,
            user: None,
            image_login: None,
            volume_info: None,
        };
        match client.create_instance(offer_id, request).await {
            // The id of the new instance is `new_contract`, not `id`.
            Ok(created) => match created.new_contract {
                Some(id) if created.success != Some(false) => {
                    println!("instance {id} created");
                    return Ok(id);
                }
                _ => return Err(format!("the API did not create an instance from offer {offer_id}").into()),
            },
            // Someone else rented it first, or it cannot start now: try the next offer.
            Err(Error::Api {
                error: CreateInstanceError::NotFound(body) | CreateInstanceError::Gone(body), ..
            }) => {
                println!(
                    "  not available any more ({}); trying the next offer",
                    body.msg.or(body.error).unwrap_or_default()
                );
            }
            Err(Error::Api { error: CreateInstanceError::BadRequest(body), .. }) => {
                let kind = body.error.map(|e| e.to_string()).unwrap_or_default();
                return Err(format!("the API refused the request ({kind}): {}", body.msg.unwrap_or_default()).into());
            }
            Err(Error::Api { error: CreateInstanceError::Forbidden(body), .. }) => {
                return Err(format!(
                    "not allowed to rent offer {offer_id}: {}",
                    body.msg.or(body.error).unwrap_or_default()
                )
                .into());
            }
            Err(Error::Api { error: CreateInstanceError::Unauthorized(_), .. }) => {
                return Err("the API key was refused: check VAST_API_KEY".into());
            }
            Err(other) => return Err(other.into()),
        }
    }
    if tried == 0 {
        return Err("none of the offers found has an id to rent".into());
    }
    Err(format!("none of the {tried} cheapest matching offer(s) could be rented; try again").into())
}

/// Reads the instance's status until it is `running`, becomes a status that never turns into
/// `running`, or the deadline or the poll limit is reached.
async fn wait_until_running(
    client: &Client,
    id: i64,
    launch: &Launch,
) -> Result<ShowInstancesResponseInstancesItem, NotRunning> {
    let start = Instant::now();
    let deadline = start + launch.timeout;
    // The listing of `GET /api/v1/instances`, filtered by id, describes the instance with its
    // port mappings (which say how to connect).
    let only_this_one = format!(r#"{{"id":{{"eq":{id}}}}}"#);
    let mut last_status: Option<String> = None;
    let mut polls = 0u32;
    loop {
        polls += 1;
        let page = client
            .show_instances()
            .select_filters(only_this_one.clone())
            .limit(1)
            .await
            .map_err(|e| NotRunning::Failed(e.into()))?;
        let instance = page.instances.unwrap_or_default().into_iter().next();
        // A new instance may not be listed yet, and has no status until its machine reports one.
        let status = instance.as_ref().and_then(|i| i.actual_status.clone());
        if polls == 1 || status != last_status {
            let message = instance.as_ref().and_then(|i| i.status_msg.as_deref()).unwrap_or("");
            println!(
                "  after {:>3} s: {} {message}",
                start.elapsed().as_secs(),
                status.as_deref().unwrap_or("(no status yet)")
            );
        }
        match (status.as_deref(), instance) {
            (Some("running"), Some(instance)) => return Ok(instance),
            (Some(dead), _) if NEVER_RUNNING.contains(&dead) => {
                return Err(NotRunning::GaveUp(format!(
                    "its status is {dead:?}, which never turns into running; destroy it and try another offer"
                )));
            }
            _ => {}
        }
        last_status = status;
        let shown = last_status.as_deref().unwrap_or("without a status");
        if launch.max_polls.is_some_and(|max| polls >= max) {
            return Err(NotRunning::GaveUp(format!("still {shown} after {polls} poll(s)")));
        }
        if Instant::now() + launch.interval > deadline {
            return Err(NotRunning::GaveUp(format!("still {shown} after {} s", launch.timeout.as_secs())));
        }
        // `tokio::time` needs tokio's `time` feature (the client's runtime enables it here).
        tokio::time::sleep(launch.interval).await;
    }
}

/// Prints the commands that connect to a running instance.
fn print_connection(id: i64, instance: &ShowInstancesResponseInstancesItem) {
    println!("instance {id} is running");
    if let (Some(host), Some(port)) = (&instance.ssh_host, instance.ssh_port) {
        println!("  ssh -p {port} root@{host}");
    }
    // Direct connections go to the machine's public address, on the host ports mapped to the
    // container's ports.
    if let (Some(ip), Some(ports)) = (&instance.public_ipaddr, &instance.ports) {
        for (container_port, bindings) in ports {
            for host_port in bindings.iter().filter_map(|b| b.host_port.as_deref()) {
                if container_port == "22/tcp" {
                    println!("  ssh -p {host_port} root@{ip}   (direct)");
                } else {
                    println!("  {container_port} is reachable at {ip}:{host_port}");
                }
            }
        }
    }
}

/// Destroys the instance.
async fn destroy(client: &Client, id: i64) -> Result<(), Box<dyn std::error::Error>> {
    match client.destroy_instance(id).await {
        Ok(done) if done.success == Some(false) => {
            Err(format!("the API did not destroy instance {id}: {}", done.msg.unwrap_or_default()).into())
        }
        Ok(_) => {
            println!("instance {id} destroyed");
            Ok(())
        }
        Err(Error::Api { error: DestroyInstanceError::NotFound(_), .. }) => {
            println!("instance {id} is already gone");
            Ok(())
        }
        Err(other) => Err(format!("cannot destroy instance {id} ({other}); destroy it by hand").into()),
    }
}
