//! The hand-written examples of the generated crates (`generated/<api>/examples`), run against
//! Prism: each one, with arguments that pass Prism's request validation, must exit
//! successfully and print what it is for. See `sdk_tests::prism` for the harness.
//!
//! The examples run as the binaries the last build left: `cargo build -p vast-client -p
//! mithril-client --examples` (or `cargo test --workspace`) builds them. An example that is not
//! built, or older than its sources, is skipped with a message on stderr (a failure when `CI`
//! is set), as in the contract tests.
//!
//! Prism answers in static mode, the same answer every time, so:
//! - a listing gets the same page with the same cursor again, and its stream stops with
//!   `Error::RepeatedCursor` on the second page, which the examples report and accept;
//! - `launch_instance` reads the status `running` at its first poll (the example of
//!   `GET /api/v1/instances`); `--max-polls` and `--timeout` bound its wait anyway;
//! - `pause_instances` gets a status map whose keys are not the requested instances, which it
//!   lists as left unchanged.
//!
//! Prism serves Vast's spec with an example answer for search offers (see [`resolve_vast`]).

use std::path::Path;
use std::process::Output;

use sdk_tests::prism::{self, Api, Prism};
use serde_json::{json, Value};

/// The Prism serving Vast's spec, started by the first test that needs it.
fn vast() -> &'static Prism {
    prism::shared(Api::Vast, resolve_vast)
}

/// The Prism serving Mithril's spec, started by the first test that needs it.
fn mithril() -> &'static Prism {
    prism::shared(Api::Mithril, sdkgen::resolved_spec_beside)
}

/// The JSON answer of `POST /api/v0/bundles` (search offers) in Vast's spec.
const SEARCH_ANSWER: &str =
    "/paths/~1api~1v0~1bundles/post/responses/200/content/application~1json";

/// Vast's spec with its customisation's fixes, and an example answer for search offers.
///
/// The spec gives an offer no schema (any object), and the vendor's example of the answer
/// contradicts it (one offer object where the schema says a list; `specs/vast.toml` removes
/// it). From the schema alone Prism answers `{"offers":[{}]}`: an offer without an id, which
/// `launch_instance` cannot rent. The answer gets an example of the test's own: one offer with
/// the fields the examples read.
fn resolve_vast(spec: &Path) -> Result<Value, String> {
    let mut resolved = sdkgen::resolved_spec_beside(spec)?;
    let answer = resolved
        .pointer_mut(SEARCH_ANSWER)
        .and_then(Value::as_object_mut)
        .ok_or("the spec documents no JSON answer for search offers")?;
    answer.insert(
        "example".to_owned(),
        json!({"offers": [{
            "id": 12345678,
            "gpu_name": "RTX 4090",
            "num_gpus": 1,
            "gpu_ram": 24564,
            "dph_total": 0.345,
            "reliability": 0.995,
            "geolocation": "Oregon, US",
            "inet_down": 812.5
        }]}),
    );
    Ok(resolved)
}

/// Runs example `name` of `api` against `mock` with `args`; `None` when it is not built.
fn run(mock: &Prism, api: Api, name: &str, args: &[&str]) -> Option<Output> {
    prism::run_example(mock, api, name, args)
}

/// Runs example `name` and checks that it exits successfully and that its standard output
/// contains each of `expected`.
fn succeeds(mock: &Prism, api: Api, name: &str, args: &[&str], expected: &[&str]) {
    let Some(out) = run(mock, api, name, args) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report = || {
        format!(
            "example {name} {args:?} ({}):\n--- stdout\n{stdout}--- stderr\n{}--- Prism's log\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr),
            mock.log_tail()
        )
    };
    assert!(out.status.success(), "failed: {}", report());
    for text in expected {
        assert!(
            stdout.contains(text),
            "no {text:?} in the output: {}",
            report()
        );
    }
}

/// Runs example `name` with bad arguments and checks that it exits with status 2 (a usage
/// error) and says how to call it.
fn refuses(mock: &Prism, api: Api, name: &str, args: &[&str]) {
    let Some(out) = run(mock, api, name, args) else {
        return;
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "example {name} {args:?}: {}\n{stderr}",
        out.status
    );
    assert!(
        stderr.contains("usage:"),
        "example {name} {args:?} shows no usage:\n{stderr}"
    );
}

// --- Vast.ai ----------------------------------------------------------------------------------

