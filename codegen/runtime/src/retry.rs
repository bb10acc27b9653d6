//! Retry policy, backoff and `Retry-After` handling.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// When and how often a failed call is sent again.
///
/// The default policy ([`RetryPolicy::new`]) makes at most 3 attempts in
/// total and retries:
///
/// * `429 Too Many Requests`, for every method (the server did not process
///   the request);
/// * `502 Bad Gateway`, `503 Service Unavailable` and `504 Gateway Timeout`,
///   for idempotent methods (`GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`,
///   `TRACE`) only, unless [`retry_non_idempotent`](Self::retry_non_idempotent)
///   is set;
/// * failures to establish a connection (refused, DNS, TLS handshake, or a
///   connect that outlived the
///   [connect timeout](crate::ClientBuilder::connect_timeout)), for every
///   method: the request never left the machine, so sending it again cannot
///   repeat a side effect;
/// * connections closed or reset before a response arrived, for idempotent
///   methods only, unless `retry_non_idempotent` is set.
///
/// Other statuses (e.g. `500`) are never retried, nor are other transport
/// errors (e.g. too many redirects). Timeouts of an attempt (the total
/// timeout, or a caller-supplied HTTP client's own timeout other than its
/// connect timeout) are not retried unless
/// [`retry_timeouts`](Self::retry_timeouts) is set, because a request that
/// timed out may well time out again and the caller already waited the whole
/// timeout once. Errors while reading a response body are not retried
/// either: the server has answered.
///
/// Between attempts the runtime waits:
///
/// * exactly the server's `Retry-After` (delay-seconds or HTTP-date form)
///   when the retried response carries a valid one, so `Retry-After: 0`
///   retries at once and [`max_delay`](Self::max_delay) does not bound it;
///   if it asks for more than [`max_retry_after`](Self::max_retry_after),
///   the call fails at once with
///   [`Error::RateLimited`](crate::Error::RateLimited) carrying the requested
///   wait;
/// * otherwise an exponential backoff with full jitter: a random duration in
///   `[0, min(max_delay, base_delay * 2^n)]` before retry `n` (counted from
///   0).
///
/// When the attempts run out, the last response is decoded like any other,
/// whatever its `Retry-After` (so a documented `429` becomes
/// [`Error::Api`](crate::Error::Api) with its typed body).
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) base_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) retry_non_idempotent: bool,
    pub(crate) retry_timeouts: bool,
}

impl RetryPolicy {
    /// The default policy: 3 attempts in total, 200 ms backoff base, backoff
    /// capped at 20 s, `Retry-After` honoured up to 60 s, full jitter,
    /// non-idempotent methods and timeouts not retried.
    pub fn new() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
            retry_non_idempotent: false,
            retry_timeouts: false,
        }
    }

    /// A policy that makes exactly one attempt.
    pub fn disabled() -> Self {
        RetryPolicy::new().max_attempts(1)
    }

    /// Total number of attempts, the first one included. `0` is taken as `1`.
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Base of the exponential backoff (the cap of the first retry's wait).
    pub fn base_delay(mut self, d: Duration) -> Self {
        self.base_delay = d;
        self
    }

    /// Upper bound of any backoff wait (not of `Retry-After`).
    pub fn max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }

    /// Longest `Retry-After` the runtime waits for. A server asking for more
    /// makes the call fail at once with
    /// [`Error::RateLimited`](crate::Error::RateLimited).
    pub fn max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }

    /// Also retry `POST` and `PATCH` calls (and other non-idempotent methods)
    /// on `502`/`503`/`504` and on connections lost before a response.
    /// Only safe when the operation is idempotent in practice (for example
    /// thanks to an idempotency key).
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    /// Also retry calls whose attempt timed out (subject to the same method
    /// rule as `5xx`). Off by default. A connect that timed out needs no
    /// such opt-in: it is a connect failure, retried for every method.
    pub fn retry_timeouts(mut self, yes: bool) -> Self {
        self.retry_timeouts = yes;
        self
    }

    /// The cap of the jittered wait before retry number `retry` (0-based):
    /// `min(max_delay, base_delay * 2^retry)`.
    pub(crate) fn backoff_cap(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(Duration::MAX)
            .min(self.max_delay)
    }

    /// Whether a method may be retried after the server may have seen it.
    pub(crate) fn may_repeat(&self, method: &Method) -> bool {
        self.retry_non_idempotent || is_idempotent(method)
    }

    /// What to do after an attempt, the `attempts_made`-th (counted from 1)
    /// of a call with `method`.
    ///
    /// `now` dates an HTTP-date `Retry-After`; `jitter` draws a wait in
    /// `[0, cap]` from the backoff cap it is given, and is called only when
    /// the answer is a backoff. Both are parameters so that the decision is
    /// deterministic under test; [`full_jitter`] is the real draw.
    ///
    /// This is the rule of [`RetryPolicy`]'s documentation and of the
    /// README's retry table, in one place: the `decide_table` test holds a
    /// row for each of their cases.
    pub(crate) fn decide(
        &self,
        attempt: Attempt<'_>,
        method: &Method,
        attempts_made: u32,
        now: SystemTime,
        jitter: impl FnOnce(Duration) -> Duration,
    ) -> Decision {
        if attempts_made >= self.max_attempts.max(1) {
            return Decision::Stop;
        }
        let retryable = match attempt {
            Attempt::TimedOut => self.retry_timeouts && self.may_repeat(method),
            // A failed connect never reached the server: safe to repeat for
            // any method. A connection lost after the request was written
            // may have been processed.
            Attempt::ConnectFailed => true,
            Attempt::LostAfterSend => self.may_repeat(method),
            Attempt::OtherFailure => false,
            Attempt::Answered(status, _) => match classify_status(status) {
                StatusClass::Throttled => true,
                StatusClass::Unavailable => self.may_repeat(method),
                StatusClass::Final => false,
            },
        };
        if !retryable {
            return Decision::Stop;
        }
        if let Attempt::Answered(_, headers) = attempt {
            match parse_retry_after(headers, now) {
                Some(wait) if wait > self.max_retry_after => return Decision::RateLimited(wait),
                Some(wait) => return Decision::RetryAfter(wait),
                None => {}
            }
        }
        // 0 before the first retry, 1 before the second, ...
        let retry = attempts_made.saturating_sub(1);
        Decision::RetryAfter(jitter(self.backoff_cap(retry)))
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::new()
    }
}

