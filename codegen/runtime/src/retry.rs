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
/// * failures to establish a connection (refused, DNS, TLS handshake), for
///   every method: the request never left the machine, so sending it again
///   cannot repeat a side effect;
/// * connections closed or reset before a response arrived, for idempotent
///   methods only, unless `retry_non_idempotent` is set.
///
/// Other statuses (e.g. `500`) are never retried. Timeouts are not retried
/// unless [`retry_timeouts`](Self::retry_timeouts) is set, because a request
/// that timed out may well time out again and the caller already waited the
/// whole timeout once. Errors while reading a response body are not retried
/// either: the server has answered.
///
/// Between attempts the runtime waits:
///
/// * exactly the server's `Retry-After` (delay-seconds or HTTP-date form)
///   when the response carries one, so `Retry-After: 0` retries at once; if
///   it asks for more than [`max_retry_after`](Self::max_retry_after), the
///   call fails at once with [`Error::RateLimited`](crate::Error::RateLimited)
///   carrying the requested wait;
/// * otherwise an exponential backoff with full jitter: a random duration in
///   `[0, min(max_delay, base_delay * 2^n)]` before retry `n` (counted from
///   0).
///
/// When the attempts run out, the last response is decoded like any other
/// (so a documented `429` becomes [`Error::Api`](crate::Error::Api) with its
/// typed body).
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
    /// rule as `5xx`). Off by default.
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

    /// A random wait in `[0, backoff_cap(retry)]` (full jitter).
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let cap = self.backoff_cap(retry);
        let cap_nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        if cap_nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(fastrand::u64(0..=cap_nanos))
    }

    /// Whether a method may be retried after the server may have seen it.
    pub(crate) fn may_repeat(&self, method: &Method) -> bool {
        self.retry_non_idempotent || is_idempotent(method)
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::new()
    }
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
                let d = p.backoff(retry);
                assert!(d <= cap, "{d:?} > {cap:?}");
            }
        }
        let zero = RetryPolicy::new().base_delay(Duration::ZERO);
        assert_eq!(zero.backoff(3), Duration::ZERO);
        let max = RetryPolicy::new()
            .base_delay(Duration::MAX)
            .max_delay(Duration::MAX);
        let _ = max.backoff(3);
    }

    #[test]
    fn backoff_is_jittered() {
        let p = RetryPolicy::new().base_delay(Duration::from_secs(1));
        let samples: std::collections::HashSet<Duration> = (0..20).map(|_| p.backoff(0)).collect();
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
}
