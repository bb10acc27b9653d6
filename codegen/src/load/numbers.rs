//! Numbers as documents write them. Reading never refuses a number: YAML integers beyond 64 bits
//! become the nearest float (as `serde_json` reads them in JSON), and a number beyond a 64-bit
//! float (`1e400`) is a string in both forms (as YAML reads it). Normalisation then reads each
//! schema's numbers against the values of the Rust type it becomes ([`read_schema_numbers`]).

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::diag::{self, Diagnostics};

/// Reads JSON text. A number beyond a 64-bit float, which `serde_json` refuses ("number out of
/// range"), is read as a string, as YAML reads it.
pub(super) fn json(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    serde_json::from_slice(bytes).or_else(|e| match quote_unbounded_numbers(bytes) {
        Some(quoted) => serde_json::from_slice(&quoted),
        None => Err(e),
    })
}

/// Reads YAML text into what `serde_json::Value` holds.
pub(super) fn yaml(bytes: &[u8]) -> Result<Value, serde_yaml::Error> {
    Document::deserialize(serde_yaml::Deserializer::from_slice(bytes)).map(|d| d.0)
}

/// A value read the way `serde_json::Value` reads itself, except integers beyond 64 bits:
/// `serde_json` refuses them from YAML ("JSON number out of range"); here they are the float
/// `serde_json` makes of the same digits in JSON, so both forms of a document read alike.
struct Document(Value);

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DocumentVisitor).map(Document)
    }
}

struct DocumentVisitor;

/// An integer beyond 64 bits, as `serde_json` reads its digits (the nearest float).
fn wide_integer(digits: String) -> Value {
    let n = digits
        .parse::<Number>()
        .ok()
        .or_else(|| digits.parse::<f64>().ok().and_then(Number::from_f64));
    n.map_or(Value::String(digits), Value::Number)
}

impl<'de> Visitor<'de> for DocumentVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(match (i64::try_from(v), u64::try_from(v)) {
            (Ok(i), _) => Value::Number(i.into()),
            (_, Ok(u)) => Value::Number(u.into()),
            _ => wide_integer(v.to_string()),
        })
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(match u64::try_from(v) {
            Ok(u) => Value::Number(u.into()),
            Err(_) => wide_integer(v.to_string()),
        })
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // As `serde_json::Value` does: `.inf` and `.nan` are no value.
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Document::deserialize(d).map(|d| d.0)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(Document(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some((k, Document(v))) = map.next_entry::<String, Document>()? {
            out.insert(k, v);
        }
        Ok(Value::Object(out))
    }
}

/// The JSON text with every number beyond a 64-bit float (`1e400`) made a string; `None`
/// when there is none.
fn quote_unbounded_numbers(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() + 64);
    let mut quoted = false;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                out.extend_from_slice(&bytes[start..i]);
            }
            b'-' | b'0'..=b'9' => {
                while i < bytes.len()
                    && matches!(bytes[i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
                {
                    i += 1;
                }
                let token = &bytes[start..i];
                let unbounded = std::str::from_utf8(token).ok().and_then(unbounded);
                if unbounded.is_some() {
                    quoted = true;
                    out.push(b'"');
                    out.extend_from_slice(token);
                    out.push(b'"');
                } else {
                    out.extend_from_slice(token);
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    quoted.then_some(out)
}

/// ±infinity for text that spells a decimal number beyond a 64-bit float (`1e400`,
/// `-1.5E999`); `None` for any other text.
fn unbounded(text: &str) -> Option<f64> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let spelled = !(whole.is_empty() && fraction.is_empty())
        && digits(whole)
        && digits(fraction)
        && exponent.is_none_or(|e| !e.is_empty() && digits(e));
    let value: f64 = text.parse().ok()?;
    (spelled && value.is_infinite()).then_some(value)
}

/// The Rust integer an integer schema of this `format` becomes, with the lowest and the
/// highest value it holds. Lowering types integer schemas by it.
pub(crate) fn integer_type(format: &str) -> (&'static str, i128, i128) {
    macro_rules! of {
        ($t:ident) => {
            (stringify!($t), $t::MIN as i128, $t::MAX as i128)
        };
    }
    match format {
        "int32" => of!(i32),
        "uint32" => of!(u32),
        "uint64" => of!(u64),
        "int8" => of!(i8),
        "int16" => of!(i16),
        "uint8" => of!(u8),
        "uint16" => of!(u16),
        _ => of!(i64),
    }
}

/// What a schema's numbers are read against.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Domain {
    /// `type: integer`: the Rust integer its `format` gives, `lo..=hi`.
    Integer {
        name: &'static str,
        lo: i128,
        hi: i128,
    },
    /// `type: number`: `f64`.
    Number,
    /// Any other schema: only its bounds are numbers.
    Other,
}

impl Domain {
    fn of(m: &Map<String, Value>) -> Domain {
        match m.get("type").and_then(Value::as_str) {
            Some("integer") => {
                let format = m.get("format").and_then(Value::as_str).unwrap_or("");
                let (name, lo, hi) = integer_type(format);
                Domain::Integer { name, lo, hi }
            }
            Some("number") => Domain::Number,
            _ => Domain::Other,
        }
    }
}

/// The values `openapiv3` holds for an integer schema (`i64`).
const HELD: (i128, i128) = (i64::MIN as i128, i64::MAX as i128);

/// A number as the document writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Written {
    /// An integer, exactly.
    Int(i128),
    /// A float; ±infinity for a number beyond a 64-bit float (read as a string).
    Float(f64),
}

