//! Contract tests of `vast-client` against Prism serving `specs/vast.yaml` (with its
//! customisation's fixes): every operation with valid arguments must pass Prism's request
//! validation and decode Prism's answer; requests Prism rejects must come back as the typed
//! errors the spec documents. See `sdk_tests::prism` for the harness.
//!
//! What Prism 5.14 answers here (static mode, one shared instance per test binary):
//! - a valid request: `200` with the spec's property examples (`{"success":true}`; for `execute`
//!   `writeable_path` `/workspace`, the example `result_url` and `msg`);
//! - no API key: `401` with a body built from the operation's documented `401` schema (`Error`:
//!   `{"success":false,"error":"string","msg":"string"}`), so `Error::Api { error: Unauthorized }`;
//! - a request that breaks the spec (a path id that is not an integer, a missing or invalid
//!   body, a `label` over `maxLength`): `400`, the documented `400` body (the spec's examples
//!   where it has them: `execute` answers `error: "invalid_args"`, `recycle_instance`
//!   `error: "invalid_id"`), so `Error::Api { error: BadRequest }`; the reasons are in the
//!   `sl-violations` header;
//! - `Prefer: code=<status>`: that documented status, with a body built from its schema.

use sdk_tests::prism::{self, Api, Prism};
use sdkgen_runtime::{json, Decoder, Method, Request};
use vast_client::errors::{ExecuteError, ManageInstanceError, RecycleInstanceError};
use vast_client::types::{
    Error as VastError, ExecuteBadRequest, ExecuteBadRequestError, ExecuteRequest,
    InstanceTargetState, ManageInstanceRequest, RateLimitError, RecycleInstanceBadRequest,
    RecycleInstanceBadRequestError, SimpleBooleanSuccessResponse,
};
use vast_client::{Client, ClientBuilder, Error, RetryPolicy};

/// The Prism of this test binary, started by the first test that needs it.
fn mock() -> &'static Prism {
    prism::shared(Api::Vast, sdkgen::resolved_spec_beside)
}

const KEY: &str = "vast-contract-key";

/// A client for the shared Prism: no retries (Prism answers at once), so that a rejected
/// request fails the test with Prism's first answer.
fn builder() -> ClientBuilder<Client> {
    mock().configure(Client::builder().api_key(KEY))
}

fn client() -> Client {
    builder().build().expect("client")
}

/// A client without an API key, whatever `VAST_API_KEY` holds in the environment.
fn anonymous() -> Client {
    mock()
        .configure(ClientBuilder::<Client>::new(Client::DEFAULT_BASE_URL))
        .build()
        .expect("client")
}

/// A client whose requests ask Prism for the documented `status`.
fn preferring(status: u16) -> Client {
    builder()
        .http_client(prism::prefer_status(status))
        .build()
        .expect("client")
}

/// Fails with what Prism said about the request when a call that should pass did not.
fn ok<T, E: std::fmt::Debug>(result: Result<T, Error<E>>) -> T {
    mock().expect_ok(result)
}

/// The documented `Error` body as Prism builds it from the schema (no examples there).
fn schema_error() -> VastError {
    VastError {
        success: Some(false),
        error: Some("string".into()),
        msg: Some("string".into()),
    }
}

// --- every operation, valid arguments ---------------------------------------------------------

#[tokio::test]
async fn manage_instance_stop() {
    let body = ManageInstanceRequest {
        state: Some(InstanceTargetState::Stopped),
        label: None,
    };
    let out = ok(client().manage_instance(1234, body).await);
    assert_eq!(
        out,
        SimpleBooleanSuccessResponse {
            success: Some(true)
        }
    );
}

#[tokio::test]
async fn manage_instance_start_and_label() {
    let body = ManageInstanceRequest {
        state: Some(InstanceTargetState::Running),
        label: Some("My ML Training Job ✓".into()),
    };
    let response = ok(client().manage_instance(1, body).send_with_response().await);
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.value().success, Some(true));
}

#[tokio::test]
async fn manage_instance_with_an_empty_body() {
    // Both properties are optional; the spec only says at least one "should" be given.
    let out = ok(client()
        .manage_instance(7, ManageInstanceRequest::default())
        .await);
    assert_eq!(out.success, Some(true));
}

