//! Server-sent events: a parser for `text/event-stream` bodies.
//!
//! [`SseParser`] follows the parsing rules of the WHATWG HTML standard
//! (section "Server-sent events", "Interpreting an event stream"). It is
//! fed the body in chunks as they arrive, split anywhere (inside a UTF-8
//! sequence, between a CR and its LF), and returns each [`SseEvent`] as soon
//! as its closing blank line has arrived:
//!
//! * a UTF-8 byte order mark at the start of the stream is removed, once;
//! * lines end with CRLF, LF or CR; the text is decoded as UTF-8, an invalid
//!   sequence becoming U+FFFD;
//! * a line starting with `:` is a comment and is ignored;
//! * `field: value` sets a field; one space after the colon is removed, and
//!   a line without a colon is a field with an empty value;
//! * `data` lines are joined with `\n`; `event` sets the event type
//!   (`message` when it is not set or empty); `id` sets the last event id,
//!   unless the value contains U+0000 NULL, and an empty `id` clears it;
//!   `retry` sets the reconnection time in milliseconds when its value is
//!   only ASCII digits; other fields are ignored;
//! * a blank line dispatches the event, unless no `data` line came (an
//!   `id` in such a block still becomes the last event id);
//! * at the end of the stream ([`SseParser::finish`]) an event without its
//!   blank line is discarded.
//!
//! Memory is bounded: a line longer than [`DEFAULT_MAX_LINE_LEN`] (1 MiB)
//! or an event whose data is longer than [`DEFAULT_MAX_EVENT_LEN`] (16 MiB)
//! is an [`SseError`]; both limits can be changed
//! ([`SseParser::max_line_len`], [`SseParser::max_event_len`]).
//!
//! ```
//! use sdkgen_runtime::SseParser;
//!
//! let mut parser = SseParser::new();
//! let mut events = parser.feed(b"event: update\nid: 7\ndata: {\"a\":\n").unwrap();
//! assert!(events.is_empty());
//! events.extend(parser.feed(b"data: 1}\n\n").unwrap());
//! assert_eq!(events[0].event, "update");
//! assert_eq!(events[0].data, "{\"a\":\n1}");
//! assert_eq!(events[0].id.as_deref(), Some("7"));
//! assert_eq!(parser.last_event_id(), Some("7"));
//! ```
//!
//! # Reconnecting: the client's contract
//!
//! The parser only reads bytes; the client that owns the connection
//! implements the reconnection rules of the standard with what the parser
//! keeps:
//!
//! 1. The request is sent with `Accept: text/event-stream`. A `200 OK`
//!    answer whose `Content-Type` is `text/event-stream` is read through the
//!    parser.
//! 2. When the connection drops or the body ends, the client calls
//!    [`finish`](SseParser::finish) (which discards the incomplete event),
//!    waits [`reconnection_time`](SseParser::reconnection_time) (3 s,
//!    [`DEFAULT_RECONNECTION_TIME`], until the server sends `retry`), and
//!    sends the request again, with a `Last-Event-ID` header holding
//!    [`last_event_id`](SseParser::last_event_id) when there is one. It keeps
//!    feeding the same parser, so that the last event id and the
//!    reconnection time carry over to the new connection. A client may wait
//!    longer than the reconnection time (exponential backoff) after
//!    repeated network failures.
//! 3. A `204 No Content` answer ends the stream for good: the server asks
//!    the client not to reconnect. Any other answer that is not a `200` with
//!    a `text/event-stream` body also ends it, as an error.
//! 4. An [`SseError`] means the server sent more than the limits allow. The
//!    events it carries ([`SseError::events`]) were complete and are
//!    delivered first; [`last_event_id`](SseParser::last_event_id) already
//!    counts them.

use std::fmt;
use std::time::Duration;

/// The reconnection time until the server sends `retry`: 3 s.
pub const DEFAULT_RECONNECTION_TIME: Duration = Duration::from_secs(3);

