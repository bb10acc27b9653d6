//! Server-sent events (`text/event-stream`) as a `Stream` of typed events, reconnecting as the
//! standard says.
//!
//! An operation whose success is an event stream opens it when awaited: the request is sent,
//! retried and timed like any other until the response's head arrives, and an error status is
//! decoded as usual. The [`EventStream`] then yields each event with its data decoded (as JSON
//! into the spec's type, or as text).
//!
//! **Reconnecting.** When the connection drops or the server ends the body, the stream
//! reconnects, as a browser's `EventSource` does: after the reconnection time (the server's last
//! `retry` field, else 3 s) it sends the request again with `Last-Event-ID` set to the last
//! event id seen, so that a server that keeps ids resumes after it. A `204 No Content` answer
//! ends the stream, as does an error status (yielded as [`EventError::Request`]). At most
//! [`max_reconnects`](EventStream::max_reconnects) reconnections in a row may bring no event
//! (default 3; `0` never reconnects); dropping the stream stops it.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use reqwest::StatusCode;

use crate::client::{Client, DecodeFn, OpenResponse};
use crate::error::Error;
use crate::request::Request;
use crate::sse::{SseError, SseEvent, SseParser};
use crate::stream::{ByteStream, StreamError};

/// How many reconnections in a row may bring no event before the stream ends.
pub const DEFAULT_MAX_RECONNECTS: u32 = 3;

/// One event, its data decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<T> {
    /// The event type (`message` unless the server named another).
    pub event: String,
    /// The last event id when it was dispatched, if the server sets ids.
    pub id: Option<String>,
    /// The data, decoded.
    pub data: T,
}

/// Why an [`EventStream`] yielded an error instead of an event.
#[derive(Debug)]
pub enum EventError<E> {
    /// Reconnecting failed with this error (the stream ends).
    Request(Error<E>),
    /// Reading the body failed and no reconnection was left (the stream ends).
    Read(StreamError),
    /// The stream broke a limit of the parser (the stream ends).
    Parse(SseError),
    /// An event's data did not decode (the stream goes on).
    Decode {
        /// The decoding error.
        source: serde_json::Error,
        /// The event, undecoded.
        event: SseEvent,
    },
}

impl<E: fmt::Debug> fmt::Display for EventError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventError::Request(e) => write!(f, "reconnecting to the event stream failed: {e}"),
            EventError::Read(e) => write!(f, "the event stream broke: {e}"),
            EventError::Parse(e) => write!(f, "the event stream is malformed: {e}"),
            EventError::Decode { source, event } => write!(
                f,
                "an event `{}` does not decode: {source}",
                event.event
            ),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for EventError<E> {}

/// Decodes an event's data: JSON into a type ([`json_event`]), or text ([`text_event`]).
pub type EventDecodeFn<T> = fn(&str) -> Result<T, serde_json::Error>;

/// An event's data as JSON.
pub fn json_event<T: serde::de::DeserializeOwned>(data: &str) -> Result<T, serde_json::Error> {
    serde_json::from_str(data)
}

/// An event's data as text.
pub fn text_event(data: &str) -> Result<String, serde_json::Error> {
    Ok(data.to_owned())
}

type Reconnect<E> = Pin<Box<dyn Future<Output = Result<OpenResponse, Error<E>>> + Send>>;

/// The events of a `text/event-stream` response (a `Stream` of
/// `Result<Event<T>, EventError<E>>`; see the [module docs](self) for reconnection).
pub struct EventStream<T, E> {
    client: Client,
    request: Request,
    error: DecodeFn<E>,
    decode: EventDecodeFn<T>,
    parser: SseParser,
    body: Option<ByteStream>,
    pending: VecDeque<SseEvent>,
    reconnecting: Option<Reconnect<E>>,
    /// Reconnections in a row that brought no event.
    fruitless: u32,
    max_reconnects: u32,
    reconnections: u32,
    done: bool,
}

impl<T, E> fmt::Debug for EventStream<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("request", &self.request)
            .field("last_event_id", &self.parser.last_event_id())
            .field("reconnections", &self.reconnections)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<T, E: Send + 'static> EventStream<T, E> {
    /// How many reconnections in a row may bring no event before the stream ends (default
    /// [`DEFAULT_MAX_RECONNECTS`]; `0`: never reconnect).
    pub fn max_reconnects(mut self, n: u32) -> Self {
        self.max_reconnects = n;
        self
    }

    /// The last event id seen (sent as `Last-Event-ID` when reconnecting).
    pub fn last_event_id(&self) -> Option<&str> {
        self.parser.last_event_id()
    }

    /// How many times the stream reconnected.
    pub fn reconnections(&self) -> u32 {
        self.reconnections
    }

    /// The next event, `None` when the stream ended.
    pub async fn next_event(&mut self) -> Option<Result<Event<T>, EventError<E>>>
    where
        T: Unpin,
    {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Starts a reconnection, or ends the stream when none is left.
    fn reconnect(&mut self) -> bool {
        if self.fruitless >= self.max_reconnects {
            self.done = true;
            return false;
        }
        self.fruitless += 1;
        self.reconnections += 1;
        let mut request = self.request.clone();
        if let Some(id) = self.parser.last_event_id() {
            request.header("Last-Event-ID", id);
        }
        let wait = self.parser.reconnection_time();
        let (client, error) = (self.client.clone(), self.error);
        self.reconnecting = Some(Box::pin(async move {
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            let open = client.open(request, error).await?;
            client.check_event_stream(open).await
        }));
        true
    }
}

