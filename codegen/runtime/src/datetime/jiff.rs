//! Conversions to and from `jiff` 1 (feature `jiff`).
//!
//! A `jiff::Timestamp` is an instant without an offset: converting one
//! writes it in UTC, and converting to one drops the offset (read it with
//! [`Timestamp::offset_minutes`] to build a `jiff::tz::Offset`).

use ::jiff::civil::Date as CivilDate;
use ::jiff::SignedDuration;

use super::timestamp::from_parts;
use super::{by_value, Date, IsoDuration, TimeError, Timestamp, NANOS};

fn out_of_range() -> TimeError {
    TimeError::range("the value does not fit the jiff type")
}

/// The instant of a valid timestamp. It fails for the last and first day of
/// the years 9999 and 0000 beyond `jiff::Timestamp`'s range
/// (`-009999-01-02T01:59:59Z` to `9999-12-30T22:00:00.999999999Z`).
///
/// ```
/// use sdkgen_runtime::Timestamp;
///
/// let t = Timestamp::parse("2024-02-29T12:00:00.5+02:00").unwrap();
/// let instant = jiff::Timestamp::try_from(&t).unwrap();
/// assert_eq!(instant, jiff::Timestamp::new(1_709_200_800, 500_000_000).unwrap());
/// ```
impl TryFrom<&Timestamp> for ::jiff::Timestamp {
    type Error = TimeError;

    fn try_from(t: &Timestamp) -> Result<Self, TimeError> {
        let (secs, nanos, _) = t.parts().ok_or(TimeError::invalid("the timestamp"))?;
        // `nanos` is below one second and so fits an `i32`.
        ::jiff::Timestamp::new(secs, nanos as i32).map_err(|_| out_of_range())
    }
}

by_value!(Timestamp => ::jiff::Timestamp);

/// Writes the instant in UTC, with `Z`; fails before the year 0000.
///
/// ```
/// use sdkgen_runtime::Timestamp;
///
/// let instant = jiff::Timestamp::new(1_709_200_800, 0).unwrap();
/// assert_eq!(Timestamp::try_from(instant).unwrap(), "2024-02-29T10:00:00Z");
/// ```
impl TryFrom<::jiff::Timestamp> for Timestamp {
    type Error = TimeError;

    fn try_from(instant: ::jiff::Timestamp) -> Result<Self, TimeError> {
        // jiff gives the fraction the sign of the instant; Unix time as the
        // runtime counts it has a fraction that is never negative.
        let (secs, nanos) = (instant.as_second(), instant.subsec_nanosecond());
        let (secs, nanos) = if nanos < 0 {
            (secs - 1, NANOS - nanos.unsigned_abs())
        } else {
            (secs, nanos.unsigned_abs())
        };
        from_parts(secs, nanos, None)
    }
}

/// The date of a valid [`Date`].
///
/// ```
/// use jiff::civil;
///
/// let d = civil::Date::try_from(sdkgen_runtime::Date::from_text("2024-02-29")).unwrap();
/// assert_eq!(d, civil::date(2024, 2, 29));
/// ```
impl TryFrom<&Date> for CivilDate {
    type Error = TimeError;

    fn try_from(d: &Date) -> Result<Self, TimeError> {
        let (year, month, day) = d.parts().ok_or(TimeError::invalid("the date"))?;
        // Years 0 to 9999, months 1 to 12 and days 1 to 31 fit jiff's types.
        CivilDate::new(year as i16, month as i8, day as i8).map_err(|_| out_of_range())
    }
}

by_value!(Date => CivilDate);

/// Writes the date; fails before the year 0000.
///
/// ```
/// use jiff::civil;
///
/// assert_eq!(sdkgen_runtime::Date::try_from(civil::date(2024, 2, 29)).unwrap(), "2024-02-29");
/// assert!(sdkgen_runtime::Date::try_from(civil::date(-1, 1, 1)).is_err());
/// ```
impl TryFrom<CivilDate> for Date {
    type Error = TimeError;

    fn try_from(d: CivilDate) -> Result<Self, TimeError> {
        // jiff's months and days are positive.
        Date::from_ymd(
            i32::from(d.year()),
            d.month().unsigned_abs(),
            d.day().unsigned_abs(),
        )
    }
}

