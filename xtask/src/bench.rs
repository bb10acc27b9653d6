//! `cargo xtask bench [--quick] [--no-compile] [--peers-only]`: the figures of the README's performance section, measured in one run.
//!
//! 1. builds `sdk-bench` (tests/bench) in release and runs it: generation time and generated code size
//!    (sections 1–2), per-call overhead, decode throughput and pagination against hand-written
//!    reqwest + serde_json code (sections 4–6), each comparison interleaved within this run;
//! 2. measures section 3 itself: compile time of each generated crate once its dependencies are
//!    built (debug and release, after touching its `src/lib.rs`) and how many crates a clean build
//!    compiles, in a target directory of its own (`target/bench/cargo`, kept between runs so only
//!    the first run builds the dependencies);
//! 3. measures section 7 (`bench/peers.rs`): compile time of the generated crates beside the
//!    crates oas3-gen makes of the same specs, alone and with consumers that call all or ten
//!    operations, in a cargo workspace of its own (`target/bench/peers`);
//! 4. prints the Markdown report and writes it to `target/bench/report.md`.
//!
//! `--quick` runs fewer iterations (a smoke test of the benchmark, not figures to publish);
//! `--no-compile` skips sections 3 and 7; `--peers-only` runs section 7 alone. Benchmarks never
//! run from `cargo xtask test`.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

mod peers;

const GENERATED: [(&str, &str); 2] = [
    ("vast-client", "generated/vast"),
    ("mithril-client", "generated/mithril"),
];

pub fn bench(root: &Path, args: &[String]) -> Result<(), String> {
    let usage = || "usage: cargo xtask bench [--quick] [--no-compile] [--peers-only]".to_string();
    let (mut quick, mut compile, mut peers_only) = (false, true, false);
    for a in args {
        match a.as_str() {
            "--quick" => quick = true,
            "--no-compile" => compile = false,
            "--peers-only" => peers_only = true,
            _ => return Err(usage()),
        }
    }
    if peers_only && !compile {
        return Err("--peers-only runs section 7 alone, which --no-compile skips".into());
    }
    let started = Instant::now();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let dir = root.join("target").join("bench");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let load_before = read("/proc/loadavg")
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    let cpu_before = cpu_ticks();

    let (runtime_sections, runtime_duration, mut goals) = if peers_only {
        (String::new(), Duration::ZERO, Vec::new())
    } else {
        runtime_sections(root, &cargo, &dir, quick)?
    };
    let compile_section = if compile && !peers_only {
        let (text, mut compile_goals) = compile_times(root, &cargo, &dir.join("cargo"), quick)?;
        goals.append(&mut compile_goals);
        text
    } else {
        String::new()
    };
    let peers_section = if compile {
        let (text, mut peer_goals) = peers::peer_times(root, &cargo, quick)?;
        goals.append(&mut peer_goals);
        text
    } else {
        String::new()
    };

    let total = started.elapsed();
    let load_after = read("/proc/loadavg")
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    let steal = match (cpu_before, cpu_ticks()) {
        (Some((total0, steal0)), Some((total1, steal1))) if total1 > total0 => {
            format!(
                "{:.1} %",
                (steal1 - steal0) as f64 * 100.0 / (total1 - total0) as f64
            )
        }
        _ => "unknown".into(),
    };
    let mut report = String::new();
    let _ = writeln!(report, "## Performance\n");
    let flags = match (quick, peers_only) {
        (false, false) => "",
        (true, false) => " --quick (smoke test: few iterations)",
        (false, true) => " --peers-only (section 7 alone)",
        (true, true) => " --peers-only --quick (section 7 alone; smoke test: few iterations)",
    };
    if peers_only {
        let _ = writeln!(
            report,
            "Measured by `cargo xtask bench`{flags} in one run of {}; ratios compare measurements interleaved within that run.\n",
            minutes(total)
        );
    } else {
        let _ = writeln!(
            report,
            "Measured by `cargo xtask bench`{flags} in one run of {} (of which {} for sections 1, 2 and 4–6); \
             ratios compare measurements interleaved within that run.\n",
            minutes(total),
            minutes(runtime_duration)
        );
    }
    let _ = writeln!(
        report,
        "{}",
        machine(&cargo, &load_before, &load_after, &steal)
    );
    let _ = writeln!(report, "| goal | measured | met |\n|---|---|:-:|");
    for [name, measured, met] in &goals {
        let _ = writeln!(report, "| {name} | {measured} | {met} |");
    }
    let _ = writeln!(report);
    // Section 3 goes between 2 and 4; section 7 last.
    match runtime_sections.find("### 4.") {
        Some(at) => {
            report.push_str(&runtime_sections[..at]);
            report.push_str(&compile_section);
            report.push_str(&runtime_sections[at..]);
        }
        None => {
            report.push_str(&runtime_sections);
            report.push_str(&compile_section);
        }
    }
    report.push_str(&peers_section);
    let path = dir.join("report.md");
    std::fs::write(&path, &report).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("{report}");
    eprintln!(
        "report written to {}",
        path.strip_prefix(root).unwrap_or(&path).display()
    );
    Ok(())
}

