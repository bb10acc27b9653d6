//! Bodies beyond JSON, on the wire: the client of `tests/fixtures/content_types` against the
//! loopback test server.
//!
//! * `multipart/form-data` (`upload_file`): the recorded body is parsed back here (boundary from
//!   the request's `Content-Type`, each part's headers and bytes) and compared part by part;
//! * `application/x-www-form-urlencoded` (`create_token`): the body byte for byte;
//! * `application/octet-stream` in (`put_blob`, retried after a 503) and out (`get_blob`, read
//!   whole or streamed, under the download limit rather than the JSON one);
//! * `text/plain` in and out (`echo_note`);
//! * `text/event-stream` (`watch_job`): typed events, reconnection with `Last-Event-ID` after
//!   the server's `retry`, `204` ending the stream, errors.

use std::collections::BTreeMap;
use std::time::Duration;

use fixture_content_types::errors::{GetBlobError, WatchJobError};
use fixture_content_types::types::{
    CreateTokenRequest, Progress, Stored, Token, UploadFileForm, UploadFileRequestPurpose,
};
use fixture_content_types::{Client, Error};
use futures_util::StreamExt;
use sdk_tests::{fast_retry, RecordedRequest, Reply, TestServer};
use sdkgen_runtime::{Event, EventError, EventStream, FilePart};
use serde_json::json;

/// Bounds every wait on the client, so that a hang fails the test instead of blocking it.
const PATIENCE: Duration = Duration::from_secs(10);

fn client(server: &TestServer) -> Client {
    Client::builder()
        .base_url(server.url())
        .api_key("k")
        .retry(fast_retry())
        .build()
        .unwrap()
}

/// `future`, or a panic once [`PATIENCE`] is over.
async fn patiently<F: std::future::IntoFuture>(future: F) -> F::Output {
    tokio::time::timeout(PATIENCE, future.into_future())
        .await
        .expect("the client did not finish in time")
}

/// `len` bytes of every value, CR, LF and dashes included, none repeating in short order.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// A directory of its own under the system's temporary directory, removed when dropped.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "sdk-tests-content-types-{label}-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ---------------------------------------------------------------------------------------------
// A `multipart/form-data` reader, independent of the runtime's writer.
// ---------------------------------------------------------------------------------------------

/// One part of a multipart body as it was received.
#[derive(Debug)]
struct ReceivedPart {
    /// Header names lowercased, values as sent.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl ReceivedPart {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A parameter of `Content-Disposition` (`name`, `filename`), unquoted.
    fn disposition(&self, param: &str) -> Option<String> {
        let value = self
            .header("content-disposition")
            .expect("every part has a Content-Disposition");
        let mut fields = split_params(value).into_iter();
        assert_eq!(fields.next().as_deref(), Some("form-data"), "{value}");
        fields.find_map(|field| {
            let (key, raw) = field.split_once('=')?;
            (key.trim() == param).then(|| unquote(raw.trim()))
        })
    }

    fn name(&self) -> String {
        self.disposition("name").expect("every part has a name")
    }

    fn file_name(&self) -> Option<String> {
        self.disposition("filename")
    }

    fn content_type(&self) -> Option<&str> {
        self.header("content-type")
    }
}

/// Splits a header value on the `;` outside quoted strings, each field trimmed.
fn split_params(value: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut escaped = false;
    for c in value.chars() {
        let field = fields.last_mut().unwrap();
        if escaped {
            escaped = false;
            field.push(c);
            continue;
        }
        match c {
            '\\' if quoted => {
                escaped = true;
                field.push(c);
            }
            '"' => {
                quoted = !quoted;
                field.push(c);
            }
            ';' if !quoted => fields.push(String::new()),
            _ => field.push(c),
        }
    }
    fields.iter().map(|f| f.trim().to_owned()).collect()
}

/// The content of a quoted string (or a token as it is).
fn unquote(raw: &str) -> String {
    match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => inner.to_owned(),
        None => raw.to_owned(),
    }
}

