//! The client, its builder, the transport loop and decoding.

use std::fmt::{self, Debug};
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, USER_AGENT};
use reqwest::{StatusCode, Url};
use tokio::time::Instant;

use crate::error::{request_id, Error, Failure, RequestContext, ResponseContext};
use crate::hook::{AttemptOutcome, Hooks, RequestInfo, ResponseInfo};
use crate::paginate::BoxFuture;
use crate::request::Request;
use crate::retry::{full_jitter, Attempt, Decision, RetryPolicy, TransportFlags};
use crate::trace::{retry_cause, CallSpan};

/// Default total timeout of one attempt: 60 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default connect timeout: 10 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default largest accepted download (the success body of an operation whose response is a
/// file, not JSON): 4 GiB, or the address space of a 32-bit target.
pub const DEFAULT_MAX_DOWNLOAD_BYTES: usize = if usize::BITS > 32 {
    1 << 32
} else {
    usize::MAX
};

/// Default largest accepted response body: 64 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

const DEFAULT_USER_AGENT: &str = concat!("sdkgen-runtime/", env!("CARGO_PKG_VERSION"));
const REDACTED: &str = "<redacted>";

/// A secret string whose `Debug` never shows it.
#[derive(Clone)]
struct Secret(String);

impl Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Debug::fmt(REDACTED, f)
    }
}

/// An API client: base URL, credentials, timeouts, retry policy and a
/// connection pool.
///
/// Cloning is cheap (the state is shared behind an `Arc`), so generated
/// request builders hold a `Client` by value. Generated crates wrap it in
/// their own `Client` type (see [`ClientBuilder`]).
///
/// Its `Debug` output shows the base URL, timeouts, retry policy and
/// whether an API key is set, never the key itself.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    /// Whether `base_url` is the default (not set on the builder), so that
    /// operations with their own server use it.
    default_base_url: bool,
    /// `Bearer <key>`, marked sensitive.
    authorization: Option<HeaderValue>,
    user_agent: HeaderValue,
    timeout: Duration,
    /// The default deadline of a whole call, all attempts and waits included.
    deadline: Option<Duration>,
    /// `None` when the caller supplied the HTTP client.
    connect_timeout: Option<Duration>,
    retry: RetryPolicy,
    max_response_bytes: usize,
    max_download_bytes: usize,
    /// Whether a request that breaks a constraint of the spec fails before it is sent.
    check_requests: bool,
    hooks: Hooks,
}

impl Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url)
            .field("api_key", &inner.authorization.as_ref().map(|_| REDACTED))
            .field("timeout", &inner.timeout)
            .field("deadline", &inner.deadline)
            .field("connect_timeout", &inner.connect_timeout)
            .field("retry", &inner.retry)
            .field("max_response_bytes", &inner.max_response_bytes)
            .field("max_download_bytes", &inner.max_download_bytes)
            .field("check_requests", &inner.check_requests)
            .field("user_agent", &inner.user_agent)
            .field("hooks", &inner.hooks)
            .finish()
    }
}

impl Client {
    /// Starts configuring a client whose base URL defaults to
    /// `default_base_url` (the first server of the specification).
    pub fn builder(default_base_url: &str) -> ClientBuilder<Client> {
        ClientBuilder::new(default_base_url)
    }

    /// The base URL, without trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Whether an API key is configured.
    pub fn has_api_key(&self) -> bool {
        self.inner.authorization.is_some()
    }

    /// The default total timeout of one attempt.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The default deadline of a whole call (see
    /// [`ClientBuilder::deadline`]), if any.
    pub fn deadline(&self) -> Option<Duration> {
        self.inner.deadline
    }

    /// The default retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The largest accepted download, in bytes (see [`ClientBuilder::max_download_bytes`]).
    pub fn max_download_bytes(&self) -> usize {
        self.inner.max_download_bytes
    }

    /// The largest accepted response body, in bytes.
    pub fn max_response_bytes(&self) -> usize {
        self.inner.max_response_bytes
    }

    /// Whether requests are checked against the spec's constraints before they are sent
    /// (see [`ClientBuilder::check_requests`]).
    pub fn checks_requests(&self) -> bool {
        self.inner.check_requests
    }

    /// The underlying HTTP client.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// Sends `request` with the client's (or the call's) retry policy and
    /// timeout, and decodes the response with `decoder`.
    ///
    /// Every request carries `Authorization: Bearer <key>` (when a key is
    /// configured), the client's `User-Agent`, and `Accept:
    /// application/json` unless the request sets its own `Accept` header.
    ///
    /// The success decoder is asked first, then the error decoder; a status
    /// neither documents becomes [`Error::UnexpectedStatus`]. Decoding goes
    /// by status and body only, not by the `Content-Type` header.
    pub async fn send<T, E>(
        &self,
        request: Request,
        decoder: Decoder<T, E>,
    ) -> Result<T, Error<E>> {
        self.send_with_response(request, decoder)
            .await
            .map(Response::into_value)
    }

    /// Same as [`send`](Self::send), but keeps the status and headers of the
    /// response beside the value.
    pub async fn send_with_response<T, E>(
        &self,
        request: Request,
        decoder: Decoder<T, E>,
    ) -> Result<Response<T>, Error<E>> {
        finish_call(self.run(request, false).await, decoder)
    }

    /// [`send`](Self::send) as one boxed future: the transport loop is boxed once, not
    /// generic, and only the decoding step is generic. What a generated operation's `send()`
    /// and `.await` return, so that each operation adds one small future to its crate.
    pub fn call<T: 'static, E: 'static>(
        &self,
        request: Request,
        decoder: Decoder<T, E>,
    ) -> BoxFuture<Result<T, Error<E>>> {
        let answer = self.answer(request);
        Box::pin(async move { finish_call(answer.await, decoder).map(Response::into_value) })
    }

    /// [`send_with_response`](Self::send_with_response) as one boxed future (see
    /// [`call`](Self::call)).
    pub fn call_with_response<T: 'static, E: 'static>(
        &self,
        request: Request,
        decoder: Decoder<T, E>,
    ) -> BoxFuture<Result<Response<T>, Error<E>>> {
        let answer = self.answer(request);
        Box::pin(async move { finish_call(answer.await, decoder) })
    }

    /// [`run`](Self::run), boxed: one copy for every operation.
    fn answer(&self, request: Request) -> BoxFuture<Result<Answer, Failure>> {
        let client = self.clone();
        Box::pin(async move { client.run(request, false).await })
    }

    /// The transport loop of one call in its span (see [`execute`](Self::execute)).
    pub(crate) async fn run(&self, request: Request, open: bool) -> Result<Answer, Failure> {
        let span = CallSpan::new(&request.method, request.template);
        span.instrument(self.execute(request, &span, open)).await
    }

