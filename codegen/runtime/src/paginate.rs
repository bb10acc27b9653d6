//! Lazy streams over cursor-paginated operations.
//!
//! # Repeated cursors
//!
//! A server that hands out a cursor it handed out before would make a naive
//! loop run forever. [`Pages`] and [`Items`] end with
//! [`Error::RepeatedCursor`] instead, and what they remember to notice it
//! does not grow with the number of pages.
//!
//! Number the pages 1, 2, 3, … in the order they are fetched; page *n*
//! carries the cursor *c(n)*, the one that requests page *n* + 1. Let page
//! *R* be the first page whose cursor an earlier page *m* already carried:
//! *c(R)* = *c(m)*, *m* < *R*, and let *L* = *R* − *m*.
//!
//! * **At once when *L* ≤ 16.** A cursor equal to one of the 16 latest
//!   cursors is caught when its page arrives: the stream yields page *R*,
//!   then the error (with the cursor *c(R)*). No page is requested twice.
//! * **Within a bound otherwise.** When *L* > 16, and the server answers a
//!   cursor with the same next cursor every time (so the cursors from page
//!   *m* on repeat with period *L*), the stream yields page *P* + *L*, then
//!   the error (with the cursor *c(P)*), where *P* is the smallest power of
//!   two ≥ max(*m*, *L*). That is fewer than 3*R* pages in all, so fewer
//!   than 2*R* pages are requested (and their items yielded) a second time.
//!   For example, 40 cursors in a cycle from page 1 (*m* = 1, *L* = 40,
//!   *R* = 41) end the stream after page 64 + 40 = 104.
//! * **Never falsely.** The error is reported only for a cursor equal, byte
//!   for byte, to an earlier one; distinct cursors never trigger it.
//!
//! The bounded rule is Brent's cycle detection: besides the 16 latest
//! cursors, the stream keeps one checkpoint, the cursor of the latest page
//! whose number is a power of two, and compares every new cursor with it. A
//! server that answers the same cursor differently on different requests may
//! revisit cursors more than 16 pages apart without hitting the checkpoint;
//! the stream then ends only when the server stops returning cursors.
//!
//! **Memory.** Apart from the request in flight and (for [`Items`]) the
//! current page's items, a stream holds at most 17 cursors however many
//! pages it follows: the 16 latest and the checkpoint, each as its bytes,
//! a 64-bit hash (which makes most comparisons one integer comparison) and a
//! pointer.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::hash::Hasher;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures_core::{FusedStream, Stream};
use reqwest::Method;

use crate::error::{Error, RequestContext};

/// A boxed, sendable future, as returned by [`Paginate::fetch`].
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// Implemented by the generated request builder of a cursor-paginated
/// operation.
///
/// The builder is `'static` (it owns a clone of the client), so a stream can
/// clone it for every page.
pub trait Paginate: Clone + Send + Sized + 'static {
    /// One page of results (the operation's success body).
    type Page: Send + 'static;
    /// One item of a page.
    type Item: Send + 'static;
    /// The operation's documented error body.
    type Error: Send + 'static;

    /// Sets the cursor parameter for the next request.
    fn set_cursor(&mut self, cursor: String);

    /// Sends the request.
    fn fetch(self) -> BoxFuture<Result<Self::Page, Error<Self::Error>>>;

    /// The cursor of the page after `page`; `None` or an empty string on the
    /// last page.
    fn next_cursor(page: &Self::Page) -> Option<&str>;

    /// The items of a page.
    fn into_items(page: Self::Page) -> Vec<Self::Item>;

    /// The number of items of a page, if known without consuming it. When it
    /// returns `Some(0)`, [`Pages`] ends after that page; [`Items`] always
    /// ends after an empty page. The default returns `None`.
    fn item_count(page: &Self::Page) -> Option<usize> {
        let _ = page;
        None
    }

    /// The method and path template of the operation, used only to describe
    /// [`Error::RepeatedCursor`]. The default returns `GET` and an empty
    /// template.
    fn endpoint(&self) -> (Method, &'static str) {
        (Method::GET, "")
    }
}

type PageResult<P> = Result<<P as Paginate>::Page, Error<<P as Paginate>::Error>>;

enum State<P: Paginate> {
    /// The next request, not sent yet.
    Next(P),
    /// A request in flight.
    Fetching(BoxFuture<PageResult<P>>),
    /// An error to yield before ending.
    Fail(Box<Error<P::Error>>),
    /// Ended.
    Done,
}

