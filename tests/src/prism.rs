//! Contract tests: the generated clients against [Prism](https://stoplight.io/open-source/prism),
//! a mock server that knows nothing of this project but the spec.
//!
//! The loopback tests check the clients against answers written by the same people who wrote
//! the generator, so both can share a misreading of the spec. Prism reads the spec itself: it
//! validates every request (security, path, query, body) against it and answers with a response
//! built from the spec's examples and schemas. A request it rejects comes back as an error
//! status (`401`, or the operation's documented `422`/`400`, with the reasons in the
//! `sl-violations` header, see [`violations`]).
//!
//! [`Prism::start`] resolves a spec with its customisation's fixes (the same document the
//! generator reads: `sdkgen::generate(..).resolved_spec`, see [`Resolve`]), writes it to a
//! temporary file and runs `prism mock` on `127.0.0.1` on a port the system picks, in static
//! mode (responses from the spec's examples, else from its schemas: the same answer every time)
//! and with `--errors` (a response of Prism's own that broke the spec would become a `500`, not
//! a log line). It returns once the server accepts connections. Dropping it kills Prism's
//! process group.
//!
//! [`shared`] starts one Prism per spec per test binary, on first use, and keeps it for the
//! rest of the binary's run. A static is never dropped, so Prism is started with a pipe as its
//! standard input and a preloaded script (`tests/contract/exit-with-parent.cjs`) that exits when
//! the pipe closes, which it does when the test binary ends, whether its tests passed, panicked
//! or the run was interrupted; on its way out it removes the temporary spec.
//!
//! The contract tests themselves are generated per operation from the model (`tests/build.rs`,
//! `tests/src/contract_gen.rs`); what they share is here: [`block_on`] (one runtime, so that
//! clients and their connection pools can be shared), [`arg`] (a value synthesized from the
//! spec, as the client's Rust type), [`drain`], and the checks [`Prism::expect_success`],
//! [`Prism::expect_api_error`], [`Prism::expect_unexpected_status`],
//! [`Prism::expect_repeated_cursor`] and [`Prism::expect_last_page`].
//!
//! Prism comes from npm, pinned by `tests/contract/package-lock.json`. When
//! `tests/contract/node_modules` is missing or holds another version, [`ensure_installed`] runs
//! `npm ci` there, once per process and under a file lock across processes (test binaries may
//! run in parallel), so a plain `cargo test` works on a fresh checkout. It needs Node.js 20.16
//! or later and npm on the `PATH`.
//!
//! ```no_run
//! use sdk_tests::prism::{self, Api};
//! use std::path::Path;
//!
//! fn resolve(spec: &Path) -> Result<serde_json::Value, String> {
//!     let input = sdkgen::Input {
//!         spec: spec.to_path_buf(),
//!         config: sdkgen::config_beside(spec),
//!         runtime_dep: String::new(),
//!         source_label: String::new(),
//!     };
//!     sdkgen::generate(&input).map(|out| out.resolved_spec).map_err(|d| format!("{d:?}"))
//! }
//!
//! # async fn demo() {
//! let prism = prism::shared(Api::Vast, resolve); // started on first use
//! let client = vast_client::Client::builder().api_key("k").base_url(prism.url()).build().unwrap();
//! # let _ = client;
//! # }
//! ```

use std::collections::VecDeque;
use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

/// How long Prism may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How many lines of Prism's output are kept for error messages.
const LOG_LINES: usize = 200;
/// What Prism prints once it listens, followed by its URL.
const LISTENING: &str = "Prism is listening on ";
/// How long an example may run in [`run_example`].
const EXAMPLE_TIMEOUT: Duration = Duration::from_secs(60);

/// The APIs of this workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    /// `specs/vast.yaml`, client `generated/vast`.
    Vast,
    /// `specs/mithril.json`, client `generated/mithril`.
    Mithril,
}

impl Api {
    /// Every API, in the order of `specs/`.
    pub const ALL: [Api; 2] = [Api::Mithril, Api::Vast];

    /// The spec file.
    pub fn spec(self) -> PathBuf {
        workspace_root().join("specs").join(match self {
            Api::Vast => "vast.yaml",
            Api::Mithril => "mithril.json",
        })
    }

    /// The directory of the generated crate.
    pub fn crate_dir(self) -> PathBuf {
        workspace_root().join("generated").join(self.name())
    }