    /// The transport loop: everything except decoding, not generic.
    ///
    /// Two clocks bound a call: the per-attempt `timeout`, restarted by each
    /// attempt, and the optional deadline of the whole call, started here.
    /// Each attempt ends at the earlier of the two, and which one it was
    /// decides between [`Error::Timeout`] and [`Error::DeadlineExceeded`].
    ///
    /// With `open`, a success response is returned with its body unread ([`Answer::Open`]), for
    /// the caller to stream; other responses are read as usual.
    pub(crate) async fn execute(
        &self,
        mut request: Request,
        span: &CallSpan,
        open: bool,
    ) -> Result<Answer, Failure> {
        let inner = &*self.inner;
        let policy = request.options.retry_policy().unwrap_or(&inner.retry);
        let timeout = request.options.total_timeout().unwrap_or(inner.timeout);
        let deadline = request.options.call_deadline().or(inner.deadline);
        let call_end = deadline.map(deadline_after);
        // The path moves into the context once the URL is built; until then, errors copy it.
        let context = |request: &Request| {
            RequestContext::new(
                request.method.clone(),
                request.template,
                request.path.clone(),
            )
        };
        if let Some(message) = request.error.take() {
            return Err(Failure::InvalidRequest {
                request: context(&request),
                message,
            });
        }
        if let Some(message) = request.violation.take() {
            if inner.check_requests {
                return Err(Failure::InvalidRequest {
                    request: context(&request),
                    message,
                });
            }
        }
        let operation_base;
        let base = match request.server {
            Some(server) if inner.default_base_url => match normalize_base_url(server) {
                Ok(url) => {
                    operation_base = url;
                    operation_base.as_str()
                }
                Err(error) => {
                    return Err(Failure::InvalidRequest {
                        request: context(&request),
                        message: error.to_string(),
                    })
                }
            },
            _ => inner.base_url.as_str(),
        };
        let url = match request.url(base) {
            Ok(url) => url,
            Err(message) => {
                return Err(Failure::InvalidRequest {
                    request: context(&request),
                    message,
                })
            }
        };
        let mut context = RequestContext::new(
            request.method.clone(),
            request.template,
            std::mem::take(&mut request.path),
        );
        let extra_headers = std::mem::take(&mut request.headers);
        let method = &request.method;
        let body_limit = BodyLimit {
            success: if request.download {
                inner.max_download_bytes
            } else {
                inner.max_response_bytes
            },
            other: inner.max_response_bytes,
            open,
        };

        let mut retries = 0;
        let mut waited = Duration::ZERO;

        loop {
            context.count_attempt();
            span.attempt(context.attempts());
            let attempt_end = deadline_after(timeout);
            let limit = match (call_end, deadline) {
                (Some(end), Some(deadline)) if end <= attempt_end => Limit {
                    end,
                    timeout,
                    deadline: Some(deadline),
                },
                _ => Limit {
                    end: attempt_end,
                    timeout,
                    deadline: None,
                },
            };
            let started = Instant::now();
            let outcome = match tokio::time::timeout_at(
                limit.end,
                self.send_once(&context, &url, &extra_headers, request.body.as_ref()),
            )
            .await
            {
                Err(_elapsed) => Outcome::TimedOut,
                // Timeouts reported by reqwest stay errors here: a connect
                // timeout is a connect failure, only its other timeouts are
                // timeouts of the attempt (see `Attempt::failed`).
                Ok(Err(error)) => Outcome::Failed(error.without_url()),
                Ok(Ok(response)) => Outcome::Answered(response),
            };
            if let Outcome::Answered(response) = &outcome {
                span.answered(response.status(), response.headers());
            }
            self.run_response_hooks(&context, &outcome, started.elapsed());
            let decision = policy.decide(
                outcome.attempt(),
                method,
                context.attempts(),
                SystemTime::now(),
                full_jitter,
            );
            match (decision, outcome) {
                (Decision::RetryAfter(wait), outcome) => {
                    // A wait that would end at or after the deadline is not
                    // started: the next attempt could not even begin.
                    if let (Some(end), Some(deadline)) = (call_end, deadline) {
                        if Instant::now().checked_add(wait).is_none_or(|at| at >= end) {
                            span.deadline_exceeded(deadline, context.attempts());
                            return Err(Failure::DeadlineExceeded {
                                request: context,
                                deadline,
                            });
                        }
                    }
                    retries += 1;
                    waited = waited.saturating_add(wait);
                    let status = match &outcome {
                        Outcome::Answered(response) => Some(response.status()),
                        _ => None,
                    };
                    span.retry(
                        retry_cause(&outcome.attempt()),
                        status,
                        context.attempts(),
                        wait,
                        retries,
                        waited,
                    );
                    // Dropped before the wait, so that the connection goes
                    // back to the pool (or is closed) at once.
                    drop(outcome);
                    sleep(wait).await;
                }
                // Only an answer is ever rate-limited.
                (Decision::RateLimited(retry_after), Outcome::Answered(response)) => {
                    span.rate_limited(response.status(), retry_after);
                    let response = self.finish_rate_limited(response, context, limit.end).await;
                    return Err(Failure::RateLimited {
                        retry_after,
                        response: Box::new(response),
                    });
                }
                (_, Outcome::Answered(response)) => {
                    return self
                        .finish(response, context, limit, body_limit, span)
                        .await
                }
                (_, Outcome::TimedOut) => return Err(limit.failure(context, span)),
                (_, Outcome::Failed(source)) => {
                    return Err(match Attempt::failed(TransportFlags::of(&source)) {
                        // The timeout of a caller-supplied HTTP client, which
                        // ends the attempt as the runtime's own would.
                        Attempt::TimedOut => Failure::Timeout {
                            request: context,
                            after: timeout,
                        },
                        // A connect timeout included: the source says so,
                        // and the total timeout did not expire.
                        _ => Failure::Transport {
                            request: context,
                            source,
                        },
                    });
                }
            }
        }
    }

    /// Shows how an attempt ended to the response hooks.
    fn run_response_hooks(&self, context: &RequestContext, outcome: &Outcome, elapsed: Duration) {
        let hooks = &self.inner.hooks.response;
        if hooks.is_empty() {
            return;
        }
        let info = ResponseInfo {
            context,
            outcome: match outcome {
                Outcome::TimedOut => AttemptOutcome::TimedOut,
                Outcome::Failed(error) => AttemptOutcome::Failed(error),
                Outcome::Answered(response) => {
                    AttemptOutcome::Answered(response.status(), response.headers())
                }
            },
            elapsed,
        };
        for hook in hooks {
            hook(&info);
        }
    }

