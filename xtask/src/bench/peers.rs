//! Section 7 of `cargo xtask bench`: compile time of the generated crates beside the crates
//! oas3-gen (a generator of the same kind, <https://crates.io/crates/oas3-gen>) makes of the same
//! vendored specs.
//!
//! 1. oas3-gen [`OAS3_GEN_VERSION`] is installed from crates.io into `target/bench/oas3-gen`
//!    unless it is already there.
//! 2. `target/bench/peers` is a cargo workspace of its own (written on each run; its `Cargo.lock`
//!    is seeded on the first run from the main workspace's, so that our crates build against the
//!    same dependency versions as in section 3; target directory `target/bench/peers/target`).
//!    For each API it holds:
//!    - `oas3-<api>`: what `oas3-gen generate client-mod --workspace` makes of `specs/<api>.*`,
//!      with the `Cargo.toml` oas3-gen emits for it, TLS switched from native-tls to rustls with
//!      ring (as the runtime's reqwest uses);
//!    - `ours-<api>`: an empty crate depending on `generated/<api>` by path, with its default
//!      features. Our crate is not a member of this workspace, and `cargo build -p <non-member>`
//!      resolves features for all the members together (oas3-gen's `serde_json/preserve_order`
//!      included), so "ours alone" is built through this crate (one more rustc run of an empty
//!      crate, counted against ours);
//!    - consumers of each, `<ours|oas3>-<api>-all` and `-ten`: one function per operation (every
//!      operation, or ten) that awaits it once, its arguments parameters of concrete types, so that
//!      each call is compiled, monomorphised, in the consumer: nothing unreachable, nothing generic
//!      left uninstantiated.
//! 3. Our operations are the client methods of the name lock (`specs/<api>.lock.json`), waiters and
//!    deprecated aliases left out, with their signatures from the crate's source (parsed with syn).
//!    oas3-gen's are the methods of its client whose documentation says ``* Path: `GET /path` ``,
//!    its source parsed with syn, the HTTP method checked against the request the method builds
//!    (`self.client.get(url)`). Our `ten` are the first ten by name of the cargo feature with the
//!    most operations (of all our operations when the lock names no features); oas3-gen's `ten`
//!    call the same operations, matched by HTTP method and path. Our `ten` consumer is built twice:
//!    with our crate's default features (every operation), and with only the features of its ten
//!    operations (`--no-default-features`: its `default` feature turns the crate's default on).
//! 4. Each build is timed once its dependencies are built (an untimed build of the same command
//!    first), after touching the `src/lib.rs` of what it measures: the crate alone (`cargo check`,
//!    `cargo build`, `cargo build --release`), or the crate and a consumer, building the consumer
//!    (debug and release). Ours and oas3-gen's alternate within each repetition; the figure is the
//!    median of 3 (1 with `--quick`), builds not incremental (`CARGO_INCREMENTAL=0`). The peak
//!    memory of a crate's release build alone is the maximum resident set of its processes
//!    (rustc's, in effect) as `/usr/bin/time -f %M` reports it, measured on the timed builds.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use quote::ToTokens as _;

use super::{cargo_in, median, timed_run, touch};

/// The release of oas3-gen measured.
const OAS3_GEN_VERSION: &str = "0.29.0";

/// The goal: crate + consumer builds in at most this fraction of oas3-gen's time.
const GOAL: f64 = 0.5;

/// GNU time, for the peak memory of a build.
const TIME: &str = "/usr/bin/time";

/// An API of the comparison.
struct Api {
    /// The name in `specs/` and in the crate names of the peers workspace.
    name: &'static str,
    /// Our crate.
    package: &'static str,
    /// Our crate's directory.
    dir: &'static str,
    /// The spec oas3-gen reads.
    spec: &'static str,
}

const APIS: [Api; 2] = [
    Api {
        name: "vast",
        package: "vast-client",
        dir: "generated/vast",
        spec: "specs/vast.yaml",
    },
    Api {
        name: "mithril",
        package: "mithril-client",
        dir: "generated/mithril",
        spec: "specs/mithril.json",
    },
];

/// One operation as a consumer calls it.
struct Call {
    /// The client method.
    method: String,
    /// Its parameters, each a name and a type as the consumer writes it.
    params: Vec<(String, String)>,
    /// Crates its parameter types name (first segments of their paths).
    crates: BTreeSet<String>,
}

/// One of our operations, from the name lock.
struct Locked {
    method: String,
    operation: String,
    /// The features that enable it (`None`: the lock names no features).
    features: Option<Vec<String>>,
}

/// A method as its crate's source declares it: name and parameters (receiver left out).
struct Declared {
    method: String,
    params: Vec<(String, syn::Type)>,
}

/// One of oas3-gen's operations, from its source.
struct Peer {
    operation: String,
    declared: Declared,
}

/// An API set up in the peers workspace.
struct Setup {
    api: &'static Api,
    ours_ops: usize,
    peer_ops: usize,
    /// The operations of `ten`.
    ten: Vec<String>,
    /// The feature `ten` was taken from, with its number of operations.
    ten_from: Option<(String, usize)>,
    /// The features `ten`'s operations need (`None`: the lock names no features).
    ten_features: Option<Vec<String>>,
    /// The dependencies of oas3-gen's crate.
    peer_deps: Vec<String>,
    /// What oas3-gen printed as warnings.
    warnings: Vec<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Check,
    Debug,
    Release,
}

/// One timed build: the `src/lib.rs` of each of `touch` touched, then `cargo <mode> -p <package>`.
struct Build {
    package: String,
    mode: Mode,
    no_default_features: bool,
    touch: Vec<PathBuf>,
}

impl Build {
    fn args(&self) -> Vec<&str> {
        let mut args = vec![if self.mode == Mode::Check {
            "check"
        } else {
            "build"
        }];
        if self.mode == Mode::Release {
            args.push("--release");
        }
        args.extend(["-p", &self.package]);
        if self.no_default_features {
            args.push("--no-default-features");
        }
        args
    }
}

/// A table row: a measurement of ours and of oas3-gen's.
struct Row {
    label: String,
    ours: f64,
    peer: f64,
}

