//! Lossless date, time and duration values: [`Timestamp`] for
//! `format: date-time`, [`Date`] for `format: date` and [`IsoDuration`] for
//! `format: duration`.
//!
//! # Design
//!
//! Each type keeps the exact text it was given, and reads its value from
//! that text when asked. Three requirements lead there:
//!
//! * **A bad value from the server never loses the response.** Decoding
//!   accepts any JSON string. A string that is not valid (a timestamp
//!   without an offset, say) still decodes; the value reports that it is not
//!   valid (`is_valid()` is `false` and the accessors return `None`) instead
//!   of failing the whole response. A JSON value that is not a string (a
//!   number, `null`) is a decode error, as for any mismatched type.
//! * **What the server sent is what is sent back.** Encoding writes the kept
//!   text byte for byte, so `2024-01-01T00:00:00.500+00:00` goes back as
//!   exactly that and not as a reformatted `2024-01-01T00:00:00.5Z`.
//!   Equality and hashing compare the text for the same reason: two values
//!   are equal when they would be sent identically.
//! * **No new dependency.** A clean build of a generated client stays within
//!   its crate budget, so the parsers are small hand-written byte scanners
//!   (no regex, no allocation besides the one `String` of the text) and the
//!   calendar arithmetic is the runtime's own. Users of `chrono`, `time` or
//!   `jiff` convert with `TryFrom`/`From` impls behind the crate features of
//!   the same names, which are off by default.
//!
//! Parsing is lazy: a value holds its `String` and nothing else, so
//! decoding one costs what decoding a `String` costs (measured equal within
//! noise on a list of 60 000 timestamps and on pydantic durations), and the
//! types are as small as a `String`. Each accessor parses the text again,
//! without allocating, in about 25 ns for a timestamp; code that reads one
//! value in a hot loop converts it once (to `SystemTime`, or to another
//! crate's type) instead. Caching the parsed value would have made every
//! decode pay for a parse that most values, only passed on or printed,
//! never need: measured, that made a list of timestamps 85 % slower to
//! decode.
//!
//! # Conversions
//!
//! | runtime type | `std` | feature `chrono` | feature `time` | feature `jiff` |
//! | --- | --- | --- | --- | --- |
//! | [`Timestamp`] | `SystemTime` | `DateTime<FixedOffset>`, `DateTime<Utc>` | `OffsetDateTime` | `Timestamp` |
//! | [`Date`] | | `NaiveDate` | `Date` | `civil::Date` |
//! | [`IsoDuration`] | `Duration` | `TimeDelta` | `Duration` | `SignedDuration` |
//!
//! A conversion from a runtime type is a `TryFrom` (the text may not be
//! valid, or its value may not fit the other type), implemented for the value
//! and for a reference to it. A conversion into a runtime type is a
//! `TryFrom` where the other type can hold values that RFC 3339 cannot
//! write (years before 0000 or after 9999) and a `From` otherwise.

use std::fmt;

mod date;
mod duration;
mod timestamp;

#[cfg(feature = "chrono")]
mod chrono;
#[cfg(feature = "jiff")]
mod jiff;
#[cfg(feature = "time")]
mod time;

pub use date::Date;
pub use duration::IsoDuration;
pub use timestamp::Timestamp;

/// Why a text is not a valid [`Timestamp`], [`Date`] or [`IsoDuration`], or
/// why a value cannot be converted.
///
/// The error does not repeat the offending text, which can be long and
/// which the caller already has.
///
/// ```
/// use sdkgen_runtime::Timestamp;
///
/// let err = Timestamp::parse("2024-01-01 00:00:00").unwrap_err();
/// assert_eq!(err.to_string(), "invalid RFC 3339 timestamp: missing offset (`Z` or `±hh:mm`)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeError {
    kind: ErrorKind,
    reason: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ErrorKind {
    Timestamp,
    Date,
    Duration,
    Range,
    /// Only the conversions to other crates' types report this.
    #[cfg(any(feature = "chrono", feature = "time", feature = "jiff"))]
    Invalid,
}

impl TimeError {
    pub(crate) fn timestamp(reason: &'static str) -> Self {
        TimeError {
            kind: ErrorKind::Timestamp,
            reason,
        }
    }

    pub(crate) fn date(reason: &'static str) -> Self {
        TimeError {
            kind: ErrorKind::Date,
            reason,
        }
    }

