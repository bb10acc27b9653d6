//! The spans and events of the runtime's optional `tracing` feature, seen by
//! a small capturing subscriber written here (no `tracing-subscriber`).
//!
//! The test crate turns the feature on through its dev-dependency on the
//! runtime (`features = ["tracing"]`), so this file needs no `cfg`: cargo
//! unifies the feature into every test build of the workspace.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sdk_tests::{fast_retry, Reply, TestServer};
use sdkgen_runtime::{empty, CallOptions, Client, Decoder, Error, Method, Request};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

const KEY: &str = "sk-live-trace-93be51";
const QUERY_SECRET: &str = "query-secret-5521";
const HEADER_SECRET: &str = "header-secret-0c7d";

type Fields = BTreeMap<String, String>;

#[derive(Debug, Clone)]
struct SpanRecord {
    name: &'static str,
    target: String,
    fields: Fields,
}

#[derive(Debug, Clone)]
struct EventRecord {
    level: Level,
    target: String,
    parent: Option<u64>,
    fields: Fields,
}

#[derive(Default)]
struct Captured {
    spans: BTreeMap<u64, SpanRecord>,
    events: Vec<EventRecord>,
}

/// Records every span with its fields (updated by `record`) and every event.
#[derive(Clone, Default)]
struct Capture {
    next_id: Arc<AtomicU64>,
    captured: Arc<Mutex<Captured>>,
}

struct FieldVisitor<'a>(&'a mut Fields);

impl Visit for FieldVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _metadata: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst) + 1;
        let mut fields = Fields::new();
        attributes.record(&mut FieldVisitor(&mut fields));
        let metadata = attributes.metadata();
        self.captured.lock().unwrap().spans.insert(
            id,
            SpanRecord {
                name: metadata.name(),
                target: metadata.target().to_owned(),
                fields,
            },
        );
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut captured = self.captured.lock().unwrap();
        if let Some(record) = captured.spans.get_mut(&span.into_u64()) {
            values.record(&mut FieldVisitor(&mut record.fields));
        }
    }

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::new();
        event.record(&mut FieldVisitor(&mut fields));
        self.captured.lock().unwrap().events.push(EventRecord {
            level: *event.metadata().level(),
            target: event.metadata().target().to_owned(),
            parent: event.parent().map(Id::into_u64),
            fields,
        });
    }

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}

impl Capture {
    /// The runtime's call spans, with their ids.
    fn calls(&self) -> Vec<(u64, SpanRecord)> {
        let captured = self.captured.lock().unwrap();
        captured
            .spans
            .iter()
            .filter(|(_, span)| span.name == "sdkgen.call")
            .map(|(id, span)| (*id, span.clone()))
            .collect()
    }

    /// The runtime's events.
    fn runtime_events(&self) -> Vec<EventRecord> {
        let captured = self.captured.lock().unwrap();
        captured
            .events
            .iter()
            .filter(|event| event.target.starts_with("sdkgen_runtime"))
            .cloned()
            .collect()
    }

    /// Every captured field of every span and event, of any crate.
    fn all_values(&self) -> Vec<String> {
        let captured = self.captured.lock().unwrap();
        let spans = captured.spans.values().map(|s| &s.fields);
        let events = captured.events.iter().map(|e| &e.fields);
        spans
            .chain(events)
            .flat_map(|fields| fields.iter().map(|(name, value)| format!("{name}={value}")))
            .collect()
    }

    fn clear(&self) {
        let mut captured = self.captured.lock().unwrap();
        captured.spans.clear();
        captured.events.clear();
    }
}

fn no_content(status: u16, body: &[u8]) -> Option<Result<(), serde_json::Error>> {
    (status == 200).then(|| empty(body))
}

fn none(_: u16, _: &[u8]) -> Option<Result<(), serde_json::Error>> {
    None
}

const DEC: Decoder<(), ()> = Decoder::new(no_content, none);

fn request() -> Request {
    let mut request = Request::new(Method::GET, "/things/{id}", "/things/41".into());
    request.query("token", QUERY_SECRET);
    request.header("x-secret", HEADER_SECRET);
    request.options(&CallOptions::new().header("Idempotency-Key", HEADER_SECRET));
    request
}