/// The measurements of one API.
struct Compared {
    rows: Vec<Row>,
    /// Peak memory (KiB) of the crate's release build alone: ours, oas3-gen's.
    peaks: (Option<u64>, Option<u64>),
    /// (consumer, profile) → ours / oas3-gen's, with default features and (`ten`, when the
    /// crate has features) with only those of its operations.
    ratios: BTreeMap<(&'static str, &'static str), (f64, Option<f64>)>,
}

/// Section 7 and its goal rows.
pub(super) fn peer_times(
    root: &Path,
    cargo: &str,
    quick: bool,
) -> Result<(String, Vec<[String; 3]>), String> {
    let repeats = if quick { 1 } else { 3 };
    let oas3_gen = install(root, cargo)?;
    let peers = root.join("target").join("bench").join("peers");
    let mut setups = Vec::new();
    for api in &APIS {
        eprintln!("==> peers: generating oas3-{} and the consumers", api.name);
        setups.push((api, setup(root, &oas3_gen, &peers, api)?));
    }
    let ready: Vec<&Setup> = setups.iter().filter_map(|(_, s)| s.as_ref().ok()).collect();
    write_workspace(root, &peers, &ready)?;

    // GNU time, or peak memory is unknown.
    let time = Command::new(TIME)
        .args(["-f", "%M", "true"])
        .output()
        .is_ok_and(|o| o.status.success());
    let mut untimed = 0.0;
    let mut goals = Vec::new();
    let mut tables = String::new();
    for (api, setup) in &setups {
        let compared = match setup {
            Ok(s) => compare(root, cargo, &peers, s, repeats, time, &mut untimed).map(|c| (s, c)),
            Err(why) => Err(format!(
                "oas3-gen {OAS3_GEN_VERSION} cannot handle `{}`: {why}",
                api.spec
            )),
        };
        match compared {
            Ok((s, c)) => {
                tables.push_str(&table(root, &peers, s, &c));
                goals.extend(goal_rows(s, &c));
            }
            Err(why) => {
                eprintln!("==> peers: {}: not measured: {why}", api.name);
                let _ = writeln!(tables, "#### `{}`\n\nNot measured: {why}\n", api.name);
                goals.push([
                    format!(
                        "`{}`: crate + consumer builds in at most {GOAL}× oas3-gen's time",
                        api.name
                    ),
                    "not measured (see section 7)".into(),
                    "–".into(),
                ]);
            }
        }
    }

    let mut text = String::new();
    let _ = writeln!(text, "### 7. Compile time beside oas3-gen\n");
    let _ = writeln!(
        text,
        "Our generated crates beside the crates oas3-gen {OAS3_GEN_VERSION} (`oas3-gen generate client-mod`) makes of the same \
         vendored specs, in a cargo workspace of their own (`target/bench/peers`, written by `cargo xtask bench`, with its own \
         `Cargo.lock`, seeded from the main workspace's, and target directory). oas3-gen's crates have the `Cargo.toml` it \
         emits, with rustls (ring, as the runtime's reqwest) instead of native-tls; ours are path dependencies on \
         `generated/<api>`, built alone through an empty crate that depends on them (the rustc run of an empty crate \
         counts against ours). Consumers: `all` has one function per operation that awaits it once, the operation's arguments \
         its parameters, of concrete types (so every call is compiled in the consumer); `ten` the same for ten operations, \
         oas3-gen's matched to ours by HTTP method and path (from its methods' `* Path:` documentation, the method \
         checked against the request they build). \"crate + consumer\": both `src/lib.rs` touched, then the consumer built. \
         Every build is timed once its dependencies are built, after touching the `src/lib.rs` of what it measures \
         (wall clock, median of {repeats}, ours and oas3-gen's alternating within each repetition, `CARGO_INCREMENTAL=0`). \
         Peak memory: maximum resident set of the build's processes (rustc's) by `{TIME} -f %M`{}. Untimed builds \
         (dependencies and first builds) took {untimed:.0} s.\n",
        if time { "" } else { " (not available here: unknown)" }
    );
    text.push_str(&tables);
    Ok((text, goals))
}

/// Times one API's builds (see the module documentation), adding the untimed builds' seconds to
/// `untimed`. An error: what could not be measured.
fn compare(
    root: &Path,
    cargo: &str,
    peers: &Path,
    s: &Setup,
    repeats: usize,
    time: bool,
    untimed: &mut f64,
) -> Result<Compared, String> {
    let api = s.api.name;
    let target = peers.join("target");
    let lib = |dir: &Path| dir.join("src").join("lib.rs");
    let ours_lib = lib(&root.join(s.api.dir));
    let peer_lib = lib(&peers.join(format!("oas3-{api}")));
    // oas3-gen's crate builds, or the API is not measured (with the end of what cargo said).
    eprintln!("==> peers: {api}: building the dependencies");
    let t = std::time::Instant::now();
    let probe = cargo_in(
        peers,
        cargo,
        &target,
        &["check", "-p", &format!("oas3-{api}")],
    );
    *untimed += t.elapsed().as_secs_f64();
    if let Err(failure) = probe {
        let lines: Vec<&str> = failure.lines().collect();
        let end = lines[lines.len().saturating_sub(30)..].join("\n");
        return Err(format!(
            "oas3-gen's crate does not build:\n\n```\n{end}\n```"
        ));
    }

    let mut rows = Vec::new();
    let mut peaks = (None, None);
    let crate_alone = [
        (Mode::Check, "crate alone, `cargo check`"),
        (Mode::Debug, "crate alone, `cargo build`"),
        (Mode::Release, "crate alone, `cargo build --release`"),
    ];
    for (mode, label) in crate_alone {
        let builds = [
            Build {
                package: format!("ours-{api}"),
                mode,
                no_default_features: false,
                touch: vec![ours_lib.clone()],
            },
            Build {
                package: format!("oas3-{api}"),
                mode,
                no_default_features: false,
                touch: vec![peer_lib.clone()],
            },
        ];
        let peak = mode == Mode::Release && time;
        eprintln!("==> peers: {api}: {label}");
        let m = measure(peers, cargo, &target, &builds, repeats, peak)?;
        *untimed += m.untimed;
        if peak {
            peaks = (m.peaks[0], m.peaks[1]);
        }
        rows.push(Row {
            label: label.into(),
            ours: m.medians[0],
            peer: m.medians[1],
        });
    }

    let mut ratios = BTreeMap::new();
    for consumer in ["all", "ten"] {
        for (mode, profile) in [(Mode::Debug, "debug"), (Mode::Release, "release")] {
            let with = |prefix: &str, crate_lib: &Path, no_default_features| Build {
                package: format!("{prefix}-{api}-{consumer}"),
                mode,
                no_default_features,
                touch: vec![
                    crate_lib.to_path_buf(),
                    lib(&peers.join(format!("{prefix}-{api}-{consumer}"))),
                ],
            };
            let mut builds = vec![
                with("ours", &ours_lib, false),
                with("oas3", &peer_lib, false),
            ];
            let only_features = s.ten_features.as_ref().filter(|_| consumer == "ten");
            if only_features.is_some() {
                builds.push(with("ours", &ours_lib, true));
            }
            let label = format!("crate + `{consumer}`, {profile}");
            eprintln!("==> peers: {api}: {label}");
            let m = measure(peers, cargo, &target, &builds, repeats, false)?;
            *untimed += m.untimed;
            let times = m.medians;
            rows.push(Row {
                label: label.clone(),
                ours: times[0],
                peer: times[1],
            });
            let only = only_features.map(|features| {
                rows.push(Row {
                    label: format!(
                        "{label}, ours with only {}",
                        list(features, |f| format!("`{f}`"))
                    ),
                    ours: times[2],
                    peer: times[1],
                });
                times[2] / times[1]
            });
            ratios.insert((consumer, profile), (times[0] / times[1], only));
        }
    }
    Ok(Compared {
        rows,
        peaks,
        ratios,
    })
}