    /// Sends one attempt. The request is built here, for each attempt, with its
    /// headers moved into it: one header map per attempt, as a request built
    /// by hand has (reqwest's `RequestBuilder::headers` would copy a prepared
    /// map into its own).
    ///
    /// The request hooks run last but one: they see every header but the
    /// API key's, which is set after them so that no hook reads or replaces it.
    async fn send_once(
        &self,
        context: &RequestContext,
        url: &Url,
        extra_headers: &HeaderMap,
        body: Option<&Bytes>,
    ) -> reqwest::Result<reqwest::Response> {
        let inner = &*self.inner;
        let mut request = reqwest::Request::new(context.method().clone(), url.clone());
        let headers = request.headers_mut();
        for (name, value) in extra_headers {
            headers.append(name, value.clone());
        }
        if !headers.contains_key(ACCEPT) {
            headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        }
        headers.insert(USER_AGENT, inner.user_agent.clone());
        if !inner.hooks.request.is_empty() {
            let mut info = RequestInfo {
                context,
                headers,
                body,
            };
            for hook in &inner.hooks.request {
                hook(&mut info);
            }
        }
        let headers = request.headers_mut();
        if let Some(authorization) = &inner.authorization {
            headers.insert(AUTHORIZATION, authorization.clone());
        }
        if let Some(body) = body {
            *request.body_mut() = Some(body.clone().into());
        }
        inner.http.execute(request).await
    }

    /// Reads the body of the final response (or, for a success when the call streams it,
    /// hands it over unread).
    async fn finish(
        &self,
        mut response: reqwest::Response,
        context: RequestContext,
        time: Limit,
        body_limit: BodyLimit,
        span: &CallSpan,
    ) -> Result<Answer, Failure> {
        let status = response.status();
        if body_limit.open && status.is_success() {
            let headers = response.headers().clone();
            return Ok(Answer::Open(OpenResponse {
                context,
                status,
                headers,
                response,
                limit: body_limit.success,
            }));
        }
        let headers = std::mem::take(response.headers_mut());
        let limit = if status.is_success() {
            body_limit.success
        } else {
            body_limit.other
        };
        match read_body(&mut response, limit, time.end).await {
            Ok(body) => Ok(Answer::Read(RawResponse {
                context,
                status,
                headers,
                body,
            })),
            Err(BodyFailure::TimedOut) => Err(time.failure(context, span)),
            Err(BodyFailure::Read(error, partial)) => {
                let error = error.without_url();
                if error.is_timeout() {
                    // The timeout of a caller-supplied HTTP client: one of
                    // the attempt, whichever limit the runtime had set.
                    return Err(Failure::Timeout {
                        request: context,
                        after: time.timeout,
                    });
                }
                Err(Failure::ResponseBody {
                    source: error,
                    response: Box::new(ResponseContext::new(
                        context, status, headers, partial, true,
                    )),
                })
            }
            Err(BodyFailure::TooLarge(partial)) => Err(Failure::ResponseTooLarge {
                limit,
                response: Box::new(ResponseContext::new(
                    context, status, headers, partial, true,
                )),
            }),
        }
    }

    /// Reads what can be read of a rate-limiting response's body for the
    /// error context; failures only leave the body empty or partial.
    async fn finish_rate_limited(
        &self,
        mut response: reqwest::Response,
        context: RequestContext,
        deadline: Instant,
    ) -> ResponseContext {
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let limit = self
            .inner
            .max_response_bytes
            .min(crate::error::CONTEXT_BODY_LIMIT);
        let (body, truncated) = match read_body(&mut response, limit, deadline).await {
            Ok(body) => (body, false),
            Err(BodyFailure::TimedOut) => (Bytes::new(), true),
            Err(BodyFailure::Read(_, partial) | BodyFailure::TooLarge(partial)) => (partial, true),
        };
        ResponseContext::new(context, status, headers, body, truncated)
    }
}

/// When the current attempt must end, and why.
#[derive(Clone, Copy)]
struct Limit {
    end: Instant,
    /// The per-attempt timeout.
    timeout: Duration,
    /// The deadline of the call, when it ends before the timeout.
    deadline: Option<Duration>,
}

impl Limit {
    /// The failure of an attempt that reached `end`.
    fn failure(self, request: RequestContext, span: &CallSpan) -> Failure {
        match self.deadline {
            None => Failure::Timeout {
                request,
                after: self.timeout,
            },
            Some(deadline) => {
                span.deadline_exceeded(deadline, request.attempts());
                Failure::DeadlineExceeded { request, deadline }
            }
        }
    }
}

/// What one attempt brought back.
enum Outcome {
    /// The total timeout of the attempt expired.
    TimedOut,
    /// reqwest failed, a connect timeout or a timeout of a caller-supplied
    /// HTTP client included.
    Failed(reqwest::Error),
    Answered(reqwest::Response),
}

impl Outcome {
    /// The outcome as the retry policy sees it.
    fn attempt(&self) -> Attempt<'_> {
        match self {
            Outcome::TimedOut => Attempt::TimedOut,
            Outcome::Failed(error) => Attempt::failed(TransportFlags::of(error)),
            Outcome::Answered(response) => Attempt::Answered(response.status(), response.headers()),
        }
    }
}

/// `now + timeout`, saturating at a far-away instant (so that a timeout of
/// `Duration::MAX` means "no timeout" instead of an overflow).
fn deadline_after(timeout: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(timeout)
        .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 24 * 3600)))
        .unwrap_or(now)
}

async fn sleep(wait: Duration) {
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
}

enum BodyFailure {
    TimedOut,
    Read(reqwest::Error, Bytes),
    TooLarge(Bytes),
}

/// Collects chunks without copying when the body arrives in one chunk.
#[derive(Default)]
pub(crate) struct BodyBuffer {
    first: Option<Bytes>,
    rest: Vec<u8>,
    len: usize,
    /// The length the body is expected to have (its `Content-Length`, within the limit).
    expected: usize,
}

impl BodyBuffer {
    /// A buffer for a body of about `expected` bytes: a body of several chunks is copied once
    /// into one allocation of that size rather than into a vector that keeps growing.
    pub(crate) fn expecting(expected: usize) -> Self {
        BodyBuffer {
            expected,
            ..BodyBuffer::default()
        }
    }

    pub(crate) fn push(&mut self, chunk: Bytes) {
        self.len += chunk.len();
        match self.first.take() {
            None if self.rest.is_empty() => self.first = Some(chunk),
            first => {
                if let Some(first) = first {
                    self.rest.reserve(self.expected.max(self.len));
                    self.rest.extend_from_slice(&first);
                }
                self.rest.extend_from_slice(&chunk);
            }
        }
    }

    pub(crate) fn finish(self) -> Bytes {
        match self.first {
            Some(first) => first,
            None => Bytes::from(self.rest),
        }
    }
}

