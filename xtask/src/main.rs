//! Project automation: `cargo xtask <command>`.
//!
//! - `codegen [--check]`: regenerate `generated/<api>` from every spec in `specs/`
//!   (with `--check`, change nothing and fail if the committed output is stale).
//! - `generate <spec> [--config <file.toml>] --out <dir>`: generate a crate from any spec.
//! - `resolved-spec <spec> --out <file>`: write the spec with its customisation's fixes applied.
//! - `test`: everything CI checks (see `test.rs`).
//! - `synth [--ops N] [--seed S] [--check]`: the generator on a synthetic spec (see `synth.rs`).
//! - `bench [--quick] [--no-compile] [--peers-only]`: the README's performance figures (see `bench.rs`).
//! - `example <api> <example> [args...]`: run an example against Prism (see `example.rs`).
//!
//! xtask links the generator (`sdkgen`), `serde_json` and the synthetic specs (`sdk-synth`, a
//! crate of their own) and nothing else, so that `cargo xtask codegen` on a fresh checkout builds
//! only what generation needs. What needs the runtime, the generated clients or the test harness
//! runs as another package through `cargo`: `bench` runs `sdk-bench` (`tests/bench`), `example`
//! the harness's runner (`cargo run -p sdk-tests --bin example`), `test` cargo's own commands.
//! The `cargo xtask` alias (`.cargo/config.toml`) is not `--quiet`, so cargo's progress shows
//! while xtask builds.

mod bench;
mod example;
mod synth;
mod test;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sdkgen::{Diagnostic, Input, Severity};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen(&args[1..]),
        Some("generate") => generate(&args[1..]),
        Some("resolved-spec") => resolved_spec(&args[1..]),
        Some("test") => test::test(&root(), &args[1..]),
        Some("bench") => bench::bench(&root(), &args[1..]),
        Some("example") => example::example(&root(), &args[1..]),
        Some("synth") => synth::synth(&root(), &args[1..]),
        _ => Err(usage()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> String {
    "usage:
  cargo xtask codegen [--check] [--drop-aliases] [--root <dir with specs/ and generated/>]
  cargo xtask generate <spec.yaml|json> [--config <file.toml>] --out <dir>
  cargo xtask resolved-spec <spec.yaml|json> [--config <file.toml>] --out <file.json>
  cargo xtask test
  cargo xtask synth [--ops N] [--seed S] [--check]
  cargo xtask bench [--quick] [--no-compile] [--peers-only]
  cargo xtask example <api> <example> [args...]"
        .into()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

/// The specs under `specs/`: every `.yaml`, `.yml` or `.json` file, in name order.
fn specs(root: &Path) -> Result<Vec<PathBuf>, String> {
    let dir = root.join("specs");
    sdkgen::specs_in(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))
}

/// The API-change report of one crate: its version step and the changelog entry it wrote.
fn print_changes(source: &str, out: &sdkgen::Output) {
    let Some(previous) = &out.previous_version else {
        return;
    };
    if out.changes.is_empty() {
        return;
    }
    use sdkgen::changes::Class;
    let count = |c: Class| out.changes.iter().filter(|x| x.class == c).count();
    eprintln!(
        "{source}: {previous} -> {}: {} breaking, {} additive, {} internal change(s); written to CHANGELOG.md",
        out.version,
        count(Class::Breaking),
        count(Class::Additive),
        count(Class::Internal)
    );
    let entry = sdkgen::changes::changelog_entry(&out.version, source, "", &out.changes);
    // The entry without its heading and summary line.
    for line in entry.lines().skip(3).filter(|l| !l.is_empty()) {
        // The list of new types can be long: the changelog has it whole.
        match line.char_indices().nth(160) {
            Some((at, _)) => eprintln!("  {}…", &line[..at]),
            None => eprintln!("  {line}"),
        }
    }
}

fn print_diagnostics(diags: &[Diagnostic], root: &Path) {
    for d in diags {
        let shown = Diagnostic {
            file: d.file.strip_prefix(root).unwrap_or(&d.file).to_path_buf(),
            ..d.clone()
        };
        eprintln!("{shown}");
    }
}

fn codegen(args: &[String]) -> Result<(), String> {
    let mut check = false;
    let mut drop_aliases = false;
    let mut root = root();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--check" => check = true,
            "--drop-aliases" => drop_aliases = true,
            // Another tree with `specs/` and `generated/` (used by the tests).
            "--root" => root = PathBuf::from(it.next().ok_or_else(usage)?),
            _ => return Err(usage()),
        }
    }
    // Generate everything in memory first: a failing spec leaves every crate untouched.
    let mut outputs = Vec::new();
    let mut failed = false;
    for spec in specs(&root)? {
        let name = spec
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let input = Input {
            config: sdkgen::config_beside(&spec),
            runtime_dep: "path = \"../../codegen/runtime\", version = \"0.1.0\"".into(),
            source_label: format!(
                "specs/{}",
                spec.file_name()
                    .and_then(|s| s.to_str())
                    .unwrap_or_default()
            ),
            spec,
        };
        let dir = root.join("generated").join(&name);
        let history = sdkgen::History {
            lock: Some(sdkgen::lock_beside(&input.spec)),
            changelog: std::fs::read_to_string(dir.join("CHANGELOG.md")).ok(),
            drop_aliases,
        };
        match sdkgen::generate_with(&input, &history) {
            Ok(out) => {
                print_diagnostics(&out.warnings, &root);
                print_changes(&input.source_label, &out);
                outputs.push((dir, sdkgen::lock_beside(&input.spec), out));
            }
            Err(diags) => {
                print_diagnostics(&diags, &root);
                let errors = diags
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count();
                eprintln!(
                    "{}: {errors} error(s); nothing was written",
                    input.source_label
                );
                failed = true;
            }
        }
    }
    if failed {
        return Err("codegen failed".into());
    }
    let mut stale = Vec::new();
    for (dir, lock, out) in &outputs {
        let report = sdkgen::write::sync(dir, &out.files, check)
            .map_err(|e| format!("writing {}: {e}", dir.display()))?;
        for p in report.changed.iter().chain(&report.removed) {
            stale.push(p.strip_prefix(&root).unwrap_or(p).display().to_string());
        }
        if std::fs::read_to_string(lock).ok().as_deref() != Some(out.lock.as_str()) {
            stale.push(lock.strip_prefix(&root).unwrap_or(lock).display().to_string());
            if !check {
                std::fs::write(lock, &out.lock)
                    .map_err(|e| format!("writing {}: {e}", lock.display()))?;
            }
        }
    }
    if check {
        if stale.is_empty() {
            eprintln!("generated crates are up to date");
            Ok(())
        } else {
            Err(format!(
                "generated code is stale; run `cargo xtask codegen` and commit the result:\n  {}",
                stale.join("\n  ")
            ))
        }
    } else {
        if stale.is_empty() {
            eprintln!("generated crates are up to date");
        } else {
            eprintln!("updated:\n  {}", stale.join("\n  "));
        }
        Ok(())
    }
}