    /// `vast` or `mithril`.
    pub fn name(self) -> &'static str {
        match self {
            Api::Vast => "vast",
            Api::Mithril => "mithril",
        }
    }

    /// The environment variable the client (and its examples) read the API key from.
    pub fn api_key_env(self) -> &'static str {
        match self {
            Api::Vast => "VAST_API_KEY",
            Api::Mithril => "MITHRIL_API_KEY",
        }
    }

    /// The environment variable the examples read an optional base URL from.
    pub fn base_url_env(self) -> &'static str {
        match self {
            Api::Vast => "VAST_BASE_URL",
            Api::Mithril => "MITHRIL_BASE_URL",
        }
    }
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the test crate lives inside the workspace")
        .to_path_buf()
}

/// `tests/contract`: Prism's `package.json`, lockfile and `node_modules`.
pub fn contract_dir() -> PathBuf {
    workspace_root().join("tests").join("contract")
}

/// Turns a spec file into the document Prism serves: the spec with its customisation's fixes
/// applied, as `sdkgen::generate(..).resolved_spec` gives it.
///
/// The caller passes it in (the contract tests call `sdkgen`) so that this library does not
/// link the generator, and with it its dependencies, into every test of the crate.
pub type Resolve = fn(&Path) -> Result<serde_json::Value, String>;

/// The Prism version `tests/contract/package.json` pins.
pub fn pinned_version() -> Result<String, String> {
    let path = contract_dir().join("package.json");
    let manifest = read_json(&path)?;
    manifest["devDependencies"]["@stoplight/prism-cli"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{} does not pin @stoplight/prism-cli", path.display()))
}

fn read_json(path: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))
}

/// Whether `node_modules` holds a finished install of the pinned Prism. (`npm ci` writes
/// `node_modules/.package-lock.json` at the end of an install.)
fn installed(dir: &Path, version: &str) -> bool {
    let modules = dir.join("node_modules");
    modules.join(".package-lock.json").is_file()
        && modules.join(".bin").join("prism").exists()
        && read_json(
            &modules
                .join("@stoplight")
                .join("prism-cli")
                .join("package.json"),
        )
        .is_ok_and(|p| p["version"] == version)
}

/// Makes sure `tests/contract/node_modules` holds the pinned Prism, running `npm ci` there if
/// not. Done once per process; across processes, `npm ci` runs under an exclusive lock on
/// `tests/contract/.npm-ci.lock`, and whoever gets the lock after an install finds it done.
pub fn ensure_installed() -> Result<(), String> {
    static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
    INSTALLED.get_or_init(install).clone()
}

