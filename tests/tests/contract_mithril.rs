//! Contract tests of `mithril-client` against Prism serving `specs/mithril.json` (with its
//! customisation's fixes): every operation with valid arguments must pass Prism's request
//! validation and decode Prism's answer; requests Prism rejects must come back as the typed
//! errors the spec documents. See `sdk_tests::prism` for the harness.
//!
//! What Prism 5.14 answers here (static mode, one shared instance per test binary):
//! - a valid request: `200` with a body built from the schema (strings `"string"`, integers
//!   `0`, date-times `2019-08-24T14:15:22Z`, enums their first value `STATUS_NEW`, arrays one
//!   item, every optional property present: `next_cursor` is always `"string"`);
//! - no API key: `401` `application/problem+json` of Prism's own (`UNAUTHORIZED`), since the
//!   spec documents no `401`: `Error::UnexpectedStatus` with status 401;
//! - a request that breaks the spec (a `limit` out of `1..=100`, a time that is not a
//!   `date-time`, a missing `project`, duplicate instances, an unknown target status): `422`
//!   with a body built from the documented `HTTPValidationError` schema
//!   (`{"detail":[{"loc":["string"],"msg":"string","type":"string"}]}`), so
//!   `Error::Api { error: UnprocessableEntity }`; the reasons are in the `sl-violations` header;
//! - `Prefer: code=<status>`: that documented status (the bodiless `404`, `409` and `501` of
//!   `put_instance_status` come with an empty body).
//!
//! Paginated streams: since every page carries the cursor `"string"`, the second page repeats
//! the first page's cursor and the stream ends with `Error::RepeatedCursor` after two pages.
//!
//! A limit of Prism's, not of the client: Prism turns the spec's `nullable: true` arrays into
//! `type: [array, null]` and then reads a query array given once (`status_in=STATUS_RUNNING`,
//! the correct `form`/`explode` encoding of a one-item array) as a string, rejecting it with
//! "must be array,null". The tests therefore pass two or more items to array parameters.

use std::time::Duration;

use futures_util::StreamExt;
use mithril_client::errors::{
    GetInstancePricingHistoryError, GetInstancesError, PutInstanceStatusError,
};
use mithril_client::types::{
    GetInstancesResponse, HttpValidationError, InstanceSortField, InstanceStatus, OrderType,
    PatchInstanceStatusRequest, SortDirection, TargetInstanceStatus, ValidationError,
    ValidationErrorLocation,
};
use mithril_client::{Client, ClientBuilder, Error};
use sdk_tests::prism::{self, Api, Prism};
use sdkgen_runtime::{json, Decoder, Method, Request};

/// The Prism of this test binary, started by the first test that needs it.
fn mock() -> &'static Prism {
    prism::shared(Api::Mithril, sdkgen::resolved_spec_beside)
}

const KEY: &str = "fkey_contract";
const PROJECT: &str = "proj_01";

fn builder() -> ClientBuilder<Client> {
    mock().configure(Client::builder().api_key(KEY))
}

/// A client for the shared Prism: no retries (Prism answers at once), so that a rejected
/// request fails the test with Prism's first answer.
fn client() -> Client {
    builder().build().expect("client")
}

/// A client without an API key, whatever `MITHRIL_API_KEY` holds in the environment.
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

/// The documented `HTTPValidationError` as Prism builds it from the schema.
fn schema_validation_error() -> HttpValidationError {
    HttpValidationError {
        detail: Some(vec![ValidationError {
            loc: vec![ValidationErrorLocation::String("string".into())],
            msg: "string".into(),
            r#type: "string".into(),
        }]),
    }
}

fn known(status: &InstanceStatus) -> bool {
    !matches!(status, InstanceStatus::Unknown(_))
}

// --- every operation, valid arguments ---------------------------------------------------------