#[tokio::test]
async fn recycle_instance() {
    let out = ok(client().recycle_instance(1234).await);
    assert_eq!(out.success, Some(true));
}

#[tokio::test]
async fn execute() {
    let body = ExecuteRequest {
        command: "ls -l /workspace".into(),
    };
    let out = ok(client().execute(12345, body).await);
    assert_eq!(out.success, Some(true));
    assert_eq!(out.writeable_path.as_deref(), Some("/workspace"));
    assert_eq!(
        out.result_url.as_deref(),
        Some("https://s3.amazonaws.com/vast.ai/instance_logs/abc123.log")
    );
    assert!(out.msg.is_some_and(|m| m.contains("result_url")));
}

#[tokio::test]
async fn large_ids_and_a_command_at_its_length_limit_pass() {
    ok(client().recycle_instance(i64::MAX).await);
    ok(client()
        .execute(
            0,
            ExecuteRequest {
                command: "x".repeat(512),
            },
        )
        .await);
    let label = "é".repeat(1024); // maxLength counts characters, not bytes
    ok(client()
        .manage_instance(
            42,
            ManageInstanceRequest {
                label: Some(label),
                state: None,
            },
        )
        .await);
}

// --- 401 without an API key -------------------------------------------------------------------

#[tokio::test]
async fn no_api_key_is_a_typed_401_for_every_operation() {
    let client = anonymous();
    let body = ManageInstanceRequest {
        state: Some(InstanceTargetState::Stopped),
        label: None,
    };
    match client.manage_instance(1, body).await {
        Err(Error::Api {
            error: ManageInstanceError::Unauthorized(body),
            response,
        }) => {
            assert_eq!(response.status().as_u16(), 401);
            assert_eq!(body, schema_error());
        }
        other => panic!("expected a typed 401, got {other:?}"),
    }
    match client.recycle_instance(1).await {
        Err(Error::Api {
            error: RecycleInstanceError::Unauthorized(body),
            ..
        }) => assert_eq!(body, schema_error()),
        other => panic!("expected a typed 401, got {other:?}"),
    }
    match client
        .execute(
            1,
            ExecuteRequest {
                command: "ls".into(),
            },
        )
        .await
    {
        Err(
            err @ Error::Api {
                error: ExecuteError::Unauthorized(_),
                ..
            },
        ) => {
            assert!(
                prism::violations(&err).contains("Invalid security scheme"),
                "{}",
                prism::violations(&err)
            );
        }
        other => panic!("expected a typed 401, got {other:?}"),
    }
}

// --- 400 for requests that break the spec -----------------------------------------------------

#[tokio::test]
async fn a_label_over_max_length_is_a_typed_400() {
    let body = ManageInstanceRequest {
        label: Some("x".repeat(1025)),
        state: None,
    };
    let err = client()
        .manage_instance(1, body)
        .await
        .expect_err("label longer than 1024");
    assert!(
        prism::violations(&err).contains("label"),
        "{}",
        prism::violations(&err)
    );
    match err {
        Error::Api {
            error: ManageInstanceError::BadRequest(body),
            ..
        } => assert_eq!(body, schema_error()),
        other => panic!("expected a typed 400, got {other:?}"),
    }
}

#[tokio::test]
async fn a_command_over_max_length_is_a_typed_400_with_the_documented_code() {
    let err = client()
        .execute(
            1,
            ExecuteRequest {
                command: "x".repeat(513),
            },
        )
        .await
        .expect_err("command longer than 512");
    assert!(
        prism::violations(&err).contains("command"),
        "{}",
        prism::violations(&err)
    );
    match err {
        Error::Api {
            error: ExecuteError::BadRequest(body),
            ..
        } => assert_eq!(
            body,
            ExecuteBadRequest {
                success: Some(false),
                error: Some(ExecuteBadRequestError::InvalidArgs),
                msg: Some("Invalid command given.".into()),
            }
        ),
        other => panic!("expected a typed 400, got {other:?}"),
    }
}

