//! Runtime measurements of the generated Mithril client against hand-written
//! reqwest + serde_json code doing the same work: per-call overhead, decode
//! throughput and pagination (time and peak memory).
//!
//! Every comparison runs both sides in the same process, interleaved round
//! by round (the order alternating), and reports the median of the
//! per-round ratios, so that drift of the machine affects both sides alike.

use std::fmt::Write;
use std::hint::black_box;
use std::time::Duration;

use futures_util::StreamExt;
use fixture_excerpt_mithril::types::{
    GetInstancesResponse, InstanceModel, InstanceStatus, InstanceStatusResponse,
};
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, USER_AGENT};
use reqwest::StatusCode;

use crate::alloc::Tracking;
use crate::data::{self, HandInstanceStatus, HandPage, HandPageOf};
use crate::server::Server;
use crate::stats::{bytes, median, median_sample, pct, time, Goal, Pair, Timer};

const API_KEY: &str = "bench-key";
const PAGE_SIZE: usize = 100;
const CLIENTS: [&str; 2] = ["generated client", "hand-written reqwest + serde_json"];

/// How much work each measurement does.
#[derive(Debug, Clone, Copy)]
pub struct Effort {
    pub call_rounds: usize,
    pub calls_per_round: usize,
    pub decode_rounds: usize,
    pub page_rounds: usize,
    pub memory_repeats: usize,
}

impl Effort {
    pub fn new(quick: bool) -> Effort {
        if quick {
            Effort {
                call_rounds: 6,
                calls_per_round: 200,
                decode_rounds: 4,
                page_rounds: 2,
                memory_repeats: 1,
            }
        } else {
            Effort {
                call_rounds: 100,
                calls_per_round: 300,
                decode_rounds: 120,
                page_rounds: 16,
                memory_repeats: 3,
            }
        }
    }
}

/// The hand-written client: the same reqwest settings as the runtime's
/// default (a 10 s connect timeout), the same headers.
struct Hand {
    http: reqwest::Client,
    base: String,
    authorization: HeaderValue,
    user_agent: HeaderValue,
}

impl Hand {
    fn new(base: &str) -> Hand {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .build()
            .expect("reqwest client");
        Hand {
            http,
            base: base.to_owned(),
            authorization: HeaderValue::try_from(format!("Bearer {API_KEY}")).expect("header"),
            user_agent: HeaderValue::from_static(concat!("mithril-client/", "0.1.0")),
        }
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, url: String) -> T {
        let response = self
            .http
            .get(url)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(USER_AGENT, self.user_agent.clone())
            .header(AUTHORIZATION, self.authorization.clone())
            .send()
            .await
            .expect("hand-written request");
        assert_eq!(response.status(), StatusCode::OK);
        let body = response.bytes().await.expect("hand-written body");
        serde_json::from_slice(&body).expect("hand-written decode")
    }

    async fn status(&self, fid: &str) -> HandInstanceStatus {
        self.get(format!("{}/v2/instances/{fid}/status", self.base))
            .await
    }

    /// Every item of every page, the way one writes the loop by hand;
    /// returns the number of items and a digest of their ids.
    async fn all_items(&self, project: &str) -> (usize, usize) {
        let (mut count, mut digest) = (0, 0);
        let mut cursor: Option<String> = None;
        loop {
            let url = match &cursor {
                Some(c) => format!(
                    "{}/v2/instances?next_cursor={c}&project={project}&limit={PAGE_SIZE}",
                    self.base
                ),
                None => format!(
                    "{}/v2/instances?project={project}&limit={PAGE_SIZE}",
                    self.base
                ),
            };
            let page: HandPage = self.get(url).await;
            if page.data.is_empty() {
                break;
            }
            for item in page.data {
                count += 1;
                digest += item.fid.len();
            }
            match page.next_cursor {
                Some(c) if !c.is_empty() => cursor = Some(c),
                _ => break,
            }
        }
        (count, digest)
    }
}

