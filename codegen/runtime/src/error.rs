//! The error type shared by every operation, and its context types.

use std::borrow::Cow;
use std::fmt::{self, Debug, Display};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use crate::retry::parse_retry_after;

/// How many bytes of a failed response's body an error keeps.
pub(crate) const CONTEXT_BODY_LIMIT: usize = 64 * 1024;

/// How many characters of the body `Display` shows.
const DISPLAY_BODY_CHARS: usize = 200;

/// Headers consulted, in order, by `request_id()`.
const REQUEST_ID_HEADERS: &[&str] = &[
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-correlation-id",
    "x-trace-id",
    "cf-ray",
];

/// What was being sent when an error happened.
///
/// It holds no headers and no query string, so it never holds a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestContext {
    method: Method,
    path: String,
    template: &'static str,
    attempts: u32,
}

impl RequestContext {
    pub(crate) fn new(method: Method, template: &'static str, path: String) -> Self {
        RequestContext {
            method,
            path,
            template,
            attempts: 0,
        }
    }

    pub(crate) fn count_attempt(&mut self) {
        self.attempts += 1;
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The concrete path (no host, no query string).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The path template of the specification, e.g. `/instances/{id}/`.
    pub fn template(&self) -> &'static str {
        self.template
    }

    /// How many attempts were made (1 when the first attempt failed for
    /// good; 0 when the request was never sent).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

/// The response that made a call fail: status, headers and the start of the
/// body (at most 64 KiB are kept).
#[derive(Clone)]
pub struct ResponseContext {
    request: RequestContext,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    body_truncated: bool,
}

impl ResponseContext {
    /// `truncated` says whether `body` is known to be incomplete already.
    pub(crate) fn new(
        request: RequestContext,
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        truncated: bool,
    ) -> Self {
        let (body, body_truncated) = if body.len() > CONTEXT_BODY_LIMIT {
            // Copy, so that the error does not keep a huge buffer alive.
            (Bytes::copy_from_slice(&body[..CONTEXT_BODY_LIMIT]), true)
        } else {
            (body, truncated)
        };
        ResponseContext {
            request,
            status,
            headers,
            body,
            body_truncated,
        }
    }

    /// The request this response answered.
    pub fn request(&self) -> &RequestContext {
        &self.request
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body, or its first 64 KiB (see [`body_truncated`](Self::body_truncated)).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as text, invalid UTF-8 replaced.
    pub fn body_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// Whether [`body`](Self::body) is only part of what the server sent
    /// (because the body was longer than 64 KiB, larger than the client's
    /// limit, or could not be read to its end).
    pub fn body_truncated(&self) -> bool {
        self.body_truncated
    }

    /// The server's request id, from the first present of `x-request-id`,
    /// `request-id`, `x-amzn-requestid`, `x-amz-request-id`,
    /// `x-correlation-id`, `x-trace-id` and `cf-ray`.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// The wait asked for by a `Retry-After` header, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        parse_retry_after(&self.headers, SystemTime::now())
    }
}

impl Debug for ResponseContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseContext")
            .field("request", &self.request)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &snippet(&self.body, DISPLAY_BODY_CHARS))
            .field("body_len", &self.body.len())
            .field("body_truncated", &self.body_truncated)
            .finish()
    }
}

pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name).and_then(|v| v.to_str().ok()))
}