/// Sections 1, 2 and 4–6 (`sdk-bench`): their text, how long they took and their goal rows.
fn runtime_sections(
    root: &Path,
    cargo: &str,
    dir: &Path,
    quick: bool,
) -> Result<(String, Duration, Vec<[String; 3]>), String> {
    eprintln!("==> cargo build --release -p sdk-bench");
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "-p", "sdk-bench"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("building sdk-bench failed".into());
    }

    eprintln!("==> sdk-bench run{}", if quick { " --quick" } else { "" });
    let goals_file = dir.join("goals.tsv");
    let mut run = vec![
        "run",
        "--release",
        "--quiet",
        "-p",
        "sdk-bench",
        "--",
        "run",
        "--goals",
    ];
    let goals_arg = goals_file.display().to_string();
    run.push(&goals_arg);
    if quick {
        run.push("--quick");
    }
    let measured_at = Instant::now();
    let output = Command::new(cargo)
        .args(&run)
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run sdk-bench: {e}"))?;
    if !output.status.success() {
        return Err("sdk-bench failed".into());
    }
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let goals = read(&goals_arg)
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t').map(str::to_owned);
            Some([f.next()?, f.next()?, f.next()?])
        })
        .collect();
    Ok((text, measured_at.elapsed(), goals))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

fn minutes(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 {
        format!("{} min {:02} s", s / 60, s % 60)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// The machine, as a Markdown list.
/// Total and stolen CPU ticks of all CPUs so far (`/proc/stat`).
fn cpu_ticks() -> Option<(u64, u64)> {
    let stat = read("/proc/stat");
    let fields: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal (guest time is included in user)
    let total = fields.iter().take(8).sum();
    Some((total, *fields.get(7)?))
}

fn machine(cargo: &str, load_before: &str, load_after: &str, steal: &str) -> String {
    let cpuinfo = read("/proc/cpuinfo");
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .and_then(|r| r.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let logical = cpuinfo
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count();
    let nproc = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = read("/proc/meminfo")
        .lines()
        .find_map(|l| {
            l.strip_prefix("MemTotal:").map(|r| {
                r.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .unwrap_or(0)
            })
        })
        .map_or_else(
            || "unknown".into(),
            |kb| format!("{:.1} GiB", kb as f64 / (1024.0 * 1024.0)),
        );
    let version = |program: &str| {
        Command::new(program)
            .arg("--version")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    let os = read("/proc/sys/kernel/osrelease");
    format!(
        "- Machine: `nproc` = {nproc} ({logical} logical CPUs in /proc/cpuinfo), CPU model \"{model}\", {mem} RAM, Linux {}\n\
         - Toolchain: {}, {}\n\
         - Load average (1, 5, 15 min) when the run started: {load_before}; when it ended: {load_after} \
         (anything above 0 is other work competing for the {nproc} CPUs); CPU time stolen by the hypervisor during the run: {steal}\n",
        os.trim(),
        version("rustc"),
        version(cargo)
    )
}

fn cargo_in(
    root: &Path,
    cargo: &str,
    target: &Path,
    args: &[&str],
) -> Result<(Output, f64), String> {
    run_cargo(&[cargo], root, target, args)
}

/// `program` (cargo, or a wrapper and its arguments followed by cargo) with `args`, in `dir`, with
/// the target directory `target`, timed.
fn run_cargo(
    program: &[&str],
    dir: &Path,
    target: &Path,
    args: &[&str],
) -> Result<(Output, f64), String> {
    let t = Instant::now();
    let out = Command::new(program[0])
        .args(&program[1..])
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        // A crate compiled as a dependency is never compiled incrementally; without this, a
        // debug build after a touch would reuse nearly everything and time almost nothing.
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let elapsed = t.elapsed().as_secs_f64();
    if !out.status.success() {
        return Err(format!(
            "`cargo {}` failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok((out, elapsed))
}

/// Timed `cargo build`, repeated when cargo had to wait for a lock held by another cargo.
fn timed_build(root: &Path, cargo: &str, target: &Path, args: &[&str]) -> Result<f64, String> {
    timed_run(&[cargo], root, target, args)
}

/// [`timed_build`] of `program` (see [`run_cargo`]) in `dir`.
fn timed_run(program: &[&str], dir: &Path, target: &Path, args: &[&str]) -> Result<f64, String> {
    for _ in 0..3 {
        let (out, secs) = run_cargo(program, dir, target, args)?;
        if !String::from_utf8_lossy(&out.stderr).contains("Blocking waiting for file lock") {
            return Ok(secs);
        }
    }
    Err(format!(
        "`cargo {}` kept waiting for a file lock held by another cargo",
        args.join(" ")
    ))
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn touch(path: &Path) -> Result<(), String> {
    std::fs::File::options()
        .append(true)
        .open(path)
        .and_then(|f| f.set_modified(SystemTime::now()))
        .map_err(|e| format!("cannot touch {}: {e}", path.display()))
}

/// What `cargo build --message-format=json` says a build consists of (fresh units included).
struct Units {
    packages: usize,
    compiled: usize,
    build_scripts_run: usize,
}

fn units(stdout: &[u8]) -> Units {
    let mut packages = BTreeSet::new();
    let (mut compiled, mut build_scripts_run) = (0, 0);
    for line in String::from_utf8_lossy(stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        match msg["reason"].as_str() {
            Some("compiler-artifact") => {
                compiled += 1;
                if let Some(id) = msg["package_id"].as_str() {
                    packages.insert(id.to_owned());
                }
            }
            Some("build-script-executed") => build_scripts_run += 1,
            _ => {}
        }
    }
    Units {
        packages: packages.len(),
        compiled,
        build_scripts_run,
    }
}

/// Section 3 and its goal rows.
fn compile_times(
    root: &Path,
    cargo: &str,
    target: &Path,
    quick: bool,
) -> Result<(String, Vec<[String; 3]>), String> {
    let repeats = if quick { 1 } else { 3 };
    let mut rows = Vec::new();
    let mut goals = Vec::new();
    let mut first_build = 0.0;
    for (package, dir) in GENERATED {
        let lib = root.join(dir).join("src").join("lib.rs");
        let mut row = vec![format!("`{package}`")];
        for release in [false, true] {
            let profile = if release { "release" } else { "debug" };
            eprintln!("==> compile time of {package} ({profile})");
            let mut build = vec!["build", "-p", package];
            if release {
                build.push("--release");
            }
            // Dependencies (built only on the first run in this target directory).
            let mut json = build.clone();
            json.push("--message-format=json");
            let (out, secs) = cargo_in(root, cargo, target, &json)?;
            first_build += secs;
            let u = units(&out.stdout);
            // Nothing to do: cargo's own overhead.
            let noop = timed_build(root, cargo, target, &build)?;
            let mut times = Vec::new();
            for _ in 0..repeats {
                touch(&lib)?;
                times.push(timed_build(root, cargo, target, &build)?);
            }
            row.push(format!("{:.2} s", median(&mut times)));
            row.push(format!("{noop:.2} s"));
            if release {
                let (tree, _) = cargo_in(
                    root,
                    cargo,
                    target,
                    &[
                        "tree",
                        "-p",
                        package,
                        "-e",
                        "normal,build",
                        "--prefix",
                        "none",
                    ],
                )?;
                let tree: BTreeSet<String> = String::from_utf8_lossy(&tree.stdout)
                    .lines()
                    .map(|l| l.trim_end_matches(" (*)").trim().to_owned())
                    .filter(|l| !l.is_empty())
                    .collect();
                row.push(format!(
                    "{} ({} rustc runs, {} build scripts run)",
                    u.packages, u.compiled, u.build_scripts_run
                ));
                row.push(tree.len().to_string());
                goals.push([
                    format!("a clean build of `{package}` compiles under 80 crates"),
                    format!("{} crates (release)", u.packages),
                    if u.packages < 80 { "yes" } else { "no" }.to_owned(),
                ]);
            }
        }
        rows.push(row);
    }
    let mut text = String::new();
    let _ = writeln!(text, "### 3. Compile time of the generated crates\n");
    let _ = writeln!(
        text,
        "`cargo build -p <crate> [--release]` of each generated crate alone, its dependencies already built: \
         `src/lib.rs` touched, then the build timed (wall clock, median of {repeats}); \"no-op\" is the same command \
         with nothing to rebuild (cargo's own overhead, included in the first figure). Target directory `target/bench/cargo`, \
         separate from the workspace's so other builds do not hold its lock. \
         \"Crates in a clean build\" counts the distinct packages of `cargo build -p <crate> --release --message-format=json` \
         (every unit a clean build compiles is reported, fresh or not; build scripts are extra rustc runs of their package); \
         \"`cargo tree`\" counts the distinct packages of `cargo tree -p <crate> -e normal,build --prefix none`, the crate included.\n"
    );
    let _ = writeln!(text, "| crate | debug, after touch | debug, no-op | release, after touch | release, no-op | crates in a clean build (release) | `cargo tree` packages |");
    let _ = writeln!(text, "|---|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        let _ = writeln!(text, "| {} |", row.join(" | "));
    }
    // The Unicode stack behind `url`'s international domain names, for scale.
    if let Ok((tree, _)) = cargo_in(
        root,
        cargo,
        target,
        &[
            "tree",
            "-p",
            "idna",
            "-e",
            "normal,build",
            "--prefix",
            "none",
        ],
    ) {
        let idna: BTreeSet<String> = String::from_utf8_lossy(&tree.stdout)
            .lines()
            .map(|l| l.trim_end_matches(" (*)").trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect();
        let _ = writeln!(
            text,
            "\n`idna` (international domain names, required by `url`, which `reqwest` and the runtime use) brings {} packages \
             with its own dependencies (`cargo tree -p idna -e normal,build`), some of them shared with other dependencies. \
             The workspace's `Cargo.lock` pins `idna_adapter` to 1.1 (the unicode-rs back end, a handful of crates) rather \
             than 1.2 (ICU4X, about 30); an application gets the same with `cargo update -p idna_adapter --precise 1.1.0`.",
            idna.len()
        );
    }
    let _ = writeln!(
        text,
        "\nBuilds are not incremental (`CARGO_INCREMENTAL=0`: a crate compiled as a dependency never is). Dependency builds in this \
         run took {first_build:.0} s; they are needed only on the first run in `target/bench/cargo`.\n"
    );
    Ok((text, goals))
}