/// The signed length of a valid duration; fails beyond `i64::MAX` seconds.
///
/// ```
/// use jiff::SignedDuration;
/// use sdkgen_runtime::IsoDuration;
///
/// let d = SignedDuration::try_from(IsoDuration::from_text("-PT1.5S")).unwrap();
/// assert_eq!(d, SignedDuration::from_millis(-1500));
/// ```
impl TryFrom<&IsoDuration> for SignedDuration {
    type Error = TimeError;

    fn try_from(d: &IsoDuration) -> Result<Self, TimeError> {
        let (negative, secs, nanos) = d.parts().ok_or(TimeError::invalid("the duration"))?;
        let secs = i64::try_from(secs).map_err(|_| out_of_range())?;
        // `nanos` is below one second, so `new` does not carry (or panic).
        let length = SignedDuration::new(secs, nanos as i32);
        if negative {
            length.checked_neg().ok_or_else(out_of_range)
        } else {
            Ok(length)
        }
    }
}

by_value!(IsoDuration => SignedDuration);

/// Writes the signed length, as [`IsoDuration::from_std`] does.
///
/// ```
/// use jiff::SignedDuration;
/// use sdkgen_runtime::IsoDuration;
///
/// assert_eq!(IsoDuration::from(SignedDuration::from_mins(-90)), "-PT1H30M");
/// ```
impl From<SignedDuration> for IsoDuration {
    fn from(d: SignedDuration) -> Self {
        let magnitude = d.unsigned_abs();
        IsoDuration::from_parts(
            d.is_negative(),
            magnitude.as_secs(),
            magnitude.subsec_nanos(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_both_ways() {
        for text in [
            "2024-02-29T12:00:00+02:00",
            "1969-12-31T23:59:59.25-00:30",
            "0000-01-01T00:00:00Z",
            "9999-12-30T22:00:00.999999999Z",
        ] {
            let t = Timestamp::parse(text).unwrap();
            let instant = ::jiff::Timestamp::try_from(&t).unwrap();
            let nanos = instant.as_nanosecond();
            assert_eq!(Some(nanos), t.unix_nanos(), "{text}");
            let back = Timestamp::try_from(instant).unwrap();
            assert_eq!(back.unix_nanos(), t.unix_nanos());
            assert_eq!(back.offset_minutes(), Some(0));
        }
        let before = ::jiff::Timestamp::new(-1, -750_000_000).unwrap();
        assert_eq!(
            Timestamp::try_from(before).unwrap(),
            "1969-12-31T23:59:58.25Z"
        );
        assert!(Timestamp::try_from(::jiff::Timestamp::MIN)
            .unwrap_err()
            .is_out_of_range());
        let last = Timestamp::parse("9999-12-31T23:59:59Z").unwrap();
        assert!(::jiff::Timestamp::try_from(last)
            .unwrap_err()
            .is_out_of_range());
        assert!(::jiff::Timestamp::try_from(Timestamp::from_text("")).is_err());
    }

    #[test]
    fn dates_both_ways() {
        for text in ["2024-02-29", "0000-01-01", "9999-12-31"] {
            let d = Date::parse(text).unwrap();
            let c = CivilDate::try_from(&d).unwrap();
            assert_eq!(Date::try_from(c).unwrap(), d);
        }
        assert!(CivilDate::try_from(Date::from_text("2024-02-30")).is_err());
    }

    #[test]
    fn durations_both_ways() {
        for (text, millis) in [
            ("PT0S", 0),
            ("-P1D", -86_400_000),
            ("P1DT2H3M4.5S", 93_784_500),
        ] {
            let d = SignedDuration::try_from(IsoDuration::parse(text).unwrap()).unwrap();
            assert_eq!(d, SignedDuration::from_millis(millis));
            assert_eq!(IsoDuration::from(d), text);
        }
        for extreme in [SignedDuration::MAX, SignedDuration::MIN] {
            let d = IsoDuration::from(extreme);
            assert_eq!(
                SignedDuration::try_from(&d).ok(),
                (extreme != SignedDuration::MIN).then_some(extreme)
            );
        }
        let huge = IsoDuration::parse("PT18446744073709551615S").unwrap();
        assert!(SignedDuration::try_from(huge)
            .unwrap_err()
            .is_out_of_range());
    }
}
