//! Lazy streams over cursor-paginated operations.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
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
/// * A cursor that was already seen ends the stream with
///   [`Error::RepeatedCursor`], yielded after the page that carried it.
/// * Dropping the stream stops fetching.
pub struct Pages<P: Paginate> {
    first: P,
    state: State<P>,
    seen: HashSet<String>,
}

// The stream never pins `P` or the page; the only future is boxed.
impl<P: Paginate> Unpin for Pages<P> {}

impl<P: Paginate> Pages<P> {
    /// A stream starting with the request `first`.
    pub fn new(first: P) -> Self {
        Pages {
            state: State::Next(first.clone()),
            first,
            seen: HashSet::new(),
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
        if !self.seen.insert(cursor.to_owned()) {
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
            .field("cursors_seen", &self.seen.len())
            .finish()
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

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(Pin::new(&mut this.pages).poll_next(cx)) {
                None => return Poll::Ready(None),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                Some(Ok(page)) => {
                    let items = P::into_items(page);
                    if items.is_empty() {
                        this.pages.finish();
                        return Poll::Ready(None);
                    }
                    this.current = items.into_iter();
                }
            }
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
}