/// Every item, following the cursor by hand with the generated builder's
/// `.send()` (no `Pages`/`Items` stream).
async fn generated_manual_loop(client: &fixture_excerpt_mithril::Client, project: &str) -> (usize, usize) {
    let (mut count, mut digest) = (0, 0);
    let mut cursor: Option<String> = None;
    loop {
        let mut request = client.get_instances(project).limit(PAGE_SIZE as i64);
        if let Some(c) = cursor.take() {
            request = request.next_cursor(c);
        }
        let page = request.send().await.expect("generated page");
        if page.data.is_empty() {
            break;
        }
        for item in page.data {
            count += 1;
            digest += item.fid.len();
        }
        match page.next_cursor {
            Some(c) if !c.is_empty() => cursor = Some(c),
            _ => break,
        }
    }
    (count, digest)
}

fn generated_client(base: &str) -> fixture_excerpt_mithril::Client {
    fixture_excerpt_mithril::Client::builder()
        .api_key(API_KEY)
        .base_url(base)
        .build()
        .expect("generated client")
}

async fn generated_status(client: &fixture_excerpt_mithril::Client) -> InstanceStatusResponse {
    client
        .get_instance_status("inst_1")
        .await
        .expect("generated call")
}

async fn generated_all_items(client: &fixture_excerpt_mithril::Client, project: &str) -> (usize, usize) {
    let (mut count, mut digest) = (0, 0);
    let mut items = client
        .get_instances(project)
        .limit(PAGE_SIZE as i64)
        .items();
    while let Some(item) = items.next().await {
        let item = item.expect("generated page");
        count += 1;
        digest += item.fid.len();
    }
    (count, digest)
}

/// The comparison table and ratio lines shared by sections 4–6b.
fn write_pair(
    out: &mut String,
    pair: &Pair,
    names: [&str; 2],
    unit: &str,
    rate: (&str, &dyn Fn(f64) -> String),
) {
    let (g, h) = (median_sample(&pair.generated), median_sample(&pair.hand));
    let _ = writeln!(
        out,
        "| | wall clock per {unit} | client CPU per {unit} | {} |\n|---|---:|---:|---:|",
        rate.0
    );
    let per_unit = rate.1;
    for (name, t) in [(names[0], g), (names[1], h)] {
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} |",
            time(t.wall),
            time(t.cpu),
            per_unit(t.wall)
        );
    }
    let _ = writeln!(
        out,
        "\nGenerated vs hand-written, median of the per-round ratios: wall clock **{}** (middle half of the rounds {}), \
         client CPU **{}** (middle half {}).\n",
        pct(pair.wall_ratio()),
        pair.wall_spread(),
        pct(pair.cpu_ratio()),
        pair.cpu_spread()
    );
}

/// Pins the calling thread, and so the threads and processes it starts
/// later, to the last CPU it may run on; returns that CPU.
///
/// A request to a server on another CPU has to wake that CPU up: on a small
/// virtual machine such wake-ups are slow and vary widely from one moment to
/// the next (per-call times changed fourfold between runs). On one CPU each
/// round trip is two context switches, and the comparison measures the work
/// done rather than the hypervisor.
fn pin_to_one_cpu() -> Option<usize> {
    // SAFETY: `set` is a plain bit set, initialised by `CPU_ZERO` and only
    // touched through the libc helpers, with its own size passed along.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return None;
        }
        let cpu = (0..libc::CPU_SETSIZE as usize)
            .rev()
            .find(|&c| libc::CPU_ISSET(c, &set))?;
        libc::CPU_ZERO(&mut set);
        libc::CPU_SET(cpu, &mut set);
        (libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0)
            .then_some(cpu)
    }
}

/// `parts` selects among `calls`, `decode`, `memory` and `pages`.
pub fn run(
    effort: Effort,
    parts: &dyn Fn(&str) -> bool,
    out: &mut String,
    goals: &mut Vec<Goal>,
) -> Result<(), String> {
    let cpu = pin_to_one_cpu();
    let setup = format!(
        "Sections 4–6 run the client on one thread (a current-thread Tokio runtime) and the loopback server in a child process, \
         {}: a request to a server on another CPU would have to wake that CPU, which on this kind of small virtual machine is slow \
         and erratic; on one CPU every round trip costs two context switches, the same for both sides.\n\n",
        match cpu {
            Some(c) => format!("both pinned to CPU {c}"),
            None => "free to use any CPU (pinning them to one failed)".to_owned(),
        }
    );
    let server = Server::spawn()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        if parts("calls") {
            per_call(&server.url, effort, &setup, out, goals).await;
        }
        if parts("decode") {
            decode(effort, out, goals);
        }
        if parts("memory") {
            pagination_memory(&server.url, effort, out, goals).await;
        }
        if parts("pages") {
            pagination_time(&server.url, effort, out, goals).await;
        }
    });
    Ok(())
}