/// One API's table and the notes under it.
fn table(root: &Path, peers: &Path, s: &Setup, c: &Compared) -> String {
    let api = s.api.name;
    let mut text = format!(
        "#### `{api}`\n\n| | ours (`{}`) | oas3-gen (`oas3-{api}`) | ours / oas3-gen |\n|---|---:|---:|---:|\n",
        s.api.package
    );
    for r in &c.rows {
        let _ = writeln!(
            text,
            "| {} | {:.2} s | {:.2} s | {:.2}× |",
            r.label,
            r.ours,
            r.peer,
            r.ours / r.peer
        );
    }
    let (ours_lines, peer_lines) = (
        code_lines(&root.join(s.api.dir).join("src")),
        code_lines(&peers.join(format!("oas3-{api}")).join("src")),
    );
    let _ = writeln!(
        text,
        "| code lines (non-empty lines of `src/**/*.rs`) | {ours_lines} | {peer_lines} | {:.2}× |",
        ours_lines as f64 / peer_lines.max(1) as f64
    );
    let mib = |kb: Option<u64>| {
        kb.map_or("unknown".into(), |kb| {
            format!("{:.0} MiB", kb as f64 / 1024.0)
        })
    };
    let _ = writeln!(
        text,
        "| peak memory, crate alone, `cargo build --release` | {} | {} | {} |\n",
        mib(c.peaks.0),
        mib(c.peaks.1),
        match c.peaks {
            (Some(a), Some(b)) => format!("{:.2}×", a as f64 / b as f64),
            _ => "–".into(),
        }
    );
    let _ = writeln!(
        text,
        "Operations: {} of ours (the lock's methods, waiters and deprecated aliases left out), {} of oas3-gen's. \
         `ten`: {}{}.\n",
        s.ours_ops,
        s.peer_ops,
        list(&s.ten, |o| format!("`{o}`")),
        match (&s.ten_from, &s.ten_features) {
            (Some((f, n)), Some(features)) => format!(
                " (the first ten by name of feature `{f}`, the one with the most operations, {n}; built with only {})",
                list(features, |f| format!("`{f}`"))
            ),
            _ => format!(
                " (the first ten by name: the lock of `{api}` names no cargo features yet, so `ten` is built \
                 with our crate's default features only)"
            ),
        }
    );
    let _ = writeln!(
        text,
        "oas3-gen's crate depends on {} (the dependencies of the `Cargo.toml` it emits, and rustls for its crypto provider; \
         reqwest 0.13 because oas3-gen-support 0.29 needs it, where the runtime uses 0.12).{}\n",
        list(&s.peer_deps, |d| format!("`{d}`")),
        if s.warnings.is_empty() {
            String::new()
        } else {
            format!(
                " oas3-gen warned: {}.",
                list(&s.warnings, |w| format!("`{}`", w.replace('|', "\\|")))
            )
        }
    );
    text
}

/// The goal rows of one API: crate + consumer in at most [`GOAL`] of oas3-gen's time, debug and
/// release, for each consumer. `ten` is judged as a user of ten operations builds it: with only
/// their features, when the crate has features.
fn goal_rows(s: &Setup, c: &Compared) -> Vec<[String; 3]> {
    let api = s.api.name;
    ["all", "ten"]
        .into_iter()
        .map(|consumer| {
            let (debug, release) = (c.ratios[&(consumer, "debug")], c.ratios[&(consumer, "release")]);
            let judged = |(default, only): (f64, Option<f64>)| only.unwrap_or(default);
            let met = judged(debug) <= GOAL && judged(release) <= GOAL;
            let (name, measured) = match (debug.1, release.1) {
                (Some(d), Some(r)) => (
                    " (ours with only the features of its operations)",
                    format!(
                        "{d:.2}× debug, {r:.2}× release with only its features; {:.2}×, {:.2}× with default features",
                        debug.0, release.0
                    ),
                ),
                _ => ("", format!("{:.2}× debug, {:.2}× release", debug.0, release.0)),
            };
            [
                format!(
                    "`{api}`: crate + `{consumer}` consumer builds in at most {GOAL}× oas3-gen's time, debug and release{name}"
                ),
                measured,
                if met { "yes" } else { "no" }.into(),
            ]
        })
        .collect()
}