/// The longest line [`SseParser::new`] accepts: 1 MiB (without its line end).
pub const DEFAULT_MAX_LINE_LEN: usize = 1024 * 1024;

/// The longest event data [`SseParser::new`] accepts: 16 MiB.
pub const DEFAULT_MAX_EVENT_LEN: usize = 16 * 1024 * 1024;

/// The UTF-8 byte order mark.
const BOM: &[u8; 3] = b"\xEF\xBB\xBF";

/// One event of a `text/event-stream` body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SseEvent {
    /// The event type: the `event` field, or `message` when it was not set
    /// or empty.
    pub event: String,
    /// The `data` lines, joined with `\n` (possibly empty, for a block with
    /// a `data` line without value).
    pub data: String,
    /// The last event id when the event was dispatched, as the standard's
    /// `MessageEvent.lastEventId`: this event's `id` or, when it has none,
    /// the last one seen before it. `None` when no id was set or the last
    /// one was empty.
    pub id: Option<String>,
    /// The `retry` field of this event's block, if it had a valid one. The
    /// reconnection time is a setting of the stream: see
    /// [`SseParser::reconnection_time`], which also counts `retry` fields of
    /// blocks without data.
    pub retry: Option<Duration>,
}

/// Which limit of an [`SseParser`] a stream exceeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SseErrorKind {
    /// A line was longer than [`SseParser::max_line_len`].
    LineTooLong,
    /// The data of an event was longer than [`SseParser::max_event_len`].
    EventTooLong,
}

/// A stream that exceeded a limit of its [`SseParser`].
///
/// The chunk was still read to its end: the line or event at fault was
/// discarded (the rest of an over-long line is skipped, and so is the rest
/// of the event it belongs to, up to its blank line), and the events
/// completed before and after it in the same chunk are in
/// [`events`](Self::events). The parser stays usable, but a client
/// normally ends the stream.
///
/// Its `Display` is the message; its `Debug` shows the number of events
/// carried, not their data.
#[derive(Clone, PartialEq, Eq)]
pub struct SseError {
    kind: SseErrorKind,
    limit: usize,
    events: Vec<SseEvent>,
}

impl SseError {
    /// Which limit was exceeded (the first one, when several were).
    pub fn kind(&self) -> SseErrorKind {
        self.kind
    }

    /// The limit, in bytes.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The events completed in the same chunk, in order.
    pub fn events(&self) -> &[SseEvent] {
        &self.events
    }

    /// The events completed in the same chunk, in order.
    pub fn into_events(self) -> Vec<SseEvent> {
        self.events
    }
}

impl fmt::Display for SseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            SseErrorKind::LineTooLong => write!(
                f,
                "a line of the event stream is longer than {} bytes; the event it belongs to was discarded",
                self.limit
            ),
            SseErrorKind::EventTooLong => write!(
                f,
                "the data of an event of the event stream is longer than {} bytes; the event was discarded",
                self.limit
            ),
        }
    }
}

impl fmt::Debug for SseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SseError")
            .field("kind", &self.kind)
            .field("limit", &self.limit)
            .field("events", &self.events.len())
            .finish()
    }
}

impl std::error::Error for SseError {}

/// An incremental `text/event-stream` parser (see the [module](self) docs).
///
/// Its `Debug` output shows the limits, the last event id, the
/// reconnection time and how many bytes are buffered, not the data.
#[derive(Clone)]
pub struct SseParser {
    max_line: usize,
    max_event: usize,
    /// Whether the start of the stream was checked for a byte order mark.
    bom_checked: bool,
    /// The bytes read while the byte order mark is still possible.
    bom: Vec<u8>,
    /// The current line, without its end.
    line: Vec<u8>,
    /// Whether the last line ended with a CR, so that an LF right after it
    /// belongs to that line end.
    after_cr: bool,
    /// Skipping the rest of an over-long line.
    skip_line: bool,
    /// Skipping the lines of a discarded event, up to its blank line.
    skip_event: bool,
    event_type: String,
    data: String,
    /// The standard's "last event ID buffer", set by `id` lines.
    id_buffer: String,
    /// The standard's "last event ID string", set when a block ends.
    last_event_id: String,
    /// The valid `retry` of the current block.
    event_retry: Option<Duration>,
    reconnection_time: Option<Duration>,
}