/// The error of every generated operation.
///
/// `E` is the operation's documented error body (an enum over its error
/// statuses, or a single type). Every variant knows the request it belongs
/// to ([`method`](Self::method), [`path`](Self::path)); the variants that
/// got a response keep its status, headers and the start of its body.
///
/// `Display` gives one line such as
/// `PUT /api/v0/instances/12/: 404 Not Found: {"error":"no such instance"}`
/// (the body cut to 200 characters); neither `Display` nor `Debug` ever
/// shows the API key, request headers or the query string.
#[non_exhaustive]
#[derive(Debug)]
pub enum Error<E> {
    /// A status the specification documents for this operation as an
    /// error, with its decoded body.
    Api {
        /// The decoded body.
        error: E,
        /// The response.
        response: Box<ResponseContext>,
    },
    /// A status the specification does not document for this operation
    /// (2xx included).
    UnexpectedStatus {
        /// The response.
        response: Box<ResponseContext>,
    },
    /// The body of a documented status could not be decoded (invalid JSON,
    /// an HTML error page, an empty body where JSON was expected, a shape
    /// that does not match the specification).
    Decode {
        /// What the JSON decoder reported.
        source: serde_json::Error,
        /// The response.
        response: Box<ResponseContext>,
    },
    /// The server asked (with `Retry-After`) to wait longer than the retry
    /// policy's `max_retry_after`; the call was given up at once.
    RateLimited {
        /// The wait the server asked for.
        retry_after: Duration,
        /// The response.
        response: Box<ResponseContext>,
    },
    /// An attempt took longer than the total timeout (connecting, sending,
    /// waiting and reading the body included), or than the own timeout of a
    /// caller-supplied HTTP client.
    ///
    /// A connect that outlived the
    /// [connect timeout](crate::ClientBuilder::connect_timeout) is not one:
    /// it is an [`Error::Transport`]. Nor is the end of the deadline of the
    /// whole call: it is an [`Error::DeadlineExceeded`]. This variant always
    /// means the timeout of one attempt.
    Timeout {
        /// The request.
        request: RequestContext,
        /// The total timeout of the attempt.
        after: Duration,
    },
    /// The deadline of the whole call
    /// ([`CallOptions::deadline`](crate::CallOptions::deadline),
    /// [`ClientBuilder::deadline`](crate::ClientBuilder::deadline)), which
    /// bounds all attempts and the waits between them together, passed
    /// during an attempt, or a wait before the next attempt would have ended
    /// after it (that wait is not started, so the call may end a little
    /// before the deadline).
    ///
    /// [`is_timeout`](Self::is_timeout) is true for it. It is a variant of
    /// its own, not a field of [`Error::Timeout`], so that the per-attempt
    /// timeout and the deadline can be told apart by a `match`.
    /// [`RequestContext::attempts`] says how many attempts were made.
    DeadlineExceeded {
        /// The request.
        request: RequestContext,
        /// The deadline of the call.
        deadline: Duration,
    },
    /// No response was received: the connection could not be established
    /// (refused, DNS, TLS, or not within the
    /// [connect timeout](crate::ClientBuilder::connect_timeout)), or it was
    /// closed or reset before a response arrived, or a redirect loop was
    /// detected.
    ///
    /// For a connect that timed out, `source` is reqwest's error (its
    /// `is_connect()` and `is_timeout()` both true), `Display` begins with
    /// `connect timed out`, and [`is_timeout`](Self::is_timeout) is true.
    /// Like any connect failure it was retried for every method, since
    /// nothing reached the server.
    Transport {
        /// The request.
        request: RequestContext,
        /// The underlying error (its URL removed).
        source: reqwest::Error,
    },
    /// The request could not be built: the body could not be serialised, a
    /// header value was invalid, or the URL was invalid. Nothing was sent.
    InvalidRequest {
        /// The request.
        request: RequestContext,
        /// What was wrong (never a header value).
        message: String,
    },
    /// A paginated stream received a cursor it had received before and
    /// stopped, to avoid looping forever (see [`Pages`](crate::Pages) for
    /// when a repeat is noticed).
    RepeatedCursor {
        /// The operation (method and path template).
        request: RequestContext,
        /// The repeated cursor.
        cursor: String,
    },
    /// A response arrived but its body could not be read to its end: the
    /// connection was closed or reset mid-body, or the body was shorter
    /// than its `Content-Length`. The response keeps what was read.
    ResponseBody {
        /// The underlying error (its URL removed).
        source: reqwest::Error,
        /// The response, with the part of the body that was read.
        response: Box<ResponseContext>,
    },
    /// The response body was larger than the client's
    /// [`max_response_bytes`](crate::ClientBuilder::max_response_bytes);
    /// reading stopped there.
    ResponseTooLarge {
        /// The limit in bytes.
        limit: usize,
        /// The response, with the part of the body that was read.
        response: Box<ResponseContext>,
    },
}

