//! Retry rules: which statuses and failures are retried, for which methods,
//! how often, and how `Retry-After` is honoured.

use std::time::{Duration, Instant, SystemTime};

use sdk_tests::{fast_retry, unused_local_url, Reply, TestServer};
use sdkgen_runtime::{json, CallOptions, Client, Decoder, Error, Method, Request, RetryPolicy};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize, PartialEq)]
struct Ok1 {
    ok: bool,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Throttled {
    message: String,
}

fn ok_200(status: u16, body: &[u8]) -> Option<Result<Ok1, serde_json::Error>> {
    (status == 200).then(|| json(body))
}

fn err_429(status: u16, body: &[u8]) -> Option<Result<Throttled, serde_json::Error>> {
    (status == 429).then(|| json(body))
}

const DEC: Decoder<Ok1, Throttled> = Decoder::new(ok_200, err_429);

fn ok() -> Reply {
    Reply::json(200, json!({"ok": true}))
}

fn throttled() -> Reply {
    Reply::json(429, json!({"message": "slow down"}))
}

fn client_with(server: &TestServer, policy: RetryPolicy) -> Client {
    Client::builder(&server.url())
        .retry(policy)
        .build()
        .unwrap()
}

fn req(method: Method) -> Request {
    let mut r = Request::new(method, "/jobs", "/jobs".into());
    r.json_body(&json!({"n": 1}));
    r
}

#[tokio::test]
async fn status_429_is_retried_for_post() {
    let server = TestServer::sequence([throttled(), throttled(), ok()]).await;
    let client = client_with(&server, fast_retry());
    let value = client.send(req(Method::POST), DEC).await.unwrap();
    assert_eq!(value, Ok1 { ok: true });
    assert_eq!(server.hits(), 3);
    for r in server.requests() {
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.body_json(),
            json!({"n": 1}),
            "body resent on every attempt"
        );
    }
}

#[tokio::test]
async fn status_503_is_retried_for_get_not_for_post() {
    let server = TestServer::sequence([Reply::status(503), ok()]).await;
    client_with(&server, fast_retry())
        .send(req(Method::GET), DEC)
        .await
        .unwrap();
    assert_eq!(server.hits(), 2);

    let server = TestServer::sequence([Reply::status(503), ok()]).await;
    let err = client_with(&server, fast_retry())
        .send(req(Method::POST), DEC)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnexpectedStatus { .. }), "{err:?}");
    assert_eq!(err.status().unwrap().as_u16(), 503);
    assert_eq!(err.request().attempts(), 1);
    assert_eq!(server.hits(), 1);

    let server = TestServer::sequence([Reply::status(503), Reply::status(502), ok()]).await;
    client_with(&server, fast_retry().retry_non_idempotent(true))
        .send(req(Method::PATCH), DEC)
        .await
        .unwrap();
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn gateway_errors_retried_for_idempotent_methods() {
    for method in [
        Method::GET,
        Method::PUT,
        Method::DELETE,
        Method::HEAD,
        Method::OPTIONS,
    ] {
        let server = TestServer::sequence([Reply::status(502), Reply::status(504), ok()]).await;
        let result = client_with(&server, fast_retry())
            .send(req(method.clone()), DEC)
            .await;
        if method != Method::HEAD {
            result.unwrap();
        }
        assert_eq!(server.hits(), 3, "{method}");
    }
}

#[tokio::test]
async fn status_500_is_not_retried() {
    let server = TestServer::always(Reply::status(500)).await;
    let err = client_with(&server, fast_retry())
        .send(req(Method::GET), DEC)
        .await
        .unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 500);
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn attempts_are_counted_and_last_response_decoded() {
    let server = TestServer::always(Reply::status(503).body("down")).await;
    let err = client_with(&server, fast_retry().max_attempts(4))
        .send(req(Method::GET), DEC)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnexpectedStatus { .. }), "{err:?}");
    assert_eq!(err.request().attempts(), 4);
    assert_eq!(err.body(), Some(&b"down"[..]));
    assert_eq!(server.hits(), 4);

    // A documented 429 that outlives the retries becomes a typed Api error.
    let server = TestServer::always(throttled()).await;
    let err = client_with(&server, fast_retry())
        .send(req(Method::POST), DEC)
        .await
        .unwrap_err();
    assert_eq!(
        err.api_error(),
        Some(&Throttled {
            message: "slow down".into()
        })
    );
    assert!(err.is_rate_limited());
    assert_eq!(err.request().attempts(), 3);
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn disabled_policy_makes_one_attempt() {
    let server = TestServer::always(throttled()).await;
    let err = client_with(&server, RetryPolicy::disabled())
        .send(req(Method::GET), DEC)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api { .. }));
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let server = TestServer::sequence([throttled().header("retry-after", "1"), ok()]).await;
    let started = Instant::now();
    client_with(&server, fast_retry())
        .send(req(Method::GET), DEC)
        .await
        .unwrap();
    let gap = server.request(1).received_at - server.request(0).received_at;
    assert!(gap >= Duration::from_millis(950), "{gap:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn retry_after_http_date_is_honoured() {
    let at = SystemTime::now() + Duration::from_secs(2);
    let server = TestServer::sequence([
        Reply::status(503).header("retry-after", httpdate::fmt_http_date(at)),
        ok(),
    ])
    .await;
    client_with(&server, fast_retry())
        .send(req(Method::GET), DEC)
        .await
        .unwrap();
    let gap = server.request(1).received_at - server.request(0).received_at;
    // The date has one-second resolution: the wait is between 1 and 2 s.
    assert!(gap >= Duration::from_millis(900), "{gap:?}");
    assert!(gap < Duration::from_secs(3), "{gap:?}");
}

