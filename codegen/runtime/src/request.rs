//! Description of one call: method, path, query, headers, body, options.

use crate::body::{form_urlencoded_fields, FormEncoding, Multipart};
use std::fmt::{self, Display};
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, Url};

use crate::retry::RetryPolicy;

/// One call of an operation, as built by a generated request builder.
///
/// A `Request` is plain data: nothing is sent until it is passed to
/// [`Client::send`](crate::Client::send). Mistakes that can only be found
/// while building it (a header value with a line break, a body that cannot
/// be serialised) are remembered and reported by `send` as
/// [`Error::InvalidRequest`](crate::Error::InvalidRequest), so generated
/// builders never need to return `Result` from their setters.
///
/// Its `Debug` output shows the method, the path, the names (not values) of
/// the query parameters and headers, and the body length.
#[derive(Clone)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) template: &'static str,
    pub(crate) path: String,
    /// Already encoded `name=value` pairs joined by `&`.
    pub(crate) query: String,
    pub(crate) query_names: Vec<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Bytes>,
    pub(crate) options: CallOptions,
    /// The operation's own base URL (see [`Request::server`]).
    pub(crate) server: Option<&'static str>,
    /// The first problem found while building the request.
    pub(crate) error: Option<String>,
    /// The first constraint of the spec the request breaks (see [`Request::check`]); an error
    /// only when the client checks requests.
    pub(crate) violation: Option<String>,
    /// Whether the success body is a download (see [`Request::download`]).
    pub(crate) download: bool,
}

impl Request {
    /// Starts a request.
    ///
    /// `template` is the path template of the specification (for example
    /// `"/v2/instances/{instance_fid}/status"`); it is kept for error
    /// context. `path` is the concrete, already encoded path (for example
    /// `"/v2/instances/inst_1/status"`, built with [`encode_path`]); it is
    /// appended to the client's base URL as is, trailing slash included.
    pub fn new(method: Method, template: &'static str, path: String) -> Self {
        Request {
            method,
            template,
            path,
            query: String::new(),
            query_names: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            options: CallOptions::default(),
            server: None,
            error: None,
            violation: None,
            download: false,
        }
    }

    /// Marks the success body as a download (a file, not JSON): it is read up to
    /// [`ClientBuilder::max_download_bytes`](crate::ClientBuilder::max_download_bytes) rather
    /// than the JSON limit.
    pub fn download(&mut self) {
        self.download = true;
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path template of the specification.
    pub fn template(&self) -> &'static str {
        self.template
    }

    /// The concrete path, without query.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The encoded query string built so far (without the leading `?`).
    pub fn query_string(&self) -> &str {
        &self.query
    }

    /// The body set so far, if any.
    pub fn body(&self) -> Option<&Bytes> {
        self.body.as_ref()
    }

    /// Sets this operation's default base URL, for an operation the
    /// specification serves elsewhere (`servers` on its path or operation).
    ///
    /// It is used only while the client has its default base URL: a base URL
    /// set with [`ClientBuilder::base_url`](crate::ClientBuilder::base_url)
    /// applies to every operation, this one included.
    pub fn server(&mut self, base_url: &'static str) {
        self.server = Some(base_url);
    }