fn client(server: &TestServer) -> Client {
    Client::builder(&server.url())
        .api_key(KEY)
        .retry(fast_retry())
        .build()
        .unwrap()
}

fn assert_no_secret(capture: &Capture) {
    for value in capture.all_values() {
        for secret in [KEY, QUERY_SECRET, HEADER_SECRET, "/things/41"] {
            assert!(!value.contains(secret), "{secret} in {value}");
        }
    }
}

// One test only: the subscriber is the default of this thread, which the
// current-thread runtime of `tokio::test` keeps every task on.
#[tokio::test]
async fn spans_and_events_of_calls() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());

    // A retried call: 503, then 200 with a request id.
    let server = TestServer::sequence([
        Reply::status(503).header("x-request-id", "req-first"),
        Reply::ok().header("x-request-id", "req-second"),
    ])
    .await;
    client(&server).send(request(), DEC).await.unwrap();
    let calls = capture.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    let (span_id, span) = &calls[0];
    assert_eq!(span.target, "sdkgen_runtime::trace");
    let field = |name: &str| span.fields.get(name).map(String::as_str);
    assert_eq!(field("method"), Some("GET"));
    assert_eq!(field("operation"), Some("/things/{id}"));
    assert_eq!(field("attempt"), Some("2"));
    assert_eq!(field("status"), Some("200"));
    assert_eq!(field("request_id"), Some("req-second"));
    assert_eq!(field("retries"), Some("1"));
    assert_eq!(field("retry_cause"), Some("status"));
    assert!(field("waited_ms").is_some());
    let events = capture.runtime_events();
    assert_eq!(events.len(), 1, "{events:?}");
    let retry = &events[0];
    assert_eq!(retry.level, Level::DEBUG);
    assert_eq!(retry.parent, Some(*span_id));
    let event_field = |name: &str| retry.fields.get(name).map(String::as_str);
    assert_eq!(event_field("cause"), Some("status"));
    assert_eq!(event_field("status"), Some("503"));
    assert_eq!(event_field("attempt"), Some("1"));
    let wait: u64 = event_field("wait_ms").unwrap().parse().unwrap();
    assert!(wait <= 10, "{wait}");
    assert_eq!(event_field("message"), Some("retrying the call"));
    assert_no_secret(&capture);

    // A `Retry-After` longer than the policy allows: `RateLimited`.
    capture.clear();
    let server = TestServer::always(Reply::status(429).header("retry-after", "3600")).await;
    let err = client(&server).send(request(), DEC).await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    let events = capture.runtime_events();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].level, Level::INFO);
    assert_eq!(events[0].fields["status"], "429");
    assert_eq!(events[0].fields["retry_after_ms"], "3600000");
    assert!(events[0].fields["message"].contains("rate limited"));
    let calls = capture.calls();
    assert_eq!(calls[0].1.fields["status"], "429");
    assert_eq!(calls[0].1.fields["attempt"], "1");
    assert_no_secret(&capture);

    // Refused connections, then the deadline: connect retries and the end.
    capture.clear();
    let client = Client::builder(&sdk_tests::unused_local_url())
        .api_key(KEY)
        .retry(
            fast_retry()
                .max_attempts(1_000)
                .base_delay(Duration::from_millis(10))
                .max_delay(Duration::from_millis(10)),
        )
        .deadline(Duration::from_millis(150))
        .build()
        .unwrap();
    let err = client.send(request(), DEC).await.unwrap_err();
    assert!(matches!(err, Error::DeadlineExceeded { .. }), "{err:?}");
    let events = capture.runtime_events();
    let (last, retries) = events.split_last().unwrap();
    assert!(retries.len() >= 2, "{events:?}");
    assert!(retries
        .iter()
        .all(|e| e.fields["cause"] == "connect" && !e.fields.contains_key("status")));
    assert_eq!(last.level, Level::INFO);
    assert_eq!(last.fields["deadline_ms"], "150");
    let calls = capture.calls();
    assert_eq!(calls[0].1.fields["retry_cause"], "connect");
    assert!(!calls[0].1.fields.contains_key("status"));
    assert_no_secret(&capture);
}
