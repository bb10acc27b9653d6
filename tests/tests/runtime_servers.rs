//! Operations with their own server (`servers` on a path or an operation): the request goes to
//! the operation's base URL while the client has its default one, and to the client's base URL
//! once the caller has set one on the builder.

use sdk_tests::{Reply, TestServer};
use sdkgen_runtime::{empty, Client, Decoder, Error, Method, Request, RetryPolicy};

fn no_content(status: u16, body: &[u8]) -> Option<Result<(), serde_json::Error>> {
    (200..300).contains(&status).then(|| empty(body))
}

fn no_error(_status: u16, _body: &[u8]) -> Option<Result<(), serde_json::Error>> {
    None
}

const DECODER: Decoder<(), ()> = Decoder {
    success: no_content,
    error: no_error,
};

/// A request as a generated builder makes it for an operation served at `server`.
fn upload(server: Option<&'static str>) -> Request {
    let mut request = Request::new(Method::POST, "/uploads/{id}", "/uploads/7".to_owned());
    if let Some(server) = server {
        request.server(server);
    }
    request
}

fn leak(url: String) -> &'static str {
    Box::leak(url.into_boxed_str())
}

#[tokio::test]
async fn operation_server_is_used_with_the_default_base_url() {
    let main = TestServer::always(Reply::status(204)).await;
    let uploads = TestServer::always(Reply::status(204)).await;
    let client = Client::builder(&main.url())
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();

    let operation_url = leak(format!("{}/v2/", uploads.url()));
    client
        .send(upload(Some(operation_url)), DECODER)
        .await
        .unwrap();
    assert_eq!(uploads.hits(), 1);
    assert_eq!(main.hits(), 0);
    // The operation's base path is kept, its trailing slash is not doubled.
    assert_eq!(uploads.request(0).path, "/v2/uploads/7");

    // Operations without a server of their own still use the client's.
    client.send(upload(None), DECODER).await.unwrap();
    assert_eq!(main.hits(), 1);
    assert_eq!(main.request(0).path, "/uploads/7");
}

#[tokio::test]
async fn base_url_set_by_the_caller_wins_over_the_operation_server() {
    let main = TestServer::always(Reply::status(204)).await;
    let uploads = TestServer::always(Reply::status(204)).await;
    // The default is some unused address; the caller points the client at `main`.
    let client = Client::builder("http://127.0.0.1:9")
        .base_url(main.url())
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();

    client
        .send(upload(Some(leak(uploads.url()))), DECODER)
        .await
        .unwrap();
    assert_eq!(main.hits(), 1);
    assert_eq!(uploads.hits(), 0);
}

#[tokio::test]
async fn invalid_operation_server_is_an_invalid_request() {
    let main = TestServer::always(Reply::status(204)).await;
    let client = Client::builder(&main.url())
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();

    let err = client
        .send(upload(Some("not a url")), DECODER)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert_eq!(main.hits(), 0);
}

#[test]
fn operation_server_is_visible_on_the_request() {
    let request = upload(Some("https://uploads.example.test"));
    assert_eq!(
        request.operation_server(),
        Some("https://uploads.example.test")
    );
    assert_eq!(upload(None).operation_server(), None);
}