fn install() -> Result<(), String> {
    let dir = contract_dir();
    let version = pinned_version()?;
    if installed(&dir, &version) {
        return Ok(());
    }
    let lock_path = dir.join(".npm-ci.lock");
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| format!("cannot open {}: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("cannot lock {}: {e}", lock_path.display()))?;
    if installed(&dir, &version) {
        return Ok(());
    }
    eprintln!("installing Prism {version}: npm ci in {}", dir.display());
    let output = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            format!("cannot run npm (the contract tests need Node.js 20.16+ and npm): {e}")
        })?;
    drop(lock);
    if !output.status.success() {
        return Err(format!(
            "`npm ci` in {} failed ({}):\n{}{}",
            dir.display(),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    if !installed(&dir, &version) {
        return Err(format!(
            "`npm ci` in {} did not install @stoplight/prism-cli {version}",
            dir.display()
        ));
    }
    Ok(())
}

type Log = Arc<Mutex<VecDeque<String>>>;

/// A running `prism mock` (see the [module docs](self)). Dropping it kills Prism.
pub struct Prism {
    url: String,
    pid: u32,
    child: Mutex<Child>,
    /// Prism exits when this pipe closes (see `exit-with-parent.cjs`).
    stdin: Option<ChildStdin>,
    log: Log,
    spec_file: PathBuf,
}

impl std::fmt::Debug for Prism {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prism")
            .field("url", &self.url)
            .field("pid", &self.pid)
            .finish()
    }
}

impl Prism {
    /// Resolves `spec` with `resolve`, installs Prism if needed, starts it on `127.0.0.1` on a
    /// free port and waits until it accepts connections.
    ///
    /// Blocks the calling thread (a few seconds; longer when `npm ci` has to run).
    pub fn start(spec: &Path, resolve: Resolve) -> Result<Prism, String> {
        let resolved =
            resolve(spec).map_err(|e| format!("cannot resolve {}: {e}", spec.display()))?;
        ensure_installed()?;
        let spec_file = temp_spec_path(spec);
        let text = serde_json::to_vec_pretty(&resolved).map_err(|e| e.to_string())?;
        std::fs::write(&spec_file, text)
            .map_err(|e| format!("cannot write {}: {e}", spec_file.display()))?;
        // The file stays while Prism runs (Prism watches it and stops if it vanishes); Prism
        // removes it when it exits, and `Drop` when it kills Prism.
        let prism = launch(&spec_file).inspect_err(|_| {
            let _ = std::fs::remove_file(&spec_file);
        })?;
        eprintln!(
            "Prism for {} listening on {} (pid {})",
            spec.display(),
            prism.url,
            prism.pid
        );
        Ok(prism)
    }

    /// The base URL, `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `builder` pointed at this Prism, without retries: Prism answers at once, so a request it
    /// rejects fails the test with its first answer.
    pub fn configure<C: From<sdkgen_runtime::Client>>(
        &self,
        builder: sdkgen_runtime::ClientBuilder<C>,
    ) -> sdkgen_runtime::ClientBuilder<C> {
        builder
            .base_url(self.url())
            .retry(sdkgen_runtime::RetryPolicy::disabled())
    }

    /// The value of a call that should pass; otherwise fails with what Prism said about the
    /// request (its violations and the end of its log).
    pub fn expect_ok<T, E: std::fmt::Debug>(
        &self,
        result: Result<T, sdkgen_runtime::Error<E>>,
    ) -> T {
        result.unwrap_or_else(|e| {
            panic!(
                "Prism rejected a valid call: {e}\nviolations: {}\nPrism's log:\n{}",
                violations(&e),
                self.log_tail()
            )
        })
    }

    /// Prism's process id (also its process group's id).
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// How Prism exited, or `None` while it runs.
    pub fn exit_status(&self) -> Option<ExitStatus> {
        self.child
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .try_wait()
            .ok()
            .flatten()
    }

    /// The last lines Prism printed (requests, validation results, errors), and how it exited
    /// if it did, for failure messages.
    pub fn log_tail(&self) -> String {
        let mut tail: String = self
            .log
            .lock()
            .unwrap()
            .iter()
            .map(|l| format!("  {l}\n"))
            .collect();
        if let Some(status) = self.exit_status() {
            tail.push_str(&format!("  (Prism has exited: {status})\n"));
        }
        tail
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        drop(self.stdin.take());
        kill_group(self.child.get_mut().unwrap_or_else(|e| e.into_inner()));
        let _ = std::fs::remove_file(&self.spec_file);
    }
}

/// Kills the process group led by `child` (Prism and anything it spawned), then reaps `child`.
fn kill_group(child: &mut Child) {
    // Once reaped, its id may name another process: signal the group only while it is not.
    if matches!(child.try_wait(), Ok(None)) {
        if let Ok(pid) = libc::pid_t::try_from(child.id()) {
            // SAFETY: kill(2) takes plain integers and touches no memory of this process. The
            // child is not reaped yet, so its id still names it and the group it leads
            // (`process_group(0)` at spawn).
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn temp_spec_path(spec: &Path) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("spec");
    std::env::temp_dir().join(format!(
        "sdk-contract-{stem}-{}-{}.json",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ))
}

/// Starts `prism mock` on `spec_file` and waits until it listens and accepts connections.
fn launch(spec_file: &Path) -> Result<Prism, String> {
    let dir = contract_dir();
    let mut child = Command::new("node")
        .arg("--require")
        .arg(dir.join("exit-with-parent.cjs"))
        .arg(dir.join("node_modules").join(".bin").join("prism"))
        .args(["mock", "--errors", "--host", "127.0.0.1", "--port", "0"])
        .arg(spec_file)
        .current_dir(&dir)
        .env("PRISM_REMOVE_ON_EXIT", spec_file)
        .env("NO_COLOR", "1")
        .env("FORCE_COLOR", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot run node (the contract tests need Node.js 20.16+): {e}"))?;
    let log: Log = Arc::default();
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().expect("piped stdout");
    let stderr = child.stderr.take().expect("piped stderr");
    // Prism logs every request: both pipes are read for as long as it runs, or it would block.
    spawn_reader(stdout, Arc::clone(&log), Some(tx));
    spawn_reader(stderr, Arc::clone(&log), None);
    let stdin = child.stdin.take();
    let mut prism = Prism {
        url: String::new(),
        pid: child.id(),
        child: Mutex::new(child),
        stdin,
        log,
        spec_file: spec_file.to_path_buf(),
    };

    let deadline = Instant::now() + START_TIMEOUT;
    let url = loop {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(url) => break url,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(format!(
                    "Prism ended its output without listening:\n{}",
                    prism.log_tail()
                ))
            }
        }
        if prism.exit_status().is_some() {
            // Let the readers collect the last words.
            std::thread::sleep(Duration::from_millis(100));
            return Err(format!("Prism did not start:\n{}", prism.log_tail()));
        }
        if Instant::now() > deadline {
            return Err(format!(
                "Prism did not listen within {START_TIMEOUT:?}:\n{}",
                prism.log_tail()
            ));
        }
    };
    let addr: SocketAddr = url
        .strip_prefix("http://")
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| format!("Prism listens on {url:?}, not on an http://<ip>:<port> URL"))?;
    if !addr.ip().is_loopback() {
        return Err(format!(
            "Prism listens on {url}, not on the loopback interface"
        ));
    }
    // It said it listens; make sure it answers before anyone sends a request.
    while let Err(e) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) {
        if Instant::now() > deadline {
            return Err(format!(
                "Prism does not accept connections on {url}: {e}\n{}",
                prism.log_tail()
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    prism.url = url;
    Ok(prism)
}

/// Reads lines from `pipe` into `log` until it closes; sends the URL of the first
/// "Prism is listening on <url>" line to `listening`.
fn spawn_reader(
    pipe: impl Read + Send + 'static,
    log: Log,
    mut listening: Option<mpsc::Sender<String>>,
) {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let line = strip_ansi(String::from_utf8_lossy(&buf).trim_end());
            if let Some((_, rest)) = line.split_once(LISTENING) {
                if let Some(tx) = listening.take() {
                    let _ = tx.send(
                        rest.split_whitespace()
                            .next()
                            .unwrap_or_default()
                            .to_owned(),
                    );
                }
            }
            let mut log = log.lock().unwrap();
            if log.len() == LOG_LINES {
                log.pop_front();
            }
            log.push_back(line);
        }
    });
}

/// `text` without ANSI escape sequences (Prism's logger colours its output on terminals).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters final-byte (0x40..=0x7e).
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('\u{40}'..='\u{7e}').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The Prism shared by every test of this test binary for `api`, started on first use (with
/// `resolve` then; later calls only return it).
///
/// Panics (failing the calling test) if Prism cannot be started; every later call panics
/// with the same message instead of trying again.
pub fn shared(api: Api, resolve: Resolve) -> &'static Prism {
    static VAST: OnceLock<Result<Prism, String>> = OnceLock::new();
    static MITHRIL: OnceLock<Result<Prism, String>> = OnceLock::new();
    let cell = match api {
        Api::Vast => &VAST,
        Api::Mithril => &MITHRIL,
    };
    match cell.get_or_init(|| Prism::start(&api.spec(), resolve)) {
        Ok(prism) => prism,
        Err(e) => panic!("cannot start Prism for {}: {e}", api.name()),
    }
}

/// What Prism found wrong with the request of a failed call: the messages of its
/// `sl-violations` header (a JSON array of `{location, severity, code, message}`) joined with
/// `"; "`, or an empty string when there is none.
pub fn violations<E>(error: &sdkgen_runtime::Error<E>) -> String {
    let Some(header) = error.headers().and_then(|h| h.get("sl-violations")) else {
        return String::new();
    };
    let raw = String::from_utf8_lossy(header.as_bytes()).into_owned();
    match serde_json::from_str::<Vec<serde_json::Value>>(&raw) {
        Ok(list) => list
            .iter()
            .map(|v| {
                v["message"]
                    .as_str()
                    .map_or_else(|| v.to_string(), str::to_owned)
            })
            .collect::<Vec<_>>()
            .join("; "),
        Err(_) => raw,
    }
}

/// An HTTP client for [`ClientBuilder::http_client`](sdkgen_runtime::ClientBuilder::http_client)
/// whose every request carries `Prefer: code=<status>`: Prism then answers that documented
/// status, with a body built from the spec (or `404` if the operation does not document it).
pub fn prefer_status(status: u16) -> sdkgen_runtime::reqwest::Client {
    let mut headers = sdkgen_runtime::HeaderMap::new();
    headers.insert(
        "prefer",
        format!("code={status}")
            .parse()
            .expect("a valid header value"),
    );
    sdkgen_runtime::reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("an HTTP client")
}

// --- what the generated contract tests use (tests/build.rs, src/contract_gen.rs) -------------

/// Runs `future` to its end on the runtime every contract test of the binary shares.
///
/// One multi-threaded runtime for all of them, rather than one per test, so that the tests can
/// share their clients and the clients' connection pools: a pooled connection belongs to the
/// runtime it was opened on and dies with it.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a tokio runtime")
        })
        .block_on(future)
}

