//! The client generated from the Mithril excerpt (`tests/fixtures/excerpt_mithril`: the
//! operations of the seed documentation pages, a spec of our own that never changes) against a
//! real HTTP server on 127.0.0.1: query serialisation,
//! path encoding, `null` in required-nullable fields, unknown enum values, typed errors,
//! and the paginated streams.

use fixture_excerpt_mithril::errors::{GetInstancesError, PutInstanceStatusError};
use fixture_excerpt_mithril::types::{
    InstanceSortField, InstanceStatus, OrderType, PatchInstanceStatusRequest, SortDirection,
    TargetInstanceStatus, ValidationErrorLocation,
};
use fixture_excerpt_mithril::{Client, Error};
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use sdk_tests::{fast_retry, Reply, TestServer};
use serde_json::json;

const KEY: &str = "fkey_test_0123456789";

fn client(server: &TestServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .retry(fast_retry())
        .build()
        .expect("client")
}

fn instance(fid: &str, status: &str) -> serde_json::Value {
    json!({
        "fid": fid, "name": fid, "project": "proj_1", "created_at": "2024-01-01T00:00:00Z",
        "created_by": "u", "instance_type": "it_1", "status": status, "region": null
    })
}

#[tokio::test]
async fn get_instances_serialises_the_query_as_the_spec_says() {
    let server =
        TestServer::start(|_| Reply::json(200, json!({"data": [], "next_cursor": null}))).await;
    client(&server)
        .get_instances("proj_1")
        .status_in([InstanceStatus::Running, InstanceStatus::Paused])
        .order_type_in([OrderType::Bid])
        .sort_by(InstanceSortField::CreatedAt)
        .sort_dir(SortDirection::Desc)
        .next_cursor("abc def/+\"")
        .limit(50)
        .await
        .expect("ok");
    let req = server.request(0);
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/v2/instances");
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(req.query_param("project").as_deref(), Some("proj_1"));
    // The schema of `status_in` describes it as a comma-separated list and states no
    // `explode`: one comma-joined value (the generator warns about it).
    assert_eq!(
        req.query_params("status_in"),
        ["STATUS_RUNNING,STATUS_PAUSED"],
        "joined by commas, as its schema's description says"
    );
    assert!(
        req.query
            .as_deref()
            .unwrap_or_default()
            .contains("status_in=STATUS_RUNNING,STATUS_PAUSED"),
        "the comma is sent as is: {:?}",
        req.query
    );
    assert_eq!(req.query_params("order_type_in"), ["Bid"]);
    assert_eq!(req.query_param("sort_by").as_deref(), Some("created_at"));
    assert_eq!(req.query_param("sort_dir").as_deref(), Some("desc"));
    assert_eq!(
        req.query_param("next_cursor").as_deref(),
        Some("abc def/+\""),
        "the raw cursor, never JSON-quoted"
    );
    assert_eq!(req.query_param("limit").as_deref(), Some("50"));
    assert_eq!(
        req.query_param("region"),
        None,
        "unset parameters are not sent"
    );
}

#[tokio::test]
async fn responses_tolerate_nulls_unknown_fields_and_unknown_statuses() {
    let server = TestServer::start(|_| {
        let mut future = instance("inst_2", "STATUS_HIBERNATING");
        future["added_later"] = json!({"nested": true});
        Reply::json(
            200,
            json!({"data": [instance("inst_1", "STATUS_RUNNING"), future], "next_cursor": null}),
        )
    })
    .await;
    let page = client(&server)
        .get_instances("proj_1")
        .await
        .expect("decodes");
    assert_eq!(page.data[0].status, InstanceStatus::Running);
    assert_eq!(page.data[0].region, None);
    assert_eq!(
        page.data[1].status,
        InstanceStatus::Unknown("STATUS_HIBERNATING".into())
    );
    assert_eq!(page.data[1].status.to_string(), "STATUS_HIBERNATING");
    assert_eq!(page.next_cursor, None);
}

