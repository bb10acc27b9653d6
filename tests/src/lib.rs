//! Test helpers for the runtime and the generated clients.
//!
//! The centre piece is [`TestServer`], a small scripted HTTP/1.1 server
//! bound to `127.0.0.1` on a free port. For every request it receives it
//! records a [`RecordedRequest`] (method, path, raw query string, headers,
//! body) and answers with a [`Reply`] chosen by a script: a closure, a
//! sequence, or one reply for everything. Replies can inject faults that a
//! real server shows only on bad days: a delay, a slow trickle, a body
//! shorter than its `Content-Length`, a connection reset in the middle of
//! the body, a connection closed without an answer, a huge body.
//!
//! ```no_run
//! use sdk_tests::{Reply, TestServer};
//!
//! # async fn demo() {
//! let server = TestServer::start(|req| match req.path.as_str() {
//!     "/health" => Reply::json(200, serde_json::json!({"ok": true})),
//!     _ => Reply::text(404, "not found"),
//! })
//! .await;
//! let base_url = server.url(); // "http://127.0.0.1:<port>"
//! // ... send requests ...
//! assert_eq!(server.hits(), 1);
//! assert_eq!(server.requests()[0].header("authorization"), Some("Bearer k"));
//! # let _ = base_url;
//! # }
//! ```
//!
//! The server keeps connections alive (as the HTTP client's pool expects),
//! reads `Content-Length` and chunked request bodies, and stops, closing
//! every connection, when it is dropped.

pub mod prism;
/// Synthetic OpenAPI documents of any size: the `sdk-synth` crate (`tests/synth`), kept apart so
/// that `cargo xtask synth` does not link this harness.
pub use sdk_synth as synth;

use std::collections::VecDeque;
use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sdkgen_runtime::RetryPolicy;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

/// Largest request head or body the server accepts (it closes the
/// connection beyond that).
const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;
/// Size of the pieces in which large bodies are written.
const WRITE_CHUNK: usize = 64 * 1024;

type Handler = dyn Fn(&RecordedRequest) -> Reply + Send + Sync + 'static;

/// A scripted HTTP/1.1 server on `127.0.0.1` (see the [crate docs](crate)).
pub struct TestServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: AbortHandle,
}

struct Shared {
    handler: Box<Handler>,
    requests: Mutex<Vec<RecordedRequest>>,
    connections: AtomicUsize,
    tasks: Mutex<Vec<AbortHandle>>,
    hit: tokio::sync::Notify,
}

impl TestServer {
    /// Starts a server answering every request with `handler(&request)`.
    ///
    /// Must be called inside a Tokio runtime; the server runs on it until
    /// dropped.
    pub async fn start<F>(handler: F) -> TestServer
    where
        F: Fn(&RecordedRequest) -> Reply + Send + Sync + 'static,
    {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared {
            handler: Box::new(handler),
            requests: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
            tasks: Mutex::new(Vec::new()),
            hit: tokio::sync::Notify::new(),
        });
        let accept_shared = Arc::clone(&shared);
        let accept = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                // Small writes must not wait for delayed acknowledgements.
                let _ = stream.set_nodelay(true);
                let id = accept_shared.connections.fetch_add(1, Ordering::SeqCst);
                let conn_shared = Arc::clone(&accept_shared);
                let task = tokio::spawn(async move {
                    // I/O errors just end the connection.
                    let _ = serve_connection(stream, id, &conn_shared).await;
                });
                let mut tasks = accept_shared.tasks.lock().unwrap();
                tasks.retain(|t| !t.is_finished());
                tasks.push(task.abort_handle());
            }
        })
        .abort_handle();
        TestServer {
            addr,
            shared,
            accept,
        }
    }

    /// Starts a server answering the n-th request with the n-th reply; once
    /// they are used up it answers `500` with the body `script exhausted`.
    pub async fn sequence(replies: impl IntoIterator<Item = Reply>) -> TestServer {
        let queue = Mutex::new(replies.into_iter().collect::<VecDeque<_>>());
        TestServer::start(move |_| {
            queue
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or_else(|| Reply::text(500, "script exhausted"))
        })
        .await
    }

    /// Starts a server answering every request with a clone of `reply`.
    pub async fn always(reply: Reply) -> TestServer {
        TestServer::start(move |_| reply.clone()).await
    }

    /// The base URL, `http://127.0.0.1:<port>`, without trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// The `index`-th request (0-based). Panics if there is none.
    pub fn request(&self, index: usize) -> RecordedRequest {
        let requests = self.shared.requests.lock().unwrap();
        match requests.get(index) {
            Some(r) => r.clone(),
            None => panic!("request {index} not received; {} received", requests.len()),
        }
    }

    /// The last request received, if any.
    pub fn last_request(&self) -> Option<RecordedRequest> {
        self.shared.requests.lock().unwrap().last().cloned()
    }

    /// How many requests were received.
    pub fn hits(&self) -> usize {
        self.shared.requests.lock().unwrap().len()
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Waits until at least `n` requests have been received or `timeout`
    /// passed; returns whether `n` were reached.
    pub async fn wait_for_hits(&self, n: usize, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.hit.notified();
            if self.hits() >= n {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.hits() >= n;
            }
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.accept.abort();
        for task in self.shared.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }
}

