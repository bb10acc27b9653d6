//! `cargo xtask synth [--ops N] [--schemas M] [--seed S] [--check]`: the generator at scale.
//!
//! Writes the synthetic spec of `N` operations (default 2,000; with `--schemas`, padded to `M`
//! component schemas with union-heavy groups, see `sdk_synth::spec_with_schemas`) to
//! `target/synth/synthetic-<N>.json` and the crate generated from it to `target/synth/client`,
//! inside a throwaway workspace (`target/synth/Cargo.toml`) that depends on this repository's
//! runtime. With `--check`, it then runs `cargo clippy --all-targets --all-features -- -D warnings`
//! and `cargo doc --no-deps --all-features` (the `mock` module and every runtime feature) with
//! rustdoc's warnings denied on that crate, in a target directory of its own
//! (`target/synth/target`, kept between runs so only the first run builds the dependencies),
//! then clippy again with no features and with each group of operations alone (its cargo
//! feature and `mock`), and fails if any does. Prints how long each step took.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use sdkgen::{Input, Severity};

fn usage() -> String {
    "usage: cargo xtask synth [--ops N] [--schemas M] [--seed S] [--check]".into()
}

/// Runs `cargo xtask synth` with the arguments after `synth`, from the workspace at `root`.
pub fn synth(root: &Path, args: &[String]) -> Result<(), String> {
    let (mut ops, mut seed, mut check) = (2000usize, 1u64, false);
    let mut schemas: Option<usize> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--ops" => ops = it.next().and_then(|v| v.parse().ok()).ok_or_else(usage)?,
            "--seed" => seed = it.next().and_then(|v| v.parse().ok()).ok_or_else(usage)?,
            "--schemas" => {
                schemas = Some(it.next().and_then(|v| v.parse().ok()).ok_or_else(usage)?)
            }
            "--check" => check = true,
            _ => return Err(usage()),
        }
    }
    if ops == 0 {
        return Err(usage());
    }
    let dir = root.join("target").join("synth");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;

    let started = Instant::now();
    let spec = match schemas {
        Some(schemas) => sdk_synth::spec_with_schemas(ops, schemas, seed),
        None => sdk_synth::spec(ops, seed),
    };
    let spec_path = dir.join(format!("synthetic-{ops}.json"));
    let text = serde_json::to_vec_pretty(&spec).map_err(|e| e.to_string())?;
    std::fs::write(&spec_path, &text)
        .map_err(|e| format!("cannot write {}: {e}", spec_path.display()))?;
    let spec_time = started.elapsed();

    let started = Instant::now();
    let runtime = root.join("codegen").join("runtime");
    let input = Input {
        spec: spec_path.clone(),
        config: None,
        runtime_dep: format!("path = {:?}", runtime.display().to_string()),
        source_label: format!("synthetic-{ops}.json (seed {seed})"),
    };
    let out = match sdkgen::generate(&input) {
        Ok(out) => out,
        Err(diags) => {
            for d in &diags {
                eprintln!("{d}");
            }
            let errors = diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            return Err(format!("the synthetic spec has {errors} error(s)"));
        }
    };
    let generate_time = started.elapsed();
    let crate_dir = dir.join("client");
    sdkgen::write::sync(&crate_dir, &out.files, false)
        .map_err(|e| format!("writing {}: {e}", crate_dir.display()))?;
    // A workspace of its own, so that the crate is built apart from this one.
    let manifest = dir.join("Cargo.toml");
    std::fs::write(
        &manifest,
        "# Written by `cargo xtask synth`.\n[workspace]\nresolver = \"2\"\nmembers = [\"client\"]\n\n[profile.dev]\ndebug = false\n",
    )
    .map_err(|e| format!("cannot write {}: {e}", manifest.display()))?;
    // The same dependency versions as this workspace (and no registry look-up for them).
    let lock = dir.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(root.join("Cargo.lock"), &lock)
            .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    }

    let lines = |name: &str| {
        out.files
            .iter()
            .find(|f| f.path == name)
            .map_or(0, |f| f.content.lines().count())
    };
    let unexpected: Vec<_> = out
        .warnings
        .iter()
        .filter(|w| !sdk_synth::is_expected_warning(&w.message))
        .collect();
    let operations: usize = spec["paths"].as_object().map_or(0, |paths| {
        paths
            .values()
            .filter_map(|item| item.as_object())
            .map(|item| {
                item.keys()
                    .filter(|k| {
                        [
                            "get", "put", "post", "delete", "options", "head", "patch", "trace",
                        ]
                        .contains(&k.as_str())
                    })
                    .count()
            })
            .sum()
    });
    eprintln!(
        "synthetic spec: {operations} operations, {} component schemas, {} KiB ({:.2?})",
        spec["components"]["schemas"]
            .as_object()
            .map_or(0, |s| s.len()),
        text.len() / 1024,
        spec_time
    );
    eprintln!(
        "generated {}: {} types; {} lines of types, {} of builders, {} of errors; {} warnings ({} unexpected) ({:.2?})",
        crate_dir.strip_prefix(root).unwrap_or(&crate_dir).display(),
        out.files
            .iter()
            .find(|f| f.path == "API.md")
            .and_then(|f| f.content.lines().find(|l| l.starts_with("- Operations:")))
            .and_then(|l| l.rsplit(": ").next())
            .unwrap_or("?"),
        lines("src/types.rs"),
        lines("src/builders.rs"),
        lines("src/errors.rs"),
        out.warnings.len(),
        unexpected.len(),
        generate_time
    );
    if !unexpected.is_empty() {
        for w in &unexpected {
            eprintln!("{w}");
        }
        return Err("the synthetic spec produced unexpected warnings".into());
    }
    if !check {
        return Ok(());
    }

    let manifest = manifest.display().to_string();
    let clippy = [
        "clippy",
        "--manifest-path",
        &manifest,
        "--all-targets",
        "--all-features",
        "--",
        "-D",
        "warnings",
    ];
    let clippy = run_cargo(
        &dir,
        &clippy,
        None,
        &format!("clippy -D warnings on {ops} operations"),
    );
    // The docs are checked even when clippy failed, so that one run reports both.
    let doc = [
        "doc",
        "--manifest-path",
        &manifest,
        "--no-deps",
        "--all-features",
    ];
    let doc = run_cargo(
        &dir,
        &doc,
        Some(("RUSTDOCFLAGS", "-D warnings")),
        &format!("cargo doc -D warnings on {ops} operations"),
    );
    // Each group of operations alone (with the test double), and none: a subset of features
    // must compile as cleanly as all of them.
    let mut partial = Ok(());
    for (subset, args) in subset_clippy(&dir.join("client").join("Cargo.toml")) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let shown = if subset.is_empty() {
            "no features"
        } else {
            &subset
        };
        partial = partial.and(run_cargo(
            &dir,
            &args,
            None,
            &format!("clippy -D warnings on {ops} operations, features: {shown}"),
        ));
    }
    match (clippy, doc) {
        (Err(clippy), Err(doc)) => Err(format!("{clippy}; {doc}")),
        (clippy, doc) => clippy.and(doc).and(partial),
    }
}

