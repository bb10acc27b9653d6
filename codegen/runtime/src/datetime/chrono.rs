//! Conversions to and from `chrono` 0.4 (feature `chrono`).
//!
//! `chrono` counts a leap second as a nanosecond value of one second or
//! more; it is written as the last nanosecond of its second, as the runtime
//! reads `:60` (see [`Timestamp`]).

use ::chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeDelta, Utc};

use super::timestamp::from_parts;
use super::{by_value, Date, IsoDuration, TimeError, Timestamp, NANOS};

fn out_of_range() -> TimeError {
    TimeError::range("the value does not fit the chrono type")
}

/// The instant and offset of a valid timestamp.
///
/// ```
/// use chrono::{DateTime, FixedOffset};
/// use sdkgen_runtime::Timestamp;
///
/// let t = Timestamp::parse("2024-02-29T12:00:00.5+02:00").unwrap();
/// let dt = DateTime::<FixedOffset>::try_from(&t).unwrap();
/// assert_eq!(dt, DateTime::parse_from_rfc3339("2024-02-29T12:00:00.500+02:00").unwrap());
/// assert_eq!(dt.offset().local_minus_utc(), 7200);
/// assert!(DateTime::<FixedOffset>::try_from(Timestamp::from_text("noon")).is_err());
/// ```
impl TryFrom<&Timestamp> for DateTime<FixedOffset> {
    type Error = TimeError;

    fn try_from(t: &Timestamp) -> Result<Self, TimeError> {
        let (secs, nanos, offset) = t.parts().ok_or(TimeError::invalid("the timestamp"))?;
        let offset = FixedOffset::east_opt(i32::from(offset) * 60).ok_or_else(out_of_range)?;
        let utc = DateTime::from_timestamp(secs, nanos).ok_or_else(out_of_range)?;
        Ok(utc.with_timezone(&offset))
    }
}

by_value!(Timestamp => DateTime<FixedOffset>);

/// The instant of a valid timestamp, in UTC.
///
/// ```
/// use chrono::{DateTime, Utc};
/// use sdkgen_runtime::Timestamp;
///
/// let t = Timestamp::parse("2024-02-29T12:00:00+02:00").unwrap();
/// let dt: DateTime<Utc> = t.try_into().unwrap();
/// assert_eq!(dt.timestamp(), 1_709_200_800);
/// ```
impl TryFrom<&Timestamp> for DateTime<Utc> {
    type Error = TimeError;

    fn try_from(t: &Timestamp) -> Result<Self, TimeError> {
        let (secs, nanos, _) = t.parts().ok_or(TimeError::invalid("the timestamp"))?;
        DateTime::from_timestamp(secs, nanos).ok_or_else(out_of_range)
    }
}

by_value!(Timestamp => DateTime<Utc>);

/// Writes the date-time at its offset, or in UTC if RFC 3339 cannot write
/// the offset (seconds in it); fails outside the years 0000 to 9999.
///
/// ```
/// use chrono::DateTime;
/// use sdkgen_runtime::Timestamp;
///
/// let dt = DateTime::parse_from_rfc3339("2024-02-29T12:00:00.25-03:30").unwrap();
/// assert_eq!(Timestamp::try_from(dt).unwrap(), "2024-02-29T12:00:00.25-03:30");
/// ```
impl TryFrom<DateTime<FixedOffset>> for Timestamp {
    type Error = TimeError;

    fn try_from(dt: DateTime<FixedOffset>) -> Result<Self, TimeError> {
        let nanos = dt.timestamp_subsec_nanos().min(NANOS - 1);
        from_parts(dt.timestamp(), nanos, Some(dt.offset().local_minus_utc()))
    }
}

/// Writes the date-time in UTC, with `Z`; fails outside the years 0000 to
/// 9999.
///
/// ```
/// use chrono::DateTime;
/// use sdkgen_runtime::Timestamp;
///
/// let dt = DateTime::from_timestamp(1_709_200_800, 0).unwrap();
/// assert_eq!(Timestamp::try_from(dt).unwrap(), "2024-02-29T10:00:00Z");
/// ```
impl TryFrom<DateTime<Utc>> for Timestamp {
    type Error = TimeError;

