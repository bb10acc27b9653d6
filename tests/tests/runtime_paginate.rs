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

/// Live and peak heap bytes allocated by each thread, so that a test running
/// a stream synchronously on its own thread measures only that stream.
mod heap {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    struct Counting;

    thread_local! {
        static LIVE: Cell<isize> = const { Cell::new(0) };
        static PEAK: Cell<isize> = const { Cell::new(0) };
    }

    fn add(delta: isize) {
        let _ = LIVE.try_with(|live| {
            let now = live.get() + delta;
            live.set(now);
            let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
        });
    }

    // SAFETY: every call is forwarded to `System` unchanged; the bookkeeping
    // touches only const-initialised thread-locals without destructors,
    // which never allocate.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: the caller's contract is `System.alloc`'s.
            let p = unsafe { System.alloc(layout) };
            if !p.is_null() {
                add(layout.size() as isize);
            }
            p
        }

        unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
            // SAFETY: `p` was allocated by `System` with `layout`.
            unsafe { System.dealloc(p, layout) };
            add(-(layout.size() as isize));
        }

        unsafe fn realloc(&self, p: *mut u8, layout: Layout, size: usize) -> *mut u8 {
            // SAFETY: `p` was allocated by `System` with `layout`.
            let q = unsafe { System.realloc(p, layout, size) };
            if !q.is_null() {
                add(size as isize - layout.size() as isize);
            }
            q
        }
    }

    #[global_allocator]
    static COUNTING: Counting = Counting;

    /// Runs `f` and returns the peak of live bytes, above the level at the
    /// start, allocated on this thread while it ran.
    pub fn peak_during(f: impl FnOnce()) -> isize {
        let start = LIVE.with(Cell::get);
        PEAK.with(|peak| peak.set(start));
        f();
        PEAK.with(Cell::get) - start
    }
}

/// An in-memory operation with `pages` pages of two items each; page `n`
/// (from 0) has the cursor `n + 1` in eight digits, the last none. It
/// records nothing, so the only state that could grow is the stream's.
#[derive(Clone)]
struct Counter {
    pages: usize,
    cursor: Option<String>,
}

impl Paginate for Counter {
    type Page = (Vec<u32>, Option<String>);
    type Item = u32;
    type Error = ApiErr;

    fn set_cursor(&mut self, cursor: String) {
        self.cursor = Some(cursor);
    }

    fn fetch(self) -> BoxFuture<Result<Self::Page, Error<ApiErr>>> {
        Box::pin(async move {
            let n = self.cursor.map_or(0, |c| c.parse::<usize>().unwrap());
            let next = (n + 1 < self.pages).then(|| format!("{:08}", n + 1));
            Ok((vec![2 * n as u32, 2 * n as u32 + 1], next))
        })
    }

    fn next_cursor(page: &Self::Page) -> Option<&str> {
        page.1.as_deref()
    }

    fn into_items(page: Self::Page) -> Vec<u32> {
        page.0
    }
}

/// Drains the items of a `Counter` of `pages` pages on this thread (its
/// futures are always ready), checking them without keeping them.
fn drain(pages: usize) {
    let waker = futures_util::task::noop_waker();
    let mut cx = std::task::Context::from_waker(&waker);
    let mut stream = Items::new(Counter {
        pages,
        cursor: None,
    });
    let mut expected = 0;
    while let std::task::Poll::Ready(Some(item)) = stream.poll_next_unpin(&mut cx) {
        assert_eq!(item.unwrap(), expected);
        expected += 1;
    }
    assert_eq!(expected as usize, 2 * pages);
}

#[test]
fn peak_heap_of_a_stream_does_not_grow_with_the_number_of_pages() {
    drain(10); // lazily initialised statics, if any
    let small = heap::peak_during(|| drain(100));
    let large = heap::peak_during(|| drain(10_000));
    assert!(small > 0);
    assert_eq!(
        large, small,
        "peak live heap: {small} B over 100 pages, {large} B over 10,000 pages"
    );
}