async fn per_call(
    base: &str,
    effort: Effort,
    setup: &str,
    out: &mut String,
    goals: &mut Vec<Goal>,
) {
    eprintln!(
        "  per-call overhead ({} rounds of {} calls each side)",
        effort.call_rounds, effort.calls_per_round
    );
    let client = generated_client(base);
    let hand = Hand::new(base);
    // Both answers must carry the same data.
    let (g, h) = (generated_status(&client).await, hand.status("inst_1").await);
    assert_eq!(
        data::digest_status_generated(&g),
        data::digest_status_hand(&h),
        "the two decodings differ"
    );
    for _ in 0..effort.calls_per_round {
        black_box(generated_status(&client).await);
        black_box(hand.status("inst_1").await);
    }
    let n = effort.calls_per_round;
    let mut pair = Pair::default();
    for round in 0..effort.call_rounds {
        let mut samples = [None, None];
        for side in [round % 2, 1 - round % 2] {
            let t = Timer::start();
            if side == 0 {
                for _ in 0..n {
                    black_box(generated_status(&client).await);
                }
            } else {
                for _ in 0..n {
                    black_box(hand.status("inst_1").await);
                }
            }
            samples[side] = Some(t.stop(n));
        }
        pair.push(samples[0].expect("measured"), samples[1].expect("measured"));
    }
    let _ = writeln!(out, "### 4. Per-call overhead\n");
    out.push_str(setup);
    let _ = writeln!(
        out,
        "`client.get_instance_status(\"inst_1\").await` (generated `mithril-client`, default settings) against a hand-written \
         `reqwest` GET with the same headers (`Authorization`, `User-Agent`, `Accept`), the same URL and the same 10 s connect timeout, \
         whose body is decoded with `serde_json::from_slice` into a hand-written struct. Both talk to the same loopback server \
         (a lean keep-alive HTTP/1.1 responder in its own process, answering a fixed {}-byte body). \
         {} rounds of {} calls per side, sides alternating; times are medians of the round means. \
         Client CPU is the CPU time of the measuring thread, which runs the whole client.\n",
        data::status_body("inst_1").len(),
        effort.call_rounds,
        n
    );
    write_pair(
        out,
        &pair,
        CLIENTS,
        "call",
        ("calls/s", &|t| format!("{:.0}", 1.0 / t)),
    );
    let (g, h) = (median_sample(&pair.generated), median_sample(&pair.hand));
    let _ = writeln!(
        out,
        "Added by the generated client: {} wall clock, {} CPU per call.\n",
        time(g.wall - h.wall),
        time(g.cpu - h.cpu)
    );
    let tracking = Tracking::start();
    for _ in 0..n {
        black_box(generated_status(&client).await);
    }
    let generated = tracking.allocations();
    drop(tracking);
    let tracking = Tracking::start();
    for _ in 0..n {
        black_box(hand.status("inst_1").await);
    }
    let handwritten = tracking.allocations();
    drop(tracking);
    let future = std::mem::size_of_val(&client.get_instance_status("inst_1").send());
    let _ = writeln!(
        out,
        "Size of the future `.await` boxes (`IntoFuture`): {future} bytes.\n"
    );
    let _ = writeln!(
        out,
        "Heap allocations per call (a growing reallocation counts as one): generated {:.1} ({:.0} bytes), hand-written {:.1} ({:.0} bytes).\n",
        generated.0 as f64 / n as f64,
        generated.1 as f64 / n as f64,
        handwritten.0 as f64 / n as f64,
        handwritten.1 as f64 / n as f64
    );
    let ratio = pair.wall_ratio();
    goals.push(Goal::new(
        "per-call overhead within 5 % of hand-written",
        format!(
            "{} wall clock ({} client CPU)",
            pct(ratio),
            pct(pair.cpu_ratio())
        ),
        ratio <= 1.05,
    ));
}

