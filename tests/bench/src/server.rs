//! A lean HTTP/1.1 responder on `127.0.0.1`, run as a child process
//! (`sdk-bench serve`) so that its work and its memory stay out of the
//! measuring process.
//!
//! It keeps connections alive, reads request heads only (every request of
//! the benchmark is a `GET`), records nothing, and answers:
//!
//! * `GET /v2/instances/{fid}/status`: a fixed status body;
//! * `GET /v2/instances?project=total_<n>&limit=<l>[&next_cursor=p<k>]`:
//!   page `k` of a listing of `n` instances, `l` per page.
//!
//! Bounds: it exits when its standard input closes (the parent ends or
//! drops it), after [`IDLE_EXIT`] without a request, and each connection
//! serves at most [`MAX_REQUESTS_PER_CONNECTION`] requests.

use std::io::{BufRead, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::data;

const IDLE_EXIT: Duration = Duration::from_secs(120);
const MAX_REQUESTS_PER_CONNECTION: usize = 10_000_000;
const MAX_CONNECTIONS: usize = 10_000;
const MAX_HEAD: usize = 64 * 1024;

/// The server process, seen from the measuring process.
pub struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    /// `http://127.0.0.1:<port>`
    pub url: String,
}

impl Server {
    /// Starts `sdk-bench serve` and waits for its port.
    pub fn spawn() -> Result<Server, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut child = Command::new(exe)
            .arg("serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start the server: {e}"))?;
        let stdin = child.stdin.take();
        let mut line = String::new();
        let stdout = child.stdout.take().ok_or("no server stdout")?;
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let port: u16 = line
            .trim()
            .parse()
            .map_err(|_| format!("the server said {line:?}, not a port"))?;
        Ok(Server {
            child,
            stdin,
            url: format!("http://127.0.0.1:{port}"),
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Closing its input ends the server; wait for it so that no process
        // outlives the measurement.
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// The body of `sdk-bench serve`.
pub fn serve() -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| e.to_string())?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{port}")
                .and_then(|()| out.flush())
                .map_err(|e| e.to_string())?;
        }
        std::thread::spawn(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
            std::process::exit(0);
        });
        let started = Instant::now();
        let last = Arc::new(AtomicU64::new(0));
        let watch = last.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let idle = started
                    .elapsed()
                    .saturating_sub(Duration::from_millis(watch.load(Relaxed)));
                if idle > IDLE_EXIT {
                    std::process::exit(0);
                }
            }
        });
        let status = Arc::new(response(200, data::status_body("inst_1").as_bytes()));
        for _ in 0..MAX_CONNECTIONS {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let (last, status) = (last.clone(), status.clone());
            tokio::spawn(async move {
                let _ = connection(stream, &status, &last, started).await;
            });
        }
        Ok(())
    })
}

fn response(code: u16, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 100);
    head(&mut out, code, body.len());
    out.extend_from_slice(body);
    out
}

fn head(out: &mut Vec<u8>, code: u16, len: usize) {
    let reason = if code == 200 { "OK" } else { "Not Found" };
    let _ = write!(out, "HTTP/1.1 {code} {reason}\r\ncontent-type: application/json\r\ncontent-length: {len}\r\n\r\n");
}

async fn connection(
    mut stream: TcpStream,
    status: &[u8],
    last: &AtomicU64,
    started: Instant,
) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf: Vec<u8> = Vec::with_capacity(8 * 1024);
    let mut scanned: usize = 0;
    let mut out = Vec::new();
    let mut body = String::new();
    for _ in 0..MAX_REQUESTS_PER_CONNECTION {
        let end = loop {
            if let Some(p) = buf[scanned.saturating_sub(3)..]
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
            {
                break scanned.saturating_sub(3) + p + 4;
            }
            scanned = buf.len();
            if buf.len() > MAX_HEAD {
                return Ok(());
            }
            buf.reserve(4096);
            if stream.read_buf(&mut buf).await? == 0 {
                return Ok(());
            }
        };
        last.store(started.elapsed().as_millis() as u64, Relaxed);
        let target = std::str::from_utf8(&buf[..end])
            .ok()
            .and_then(|h| h.split(' ').nth(1))
            .unwrap_or("")
            .to_owned();
        buf.drain(..end);
        scanned = 0;
        if target.starts_with("/v2/instances/") && target.ends_with("/status") {
            stream.write_all(status).await?;
            continue;
        }
        out.clear();
        match listing(&target, &mut body) {
            Some(()) => {
                head(&mut out, 200, body.len());
                out.extend_from_slice(body.as_bytes());
            }
            None => out.extend_from_slice(&response(404, b"{}")),
        }
        stream.write_all(&out).await?;
    }
    Ok(())
}

/// Writes the page a listing request asks for into `body`.
fn listing(target: &str, body: &mut String) -> Option<()> {
    let query = target.strip_prefix("/v2/instances?")?;
    let (mut total, mut limit, mut page) = (None, 100, 0);
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=')?;
        match k {
            "project" => total = data::total_of(v),
            "limit" => limit = v.parse().ok()?,
            "next_cursor" => page = data::page_of(v)?,
            _ => {}
        }
    }
    body.clear();
    data::write_page(body, total?, limit, page);
    Some(())
}
