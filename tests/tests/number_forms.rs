//! Numbers as large public documents write them (`tests/fixtures/numbers`): bounds written as
//! floats, beyond 64 bits or beyond a float become the checks their Rust types can hold, and
//! values the spec states at the edges of a type decode.

use fixture_numbers::Client;
use sdk_tests::{fast_retry, Reply, TestServer};
use serde_json::json;

fn client(server: &TestServer) -> Client {
    Client::builder()
        .base_url(server.url())
        .api_key("k")
        .retry(fast_retry())
        .build()
        .unwrap()
}

#[tokio::test]
async fn fitted_bounds_are_checked_before_sending() {
    let server = TestServer::always(Reply::json(200, json!([]))).await;
    let client = client(&server);
    // `minimum: 1.0` is 1; `exclusiveMinimum: 0.5` on an integer is `minimum: 1`.
    for call in [client.list_readings().limit(0), client.list_readings().after(0)] {
        let error = call.await.unwrap_err();
        assert!(
            error.to_string().contains("must be at least 1"),
            "{error}"
        );
    }
    assert_eq!(server.hits(), 0, "nothing is sent for a value out of bounds");
    // `maximum: 1e12` says nothing for an `i32`: its highest value is sent.
    client
        .list_readings()
        .limit(i32::MAX)
        .after(1)
        .await
        .unwrap();
    assert_eq!(
        server.request(0).query.as_deref(),
        Some(format!("limit={}&after=1", i32::MAX).as_str())
    );
}

#[tokio::test]
async fn values_at_the_edges_of_their_types_decode() {
    let server = TestServer::always(Reply::json(
        200,
        json!([{ "id": i64::MIN, "offset": 2, "ratio": 1.0e300, "small": 255, "count": 10 }]),
    ))
    .await;
    let readings = client(&server).list_readings().await.unwrap();
    assert_eq!(readings[0].id, i64::MIN);
    assert_eq!(readings[0].small, Some(255));
    assert_eq!(readings[0].ratio, Some(1.0e300));
}
