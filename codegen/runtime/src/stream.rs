//! Bodies read as they arrive: downloads as a [`ByteStream`] of chunks, and (with the `sse`
//! module) server-sent events.
//!
//! A streamed call is sent, retried and timed like any other until the response's head
//! arrives; a success is then handed over with its body unread, an error is read and decoded as
//! usual. Reading the body has no timeout of its own (a download may take as long as it takes):
//! wrap the stream in `tokio::time::timeout` to bound it. The download limit
//! ([`ClientBuilder::max_download_bytes`](crate::ClientBuilder::max_download_bytes)) still
//! applies, counted as the chunks arrive.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::client::{decode_error, Answer, BodyBuffer, Client, DecodeFn, OpenResponse};
use crate::error::Error;
use crate::request::Request;

/// Why reading a streamed body stopped early.
#[derive(Debug)]
pub struct StreamError {
    message: String,
    source: Option<reqwest::Error>,
}

impl StreamError {
    pub(crate) fn new(message: impl Into<String>, source: Option<reqwest::Error>) -> Self {
        StreamError {
            message: message.into(),
            source: source.map(reqwest::Error::without_url),
        }
    }

    /// Whether the body was longer than the download limit.
    pub fn is_too_large(&self) -> bool {
        self.source.is_none()
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

type Chunk = (reqwest::Response, reqwest::Result<Option<Bytes>>);

/// The body of a successful response, chunk by chunk as it arrives (a `Stream` of
/// `Result<Bytes, StreamError>`). Dropping it closes the connection.
pub struct ByteStream {
    status: StatusCode,
    headers: HeaderMap,
    response: Option<reqwest::Response>,
    reading: Option<Pin<Box<dyn Future<Output = Chunk> + Send>>>,
    seen: usize,
    pub(crate) limit: usize,
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("status", &self.status)
            .field("read", &self.seen)
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

impl ByteStream {
    pub(crate) fn new(open: OpenResponse) -> Self {
        ByteStream {
            status: open.status,
            headers: open.headers,
            response: Some(open.response),
            reading: None,
            seen: 0,
            limit: open.limit,
        }
    }

    /// A stream of a body with no limit of its own (an event stream, whose parser bounds what
    /// it holds).
    pub(crate) fn unbounded(open: OpenResponse) -> Self {
        ByteStream {
            limit: usize::MAX,
            ..ByteStream::new(open)
        }
    }

    /// The response's status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response's headers (`Content-Type`, `Content-Length`, `Content-Disposition`…).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The next chunk, `None` at the end of the body.
    pub async fn chunk(&mut self) -> Option<Result<Bytes, StreamError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Reads the rest of the body into one buffer (the download limit applies).
    pub async fn bytes(mut self) -> Result<Bytes, StreamError> {
        let mut buffer = BodyBuffer::default();
        while let Some(chunk) = self.chunk().await {
            buffer.push(chunk?);
        }
        Ok(buffer.finish())
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, StreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.reading.is_none() {
            let Some(mut response) = this.response.take() else {
                return Poll::Ready(None);
            };
            this.reading = Some(Box::pin(async move {
                let chunk = response.chunk().await;
                (response, chunk)
            }));
        }
        let Some(reading) = this.reading.as_mut() else {
            return Poll::Ready(None);
        };
        let (response, chunk) = match reading.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(done) => done,
        };
        this.reading = None;
        match chunk {
            Ok(Some(bytes)) => {
                this.seen = this.seen.saturating_add(bytes.len());
                if this.seen > this.limit {
                    return Poll::Ready(Some(Err(StreamError::new(
                        format!(
                            "the body is larger than the download limit of {} bytes",
                            this.limit
                        ),
                        None,
                    ))));
                }
                this.response = Some(response);
                Poll::Ready(Some(Ok(bytes)))
            }
            Ok(None) => Poll::Ready(None),
            Err(error) => Poll::Ready(Some(Err(StreamError::new(
                format!("reading the body failed after {} bytes: {error}", this.seen),
                Some(error),
            )))),
        }
    }
}

impl Client {
    /// Sends `request` like [`send`](Self::send) and hands over a successful response with its
    /// body unread, as a [`ByteStream`]; any other response is decoded with `error` (the
    /// operation's documented errors) as usual.
    pub async fn send_stream<E>(
        &self,
        request: Request,
        error: DecodeFn<E>,
    ) -> Result<ByteStream, Error<E>> {
        self.open(request, error).await.map(ByteStream::new)
    }

    /// The transport loop, a success left unread.
    pub(crate) async fn open<E>(
        &self,
        request: Request,
        error: DecodeFn<E>,
    ) -> Result<OpenResponse, Error<E>> {
        match self.run(request, true).await {
            Ok(Answer::Open(open)) => Ok(open),
            // Only a success is left unread: an answer read here is an error.
            Ok(Answer::Read(raw)) => Err(decode_error(raw, error)),
            Err(failure) => Err(failure.into()),
        }
    }
}