    pub(crate) fn duration(reason: &'static str) -> Self {
        TimeError {
            kind: ErrorKind::Duration,
            reason,
        }
    }

    pub(crate) fn range(reason: &'static str) -> Self {
        TimeError {
            kind: ErrorKind::Range,
            reason,
        }
    }

    /// The error of a conversion from a value whose text is not valid.
    #[cfg(any(feature = "chrono", feature = "time", feature = "jiff"))]
    pub(crate) fn invalid(what: &'static str) -> Self {
        TimeError {
            kind: ErrorKind::Invalid,
            reason: what,
        }
    }

    /// Whether the error says that a value is outside the range of the type
    /// it was converted to, as opposed to a text that is not valid.
    ///
    /// ```
    /// use sdkgen_runtime::Timestamp;
    ///
    /// assert!(Timestamp::from_unix(i64::MAX, 0).unwrap_err().is_out_of_range());
    /// assert!(!Timestamp::parse("yesterday").unwrap_err().is_out_of_range());
    /// ```
    pub fn is_out_of_range(&self) -> bool {
        self.kind == ErrorKind::Range
    }
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ErrorKind::Timestamp => "invalid RFC 3339 timestamp",
            ErrorKind::Date => "invalid RFC 3339 date",
            ErrorKind::Duration => "invalid ISO 8601 duration",
            ErrorKind::Range => "out of range",
            #[cfg(any(feature = "chrono", feature = "time", feature = "jiff"))]
            ErrorKind::Invalid => return write!(f, "{} does not hold a valid value", self.reason),
        };
        write!(f, "{what}: {}", self.reason)
    }
}

impl std::error::Error for TimeError {}

/// The trait impls shared by the three text-keeping types: text equality and
/// hashing, `Display` and `AsRef<str>` giving the text, strict `FromStr`, and
/// serde support that writes the text and reads any string.
macro_rules! text_value {
    ($ty:ident, $expecting:literal) => {
        impl PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                self.text == other.text
            }
        }

        impl Eq for $ty {}

        impl std::hash::Hash for $ty {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.text.hash(state);
            }
        }

        impl PartialEq<str> for $ty {
            fn eq(&self, other: &str) -> bool {
                self.text == other
            }
        }

        impl PartialEq<&str> for $ty {
            fn eq(&self, other: &&str) -> bool {
                self.text == *other
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.text)
            }
        }

        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                if self.is_valid() {
                    write!(f, concat!(stringify!($ty), "({:?})"), self.text)
                } else {
                    write!(f, concat!(stringify!($ty), "(invalid {:?})"), self.text)
                }
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.text
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::datetime::TimeError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::parse(s)
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.text)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct TextVisitor;

                impl serde::de::Visitor<'_> for TextVisitor {
                    type Value = $ty;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str($expecting)
                    }

                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$ty, E> {
                        Ok($ty::from_text(v))
                    }

                    // An owned string (a JSON string with escapes, or a
                    // `serde_json::Value`) is kept without a copy.
                    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<$ty, E> {
                        Ok($ty::from_text(v))
                    }

                    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<$ty, E> {
                        match std::str::from_utf8(v) {
                            Ok(s) => Ok($ty::from_text(s)),
                            Err(_) => Err(E::invalid_value(serde::de::Unexpected::Bytes(v), &self)),
                        }
                    }
                }

                deserializer.deserialize_string(TextVisitor)
            }
        }
    };
}

pub(crate) use text_value;

/// Implements `TryFrom<$ty>` by delegating to `TryFrom<&$ty>`, so that both
/// an owned field and a borrowed one convert.
#[cfg(any(feature = "chrono", feature = "time", feature = "jiff"))]
macro_rules! by_value {
    ($ty:ty => $target:ty) => {
        impl TryFrom<$ty> for $target {
            type Error = $crate::datetime::TimeError;

            fn try_from(value: $ty) -> Result<Self, Self::Error> {
                <$target>::try_from(&value)
            }
        }
    };
}

#[cfg(any(feature = "chrono", feature = "time", feature = "jiff"))]
pub(crate) use by_value;

// Calendar arithmetic on the proleptic Gregorian calendar, as RFC 3339
// uses. Years are `i64` so that intermediate values (a year 0 date shifted by
// a negative offset, say) never overflow.

/// Seconds in a day.
pub(crate) const DAY: i64 = 86_400;

