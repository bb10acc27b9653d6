//! Client configuration, authentication, secrets, URL and request encoding,
//! and the decoding of responses, against the scripted test server.

use sdk_tests::{unused_local_url, Reply, TestServer};
use sdkgen_runtime::{
    empty, encode_path, json, BuildError, CallOptions, Client, Decoder, Error, Method, Request,
    RetryPolicy, StatusCode,
};
use serde::Deserialize;
use serde_json::json;
use std::time::Duration;

const KEY: &str = "sk-live-4f9a1c2b3d";

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

fn no_content(status: u16, body: &[u8]) -> Option<Result<(), serde_json::Error>> {
    matches!(status, 200 | 204).then(|| empty(body))
}

const THING: Decoder<Thing, ApiErr> = Decoder {
    success: thing_ok,
    error: api_err,
};

const DELETE: Decoder<(), ApiErr> = Decoder {
    success: no_content,
    error: api_err,
};

fn thing_reply() -> Reply {
    Reply::json(200, json!({"id": 1, "name": "one"}))
}

fn get(path: &str) -> Request {
    Request::new(Method::GET, "/things/{id}", path.to_owned())
}

fn client(server: &TestServer) -> Client {
    Client::builder(&server.url())
        .api_key(KEY)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap()
}

#[tokio::test]
async fn bearer_auth_header_is_exact() {
    let server = TestServer::always(thing_reply()).await;
    let thing = client(&server).send(get("/things/1"), THING).await.unwrap();
    assert_eq!(
        thing,
        Thing {
            id: 1,
            name: "one".into()
        }
    );
    let req = server.request(0);
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/things/1");
    assert_eq!(req.header_all("authorization"), [format!("Bearer {KEY}")]);
    assert_eq!(req.header("accept"), Some("application/json"));
    assert!(req
        .header("user-agent")
        .unwrap()
        .starts_with("sdkgen-runtime/"));
    assert_eq!(req.query, None);
    assert!(req.body.is_empty());
}

#[tokio::test]
async fn no_key_no_authorization_header() {
    let server = TestServer::always(thing_reply()).await;
    let client = Client::builder(&server.url()).build().unwrap();
    client.send(get("/things/1"), THING).await.unwrap();
    assert_eq!(server.request(0).header("authorization"), None);
}

#[tokio::test]
async fn env_var_key_and_explicit_key_precedence() {
    let var = "SDK_TESTS_RUNTIME_CLIENT_ENV_KEY";
    std::env::set_var(var, "env-key-77");
    let server = TestServer::always(thing_reply()).await;
    let from_env = Client::builder(&server.url())
        .api_key_env(var)
        .require_api_key()
        .build()
        .unwrap();
    from_env.send(get("/things/1"), THING).await.unwrap();
    let explicit = Client::builder(&server.url())
        .api_key_env(var)
        .api_key("explicit-key")
        .build()
        .unwrap();
    explicit.send(get("/things/1"), THING).await.unwrap();
    assert_eq!(
        server.request(0).header("authorization"),
        Some("Bearer env-key-77")
    );
    assert_eq!(
        server.request(1).header("authorization"),
        Some("Bearer explicit-key")
    );

    std::env::remove_var(var);
    let err = Client::builder(&server.url())
        .api_key_env(var)
        .require_api_key()
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::MissingApiKey { env_var: Some(v) } if v == var));
    assert!(err.to_string().contains(var), "{err}");
    let _: &dyn std::error::Error = &err;
}

