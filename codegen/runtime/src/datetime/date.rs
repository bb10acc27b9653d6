//! [`Date`]: an RFC 3339 full-date that keeps its text.

use std::cmp::Ordering;

use super::{
    civil_from_days, days_from_civil, days_in_month, digits2, digits4, push2, push4, text_value,
    TimeError,
};

/// A calendar date as an RFC 3339 `full-date` (OpenAPI `format: date`),
/// `YYYY-MM-DD`, for example `2024-02-29`.
///
/// Like [`Timestamp`](crate::Timestamp), a `Date` keeps the text it was
/// decoded or parsed from and sends exactly that back; decoding accepts any
/// JSON string, and a value whose text is not a valid date reports it with
/// [`is_valid`](Self::is_valid) and `None` from the accessors instead of
/// failing the response.
///
/// ```
/// use sdkgen_runtime::Date;
///
/// let d: Date = serde_json::from_str(r#""2024-02-29""#).unwrap();
/// assert_eq!((d.year(), d.month(), d.day()), (Some(2024), Some(2), Some(29)));
///
/// let odd: Date = serde_json::from_str(r#""2023-02-29""#).unwrap();
/// assert!(!odd.is_valid());
/// assert_eq!(serde_json::to_string(&odd).unwrap(), r#""2023-02-29""#);
/// ```
///
/// # What is valid
///
/// Exactly four digits of year (0000 to 9999), `-`, two digits of month
/// (01 to 12), `-` and two digits of day (01 to the length of the month,
/// February 29 only in leap years), and nothing else: no time, no offset,
/// no week or ordinal dates.
///
/// # Equality and ordering
///
/// `==`, `Hash` and `Ord` compare the text. A valid date has exactly one
/// spelling and its digits are zero-padded from the most significant field
/// down, so for valid dates this is also the calendar order; dates that are
/// not valid sort among them by their text.
///
/// ```
/// use sdkgen_runtime::Date;
///
/// let mut v: Vec<Date> = ["2024-10-01", "2024-02-29", "0999-12-31"].map(Date::from_text).into();
/// v.sort();
/// assert_eq!(v, ["0999-12-31", "2024-02-29", "2024-10-01"]);
/// ```
#[derive(Clone)]
pub struct Date {
    text: String,
}