    /// This operation's default base URL, if [`server`](Self::server) set one.
    pub fn operation_server(&self) -> Option<&'static str> {
        self.server
    }

    /// Adds one query pair `name=value`.
    ///
    /// The value is formatted with `Display`, so strings are sent raw
    /// (without JSON quotes), and percent-encoded: every byte except the
    /// RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) becomes `%XX`
    /// (a space becomes `%20`).
    pub fn query(&mut self, name: &str, value: impl Display) {
        self.start_pair(name);
        encode_into(&mut self.query, &value.to_string(), b"");
    }

    /// Adds one pair per value: `name=a&name=b` (OpenAPI `form` style with
    /// `explode: true`). Adds nothing when `values` is empty.
    pub fn query_exploded<I>(&mut self, name: &str, values: I)
    where
        I: IntoIterator,
        I::Item: Display,
    {
        for value in values {
            self.query(name, value);
        }
    }

    /// Adds one pair whose value joins all values with `delimiter`:
    /// `name=a,b` (OpenAPI `form` with `explode: false`, `pipeDelimited`,
    /// `spaceDelimited`). Each value is percent-encoded, so a delimiter
    /// inside a value cannot be confused with the separator. The delimiter
    /// is sent as is when it is `,` or `|`, percent-encoded otherwise (a
    /// space becomes `%20`). Adds nothing when `values` is empty.
    pub fn query_delimited<I>(&mut self, name: &str, values: I, delimiter: &str)
    where
        I: IntoIterator,
        I::Item: Display,
    {
        let mut values = values.into_iter().peekable();
        if values.peek().is_none() {
            return;
        }
        self.start_pair(name);
        let mut separator = String::new();
        encode_into(&mut separator, delimiter, b",|");
        let mut first = true;
        for value in values {
            if !first {
                self.query.push_str(&separator);
            }
            first = false;
            encode_into(&mut self.query, &value.to_string(), b"");
        }
    }

    fn start_pair(&mut self, name: &str) {
        if !self.query.is_empty() {
            self.query.push('&');
        }
        encode_into(&mut self.query, name, b"");
        self.query.push('=');
        if !self.query_names.iter().any(|n| n == name) {
            self.query_names.push(name.to_owned());
        }
    }

    /// Adds a header parameter. Several values for one name are all sent.
    ///
    /// An invalid name or value (for example one containing a line break) is
    /// reported by `send` as
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest); the message
    /// names the header but never shows the value.
    pub fn header(&mut self, name: &'static str, value: impl Display) {
        let Ok(header_name) = HeaderName::from_bytes(name.as_bytes()) else {
            self.fail(format!("invalid header name `{name}`"));
            return;
        };
        match HeaderValue::try_from(value.to_string()) {
            Ok(v) => {
                self.headers.append(header_name, v);
            }
            Err(_) => self.fail(format!("invalid value for header `{name}`")),
        }
    }

    /// Serialises `body` as JSON now and sets `content-type:
    /// application/json`. A serialisation failure is reported by `send` as
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest).
    pub fn json_body<B: serde::Serialize + ?Sized>(&mut self, body: &B) {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.body = Some(Bytes::from(bytes));
                self.headers
                    .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            }
            Err(e) => self.fail(format!("cannot serialise the request body as JSON: {e}")),
        }
    }

    /// Sets `value` as an `application/x-www-form-urlencoded` body (`content_type` as the spec
    /// writes it): its fields as form pairs in their order, as `encoding` says (see
    /// [`form_urlencoded`](crate::form_urlencoded)).
    pub fn form_body<B: serde::Serialize + ?Sized>(
        &mut self,
        content_type: &str,
        value: &B,
        encoding: &FormEncoding,
    ) {
        let encoded = form_urlencoded_fields(value, encoding);
        match encoded {
            Ok(text) => self.raw_body(content_type, text),
            Err(e) => self.fail(format!("cannot encode the request body as a form: {e}")),
        }
    }

    /// Sets `form` as the `multipart/form-data` body.
    pub fn multipart(&mut self, form: Multipart) {
        let content_type = form.content_type();
        self.raw_body(&content_type, form.into_body());
    }

    /// Adds the value of a field that is not a file to `form`: a string, number or boolean as
    /// its text, `null` as no part, anything else (an object, a list) as a JSON part; a
    /// `content_type` from the spec's `encoding` is the part's.
    pub fn form_part<T: serde::Serialize + ?Sized>(
        &mut self,
        form: &mut Multipart,
        name: &str,
        value: &T,
        content_type: Option<&str>,
    ) {
        let value = match serde_json::to_value(value) {
            Ok(v) => v,
            Err(e) => return self.fail(format!("cannot encode the part `{name}`: {e}")),
        };
        let text = match value {
            serde_json::Value::Null => return,
            serde_json::Value::String(s) => s,
            v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_)) => v.to_string(),
            v => {
                let json = v.to_string();
                form.text_with_type(name, json, content_type.unwrap_or("application/json"));
                return;
            }
        };
        match content_type {
            Some(ct) => form.text_with_type(name, text, ct),
            None => form.text(name, text),
        };
    }

    /// Sets a raw body with its content type (for operations whose request
    /// body is not JSON).
    pub fn raw_body(&mut self, content_type: &str, body: impl Into<Bytes>) {
        match HeaderValue::from_str(content_type) {
            Ok(v) => {
                self.body = Some(body.into());
                self.headers.insert(CONTENT_TYPE, v);
            }
            Err(_) => self.fail(format!("invalid content type `{content_type}`")),
        }
    }

    /// Applies per-call overrides; options set in `options` replace those
    /// set before, unset ones are left alone.
    ///
    /// The headers of `options` ([`CallOptions::header`]) replace the
    /// request's headers of the same names (header parameters and earlier
    /// options alike); the first invalid one is reported by `send` as
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest).
    pub fn options(&mut self, options: &CallOptions) {
        if let Some(retry) = &options.retry {
            self.options.retry = Some(retry.clone());
        }
        if let Some(timeout) = options.timeout {
            self.options.timeout = Some(timeout);
        }
        if let Some(deadline) = options.deadline {
            self.options.deadline = Some(deadline);
        }
        if let Some(message) = &options.header_error {
            self.fail(message.clone());
        }
        // Several values of one name in `options` are all sent: only the
        // values the request had before are removed.
        let mut replaced: Vec<&HeaderName> = Vec::new();
        for (name, value) in &options.headers {
            if !replaced.contains(&name) {
                self.headers.remove(name);
                replaced.push(name);
            }
            self.headers.append(name.clone(), value.clone());
        }
    }

    /// Records that the value of `name` breaks a constraint of the spec unless `satisfied`:
    /// `rule` says what it must be (`in 1..=100`, `at most 64 characters long`), `value` what
    /// it is. The first such finding fails the call with
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) before anything is sent, unless
    /// the client was built with `check_requests(false)`.
    ///
    /// ```
    /// let mut request = sdkgen_runtime::Request::new(sdkgen_runtime::Method::GET, "/items", "/items".into());
    /// let limit = 0;
    /// request.check((1..=100).contains(&limit), "limit", "in 1..=100", limit);
    /// # let _ = request;
    /// ```
    pub fn check(&mut self, satisfied: bool, name: &str, rule: &str, value: impl Display) {
        if !satisfied && self.violation.is_none() {
            self.violation = Some(format!("`{name}` must be {rule}; it is {value}"));
        }
    }

    /// [`check`](Self::check) for the field `field` of the value at `at` (`body`,
    /// `body.items[2]`): the path is written only when the check fails.
    pub fn check_field(
        &mut self,
        satisfied: bool,
        at: &str,
        field: &str,
        rule: &str,
        value: impl Display,
    ) {
        if !satisfied && self.violation.is_none() {
            self.violation = Some(format!("`{at}.{field}` must be {rule}; it is {value}"));
        }
    }

    fn fail(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(message);
        }
    }

    /// The full URL of this request below `base` (no trailing slash).
    pub(crate) fn url(&self, base: &str) -> Result<Url, String> {
        check_path(&self.path)?;
        let mut url = String::with_capacity(base.len() + self.path.len() + self.query.len() + 1);
        url.push_str(base);
        url.push_str(&self.path);
        if !self.query.is_empty() {
            url.push('?');
            url.push_str(&self.query);
        }
        Url::parse(&url).map_err(|e| format!("cannot build the request URL: {e}"))
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("template", &self.template)
            .field("path", &self.path)
            .field("query_names", &self.query_names)
            .field("header_names", &self.headers.keys().collect::<Vec<_>>())
            .field("body_len", &self.body.as_ref().map(Bytes::len))
            .field("options", &self.options)
            .field("server", &self.server)
            .field("error", &self.error)
            .finish()
    }
}

