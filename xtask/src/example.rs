//! `cargo xtask example <api> <example> [args...]`: runs an example of a generated crate against
//! Prism, a mock server serving the API's spec.
//!
//! This side does what needs the generator: it finds `specs/<api>.yaml|json`, applies its
//! customisation's fixes (the document `cargo xtask resolved-spec` writes) and saves the result
//! to `target/example/<api>.json`. The rest is the contract-test harness's, which xtask does not
//! link (it would bring the runtime and its HTTP and async stack into every `cargo xtask`
//! build): `cargo run -p sdk-tests --bin example -- <api> <resolved spec> <example> [args...]`
//! builds the example, starts Prism, runs the example against it and stops Prism (see
//! `tests/src/bin/example.rs`).

use std::path::Path;
use std::process::Command;

fn usage() -> String {
    "usage: cargo xtask example <api> <example> [args...]".into()
}

pub fn example(root: &Path, args: &[String]) -> Result<(), String> {
    let [api, name, rest @ ..] = args else {
        return Err(usage());
    };
    let specs = crate::specs(root)?;
    let Some(spec) = specs
        .iter()
        .find(|s| s.file_stem().is_some_and(|stem| stem == api.as_str()))
    else {
        let known: Vec<_> = specs
            .iter()
            .filter_map(|s| s.file_stem()?.to_str())
            .collect();
        return Err(format!(
            "unknown API {api:?}; one of: {}\n{}",
            known.join(", "),
            usage()
        ));
    };
    let resolved = sdkgen::resolved_spec_beside(spec)?;
    let dir = root.join("target").join("example");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let resolved_path = dir.join(format!("{api}.json"));
    let text = serde_json::to_vec_pretty(&resolved).map_err(|e| e.to_string())?;
    std::fs::write(&resolved_path, text)
        .map_err(|e| format!("cannot write {}: {e}", resolved_path.display()))?;

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .args(["run", "-p", "sdk-tests", "--bin", "example", "--"])
        .arg(api)
        .arg(&resolved_path)
        .arg(name)
        .args(rest)
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run {cargo}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        // The runner has said why on stderr.
        Err(format!("example {name} of {api} failed ({status})"))
    }
}