#[tokio::test]
async fn retry_after_zero_or_past_date_retries_at_once() {
    let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(60));
    let server = TestServer::sequence([
        throttled().header("retry-after", "0"),
        throttled().header("retry-after", past),
        ok(),
    ])
    .await;
    // A huge backoff base proves that Retry-After replaces the backoff.
    let policy = RetryPolicy::new()
        .base_delay(Duration::from_secs(30))
        .max_delay(Duration::from_secs(30));
    let started = Instant::now();
    client_with(&server, policy)
        .send(req(Method::GET), DEC)
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn retry_after_beyond_cap_fails_at_once() {
    let server = TestServer::always(throttled().header("retry-after", "3600")).await;
    let started = Instant::now();
    let err = client_with(
        &server,
        fast_retry().max_retry_after(Duration::from_secs(60)),
    )
    .send(req(Method::POST), DEC)
    .await
    .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    match &err {
        Error::RateLimited {
            retry_after,
            response,
        } => {
            assert_eq!(*retry_after, Duration::from_secs(3600));
            assert_eq!(response.status().as_u16(), 429);
            assert_eq!(response.body_text(), r#"{"message":"slow down"}"#);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(err.request().attempts(), 1);
    assert!(err.to_string().contains("3600"), "{err}");
    assert_eq!(server.hits(), 1);

    // The same for a 503 of an idempotent call.
    let server = TestServer::always(Reply::status(503).header("retry-after", "120")).await;
    let err = client_with(&server, fast_retry())
        .send(req(Method::GET), DEC)
        .await
        .unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    assert!(matches!(err, Error::RateLimited { .. }));
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn connection_refused_is_retried_for_every_method() {
    for method in [Method::GET, Method::POST] {
        let client = Client::builder(&unused_local_url())
            .retry(fast_retry().max_attempts(3))
            .build()
            .unwrap();
        let started = Instant::now();
        let err = client.send(req(method.clone()), DEC).await.unwrap_err();
        assert!(matches!(err, Error::Transport { .. }), "{err:?}");
        assert!(err.is_transport());
        assert_eq!(err.request().attempts(), 3, "{method}");
        assert!(started.elapsed() < Duration::from_secs(2));
        assert!(std::error::Error::source(&err).is_some());
    }
}

#[tokio::test]
async fn connection_closed_without_response() {
    // Idempotent: retried on a new connection.
    let server =
        TestServer::sequence([Reply::close_connection(), Reply::reset_connection(), ok()]).await;
    client_with(&server, fast_retry())
        .send(req(Method::GET), DEC)
        .await
        .unwrap();
    assert_eq!(server.hits(), 3);

    // Not idempotent: the server may have acted, so no retry.
    let server = TestServer::sequence([Reply::close_connection(), ok()]).await;
    let err = client_with(&server, fast_retry())
        .send(req(Method::POST), DEC)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(server.hits(), 1);

    // Unless opted in.
    let server = TestServer::sequence([Reply::close_connection(), ok()]).await;
    client_with(&server, fast_retry().retry_non_idempotent(true))
        .send(req(Method::POST), DEC)
        .await
        .unwrap();
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn timeouts_are_not_retried_unless_asked() {
    let slow = || ok().delay(Duration::from_secs(5));
    let server = TestServer::always(slow()).await;
    let client = Client::builder(&server.url())
        .timeout(Duration::from_millis(100))
        .retry(fast_retry())
        .build()
        .unwrap();
    let err = client.send(req(Method::GET), DEC).await.unwrap_err();
    assert!(err.is_timeout());
    assert_eq!(server.hits(), 1);

    let server = TestServer::always(slow()).await;
    let client = Client::builder(&server.url())
        .timeout(Duration::from_millis(100))
        .retry(fast_retry().retry_timeouts(true))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.send(req(Method::GET), DEC).await.unwrap_err();
    assert!(err.is_timeout());
    assert_eq!(err.request().attempts(), 3);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(server.wait_for_hits(3, Duration::from_secs(1)).await);
}

#[tokio::test]
async fn per_call_retry_overrides_client() {
    // Client without retries, call with retries.
    let server = TestServer::sequence([Reply::status(503), ok()]).await;
    let client = client_with(&server, RetryPolicy::disabled());
    let mut r = req(Method::GET);
    r.options(&CallOptions::new().retry(fast_retry()));
    client.send(r, DEC).await.unwrap();
    assert_eq!(server.hits(), 2);

    // Client with retries, call without.
    let server = TestServer::sequence([Reply::status(503), ok()]).await;
    let client = client_with(&server, fast_retry());
    let mut r = req(Method::GET);
    r.options(&CallOptions::new().retry(RetryPolicy::disabled()));
    let err = client.send(r, DEC).await.unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 503);
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn backoff_waits_grow_but_stay_bounded() {
    let server = TestServer::always(Reply::status(503)).await;
    let policy = RetryPolicy::new()
        .max_attempts(5)
        .base_delay(Duration::from_millis(20))
        .max_delay(Duration::from_millis(40));
    let started = Instant::now();
    let _ = client_with(&server, policy)
        .send(req(Method::GET), DEC)
        .await;
    assert_eq!(server.hits(), 5);
    // Four waits, each at most 40 ms (plus scheduling slack).
    assert!(
        started.elapsed() < Duration::from_millis(160 + 500),
        "{:?}",
        started.elapsed()
    );
}