struct SpecArgs {
    spec: PathBuf,
    config: Option<PathBuf>,
    out: PathBuf,
}

fn spec_args(args: &[String]) -> Result<SpecArgs, String> {
    let mut spec = None;
    let mut config = None;
    let mut out = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--config" => config = Some(PathBuf::from(it.next().ok_or_else(usage)?)),
            "--out" => out = Some(PathBuf::from(it.next().ok_or_else(usage)?)),
            s if !s.starts_with("--") && spec.is_none() => spec = Some(PathBuf::from(s)),
            _ => return Err(usage()),
        }
    }
    let spec: PathBuf = spec.ok_or_else(usage)?;
    let config = config.or_else(|| sdkgen::config_beside(&spec));
    Ok(SpecArgs {
        spec,
        config,
        out: out.ok_or_else(usage)?,
    })
}

/// A relative path from `from` (a directory) to `to`, when both share a root.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to_c: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to_c).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return to.to_path_buf();
    }
    let mut p = PathBuf::new();
    for _ in common..from.len() {
        p.push("..");
    }
    for c in &to_c[common..] {
        p.push(c);
    }
    p
}

fn generate(args: &[String]) -> Result<(), String> {
    let a = spec_args(args)?;
    std::fs::create_dir_all(&a.out)
        .map_err(|e| format!("cannot create {}: {e}", a.out.display()))?;
    let out_abs = a.out.canonicalize().map_err(|e| e.to_string())?;
    let runtime = root().join("codegen").join("runtime");
    let rel = relative(&out_abs, &runtime);
    let input = Input {
        runtime_dep: format!(
            "path = {:?}, version = \"0.1.0\"",
            rel.display().to_string()
        ),
        source_label: a
            .spec
            .file_name()
            .and_then(|s| s.to_str())
            .unwrap_or("the spec")
            .to_string(),
        spec: a.spec,
        config: a.config,
    };
    // The name lock lives in the crate, so that regenerating it into the same place keeps
    // renamed items as deprecated aliases and reports what changed.
    let lock = a.out.join("sdkgen.lock.json");
    let history = sdkgen::History {
        lock: Some(lock.clone()),
        changelog: std::fs::read_to_string(a.out.join("CHANGELOG.md")).ok(),
        drop_aliases: false,
    };
    let out = sdkgen::generate_with(&input, &history).map_err(|diags| {
        print_diagnostics(&diags, Path::new(""));
        "generation failed; nothing was written".to_string()
    })?;
    print_diagnostics(&out.warnings, Path::new(""));
    print_changes(&input.source_label, &out);
    sdkgen::write::sync(&a.out, &out.files, false).map_err(|e| e.to_string())?;
    std::fs::write(&lock, &out.lock).map_err(|e| format!("writing {}: {e}", lock.display()))?;
    eprintln!("wrote a crate to {}", a.out.display());
    Ok(())
}

fn resolved_spec(args: &[String]) -> Result<(), String> {
    let a = spec_args(args)?;
    let input = Input {
        spec: a.spec,
        config: a.config,
        runtime_dep: String::new(),
        source_label: String::new(),
    };
    let out = sdkgen::generate(&input).map_err(|diags| {
        print_diagnostics(&diags, Path::new(""));
        "the spec has errors".to_string()
    })?;
    let text = serde_json::to_string_pretty(&out.resolved_spec).map_err(|e| e.to_string())?;
    std::fs::write(&a.out, text).map_err(|e| format!("cannot write {}: {e}", a.out.display()))?;
    Ok(())
}