/// Rejects paths that would change meaning once parsed as a URL: no leading
/// slash, `?`, `#`, backslashes, whitespace and control characters, and dot
/// segments (`.`, `..` and their percent-encoded forms), which URL parsers
/// remove and which could otherwise reach another endpoint.
fn check_path(path: &str) -> Result<(), String> {
    if !path.starts_with('/') {
        return Err(format!("the path `{path}` does not start with `/`"));
    }
    if let Some(c) = path
        .chars()
        .find(|c| matches!(c, '?' | '#' | '\\') || c.is_whitespace() || c.is_control())
    {
        return Err(format!(
            "the path contains the character {c:?}; encode it with `encode_path`"
        ));
    }
    if let Some(segment) = path.split('/').find(|s| is_dot_segment(s)) {
        return Err(format!("the path contains the dot segment `{segment}`"));
    }
    Ok(())
}

/// Whether `segment` is `.` or `..`, each dot written as is or as `%2e`/`%2E`.
fn is_dot_segment(segment: &str) -> bool {
    let mut rest = segment.as_bytes();
    let mut dots = 0;
    while !rest.is_empty() {
        rest = match rest {
            [b'.', tail @ ..] => tail,
            [b'%', b'2', b'e' | b'E', tail @ ..] => tail,
            _ => return false,
        };
        dots += 1;
    }
    matches!(dots, 1 | 2)
}