/// Reads the whole body, at most `limit` bytes, before `deadline`.
async fn read_body(
    response: &mut reqwest::Response,
    limit: usize,
    deadline: Instant,
) -> Result<Bytes, BodyFailure> {
    let expected = response.content_length().unwrap_or(0);
    if expected > limit as u64 {
        return Err(BodyFailure::TooLarge(Bytes::new()));
    }
    let read = async {
        // What the header promises is reserved up to 16 MiB; a larger body grows past it.
        let mut buffer = BodyBuffer::expecting(expected.min(1 << 24) as usize);
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if buffer.len + chunk.len() > limit {
                        let room = limit - buffer.len;
                        buffer.push(chunk.slice(..room));
                        return Err(BodyFailure::TooLarge(buffer.finish()));
                    }
                    buffer.push(chunk);
                }
                Ok(None) => return Ok(buffer.finish()),
                Err(error) => return Err(BodyFailure::Read(error, buffer.finish())),
            }
        }
    };
    match tokio::time::timeout_at(deadline, read).await {
        Ok(result) => result,
        Err(_elapsed) => Err(BodyFailure::TimedOut),
    }
}

/// The largest bodies a call reads: of a success, of anything else; and whether a success is
/// handed over unread.
#[derive(Clone, Copy)]
struct BodyLimit {
    success: usize,
    other: usize,
    open: bool,
}

/// How the transport loop ends for a call that was answered.
pub(crate) enum Answer {
    /// The response, body read.
    Read(RawResponse),
    /// A success, body unread (the call streams it).
    Open(OpenResponse),
}

/// A success response whose body is still to be read.
pub(crate) struct OpenResponse {
    pub(crate) context: RequestContext,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) response: reqwest::Response,
    /// The most bytes the body may have.
    pub(crate) limit: usize,
}

impl OpenResponse {
    /// The response as if its body were empty (for decoding a body-less answer).
    fn into_empty(self) -> RawResponse {
        RawResponse {
            context: self.context,
            status: self.status,
            headers: self.headers,
            body: Bytes::new(),
        }
    }
}

/// A complete response, before decoding.
pub(crate) struct RawResponse {
    pub(crate) context: RequestContext,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl RawResponse {
    pub(crate) fn into_context(self) -> Box<ResponseContext> {
        Box::new(ResponseContext::new(
            self.context,
            self.status,
            self.headers,
            self.body,
            false,
        ))
    }
}

/// How a call ends: its answer decoded, or its failure.
fn finish_call<T, E>(
    answer: Result<Answer, Failure>,
    decoder: Decoder<T, E>,
) -> Result<Response<T>, Error<E>> {
    match answer {
        Ok(Answer::Read(raw)) => decode(raw, decoder),
        Ok(Answer::Open(open)) => decode(open.into_empty(), decoder),
        Err(failure) => Err(failure.into()),
    }
}

/// The only generic step of a call.
pub(crate) fn decode<T, E>(
    raw: RawResponse,
    decoder: Decoder<T, E>,
) -> Result<Response<T>, Error<E>> {
    let code = raw.status.as_u16();
    if let Some(result) = (decoder.success)(code, &raw.body) {
        return match result {
            Ok(value) => Ok(Response {
                status: raw.status,
                headers: raw.headers,
                value,
            }),
            Err(source) => Err(Error::Decode {
                source,
                response: raw.into_context(),
            }),
        };
    }
    Err(decode_error(raw, decoder.error))
}

/// The error a response that is not a documented success stands for: a documented error, an
/// undecodable one, or an unexpected status.
pub(crate) fn decode_error<E>(raw: RawResponse, error: DecodeFn<E>) -> Error<E> {
    match error(raw.status.as_u16(), &raw.body) {
        Some(Ok(error)) => Error::Api {
            error,
            response: raw.into_context(),
        },
        Some(Err(source)) => Error::Decode {
            source,
            response: raw.into_context(),
        },
        None => Error::UnexpectedStatus {
            response: raw.into_context(),
        },
    }
}

/// A decoding function of a [`Decoder`]: given the status and the body, it
/// returns `None` when the status is not one it documents, otherwise the
/// decoded value or the decoding error.
pub type DecodeFn<T> = fn(u16, &[u8]) -> Option<Result<T, serde_json::Error>>;

/// How a generated operation turns a status and body into its success value
/// or its error body: two plain function pointers, each returning `None`
/// when the status is not one it documents.
pub struct Decoder<T, E> {
    /// Decodes the documented success statuses.
    pub success: DecodeFn<T>,
    /// Decodes the documented error statuses (including a `default`
    /// response, if the specification has one).
    pub error: DecodeFn<E>,
}

impl<T, E> Decoder<T, E> {
    /// Bundles the two functions.
    pub const fn new(success: DecodeFn<T>, error: DecodeFn<E>) -> Self {
        Decoder { success, error }
    }
}

impl<T, E> Clone for Decoder<T, E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, E> Copy for Decoder<T, E> {}

impl<T, E> Debug for Decoder<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoder").finish_non_exhaustive()
    }
}

/// Decodes a JSON body.
pub fn json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice(body)
}

/// Decodes a text body (`text/plain`…) as UTF-8.
pub fn text(body: &[u8]) -> Result<String, serde_json::Error> {
    String::from_utf8(body.to_vec()).map_err(|e| {
        <serde_json::Error as serde::de::Error>::custom(format!("the text is not UTF-8: {e}"))
    })
}

/// Ignores the body (for statuses documented without content).
pub fn empty(_body: &[u8]) -> Result<(), serde_json::Error> {
    Ok(())
}

/// The status, headers and decoded value of a successful call.
#[derive(Clone, Debug)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    value: T,
}

impl<T> Response<T> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The decoded value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The decoded value, by value.
    pub fn into_value(self) -> T {
        self.value
    }

    /// Status, headers and value.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
        (self.status, self.headers, self.value)
    }

    /// Converts the value, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            value: f(self.value),
        }
    }

    /// The server's request id (see [`ResponseContext::request_id`]).
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }
}