impl fmt::Debug for TestServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestServer")
            .field("addr", &self.addr)
            .field("hits", &self.hits())
            .field("connections", &self.connections())
            .finish()
    }
}

/// A spec file as JSON, read as the generator reads it: JSON for `.json`, YAML otherwise.
/// Panics with the path when the file cannot be read or parsed.
pub fn read_spec(path: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    } else {
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }
}

/// A URL on `127.0.0.1` where nothing listens (connections are refused).
pub fn unused_local_url() -> String {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind a loopback port");
    let addr = listener.local_addr().expect("local address");
    drop(listener);
    format!("http://{addr}")
}

/// A retry policy for tests: the default rules with 1 ms backoff base and
/// 10 ms backoff cap, so retries cost no noticeable time.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy::new()
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(10))
}

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// Position among all requests of the server, from 0.
    pub index: usize,
    /// Position of the connection it came on among all connections, from 0.
    pub connection: usize,
    /// The method, e.g. `GET`.
    pub method: String,
    /// The raw request target, e.g. `/a/b%20c?x=1`.
    pub target: String,
    /// The raw path (still percent-encoded), e.g. `/a/b%20c`.
    pub path: String,
    /// The raw query string without `?`, if the target has one.
    pub query: Option<String>,
    /// The headers in order, names lowercased.
    pub headers: Vec<(String, String)>,
    /// The body (decoded from chunked encoding if it was chunked).
    pub body: Vec<u8>,
    /// When the request was fully received.
    pub received_at: Instant,
}

impl RecordedRequest {
    /// The first value of a header (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// All values of a header, in order.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The query pairs, percent-decoded (`+` read as a space), in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let Some(query) = &self.query else {
            return Vec::new();
        };
        query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode(name), percent_decode(value))
            })
            .collect()
    }

    /// The first decoded value of a query parameter.
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// All decoded values of a query parameter, in order.
    pub fn query_params(&self, name: &str) -> Vec<String> {
        self.query_pairs()
            .into_iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v)
            .collect()
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON. Panics if it is not JSON.
    pub fn body_json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("request body is not JSON ({e}): {}", self.body_text()))
    }
}

/// Decodes `%XX` escapes and `+`; invalid escapes are kept as they are.
pub fn percent_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The body of a [`Reply`].
#[derive(Clone)]
enum Body {
    Bytes(Vec<u8>),
    /// `len` copies of `byte`, written without allocating them.
    Repeat {
        byte: u8,
        len: usize,
    },
}

impl Body {
    fn len(&self) -> usize {
        match self {
            Body::Bytes(b) => b.len(),
            Body::Repeat { len, .. } => *len,
        }
    }

    /// Bytes `start..end` of the body.
    fn slice(&self, start: usize, end: usize) -> Vec<u8> {
        match self {
            Body::Bytes(b) => b[start..end].to_vec(),
            Body::Repeat { byte, .. } => vec![*byte; end - start],
        }
    }
}

