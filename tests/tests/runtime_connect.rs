//! Connects that cannot complete: how a connect timeout is retried and
//! reported, and how it differs from the total timeout of an attempt.
//!
//! The stalled connect stays on `127.0.0.1`: a listener with a backlog of 0
//! that never accepts holds one completed connection in its accept queue,
//! after which Linux drops every further SYN, so a connect hangs until the
//! client gives up. Other systems may refuse such connects instead, hence
//! the file is for Linux only.
#![cfg(target_os = "linux")]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use sdk_tests::fast_retry;
use sdkgen_runtime::{json, reqwest, Client, Decoder, Error, Method, Request, RetryPolicy};
use serde::Deserialize;
use tokio::net::{TcpListener, TcpSocket, TcpStream};

#[derive(Debug, Deserialize)]
struct Nothing {}

fn ok_200(status: u16, body: &[u8]) -> Option<Result<Nothing, serde_json::Error>> {
    (status == 200).then(|| json(body))
}

fn no_error(_status: u16, _body: &[u8]) -> Option<Result<(), serde_json::Error>> {
    None
}

const DEC: Decoder<Nothing, ()> = Decoder::new(ok_200, no_error);

const CONNECT_TIMEOUT: Duration = Duration::from_millis(300);

/// Scheduling slack allowed on top of the expected duration of a call.
const SLACK: Duration = Duration::from_millis(700);

fn req(method: Method) -> Request {
    Request::new(method, "/jobs", "/jobs".into())
}

/// A listener on `127.0.0.1` whose accept queue is full, so that connecting
/// to it hangs. Keep the returned value alive for as long as the stall is
/// needed: it holds the listener and the connections that fill its queue.
struct Stalled {
    addr: SocketAddr,
    _listener: TcpListener,
    _queued: Vec<TcpStream>,
}

impl Stalled {
    async fn new() -> Stalled {
        let socket = TcpSocket::new_v4().expect("a TCP socket");
        socket
            .bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .expect("bind a loopback port");
        let listener = socket.listen(0).expect("listen");
        let addr = listener.local_addr().expect("local address");
        // Connect until a connect no longer completes: the queue holds one
        // connection with a backlog of 0, a few more must not be needed.
        let mut queued = Vec::new();
        for _ in 0..16 {
            let probe = TcpStream::connect(addr);
            match tokio::time::timeout(Duration::from_millis(200), probe).await {
                Ok(Ok(stream)) => queued.push(stream),
                Ok(Err(error)) => panic!("connecting to the stalled listener failed: {error}"),
                Err(_elapsed) => {
                    return Stalled {
                        addr,
                        _listener: listener,
                        _queued: queued,
                    }
                }
            }
        }
        panic!("the accept queue of {addr} did not fill up after 16 connections");
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Checks that `err` reports a connect that timed out after `attempts`
/// attempts, with reqwest's error kept.
fn assert_connect_timeout(err: &Error<()>, method: &Method, attempts: u32) {
    let Error::Transport { request, source } = err else {
        panic!("not a transport error: {err:?}");
    };
    assert!(source.is_connect() && source.is_timeout(), "{source:?}");
    assert_eq!(request.attempts(), attempts, "{err}");
    assert_eq!(request.method(), method);
    assert!(err.is_transport() && err.is_timeout(), "{err:?}");
    assert!(std::error::Error::source(err).is_some());
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("{method} /jobs: connect timed out: ")),
        "{text}"
    );
    assert!(text.ends_with(&format!("(attempt {attempts})")), "{text}");
    // Not the total timeout, which never expired.
    assert!(!text.contains("60s"), "{text}");
}

fn assert_took(elapsed: Duration, expected: Duration) {
    assert!(
        elapsed >= expected && elapsed < expected + SLACK,
        "{elapsed:?}, expected {expected:?}"
    );
}

#[tokio::test]
async fn connect_timeout_is_a_transport_error() {
    let stalled = Stalled::new().await;
    let client = Client::builder(&stalled.url())
        .connect_timeout(CONNECT_TIMEOUT)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.send(req(Method::GET), DEC).await.unwrap_err();
    assert_took(started.elapsed(), CONNECT_TIMEOUT);
    assert_connect_timeout(&err, &Method::GET, 1);
}

#[tokio::test]
async fn connect_timeout_is_retried_for_every_method() {
    let stalled = Stalled::new().await;
    // No `retry_timeouts`: a connect timeout is a connect failure.
    let client = Client::builder(&stalled.url())
        .connect_timeout(CONNECT_TIMEOUT)
        .retry(fast_retry().max_attempts(3))
        .build()
        .unwrap();
    for method in [Method::GET, Method::POST, Method::PATCH] {
        let started = Instant::now();
        let err = client.send(req(method.clone()), DEC).await.unwrap_err();
        // Three connect timeouts, and two backoffs of at most 10 ms.
        assert_took(started.elapsed(), CONNECT_TIMEOUT * 3);
        assert_connect_timeout(&err, &method, 3);
    }
}

#[tokio::test]
async fn connect_timeout_of_a_caller_supplied_client() {
    let stalled = Stalled::new().await;
    let http = reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .build()
        .unwrap();
    let client = Client::builder(&stalled.url())
        .http_client(http)
        .retry(fast_retry().max_attempts(2))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.send(req(Method::POST), DEC).await.unwrap_err();
    assert_took(started.elapsed(), CONNECT_TIMEOUT * 2);
    assert_connect_timeout(&err, &Method::POST, 2);
}

#[tokio::test]
async fn total_timeout_expiring_while_connecting_is_a_timeout() {
    let stalled = Stalled::new().await;
    let total = Duration::from_millis(200);
    // The total timeout of the attempt is the shorter one: the runtime's
    // own deadline expires, a real timeout, not retried by default.
    let client = Client::builder(&stalled.url())
        .connect_timeout(Duration::from_secs(5))
        .timeout(total)
        .retry(fast_retry())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.send(req(Method::GET), DEC).await.unwrap_err();
    assert_took(started.elapsed(), total);
    match &err {
        Error::Timeout { request, after } => {
            assert_eq!(*after, total);
            assert_eq!(request.attempts(), 1);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_timeout() && !err.is_transport());
    assert_eq!(
        err.to_string(),
        "GET /jobs: timed out after 200ms (attempt 1)"
    );
}