/// The value of a valid text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Ymd {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// Parses an RFC 3339 `full-date`, failing if it is not valid (see
    /// [What is valid](Self#what-is-valid)).
    ///
    /// ```
    /// use sdkgen_runtime::Date;
    ///
    /// assert_eq!(Date::parse("2024-02-29").unwrap().day(), Some(29));
    /// assert!(Date::parse("2024-2-29").is_err());
    /// assert!(Date::parse("2024-02-29T00:00:00Z").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Date, TimeError> {
        parse_full_date(text.as_bytes()).map_err(TimeError::date)?;
        Ok(Date {
            text: text.to_owned(),
        })
    }

    /// Keeps any text, valid or not, as decoding does.
    ///
    /// ```
    /// use sdkgen_runtime::Date;
    ///
    /// assert!(Date::from_text("2024-01-31").is_valid());
    /// assert!(!Date::from_text("2024-01-32").is_valid());
    /// ```
    pub fn from_text(text: impl Into<String>) -> Date {
        Date { text: text.into() }
    }

    /// The date `year`-`month`-`day`, failing if it is not a date of the
    /// years 0000 to 9999.
    ///
    /// ```
    /// use sdkgen_runtime::Date;
    ///
    /// assert_eq!(Date::from_ymd(2024, 2, 29).unwrap(), "2024-02-29");
    /// assert_eq!(Date::from_ymd(7, 7, 7).unwrap(), "0007-07-07");
    /// assert!(Date::from_ymd(2023, 2, 29).is_err());
    /// assert!(Date::from_ymd(10_000, 1, 1).unwrap_err().is_out_of_range());
    /// ```
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Result<Date, TimeError> {
        let year = u16::try_from(year)
            .ok()
            .filter(|y| *y <= 9999)
            .ok_or_else(|| TimeError::range("RFC 3339 writes years 0000 to 9999"))?;
        check_date(year, month, day).map_err(TimeError::date)?;
        let mut text = String::with_capacity(10);
        push4(&mut text, year);
        text.push('-');
        push2(&mut text, month);
        text.push('-');
        push2(&mut text, day);
        Ok(Date { text })
    }

    /// The text, exactly as received or built.
    ///
    /// ```
    /// use sdkgen_runtime::Date;
    ///
    /// assert_eq!(Date::from_text("tomorrow").as_str(), "tomorrow");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The text, without a copy.
    ///
    /// ```
    /// use sdkgen_runtime::Date;
    ///
    /// assert_eq!(Date::from_ymd(2024, 1, 1).unwrap().into_string(), "2024-01-01");
    /// ```
    pub fn into_string(self) -> String {
        self.text
    }

    /// Whether the text is a valid RFC 3339 `full-date`.
    ///
    /// ```
    /// use sdkgen_runtime::Date;
    ///
    /// assert!(Date::from_text("0000-01-01").is_valid());
    /// assert!(!Date::from_text("2024-13-01").is_valid());
    /// ```
    pub fn is_valid(&self) -> bool {
        self.ymd().is_some()
    }

    /// The year, 0 to 9999, or `None` if the text is not valid.
    ///
    /// ```
    /// use sdkgen_runtime::Date;
    ///
    /// assert_eq!(Date::from_text("1999-12-31").year(), Some(1999));
    /// ```
    pub fn year(&self) -> Option<i32> {
        self.ymd().map(|d| i32::from(d.year))
    }

    /// The month, 1 to 12, or `None` if the text is not valid.
    ///
    /// ```
    /// use sdkgen_runtime::Date;
    ///
    /// assert_eq!(Date::from_text("1999-12-31").month(), Some(12));
    /// ```
    pub fn month(&self) -> Option<u8> {
        self.ymd().map(|d| d.month)
    }

    /// The day of the month, 1 to 31, or `None` if the text is not valid.
    ///
    /// ```
    /// use sdkgen_runtime::Date;
    ///
    /// assert_eq!(Date::from_text("1999-12-31").day(), Some(31));
    /// ```
    pub fn day(&self) -> Option<u8> {
        self.ymd().map(|d| d.day)
    }

    /// Days since 1970-01-01 (negative before it), or `None` if the text is
    /// not valid.
    ///
    /// ```
    /// use sdkgen_runtime::Date;
    ///
    /// assert_eq!(Date::from_text("1970-01-02").days_since_unix_epoch(), Some(1));
    /// assert_eq!(Date::from_text("1969-12-31").days_since_unix_epoch(), Some(-1));
    /// ```
    pub fn days_since_unix_epoch(&self) -> Option<i64> {
        self.ymd()
            .map(|d| days_from_civil(i64::from(d.year), d.month, d.day))
    }

    /// The value of the text, parsed again on each call (see the
    /// [module documentation](super) for why nothing is cached).
    fn ymd(&self) -> Option<Ymd> {
        parse_full_date(self.text.as_bytes()).ok()
    }

    /// The year, month and day, for the conversions.
    #[cfg(any(feature = "chrono", feature = "time", feature = "jiff"))]
    pub(crate) fn parts(&self) -> Option<(i32, u8, u8)> {
        self.ymd().map(|d| (i32::from(d.year), d.month, d.day))
    }

    /// The date `days` days after 1970-01-01, failing outside the years
    /// 0000 to 9999.
    ///
    /// ```
    /// use sdkgen_runtime::Date;
    ///
    /// assert_eq!(Date::from_days_since_unix_epoch(19_782).unwrap(), "2024-02-29");
    /// assert!(Date::from_days_since_unix_epoch(i64::MIN).is_err());
    /// ```
    pub fn from_days_since_unix_epoch(days: i64) -> Result<Date, TimeError> {
        // 0000-01-01 and 9999-12-31; checked first so that the calendar
        // arithmetic cannot overflow.
        if !(-719_528..=2_932_896).contains(&days) {
            return Err(TimeError::range("RFC 3339 writes years 0000 to 9999"));
        }
        let (year, month, day) = civil_from_days(days);
        // `year` is in 0..=9999 by the check above.
        Date::from_ymd(year as i32, month, day)
    }
}

