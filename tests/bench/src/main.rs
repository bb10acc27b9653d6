//! `sdk-bench`: the measurements behind `cargo xtask bench`.
//!
//! ```text
//! sdk-bench run [--quick] [--only <parts>] [--goals <file>]
//! sdk-bench serve
//! ```
//!
//! `run` prints report sections 1, 2 and 4–6 as Markdown on standard output
//! (progress on standard error; `--only` takes a comma-separated subset of
//! `generation`, `calls`, `decode`, `memory`, `pages`) and writes one tab-separated line per goal
//! (name, measured, met) to `--goals`. `serve` is the loopback server `run`
//! starts as its child process (see `server.rs`). Section 3 (compile time)
//! is measured by `cargo xtask bench` itself.

mod alloc;
mod calls;
mod data;
mod generation;
mod server;
mod stats;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

fn usage() -> String {
    "usage: sdk-bench run [--quick] [--only <parts>] [--goals <file>] | sdk-bench serve".into()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("..")
}

fn run(args: &[String]) -> Result<(), String> {
    let (mut quick, mut only, mut goals_file) = (false, None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--quick" => quick = true,
            "--only" => only = Some(it.next().ok_or_else(usage)?.clone()),
            "--goals" => goals_file = Some(PathBuf::from(it.next().ok_or_else(usage)?)),
            _ => return Err(usage()),
        }
    }
    let mut out = String::new();
    let mut goals = Vec::new();
    let parts = |part: &str| {
        only.as_deref()
            .is_none_or(|o: &str| o.split(',').any(|p| p == part))
    };
    if parts("generation") {
        eprintln!("generation time and size");
        generation::run(&root(), quick, &mut out, &mut goals)?;
    }
    if ["calls", "decode", "memory", "pages"]
        .iter()
        .any(|p| parts(p))
    {
        eprintln!("calls, decoding, pagination");
        calls::run(calls::Effort::new(quick), &parts, &mut out, &mut goals)?;
    }
    print!("{out}");
    if let Some(path) = goals_file {
        let text: String = goals.iter().map(|g| g.line() + "\n").collect();
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("serve") => server::serve(),
        _ => Err(usage()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sdk-bench: {message}");
            ExitCode::FAILURE
        }
    }
}