#[tokio::test]
async fn key_never_in_debug_or_display() {
    let builder = Client::builder("http://127.0.0.1:1").api_key(KEY);
    let builder_dbg = format!("{builder:?}");
    assert!(builder_dbg.contains("<redacted>"), "{builder_dbg}");
    let client = builder.build().unwrap();
    let client_dbg = format!("{client:?}");
    assert!(client_dbg.contains("<redacted>"), "{client_dbg}");

    let server = TestServer::start(|req| match req.path.as_str() {
        "/api" => Reply::json(404, json!({"error": "missing"})).header("x-request-id", "r-1"),
        "/odd" => Reply::text(418, "teapot"),
        "/bad" => Reply::raw_json(200, "{not json"),
        "/slow" => thing_reply().delay(Duration::from_secs(5)),
        _ => Reply::reset_connection(),
    })
    .await;
    let client = Client::builder(&server.url())
        .api_key(KEY)
        .retry(RetryPolicy::disabled())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let mut errors: Vec<Error<ApiErr>> = Vec::new();
    for path in ["/api", "/odd", "/bad", "/slow", "/reset"] {
        let mut req = get(path);
        req.query("q", "topsecret-query");
        req.header("x-token", "topsecret-header");
        errors.push(client.send(req, THING).await.unwrap_err());
    }
    let mut bad_header = get("/api");
    bad_header.header("x-token", "topsecret\r\nvalue");
    errors.push(client.send(bad_header, THING).await.unwrap_err());
    let refused = Client::builder(&unused_local_url())
        .api_key(KEY)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    errors.push(refused.send(get("/x?y"), THING).await.unwrap_err());
    errors.push(refused.send(get("/x"), THING).await.unwrap_err());

    assert!(matches!(errors[0], Error::Api { .. }));
    assert!(matches!(errors[1], Error::UnexpectedStatus { .. }));
    assert!(matches!(errors[2], Error::Decode { .. }));
    assert!(matches!(errors[3], Error::Timeout { .. }));
    assert!(matches!(errors[4], Error::Transport { .. }));
    assert!(matches!(errors[5], Error::InvalidRequest { .. }));
    assert!(matches!(errors[6], Error::InvalidRequest { .. }));
    assert!(matches!(errors[7], Error::Transport { .. }));
    for e in &errors {
        let text = format!("{e} | {e:?} | {:?}", std::error::Error::source(e));
        for secret in [KEY, "topsecret"] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
    }
    let build_errors = [
        Client::builder("ftp://h").api_key(KEY).build().unwrap_err(),
        Client::builder("http://h")
            .api_key(format!("{KEY}\nx"))
            .build()
            .unwrap_err(),
        Client::builder("http://h")
            .api_key(format!("{KEY}\u{0}"))
            .build()
            .unwrap_err(),
    ];
    for e in &build_errors {
        let text = format!("{e} | {e:?}");
        assert!(!text.contains(KEY), "{text}");
    }
}

#[tokio::test]
async fn base_url_override_keeps_prefix_and_drops_trailing_slash() {
    let server = TestServer::always(thing_reply()).await;
    let client = Client::builder("https://api.example.invalid/v1")
        .base_url(format!("{}/api/v0/", server.url()))
        .build()
        .unwrap();
    assert_eq!(client.base_url(), format!("{}/api/v0", server.url()));
    client.send(get("/things/1/"), THING).await.unwrap();
    assert_eq!(server.request(0).path, "/api/v0/things/1/");
}

#[tokio::test]
async fn invalid_base_urls_are_build_errors() {
    for url in [
        "",
        "not a url",
        "ftp://h/",
        "http://h/?x=1",
        "http://h/#f",
        "/relative",
    ] {
        let err = Client::builder("http://ok")
            .base_url(url)
            .build()
            .unwrap_err();
        assert!(
            matches!(err, BuildError::InvalidBaseUrl { .. }),
            "{url}: {err:?}"
        );
        assert!(err.to_string().contains("base URL"), "{err}");
    }
}