fn decode(effort: Effort, out: &mut String, goals: &mut Vec<Goal>) {
    const N: usize = 10_000;
    let mut body = String::new();
    data::write_page(&mut body, N, N, 0);
    let body = body.into_bytes();
    eprintln!(
        "  decode throughput ({} rounds, {} body)",
        effort.decode_rounds,
        bytes(body.len() as f64)
    );
    let g: GetInstancesResponse = sdkgen_runtime::json(&body).expect("generated decode");
    let h: HandPage = serde_json::from_slice(&body).expect("hand-written decode");
    let m: HandPageOf<InstanceStatus> = serde_json::from_slice(&body).expect("hand-written decode");
    assert_eq!(g.data.len(), N);
    let digest = data::digest_generated(&g.data);
    assert_eq!(
        digest,
        data::digest_hand(&h.data),
        "the two decodings differ"
    );
    assert_eq!(
        digest,
        data::digest_hand(&m.data),
        "the two decodings differ"
    );
    drop((g, h, m));
    // Three ways, in rotating order: generated types, hand-written structs,
    // hand-written structs with the generated status enum.
    let (mut pair, mut mixed) = (Pair::default(), Pair::default());
    for round in 0..effort.decode_rounds + 1 {
        let mut samples = [None, None, None];
        for k in 0..3 {
            let way = (round + k) % 3;
            let t = Timer::start();
            match way {
                0 => {
                    let v = black_box(sdkgen_runtime::json::<GetInstancesResponse>(black_box(
                        &body,
                    )));
                    samples[0] = Some(t.stop(1));
                    drop(v);
                }
                1 => {
                    let v = black_box(serde_json::from_slice::<HandPage>(black_box(&body)));
                    samples[1] = Some(t.stop(1));
                    drop(v);
                }
                _ => {
                    let v = black_box(serde_json::from_slice::<HandPageOf<InstanceStatus>>(
                        black_box(&body),
                    ));
                    samples[2] = Some(t.stop(1));
                    drop(v);
                }
            }
        }
        // The first round warms caches and the allocator.
        if round > 0 {
            let [g, h, m] = samples.map(|s| s.expect("measured"));
            pair.push(g, h);
            mixed.push(m, h);
        }
    }
    let mb = body.len() as f64 / 1e6;
    let _ = writeln!(out, "### 5. Decode throughput\n");
    let _ = writeln!(
        out,
        "A `GetInstancesResponse` of {N} instances ({mb:.2} MB of JSON, every property of `InstanceModel`, optional ones present, \
         absent or `null` in turn) decoded from memory the way the generated operation decodes it (`sdkgen_runtime::json`, i.e. \
         `serde_json::from_slice` into the generated types, whose string enum goes through `deserialize_str_enum` and whose \
         `created_at` is a `sdkgen_runtime::Timestamp`), against `serde_json::from_slice` into hand-written `#[derive(Deserialize)]` \
         structs (the status a derived enum with `#[serde(other)]`, `created_at` a `String`): the cost of typed timestamps is part of \
         the difference. \
         Dropping the result is not timed. {} rounds, the order rotating; \"MB/s\" from the median wall-clock time.\n",
        effort.decode_rounds
    );
    write_pair(
        out,
        &pair,
        ["generated types", "hand-written structs"],
        "decode",
        ("throughput", &|t| format!("{:.0} MB/s", mb / t)),
    );
    let _ = writeln!(
        out,
        "The hand-written structs with the generated `InstanceStatus` (forward-compatible: `Unknown(String)` catch-all, decoded by \
         `deserialize_str_enum`) in place of the derived enum: {} vs the hand-written structs (CPU {}), i.e. the status type \
         accounts for that much of the difference.\n",
        pct(mixed.wall_ratio()),
        pct(mixed.cpu_ratio())
    );
    let ratio = pair.wall_ratio();
    goals.push(Goal::new(
        "decode within 5 % of hand-written serde_json",
        format!(
            "{} ({:.0} vs {:.0} MB/s)",
            pct(ratio),
            mb / median_sample(&pair.generated).wall,
            mb / median_sample(&pair.hand).wall
        ),
        ratio <= 1.05,
    ));
}