impl<E> Error<E> {
    /// The request this error belongs to.
    pub fn request(&self) -> &RequestContext {
        match self {
            Error::Api { response, .. }
            | Error::UnexpectedStatus { response }
            | Error::Decode { response, .. }
            | Error::RateLimited { response, .. }
            | Error::ResponseBody { response, .. }
            | Error::ResponseTooLarge { response, .. } => &response.request,
            Error::Timeout { request, .. }
            | Error::DeadlineExceeded { request, .. }
            | Error::Transport { request, .. }
            | Error::InvalidRequest { request, .. }
            | Error::RepeatedCursor { request, .. } => request,
        }
    }

    /// The response, for the variants that received one.
    pub fn response(&self) -> Option<&ResponseContext> {
        match self {
            Error::Api { response, .. }
            | Error::UnexpectedStatus { response }
            | Error::Decode { response, .. }
            | Error::RateLimited { response, .. }
            | Error::ResponseBody { response, .. }
            | Error::ResponseTooLarge { response, .. } => Some(response),
            Error::Timeout { .. }
            | Error::DeadlineExceeded { .. }
            | Error::Transport { .. }
            | Error::InvalidRequest { .. }
            | Error::RepeatedCursor { .. } => None,
        }
    }

    /// The HTTP status, if a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        self.response().map(ResponseContext::status)
    }

    /// The response headers, if a response was received.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.response().map(ResponseContext::headers)
    }

    /// The response body (at most its first 64 KiB), if a response was
    /// received.
    pub fn body(&self) -> Option<&[u8]> {
        self.response().map(ResponseContext::body)
    }

    /// The server's request id (see [`ResponseContext::request_id`]).
    pub fn request_id(&self) -> Option<&str> {
        self.response().and_then(ResponseContext::request_id)
    }

    /// The HTTP method of the request.
    pub fn method(&self) -> &Method {
        self.request().method()
    }

    /// The concrete path of the request (no host, no query string).
    pub fn path(&self) -> &str {
        self.request().path()
    }

    /// How long the server asked to wait: the wait of
    /// [`Error::RateLimited`], otherwise the response's `Retry-After`
    /// header, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => Some(*retry_after),
            other => other.response().and_then(ResponseContext::retry_after),
        }
    }

    /// The decoded error body of [`Error::Api`].
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Error::Api { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The decoded error body of [`Error::Api`], or the error itself.
    pub fn into_api_error(self) -> Result<E, Self> {
        match self {
            Error::Api { error, .. } => Ok(error),
            other => Err(other),
        }
    }

    /// Whether an attempt or the call timed out: an [`Error::Timeout`], an
    /// [`Error::DeadlineExceeded`], or an [`Error::Transport`] whose connect
    /// timed out.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Timeout { .. } | Error::DeadlineExceeded { .. } => true,
            Error::Transport { source, .. } => is_connect_timeout(source),
            _ => false,
        }
    }

    /// Whether the server throttled the call: [`Error::RateLimited`], or any
    /// response with status `429`.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::RateLimited { .. })
            || self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// Whether no response was received because of a connection problem.
    pub fn is_transport(&self) -> bool {
        matches!(self, Error::Transport { .. })
    }

    /// Converts the decoded error body, keeping everything else.
    pub fn map_api<F>(self, f: impl FnOnce(E) -> F) -> Error<F> {
        match self {
            Error::Api { error, response } => Error::Api {
                error: f(error),
                response,
            },
            Error::UnexpectedStatus { response } => Error::UnexpectedStatus { response },
            Error::Decode { source, response } => Error::Decode { source, response },
            Error::RateLimited {
                retry_after,
                response,
            } => Error::RateLimited {
                retry_after,
                response,
            },
            Error::Timeout { request, after } => Error::Timeout { request, after },
            Error::DeadlineExceeded { request, deadline } => {
                Error::DeadlineExceeded { request, deadline }
            }
            Error::Transport { request, source } => Error::Transport { request, source },
            Error::InvalidRequest { request, message } => {
                Error::InvalidRequest { request, message }
            }
            Error::RepeatedCursor { request, cursor } => Error::RepeatedCursor { request, cursor },
            Error::ResponseBody { source, response } => Error::ResponseBody { source, response },
            Error::ResponseTooLarge { limit, response } => {
                Error::ResponseTooLarge { limit, response }
            }
        }
    }
}