/// What one `feed` produced.
struct Output {
    events: Vec<SseEvent>,
    error: Option<(SseErrorKind, usize)>,
}

impl Output {
    fn fail(&mut self, kind: SseErrorKind, limit: usize) {
        self.error.get_or_insert((kind, limit));
    }
}

impl SseParser {
    /// A parser for a new stream, with the default limits
    /// ([`DEFAULT_MAX_LINE_LEN`], [`DEFAULT_MAX_EVENT_LEN`]).
    pub fn new() -> Self {
        SseParser {
            max_line: DEFAULT_MAX_LINE_LEN,
            max_event: DEFAULT_MAX_EVENT_LEN,
            bom_checked: false,
            bom: Vec::new(),
            line: Vec::new(),
            after_cr: false,
            skip_line: false,
            skip_event: false,
            event_type: String::new(),
            data: String::new(),
            id_buffer: String::new(),
            last_event_id: String::new(),
            event_retry: None,
            reconnection_time: None,
        }
    }

    /// Sets the longest line accepted, in bytes, without its line end
    /// (default 1 MiB).
    #[must_use]
    pub fn max_line_len(mut self, bytes: usize) -> Self {
        self.max_line = bytes;
        self
    }

    /// Sets the longest event data accepted, in bytes: the `data` values
    /// and the line feeds joining them (default 16 MiB).
    #[must_use]
    pub fn max_event_len(mut self, bytes: usize) -> Self {
        self.max_event = bytes;
        self
    }

    /// The last event id: the `id` of the last block that ended (with or
    /// without data), kept across events and across
    /// [`finish`](Self::finish). `None` before any, or after an empty `id`.
    /// A reconnecting client sends it as `Last-Event-ID`.
    pub fn last_event_id(&self) -> Option<&str> {
        (!self.last_event_id.is_empty()).then_some(self.last_event_id.as_str())
    }

    /// How long to wait before reconnecting: the last valid `retry` the
    /// server sent, or [`DEFAULT_RECONNECTION_TIME`] (3 s).
    pub fn reconnection_time(&self) -> Duration {
        self.reconnection_time.unwrap_or(DEFAULT_RECONNECTION_TIME)
    }

    /// Reads the next chunk of the body and returns the events it completed.
    ///
    /// # Errors
    ///
    /// When a line or an event exceeds a limit: the whole chunk is still
    /// read, and the error carries the events completed in it (see
    /// [`SseError`]).
    pub fn feed(&mut self, chunk: &[u8]) -> Result<Vec<SseEvent>, SseError> {
        let mut out = Output {
            events: Vec::new(),
            error: None,
        };
        let mut chunk = chunk;
        if !self.bom_checked {
            let take = chunk.len().min(BOM.len() - self.bom.len());
            self.bom.extend_from_slice(&chunk[..take]);
            chunk = &chunk[take..];
            if self.bom[..] == BOM[..] {
                self.bom_checked = true;
                self.bom.clear();
            } else if BOM.starts_with(&self.bom) {
                // Still a prefix of the mark, and the chunk is used up.
                return Ok(Vec::new());
            } else {
                self.bom_checked = true;
                let head = std::mem::take(&mut self.bom);
                self.read(&head, &mut out);
            }
        }
        self.read(chunk, &mut out);
        match out.error {
            None => Ok(out.events),
            Some((kind, limit)) => Err(SseError {
                kind,
                limit,
                events: out.events,
            }),
        }
    }