async fn pagination_memory(base: &str, effort: Effort, out: &mut String, goals: &mut Vec<Goal>) {
    eprintln!("  pagination peak memory");
    // (total, way, peaks, left at the end of the stream)
    let mut rows: Vec<(usize, &str, Vec<f64>, Vec<f64>)> = [
        (10_000, "generated `.items()`"),
        (100_000, "generated `.items()`"),
        (10_000, "hand-written loop"),
        (100_000, "hand-written loop"),
    ]
    .into_iter()
    .map(|(total, way)| (total, way, Vec::new(), Vec::new()))
    .collect();
    let tracking = Tracking::start();
    let client = generated_client(base);
    let hand = Hand::new(base);
    black_box(generated_status(&client).await);
    black_box(hand.status("inst_1").await);
    // Warm up both paths (connection buffers reach their working size).
    generated_all_items(&client, &data::project_for(2 * PAGE_SIZE)).await;
    hand.all_items(&data::project_for(2 * PAGE_SIZE)).await;
    for _ in 0..effort.memory_repeats {
        for row in rows.iter_mut() {
            let project = data::project_for(row.0);
            let before = tracking.live();
            tracking.reset_peak();
            let (count, retained) = if row.1.starts_with("generated") {
                let mut n = 0;
                let mut items = client
                    .get_instances(&project)
                    .limit(PAGE_SIZE as i64)
                    .items();
                while let Some(item) = items.next().await {
                    black_box(item.expect("page"));
                    n += 1;
                }
                let retained = tracking.live() - before;
                drop(items);
                (n, retained)
            } else {
                let (n, _) = hand.all_items(&project).await;
                (n, tracking.live() - before)
            };
            assert_eq!(count, row.0);
            row.2.push((tracking.peak() - before) as f64);
            row.3.push(retained as f64);
        }
    }
    // For scale: what holding every item at once costs.
    let before = tracking.live();
    tracking.reset_peak();
    let all: Vec<_> = client
        .get_instances(data::project_for(100_000))
        .limit(PAGE_SIZE as i64)
        .items()
        .collect::<Vec<_>>()
        .await;
    let collected_peak = (tracking.peak() - before) as f64;
    assert_eq!(all.len(), 100_000);
    drop(all);
    drop(tracking);

    let mut page = String::new();
    data::write_page(&mut page, 100_000, PAGE_SIZE, 1);
    let _ = writeln!(out, "### 6a. Pagination: peak memory\n");
    let _ = writeln!(
        out,
        "Every item of a listing of 10,000 items (100 pages) and of 100,000 items (1,000 pages), {PAGE_SIZE} items per page \
         (one page is {} of JSON), read one by one and dropped. Peak live heap of the whole measuring process (a counting global \
         allocator), above the level before the stream was created; the client and its keep-alive connection exist beforehand. \
         \"Left at the end\" is what is still allocated when the last item has been read, before the stream is dropped. \
         Median of {} runs (max in brackets).\n",
        bytes(page.len() as f64),
        effort.memory_repeats
    );
    let _ = writeln!(
        out,
        "| | items / pages | peak live heap | left at the end |\n|---|---|---:|---:|"
    );
    let max = |v: &[f64]| v.iter().copied().fold(f64::MIN, f64::max);
    for (total, name, peaks, retained) in &rows {
        let _ = writeln!(
            out,
            "| {name} | {total} / {} | {} ({}) | {} |",
            total / PAGE_SIZE,
            bytes(median(peaks)),
            bytes(max(peaks)),
            bytes(median(retained))
        );
    }
    let _ = writeln!(
        out,
        "| generated `.items()` collected into a `Vec` (for scale) | 100000 / 1000 | {} | |",
        bytes(collected_peak)
    );
    let _ = writeln!(
        out,
        "\nOne page of decoded items holds {PAGE_SIZE} × {} bytes (`size_of::<InstanceModel>()`) plus their strings.",
        std::mem::size_of::<InstanceModel>()
    );
    let (small, large) = (median(&rows[0].2), median(&rows[1].2));
    let growth = large / small;
    let kept = (median(&rows[1].3) - median(&rows[0].3)) / (rows[1].0 - rows[0].0) as f64
        * PAGE_SIZE as f64;
    let _ = writeln!(
        out,
        "What `.items()` still holds at the end grows by {kept:.0} bytes per page between 100 and 1,000 pages: the stream \
         remembers every cursor it has seen (to detect a server repeating one)."
    );
    // Within noise: the larger run's peak at most 5 % (and 8 KiB) above the smaller one's.
    let met = large <= small * 1.05 || large - small <= 8.0 * 1024.0;
    let _ = writeln!(
        out,
        "\nGenerated `.items()`: the peak for 100,000 items differs by {} from the peak for 10,000 items ({} → {}).\n",
        pct(growth),
        bytes(small),
        bytes(large)
    );
    goals.push(Goal::new(
        "pagination peak memory independent of the total (10k vs 100k items)",
        format!("{} → {} ({})", bytes(small), bytes(large), pct(growth)),
        met,
    ));
}