impl Written {
    fn of(v: &Value) -> Option<Written> {
        match v {
            Value::Number(n) => Some(match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => Written::Int(i.into()),
                (_, Some(u)) => Written::Int(u.into()),
                _ => Written::Float(n.as_f64()?),
            }),
            Value::String(s) => unbounded(s).map(Written::Float),
            _ => None,
        }
    }

    /// The whole number it is, if it is one (`1.0` is `1`).
    fn whole(self) -> Option<i128> {
        match self {
            Written::Int(i) => Some(i),
            Written::Float(f) if f.is_finite() && f.fract() == 0.0 => Some(f as i128),
            Written::Float(_) => None,
        }
    }
}

/// Which end of the values a bound closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// `minimum`, `exclusiveMinimum`, `minLength`…
    Lower,
    /// `maximum`, `exclusiveMaximum`, `maxLength`…
    Upper,
}

/// What becomes of a number.
#[derive(Debug, Clone, PartialEq)]
enum Read {
    /// Kept as written.
    Kept,
    /// Written anew (a bound: and whether it excludes itself).
    Rewritten(Value, bool),
    /// Not kept.
    Dropped,
}

fn int_value(n: i128) -> Value {
    match (i64::try_from(n), u64::try_from(n)) {
        (Ok(i), _) => Value::from(i),
        (_, Ok(u)) => Value::from(u),
        _ => Value::from(n as f64),
    }
}

