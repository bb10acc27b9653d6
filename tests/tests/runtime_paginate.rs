//! Cursor pagination against the scripted server, through a hand-written
//! request builder like the ones the generator emits.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use sdk_tests::{Reply, TestServer};
use sdkgen_runtime::{
    json, BoxFuture, Client, Decoder, Error, Items, Method, Pages, Paginate, Request, RetryPolicy,
};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize)]
struct Page {
    items: Vec<u32>,
    next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct ApiErr {
    error: String,
}

fn page_ok(status: u16, body: &[u8]) -> Option<Result<Page, serde_json::Error>> {
    (status == 200).then(|| json(body))
}

fn api_err(status: u16, body: &[u8]) -> Option<Result<ApiErr, serde_json::Error>> {
    (status == 404).then(|| json(body))
}

/// What a generated builder of a paginated `GET /items` looks like.
#[derive(Clone)]
struct ListItems {
    client: Client,
    limit: u32,
    cursor: Option<String>,
}

impl ListItems {
    fn new(client: &Client) -> Self {
        ListItems {
            client: client.clone(),
            limit: 2,
            cursor: None,
        }
    }
}

impl Paginate for ListItems {
    type Page = Page;
    type Item = u32;
    type Error = ApiErr;

    fn set_cursor(&mut self, cursor: String) {
        self.cursor = Some(cursor);
    }

    fn fetch(self) -> BoxFuture<Result<Page, Error<ApiErr>>> {
        Box::pin(async move {
            let mut request = Request::new(Method::GET, "/items", "/items".into());
            request.query("limit", self.limit);
            if let Some(cursor) = &self.cursor {
                request.query("cursor", cursor);
            }
            self.client
                .send(request, Decoder::new(page_ok, api_err))
                .await
        })
    }

    fn next_cursor(page: &Page) -> Option<&str> {
        page.next_cursor.as_deref()
    }

    fn into_items(page: Page) -> Vec<u32> {
        page.items
    }

    fn endpoint(&self) -> (Method, &'static str) {
        (Method::GET, "/items")
    }
}

/// A server whose pages are chosen by the `cursor` query parameter
/// (`""` = no cursor).
async fn paged_server(pages: &[(&str, Reply)]) -> TestServer {
    let map: Arc<HashMap<String, Reply>> = Arc::new(
        pages
            .iter()
            .map(|(c, r)| ((*c).to_owned(), r.clone()))
            .collect(),
    );
    TestServer::start(move |req| {
        let cursor = req.query_param("cursor").unwrap_or_default();
        map.get(&cursor)
            .cloned()
            .unwrap_or_else(|| Reply::json(404, json!({"error": format!("no page {cursor}")})))
    })
    .await
}

fn page(items: &[u32], next: Option<&str>) -> Reply {
    Reply::json(200, json!({"items": items, "next_cursor": next}))
}

fn client(server: &TestServer) -> Client {
    Client::builder(&server.url())
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap()
}

fn cursors(server: &TestServer) -> Vec<Option<String>> {
    server
        .requests()
        .iter()
        .map(|r| r.query_param("cursor"))
        .collect()
}

#[tokio::test]
async fn items_of_all_pages_in_order_with_exact_cursors() {
    let server = paged_server(&[
        ("", page(&[1, 2], Some("p2"))),
        ("p2", page(&[3, 4], Some("p 3/ü"))),
        ("p 3/ü", page(&[5], None)),
    ])
    .await;
    let items: Vec<u32> = Items::new(ListItems::new(&client(&server)))
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(items, [1, 2, 3, 4, 5]);
    assert_eq!(
        cursors(&server),
        [None, Some("p2".into()), Some("p 3/ü".into())]
    );
    for r in server.requests() {
        assert_eq!(
            r.query_param("limit").as_deref(),
            Some("2"),
            "first builder's params kept"
        );
    }
}

#[tokio::test]
async fn pages_stream_yields_pages() {
    let server = paged_server(&[("", page(&[1, 2], Some("b"))), ("b", page(&[3], Some("")))]).await;
    let pages: Vec<Page> = Pages::new(ListItems::new(&client(&server)))
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[1].items, [3]);
    assert_eq!(server.hits(), 2, "an empty cursor ends the stream");
}