/// Configures and builds a [`Client`], or a generated crate's client type
/// `C` that wraps one.
///
/// Generated crates write:
///
/// ```
/// pub struct Client { inner: sdkgen_runtime::Client }
///
/// impl From<sdkgen_runtime::Client> for Client {
///     fn from(inner: sdkgen_runtime::Client) -> Self { Client { inner } }
/// }
///
/// impl Client {
///     pub fn builder() -> sdkgen_runtime::ClientBuilder<Self> {
///         sdkgen_runtime::ClientBuilder::new("https://api.example.com/v1")
///             .base_url_env("EXAMPLE_BASE_URL")
///             .api_key_env("EXAMPLE_API_KEY")
///     }
/// }
///
/// let client = Client::builder().api_key("k").build().unwrap();
/// assert_eq!(client.inner.base_url(), "https://api.example.com/v1");
/// ```
///
/// The base URL is, in this order of precedence:
///
/// 1. the one given with [`base_url`](Self::base_url), always;
/// 2. otherwise the value of the variable named with
///    [`base_url_env`](Self::base_url_env), when it is set and not empty;
/// 3. otherwise the default given to [`new`](Self::new).
///
/// The API key likewise: [`api_key`](Self::api_key), then the variable of
/// [`api_key_env`](Self::api_key_env).
///
/// Defaults: no API key, total timeout [`DEFAULT_TIMEOUT`] per attempt, no
/// deadline for the whole call, no hooks,
/// connect timeout [`DEFAULT_CONNECT_TIMEOUT`], [`RetryPolicy::new`],
/// bodies up to [`DEFAULT_MAX_RESPONSE_BYTES`], user agent
/// `sdkgen-runtime/<version>`.
///
/// Its `Debug` output never shows the API key.
pub struct ClientBuilder<C = Client> {
    default_base_url: String,
    base_url: Option<String>,
    base_url_env: Option<&'static str>,
    api_key: Option<Secret>,
    api_key_env: Option<&'static str>,
    require_api_key: bool,
    http: Option<reqwest::Client>,
    timeout: Duration,
    deadline: Option<Duration>,
    connect_timeout: Duration,
    retry: RetryPolicy,
    user_agent: Option<String>,
    max_response_bytes: usize,
    max_download_bytes: usize,
    check_requests: bool,
    hooks: Hooks,
    client: PhantomData<fn() -> C>,
}

impl<C> Clone for ClientBuilder<C> {
    fn clone(&self) -> Self {
        ClientBuilder {
            default_base_url: self.default_base_url.clone(),
            base_url: self.base_url.clone(),
            base_url_env: self.base_url_env,
            api_key: self.api_key.clone(),
            api_key_env: self.api_key_env,
            require_api_key: self.require_api_key,
            http: self.http.clone(),
            timeout: self.timeout,
            deadline: self.deadline,
            connect_timeout: self.connect_timeout,
            retry: self.retry.clone(),
            user_agent: self.user_agent.clone(),
            max_response_bytes: self.max_response_bytes,
            max_download_bytes: self.max_download_bytes,
            check_requests: self.check_requests,
            hooks: self.hooks.clone(),
            client: PhantomData,
        }
    }
}

impl<C> Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("default_base_url", &self.default_base_url)
            .field("base_url", &self.base_url)
            .field("base_url_env", &self.base_url_env)
            .field("api_key", &self.api_key)
            .field("api_key_env", &self.api_key_env)
            .field("require_api_key", &self.require_api_key)
            .field("http_client", &self.http.is_some())
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_download_bytes", &self.max_download_bytes)
            .field("check_requests", &self.check_requests)
            .field("hooks", &self.hooks)
            .finish()
    }
}

impl<C: From<Client>> ClientBuilder<C> {
    /// Starts configuring a client whose base URL defaults to
    /// `default_base_url`.
    pub fn new(default_base_url: &str) -> Self {
        ClientBuilder {
            default_base_url: default_base_url.to_owned(),
            base_url: None,
            base_url_env: None,
            api_key: None,
            api_key_env: None,
            require_api_key: false,
            http: None,
            timeout: DEFAULT_TIMEOUT,
            deadline: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::new(),
            user_agent: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_download_bytes: DEFAULT_MAX_DOWNLOAD_BYTES,
            check_requests: true,
            hooks: Hooks::default(),
            client: PhantomData,
        }
    }