/// A stream of the pages of a paginated operation.
///
/// * Lazy: nothing is sent until the stream is polled, and the next page is
///   requested only when the previous one has been taken.
/// * The first request uses the builder as given; every later request is a
///   clone of that first builder with [`Paginate::set_cursor`] set to the
///   previous page's cursor.
/// * The stream ends after a page without cursor (or with an empty one),
///   after an empty page (see [`Paginate::item_count`]), or after an error,
///   which is yielded once. It then returns `None` forever.
/// * A cursor that repeats an earlier one ends the stream with
///   [`Error::RepeatedCursor`], yielded after the page that carried it: that
///   page's, if the cursor is one of the 16 latest; otherwise, for a server
///   cycling through *L* > 16 cursors from page *m* on, that of page
///   *P* + *L*, where *P* is the smallest power of two ≥ max(*m*, *L*) —
///   fewer than three times as many pages as up to the first repeat.
/// * Whatever the number of pages, the stream holds at most 17 cursors (the
///   16 latest and one checkpoint) besides the current page.
/// * Dropping the stream stops fetching.
pub struct Pages<P: Paginate> {
    first: P,
    state: State<P>,
    cursors: CursorGuard,
}

// The stream never pins `P` or the page; the only future is boxed.
impl<P: Paginate> Unpin for Pages<P> {}

impl<P: Paginate> Pages<P> {
    /// A stream starting with the request `first`.
    pub fn new(first: P) -> Self {
        Pages {
            state: State::Next(first.clone()),
            first,
            cursors: CursorGuard::new(),
        }
    }

    /// The items of every page, one by one.
    pub fn items(self) -> Items<P> {
        Items {
            pages: self,
            current: Vec::new().into_iter(),
        }
    }

    /// Ends the stream (used by [`Items`] after an empty page).
    fn finish(&mut self) {
        self.state = State::Done;
    }

    /// Decides what follows `page`.
    fn after_page(&mut self, page: &P::Page) -> State<P> {
        if P::item_count(page) == Some(0) {
            return State::Done;
        }
        let cursor = match P::next_cursor(page) {
            None | Some("") => return State::Done,
            Some(cursor) => cursor,
        };
        if self.cursors.repeats(cursor) {
            let (method, template) = self.first.endpoint();
            let mut request = RequestContext::new(method, template, template.to_owned());
            request.count_attempt();
            return State::Fail(Box::new(Error::RepeatedCursor {
                request,
                cursor: cursor.to_owned(),
            }));
        }
        let mut next = self.first.clone();
        next.set_cursor(cursor.to_owned());
        State::Next(next)
    }
}

impl<P: Paginate> Stream for Pages<P> {
    type Item = PageResult<P>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match std::mem::replace(&mut this.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Fail(error) => return Poll::Ready(Some(Err(*error))),
                State::Next(request) => this.state = State::Fetching(request.fetch()),
                State::Fetching(mut future) => match future.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = State::Fetching(future);
                        return Poll::Pending;
                    }
                    Poll::Ready(Err(error)) => return Poll::Ready(Some(Err(error))),
                    Poll::Ready(Ok(page)) => {
                        this.state = this.after_page(&page);
                        return Poll::Ready(Some(Ok(page)));
                    }
                },
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self.state {
            State::Done => (0, Some(0)),
            State::Fail(_) => (1, Some(1)),
            _ => (0, None),
        }
    }
}

impl<P: Paginate> FusedStream for Pages<P> {
    fn is_terminated(&self) -> bool {
        matches!(self.state, State::Done)
    }
}

impl<P: Paginate> fmt::Debug for Pages<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            State::Next(_) => "next",
            State::Fetching(_) => "fetching",
            State::Fail(_) => "failing",
            State::Done => "done",
        };
        f.debug_struct("Pages")
            .field("state", &state)
            .field("cursors_seen", &self.cursors.count)
            .finish()
    }
}

/// How many of the latest cursors [`CursorGuard`] compares a new one with.
const WINDOW: usize = 16;

/// A remembered cursor.
struct Seen {
    hash: u64,
    cursor: Box<str>,
}

/// Notices repeated cursors in constant memory (see the module
/// documentation): the [`WINDOW`] latest cursors, plus Brent's checkpoint.
struct CursorGuard {
    /// The latest cursors, oldest first; at most [`WINDOW`].
    window: VecDeque<Seen>,
    /// Cursor number 2^k (counting from 1), for the largest 2^k ≤ `count`.
    checkpoint: Option<Seen>,
    /// How many cursors have been accepted.
    count: u64,
    /// Hashes a cursor; only a test replaces it.
    hash: fn(&str) -> u64,
}