/// A random wait in `[0, cap]` (full jitter): the `jitter` of
/// [`RetryPolicy::decide`] outside tests.
pub(crate) fn full_jitter(cap: Duration) -> Duration {
    let cap_nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
    if cap_nanos == 0 {
        return Duration::ZERO;
    }
    Duration::from_nanos(fastrand::u64(0..=cap_nanos))
}

/// How one attempt ended, as far as retrying is concerned.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Attempt<'a> {
    /// No response within the timeout: the runtime's own total timeout, or
    /// a timeout of a caller-supplied HTTP client other than its connect
    /// timeout.
    TimedOut,
    /// No connection could be established (a connect timeout included), so
    /// nothing reached the server.
    ConnectFailed,
    /// The connection was closed or reset after the request may have been
    /// written, before a response arrived.
    LostAfterSend,
    /// Any other transport error (e.g. too many redirects).
    OtherFailure,
    /// The server answered with this status and these headers; the body is
    /// not read yet.
    Answered(StatusCode, &'a HeaderMap),
}

impl Attempt<'_> {
    /// How an attempt that failed with a transport error ended, from the
    /// error's [`TransportFlags`].
    ///
    /// The connect flag is looked at first: a connect that timed out is
    /// flagged both as a connect error and as a timeout by reqwest, and it
    /// is a connect failure (nothing reached the server), not a timeout of
    /// the request. A connect error is also a request error.
    pub(crate) fn failed(flags: TransportFlags) -> Self {
        if flags.connect {
            Attempt::ConnectFailed
        } else if flags.timeout {
            Attempt::TimedOut
        } else if flags.request {
            Attempt::LostAfterSend
        } else {
            Attempt::OtherFailure
        }
    }
}

/// What a transport error of reqwest says about itself: its `is_connect`,
/// `is_timeout` and `is_request`. Kept apart from the error so that
/// [`Attempt::failed`] can be tested without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TransportFlags {
    /// The connection could not be established (refused, DNS, TLS, or timed
    /// out).
    pub(crate) connect: bool,
    /// Something timed out, connecting included.
    pub(crate) timeout: bool,
    /// The error happened while sending the request (connecting included).
    pub(crate) request: bool,
}

impl TransportFlags {
    pub(crate) fn of(error: &reqwest::Error) -> Self {
        TransportFlags {
            connect: error.is_connect(),
            timeout: error.is_timeout(),
            request: error.is_request(),
        }
    }
}

/// What [`RetryPolicy::decide`] tells the transport loop to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Wait this long (a backoff or the server's `Retry-After`), then send
    /// the request again.
    RetryAfter(Duration),
    /// Fail at once with [`Error::RateLimited`](crate::Error::RateLimited):
    /// the server asks for this wait, longer than `max_retry_after`.
    RateLimited(Duration),
    /// No further attempt: the response is decoded, or the error returned.
    Stop,
}

/// Methods that RFC 9110 defines as idempotent.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

/// What the retry loop does with a response status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StatusClass {
    /// `429`: retried for every method.
    Throttled,
    /// `502`, `503`, `504`: retried for idempotent methods.
    Unavailable,
    /// Everything else: decoded.
    Final,
}

pub(crate) fn classify_status(status: StatusCode) -> StatusClass {
    match status.as_u16() {
        429 => StatusClass::Throttled,
        502..=504 => StatusClass::Unavailable,
        _ => StatusClass::Final,
    }
}

