//! Test doubles: an HTTP server on `127.0.0.1` that answers as the API would, for testing code
//! that uses a generated client with no network and no other tool (feature `mock`).
//!
//! A [`MockServer`] listens on a free loopback port. Each [`Route`] answers one operation (a
//! method and a path template, optionally narrowed by query, path or header values) with the
//! [`Reply`]s given to it, in order; once they are used up the last one repeats. A request that
//! no route matches is answered `501 Not Implemented` (a status APIs seldom document, so that it
//! does not pass for one of the operation's own answers) and listed by
//! [`MockServer::unmatched`]. Every request is recorded ([`MockRequest`]), and a route counts its
//! own.
//!
//! Generated crates wrap this in a typed `mock` module (`on_<operation>()` routes whose `ok` and
//! `error` take the operation's own types); this module is what they are made of.
//!
//! ```no_run
//! use sdkgen_runtime::mock::{MockServer, Reply};
//! use sdkgen_runtime::Method;
//!
//! # async fn demo() -> std::io::Result<()> {
//! let server = MockServer::start().await?;
//! let route = server
//!     .route::<serde_json::Value, ()>(Method::GET, "/instances/{id}", |v| Reply::json(200, v), |_| Reply::status(500))
//!     .when_path("id", "i-1")
//!     .ok(serde_json::json!({"id": "i-1", "status": "running"}));
//! // ... point a client at `server.url()` and call it ...
//! assert_eq!(route.hits(), 1);
//! assert!(server.unmatched().is_empty());
//! # Ok(()) }
//! ```
//!
//! Routes are chosen by the most conditions that all hold; among equals, the route registered
//! last wins, so a test can override a route a shared fixture set up.

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

/// The API key a client of a mock server sends (see [`MockServer::configure`]).
pub const MOCK_API_KEY: &str = "mock-api-key";

/// Largest request head or body the server reads; beyond it the connection is closed.
const MAX_REQUEST_BYTES: usize = 64 * 1024 * 1024;

/// The status of an answer to a request no route matches, or a route with no reply.
pub const UNMATCHED_STATUS: u16 = 501;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not make every later request panic too.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One answer: a status, headers, a body and an optional delay before it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Option<Duration>,
}

impl Reply {
    /// A reply with this status and no body.
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: None,
        }
    }

    /// A reply with this status and `value` as its JSON body (`application/json`).
    pub fn json<T: serde::Serialize + ?Sized>(status: u16, value: &T) -> Reply {
        // Serialising a value of a generated type (or a `serde_json::Value`) cannot fail: their
        // maps have string keys. Should one fail anyway, the body says why.
        let body = serde_json::to_vec(value)
            .unwrap_or_else(|e| format!("the mock could not serialise the reply: {e}").into());
        Reply::bytes(status, body).header("content-type", "application/json")
    }

    /// A reply with this status and `text` as its body (`text/plain`).
    pub fn text(status: u16, text: impl Into<String>) -> Reply {
        Reply::bytes(status, text.into().into_bytes())
            .header("content-type", "text/plain; charset=utf-8")
    }

    /// A reply with this status and these bytes as its body.
    pub fn bytes(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            body: body.into(),
            ..Reply::status(status)
        }
    }

    /// A `text/event-stream` reply: one event per value, its `data` the value's JSON (a string
    /// value as its text), with ids `1`, `2`, … .
    pub fn events<T: serde::Serialize>(status: u16, values: &[T]) -> Reply {
        let mut body = String::new();
        for (i, value) in values.iter().enumerate() {
            let data = match serde_json::to_value(value) {
                Ok(serde_json::Value::String(s)) => s,
                Ok(v) => v.to_string(),
                Err(e) => format!("the mock could not serialise the event: {e}"),
            };
            body.push_str(&format!("id: {}\n", i + 1));
            for line in data.lines() {
                body.push_str(&format!("data: {line}\n"));
            }
            body.push('\n');
        }
        Reply::bytes(status, body).header("content-type", "text/event-stream")
    }

    /// Adds a header (`Retry-After`, `X-Request-Id`…); a header of the same name set before is
    /// replaced.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// Waits this long before answering (for timeouts and deadlines).
    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = Some(delay);
        self
    }

    /// The status.
    pub fn status_code(&self) -> u16 {
        self.status
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
}