async fn pagination_time(base: &str, effort: Effort, out: &mut String, goals: &mut Vec<Goal>) {
    const TOTAL: usize = 100_000;
    eprintln!(
        "  pagination time ({} rounds of {TOTAL} items each way)",
        effort.page_rounds
    );
    let project = data::project_for(TOTAL);
    let client = generated_client(base);
    let hand = Hand::new(base);
    let small = data::project_for(10 * PAGE_SIZE);
    let expected = hand.all_items(&small).await;
    assert_eq!(generated_all_items(&client, &small).await, expected);
    assert_eq!(generated_manual_loop(&client, &small).await, expected);
    let pages = TOTAL / PAGE_SIZE;
    // Three ways, in rotating order: `.items()`, the hand-written loop, and
    // a loop over the generated builder's `.send()`.
    let (mut items, mut manual) = (Pair::default(), Pair::default());
    for round in 0..effort.page_rounds {
        let mut samples = [None, None, None];
        for k in 0..3 {
            let way = (round + k) % 3;
            let t = Timer::start();
            let (count, _) = match way {
                0 => generated_all_items(&client, &project).await,
                1 => hand.all_items(&project).await,
                _ => generated_manual_loop(&client, &project).await,
            };
            samples[way] = Some(t.stop(pages));
            assert_eq!(count, TOTAL);
        }
        let [a, b, c] = samples.map(|s| s.expect("measured"));
        items.push(a, b);
        manual.push(c, b);
    }
    let mut allocations = Vec::new();
    for way in 0..3 {
        let tracking = Tracking::start();
        match way {
            0 => generated_all_items(&client, &small).await,
            1 => hand.all_items(&small).await,
            _ => generated_manual_loop(&client, &small).await,
        };
        allocations.push(tracking.allocations());
    }
    let _ = writeln!(out, "### 6b. Pagination: time\n");
    let _ = writeln!(
        out,
        "All {TOTAL} items over {pages} pages ({PAGE_SIZE} per page) from the loopback server: generated \
         `client.get_instances(p).limit({PAGE_SIZE}).items()` against a hand-written loop (reqwest GET, `serde_json::from_slice` into \
         hand-written structs, follow `next_cursor`). {} rounds, the order rotating; times per page.\n",
        effort.page_rounds
    );
    write_pair(
        out,
        &items,
        ["generated `.items()`", "hand-written loop"],
        "page",
        ("items/s", &|t| format!("{:.0}", PAGE_SIZE as f64 / t)),
    );
    let g = median_sample(&items.generated);
    let _ = writeln!(
        out,
        "All {TOTAL} items through `.items()` take {}.\n",
        time(g.wall * pages as f64)
    );
    let m = median_sample(&manual.generated);
    let _ = writeln!(
        out,
        "For comparison, the same loop written by hand over the generated builder (`.next_cursor(c).send().await`, no stream): \
         {} wall clock, {} CPU per page; vs the hand-written loop: wall clock {} (middle half {}), CPU {} (middle half {}).\n",
        time(m.wall),
        time(m.cpu),
        pct(manual.wall_ratio()),
        manual.wall_spread(),
        pct(manual.cpu_ratio()),
        manual.cpu_spread()
    );
    let small_pages = 10.0;
    let per = |(n, b): (usize, usize)| {
        format!(
            "{:.0} ({:.1} KiB)",
            n as f64 / small_pages,
            b as f64 / small_pages / 1024.0
        )
    };
    let _ = writeln!(
        out,
        "Heap allocations per page: `.items()` {}, hand-written loop {}, loop over `.send()` {}.\n",
        per(allocations[0]),
        per(allocations[1]),
        per(allocations[2])
    );
    let ratio = items.wall_ratio();
    goals.push(Goal::new(
        "`.items()` over 100,000 items within 5 % of a hand-written loop",
        format!(
            "{} wall clock ({} client CPU)",
            pct(ratio),
            pct(items.cpu_ratio())
        ),
        ratio <= 1.05,
    ));
}