/// Nanoseconds in a second.
pub(crate) const NANOS: u32 = 1_000_000_000;

pub(crate) fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The number of days of `month` (1 to 12) in `year`; 0 for any other month.
pub(crate) fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days from 1970-01-01 to the given date, which must be valid.
///
/// This is Howard Hinnant's `days_from_civil`: it counts in 400-year eras
/// starting in March, so that the leap day is the last day of a year.
pub(crate) fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y.rem_euclid(400);
    let m = i64::from(month);
    let day_of_year = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` days after 1970-01-01, the inverse of
/// [`days_from_civil`]. `days` must be within a few million years of 1970,
/// which every caller guarantees by checking its range first.
pub(crate) fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    // Both values are in range by construction: day 1..=31, month 1..=12.
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u8;
    let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u8;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

// Fixed-width ASCII digits, read and written without allocating.

/// The value of the two ASCII digits at `at`, if both are digits.
pub(crate) fn digits2(b: &[u8], at: usize) -> Option<u8> {
    match (b.get(at), b.get(at + 1)) {
        (Some(d1 @ b'0'..=b'9'), Some(d2 @ b'0'..=b'9')) => Some((d1 - b'0') * 10 + (d2 - b'0')),
        _ => None,
    }
}

/// The value of the four ASCII digits at `at`, if all are digits.
pub(crate) fn digits4(b: &[u8], at: usize) -> Option<u16> {
    let hi = digits2(b, at)?;
    let lo = digits2(b, at + 2)?;
    Some(u16::from(hi) * 100 + u16::from(lo))
}

/// Appends `value` (below 100) as two digits.
pub(crate) fn push2(out: &mut String, value: u8) {
    out.push(char::from(b'0' + value / 10 % 10));
    out.push(char::from(b'0' + value % 10));
}

/// Appends `value` (below 10000) as four digits.
pub(crate) fn push4(out: &mut String, value: u16) {
    push2(out, (value / 100 % 100) as u8);
    push2(out, (value % 100) as u8);
}

/// Appends `.` and the nanoseconds without trailing zeros, or nothing when
/// `nanos` is 0: `500_000_000` is written `.5`, as Go's `RFC3339Nano` and
/// pydantic do for the digits they keep.
pub(crate) fn push_fraction(out: &mut String, nanos: u32) {
    if nanos == 0 {
        return;
    }
    let mut digits = [0u8; 9];
    let mut rest = nanos % NANOS;
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    let len = 9 - digits.iter().rev().take_while(|d| **d == b'0').count();
    out.push('.');
    for d in &digits[..len] {
        out.push(char::from(*d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(0, 1, 1), -719_528);
        assert_eq!(days_from_civil(9999, 12, 31), 2_932_896);
        for days in (-719_600..2_933_000).step_by(7) {
            let (y, m, d) = civil_from_days(days);
            assert!((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m));
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
    }

    #[test]
    fn leap_years() {
        assert!(is_leap_year(2000) && is_leap_year(2024) && is_leap_year(0));
        assert!(!is_leap_year(1900) && !is_leap_year(2023) && !is_leap_year(2100));
        assert_eq!(days_in_month(2023, 2), 28);
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2024, 13), 0);
        assert_eq!(days_in_month(2024, 0), 0);
    }

    #[test]
    fn digits_and_fractions() {
        assert_eq!(digits2(b"07", 0), Some(7));
        assert_eq!(digits2(b"7", 0), None);
        assert_eq!(digits2(b"7a", 0), None);
        assert_eq!(digits4(b"x2024", 1), Some(2024));
        assert_eq!(digits4("２０２４".as_bytes(), 0), None);
        let mut s = String::new();
        push_fraction(&mut s, 0);
        assert_eq!(s, "");
        for (nanos, text) in [
            (500_000_000, ".5"),
            (1, ".000000001"),
            (123_456_000, ".123456"),
            (999_999_999, ".999999999"),
        ] {
            let mut s = String::new();
            push_fraction(&mut s, nanos);
            assert_eq!(s, text);
        }
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            TimeError::date("month out of range").to_string(),
            "invalid RFC 3339 date: month out of range"
        );
        #[cfg(any(feature = "chrono", feature = "time", feature = "jiff"))]
        assert_eq!(
            TimeError::invalid("the timestamp").to_string(),
            "the timestamp does not hold a valid value"
        );
    }
}