impl<E: Debug> Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let request = self.request();
        write!(f, "{} {}: ", request.method, request.path)?;
        match self {
            Error::Api { response, .. } => {
                write!(f, "{}", response.status)?;
                write_snippet(f, &response.body)
            }
            Error::UnexpectedStatus { response } => {
                write!(f, "unexpected status {}", response.status)?;
                write_snippet(f, &response.body)
            }
            Error::Decode { source, response } => {
                write!(
                    f,
                    "{}: cannot decode the response body ({source})",
                    response.status
                )?;
                write_snippet(f, &response.body)
            }
            Error::RateLimited {
                retry_after,
                response,
            } => write!(
                f,
                "{}: the server asked to retry after {}s, longer than the retry policy allows",
                response.status,
                retry_after.as_secs_f64()
            ),
            Error::Timeout { after, .. } => write!(
                f,
                "timed out after {:?} (attempt {})",
                after, request.attempts
            ),
            Error::DeadlineExceeded { deadline, .. } => write!(
                f,
                "the deadline of {:?} for the call passed ({} attempt{})",
                deadline,
                request.attempts,
                if request.attempts == 1 { "" } else { "s" }
            ),
            Error::Transport { source, .. } => {
                // reqwest calls it "error sending request"; say first what
                // happened, as the other timeouts do.
                if is_connect_timeout(source) {
                    write!(f, "connect timed out: ")?;
                }
                write!(f, "{source}")?;
                write_root_cause(f, source)?;
                write!(f, " (attempt {})", request.attempts)
            }
            Error::InvalidRequest { message, .. } => write!(f, "invalid request: {message}"),
            Error::RepeatedCursor { cursor, .. } => {
                write!(
                    f,
                    "the server returned the cursor {cursor:?} again; pagination stopped"
                )
            }
            Error::ResponseBody { source, response } => {
                // reqwest calls every body failure a "decoding" error; the
                // root cause says what happened.
                write!(
                    f,
                    "{}: cannot read the response body: {}",
                    response.status,
                    root_cause(source)
                )
            }
            Error::ResponseTooLarge { limit, response } => {
                write!(
                    f,
                    "{}: the response body is larger than the limit of {limit} bytes",
                    response.status
                )
            }
        }
    }
}

impl<E: Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode { source, .. } => Some(source),
            Error::Transport { source, .. } | Error::ResponseBody { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Whether reqwest's error is a connect that timed out (the only timeout
/// the transport loop reports as a transport error).
fn is_connect_timeout(error: &reqwest::Error) -> bool {
    error.is_connect() && error.is_timeout()
}

/// The innermost source of an error.
fn root_cause(error: &reqwest::Error) -> &(dyn std::error::Error + 'static) {
    let mut root: &(dyn std::error::Error + 'static) = error;
    while let Some(next) = root.source() {
        root = next;
    }
    root
}

/// Appends `: <root cause>` when the innermost source says more than the
/// error itself (reqwest's own messages are generic, the cause is not).
fn write_root_cause(f: &mut fmt::Formatter<'_>, error: &reqwest::Error) -> fmt::Result {
    let root = root_cause(error);
    if std::ptr::addr_eq(root, error as &dyn std::error::Error) {
        return Ok(());
    }
    write!(f, ": {root}")
}

fn write_snippet(f: &mut fmt::Formatter<'_>, body: &[u8]) -> fmt::Result {
    let text = snippet(body, DISPLAY_BODY_CHARS);
    if text.is_empty() {
        Ok(())
    } else {
        write!(f, ": {text}")
    }
}

/// The body as one line of at most `max_chars` characters: invalid UTF-8
/// replaced, runs of whitespace collapsed, `…` appended when cut.
pub(crate) fn snippet(body: &[u8], max_chars: usize) -> String {
    // Never look at more than a bounded prefix.
    let prefix = &body[..body.len().min(max_chars * 4 + 4)];
    let text = String::from_utf8_lossy(prefix);
    let mut out = String::new();
    let mut count = 0;
    let mut pending_space = false;
    let mut cut = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            pending_space = !out.is_empty();
            continue;
        }
        if count + usize::from(pending_space) >= max_chars {
            cut = true;
            break;
        }
        if pending_space {
            out.push(' ');
            count += 1;
            pending_space = false;
        }
        out.push(c);
        count += 1;
    }
    if cut || prefix.len() < body.len() && !out.is_empty() {
        out.push('…');
    }
    out
}