/// A fixed-key SipHash of the cursor's bytes.
fn hash_cursor(cursor: &str) -> u64 {
    // `DefaultHasher::new` always uses the same keys: equal cursors hash
    // alike for the life of the stream, which is all that is needed.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    hasher.write(cursor.as_bytes());
    hasher.finish()
}

impl CursorGuard {
    fn new() -> Self {
        Self::with_hash(hash_cursor)
    }

    fn with_hash(hash: fn(&str) -> u64) -> Self {
        CursorGuard {
            window: VecDeque::new(),
            checkpoint: None,
            count: 0,
            hash,
        }
    }

    /// Whether `cursor`, the cursor of the page just received, equals one of
    /// the latest [`WINDOW`] cursors or the checkpoint. If not, it is
    /// accepted as the latest cursor.
    fn repeats(&mut self, cursor: &str) -> bool {
        let hash = (self.hash)(cursor);
        // Hashes first; strings only on a hash match, so a collision is
        // never taken for a repeat.
        let same = |seen: &Seen| seen.hash == hash && *seen.cursor == *cursor;
        if self.window.iter().any(same) || self.checkpoint.as_ref().is_some_and(same) {
            return true;
        }
        if self.window.len() == WINDOW {
            self.window.pop_front();
        } else if self.window.capacity() == 0 {
            // Allocated at the first cursor only: most streams have one page.
            self.window.reserve_exact(WINDOW);
        }
        self.window.push_back(Seen {
            hash,
            cursor: cursor.into(),
        });
        self.count += 1;
        if self.count.is_power_of_two() {
            self.checkpoint = Some(Seen {
                hash,
                cursor: cursor.into(),
            });
        }
        false
    }
}

/// A stream of the items of a paginated operation, page after page.
///
/// It follows the rules of [`Pages`]; in addition it ends after a page
/// without items. Only the current page's items are held in memory, and the
/// next page is requested when they have all been yielded.
pub struct Items<P: Paginate> {
    pages: Pages<P>,
    current: std::vec::IntoIter<P::Item>,
}

impl<P: Paginate> Unpin for Items<P> {}

impl<P: Paginate> Items<P> {
    /// A stream starting with the request `first`.
    pub fn new(first: P) -> Self {
        Pages::new(first).items()
    }
}

impl<P: Paginate> Stream for Items<P> {
    type Item = Result<P::Item, Error<P::Error>>;

    // The item at hand is the path taken for nearly every call: small and always inlined, so
    // that the item is moved once, into the caller's place, rather than through each frame of
    // the page-fetching path, which is kept out of line.
    #[inline(always)]
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        match this.current.next() {
            Some(item) => Poll::Ready(Some(Ok(item))),
            None => this.poll_page(cx),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let buffered = self.current.len();
        if self.pages.is_terminated() {
            (buffered, Some(buffered))
        } else {
            (buffered, None)
        }
    }
}

impl<P: Paginate> Items<P> {
    /// The next item once the current page is used up: the next page's first.
    #[inline(never)]
    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<<Self as Stream>::Item>> {
        loop {
            if let Some(item) = self.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(Pin::new(&mut self.pages).poll_next(cx)) {
                None => return Poll::Ready(None),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                Some(Ok(page)) => {
                    let items = P::into_items(page);
                    if items.is_empty() {
                        self.pages.finish();
                        return Poll::Ready(None);
                    }
                    self.current = items.into_iter();
                }
            }
        }
    }
}

impl<P: Paginate> FusedStream for Items<P> {
    fn is_terminated(&self) -> bool {
        self.current.len() == 0 && self.pages.is_terminated()
    }
}