#[tokio::test]
async fn nothing_is_requested_until_polled_and_drop_stops() {
    // An endless sequence of pages.
    let server = TestServer::start(|req| {
        let n: u32 = req.query_param("cursor").map_or(0, |c| c.parse().unwrap());
        page(&[2 * n, 2 * n + 1], Some(&(n + 1).to_string()))
    })
    .await;
    let mut items = Items::new(ListItems::new(&client(&server)));
    tokio::time::sleep(Duration::from_millis(30)).await;
    assert_eq!(server.hits(), 0, "lazy");
    let mut first = Vec::new();
    for _ in 0..3 {
        first.push(items.next().await.unwrap().unwrap());
    }
    assert_eq!(first, [0, 1, 2]);
    assert_eq!(server.hits(), 2, "second page fetched only when needed");
    drop(items);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.hits(), 2, "no request after drop");
}

#[tokio::test]
async fn error_mid_stream_after_earlier_items_then_end() {
    let server = paged_server(&[("", page(&[1, 2], Some("missing")))]).await;
    let mut items = Items::new(ListItems::new(&client(&server)));
    assert_eq!(items.next().await.unwrap().unwrap(), 1);
    assert_eq!(items.next().await.unwrap().unwrap(), 2);
    let err = items.next().await.unwrap().unwrap_err();
    assert_eq!(err.api_error().unwrap().error, "no page missing");
    assert_eq!(err.status().unwrap().as_u16(), 404);
    for _ in 0..3 {
        assert!(items.next().await.is_none(), "fused after the error");
    }
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn transport_error_mid_stream() {
    let server = TestServer::sequence([page(&[1], Some("x")), Reply::close_connection()]).await;
    let results: Vec<_> = Items::new(ListItems::new(&client(&server))).collect().await;
    assert_eq!(results.len(), 2);
    assert_eq!(*results[0].as_ref().unwrap(), 1);
    assert!(
        matches!(results[1], Err(Error::Transport { .. })),
        "{:?}",
        results[1]
    );
}

#[tokio::test]
async fn repeated_cursor_is_an_error() {
    let server = paged_server(&[
        ("", page(&[1], Some("a"))),
        ("a", page(&[2], Some("b"))),
        ("b", page(&[3], Some("a"))),
    ])
    .await;
    let results: Vec<_> = Items::new(ListItems::new(&client(&server))).collect().await;
    assert_eq!(results.len(), 4);
    let items: Vec<u32> = results[..3].iter().map(|r| *r.as_ref().unwrap()).collect();
    assert_eq!(items, [1, 2, 3]);
    match &results[3] {
        Err(err @ Error::RepeatedCursor { cursor, .. }) => {
            assert_eq!(cursor, "a");
            assert_eq!(err.method(), Method::GET);
            assert_eq!(err.path(), "/items");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn empty_first_page_ends_at_once() {
    let server = paged_server(&[("", page(&[], Some("more"))), ("more", page(&[9], None))]).await;
    let results: Vec<_> = Items::new(ListItems::new(&client(&server))).collect().await;
    assert!(results.is_empty());
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn none_cursor_ends() {
    let server = paged_server(&[("", page(&[4, 5, 6], None))]).await;
    let items: Vec<u32> = Pages::new(ListItems::new(&client(&server)))
        .items()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(items, [4, 5, 6]);
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn streams_can_move_to_other_tasks() {
    let server = paged_server(&[("", page(&[1], Some("n"))), ("n", page(&[2], None))]).await;
    let stream = Items::new(ListItems::new(&client(&server)));
    let items = tokio::spawn(async move { stream.map(Result::unwrap).collect::<Vec<_>>().await })
        .await
        .unwrap();
    assert_eq!(items, [1, 2]);
}
