//! [`Timestamp`]: an RFC 3339 date-time that keeps its text.

use std::cmp::Ordering;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{
    civil_from_days, days_from_civil, days_in_month, digits2, digits4, push2, push4, push_fraction,
    text_value, TimeError, DAY, NANOS,
};

/// Unix time of `0000-01-01T00:00:00Z`, the first instant RFC 3339 can write.
const MIN_SECS: i64 = -62_167_219_200;

/// Unix time of `9999-12-31T23:59:59Z`, the last whole second RFC 3339 can
/// write.
const MAX_SECS: i64 = 253_402_300_799;

/// The largest offset RFC 3339 can write, `±23:59`, in minutes.
const MAX_OFFSET_MINUTES: i16 = 23 * 60 + 59;

/// A point in time as an RFC 3339 `date-time` (OpenAPI `format: date-time`),
/// for example `2024-02-29T12:00:00.5+02:00`.
///
/// A `Timestamp` keeps the text it was decoded or parsed from and sends
/// exactly that text back: no reformatting, no loss of the offset or of
/// trailing zeros in the fraction. Decoding accepts any JSON string, so one
/// malformed value cannot fail a whole response; such a value is *not
/// valid*: [`is_valid`](Self::is_valid) returns `false` and the accessors
/// return `None`.
///
/// A `Timestamp` is a `String` and nothing more, so decoding one costs what
/// decoding a `String` does. The accessors parse the text on each call
/// (without allocating, in tens of nanoseconds); convert a value once if it
/// is read in a hot loop.
///
/// ```
/// use sdkgen_runtime::Timestamp;
///
/// let t: Timestamp = serde_json::from_str(r#""2024-02-29T12:00:00+02:00""#).unwrap();
/// assert_eq!(t.unix_seconds(), Some(1_709_200_800));
/// assert_eq!(t.offset_minutes(), Some(120));
/// assert_eq!(serde_json::to_string(&t).unwrap(), r#""2024-02-29T12:00:00+02:00""#);
///
/// // No offset: not RFC 3339, but the response still decodes.
/// let odd: Timestamp = serde_json::from_str(r#""2024-01-01 00:00:00""#).unwrap();
/// assert!(!odd.is_valid());
/// assert_eq!(odd.unix_seconds(), None);
/// assert_eq!(serde_json::to_string(&odd).unwrap(), r#""2024-01-01 00:00:00""#);
/// ```
///
/// # What is valid
///
/// [`parse`](Self::parse) and [`is_valid`](Self::is_valid) follow the
/// `date-time` grammar of RFC 3339 §5.6, `YYYY-MM-DDTHH:MM:SS[.fraction]offset`:
///
/// * The date and the time are separated by `T`, `t` or a single space. The
///   RFC's note allows the space for readability, and Python's
///   `str(datetime)` writes it; since the text is kept, accepting it only
///   makes the accessors work.
/// * The offset is required: `Z`, `z` or `±hh:mm` with `hh` at most 23 and
///   `mm` at most 59. `-00:00` ("UTC, local offset unknown", RFC 3339 §4.3)
///   is valid and its offset reads as 0.
/// * The fraction has one or more digits. Digits past the ninth
///   (nanoseconds) are accepted, as the grammar allows, and ignored by the
///   accessors.
/// * The year is 0000 to 9999 and the month, day, hour, minute and second
///   are checked against the calendar (February 29 only in leap years).
/// * Second 60 (a leap second) is valid only where RFC 3339 §5.7 allows it:
///   at 23:59:60 UTC (after applying the offset) on the last day of a
///   month. Its instant is the last nanosecond of second 59,
///   `23:59:59.999999999` UTC, whatever its fraction, so that instants never
///   go backwards; Unix time, `SystemTime` and the `chrono`, `time` and
///   `jiff` types cannot represent it otherwise.
///
/// Everything else, including ISO 8601 forms RFC 3339 does not allow (no
/// separators, week dates, a missing offset), is not valid.
///
/// # Equality and ordering
///
/// `==` and `Hash` compare the text, because the text is what is sent:
/// `2024-01-01T00:00:00Z` and `2024-01-01T01:00:00+01:00` are the same
/// instant but are not equal. For the same reason `Timestamp` does not
/// implement `Ord`, which must agree with `==`; compare instants with
/// [`cmp_instant`](Self::cmp_instant), or sort by
/// [`unix_nanos`](Self::unix_nanos):
///
/// ```
/// use sdkgen_runtime::Timestamp;
///
/// let utc = Timestamp::parse("2024-01-01T00:00:00Z").unwrap();
/// let paris = Timestamp::parse("2024-01-01T01:00:00+01:00").unwrap();
/// assert_ne!(utc, paris);
/// assert_eq!(utc.cmp_instant(&paris), std::cmp::Ordering::Equal);
///
/// let mut v = vec![Timestamp::parse("2024-06-01T00:00:00Z").unwrap(), utc];
/// v.sort_by_key(Timestamp::unix_nanos);
/// assert_eq!(v[0], "2024-01-01T00:00:00Z");
/// ```
#[derive(Clone)]
pub struct Timestamp {
    text: String,
}