/// A request the server received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockRequest {
    /// The method (`GET`).
    pub method: String,
    /// The path as sent, percent-encoded, without the query string.
    pub path: String,
    /// The query parameters, decoded, in order (a repeated key appears once per value).
    pub query: Vec<(String, String)>,
    /// The headers, names in lower case, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// The path parameters of the route that answered it, decoded (empty when none did).
    pub path_params: Vec<(String, String)>,
}

impl MockRequest {
    /// The first value of a header (any case of `name`).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first value of a query parameter.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A path parameter of the route that answered the request.
    pub fn path_param(&self, name: &str) -> Option<&str> {
        self.path_params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body decoded as JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

/// One piece of a path segment template: literal text or a parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(String),
    Param(String),
}

/// A path template (`/instances/{id}/`), split at `/`.
#[derive(Debug, Clone)]
struct Template {
    text: String,
    segments: Vec<Vec<Piece>>,
}

impl Template {
    fn parse(text: &str) -> Template {
        let segments = text
            .split('/')
            .map(|segment| {
                let mut pieces = Vec::new();
                let mut rest = segment;
                while let Some(open) = rest.find('{') {
                    let Some(close) = rest[open..].find('}') else {
                        break;
                    };
                    if open > 0 {
                        pieces.push(Piece::Literal(rest[..open].to_owned()));
                    }
                    pieces.push(Piece::Param(rest[open + 1..open + close].to_owned()));
                    rest = &rest[open + close + 1..];
                }
                if !rest.is_empty() || pieces.is_empty() {
                    pieces.push(Piece::Literal(rest.to_owned()));
                }
                pieces
            })
            .collect();
        Template {
            text: text.to_owned(),
            segments,
        }
    }

    /// The decoded parameters when `path` (percent-encoded) matches.
    fn matches(&self, path: &str) -> Option<Vec<(String, String)>> {
        let segments: Vec<&str> = path.split('/').collect();
        if segments.len() != self.segments.len() {
            return None;
        }
        let mut params = Vec::new();
        for (pieces, segment) in self.segments.iter().zip(segments) {
            match_segment(pieces, segment, &mut params)?;
        }
        Some(params)
    }
}

/// Matches one segment against its pieces; a parameter takes the shortest text up to the next
/// literal (or the rest of the segment), and never nothing.
fn match_segment(pieces: &[Piece], segment: &str, params: &mut Vec<(String, String)>) -> Option<()> {
    let mut rest = segment;
    for (i, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Literal(text) => rest = rest.strip_prefix(text.as_str())?,
            Piece::Param(name) => {
                let end = match pieces.get(i + 1) {
                    Some(Piece::Literal(next)) => rest.get(1..)?.find(next.as_str())? + 1,
                    _ => rest.len(),
                };
                if end == 0 {
                    return None;
                }
                params.push((name.clone(), percent_decode(&rest[..end], false)));
                rest = &rest[end..];
            }
        }
    }
    rest.is_empty().then_some(())
}

/// Decodes `%XX` escapes (and `+` as a space in query strings); invalid escapes stay as written.
fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' => {
                let high = bytes.get(i + 1).and_then(|&b| hex(b));
                let low = bytes.get(i + 2).and_then(|&b| hex(b));
                match (high, low) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name, true), percent_decode(value, true))
        })
        .collect()
}

/// What a route demands of a request beyond its method and path template.
#[derive(Debug, Default)]
struct Conditions {
    query: Vec<(String, String)>,
    path: Vec<(String, String)>,
    headers: Vec<(String, String)>,
}

impl Conditions {
    fn count(&self) -> usize {
        self.query.len() + self.path.len() + self.headers.len()
    }

    fn hold(&self, request: &MockRequest, params: &[(String, String)]) -> bool {
        self.query.iter().all(|c| request.query.contains(c))
            && self.path.iter().all(|c| params.contains(c))
            && self
                .headers
                .iter()
                .all(|(n, v)| request.header(n) == Some(v.as_str()))
    }
}

#[derive(Debug)]
struct RouteState {
    method: Method,
    template: Template,
    conditions: Mutex<Conditions>,
    replies: Mutex<Vec<Reply>>,
    received: Mutex<Vec<MockRequest>>,
}