#[tokio::test]
async fn query_encoding() {
    let server = TestServer::always(thing_reply()).await;
    let mut req = get("/things");
    req.query("name", "a b&c/d=e+f");
    req.query("unicode", "é日");
    req.query("flag", true);
    req.query("n", 42);
    req.query_exploded("id", [1, 2, 3]);
    req.query_exploded("none", Vec::<u32>::new());
    req.query_delimited("tags", ["x", "y,z"], ",");
    req.query_delimited("pipes", ["p", "q"], "|");
    req.query_delimited("spaces", ["s", "t"], " ");
    req.query_delimited("empty", Vec::<&str>::new(), ",");
    client(&server).send(req, THING).await.unwrap();
    let got = server.request(0);
    assert_eq!(
        got.query.as_deref(),
        Some(
            "name=a%20b%26c%2Fd%3De%2Bf&unicode=%C3%A9%E6%97%A5&flag=true&n=42\
             &id=1&id=2&id=3&tags=x,y%2Cz&pipes=p|q&spaces=s%20t"
        )
    );
    assert_eq!(got.query_param("name").unwrap(), "a b&c/d=e+f");
    assert_eq!(got.query_param("unicode").unwrap(), "é日");
    assert_eq!(got.query_params("id"), ["1", "2", "3"]);
    assert_eq!(got.query_param("none"), None);
    assert_eq!(got.query_param("empty"), None);
    assert_eq!(got.query_param("tags").unwrap(), "x,y,z");
}

#[tokio::test]
async fn path_encoding_and_trailing_slash() {
    let server = TestServer::always(thing_reply()).await;
    let path = format!("/things/{}/", encode_path("a b/é?#%"));
    client(&server).send(get(&path), THING).await.unwrap();
    assert_eq!(server.request(0).path, "/things/a%20b%2F%C3%A9%3F%23%25/");
}