/// An argument of a generated call: `json`, a value synthesized from the spec's schema, as the
/// Rust type the client takes (`what` names the argument).
///
/// Panics, failing the test, when the type cannot take the value: the generated type rejects
/// a value the spec allows.
pub fn arg<T: serde::de::DeserializeOwned>(what: &str, json: &str) -> T {
    serde_json::from_str(json).unwrap_or_else(|e| {
        panic!(
            "the generated type {} cannot take {what}, a value the spec allows: {e}\nvalue: {json}",
            std::any::type_name::<T>()
        )
    })
}

/// Takes the items of a paginated stream until it ends or `limit` items have come: how many
/// came, and the error that ended it, if one did.
pub async fn drain<S, T, E>(stream: S, limit: usize) -> (usize, Option<sdkgen_runtime::Error<E>>)
where
    S: futures_util::Stream<Item = Result<T, sdkgen_runtime::Error<E>>>,
{
    use futures_util::StreamExt;
    let mut stream = std::pin::pin!(stream);
    let mut count = 0;
    while let Some(item) = stream.next().await {
        match item {
            Ok(_) => count += 1,
            Err(e) => return (count, Some(e)),
        }
        assert!(
            count <= limit,
            "the stream did not end within {limit} items"
        );
    }
    (count, None)
}