    /// The API key, sent as `Authorization: Bearer <key>`. Wins over the
    /// environment variable. Surrounding whitespace is removed; an empty key
    /// counts as none.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(Secret(key.into()));
        self
    }

    /// The environment variable consulted by [`build`](Self::build) when no
    /// key was given with [`api_key`](Self::api_key). An unset, empty or
    /// non-UTF-8 variable counts as no key.
    pub fn api_key_env(mut self, var: &'static str) -> Self {
        self.api_key_env = Some(var);
        self
    }

    /// Makes [`build`](Self::build) fail when no key is found.
    pub fn require_api_key(mut self) -> Self {
        self.require_api_key = true;
        self
    }

    /// Replaces the default base URL. It must be an absolute `http` or
    /// `https` URL without query or fragment; trailing slashes are removed.
    /// It may have a path (`https://host/api/v0`). Wins over the
    /// environment variable of [`base_url_env`](Self::base_url_env).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The environment variable consulted by [`build`](Self::build) when no
    /// base URL was given with [`base_url`](Self::base_url).
    ///
    /// When it is set and not empty (surrounding whitespace aside), its
    /// value is the base URL, checked like one given to `base_url`: a value
    /// that is not a valid base URL, or not UTF-8, makes `build` fail with
    /// [`BuildError::InvalidBaseUrl`] naming the variable, rather than
    /// falling back to the default server. Unset or empty, the default base
    /// URL applies. A base URL taken from the variable counts as chosen by
    /// the caller: operations with a server of their own are sent to it
    /// too, as with `base_url`.
    pub fn base_url_env(mut self, var: &'static str) -> Self {
        self.base_url_env = Some(var);
        self
    }

    /// Uses a caller-configured HTTP client (proxies, TLS roots, pool
    /// settings). The connect timeout is then that client's own; the total
    /// timeout of this builder still applies to every attempt.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Total timeout of one attempt: connecting, sending, waiting for the
    /// response and reading its body. Default 60 s. Waits between attempts
    /// are not included. `Duration::MAX` means no timeout.
    pub fn timeout(mut self, total: Duration) -> Self {
        self.timeout = total;
        self
    }

    /// Default deadline of a whole call: all its attempts and the waits
    /// between them together. Default none: only the per-attempt
    /// [`timeout`](Self::timeout) and the retry policy bound a call.
    /// [`CallOptions::deadline`](crate::CallOptions::deadline) overrides it
    /// for one call.
    ///
    /// Each attempt ends at the earlier of its timeout and the deadline.
    /// When the deadline passes, the call ends with
    /// [`Error::DeadlineExceeded`]; a wait before a retry that would end
    /// after the deadline is not started, and the call ends with that error
    /// at once.
    pub fn deadline(mut self, total: Duration) -> Self {
        self.deadline = Some(total);
        self
    }

    /// Adds a hook that sees every attempt just before it is sent (see
    /// [`RequestInfo`]): its method, path template and path, attempt number,
    /// header names (never values, never the API key) and body. It may add
    /// headers, for example a signature. Hooks run in the order they were
    /// added.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU32, Ordering};
    /// use std::sync::Arc;
    /// use sdkgen_runtime::{Client, HeaderName};
    /// use sdkgen_runtime::reqwest::header::HeaderValue;
    ///
    /// let sent = Arc::new(AtomicU32::new(0));
    /// let counter = Arc::clone(&sent);
    /// let client = Client::builder("https://api.example.com")
    ///     .api_key("sk-secret")
    ///     .on_request(move |request| {
    ///         counter.fetch_add(1, Ordering::Relaxed);
    ///         let length = request.body().map_or(0, <[u8]>::len);
    ///         request.insert_header(
    ///             HeaderName::from_static("x-body-length"),
    ///             HeaderValue::from(length),
    ///         );
    ///     })
    ///     .on_response(|response| {
    ///         // One line per attempt: `GET /instances/{id}/ #1 -> Some(200) in 12ms`.
    ///         eprintln!(
    ///             "{} {} #{} -> {:?} in {:?}",
    ///             response.method(),
    ///             response.template(),
    ///             response.attempt(),
    ///             response.status().map(|s| s.as_u16()),
    ///             response.elapsed(),
    ///         );
    ///     })
    ///     .build()
    ///     .unwrap();
    /// # let _ = (client, sent);
    /// ```
    pub fn on_request(
        mut self,
        hook: impl Fn(&mut RequestInfo<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.hooks.request.push(Arc::new(hook));
        self
    }

    /// Adds a hook that sees how every attempt ended (see [`ResponseInfo`]):
    /// its status and headers when a response arrived (before the body is
    /// read), or the timeout or transport error, and the time it took. See
    /// [`on_request`](Self::on_request) for an example.
    pub fn on_response(mut self, hook: impl Fn(&ResponseInfo<'_>) + Send + Sync + 'static) -> Self {
        self.hooks.response.push(Arc::new(hook));
        self
    }

    /// Timeout for establishing a connection (TCP and TLS). Default 10 s.
    /// Ignored when [`http_client`](Self::http_client) is used.
    ///
    /// A connect that outlives it is a connect failure, not a timeout of the
    /// request: it is retried for every method like any connect failure
    /// (nothing reached the server; [`RetryPolicy::retry_timeouts`] is not
    /// needed), and when no attempt is left the call fails with
    /// [`Error::Transport`], keeping reqwest's error, its `Display` beginning
    /// with `connect timed out` ([`Error::is_timeout`] is true for it). The
    /// total [`timeout`](Self::timeout) of the attempt still bounds
    /// connecting: when it is the shorter one and expires first, the attempt
    /// ends with [`Error::Timeout`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Default retry policy of every call.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The `User-Agent` header. Default `sdkgen-runtime/<version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Largest accepted response body in bytes (default 64 MiB). A larger
    /// body (announced by `Content-Length` or counted while reading) fails
    /// the call with [`Error::ResponseTooLarge`] instead of filling memory.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Largest accepted download in bytes (default 4 GiB): the limit of the success body of an
    /// operation that answers with a file (`application/octet-stream`, images, archives…)
    /// rather than JSON, read whole by `.await`. Streamed downloads (`send_stream`) count
    /// against it too. Error bodies keep [`max_response_bytes`](Self::max_response_bytes).
    pub fn max_download_bytes(mut self, limit: usize) -> Self {
        self.max_download_bytes = limit;
        self
    }

    /// Whether a request that breaks a constraint the spec states for a parameter (a range, a
    /// length, a number of items, a list of allowed numbers) fails with
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) before anything is sent (the
    /// default), or is sent as it is, for the server to judge. Responses are never checked: a
    /// server may send what its spec does not say.
    pub fn check_requests(mut self, check: bool) -> Self {
        self.check_requests = check;
        self
    }

    /// Builds the client.
    ///
    /// Fails when the base URL (given, from the environment or the default)
    /// is invalid, when the API key is required but missing, when the key or
    /// user agent cannot be sent in a header, or when the HTTP client cannot
    /// be built.
    pub fn build(self) -> Result<C, BuildError> {
        let (base_url, chosen_base_url) = match (&self.base_url, self.base_url_env) {
            (Some(url), _) => (normalize_base_url(url)?, true),
            (None, Some(var)) => match base_url_from_env(var)? {
                Some(url) => (url, true),
                None => (normalize_base_url(&self.default_base_url)?, false),
            },
            (None, None) => (normalize_base_url(&self.default_base_url)?, false),
        };

        let key = match self.api_key.as_ref().map(|k| k.0.trim()) {
            Some(key) if !key.is_empty() => Some(key.to_owned()),
            _ => self
                .api_key_env
                .and_then(|var| std::env::var(var).ok())
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty()),
        };
        if key.is_none() && self.require_api_key {
            return Err(BuildError::MissingApiKey {
                env_var: self.api_key_env,
            });
        }
        let authorization = match key {
            Some(key) => {
                let mut value = HeaderValue::try_from(format!("Bearer {key}"))
                    .map_err(|_| BuildError::InvalidApiKey)?;
                value.set_sensitive(true);
                Some(value)
            }
            None => None,
        };

        let user_agent = match &self.user_agent {
            Some(ua) => {
                HeaderValue::try_from(ua.as_str()).map_err(|_| BuildError::InvalidUserAgent)?
            }
            None => HeaderValue::from_static(DEFAULT_USER_AGENT),
        };

        let (http, connect_timeout) = match self.http {
            Some(http) => (http, None),
            None => {
                let http = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .build()
                    .map_err(|e| BuildError::HttpClient(e.without_url()))?;
                (http, Some(self.connect_timeout))
            }
        };

        let client = Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                default_base_url: !chosen_base_url,
                authorization,
                user_agent,
                timeout: self.timeout,
                deadline: self.deadline,
                connect_timeout,
                retry: self.retry,
                max_response_bytes: self.max_response_bytes,
                max_download_bytes: self.max_download_bytes,
                check_requests: self.check_requests,
                hooks: self.hooks,
            }),
        };
        Ok(C::from(client))
    }
}

impl<C> ClientBuilder<C> {
    /// The same settings, building another client type.
    pub fn into_client_type<D>(self) -> ClientBuilder<D> {
        ClientBuilder {
            default_base_url: self.default_base_url,
            base_url: self.base_url,
            base_url_env: self.base_url_env,
            api_key: self.api_key,
            api_key_env: self.api_key_env,
            require_api_key: self.require_api_key,
            http: self.http,
            timeout: self.timeout,
            deadline: self.deadline,
            connect_timeout: self.connect_timeout,
            retry: self.retry,
            user_agent: self.user_agent,
            max_response_bytes: self.max_response_bytes,
            max_download_bytes: self.max_download_bytes,
            check_requests: self.check_requests,
            hooks: self.hooks,
            client: PhantomData,
        }
    }
}