/// The oas3-gen binary, installed into `target/bench/oas3-gen` if it is not there.
fn install(root: &Path, cargo: &str) -> Result<PathBuf, String> {
    let dir = root.join("target").join("bench").join("oas3-gen");
    let bin = dir.join("bin").join("oas3-gen");
    let version = Command::new(&bin)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    if version.as_deref() != Some(&format!("oas3-gen {OAS3_GEN_VERSION}")) {
        eprintln!(
            "==> cargo install oas3-gen --version {OAS3_GEN_VERSION} (into target/bench/oas3-gen)"
        );
        let status = Command::new(cargo)
            .args([
                "install",
                "oas3-gen",
                "--version",
                OAS3_GEN_VERSION,
                "--locked",
                "--root",
            ])
            .arg(&dir)
            .arg("--target-dir")
            .arg(dir.join("build"))
            .current_dir(root)
            .status()
            .map_err(|e| format!("cannot run cargo install: {e}"))?;
        if !status.success() {
            return Err(format!(
                "cargo install oas3-gen --version {OAS3_GEN_VERSION} failed"
            ));
        }
    }
    Ok(bin)
}

/// Writes `api`'s crates into the peers workspace. `Ok(Err(why))`: oas3-gen cannot handle it.
fn setup(
    root: &Path,
    oas3_gen: &Path,
    peers: &Path,
    api: &'static Api,
) -> Result<Result<Setup, String>, String> {
    let name = api.name;
    // oas3-gen names the crate after its output directory; it writes there, and only the files
    // that changed are copied into the workspace, so that nothing is rebuilt for nothing.
    let out = root
        .join("target")
        .join("bench")
        .join("oas3-gen")
        .join("out")
        .join(format!("oas3-{name}"));
    let _ = std::fs::remove_dir_all(&out);
    let generated = Command::new(oas3_gen)
        .args([
            "generate",
            "client-mod",
            "--workspace",
            "--quiet",
            "--color",
            "never",
        ])
        .args(["--input", api.spec, "--output"])
        .arg(&out)
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", oas3_gen.display()))?;
    let stderr = String::from_utf8_lossy(&generated.stderr);
    if !generated.status.success() {
        return Ok(Err(format!(
            "oas3-gen failed:\n\n```\n{}\n```",
            stderr.trim()
        )));
    }
    let warnings: Vec<String> = stderr
        .lines()
        .filter_map(|l| l.trim().strip_prefix("Warning: ").map(str::to_owned))
        .collect();
    let peer_dir = peers.join(format!("oas3-{name}"));
    sync_sources(&out.join("src"), &peer_dir.join("src"))?;
    let (manifest, peer_deps) = peer_manifest(&read(&out.join("Cargo.toml"))?)?;
    write(&peer_dir.join("Cargo.toml"), &manifest)?;

    let (peer_client, peer_ops, exported) = match peer_operations(&peer_dir.join("src")) {
        Ok(found) => found,
        Err(why) => return Ok(Err(why)),
    };
    let peer_krate = format!("oas3_{name}");
    let mut peer_calls = Vec::new();
    let mut by_operation = BTreeMap::new();
    for Peer {
        operation,
        declared,
    } in peer_ops
    {
        let call = qualify_call(declared, &peer_krate, &exported)?;
        if by_operation
            .insert(normalise(&operation), peer_calls.len())
            .is_some()
        {
            return Ok(Err(format!("two of its methods call `{operation}`")));
        }
        peer_calls.push(call);
    }

    let locked = locked_methods(root, name)?;
    let ours_krate = api.package.replace('-', "_");
    let mut signatures = signatures(&root.join(api.dir).join("src"))?;
    let mut ours_calls = Vec::new();
    for m in &locked {
        let params = signatures.remove(&m.method).ok_or_else(|| {
            format!(
                "`{}` of specs/{name}.lock.json is not a method of `{}` in {}/src: is the crate stale?",
                m.method, api.package, api.dir
            )
        })?;
        let declared = Declared {
            method: m.method.clone(),
            params,
        };
        ours_calls.push(qualify_call(declared, &ours_krate, &BTreeSet::new())?);
    }

    // The ten: the first ten by name of the feature with the most operations (ties: the first by name).
    let mut counts = BTreeMap::<&str, usize>::new();
    for f in locked.iter().filter_map(|m| m.features.as_ref()).flatten() {
        *counts.entry(f).or_default() += 1;
    }
    let ten_from = counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(f, n)| ((*f).to_owned(), *n));
    let ten: Vec<usize> = (0..locked.len())
        .filter(|&i| match &ten_from {
            Some((f, _)) => locked[i].features.as_ref().is_some_and(|fs| fs.contains(f)),
            None => true,
        })
        .take(10)
        .collect();
    let ten_features = ten_from.as_ref().map(|_| {
        ten.iter()
            .flat_map(|&i| locked[i].features.iter().flatten().cloned())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
    });
    let mut peer_ten = Vec::new();
    for &i in &ten {
        match by_operation.get(&normalise(&locked[i].operation)) {
            Some(&j) => peer_ten.push(j),
            None => {
                return Ok(Err(format!(
                    "it has no method for `{}` (our `{}`), one of `ten`'s operations",
                    locked[i].operation, locked[i].method
                )))
            }
        }
    }

    // Crates the consumers may need for their parameter types, as dependency lines.
    let up = "../../../..";
    let ours_crates = BTreeMap::from([(
        "sdkgen_runtime".to_owned(),
        format!("sdkgen-runtime = {{ path = \"{up}/codegen/runtime\" }}"),
    )]);
    let peer_crates: BTreeMap<String, String> = read(&peer_dir.join("Cargo.toml"))?
        .lines()
        .filter_map(|l| {
            let (dep, _) = l.split_once(" = ")?;
            peer_deps
                .iter()
                .any(|d| d == dep)
                .then(|| (dep.replace('-', "_"), l.to_owned()))
        })
        .collect();

    let ours_dep = format!("{} = {{ path = \"{up}/{}\" }}", api.package, api.dir);
    let ours_client = format!("{ours_krate}::Client");
    write_crate(
        &peers.join(format!("ours-{name}")),
        &format!("ours-{name}"),
        std::slice::from_ref(&ours_dep),
        "",
        &format!(
            "//! Nothing: `cargo build -p ours-{name}` builds `{}` alone (with its default features).\n",
            api.package
        ),
    )?;
    let ten_dep = match &ten_features {
        Some(features) => format!(
            "{} = {{ path = \"{up}/{}\", default-features = false, features = [{}] }}",
            api.package,
            api.dir,
            list(features, |f| format!("\"{f}\""))
        ),
        None => ours_dep.clone(),
    };
    let ten_features_table = match ten_features {
        Some(_) => format!(
            "\n# `cargo build` builds it with the crate's default features, `--no-default-features` with only\n\
             # those of its operations.\n[features]\ndefault = [\"{}/default\"]\n",
            api.package
        ),
        None => String::new(),
    };
    let peer_dep = format!("oas3-{name} = {{ path = \"../oas3-{name}\" }}");
    let peer_client = format!("{peer_krate}::{peer_client}");
    let consumers = [
        Consumer {
            package: format!("ours-{name}-all"),
            krate: &ours_krate,
            dependency: &ours_dep,
            features: "",
            client: &ours_client,
            calls: ours_calls.iter().collect(),
            crates: &ours_crates,
        },
        Consumer {
            package: format!("ours-{name}-ten"),
            krate: &ours_krate,
            dependency: &ten_dep,
            features: &ten_features_table,
            client: &ours_client,
            calls: ten.iter().map(|&i| &ours_calls[i]).collect(),
            crates: &ours_crates,
        },
        Consumer {
            package: format!("oas3-{name}-all"),
            krate: &peer_krate,
            dependency: &peer_dep,
            features: "",
            client: &peer_client,
            calls: peer_calls.iter().collect(),
            crates: &peer_crates,
        },
        Consumer {
            package: format!("oas3-{name}-ten"),
            krate: &peer_krate,
            dependency: &peer_dep,
            features: "",
            client: &peer_client,
            calls: peer_ten.iter().map(|&j| &peer_calls[j]).collect(),
            crates: &peer_crates,
        },
    ];
    for consumer in &consumers {
        consumer.write(peers)?;
    }

    Ok(Ok(Setup {
        api,
        ours_ops: locked.len(),
        peer_ops: peer_calls.len(),
        ten: ten.iter().map(|&i| locked[i].operation.clone()).collect(),
        ten_from,
        ten_features,
        peer_deps,
        warnings,
    }))
}