/// What a failed call came back with, for failure messages: the error, Prism's violations of
/// the request, and the whole body kept.
fn describe<E: std::fmt::Debug>(error: &sdkgen_runtime::Error<E>) -> String {
    let mut text = format!("{error}");
    let found = violations(error);
    if !found.is_empty() {
        text.push_str(&format!("\nPrism's violations: {found}"));
    }
    if let Some(body) = error.body().filter(|b| !b.is_empty()) {
        text.push_str(&format!("\nbody: {}", String::from_utf8_lossy(body)));
    }
    text
}

impl Prism {
    /// The value of a call that should get one of the `documented` 2xx statuses and decode it;
    /// otherwise fails with what Prism said.
    pub fn expect_success<T, E: std::fmt::Debug>(
        &self,
        result: Result<sdkgen_runtime::Response<T>, sdkgen_runtime::Error<E>>,
        documented: &[std::ops::RangeInclusive<u16>],
    ) -> T {
        // Not `expect_ok`: the log of a Prism that every test shares is mostly other tests'.
        let response =
            result.unwrap_or_else(|e| panic!("Prism rejected a valid call: {}", describe(&e)));
        let status = response.status().as_u16();
        assert!(
            documented.iter().any(|r| r.contains(&status)),
            "Prism answered {status}, which the operation does not document as a success ({documented:?})"
        );
        response.into_value()
    }

    /// The decoded body of a call that should come back as `Error::Api` with `status`;
    /// otherwise fails saying what came back (a body Prism built from the spec that does not
    /// decode into the documented type is `Error::Decode`).
    pub fn expect_api_error<T: std::fmt::Debug, E: std::fmt::Debug>(
        &self,
        result: Result<T, sdkgen_runtime::Error<E>>,
        status: u16,
    ) -> E {
        match result {
            Err(sdkgen_runtime::Error::Api { error, response }) if response.status().as_u16() == status => error,
            Err(sdkgen_runtime::Error::Decode { source, response }) if response.status().as_u16() == status => panic!(
                "Prism's {status} body does not decode into the documented type: {source}\nbody: {}",
                String::from_utf8_lossy(response.body())
            ),
            Err(e) => panic!(
                "expected the documented {status} as Error::Api, got: {}",
                describe(&e)
            ),
            Ok(value) => panic!("expected the documented {status}, got a success: {value:?}"),
        }
    }

