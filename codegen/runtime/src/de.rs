//! What the generated `Deserialize` impls of structs share: the key of a JSON object, read once
//! for every struct instead of through a field enum of each, and the handling of one field.
//!
//! serde's derive gives every struct a field-identifier type with its own visitor, and a
//! `visit_seq` that reads the struct from a JSON array (which no API sends). Both are compiled
//! for each struct; with these helpers, a generated struct compiles one `visit_map` and nothing
//! else, with the same behaviour on objects: unknown keys skipped, a repeated key an error,
//! a missing required field an error naming it, a missing optional field `None`.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, Error, IgnoredAny, MapAccess, Unexpected, Visitor};

/// The key of a JSON object, borrowed from the input when it can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key as an owned string (a property beyond the named ones).
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v)))
    }

    fn visit_borrowed_bytes<E: Error>(self, v: &'de [u8]) -> Result<Key<'de>, E> {
        match std::str::from_utf8(v) {
            Ok(s) => Ok(Key(Cow::Borrowed(s))),
            Err(_) => Err(E::invalid_value(Unexpected::Bytes(v), &self)),
        }
    }

    fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<Key<'de>, E> {
        match std::str::from_utf8(v) {
            Ok(s) => Ok(Key(Cow::Owned(s.to_owned()))),
            Err(_) => Err(E::invalid_value(Unexpected::Bytes(v), &self)),
        }
    }
}

/// Reads the value of the field `name` into its slot; a second value for the same field is an
/// error, as with serde's derive.
pub fn field<'de, A, T>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the value of a key the struct does not know.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// The value of a required field, or the error that it is missing.
pub fn required<T, E: Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Pair {
        id: String,
        note: Option<String>,
    }

    impl<'de> Deserialize<'de> for Pair {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Pair;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("struct Pair")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pair, A::Error> {
                    let (mut v0, mut v1): (Option<String>, Option<Option<String>>) = (None, None);
                    while let Some(key) = map.next_key::<Key<'de>>()? {
                        match key.as_str() {
                            "id" => field(&mut map, &mut v0, "id")?,
                            "note" => field(&mut map, &mut v1, "note")?,
                            _ => skip(&mut map)?,
                        }
                    }
                    Ok(Pair {
                        id: required(v0, "id")?,
                        note: v1.flatten(),
                    })
                }
            }
            deserializer.deserialize_map(V)
        }
    }

    #[test]
    fn objects_read_as_derive_reads_them() {
        let p: Pair =
            serde_json::from_str(r#"{"x": [1, {"y": 2}], "id": "a\"b", "note": null}"#).unwrap();
        assert_eq!(
            p,
            Pair {
                id: "a\"b".into(),
                note: None
            }
        );
        let e = serde_json::from_str::<Pair>(r#"{"note": "n"}"#).unwrap_err();
        assert!(e.to_string().starts_with("missing field `id`"), "{e}");
        let e = serde_json::from_str::<Pair>(r#"{"id": "a", "id": "b"}"#).unwrap_err();
        assert!(e.to_string().starts_with("duplicate field `id`"), "{e}");
        let e = serde_json::from_str::<Pair>(r#"["a", null]"#).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("invalid type: sequence, expected struct Pair"),
            "{e}"
        );
        // From an owned value too (keys as owned strings).
        let v = serde_json::json!({"id": "v", "note": "w"});
        assert_eq!(
            serde_json::from_value::<Pair>(v).unwrap(),
            Pair {
                id: "v".into(),
                note: Some("w".into())
            }
        );
    }
}