impl RouteState {
    /// The reply to the next request this route answers.
    fn answer(&self, request: MockRequest) -> Reply {
        let mut received = lock(&self.received);
        let n = received.len();
        received.push(request);
        let replies = lock(&self.replies);
        match replies.get(n).or(replies.last()) {
            Some(reply) => reply.clone(),
            None => Reply::text(
                UNMATCHED_STATUS,
                format!(
                    "the mock route {} {} has no reply",
                    self.method, self.template.text
                ),
            ),
        }
    }
}

/// A route of a [`MockServer`]: the answers to one operation, typed by what the operation
/// returns (`S`) and its documented errors (`E`).
///
/// Every method adds to the route the server already holds, so a route need not be kept; keep
/// it to ask how often it was hit.
pub struct Route<S, E> {
    state: Arc<RouteState>,
    ok: fn(&S) -> Reply,
    error: fn(&E) -> Reply,
}

impl<S, E> Route<S, E> {
    /// Answers only requests with this query parameter (decoded name and value).
    pub fn when_query(self, name: &str, value: impl Into<String>) -> Self {
        lock(&self.state.conditions)
            .query
            .push((name.to_owned(), value.into()));
        self
    }

    /// Answers only requests whose path parameter `name` (as the spec names it) is `value`.
    pub fn when_path(self, name: &str, value: impl Into<String>) -> Self {
        lock(&self.state.conditions)
            .path
            .push((name.to_owned(), value.into()));
        self
    }

    /// Answers only requests with this header value.
    pub fn when_header(self, name: &str, value: impl Into<String>) -> Self {
        lock(&self.state.conditions)
            .headers
            .push((name.to_owned(), value.into()));
        self
    }

    /// Answers the next request with a success holding `value`, as the operation's documented
    /// success status sends it.
    pub fn ok(self, value: S) -> Self {
        let reply = (self.ok)(&value);
        self.reply(reply)
    }

    /// Answers the next request with this documented error, at its status.
    pub fn error(self, error: E) -> Self {
        let reply = (self.error)(&error);
        self.reply(reply)
    }

    /// Answers the next request with any reply (an undocumented status, a `Retry-After`, a
    /// malformed body, a delay).
    pub fn reply(self, reply: Reply) -> Self {
        lock(&self.state.replies).push(reply);
        self
    }

    /// How many requests this route answered.
    pub fn hits(&self) -> usize {
        lock(&self.state.received).len()
    }

    /// The requests this route answered, in order.
    pub fn requests(&self) -> Vec<MockRequest> {
        lock(&self.state.received).clone()
    }
}

impl<S, E> fmt::Debug for Route<S, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Route")
            .field("method", &self.state.method)
            .field("path", &self.state.template.text)
            .field("hits", &self.hits())
            .finish()
    }
}

/// Decoded path parameters, in template order.
type Params = Vec<(String, String)>;

#[derive(Debug, Default)]
struct Shared {
    routes: Mutex<Vec<Arc<RouteState>>>,
    requests: Mutex<Vec<MockRequest>>,
    unmatched: Mutex<Vec<MockRequest>>,
    connections: Mutex<Vec<AbortHandle>>,
}

impl Shared {
    fn answer(&self, mut request: MockRequest) -> Reply {
        let chosen = {
            let routes = lock(&self.routes);
            let mut best: Option<(usize, &Arc<RouteState>, Params)> = None;
            for route in routes.iter() {
                if route.method.as_str() != request.method {
                    continue;
                }
                let Some(params) = route.template.matches(&request.path) else {
                    continue;
                };
                let conditions = lock(&route.conditions);
                if !conditions.hold(&request, &params) {
                    continue;
                }
                let count = conditions.count();
                // `>=`: among routes with as many conditions, the one registered last.
                if best.as_ref().is_none_or(|(c, _, _)| count >= *c) {
                    best = Some((count, route, params));
                }
            }
            best.map(|(_, route, params)| (Arc::clone(route), params))
        };
        match chosen {
            Some((route, params)) => {
                request.path_params = params;
                lock(&self.requests).push(request.clone());
                route.answer(request)
            }
            None => {
                let text = format!(
                    "no mock route matches {} {}",
                    request.method, request.path
                );
                lock(&self.requests).push(request.clone());
                lock(&self.unmatched).push(request);
                Reply::text(UNMATCHED_STATUS, text)
            }
        }
    }
}

