//! Request bodies beyond JSON: files, `multipart/form-data` and
//! `application/x-www-form-urlencoded`.
//!
//! * [`FilePart`] is a file, held in memory: a part of a multipart body, or
//!   the whole body of an operation that takes `application/octet-stream`
//!   (or any other binary media type).
//! * [`Multipart`] builds a `multipart/form-data` body (RFC 7578) from text,
//!   JSON and file parts.
//! * [`form_urlencoded`] writes a JSON object as an
//!   `application/x-www-form-urlencoded` body, with the styles OpenAPI
//!   defines for it and the per-property settings of a [`FormEncoding`].
//!
//! Every body is built completely before the request is sent, so a call
//! that is retried sends exactly the same bytes again.
//!
//! ```
//! use sdkgen_runtime::{FilePart, Multipart};
//!
//! let mut form = Multipart::new();
//! form.text("title", "Holiday")
//!     .file("photo", FilePart::bytes(vec![0xffu8, 0xd8]).file_name("a.jpg").content_type("image/jpeg"));
//! form.json("tags", &["sea", "sun"]).unwrap();
//! let content_type = form.content_type();
//! assert!(content_type.starts_with("multipart/form-data; boundary="));
//! let body = form.into_body();
//! assert!(body.ends_with(b"--\r\n"));
//! ```

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::path::Path;

use bytes::{BufMut, Bytes, BytesMut};
use serde_json::Value;

/// The media type of a file whose type was not given.
const OCTET_STREAM: &str = "application/octet-stream";

/// The file name sent for a file part that has none, as browsers do for a
/// `Blob` without a name: servers tell file parts from text parts by the
/// presence of a `filename`.
const UNNAMED_FILE: &str = "blob";

/// The longest boundary RFC 2046 allows.
const MAX_BOUNDARY_LEN: usize = 70;

/// A file sent in a request: its bytes, its file name and its media type.
///
/// It is a part of a [`Multipart`] body ([`Multipart::file`]), or the whole
/// body of an operation whose request body is binary; then
/// [`into_bytes`](Self::into_bytes) and [`content_type_str`](Self::content_type_str)
/// give the body and its `Content-Type`.
///
/// The bytes are held in a [`Bytes`], so cloning a `FilePart` (as a retried
/// request does) never copies them.
///
/// Its `Debug` output shows the file name, the media type and the length,
/// never the content.
///
/// ```
/// use sdkgen_runtime::FilePart;
///
/// let part = FilePart::bytes("a,b\n1,2\n").file_name("table.csv").content_type("text/csv");
/// assert_eq!(part.name(), Some("table.csv"));
/// assert_eq!(part.content_type_str(), "text/csv");
/// assert_eq!(part.len(), 8);
/// assert_eq!(
///     format!("{part:?}"),
///     r#"FilePart { file_name: Some("table.csv"), content_type: "text/csv", len: 8 }"#
/// );
/// ```
#[derive(Clone)]
pub struct FilePart {
    data: Bytes,
    file_name: Option<String>,
    content_type: String,
}

impl FilePart {
    /// A file from bytes already in memory, of type
    /// `application/octet-stream` and without a file name until
    /// [`file_name`](Self::file_name) and [`content_type`](Self::content_type)
    /// set them.
    ///
    /// A `Vec<u8>`, a `String`, a `&'static [u8]` or a `Bytes` is taken
    /// without copying.
    pub fn bytes(data: impl Into<Bytes>) -> Self {
        FilePart {
            data: data.into(),
            file_name: None,
            content_type: OCTET_STREAM.to_owned(),
        }
    }

    /// A file read from `path`, once and completely, with `tokio::fs`.
    ///
    /// Its file name is the last component of the path (converted lossily
    /// when it is not UTF-8), and its type `application/octet-stream`; both
    /// can be changed afterwards. The path itself is never sent.
    ///
    /// The file is read now, not when the request is sent, so a retried
    /// request sends the same bytes even if the file changes meanwhile. It
    /// must be called within a Tokio runtime.
    ///
    /// # Errors
    ///
    /// The error of reading the file, with the path added to its message
    /// (its [`kind`](io::Error::kind) is kept).
    pub async fn path(path: impl AsRef<Path>) -> io::Result<FilePart> {
        let path = path.as_ref();
        let data = tokio::fs::read(path).await.map_err(|e| {
            io::Error::new(e.kind(), format!("cannot read `{}`: {e}", path.display()))
        })?;
        Ok(FilePart {
            data: Bytes::from(data),
            file_name: path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned()),
            content_type: OCTET_STREAM.to_owned(),
        })
    }

    /// Sets the file name sent in the part's `Content-Disposition`.
    ///
    /// A multipart body escapes it as browsers do (see [`Multipart`]).
    #[must_use]
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the media type (default `application/octet-stream`).
    ///
    /// A line break in it could start another header, so each CR and LF is
    /// replaced by a space.
    #[must_use]
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = header_safe(content_type.into());
        self
    }

    /// The file name, if there is one.
    pub fn name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The media type.
    pub fn content_type_str(&self) -> &str {
        &self.content_type
    }

    /// The content.
    pub fn data(&self) -> &Bytes {
        &self.data
    }

    /// The length of the content, in bytes.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether the content is empty.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The content, for a request whose whole body is this file (without
    /// copying it).
    pub fn into_bytes(self) -> Bytes {
        self.data
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.data.len())
            .finish()
    }
}