/// What the server does to the connection instead of, or while, answering.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// Answer normally.
    None,
    /// Send the head (with the full `Content-Length`) and only the first
    /// `sent` bytes of the body, then close the connection normally.
    Truncate {
        /// Body bytes actually sent.
        sent: usize,
    },
    /// Send the head and the first `sent` bytes of the body, wait a moment
    /// so that the client reads them, then reset the connection (RST).
    ResetAfter {
        /// Body bytes sent before the reset.
        sent: usize,
    },
    /// Close the connection without answering.
    Close,
    /// Reset the connection (RST) without answering.
    Reset,
    /// Send the body in pieces of `chunk` bytes, waiting `interval` before
    /// each piece.
    Trickle {
        /// Bytes per piece.
        chunk: usize,
        /// Wait before each piece.
        interval: Duration,
    },
    /// Never answer (until the server is dropped).
    Hang,
}

/// The server's answer to one request, with optional faults.
#[derive(Clone)]
pub struct Reply {
    status: u16,
    reason: Option<String>,
    headers: Vec<(String, String)>,
    body: Body,
    delay: Duration,
    fault: Fault,
    chunked: bool,
    close: bool,
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .field("delay", &self.delay)
            .field("fault", &self.fault)
            .field("chunked", &self.chunked)
            .field("close", &self.close)
            .finish()
    }
}

impl Reply {
    /// A reply with `status`, no headers and an empty body.
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            reason: None,
            headers: Vec::new(),
            body: Body::Bytes(Vec::new()),
            delay: Duration::ZERO,
            fault: Fault::None,
            chunked: false,
            close: false,
        }
    }

    /// `200 OK` with an empty body.
    pub fn ok() -> Reply {
        Reply::status(200)
    }

    /// A JSON reply (`content-type: application/json`).
    pub fn json(status: u16, body: impl serde::Serialize) -> Reply {
        let bytes = serde_json::to_vec(&body).expect("serialisable reply body");
        Reply::status(status)
            .header("content-type", "application/json")
            .body(bytes)
    }

    /// A raw JSON text reply, sent exactly as given (may be invalid JSON).
    pub fn raw_json(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply::status(status)
            .header("content-type", "application/json")
            .body(body)
    }

    /// A plain text reply.
    pub fn text(status: u16, body: &str) -> Reply {
        Reply::status(status)
            .header("content-type", "text/plain; charset=utf-8")
            .body(body)
    }

    /// An HTML reply, as proxies and misconfigured servers send.
    pub fn html(status: u16, body: &str) -> Reply {
        Reply::status(status)
            .header("content-type", "text/html; charset=utf-8")
            .body(body)
    }

    /// A reply whose body is `len` bytes of `a`, written in pieces without
    /// being held in memory.
    pub fn huge(status: u16, len: usize) -> Reply {
        let mut reply = Reply::status(status).header("content-type", "application/json");
        reply.body = Body::Repeat { byte: b'a', len };
        reply
    }

    /// Close the connection without answering.
    pub fn close_connection() -> Reply {
        Reply::status(200).fault(Fault::Close)
    }

    /// Reset the connection without answering.
    pub fn reset_connection() -> Reply {
        Reply::status(200).fault(Fault::Reset)
    }

    /// Never answer.
    pub fn hang() -> Reply {
        Reply::status(200).fault(Fault::Hang)
    }

    /// Adds a header. `content-length` given here replaces the computed one
    /// (useful to lie about the length).
    pub fn header(mut self, name: &str, value: impl fmt::Display) -> Reply {
        self.headers.push((name.to_owned(), value.to_string()));
        self
    }

    /// Replaces the body. (Replies with status 1xx, 204 or 304 never send
    /// a body.)
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Reply {
        self.body = Body::Bytes(body.into());
        self
    }

    /// Replaces the reason phrase of the status line.
    pub fn reason(mut self, reason: &str) -> Reply {
        self.reason = Some(reason.to_owned());
        self
    }

    /// Waits `delay` before sending anything.
    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    /// Injects a fault.
    pub fn fault(mut self, fault: Fault) -> Reply {
        self.fault = fault;
        self
    }

    /// Sends only the first `sent` body bytes, announcing the full length,
    /// then closes.
    pub fn truncate(self, sent: usize) -> Reply {
        self.fault(Fault::Truncate { sent })
    }

    /// Sends the first `sent` body bytes, then resets the connection.
    pub fn reset_after(self, sent: usize) -> Reply {
        self.fault(Fault::ResetAfter { sent })
    }

    /// Sends the body in pieces of `chunk` bytes, `interval` apart.
    pub fn trickle(self, chunk: usize, interval: Duration) -> Reply {
        self.fault(Fault::Trickle {
            chunk: chunk.max(1),
            interval,
        })
    }

    /// Uses `transfer-encoding: chunked` instead of `content-length`.
    pub fn chunked(mut self) -> Reply {
        self.chunked = true;
        self
    }

    /// Sends `connection: close` and closes the connection after replying.
    pub fn close(mut self) -> Reply {
        self.close = true;
        self
    }
}