/// An HTTP/1.1 server on `127.0.0.1` answering from [`Route`]s (see the [module docs](self)).
///
/// It runs on the Tokio runtime it was started in, until dropped.
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: AbortHandle,
}

impl MockServer {
    /// Starts a server on a free port of `127.0.0.1`, with no routes.
    ///
    /// Must be called inside a Tokio runtime.
    pub async fn start() -> std::io::Result<MockServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let accepting = Arc::clone(&shared);
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                let serving = Arc::clone(&accepting);
                let task = tokio::spawn(async move {
                    // An I/O error ends the connection, nothing else.
                    let _ = serve(stream, &serving).await;
                });
                let mut connections = lock(&accepting.connections);
                connections.retain(|t| !t.is_finished());
                connections.push(task.abort_handle());
            }
        })
        .abort_handle();
        Ok(MockServer {
            addr,
            shared,
            accept,
        })
    }

    /// The base URL, `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Adds a route for `method` and the path `template` (`/instances/{id}`, as the spec writes
    /// it); `ok` and `error` turn the values given to [`Route::ok`] and [`Route::error`] into
    /// replies.
    pub fn route<S, E>(
        &self,
        method: Method,
        template: &str,
        ok: fn(&S) -> Reply,
        error: fn(&E) -> Reply,
    ) -> Route<S, E> {
        let state = Arc::new(RouteState {
            method,
            template: Template::parse(template),
            conditions: Mutex::default(),
            replies: Mutex::default(),
            received: Mutex::default(),
        });
        lock(&self.shared.routes).push(Arc::clone(&state));
        Route { state, ok, error }
    }

    /// `builder` pointed at this server: its URL, the key [`MOCK_API_KEY`], and the usual retry
    /// rules with 1 ms backoff (10 ms at most), so that tests of retries take no time.
    pub fn configure<C: From<crate::Client>>(
        &self,
        builder: crate::ClientBuilder<C>,
    ) -> crate::ClientBuilder<C> {
        builder.base_url(self.url()).api_key(MOCK_API_KEY).retry(
            crate::RetryPolicy::new()
                .base_delay(Duration::from_millis(1))
                .max_delay(Duration::from_millis(10)),
        )
    }

    /// Every request received, in order, matched or not.
    pub fn requests(&self) -> Vec<MockRequest> {
        lock(&self.shared.requests).clone()
    }

    /// The requests no route matched (each answered `501`).
    pub fn unmatched(&self) -> Vec<MockRequest> {
        lock(&self.shared.unmatched).clone()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.accept.abort();
        for task in lock(&self.shared.connections).drain(..) {
            task.abort();
        }
    }
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("url", &self.url())
            .field("requests", &lock(&self.shared.requests).len())
            .finish()
    }
}

/// Serves one connection: requests in turn until the client closes it or asks to.
async fn serve(mut stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    loop {
        let Some((request, close)) = read_request(&mut stream, &mut buffer).await? else {
            return Ok(());
        };
        let head_only = request.method == "HEAD";
        let reply = shared.answer(request);
        if let Some(delay) = reply.delay {
            tokio::time::sleep(delay).await;
        }
        stream.write_all(&encode(&reply, head_only)).await?;
        stream.flush().await?;
        if close {
            return Ok(());
        }
    }
}