#[tokio::test]
async fn a_required_nullable_field_accepts_null_and_is_always_sent() {
    let server = TestServer::start(|_| {
        Reply::json(
            200,
            json!({"instances": [{"instance_fid": "inst_1", "events": [
                {"price_cents": 120, "start_time": "2024-01-01T00:00:00Z", "end_time": null},
                {"price_cents": 99, "start_time": "2024-01-02T00:00:00Z", "end_time": "2024-01-03T00:00:00Z"}
            ]}]}),
        )
    })
    .await;
    let page = client(&server)
        .get_instance_pricing_history("proj_1")
        .instance_fid("inst_1")
        .await
        .expect("decodes");
    let events = &page.instances[0].events;
    assert_eq!(events[0].end_time, None);
    assert_eq!(
        events[1].end_time.as_ref().map(|t| t.as_str()),
        Some("2024-01-03T00:00:00Z")
    );
    // Serialising keeps the distinction: required-nullable is written as null.
    assert_eq!(
        serde_json::to_value(&events[0]).unwrap()["end_time"],
        serde_json::Value::Null
    );
    let req = server.request(0);
    assert_eq!(req.path, "/v2/instances/pricing/history");
    assert_eq!(req.query_param("instance_fid").as_deref(), Some("inst_1"));
}

#[tokio::test]
async fn path_parameters_are_percent_encoded() {
    let server = TestServer::start(|_| {
        Reply::json(
            200,
            json!({"fid": "x", "name": "n", "status": "STATUS_NEW"}),
        )
    })
    .await;
    let out = client(&server)
        .get_instance_status("inst/a b?#")
        .await
        .expect("ok");
    assert_eq!(out.status, InstanceStatus::New);
    assert_eq!(
        server.request(0).path,
        "/v2/instances/inst%2Fa%20b%3F%23/status"
    );
}

#[tokio::test]
async fn put_instance_status_sends_the_body_and_decodes_the_status_map() {
    let server = TestServer::start(|_| {
        Reply::json(
            200,
            json!({"instances": {"inst_1": "STATUS_CONFIRMED", "inst_2": "STATUS_SOMETHING_NEW"}}),
        )
    })
    .await;
    let body = PatchInstanceStatusRequest {
        instances: vec!["inst_1".into(), "inst_2".into()],
        status: TargetInstanceStatus::Running,
    };
    let out = client(&server).put_instance_status(body).await.expect("ok");
    assert_eq!(out.instances["inst_1"], InstanceStatus::Confirmed);
    assert_eq!(
        out.instances["inst_2"],
        InstanceStatus::Unknown("STATUS_SOMETHING_NEW".into())
    );
    let req = server.request(0);
    assert_eq!(req.method, "PATCH");
    assert_eq!(req.path, "/v2/instances");
    assert_eq!(
        req.body_json(),
        json!({"instances": ["inst_1", "inst_2"], "status": "STATUS_RUNNING"})
    );
}

#[tokio::test]
async fn bodiless_error_statuses_are_unit_variants() {
    let body = || PatchInstanceStatusRequest {
        instances: vec!["inst_1".into()],
        status: TargetInstanceStatus::Paused,
    };
    for (status, check) in [
        (
            404,
            (|e: &PutInstanceStatusError| matches!(e, PutInstanceStatusError::NotFound))
                as fn(&PutInstanceStatusError) -> bool,
        ),
        (409, |e| matches!(e, PutInstanceStatusError::Conflict)),
        (501, |e| matches!(e, PutInstanceStatusError::NotImplemented)),
    ] {
        let server = TestServer::always(Reply::status(status)).await;
        let err = client(&server)
            .put_instance_status(body())
            .await
            .expect_err("error");
        let api = err
            .api_error()
            .unwrap_or_else(|| panic!("{status} should be a documented error: {err:?}"));
        assert!(check(api), "{status} → {api:?}");
        assert_eq!(server.hits(), 1, "PATCH is not retried");
    }
}

