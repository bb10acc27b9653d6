//! Conversions to and from `time` 0.3 (feature `time`).

use ::time::{
    Date as TimeDate, Duration as TimeDuration, Month, OffsetDateTime, PrimitiveDateTime, Time,
    UtcOffset,
};

use super::timestamp::from_parts;
use super::{by_value, civil_from_days, Date, IsoDuration, TimeError, Timestamp, DAY};

fn out_of_range() -> TimeError {
    TimeError::range("the value does not fit the time type")
}

/// The instant and offset of a valid timestamp.
///
/// ```
/// use time::OffsetDateTime;
/// use sdkgen_runtime::Timestamp;
///
/// let t = Timestamp::parse("2024-02-29T12:00:00.5+02:00").unwrap();
/// let dt = OffsetDateTime::try_from(&t).unwrap();
/// assert_eq!((dt.unix_timestamp(), dt.nanosecond()), (1_709_200_800, 500_000_000));
/// assert_eq!(dt.offset().whole_minutes(), 120);
/// ```
impl TryFrom<&Timestamp> for OffsetDateTime {
    type Error = TimeError;

    fn try_from(t: &Timestamp) -> Result<Self, TimeError> {
        let (secs, nanos, offset) = t.parts().ok_or(TimeError::invalid("the timestamp"))?;
        // Built from the local date and time, which are in the years 0000 to
        // 9999 even when the instant is not (as in
        // `0000-01-01T00:00:00+01:00`), so that every valid timestamp fits.
        let local = secs + i64::from(offset) * 60;
        let (year, month, day) = civil_from_days(local.div_euclid(DAY));
        let time_of_day = local.rem_euclid(DAY);
        let month = Month::try_from(month).map_err(|_| out_of_range())?;
        // The year is 0 to 9999 and the time of day below 86 400 seconds.
        let date =
            TimeDate::from_calendar_date(year as i32, month, day).map_err(|_| out_of_range())?;
        let time = Time::from_hms_nano(
            (time_of_day / 3600) as u8,
            (time_of_day / 60 % 60) as u8,
            (time_of_day % 60) as u8,
            nanos,
        )
        .map_err(|_| out_of_range())?;
        let offset =
            UtcOffset::from_whole_seconds(i32::from(offset) * 60).map_err(|_| out_of_range())?;
        Ok(PrimitiveDateTime::new(date, time).assume_offset(offset))
    }
}

by_value!(Timestamp => OffsetDateTime);

/// Writes the date-time at its offset, or in UTC if RFC 3339 cannot write
/// the offset (seconds in it, or more than 23:59); fails outside the years
/// 0000 to 9999.
///
/// ```
/// use time::OffsetDateTime;
/// use sdkgen_runtime::Timestamp;
///
/// let dt = OffsetDateTime::from_unix_timestamp(1_709_200_800).unwrap();
/// assert_eq!(Timestamp::try_from(dt).unwrap(), "2024-02-29T10:00:00+00:00");
/// ```
impl TryFrom<OffsetDateTime> for Timestamp {
    type Error = TimeError;

    fn try_from(dt: OffsetDateTime) -> Result<Self, TimeError> {
        from_parts(
            dt.unix_timestamp(),
            dt.nanosecond(),
            Some(dt.offset().whole_seconds()),
        )
    }
}

/// The date of a valid [`Date`].
///
/// ```
/// use time::{Date, Month};
///
/// let d = Date::try_from(sdkgen_runtime::Date::from_text("2024-02-29")).unwrap();
/// assert_eq!(d, Date::from_calendar_date(2024, Month::February, 29).unwrap());
/// ```
impl TryFrom<&Date> for TimeDate {
    type Error = TimeError;

    fn try_from(d: &Date) -> Result<Self, TimeError> {
        let (year, month, day) = d.parts().ok_or(TimeError::invalid("the date"))?;
        let month = Month::try_from(month).map_err(|_| out_of_range())?;
        TimeDate::from_calendar_date(year, month, day).map_err(|_| out_of_range())
    }
}

by_value!(Date => TimeDate);

/// Writes the date; fails outside the years 0000 to 9999.
///
/// ```
/// use time::{Date, Month};
///
/// let d = Date::from_calendar_date(2024, Month::February, 29).unwrap();
/// assert_eq!(sdkgen_runtime::Date::try_from(d).unwrap(), "2024-02-29");
/// ```
impl TryFrom<TimeDate> for Date {
    type Error = TimeError;

    fn try_from(d: TimeDate) -> Result<Self, TimeError> {
        let (year, month, day) = d.to_calendar_date();
        Date::from_ymd(year, u8::from(month), day)
    }
}