fn encode(reply: &Reply, head_only: bool) -> Vec<u8> {
    let reason = StatusCode::from_u16(reply.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown");
    let mut out = format!("HTTP/1.1 {} {reason}\r\n", reply.status);
    for (name, value) in &reply.headers {
        if !name.eq_ignore_ascii_case("content-length") {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    out.push_str(&format!("content-length: {}\r\n\r\n", reply.body.len()));
    let mut out = out.into_bytes();
    if !head_only {
        out.extend_from_slice(&reply.body);
    }
    out
}

fn invalid(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned())
}

/// Reads more bytes into `buffer`; `false` at the end of the stream.
async fn fill(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> std::io::Result<bool> {
    let mut chunk = [0u8; 16 * 1024];
    let n = stream.read(&mut chunk).await?;
    buffer.extend_from_slice(&chunk[..n]);
    if buffer.len() > MAX_REQUEST_BYTES {
        return Err(invalid("request too large"));
    }
    Ok(n > 0)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads one request (and whether the connection closes after it); `None` when the client
/// closed the connection between requests.
async fn read_request(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
) -> std::io::Result<Option<(MockRequest, bool)>> {
    let head_end = loop {
        if let Some(end) = find(buffer, b"\r\n\r\n") {
            break end;
        }
        if !fill(stream, buffer).await? {
            return if buffer.is_empty() {
                Ok(None)
            } else {
                Err(invalid("connection closed inside a request head"))
            };
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    buffer.drain(..head_end + 4);
    let mut lines = head.split("\r\n");
    let mut start = lines.next().unwrap_or("").split(' ');
    let method = start.next().unwrap_or("").to_owned();
    let target = start.next().unwrap_or("/");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let value = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.to_ascii_lowercase())
    };
    let body = if value("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        read_chunked(stream, buffer).await?
    } else {
        let length = match value("content-length") {
            Some(v) => v.parse::<usize>().map_err(|_| invalid("bad content-length"))?,
            None => 0,
        };
        while buffer.len() < length {
            if !fill(stream, buffer).await? {
                return Err(invalid("connection closed inside a request body"));
            }
        }
        buffer.drain(..length).collect()
    };
    let close = value("connection").is_some_and(|v| v.contains("close"));
    let request = MockRequest {
        method,
        path: path.to_owned(),
        query: parse_query(query),
        headers,
        body,
        path_params: Vec::new(),
    };
    Ok(Some((request, close)))
}

async fn read_chunked(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(end) = find(buffer, b"\r\n") {
                break end;
            }
            if !fill(stream, buffer).await? {
                return Err(invalid("connection closed inside a chunked body"));
            }
        };
        let line = String::from_utf8_lossy(&buffer[..line_end]).into_owned();
        let size_text = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| invalid("bad chunk size"))?;
        buffer.drain(..line_end + 2);
        if size == 0 {
            // Trailers, if any, end with an empty line.
            loop {
                if let Some(end) = find(buffer, b"\r\n") {
                    buffer.drain(..end + 2);
                    if end == 0 {
                        return Ok(body);
                    }
                    continue;
                }
                if !fill(stream, buffer).await? {
                    return Ok(body);
                }
            }
        }
        while buffer.len() < size + 2 {
            if !fill(stream, buffer).await? {
                return Err(invalid("connection closed inside a chunk"));
            }
        }
        body.extend_from_slice(&buffer[..size]);
        buffer.drain(..size + 2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(template: &str, path: &str) -> Option<Vec<(String, String)>> {
        Template::parse(template).matches(path)
    }

    #[test]
    fn templates_match_and_decode() {
        let p = |pairs: &[(&str, &str)]| {
            Some(
                pairs
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.to_string()))
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(params("/a/{id}", "/a/x%2Fy"), p(&[("id", "x/y")]));
        assert_eq!(params("/a/{id}/", "/a/7/"), p(&[("id", "7")]));
        assert_eq!(params("/a/{id}/", "/a/7"), None);
        assert_eq!(params("/a/{id}", "/a/"), None);
        assert_eq!(params("/a/{id}", "/b/7"), None);
        assert_eq!(params("/a", "/a"), p(&[]));
        assert_eq!(
            params("/f/{name}.{ext}", "/f/report.v2.json"),
            p(&[("name", "report"), ("ext", "v2.json")])
        );
        assert_eq!(params("/f/{name}.json", "/f/.json"), None);
    }

    #[test]
    fn queries_decode() {
        assert_eq!(
            parse_query("a=1&b=x%20y+z&a=2&flag"),
            vec![
                ("a".to_string(), "1".to_string()),
                ("b".to_string(), "x y z".to_string()),
                ("a".to_string(), "2".to_string()),
                ("flag".to_string(), String::new()),
            ]
        );
        assert_eq!(percent_decode("100%", false), "100%");
        assert_eq!(percent_decode("%zz%41", false), "%zzA");
    }
}
