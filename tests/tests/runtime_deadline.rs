//! The deadline of a whole call (`CallOptions::deadline`,
//! `ClientBuilder::deadline`): it bounds all attempts and the waits between
//! them together, unlike the per-attempt timeout.

use std::time::{Duration, Instant};

use sdk_tests::{Reply, TestServer};
use sdkgen_runtime::{empty, CallOptions, Client, Decoder, Error, Method, Request, RetryPolicy};

fn no_content(status: u16, body: &[u8]) -> Option<Result<(), serde_json::Error>> {
    (status == 200).then(|| empty(body))
}

fn none(_: u16, _: &[u8]) -> Option<Result<(), serde_json::Error>> {
    None
}

const DEC: Decoder<(), ()> = Decoder::new(no_content, none);

fn get() -> Request {
    Request::new(Method::GET, "/health", "/health".into())
}

/// Retries practically without end, with short waits.
fn endless() -> RetryPolicy {
    RetryPolicy::new()
        .max_attempts(1_000)
        .base_delay(Duration::from_millis(20))
        .max_delay(Duration::from_millis(40))
}

fn assert_deadline(err: &Error<()>, deadline: Duration) -> u32 {
    match err {
        Error::DeadlineExceeded {
            request,
            deadline: d,
        } => {
            assert_eq!(*d, deadline);
            assert!(err.is_timeout());
            request.attempts()
        }
        other => panic!("not the deadline: {other:?}"),
    }
}

#[tokio::test]
async fn deadline_bounds_retries_of_a_server_that_never_recovers() {
    let server = TestServer::always(Reply::status(503)).await;
    let client = Client::builder(&server.url())
        .retry(endless())
        .build()
        .unwrap();
    let deadline = Duration::from_millis(300);
    let mut request = get();
    request.options(&CallOptions::new().deadline(deadline));
    let started = Instant::now();
    let err = client.send(request, DEC).await.unwrap_err();
    let took = started.elapsed();
    let attempts = assert_deadline(&err, deadline);
    assert!(took <= Duration::from_millis(600), "{took:?}");
    // A wait that would end after the deadline is not started, so the call
    // may end a little early, but not much earlier than one backoff cap.
    assert!(took >= Duration::from_millis(250), "{took:?}");
    assert!(attempts >= 3, "{attempts} attempts");
    assert_eq!(server.hits(), attempts as usize);
    assert!(err.to_string().contains("deadline"), "{err}");
}

#[tokio::test]
async fn client_deadline_and_call_override() {
    let server = TestServer::always(Reply::status(503)).await;
    let client = Client::builder(&server.url())
        .retry(endless())
        .deadline(Duration::from_millis(200))
        .build()
        .unwrap();
    assert_eq!(client.deadline(), Some(Duration::from_millis(200)));
    let started = Instant::now();
    let err = client.send(get(), DEC).await.unwrap_err();
    assert_deadline(&err, Duration::from_millis(200));
    assert!(started.elapsed() <= Duration::from_millis(500));

    let mut request = get();
    request.options(&CallOptions::new().deadline(Duration::from_millis(100)));
    let started = Instant::now();
    let err = client.send(request, DEC).await.unwrap_err();
    assert_deadline(&err, Duration::from_millis(100));
    assert!(started.elapsed() <= Duration::from_millis(400));
}

#[tokio::test]
async fn deadline_cuts_a_slow_attempt_short() {
    // The per-attempt timeout is long; the deadline ends the hanging attempt.
    let server = TestServer::always(Reply::hang()).await;
    let client = Client::builder(&server.url())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut request = get();
    request.options(&CallOptions::new().deadline(Duration::from_millis(150)));
    let started = Instant::now();
    let err = client.send(request, DEC).await.unwrap_err();
    assert_eq!(assert_deadline(&err, Duration::from_millis(150)), 1);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(140) && took <= Duration::from_millis(500),
        "{took:?}"
    );

    // The per-attempt timeout shorter than the deadline stays a `Timeout`.
    let mut request = get();
    request.options(
        &CallOptions::new()
            .timeout(Duration::from_millis(50))
            .deadline(Duration::from_secs(10)),
    );
    let err = client.send(request, DEC).await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout { after, .. } if after == Duration::from_millis(50)),
        "{err:?}"
    );
}

#[tokio::test]
async fn deadline_bounds_reading_the_body() {
    // Headers at once, then a body trickling in for far longer.
    let server =
        TestServer::always(Reply::text(200, &"x".repeat(64)).trickle(1, Duration::from_millis(20)))
            .await;
    let client = Client::builder(&server.url()).build().unwrap();
    let mut request = get();
    request.options(&CallOptions::new().deadline(Duration::from_millis(200)));
    let started = Instant::now();
    let err = client.send(request, DEC).await.unwrap_err();
    assert_deadline(&err, Duration::from_millis(200));
    assert!(started.elapsed() <= Duration::from_millis(600));
}

#[tokio::test]
async fn a_retry_after_past_the_deadline_is_not_waited_for() {
    let server = TestServer::always(Reply::status(503).header("retry-after", "5")).await;
    let client = Client::builder(&server.url())
        .retry(endless())
        .build()
        .unwrap();
    let mut request = get();
    request.options(&CallOptions::new().deadline(Duration::from_secs(2)));
    let started = Instant::now();
    let err = client.send(request, DEC).await.unwrap_err();
    assert_eq!(assert_deadline(&err, Duration::from_secs(2)), 1);
    assert!(started.elapsed() < Duration::from_millis(500));
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_call_within_its_deadline_succeeds() {
    let server = TestServer::sequence([Reply::status(503), Reply::status(503), Reply::ok()]).await;
    let client = Client::builder(&server.url())
        .retry(endless())
        .deadline(Duration::from_secs(5))
        .build()
        .unwrap();
    client.send(get(), DEC).await.unwrap();
    assert_eq!(server.hits(), 3);
}