#[tokio::test]
async fn validation_errors_decode_with_mixed_locations() {
    let server = TestServer::always(Reply::json(
        422,
        json!({"detail": [{"loc": ["query", "limit", 0], "msg": "too big", "type": "value_error"}]}),
    ))
    .await;
    // The client would refuse `limit(1000)` (the spec says 1..=100) before sending; this one
    // sends it, for the server to judge.
    let unchecked = Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .retry(fast_retry())
        .check_requests(false)
        .build()
        .expect("client");
    let err = unchecked
        .get_instances("p")
        .limit(1000)
        .await
        .expect_err("422");
    let Error::Api {
        error: GetInstancesError::UnprocessableEntity(v),
        ..
    } = err
    else {
        panic!("typed 422")
    };
    let loc = &v.detail.as_ref().expect("detail")[0].loc;
    assert_eq!(
        loc,
        &[
            ValidationErrorLocation::String("query".into()),
            ValidationErrorLocation::String("limit".into()),
            ValidationErrorLocation::Integer(0)
        ]
    );
}

fn paged_server(
    pages: usize,
    per_page: usize,
) -> impl Fn(&sdk_tests::RecordedRequest) -> Reply + Send + Sync + 'static {
    move |req| {
        let page: usize = req
            .query_param("next_cursor")
            .map(|c| c.trim_start_matches("c").parse().unwrap())
            .unwrap_or(0);
        let data: Vec<_> = (0..per_page)
            .map(|i| instance(&format!("inst_{}", page * per_page + i), "STATUS_RUNNING"))
            .collect();
        let next = if page + 1 < pages {
            json!(format!("c{}", page + 1))
        } else {
            json!(null)
        };
        Reply::json(200, json!({"data": data, "next_cursor": next}))
    }
}

#[tokio::test]
async fn items_follow_the_cursor_through_every_page() {
    let server = TestServer::start(paged_server(3, 2)).await;
    let items: Vec<_> = client(&server)
        .get_instances("proj_1")
        .limit(2)
        .items()
        .try_collect()
        .await
        .expect("all pages");
    let fids: Vec<_> = items.iter().map(|i| i.fid.as_str()).collect();
    assert_eq!(
        fids,
        ["inst_0", "inst_1", "inst_2", "inst_3", "inst_4", "inst_5"]
    );
    let cursors: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.query_param("next_cursor"))
        .collect();
    assert_eq!(cursors, [None, Some("c1".into()), Some("c2".into())]);
    assert!(server
        .requests()
        .iter()
        .all(|r| r.query_param("limit").as_deref() == Some("2")
            && r.query_param("project").as_deref() == Some("proj_1")));
}