/// A `multipart/form-data` body (RFC 7578) under construction.
///
/// Parts are sent in the order they are added. Each part has a
/// `Content-Disposition: form-data; name="…"` header, with
/// `; filename="…"` for a file, and a `Content-Type` header for every part
/// but a plain [`text`](Self::text) one (whose type is `text/plain` by
/// RFC 7578's default). Lines end with CRLF.
///
/// Names and file names are written as browsers write them (the
/// `multipart/form-data` encoding algorithm of the WHATWG HTML standard):
/// UTF-8, with `"` written as `%22`, CR as `%0D` and LF as `%0A`, so that no
/// name can end its quoted string or its header early. Other characters,
/// a backslash included, are written as they are, as browsers do.
///
/// The boundary of [`new`](Self::new) is random (`sdkgen-` followed by 32
/// random letters and digits, about 190 bits), so it never occurs in the
/// content in practice; the content is not searched for it.
///
/// [`into_body`](Self::into_body) writes the body into one buffer of the
/// exact final size: each file's bytes (and every other part's) are copied
/// exactly once, into that buffer.
///
/// Its `Debug` output shows the boundary and, for each part, its name, file
/// name, type and length, never a value.
///
/// ```
/// use sdkgen_runtime::Multipart;
///
/// let mut form = Multipart::with_boundary("XyZ");
/// form.text("name", "Ada");
/// assert_eq!(form.content_type(), "multipart/form-data; boundary=XyZ");
/// assert_eq!(
///     &form.into_body()[..],
///     b"--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAda\r\n--XyZ--\r\n"
/// );
/// ```
#[derive(Clone)]
pub struct Multipart {
    boundary: String,
    parts: Vec<Part>,
}

/// One part of a multipart body.
#[derive(Clone)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

impl Multipart {
    /// An empty body with a random boundary.
    pub fn new() -> Self {
        let mut boundary = String::with_capacity(39);
        boundary.push_str("sdkgen-");
        boundary.extend(std::iter::repeat_with(fastrand::alphanumeric).take(32));
        Multipart {
            boundary,
            parts: Vec::new(),
        }
    }

