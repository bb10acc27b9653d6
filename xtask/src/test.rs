//! `cargo xtask test`: the project's whole test command, as CI runs it.
//!
//! 1. generated crates are up to date (`codegen --check`);
//! 2. `cargo clippy --workspace --all-targets --all-features -- -D warnings` (every optional
//!    part: the runtime's date-time conversions and tracing, the crates' `mock` modules);
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
