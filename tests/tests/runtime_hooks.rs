//! Per-call headers (`CallOptions::header`) and the client-level hooks
//! (`ClientBuilder::on_request`, `on_response`), against the scripted test
//! server.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sdk_tests::{fast_retry, unused_local_url, Reply, TestServer};
use sdkgen_runtime::reqwest::header::HeaderValue;
use sdkgen_runtime::{
    empty, CallOptions, Client, Decoder, Error, HeaderName, Method, Request, RetryPolicy,
    StatusCode,
};

const KEY: &str = "sk-live-hook-7d41e0";

fn no_content(status: u16, body: &[u8]) -> Option<Result<(), serde_json::Error>> {
    (status == 200).then(|| empty(body))
}

fn none(_: u16, _: &[u8]) -> Option<Result<(), serde_json::Error>> {
    None
}

const DEC: Decoder<(), ()> = Decoder::new(no_content, none);

fn post() -> Request {
    let mut request = Request::new(Method::POST, "/orders/{id}", "/orders/7".into());
    request.json_body(&serde_json::json!({"n": 1}));
    request
}

fn client(server: &TestServer) -> Client {
    Client::builder(&server.url())
        .api_key(KEY)
        .retry(fast_retry())
        .build()
        .unwrap()
}

#[tokio::test]
async fn per_call_header_is_sent_on_every_attempt() {
    let server = TestServer::sequence([Reply::status(429), Reply::ok()]).await;
    let mut request = post();
    request.header("idempotency-key", "from-the-builder");
    request.options(
        &CallOptions::new()
            .header("Idempotency-Key", "order-7-a1")
            .header("X-Tag", "one")
            .header("x-tag", "two"),
    );
    client(&server).send(request, DEC).await.unwrap();
    assert_eq!(server.hits(), 2);
    for r in server.requests() {
        // The per-call value replaces the builder's, the same on each retry.
        assert_eq!(r.header_all("idempotency-key"), ["order-7-a1"]);
        assert_eq!(r.header_all("x-tag"), ["one", "two"]);
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
    }
}

#[tokio::test]
async fn invalid_per_call_headers_fail_before_sending() {
    let server = TestServer::always(Reply::ok()).await;
    let client = client(&server);
    for (name, value, named) in [
        ("bad name", "v", "bad name"),
        ("x-signature", "line\nbreak-hunter2", "x-signature"),
        ("Authorization", "Bearer hunter2", "Authorization"),
    ] {
        let mut request = post();
        request.options(&CallOptions::new().header(name, value));
        let err = client.send(request, DEC).await.unwrap_err();
        match &err {
            Error::InvalidRequest { message, request } => {
                assert!(message.contains(named), "{message}");
                assert_eq!(request.attempts(), 0);
            }
            other => panic!("{name}: {other:?}"),
        }
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }
    assert_eq!(server.hits(), 0);
    let options = CallOptions::new().header("Idempotency-Key", "secret-hunter3");
    let shown = format!("{options:?}");
    assert!(
        shown.contains("idempotency-key") && !shown.contains("hunter3"),
        "{shown}"
    );
}

/// What an `on_request` hook saw of one attempt.
#[derive(Debug)]
struct SeenRequest {
    method: Method,
    template: &'static str,
    path: String,
    attempt: u32,
    header_names: Vec<String>,
    body_len: usize,
}

/// What an `on_response` hook saw of one attempt.
#[derive(Debug)]
struct SeenResponse {
    attempt: u32,
    status: Option<StatusCode>,
    request_id: Option<String>,
    timed_out: bool,
    failed: bool,
    elapsed: Duration,
}

/// What the hooks of one test saw.
#[derive(Debug, Default)]
struct Seen {
    requests: Vec<SeenRequest>,
    responses: Vec<SeenResponse>,
}