impl<P: Paginate> fmt::Debug for Items<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.current.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::task::Waker;

    type Script = Vec<Result<(Vec<u32>, Option<&'static str>), u16>>;

    /// A fake operation over a fixed script of pages: page `i` is
    /// `(items, next_cursor)`; the cursor "c<i>" selects page `i`.
    #[derive(Clone)]
    struct Fake {
        script: Arc<Script>,
        cursor: Option<String>,
        fetched: Arc<Mutex<Vec<Option<String>>>>,
        count: Arc<AtomicUsize>,
    }

    impl Paginate for Fake {
        type Page = (Vec<u32>, Option<&'static str>);
        type Item = u32;
        type Error = u16;

        fn set_cursor(&mut self, cursor: String) {
            self.cursor = Some(cursor);
        }

        fn fetch(self) -> BoxFuture<Result<Self::Page, Error<u16>>> {
            Box::pin(async move {
                self.count.fetch_add(1, Ordering::SeqCst);
                self.fetched.lock().unwrap().push(self.cursor.clone());
                let index = match &self.cursor {
                    None => 0,
                    Some(c) => c.trim_start_matches('c').parse::<usize>().unwrap(),
                };
                match &self.script[index] {
                    Ok(page) => Ok(page.clone()),
                    Err(code) => Err(Error::InvalidRequest {
                        request: RequestContext::new(Method::GET, "/x", "/x".into()),
                        message: code.to_string(),
                    }),
                }
            })
        }

        fn next_cursor(page: &Self::Page) -> Option<&str> {
            page.1
        }

        fn into_items(page: Self::Page) -> Vec<u32> {
            page.0
        }

        fn endpoint(&self) -> (Method, &'static str) {
            (Method::POST, "/search")
        }
    }

    fn fake(script: Script) -> Fake {
        Fake {
            script: Arc::new(script),
            cursor: None,
            fetched: Arc::default(),
            count: Arc::default(),
        }
    }

    /// Polls a stream whose futures are always ready to completion.
    fn collect<S: Stream + Unpin>(mut s: S) -> Vec<S::Item> {
        let mut cx = Context::from_waker(Waker::noop());
        let mut out = Vec::new();
        loop {
            match Pin::new(&mut s).poll_next(&mut cx) {
                Poll::Ready(Some(item)) => out.push(item),
                Poll::Ready(None) => break,
                Poll::Pending => panic!("fake futures are always ready"),
            }
        }
        for _ in 0..3 {
            assert!(matches!(
                Pin::new(&mut s).poll_next(&mut cx),
                Poll::Ready(None)
            ));
        }
        out
    }

    #[test]
    fn items_in_order_with_cursor_sequence() {
        let f = fake(vec![
            Ok((vec![1, 2], Some("c1"))),
            Ok((vec![3], Some("c2"))),
            Ok((vec![4, 5], None)),
        ]);
        let items: Vec<u32> = collect(Items::new(f.clone()))
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(items, [1, 2, 3, 4, 5]);
        assert_eq!(
            *f.fetched.lock().unwrap(),
            [None, Some("c1".into()), Some("c2".into())]
        );
    }

    #[test]
    fn lazy_until_polled() {
        let f = fake(vec![Ok((vec![1], None))]);
        let pages = Pages::new(f.clone());
        assert_eq!(f.count.load(Ordering::SeqCst), 0);
        drop(pages);
        assert_eq!(f.count.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn empty_cursor_and_empty_page_end() {
        let f = fake(vec![Ok((vec![1], Some("")))]);
        assert_eq!(collect(Pages::new(f.clone())).len(), 1);
        let f = fake(vec![Ok((vec![], Some("c1"))), Ok((vec![2], None))]);
        assert!(collect(Items::new(f.clone())).is_empty());
        assert_eq!(f.count.load(Ordering::SeqCst), 1);
        // Pages cannot see emptiness without item_count: it follows the cursor.
        let f = fake(vec![Ok((vec![], Some("c1"))), Ok((vec![2], None))]);
        assert_eq!(collect(Pages::new(f.clone())).len(), 2);
    }

    #[test]
    fn error_after_items_then_end() {
        let f = fake(vec![Ok((vec![1, 2], Some("c1"))), Err(503)]);
        let out = collect(Items::new(f.clone()));
        assert_eq!(out.len(), 3);
        assert_eq!(*out[0].as_ref().unwrap(), 1);
        assert_eq!(*out[1].as_ref().unwrap(), 2);
        assert!(matches!(&out[2], Err(Error::InvalidRequest { message, .. }) if message == "503"));
    }

    #[test]
    fn repeated_cursor() {
        let f = fake(vec![
            Ok((vec![1], Some("c1"))),
            Ok((vec![2], Some("c2"))),
            Ok((vec![3], Some("c1"))),
        ]);
        let out = collect(Items::new(f.clone()));
        assert_eq!(out.len(), 4);
        match &out[3] {
            Err(Error::RepeatedCursor { cursor, request }) => {
                assert_eq!(cursor, "c1");
                assert_eq!(request.method(), Method::POST);
                assert_eq!(request.template(), "/search");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(f.count.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn streams_are_send_and_unpin() {
        fn check<T: Send + Unpin>() {}
        check::<Pages<Fake>>();
        check::<Items<Fake>>();
    }

    impl CursorGuard {
        /// The bytes the guard holds on the heap.
        fn heap_bytes(&self) -> usize {
            let cursors: usize = self
                .window
                .iter()
                .chain(&self.checkpoint)
                .map(|seen| seen.cursor.len())
                .sum();
            self.window.capacity() * std::mem::size_of::<Seen>() + cursors
        }
    }

    /// The page after which the module documentation says a cycle of `l`
    /// cursors from page `m` on is reported.
    fn documented_report(m: u64, l: u64) -> u64 {
        if l <= WINDOW as u64 {
            m + l
        } else {
            m.max(l).next_power_of_two() + l
        }
    }

    /// Feeds `cursor(1)`, `cursor(2)`, … to `guard`; the number of the first
    /// one it reports as a repeat, if any up to `limit`.
    fn first_report(
        guard: &mut CursorGuard,
        cursor: impl Fn(u64) -> String,
        limit: u64,
    ) -> Option<u64> {
        (1..=limit).find(|&n| guard.repeats(&cursor(n)))
    }

    /// Page `n`'s cursor when pages `m..m + l` repeat forever.
    fn cycle(m: u64, l: u64) -> impl Fn(u64) -> String {
        move |n| {
            let n = if n < m + l { n } else { m + (n - m) % l };
            format!("cursor-{n}")
        }
    }

    #[test]
    fn guard_reports_every_cycle_exactly_when_documented() {
        for m in 1..=80 {
            for l in 1..=80 {
                let r = m + l;
                let found = first_report(&mut CursorGuard::new(), cycle(m, l), 10 * r);
                assert_eq!(found, Some(documented_report(m, l)), "m = {m}, l = {l}");
                assert!(found.unwrap() < 3 * r, "m = {m}, l = {l}");
                if l <= WINDOW as u64 {
                    assert_eq!(found, Some(r), "at once: m = {m}, l = {l}");
                }
            }
        }
        // The example of the module documentation.
        assert_eq!(documented_report(1, 40), 104);
    }

    #[test]
    fn guard_compares_cursors_not_just_hashes() {
        let collide = |_: &str| 7;
        // Distinct cursors with equal hashes are not repeats.
        let mut guard = CursorGuard::with_hash(collide);
        let distinct = |n: u64| format!("cursor-{n}");
        assert_eq!(first_report(&mut guard, distinct, 10_000), None);
        // Real repeats are still found, and when documented.
        for (m, l) in [(1, 1), (5, 16), (5, 17), (1, 40), (100, 3), (100, 60)] {
            let mut guard = CursorGuard::with_hash(collide);
            let found = first_report(&mut guard, cycle(m, l), 1_000);
            assert_eq!(found, Some(documented_report(m, l)), "m = {m}, l = {l}");
        }
    }

    #[test]
    fn guard_memory_is_bounded_after_ten_thousand_cursors() {
        let mut guard = CursorGuard::new();
        assert_eq!(guard.heap_bytes(), 0, "nothing before the first cursor");
        let cursor = |n: u64| format!("cursor-{n:08}"); // 15 bytes each
        let mut at_100 = 0;
        let mut most = 0;
        for n in 1..=10_000 {
            assert!(!guard.repeats(&cursor(n)), "cursor {n} is new");
            most = most.max(guard.heap_bytes());
            if n == 100 {
                at_100 = guard.heap_bytes();
            }
        }
        assert_eq!(guard.count, 10_000);
        assert_eq!(guard.window.len(), WINDOW);
        assert_eq!(guard.window.capacity(), WINDOW);
        assert_eq!(most, at_100, "no growth between 100 and 10,000 cursors");
        let bound = (WINDOW + 1) * (std::mem::size_of::<Seen>() + 15);
        assert!(most <= bound, "{most} B > {bound} B");
        // The checkpoint is cursor 8192, the latest power of two.
        assert_eq!(&*guard.checkpoint.as_ref().unwrap().cursor, cursor(8192));
        // Long cursors: still at most 17 of them.
        let long = |n: u64| format!("{n:08}{}", "x".repeat(4_000));
        let mut guard = CursorGuard::new();
        assert_eq!(first_report(&mut guard, long, 2_000), None);
        let bound = (WINDOW + 1) * (std::mem::size_of::<Seen>() + 4_008);
        assert!(guard.heap_bytes() <= bound);
    }

    #[test]
    fn long_cycle_through_pages() {
        // Cursors c1 … c40, then c1 again: reported after page 104.
        let name = |i: usize| -> &'static str { format!("c{i}").leak() };
        let script: Script = (0..=40)
            .map(|i| Ok((vec![i as u32], Some(name(i % 40 + 1)))))
            .collect();
        let f = fake(script);
        let out = collect(Pages::new(f.clone()));
        assert_eq!(out.len(), 105);
        assert!(out[..104].iter().all(Result::is_ok));
        match &out[104] {
            Err(Error::RepeatedCursor { cursor, .. }) => assert_eq!(cursor, "c24"),
            other => panic!("{other:?}"),
        }
        assert_eq!(f.count.load(Ordering::SeqCst), 104);
    }
}