    /// Ends the stream: the incomplete line and event, if any, are
    /// discarded, as the standard says for the end of a stream.
    ///
    /// The last event id and the reconnection time are kept; the parser is
    /// then ready for the stream of a reconnection (whose byte order mark,
    /// if any, is removed again).
    pub fn finish(&mut self) {
        self.bom_checked = false;
        self.bom.clear();
        self.line.clear();
        self.after_cr = false;
        self.skip_line = false;
        self.skip_event = false;
        self.discard_event();
    }

    /// Splits `bytes` into lines. CR and LF are ASCII, so they never occur
    /// inside a UTF-8 sequence: lines are split as bytes and decoded whole.
    fn read(&mut self, bytes: &[u8], out: &mut Output) {
        let mut rest = bytes;
        while !rest.is_empty() {
            if self.after_cr {
                self.after_cr = false;
                if rest[0] == b'\n' {
                    rest = &rest[1..];
                    continue;
                }
            }
            match rest.iter().position(|&b| b == b'\r' || b == b'\n') {
                Some(end) => {
                    self.append(&rest[..end], out);
                    self.after_cr = rest[end] == b'\r';
                    self.end_line(out);
                    rest = &rest[end + 1..];
                }
                None => {
                    self.append(rest, out);
                    break;
                }
            }
        }
    }

    /// Adds bytes to the current line, within the line limit.
    fn append(&mut self, bytes: &[u8], out: &mut Output) {
        if self.skip_line {
            return;
        }
        if self.line.len() + bytes.len() > self.max_line {
            out.fail(SseErrorKind::LineTooLong, self.max_line);
            self.line.clear();
            self.skip_line = true;
            self.skip_event = true;
            self.discard_event();
            return;
        }
        self.line.extend_from_slice(bytes);
    }

    fn end_line(&mut self, out: &mut Output) {
        if self.skip_line {
            self.skip_line = false;
            return;
        }
        let line = std::mem::take(&mut self.line);
        self.process_line(&line, out);
        // Keep the allocation for the next line.
        self.line = line;
        self.line.clear();
    }

    fn process_line(&mut self, line: &[u8], out: &mut Output) {
        if line.is_empty() {
            if self.skip_event {
                self.skip_event = false;
                self.discard_event();
            } else {
                self.dispatch(out);
            }
            return;
        }
        if self.skip_event || line[0] == b':' {
            return;
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &[][..]),
        };
        let value = String::from_utf8_lossy(value);
        match field {
            b"event" => self.event_type = value.into_owned(),
            b"data" => {
                if self.data.len() + value.len() > self.max_event {
                    out.fail(SseErrorKind::EventTooLong, self.max_event);
                    self.skip_event = true;
                    self.discard_event();
                } else {
                    self.data.push_str(&value);
                    self.data.push('\n');
                }
            }
            b"id" if !value.contains('\0') => self.id_buffer = value.into_owned(),
            b"retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                // Only digits: an overflow is the longest time there is.
                let millis = value.parse::<u64>().unwrap_or(u64::MAX);
                let time = Duration::from_millis(millis);
                self.reconnection_time = Some(time);
                self.event_retry = Some(time);
            }
            _ => {}
        }
    }

    /// Ends a block: the standard's "dispatch the event".
    fn dispatch(&mut self, out: &mut Output) {
        self.last_event_id.clone_from(&self.id_buffer);
        let retry = self.event_retry.take();
        let event_type = std::mem::take(&mut self.event_type);
        if self.data.is_empty() {
            return;
        }
        let mut data = std::mem::take(&mut self.data);
        if data.ends_with('\n') {
            data.pop();
        }
        out.events.push(SseEvent {
            event: if event_type.is_empty() {
                "message".to_owned()
            } else {
                event_type
            },
            data,
            id: self.last_event_id().map(str::to_owned),
            retry,
        });
    }

    /// Forgets the current block, its `id` included.
    fn discard_event(&mut self) {
        self.event_type.clear();
        self.data.clear();
        self.event_retry = None;
        self.id_buffer.clone_from(&self.last_event_id);
    }
}