/// A parsed request head.
struct Head {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
}

impl Head {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Serves one connection until the client closes it, a reply closes it, or
/// the request cannot be parsed.
async fn serve_connection(
    mut stream: TcpStream,
    connection: usize,
    shared: &Shared,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    loop {
        let Some(head) = read_head(&mut stream, &mut buf).await? else {
            return Ok(());
        };
        let body = if head
            .header("transfer-encoding")
            .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"))
        {
            read_chunked(&mut stream, &mut buf).await?
        } else {
            let len = match head.header("content-length") {
                Some(v) => v.trim().parse::<usize>().map_err(invalid)?,
                None => 0,
            };
            if len > MAX_REQUEST_BYTES {
                return Err(invalid("request body too large"));
            }
            fill(&mut stream, &mut buf, len).await?;
            buf.drain(..len).collect()
        };
        let (path, query) = match head.target.split_once('?') {
            Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
            None => (head.target.clone(), None),
        };
        let client_closes = head
            .header("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"));
        let is_head = head.method == "HEAD";
        let request = {
            let mut requests = shared.requests.lock().unwrap();
            let request = RecordedRequest {
                index: requests.len(),
                connection,
                method: head.method,
                target: head.target,
                path,
                query,
                headers: head.headers,
                body,
                received_at: Instant::now(),
            };
            requests.push(request.clone());
            request
        };
        shared.hit.notify_waiters();
        let reply = (shared.handler)(&request);
        let keep_open = write_reply(&mut stream, &reply, is_head).await?;
        if !keep_open || client_closes {
            return Ok(());
        }
    }
}

fn invalid(e: impl fmt::Display) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string())
}

/// Reads more bytes into `buf`; `Ok(false)` at end of stream.
async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<bool> {
    if buf.len() > MAX_REQUEST_BYTES {
        return Err(invalid("request too large"));
    }
    let mut chunk = [0u8; 16 * 1024];
    let n = stream.read(&mut chunk).await?;
    buf.extend_from_slice(&chunk[..n]);
    Ok(n > 0)
}

/// Makes `buf` hold at least `len` bytes.
async fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>, len: usize) -> std::io::Result<()> {
    while buf.len() < len {
        if !read_more(stream, buf).await? {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
    }
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads and removes one request head from `buf`; `None` when the client
/// closed the connection between requests.
async fn read_head(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<Option<Head>> {
    let end = loop {
        if let Some(pos) = find(buf, b"\r\n\r\n") {
            break pos;
        }
        if !read_more(stream, buf).await? {
            return if buf.is_empty() {
                Ok(None)
            } else {
                Err(std::io::ErrorKind::UnexpectedEof.into())
            };
        }
    };
    let text = String::from_utf8_lossy(&buf[..end]).into_owned();
    buf.drain(..end + 4);
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(_version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid(format!("bad request line {request_line:?}")));
    };
    let headers = lines
        .filter(|l| !l.is_empty())
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap_or((line, ""));
            (name.trim().to_ascii_lowercase(), value.trim().to_owned())
        })
        .collect();
    Ok(Some(Head {
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
    }))
}