#[tokio::test]
async fn pages_are_lazy_and_stop_when_dropped() {
    let server = TestServer::start(paged_server(100, 1)).await;
    let mut pages = client(&server).get_instances("proj_1").pages();
    assert_eq!(
        server.hits(),
        0,
        "nothing is fetched before the stream is polled"
    );
    let first = pages.next().await.expect("a page").expect("ok");
    assert_eq!(first.data.len(), 1);
    let _second = pages.next().await.expect("a page").expect("ok");
    drop(pages);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn history_streams_are_paginated_too() {
    let server = TestServer::start(|req| {
        let next = if req.query_param("next_cursor").is_none() {
            json!("n1")
        } else {
            json!(null)
        };
        Reply::json(
            200,
            json!({"instances": [{"instance_fid": "i", "events": []}], "next_cursor": next}),
        )
    })
    .await;
    let c = client(&server);
    let n = c
        .get_instance_status_history("p")
        .items()
        .try_collect::<Vec<_>>()
        .await
        .expect("ok")
        .len();
    assert_eq!(n, 2);
    let n = c
        .get_instance_pricing_history("p")
        .items()
        .try_collect::<Vec<_>>()
        .await
        .expect("ok")
        .len();
    assert_eq!(n, 2);
}

#[tokio::test]
async fn a_repeated_cursor_is_an_error_not_an_endless_loop() {
    let server = TestServer::start(|_| {
        Reply::json(
            200,
            json!({"data": [instance("i", "STATUS_NEW")], "next_cursor": "same"}),
        )
    })
    .await;
    let results: Vec<_> = client(&server).get_instances("p").items().collect().await;
    assert_eq!(results.len(), 3, "two items, then the error: {results:?}");
    assert!(results[0].is_ok() && results[1].is_ok());
    match &results[2] {
        Err(Error::RepeatedCursor { cursor, request }) => {
            assert_eq!(cursor, "same");
            assert_eq!(request.template(), "/v2/instances");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn an_error_mid_stream_comes_after_earlier_items_and_ends_the_stream() {
    let server = TestServer::start(|req| match req.query_param("next_cursor").as_deref() {
        None => Reply::json(200, json!({"data": [instance("a", "STATUS_NEW"), instance("b", "STATUS_NEW")], "next_cursor": "c1"})),
        Some(_) => Reply::json(422, json!({"detail": [{"loc": ["query", "next_cursor"], "msg": "bad cursor", "type": "value_error"}]})),
    })
    .await;
    let mut items = client(&server).get_instances("p").items();
    assert_eq!(items.next().await.unwrap().unwrap().fid, "a");
    assert_eq!(items.next().await.unwrap().unwrap().fid, "b");
    let err = items.next().await.unwrap().expect_err("page 2 fails");
    assert!(matches!(
        err,
        Error::Api {
            error: GetInstancesError::UnprocessableEntity(_),
            ..
        }
    ));
    assert!(
        items.next().await.is_none(),
        "the stream ends after the error"
    );
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn an_empty_first_page_ends_the_stream_at_once() {
    let server =
        TestServer::start(|_| Reply::json(200, json!({"data": [], "next_cursor": "more?"}))).await;
    let items: Vec<_> = client(&server)
        .get_instances("p")
        .items()
        .try_collect()
        .await
        .expect("ok");
    assert!(items.is_empty());
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_value_out_of_the_specs_range_fails_before_anything_is_sent() {
    let server = TestServer::always(Reply::json(200, json!({"data": []}))).await;
    for limit in [0, 101] {
        let err = client(&server)
            .get_instances("p")
            .limit(limit)
            .await
            .expect_err("out of range");
        assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
        let message = err.to_string();
        assert!(
            message.contains("`limit` must be in 1..=100")
                && message.contains(&format!("it is {limit}")),
            "{message}"
        );
    }
    assert_eq!(server.hits(), 0, "nothing was sent");
    // In range, and at its ends, the call goes out.
    for limit in [1, 100] {
        client(&server)
            .get_instances("p")
            .limit(limit)
            .await
            .expect("in range");
    }
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn timestamps_decode_typed_and_are_sent_back_as_received() {
    let instance = |created_at: &str| {
        json!({
            "fid": "inst_1", "name": "a", "project": "proj_1", "created_at": created_at,
            "created_by": "u", "instance_type": "it_1", "status": "STATUS_RUNNING"
        })
    };
    // Offsets, fractional seconds, `Z`; and an odd one a server might send (no offset).
    let sent = [
        "2024-05-01T12:30:00.123456+02:00",
        "2024-05-01T10:30:00.123456Z",
        "2024-05-01T10:30:00z",
        "2024-01-01 00:00:00",
    ];
    // (No optional field is absent-or-null here: those are skipped when encoding.)
    let body = json!({"data": sent.iter().map(|t| instance(t)).collect::<Vec<_>>()});
    let raw = serde_json::to_string(&body).unwrap();
    let server = TestServer::always(Reply::raw_json(200, raw.clone())).await;
    let page = client(&server)
        .get_instances("p")
        .await
        .expect("decodes, odd value and all");
    let times: Vec<&sdkgen_runtime::Timestamp> = page.data.iter().map(|i| &i.created_at).collect();
    assert!(times[0].is_valid() && times[1].is_valid() && times[2].is_valid());
    assert_eq!(times[0].unix_seconds(), Some(1714559400));
    assert_eq!(times[0].subsec_nanos(), Some(123_456_000));
    assert_eq!(times[0].offset_minutes(), Some(120));
    assert_eq!(times[0].cmp_instant(times[1]), std::cmp::Ordering::Equal);
    // The odd value is kept as written, and says it is not a valid timestamp.
    assert!(!times[3].is_valid());
    assert_eq!(times[3].as_str(), "2024-01-01 00:00:00");
    assert_eq!(times[3].unix_seconds(), None);
    // Re-encoding gives back the bytes received.
    assert_eq!(serde_json::to_string(&page).unwrap(), raw);
}

fn status(state: &str) -> Reply {
    Reply::json(
        200,
        json!({"fid": "inst_1", "name": "a", "status": state, "bid": null, "reservation": null, "end_time": null}),
    )
}

fn quick(
    wait: fixture_excerpt_mithril::waiters::WaitUntilInstanceRunning,
) -> fixture_excerpt_mithril::waiters::WaitUntilInstanceRunning {
    wait.interval(Duration::from_millis(10))
        .max_interval(Duration::from_millis(20))
}

#[tokio::test]
async fn a_waiter_succeeds_when_the_state_is_reached() {
    let server = TestServer::sequence([
        status("STATUS_STARTING"),
        status("STATUS_INITIALIZING"),
        status("STATUS_RUNNING"),
    ])
    .await;
    let running = quick(client(&server).wait_until_instance_running("inst_1"))
        .await
        .expect("running after three polls");
    assert_eq!(running.status, InstanceStatus::Running);
    assert_eq!(server.hits(), 3);
    assert_eq!(server.request(2).path, "/v2/instances/inst_1/status");
}

#[tokio::test]
async fn a_waiter_fails_fast_on_a_trap_state() {
    let server =
        TestServer::sequence([status("STATUS_STARTING"), status("STATUS_TERMINATED")]).await;
    let err = quick(client(&server).wait_until_instance_running("inst_1"))
        .await
        .expect_err("terminated never runs");
    assert_eq!(err.last_state(), Some("STATUS_TERMINATED"));
    assert!(
        matches!(err, sdkgen_runtime::WaitError::Failed { .. }),
        "{err}"
    );
    assert_eq!(server.hits(), 2, "no poll after the trap state");
}

#[tokio::test]
async fn a_waiter_ends_at_its_deadline_with_the_last_state() {
    let server = TestServer::always(status("STATUS_STARTING")).await;
    let started = std::time::Instant::now();
    let err = quick(client(&server).wait_until_instance_running("inst_1"))
        .timeout(Duration::from_millis(200))
        .await
        .expect_err("never runs");
    assert!(
        started.elapsed() < Duration::from_millis(1_000),
        "{:?}",
        started.elapsed()
    );
    match &err {
        sdkgen_runtime::WaitError::TimedOut {
            last_state, polls, ..
        } => {
            assert_eq!(last_state.as_deref(), Some("STATUS_STARTING"));
            assert!(*polls >= 3, "{polls} polls");
        }
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[tokio::test]
async fn a_failing_poll_ends_the_wait_with_its_error() {
    let server = TestServer::always(Reply::json(
        422,
        json!({"detail": [{"loc": ["path", "instance_fid"], "msg": "bad", "type": "value_error"}]}),
    ))
    .await;
    let err = quick(client(&server).wait_until_instance_running("inst_1"))
        .await
        .expect_err("422");
    assert!(
        matches!(err, sdkgen_runtime::WaitError::Request(Error::Api { .. })),
        "{err}"
    );
}

#[tokio::test]
async fn a_per_call_header_reaches_the_server() {
    let server = TestServer::always(status("STATUS_RUNNING")).await;
    client(&server)
        .get_instance_status("inst_1")
        .header("Idempotency-Key", "key-1")
        .await
        .expect("200");
    assert_eq!(server.request(0).header("idempotency-key"), Some("key-1"));
    let err = client(&server)
        .get_instance_status("inst_1")
        .header("Authorization", "Bearer other")
        .await
        .expect_err("the client's key is not replaced");
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_deadline_ends_a_call_that_keeps_retrying() {
    let server = TestServer::always(Reply::status(503)).await;
    let started = std::time::Instant::now();
    let err = client(&server)
        .get_instance_status("inst_1")
        .retry(
            sdkgen_runtime::RetryPolicy::new()
                .max_attempts(1000)
                .base_delay(Duration::from_millis(10))
                .max_delay(Duration::from_millis(20)),
        )
        .deadline(Duration::from_millis(300))
        .await
        .expect_err("503 forever");
    assert!(matches!(err, Error::DeadlineExceeded { .. }), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert!(server.hits() >= 3, "{} attempts", server.hits());
}
