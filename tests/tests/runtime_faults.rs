//! Misbehaving servers: every fault becomes a typed error, quickly, without
//! a panic or a hang.

use std::time::{Duration, Instant};

use sdk_tests::{Reply, TestServer};
use sdkgen_runtime::{json, CallOptions, Client, Decoder, Error, Method, Request, RetryPolicy};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize, PartialEq)]
struct Thing {
    id: u64,
    name: String,
}

#[derive(Debug, Deserialize, PartialEq)]
struct ApiErr {
    error: String,
}

fn thing_ok(status: u16, body: &[u8]) -> Option<Result<Thing, serde_json::Error>> {
    (status == 200).then(|| json(body))
}

fn api_err(status: u16, body: &[u8]) -> Option<Result<ApiErr, serde_json::Error>> {
    matches!(status, 400 | 404 | 429).then(|| json(body))
}

const THING: Decoder<Thing, ApiErr> = Decoder::new(thing_ok, api_err);

const BODY: &str = r#"{"id":7,"name":"seven"}"#;

fn get() -> Request {
    Request::new(Method::GET, "/things/{id}", "/things/7".into())
}

fn client(server: &TestServer) -> Client {
    Client::builder(&server.url())
        .retry(RetryPolicy::disabled())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

async fn fetch(reply: Reply) -> (Result<Thing, Error<ApiErr>>, Duration) {
    let server = TestServer::always(reply).await;
    let started = Instant::now();
    let result = client(&server).send(get(), THING).await;
    (result, started.elapsed())
}

#[tokio::test]
async fn slow_response_times_out_quickly() {
    let server =
        TestServer::always(Reply::raw_json(200, BODY).delay(Duration::from_secs(10))).await;
    let client = Client::builder(&server.url())
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.send(get(), THING).await.unwrap_err();
    let elapsed = started.elapsed();
    match &err {
        Error::Timeout { after, request } => {
            assert_eq!(*after, Duration::from_millis(150));
            assert_eq!(request.attempts(), 1);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_timeout());
    assert!(
        elapsed >= Duration::from_millis(140) && elapsed < Duration::from_secs(1),
        "{elapsed:?}"
    );
    assert_eq!(
        err.to_string(),
        "GET /things/7: timed out after 150ms (attempt 1)"
    );
}

#[tokio::test]
async fn slow_trickle_body_times_out() {
    let server =
        TestServer::always(Reply::raw_json(200, BODY).trickle(1, Duration::from_millis(40))).await;
    let client = Client::builder(&server.url())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.send(get(), THING).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn trickle_within_timeout_succeeds() {
    let (result, _) = fetch(Reply::raw_json(200, BODY).trickle(5, Duration::from_millis(5))).await;
    assert_eq!(
        result.unwrap(),
        Thing {
            id: 7,
            name: "seven".into()
        }
    );
}

#[tokio::test]
async fn server_that_never_answers_times_out() {
    let server = TestServer::always(Reply::hang()).await;
    let client = Client::builder(&server.url())
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = client.send(get(), THING).await.unwrap_err();
    assert!(err.is_timeout());
}

#[tokio::test]
async fn per_call_timeout_overrides_client() {
    let server =
        TestServer::always(Reply::raw_json(200, BODY).delay(Duration::from_millis(300))).await;
    let client = Client::builder(&server.url())
        .timeout(Duration::from_millis(50))
        .build()
        .unwrap();
    // The client's timeout is too short, the call's is long enough.
    let mut r = get();
    r.options(&CallOptions::new().timeout(Duration::from_secs(5)));
    client.send(r, THING).await.unwrap();
    // And the other way round.
    let client = Client::builder(&server.url())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut r = get();
    r.options(&CallOptions::new().timeout(Duration::from_millis(50)));
    let started = Instant::now();
    let err = client.send(r, THING).await.unwrap_err();
    assert!(err.is_timeout());
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn truncated_body_is_a_body_error_with_status() {
    let (result, elapsed) = fetch(Reply::raw_json(200, BODY).truncate(6)).await;
    let err = result.unwrap_err();
    match &err {
        Error::ResponseBody { response, .. } => {
            assert_eq!(response.status().as_u16(), 200);
            assert!(response.body_truncated());
            assert!(BODY.as_bytes().starts_with(response.body()));
        }
        other => panic!("{other:?}"),
    }
    assert!(std::error::Error::source(&err).is_some());
    assert!(
        err.to_string()
            .starts_with("GET /things/7: 200 OK: cannot read the response body"),
        "{err}"
    );
    assert!(elapsed < Duration::from_secs(1));
}

#[tokio::test]
async fn reset_mid_body_is_a_body_error_with_status() {
    let (result, elapsed) = fetch(Reply::raw_json(200, BODY).reset_after(4)).await;
    let err = result.unwrap_err();
    match &err {
        Error::ResponseBody { response, .. } => {
            assert_eq!(response.status().as_u16(), 200);
            assert!(response.body_truncated());
        }
        other => panic!("{other:?}"),
    }
    assert!(elapsed < Duration::from_secs(1));
}

#[tokio::test]
async fn truncated_chunked_body_is_a_body_error() {
    let (result, _) = fetch(Reply::huge(200, 200_000).chunked().truncate(100_000)).await;
    assert!(
        matches!(result, Err(Error::ResponseBody { .. })),
        "{result:?}"
    );
}

#[tokio::test]
async fn invalid_json_is_a_decode_error() {
    let (result, _) = fetch(Reply::raw_json(200, r#"{"id": 7, "name": }"#)).await;
    match result.unwrap_err() {
        Error::Decode { source, response } => {
            assert!(source.is_syntax());
            assert_eq!(response.status().as_u16(), 200);
            assert_eq!(response.body_text(), r#"{"id": 7, "name": }"#);
        }
        other => panic!("{other:?}"),
    }
    // Valid JSON of the wrong shape, too.
    let (result, _) = fetch(Reply::json(200, json!({"id": "seven"}))).await;
    assert!(matches!(result, Err(Error::Decode { ref source, .. }) if source.is_data()));
}

#[tokio::test]
async fn html_page_with_200_is_a_decode_error() {
    let page = "<!DOCTYPE html>\n<html><body><h1>Welcome to nginx!</h1></body></html>";
    let (result, _) = fetch(Reply::html(200, page)).await;
    let err = result.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert_eq!(err.body(), Some(page.as_bytes()));
    let text = err.to_string();
    assert!(text.contains("Welcome to nginx!"), "{text}");
    assert!(!text.contains('\n'), "one line: {text}");
}

#[tokio::test]
async fn html_error_pages() {
    // Undocumented status from a proxy.
    let (result, _) = fetch(Reply::html(502, "<html>Bad Gateway</html>")).await;
    let err = result.unwrap_err();
    assert!(matches!(err, Error::UnexpectedStatus { .. }), "{err:?}");
    assert_eq!(err.body(), Some(&b"<html>Bad Gateway</html>"[..]));
    // Documented status whose body is HTML instead of JSON.
    let (result, _) = fetch(Reply::html(404, "<html>Not Found</html>")).await;
    let err = result.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert_eq!(err.status().unwrap().as_u16(), 404);
}

#[tokio::test]
async fn empty_body_where_json_expected_is_a_decode_error() {
    let (result, _) = fetch(Reply::status(200).header("content-type", "application/json")).await;
    match result.unwrap_err() {
        Error::Decode { source, response } => {
            assert!(source.is_eof());
            assert!(response.body().is_empty());
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn wrong_content_type_with_valid_json_is_accepted() {
    // Decoding goes by status and body, not by the (often wrong) content type.
    let (result, _) = fetch(
        Reply::status(200)
            .header("content-type", "text/plain")
            .body(BODY),
    )
    .await;
    assert_eq!(result.unwrap().id, 7);
}

#[tokio::test]
async fn huge_body_over_limit_is_rejected() {
    // Announced by content-length: rejected before reading.
    let server = TestServer::always(Reply::huge(200, 8 * 1024 * 1024)).await;
    let client = Client::builder(&server.url())
        .max_response_bytes(1024 * 1024)
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.send(get(), THING).await.unwrap_err();
    match &err {
        Error::ResponseTooLarge { limit, response } => {
            assert_eq!(*limit, 1024 * 1024);
            assert_eq!(response.status().as_u16(), 200);
            assert!(response.body_truncated());
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("larger than the limit"), "{err}");

    // Without content-length (chunked): counted while reading.
    let server = TestServer::always(Reply::huge(200, 8 * 1024 * 1024).chunked()).await;
    let client = Client::builder(&server.url())
        .max_response_bytes(1024 * 1024)
        .build()
        .unwrap();
    let err = client.send(get(), THING).await.unwrap_err();
    match &err {
        Error::ResponseTooLarge { response, .. } => {
            assert_eq!(response.body().len(), 64 * 1024, "context keeps 64 KiB");
            assert!(response.body().iter().all(|&b| b == b'a'));
            assert!(response.body_truncated());
        }
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn big_error_body_is_kept_bounded_and_display_short() {
    let server = TestServer::always(Reply::huge(404, 300_000)).await;
    let err = client(&server).send(get(), THING).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let response = err.response().unwrap();
    assert_eq!(response.body().len(), 64 * 1024);
    assert!(response.body_truncated());
    let text = err.to_string();
    assert!(text.chars().count() < 400, "{} chars", text.chars().count());
}

#[tokio::test]
async fn body_exactly_at_limit_is_accepted() {
    let server = TestServer::always(Reply::raw_json(200, BODY)).await;
    let client = Client::builder(&server.url())
        .max_response_bytes(BODY.len())
        .build()
        .unwrap();
    client.send(get(), THING).await.unwrap();
    let client = Client::builder(&server.url())
        .max_response_bytes(BODY.len() - 1)
        .build()
        .unwrap();
    let err = client.send(get(), THING).await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { .. }));
}

#[tokio::test]
async fn lying_content_length_shorter_than_body() {
    // The client reads only what was announced; the rest is garbage on the
    // connection, which must not break the next call.
    let server = TestServer::sequence([
        Reply::raw_json(200, format!("{BODY}XXXX")).header("content-length", BODY.len()),
        Reply::raw_json(200, BODY).close(),
        Reply::raw_json(200, BODY),
    ])
    .await;
    let client = Client::builder(&server.url())
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    assert_eq!(client.send(get(), THING).await.unwrap().id, 7);
    // Whatever happens to the next calls, it is an error value or success.
    for _ in 0..2 {
        let _ = client.send(get(), THING).await;
    }
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_body(rng: &mut Rng) -> Vec<u8> {
    const PIECES: &[&[u8]] = &[
        b"{",
        b"}",
        b"[",
        b"]",
        b"\"",
        b":",
        b",",
        b"id",
        b"name",
        b"error",
        b"7",
        b"-1",
        b"1e999",
        b"null",
        b"true",
        b"\\u00e9",
        b"\\ud800",
        b"<html>",
        b" ",
        b"\n",
        b"\xff",
        b"\xc3",
        b"\x00",
        b"\"id\":7",
        b"\"name\":\"x\"",
        b"\"error\":\"e\"",
    ];
    let len = rng.below(40);
    let mut body = Vec::new();
    for _ in 0..len {
        if rng.below(4) == 0 {
            body.push(rng.next() as u8);
        } else {
            body.extend_from_slice(PIECES[rng.below(PIECES.len() as u64) as usize]);
        }
    }
    body
}

#[tokio::test]
async fn random_bodies_never_panic() {
    const STATUSES: &[u16] = &[200, 200, 200, 201, 204, 400, 404, 429, 500, 503];
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let cases: Vec<(u16, Vec<u8>)> = (0..400)
        .map(|_| {
            (
                STATUSES[rng.below(STATUSES.len() as u64) as usize],
                random_body(&mut rng),
            )
        })
        .collect();
    let script = cases.clone();
    let server = TestServer::start(move |req| {
        let (status, body) = &script[req.index];
        Reply::status(*status)
            .header("content-type", "application/json")
            .body(body.clone())
    })
    .await;
    let client = client(&server);
    for (status, body) in &cases {
        match client.send(get(), THING).await {
            Ok(thing) => {
                assert_eq!(*status, 200);
                assert_eq!(serde_json::from_slice::<Thing>(body).unwrap(), thing);
            }
            Err(err) => {
                assert_eq!(err.status().map(|s| s.as_u16()), Some(*status), "{err:?}");
                match (status, &err) {
                    (200, Error::Decode { .. }) => {}
                    (400 | 404 | 429, Error::Api { .. } | Error::Decode { .. }) => {}
                    (201 | 204 | 500 | 503, Error::UnexpectedStatus { .. }) => {}
                    other => panic!("unexpected outcome {other:?}"),
                }
                let sent: &[u8] = if *status == 204 { b"" } else { body };
                assert_eq!(err.body(), Some(sent));
                let _ = (err.to_string(), format!("{err:?}"));
            }
        }
    }
    assert_eq!(server.hits(), cases.len());
}
