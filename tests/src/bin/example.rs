//! The runner behind `cargo xtask example`: an example of a generated crate against Prism.
//!
//! `cargo run -p sdk-tests --bin example -- <vast|mithril> <resolved-spec.json> <example> [args...]`
//!
//! 1. builds the example (so that Prism does not idle through a compilation);
//! 2. starts Prism as the contract tests do (`sdk_tests::prism`) on the resolved spec, the API's
//!    spec with its customisation's fixes as `cargo xtask example` (or `cargo xtask
//!    resolved-spec`) wrote it: this crate does not link the generator, so it is handed the
//!    document rather than resolving it;
//! 3. runs `cargo run -p <crate> --example <example> -- [args...]` with `<API>_BASE_URL` set to
//!    Prism's URL and `<API>_API_KEY` to a dummy key;
//! 4. stops Prism (its whole process group) and exits with the example's status, printing
//!    Prism's last log lines when it failed. Prism also exits on its own when this process ends,
//!    so an interrupted run leaves nothing behind.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use sdk_tests::prism::{Api, Prism};

fn usage() -> String {
    let apis: Vec<_> = Api::ALL.iter().map(|a| a.name()).collect();
    format!(
        "usage: cargo run -p sdk-tests --bin example -- <{}> <resolved-spec.json> <example> [args...]\n\
         (or, resolving the spec first: cargo xtask example <api> <example> [args...])",
        apis.join("|")
    )
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let [api, resolved, name, rest @ ..] = args else {
        return Err(usage());
    };
    let api = Api::ALL
        .into_iter()
        .find(|a| a.name() == api)
        .ok_or_else(|| format!("unknown API {api:?}\n{}", usage()))?;
    let resolved = PathBuf::from(resolved);
    let package = format!("{}-client", api.name());
    let examples_dir = api.crate_dir().join("examples");
    if !examples_dir.join(format!("{name}.rs")).is_file() {
        return Err(format!(
            "{package} has no example {name:?}; it has: {}",
            list_examples(&examples_dir)
        ));
    }
    // A `--` before the example's arguments is the usual separator, not one of them.
    let rest = match rest {
        [sep, rest @ ..] if sep == "--" => rest,
        rest => rest,
    };

    let root = sdk_tests::prism::workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Not `--quiet`: on a fresh checkout this compiles the client, and cargo's progress shows it.
    let built = Command::new(&cargo)
        .args(["build", "-p", &package, "--example", name])
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cannot run {cargo}: {e}"))?;
    if !built.success() {
        return Err(format!("building example {name} failed ({built})"));
    }

    let prism = Prism::start(&resolved, read_resolved)?;
    let status = Command::new(&cargo)
        .args(["run", "--quiet", "-p", &package, "--example", name, "--"])
        .args(rest)
        .current_dir(&root)
        .env(api.base_url_env(), prism.url())
        .env(api.api_key_env(), "example-key")
        .status()
        .map_err(|e| format!("cannot run {cargo}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "example {name} failed ({status}); Prism's last lines:\n{}",
            prism.log_tail()
        ))
    }
}

/// The [`Resolve`](sdk_tests::prism::Resolve) of a spec already resolved: the file as it is.
fn read_resolved(path: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_slice(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))
}

fn list_examples(dir: &Path) -> String {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}