text_value!(Date, "an RFC 3339 full-date string");

impl PartialOrd for Date {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Date {
    fn cmp(&self, other: &Self) -> Ordering {
        self.text.cmp(&other.text)
    }
}

fn check_date(year: u16, month: u8, day: u8) -> Result<(), &'static str> {
    if !(1..=12).contains(&month) {
        return Err("month out of range");
    }
    if day < 1 || day > days_in_month(i64::from(year), month) {
        return Err("day out of range for the month");
    }
    Ok(())
}

fn parse_full_date(b: &[u8]) -> Result<Ymd, &'static str> {
    let year = digits4(b, 0).ok_or("expected a four-digit year")?;
    if b.get(4) != Some(&b'-') {
        return Err("expected `-` after the year");
    }
    let month = digits2(b, 5).ok_or("expected a two-digit month")?;
    if b.get(7) != Some(&b'-') {
        return Err("expected `-` after the month");
    }
    let day = digits2(b, 8).ok_or("expected a two-digit day")?;
    if b.len() != 10 {
        return Err("unexpected text after the day");
    }
    check_date(year, month, day)?;
    Ok(Ymd { year, month, day })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_not() {
        for text in [
            "2024-02-29",
            "2000-02-29",
            "0000-01-01",
            "9999-12-31",
            "1970-01-01",
        ] {
            assert!(Date::parse(text).is_ok(), "{text}");
        }
        for text in [
            "",
            "2024",
            "2024-02",
            "2023-02-29",
            "1900-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-04-31",
            "2024-01-00",
            "2024-01-1",
            "24-01-01",
            "+2024-01-01",
            "2024-01-01 ",
            "2024/01/01",
            "20240101",
            "2024-W01-1",
            "2024-001",
            "２０２４-01-01",
            "2024-01-0\u{661}",
            "2024-01-01T00:00:00Z",
        ] {
            let d = Date::from_text(text);
            assert!(
                !d.is_valid() && d.year().is_none() && d.days_since_unix_epoch().is_none(),
                "{text}"
            );
            assert_eq!(d.as_str(), text);
            assert!(Date::parse(text).is_err());
        }
        assert_eq!(
            Date::parse("2024-13-01").unwrap_err().to_string(),
            "invalid RFC 3339 date: month out of range"
        );
    }

    #[test]
    fn days_round_trip() {
        for days in (-719_528..=2_932_896).step_by(101) {
            let d = Date::from_days_since_unix_epoch(days).unwrap();
            let back = Date::parse(d.as_str()).unwrap();
            assert_eq!(back.days_since_unix_epoch(), Some(days), "{d}");
        }
        assert!(Date::from_days_since_unix_epoch(-719_529).is_err());
        assert!(Date::from_days_since_unix_epoch(2_932_897).is_err());
        assert!(Date::from_days_since_unix_epoch(i64::MAX).is_err());
        assert!(Date::from_ymd(-1, 1, 1).is_err());
        assert!(Date::from_ymd(2024, 0, 1).is_err());
        assert!(Date::from_ymd(2024, 1, 0).is_err());
        assert!(Date::from_ymd(i32::MIN, 255, 255).is_err());
    }

    #[test]
    fn ordering_and_serde() {
        let a = Date::from_text("2024-01-31");
        let b = Date::from_text("2024-02-01");
        assert!(a < b);
        assert_eq!(a.cmp(&a.clone()), Ordering::Equal);
        assert_eq!(format!("{a:?}"), r#"Date("2024-01-31")"#);
        assert_eq!(
            format!("{:?}", Date::from_text("x")),
            r#"Date(invalid "x")"#
        );
        let json = r#"["2024-01-31","2024-1-31","",null]"#;
        assert!(serde_json::from_str::<Vec<Date>>(json).is_err());
        let json = r#"["2024-01-31","2024-1-31",""]"#;
        let dates: Vec<Date> = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&dates).unwrap(), json);
        let err = serde_json::from_str::<Date>("20240131").unwrap_err();
        assert!(err.to_string().contains("full-date string"), "{err}");
    }
}