#[tokio::test]
async fn get_instances_with_every_parameter() {
    let page = ok(client()
        .get_instances(PROJECT)
        .next_cursor("cursor_abc")
        .sort_by(InstanceSortField::CreatedAt)
        .sort_dir(SortDirection::Desc)
        .instance_type("it_8xh100")
        .region("us-central1-a")
        .status_in([
            InstanceStatus::Running,
            InstanceStatus::Paused,
            InstanceStatus::Starting,
        ])
        .order_type_in([OrderType::Bid, OrderType::Reservation])
        .bid_fid_in(["bid_1".to_owned(), "bid_2".to_owned()])
        .reservation_fid_in(["res_1".to_owned(), "res_2".to_owned()])
        .limit(100)
        .await);
    assert_eq!(page.data.len(), 1);
    let instance = &page.data[0];
    assert_eq!(
        instance.status,
        InstanceStatus::New,
        "the first listed value, decoded to its variant"
    );
    assert_eq!(
        instance.created_at, "2019-08-24T14:15:22Z",
        "a date-time, as the fixed spec says"
    );
    assert_eq!(instance.region.as_deref(), Some("string"));
    assert_eq!(page.next_cursor.as_deref(), Some("string"));
}

#[tokio::test]
async fn get_instances_with_the_project_only() {
    let page: GetInstancesResponse = ok(client().get_instances(PROJECT).await);
    assert!(page.data.iter().all(|i| known(&i.status)));
}

#[tokio::test]
async fn put_instance_status() {
    for status in [TargetInstanceStatus::Paused, TargetInstanceStatus::Running] {
        let body = PatchInstanceStatusRequest {
            instances: vec!["inst_a".into(), "inst_b".into()],
            status,
        };
        let out = ok(client().put_instance_status(body).await);
        // A map from instance FID to status: Prism fills it with sample keys.
        assert!(!out.instances.is_empty());
        assert!(out.instances.values().all(known), "{:?}", out.instances);
    }
}

#[tokio::test]
async fn get_instance_status() {
    let out = ok(client().get_instance_status("inst_01").await);
    assert_eq!(out.status, InstanceStatus::New);
    assert_eq!(out.end_time.as_deref(), Some("2019-08-24T14:15:22Z"));
    // A FID with characters that need encoding in a path segment.
    let out = ok(client().get_instance_status("inst/01 a?#").await);
    assert!(known(&out.status));
}

#[tokio::test]
async fn get_instance_status_history_with_every_parameter() {
    let page = ok(client()
        .get_instance_status_history(PROJECT)
        .instance_fid("inst_01")
        .bid_fid("bid_01")
        .reservation_fid("res_01")
        .limit(1)
        .start_time("2024-01-01T00:00:00Z")
        .end_time("2024-01-31T23:59:59.5+02:00")
        .next_cursor("cursor_abc")
        .await);
    let events = &page.instances[0].events;
    assert_eq!(events[0].status, InstanceStatus::New);
    assert_eq!(events[0].timestamp, "2019-08-24T14:15:22Z");
    assert_eq!(page.next_cursor.as_deref(), Some("string"));
}

#[tokio::test]
async fn get_instance_pricing_history_with_every_parameter() {
    let page = ok(client()
        .get_instance_pricing_history(PROJECT)
        .instance_fid("inst_01")
        .bid_fid("bid_01")
        .reservation_fid("res_01")
        .limit(100)
        .start_time("2024-01-01T00:00:00Z")
        .end_time("2024-02-01T00:00:00Z")
        .next_cursor("cursor_abc")
        .await);
    let history = &page.instances[0];
    assert_eq!(history.instance_fid, "string");
    assert_eq!(history.events[0].price_cents, 0);
    assert_eq!(
        history.events[0].end_time.as_deref(),
        Some("2019-08-24T14:15:22Z")
    );
}

// --- paginated streams ------------------------------------------------------------------------

/// Collects a stream, failing if it does not end within 30 s.
async fn collect<S: futures_util::Stream + Unpin>(mut stream: S) -> Vec<S::Item> {
    tokio::time::timeout(Duration::from_secs(30), async {
        let mut out = Vec::new();
        while let Some(item) = stream.next().await {
            out.push(item);
        }
        out
    })
    .await
    .expect("the stream ends")
}

#[tokio::test]
async fn the_instance_stream_ends_on_the_repeated_cursor() {
    let results = collect(client().get_instances(PROJECT).limit(2).items()).await;
    assert_eq!(results.len(), 3, "{results:?}");
    for item in &results[..2] {
        let instance = item
            .as_ref()
            .unwrap_or_else(|e| panic!("{e}\n{}", prism::violations(e)));
        assert!(known(&instance.status));
    }
    match &results[2] {
        Err(Error::RepeatedCursor { cursor, request }) => {
            assert_eq!(cursor, "string");
            assert_eq!(request.template(), "/v2/instances");
        }
        other => panic!("expected the repeated cursor, got {other:?}"),
    }
}