#[test]
fn vast_search_offers() {
    // The offer of the test's example answer (see `resolve_vast`).
    succeeds(
        vast(),
        Api::Vast,
        "search_offers",
        &[
            "--gpu",
            "RTX 4090",
            "--gpu",
            "RTX 3090",
            "--num-gpus",
            "1",
            "--max-price",
            "1.5",
        ],
        &["12345678  1 x RTX 4090", "1 offer(s)"],
    );
}

#[test]
fn vast_launch_instance() {
    succeeds(
        vast(),
        Api::Vast,
        "launch_instance",
        &[
            "--gpu",
            "RTX 4090",
            "--max-price",
            "1.5",
            "--image",
            "vastai/base-image:@vastai-automatic-tag",
            "--disk",
            "20",
            "--timeout",
            "10",
            "--interval",
            "1",
            "--max-polls",
            "3",
            "--destroy",
        ],
        // The offer is the test's (see `resolve_vast`), the instance id the spec's example
        // `new_contract`, the connection the example instance of the listing.
        &[
            "offer 12345678: 1 x RTX 4090",
            "instance 1234568 created",
            "instance 1234568 is running",
            "ssh -p 10600 root@ssh123.vast.ai",
            "ssh -p 20000 root@192.0.2.45",
            "instance 1234568 destroyed",
        ],
    );
}

#[test]
fn vast_destroy_instance() {
    succeeds(
        vast(),
        Api::Vast,
        "destroy_instance",
        &["4242"],
        &["instance 4242"],
    );
}

#[test]
fn vast_stop_instance() {
    succeeds(
        vast(),
        Api::Vast,
        "stop_instance",
        &["1234"],
        &["instance 1234: stopping"],
    );
}

#[test]
fn vast_rate_limits() {
    succeeds(
        vast(),
        Api::Vast,
        "rate_limits",
        &[],
        &["first attempt:", "instance(s) listed"],
    );
}

#[test]
fn vast_examples_refuse_bad_arguments() {
    refuses(
        vast(),
        Api::Vast,
        "search_offers",
        &["--max-price", "cheap"],
    );
    refuses(vast(), Api::Vast, "launch_instance", &["--max-polls"]);
    refuses(vast(), Api::Vast, "destroy_instance", &[]);
    refuses(vast(), Api::Vast, "destroy_instance", &["not-a-number"]);
    refuses(vast(), Api::Vast, "stop_instance", &[]);
    refuses(vast(), Api::Vast, "rate_limits", &["extra"]);
}

// --- Mithril ----------------------------------------------------------------------------------

/// The project of the spec's examples.
const PROJECT: &str = "proj_abc123456";

#[test]
fn mithril_list_instances() {
    succeeds(
        mithril(),
        Api::Mithril,
        "list_instances",
        &[PROJECT],
        &["inst_abc123456", "instance(s) in proj_abc123456"],
    );
}

#[test]
fn mithril_list_bids() {
    succeeds(
        mithril(),
        Api::Mithril,
        "list_bids",
        &[PROJECT],
        &["bid_abc123456", "bid(s) in proj_abc123456"],
    );
}

#[test]
fn mithril_pause_instances() {
    succeeds(
        mithril(),
        Api::Mithril,
        "pause_instances",
        &["inst_abc123456", "inst_abc123457"],
        &["requested STATUS_PAUSED", "now:"],
    );
    succeeds(
        mithril(),
        Api::Mithril,
        "pause_instances",
        &["--resume", "--conflict-retries", "0", "inst_abc123456"],
        &["requested STATUS_RUNNING", "now:"],
    );
}

#[test]
fn mithril_handle_rate_limits() {
    succeeds(
        mithril(),
        Api::Mithril,
        "handle_rate_limits",
        &[PROJECT],
        &["first attempt:", "with history in proj_abc123456"],
    );
}

#[test]
fn mithril_examples_refuse_bad_arguments() {
    refuses(mithril(), Api::Mithril, "list_instances", &[]);
    refuses(mithril(), Api::Mithril, "list_bids", &[]);
    refuses(mithril(), Api::Mithril, "pause_instances", &["--resume"]);
    refuses(
        mithril(),
        Api::Mithril,
        "pause_instances",
        &["--conflict-retries", "many", "inst_a"],
    );
    refuses(mithril(), Api::Mithril, "handle_rate_limits", &[]);
}