// Requests the builders cannot express, sent with the runtime client underneath and decoded
// into the generated types (the generated decoders are private to the crate).

fn simple_success(
    status: u16,
    body: &[u8],
) -> Option<Result<SimpleBooleanSuccessResponse, serde_json::Error>> {
    (status == 200).then(|| json(body))
}

#[tokio::test]
async fn a_path_id_that_is_not_an_integer_is_a_400_with_the_documented_code() {
    fn error(
        status: u16,
        body: &[u8],
    ) -> Option<Result<RecycleInstanceBadRequest, serde_json::Error>> {
        (status == 400).then(|| json(body))
    }
    let request = Request::new(
        Method::PUT,
        "/api/v0/instances/recycle/{id}/",
        "/api/v0/instances/recycle/abc/".into(),
    );
    let err = client()
        .runtime()
        .send(
            request,
            Decoder {
                success: simple_success,
                error,
            },
        )
        .await
        .expect_err("id must be an integer");
    assert!(
        prism::violations(&err).contains("path parameter id must be integer"),
        "{}",
        prism::violations(&err)
    );
    match err {
        Error::Api { error: body, .. } => {
            assert_eq!(body.error, Some(RecycleInstanceBadRequestError::InvalidId));
            assert_eq!(body.msg.as_deref(), Some("Invalid instance id."));
        }
        other => panic!("expected a decoded 400, got {other:?}"),
    }
}

#[tokio::test]
async fn a_missing_or_invalid_body_is_a_400() {
    fn error(status: u16, body: &[u8]) -> Option<Result<VastError, serde_json::Error>> {
        (status == 400).then(|| json(body))
    }
    let runtime = client().runtime().clone();

    let missing = Request::new(
        Method::PUT,
        "/api/v0/instances/{id}/",
        "/api/v0/instances/5/".into(),
    );
    let err = runtime
        .send(
            missing,
            Decoder {
                success: simple_success,
                error,
            },
        )
        .await
        .expect_err("body required");
    assert!(
        prism::violations(&err).contains("Body parameter is required"),
        "{}",
        prism::violations(&err)
    );
    assert!(
        matches!(err, Error::Api { error: ref body, .. } if *body == schema_error()),
        "{err:?}"
    );

    let mut unknown_state = Request::new(
        Method::PUT,
        "/api/v0/instances/{id}/",
        "/api/v0/instances/5/".into(),
    );
    unknown_state.json_body(&serde_json::json!({"state": "paused"}));
    let err = runtime
        .send(
            unknown_state,
            Decoder {
                success: simple_success,
                error,
            },
        )
        .await
        .expect_err("enum");
    assert!(
        prism::violations(&err).contains("stopped, running"),
        "{}",
        prism::violations(&err)
    );

    let mut no_command = Request::new(
        Method::PUT,
        "/api/v0/instances/command/{id}/",
        "/api/v0/instances/command/5/".into(),
    );
    no_command.json_body(&serde_json::json!({}));
    fn execute_error(
        status: u16,
        body: &[u8],
    ) -> Option<Result<ExecuteBadRequest, serde_json::Error>> {
        (status == 400).then(|| json(body))
    }
    fn execute_success(
        status: u16,
        body: &[u8],
    ) -> Option<Result<serde_json::Value, serde_json::Error>> {
        (status == 200).then(|| json(body))
    }
    let err = runtime
        .send(
            no_command,
            Decoder {
                success: execute_success,
                error: execute_error,
            },
        )
        .await
        .expect_err("command required");
    assert!(
        prism::violations(&err).contains("required property 'command'"),
        "{}",
        prism::violations(&err)
    );
    assert!(
        matches!(
            err,
            Error::Api {
                error: ExecuteBadRequest {
                    error: Some(ExecuteBadRequestError::InvalidArgs),
                    ..
                },
                ..
            }
        ),
        "{err:?}"
    );
}

// --- every documented error status, as Prism builds it ----------------------------------------