/// The signed length of a valid duration; fails beyond `i64::MAX` seconds.
///
/// ```
/// use sdkgen_runtime::IsoDuration;
///
/// let d = time::Duration::try_from(IsoDuration::from_text("-PT1.5S")).unwrap();
/// assert_eq!(d, time::Duration::milliseconds(-1500));
/// ```
impl TryFrom<&IsoDuration> for TimeDuration {
    type Error = TimeError;

    fn try_from(d: &IsoDuration) -> Result<Self, TimeError> {
        let (negative, secs, nanos) = d.parts().ok_or(TimeError::invalid("the duration"))?;
        let secs = i64::try_from(secs).map_err(|_| out_of_range())?;
        // `nanos` is below one second, so `new` does not carry (or panic).
        let length = TimeDuration::new(secs, nanos as i32);
        if negative {
            length.checked_neg().ok_or_else(out_of_range)
        } else {
            Ok(length)
        }
    }
}

by_value!(IsoDuration => TimeDuration);

/// Writes the signed length, as [`IsoDuration::from_std`] does.
///
/// ```
/// use sdkgen_runtime::IsoDuration;
///
/// assert_eq!(IsoDuration::from(time::Duration::minutes(-90)), "-PT1H30M");
/// ```
impl From<TimeDuration> for IsoDuration {
    fn from(d: TimeDuration) -> Self {
        IsoDuration::from_parts(
            d.is_negative(),
            d.whole_seconds().unsigned_abs(),
            d.subsec_nanoseconds().unsigned_abs(),
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
            "1969-12-31T23:59:59.999999999-00:30",
            "0000-01-01T00:00:00Z",
            "0000-01-01T00:00:00+01:00",
            "9999-12-31T23:59:59-23:59",
            "2016-12-31T23:59:60Z",
        ] {
            let t = Timestamp::parse(text).unwrap();
            let dt = OffsetDateTime::try_from(&t).unwrap();
            assert_eq!(dt.unix_timestamp(), t.unix_seconds().unwrap(), "{text}");
            assert_eq!(dt.nanosecond(), t.subsec_nanos().unwrap());
            assert_eq!(dt.offset().whole_minutes(), t.offset_minutes().unwrap());
            let back = Timestamp::try_from(dt).unwrap();
            assert_eq!(back.unix_nanos(), t.unix_nanos());
            assert_eq!(back.offset_minutes(), t.offset_minutes());
        }
        assert!(OffsetDateTime::try_from(Timestamp::from_text("2024-01-01")).is_err());
    }

    #[test]
    fn timestamp_edge_cases() {
        // An offset with seconds, or beyond ±23:59, is written in UTC.
        for seconds in [3601, 25 * 3600] {
            let offset = UtcOffset::from_whole_seconds(seconds).unwrap();
            let dt = OffsetDateTime::UNIX_EPOCH.to_offset(offset);
            assert_eq!(Timestamp::try_from(dt).unwrap(), "1970-01-01T00:00:00Z");
        }
        let before = TimeDate::from_calendar_date(-1, Month::December, 31).unwrap();
        let dt = PrimitiveDateTime::new(before, Time::MIDNIGHT).assume_utc();
        assert!(Timestamp::try_from(dt).unwrap_err().is_out_of_range());
    }

    #[test]
    fn dates_both_ways() {
        for text in ["2024-02-29", "0000-01-01", "9999-12-31"] {
            let d = Date::parse(text).unwrap();
            let t = TimeDate::try_from(&d).unwrap();
            assert_eq!(Date::try_from(t).unwrap(), d);
        }
        assert!(TimeDate::try_from(Date::from_text("2024-02-30")).is_err());
        let before = TimeDate::from_calendar_date(-1, Month::January, 1).unwrap();
        assert!(Date::try_from(before).is_err());
    }

    #[test]
    fn durations_both_ways() {
        for (text, millis) in [
            ("PT0S", 0),
            ("-P1D", -86_400_000),
            ("P1DT2H3M4.5S", 93_784_500),
        ] {
            let d = TimeDuration::try_from(IsoDuration::parse(text).unwrap()).unwrap();
            assert_eq!(d, TimeDuration::milliseconds(millis));
            assert_eq!(IsoDuration::from(d), text);
        }
        for extreme in [TimeDuration::MAX, TimeDuration::MIN] {
            let d = IsoDuration::from(extreme);
            assert!(d.is_valid(), "{d}");
            // `MIN` has no positive counterpart, so it alone does not convert back.
            assert_eq!(
                TimeDuration::try_from(&d).ok(),
                (extreme != TimeDuration::MIN).then_some(extreme)
            );
        }
        let huge = IsoDuration::parse("PT18446744073709551615S").unwrap();
        assert!(TimeDuration::try_from(huge).unwrap_err().is_out_of_range());
    }
}