/// A server of numbered pages: the request without cursor is page 0, cursor
/// `"n"` page `n`; page `n` has the item `n` and the cursor `n + 1`, except
/// that page `last` has the cursor `back_to` (`None`: no cursor).
async fn numbered_server(last: u32, back_to: Option<u32>) -> TestServer {
    TestServer::start(move |req| {
        let n: u32 = req.query_param("cursor").map_or(0, |c| c.parse().unwrap());
        let next = if n == last { back_to } else { Some(n + 1) };
        page(&[n], next.map(|n| n.to_string()).as_deref())
    })
    .await
}

/// Collects the items of `server` up to the first error, which it returns.
async fn items_until_error(server: &TestServer) -> (Vec<u32>, Option<Error<ApiErr>>) {
    let mut items = Vec::new();
    let mut stream = Items::new(ListItems::new(&client(server)));
    while let Some(result) = stream.next().await {
        match result {
            Ok(item) => items.push(item),
            Err(err) => {
                assert!(stream.next().await.is_none(), "the error ends the stream");
                return (items, Some(err));
            }
        }
    }
    (items, None)
}

fn repeated(err: Option<Error<ApiErr>>) -> String {
    match err {
        Some(Error::RepeatedCursor { cursor, request }) => {
            assert_eq!(request.template(), "/items");
            cursor
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_long_cursor_cycle_ends_with_repeated_cursor_within_the_bound() {
    // Page 1 (no cursor) carries "k0", page j + 1 carries "k<j>", and page 40
    // carries "k39" whose page carries "k0" again: 40 cursors in a cycle from
    // page 1, first repeated by page R = 41. Too long for the 16 latest
    // cursors, so Brent's checkpoint catches it: the checkpoint becomes
    // page 64's cursor, which page 64 + 40 = 104 carries again.
    let server = TestServer::start(|req| {
        let next = match req.query_param("cursor") {
            None => 0,
            Some(c) => (c.trim_start_matches('k').parse::<u32>().unwrap() + 1) % 40,
        };
        page(&[next], Some(&format!("k{next}")))
    })
    .await;
    let (items, err) = items_until_error(&server).await;
    assert_eq!(repeated(err), "k23", "page 64's cursor, k(63 mod 40)");
    assert_eq!(server.hits(), 104);
    assert!(server.hits() < 3 * 41, "fewer than 3R pages");
    let expected: Vec<u32> = (0..104).map(|n| n % 40).collect();
    assert_eq!(items, expected, "every page once, then 63 pages again");
    let mut requested = cursors(&server).into_iter();
    assert_eq!(requested.next(), Some(None));
    for (n, cursor) in requested.enumerate() {
        assert_eq!(cursor, Some(format!("k{}", n % 40)));
    }
}

#[tokio::test]
async fn a_repeat_of_one_of_the_16_latest_cursors_is_reported_at_once() {
    // Pages 1..=31 carry "1".."30" and then "15": page 31 repeats the cursor
    // of page 15, 16 pages back.
    let server = numbered_server(30, Some(15)).await;
    let (items, err) = items_until_error(&server).await;
    assert_eq!(repeated(err), "15");
    assert_eq!(items, (0..=30).collect::<Vec<_>>(), "no page twice");
    assert_eq!(server.hits(), 31);
}

#[tokio::test]
async fn a_repeat_from_17_pages_back_is_reported_within_the_bound() {
    // Page 31 repeats the cursor of page 14 (m = 14, L = 17, R = 31): the
    // checkpoint, page 32's cursor "15", comes back with page 32 + 17 = 49.
    let server = numbered_server(30, Some(14)).await;
    let (items, err) = items_until_error(&server).await;
    assert_eq!(repeated(err), "15");
    assert_eq!(server.hits(), 49);
    let mut expected: Vec<u32> = (0..=30).collect();
    expected.extend(14..=30);
    expected.push(14);
    assert_eq!(items, expected);
}

#[tokio::test]
async fn many_pages_with_distinct_cursors_end_normally() {
    let server = numbered_server(1_999, None).await;
    let (items, err) = items_until_error(&server).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(items, (0..2_000).collect::<Vec<_>>());
    assert_eq!(server.hits(), 2_000);
}