/// The value of a valid text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Instant {
    /// Unix time in whole seconds.
    secs: i64,
    /// Nanoseconds after `secs`, below 1 000 000 000.
    nanos: u32,
    /// Offset from UTC in minutes, positive east of Greenwich.
    offset: i16,
}

impl Timestamp {
    /// Parses an RFC 3339 `date-time`, failing if it is not valid (see
    /// [What is valid](Self#what-is-valid)).
    ///
    /// ```
    /// use sdkgen_runtime::Timestamp;
    ///
    /// let t = Timestamp::parse("1970-01-01t00:00:01.25z").unwrap();
    /// assert_eq!((t.unix_seconds(), t.subsec_nanos()), (Some(1), Some(250_000_000)));
    /// assert!(Timestamp::parse("2023-02-29T00:00:00Z").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Timestamp, TimeError> {
        parse_rfc3339(text.as_bytes()).map_err(TimeError::timestamp)?;
        Ok(Timestamp {
            text: text.to_owned(),
        })
    }

    /// Keeps any text, valid or not, as decoding does.
    ///
    /// This is how a value that must be sent exactly as given (one read from
    /// a file, say) is built. Use [`parse`](Self::parse) to reject text
    /// that is not valid instead.
    ///
    /// ```
    /// use sdkgen_runtime::Timestamp;
    ///
    /// assert!(Timestamp::from_text("2024-01-01T00:00:00Z").is_valid());
    /// assert!(!Timestamp::from_text("soon").is_valid());
    /// ```
    pub fn from_text(text: impl Into<String>) -> Timestamp {
        Timestamp { text: text.into() }
    }

    /// The UTC timestamp `nanos` nanoseconds after `secs` seconds of Unix
    /// time, written `YYYY-MM-DDTHH:MM:SS[.fraction]Z`.
    ///
    /// The fraction is left out when `nanos` is 0 and written without
    /// trailing zeros otherwise. It fails if `nanos` is 1 000 000 000 or
    /// more or if the instant is outside the years 0000 to 9999, which
    /// RFC 3339 cannot write.
    ///
    /// ```
    /// use sdkgen_runtime::Timestamp;
    ///
    /// assert_eq!(Timestamp::from_unix(0, 0).unwrap(), "1970-01-01T00:00:00Z");
    /// assert_eq!(
    ///     Timestamp::from_unix(1_709_200_800, 500_000_000).unwrap(),
    ///     "2024-02-29T10:00:00.5Z"
    /// );
    /// assert!(Timestamp::from_unix(-62_167_219_201, 0).is_err());
    /// ```
    pub fn from_unix(secs: i64, nanos: u32) -> Result<Timestamp, TimeError> {
        check_unix(secs, nanos)?;
        Ok(format(secs, nanos, None))
    }

    /// Like [`from_unix`](Self::from_unix), but written in local time at
    /// `offset_minutes` from UTC (positive east of Greenwich), with a
    /// `±hh:mm` offset.
    ///
    /// It fails if the offset is more than 23 hours 59 minutes either way,
    /// or if the local time is outside the years 0000 to 9999.
    ///
    /// ```
    /// use sdkgen_runtime::Timestamp;
    ///
    /// let t = Timestamp::from_unix_with_offset(1_709_200_800, 0, 120).unwrap();
    /// assert_eq!(t, "2024-02-29T12:00:00+02:00");
    /// let t = Timestamp::from_unix_with_offset(0, 0, -90).unwrap();
    /// assert_eq!(t, "1969-12-31T22:30:00-01:30");
    /// assert_eq!(Timestamp::from_unix_with_offset(0, 0, 0).unwrap(), "1970-01-01T00:00:00+00:00");
    /// ```
    pub fn from_unix_with_offset(
        secs: i64,
        nanos: u32,
        offset_minutes: i16,
    ) -> Result<Timestamp, TimeError> {
        if nanos >= NANOS {
            return Err(nanos_range());
        }
        if !(-MAX_OFFSET_MINUTES..=MAX_OFFSET_MINUTES).contains(&offset_minutes) {
            return Err(TimeError::range("offsets are at most ±23:59"));
        }
        // Only the local time must be in range: `0000-01-01T00:00:00+01:00`
        // is valid although it is in the year -1 in UTC.
        let local = secs.checked_add(i64::from(offset_minutes) * 60);
        if !local.is_some_and(|local| (MIN_SECS..=MAX_SECS).contains(&local)) {
            return Err(TimeError::range(
                "RFC 3339 writes local times from year 0000 to 9999",
            ));
        }
        Ok(format(secs, nanos, Some(offset_minutes)))
    }

    /// The current time, in UTC.
    ///
    /// ```
    /// use sdkgen_runtime::Timestamp;
    ///
    /// let now = Timestamp::now();
    /// assert!(now.is_valid() && now.as_str().ends_with('Z'));
    /// assert!(now.unix_seconds().unwrap() > 1_700_000_000);
    /// ```
    pub fn now() -> Timestamp {
        // A clock outside the years 0000 to 9999 is clamped to the nearest
        // end rather than turned into an error: `now` cannot fail.
        let (secs, nanos) = unix_parts(SystemTime::now()).unwrap_or((MAX_SECS, NANOS - 1));
        if secs < MIN_SECS {
            format(MIN_SECS, 0, None)
        } else if secs > MAX_SECS {
            format(MAX_SECS, NANOS - 1, None)
        } else {
            format(secs, nanos, None)
        }
    }

    /// The text, exactly as received or built.
    ///
    /// ```
    /// use sdkgen_runtime::Timestamp;
    ///
    /// assert_eq!(Timestamp::from_text("2024-01-01T00:00:00.000Z").as_str(), "2024-01-01T00:00:00.000Z");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The text, without a copy.
    ///
    /// ```
    /// use sdkgen_runtime::Timestamp;
    ///
    /// let text: String = Timestamp::from_unix(0, 0).unwrap().into_string();
    /// assert_eq!(text, "1970-01-01T00:00:00Z");
    /// ```
    pub fn into_string(self) -> String {
        self.text
    }

    /// Whether the text is a valid RFC 3339 `date-time` (see
    /// [What is valid](Self#what-is-valid)).
    ///
    /// ```
    /// use sdkgen_runtime::Timestamp;
    ///
    /// assert!(Timestamp::from_text("2024-01-01T00:00:00-05:00").is_valid());
    /// assert!(!Timestamp::from_text("2024-01-01T00:00:00").is_valid());
    /// ```
    pub fn is_valid(&self) -> bool {
        self.instant().is_some()
    }

    /// The whole seconds of Unix time (since `1970-01-01T00:00:00Z`, leap
    /// seconds not counted), or `None` if the text is not valid.
    ///
    /// Instants before 1970 are negative, and the fraction is always counted
    /// forwards: `1969-12-31T23:59:59.5Z` is second -1 plus 500 000 000
    /// nanoseconds.
    ///
    /// ```
    /// use sdkgen_runtime::Timestamp;
    ///
    /// assert_eq!(Timestamp::from_text("1970-01-01T00:00:00Z").unix_seconds(), Some(0));
    /// assert_eq!(Timestamp::from_text("1969-12-31T23:59:59.5Z").unix_seconds(), Some(-1));
    /// assert_eq!(Timestamp::from_text("bad").unix_seconds(), None);
    /// ```
    pub fn unix_seconds(&self) -> Option<i64> {
        self.instant().map(|i| i.secs)
    }

    /// The nanoseconds after [`unix_seconds`](Self::unix_seconds), below
    /// 1 000 000 000, or `None` if the text is not valid.
    ///
    /// ```
    /// use sdkgen_runtime::Timestamp;
    ///
    /// let t = Timestamp::from_text("2024-01-01T00:00:00.123456789123Z");
    /// assert_eq!(t.subsec_nanos(), Some(123_456_789));
    /// ```
    pub fn subsec_nanos(&self) -> Option<u32> {
        self.instant().map(|i| i.nanos)
    }

    /// Nanoseconds of Unix time, or `None` if the text is not valid.
    ///
    /// Unlike the timestamps themselves, these values are totally ordered
    /// by instant, which makes this the key to sort by: `None` (not valid)
    /// sorts first.
    ///
    /// ```
    /// use sdkgen_runtime::Timestamp;
    ///
    /// let t = Timestamp::from_text("1970-01-01T00:00:01.5+00:00");
    /// assert_eq!(t.unix_nanos(), Some(1_500_000_000));
    /// ```
    pub fn unix_nanos(&self) -> Option<i128> {
        self.instant()
            .map(|i| i128::from(i.secs) * i128::from(NANOS) + i128::from(i.nanos))
    }

    /// The offset from UTC in minutes, positive east of Greenwich, or `None`
    /// if the text is not valid. `Z` and `-00:00` read as 0.
    ///
    /// ```
    /// use sdkgen_runtime::Timestamp;
    ///
    /// assert_eq!(Timestamp::from_text("2024-01-01T00:00:00-03:30").offset_minutes(), Some(-210));
    /// assert_eq!(Timestamp::from_text("2024-01-01T00:00:00Z").offset_minutes(), Some(0));
    /// ```
    pub fn offset_minutes(&self) -> Option<i16> {
        self.instant().map(|i| i.offset)
    }

    /// The instant as a [`SystemTime`], or `None` if the text is not valid
    /// or the platform's `SystemTime` cannot hold it.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use sdkgen_runtime::Timestamp;
    ///
    /// let t = Timestamp::from_text("1970-01-01T00:01:00.5Z");
    /// assert_eq!(t.to_system_time(), Some(UNIX_EPOCH + Duration::from_millis(60_500)));
    /// ```
    pub fn to_system_time(&self) -> Option<SystemTime> {
        let i = self.instant()?;
        if i.secs >= 0 {
            UNIX_EPOCH.checked_add(Duration::new(i.secs.unsigned_abs(), i.nanos))
        } else {
            UNIX_EPOCH
                .checked_sub(Duration::from_secs(i.secs.unsigned_abs()))?
                .checked_add(Duration::from_nanos(u64::from(i.nanos)))
        }
    }

    /// Compares the instants of two timestamps, whatever their offsets and
    /// spelling; a timestamp that is not valid comes before every valid one,
    /// and two that are not valid compare equal.
    ///
    /// This is the order of [`unix_nanos`](Self::unix_nanos), for use with
    /// `sort_by` and `max_by`.
    ///
    /// ```
    /// use std::cmp::Ordering;
    /// use sdkgen_runtime::Timestamp;
    ///
    /// let a = Timestamp::from_text("2024-01-01T12:00:00+02:00");
    /// let b = Timestamp::from_text("2024-01-01T11:00:00Z");
    /// assert_eq!(a.cmp_instant(&b), Ordering::Less);
    /// assert_eq!(Timestamp::from_text("?").cmp_instant(&a), Ordering::Less);
    /// ```
    pub fn cmp_instant(&self, other: &Timestamp) -> Ordering {
        self.unix_nanos().cmp(&other.unix_nanos())
    }

    /// The value of the text, parsed again on each call (see the
    /// [module documentation](super) for why nothing is cached).
    fn instant(&self) -> Option<Instant> {
        parse_rfc3339(self.text.as_bytes()).ok()
    }

    /// The value's instant and offset, for the conversions.
    #[cfg(any(test, feature = "chrono", feature = "time", feature = "jiff"))]
    pub(crate) fn parts(&self) -> Option<(i64, u32, i16)> {
        self.instant().map(|i| (i.secs, i.nanos, i.offset))
    }
}