#[tokio::test]
async fn the_history_streams_end_on_the_repeated_cursor() {
    let pages = collect(
        client()
            .get_instance_status_history(PROJECT)
            .limit(10)
            .pages(),
    )
    .await;
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(pages[0].is_ok() && pages[1].is_ok(), "{pages:?}");
    assert!(
        matches!(pages[2], Err(Error::RepeatedCursor { .. })),
        "{:?}",
        pages[2]
    );

    let items = collect(client().get_instance_pricing_history(PROJECT).items()).await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(
        matches!(items[2], Err(Error::RepeatedCursor { ref cursor, .. }) if cursor == "string")
    );
}

#[tokio::test]
async fn a_stream_stops_at_its_first_error() {
    let results = collect(client().get_instances(PROJECT).limit(1000).items()).await;
    assert_eq!(results.len(), 1, "{results:?}");
    assert!(
        matches!(
            results[0],
            Err(Error::Api {
                error: GetInstancesError::UnprocessableEntity(_),
                ..
            })
        ),
        "{results:?}"
    );
}

// --- 401 without an API key -------------------------------------------------------------------

#[tokio::test]
async fn no_api_key_is_an_undocumented_401_for_every_operation() {
    fn check<E: std::fmt::Debug>(result: Result<impl std::fmt::Debug, Error<E>>) {
        match result {
            Err(Error::UnexpectedStatus { response }) => {
                assert_eq!(response.status().as_u16(), 401);
                assert_eq!(response.headers()["www-authenticate"], "Bearer");
                assert!(
                    response.body_text().contains("UNAUTHORIZED"),
                    "{}",
                    response.body_text()
                );
            }
            other => panic!("expected an undocumented 401, got {other:?}"),
        }
    }
    let client = anonymous();
    check(client.get_instances(PROJECT).await);
    let body = PatchInstanceStatusRequest {
        instances: vec!["inst_a".into()],
        status: TargetInstanceStatus::Paused,
    };
    check(client.put_instance_status(body).await);
    check(client.get_instance_status("inst_01").await);
    check(client.get_instance_status_history(PROJECT).await);
    check(client.get_instance_pricing_history(PROJECT).await);
}

// --- 422 for requests that break the spec -----------------------------------------------------

#[tokio::test]
async fn a_limit_out_of_range_is_a_typed_422() {
    let err = client()
        .get_instances(PROJECT)
        .limit(1000)
        .await
        .expect_err("maximum 100");
    assert!(
        prism::violations(&err).contains("limit must be <= 100"),
        "{}",
        prism::violations(&err)
    );
    match err {
        Error::Api {
            error: GetInstancesError::UnprocessableEntity(body),
            response,
        } => {
            assert_eq!(response.status().as_u16(), 422);
            assert_eq!(body, schema_validation_error());
        }
        other => panic!("expected a typed 422, got {other:?}"),
    }

    let err = client()
        .get_instance_status_history(PROJECT)
        .limit(0)
        .await
        .expect_err("minimum 1");
    assert!(
        prism::violations(&err).contains("limit must be >= 1"),
        "{}",
        prism::violations(&err)
    );
    assert!(err.api_error().is_some(), "{err:?}");
}

#[tokio::test]
async fn a_time_that_is_not_a_date_time_is_a_typed_422() {
    // The spec says `format: datetime`; its customisation fixes that to `date-time`, which
    // Prism checks.
    let err = client()
        .get_instance_pricing_history(PROJECT)
        .start_time("yesterday")
        .await
        .expect_err("date-time");
    assert!(
        prism::violations(&err).contains("start_time must match format \"date-time\""),
        "{}",
        prism::violations(&err)
    );
    assert!(
        matches!(err.api_error(), Some(GetInstancePricingHistoryError::UnprocessableEntity(b)) if *b == schema_validation_error()),
        "{err:?}"
    );
}