    /// Checks that a call came back as `Error::UnexpectedStatus` with `status` (one the
    /// operation does not document).
    pub fn expect_unexpected_status<T: std::fmt::Debug, E: std::fmt::Debug>(
        &self,
        result: Result<T, sdkgen_runtime::Error<E>>,
        status: u16,
    ) {
        match result {
            Err(sdkgen_runtime::Error::UnexpectedStatus { response })
                if response.status().as_u16() == status => {}
            Err(e) => panic!(
                "expected the undocumented {status} as Error::UnexpectedStatus, got: {}",
                describe(&e)
            ),
            Ok(value) => panic!("expected {status}, got a success: {value:?}"),
        }
    }

    /// Checks that a paginated stream ended with `Error::RepeatedCursor` for `cursor`.
    pub fn expect_repeated_cursor<E: std::fmt::Debug>(
        &self,
        end: Option<sdkgen_runtime::Error<E>>,
        cursor: &str,
    ) {
        match end {
            Some(sdkgen_runtime::Error::RepeatedCursor {
                cursor: repeated, ..
            }) => assert_eq!(
                repeated, cursor,
                "the stream stopped at another cursor than Prism's"
            ),
            Some(e) => panic!("expected a repeated cursor, got: {}", describe(&e)),
            None => panic!("expected a repeated cursor {cursor:?}, the stream ended normally"),
        }
    }

    /// Checks that a paginated stream ended without an error.
    pub fn expect_last_page<E: std::fmt::Debug>(&self, end: Option<sdkgen_runtime::Error<E>>) {
        if let Some(e) = end {
            panic!(
                "expected the stream to end after the last page, got: {}",
                describe(&e)
            );
        }
    }
}

/// The binary of example `name` of `api`'s crate, as the last `cargo build`/`cargo test` of
/// this profile left it, if it exists and is newer than its sources (the example, the crate's
/// `Cargo.toml` and `src/`, the runtime's `src/`); `Err` with the reason otherwise.
pub fn example_binary(api: Api, name: &str) -> Result<PathBuf, String> {
    // A test runs from <target>/<profile>/deps/<test>-<hash>.
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("cannot locate the target directory")?;
    let binary = profile_dir.join("examples").join(name);
    let built = modified(&binary).ok_or_else(|| format!("{} is not built", binary.display()))?;
    let crate_dir = api.crate_dir();
    let mut sources = vec![
        crate_dir.join("examples").join(format!("{name}.rs")),
        crate_dir.join("Cargo.toml"),
    ];
    for dir in [
        crate_dir.join("src"),
        workspace_root().join("codegen").join("runtime").join("src"),
    ] {
        if let Ok(entries) = std::fs::read_dir(dir) {
            sources.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
        }
    }
    for source in sources {
        if modified(&source).is_some_and(|m| m > built) {
            return Err(format!(
                "{} is older than {}",
                binary.display(),
                source.display()
            ));
        }
    }
    Ok(binary)
}

/// Reads `pipe` to its end on another thread.
fn read_to_end(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        buf
    })
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Runs the built example `name` of `api`'s crate with `args` against `prism` (base URL and a
/// dummy API key in the environment, as `cargo xtask example` does), killing it after a
/// minute. `None`, after saying why on stderr, when the example is not built or is stale
/// (see [`example_binary`]): `cargo test --workspace` builds every example before it runs the
/// tests, `cargo test -p sdk-tests` does not. With `CI` set, that is a panic instead.
pub fn run_example(prism: &Prism, api: Api, name: &str, args: &[&str]) -> Option<Output> {
    let binary = match example_binary(api, name) {
        Ok(binary) => binary,
        Err(why) => {
            // In CI the test command is `cargo test --workspace`, which builds them: a missing
            // example there is a failure, not a skip.
            assert!(
                std::env::var_os("CI").is_none(),
                "example {name} not built: {why}"
            );
            eprintln!(
                "example {name} not run: {why} (`cargo test --workspace` builds the examples)"
            );
            return None;
        }
    };
    let mut child = Command::new(&binary)
        .args(args)
        .env(api.base_url_env(), prism.url())
        .env(api.api_key_env(), "contract-test-key")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary.display()));
    let stdout = read_to_end(child.stdout.take().expect("piped stdout"));
    let stderr = read_to_end(child.stderr.take().expect("piped stderr"));
    let deadline = Instant::now() + EXAMPLE_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the example") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("example {name} did not finish within {EXAMPLE_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Some(Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ansi_sequences_are_removed() {
        assert_eq!(
            strip_ansi("\u{1b}[32m▶  start\u{1b}[39m Prism is listening"),
            "▶  start Prism is listening"
        );
        assert_eq!(strip_ansi("plain"), "plain");
    }
}