    /// An empty body with the given boundary, for tests that compare bodies.
    ///
    /// The boundary must not occur in any part's content.
    ///
    /// # Panics
    ///
    /// If the boundary is empty, longer than 70 characters (RFC 2046's
    /// limit) or has a character other than ASCII letters, digits and
    /// `' + - . _` (characters that need no quoting in `Content-Type`).
    pub fn with_boundary(boundary: impl Into<String>) -> Self {
        let boundary = boundary.into();
        assert!(
            !boundary.is_empty()
                && boundary.len() <= MAX_BOUNDARY_LEN
                && boundary
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'\'' | b'+' | b'-' | b'.' | b'_')),
            "invalid multipart boundary {boundary:?}: use 1 to 70 ASCII letters, digits or ' + - . _"
        );
        Multipart {
            boundary,
            parts: Vec::new(),
        }
    }

    /// The boundary.
    pub fn boundary(&self) -> &str {
        &self.boundary
    }

    /// The number of parts added so far.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// Whether no part was added.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Adds a text part without a `Content-Type` header (so of type
    /// `text/plain`). The value is formatted with `Display`: strings are
    /// sent raw, numbers and booleans as they print.
    pub fn text(&mut self, name: &str, value: impl fmt::Display) -> &mut Self {
        self.push(name, None, None, Bytes::from(value.to_string()))
    }

    /// Adds a text part with a `Content-Type` header, for a property whose
    /// encoding object gives a `contentType`.
    ///
    /// Each CR and LF of `content_type` is replaced by a space.
    pub fn text_with_type(
        &mut self,
        name: &str,
        value: impl fmt::Display,
        content_type: &str,
    ) -> &mut Self {
        self.push(
            name,
            None,
            Some(header_safe(content_type.to_owned())),
            Bytes::from(value.to_string()),
        )
    }

    /// Adds a part of type `application/json` holding `value` serialised as
    /// JSON: OpenAPI's default for a property that is an object or an array.
    ///
    /// # Errors
    ///
    /// The serialisation error; the body is then unchanged.
    pub fn json<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<&mut Self, serde_json::Error> {
        let data = serde_json::to_vec(value)?;
        Ok(self.push(
            name,
            None,
            Some("application/json".to_owned()),
            Bytes::from(data),
        ))
    }

    /// Adds a file part, with the file's name (`blob` when it has none, as
    /// browsers send a nameless file, so that servers still take the part
    /// for a file) and its media type.
    pub fn file(&mut self, name: &str, file: FilePart) -> &mut Self {
        let file_name = file.file_name.unwrap_or_else(|| UNNAMED_FILE.to_owned());
        self.push(name, Some(file_name), Some(file.content_type), file.data)
    }

    fn push(
        &mut self,
        name: &str,
        file_name: Option<String>,
        content_type: Option<String>,
        data: Bytes,
    ) -> &mut Self {
        self.parts.push(Part {
            name: name.to_owned(),
            file_name,
            content_type,
            data,
        });
        self
    }

    /// The `Content-Type` header of the body:
    /// `multipart/form-data; boundary=…`.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// Writes the body.
    ///
    /// It is allocated once, at its final size, and every part's content is
    /// copied into it once. A body without parts is the closing delimiter
    /// alone (`--boundary--` and CRLF).
    pub fn into_body(self) -> Bytes {
        let heads: Vec<String> = self
            .parts
            .iter()
            .map(|part| part_head(&self.boundary, part))
            .collect();
        // Each part: its head, its content, CRLF; then `--boundary--` CRLF.
        let total = heads
            .iter()
            .zip(&self.parts)
            .map(|(head, part)| head.len() + part.data.len() + 2)
            .sum::<usize>()
            + self.boundary.len()
            + 6;
        let mut body = BytesMut::with_capacity(total);
        for (head, part) in heads.iter().zip(&self.parts) {
            body.put_slice(head.as_bytes());
            body.put_slice(&part.data);
            body.put_slice(b"\r\n");
        }
        body.put_slice(b"--");
        body.put_slice(self.boundary.as_bytes());
        body.put_slice(b"--\r\n");
        debug_assert_eq!(body.len(), total);
        body.freeze()
    }
}

impl Default for Multipart {
    fn default() -> Self {
        Multipart::new()
    }
}

impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// A part without its content.
        struct PartInfo<'a>(&'a Part);
        impl fmt::Debug for PartInfo<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("Part")
                    .field("name", &self.0.name)
                    .field("file_name", &self.0.file_name)
                    .field("content_type", &self.0.content_type)
                    .field("len", &self.0.data.len())
                    .finish()
            }
        }
        f.debug_struct("Multipart")
            .field("boundary", &self.boundary)
            .field(
                "parts",
                &self.parts.iter().map(PartInfo).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// The delimiter and headers of one part, up to and including the empty
/// line before its content.
fn part_head(boundary: &str, part: &Part) -> String {
    let mut head = String::with_capacity(boundary.len() + part.name.len() + 64);
    head.push_str("--");
    head.push_str(boundary);
    head.push_str("\r\nContent-Disposition: form-data; name=\"");
    push_escaped_name(&mut head, &part.name);
    head.push('"');
    if let Some(file_name) = &part.file_name {
        head.push_str("; filename=\"");
        push_escaped_name(&mut head, file_name);
        head.push('"');
    }
    head.push_str("\r\n");
    if let Some(content_type) = &part.content_type {
        head.push_str("Content-Type: ");
        head.push_str(content_type);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    head
}

/// Appends a name or file name as browsers write it in a
/// `Content-Disposition` quoted string: `"`, CR and LF percent-encoded.
fn push_escaped_name(out: &mut String, name: &str) {
    for c in name.chars() {
        match c {
            '"' => out.push_str("%22"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
}

/// Replaces each CR and LF by a space, so that a value cannot end its header.
fn header_safe(value: String) -> String {
    if value.contains(['\r', '\n']) {
        value.replace(['\r', '\n'], " ")
    } else {
        value
    }
}

/// How the properties of an `application/x-www-form-urlencoded` body are
/// written: the `explode` and `contentType` of the encoding objects of an
/// OpenAPI request body, by property name.
///
/// A property not named here has the defaults: form style with explode
/// true, and no content type. [`FormEncoding::default`] and
/// [`FormEncoding::new`] name no property.
///
/// Generated code builds it in an expression, without a `static`:
///
/// ```
/// use sdkgen_runtime::FormEncoding;
///
/// let encoding = FormEncoding::new()
///     .explode("tags", false)
///     .content_type("meta", "application/json");
/// assert!(!encoding.is_exploded("tags"));
/// assert!(encoding.is_exploded("other"));
/// assert_eq!(encoding.content_type_of("meta"), Some("application/json"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormEncoding {
    properties: Vec<PropertyEncoding>,
}

/// The encoding of one property.
#[derive(Clone, Debug, PartialEq, Eq)]
struct PropertyEncoding {
    name: Cow<'static, str>,
    explode: Option<bool>,
    content_type: Option<Cow<'static, str>>,
}

impl FormEncoding {
    /// No property with a setting of its own (usable in a `const`).
    pub const fn new() -> Self {
        FormEncoding {
            properties: Vec::new(),
        }
    }

    /// Sets `explode` for the property `name` (OpenAPI's default, used when
    /// it is not set, is `true`).
    #[must_use]
    pub fn explode(mut self, name: impl Into<Cow<'static, str>>, explode: bool) -> Self {
        self.entry(name.into()).explode = Some(explode);
        self
    }

    /// Sets the content type of the property `name`. With a JSON media type
    /// (`application/json` or any `…+json`, parameters allowed) the property
    /// is written as its JSON text; other types do not change how it is
    /// written.
    #[must_use]
    pub fn content_type(
        mut self,
        name: impl Into<Cow<'static, str>>,
        content_type: impl Into<Cow<'static, str>>,
    ) -> Self {
        self.entry(name.into()).content_type = Some(content_type.into());
        self
    }

    /// Whether the property `name` is exploded (`true` unless set otherwise).
    pub fn is_exploded(&self, name: &str) -> bool {
        self.get(name).and_then(|p| p.explode).unwrap_or(true)
    }

    /// The content type set for the property `name`, if any.
    pub fn content_type_of(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|p| p.content_type.as_deref())
    }

    fn get(&self, name: &str) -> Option<&PropertyEncoding> {
        self.properties.iter().find(|p| p.name == name)
    }

    fn entry(&mut self, name: Cow<'static, str>) -> &mut PropertyEncoding {
        let index = match self.properties.iter().position(|p| p.name == name) {
            Some(index) => index,
            None => {
                self.properties.push(PropertyEncoding {
                    name,
                    explode: None,
                    content_type: None,
                });
                self.properties.len() - 1
            }
        };
        &mut self.properties[index]
    }
}

/// Whether a media type is JSON: `application/json` or a `+json` suffix,
/// ignoring case and parameters.
fn is_json_media_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// Writes a JSON object as an `application/x-www-form-urlencoded` body.
///
/// Each property of `value` becomes pairs `name=value` joined by `&`, in the
/// object's order (the order of `serde_json::Map`: sorted by name, unless
/// `serde_json`'s `preserve_order` feature is on, when it is the order of
/// insertion). By the property's value and its [`FormEncoding`]:
///
/// | value | written as |
/// | --- | --- |
/// | string | `name=text` (without JSON quotes) |
/// | number, boolean | `name=42`, `name=true` |
/// | null | nothing |
/// | array, explode (default) | `name=a&name=b` |
/// | array, `explode: false` | `name=a,b` |
/// | object, explode (default) | `k1=v1&k2=v2`: its own properties, without `name` |
/// | object, `explode: false` | `name=k1,v1,k2,v2` |
/// | anything but null, with a JSON content type | `name=` and the value's JSON text |
///
/// Inside an array or object, null items and values are left out, and an
/// array or object (for which OpenAPI defines no form style) is written as
/// its JSON text. An empty array or object writes nothing, as an empty list
/// does in a query string ([`Request::query_exploded`](crate::Request::query_exploded)).
///
/// Names and values are percent-encoded as the WHATWG URL standard's
/// `application/x-www-form-urlencoded` serializer does: ASCII letters,
/// digits and `* - . _` are kept, a space becomes `+`, and every other byte
/// of the UTF-8 text becomes `%XX`. The commas between the items of an
/// unexploded array or object are written as is, so a comma inside an item
/// (sent as `%2C`) stays distinguishable.
///
/// ```
/// use sdkgen_runtime::{form_urlencoded, serde_json::json, FormEncoding};
///
/// let body = json!({ "cursor": null, "page": 2, "q": "a b&c", "tags": ["x", "y"] });
/// let encoding = FormEncoding::new().explode("tags", false);
/// assert_eq!(form_urlencoded(&body, &encoding).unwrap(), "page=2&q=a+b%26c&tags=x,y");
/// ```
///
/// # Errors
///
/// A message when `value` is not a JSON object.
pub fn form_urlencoded(value: &Value, encoding: &FormEncoding) -> Result<String, String> {
    let Value::Object(properties) = value else {
        return Err(format!(
            "a form body must be a JSON object, not {}",
            json_kind(value)
        ));
    };
    Ok(encode_pairs(properties.iter(), encoding))
}

/// [`form_urlencoded`] of the fields of `value` (a struct, a map) in the order it serialises
/// them, whatever the order of a `serde_json` map in the build.
///
/// # Errors
///
/// A message when `value` does not serialise as an object.
pub fn form_urlencoded_fields<T: serde::Serialize + ?Sized>(
    value: &T,
    encoding: &FormEncoding,
) -> Result<String, String> {
    let text = serde_json::to_string(value).map_err(|e| e.to_string())?;
    let Fields(fields) = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    // `fields` keeps the order of `text`, in which serde_json writes a struct's fields.
    Ok(encode_pairs(fields.iter().map(|(k, v)| (k, v)), encoding))
}

/// The members of a JSON object in the order they are written.
struct Fields(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Fields {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = Fields;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object (a form body's fields)")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    fields.push(entry);
                }
                Ok(Fields(fields))
            }
        }
        deserializer.deserialize_map(Members)
    }
}

/// The form pairs of `properties`, as [`form_urlencoded`] describes.
fn encode_pairs<'a>(
    properties: impl Iterator<Item = (&'a String, &'a Value)>,
    encoding: &FormEncoding,
) -> String {
    let mut out = String::new();
    for (name, value) in properties {
        if value.is_null() {
            continue;
        }
        if encoding
            .content_type_of(name)
            .is_some_and(is_json_media_type)
        {
            push_pair(&mut out, name, &value.to_string());
            continue;
        }
        let explode = encoding.is_exploded(name);
        match value {
            Value::Array(items) if explode => {
                for item in items {
                    if let Some(text) = item_text(item) {
                        push_pair(&mut out, name, &text);
                    }
                }
            }
            Value::Array(items) => {
                let texts: Vec<_> = items.iter().filter_map(item_text).collect();
                push_joined(&mut out, name, texts.iter().map(|t| &**t));
            }
            Value::Object(members) if explode => {
                for (key, member) in members {
                    if let Some(text) = item_text(member) {
                        push_pair(&mut out, key, &text);
                    }
                }
            }
            Value::Object(members) => {
                let mut texts = Vec::with_capacity(members.len() * 2);
                for (key, member) in members {
                    if let Some(text) = item_text(member) {
                        texts.push(Cow::Borrowed(key.as_str()));
                        texts.push(text);
                    }
                }
                push_joined(&mut out, name, texts.iter().map(|t| &**t));
            }
            scalar => {
                if let Some(text) = item_text(scalar) {
                    push_pair(&mut out, name, &text);
                }
            }
        }
    }
    out
}