/// How a finding names a number: `` `minimum: 2.5` ``.
fn named(keyword: &str, v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{keyword}: {s}`"),
        v => format!("`{keyword}: {v}`"),
    }
}

/// The nearest whole bound that lets the same integers through: a minimum rounds up, a
/// maximum down (and then includes itself); ±infinity saturates. Whether it was rounded.
fn rounded(w: Written, exclusive: bool, side: Side) -> (i128, bool, bool) {
    match (w.whole(), w) {
        (Some(n), _) => (n, exclusive, false),
        (None, Written::Float(f)) => {
            let r = match side {
                Side::Lower => f.ceil(),
                Side::Upper => f.floor(),
            };
            (r as i128, false, f.is_finite())
        }
        (None, Written::Int(n)) => (n, exclusive, false),
    }
}

/// Reads a bound (`keyword: v`, written `w`, excluding itself or not) of a schema of the
/// values `domain`; with the finding to report, if any.
fn read_bound(
    keyword: &str,
    v: &Value,
    w: Written,
    exclusive: bool,
    side: Side,
    domain: Domain,
) -> (Read, Option<String>) {
    let what = named(keyword, v);
    let (name, lo, hi) = match domain {
        Domain::Integer { name, lo, hi } => (name, lo, hi),
        Domain::Number | Domain::Other => {
            return match w {
                Written::Float(f) if f.is_infinite() => {
                    let nothing = (side == Side::Lower) == (f < 0.0);
                    let why = if nothing {
                        "it lets every value through and is dropped"
                    } else {
                        "it lets no value through, so it cannot be checked; it is dropped"
                    };
                    (
                        Read::Dropped,
                        Some(format!("{what} is beyond a 64-bit float: {why}")),
                    )
                }
                _ => (Read::Kept, None),
            };
        }
    };
    let (n, excl, was_rounded) = rounded(w, exclusive, side);
    // The first (last) value the bound lets through.
    let first = match (side, excl) {
        (Side::Lower, true) => n.saturating_add(1),
        (Side::Upper, true) => n.saturating_sub(1),
        _ => n,
    };
    let (edge, far) = match side {
        Side::Lower => (
            format!("the lowest is {lo}"),
            format!("the highest is {hi}"),
        ),
        Side::Upper => (
            format!("the highest is {hi}"),
            format!("the lowest is {lo}"),
        ),
    };
    let every = match side {
        Side::Lower => first <= lo,
        Side::Upper => first >= hi,
    };
    if every {
        // At the edge of the type and written as an integer, it says what the type does.
        let quiet = matches!(w, Written::Int(_)) && (lo..=hi).contains(&n);
        let note = format!(
            "{what} lets every `{name}` through ({edge}): it says nothing and is dropped"
        );
        return (Read::Dropped, (!quiet).then_some(note));
    }
    if !(lo..=hi).contains(&first) {
        let note = format!(
            "{what} lets no `{name}` through ({far}), so it cannot be checked; it is dropped"
        );
        return (Read::Dropped, Some(note));
    }
    if !(HELD.0..=HELD.1).contains(&first) {
        let note = format!(
            "{what} is beyond the bounds the generator checks (those of `i64`): it is dropped"
        );
        return (Read::Dropped, Some(note));
    }
    // Written as the check can state it: no literal at the end of the type where the
    // comparison would always hold or fail but at one value, none that is `i64::MIN`.
    let (n, excl) = match (side, excl) {
        (Side::Lower, false) if first == hi => (first - 1, true),
        (Side::Upper, false) if first == lo => (first + 1, true),
        (Side::Lower, true) if n == HELD.0 => (first, false),
        (Side::Upper, true) if n > HELD.1 => (first, false),
        _ => (n, excl),
    };
    let note = was_rounded.then(|| {
        let (kw, word) = match side {
            Side::Lower => ("minimum", "up"),
            Side::Upper => ("maximum", "down"),
        };
        format!(
            "{what} is not a whole number: for `{name}` it is read as `{kw}: {n}` (rounded {word}), \
             which lets the same values through"
        )
    });
    let same = matches!(w, Written::Int(_)) && excl == exclusive;
    if same {
        (Read::Kept, note)
    } else {
        (Read::Rewritten(int_value(n), excl), note)
    }
}

/// Reads a count (`minLength`, `maxItems`…): a whole number from 0.
fn read_count(keyword: &str, v: &Value, w: Written, side: Side) -> (Read, Option<String>) {
    let what = named(keyword, v);
    let (lo, hi) = (0, usize::MAX as i128);
    let (n, _, was_rounded) = rounded(w, false, side);
    let (every, none) = match side {
        Side::Lower => (n < lo, n > hi),
        Side::Upper => (n > hi, n < lo),
    };
    if every {
        let note = format!("{what} lets every count through: it says nothing and is dropped");
        return (Read::Dropped, Some(note));
    }
    if none {
        let note =
            format!("{what} lets no count through, so it cannot be checked; it is dropped");
        return (Read::Dropped, Some(note));
    }
    let note = was_rounded.then(|| {
        format!("{what} is not a whole number: it is read as `{keyword}: {n}`, which lets the same counts through")
    });
    match w {
        Written::Int(_) => (Read::Kept, note),
        Written::Float(_) => (Read::Rewritten(int_value(n), false), note),
    }
}

/// Reads one value of a schema (an `enum` member, `const`, `default`), named `what`;
/// `listed` for the values the type lists (which `openapiv3` holds as `i64`).
fn read_member(what: &str, w: Written, domain: Domain, listed: bool) -> (Read, Option<String>) {
    match domain {
        Domain::Integer { name, lo, hi } => {
            let Some(n) = w.whole() else {
                let why = match w {
                    Written::Float(f) if f.is_infinite() => "beyond a 64-bit float",
                    _ => "not a whole number",
                };
                return (
                    Read::Dropped,
                    Some(format!("{what} is {why}, so no `{name}`: it is dropped")),
                );
            };
            if !(lo..=hi).contains(&n) {
                let note = format!(
                    "{what} is no `{name}` (whose values are {lo}..={hi}): it is dropped"
                );
                return (Read::Dropped, Some(note));
            }
            if listed && !(HELD.0..=HELD.1).contains(&n) {
                let note = format!(
                    "{what} is beyond the values the generator keeps (those of `i64`): it is dropped"
                );
                return (Read::Dropped, Some(note));
            }
            match w {
                Written::Int(_) => (Read::Kept, None),
                Written::Float(_) => (Read::Rewritten(int_value(n), false), None),
            }
        }
        Domain::Number => match w {
            Written::Float(f) if f.is_infinite() => (
                Read::Dropped,
                Some(format!("{what} is beyond a 64-bit float: it is dropped")),
            ),
            _ => (Read::Kept, None),
        },
        Domain::Other => (Read::Kept, None),
    }
}

/// Reads `multipleOf`, which the generator states nowhere and never checks: for an
/// integer, a whole `i64` step (what `openapiv3` holds of an integer schema).
fn read_step(v: &Value, w: Written, domain: Domain) -> (Read, Option<String>) {
    let what = named("multipleOf", v);
    match (domain, w.whole()) {
        (Domain::Integer { .. }, Some(n)) if (HELD.0..=HELD.1).contains(&n) => match w {
            Written::Int(_) => (Read::Kept, None),
            Written::Float(_) => (Read::Rewritten(int_value(n), false), None),
        },
        (Domain::Integer { name, .. }, _) => (
            Read::Dropped,
            Some(format!(
                "{what} is not a step a `{name}` can take (a whole `i64`): it is dropped"
            )),
        ),
        _ => match w {
            Written::Float(f) if f.is_infinite() => (
                Read::Dropped,
                Some(format!("{what} is beyond a 64-bit float: it is dropped")),
            ),
            _ => (Read::Kept, None),
        },
    }
}

/// Reads the numbers of one schema (at `ptr`) against the values of the Rust type it
/// becomes, so that what is kept is what that type can hold and check: bounds, counts,
/// `multipleOf`, `enum` and `const` members and `default`. Numeric exclusive bounds (3.1)
/// are rewritten to the boolean form (3.0). Every number not kept as written, but for `1.0`
/// read as `1` and a bound at the very edge of the type, is a warning at its pointer.
pub(super) fn read_schema_numbers(
    m: &mut Map<String, Value>,
    ptr: &str,
    diags: &mut Diagnostics,
) {
    let domain = Domain::of(m);
    for (side, bound, excl) in [
        (Side::Lower, "minimum", "exclusiveMinimum"),
        (Side::Upper, "maximum", "exclusiveMaximum"),
    ] {
        // 3.1: the exclusive bound is the number itself.
        if let Some((v, w)) = number_at(m, excl) {
            let (read, n) = read_bound(excl, &v, w, true, side, domain);
            note(diags, diag::join(ptr, excl), n);
            let kept = match read {
                Read::Kept => Some((v, true)),
                Read::Rewritten(value, exclusive) => Some((value, exclusive)),
                Read::Dropped => None,
            };
            match kept {
                Some((value, exclusive)) => {
                    m.insert(bound.into(), value);
                    if exclusive {
                        m.insert(excl.into(), Value::Bool(true));
                    } else {
                        m.shift_remove(excl);
                    }
                    continue;
                }
                // The 3.0 `minimum` beside it, if any, is read next.
                None => {
                    m.shift_remove(excl);
                }
            }
        }
        let Some((v, w)) = number_at(m, bound) else {
            continue;
        };
        let exclusive = m.get(excl) == Some(&Value::Bool(true));
        let (read, n) = read_bound(bound, &v, w, exclusive, side, domain);
        note(diags, diag::join(ptr, bound), n);
        match read {
            Read::Kept => {}
            Read::Rewritten(value, e) => {
                m.insert(bound.into(), value);
                if e {
                    m.insert(excl.into(), Value::Bool(true));
                } else if exclusive {
                    m.shift_remove(excl);
                }
            }
            Read::Dropped => {
                m.shift_remove(bound);
                if exclusive {
                    m.shift_remove(excl);
                }
            }
        }
    }
    for (side, keyword) in [
        (Side::Lower, "minLength"),
        (Side::Upper, "maxLength"),
        (Side::Lower, "minItems"),
        (Side::Upper, "maxItems"),
        (Side::Lower, "minProperties"),
        (Side::Upper, "maxProperties"),
    ] {
        let Some((v, w)) = number_at(m, keyword) else {
            continue;
        };
        let (read, n) = read_count(keyword, &v, w, side);
        note(diags, diag::join(ptr, keyword), n);
        apply(m, keyword, read);
    }
    if let Some((v, w)) = number_at(m, "multipleOf") {
        let (read, n) = read_step(&v, w, domain);
        note(diags, diag::join(ptr, "multipleOf"), n);
        apply(m, "multipleOf", read);
    }
    for keyword in ["const", "default"] {
        let Some((v, w)) = number_at(m, keyword) else {
            continue;
        };
        let (read, n) = read_member(&named(keyword, &v), w, domain, keyword == "const");
        note(diags, diag::join(ptr, keyword), n);
        apply(m, keyword, read);
    }
    if let Some(Value::Array(values)) = m.get_mut("enum") {
        let before = values.len();
        let at = diag::join(ptr, "enum");
        let mut i = 0;
        values.retain_mut(|v| {
            let index = i;
            i += 1;
            let Some(w) = Written::of(v) else { return true };
            let shown = match &*v {
                Value::String(s) => s.clone(),
                v => v.to_string(),
            };
            let (read, n) = read_member(&format!("the `enum` value {shown}"), w, domain, true);
            note(diags, diag::join(&at, index), n);
            match read {
                Read::Kept => true,
                Read::Rewritten(value, _) => {
                    *v = value;
                    true
                }
                Read::Dropped => false,
            }
        });
        if values.is_empty() && before > 0 {
            m.shift_remove("enum");
        }
    }
}

/// The number `keyword` holds, with how it is written (a copy: it is small).
fn number_at(m: &Map<String, Value>, keyword: &str) -> Option<(Value, Written)> {
    let v = m.get(keyword)?;
    let w = Written::of(v)?;
    Some((v.clone(), w))
}

fn note(diags: &mut Diagnostics, at: String, note: Option<String>) {
    if let Some(n) = note {
        diags.warn(at, n);
    }
}

fn apply(m: &mut Map<String, Value>, keyword: &str, read: Read) {
    match read {
        Read::Kept => {}
        Read::Rewritten(value, _) => {
            m.insert(keyword.into(), value);
        }
        Read::Dropped => {
            m.shift_remove(keyword);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use serde_json::{json, Value};

    use crate::ir::{Bound, Constraints};
    use crate::{Config, Diagnostics};

    fn read(text: &str, file: &str) -> Value {
        let mut d = Diagnostics::new(Path::new(file));
        let v = super::super::parse_value(Path::new(file), text.as_bytes(), &mut d);
        assert!(d.items().is_empty(), "{file}: {:#?}", d.items());
        v.unwrap_or_else(|| panic!("{file} is read"))
    }

    #[test]
    fn yaml_reads_integers_beyond_64_bits_as_json_does() {
        let yaml = "openapi: 3.1.0\nlow: -9223372036854776000\nhigh: 99999999999999999999999\n\
                    wider: 340282366920938463463374607431768211456000\nfits: 18446744073709551615\n\
                    unbounded: 1e400\n";
        let json = r#"{"openapi": "3.1.0", "low": -9223372036854776000, "high": 99999999999999999999999,
            "wider": 340282366920938463463374607431768211456000, "fits": 18446744073709551615,
            "unbounded": 1e400}"#;
        let (mut y, mut j) = (read(yaml, "doc.yaml"), read(json, "doc.json"));
        // Beyond 128 bits YAML reads the digits as a float itself (Rust's nearest float),
        // JSON by `serde_json` (whose reading of long numbers may differ in the last bit).
        let (wy, wj) = (y["wider"].take(), j["wider"].take());
        let (wy, wj) = (wy.as_f64().unwrap(), wj.as_f64().unwrap());
        assert!((wy - wj).abs() <= wy.abs() * 1e-15, "{wy} {wj}");
        assert_eq!(y, j);
        assert_eq!(y["low"].as_f64(), Some(-9223372036854775808.0));
        assert_eq!(y["high"].as_f64(), Some(1e23));
        assert_eq!(y["fits"].as_u64(), Some(u64::MAX));
        // Beyond a 64-bit float: a string in both forms, read against the schema later.
        assert_eq!(y["unbounded"], json!("1e400"));
        // JSON text read as YAML (a YAML flow mapping) reads alike too.
        let mut flow = read(json, "doc.yaml");
        flow["wider"].take();
        assert_eq!(flow, j);
    }

    #[test]
    fn json_numbers_beyond_a_float_are_read_as_strings_and_strings_are_untouched() {
        let text = r#"{"openapi": "3.1.0", "a": [1e400, -1E+999, 1.5e308, 0.1e-400],
            "s": "1e400 \"quoted 1e400\" \\", "t": "x\\"}"#;
        let v = read(text, "doc.json");
        assert_eq!(v["a"], json!(["1e400", "-1E+999", 1.5e308, 0.0]));
        assert_eq!(v["s"], json!("1e400 \"quoted 1e400\" \\"));
        assert_eq!(v["t"], json!("x\\"));
        // What is not JSON still is not.
        let mut d = Diagnostics::new(Path::new("bad.json"));
        assert!(
            super::super::parse_value(Path::new("bad.json"), b"{\"a\": 1e400,}", &mut d)
                .is_none()
        );
        assert!(
            d.items()[0].message.starts_with("invalid JSON"),
            "{:?}",
            d.items()
        );
    }

    #[test]
    fn unbounded_spellings() {
        for t in ["1e400", "-1e400", "+1E400", "1.5e999", ".5e400", "1.e400"] {
            assert!(super::unbounded(t).is_some(), "{t}");
        }
        for t in [
            "1e300", "inf", "-inf", "Infinity", "NaN", "1e", "e400", "1e400x", "", "-",
            "0x1p400",
        ] {
            assert!(super::unbounded(t).is_none(), "{t}");
        }
    }

    /// A document whose query parameter `size` and whose field `Widget.size` both have
    /// `schema` (JSON text, which YAML reads as a flow mapping too).
    fn widgets(schema: &str) -> String {
        format!(
            r##"{{"openapi": "3.1.0", "info": {{"title": "Widgets", "version": "1"}},
  "paths": {{"/widgets": {{"post": {{"operationId": "make_widget",
"parameters": [{{"name": "size", "in": "query", "schema": {schema}}}],
"requestBody": {{"required": true, "content": {{"application/json": {{"schema": {{"$ref": "#/components/schemas/Widget"}}}}}}}},
"responses": {{"204": {{"description": "made"}}}}}}}}}},
  "components": {{"schemas": {{"Widget": {{"type": "object", "properties": {{"size": {schema}}}}}}}}}}}"##
        )
    }

    const AT_PARAM: &str = "#/paths/~1widgets/post/parameters/0/schema";
    const AT_FIELD: &str = "#/components/schemas/Widget/properties/size";

    /// What the model says of `size`: its constraints (as the parameter and as the field, which
    /// must agree), its details, and the warnings about its schema's keywords as
    /// `(keyword pointer below the schema, message)`.
    struct Lowered {
        constraints: Constraints,
        details: Vec<String>,
        warnings: Vec<(String, String)>,
    }

    fn lower(text: &str, file: &str) -> Lowered {
        let mut d = Diagnostics::new(Path::new(file));
        let doc = super::super::parse_value(Path::new(file), text.as_bytes(), &mut d)
            .expect("the document is read");
        let (api, _) = crate::lower_value(doc, &Config::default(), &mut d)
            .unwrap_or_else(|| panic!("{file} lowers: {:#?}", d.items()));
        let param = api.operations[0]
            .params
            .iter()
            .find(|p| p.wire == "size")
            .expect("parameter size");
        let field = api
            .types
            .iter()
            .find_map(|t| match t {
                crate::ir::TypeDef::Struct(s) if s.name == "Widget" => Some(&s.fields[0]),
                _ => None,
            })
            .expect("field Widget.size");
        assert_eq!(
            param.constraints, field.constraints,
            "{file}: parameter and field"
        );
        let mut warnings = Vec::new();
        for w in d.items() {
            assert_eq!(w.severity, crate::Severity::Warning, "{w}");
            for (base, tag) in [(AT_PARAM, "param"), (AT_FIELD, "field")] {
                if let Some(rest) = w.pointer.strip_prefix(base).filter(|r| r.starts_with('/'))
                {
                    warnings.push((format!("{tag}{rest}"), w.message.clone()));
                }
            }
        }
        Lowered {
            constraints: param.constraints.clone(),
            details: param.details.clone(),
            warnings,
        }
    }

    fn bound(value: &str, exclusive: bool) -> Option<Bound> {
        Some(Bound {
            value: value.into(),
            exclusive,
        })
    }

    /// One schema, what its constraints become, and the warnings expected: `(keyword
    /// pointer, words the message has)`, each for the parameter and the field alike.
    struct Row {
        row: &'static str,
        schema: &'static str,
        minimum: Option<Bound>,
        maximum: Option<Bound>,
        allowed: &'static [&'static str],
        counts: [Option<u64>; 4],
        details: &'static [&'static str],
        warnings: &'static [(&'static str, &'static str)],
    }

    fn row(row: &'static str, schema: &'static str) -> Row {
        Row {
            row,
            schema,
            minimum: None,
            maximum: None,
            allowed: &[],
            counts: [None; 4],
            details: &[],
            warnings: &[],
        }
    }

    fn rows() -> Vec<Row> {
        vec![
            Row {
                minimum: bound("1", false),
                maximum: bound("100", false),
                details: &["range `1..=100`"],
                ..row("`1.0` is just 1", r#"{"type": "integer", "minimum": 1.0, "maximum": 100.0}"#)
            },
            Row {
                minimum: bound("3", false),
                maximum: bound("7", false),
                warnings: &[
                    ("/minimum", "`minimum: 2.5` is not a whole number: for `i64` it is read as `minimum: 3` (rounded up)"),
                    ("/maximum", "`maximum: 7.5` is not a whole number: for `i64` it is read as `maximum: 7` (rounded down)"),
                ],
                ..row("float bounds on an integer round inwards", r#"{"type": "integer", "minimum": 2.5, "maximum": 7.5}"#)
            },
            Row {
                minimum: bound("3", false),
                maximum: bound("7", false),
                warnings: &[
                    ("/minimum", "read as `minimum: 3`"),
                    ("/maximum", "read as `maximum: 7`"),
                ],
                ..row(
                    "exclusive float bounds (3.0) become the inclusive whole bounds",
                    r#"{"type": "integer", "minimum": 2.5, "exclusiveMinimum": true, "maximum": 7.5, "exclusiveMaximum": true}"#,
                )
            },
            Row {
                minimum: bound("3", false),
                maximum: bound("-2", false),
                warnings: &[
                    ("/exclusiveMinimum", "`exclusiveMinimum: 2.5` is not a whole number: for `i64` it is read as `minimum: 3`"),
                    ("/exclusiveMaximum", "`exclusiveMaximum: -1.5` is not a whole number: for `i64` it is read as `maximum: -2`"),
                ],
                ..row(
                    "exclusive float bounds (3.1) become the inclusive whole bounds",
                    r#"{"type": "integer", "exclusiveMinimum": 2.5, "exclusiveMaximum": -1.5}"#,
                )
            },
            Row {
                minimum: bound("0", true),
                maximum: bound("10", true),
                details: &["range `> 0, < 10`"],
                ..row(
                    "whole exclusive bounds stay exclusive, 10.0 is 10",
                    r#"{"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10.0}"#,
                )
            },
            Row {
                maximum: bound("5", false),
                warnings: &[(
                    "/minimum",
                    "`minimum: -9.223372036854776e+18` lets every `i64` through (the lowest is -9223372036854775808): it says nothing and is dropped",
                )],
                ..row(
                    "an integer below i64 (a JavaScript rendering of i64::MIN) says nothing",
                    r#"{"type": "integer", "minimum": -9223372036854776000, "maximum": 5}"#,
                )
            },
            Row {
                warnings: &[(
                    "/maximum",
                    "`maximum: 1e+30` lets every `i64` through (the highest is 9223372036854775807): it says nothing and is dropped",
                )],
                ..row("a float bound beyond int64", r#"{"type": "integer", "format": "int64", "maximum": 1e30}"#)
            },
            Row {
                warnings: &[
                    ("/minimum", "`minimum: 1e+23` lets no `i64` through (the highest is 9223372036854775807), so it cannot be checked; it is dropped"),
                    ("/maximum", "`maximum: 1e400` lets every `i64` through"),
                ],
                ..row(
                    "integers beyond 64 bits and beyond a float",
                    r#"{"type": "integer", "minimum": 99999999999999999999999, "maximum": 1e400}"#,
                )
            },
            Row {
                minimum: bound("-2147483647", false),
                warnings: &[
                    ("/maximum", "`maximum: 3000000000` lets every `i32` through (the highest is 2147483647): it says nothing and is dropped"),
                ],
                ..row(
                    "out of the range of the format's type",
                    r#"{"type": "integer", "format": "int32", "minimum": -2147483647, "maximum": 3000000000}"#,
                )
            },
            Row {
                warnings: &[
                    ("/minimum", "`minimum: 300` lets no `u8` through (the highest is 255), so it cannot be checked; it is dropped"),
                    ("/maximum", "`maximum: -1` lets no `u8` through (the lowest is 0)"),
                ],
                ..row(
                    "bounds no value of the type meets",
                    r#"{"type": "integer", "format": "uint8", "minimum": 300, "maximum": -1}"#,
                )
            },
            row(
                "whole bounds at the very edge of the type say what it does, quietly",
                r#"{"type": "integer", "format": "uint32", "minimum": 0, "maximum": 4294967295}"#,
            ),
            Row {
                minimum: bound("-9223372036854775807", false),
                maximum: bound("9223372036854775806", false),
                ..row(
                    "no literal the check cannot state: i64::MIN (which it negates)",
                    r#"{"type": "integer", "exclusiveMinimum": -9223372036854775808, "maximum": 9223372036854775806}"#,
                )
            },
            Row {
                minimum: bound("126", true),
                maximum: bound("-127", true),
                ..row(
                    "no literal the check cannot state: x >= i8::MAX, x <= i8::MIN",
                    r#"{"type": "integer", "format": "int8", "minimum": 127, "maximum": -128}"#,
                )
            },
            Row {
                allowed: &["1", "2"],
                warnings: &[
                    ("/enum/2", "the `enum` value 2.5 is not a whole number, so no `u8`: it is dropped"),
                    ("/enum/3", "the `enum` value 300 is no `u8` (whose values are 0..=255): it is dropped"),
                    ("/enum/4", "the `enum` value 1e400 is beyond a 64-bit float, so no `u8`: it is dropped"),
                ],
                ..row(
                    "numeric enum members",
                    r#"{"type": "integer", "format": "uint8", "enum": [1, 2.0, 2.5, 300, 1e400]}"#,
                )
            },
            Row {
                allowed: &["7"],
                details: &["default `3`"],
                ..row(
                    "a whole default and const written as floats",
                    r#"{"type": "integer", "const": 7.0, "default": 3.0}"#,
                )
            },
            Row {
                warnings: &[("/default", "`default: 2.5` is not a whole number, so no `i64`: it is dropped")],
                ..row("a default that is no integer", r#"{"type": "integer", "default": 2.5}"#)
            },
            Row {
                minimum: bound("0.5", false),
                maximum: bound("1e30", false),
                details: &["range `0.5..=1000000000000000000000000000000`"],
                ..row("a number's bounds are kept as they are", r#"{"type": "number", "minimum": 0.5, "maximum": 1e30}"#)
            },
            Row {
                minimum: bound("-1e23", true),
                warnings: &[(
                    "/maximum",
                    "`maximum: 1e400` is beyond a 64-bit float: it lets every value through and is dropped",
                )],
                ..row(
                    "a number's bound beyond a float",
                    r#"{"type": "number", "exclusiveMinimum": -99999999999999999999999, "maximum": 1e400}"#,
                )
            },
            Row {
                counts: [Some(1), None, None, None],
                warnings: &[(
                    "/maxLength",
                    "`maxLength: 1e400` lets every count through: it says nothing and is dropped",
                )],
                ..row("string lengths", r#"{"type": "string", "minLength": 1.0, "maxLength": 1e400}"#)
            },
            Row {
                counts: [None, None, Some(1), Some(10)],
                warnings: &[(
                    "/minItems",
                    "`minItems: 0.5` is not a whole number: it is read as `minItems: 1`",
                )],
                ..row(
                    "list lengths",
                    r#"{"type": "array", "items": {"type": "string"}, "minItems": 0.5, "maxItems": 10.0}"#,
                )
            },
        ]
    }

    #[test]
    fn numbers_are_read_against_the_type_row_by_row() {
        for r in rows() {
            let text = widgets(r.schema);
            let json = lower(&text, "widgets.json");
            // The same text as YAML: YAML's own reading of every number.
            let yaml = lower(&text, "widgets.yaml");
            let c = &json.constraints;
            assert_eq!(c, &yaml.constraints, "row: {}: YAML and JSON", r.row);
            assert_eq!(
                json.warnings, yaml.warnings,
                "row: {}: YAML and JSON",
                r.row
            );
            assert_eq!(json.details, yaml.details, "row: {}: YAML and JSON", r.row);
            assert_eq!(c.minimum, r.minimum, "row: {}: minimum", r.row);
            assert_eq!(c.maximum, r.maximum, "row: {}: maximum", r.row);
            assert_eq!(c.allowed, r.allowed, "row: {}: enum", r.row);
            let counts = [c.min_length, c.max_length, c.min_items, c.max_items];
            assert_eq!(counts, r.counts, "row: {}: counts", r.row);
            for d in r.details {
                assert!(
                    json.details.iter().any(|x| x == d),
                    "row: {}: {:?} lacks {d:?}",
                    r.row,
                    json.details
                );
            }
            // Components are read before paths: the field's findings come first.
            let wanted: Vec<String> = ["field", "param"]
                .iter()
                .flat_map(|tag| r.warnings.iter().map(move |(p, _)| format!("{tag}{p}")))
                .collect();
            let got: Vec<&String> = json.warnings.iter().map(|(p, _)| p).collect();
            assert_eq!(
                got,
                wanted.iter().collect::<Vec<_>>(),
                "row: {}: {:#?}",
                r.row,
                json.warnings
            );
            for (at, message) in &json.warnings {
                let words = r.warnings.iter().find(|(p, _)| at.ends_with(p)).unwrap().1;
                assert!(
                    message.contains(words),
                    "row: {}: at {at}:\n{message}\nlacks\n{words}",
                    r.row
                );
            }
            // Every bound kept is a literal of the type (`i64` unless the format says
            // otherwise), never `i64::MIN` (which the check cannot negate).
            let format = super::json(r.schema.as_bytes()).unwrap()["format"]
                .as_str()
                .unwrap_or("")
                .to_string();
            let integer = r.schema.contains("\"integer\"");
            for b in c.minimum.iter().chain(&c.maximum) {
                if integer {
                    let (_, lo, hi) = super::integer_type(&format);
                    let n: i128 = b.value.parse().expect("a whole bound");
                    assert!(
                        lo < n && n < hi && n > i64::MIN as i128,
                        "row: {}: {n}",
                        r.row
                    );
                } else {
                    assert!(
                        b.value.parse::<f64>().is_ok_and(f64::is_finite),
                        "row: {}",
                        r.row
                    );
                }
            }
        }
    }

    /// A made-up document with many numbers as written in the wild, in JSON text (which YAML
    /// reads as a flow mapping).
    fn numbers_spec() -> String {
        let props: Vec<String> = rows()
            .iter()
            .enumerate()
            .map(|(i, r)| format!("\"p{i}\": {}", r.schema))
            .collect();
        format!(
            r##"{{"openapi": "3.1.0", "info": {{"title": "Numbers", "version": "1"}},
  "paths": {{"/gadgets": {{"post": {{"operationId": "make_gadget",
"parameters": [{{"name": "low", "in": "query", "schema": {{"type": "integer", "minimum": -9223372036854776000, "maximum": 2.5}}}}],
"requestBody": {{"required": true, "content": {{"application/json": {{"schema": {{"$ref": "#/components/schemas/Gadget"}}}}}}}},
"responses": {{"204": {{"description": "made"}}}}}}}}}},
  "components": {{"schemas": {{"Gadget": {{"type": "object", "properties": {{{}}}}}}}}}}}"##,
            props.join(", ")
        )
    }

    /// The crate generated from `spec`, each file with `label` (how headers name the spec)
    /// replaced by a placeholder.
    fn generated(spec: &Path, config: Option<PathBuf>, label: &str) -> Vec<(String, String)> {
        let input = crate::Input {
            spec: spec.to_path_buf(),
            config,
            runtime_dep: "path = \"../runtime\"".into(),
            source_label: label.into(),
        };
        let out =
            crate::generate(&input).unwrap_or_else(|d| panic!("{}: {d:#?}", spec.display()));
        out.files
            .into_iter()
            .map(|f| (f.path, f.content.replace(label, "<spec>")))
            .collect()
    }

    fn assert_same_crate(a: &[(String, String)], b: &[(String, String)], what: &str) {
        let paths = |x: &[(String, String)]| x.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
        assert_eq!(paths(a), paths(b), "{what}: the files");
        for ((path, x), (_, y)) in a.iter().zip(b) {
            assert!(
                x == y,
                "{what}: {path} differs:\n--- one form\n{x}\n--- the other\n{y}"
            );
        }
    }

    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let dir =
                std::env::temp_dir().join(format!("sdkgen-{name}-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn yaml_and_json_forms_of_a_document_generate_the_same_crate() {
        let tmp = TempDir::new("number-forms");
        // The made-up document with numbers in every form, written as JSON and read as
        // JSON and as YAML.
        let text = numbers_spec();
        let (json, yaml) = (tmp.0.join("numbers.json"), tmp.0.join("numbers.yaml"));
        std::fs::write(&json, &text).unwrap();
        std::fs::write(&yaml, &text).unwrap();
        let from_json = generated(&json, None, "numbers.json");
        assert_same_crate(
            &from_json,
            &generated(&yaml, None, "numbers.yaml"),
            "numbers",
        );
        let report = &from_json.iter().find(|f| f.0 == "API.md").unwrap().1;
        assert!(
            report.contains(
                "`#/paths/~1gadgets/post/parameters/0/schema/maximum`: `maximum: 2.5`"
            ),
            "{report}"
        );
        // Every fixture, converted to YAML and back to JSON.
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
        let mut seen = 0;
        for dir in std::fs::read_dir(&fixtures)
            .expect("tests/fixtures")
            .flatten()
        {
            let dir = dir.path();
            let Some(spec) = ["spec.yaml", "spec.json"]
                .iter()
                .map(|f| dir.join(f))
                .find(|p| p.exists())
            else {
                continue;
            };
            let what = dir.display().to_string();
            let mut d = Diagnostics::new(&spec);
            let value = super::super::read_value(&spec, &mut d).expect("the fixture is read");
            let (y, j) = (tmp.0.join("spec.yaml"), tmp.0.join("spec.json"));
            std::fs::write(&y, serde_yaml::to_string(&value).unwrap()).unwrap();
            std::fs::write(&j, serde_json::to_string_pretty(&value).unwrap()).unwrap();
            assert_eq!(
                read(&std::fs::read_to_string(&y).unwrap(), "spec.yaml"),
                value,
                "{what}: to YAML and back"
            );
            let config = Some(dir.join("config.toml")).filter(|c| c.exists());
            let from_yaml = generated(&y, config.clone(), "spec.yaml");
            assert_same_crate(&from_yaml, &generated(&j, config, "spec.json"), &what);
            seen += 1;
        }
        assert!(seen > 0, "no fixture under {}", fixtures.display());
    }
}