#[tokio::test]
async fn every_documented_error_status_decodes_to_its_variant() {
    let stop = || ManageInstanceRequest {
        state: Some(InstanceTargetState::Stopped),
        label: None,
    };
    let ls = || ExecuteRequest {
        command: "ls".into(),
    };

    let err = preferring(404)
        .manage_instance(1, stop())
        .await
        .expect_err("404");
    assert!(
        matches!(err, Error::Api { error: ManageInstanceError::NotFound(ref b), .. } if *b == schema_error()),
        "{err:?}"
    );
    let err = preferring(400)
        .manage_instance(1, stop())
        .await
        .expect_err("400");
    assert!(
        matches!(
            err,
            Error::Api {
                error: ManageInstanceError::BadRequest(_),
                ..
            }
        ),
        "{err:?}"
    );

    let err = preferring(400).recycle_instance(1).await.expect_err("400");
    assert!(
        matches!(
            err,
            Error::Api {
                error: RecycleInstanceError::BadRequest(RecycleInstanceBadRequest {
                    error: Some(RecycleInstanceBadRequestError::InvalidId),
                    ..
                }),
                ..
            }
        ),
        "{err:?}"
    );

    let err = preferring(403).execute(1, ls()).await.expect_err("403");
    assert!(
        matches!(err, Error::Api { error: ExecuteError::Forbidden(ref b), .. } if *b == schema_error()),
        "{err:?}"
    );
    let err = preferring(483).execute(1, ls()).await.expect_err("483");
    match err {
        Error::Api {
            error: ExecuteError::Status483(body),
            response,
        } => {
            assert_eq!(response.status().as_u16(), 483);
            assert_eq!(body.error.as_deref(), Some("invalid_args"));
            assert_eq!(body.msg.as_deref(), Some("Invalid json_body"));
        }
        other => panic!("expected a typed 483, got {other:?}"),
    }

    // A status the operation does not document: Prism refuses with a 404 of its own.
    let err = preferring(409)
        .recycle_instance(1)
        .await
        .expect_err("not documented");
    assert!(matches!(err, Error::UnexpectedStatus { .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn a_429_is_retried_then_decoded_as_too_many_requests() {
    let retry = RetryPolicy::new()
        .max_attempts(3)
        .base_delay(std::time::Duration::from_millis(1))
        .max_delay(std::time::Duration::from_millis(5));
    let client = builder()
        .http_client(prism::prefer_status(429))
        .retry(retry)
        .build()
        .expect("client");

    let body = ManageInstanceRequest {
        state: Some(InstanceTargetState::Stopped),
        label: None,
    };
    match client.manage_instance(1, body).await {
        Err(Error::Api {
            error: ManageInstanceError::TooManyRequests(body),
            response,
        }) => {
            assert_eq!(
                body,
                RateLimitError {
                    detail: Some("API requests too frequent endpoint threshold=1.0".into())
                }
            );
            assert_eq!(
                response.request().attempts(),
                3,
                "429 is retried until the attempts run out"
            );
        }
        other => panic!("expected a typed 429, got {other:?}"),
    }
    let err = client.recycle_instance(1).await.expect_err("429");
    assert!(err.is_rate_limited());
    assert!(
        matches!(
            err,
            Error::Api {
                error: RecycleInstanceError::TooManyRequests(_),
                ..
            }
        ),
        "{err:?}"
    );
    match client
        .execute(
            1,
            ExecuteRequest {
                command: "ls".into(),
            },
        )
        .await
    {
        Err(Error::Api {
            error: ExecuteError::TooManyRequests(body),
            ..
        }) => {
            assert_eq!(
                body.detail.as_deref(),
                Some("API requests too frequent endpoint threshold=1.5")
            );
        }
        other => panic!("expected a typed 429, got {other:?}"),
    }
}

// --- the examples -----------------------------------------------------------------------------

#[test]
fn examples_run_against_prism() {
    for (name, args) in [
        ("stop_instance", &["1234"][..]),
        ("rate_limits", &["1234"][..]),
    ] {
        let Some(out) = prism::run_example(mock(), Api::Vast, name, args) else {
            continue;
        };
        assert!(
            out.status.success(),
            "example {name} failed ({}):\n{}{}\nPrism's log:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            mock().log_tail()
        );
    }
}