    fn try_from(dt: DateTime<Utc>) -> Result<Self, TimeError> {
        let nanos = dt.timestamp_subsec_nanos().min(NANOS - 1);
        from_parts(dt.timestamp(), nanos, None)
    }
}

/// The date of a valid [`Date`].
///
/// ```
/// use chrono::NaiveDate;
/// use sdkgen_runtime::Date;
///
/// let d = NaiveDate::try_from(Date::from_text("2024-02-29")).unwrap();
/// assert_eq!(d, NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
/// ```
impl TryFrom<&Date> for NaiveDate {
    type Error = TimeError;

    fn try_from(d: &Date) -> Result<Self, TimeError> {
        let (year, month, day) = d.parts().ok_or(TimeError::invalid("the date"))?;
        NaiveDate::from_ymd_opt(year, u32::from(month), u32::from(day)).ok_or_else(out_of_range)
    }
}

by_value!(Date => NaiveDate);

/// Writes the date; fails outside the years 0000 to 9999.
///
/// ```
/// use chrono::NaiveDate;
/// use sdkgen_runtime::Date;
///
/// let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
/// assert_eq!(Date::try_from(d).unwrap(), "2024-02-29");
/// assert!(Date::try_from(NaiveDate::from_ymd_opt(-1, 1, 1).unwrap()).is_err());
/// ```
impl TryFrom<NaiveDate> for Date {
    type Error = TimeError;

    fn try_from(d: NaiveDate) -> Result<Self, TimeError> {
        // A month (1 to 12) and a day (1 to 31) always fit a `u8`.
        Date::from_ymd(d.year(), d.month() as u8, d.day() as u8)
    }
}

/// The signed length of a valid duration; fails beyond `TimeDelta`'s range
/// (about 292 million years).
///
/// ```
/// use chrono::TimeDelta;
/// use sdkgen_runtime::IsoDuration;
///
/// let d = TimeDelta::try_from(IsoDuration::from_text("-PT1.5S")).unwrap();
/// assert_eq!(d, TimeDelta::milliseconds(-1500));
/// ```
impl TryFrom<&IsoDuration> for TimeDelta {
    type Error = TimeError;

    fn try_from(d: &IsoDuration) -> Result<Self, TimeError> {
        let (negative, secs, nanos) = d.parts().ok_or(TimeError::invalid("the duration"))?;
        let secs = i64::try_from(secs).map_err(|_| out_of_range())?;
        let delta = TimeDelta::new(secs, nanos).ok_or_else(out_of_range)?;
        // `TimeDelta`'s range is symmetric, so the negation cannot overflow.
        Ok(if negative { -delta } else { delta })
    }
}

by_value!(IsoDuration => TimeDelta);

/// Writes the signed length, as [`IsoDuration::from_std`] does.
///
/// ```
/// use chrono::TimeDelta;
/// use sdkgen_runtime::IsoDuration;
///
/// assert_eq!(IsoDuration::from(TimeDelta::minutes(-90)), "-PT1H30M");
/// ```
impl From<TimeDelta> for IsoDuration {
    fn from(d: TimeDelta) -> Self {
        let magnitude = d.abs();
        IsoDuration::from_parts(
            d < TimeDelta::zero(),
            magnitude.num_seconds().unsigned_abs(),
            magnitude.subsec_nanos().unsigned_abs(),
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
            "9999-12-31T23:59:59.5+23:59",
            "0000-01-01T00:00:00+01:00",
        ] {
            let t = Timestamp::parse(text).unwrap();
            let fixed = DateTime::<FixedOffset>::try_from(&t).unwrap();
            let utc = DateTime::<Utc>::try_from(&t).unwrap();
            assert_eq!(fixed, utc);
            assert_eq!(fixed.timestamp(), t.unix_seconds().unwrap());
            assert_eq!(fixed.timestamp_subsec_nanos(), t.subsec_nanos().unwrap());
            assert_eq!(
                i32::from(t.offset_minutes().unwrap()) * 60,
                fixed.offset().local_minus_utc()
            );
            let back = Timestamp::try_from(fixed).unwrap();
            assert_eq!(back.unix_nanos(), t.unix_nanos());
            assert_eq!(back.offset_minutes(), t.offset_minutes());
            // In UTC, `0000-01-01T00:00:00+01:00` is in year -1, which RFC 3339
            // cannot write.
            match Timestamp::try_from(utc) {
                Ok(back) => assert_eq!(back.unix_nanos(), t.unix_nanos()),
                Err(e) => assert!(text.ends_with("+01:00") && e.is_out_of_range(), "{text}"),
            }
        }
        let z = Timestamp::try_from(DateTime::from_timestamp(0, 0).unwrap()).unwrap();
        assert_eq!(z, "1970-01-01T00:00:00Z");
        let plus0 = DateTime::from_timestamp(0, 0).unwrap().fixed_offset();
        assert_eq!(
            Timestamp::try_from(plus0).unwrap(),
            "1970-01-01T00:00:00+00:00"
        );
        assert!(DateTime::<Utc>::try_from(Timestamp::from_text("2024")).is_err());
    }