/// The workspace manifest, and its `Cargo.lock` seeded from the main workspace's on the first run.
fn write_workspace(root: &Path, peers: &Path, setups: &[&Setup]) -> Result<(), String> {
    let mut members = Vec::new();
    let mut profiles = String::new();
    for s in setups {
        let n = s.api.name;
        members.extend([
            format!("oas3-{n}"),
            format!("ours-{n}"),
            format!("ours-{n}-all"),
            format!("ours-{n}-ten"),
            format!("oas3-{n}-all"),
            format!("oas3-{n}-ten"),
        ]);
        let _ = write!(
            profiles,
            "\n[profile.dev.package.{}]\ndebug = \"line-tables-only\"\n",
            s.api.package
        );
    }
    let manifest = format!(
        "# Written by `cargo xtask bench` (xtask/src/bench/peers.rs) on each run: section 7's workspace, apart from the\n\
         # main one so that its dependency versions (oas3-gen's reqwest 0.13...) and builds stay apart.\n\
         [workspace]\nresolver = \"2\"\nmembers = [{}]\n\n\
         # The main workspace's profiles, so that what is measured builds as in section 3. Our crates, path\n\
         # dependencies rather than members here, are named so that `\"*\"` (the dependencies) does not cover them.\n\
         [profile.dev]\ndebug = \"line-tables-only\"\n\n[profile.dev.package.\"*\"]\ndebug = false\n{profiles}",
        list_with(&members, ", ", |m| format!("\"{m}\""))
    );
    write(&peers.join("Cargo.toml"), &manifest)?;
    let lock = peers.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(root.join("Cargo.lock"), &lock)
            .map_err(|e| format!("cannot write {}: {e}", lock.display()))?;
    }
    Ok(())
}

/// The `Cargo.toml` of oas3-gen's crate, from the one it emits: the same package and dependencies,
/// reqwest's TLS switched from native-tls to rustls with ring. Also the names of the dependencies.
fn peer_manifest(emitted: &str) -> Result<(String, Vec<String>), String> {
    let mut package = String::new();
    let mut dependencies = String::new();
    let mut names = Vec::new();
    let mut section = "";
    for line in emitted.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            section = match trimmed {
                "[package]" => "package",
                "[dependencies]" => "dependencies",
                other => {
                    return Err(format!(
                        "oas3-gen's Cargo.toml has an unexpected table {other}"
                    ))
                }
            };
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        match section {
            "package" => {
                package.push_str(line);
                package.push('\n');
            }
            "dependencies" => {
                let (name, _) = trimmed.split_once(" = ").ok_or_else(|| {
                    format!("cannot read the dependency line `{trimmed}` of oas3-gen's Cargo.toml")
                })?;
                let line = if name == "reqwest" {
                    if !trimmed.contains("\"native-tls\"")
                        || !trimmed.contains("default-features = false")
                    {
                        return Err(format!(
                            "oas3-gen's reqwest is not what this bench expects: `{trimmed}`"
                        ));
                    }
                    trimmed.replace("\"native-tls\"", "\"rustls-no-provider\"")
                } else {
                    trimmed.to_owned()
                };
                if line.contains("native-tls") {
                    return Err(format!(
                        "oas3-gen's dependency `{line}` asks for native-tls"
                    ));
                }
                names.push(name.to_owned());
                dependencies.push_str(&line);
                dependencies.push('\n');
            }
            _ => {
                return Err(format!(
                    "oas3-gen's Cargo.toml has `{trimmed}` outside a table"
                ))
            }
        }
    }
    let manifest = format!(
        "# Written by `cargo xtask bench` (xtask/src/bench/peers.rs) from the Cargo.toml `oas3-gen generate client-mod\n\
         # --workspace` emits: the same package and dependencies, reqwest with rustls rather than native-tls.\n\
         [package]\n{package}publish = false\n\n[dependencies]\n{dependencies}\
         # The crypto provider of reqwest's `rustls-no-provider`: ring, as the runtime's reqwest uses (a program\n\
         # installs it with `rustls::crypto::ring::default_provider().install_default()`).\n\
         rustls = {{ version = \"0.23\", default-features = false, features = [\"ring\"] }}\n"
    );
    names.push("rustls".into());
    Ok((manifest, names))
}

