//! The client generated from the Vast excerpt (`tests/fixtures/excerpt_vast`: the operations of
//! the seed documentation pages, a spec of our own that never changes) against a real HTTP
//! server on 127.0.0.1: auth, paths, bodies,
//! every documented status to its typed error, forward-compatible enums, undocumented statuses.

use fixture_excerpt_vast::errors::{ExecuteError, ManageInstanceError, RecycleInstanceError};
use fixture_excerpt_vast::types::{
    Error as VastError, ExecuteBadRequestError, ExecuteRequest, InstanceTargetState,
    ManageInstanceRequest, RecycleInstanceBadRequestError,
};
use fixture_excerpt_vast::{Client, Error, RetryPolicy};
use sdk_tests::{fast_retry, Reply, TestServer};
use serde_json::json;

const KEY: &str = "vast-test-key-0123456789";

fn client(server: &TestServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .retry(fast_retry())
        .build()
        .expect("client")
}

#[tokio::test]
async fn manage_instance_sends_auth_path_and_body() {
    let server = TestServer::start(|_| Reply::json(200, json!({"success": true}))).await;
    let body = ManageInstanceRequest {
        state: Some(InstanceTargetState::Stopped),
        label: Some("train run".into()),
    };
    let out = client(&server)
        .manage_instance(1234, body)
        .await
        .expect("200 decodes");
    assert_eq!(out.success, Some(true));

    let req = server.request(0);
    assert_eq!(req.method, "PUT");
    assert_eq!(
        req.path, "/api/v0/instances/1234/",
        "trailing slash kept exactly"
    );
    assert_eq!(req.query, None);
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(
        req.body_json(),
        json!({"state": "stopped", "label": "train run"})
    );
}

#[tokio::test]
async fn optional_body_fields_are_omitted() {
    let server = TestServer::start(|_| Reply::json(200, json!({"success": true}))).await;
    let body = ManageInstanceRequest {
        label: Some("x".into()),
        ..Default::default()
    };
    client(&server).manage_instance(7, body).await.expect("ok");
    assert_eq!(server.request(0).body_json(), json!({"label": "x"}));
}

#[tokio::test]
async fn recycle_has_no_body_and_decodes_typed_400() {
    let server = TestServer::start(|_| {
        Reply::json(
            400,
            json!({"success": false, "error": "invalid_id", "msg": "Invalid instance id."}),
        )
    })
    .await;
    let err = client(&server).recycle_instance(42).await.expect_err("400");
    assert_eq!(server.request(0).path, "/api/v0/instances/recycle/42/");
    assert!(server.request(0).body.is_empty());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    match err {
        Error::Api {
            error: RecycleInstanceError::BadRequest(body),
            ..
        } => {
            assert_eq!(body.error, Some(RecycleInstanceBadRequestError::InvalidId));
            assert_eq!(body.msg.as_deref(), Some("Invalid instance id."));
        }
        other => panic!("expected a typed 400, got {other:?}"),
    }
}

#[tokio::test]
async fn an_enum_value_the_spec_does_not_list_decodes_as_unknown() {
    let server = TestServer::start(|_| {
        Reply::json(
            400,
            json!({"success": false, "error": "invalid_gpu_count", "msg": "no"}),
        )
    })
    .await;
    let err = client(&server)
        .execute(
            5,
            ExecuteRequest {
                command: "ls".into(),
            },
        )
        .await
        .expect_err("400");
    let Error::Api {
        error: ExecuteError::BadRequest(body),
        ..
    } = err
    else {
        panic!("typed 400 expected")
    };
    let code = body.error.expect("error code present");
    assert_eq!(
        code,
        ExecuteBadRequestError::Unknown("invalid_gpu_count".into())
    );
    assert_eq!(code.as_str(), "invalid_gpu_count");
    // And it encodes back unchanged.
    assert_eq!(
        serde_json::to_value(&code).unwrap(),
        json!("invalid_gpu_count")
    );
}

