//! The runtime's test double (`sdkgen_runtime::mock`, feature `mock`) over real HTTP on
//! `127.0.0.1`: route choice, replies in order, conditions, what it records, delays.

use std::time::Duration;

use sdkgen_runtime::mock::{MockServer, Reply, Route, UNMATCHED_STATUS};
use sdkgen_runtime::reqwest;
use sdkgen_runtime::Method;
use serde_json::{json, Value};

fn route(server: &MockServer, method: Method, template: &str) -> Route<Value, Value> {
    server.route(
        method,
        template,
        |v| Reply::json(200, v),
        |e| Reply::json(400, e),
    )
}

async fn get(url: String) -> (u16, String) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn replies_come_in_order_and_the_last_repeats() {
    let server = MockServer::start().await.unwrap();
    let r = route(&server, Method::GET, "/items/{id}")
        .ok(json!(1))
        .error(json!({"why": "no"}))
        .reply(Reply::text(503, "later"));
    let url = format!("{}/items/a%20b", server.url());
    assert_eq!(get(url.clone()).await, (200, "1".into()));
    assert_eq!(get(url.clone()).await, (400, r#"{"why":"no"}"#.into()));
    assert_eq!(get(url.clone()).await, (503, "later".into()));
    assert_eq!(get(url).await, (503, "later".into()));
    assert_eq!(r.hits(), 4);
    assert_eq!(r.requests()[0].path_param("id"), Some("a b"));
}

#[tokio::test]
async fn the_route_with_most_conditions_wins_then_the_latest() {
    let server = MockServer::start().await.unwrap();
    let general = route(&server, Method::GET, "/v/{id}").ok(json!("general"));
    let override_ = route(&server, Method::GET, "/v/{id}").ok(json!("override"));
    let by_query = route(&server, Method::GET, "/v/{id}")
        .when_query("page", "2")
        .ok(json!("page 2"));
    let by_path = route(&server, Method::GET, "/v/{id}")
        .when_path("id", "7")
        .when_query("page", "2")
        .ok(json!("7, page 2"));
    let base = server.url();
    assert_eq!(get(format!("{base}/v/1")).await.1, r#""override""#);
    assert_eq!(get(format!("{base}/v/1?page=2")).await.1, r#""page 2""#);
    assert_eq!(get(format!("{base}/v/7?page=2")).await.1, r#""7, page 2""#);
    assert_eq!(
        (
            general.hits(),
            override_.hits(),
            by_query.hits(),
            by_path.hits()
        ),
        (0, 1, 1, 1)
    );
}

#[tokio::test]
async fn bodies_headers_and_methods_are_recorded_and_matched() {
    let server = MockServer::start().await.unwrap();
    let signed = route(&server, Method::POST, "/things")
        .when_header("x-signature", "abc")
        .ok(json!({"created": true}));
    let client = reqwest::Client::new();
    let response = client
        .post(format!("{}/things", server.url()))
        .header("X-Signature", "abc")
        .body(r#"{"name":"n"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let request = &signed.requests()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.json::<Value>().unwrap(), json!({"name": "n"}));
    assert_eq!(request.header("x-signature"), Some("abc"));

    // The same path without the header, and another method, match nothing.
    let unsigned = client
        .post(format!("{}/things", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status().as_u16(), UNMATCHED_STATUS);
    let put = client
        .put(format!("{}/things", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status().as_u16(), UNMATCHED_STATUS);
    assert!(put.text().await.unwrap().contains("no mock route matches PUT /things"));
    assert_eq!(server.unmatched().len(), 2);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_route_without_replies_says_so_and_delays_are_kept() {
    let server = MockServer::start().await.unwrap();
    let _empty = route(&server, Method::GET, "/empty");
    let (status, text) = get(format!("{}/empty", server.url())).await;
    assert_eq!(status, UNMATCHED_STATUS);
    assert!(text.contains("has no reply"), "{text}");

    let _slow = route(&server, Method::GET, "/slow").reply(
        Reply::status(204)
            .header("retry-after", "1")
            .delay(Duration::from_millis(300)),
    );
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(50))
        .build()
        .unwrap();
    let timed_out = client
        .get(format!("{}/slow", server.url()))
        .send()
        .await
        .unwrap_err();
    assert!(timed_out.is_timeout(), "{timed_out}");
    let response = reqwest::get(format!("{}/slow", server.url())).await.unwrap();
    assert_eq!(response.status().as_u16(), 204);
    assert_eq!(response.headers()["retry-after"], "1");
}