/// Reads one `\r\n`-terminated line from `buf` (without the terminator).
async fn read_line(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<String> {
    loop {
        if let Some(pos) = find(buf, b"\r\n") {
            let line = String::from_utf8_lossy(&buf[..pos]).into_owned();
            buf.drain(..pos + 2);
            return Ok(line);
        }
        if !read_more(stream, buf).await? {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
    }
}

/// Reads a chunked request body.
async fn read_chunked(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line = read_line(stream, buf).await?;
        let size_text = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).map_err(invalid)?;
        if body.len() + size > MAX_REQUEST_BYTES {
            return Err(invalid("request body too large"));
        }
        if size == 0 {
            // Trailers, up to the empty line.
            while !read_line(stream, buf).await?.is_empty() {}
            return Ok(body);
        }
        fill(stream, buf, size + 2).await?;
        body.extend_from_slice(&buf[..size]);
        buf.drain(..size + 2);
    }
}

fn reason_phrase(status: u16) -> &'static str {
    sdkgen_runtime::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown")
}

/// Writes `reply`, applying its faults; returns whether the connection may
/// serve another request.
async fn write_reply(
    stream: &mut TcpStream,
    reply: &Reply,
    is_head: bool,
) -> std::io::Result<bool> {
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    match reply.fault {
        Fault::Close => {
            stream.shutdown().await?;
            return Ok(false);
        }
        Fault::Reset => {
            stream.set_zero_linger()?;
            return Ok(false);
        }
        Fault::Hang => std::future::pending::<()>().await,
        _ => {}
    }

    let body_len = reply.body.len();
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        reply.status,
        reply
            .reason
            .as_deref()
            .unwrap_or(reason_phrase(reply.status))
    );
    let mut has_length = false;
    for (name, value) in &reply.headers {
        has_length |= name.eq_ignore_ascii_case("content-length");
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    // 1xx, 204 and 304 responses have no body (RFC 9112): never send one.
    let bodiless = matches!(reply.status, 100..=199 | 204 | 304);
    if bodiless {
    } else if reply.chunked {
        head.push_str("transfer-encoding: chunked\r\n");
    } else if !has_length {
        head.push_str(&format!("content-length: {body_len}\r\n"));
    }
    if reply.close {
        head.push_str("connection: close\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;

    if is_head || bodiless {
        stream.flush().await?;
        return Ok(!reply.close);
    }

    let (send_len, piece, interval) = match reply.fault {
        Fault::Truncate { sent } | Fault::ResetAfter { sent } => {
            (sent.min(body_len), WRITE_CHUNK, None)
        }
        Fault::Trickle { chunk, interval } => (body_len, chunk, Some(interval)),
        _ => (body_len, WRITE_CHUNK, None),
    };
    let mut offset = 0;
    while offset < send_len {
        if let Some(interval) = interval {
            tokio::time::sleep(interval).await;
        }
        let end = (offset + piece).min(send_len);
        let data = reply.body.slice(offset, end);
        if reply.chunked {
            stream
                .write_all(format!("{:x}\r\n", data.len()).as_bytes())
                .await?;
            stream.write_all(&data).await?;
            stream.write_all(b"\r\n").await?;
        } else {
            stream.write_all(&data).await?;
        }
        if interval.is_some() {
            stream.flush().await?;
        }
        offset = end;
    }

    match reply.fault {
        Fault::Truncate { .. } => {
            stream.flush().await?;
            stream.shutdown().await?;
            Ok(false)
        }
        Fault::ResetAfter { .. } => {
            stream.flush().await?;
            // Let the client read what was sent before the reset discards it.
            tokio::time::sleep(Duration::from_millis(50)).await;
            stream.set_zero_linger()?;
            Ok(false)
        }
        _ => {
            if reply.chunked {
                stream.write_all(b"0\r\n\r\n").await?;
            }
            stream.flush().await?;
            if reply.close {
                stream.shutdown().await?;
            }
            Ok(!reply.close)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("a%20b+c%2B%zz%4"), "a b c+%zz%4");
        assert_eq!(percent_decode("%C3%A9"), "é");
        assert_eq!(percent_decode("%"), "%");
    }
}