/// The base URL in the environment variable `var`, checked, or `None` when
/// the variable is unset or empty.
fn base_url_from_env(var: &'static str) -> Result<Option<String>, BuildError> {
    let raw = match std::env::var(var) {
        Ok(raw) => raw,
        Err(std::env::VarError::NotPresent) => return Ok(None),
        // Unusable, but set: falling back to the default server would send
        // the caller's requests where they did not mean them to go.
        Err(std::env::VarError::NotUnicode(raw)) => {
            return Err(BuildError::InvalidBaseUrl {
                url: redact_url(&raw.to_string_lossy()),
                reason: "the value is not valid UTF-8".to_owned(),
                env_var: Some(var),
            })
        }
    };
    if raw.trim().is_empty() {
        return Ok(None);
    }
    normalize_base_url(&raw)
        .map(Some)
        .map_err(|error| match error {
            BuildError::InvalidBaseUrl { url, reason, .. } => BuildError::InvalidBaseUrl {
                url,
                reason,
                env_var: Some(var),
            },
            other => other,
        })
}

/// Checks a base URL and removes its trailing slashes.
fn normalize_base_url(raw: &str) -> Result<String, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidBaseUrl {
        url: redact_url(raw),
        reason: reason.to_owned(),
        env_var: None,
    };
    let url = Url::parse(raw.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("the URL has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("the URL must not have a query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// The URL with any password replaced, for error messages.
fn redact_url(raw: &str) -> String {
    match Url::parse(raw.trim()) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("redacted"));
            url.to_string()
        }
        Ok(_) => raw.to_owned(),
        Err(_) if raw.contains('@') => "<unparsable URL>".to_owned(),
        Err(_) => raw.to_owned(),
    }
}

