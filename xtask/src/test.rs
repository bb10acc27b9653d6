//! `cargo xtask test`: the project's whole test command, as CI runs it.
//!
//! 1. generated crates are up to date (`codegen --check`);
//! 2. `cargo clippy --workspace --all-targets --all-features -- -D warnings` (every optional
//!    part: the runtime's date-time conversions and tracing, the crates' `mock` modules);
//!    then clippy again on every generated crate (and fixture) with no features and with each
//!    group of operations alone, beside `mock`: a consumer's subset of features compiles cleanly;
//! 3. `cargo doc` of the runtime and the generated crates, all features, warnings denied;
//! 4. the contract-test tools are installed (`npm ci` in `tests/contract`, pinned by its lockfile);
//! 5. `cargo test --workspace` (unit, snapshot, loopback and contract tests).

use std::path::Path;
use std::process::Command;

fn run(root: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    eprintln!("\n==> {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(root)
        .envs(env.iter().copied())
        .status()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

pub fn test(root: &Path, args: &[String]) -> Result<(), String> {
    if !args.is_empty() {
        return Err("usage: cargo xtask test".into());
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("==> cargo xtask codegen --check");
    crate::codegen(&["--check".to_string()])?;
    run(
        root,
        &cargo,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    feature_subsets(root, &cargo)?;
    run(
        root,
        &cargo,
        &[
            "doc",
            "--no-deps",
            "--all-features",
            "-p",
            "sdkgen-runtime",
            "-p",
            "vast-client",
            "-p",
            "mithril-client",
        ],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    let contract = root.join("tests").join("contract");
    if contract.join("package-lock.json").exists() {
        run(
            &contract,
            "npm",
            &["ci", "--no-audit", "--no-fund", "--loglevel=error"],
            &[],
        )?;
    }
    run(root, &cargo, &["test", "--workspace"], &[])?;
    eprintln!("\nall checks passed");
    Ok(())
}

/// Clippy, warnings denied, on each generated crate with `--no-default-features` and with each of
/// its operation groups alone (with `mock`).
fn feature_subsets(root: &Path, cargo: &str) -> Result<(), String> {
    let mut crates = vec![root.join("generated/vast"), root.join("generated/mithril")];
    let fixtures = root.join("tests").join("fixtures");
    let mut expected: Vec<_> = std::fs::read_dir(&fixtures)
        .map_err(|e| format!("cannot read {}: {e}", fixtures.display()))?
        .filter_map(|e| Some(e.ok()?.path().join("expected")))
        .filter(|p| p.join("Cargo.toml").exists())
        .collect();
    expected.sort();
    crates.extend(expected);
    for dir in crates {
        for (_, args) in crate::synth::subset_clippy(&dir.join("Cargo.toml")) {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            run(root, cargo, &args, &[])?;
        }
    }
    Ok(())
}
