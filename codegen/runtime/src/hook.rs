//! Client-level hooks: code of the caller's that sees every attempt of
//! every call, for metrics, logging or request signing.
//!
//! A hook is a plain closure registered on the
//! [`ClientBuilder`](crate::ClientBuilder): [`on_request`] hooks run just
//! before an attempt is handed to the HTTP client, [`on_response`] hooks as
//! soon as the attempt has ended (a response's status and headers arrived,
//! or it failed or timed out), before the body is read and before the retry
//! decision. A call with three attempts runs each hook three times.
//!
//! Hooks see only what is safe to log: the method, the path template, the
//! concrete path without its query string, the attempt number, the names of
//! the request headers (never their values) and the request body. The API
//! key is added after the request hooks have run, so they never see it,
//! not even its header name; the query string stays out because query
//! parameters may carry secrets too. Response hooks see the response
//! headers in full: they are the server's, and carry the request id.
//!
//! A request hook may add headers (a signature over the body, a trace id);
//! their values are marked sensitive. When the client has an API key, its
//! `Authorization` header is set after the hooks and wins over one a hook
//! set.
//!
//! Hooks run inline on the task of the call, so they should be quick; they
//! are `Fn + Send + Sync + 'static` because a client is shared between
//! tasks. A panicking hook panics the call.
//!
//! [`on_request`]: crate::ClientBuilder::on_request
//! [`on_response`]: crate::ClientBuilder::on_response

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};

use crate::error::RequestContext;

pub(crate) type RequestHook = dyn Fn(&mut RequestInfo<'_>) + Send + Sync + 'static;
pub(crate) type ResponseHook = dyn Fn(&ResponseInfo<'_>) + Send + Sync + 'static;

/// The hooks of a client, in the order they were registered.
#[derive(Clone, Default)]
pub(crate) struct Hooks {
    pub(crate) request: Vec<Arc<RequestHook>>,
    pub(crate) response: Vec<Arc<ResponseHook>>,
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hooks")
            .field("on_request", &self.request.len())
            .field("on_response", &self.response.len())
            .finish()
    }
}

/// One outgoing attempt, as an [`on_request`](crate::ClientBuilder::on_request)
/// hook sees it.
///
/// Its `Debug` output shows the header names, never their values.
pub struct RequestInfo<'a> {
    pub(crate) context: &'a RequestContext,
    pub(crate) headers: &'a mut HeaderMap,
    pub(crate) body: Option<&'a Bytes>,
}

impl RequestInfo<'_> {
    /// The HTTP method.
    pub fn method(&self) -> &Method {
        self.context.method()
    }

    /// The path template of the specification, e.g. `/instances/{id}/`: the
    /// name of the operation, for metrics.
    pub fn template(&self) -> &'static str {
        self.context.template()
    }

    /// The concrete path, without the base URL's path and without the query
    /// string.
    pub fn path(&self) -> &str {
        self.context.path()
    }

    /// Which attempt of the call this is, from 1.
    pub fn attempt(&self) -> u32 {
        self.context.attempts()
    }

    /// The names of the headers sent so far (header parameters, per-call
    /// headers, `Accept`, `User-Agent`, those added by earlier hooks); never
    /// `Authorization`, which is added last.
    pub fn header_names(&self) -> impl Iterator<Item = &HeaderName> {
        self.headers.keys()
    }

    /// The request body, if there is one.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.map(|body| &body[..])
    }

    /// Sets a header of this attempt, replacing any of the same name. The
    /// value is marked sensitive. An `Authorization` set here is sent only
    /// when the client has no API key of its own.
    pub fn insert_header(&mut self, name: HeaderName, mut value: HeaderValue) {
        value.set_sensitive(true);
        self.headers.insert(name, value);
    }
}

impl fmt::Debug for RequestInfo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestInfo")
            .field("method", self.method())
            .field("template", &self.template())
            .field("path", &self.path())
            .field("attempt", &self.attempt())
            .field("header_names", &self.headers.keys().collect::<Vec<_>>())
            .field("body_len", &self.body.map(Bytes::len))
            .finish()
    }
}

/// How one attempt ended, as an
/// [`on_response`](crate::ClientBuilder::on_response) hook sees it.
pub struct ResponseInfo<'a> {
    pub(crate) context: &'a RequestContext,
    pub(crate) outcome: AttemptOutcome<'a>,
    pub(crate) elapsed: Duration,
}

/// What an attempt brought back, borrowed for a hook.
pub(crate) enum AttemptOutcome<'a> {
    Answered(StatusCode, &'a HeaderMap),
    TimedOut,
    Failed(&'a reqwest::Error),
}

impl ResponseInfo<'_> {
    /// The HTTP method.
    pub fn method(&self) -> &Method {
        self.context.method()
    }

    /// The path template of the specification.
    pub fn template(&self) -> &'static str {
        self.context.template()
    }

    /// The concrete path, without the query string.
    pub fn path(&self) -> &str {
        self.context.path()
    }

    /// Which attempt of the call this was, from 1.
    pub fn attempt(&self) -> u32 {
        self.context.attempts()
    }

    /// The status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self.outcome {
            AttemptOutcome::Answered(status, _) => Some(status),
            _ => None,
        }
    }

    /// The response headers, when a response arrived.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self.outcome {
            AttemptOutcome::Answered(_, headers) => Some(headers),
            _ => None,
        }
    }

    /// The server's request id (see
    /// [`ResponseContext::request_id`](crate::ResponseContext::request_id)).
    pub fn request_id(&self) -> Option<&str> {
        self.headers().and_then(crate::error::request_id)
    }

    /// Whether the attempt ended because its timeout, or the deadline of the
    /// call, passed before a response arrived.
    pub fn timed_out(&self) -> bool {
        matches!(self.outcome, AttemptOutcome::TimedOut)
    }

    /// The transport error, when the attempt failed without a response (its
    /// URL removed).
    pub fn error(&self) -> Option<&reqwest::Error> {
        match self.outcome {
            AttemptOutcome::Failed(error) => Some(error),
            _ => None,
        }
    }

    /// The time from handing the attempt to the HTTP client to its end (the
    /// response's headers, not its body).
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}

impl fmt::Debug for ResponseInfo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseInfo")
            .field("method", self.method())
            .field("template", &self.template())
            .field("path", &self.path())
            .field("attempt", &self.attempt())
            .field("status", &self.status())
            .field("timed_out", &self.timed_out())
            .field("error", &self.error())
            .field("elapsed", &self.elapsed)
            .finish()
    }
}