impl<T: Unpin, E: Send + 'static> Stream for EventStream<T, E> {
    type Item = Result<Event<T>, EventError<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(event) = this.pending.pop_front() {
                return Poll::Ready(Some(match (this.decode)(&event.data) {
                    Ok(data) => Ok(Event {
                        event: event.event,
                        id: event.id,
                        data,
                    }),
                    Err(source) => Err(EventError::Decode { source, event }),
                }));
            }
            if this.done {
                return Poll::Ready(None);
            }
            if let Some(reconnecting) = this.reconnecting.as_mut() {
                match reconnecting.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(open)) => {
                        this.reconnecting = None;
                        if open.status == StatusCode::NO_CONTENT {
                            this.done = true;
                            return Poll::Ready(None);
                        }
                        this.body = Some(ByteStream::unbounded(open));
                    }
                    Poll::Ready(Err(error)) => {
                        this.reconnecting = None;
                        this.done = true;
                        return Poll::Ready(Some(Err(EventError::Request(error))));
                    }
                }
            }
            let Some(body) = this.body.as_mut() else {
                if !this.reconnect() {
                    return Poll::Ready(None);
                }
                continue;
            };
            match Pin::new(body).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => match this.parser.feed(&chunk) {
                    Ok(events) => {
                        if !events.is_empty() {
                            this.fruitless = 0;
                        }
                        this.pending.extend(events);
                    }
                    Err(error) => {
                        this.body = None;
                        this.done = true;
                        return Poll::Ready(Some(Err(EventError::Parse(error))));
                    }
                },
                Poll::Ready(Some(Err(error))) => {
                    this.body = None;
                    this.parser.finish();
                    if !this.reconnect() {
                        return Poll::Ready(Some(Err(EventError::Read(error))));
                    }
                }
                Poll::Ready(None) => {
                    this.body = None;
                    this.parser.finish();
                    if !this.reconnect() {
                        return Poll::Ready(None);
                    }
                }
            }
        }
    }
}

impl Client {
    /// `open` if it is an event stream (or a `204`); otherwise the error it stands for: a
    /// success of another media type is an [`Error::Decode`] holding what of its body the
    /// JSON limit lets through.
    async fn check_event_stream<E>(&self, open: OpenResponse) -> Result<OpenResponse, Error<E>> {
        let media = open
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let essence = media.split(';').next().unwrap_or("").trim();
        if open.status == StatusCode::NO_CONTENT || essence.eq_ignore_ascii_case("text/event-stream") {
            return Ok(open);
        }
        let message = format!(
            "the response is not an event stream (content type `{media}`)"
        );
        let (context, status, headers) = (open.context.clone(), open.status, open.headers.clone());
        let mut stream = ByteStream::new(open);
        stream.limit = self.max_response_bytes();
        let body = stream.bytes().await.unwrap_or_default();
        Err(Error::Decode {
            source: <serde_json::Error as serde::de::Error>::custom(message),
            response: Box::new(crate::error::ResponseContext::new(
                context, status, headers, body, false,
            )),
        })
    }

    /// Sends `request` and opens the event stream of a successful response (see the
    /// [module docs](crate::events)); any other response is decoded with `error` as usual.
    /// A `204 No Content` answer is an empty stream.
    pub async fn events<T, E: Send + 'static>(
        &self,
        request: Request,
        error: DecodeFn<E>,
        decode: EventDecodeFn<T>,
    ) -> Result<EventStream<T, E>, Error<E>> {
        let mut request = request;
        request.header("Accept", "text/event-stream");
        let open = self.open(request.clone(), error).await?;
        let open = self.check_event_stream(open).await?;
        let done = open.status == StatusCode::NO_CONTENT;
        Ok(EventStream {
            client: self.clone(),
            request,
            error,
            decode,
            parser: SseParser::new(),
            body: (!done).then(|| ByteStream::unbounded(open)),
            pending: VecDeque::new(),
            reconnecting: None,
            fruitless: 0,
            max_reconnects: DEFAULT_MAX_RECONNECTS,
            reconnections: 0,
            done,
        })
    }
}