fn hooked_client(url: &str, seen: &Arc<Mutex<Seen>>, policy: RetryPolicy) -> Client {
    let on_request = Arc::clone(seen);
    let on_response = Arc::clone(seen);
    Client::builder(url)
        .api_key(KEY)
        .retry(policy)
        .timeout(Duration::from_secs(5))
        .on_request(move |request| {
            on_request.lock().unwrap().requests.push(SeenRequest {
                method: request.method().clone(),
                template: request.template(),
                path: request.path().to_owned(),
                attempt: request.attempt(),
                header_names: request.header_names().map(|n| n.to_string()).collect(),
                body_len: request.body().map_or(0, <[u8]>::len),
            });
            // A signing hook: its header reaches the server.
            request.insert_header(
                HeaderName::from_static("x-signature"),
                HeaderValue::from_str(&format!("sig-{}", request.attempt())).unwrap(),
            );
            // An `Authorization` of a hook loses to the client's key.
            request.insert_header(
                HeaderName::from_static("authorization"),
                HeaderValue::from_static("Bearer from-hook"),
            );
            assert!(!format!("{request:?}").contains("sig-"));
        })
        .on_response(move |response| {
            on_response.lock().unwrap().responses.push(SeenResponse {
                attempt: response.attempt(),
                status: response.status(),
                request_id: response.request_id().map(str::to_owned),
                timed_out: response.timed_out(),
                failed: response.error().is_some(),
                elapsed: response.elapsed(),
            });
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn hooks_see_every_attempt() {
    let server = TestServer::sequence([
        Reply::status(503).header("x-request-id", "req-1"),
        Reply::status(502).delay(Duration::from_millis(30)),
        Reply::ok().header("x-request-id", "req-3"),
    ])
    .await;
    let seen = Arc::new(Mutex::new(Seen::default()));
    let client = hooked_client(&server.url(), &seen, fast_retry());
    let mut request = Request::new(Method::GET, "/orders/{id}", "/orders/7".into());
    request.query("token", "query-hunter4");
    request.header("x-trace", "trace-value");
    client.send(request, DEC).await.unwrap();

    let seen = seen.lock().unwrap();
    assert_eq!(seen.requests.len(), 3, "{seen:?}");
    for (i, request) in seen.requests.iter().enumerate() {
        assert_eq!(request.method, Method::GET);
        assert_eq!(request.template, "/orders/{id}");
        assert_eq!(request.path, "/orders/7", "no query string");
        assert_eq!(request.attempt, i as u32 + 1);
        let names = &request.header_names;
        assert!(names.contains(&"x-trace".to_owned()), "{names:?}");
        assert!(names.contains(&"user-agent".to_owned()), "{names:?}");
        // The key is set after the hooks: not even its name is seen.
        assert!(!names.contains(&"authorization".to_owned()), "{names:?}");
        assert_eq!(request.body_len, 0);
    }
    let statuses: Vec<_> = seen.responses.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [
            Some(StatusCode::SERVICE_UNAVAILABLE),
            Some(StatusCode::BAD_GATEWAY),
            Some(StatusCode::OK)
        ]
    );
    let attempts: Vec<_> = seen.responses.iter().map(|r| r.attempt).collect();
    assert_eq!(attempts, [1, 2, 3]);
    assert_eq!(seen.responses[0].request_id.as_deref(), Some("req-1"));
    assert_eq!(seen.responses[1].request_id, None);
    assert_eq!(seen.responses[2].request_id.as_deref(), Some("req-3"));
    assert!(
        seen.responses[1].elapsed >= Duration::from_millis(30),
        "{seen:?}"
    );
    assert!(seen.responses.iter().all(|r| !r.timed_out && !r.failed));

    for (i, r) in server.requests().iter().enumerate() {
        assert_eq!(
            r.header("x-signature"),
            Some(format!("sig-{}", i + 1).as_str())
        );
        assert_eq!(
            r.header_all("authorization"),
            [format!("Bearer {KEY}").as_str()]
        );
    }
    let shown = format!("{seen:?}");
    assert!(
        !shown.contains(KEY) && !shown.contains("hunter4"),
        "{shown}"
    );
}

#[tokio::test]
async fn hooks_see_failed_attempts() {
    let seen = Arc::new(Mutex::new(Seen::default()));
    // Connections refused: retried for every method, no status.
    let client = hooked_client(&unused_local_url(), &seen, fast_retry().max_attempts(2));
    let err = client.send(post(), DEC).await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.requests.len(), 2);
        assert_eq!(
            seen.requests[0].body_len, 7,
            "the body is shown to the hook"
        );
        assert_eq!(seen.responses.len(), 2);
        assert!(seen
            .responses
            .iter()
            .all(|r| r.status.is_none() && r.failed && !r.timed_out));
    }

    // A timed-out attempt: no status, `timed_out`.
    let server = TestServer::always(Reply::hang()).await;
    let seen = Arc::new(Mutex::new(Seen::default()));
    let client = hooked_client(&server.url(), &seen, RetryPolicy::disabled());
    let mut request = post();
    request.options(&CallOptions::new().timeout(Duration::from_millis(100)));
    let err = client.send(request, DEC).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.responses.len(), 1);
    let response = &seen.responses[0];
    assert_eq!(response.attempt, 1);
    assert_eq!(response.status, None);
    assert!(response.timed_out && !response.failed, "{response:?}");
    assert!(
        response.elapsed >= Duration::from_millis(100),
        "{response:?}"
    );
}

#[tokio::test]
async fn hook_authorization_is_sent_without_a_client_key() {
    let server = TestServer::always(Reply::ok()).await;
    let client = Client::builder(&server.url())
        .on_request(|request| {
            request.insert_header(
                HeaderName::from_static("authorization"),
                HeaderValue::from_static("Signature keyId=k1"),
            );
        })
        .build()
        .unwrap();
    client.send(post(), DEC).await.unwrap();
    assert_eq!(
        server.request(0).header("authorization"),
        Some("Signature keyId=k1")
    );
    assert!(format!("{client:?}").contains("on_request: 1"));
}