/// The text of a value inside a form body: a string raw, a number or a
/// boolean as JSON writes it, an array or object as JSON text, null none.
fn item_text(value: &Value) -> Option<Cow<'_, str>> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(Cow::Borrowed(s)),
        other => Some(Cow::Owned(other.to_string())),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Appends `name=value`, both encoded, after a `&` unless it is the first pair.
fn push_pair(out: &mut String, name: &str, value: &str) {
    if !out.is_empty() {
        out.push('&');
    }
    form_encode_into(out, name);
    out.push('=');
    form_encode_into(out, value);
}

/// Appends `name=a,b,…` with each item encoded; nothing when there is no item.
fn push_joined<'a>(out: &mut String, name: &str, items: impl Iterator<Item = &'a str>) {
    let mut items = items.peekable();
    if items.peek().is_none() {
        return;
    }
    if !out.is_empty() {
        out.push('&');
    }
    form_encode_into(out, name);
    out.push('=');
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        form_encode_into(out, item);
    }
}

/// Appends `input` encoded with the `application/x-www-form-urlencoded`
/// byte set: letters, digits and `* - . _` kept, space as `+`, the rest
/// `%XX`.
fn form_encode_into(out: &mut String, input: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.reserve(input.len());
    for &b in input.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_') {
            out.push(char::from(b));
        } else if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn multipart_body_bytes_with_text_json_and_file() {
        let mut form = Multipart::with_boundary("XyZ-1");
        form.text("name", "Ada Lovelace");
        form.json("meta", &json!({ "a": [1, 2] })).unwrap();
        form.file(
            "avatar",
            FilePart::bytes(&b"\x89PNG\r\n\x00\xff"[..])
                .file_name("a.png")
                .content_type("image/png"),
        );
        assert_eq!(form.len(), 3);
        assert_eq!(form.content_type(), "multipart/form-data; boundary=XyZ-1");
        let body = form.into_body();
        let expected: &[u8] = b"--XyZ-1\r\n\
Content-Disposition: form-data; name=\"name\"\r\n\
\r\n\
Ada Lovelace\r\n\
--XyZ-1\r\n\
Content-Disposition: form-data; name=\"meta\"\r\n\
Content-Type: application/json\r\n\
\r\n\
{\"a\":[1,2]}\r\n\
--XyZ-1\r\n\
Content-Disposition: form-data; name=\"avatar\"; filename=\"a.png\"\r\n\
Content-Type: image/png\r\n\
\r\n\
\x89PNG\r\n\x00\xff\r\n\
--XyZ-1--\r\n";
        assert_eq!(&body[..], expected, "{}", String::from_utf8_lossy(&body));
    }

    #[test]
    fn multipart_text_with_type_numbers_and_unnamed_file() {
        let mut form = Multipart::with_boundary("b");
        form.text("n", 42)
            .text_with_type("doc", "<a/>", "application/xml\r\nX-Injected: 1")
            .file("raw", FilePart::bytes(Vec::new()));
        let body = form.into_body();
        let expected: &[u8] = b"--b\r\n\
Content-Disposition: form-data; name=\"n\"\r\n\r\n42\r\n\
--b\r\n\
Content-Disposition: form-data; name=\"doc\"\r\n\
Content-Type: application/xml  X-Injected: 1\r\n\r\n<a/>\r\n\
--b\r\n\
Content-Disposition: form-data; name=\"raw\"; filename=\"blob\"\r\n\
Content-Type: application/octet-stream\r\n\r\n\r\n\
--b--\r\n";
        assert_eq!(&body[..], expected, "{}", String::from_utf8_lossy(&body));
    }

    #[test]
    fn multipart_names_are_escaped_as_browsers_do() {
        let mut form = Multipart::with_boundary("b");
        form.text("a\"b\\c\r\nd é", "v");
        form.file(
            "f",
            FilePart::bytes("x").file_name("evil\".txt\r\nContent-Type: text/html"),
        );
        let body = String::from_utf8(form.into_body().to_vec()).unwrap();
        assert!(
            body.contains("Content-Disposition: form-data; name=\"a%22b\\c%0D%0Ad é\"\r\n"),
            "{body}"
        );
        assert!(
            body.contains(
                "; filename=\"evil%22.txt%0D%0AContent-Type: text/html\"\r\n\
                 Content-Type: application/octet-stream\r\n"
            ),
            "{body}"
        );
        assert_eq!(body.matches("\r\nContent-Type: ").count(), 1, "{body}");
    }

    #[test]
    fn multipart_without_parts_is_the_closing_delimiter() {
        let form = Multipart::with_boundary("b");
        assert!(form.is_empty());
        assert_eq!(&form.into_body()[..], b"--b--\r\n");
    }

    #[test]
    fn random_boundaries_are_long_and_differ() {
        let a = Multipart::new();
        let b = Multipart::default();
        assert_eq!(a.boundary().len(), 39);
        assert!(a.boundary().starts_with("sdkgen-"));
        assert!(a
            .boundary()
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-'));
        assert_ne!(a.boundary(), b.boundary());
        // The generated boundary passes the checks of `with_boundary`.
        let _ = Multipart::with_boundary(a.boundary());
    }

    #[test]
    #[should_panic(expected = "invalid multipart boundary")]
    fn with_boundary_rejects_quoting_characters() {
        let _ = Multipart::with_boundary("a b");
    }

    #[test]
    #[should_panic(expected = "invalid multipart boundary")]
    fn with_boundary_rejects_long_boundaries() {
        let _ = Multipart::with_boundary("x".repeat(71));
    }

    #[test]
    fn json_part_failure_leaves_the_body_unchanged() {
        use std::collections::BTreeMap;
        let mut bad = BTreeMap::new();
        bad.insert(vec![1u8], 1); // a map with non-string keys is no JSON object
        let mut form = Multipart::with_boundary("b");
        assert!(form.json("m", &bad).is_err());
        assert!(form.is_empty());
    }

    #[test]
    fn debug_never_shows_content() {
        let part = FilePart::bytes("s3cr3t-content").file_name("k.pem");
        let dbg = format!("{part:?}");
        assert!(!dbg.contains("s3cr3t"), "{dbg}");
        assert!(
            dbg.contains("len: 14") && dbg.contains("application/octet-stream"),
            "{dbg}"
        );
        let mut form = Multipart::with_boundary("b");
        form.text("password", "hunter2").file("key", part);
        let dbg = format!("{form:?}");
        assert!(!dbg.contains("hunter2") && !dbg.contains("s3cr3t"), "{dbg}");
        assert!(
            dbg.contains("\"password\"") && dbg.contains("\"k.pem\""),
            "{dbg}"
        );
    }

    #[test]
    fn file_part_accessors() {
        let part = FilePart::bytes(Bytes::from_static(b"abc"));
        assert_eq!(part.name(), None);
        assert_eq!(part.content_type_str(), "application/octet-stream");
        assert_eq!(part.len(), 3);
        assert!(!part.is_empty());
        let part = part.content_type("text/plain\n");
        assert_eq!(part.content_type_str(), "text/plain ");
        assert_eq!(part.data(), &Bytes::from_static(b"abc"));
        assert_eq!(part.into_bytes(), Bytes::from_static(b"abc"));
        assert!(FilePart::bytes("").is_empty());
    }

    /// Runs a future on a current-thread runtime (the `mock` feature turns on
    /// Tokio's runtime).
    #[cfg(feature = "mock")]
    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[cfg(feature = "mock")]
    #[test]
    fn file_part_from_path() {
        let dir = std::env::temp_dir().join(format!("sdkgen-body-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("report.csv");
        std::fs::write(&path, b"a,b\n1,2\n").unwrap();
        let part = block_on(FilePart::path(&path)).unwrap();
        assert_eq!(part.name(), Some("report.csv"));
        assert_eq!(part.content_type_str(), "application/octet-stream");
        assert_eq!(&part.data()[..], b"a,b\n1,2\n");
        let part = part.file_name("r.csv").content_type("text/csv");
        assert_eq!(
            (part.name(), part.content_type_str()),
            (Some("r.csv"), "text/csv")
        );

        let missing = dir.join("missing.bin");
        let err = block_on(FilePart::path(&missing)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(err.to_string().contains("missing.bin"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The form body of `value`, its pairs in name order (as the names read decoded), each name's
    /// pairs in the order written: the order of a `serde_json` map depends on whether its
    /// `preserve_order` feature is on somewhere in the build.
    fn form(value: Value, encoding: &FormEncoding) -> String {
        let text = form_urlencoded(&value, encoding).unwrap();
        if text.is_empty() {
            return text;
        }
        let decode = |name: &str| {
            let bytes = name.as_bytes();
            let mut out = Vec::new();
            let mut i = 0;
            while i < bytes.len() {
                match bytes[i] {
                    b'%' if i + 2 < bytes.len() => {
                        let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                        out.push(u8::from_str_radix(hex, 16).unwrap());
                        i += 3;
                        continue;
                    }
                    b'+' => out.push(b' '),
                    b => out.push(b),
                }
                i += 1;
            }
            out
        };
        let mut pairs: Vec<&str> = text.split('&').collect();
        pairs.sort_by_key(|pair| decode(pair.split('=').next().unwrap_or("")));
        pairs.join("&")
    }

    #[test]
    fn form_fields_keep_their_order() {
        #[derive(serde::Serialize)]
        struct Token<'a> {
            zone: &'a str,
            grant_type: &'a str,
            audience: Vec<&'a str>,
            after: Option<u8>,
        }
        let token = Token {
            zone: "eu",
            grant_type: "client credentials",
            audience: vec!["x", "y"],
            after: None,
        };
        assert_eq!(
            form_urlencoded_fields(&token, &FormEncoding::new()).unwrap(),
            "zone=eu&grant_type=client+credentials&audience=x&audience=y"
        );
        assert!(form_urlencoded_fields(&[1, 2], &FormEncoding::new()).is_err());
    }

    #[test]
    fn form_scalars_and_null() {
        let none = FormEncoding::default();
        assert_eq!(
            form(
                json!({ "a": "x", "b": 1, "c": -2.5, "d": true, "e": false, "f": null }),
                &none
            ),
            "a=x&b=1&c=-2.5&d=true&e=false"
        );
        assert_eq!(form(json!({}), &none), "");
        assert_eq!(form(json!({ "only": null }), &none), "");
        assert_eq!(form(json!({ "empty": "" }), &none), "empty=");
    }

    #[test]
    fn form_arrays_exploded_and_not() {
        let value = json!({ "tags": ["a", "b c", 3, null, true], "ids": [1, 2] });
        assert_eq!(
            form(value.clone(), &FormEncoding::new()),
            "ids=1&ids=2&tags=a&tags=b+c&tags=3&tags=true"
        );
        let encoding = FormEncoding::new().explode("tags", false);
        assert_eq!(form(value, &encoding), "ids=1&ids=2&tags=a,b+c,3,true");
        // A comma inside an item stays apart from the separators.
        assert_eq!(
            form(
                json!({ "t": ["a,b", "c"] }),
                &FormEncoding::new().explode("t", false)
            ),
            "t=a%2Cb,c"
        );
        // Empty arrays write nothing.
        assert_eq!(form(json!({ "t": [] }), &FormEncoding::new()), "");
        assert_eq!(
            form(
                json!({ "t": [null] }),
                &FormEncoding::new().explode("t", false)
            ),
            ""
        );
        // Nested arrays and objects are JSON text.
        assert_eq!(
            form(json!({ "m": [[1, 2], { "k": "v" }] }), &FormEncoding::new()),
            "m=%5B1%2C2%5D&m=%7B%22k%22%3A%22v%22%7D"
        );
    }

    #[test]
    fn form_objects_as_form_and_as_json() {
        let value = json!({ "color": { "B": null, "G": 200, "R": 100, "name": "sky blue" } });
        // (Written in name order, which a map keeps whether or not it keeps insertion order.)
        assert_eq!(
            form(value.clone(), &FormEncoding::new()),
            "G=200&R=100&name=sky+blue"
        );
        assert_eq!(
            form(value.clone(), &FormEncoding::new().explode("color", false)),
            "color=G,200,R,100,name,sky+blue"
        );
        let json_encoding = FormEncoding::new().content_type("color", "application/json");
        assert_eq!(
            form(value.clone(), &json_encoding),
            "color=%7B%22B%22%3Anull%2C%22G%22%3A200%2C%22R%22%3A100%2C%22name%22%3A%22sky+blue%22%7D"
        );
        // Any JSON media type, with parameters and in any case; JSON wins over explode.
        for content_type in [
            "application/json; charset=utf-8",
            "Application/JSON",
            "application/merge-patch+json",
        ] {
            let encoding = FormEncoding::new()
                .explode("color", false)
                .content_type("color", content_type);
            assert_eq!(
                form(value.clone(), &encoding),
                form(value.clone(), &json_encoding)
            );
        }
        // A JSON content type applies to arrays and scalars too.
        let encoding = FormEncoding::new()
            .content_type("a", "application/json")
            .content_type("s", "application/json");
        assert_eq!(
            form(json!({ "a": [1, "x"], "s": "x" }), &encoding),
            "a=%5B1%2C%22x%22%5D&s=%22x%22"
        );
        // Another content type changes nothing.
        let encoding = FormEncoding::new().content_type("color", "text/plain");
        assert_eq!(
            form(value.clone(), &encoding),
            form(value, &FormEncoding::new())
        );
        assert_eq!(
            form(json!({ "o": {} }), &FormEncoding::new().explode("o", false)),
            ""
        );
    }

    #[test]
    fn form_percent_encoding() {
        assert_eq!(
            form(
                json!({ "k y": "a+b&c=d%e/f?g#h*i-j.k_l~m" }),
                &FormEncoding::new()
            ),
            "k+y=a%2Bb%26c%3Dd%25e%2Ff%3Fg%23h*i-j.k_l%7Em"
        );
        assert_eq!(
            form(
                json!({ "名": "é 日本", "n": "line\r\nbreak\ttab" }),
                &FormEncoding::new()
            ),
            "n=line%0D%0Abreak%09tab&%E5%90%8D=%C3%A9+%E6%97%A5%E6%9C%AC"
        );
        assert_eq!(
            form(json!({ "q": "'\"!()" }), &FormEncoding::new()),
            "q=%27%22%21%28%29"
        );
    }

    #[test]
    fn form_requires_an_object() {
        for (value, kind) in [
            (json!(null), "null"),
            (json!(1), "a number"),
            (json!("a=b"), "a string"),
            (json!([1]), "an array"),
            (json!(false), "a boolean"),
        ] {
            let err = form_urlencoded(&value, &FormEncoding::new()).unwrap_err();
            assert_eq!(
                err,
                format!("a form body must be a JSON object, not {kind}")
            );
        }
    }

    #[test]
    fn form_encoding_settings() {
        const NONE: FormEncoding = FormEncoding::new();
        assert_eq!(NONE, FormEncoding::default());
        assert!(NONE.is_exploded("x"));
        assert_eq!(NONE.content_type_of("x"), None);
        let owned_name = String::from("dyn");
        let encoding = FormEncoding::new()
            .explode("a", false)
            .content_type("a", "application/json")
            .explode("a", true)
            .explode(owned_name, false);
        assert!(encoding.is_exploded("a"));
        assert_eq!(encoding.content_type_of("a"), Some("application/json"));
        assert!(!encoding.is_exploded("dyn"));
        assert_eq!(encoding.content_type_of("dyn"), None);
    }

    #[test]
    fn json_media_types() {
        for yes in [
            "application/json",
            " application/json ; x=y",
            "application/vnd.api+json",
        ] {
            assert!(is_json_media_type(yes), "{yes}");
        }
        for no in [
            "text/plain",
            "application/jsonx",
            "text/json+xml",
            "",
            "json",
        ] {
            assert!(!is_json_media_type(no), "{no}");
        }
    }
}
