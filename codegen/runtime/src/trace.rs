//! Tracing of calls, behind the optional feature `tracing`.
//!
//! The transport loop reports what happens to a call through a [`CallSpan`]
//! whatever the features: with `tracing` on it is a `tracing` span, one per
//! call, plus events; with it off every method is an empty inline function
//! and the crate is not a dependency at all. The loop therefore carries no
//! `cfg` of its own.
//!
//! The span is named `sdkgen.call`, at level `INFO`, with the fields
//! `method`, `operation` (the path template, never the concrete path, so
//! that spans group by operation and identifiers stay out), `attempt` (the
//! number of the latest attempt), `status` (the latest status), `request_id`
//! (from the response headers the runtime knows, see
//! [`ResponseContext::request_id`](crate::ResponseContext::request_id)),
//! `retries`, `waited_ms` (the sum of the waits between attempts) and
//! `retry_cause` (the cause of the latest retry: `status`, `connect`,
//! `lost`, `timeout`). Each retry is a `DEBUG` event with its cause, status
//! and wait; giving up on a `Retry-After` that asks too much is an `INFO`
//! event, and so is a deadline that ends the call.
//!
//! Nothing recorded comes from the request's headers, its query string or
//! its body, so neither the API key nor any other secret of the caller can
//! reach a subscriber.

use std::future::Future;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use crate::retry::Attempt;

/// Why an attempt is retried, as the span and events name it.
pub(crate) fn retry_cause(attempt: &Attempt<'_>) -> &'static str {
    match attempt {
        Attempt::Answered(..) => "status",
        Attempt::ConnectFailed => "connect",
        Attempt::LostAfterSend => "lost",
        Attempt::TimedOut => "timeout",
        Attempt::OtherFailure => "transport",
    }
}

/// The span of one call (see the module documentation).
#[derive(Clone)]
pub(crate) struct CallSpan {
    #[cfg(feature = "tracing")]
    span: tracing::Span,
}

#[cfg(feature = "tracing")]
impl CallSpan {
    pub(crate) fn new(method: &Method, template: &'static str) -> Self {
        let span = tracing::info_span!(
            "sdkgen.call",
            method = %method,
            operation = template,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            retries = 0u32,
            waited_ms = 0u64,
            retry_cause = tracing::field::Empty,
        );
        CallSpan { span }
    }

    /// Runs the call's future inside the span.
    pub(crate) fn instrument<F: Future>(&self, future: F) -> impl Future<Output = F::Output> {
        tracing::Instrument::instrument(future, self.span.clone())
    }

    pub(crate) fn attempt(&self, attempt: u32) {
        self.span.record("attempt", attempt);
    }

    pub(crate) fn answered(&self, status: StatusCode, headers: &HeaderMap) {
        self.span.record("status", status.as_u16());
        if let Some(id) = crate::error::request_id(headers) {
            self.span.record("request_id", id);
        }
    }

    /// A retry after `wait`; `retries` and `waited` count all retries so far.
    pub(crate) fn retry(
        &self,
        cause: &'static str,
        status: Option<StatusCode>,
        attempt: u32,
        wait: Duration,
        retries: u32,
        waited: Duration,
    ) {
        self.span.record("retries", retries);
        self.span.record("waited_ms", millis(waited));
        self.span.record("retry_cause", cause);
        let wait_ms = millis(wait);
        match status {
            Some(status) => tracing::debug!(
                parent: &self.span,
                cause,
                status = status.as_u16(),
                attempt,
                wait_ms,
                "retrying the call"
            ),
            None => {
                tracing::debug!(parent: &self.span, cause, attempt, wait_ms, "retrying the call")
            }
        }
    }

    pub(crate) fn rate_limited(&self, status: StatusCode, retry_after: Duration) {
        tracing::info!(
            parent: &self.span,
            status = status.as_u16(),
            retry_after_ms = millis(retry_after),
            "rate limited: the server asks for a longer wait than the retry policy allows"
        );
    }

    pub(crate) fn deadline_exceeded(&self, deadline: Duration, attempts: u32) {
        tracing::info!(
            parent: &self.span,
            deadline_ms = millis(deadline),
            attempts,
            "the deadline of the call passed"
        );
    }
}

#[cfg(not(feature = "tracing"))]
impl CallSpan {
    #[inline]
    pub(crate) fn new(_method: &Method, _template: &'static str) -> Self {
        CallSpan {}
    }

    #[inline]
    pub(crate) fn instrument<F: Future>(&self, future: F) -> F {
        future
    }

    #[inline]
    pub(crate) fn attempt(&self, _attempt: u32) {}

    #[inline]
    pub(crate) fn answered(&self, _status: StatusCode, _headers: &HeaderMap) {}

    #[inline]
    pub(crate) fn retry(
        &self,
        _cause: &'static str,
        _status: Option<StatusCode>,
        _attempt: u32,
        _wait: Duration,
        _retries: u32,
        _waited: Duration,
    ) {
    }

    #[inline]
    pub(crate) fn rate_limited(&self, _status: StatusCode, _retry_after: Duration) {}

    #[inline]
    pub(crate) fn deadline_exceeded(&self, _deadline: Duration, _attempts: u32) {}
}

/// Whole milliseconds, saturating.
#[cfg(feature = "tracing")]
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