/// A crate of the peers workspace: `Cargo.toml` and `src/lib.rs`.
fn write_crate(
    dir: &Path,
    package: &str,
    dependencies: &[String],
    features: &str,
    lib: &str,
) -> Result<(), String> {
    let manifest = format!(
        "# Written by `cargo xtask bench` (xtask/src/bench/peers.rs).\n\
         [package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n{}\n{features}",
        dependencies.join("\n")
    );
    write(&dir.join("Cargo.toml"), &manifest)?;
    write(&dir.join("src").join("lib.rs"), lib)
}

/// A consumer crate of the peers workspace.
struct Consumer<'a> {
    package: String,
    /// The crate it calls.
    krate: &'a str,
    /// Its dependency on that crate, a `Cargo.toml` line.
    dependency: &'a str,
    /// Its `[features]` table, if any.
    features: &'a str,
    /// The client type.
    client: &'a str,
    calls: Vec<&'a Call>,
    /// The dependency lines of the crates its parameter types may name, by crate name.
    crates: &'a BTreeMap<String, String>,
}

impl Consumer<'_> {
    fn write(&self, peers: &Path) -> Result<(), String> {
        let package = &self.package;
        let mut dependencies = vec![self.dependency.to_owned()];
        let named: BTreeSet<&String> = self.calls.iter().flat_map(|c| &c.crates).collect();
        for krate in named {
            if krate == self.krate || ["std", "core", "alloc"].contains(&krate.as_str()) {
                continue;
            }
            let line = self.crates.get(krate).ok_or_else(|| {
                format!(
                    "a parameter type of `{package}` names `{krate}`, not a dependency of `{}`",
                    self.krate
                )
            })?;
            dependencies.push(line.clone());
        }
        let doc = format!(
            "//! Awaits each of {} operations of `{}` once, in a function of its own.\n",
            self.calls.len(),
            self.krate
        );
        let lib = consumer_source(&doc, self.client, &self.calls)?;
        write_crate(
            &peers.join(package),
            package,
            &dependencies,
            self.features,
            &lib,
        )
    }
}

