//! Support for forward-compatible string enums.

use serde::de::Deserializer;

/// Deserialises a string and converts it with `From<&str>`, without
/// allocating when the input can be borrowed.
///
/// Generated string enums have one variant per documented value plus an
/// `Unknown(String)` catch-all, and implement `From<&str>`; their
/// `Deserialize` impl calls this function, so a value added to the API later
/// does not break old clients.
///
/// ```
/// #[derive(Debug, PartialEq)]
/// enum State { Running, Unknown(String) }
///
/// impl From<&str> for State {
///     fn from(s: &str) -> Self {
///         match s {
///             "running" => State::Running,
///             other => State::Unknown(other.to_owned()),
///         }
///     }
/// }
///
/// impl<'de> serde::Deserialize<'de> for State {
///     fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
///         sdkgen_runtime::deserialize_str_enum(d)
///     }
/// }
///
/// let states: Vec<State> = serde_json::from_str(r#"["running", "paused"]"#).unwrap();
/// assert_eq!(states, [State::Running, State::Unknown("paused".into())]);
/// ```
pub fn deserialize_str_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    // One visitor for every enum and every struct key (see `crate::de`), not one per enum.
    <crate::de::Key as serde::Deserialize>::deserialize(deserializer).map(|s| T::from(s.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Color {
        Red,
        Other(String),
    }

    impl From<&str> for Color {
        fn from(s: &str) -> Self {
            match s {
                "red" => Color::Red,
                o => Color::Other(o.to_owned()),
            }
        }
    }

    impl<'de> serde::Deserialize<'de> for Color {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_str_enum(d)
        }
    }

    #[test]
    fn known_unknown_and_escaped() {
        let v: Vec<Color> = serde_json::from_str(r#"["red","blue","r\u0065d"]"#).unwrap();
        assert_eq!(v, [Color::Red, Color::Other("blue".into()), Color::Red]);
        let v: Color = serde_json::from_value(serde_json::json!("red")).unwrap();
        assert_eq!(v, Color::Red);
        let err = serde_json::from_str::<Color>("12").unwrap_err();
        assert!(err.to_string().contains("a string"), "{err}");
        let err = serde_json::from_str::<Color>("null").unwrap_err();
        assert!(err.is_data());
    }

    #[test]
    fn bytes_input() {
        let de = serde::de::value::BytesDeserializer::<serde::de::value::Error>::new(b"red");
        assert_eq!(deserialize_str_enum::<_, Color>(de).unwrap(), Color::Red);
        let de = serde::de::value::BytesDeserializer::<serde::de::value::Error>::new(b"\xff");
        assert!(deserialize_str_enum::<_, Color>(de).is_err());
    }
}