impl Default for SseParser {
    fn default() -> Self {
        SseParser::new()
    }
}

impl fmt::Debug for SseParser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SseParser")
            .field("max_line_len", &self.max_line)
            .field("max_event_len", &self.max_event)
            .field("last_event_id", &self.last_event_id())
            .field("reconnection_time", &self.reconnection_time())
            .field("buffered_line", &self.line.len())
            .field("buffered_data", &self.data.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, data: &str, id: Option<&str>) -> SseEvent {
        SseEvent {
            event: kind.to_owned(),
            data: data.to_owned(),
            id: id.map(str::to_owned),
            retry: None,
        }
    }

    fn message(data: &str) -> SseEvent {
        event("message", data, None)
    }

    /// Parses a whole stream in one chunk.
    fn parse(stream: &[u8]) -> Vec<SseEvent> {
        let mut parser = SseParser::new();
        let events = parser.feed(stream).unwrap();
        parser.finish();
        events
    }

    /// Parses a stream split into the given chunks.
    fn parse_chunks<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> (Vec<SseEvent>, SseParser) {
        let mut parser = SseParser::new();
        let mut events = Vec::new();
        for chunk in chunks {
            events.extend(parser.feed(chunk).unwrap());
        }
        (events, parser)
    }

    #[test]
    fn spec_example_comments_ids_and_unfinished_event() {
        let stream = b": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n";
        let mut parser = SseParser::new();
        let events = parser.feed(stream).unwrap();
        assert_eq!(
            events,
            [
                event("message", "first event", Some("1")),
                message("second event")
            ]
        );
        // `id` without a value cleared the last event id.
        assert_eq!(parser.last_event_id(), None);
        // The third event has no blank line: the end of the stream drops it.
        parser.finish();
        assert_eq!(parser.feed(b"").unwrap(), []);
        // Only one space is removed after the colon.
        assert_eq!(parse(b"data:  third event\n\n"), [message(" third event")]);
    }

    #[test]
    fn spec_example_empty_data_lines() {
        // `data` alone and `data:` give an empty line of data.
        assert_eq!(
            parse(b"data\n\ndata\ndata\n\ndata:\n"),
            [message(""), message("\n")]
        );
        assert_eq!(parse(b"data:\n\n"), [message("")]);
    }

    #[test]
    fn spec_example_space_after_colon_is_optional() {
        assert_eq!(
            parse(b"data:test\n\ndata: test\n\n"),
            [message("test"), message("test")]
        );
    }

    #[test]
    fn multi_line_data_and_event_types() {
        assert_eq!(
            parse(b"data: YHOO\ndata: +2\ndata: 10\n\n"),
            [message("YHOO\n+2\n10")]
        );
        assert_eq!(
            parse(b"event: add\ndata: 73857293\n\nevent: remove\ndata: 2153\n\nevent: add\ndata: 113411\n\n"),
            [
                event("add", "73857293", None),
                event("remove", "2153", None),
                event("add", "113411", None),
            ]
        );
        // The type does not carry over; an empty type is `message`.
        assert_eq!(
            parse(b"event: a\ndata: 1\n\ndata: 2\n\nevent\ndata: 3\n\n"),
            [event("a", "1", None), message("2"), message("3")]
        );
    }

    #[test]
    fn blocks_without_data_are_not_dispatched() {
        assert_eq!(
            parse(b"event: ping\n\n: only a comment\n\nretry: 10\n\n\n\ndata: x\n\n"),
            [message("x")]
        );
        assert_eq!(parse(b"\n\n\n"), []);
    }

    #[test]
    fn unknown_fields_and_malformed_names_are_ignored() {
        assert_eq!(
            parse(b"foo: bar\ndata : no\nDATA: no\n data: no\ndata: yes\n\n"),
            [message("yes")]
        );
        // A value keeps its further colons.
        assert_eq!(parse(b"data: a: b:c\n\n"), [message("a: b:c")]);
    }

    #[test]
    fn line_endings_cr_lf_and_crlf() {
        assert_eq!(
            parse(b"data: a\rdata: b\r\ndata: c\n\r\n"),
            [message("a\nb\nc")]
        );
        assert_eq!(
            parse(b"data:1\r\rdata:2\n\ndata:3\r\n\r\ndata:4\n\rdata:5\r\n\n"),
            [
                message("1"),
                message("2"),
                message("3"),
                message("4"),
                message("5")
            ]
        );
        // `\n\r` is two line ends, `\r\n` one.
        assert_eq!(parse(b"data:a\r\ndata:b\n\r"), [message("a\nb")]);
    }

    #[test]
    fn cr_and_lf_split_across_chunks() {
        let (events, _) = parse_chunks([&b"data: a\r"[..], b"\ndata: b\r", b"\r"]);
        assert_eq!(events, [message("a\nb")]);
        // A CR at the end of a chunk followed by a chunk without LF.
        let (events, _) = parse_chunks([&b"data: a\r"[..], b"\r"]);
        assert_eq!(events, [message("a")]);
    }

    /// A stream with a byte order mark, every line end, multi-byte
    /// characters, comments, ids, retry and an unfinished event.
    const SAMPLE: &[u8] = "\u{feff}: hi\r\nevent: ünï\r\ndata: 日本\rdata:€ x\n\nid: 4\r\n\
        retry: 2500\ndata: {\"k\": 1}\r\n\r\n:c\n\nid\ndata\r\rdata: last 😀\ndata"
        .as_bytes();

    fn sample_events() -> Vec<SseEvent> {
        vec![
            event("ünï", "日本\n€ x", None),
            SseEvent {
                event: "message".to_owned(),
                data: "{\"k\": 1}".to_owned(),
                id: Some("4".to_owned()),
                retry: Some(Duration::from_millis(2500)),
            },
            message(""),
        ]
    }

    #[test]
    fn sample_in_one_chunk() {
        let (events, parser) = parse_chunks([SAMPLE]);
        assert_eq!(events, sample_events());
        assert_eq!(parser.last_event_id(), None);
        assert_eq!(parser.reconnection_time(), Duration::from_millis(2500));
    }

    #[test]
    fn splits_at_every_byte_position_give_the_same_events() {
        let expected = sample_events();
        for i in 0..=SAMPLE.len() {
            for j in i..=SAMPLE.len() {
                let (events, _) = parse_chunks([&SAMPLE[..i], &SAMPLE[i..j], &SAMPLE[j..]]);
                assert_eq!(events, expected, "split at {i} and {j}");
            }
        }
        let (events, _) = parse_chunks(SAMPLE.chunks(1));
        assert_eq!(events, expected, "one byte at a time");
    }

    #[test]
    fn byte_order_mark_is_removed_once() {
        assert_eq!(parse(b"\xEF\xBB\xBFdata: x\n\n"), [message("x")]);
        // A second mark is part of the first field name, which is then unknown.
        assert_eq!(
            parse(b"\xEF\xBB\xBF\xEF\xBB\xBFdata: x\n\ndata: y\n\n"),
            [message("y")]
        );
        // A mark after the start is text.
        assert_eq!(parse(b"data: \xEF\xBB\xBFx\n\n"), [message("\u{feff}x")]);
        // Part of a mark, then something else: the bytes are text.
        assert_eq!(parse(b"\xEF\xBBdata: x\n\ndata: y\n\n"), [message("y")]);
        assert_eq!(parse(b"\xEF"), []);
        let (events, _) = parse_chunks([&b"\xEF"[..], b"\xBB", b"\xBF", b"data: z\n\n"]);
        assert_eq!(events, [message("z")]);
        let (events, _) = parse_chunks([&b"\n"[..], b"\xEF\xBB\xBFdata: z\n\n"]);
        assert_eq!(events, [], "not at the start");
    }

    #[test]
    fn invalid_utf8_becomes_replacement_characters() {
        assert_eq!(
            parse(b"data: a\xFFb\xE6\x97\n\n"),
            [message("a\u{fffd}b\u{fffd}")]
        );
        // A sequence split across chunks is decoded whole.
        let (events, _) = parse_chunks([&b"data: \xE6"[..], b"\x97", b"\xA5\n\n"]);
        assert_eq!(events, [message("日")]);
    }

    #[test]
    fn last_event_id_persists() {
        let mut parser = SseParser::new();
        let events = parser
            .feed(b"id: 1\ndata: a\n\ndata: b\n\nid: 2\n\ndata: c\n\nid:\ndata: d\n\ndata: e\n\n")
            .unwrap();
        assert_eq!(
            events,
            [
                event("message", "a", Some("1")),
                event("message", "b", Some("1")),
                // The block with only an id set the last event id.
                event("message", "c", Some("2")),
                message("d"),
                message("e"),
            ]
        );
        assert_eq!(parser.last_event_id(), None);
        parser.feed(b"id: 9\n\n").unwrap();
        assert_eq!(parser.last_event_id(), Some("9"));
        // The id of an unfinished event does not count.
        parser.feed(b"id: 10\ndata: lost\n").unwrap();
        assert_eq!(parser.last_event_id(), Some("9"));
        parser.finish();
        assert_eq!(parser.last_event_id(), Some("9"));
        // The reconnection's stream goes on from there, with its own mark.
        assert_eq!(
            parser.feed(b"\xEF\xBB\xBFdata: next\n\n").unwrap(),
            [event("message", "next", Some("9"))]
        );
        // The id of an event is the last one, also when it came earlier in the block.
        assert_eq!(
            parse(b"data: x\nid: 5\n\n"),
            [event("message", "x", Some("5"))]
        );
    }

    #[test]
    fn id_with_nul_is_ignored() {
        let mut parser = SseParser::new();
        let events = parser
            .feed(b"id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\nid: \0\n\n")
            .unwrap();
        assert_eq!(
            events,
            [
                event("message", "a", Some("1")),
                event("message", "b", Some("1"))
            ]
        );
        assert_eq!(parser.last_event_id(), Some("1"));
        // NUL elsewhere is kept.
        assert_eq!(parse(b"data: a\0b\n\n"), [message("a\0b")]);
    }

    #[test]
    fn retry_takes_only_digits() {
        let mut parser = SseParser::new();
        assert_eq!(parser.reconnection_time(), DEFAULT_RECONNECTION_TIME);
        assert_eq!(DEFAULT_RECONNECTION_TIME, Duration::from_secs(3));
        let events = parser.feed(b"retry: 1500\ndata: a\n\n").unwrap();
        assert_eq!(events[0].retry, Some(Duration::from_millis(1500)));
        assert_eq!(parser.reconnection_time(), Duration::from_millis(1500));
        for bad in [
            "retry: 15x",
            "retry: -1",
            "retry: +1",
            "retry: 1.5",
            "retry:",
            "retry",
            "retry: 1 5",
            "retry:  10",
            "retry: 10 ",
            "retry: ١٢",
        ] {
            let events = parser
                .feed(format!("{bad}\ndata: b\n\n").as_bytes())
                .unwrap();
            assert_eq!(events, [message("b")], "{bad}");
            assert_eq!(
                parser.reconnection_time(),
                Duration::from_millis(1500),
                "{bad}"
            );
        }
        // A block without data still sets the reconnection time.
        parser.feed(b"retry:0\n\n").unwrap();
        assert_eq!(parser.reconnection_time(), Duration::ZERO);
        parser.feed(b"retry: 99999999999999999999999\n\n").unwrap();
        assert_eq!(parser.reconnection_time(), Duration::from_millis(u64::MAX));
        // `retry` of one block does not carry over to the next event.
        let events = parser.feed(b"retry: 7\n\ndata: c\n\n").unwrap();
        assert_eq!(events, [message("c")]);
        // Kept across the end of a stream.
        parser.finish();
        assert_eq!(parser.reconnection_time(), Duration::from_millis(7));
    }

    #[test]
    fn comments_are_ignored() {
        assert_eq!(
            parse(b":\n: keep-alive\ndata: a\n:data: b\ndata: c\n: x\n\n"),
            [message("a\nc")]
        );
    }

    #[test]
    fn finish_discards_the_incomplete_event() {
        let mut parser = SseParser::new();
        assert_eq!(parser.feed(b"event: x\ndata: a\n").unwrap(), []);
        parser.finish();
        // Nothing of the discarded event (type, data) reaches the next one.
        assert_eq!(parser.feed(b"data: b\n\n").unwrap(), [message("b")]);
        // An unterminated last line is discarded too.
        assert_eq!(parser.feed(b"data: c\n\ndata: d").unwrap(), [message("c")]);
        parser.finish();
        assert_eq!(parser.feed(b"\n").unwrap(), []);
    }

    #[test]
    fn over_long_line_is_an_error_with_the_other_events() {
        let mut parser = SseParser::new().max_line_len(12);
        // 12 bytes are accepted.
        assert_eq!(
            parser.feed(b"data: 123456\n\n").unwrap(),
            [message("123456")]
        );
        let err = parser
            .feed(b"data: ok\n\nid: 3\ndata: 1234567\ndata: more\n\ndata: after\n\n")
            .unwrap_err();
        assert_eq!(err.kind(), SseErrorKind::LineTooLong);
        assert_eq!(err.limit(), 12);
        assert_eq!(err.events(), [message("ok"), message("after")]);
        assert!(err.to_string().contains("longer than 12 bytes"), "{err}");
        assert_eq!(
            format!("{err:?}"),
            "SseError { kind: LineTooLong, limit: 12, events: 2 }"
        );
        // The discarded event's id does not count.
        assert_eq!(parser.last_event_id(), None);
        assert_eq!(err.into_events().len(), 2);

        // A line growing over several chunks; the rest of it is skipped.
        let mut parser = SseParser::new().max_line_len(12);
        assert_eq!(parser.feed(b"data: 1234").unwrap(), []);
        let err = parser.feed(b"5678").unwrap_err();
        assert_eq!(err.events(), []);
        assert_eq!(parser.feed(b"90 still the same line\r").unwrap(), []);
        assert_eq!(
            parser.feed(b"\ndata: x\n\ndata: y\n\n").unwrap(),
            [message("y")]
        );
    }

    #[test]
    fn over_long_event_is_an_error() {
        let mut parser = SseParser::new().max_event_len(5);
        assert_eq!(
            parser.feed(b"data: abc\ndata: d\n\n").unwrap(),
            [message("abc\nd")]
        );
        let err = parser
            .feed(b"data: abc\ndata: de\ndata: f\n\ndata: g\n\n")
            .unwrap_err();
        assert_eq!(err.kind(), SseErrorKind::EventTooLong);
        assert_eq!(err.limit(), 5);
        assert_eq!(err.events(), [message("g")]);
        assert!(err.to_string().contains("longer than 5 bytes"), "{err}");
    }

    #[test]
    fn debug_shows_no_data() {
        let mut parser = SseParser::new();
        parser.feed(b"id: 1\n\ndata: secret\n").unwrap();
        let dbg = format!("{parser:?}");
        assert!(!dbg.contains("secret"), "{dbg}");
        assert!(dbg.contains("last_event_id: Some(\"1\")"), "{dbg}");
        assert!(dbg.contains("buffered_data: 7"), "{dbg}");
    }
}