text_value!(Timestamp, "an RFC 3339 date-time string");

/// Converts a [`SystemTime`] to a UTC timestamp, failing only for times
/// outside the years 0000 to 9999.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use sdkgen_runtime::Timestamp;
///
/// let t = Timestamp::try_from(UNIX_EPOCH + Duration::from_secs(1_709_200_800)).unwrap();
/// assert_eq!(t, "2024-02-29T10:00:00Z");
/// let t = Timestamp::try_from(UNIX_EPOCH - Duration::from_millis(500)).unwrap();
/// assert_eq!(t, "1969-12-31T23:59:59.5Z");
/// ```
impl TryFrom<SystemTime> for Timestamp {
    type Error = TimeError;

    fn try_from(time: SystemTime) -> Result<Self, Self::Error> {
        let (secs, nanos) = unix_parts(time).ok_or_else(year_range)?;
        Timestamp::from_unix(secs, nanos)
    }
}

/// Seconds and nanoseconds of Unix time, or `None` past `i64` seconds.
fn unix_parts(time: SystemTime) -> Option<(i64, u32)> {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => Some((i64::try_from(after.as_secs()).ok()?, after.subsec_nanos())),
        Err(before) => {
            // `before` is how long before the epoch; Unix time counts the
            // fraction forwards, so a partial second borrows one.
            let before = before.duration();
            let secs = i64::try_from(before.as_secs()).ok()?;
            match before.subsec_nanos() {
                0 => Some((-secs, 0)),
                n => Some((-secs - 1, NANOS - n)),
            }
        }
    }
}