/// Percent-encodes one path segment: every byte except the RFC 3986
/// unreserved characters (`A-Z a-z 0-9 - . _ ~`) becomes `%XX`, so `/`, `?`,
/// `#`, `%`, spaces and non-ASCII characters are all encoded.
///
/// ```
/// assert_eq!(sdkgen_runtime::encode_path("a b/c"), "a%20b%2Fc");
/// assert_eq!(sdkgen_runtime::encode_path(42), "42");
/// ```
///
/// A segment that is exactly `.` or `..` is left as is and rejected when the
/// request is sent ([`Error::InvalidRequest`](crate::Error::InvalidRequest)),
/// because it cannot be expressed in a URL path.
pub fn encode_path(segment: impl Display) -> String {
    /// Percent-encodes what is written to it, straight into the output.
    struct Encoder(String);
    impl fmt::Write for Encoder {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            encode_into(&mut self.0, s, b"");
            Ok(())
        }
    }
    let mut out = Encoder(String::new());
    // Writing into a `String` cannot fail; a `Display` that fails leaves what it wrote.
    let _ = fmt::Write::write_fmt(&mut out, format_args!("{segment}"));
    out.0
}

/// Percent-encodes each value as [`encode_path`] does and joins them with
/// `delimiter`: a list in a path segment, in OpenAPI's `simple` style. The
/// delimiter is written as is when it is a comma (allowed in a segment) and
/// percent-encoded otherwise.
///
/// ```
/// assert_eq!(sdkgen_runtime::encode_path_list([1, 2, 3], ","), "1,2,3");
/// assert_eq!(sdkgen_runtime::encode_path_list(["a,b", "c d"], ","), "a%2Cb,c%20d");
/// ```
///
/// An empty list is an empty segment.
pub fn encode_path_list<I>(values: I, delimiter: &str) -> String
where
    I: IntoIterator,
    I::Item: Display,
{
    let mut out = String::new();
    for (i, value) in values.into_iter().enumerate() {
        if i > 0 {
            encode_into(&mut out, delimiter, b",");
        }
        out.push_str(&encode_path(value));
    }
    out
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Appends `input` to `out`, percent-encoding every byte that is neither
/// unreserved nor in `keep`.
fn encode_into(out: &mut String, input: &str, keep: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.reserve(input.len());
    for &b in input.as_bytes() {
        if is_unreserved(b) || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
}

/// Per-call overrides of the client's settings, and extra headers.
///
/// ```
/// use std::time::Duration;
/// use sdkgen_runtime::{CallOptions, RetryPolicy};
///
/// let options = CallOptions::new()
///     .retry(RetryPolicy::new().max_attempts(10))
///     .timeout(Duration::from_secs(5))
///     .deadline(Duration::from_secs(30))
///     .header("Idempotency-Key", "order-7f3a");
/// # let _ = options;
/// ```
///
/// The connect timeout cannot be changed per call: the HTTP connection pool
/// applies one connect timeout to all connections, so it is a client setting
/// ([`ClientBuilder::connect_timeout`](crate::ClientBuilder::connect_timeout)).
/// The per-call total timeout bounds connecting as well.
///
/// Its `Debug` output shows the names of the extra headers, never their
/// values (an idempotency key or a signature may be as secret as the API
/// key).
#[derive(Clone, Default, PartialEq)]
pub struct CallOptions {
    retry: Option<RetryPolicy>,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    /// Extra headers, in the order they were given, values marked sensitive.
    headers: Vec<(HeaderName, HeaderValue)>,
    /// The first header that could not be added (never its value).
    header_error: Option<String>,
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallOptions")
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field(
                "header_names",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("header_error", &self.header_error)
            .finish()
    }
}

impl CallOptions {
    /// No overrides.
    pub fn new() -> Self {
        CallOptions::default()
    }

    /// Uses `policy` instead of the client's retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Uses `total` as the per-attempt timeout instead of the client's.
    pub fn timeout(mut self, total: Duration) -> Self {
        self.timeout = Some(total);
        self
    }

    /// Bounds the whole call, every attempt and every wait between attempts
    /// together, by `total`, instead of the client's
    /// [`deadline`](crate::ClientBuilder::deadline) (none by default).
    ///
    /// The per-attempt [`timeout`](Self::timeout) still applies, cut short
    /// by the deadline. When the deadline passes during an attempt, the call
    /// ends with [`Error::DeadlineExceeded`](crate::Error::DeadlineExceeded);
    /// a wait before a retry that would end after the deadline is not
    /// started, and the call ends with that error at once.
    pub fn deadline(mut self, total: Duration) -> Self {
        self.deadline = Some(total);
        self
    }

    /// Adds a header to every attempt of this call (for example an
    /// `Idempotency-Key`, which must be the same on every retry). Several
    /// values for one name are all sent; together they replace a header of
    /// the same name set by the request builder.
    ///
    /// An invalid name or value (a line break, say), and the name
    /// `Authorization`, are reported by `send` as
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest), the message
    /// naming the header but never showing the value. `Authorization` is
    /// rejected rather than silently replaced: the client's API key is its
    /// only source, so that no call can send another credential by
    /// accident, nor drop the client's.
    ///
    /// The value is marked sensitive and never shown in any `Debug` output,
    /// event or hook of the runtime.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.set_header(name, value);
        self
    }

    /// In-place form of [`header`](Self::header).
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) -> &mut Self {
        let problem = match HeaderName::from_bytes(name.as_bytes()) {
            Err(_) => Some(format!("invalid header name `{name}`")),
            Ok(header_name) if header_name == AUTHORIZATION => Some(format!(
                "the header `{name}` cannot be set per call: it carries the client's API key"
            )),
            Ok(header_name) => match HeaderValue::try_from(value.into()) {
                Ok(mut header_value) => {
                    header_value.set_sensitive(true);
                    self.headers.push((header_name, header_value));
                    None
                }
                Err(_) => Some(format!("invalid value for header `{name}`")),
            },
        };
        if self.header_error.is_none() {
            self.header_error = problem;
        }
        self
    }

    /// In-place form of [`retry`](Self::retry).
    pub fn set_retry(&mut self, policy: RetryPolicy) -> &mut Self {
        self.retry = Some(policy);
        self
    }

    /// In-place form of [`timeout`](Self::timeout).
    pub fn set_timeout(&mut self, total: Duration) -> &mut Self {
        self.timeout = Some(total);
        self
    }

    /// The retry policy override, if any.
    pub fn retry_policy(&self) -> Option<&RetryPolicy> {
        self.retry.as_ref()
    }

    /// The timeout override, if any.
    pub fn total_timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// In-place form of [`deadline`](Self::deadline).
    pub fn set_deadline(&mut self, total: Duration) -> &mut Self {
        self.deadline = Some(total);
        self
    }

    /// The deadline override, if any.
    pub fn call_deadline(&self) -> Option<Duration> {
        self.deadline
    }

    /// The names of the extra headers, in the order they were added.
    pub fn header_names(&self) -> impl Iterator<Item = &HeaderName> {
        self.headers.iter().map(|(name, _)| name)
    }
}