/// Failures of the non-generic transport loop, converted into [`Error`] by
/// the thin generic layer.
pub(crate) enum Failure {
    RateLimited {
        retry_after: Duration,
        response: Box<ResponseContext>,
    },
    Timeout {
        request: RequestContext,
        after: Duration,
    },
    DeadlineExceeded {
        request: RequestContext,
        deadline: Duration,
    },
    Transport {
        request: RequestContext,
        source: reqwest::Error,
    },
    InvalidRequest {
        request: RequestContext,
        message: String,
    },
    ResponseBody {
        source: reqwest::Error,
        response: Box<ResponseContext>,
    },
    ResponseTooLarge {
        limit: usize,
        response: Box<ResponseContext>,
    },
}

impl<E> From<Failure> for Error<E> {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::RateLimited {
                retry_after,
                response,
            } => Error::RateLimited {
                retry_after,
                response,
            },
            Failure::Timeout { request, after } => Error::Timeout { request, after },
            Failure::DeadlineExceeded { request, deadline } => {
                Error::DeadlineExceeded { request, deadline }
            }
            Failure::Transport { request, source } => Error::Transport { request, source },
            Failure::InvalidRequest { request, message } => {
                Error::InvalidRequest { request, message }
            }
            Failure::ResponseBody { source, response } => Error::ResponseBody { source, response },
            Failure::ResponseTooLarge { limit, response } => {
                Error::ResponseTooLarge { limit, response }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn ctx() -> RequestContext {
        let mut c = RequestContext::new(Method::PUT, "/instances/{id}/", "/instances/12/".into());
        c.count_attempt();
        c
    }

    fn response(status: u16, body: &'static [u8]) -> Box<ResponseContext> {
        let mut headers = HeaderMap::new();
        headers.insert("request-id", HeaderValue::from_static("req-2"));
        headers.insert("cf-ray", HeaderValue::from_static("ray-3"));
        headers.insert("retry-after", HeaderValue::from_static("5"));
        Box::new(ResponseContext::new(
            ctx(),
            StatusCode::from_u16(status).unwrap(),
            headers,
            Bytes::from_static(body),
            false,
        ))
    }

    #[test]
    fn snippet_is_short_and_single_line() {
        assert_eq!(snippet(b"", 10), "");
        assert_eq!(snippet(b"  a \n\t b  ", 10), "a b");
        assert_eq!(snippet(b"abcdefghijkl", 5), "abcde…");
        assert_eq!(snippet("ééééé".as_bytes(), 3), "ééé…");
        assert_eq!(snippet(b"\xff\xfeok", 10), "\u{fffd}\u{fffd}ok");
        let long = vec![b'x'; 100_000];
        assert_eq!(snippet(&long, 200).chars().count(), 201);
    }

    #[test]
    fn display_api_error() {
        let e: Error<String> = Error::Api {
            error: "gone".into(),
            response: response(404, br#"{"error": "no such instance"}"#),
        };
        assert_eq!(
            e.to_string(),
            r#"PUT /instances/12/: 404 Not Found: {"error": "no such instance"}"#
        );
        assert_eq!(e.status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(e.request_id(), Some("req-2"));
        assert_eq!(e.method(), Method::PUT);
        assert_eq!(e.path(), "/instances/12/");
        assert_eq!(e.retry_after(), Some(Duration::from_secs(5)));
        assert_eq!(e.api_error().map(String::as_str), Some("gone"));
        assert!(!e.is_rate_limited());
        let mapped = e.map_api(|s| s.len());
        assert_eq!(mapped.api_error(), Some(&4));
        assert_eq!(mapped.into_api_error().unwrap(), 4);
    }

    #[test]
    fn display_other_variants() {
        let e: Error<()> = Error::UnexpectedStatus {
            response: response(418, b""),
        };
        assert_eq!(
            e.to_string(),
            "PUT /instances/12/: unexpected status 418 I'm a teapot"
        );
        let e: Error<()> = Error::Timeout {
            request: ctx(),
            after: Duration::from_millis(1500),
        };
        assert_eq!(
            e.to_string(),
            "PUT /instances/12/: timed out after 1.5s (attempt 1)"
        );
        assert!(e.is_timeout() && e.status().is_none() && e.body().is_none());
        let mut request = ctx();
        request.count_attempt();
        let e: Error<()> = Error::DeadlineExceeded {
            request,
            deadline: Duration::from_millis(300),
        };
        assert_eq!(
            e.to_string(),
            "PUT /instances/12/: the deadline of 300ms for the call passed (2 attempts)"
        );
        assert!(e.is_timeout() && e.response().is_none());
        let e: Error<()> = Error::RateLimited {
            retry_after: Duration::from_secs(120),
            response: response(429, b"slow down"),
        };
        assert!(e.to_string().contains("retry after 120s"));
        assert!(e.is_rate_limited());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(120)));
        let e: Error<()> = Error::Api {
            error: (),
            response: response(429, b""),
        };
        assert!(e.is_rate_limited());
        let e: Error<()> = Error::RepeatedCursor {
            request: ctx(),
            cursor: "c1".into(),
        };
        assert!(e.to_string().contains("\"c1\""));
        let e: Error<()> = Error::InvalidRequest {
            request: ctx(),
            message: "bad".into(),
        };
        assert_eq!(e.to_string(), "PUT /instances/12/: invalid request: bad");
        assert!(e.into_api_error().is_err());
    }

    #[test]
    fn decode_error_has_source() {
        let source = serde_json::from_slice::<u8>(b"<html>").unwrap_err();
        let e: Error<()> = Error::Decode {
            source,
            response: response(200, b"<html>oops</html>"),
        };
        assert!(std::error::Error::source(&e).is_some());
        let text = e.to_string();
        assert!(
            text.starts_with("PUT /instances/12/: 200 OK: cannot decode"),
            "{text}"
        );
        assert!(text.ends_with("<html>oops</html>"), "{text}");
    }

    #[test]
    fn context_body_is_bounded() {
        let big = Bytes::from(vec![b'a'; CONTEXT_BODY_LIMIT + 10]);
        let r = ResponseContext::new(ctx(), StatusCode::OK, HeaderMap::new(), big, false);
        assert_eq!(r.body().len(), CONTEXT_BODY_LIMIT);
        assert!(r.body_truncated());
        let small = ResponseContext::new(
            ctx(),
            StatusCode::OK,
            HeaderMap::new(),
            Bytes::from_static(b"x"),
            false,
        );
        assert!(!small.body_truncated());
        assert_eq!(small.body_text(), "x");
        let dbg = format!("{small:?}");
        assert!(dbg.contains("body: \"x\""), "{dbg}");
    }

    #[test]
    fn request_id_order() {
        let mut h = HeaderMap::new();
        assert_eq!(request_id(&h), None);
        h.insert("cf-ray", HeaderValue::from_static("ray"));
        assert_eq!(request_id(&h), Some("ray"));
        h.insert("x-amzn-requestid", HeaderValue::from_static("amzn"));
        assert_eq!(request_id(&h), Some("amzn"));
        h.insert("x-request-id", HeaderValue::from_static("xr"));
        assert_eq!(request_id(&h), Some("xr"));
    }
}