fn year_range() -> TimeError {
    TimeError::range("RFC 3339 writes years 0000 to 9999")
}

fn nanos_range() -> TimeError {
    TimeError::range("nanoseconds must be below 1 000 000 000")
}

fn check_unix(secs: i64, nanos: u32) -> Result<(), TimeError> {
    if nanos >= NANOS {
        return Err(nanos_range());
    }
    if !(MIN_SECS..=MAX_SECS).contains(&secs) {
        return Err(year_range());
    }
    Ok(())
}

/// Writes an instant in UTC (`offset` `None`, written `Z`) or at an offset,
/// whose local time the caller has checked to be in the years 0000 to 9999
/// and `nanos` below 1 000 000 000.
fn format(secs: i64, nanos: u32, offset: Option<i16>) -> Timestamp {
    let local = secs + i64::from(offset.unwrap_or(0)) * 60;
    let (year, month, day) = civil_from_days(local.div_euclid(DAY));
    let time = local.rem_euclid(DAY);
    let mut text = String::with_capacity(35);
    // Every value below is in range by the callers' checks; the casts cannot
    // truncate.
    push4(&mut text, year as u16);
    text.push('-');
    push2(&mut text, month);
    text.push('-');
    push2(&mut text, day);
    text.push('T');
    push2(&mut text, (time / 3600) as u8);
    text.push(':');
    push2(&mut text, (time / 60 % 60) as u8);
    text.push(':');
    push2(&mut text, (time % 60) as u8);
    push_fraction(&mut text, nanos);
    match offset {
        None => text.push('Z'),
        Some(m) => {
            text.push(if m < 0 { '-' } else { '+' });
            let m = m.unsigned_abs();
            push2(&mut text, (m / 60) as u8);
            text.push(':');
            push2(&mut text, (m % 60) as u8);
        }
    }
    Timestamp { text }
}