#[tokio::test]
async fn dot_segments_and_bad_headers_are_invalid_requests_and_send_nothing() {
    let server = TestServer::always(thing_reply()).await;
    let client = client(&server);
    for segment in ["..", "."] {
        let err = client
            .send(get(&format!("/things/{}", encode_path(segment))), THING)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
        assert_eq!(err.request().attempts(), 0);
    }
    let mut req = get("/things/1");
    req.header("x-bad", "a\nb");
    let err = client.send(req, THING).await.unwrap_err();
    assert!(err.to_string().contains("x-bad"), "{err}");
    let mut req = get("/things/1");
    let mut unserialisable = std::collections::BTreeMap::new();
    unserialisable.insert((1, 2), 3);
    req.json_body(&unserialisable);
    let err = client.send(req, THING).await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn header_params_and_json_body() {
    let server = TestServer::always(thing_reply()).await;
    let mut req = Request::new(Method::POST, "/things", "/things".into());
    req.header("x-idempotency-key", "idem-1");
    req.header("x-multi", 1);
    req.header("x-multi", 2);
    req.json_body(&json!({"name": "new", "tags": ["a"]}));
    client(&server).send(req, THING).await.unwrap();
    let got = server.request(0);
    assert_eq!(got.method, "POST");
    assert_eq!(got.header("x-idempotency-key"), Some("idem-1"));
    assert_eq!(got.header_all("x-multi"), ["1", "2"]);
    assert_eq!(got.header("content-type"), Some("application/json"));
    assert_eq!(got.body_json(), json!({"name": "new", "tags": ["a"]}));
    assert_eq!(
        got.header("content-length"),
        Some(got.body.len().to_string().as_str())
    );
}

#[tokio::test]
async fn user_agent_and_accept_can_be_changed() {
    let server = TestServer::always(thing_reply()).await;
    let client = Client::builder(&server.url())
        .user_agent("my-app/2.0")
        .build()
        .unwrap();
    let mut req = get("/things/1");
    req.header("accept", "application/vnd.custom+json");
    client.send(req, THING).await.unwrap();
    let got = server.request(0);
    assert_eq!(got.header("user-agent"), Some("my-app/2.0"));
    assert_eq!(got.header_all("accept"), ["application/vnd.custom+json"]);
}

#[tokio::test]
async fn documented_error_becomes_api_error() {
    let server = TestServer::always(
        Reply::json(404, json!({"error": "no such thing"})).header("x-request-id", "req-42"),
    )
    .await;
    let err = client(&server)
        .send(
            Request::new(Method::PUT, "/things/{id}/", "/things/12/".into()),
            THING,
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.api_error(),
        Some(&ApiErr {
            error: "no such thing".into()
        })
    );
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(err.request_id(), Some("req-42"));
    assert_eq!(err.method(), Method::PUT);
    assert_eq!(err.path(), "/things/12/");
    assert_eq!(err.request().template(), "/things/{id}/");
    assert_eq!(err.request().attempts(), 1);
    assert_eq!(err.body(), Some(&br#"{"error":"no such thing"}"#[..]));
    assert_eq!(err.headers().unwrap()["x-request-id"], "req-42");
    assert_eq!(
        err.to_string(),
        r#"PUT /things/12/: 404 Not Found: {"error":"no such thing"}"#
    );
    let mapped = err.map_api(|e| e.error);
    assert_eq!(mapped.into_api_error().unwrap(), "no such thing");
}

#[tokio::test]
async fn undocumented_statuses_are_unexpected() {
    let server = TestServer::start(|req| match req.path.as_str() {
        "/201" => Reply::json(201, json!({"id": 1, "name": "x"})),
        "/418" => Reply::text(418, "I am a teapot"),
        _ => Reply::status(500).body("boom"),
    })
    .await;
    let client = client(&server);
    for (path, status) in [("/201", 201), ("/418", 418), ("/500", 500)] {
        let err = client.send(get(path), THING).await.unwrap_err();
        assert!(matches!(err, Error::UnexpectedStatus { .. }), "{err:?}");
        assert_eq!(err.status().unwrap().as_u16(), status);
        assert!(
            err.to_string()
                .contains(&format!("unexpected status {status}")),
            "{err}"
        );
    }
}

#[tokio::test]
async fn send_with_response_keeps_status_and_headers() {
    let server = TestServer::always(
        thing_reply()
            .header("request-id", "rid-9")
            .header("x-rate", "7"),
    )
    .await;
    let response = client(&server)
        .send_with_response(get("/things/1"), THING)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-rate"], "7");
    assert_eq!(response.request_id(), Some("rid-9"));
    assert_eq!(response.value().id, 1);
    assert_eq!(response.into_value().name, "one");
}

#[tokio::test]
async fn empty_success_body() {
    let server = TestServer::sequence([
        Reply::status(204),
        Reply::status(200).body("ignored"),
        Reply::json(404, json!({"error": "gone"})),
    ])
    .await;
    let client = client(&server);
    let del = || Request::new(Method::DELETE, "/things/{id}", "/things/1".into());
    client.send(del(), DELETE).await.unwrap();
    client.send(del(), DELETE).await.unwrap();
    let err = client.send(del(), DELETE).await.unwrap_err();
    assert_eq!(err.api_error().unwrap().error, "gone");
}

#[tokio::test]
async fn client_is_cheap_to_clone_and_shares_the_pool() {
    let server = TestServer::always(thing_reply()).await;
    let client = client(&server);
    for _ in 0..5 {
        let c = client.clone();
        c.send(get("/things/1"), THING).await.unwrap();
    }
    assert_eq!(server.hits(), 5);
    assert_eq!(server.connections(), 1, "keep-alive connection reused");
}

#[tokio::test]
async fn options_setters_compose() {
    let opts = CallOptions::new()
        .timeout(Duration::from_secs(1))
        .retry(RetryPolicy::disabled());
    assert_eq!(opts.total_timeout(), Some(Duration::from_secs(1)));
    assert_eq!(opts.retry_policy(), Some(&RetryPolicy::disabled()));
}

#[tokio::test]
async fn extreme_settings_do_not_panic() {
    let server = TestServer::sequence([
        Reply::status(503),
        thing_reply(),
        thing_reply().delay(Duration::from_millis(500)),
    ])
    .await;
    let client = Client::builder(&server.url())
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .retry(
            RetryPolicy::new()
                .max_attempts(u32::MAX)
                .base_delay(Duration::ZERO)
                .max_delay(Duration::MAX)
                .max_retry_after(Duration::MAX),
        )
        .build()
        .unwrap();
    client.send(get("/things/1"), THING).await.unwrap();
    let mut req = get("/things/1");
    req.options(&CallOptions::new().timeout(Duration::ZERO));
    let err = client.send(req, THING).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}