/// Parses the `Retry-After` header of a response, relative to `now`.
///
/// Accepts delay-seconds (`120`) and HTTP-date forms. A date in the past
/// means "now" (zero). Anything else is ignored (`None`).
pub(crate) fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    parse_retry_after_value(value, now)
}

pub(crate) fn parse_retry_after_value(value: &str, now: SystemTime) -> Option<Duration> {
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        // Saturate absurdly long numbers instead of ignoring them: a server
        // asking for "forever" must not be retried at once.
        let secs = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use std::cell::Cell;

    #[test]
    fn defaults() {
        let p = RetryPolicy::default();
        assert_eq!(p, RetryPolicy::new());
        assert_eq!(p.max_attempts, 3);
        assert_eq!(p.base_delay, Duration::from_millis(200));
        assert_eq!(p.max_delay, Duration::from_secs(20));
        assert_eq!(p.max_retry_after, Duration::from_secs(60));
        assert!(!p.retry_non_idempotent);
        assert!(!p.retry_timeouts);
        assert_eq!(RetryPolicy::disabled().max_attempts, 1);
        assert_eq!(RetryPolicy::new().max_attempts(0).max_attempts, 1);
    }

    #[test]
    fn backoff_cap_grows_and_saturates() {
        let p = RetryPolicy::new()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_secs(1));
        assert_eq!(p.backoff_cap(0), Duration::from_millis(100));
        assert_eq!(p.backoff_cap(1), Duration::from_millis(200));
        assert_eq!(p.backoff_cap(2), Duration::from_millis(400));
        assert_eq!(p.backoff_cap(3), Duration::from_millis(800));
        assert_eq!(p.backoff_cap(4), Duration::from_secs(1));
        assert_eq!(p.backoff_cap(40), Duration::from_secs(1));
        assert_eq!(p.backoff_cap(u32::MAX), Duration::from_secs(1));
        let huge = RetryPolicy::new()
            .base_delay(Duration::MAX)
            .max_delay(Duration::MAX);
        assert_eq!(huge.backoff_cap(5), Duration::MAX);
    }

    #[test]
    fn backoff_is_within_bounds() {
        let p = RetryPolicy::new()
            .base_delay(Duration::from_millis(10))
            .max_delay(Duration::from_millis(50));
        for retry in 0..10 {
            let cap = p.backoff_cap(retry);
            for _ in 0..200 {
                let d = full_jitter(cap);
                assert!(d <= cap, "{d:?} > {cap:?}");
            }
        }
        let zero = RetryPolicy::new().base_delay(Duration::ZERO);
        assert_eq!(full_jitter(zero.backoff_cap(3)), Duration::ZERO);
        let max = RetryPolicy::new()
            .base_delay(Duration::MAX)
            .max_delay(Duration::MAX);
        let _ = full_jitter(max.backoff_cap(3));
    }

    #[test]
    fn backoff_is_jittered() {
        let p = RetryPolicy::new().base_delay(Duration::from_secs(1));
        let samples: std::collections::HashSet<Duration> =
            (0..20).map(|_| full_jitter(p.backoff_cap(0))).collect();
        assert!(samples.len() > 1);
    }

    #[test]
    fn idempotent_methods() {
        for m in [
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
        ] {
            assert!(is_idempotent(&m), "{m}");
            assert!(RetryPolicy::new().may_repeat(&m));
        }
        for m in [Method::POST, Method::PATCH] {
            assert!(!is_idempotent(&m), "{m}");
            assert!(!RetryPolicy::new().may_repeat(&m));
            assert!(RetryPolicy::new().retry_non_idempotent(true).may_repeat(&m));
        }
    }

    #[test]
    fn status_classes() {
        assert_eq!(
            classify_status(StatusCode::TOO_MANY_REQUESTS),
            StatusClass::Throttled
        );
        for s in [502, 503, 504] {
            assert_eq!(
                classify_status(StatusCode::from_u16(s).unwrap()),
                StatusClass::Unavailable
            );
        }
        for s in [200, 400, 404, 500, 501, 505] {
            assert_eq!(
                classify_status(StatusCode::from_u16(s).unwrap()),
                StatusClass::Final
            );
        }
    }

    #[test]
    fn retry_after_seconds() {
        let now = SystemTime::now();
        assert_eq!(parse_retry_after_value("0", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after_value("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after_value("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(parse_retry_after_value("", now), None);
        assert_eq!(parse_retry_after_value("-1", now), None);
        assert_eq!(parse_retry_after_value("1.5", now), None);
        assert_eq!(parse_retry_after_value("soon", now), None);
    }

    #[test]
    fn retry_after_http_date() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(
            parse_retry_after_value("Sun, 06 Nov 1994 08:50:07 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after_value("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after_value("Sun, 06 Nov 1994 25:00:00 GMT", now),
            None
        );
    }

    #[test]
    fn retry_after_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(parse_retry_after(&headers, SystemTime::now()), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static(" 7 "));
        assert_eq!(
            parse_retry_after(&headers, SystemTime::now()),
            Some(Duration::from_secs(7))
        );
        let later = SystemTime::now() + Duration::from_secs(100);
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_str(&httpdate::fmt_http_date(later)).unwrap(),
        );
        let got = parse_retry_after(&headers, SystemTime::now()).unwrap();
        assert!(
            got > Duration::from_secs(98) && got <= Duration::from_secs(100),
            "{got:?}"
        );
    }

    /// Every method the table speaks of, idempotent ones first.
    const ALL: &[Method] = &[
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
        Method::POST,
        Method::PATCH,
        Method::CONNECT,
    ];
    const IDEMPOTENT: &[Method] = &[
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
    ];
    const NON_IDEMPOTENT: &[Method] = &[Method::POST, Method::PATCH, Method::CONNECT];
    const GET: &[Method] = &[Method::GET];
    const POST: &[Method] = &[Method::POST];

    /// The clock of every row, so that HTTP-date `Retry-After`s are exact.
    const NOW: &str = "Sun, 06 Nov 1994 08:49:37 GMT";

    /// The outcome of a row's attempt; `Answered` stands for one answer per
    /// status listed, all with the same optional `Retry-After` value.
    #[derive(Debug, Clone, Copy)]
    enum Case {
        TimedOut,
        ConnectFailed,
        LostAfterSend,
        OtherFailure,
        /// A transport error with these flags, classified by
        /// [`Attempt::failed`] as the client does.
        Failed(TransportFlags),
        Answered(&'static [u16], Option<&'static str>),
    }

    /// The flags of reqwest's error for a connect that outlived the connect
    /// timeout: a connect error, a timeout and a request error at once.
    const CONNECT_TIMED_OUT: TransportFlags = TransportFlags {
        connect: true,
        timeout: true,
        request: true,
    };
    /// A refused connection (or a DNS or TLS failure).
    const CONNECT_REFUSED: TransportFlags = TransportFlags {
        connect: true,
        timeout: false,
        request: true,
    };
    /// A connection closed or reset after the request was written.
    const LOST: TransportFlags = TransportFlags {
        connect: false,
        timeout: false,
        request: true,
    };
    /// The total timeout of a caller-supplied HTTP client.
    const CLIENT_TIMED_OUT: TransportFlags = TransportFlags {
        connect: false,
        timeout: true,
        request: true,
    };
    /// A redirect loop, for one.
    const OTHER: TransportFlags = TransportFlags {
        connect: false,
        timeout: false,
        request: false,
    };

    /// What a row expects of `decide`.
    #[derive(Debug, Clone, Copy)]
    enum Expect {
        /// A retry after a jittered backoff: anywhere in `[0, cap]`, drawn
        /// by the jitter from this cap.
        Backoff(Duration),
        /// A retry after exactly this wait, whatever the jitter.
        Wait(Duration),
        RateLimited(Duration),
        Stop,
    }

    struct Row {
        /// The README row (setting) it checks, then the case.
        label: &'static str,
        policy: RetryPolicy,
        methods: &'static [Method],
        case: Case,
        attempts_made: u32,
        expect: Expect,
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    /// The README's retry table and `RetryPolicy`'s documentation, case by
    /// case, grouped by the README's rows (quoted above each group).
    fn rows() -> Vec<Row> {
        use Case::*;
        use Expect::*;
        vec![
            // attempts | 3 in all | max_attempts(n), disabled()
            Row {
                label: "attempts: 3 in all, the 1st is retried",
                policy: RetryPolicy::new(),
                methods: GET,
                case: Answered(&[502, 503, 504], None),
                attempts_made: 1,
                expect: Backoff(ms(200)),
            },
            Row {
                label: "attempts: 3 in all, the 2nd is retried",
                policy: RetryPolicy::new(),
                methods: GET,
                case: Answered(&[502, 503, 504], None),
                attempts_made: 2,
                expect: Backoff(ms(400)),
            },
            Row {
                label: "attempts: 3 in all, the 3rd is the last",
                policy: RetryPolicy::new(),
                methods: ALL,
                case: Answered(&[429], None),
                attempts_made: 3,
                expect: Stop,
            },
            Row {
                label: "attempts: max_attempts(5), the 4th is retried",
                policy: RetryPolicy::new().max_attempts(5),
                methods: GET,
                case: Answered(&[502, 503, 504], None),
                attempts_made: 4,
                expect: Backoff(ms(1600)),
            },
            Row {
                label: "attempts: max_attempts(5), the 5th is the last",
                policy: RetryPolicy::new().max_attempts(5),
                methods: GET,
                case: Answered(&[502, 503, 504], None),
                attempts_made: 5,
                expect: Stop,
            },
            Row {
                label: "attempts: disabled() makes one",
                policy: RetryPolicy::disabled(),
                methods: ALL,
                case: Answered(&[429], None),
                attempts_made: 1,
                expect: Stop,
            },
            Row {
                label: "attempts: max_attempts(0) counts as 1",
                policy: RetryPolicy::new().max_attempts(0),
                methods: ALL,
                case: ConnectFailed,
                attempts_made: 1,
                expect: Stop,
            },
            Row {
                label: "attempts: no connect failure is retried after the last",
                policy: RetryPolicy::new().retry_non_idempotent(true),
                methods: ALL,
                case: ConnectFailed,
                attempts_made: 3,
                expect: Stop,
            },
            Row {
                label: "attempts: no connect timeout is retried after the last",
                policy: RetryPolicy::new().retry_timeouts(true),
                methods: ALL,
                case: Failed(CONNECT_TIMED_OUT),
                attempts_made: 3,
                expect: Stop,
            },
            Row {
                label: "attempts: disabled() retries no connect timeout",
                policy: RetryPolicy::disabled(),
                methods: ALL,
                case: Failed(CONNECT_TIMED_OUT),
                attempts_made: 1,
                expect: Stop,
            },
            Row {
                label: "attempts: no timeout is retried after the last",
                policy: RetryPolicy::new().retry_timeouts(true),
                methods: GET,
                case: TimedOut,
                attempts_made: 3,
                expect: Stop,
            },
            // retried statuses | 429 for every method; 502, 503, 504 for idempotent
            // methods | retry_non_idempotent(true) adds POST and PATCH
            Row {
                label: "retried statuses: 429 for every method",
                policy: RetryPolicy::new(),
                methods: ALL,
                case: Answered(&[429], None),
                attempts_made: 1,
                expect: Backoff(ms(200)),
            },
            Row {
                label: "retried statuses: 502, 503, 504 for idempotent methods",
                policy: RetryPolicy::new(),
                methods: IDEMPOTENT,
                case: Answered(&[502, 503, 504], None),
                attempts_made: 1,
                expect: Backoff(ms(200)),
            },
            Row {
                label: "retried statuses: 502, 503, 504 not for POST, PATCH",
                policy: RetryPolicy::new(),
                methods: NON_IDEMPOTENT,
                case: Answered(&[502, 503, 504], None),
                attempts_made: 1,
                expect: Stop,
            },
            Row {
                label: "retried statuses: retry_non_idempotent(true) adds POST, PATCH",
                policy: RetryPolicy::new().retry_non_idempotent(true),
                methods: ALL,
                case: Answered(&[502, 503, 504], None),
                attempts_made: 1,
                expect: Backoff(ms(200)),
            },
            Row {
                label: "retried statuses: no other status",
                policy: RetryPolicy::new(),
                methods: ALL,
                case: Answered(&[200, 204, 400, 404, 408, 500, 501, 505], None),
                attempts_made: 1,
                expect: Stop,
            },
            Row {
                label: "retried statuses: no other status, whatever the policy",
                policy: RetryPolicy::new()
                    .retry_non_idempotent(true)
                    .retry_timeouts(true),
                methods: ALL,
                case: Answered(&[200, 400, 408, 500, 501, 505], None),
                attempts_made: 1,
                expect: Stop,
            },
            // connection errors | connect failures: every method; lost after sending:
            // idempotent methods only | retry_non_idempotent(true)
            Row {
                label: "connection errors: connect failures for every method",
                policy: RetryPolicy::new(),
                methods: ALL,
                case: ConnectFailed,
                attempts_made: 1,
                expect: Backoff(ms(200)),
            },
            Row {
                label: "connection errors: lost after sending, idempotent methods",
                policy: RetryPolicy::new(),
                methods: IDEMPOTENT,
                case: LostAfterSend,
                attempts_made: 1,
                expect: Backoff(ms(200)),
            },
            Row {
                label: "connection errors: lost after sending, not POST, PATCH",
                policy: RetryPolicy::new(),
                methods: NON_IDEMPOTENT,
                case: LostAfterSend,
                attempts_made: 1,
                expect: Stop,
            },
            Row {
                label: "connection errors: retry_non_idempotent(true) adds POST, PATCH",
                policy: RetryPolicy::new().retry_non_idempotent(true),
                methods: ALL,
                case: LostAfterSend,
                attempts_made: 1,
                expect: Backoff(ms(200)),
            },
            Row {
                label: "connection errors: no other transport error",
                policy: RetryPolicy::new()
                    .retry_non_idempotent(true)
                    .retry_timeouts(true),
                methods: ALL,
                case: OtherFailure,
                attempts_made: 1,
                expect: Stop,
            },
            Row {
                label: "connection errors: a connect that timed out, for every method",
                policy: RetryPolicy::new(),
                methods: ALL,
                case: Failed(CONNECT_TIMED_OUT),
                attempts_made: 1,
                expect: Backoff(ms(200)),
            },
            Row {
                label: "connection errors: a connect that timed out, again before the last",
                policy: RetryPolicy::new(),
                methods: NON_IDEMPOTENT,
                case: Failed(CONNECT_TIMED_OUT),
                attempts_made: 2,
                expect: Backoff(ms(400)),
            },
            Row {
                label: "connection errors: a refused connect (reqwest's flags), every method",
                policy: RetryPolicy::new(),
                methods: ALL,
                case: Failed(CONNECT_REFUSED),
                attempts_made: 1,
                expect: Backoff(ms(200)),
            },
            Row {
                label: "connection errors: lost after sending (reqwest's flags), idempotent",
                policy: RetryPolicy::new(),
                methods: IDEMPOTENT,
                case: Failed(LOST),
                attempts_made: 1,
                expect: Backoff(ms(200)),
            },
            Row {
                label: "connection errors: lost after sending (reqwest's flags), not POST",
                policy: RetryPolicy::new(),
                methods: NON_IDEMPOTENT,
                case: Failed(LOST),
                attempts_made: 1,
                expect: Stop,
            },
            Row {
                label: "connection errors: no other transport error (reqwest's flags)",
                policy: RetryPolicy::new()
                    .retry_non_idempotent(true)
                    .retry_timeouts(true),
                methods: ALL,
                case: Failed(OTHER),
                attempts_made: 1,
                expect: Stop,
            },
            // timeouts | not retried | retry_timeouts(true)
            Row {
                label: "timeouts: not retried",
                policy: RetryPolicy::new(),
                methods: ALL,
                case: TimedOut,
                attempts_made: 1,
                expect: Stop,
            },
            Row {
                label: "timeouts: not retried for retry_non_idempotent(true) alone",
                policy: RetryPolicy::new().retry_non_idempotent(true),
                methods: ALL,
                case: TimedOut,
                attempts_made: 1,
                expect: Stop,
            },
            Row {
                label: "timeouts: retry_timeouts(true), idempotent methods",
                policy: RetryPolicy::new().retry_timeouts(true),
                methods: IDEMPOTENT,
                case: TimedOut,
                attempts_made: 1,
                expect: Backoff(ms(200)),
            },
            Row {
                label: "timeouts: retry_timeouts(true), not POST, PATCH",
                policy: RetryPolicy::new().retry_timeouts(true),
                methods: NON_IDEMPOTENT,
                case: TimedOut,
                attempts_made: 1,
                expect: Stop,
            },
            Row {
                label: "timeouts: with retry_non_idempotent(true) too, every method",
                policy: RetryPolicy::new()
                    .retry_timeouts(true)
                    .retry_non_idempotent(true),
                methods: ALL,
                case: TimedOut,
                attempts_made: 1,
                expect: Backoff(ms(200)),
            },
            Row {
                label: "timeouts: a caller-supplied client's own timeout is not retried",
                policy: RetryPolicy::new().retry_non_idempotent(true),
                methods: ALL,
                case: Failed(CLIENT_TIMED_OUT),
                attempts_made: 1,
                expect: Stop,
            },
            Row {
                label: "timeouts: a caller-supplied client's own, retry_timeouts(true)",
                policy: RetryPolicy::new().retry_timeouts(true),
                methods: IDEMPOTENT,
                case: Failed(CLIENT_TIMED_OUT),
                attempts_made: 1,
                expect: Backoff(ms(200)),
            },
            Row {
                label: "timeouts: a connect timeout needs no retry_timeouts(true)",
                policy: RetryPolicy::new().retry_timeouts(false),
                methods: ALL,
                case: Failed(CONNECT_TIMED_OUT),
                attempts_made: 1,
                expect: Backoff(ms(200)),
            },
            // backoff | full jitter in [0, min(20 s, 200 ms × 2ⁿ)] | base_delay(d),
            // max_delay(d)
            Row {
                label: "backoff: [0, 200 ms] before the 1st retry",
                policy: RetryPolicy::new(),
                methods: GET,
                case: LostAfterSend,
                attempts_made: 1,
                expect: Backoff(ms(200)),
            },
            Row {
                label: "backoff: [0, 800 ms] before the 3rd retry",
                policy: RetryPolicy::new().max_attempts(10),
                methods: GET,
                case: ConnectFailed,
                attempts_made: 3,
                expect: Backoff(ms(800)),
            },
            Row {
                label: "backoff: [0, 12.8 s] before the 7th retry",
                policy: RetryPolicy::new().max_attempts(10),
                methods: POST,
                case: Answered(&[429], None),
                attempts_made: 7,
                expect: Backoff(ms(12_800)),
            },
            Row {
                label: "backoff: capped at 20 s from the 8th retry",
                policy: RetryPolicy::new().max_attempts(10),
                methods: GET,
                case: Answered(&[502, 503, 504], None),
                attempts_made: 8,
                expect: Backoff(secs(20)),
            },
            Row {
                label: "backoff: capped at 20 s however far",
                policy: RetryPolicy::new().max_attempts(u32::MAX),
                methods: GET,
                case: ConnectFailed,
                attempts_made: 1000,
                expect: Backoff(secs(20)),
            },
            Row {
                label: "backoff: base_delay(1 s), [0, 2 s] before the 2nd retry",
                policy: RetryPolicy::new()
                    .max_attempts(5)
                    .base_delay(secs(1))
                    .max_delay(secs(3)),
                methods: GET,
                case: ConnectFailed,
                attempts_made: 2,
                expect: Backoff(secs(2)),
            },
            Row {
                label: "backoff: max_delay(3 s) caps the 3rd retry",
                policy: RetryPolicy::new()
                    .max_attempts(5)
                    .base_delay(secs(1))
                    .max_delay(secs(3)),
                methods: GET,
                case: ConnectFailed,
                attempts_made: 3,
                expect: Backoff(secs(3)),
            },
            Row {
                label: "backoff: base_delay(0) retries at once",
                policy: RetryPolicy::new().base_delay(Duration::ZERO),
                methods: GET,
                case: ConnectFailed,
                attempts_made: 1,
                expect: Backoff(Duration::ZERO),
            },
            // Retry-After | seconds and HTTP-date, up to 60 s, replacing the backoff;
            // longer: RateLimited at once | max_retry_after(d)
            Row {
                label: "Retry-After: seconds replace the backoff",
                policy: RetryPolicy::new(),
                methods: ALL,
                case: Answered(&[429], Some("7")),
                attempts_made: 1,
                expect: Wait(secs(7)),
            },
            Row {
                label: "Retry-After: seconds on 502, 503, 504 too",
                policy: RetryPolicy::new(),
                methods: IDEMPOTENT,
                case: Answered(&[502, 503, 504], Some("3")),
                attempts_made: 1,
                expect: Wait(secs(3)),
            },
            Row {
                label: "Retry-After: 0 retries at once",
                policy: RetryPolicy::new(),
                methods: GET,
                case: Answered(&[429], Some("0")),
                attempts_made: 1,
                expect: Wait(Duration::ZERO),
            },
            Row {
                label: "Retry-After: 60 s is honoured",
                policy: RetryPolicy::new(),
                methods: GET,
                case: Answered(&[429, 503], Some("60")),
                attempts_made: 1,
                expect: Wait(secs(60)),
            },
            Row {
                label: "Retry-After: 61 s is RateLimited at once",
                policy: RetryPolicy::new(),
                methods: ALL,
                case: Answered(&[429], Some("61")),
                attempts_made: 1,
                expect: RateLimited(secs(61)),
            },
            Row {
                label: "Retry-After: 61 s on a 503 is RateLimited at once",
                policy: RetryPolicy::new(),
                methods: GET,
                case: Answered(&[503], Some("61")),
                attempts_made: 1,
                expect: RateLimited(secs(61)),
            },
            Row {
                label: "Retry-After: an absurd number of seconds is RateLimited",
                policy: RetryPolicy::new(),
                methods: GET,
                case: Answered(&[429], Some("99999999999999999999")),
                attempts_made: 1,
                expect: RateLimited(secs(u64::MAX)),
            },
            Row {
                label: "Retry-After: HTTP-date 30 s ahead",
                policy: RetryPolicy::new(),
                methods: ALL,
                case: Answered(&[429], Some("Sun, 06 Nov 1994 08:50:07 GMT")),
                attempts_made: 1,
                expect: Wait(secs(30)),
            },
            Row {
                label: "Retry-After: HTTP-date 60 s ahead is honoured",
                policy: RetryPolicy::new(),
                methods: GET,
                case: Answered(&[503], Some("Sun, 06 Nov 1994 08:50:37 GMT")),
                attempts_made: 1,
                expect: Wait(secs(60)),
            },
            Row {
                label: "Retry-After: HTTP-date 61 s ahead is RateLimited",
                policy: RetryPolicy::new(),
                methods: GET,
                case: Answered(&[429, 503], Some("Sun, 06 Nov 1994 08:50:38 GMT")),
                attempts_made: 1,
                expect: RateLimited(secs(61)),
            },
            Row {
                label: "Retry-After: HTTP-date in the past retries at once",
                policy: RetryPolicy::new(),
                methods: GET,
                case: Answered(&[429], Some("Sun, 06 Nov 1994 08:00:00 GMT")),
                attempts_made: 1,
                expect: Wait(Duration::ZERO),
            },
            Row {
                label: "Retry-After: not capped by max_delay",
                policy: RetryPolicy::new().max_delay(secs(1)),
                methods: GET,
                case: Answered(&[429], Some("10")),
                attempts_made: 1,
                expect: Wait(secs(10)),
            },
            Row {
                label: "Retry-After: max_retry_after(5 s) honours 5 s",
                policy: RetryPolicy::new().max_retry_after(secs(5)),
                methods: GET,
                case: Answered(&[429], Some("5")),
                attempts_made: 1,
                expect: Wait(secs(5)),
            },
            Row {
                label: "Retry-After: max_retry_after(5 s) rate-limits 6 s",
                policy: RetryPolicy::new().max_retry_after(secs(5)),
                methods: GET,
                case: Answered(&[429], Some("6")),
                attempts_made: 1,
                expect: RateLimited(secs(6)),
            },
            Row {
                label: "Retry-After: max_retry_after(120 s) honours 120 s",
                policy: RetryPolicy::new().max_retry_after(secs(120)),
                methods: GET,
                case: Answered(&[429], Some("120")),
                attempts_made: 1,
                expect: Wait(secs(120)),
            },
            Row {
                label: "Retry-After: an invalid one leaves the backoff",
                policy: RetryPolicy::new(),
                methods: GET,
                case: Answered(&[429], Some("soon")),
                attempts_made: 1,
                expect: Backoff(ms(200)),
            },
            Row {
                label: "Retry-After: ignored on a status not retried",
                policy: RetryPolicy::new(),
                methods: ALL,
                case: Answered(&[500, 400], Some("120")),
                attempts_made: 1,
                expect: Stop,
            },
            Row {
                label: "Retry-After: ignored on a 503 to POST, PATCH",
                policy: RetryPolicy::new(),
                methods: NON_IDEMPOTENT,
                case: Answered(&[503], Some("120")),
                attempts_made: 1,
                expect: Stop,
            },
            Row {
                label: "Retry-After: ignored after the last attempt (the response is decoded)",
                policy: RetryPolicy::new(),
                methods: ALL,
                case: Answered(&[429], Some("120")),
                attempts_made: 3,
                expect: Stop,
            },
        ]
    }

    #[test]
    fn decide_table() {
        let now = httpdate::parse_http_date(NOW).unwrap();
        let mut failures = Vec::new();
        for row in rows() {
            let mut headers = HeaderMap::new();
            let attempts = match row.case {
                Case::TimedOut => vec![Attempt::TimedOut],
                Case::ConnectFailed => vec![Attempt::ConnectFailed],
                Case::LostAfterSend => vec![Attempt::LostAfterSend],
                Case::OtherFailure => vec![Attempt::OtherFailure],
                Case::Failed(flags) => vec![Attempt::failed(flags)],
                Case::Answered(statuses, retry_after) => {
                    if let Some(value) = retry_after {
                        headers.insert(RETRY_AFTER, HeaderValue::from_static(value));
                    }
                    let headers = &headers;
                    statuses
                        .iter()
                        .map(|&status| {
                            Attempt::Answered(StatusCode::from_u16(status).unwrap(), headers)
                        })
                        .collect()
                }
            };
            let (want_high, want_low, want_cap) = match row.expect {
                Expect::Backoff(cap) => (
                    Decision::RetryAfter(cap),
                    Decision::RetryAfter(Duration::ZERO),
                    Some(cap),
                ),
                Expect::Wait(wait) => {
                    (Decision::RetryAfter(wait), Decision::RetryAfter(wait), None)
                }
                Expect::RateLimited(wait) => (
                    Decision::RateLimited(wait),
                    Decision::RateLimited(wait),
                    None,
                ),
                Expect::Stop => (Decision::Stop, Decision::Stop, None),
            };
            for method in row.methods {
                for &attempt in &attempts {
                    // The two extreme draws of the jitter, each recording the
                    // cap it was given: a backoff must span exactly
                    // `[0, cap]`, any other decision must not draw at all.
                    let asked = Cell::new(None);
                    let highest = |cap| {
                        asked.set(Some(cap));
                        cap
                    };
                    let high = row
                        .policy
                        .decide(attempt, method, row.attempts_made, now, highest);
                    let high_cap = asked.take();
                    let lowest = |cap| {
                        asked.set(Some(cap));
                        Duration::ZERO
                    };
                    let low = row
                        .policy
                        .decide(attempt, method, row.attempts_made, now, lowest);
                    let got = (high, low, high_cap, asked.take());
                    let want = (want_high, want_low, want_cap, want_cap);
                    if got != want {
                        failures.push(format!(
                            "{}: {method} {attempt:?} after {} attempt(s): \
                             (highest jitter, lowest jitter, caps drawn from) \
                             {got:?}, expected {want:?}",
                            row.label, row.attempts_made
                        ));
                    }
                }
            }
        }
        // Every failing case at once, rather than the first.
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }

    #[test]
    fn decide_with_the_real_jitter() {
        // The draw `execute` uses stays within the cap `decide` gives it.
        let p = RetryPolicy::new().max_attempts(10);
        let now = SystemTime::now();
        for made in 1..10 {
            let cap = p.backoff_cap(made - 1);
            for _ in 0..50 {
                match p.decide(
                    Attempt::ConnectFailed,
                    &Method::POST,
                    made,
                    now,
                    full_jitter,
                ) {
                    Decision::RetryAfter(wait) => assert!(wait <= cap, "{wait:?} > {cap:?}"),
                    other => panic!("{other:?} after {made} attempt(s)"),
                }
            }
        }
    }
}