/// A request body (or a part of one) whose schema states constraints the client checks before
/// sending (ranges, lengths, numbers of items). Generated types implement it when they or the
/// types they hold have such constraints; the containers here pass the check on.
pub trait Constrained {
    /// Records on `request` the first constraint this value, found at `at` (`body`,
    /// `body.items[2]`), breaks (see [`Request::check`]).
    fn check_constraints(&self, at: &str, request: &mut Request);
}

impl<T: Constrained + ?Sized> Constrained for Box<T> {
    fn check_constraints(&self, at: &str, request: &mut Request) {
        (**self).check_constraints(at, request);
    }
}

impl<T: Constrained> Constrained for Option<T> {
    fn check_constraints(&self, at: &str, request: &mut Request) {
        if let Some(value) = self {
            value.check_constraints(at, request);
        }
    }
}

impl<T: Constrained> Constrained for Vec<T> {
    fn check_constraints(&self, at: &str, request: &mut Request) {
        for (i, value) in self.iter().enumerate() {
            if request.violation.is_some() {
                return;
            }
            value.check_constraints(&format!("{at}[{i}]"), request);
        }
    }
}

impl<T: Constrained> Constrained for std::collections::BTreeMap<String, T> {
    fn check_constraints(&self, at: &str, request: &mut Request) {
        for (key, value) in self {
            if request.violation.is_some() {
                return;
            }
            value.check_constraints(&format!("{at}[{key:?}]"), request);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_in_every_spelling() {
        for dot in [".", "..", "%2e", "%2E", "%2e%2E", ".%2e", "%2E."] {
            assert!(is_dot_segment(dot), "{dot}");
            assert!(check_path(&format!("/a/{dot}/b")).is_err(), "{dot}");
            assert!(check_path(&format!("/a/{dot}")).is_err(), "{dot}");
        }
        for other in [
            "",
            "...",
            "a.",
            ".a",
            "%2e%2e%2e",
            "%2",
            "%2f",
            "%2ex",
            "%3e",
        ] {
            assert!(!is_dot_segment(other), "{other}");
        }
        assert!(check_path("/v2/instances/a.b/status").is_ok());
        assert!(check_path("/a//b/").is_ok());
    }

    #[test]
    fn encode_path_writes_displayed_values_encoded() {
        assert_eq!(encode_path("a b/c"), "a%20b%2Fc");
        assert_eq!(encode_path(-42), "-42");
        assert_eq!(encode_path(format_args!("{}/{}", "é", 1.5)), "%C3%A9%2F1.5");
    }

    fn req() -> Request {
        Request::new(Method::GET, "/x", "/x".to_owned())
    }

    #[test]
    fn path_encoding() {
        assert_eq!(encode_path("abc-._~XYZ019"), "abc-._~XYZ019");
        assert_eq!(encode_path("a b"), "a%20b");
        assert_eq!(
            encode_path("a/b?c#d%e&f=g+h"),
            "a%2Fb%3Fc%23d%25e%26f%3Dg%2Bh"
        );
        assert_eq!(encode_path("é"), "%C3%A9");
        assert_eq!(encode_path("日本"), "%E6%97%A5%E6%9C%AC");
        assert_eq!(encode_path(-12), "-12");
        assert_eq!(encode_path(""), "");
    }

    #[test]
    fn query_encoding() {
        let mut r = req();
        r.query("q", "a b&c=d");
        r.query("flag", true);
        r.query("n", 3.5);
        r.query("name with space", "x");
        r.query("u", "ü+/");
        assert_eq!(
            r.query_string(),
            "q=a%20b%26c%3Dd&flag=true&n=3.5&name%20with%20space=x&u=%C3%BC%2B%2F"
        );
    }

    #[test]
    fn query_exploded_and_delimited() {
        let mut r = req();
        r.query_exploded("id", [1, 2, 3]);
        r.query_exploded("none", Vec::<String>::new());
        r.query_delimited("tags", ["a,b", "c"], ",");
        r.query_delimited("p", ["x", "y"], "|");
        r.query_delimited("s", ["x", "y z"], " ");
        r.query_delimited("empty", Vec::<u8>::new(), ",");
        assert_eq!(
            r.query_string(),
            "id=1&id=2&id=3&tags=a%2Cb,c&p=x|y&s=x%20y%20z"
        );
        assert_eq!(r.query_names, ["id", "tags", "p", "s"]);
    }

    #[test]
    fn headers_and_errors() {
        let mut r = req();
        r.header("x-trace", "abc");
        r.header("x-trace", 2);
        assert_eq!(r.headers.get_all("x-trace").iter().count(), 2);
        assert!(r.error.is_none());
        r.header("x-bad", "line\nbreak secret");
        let msg = r.error.clone().unwrap();
        assert!(msg.contains("x-bad") && !msg.contains("secret"), "{msg}");
        r.header("bad name", "v");
        assert_eq!(r.error.unwrap(), msg, "first error is kept");
        let mut r = req();
        r.header("bad name", "v");
        assert!(r.error.unwrap().contains("bad name"));
    }

    #[test]
    fn json_body_sets_content_type() {
        let mut r = req();
        r.json_body(&serde_json::json!({"a": 1}));
        assert_eq!(r.body().unwrap().as_ref(), br#"{"a":1}"#);
        assert_eq!(r.headers[CONTENT_TYPE], "application/json");
        let mut bad = std::collections::HashMap::new();
        bad.insert(vec![1u8], 1);
        let mut r = req();
        r.json_body(&bad);
        assert!(r.error.unwrap().contains("JSON"));
    }

    #[test]
    fn url_building() {
        let mut r = Request::new(
            Method::GET,
            "/a/{id}/",
            format!("/a/{}/", encode_path("x y")),
        );
        r.query("q", "1");
        let url = r.url("http://127.0.0.1:8080/api").unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:8080/api/a/x%20y/?q=1");
        let r = Request::new(Method::GET, "/a", "/a".into());
        assert_eq!(r.url("https://h").unwrap().as_str(), "https://h/a");
    }

    #[test]
    fn bad_paths_rejected() {
        for path in [
            "a",
            "/a/../b",
            "/a/./b",
            "/a/%2e%2E/b",
            "/a/.%2e",
            "/..",
            "/a?b",
            "/a#b",
            "/a\\b",
            "/a b",
        ] {
            let r = Request::new(Method::GET, "/", path.to_owned());
            assert!(r.url("http://h").is_err(), "{path}");
        }
        for path in ["/", "/a/", "/a//b", "/a/...", "/a/.b", "/a/b.", "/%C3%A9"] {
            let r = Request::new(Method::GET, "/", path.to_owned());
            assert!(r.url("http://h").is_ok(), "{path}");
        }
    }

    #[test]
    fn options_merge() {
        let mut r = req();
        r.options(&CallOptions::new().timeout(Duration::from_secs(1)));
        r.options(&CallOptions::new().retry(RetryPolicy::disabled()));
        assert_eq!(r.options.total_timeout(), Some(Duration::from_secs(1)));
        assert_eq!(r.options.retry_policy(), Some(&RetryPolicy::disabled()));
        let mut o = CallOptions::new();
        o.set_timeout(Duration::from_millis(5))
            .set_retry(RetryPolicy::new());
        assert_eq!(o.total_timeout(), Some(Duration::from_millis(5)));
    }

    #[test]
    fn option_headers() {
        let mut r = req();
        r.header("idempotency-key", "from-builder");
        r.header("x-keep", "kept");
        let options = CallOptions::new()
            .header("Idempotency-Key", "k-hunter5")
            .header("X-Tag", "a")
            .header("x-tag", "b");
        r.options(&options);
        assert!(r.error.is_none());
        assert_eq!(r.headers.get_all("idempotency-key").iter().count(), 1);
        assert_eq!(r.headers["idempotency-key"], "k-hunter5");
        assert!(r.headers["idempotency-key"].is_sensitive());
        assert_eq!(r.headers.get_all("x-tag").iter().count(), 2);
        assert_eq!(r.headers["x-keep"], "kept");
        let names: Vec<_> = options.header_names().map(|n| n.as_str()).collect();
        assert_eq!(names, ["idempotency-key", "x-tag", "x-tag"]);
        let dbg = format!("{options:?} {r:?}");
        assert!(dbg.contains("idempotency-key"), "{dbg}");
        assert!(!dbg.contains("hunter5"), "{dbg}");

        for (name, value, expect) in [
            ("bad name", "v", "bad name"),
            ("x-ok", "line\nbreak hunter6", "x-ok"),
            ("Authorization", "Bearer hunter7", "Authorization"),
            ("authorization", "Bearer hunter7", "authorization"),
        ] {
            let mut r = req();
            r.options(&CallOptions::new().header(name, value).header("x-fine", "1"));
            let message = r.error.unwrap();
            assert!(message.contains(expect), "{message}");
            assert!(!message.contains("hunter"), "{message}");
            assert!(!r.headers.contains_key("authorization"));
        }
    }

    #[test]
    fn option_deadline() {
        let mut r = req();
        r.options(&CallOptions::new().deadline(Duration::from_secs(2)));
        r.options(&CallOptions::new().timeout(Duration::from_secs(1)));
        assert_eq!(r.options.call_deadline(), Some(Duration::from_secs(2)));
        let mut o = CallOptions::new();
        o.set_deadline(Duration::from_millis(7));
        assert_eq!(o.call_deadline(), Some(Duration::from_millis(7)));
    }

    #[test]
    fn debug_hides_values() {
        let mut r = req();
        r.query("token", "hunter2");
        r.header("x-secret", "hunter3");
        r.json_body("hunter4");
        let dbg = format!("{r:?}");
        assert!(dbg.contains("token") && dbg.contains("x-secret"), "{dbg}");
        assert!(!dbg.contains("hunter"), "{dbg}");
    }
}