/// The `boundary` parameter of a `multipart/form-data` content type.
fn boundary_of(content_type: &str) -> String {
    let mut fields = split_params(content_type).into_iter();
    assert_eq!(
        fields.next().map(|f| f.to_ascii_lowercase()).as_deref(),
        Some("multipart/form-data"),
        "{content_type}"
    );
    fields
        .find_map(|f| {
            let (key, value) = f.split_once('=')?;
            key.trim()
                .eq_ignore_ascii_case("boundary")
                .then(|| unquote(value.trim()))
        })
        .unwrap_or_else(|| panic!("no boundary in {content_type:?}"))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads a multipart body (RFC 2046 §5.1.1, without preamble and epilogue): the first
/// delimiter, then each part's header lines, an empty line, its content up to CRLF and the
/// next delimiter, and the close delimiter (`--boundary--` CRLF) at the end.
fn parse_multipart(body: &[u8], boundary: &str) -> Vec<ReceivedPart> {
    let first = format!("--{boundary}");
    let delimiter = format!("\r\n--{boundary}");
    let mut rest = body
        .strip_prefix(first.as_bytes())
        .unwrap_or_else(|| panic!("the body does not start with {first:?}"));
    let mut parts = Vec::new();
    loop {
        if let Some(end) = rest.strip_prefix(b"--") {
            assert_eq!(end, b"\r\n", "only CRLF follows the close delimiter");
            return parts;
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .expect("a delimiter is followed by CRLF or `--`");
        let head_end = find(rest, b"\r\n\r\n").expect("a part's headers end with an empty line");
        let head = std::str::from_utf8(&rest[..head_end]).expect("part headers are UTF-8");
        let headers = head
            .split("\r\n")
            .map(|line| {
                let (name, value) = line
                    .split_once(':')
                    .unwrap_or_else(|| panic!("bad part header {line:?}"));
                (name.trim().to_ascii_lowercase(), value.trim().to_owned())
            })
            .collect();
        let content = &rest[head_end + 4..];
        let end = find(content, delimiter.as_bytes()).expect("each part ends with a delimiter");
        parts.push(ReceivedPart {
            headers,
            body: content[..end].to_vec(),
        });
        rest = &content[end + delimiter.len()..];
    }
}

#[test]
fn the_multipart_reader_reads_a_hand_written_body() {
    let body = b"--b-1\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--b-1\r\n\
        content-disposition: form-data; name=\"f\"; filename=\"a;b.txt\"\r\nContent-Type: text/plain\r\n\r\n\
        \r\n--b\r\n\r\n--b-1--\r\n";
    let parts = parse_multipart(body, &boundary_of("multipart/form-data; boundary=\"b-1\""));
    assert_eq!(parts.len(), 2);
    assert_eq!((parts[0].name(), parts[0].file_name()), ("a".into(), None));
    assert_eq!(
        (parts[0].content_type(), &parts[0].body[..]),
        (None, &b"x"[..])
    );
    assert_eq!(parts[1].file_name().as_deref(), Some("a;b.txt"));
    assert_eq!(parts[1].content_type(), Some("text/plain"));
    assert_eq!(parts[1].body, b"\r\n--b\r\n");
}

// ---------------------------------------------------------------------------------------------
// multipart/form-data
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn multipart_upload_sends_every_part_as_given() {
    let dir = TempDir::new("upload");
    let path = dir.0.join("report.csv");
    // Bytes a multipart body could trip over: CR, LF, dashes, NUL, non-UTF-8.
    let on_disk = [&b"a,b\r\n--1,2\r\n\0\xff\xfe"[..], &pattern(4096)].concat();
    std::fs::write(&path, &on_disk).unwrap();
    let from_path = FilePart::path(&path).await.unwrap();

    let in_memory = pattern(700);
    let quoted_name = "notes \"v2\" é.txt";
    let labels = BTreeMap::from([
        ("team".to_owned(), "ml".to_owned()),
        (
            "note".to_owned(),
            "a \"quoted\" & ü, line\nbreak".to_owned(),
        ),
    ]);
    let form = UploadFileForm {
        file: from_path,
        attachments: Some(vec![
            FilePart::bytes(in_memory.clone())
                .file_name(quoted_name)
                .content_type("image/png"),
            // No name, no type: `blob`, `application/octet-stream`.
            FilePart::bytes(&b"\x00\x01\x02\xff"[..]),
        ]),
        purpose: UploadFileRequestPurpose::Evaluation,
        retries: Some(-3),
        labels: Some(labels.clone()),
    };

    let server = TestServer::always(Reply::json(201, json!({"id": "f1", "size": 4107}))).await;
    let stored = patiently(client(&server).upload_file(form)).await.unwrap();
    assert_eq!(
        stored,
        Stored {
            id: "f1".into(),
            size: 4107
        }
    );

    let request = server.request(0);
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/files")
    );
    assert_eq!(request.header("authorization"), Some("Bearer k"));
    let content_type = request.header("content-type").unwrap();
    let boundary = boundary_of(content_type);
    assert!(boundary.starts_with("sdkgen-"), "{content_type}");
    assert_eq!(
        request.header("content-length"),
        Some(request.body.len().to_string().as_str())
    );

    let parts = parse_multipart(&request.body, &boundary);
    let summary: Vec<_> = parts
        .iter()
        .map(|p| (p.name(), p.file_name(), p.content_type().map(str::to_owned)))
        .collect();
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(
        summary,
        [
            (
                "file".into(),
                some("report.csv"),
                some("application/octet-stream")
            ),
            // A quote in a file name travels as `%22`, the rest (UTF-8 included) as it is.
            (
                "attachments".into(),
                some("notes %22v2%22 é.txt"),
                some("image/png")
            ),
            (
                "attachments".into(),
                some("blob"),
                some("application/octet-stream")
            ),
            // The enum and the integer are plain text parts, without a Content-Type.
            ("purpose".into(), None, None),
            ("retries".into(), None, None),
            ("labels".into(), None, some("application/json")),
        ]
    );
    assert_eq!(parts[0].body, on_disk);
    assert_eq!(parts[1].body, in_memory);
    assert_eq!(parts[2].body, b"\x00\x01\x02\xff");
    assert_eq!(parts[3].body, b"evaluation");
    assert_eq!(parts[4].body, b"-3");
    let sent_labels: serde_json::Value = serde_json::from_slice(&parts[5].body).unwrap();
    assert_eq!(sent_labels, serde_json::to_value(&labels).unwrap());
    // The path of the file is not sent, only its last component.
    let dir_name = dir.0.file_name().unwrap().to_str().unwrap();
    assert!(find(&request.body, dir_name.as_bytes()).is_none());
}

#[tokio::test]
async fn multipart_upload_leaves_out_unset_fields_and_sends_unknown_enum_values() {
    let form = UploadFileForm {
        file: FilePart::bytes("x").file_name("x.txt"),
        attachments: None,
        purpose: UploadFileRequestPurpose::from("fine-tuning"),
        retries: None,
        labels: None,
    };
    let server = TestServer::always(Reply::json(201, json!({"id": "f2", "size": 1}))).await;
    patiently(client(&server).upload_file(form)).await.unwrap();
    let request = server.request(0);
    let parts = parse_multipart(
        &request.body,
        &boundary_of(request.header("content-type").unwrap()),
    );
    let names: Vec<_> = parts.iter().map(ReceivedPart::name).collect();
    assert_eq!(names, ["file", "purpose"]);
    assert_eq!(parts[0].file_name().as_deref(), Some("x.txt"));
    assert_eq!(parts[0].body, b"x");
    assert_eq!(parts[1].body, b"fine-tuning");
}

#[tokio::test]
async fn a_missing_upload_file_fails_before_anything_is_sent() {
    let dir = TempDir::new("missing");
    let err = FilePart::path(dir.0.join("absent.bin")).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    assert!(err.to_string().contains("absent.bin"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// application/x-www-form-urlencoded
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn form_body_is_encoded_exactly() {
    let server = TestServer::always(Reply::json(200, json!({"access_token": "t0k"}))).await;
    let token = patiently(client(&server).create_token(CreateTokenRequest {
        grant_type: "client credentials & more=1".into(),
        scope: Some(vec!["a".into(), "b".into()]),
        audience: Some(vec!["x".into(), "y".into()]),
    }))
    .await
    .unwrap();
    assert_eq!(
        token,
        Token {
            access_token: "t0k".into()
        }
    );

    let request = server.request(0);
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/tokens")
    );
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    // `scope` is not exploded (one pair, values joined by commas); `audience` is (one pair
    // per value). Spaces are `+`, `&` and `=` are escaped.
    assert_eq!(
        request.body_text(),
        "grant_type=client+credentials+%26+more%3D1&scope=a,b&audience=x&audience=y"
    );
}

#[tokio::test]
async fn form_body_leaves_out_unset_lists() {
    let server = TestServer::always(Reply::json(200, json!({"access_token": "t"}))).await;
    patiently(client(&server).create_token(CreateTokenRequest {
        grant_type: "refresh_token".into(),
        scope: None,
        audience: Some(vec![]),
    }))
    .await
    .unwrap();
    assert_eq!(server.request(0).body_text(), "grant_type=refresh_token");
}

// ---------------------------------------------------------------------------------------------
// application/octet-stream upload
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn binary_upload_is_sent_unchanged_and_again_after_a_503() {
    let blob = [&b"\xff\xd8\r\n\0"[..], &pattern(70_000)].concat();
    let server = TestServer::sequence([Reply::text(503, "busy"), Reply::status(204)]).await;
    patiently(client(&server).put_blob("b 1/2", blob.clone()))
        .await
        .unwrap();

    assert_eq!(server.hits(), 2, "the PUT is retried once after the 503");
    for request in server.requests() {
        assert_eq!(request.method, "PUT");
        assert_eq!(request.path, "/blobs/b%201%2F2");
        assert_eq!(
            request.header("content-type"),
            Some("application/octet-stream")
        );
        assert_eq!(request.body.len(), blob.len(), "request {}", request.index);
        assert!(
            request.body == blob,
            "request {}: bytes differ",
            request.index
        );
    }
}

#[tokio::test]
async fn binary_upload_takes_bytes_and_static_slices() {
    let server = TestServer::always(Reply::status(204)).await;
    let client = client(&server);
    patiently(client.put_blob("a", sdkgen_runtime::Bytes::from_static(b"static")))
        .await
        .unwrap();
    patiently(client.put_blob("b", Vec::new())).await.unwrap();
    assert_eq!(server.request(0).body, b"static");
    let empty = server.request(1);
    assert!(empty.body.is_empty());
    assert_eq!(
        empty.header("content-type"),
        Some("application/octet-stream")
    );
}

// ---------------------------------------------------------------------------------------------
// text/plain
// ---------------------------------------------------------------------------------------------

/// Answers with the request's body as `text/plain`.
fn echo(request: &RecordedRequest) -> Reply {
    Reply::status(200)
        .header("content-type", "text/plain; charset=utf-8")
        .body(request.body.clone())
}

#[tokio::test]
async fn text_goes_out_and_comes_back_as_utf8() {
    let note = "Grüße — 世界 ✓ 😀\r\nline two";
    let server = TestServer::start(echo).await;
    let back = patiently(client(&server).echo_note().body(note.to_owned()))
        .await
        .unwrap();
    assert_eq!(back, note);
    let request = server.request(0);
    assert_eq!(request.header("content-type"), Some("text/plain"));
    assert_eq!(request.body, note.as_bytes());
}

#[tokio::test]
async fn text_body_is_optional() {
    let server = TestServer::start(echo).await;
    let back = patiently(client(&server).echo_note()).await.unwrap();
    assert_eq!(back, "");
    let request = server.request(0);
    assert!(request.body.is_empty());
    assert_eq!(request.header("content-type"), None);
}

#[tokio::test]
async fn non_utf8_text_is_a_decode_error_that_keeps_the_body() {
    let sent = b"caf\xe9 \xff\xfe".to_vec();
    let server = TestServer::always(
        Reply::status(200)
            .header("content-type", "text/plain; charset=latin1")
            .body(sent.clone()),
    )
    .await;
    let err = patiently(client(&server).echo_note().body("x".into()))
        .await
        .unwrap_err();
    match &err {
        Error::Decode { source, response } => {
            assert!(source.to_string().contains("not UTF-8"), "{source}");
            assert_eq!(response.status().as_u16(), 200);
            assert_eq!(response.body(), &sent[..]);
            assert!(!response.body_truncated());
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    assert_eq!(err.body(), Some(&sent[..]));
}

// ---------------------------------------------------------------------------------------------
// application/octet-stream download
// ---------------------------------------------------------------------------------------------

const DOWNLOAD_LEN: usize = 100 * 1024;

/// A client whose JSON limit is 1 KiB; downloads keep the default limit unless `download` says.
fn capped_client(server: &TestServer, download: Option<usize>) -> Client {
    let builder = Client::builder()
        .base_url(server.url())
        .api_key("k")
        .retry(fast_retry())
        .max_response_bytes(1024);
    match download {
        Some(limit) => builder.max_download_bytes(limit),
        None => builder,
    }
    .build()
    .unwrap()
}

/// The 100 KiB blob, sent in 16 KiB pieces 5 ms apart (so that it arrives in several chunks).
fn blob_reply(blob: &[u8]) -> Reply {
    Reply::status(200)
        .header("content-type", "application/octet-stream")
        .body(blob.to_vec())
        .trickle(16 * 1024, Duration::from_millis(5))
}

#[tokio::test]
async fn download_larger_than_the_json_limit_arrives_whole() {
    let blob = pattern(DOWNLOAD_LEN);
    let server = TestServer::always(blob_reply(&blob)).await;
    let client = capped_client(&server, None);
    assert_eq!(client.runtime().max_response_bytes(), 1024);

    let got = patiently(client.get_blob("b1")).await.unwrap();
    assert_eq!(got.len(), DOWNLOAD_LEN);
    assert!(got == blob, "the downloaded bytes differ");
    assert_eq!(server.request(0).path, "/blobs/b1");

    // The JSON limit still holds for JSON: a 1.1 KiB `Stored` is too large.
    let big = json!({"id": "x".repeat(1100), "size": 1});
    let server = TestServer::always(Reply::json(201, big)).await;
    let err = patiently(capped_client(&server, None).upload_file(UploadFileForm {
        file: FilePart::bytes("x"),
        attachments: None,
        purpose: UploadFileRequestPurpose::Training,
        retries: None,
        labels: None,
    }))
    .await
    .unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 1024, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn streamed_download_comes_in_chunks_that_make_the_body() {
    let blob = pattern(DOWNLOAD_LEN);
    let server = TestServer::always(blob_reply(&blob)).await;
    let mut stream = patiently(capped_client(&server, None).get_blob("b1").send_stream())
        .await
        .unwrap();
    assert_eq!(stream.status().as_u16(), 200);
    assert_eq!(
        stream.headers()["content-type"].to_str().unwrap(),
        "application/octet-stream"
    );
    let mut chunks = Vec::new();
    while let Some(chunk) = patiently(stream.next()).await {
        chunks.push(chunk.expect("no error while reading"));
    }
    assert!(chunks.len() > 1, "{} chunk(s)", chunks.len());
    assert!(chunks.iter().all(|c| !c.is_empty()));
    let joined: Vec<u8> = chunks.concat();
    assert_eq!(joined.len(), DOWNLOAD_LEN);
    assert!(joined == blob, "the streamed bytes differ");
    assert!(
        patiently(stream.next()).await.is_none(),
        "the stream stays ended"
    );

    // `bytes()` reads the rest into one buffer.
    let stream = patiently(capped_client(&server, None).get_blob("b1").send_stream())
        .await
        .unwrap();
    let all = patiently(stream.bytes()).await.unwrap();
    assert!(all == blob);
}

#[tokio::test]
async fn download_over_the_download_limit_fails() {
    let limit = 10 * 1024;
    let blob = pattern(DOWNLOAD_LEN);
    let server = TestServer::always(blob_reply(&blob)).await;
    let client = capped_client(&server, Some(limit));

    let err = patiently(client.get_blob("b1")).await.unwrap_err();
    match &err {
        Error::ResponseTooLarge { limit: l, response } => {
            assert_eq!(*l, limit);
            assert_eq!(response.status().as_u16(), 200);
            assert!(response.body_truncated());
            assert!(response.body().len() <= limit);
        }
        other => panic!("expected Error::ResponseTooLarge, got {other:?}"),
    }

    let mut stream = patiently(client.get_blob("b1").send_stream())
        .await
        .unwrap();
    let mut read = 0;
    let error = loop {
        match patiently(stream.next()).await {
            Some(Ok(chunk)) => read += chunk.len(),
            Some(Err(error)) => break error,
            None => panic!("the stream ended after {read} bytes without an error"),
        }
    };
    assert!(error.is_too_large(), "{error}");
    assert!(error.to_string().contains("10240"), "{error}");
    assert!(read <= limit, "{read} bytes handed over");
    assert!(
        patiently(stream.next()).await.is_none(),
        "the stream ends after the error"
    );
}

#[tokio::test]
async fn documented_text_error_of_a_download_decodes() {
    let server = TestServer::always(Reply::text(404, "no blob b9 — gone")).await;
    let client = capped_client(&server, Some(10 * 1024));
    for streamed in [false, true] {
        let err = if streamed {
            patiently(client.get_blob("b9").send_stream())
                .await
                .unwrap_err()
        } else {
            patiently(client.get_blob("b9")).await.unwrap_err()
        };
        match &err {
            Error::Api { error, response } => {
                assert_eq!(error, &GetBlobError::NotFound("no blob b9 — gone".into()));
                assert_eq!(response.status().as_u16(), 404);
            }
            other => panic!("streamed {streamed}: expected Error::Api, got {other:?}"),
        }
    }
    assert_eq!(server.hits(), 2, "a 404 is not retried");
}

// ---------------------------------------------------------------------------------------------
// text/event-stream
// ---------------------------------------------------------------------------------------------

/// A `200` event stream whose body is `events`, after which the server closes the connection.
fn events_reply(events: &str) -> Reply {
    Reply::status(200)
        .header("content-type", "text/event-stream")
        .header("cache-control", "no-cache")
        .body(events)
        .close()
}

fn progress(step: i64, message: Option<&str>) -> Progress {
    Progress {
        step,
        message: message.map(str::to_owned),
    }
}

fn event(event: &str, id: Option<&str>, data: Progress) -> Event<Progress> {
    Event {
        event: event.to_owned(),
        id: id.map(str::to_owned),
        data,
    }
}

type Item = Result<Event<Progress>, EventError<WatchJobError>>;

/// Every item up to the end of the stream.
async fn drain(stream: &mut EventStream<Progress, WatchJobError>) -> Vec<Item> {
    let mut items = Vec::new();
    while let Some(item) = patiently(stream.next()).await {
        items.push(item);
    }
    items
}

/// The events of `items`, panicking at an error.
fn events_of(items: Vec<Item>) -> Vec<Event<Progress>> {
    items
        .into_iter()
        .map(|item| item.unwrap_or_else(|e| panic!("unexpected stream error: {e}")))
        .collect()
}

const FIRST_CONNECTION: &str = "retry: 10\n\
    : a comment\n\
    id: 1\n\
    data: {\"step\":1,\"message\":\"started\"}\n\
    \n\
    id: 2\n\
    event: progress\n\
    data: {\"step\":2}\n\
    \n";

#[tokio::test]
async fn event_stream_reconnects_with_last_event_id() {
    let server = TestServer::sequence([
        events_reply(FIRST_CONNECTION),
        events_reply("id: 3\r\ndata: {\"step\":3,\r\ndata: \"message\":\"done ✓\"}\r\n\r\n"),
        Reply::status(204),
    ])
    .await;
    let mut stream = patiently(client(&server).watch_job("job 7")).await.unwrap();
    let events = events_of(drain(&mut stream).await);
    assert_eq!(
        events,
        [
            event("message", Some("1"), progress(1, Some("started"))),
            event("progress", Some("2"), progress(2, None)),
            event("message", Some("3"), progress(3, Some("done ✓"))),
        ]
    );
    assert!(
        patiently(stream.next()).await.is_none(),
        "the stream stays ended"
    );
    assert_eq!(stream.reconnections(), 2);
    assert_eq!(stream.last_event_id(), Some("3"));

    let requests = server.requests();
    assert_eq!(requests.len(), 3, "{requests:#?}");
    let last_ids: Vec<_> = requests.iter().map(|r| r.header("last-event-id")).collect();
    assert_eq!(last_ids, [None, Some("2"), Some("3")]);
    for request in &requests {
        assert_eq!(request.method, "GET");
        assert_eq!(request.path, "/jobs/job%207/events");
        assert_eq!(request.header_all("accept"), ["text/event-stream"]);
        assert_eq!(request.header("authorization"), Some("Bearer k"));
    }
    // Each answer closed its connection: every reconnection is a new one.
    assert_eq!(
        requests.iter().map(|r| r.connection).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    // The reconnection waited for the server's `retry` (10 ms), not the default 3 s.
    for pair in requests.windows(2) {
        let gap = pair[1].received_at - pair[0].received_at;
        assert!(
            gap >= Duration::from_millis(10) && gap < Duration::from_secs(2),
            "{gap:?}"
        );
    }
}

#[tokio::test]
async fn event_stream_error_status_is_the_typed_error() {
    let server = TestServer::always(Reply::text(404, "no such job")).await;
    let err = patiently(client(&server).watch_job("j")).await.unwrap_err();
    // `watchJob` documents no error status: a 404 is unexpected, with the response kept.
    let err: Error<WatchJobError> = err;
    match &err {
        Error::UnexpectedStatus { response } => {
            assert_eq!(response.status().as_u16(), 404);
            assert_eq!(response.body(), b"no such job");
        }
        other => panic!("expected Error::UnexpectedStatus, got {other:?}"),
    }
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn event_stream_error_status_on_reconnect_ends_the_stream() {
    let server =
        TestServer::sequence([events_reply(FIRST_CONNECTION), Reply::text(403, "revoked")]).await;
    let mut stream = patiently(client(&server).watch_job("j")).await.unwrap();
    let mut items = drain(&mut stream).await;
    let last = items.pop().expect("an error at the end");
    assert_eq!(events_of(items).len(), 2);
    match last {
        Err(EventError::Request(Error::UnexpectedStatus { response })) => {
            assert_eq!(response.status().as_u16(), 403);
            assert_eq!(response.body(), b"revoked");
        }
        other => panic!("expected EventError::Request, got {other:?}"),
    }
    assert_eq!(server.hits(), 2);
    assert_eq!(server.request(1).header("last-event-id"), Some("2"));
}

#[tokio::test]
async fn event_stream_without_reconnects_ends_with_the_first_connection() {
    let server = TestServer::always(events_reply(FIRST_CONNECTION)).await;
    let stream = patiently(client(&server).watch_job("j")).await.unwrap();
    let mut stream = stream.max_reconnects(0);
    let events = events_of(drain(&mut stream).await);
    assert_eq!(
        events,
        [
            event("message", Some("1"), progress(1, Some("started"))),
            event("progress", Some("2"), progress(2, None)),
        ]
    );
    assert_eq!(stream.reconnections(), 0);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.hits(), 1, "no reconnection was made");
}

#[tokio::test]
async fn event_that_does_not_decode_is_an_error_and_the_stream_goes_on() {
    let server = TestServer::sequence([
        events_reply(
            "retry: 10\n\
            data: {\"step\":1}\n\n\
            id: 2\nevent: oops\ndata: {\"step\":\"two\"}\n\n\
            data: {\"step\":3}\n\n",
        ),
        Reply::status(204),
    ])
    .await;
    let mut stream = patiently(client(&server).watch_job("j")).await.unwrap();
    let mut items = drain(&mut stream).await.into_iter();
    assert_eq!(
        items.next().unwrap().unwrap(),
        event("message", None, progress(1, None))
    );
    match items.next().unwrap() {
        Err(EventError::Decode { source, event }) => {
            assert!(source.is_data(), "{source}");
            assert_eq!(event.event, "oops");
            assert_eq!(event.data, "{\"step\":\"two\"}");
            assert_eq!(event.id.as_deref(), Some("2"));
        }
        other => panic!("expected EventError::Decode, got {other:?}"),
    }
    assert_eq!(
        items.next().unwrap().unwrap(),
        event("message", Some("2"), progress(3, None))
    );
    assert!(items.next().is_none());
    assert_eq!(server.hits(), 2);
    assert_eq!(server.request(1).header("last-event-id"), Some("2"));
}

#[tokio::test]
async fn event_stream_answered_with_204_is_empty() {
    let server = TestServer::always(Reply::status(204)).await;
    let mut stream = patiently(client(&server).watch_job("j")).await.unwrap();
    assert!(drain(&mut stream).await.is_empty());
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn event_stream_is_not_cut_by_the_json_limit() {
    // 40 events of about 60 bytes each: 2.4 KiB on one connection, over a 1 KiB JSON limit.
    let body: String = std::iter::once("retry: 10\n".to_owned())
        .chain((1..=40).map(|i| {
            format!("id: {i}\ndata: {{\"step\":{i},\"message\":\"step {i:02} of forty\"}}\n\n")
        }))
        .collect();
    assert!(body.len() > 2048);
    let server = TestServer::sequence([events_reply(&body), Reply::status(204)]).await;
    let mut stream = patiently(capped_client(&server, None).watch_job("j"))
        .await
        .unwrap();
    let items = drain(&mut stream).await;
    let steps: Vec<i64> = events_of(items).iter().map(|e| e.data.step).collect();
    // An event stream is a long-lived body whose memory the event parser bounds: neither the
    // JSON limit nor the download limit cuts it.
    assert_eq!(steps, (1..=40).collect::<Vec<_>>());
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn answer_that_is_not_an_event_stream_is_an_error() {
    // A proxy's or a misrouted server's `200` with a JSON body, not `text/event-stream`.
    let server = TestServer::always(Reply::json(200, json!({"step": 1}))).await;
    let outcome = patiently(client(&server).watch_job("j")).await;
    let first = match outcome {
        Err(err) => Some(Err(EventError::Request(err))),
        Ok(stream) => {
            let mut stream = stream.max_reconnects(0);
            patiently(stream.next()).await
        }
    };
    // A success that is not `text/event-stream` is an error, not an empty stream.
    assert!(
        matches!(first, Some(Err(_))),
        "expected an error, got {first:?}"
    );
}