#[tokio::test]
async fn invalid_status_change_bodies_are_typed_422s() {
    let duplicates = PatchInstanceStatusRequest {
        instances: vec!["inst_a".into(), "inst_a".into()],
        status: TargetInstanceStatus::Paused,
    };
    let err = client()
        .put_instance_status(duplicates)
        .await
        .expect_err("uniqueItems");
    assert!(
        prism::violations(&err).contains("duplicate items"),
        "{}",
        prism::violations(&err)
    );
    assert!(
        matches!(err, Error::Api { error: PutInstanceStatusError::UnprocessableEntity(ref b), .. } if *b == schema_validation_error()),
        "{err:?}"
    );

    // The forward-compatible enum sends any value; Prism holds it to the two the spec lists.
    let unknown = PatchInstanceStatusRequest {
        instances: vec!["inst_a".into()],
        status: TargetInstanceStatus::Unknown("STATUS_TERMINATED".into()),
    };
    let err = client()
        .put_instance_status(unknown)
        .await
        .expect_err("enum");
    assert!(
        prism::violations(&err).contains("STATUS_RUNNING, STATUS_PAUSED"),
        "{}",
        prism::violations(&err)
    );
    assert!(
        matches!(
            err,
            Error::Api {
                error: PutInstanceStatusError::UnprocessableEntity(_),
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_unknown_sort_field_is_a_typed_422() {
    let err = client()
        .get_instances(PROJECT)
        .sort_by(InstanceSortField::Unknown("name".into()))
        .await
        .expect_err("enum");
    assert!(
        prism::violations(&err).contains("sort_by"),
        "{}",
        prism::violations(&err)
    );
    assert!(
        matches!(
            err,
            Error::Api {
                error: GetInstancesError::UnprocessableEntity(_),
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_missing_project_is_a_422() {
    // The builder cannot leave out a required parameter: send the request with the runtime.
    fn success(
        status: u16,
        body: &[u8],
    ) -> Option<Result<GetInstancesResponse, serde_json::Error>> {
        (status == 200).then(|| json(body))
    }
    fn error(status: u16, body: &[u8]) -> Option<Result<HttpValidationError, serde_json::Error>> {
        (status == 422).then(|| json(body))
    }
    let runtime = client().runtime().clone();
    for path in [
        "/v2/instances",
        "/v2/instances/status/history",
        "/v2/instances/pricing/history",
    ] {
        let mut request = Request::new(Method::GET, "", path.to_owned());
        request.query("limit", 10);
        let err = runtime
            .send(request, Decoder { success, error })
            .await
            .expect_err("project is required");
        assert!(
            prism::violations(&err).contains("required property 'project'"),
            "{path}: {}",
            prism::violations(&err)
        );
        assert!(
            matches!(err, Error::Api { error: ref b, .. } if *b == schema_validation_error()),
            "{path}: {err:?}"
        );
    }
}

// --- every documented error status, as Prism builds it ----------------------------------------

#[tokio::test]
async fn bodiless_documented_errors_are_unit_variants() {
    let body = || PatchInstanceStatusRequest {
        instances: vec!["inst_a".into()],
        status: TargetInstanceStatus::Paused,
    };
    for (status, expected) in [
        (404, PutInstanceStatusError::NotFound),
        (409, PutInstanceStatusError::Conflict),
        (501, PutInstanceStatusError::NotImplemented),
        (
            422,
            PutInstanceStatusError::UnprocessableEntity(schema_validation_error()),
        ),
    ] {
        match preferring(status).put_instance_status(body()).await {
            Err(Error::Api { error, response }) => {
                assert_eq!(response.status().as_u16(), status);
                assert_eq!(error, expected);
            }
            other => panic!("{status}: expected {expected:?}, got {other:?}"),
        }
    }
    let err = preferring(422)
        .get_instance_status("inst_01")
        .await
        .expect_err("422");
    assert!(err.api_error().is_some(), "{err:?}");
}

// --- the examples -----------------------------------------------------------------------------

#[test]
fn examples_run_against_prism() {
    for (name, args) in [
        ("list_instances", &[PROJECT][..]),
        ("pause_instances", &["inst_a", "inst_b"][..]),
        ("handle_rate_limits", &[PROJECT][..]),
    ] {
        let Some(out) = prism::run_example(mock(), Api::Mithril, name, args) else {
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
