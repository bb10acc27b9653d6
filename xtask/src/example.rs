//! `cargo xtask example <vast|mithril> <example> [args...]`: runs an example of a generated crate
//! against Prism, a mock server serving the API's spec.
//!
//! 1. builds the example (so that Prism does not idle through a compilation);
//! 2. starts Prism as the contract tests do (`sdk_tests::prism`): the spec resolved with its
//!    customisation's fixes, `npm ci` in `tests/contract` first if Prism is not installed there,
//!    `prism mock` on `127.0.0.1` on a port the system picks, static responses, request
//!    validation on;
//! 3. runs `cargo run -p <crate> --example <example> -- [args...]` with `<API>_BASE_URL` set to
//!    Prism's URL and `<API>_API_KEY` to a dummy key;
//! 4. stops Prism (its whole process group) and returns the example's status, with Prism's last
//!    log lines when it failed. Prism also exits on its own when this process ends, so an
//!    interrupted run leaves nothing behind.

use std::path::Path;
use std::process::Command;

use sdk_tests::prism::{Api, Prism};

fn usage() -> String {
    "usage: cargo xtask example <vast|mithril> <example> [args...]".into()
}

pub fn example(root: &Path, args: &[String]) -> Result<(), String> {
    let [api, name, rest @ ..] = args else {
        return Err(usage());
    };
    let api = match api.as_str() {
        "vast" => Api::Vast,
        "mithril" => Api::Mithril,
        other => {
            return Err(format!(
                "unknown API {other:?}; one of: vast, mithril\n{}",
                usage()
            ))
        }
    };
    let package = format!("{}-client", api.name());
    let examples_dir = root.join("generated").join(api.name()).join("examples");
    if !examples_dir.join(format!("{name}.rs")).is_file() {
        return Err(format!(
            "{package} has no example {name:?}; it has: {}",
            list_examples(&examples_dir)
        ));
    }
    let rest = match rest {
        [sep, rest @ ..] if sep == "--" => rest,
        rest => rest,
    };

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(&cargo)
        .args(["build", "--quiet", "-p", &package, "--example", name])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !built.success() {
        return Err(format!("building example {name} failed ({built})"));
    }

    let prism = Prism::start(&api.spec(), sdkgen::resolved_spec_beside)?;
    let status = Command::new(&cargo)
        .args(["run", "--quiet", "-p", &package, "--example", name, "--"])
        .args(rest)
        .current_dir(root)
        .env(api.base_url_env(), prism.url())
        .env(api.api_key_env(), "example-key")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "example {name} failed ({status}); Prism's last lines:\n{}",
            prism.log_tail()
        ))
    }
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