#[tokio::test]
async fn every_documented_status_maps_to_its_variant() {
    let server = TestServer::start(|req| {
        let status: u16 = req
            .path
            .trim_matches('/')
            .rsplit('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        match status {
            429 => Reply::json(
                429,
                json!({"detail": "API requests too frequent endpoint threshold=1.5"}),
            ),
            s => Reply::json(
                s,
                json!({"success": false, "error": "e", "msg": format!("status {s}")}),
            ),
        }
    })
    .await;
    let c = client(&server);
    let cmd = || ExecuteRequest {
        command: "ls -l".into(),
    };
    let err = |id| {
        let c = c.clone();
        async move {
            c.execute(id, cmd())
                .retry(RetryPolicy::disabled())
                .await
                .expect_err("error status")
        }
    };
    let vast_err = |s: u16| VastError {
        success: Some(false),
        error: Some("e".into()),
        msg: Some(format!("status {s}")),
    };
    match err(401).await {
        Error::Api {
            error: ExecuteError::Unauthorized(b),
            ..
        } => assert_eq!(b, vast_err(401)),
        other => panic!("{other:?}"),
    }
    match err(403).await {
        Error::Api {
            error: ExecuteError::Forbidden(b),
            ..
        } => assert_eq!(b, vast_err(403)),
        other => panic!("{other:?}"),
    }
    match err(483).await {
        Error::Api {
            error: ExecuteError::Status483(b),
            response,
        } => {
            assert_eq!(b, vast_err(483));
            assert_eq!(response.status().as_u16(), 483);
        }
        other => panic!("{other:?}"),
    }
    match err(429).await {
        Error::Api {
            error: ExecuteError::TooManyRequests(b),
            ..
        } => {
            assert_eq!(
                b.detail.as_deref(),
                Some("API requests too frequent endpoint threshold=1.5")
            )
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_undocumented_status_keeps_status_headers_and_body() {
    let server =
        TestServer::start(|_| Reply::text(418, "teapot").header("x-request-id", "req-77")).await;
    let err = client(&server)
        .manage_instance(1, ManageInstanceRequest::default())
        .await
        .expect_err("418");
    match &err {
        Error::UnexpectedStatus { response } => {
            assert_eq!(response.status().as_u16(), 418);
            assert_eq!(response.body(), b"teapot");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.request_id(), Some("req-77"));
    assert_eq!(err.path(), "/api/v0/instances/1/");
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains(KEY),
        "the key never appears in errors: {shown}"
    );
}

#[tokio::test]
async fn rate_limits_are_retried_then_typed() {
    let server = TestServer::sequence([
        Reply::json(
            429,
            json!({"detail": "API requests too frequent endpoint threshold=1.0"}),
        ),
        Reply::json(200, json!({"success": true})),
    ])
    .await;
    let out = client(&server)
        .manage_instance(3, ManageInstanceRequest::default())
        .await
        .expect("retried");
    assert_eq!(out.success, Some(true));
    assert_eq!(server.hits(), 2);

    let server = TestServer::always(Reply::json(429, json!({"detail": "slow down"}))).await;
    let err = client(&server)
        .manage_instance(3, ManageInstanceRequest::default())
        .await
        .expect_err("429");
    assert!(matches!(
        err,
        Error::Api {
            error: ManageInstanceError::TooManyRequests(_),
            ..
        }
    ));
    assert!(err.is_rate_limited());
    assert_eq!(server.hits(), 3, "three attempts by default");
}

#[tokio::test]
async fn the_key_is_redacted_and_read_from_the_environment() {
    let c = Client::new(KEY).expect("client");
    assert!(!format!("{c:?}").contains(KEY));
    assert_eq!(Client::API_KEY_ENV, "VAST_API_KEY");
    assert_eq!(c.runtime().base_url(), "https://console.vast.ai");
}

#[tokio::test]
async fn a_body_field_out_of_the_specs_bounds_fails_before_anything_is_sent() {
    let server = TestServer::always(Reply::json(200, json!({"success": true}))).await;
    let long = ExecuteRequest {
        command: "x".repeat(513),
    };
    let err = client(&server)
        .execute(7, long.clone())
        .await
        .expect_err("longer than the spec allows");
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains(
            "`body.command` must be at most 512 characters long; it is 513 characters long"
        ),
        "{message}"
    );
    assert_eq!(server.hits(), 0, "nothing was sent");
    // At the bound the call goes out; a client that does not check sends anything.
    let at_bound = ExecuteRequest {
        command: "x".repeat(512),
    };
    client(&server)
        .execute(7, at_bound)
        .await
        .expect("512 is allowed");
    let unchecked = Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .retry(fast_retry())
        .check_requests(false)
        .build()
        .expect("client");
    unchecked.execute(7, long).await.expect("sent as it is");
    assert_eq!(server.hits(), 2);
}