/// Clippy on a generated crate (`manifest`) with each of its operation groups alone (with
/// `mock`), and with none, warnings denied: each subset with its arguments. Nothing for a crate
/// without groups.
pub(crate) fn subset_clippy(manifest: &Path) -> Vec<(String, Vec<String>)> {
    let groups = features(manifest);
    if groups.is_empty() {
        return Vec::new();
    }
    let mut subsets = vec![String::new()];
    subsets.extend(groups.iter().map(|g| format!("{g},mock")));
    subsets
        .into_iter()
        .map(|subset| {
            let mut args = vec!["clippy", "--quiet", "--manifest-path"]
                .into_iter()
                .map(String::from)
                .collect::<Vec<_>>();
            args.push(manifest.display().to_string());
            args.push("--no-default-features".into());
            if !subset.is_empty() {
                args.extend(["--features".to_string(), subset.clone()]);
            }
            args.extend(["--", "-D", "warnings"].map(String::from));
            (subset, args)
        })
        .collect()
}

/// The operation groups of a generated crate: its `default` features.
fn features(manifest: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(manifest).unwrap_or_default();
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("default = ["))
        .unwrap_or("")
        .trim_end_matches(']')
        .to_string();
    line.split(',')
        .map(|f| f.trim().trim_matches('"').to_string())
        .filter(|f| !f.is_empty())
        .collect()
}

/// Runs `cargo` with `args` (and the environment variable `env`, if any) on the throwaway
/// workspace in `dir`, in its own target directory; fails, naming `what`, if cargo does.
fn run_cargo(
    dir: &Path,
    args: &[&str],
    env: Option<(&str, &str)>,
    what: &str,
) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let shown_env = env.map(|(k, v)| format!("{k}={v:?} ")).unwrap_or_default();
    eprintln!("\n==> {shown_env}{cargo} {}", args.join(" "));
    let started = Instant::now();
    let mut command = Command::new(&cargo);
    command
        .args(args)
        .env("CARGO_TARGET_DIR", dir.join("target"));
    if let Some((k, v)) = env {
        command.env(k, v);
    }
    let status = command
        .status()
        .map_err(|e| format!("cannot run {cargo}: {e}"))?;
    let elapsed = started.elapsed();
    if !status.success() {
        return Err(format!("{what} failed ({status}, after {elapsed:.1?})"));
    }
    eprintln!("{what} passed in {elapsed:.1?}");
    Ok(())
}