    #[test]
    fn timestamp_edge_cases() {
        // An offset with seconds is written in UTC: the instant is kept.
        let odd = FixedOffset::east_opt(3600 + 1).unwrap();
        let dt = DateTime::from_timestamp(0, 0).unwrap().with_timezone(&odd);
        assert_eq!(Timestamp::try_from(dt).unwrap(), "1970-01-01T00:00:00Z");
        // So is one whose local time would fall outside the years 0000 to 9999.
        let east = FixedOffset::east_opt(-3600).unwrap();
        let dt = DateTime::from_timestamp(-62_167_219_200, 0)
            .unwrap()
            .with_timezone(&east);
        assert_eq!(Timestamp::try_from(dt).unwrap(), "0000-01-01T00:00:00Z");
        // Years RFC 3339 cannot write.
        let far = DateTime::from_timestamp(253_402_300_800, 0).unwrap();
        assert!(Timestamp::try_from(far).unwrap_err().is_out_of_range());
        // A chrono leap second is written as the last nanosecond of second 59.
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
            .unwrap()
            .and_utc();
        assert_eq!(
            Timestamp::try_from(leap).unwrap(),
            "2016-12-31T23:59:59.999999999Z"
        );
        let parsed = DateTime::<Utc>::try_from(Timestamp::parse("2016-12-31T23:59:60Z").unwrap());
        assert_eq!(parsed.unwrap().timestamp_subsec_nanos(), 999_999_999);
    }

    #[test]
    fn dates_both_ways() {
        for text in ["2024-02-29", "0000-01-01", "9999-12-31", "1970-01-01"] {
            let d = Date::parse(text).unwrap();
            let n = NaiveDate::try_from(&d).unwrap();
            assert_eq!(n.to_string(), text);
            assert_eq!(Date::try_from(n).unwrap(), d);
        }
        assert!(NaiveDate::try_from(Date::from_text("2023-02-29")).is_err());
        assert!(Date::try_from(NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap()).is_err());
    }

    #[test]
    fn durations_both_ways() {
        for (text, millis) in [
            ("PT0S", 0),
            ("-P1D", -86_400_000),
            ("P1DT2H3M4.5S", 93_784_500),
        ] {
            let delta = TimeDelta::try_from(IsoDuration::parse(text).unwrap()).unwrap();
            assert_eq!(delta, TimeDelta::milliseconds(millis));
            assert_eq!(IsoDuration::from(delta), text);
        }
        let d = IsoDuration::from(TimeDelta::new(-2, 250_000_000).unwrap());
        assert_eq!(d, "-PT1.75S");
        assert_eq!(
            TimeDelta::try_from(&d).unwrap(),
            TimeDelta::new(-2, 250_000_000).unwrap()
        );
        for extreme in [TimeDelta::MAX, TimeDelta::MIN] {
            let d = IsoDuration::from(extreme);
            assert_eq!(TimeDelta::try_from(&d).unwrap(), extreme);
        }
        let huge = IsoDuration::parse("PT18446744073709551615S").unwrap();
        assert!(TimeDelta::try_from(huge).unwrap_err().is_out_of_range());
        assert!(TimeDelta::try_from(IsoDuration::from_text("1h")).is_err());
    }
}