/// Writes an instant at an offset given in seconds, as the other crates
/// store it. An offset that RFC 3339 cannot write (not whole minutes, or
/// more than 23:59) is replaced by UTC, as is one whose local time falls
/// outside the years 0000 to 9999: the instant is what must not change.
#[cfg(any(feature = "chrono", feature = "time", feature = "jiff"))]
pub(crate) fn from_parts(
    secs: i64,
    nanos: u32,
    offset_seconds: Option<i32>,
) -> Result<Timestamp, TimeError> {
    let minutes = offset_seconds
        .filter(|s| s % 60 == 0)
        .and_then(|s| i16::try_from(s / 60).ok())
        .filter(|m| m.unsigned_abs() <= MAX_OFFSET_MINUTES.unsigned_abs());
    match minutes {
        Some(m) => Timestamp::from_unix_with_offset(secs, nanos, m)
            .or_else(|_| Timestamp::from_unix(secs, nanos)),
        None => Timestamp::from_unix(secs, nanos),
    }
}

/// Parses an RFC 3339 `date-time` (see [`Timestamp`] for the rules), with
/// a reason for the first problem found.
fn parse_rfc3339(b: &[u8]) -> Result<Instant, &'static str> {
    let year = digits4(b, 0).ok_or("expected a four-digit year")?;
    if b.get(4) != Some(&b'-') {
        return Err("expected `-` after the year");
    }
    let month = digits2(b, 5).ok_or("expected a two-digit month")?;
    if b.get(7) != Some(&b'-') {
        return Err("expected `-` after the month");
    }
    let day = digits2(b, 8).ok_or("expected a two-digit day")?;
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return Err("expected `T` between the date and the time");
    }
    let hour = digits2(b, 11).ok_or("expected a two-digit hour")?;
    if b.get(13) != Some(&b':') {
        return Err("expected `:` after the hour");
    }
    let minute = digits2(b, 14).ok_or("expected two-digit minutes")?;
    if b.get(16) != Some(&b':') {
        return Err("expected `:` after the minutes");
    }
    let second = digits2(b, 17).ok_or("expected two-digit seconds")?;

    let mut at = 19;
    let mut nanos = 0u32;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while let Some(d @ b'0'..=b'9') = b.get(at) {
            if at - start < 9 {
                nanos = nanos * 10 + u32::from(d - b'0');
            }
            at += 1;
        }
        match at - start {
            0 => return Err("expected digits after `.`"),
            n @ 1..=8 => nanos *= 10u32.pow(9 - n as u32),
            _ => {}
        }
    }

    let offset = match b.get(at) {
        Some(b'Z' | b'z') => {
            at += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            let hours = digits2(b, at + 1).ok_or("expected a two-digit offset hour")?;
            if b.get(at + 3) != Some(&b':') {
                return Err("expected `:` in the offset");
            }
            let minutes = digits2(b, at + 4).ok_or("expected two-digit offset minutes")?;
            if hours > 23 || minutes > 59 {
                return Err("offset out of range");
            }
            at += 6;
            let total = i16::from(hours) * 60 + i16::from(minutes);
            if *sign == b'-' {
                -total
            } else {
                total
            }
        }
        None => return Err("missing offset (`Z` or `±hh:mm`)"),
        Some(_) => return Err("expected `Z` or `±hh:mm` after the time"),
    };
    if at != b.len() {
        return Err("unexpected text after the offset");
    }

    let year = i64::from(year);
    if !(1..=12).contains(&month) {
        return Err("month out of range");
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err("day out of range for the month");
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err("time of day out of range");
    }

    let local = days_from_civil(year, month, day) * DAY
        + i64::from(hour) * 3600
        + i64::from(minute) * 60
        + i64::from(second.min(59));
    let secs = local - i64::from(offset) * 60;
    if second == 60 {
        // The leap second follows 23:59:59 UTC on the last day of a month
        // (RFC 3339 §5.7); it is read as the last nanosecond of that second.
        let (y, m, d) = civil_from_days(secs.div_euclid(DAY));
        if (secs + 1).rem_euclid(DAY) != 0 || d != days_in_month(y, m) {
            return Err("second 60 is only valid at 23:59:60 UTC on the last day of a month");
        }
        nanos = NANOS - 1;
    }
    Ok(Instant {
        secs,
        nanos,
        offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unix(text: &str) -> (i64, u32, i16) {
        Timestamp::parse(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .parts()
            .unwrap()
    }

    fn reason(text: &str) -> String {
        Timestamp::parse(text).unwrap_err().to_string()
    }

    #[test]
    fn known_unix_times() {
        assert_eq!(unix("1970-01-01T00:00:00Z"), (0, 0, 0));
        assert_eq!(unix("2024-02-29T12:00:00+02:00"), (1_709_200_800, 0, 120));
        assert_eq!(unix("2024-02-29T10:00:00Z"), (1_709_200_800, 0, 0));
        assert_eq!(unix("2001-09-09T01:46:40Z"), (1_000_000_000, 0, 0));
        assert_eq!(unix("0000-01-01T00:00:00Z"), (MIN_SECS, 0, 0));
        assert_eq!(unix("9999-12-31T23:59:59Z"), (MAX_SECS, 0, 0));
        assert_eq!(unix("1969-12-31T23:59:59.999Z"), (-1, 999_000_000, 0));
        assert_eq!(unix("1900-01-01T00:00:00Z"), (-2_208_988_800, 0, 0));
        assert_eq!(unix("2038-01-19T03:14:08Z"), (1 << 31, 0, 0));
        // Offsets move the instant the other way.
        assert_eq!(unix("1970-01-01T00:00:00-00:01"), (60, 0, -1));
        assert_eq!(unix("1970-01-01T00:00:00+23:59"), (-86_340, 0, 1439));
        assert_eq!(unix("1970-01-01T00:00:00-00:00"), (0, 0, 0));
        // Year 0 shifted west lands in year -1 UTC; year 9999 east, in 10000.
        assert_eq!(unix("0000-01-01T00:00:00+01:00"), (MIN_SECS - 3600, 0, 60));
        assert_eq!(unix("9999-12-31T23:59:59-01:00"), (MAX_SECS + 3600, 0, -60));
    }

    #[test]
    fn separators_fractions_and_case() {
        assert_eq!(unix("2024-01-01t00:00:00z"), unix("2024-01-01T00:00:00Z"));
        assert_eq!(unix("2024-01-01 00:00:00Z"), unix("2024-01-01T00:00:00Z"));
        assert_eq!(unix("1970-01-01T00:00:00.5Z").1, 500_000_000);
        assert_eq!(unix("1970-01-01T00:00:00.000000001Z").1, 1);
        assert_eq!(unix("1970-01-01T00:00:00.0000000019Z").1, 1);
        assert_eq!(unix("1970-01-01T00:00:00.123456Z").1, 123_456_000);
        let long = format!("1970-01-01T00:00:00.{}Z", "9".repeat(10_000));
        assert_eq!(unix(&long).1, 999_999_999);
        for bad in [
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00,5Z",
            "2024-01-01T00:00:00.5",
            "2024-01-01T00:00Z",
            "2024-01-01_00:00:00Z",
            "2024-01-01  00:00:00Z",
            "20240101T000000Z",
            "2024-01-01T00:00:00+0100",
            "2024-01-01T00:00:00+01",
            "2024-01-01T00:00:00 Z",
            "2024-01-01T00:00:00Z ",
            " 2024-01-01T00:00:00Z",
            "2024-01-01T00:00:00UTC",
            "+2024-01-01T00:00:00Z",
            "2024-1-01T00:00:00Z",
            "2024-01-01T00:00:00+01:00[Europe/Paris]",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn calendar_and_ranges() {
        assert!(Timestamp::parse("2024-02-29T00:00:00Z").is_ok());
        assert!(Timestamp::parse("2000-02-29T00:00:00Z").is_ok());
        assert_eq!(
            reason("2023-02-29T00:00:00Z"),
            "invalid RFC 3339 timestamp: day out of range for the month"
        );
        assert!(Timestamp::parse("1900-02-29T00:00:00Z").is_err());
        assert_eq!(
            reason("2024-13-01T00:00:00Z"),
            "invalid RFC 3339 timestamp: month out of range"
        );
        for bad in [
            "2024-00-01T00:00:00Z",
            "2024-04-31T00:00:00Z",
            "2024-01-00T00:00:00Z",
            "2024-01-32T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T23:60:00Z",
            "2024-01-01T23:59:61Z",
            "2024-01-01T00:00:00+24:00",
            "2024-01-01T00:00:00-00:60",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn leap_seconds() {
        let (secs, nanos, _) = unix("2016-12-31T23:59:60Z");
        assert_eq!((secs, nanos), (unix("2016-12-31T23:59:59Z").0, 999_999_999));
        assert_eq!(unix("2016-12-31T23:59:60.5Z").1, 999_999_999);
        // The same leap second, written in local time (RFC 3339 §5.7).
        assert_eq!(
            unix("1990-12-31T15:59:60-08:00").0,
            unix("1990-12-31T23:59:59Z").0
        );
        assert!(Timestamp::parse("2015-06-30T23:59:60Z").is_ok());
        assert!(Timestamp::parse("2024-02-29T23:59:60Z").is_ok());
        for bad in [
            "2016-12-30T23:59:60Z",
            "2016-12-31T23:58:60Z",
            "2016-12-31T12:34:60Z",
            "2016-12-31T23:59:60+01:00",
            "9999-12-31T23:59:60.999999999+23:59",
        ] {
            assert!(reason(bad).contains("second 60"), "{bad}");
        }
        // The leap second of the year 9999 is the last instant there is.
        assert_eq!(unix("9999-12-31T23:59:60Z"), (MAX_SECS, 999_999_999, 0));
    }

    #[test]
    fn odd_input_never_panics() {
        let long_digits = "9".repeat(100_000);
        let inputs = [
            "",
            "Z",
            "2024",
            "2024-01-01",
            "2024-01-01T",
            "2024-01-01T00:00:00",
            "2024-01-01T00:00:00+",
            "2024-01-01T00:00:00+01:",
            "2024-01-01T00:00:00.",
            "٢٠٢٤-01-01T00:00:00Z",
            "2024-01-01T00:00:00Ｚ",
            "2024-01-01T00:00:0０Z",
            "2024-01-01T00:00:00\u{0}Z",
            "9999-12-31T23:59:60.999999999+23:59",
            "0000-01-01T00:00:00Z",
            "0000-01-01T00:00:00-23:59",
            "9999-12-31T23:59:59.999999999+23:59",
            "9999-12-31T23:59:59.999999999-23:59",
            "99999-01-01T00:00:00Z",
            "2024-99-99T99:99:99+99:99",
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "----------T--:--:--Z",
            &long_digits,
        ];
        for text in inputs {
            let t = Timestamp::from_text(text);
            assert_eq!(t.as_str(), text);
            assert_eq!(t.is_valid(), Timestamp::parse(text).is_ok());
            let _ = (t.unix_nanos(), t.to_system_time(), format!("{t:?}"));
        }
    }

    #[test]
    fn unix_formatting() {
        for (secs, nanos, text) in [
            (0, 0, "1970-01-01T00:00:00Z"),
            (-1, 0, "1969-12-31T23:59:59Z"),
            (-1, 999_999_999, "1969-12-31T23:59:59.999999999Z"),
            (1_709_200_800, 120_000_000, "2024-02-29T10:00:00.12Z"),
            (MIN_SECS, 0, "0000-01-01T00:00:00Z"),
            (MAX_SECS, 999_999_999, "9999-12-31T23:59:59.999999999Z"),
        ] {
            let t = Timestamp::from_unix(secs, nanos).unwrap();
            assert_eq!(t.as_str(), text);
            assert_eq!(t.parts(), Some((secs, nanos, 0)));
            assert_eq!(Timestamp::parse(text).unwrap().parts(), t.parts());
        }
        assert!(Timestamp::from_unix(MIN_SECS - 1, 0)
            .unwrap_err()
            .is_out_of_range());
        assert!(Timestamp::from_unix(MAX_SECS + 1, 0).is_err());
        assert!(Timestamp::from_unix(0, NANOS).is_err());
        assert!(Timestamp::from_unix(i64::MIN, 0).is_err());
        // Offsets: the local time must stay in range, and the offset too.
        assert!(Timestamp::from_unix_with_offset(MIN_SECS, 0, -1).is_err());
        assert!(Timestamp::from_unix_with_offset(MIN_SECS, 0, 1).is_ok());
        let t = Timestamp::from_unix_with_offset(MIN_SECS - 3600, 0, 60).unwrap();
        assert_eq!(t, "0000-01-01T00:00:00+01:00");
        let t = Timestamp::from_unix_with_offset(MAX_SECS + 3600, 0, -60).unwrap();
        assert_eq!(t, "9999-12-31T23:59:59-01:00");
        assert!(Timestamp::from_unix_with_offset(i64::MAX, 0, 1).is_err());
        assert!(Timestamp::from_unix_with_offset(i64::MIN, 0, -1).is_err());
        assert!(Timestamp::from_unix_with_offset(0, NANOS, 0).is_err());
        assert!(Timestamp::from_unix_with_offset(0, 0, 1440).is_err());
        assert!(Timestamp::from_unix_with_offset(0, 0, i16::MIN).is_err());
        let t = Timestamp::from_unix_with_offset(MAX_SECS, 1, -MAX_OFFSET_MINUTES).unwrap();
        assert_eq!(t, "9999-12-31T00:00:59.000000001-23:59");
        assert_eq!(Timestamp::parse(t.as_str()).unwrap().parts(), t.parts());
        // Every day of a few centuries formats and parses back.
        for day in (-800_000i64..3_000_000).step_by(997) {
            let secs = day * DAY + 45_296;
            if let Ok(t) = Timestamp::from_unix_with_offset(secs, 7, -330) {
                assert_eq!(
                    Timestamp::parse(t.as_str()).unwrap().parts(),
                    t.parts(),
                    "{t}"
                );
            }
        }
    }

    #[test]
    fn system_time() {
        let t = Timestamp::from_text("2024-02-29T12:00:00+02:00");
        let st = t.to_system_time().unwrap();
        assert_eq!(st, UNIX_EPOCH + Duration::from_secs(1_709_200_800));
        assert_eq!(Timestamp::try_from(st).unwrap(), "2024-02-29T10:00:00Z");
        let before = Timestamp::from_text("1969-12-31T23:59:58.25Z");
        let st = before.to_system_time().unwrap();
        assert_eq!(st, UNIX_EPOCH - Duration::from_millis(1750));
        assert_eq!(Timestamp::try_from(st).unwrap(), "1969-12-31T23:59:58.25Z");
        assert_eq!(Timestamp::from_text("x").to_system_time(), None);
        if let Some(far) = UNIX_EPOCH.checked_add(Duration::from_secs(MAX_SECS as u64 + 1)) {
            assert!(Timestamp::try_from(far).unwrap_err().is_out_of_range());
        }
        let now = Timestamp::now();
        let back = now.to_system_time().unwrap();
        assert!(SystemTime::now().duration_since(back).unwrap() < Duration::from_secs(60));
    }

    #[test]
    fn equality_is_textual_ordering_is_by_instant() {
        use std::collections::HashSet;
        let a = Timestamp::from_text("2024-01-01T00:00:00Z");
        let b = Timestamp::from_text("2024-01-01T00:00:00.000Z");
        let c = Timestamp::from_text("2024-01-01T01:00:00+01:00");
        assert_ne!(a, b);
        assert_eq!(a.cmp_instant(&b), Ordering::Equal);
        assert_eq!(a.cmp_instant(&c), Ordering::Equal);
        let set: HashSet<_> = [a.clone(), b, c, a.clone()].into_iter().collect();
        assert_eq!(set.len(), 3);
        assert_eq!(a, "2024-01-01T00:00:00Z");
        assert_eq!(a, *"2024-01-01T00:00:00Z");
        let invalid = Timestamp::from_text("later");
        assert_eq!(invalid.cmp_instant(&a), Ordering::Less);
        assert_eq!(
            invalid.cmp_instant(&Timestamp::from_text("")),
            Ordering::Equal
        );
        assert_eq!(format!("{a:?}"), r#"Timestamp("2024-01-01T00:00:00Z")"#);
        assert_eq!(format!("{invalid:?}"), r#"Timestamp(invalid "later")"#);
        assert_eq!(format!("{a}"), "2024-01-01T00:00:00Z");
        assert_eq!("2024-01-01T00:00:00Z".parse::<Timestamp>().unwrap(), a);
        assert!("later".parse::<Timestamp>().is_err());
    }

    #[test]
    fn serde_round_trips_byte_for_byte() {
        #[derive(serde::Deserialize, serde::Serialize)]
        struct Event {
            at: Timestamp,
            seen: Vec<Timestamp>,
        }
        let json = r#"{"at":"2024-01-01T00:00:00.500+00:00","seen":["2024-01-01t00:00:00z","2024-01-01 00:00:00","","1970-01-01T00:00:00.000000000Z","\u0032024-01-01T00:00:00Z","2024-02-29T12:00:00+02:00"]}"#;
        let event: Event = serde_json::from_str(json).unwrap();
        assert!(event.at.is_valid());
        let valid: Vec<bool> = event.seen.iter().map(Timestamp::is_valid).collect();
        assert_eq!(valid, [true, false, false, true, true, true]);
        // An escape decodes to its character; the text kept is the string's value.
        assert_eq!(event.seen[4], "2024-01-01T00:00:00Z");
        let back = serde_json::to_string(&event).unwrap();
        assert_eq!(back, json.replace(r"\u0032", "2"));

        let value = serde_json::json!("2024-01-01T00:00:00Z");
        let t: Timestamp = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(serde_json::to_value(&t).unwrap(), value);

        for not_a_string in ["1704067200", "null", "true", "{}", "[]"] {
            let err = serde_json::from_str::<Timestamp>(not_a_string).unwrap_err();
            assert!(
                err.to_string().contains("RFC 3339 date-time string"),
                "{err}"
            );
        }
        let de = serde::de::value::BytesDeserializer::<serde::de::value::Error>::new(b"\xff");
        assert!(<Timestamp as serde::Deserialize>::deserialize(de).is_err());
        let de = serde::de::value::BytesDeserializer::<serde::de::value::Error>::new(
            b"1970-01-01T00:00:00Z",
        );
        assert!(<Timestamp as serde::Deserialize>::deserialize(de)
            .unwrap()
            .is_valid());
    }
}