/// A consumer's `src/lib.rs`: one function per call, awaiting it once.
fn consumer_source(doc: &str, client: &str, calls: &[&Call]) -> Result<String, String> {
    let mut source = doc.to_owned();
    for call in calls {
        let params: String = call
            .params
            .iter()
            .map(|(name, ty)| format!(", {name}: {ty}"))
            .collect();
        let args = list_with(&call.params, ", ", |(name, _)| name.clone());
        let _ = writeln!(
            source,
            "pub fn {m}<'a>(c: &'a {client}{params}) -> ::std::pin::Pin<::std::boxed::Box<dyn ::std::future::Future<Output = ()> + 'a>> {{ \
             ::std::boxed::Box::pin(async move {{ let _ = c.{m}({args}).await; }}) }}",
            m = call.method
        );
    }
    let file = syn::parse_file(&source).map_err(|e| format!("a consumer does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// Our operations: the name lock's methods, waiters and deprecated aliases left out, by name.
fn locked_methods(root: &Path, api: &str) -> Result<Vec<Locked>, String> {
    let path = root.join("specs").join(format!("{api}.lock.json"));
    let lock: serde_json::Value = serde_json::from_str(&read(&path)?)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let surface = &lock["surface"];
    let aliases = surface["aliases"]["methods"].as_object();
    let methods = surface["methods"]
        .as_object()
        .ok_or_else(|| format!("{} has no surface.methods", path.display()))?;
    let mut locked: Vec<Locked> = methods
        .iter()
        .filter(|(name, _)| aliases.is_none_or(|a| !a.contains_key(*name)))
        .filter_map(|(name, m)| {
            let operation = m["operation"].as_str()?;
            (!operation.starts_with("waiter polling ")).then(|| Locked {
                method: name.clone(),
                operation: operation.to_owned(),
                features: m["features"].as_array().map(|fs| {
                    fs.iter()
                        .filter_map(|f| f.as_str().map(str::to_owned))
                        .collect()
                }),
            })
        })
        .collect();
    locked.sort_by(|a, b| a.method.cmp(&b.method));
    Ok(locked)
}

/// The public methods of our `Client` in the crate's source (every `impl Client` block): name →
/// parameters.
fn signatures(src: &Path) -> Result<BTreeMap<String, Vec<(String, syn::Type)>>, String> {
    let mut found = BTreeMap::new();
    for file in rust_files(src)? {
        let mut items = parse(&file)?.items;
        while let Some(item) = items.pop() {
            match item {
                syn::Item::Mod(m) => items.extend(m.content.into_iter().flat_map(|(_, i)| i)),
                syn::Item::Impl(imp)
                    if imp.trait_.is_none()
                        && last_ident(&imp.self_ty) == Some("Client".into()) =>
                {
                    for item in imp.items {
                        let syn::ImplItem::Fn(f) = item else { continue };
                        if matches!(f.vis, syn::Visibility::Public(_)) && f.sig.receiver().is_some()
                        {
                            let name = f.sig.ident.to_string();
                            found.entry(name).or_insert(params(f.sig)?);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    Ok(found)
}

/// oas3-gen's client: its type name, its operations, and the type names its crate exports.
fn peer_operations(src: &Path) -> Result<(String, Vec<Peer>, BTreeSet<String>), String> {
    let public = |vis: &syn::Visibility| matches!(vis, syn::Visibility::Public(_));
    let mut client = None;
    let mut operations = Vec::new();
    let mut exported = BTreeSet::new();
    for file in rust_files(src)? {
        for item in parse(&file)?.items {
            let name = match &item {
                syn::Item::Struct(i) if public(&i.vis) => Some(&i.ident),
                syn::Item::Enum(i) if public(&i.vis) => Some(&i.ident),
                syn::Item::Type(i) if public(&i.vis) => Some(&i.ident),
                syn::Item::Union(i) if public(&i.vis) => Some(&i.ident),
                _ => None,
            };
            exported.extend(name.map(ToString::to_string));
            let syn::Item::Impl(imp) = item else { continue };
            if imp.trait_.is_some() {
                continue;
            }
            let owner = last_ident(&imp.self_ty);
            for item in imp.items {
                let syn::ImplItem::Fn(f) = item else { continue };
                let Some(operation) = documented_path(&f.attrs) else {
                    continue;
                };
                let method = f.sig.ident.to_string();
                let verb = request_verb(&f.block).ok_or_else(|| {
                    format!("its `{method}` documents `{operation}` but builds no `self.client.<method>(...)` request")
                })?;
                if !operation.starts_with(&format!("{} ", verb.to_uppercase())) {
                    return Err(format!(
                        "its `{method}` documents `{operation}` but sends a {} request",
                        verb.to_uppercase()
                    ));
                }
                if *client.get_or_insert_with(|| owner.clone()) != owner {
                    return Err("its operations are methods of two types".into());
                }
                operations.push(Peer {
                    operation,
                    declared: Declared {
                        method,
                        params: params(f.sig)?,
                    },
                });
            }
        }
    }
    let client = client
        .flatten()
        .ok_or("its output has no method documented `* Path: ...`")?;
    Ok((client, operations, exported))
}

/// The parameters of a method, its receiver left out: names and types.
fn params(sig: syn::Signature) -> Result<Vec<(String, syn::Type)>, String> {
    let method = sig.ident.to_string();
    sig.inputs
        .into_iter()
        .filter_map(|arg| match arg {
            syn::FnArg::Receiver(_) => None,
            syn::FnArg::Typed(p) => Some(match *p.pat {
                // `c` is the consumer's client parameter.
                syn::Pat::Ident(i) if i.ident == "c" => Ok(("c_".to_owned(), *p.ty)),
                syn::Pat::Ident(i) => Ok((i.ident.to_string(), *p.ty)),
                _ => Err(format!(
                    "a parameter of `{method}` is a pattern, not a name"
                )),
            }),
        })
        .collect()
}

/// The call of a method of `krate`, its parameter types as a consumer writes them (see [`qualify`]).
fn qualify_call(
    declared: Declared,
    krate: &str,
    exported: &BTreeSet<String>,
) -> Result<Call, String> {
    let mut crates = BTreeSet::new();
    let params = declared
        .params
        .into_iter()
        .map(|(name, ty)| {
            let ty = qualify(ty, krate, exported, &mut crates)?;
            Ok((name, ty.to_token_stream().to_string()))
        })
        .collect::<Result<_, String>>()?;
    Ok(Call {
        method: declared.method,
        params,
        crates,
    })
}

/// `ty` as another crate writes it: `crate::` through `krate`, the names `krate` exports at its
/// root (`exported`) qualified with it, `impl Into<X>` as `X`, references with the lifetime `'a`.
/// Adds the first segments of its paths to `crates`.
fn qualify(
    ty: syn::Type,
    krate: &str,
    exported: &BTreeSet<String>,
    crates: &mut BTreeSet<String>,
) -> Result<syn::Type, String> {
    // Qualifies a type nested in `ty`, in place.
    let nested = |t: &mut syn::Type, crates: &mut BTreeSet<String>| -> Result<(), String> {
        let placeholder = syn::Type::Never(syn::TypeNever {
            bang_token: Default::default(),
        });
        *t = qualify(std::mem::replace(t, placeholder), krate, exported, crates)?;
        Ok(())
    };
    Ok(match ty {
        syn::Type::Path(mut p) if p.qself.is_none() => {
            let bare = p.path.leading_colon.is_none() && p.path.segments.len() == 1;
            let segments = &mut p.path.segments;
            if let Some(first) = segments.first_mut() {
                let span = first.ident.span();
                if first.ident == "crate" {
                    first.ident = syn::Ident::new(krate, span);
                } else if bare && exported.contains(&first.ident.to_string()) {
                    segments.insert(0, syn::Ident::new(krate, span).into());
                }
            }
            if segments.len() > 1 || p.path.leading_colon.is_some() {
                crates.extend(segments.first().map(|s| s.ident.to_string()));
            }
            for segment in segments.iter_mut() {
                if let syn::PathArguments::AngleBracketed(args) = &mut segment.arguments {
                    for arg in args.args.iter_mut() {
                        if let syn::GenericArgument::Type(t) = arg {
                            nested(t, crates)?;
                        }
                    }
                }
            }
            syn::Type::Path(p)
        }
        syn::Type::ImplTrait(t) => {
            let target = t.bounds.into_iter().find_map(|bound| {
                let syn::TypeParamBound::Trait(bound) = bound else {
                    return None;
                };
                let last = bound.path.segments.into_iter().last()?;
                let syn::PathArguments::AngleBracketed(args) = last.arguments else {
                    return None;
                };
                (last.ident == "Into").then(|| {
                    args.args.into_iter().find_map(|a| match a {
                        syn::GenericArgument::Type(t) => Some(t),
                        _ => None,
                    })
                })?
            });
            let target = target.ok_or("a parameter is `impl Trait` other than `impl Into<T>`")?;
            qualify(target, krate, exported, crates)?
        }
        syn::Type::Reference(mut r) => {
            if r.lifetime.is_none() {
                r.lifetime = Some(syn::parse_quote!('a));
            }
            nested(&mut r.elem, crates)?;
            syn::Type::Reference(r)
        }
        syn::Type::Slice(mut s) => {
            nested(&mut s.elem, crates)?;
            syn::Type::Slice(s)
        }
        syn::Type::Array(mut a) => {
            nested(&mut a.elem, crates)?;
            syn::Type::Array(a)
        }
        syn::Type::Paren(mut p) => {
            nested(&mut p.elem, crates)?;
            syn::Type::Paren(p)
        }
        syn::Type::Tuple(mut t) => {
            for elem in t.elems.iter_mut() {
                nested(elem, crates)?;
            }
            syn::Type::Tuple(t)
        }
        other => {
            return Err(format!(
                "unsupported parameter type `{}`",
                other.to_token_stream()
            ))
        }
    })
}

/// The operation oas3-gen documents a method as calling (``* Path: `GET /path` ``).
fn documented_path(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|attr| {
        let syn::Meta::NameValue(nv) = &attr.meta else {
            return None;
        };
        let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(doc),
            ..
        }) = &nv.value
        else {
            return None;
        };
        if !nv.path.is_ident("doc") {
            return None;
        }
        let doc = doc.value();
        let rest = doc.trim().strip_prefix("* Path: `")?;
        Some(rest.split('`').next()?.to_owned())
    })
}

/// The HTTP method of the request a method's body builds: `m` of `self.client.m(...)`, or of
/// `self.client.request(Method::M, ...)`.
fn request_verb(block: &syn::Block) -> Option<String> {
    fn in_expr(e: &syn::Expr) -> Option<String> {
        use syn::Expr;
        match e {
            Expr::MethodCall(call) => {
                let on_client = matches!(&*call.receiver, Expr::Field(f)
                    if matches!(&f.member, syn::Member::Named(m) if m == "client")
                        && matches!(&*f.base, Expr::Path(p) if p.path.is_ident("self")));
                if on_client {
                    if call.method == "request" {
                        return match call.args.first()? {
                            Expr::Path(p) => Some(p.path.segments.last()?.ident.to_string()),
                            _ => None,
                        };
                    }
                    return Some(call.method.to_string());
                }
                in_expr(&call.receiver).or_else(|| call.args.iter().find_map(in_expr))
            }
            Expr::Call(call) => call.args.iter().find_map(in_expr),
            Expr::Assign(a) => in_expr(&a.right),
            Expr::Await(a) => in_expr(&a.base),
            Expr::Try(t) => in_expr(&t.expr),
            Expr::Paren(p) => in_expr(&p.expr),
            Expr::Reference(r) => in_expr(&r.expr),
            Expr::Block(b) => in_block(&b.block),
            Expr::If(i) => in_expr(&i.cond)
                .or_else(|| in_block(&i.then_branch))
                .or_else(|| i.else_branch.as_ref().and_then(|(_, e)| in_expr(e))),
            Expr::Match(m) => {
                in_expr(&m.expr).or_else(|| m.arms.iter().find_map(|a| in_expr(&a.body)))
            }
            _ => None,
        }
    }
    fn in_block(block: &syn::Block) -> Option<String> {
        block.stmts.iter().find_map(|stmt| match stmt {
            syn::Stmt::Local(l) => l.init.as_ref().and_then(|i| in_expr(&i.expr)),
            syn::Stmt::Expr(e, _) => in_expr(e),
            _ => None,
        })
    }
    in_block(block)
}

/// An operation as matched: the method upper-case, path parameters unnamed, no trailing `/`.
fn normalise(operation: &str) -> String {
    let (method, path) = operation.split_once(' ').unwrap_or(("", operation));
    format!(
        "{} {}",
        method.to_uppercase(),
        sdkgen::path_shape(path.trim_end_matches('/'))
    )
}

/// What [`measure`] found, one figure per build.
struct Measured {
    /// Median seconds.
    medians: Vec<f64>,
    /// Peak memory in KiB, when measured.
    peaks: Vec<Option<u64>>,
    /// Seconds of the untimed first builds.
    untimed: f64,
}

/// Times `builds` interleaved, once their dependencies are built: the median of each over
/// `repeats`, with the peak memory of each (`peak`: measured with GNU time) and the seconds the
/// untimed first builds took.
fn measure(
    dir: &Path,
    cargo: &str,
    target: &Path,
    builds: &[Build],
    repeats: usize,
    peak: bool,
) -> Result<Measured, String> {
    let t = std::time::Instant::now();
    for b in builds {
        timed_run(&[cargo], dir, target, &b.args())?;
    }
    let warm = t.elapsed().as_secs_f64();
    let mut times = vec![Vec::new(); builds.len()];
    let mut peaks = vec![None; builds.len()];
    let peak_file = target.join("peak-rss.txt");
    let peak_path = peak_file.display().to_string();
    for _ in 0..repeats {
        for (i, b) in builds.iter().enumerate() {
            for file in &b.touch {
                touch(file)?;
            }
            if peak {
                let _ = std::fs::remove_file(&peak_file);
                let program = [TIME, "-f", "%M", "-o", &peak_path, cargo];
                times[i].push(timed_run(&program, dir, target, &b.args())?);
                // GNU time's last line; anything else (another `time`) leaves it unknown.
                let kb = std::fs::read_to_string(&peak_file)
                    .ok()
                    .and_then(|s| s.lines().last()?.trim().parse::<u64>().ok());
                peaks[i] = match (peaks[i], kb) {
                    (Some(a), Some(b)) => Some(u64::max(a, b)),
                    (a, b) => a.or(b),
                };
            } else {
                times[i].push(timed_run(&[cargo], dir, target, &b.args())?);
            }
        }
    }
    Ok(Measured {
        medians: times.iter_mut().map(|t| median(t)).collect(),
        peaks,
        untimed: warm,
    })
}

/// Copies the `.rs` files of `from` into `to`, writing only those that changed and removing the
/// others.
fn sync_sources(from: &Path, to: &Path) -> Result<(), String> {
    let new = rust_files(from)?;
    let names: BTreeSet<_> = new
        .iter()
        .filter_map(|f| f.strip_prefix(from).ok())
        .collect();
    if to.exists() {
        for old in rust_files(to)? {
            if old.strip_prefix(to).is_ok_and(|n| !names.contains(n)) {
                std::fs::remove_file(&old)
                    .map_err(|e| format!("cannot remove {}: {e}", old.display()))?;
            }
        }
    }
    for file in &new {
        let name = file.strip_prefix(from).map_err(|e| e.to_string())?;
        write(&to.join(name), &read(file)?)?;
    }
    Ok(())
}

/// Non-empty lines of the `.rs` files under `dir`.
fn code_lines(dir: &Path) -> usize {
    rust_files(dir)
        .unwrap_or_default()
        .iter()
        .map(|f| {
            read(f)
                .unwrap_or_default()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .count()
        })
        .sum()
}

/// The `.rs` files under `dir`, in name order.
fn rust_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        let entries =
            std::fs::read_dir(&d).map_err(|e| format!("cannot read {}: {e}", d.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

fn parse(file: &Path) -> Result<syn::File, String> {
    syn::parse_file(&read(file)?).map_err(|e| format!("cannot parse {}: {e}", file.display()))
}

/// The last identifier of a type's path (`Client` of `crate::Client`).
fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Writes `contents` unless the file already holds them (so that cargo rebuilds nothing for nothing).
fn write(path: &Path, contents: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn list_with<T>(items: &[T], separator: &str, f: impl Fn(&T) -> String) -> String {
    items.iter().map(f).collect::<Vec<_>>().join(separator)
}

fn list<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    list_with(items, ", ", f)
}