/// Why [`ClientBuilder::build`] failed.
#[non_exhaustive]
#[derive(Debug)]
pub enum BuildError {
    /// [`ClientBuilder::require_api_key`] was set and no key was found.
    MissingApiKey {
        /// The environment variable that was consulted, if any.
        env_var: Option<&'static str>,
    },
    /// The base URL is not an absolute `http(s)` URL without query.
    InvalidBaseUrl {
        /// The URL (any password in it replaced).
        url: String,
        /// What is wrong with it.
        reason: String,
        /// The environment variable it was read from (see
        /// [`ClientBuilder::base_url_env`]), if it was.
        env_var: Option<&'static str>,
    },
    /// The API key contains characters that cannot be sent in a header.
    InvalidApiKey,
    /// The user agent contains characters that cannot be sent in a header.
    InvalidUserAgent,
    /// The HTTP client could not be built.
    HttpClient(reqwest::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::MissingApiKey { env_var: Some(var) } => {
                write!(f, "no API key: set the environment variable {var} or call `api_key` on the client builder")
            }
            BuildError::MissingApiKey { env_var: None } => {
                write!(f, "no API key: call `api_key` on the client builder")
            }
            BuildError::InvalidBaseUrl {
                url,
                reason,
                env_var: None,
            } => {
                write!(f, "invalid base URL `{url}`: {reason}")
            }
            BuildError::InvalidBaseUrl {
                url,
                reason,
                env_var: Some(var),
            } => {
                write!(
                    f,
                    "invalid base URL `{url}` in the environment variable {var}: {reason}"
                )
            }
            BuildError::InvalidApiKey => {
                write!(
                    f,
                    "the API key contains characters that are not allowed in an HTTP header"
                )
            }
            BuildError::InvalidUserAgent => {
                write!(
                    f,
                    "the user agent contains characters that are not allowed in an HTTP header"
                )
            }
            BuildError::HttpClient(e) => write!(f, "cannot build the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::HttpClient(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_normalisation() {
        assert_eq!(
            normalize_base_url("https://h/api/v0/").unwrap(),
            "https://h/api/v0"
        );
        assert_eq!(
            normalize_base_url("http://127.0.0.1:9/").unwrap(),
            "http://127.0.0.1:9"
        );
        assert_eq!(normalize_base_url("http://h").unwrap(), "http://h");
        assert_eq!(normalize_base_url(" https://h// ").unwrap(), "https://h");
        for bad in [
            "",
            "h/api",
            "ftp://h",
            "https://h/?a=1",
            "https://h/#x",
            "file:///tmp",
            "mailto:a@b",
        ] {
            assert!(
                matches!(
                    normalize_base_url(bad),
                    Err(BuildError::InvalidBaseUrl { .. })
                ),
                "{bad}"
            );
        }
        let err = normalize_base_url("ftp://u:hunter2@h/").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn key_is_redacted_and_sensitive() {
        let builder = Client::builder("http://h").api_key("sk-hunter2");
        assert!(!format!("{builder:?}").contains("hunter2"));
        assert!(format!("{builder:?}").contains("<redacted>"));
        let client = builder.build().unwrap();
        let dbg = format!("{client:?}");
        assert!(!dbg.contains("hunter2"), "{dbg}");
        assert!(dbg.contains("api_key: Some(\"<redacted>\")"), "{dbg}");
        let auth = client.inner.authorization.as_ref().unwrap();
        assert!(auth.is_sensitive());
        assert_eq!(auth, "Bearer sk-hunter2");
        let none = Client::builder("http://h").build().unwrap();
        assert!(format!("{none:?}").contains("api_key: None"));
        assert!(!none.has_api_key());
    }

    #[test]
    fn key_sources() {
        let var = "SDKGEN_RUNTIME_UNIT_TEST_KEY_7F3A";
        std::env::set_var(var, "  from-env\n");
        let c = Client::builder("http://h")
            .api_key_env(var)
            .build()
            .unwrap();
        assert_eq!(c.inner.authorization.as_ref().unwrap(), "Bearer from-env");
        let c = Client::builder("http://h")
            .api_key_env(var)
            .api_key("explicit")
            .build()
            .unwrap();
        assert_eq!(c.inner.authorization.as_ref().unwrap(), "Bearer explicit");
        let c = Client::builder("http://h")
            .api_key_env(var)
            .api_key("")
            .build()
            .unwrap();
        assert_eq!(c.inner.authorization.as_ref().unwrap(), "Bearer from-env");
        std::env::remove_var(var);
        let err = Client::builder("http://h")
            .api_key_env(var)
            .require_api_key()
            .build()
            .unwrap_err();
        assert!(err.to_string().contains(var), "{err}");
        let err = Client::builder("http://h")
            .require_api_key()
            .build()
            .unwrap_err();
        assert!(matches!(err, BuildError::MissingApiKey { env_var: None }));
        let err = Client::builder("http://h")
            .api_key("bad\nkey-hunter2")
            .build()
            .unwrap_err();
        assert!(matches!(err, BuildError::InvalidApiKey));
        assert!(!format!("{err} {err:?}").contains("hunter2"));
    }

    #[test]
    fn base_url_env_precedence() {
        // One variable per test: the tests of this process run in parallel.
        let var = "SDKGEN_RUNTIME_UNIT_TEST_BASE_URL_2C91";
        std::env::remove_var(var);
        let builder = || Client::builder("http://default/v1").base_url_env(var);
        let unset = builder().build().unwrap();
        assert_eq!(unset.base_url(), "http://default/v1");
        assert!(unset.inner.default_base_url);

        std::env::set_var(var, " http://from-env:8080/api/ \n");
        let from_env = builder().build().unwrap();
        assert_eq!(from_env.base_url(), "http://from-env:8080/api");
        // Chosen by the caller, so operations with their own server use it.
        assert!(!from_env.inner.default_base_url);
        let explicit = builder().base_url("http://explicit/").build().unwrap();
        assert_eq!(explicit.base_url(), "http://explicit");
        assert!(!explicit.inner.default_base_url);
        // The order of the builder calls does not matter.
        let explicit_first = Client::builder("http://default")
            .base_url("http://explicit")
            .base_url_env(var)
            .build()
            .unwrap();
        assert_eq!(explicit_first.base_url(), "http://explicit");
        // Without `base_url_env`, the variable is not read.
        let ignored = Client::builder("http://default").build().unwrap();
        assert_eq!(ignored.base_url(), "http://default");
        // An explicit invalid URL is reported as such, the variable aside.
        let err = builder().base_url("ftp://explicit").build().unwrap_err();
        assert!(
            matches!(err, BuildError::InvalidBaseUrl { env_var: None, .. }),
            "{err:?}"
        );

        for empty in ["", "   "] {
            std::env::set_var(var, empty);
            let c = builder().build().unwrap();
            assert_eq!(c.base_url(), "http://default/v1", "{empty:?}");
            assert!(c.inner.default_base_url);
        }
        std::env::remove_var(var);

        let dbg = format!("{:?}", builder());
        assert!(
            dbg.contains(&format!("base_url_env: Some({var:?})")),
            "{dbg}"
        );
        let dbg = format!("{from_env:?}");
        assert!(dbg.contains("http://from-env:8080/api"), "{dbg}");
    }

    #[test]
    fn base_url_env_invalid() {
        let var = "SDKGEN_RUNTIME_UNIT_TEST_BASE_URL_8E07";
        let build = || {
            Client::builder("http://default")
                .base_url_env(var)
                .api_key("sk-hunter2")
                .build()
        };
        for bad in ["ftp://h", "h/api", "https://h/?a=1"] {
            std::env::set_var(var, bad);
            let err = build().unwrap_err();
            match &err {
                BuildError::InvalidBaseUrl { url, env_var, .. } => {
                    assert_eq!(url, bad);
                    assert_eq!(*env_var, Some(var));
                }
                other => panic!("{bad}: {other:?}"),
            }
            let text = err.to_string();
            assert!(text.contains(var) && text.contains(bad), "{text}");
        }
        // Passwords stay out of the message, as for an explicit URL.
        std::env::set_var(var, "http://user:hunter2@h/?q=1");
        let err = build().unwrap_err();
        assert!(!format!("{err} {err:?}").contains("hunter2"), "{err:?}");
        assert!(err.to_string().contains(var), "{err}");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            std::env::set_var(var, std::ffi::OsStr::from_bytes(b"http://h\xff/"));
            let err = build().unwrap_err();
            assert!(
                matches!(
                    err,
                    BuildError::InvalidBaseUrl {
                        env_var: Some(v),
                        ..
                    } if v == var
                ),
                "{err:?}"
            );
            assert!(err.to_string().contains("UTF-8"), "{err}");
        }
        std::env::remove_var(var);
        assert_eq!(build().unwrap().base_url(), "http://default");
    }

    #[test]
    fn builder_settings() {
        let c = Client::builder("http://default")
            .base_url("http://other/x/")
            .timeout(Duration::from_secs(3))
            .retry(RetryPolicy::disabled())
            .max_response_bytes(10)
            .user_agent("me/1")
            .build()
            .unwrap();
        assert_eq!(c.base_url(), "http://other/x");
        assert_eq!(c.timeout(), Duration::from_secs(3));
        assert_eq!(c.retry_policy(), &RetryPolicy::disabled());
        assert_eq!(c.max_response_bytes(), 10);
        assert_eq!(c.inner.user_agent, "me/1");
        assert!(matches!(
            Client::builder("http://h").user_agent("a\nb").build(),
            Err(BuildError::InvalidUserAgent)
        ));
        let default = Client::builder("http://h").build().unwrap();
        assert_eq!(default.deadline(), None);
        let with_deadline = Client::builder("http://h")
            .deadline(Duration::from_secs(9))
            .on_request(|_| {})
            .on_response(|_| {})
            .on_response(|_| {})
            .build()
            .unwrap();
        assert_eq!(with_deadline.deadline(), Some(Duration::from_secs(9)));
        let dbg = format!("{with_deadline:?}");
        assert!(dbg.contains("on_request: 1, on_response: 2"), "{dbg}");
        assert_eq!(default.timeout(), DEFAULT_TIMEOUT);
        assert_eq!(default.inner.connect_timeout, Some(DEFAULT_CONNECT_TIMEOUT));
        assert!(default
            .inner
            .user_agent
            .to_str()
            .unwrap()
            .starts_with("sdkgen-runtime/"));
    }

    #[test]
    fn wrapper_client_type() {
        struct Wrapper(Client);
        impl From<Client> for Wrapper {
            fn from(c: Client) -> Self {
                Wrapper(c)
            }
        }
        let w: Wrapper = ClientBuilder::<Wrapper>::new("http://h").build().unwrap();
        assert_eq!(w.0.base_url(), "http://h");
        let again: Client = ClientBuilder::<Wrapper>::new("http://h2")
            .into_client_type::<Client>()
            .build()
            .unwrap();
        assert_eq!(again.base_url(), "http://h2");
    }

    #[test]
    fn body_buffer() {
        let mut b = BodyBuffer::default();
        b.push(Bytes::from_static(b"ab"));
        assert_eq!(b.finish(), "ab");
        let mut b = BodyBuffer::default();
        b.push(Bytes::from_static(b"ab"));
        b.push(Bytes::from_static(b"cd"));
        b.push(Bytes::from_static(b"e"));
        assert_eq!(b.len, 5);
        assert_eq!(b.finish(), "abcde");
        assert_eq!(BodyBuffer::default().finish(), "");
    }

    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn futures_are_send() {
        fn ok(_: u16, _: &[u8]) -> Option<Result<(), serde_json::Error>> {
            None
        }
        let client = Client::builder("http://h").build().unwrap();
        let request = Request::new(reqwest::Method::GET, "/", "/".into());
        let fut = client.send(request, Decoder::new(ok, ok));
        assert_send(&fut);
        fn assert_sync<T: Send + Sync>() {}
        assert_sync::<Client>();
        assert_sync::<Request>();
        assert_sync::<Error<()>>();
    }
}
