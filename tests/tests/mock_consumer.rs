//! How a consumer tests its own code with a generated crate's `mock` feature: a small function
//! written against the client (every running instance of a project, across all pages), tested
//! with the typed test double and no network: the pages it follows, the documented error it
//! turns into its own, a transient failure it rides out, and what it sent.
//!
//! The crate is the client of the Mithril excerpt fixture, whose operations never change with a
//! vendor update; `generated/mithril` has the same operation and the same `mock` module.

use fixture_excerpt_mithril::errors::GetInstancesError;
use fixture_excerpt_mithril::mock::{MockServer, Reply, MOCK_API_KEY};
use fixture_excerpt_mithril::types::{
    GetInstancesResponse, HttpValidationError, InstanceModel, InstanceStatus, ValidationError,
    ValidationErrorLocation,
};
use fixture_excerpt_mithril::{Client, Error};
use sdkgen_runtime::Timestamp;
use futures_util::TryStreamExt;

// ---- the consumer's code -------------------------------------------------------------------

/// What the consumer's function fails with.
#[derive(Debug, PartialEq)]
enum FleetError {
    /// The API refused the request; the messages it gave.
    Rejected(Vec<String>),
    /// Anything else, as text.
    Failed(String),
}

/// The ids of the running instances of `project`, across every page.
async fn running_instances(client: &Client, project: &str) -> Result<Vec<String>, FleetError> {
    client
        .get_instances(project)
        .limit(2)
        .items()
        .try_filter(|instance| std::future::ready(instance.status == InstanceStatus::Running))
        .map_ok(|instance| instance.fid)
        .try_collect()
        .await
        .map_err(|error| match error {
            Error::Api {
                error: GetInstancesError::UnprocessableEntity(body),
                ..
            } => FleetError::Rejected(
                body.detail
                    .unwrap_or_default()
                    .into_iter()
                    .map(|d| d.msg)
                    .collect(),
            ),
            other => FleetError::Failed(other.to_string()),
        })
}

// ---- its tests -----------------------------------------------------------------------------

fn instance(fid: &str, status: InstanceStatus) -> InstanceModel {
    InstanceModel {
        fid: fid.into(),
        name: format!("{fid}-name"),
        project: "proj_1".into(),
        created_at: Timestamp::parse("2026-01-02T03:04:05Z").unwrap(),
        created_by: "user_1".into(),
        instance_type: "it_h100x8".into(),
        region: None,
        bid: None,
        reservation: None,
        ssh_destination: None,
        private_ip: None,
        status,
    }
}

fn page(data: Vec<InstanceModel>, next_cursor: Option<&str>) -> GetInstancesResponse {
    GetInstancesResponse {
        data,
        next_cursor: next_cursor.map(Into::into),
    }
}

#[tokio::test]
async fn follows_every_page_and_keeps_the_running_instances() {
    let mock = MockServer::start().await.unwrap();
    // The first page is what a request without a cursor gets; the second, what the cursor of
    // the first asks for (a route with a condition wins over one without).
    let first = mock.on_get_instances().ok(page(
        vec![
            instance("inst_1", InstanceStatus::Running),
            instance("inst_2", InstanceStatus::Starting),
        ],
        Some("cursor_2"),
    ));
    let second = mock
        .on_get_instances()
        .when_query("next_cursor", "cursor_2")
        .ok(page(vec![instance("inst_3", InstanceStatus::Running)], None));

    let ids = running_instances(&mock.client(), "proj_1").await;

    assert_eq!(ids, Ok(vec!["inst_1".to_string(), "inst_3".to_string()]));
    assert_eq!((first.hits(), second.hits()), (1, 1));
    let sent = &first.requests()[0];
    assert_eq!(sent.query_value("project"), Some("proj_1"));
    assert_eq!(sent.query_value("limit"), Some("2"));
    assert_eq!(sent.query_value("next_cursor"), None);
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {MOCK_API_KEY}").as_str())
    );
    assert!(mock.unmatched().is_empty());
}

#[tokio::test]
async fn a_documented_error_becomes_the_consumers_own() {
    let mock = MockServer::start().await.unwrap();
    let route = mock
        .on_get_instances()
        .error(GetInstancesError::UnprocessableEntity(HttpValidationError {
            detail: Some(vec![ValidationError {
                loc: vec![ValidationErrorLocation::String("project".into())],
                msg: "unknown project".into(),
                r#type: "value_error".into(),
            }]),
        }));

    let result = running_instances(&mock.client(), "nope").await;

    assert_eq!(
        result,
        Err(FleetError::Rejected(vec!["unknown project".into()]))
    );
    // Sent at the status the spec documents for it, and not retried.
    assert_eq!(route.hits(), 1);
}

#[tokio::test]
async fn a_transient_failure_is_retried_and_an_error_midway_ends_the_walk() {
    let mock = MockServer::start().await.unwrap();
    // Each route answers with its replies in order: a 503, then the page.
    let first = mock
        .on_get_instances()
        .reply(Reply::status(503))
        .ok(page(vec![instance("inst_1", InstanceStatus::Running)], Some("c2")));
    // The second page fails for good (an undocumented status).
    let second = mock
        .on_get_instances()
        .when_query("next_cursor", "c2")
        .reply(Reply::text(500, "database on fire"));

    let result = running_instances(&mock.client(), "proj_1").await;

    let Err(FleetError::Failed(message)) = result else {
        panic!("expected a failure, got {result:?}");
    };
    assert!(message.contains("500"), "{message}");
    assert_eq!((first.hits(), second.hits()), (2, 1));
}

#[tokio::test]
async fn a_request_no_route_expects_is_answered_501_and_listed() {
    let mock = MockServer::start().await.unwrap();
    let result = running_instances(&mock.client(), "proj_1").await;
    assert!(
        matches!(&result, Err(FleetError::Failed(m)) if m.contains("501")),
        "{result:?}"
    );
    let unmatched = mock.unmatched();
    assert_eq!(unmatched.len(), 1);
    assert_eq!(unmatched[0].path, "/v2/instances");
}
