//! Naming: case conversion, keyword escaping and the rules that turn spec names into Rust names.
//!
//! Every identifier the generator emits passes through this module, so the rules live in one place.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{self, TypeRef};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while", "abstract", "become", "box", "do", "final", "macro", "override",
    "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "super", "Self", "_"];

/// Names a generated type must not take, because generated code uses them unqualified.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Self",
    "From",
    "Into",
    "ToString",
    "Default",
    "Debug",
    "Clone",
    "Copy",
    "PartialEq",
    "Eq",
    "Hash",
    "PartialOrd",
    "Ord",
    "Send",
    "Sync",
    "Sized",
    "Iterator",
    "IntoIterator",
    "Fn",
    "FnMut",
    "FnOnce",
    "Drop",
    "AsRef",
    "AsMut",
    "Extend",
    "ToOwned",
    "TryFrom",
    "TryInto",
    "Unpin",
];

/// Acronyms that camelCase identifiers run together (`send2FASMSCode`); general, not of any API.
const ACRONYMS: &[&str] = &[
    "2FA", "ACL", "AI", "API", "CDN", "CIDR", "CPU", "CSS", "CSV", "DB", "DNS", "ETA", "FTP",
    "GPS", "GPU", "HTML", "HTTP", "HTTPS", "IAM", "ID", "IMAP", "IP", "ISO", "JSON", "JWT", "KMS",
    "LLM", "MAC", "MFA", "ML", "MMS", "NAT", "NFS", "OS", "OTP", "PDF", "PIN", "QR", "RAM", "RSS",
    "SAML", "SDK", "SMS", "SMTP", "SQL", "SSH", "SSL", "SSO", "TCP", "TLS", "TPU", "TTL", "UDP",
    "URI", "URL", "USB", "UTC", "UUID", "VM", "VPC", "VPN", "XML", "YAML",
];

/// Splits a run of capitals into known acronyms (`FASMS` → none; `2FASMS` → `2FA`, `SMS`), in as
/// few pieces as possible; `None` unless the whole run splits.
fn split_acronyms(run: &str) -> Option<Vec<&'static str>> {
    if run.is_empty() {
        return Some(Vec::new());
    }
    let mut best: Option<Vec<&'static str>> = None;
    for a in ACRONYMS {
        if let Some(rest) = run.strip_prefix(a) {
            if let Some(mut tail) = split_acronyms(rest) {
                tail.insert(0, a);
                if best.as_ref().is_none_or(|b| tail.len() < b.len()) {
                    best = Some(tail);
                }
            }
        }
    }
    best
}

/// Splits an identifier-ish string into lowercase words.
///
/// Boundaries: any character that is not a letter or digit, a lower-to-upper change
/// (`camelCase`), and the end of an acronym (`HTTPServer` → `http`, `server`).
/// Digits stay with the word before them (`v2`, `ipv4`, `send2`), unless they begin an acronym
/// run together with others in a camelCase name (`send2FASMSCode` → `send`, `2fa`, `sms`, `code`).
pub fn words(input: &str) -> Vec<String> {
    let chars: Vec<char> = input.chars().collect();
    let mut raw = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                raw.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if !cur.is_empty() && c.is_uppercase() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                raw.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        raw.push(cur);
    }
    // Only camelCase names run acronyms together; an all-capitals name (`IPOS`) is left alone.
    let mixed = chars.iter().any(|c| c.is_lowercase());
    let mut out: Vec<String> = Vec::new();
    for tok in raw {
        let capitals =
            tok.chars().any(|c| c.is_alphabetic()) && !tok.chars().any(|c| c.is_lowercase());
        if mixed && capitals && tok.len() >= 3 && !ACRONYMS.contains(&tok.as_str()) {
            // Digits the previous word took may begin the run (`2FA`).
            let digits = out.last().map_or(0, |p| {
                let letters = p.trim_end_matches(|c: char| c.is_ascii_digit()).len();
                if letters > 0 {
                    p.len() - letters
                } else {
                    0
                }
            });
            if digits > 0 {
                let prev = out.last().map(String::as_str).unwrap_or_default();
                let joined = format!("{}{tok}", &prev[prev.len() - digits..]);
                if let Some(parts) = split_acronyms(&joined) {
                    if let Some(p) = out.last_mut() {
                        p.truncate(p.len() - digits);
                    }
                    out.extend(parts.iter().map(|a| a.to_lowercase()));
                    continue;
                }
            }
            if let Some(parts) = split_acronyms(&tok).filter(|p| p.len() > 1) {
                out.extend(parts.iter().map(|a| a.to_lowercase()));
                continue;
            }
        }
        out.push(tok.to_lowercase());
    }
    out
}

fn ascii_words(input: &str) -> Vec<String> {
    words(&deunicode(input))
}

/// Replaces characters that cannot appear in an identifier by separators; keeps ASCII letters/digits.
fn deunicode(input: &str) -> String {
    input
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// `snake_case`, not yet escaped.
pub fn snake(input: &str) -> String {
    ascii_words(input).join("_")
}

/// `PascalCase`, not yet escaped. Adjacent digit groups are kept apart with `_`.
pub fn pascal(input: &str) -> String {
    let mut out = String::new();
    for w in ascii_words(input) {
        if out.ends_with(|c: char| c.is_ascii_digit())
            && w.starts_with(|c: char| c.is_ascii_digit())
        {
            out.push('_');
        }
        let mut cs = w.chars();
        if let Some(f) = cs.next() {
            out.extend(f.to_uppercase());
            out.push_str(cs.as_str());
        }
    }
    out
}

/// A valid snake_case identifier for a field, parameter or method (`type` → `r#type`).
pub fn field_ident(input: &str) -> String {
    let mut s = snake(input);
    if s.is_empty() {
        s = "field".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("n{s}");
    }
    escape_keyword(s)
}

/// Escapes a snake_case identifier that is a keyword.
pub fn escape_keyword(s: String) -> String {
    if NOT_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// The identifier without a raw prefix (`r#type` → `type`).
pub fn unraw(s: &str) -> &str {
    s.strip_prefix("r#").unwrap_or(s)
}

/// A valid PascalCase type name; empty or digit-led input gets a prefix.
pub fn type_ident(input: &str) -> String {
    let mut s = pascal(input);
    if s.is_empty() {
        s = "Type".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("T{s}");
    }
    if RESERVED_TYPE_NAMES.contains(&s.as_str()) {
        s.push_str("Model");
    }
    s
}

/// A PascalCase enum variant name for a wire value; `None` when nothing usable remains.
pub fn variant_ident(input: &str) -> Option<String> {
    let s = pascal(input);
    if s.is_empty() {
        return None;
    }
    Some(if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{s}")
    } else if s == "Self" {
        "SelfValue".into()
    } else {
        s
    })
}

/// Turns string enum values into variant names. Leading words that every value shares are
/// dropped when the type's name already says them (`InstanceStatus` with `STATUS_NEW`,
/// `STATUS_RUNNING` → `New`, `Running`) and every name stays valid and distinct.
pub fn enum_variants(values: &[String], type_name: &str) -> Vec<String> {
    let split: Vec<Vec<String>> = values.iter().map(|v| ascii_words(v)).collect();
    let type_words = words(type_name);
    let mut prefix = 0;
    if values.len() > 1 {
        'outer: while let Some(first) = split[0].get(prefix) {
            if !type_words.contains(first) {
                break;
            }
            for w in &split {
                if w.len() <= prefix + 1 || &w[prefix] != first {
                    break 'outer;
                }
            }
            prefix += 1;
        }
    }
    let candidates = |strip: usize| -> Vec<Option<String>> {
        split
            .iter()
            .map(|w| variant_ident(&w[strip.min(w.len())..].join(" ")))
            .collect()
    };
    let mut names = candidates(prefix);
    let valid = |names: &[Option<String>]| {
        let set: BTreeSet<_> = names.iter().flatten().collect();
        names.iter().all(|n| {
            n.as_ref().is_some_and(|n| {
                !n.starts_with('V') || !n[1..].starts_with(|c: char| c.is_ascii_digit())
            })
        }) && set.len() == names.len()
    };
    if prefix > 0 && !valid(&names) {
        names = candidates(0);
    }
    let mut used = BTreeSet::new();
    names
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            let base = n.unwrap_or_else(|| {
                if values[i].is_empty() {
                    "Empty".to_string()
                } else {
                    format!("Value{}", i + 1)
                }
            });
            unique(&base, &mut used)
        })
        .collect()
}

/// Returns `base`, or `base2`, `base3`, … if taken; records the result as taken.
pub fn unique(base: &str, used: &mut BTreeSet<String>) -> String {
    if used.insert(base.to_string()) {
        return base.to_string();
    }
    let sep = if base.ends_with(|c: char| c.is_ascii_digit()) {
        "_"
    } else {
        ""
    };
    (2..)
        .map(|i| format!("{base}{sep}{i}"))
        .find(|n| used.insert(n.clone()))
        .expect("an unbounded range always yields a free name")
}

/// Strips the suffix FastAPI appends to operation ids (`{name}{path with \W→_}_{method}`).
///
/// `get_instances_v2_instances_get` on `GET /v2/instances` → `get_instances`. The id may name
/// the path without leading segments that the spec's path has (an application mounted under a
/// prefix: `list_jobs_jobs_get` on `GET /api/v1/jobs` → `list_jobs`); the longest tail of whole
/// segments that the id ends with is stripped.
pub fn strip_fastapi_suffix(operation_id: &str, method: &str, path: &str) -> Option<String> {
    let method = method.to_ascii_lowercase();
    // The path with \W → `_`, and where in it each segment starts (the whole path first).
    let mut path_part = String::with_capacity(path.len());
    let mut tails = Vec::new();
    for c in path.chars() {
        if c == '/' {
            tails.push(path_part.len());
        }
        path_part.push(if c.is_alphanumeric() || c == '_' {
            c
        } else {
            '_'
        });
    }
    if tails.first() != Some(&0) {
        tails.insert(0, 0);
    }
    for start in tails {
        let suffix = format!("{}_{method}", &path_part[start..]);
        let Some(stem) = operation_id.strip_suffix(&suffix) else {
            continue;
        };
        let stem = stem.trim_end_matches('_');
        if !stem.is_empty() {
            return Some(stem.to_string());
        }
    }
    None
}

/// A method name for an operation without an operation id.
///
/// A short summary of plain words is what people call the operation (`manage instance`);
/// otherwise the name comes from the method and the path's literal segments, with
/// path parameters as `by_<name>` (`GET /v2/instances/{id}/status` → `get_instances_by_id_status`).
pub fn operation_name_from(summary: Option<&str>, method: &str, path: &str) -> String {
    if let Some(summary) = summary {
        let plain = summary
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-' || c == '_');
        let n_words = summary.split_whitespace().count();
        if plain && (1..=6).contains(&n_words) {
            let s = snake(summary);
            if !s.is_empty() {
                return s;
            }
        }
    }
    method_path_name(method, path)
}

/// `method` plus the path's segments, a name no two operations share.
pub fn method_path_name(method: &str, path: &str) -> String {
    let mut parts = vec![method.to_ascii_lowercase()];
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        if let Some(p) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            parts.push(format!("by_{}", snake(p)));
        } else {
            let s = snake(seg);
            if !s.is_empty() {
                parts.push(s);
            }
        }
    }
    parts.join("_")
}

/// Assigns final names to keys, resolving collisions without depending on unrelated keys:
/// a name wanted by one key only is granted; keys that want the same name all fall back to
/// their own unique alternative (and, if those collide too, get numbered in key order).
pub fn resolve_names<K: Ord + Clone>(
    wanted: Vec<(K, String, String)>,
    taken: &BTreeSet<String>,
) -> BTreeMap<K, String> {
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, name, _) in &wanted {
        *count.entry(name.as_str()).or_default() += 1;
    }
    let mut used = taken.clone();
    let mut out = BTreeMap::new();
    let mut fallback = Vec::new();
    for (key, name, alt) in &wanted {
        if count[name.as_str()] == 1 && !taken.contains(name) {
            used.insert(name.clone());
            out.insert(key.clone(), name.clone());
        } else {
            fallback.push((key.clone(), alt.clone()));
        }
    }
    fallback.sort_by(|a, b| a.0.cmp(&b.0));
    for (key, alt) in fallback {
        let name = unique(&alt, &mut used);
        out.insert(key, name);
    }
    out
}

/// What every name says in common, as a type name: the words they all end with
/// (`TooManyRequests`, `InstanceStatus`), or, when those say nothing on their own (`Request`),
/// the words they all start with in front of them (`DeleteRequest`). `None` when nothing
/// meaningful is shared.
pub(crate) fn shared_suffix(names: &BTreeSet<&str>) -> Option<String> {
    const GENERIC: &[&str] = &[
        "item", "items", "value", "values", "request", "response", "body", "data", "result",
        "results", "list", "object", "error", "errors", "model", "type", "info", "payload",
        "variant", "part", "entry", "field",
    ];
    let split: Vec<Vec<String>> = names.iter().map(|n| words(n)).collect();
    let shortest = split.iter().map(Vec::len).min()?;
    let shared = |from_end: bool| {
        let mut n = 0;
        while n < shortest {
            let at = |s: &Vec<String>| if from_end { s.len() - 1 - n } else { n };
            let w = &split[0][at(&split[0])];
            if split.iter().all(|s| &s[at(s)] == w) {
                n += 1;
            } else {
                break;
            }
        }
        n
    };
    let meaningful = |words: &[String]| {
        words
            .iter()
            .any(|w| !GENERIC.contains(&w.trim_end_matches(|c: char| c.is_ascii_digit())))
    };
    let end = shared(true);
    let suffix = &split[0][split[0].len() - end..];
    let words: Vec<String> = if meaningful(suffix) {
        suffix.to_vec()
    } else {
        // Prefix and suffix must not overlap: the shortest name keeps a word of its own between.
        let start = shared(false).min(shortest.saturating_sub(end + 1));
        [&split[0][..start], suffix].concat()
    };
    let text = words.join(" ");
    (meaningful(&words) && text.len() >= 4).then(|| type_ident(&text))
}

/// What the names of a merged type's places say in common ([`shared_suffix`]), with the role
/// of the places added when only their beginning is shared (and nothing when those places are
/// not bodies): the 403, 404 and 410 bodies of
/// `create_instance` are `CreateInstanceFailure`, not `CreateInstance` (nor `CreateInstanceError`,
/// the operation's error enum).
pub(crate) fn shared_name(names: &BTreeSet<&str>, role: Option<inline::Role>) -> Option<String> {
    let shared = shared_suffix(names)?;
    let suffix_only = names.iter().all(|n| n.ends_with(shared.as_str()));
    if suffix_only {
        return Some(shared);
    }
    // `{Operation}Error` is the operation's error enum already: its bodies are failures.
    // Places that share only their start and are no bodies are properties of one parent, whose
    // name that start is: it names the parent, not them.
    match role {
        Some(inline::Role::Error) => Some(type_ident(&format!("{shared} failure"))),
        Some(role) => Some(type_ident(&format!("{shared} {}", role.word()))),
        None => None,
    }
}

/// Gives every field a distinct identifier. Properties whose wire name is already their
/// identifier claim it first (so `foo_bar` stays `foo_bar` beside `fooBar`, whatever the order);
/// the others get the next free numbered form, in property order.
pub(crate) fn assign_field_idents<N>(fields: &mut [ir::Field<N>]) {
    let mut used = BTreeSet::new();
    let wanted: Vec<String> = fields
        .iter()
        .map(|f| unraw(&field_ident(&f.wire)).to_string())
        .collect();
    let exact: Vec<bool> = fields
        .iter()
        .zip(&wanted)
        .map(|(f, w)| *w == f.wire && used.insert(w.clone()))
        .collect();
    for ((f, w), exact) in fields.iter_mut().zip(wanted).zip(exact) {
        let name = if exact { w } else { unique(&w, &mut used) };
        f.ident = escape_keyword(name);
    }
}

pub(crate) fn variant_label(t: &TypeRef) -> String {
    match t {
        TypeRef::String => "String".into(),
        TypeRef::Integer(_) => "Integer".into(),
        TypeRef::Number(_) => "Number".into(),
        TypeRef::Boolean => "Boolean".into(),
        TypeRef::Json => "Json".into(),
        TypeRef::Bytes => "Bytes".into(),
        TypeRef::Formatted(f) => f.runtime_type().into(),
        TypeRef::Named(n) => n.clone(),
        TypeRef::Array(i) => format!("{}List", variant_label(i)),
        TypeRef::Map(i) => format!("{}Map", variant_label(i)),
        TypeRef::Nullable(i) => variant_label(i),
        TypeRef::Unit => "Null".into(),
        TypeRef::File => "File".into(),
    }
}

/// A union variant's name: the type's label, without the union's own name in front
/// (`IdOrNameVariant1` in `IdOrName` is `Variant1`).
pub(crate) fn union_variant_label(t: &TypeRef, union_name: &str) -> String {
    let label = variant_label(t);
    match label.strip_prefix(union_name) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_uppercase()) => rest.to_string(),
        _ => label,
    }
}

/// The error-enum variant for a status.
pub fn variant_for(status: ir::StatusMatch) -> String {
    match status {
        ir::StatusMatch::Code(c) => match c {
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            407 => "ProxyAuthenticationRequired",
            408 => "RequestTimeout",
            409 => "Conflict",
            410 => "Gone",
            411 => "LengthRequired",
            412 => "PreconditionFailed",
            413 => "PayloadTooLarge",
            414 => "UriTooLong",
            415 => "UnsupportedMediaType",
            416 => "RangeNotSatisfiable",
            417 => "ExpectationFailed",
            418 => "ImATeapot",
            421 => "MisdirectedRequest",
            422 => "UnprocessableEntity",
            423 => "Locked",
            424 => "FailedDependency",
            425 => "TooEarly",
            426 => "UpgradeRequired",
            428 => "PreconditionRequired",
            429 => "TooManyRequests",
            431 => "RequestHeaderFieldsTooLarge",
            451 => "UnavailableForLegalReasons",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            505 => "HttpVersionNotSupported",
            507 => "InsufficientStorage",
            508 => "LoopDetected",
            511 => "NetworkAuthenticationRequired",
            200 => "Ok",
            201 => "Created",
            202 => "Accepted",
            203 => "NonAuthoritativeInformation",
            204 => "NoContent",
            206 => "PartialContent",
            207 => "MultiStatus",
            c => return format!("Status{c}"),
        }
        .to_string(),
        ir::StatusMatch::Range(4) => "ClientError".into(),
        ir::StatusMatch::Range(5) => "ServerError".into(),
        ir::StatusMatch::Range(r) => format!("Status{r}xx"),
        ir::StatusMatch::Default => "Other".into(),
    }
}

/// Names of inline types, from where they stand. Each is a wish: merged types and collisions
/// are settled later ([`shared_suffix`], [`resolve_names`]).
pub(crate) mod inline {
    use super::type_ident;

    /// The type of property `wire` of the type `parent`: `{Parent}{Property}`.
    pub(crate) fn property(parent: &str, wire: &str) -> String {
        type_ident(&format!("{parent} {wire}"))
    }

    /// The element type of the array type `array`: `{Array}Item`.
    pub(crate) fn item(array: &str) -> String {
        format!("{array}Item")
    }

    /// The value type of the map type `map`: `{Map}Value`.
    pub(crate) fn map_value(map: &str) -> String {
        format!("{map}Value")
    }

    /// Alternative `index` (from 0) of the union `union`: `{Union}Variant{n}`.
    pub(crate) fn variant(union: &str, index: usize) -> String {
        format!("{union}Variant{}", index + 1)
    }

    /// The type of parameter `wire` of an operation: `{Operation}{Parameter}`.
    pub(crate) fn parameter(operation: &str, wire: &str) -> String {
        type_ident(&format!("{operation} {wire}"))
    }

    /// The request body of an operation: `{Operation}Request`.
    pub(crate) fn request_body(operation: &str) -> String {
        format!("{operation}Request")
    }

    /// The body of an operation's successes: `{Operation}Response`.
    pub(crate) fn success_body(operation: &str) -> String {
        format!("{operation}Response")
    }

    /// The body of an operation's error response with the variant `variant`: `{Operation}{Variant}`.
    pub(crate) fn error_body(operation: &str, variant: &str) -> String {
        format!("{operation}{variant}")
    }

    /// What a place in the spec is, for a type that stands there directly.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    pub(crate) enum Role {
        /// A request body.
        Request,
        /// The body of a success response.
        Response,
        /// The body of an error response.
        Error,
        /// Bodies of more than one of these kinds.
        Body,
    }

    impl Role {
        /// The word a name of this role ends with.
        pub(crate) fn word(self) -> &'static str {
            match self {
                Role::Request => "request",
                Role::Response => "response",
                Role::Error => "error",
                Role::Body => "body",
            }
        }

        /// The role of the schema at this JSON pointer, when it is a body itself (not a
        /// property or an item inside one).
        pub(crate) fn of(pointer: &str) -> Option<Role> {
            let tokens: Vec<&str> = pointer.split('/').collect();
            let n = tokens.len();
            // `…/requestBody/content/<type>/schema` or `…/responses/<status>/content/<type>/schema`.
            if n < 5 || tokens[n - 1] != "schema" || tokens[n - 3] != "content" {
                return None;
            }
            match tokens[n - 4] {
                "requestBody" => Some(Role::Request),
                status if tokens.get(n - 5) == Some(&"responses") => {
                    if status.starts_with('2') {
                        Some(Role::Response)
                    } else {
                        Some(Role::Error)
                    }
                }
                _ => None,
            }
        }
    }

    /// A name from what an object holds (one or two fields, not counting envelope fields such
    /// as `success` and `msg` beside others) and the role every place it stands in shares:
    /// `{detail}` in error bodies → `DetailError`, `{id}` as request bodies → `IdRequest`,
    /// `{lat, lng}` as properties → `LatLng`. `None` for larger objects, whose fields make no
    /// name.
    pub(crate) fn shape(fields: &[&str], role: Option<Role>) -> Option<String> {
        // Fields that wrap many APIs' answers say nothing of this one, when there are more.
        const ENVELOPE: &[&str] = &[
            "success", "ok", "status", "msg", "message", "error", "errors", "detail",
        ];
        let own: Vec<&str> = fields
            .iter()
            .copied()
            .filter(|f| !ENVELOPE.contains(&f.to_ascii_lowercase().as_str()))
            .collect();
        let fields = if fields.len() > 2 && !own.is_empty() {
            &own[..]
        } else {
            fields
        };
        if fields.is_empty() || fields.len() > 2 {
            return None;
        }
        let suffix = role.map(Role::word).unwrap_or_default();
        let name = type_ident(&format!("{} {suffix}", fields.join(" ")));
        (name.len() >= 4).then_some(name)
    }
}

/// Whether a response field's name says it holds the next page's cursor.
pub(crate) fn is_cursor_name(wire: &str) -> bool {
    let w = wire.to_ascii_lowercase();
    w.contains("cursor") || w.contains("token") || w == "next" || w == "next_page"
}

/// A cursor's name without the prefix that says which page it is for: `next_token`,
/// `after_token` and `page_token` all come to `token`.
pub(crate) fn cursor_stem(wire: &str) -> String {
    let w = wire.to_ascii_lowercase();
    ["next_", "after_", "page_", "starting_", "start_"]
        .iter()
        .fold(w, |s, pre| {
            s.strip_prefix(pre).map(String::from).unwrap_or(s)
        })
}

/// Whether a query parameter's name says it sets the page size.
pub(crate) fn is_page_size_name(wire: &str) -> bool {
    [
        "limit",
        "page_size",
        "per_page",
        "max_results",
        "pagesize",
        "size",
    ]
    .contains(&wire.to_ascii_lowercase().as_str())
}

/// Words of an API's title that say it is an API, not which: left out of derived names.
const API_WORDS: &[&str] = &["api", "apis", "rest", "openapi", "http", "client", "sdk"];

/// The package name of a client for the API titled `title`: its words in kebab case, without
/// the ones that only say it is an API, and `-client` (`Acme.io API` → `acme-io-client`).
pub(crate) fn package_name(title: &str) -> String {
    let kept: Vec<String> = words(title)
        .into_iter()
        .filter(|w| !API_WORDS.contains(&w.as_str()))
        .collect();
    let stem = if kept.is_empty() {
        "api".to_string()
    } else {
        kept.join("-")
    };
    format!("{stem}-client")
}

/// The prefix of a client's environment variables (`<PREFIX>_API_KEY`, `<PREFIX>_BASE_URL`):
/// the package name without `-client` and without words that only say it is an API, in
/// upper snake case (`acme-io-client` → `ACME_IO`; `petstore-api-client` → `PETSTORE`).
pub(crate) fn env_prefix(package: &str) -> String {
    let kept: Vec<String> = words(package.trim_end_matches("-client"))
        .into_iter()
        .filter(|w| !API_WORDS.contains(&w.as_str()))
        .collect();
    if kept.is_empty() {
        "API".into()
    } else {
        kept.join("_").to_ascii_uppercase()
    }
}

/// The members every emitted request builder has of its own (its fields, methods and the
/// `IntoFuture` and pagination impls written by `emit::builders`), which parameter setters must
/// not take. Kept beside the rules that avoid them; `emit` is where they are defined.
pub(crate) const BUILDER_MEMBERS: &[&str] = &[
    "client",
    "options",
    "body",
    "retry",
    "timeout",
    "deadline",
    "header",
    "send",
    "send_with_response",
    "into_future",
    "pages",
    "items",
    "new",
    "request",
    "decode",
];

/// The members of the emitted `Client` (`emit::lib_rs`) and the traits it implements, which
/// operation methods must not take.
pub(crate) const CLIENT_MEMBERS: &[&str] = &[
    "builder", "from_env", "new", "inner", "base_url", "clone", "fmt", "from", "runtime",
];

/// Type names the emitted crate uses at its root beside the builders (`Client`, and what it
/// re-exports from the runtime), which a builder must not take.
const ROOT_TYPE_NAMES: &[&str] = &["Client", "Error", "Request", "Response", "Method"];

/// A parameter's identifier: its wire name in snake case, with `_param` where a builder member
/// has that name, unique among the operation's parameters so far (`taken`).
pub(crate) fn param_ident(wire: &str, taken: &mut BTreeSet<String>) -> String {
    let mut ident = unraw(&field_ident(wire)).to_string();
    if BUILDER_MEMBERS.contains(&ident.as_str()) {
        ident = format!("{ident}_param");
    }
    escape_keyword(unique(&ident, taken))
}

/// Final operation method names from `(key, wanted, method-and-path)` triples: a name is kept
/// where it is wanted once and is no client member, else the method-and-path name is used.
pub(crate) fn operation_idents<K: Ord + Clone>(
    wanted: Vec<(K, String, String)>,
) -> BTreeMap<K, String> {
    let reserved: BTreeSet<String> = CLIENT_MEMBERS.iter().map(|s| s.to_string()).collect();
    resolve_names(wanted, &reserved)
        .into_iter()
        .map(|(k, name)| (k, escape_keyword(name)))
        .collect()
}

/// The builder type of the operation method `ident`: its Pascal-case name, `Builder` added
/// where that is a name generated code uses, unique among builders so far (`taken`):
/// `get_v2` and `get_v_2` are distinct methods but one Pascal-case name.
pub(crate) fn builder_name(ident: &str, taken: &mut BTreeSet<String>) -> String {
    let mut builder = pascal(unraw(ident));
    if RESERVED_TYPE_NAMES.contains(&builder.as_str())
        || ROOT_TYPE_NAMES.contains(&builder.as_str())
    {
        builder.push_str("Builder");
    }
    unique(&builder, taken)
}

/// The error enum of an operation whose builder is `builder`.
pub(crate) fn error_enum_name(builder: &str) -> String {
    format!("{builder}Error")
}

/// The catch-all variant of a string enum with these variants: `Unknown`, else `Other`, else
/// `UnlistedValue`.
pub(crate) fn enum_fallback(variants: &[String]) -> String {
    ["Unknown", "Other"]
        .into_iter()
        .find(|f| !variants.iter().any(|v| v == f))
        .unwrap_or("UnlistedValue")
        .to_string()
}

/// The variant of a discriminated union that keeps values with another tag: `Unknown`, else
/// `Other`, else `UnknownVariant`, unique among the variants (`taken`).
pub(crate) fn discriminator_fallback(taken: &mut BTreeSet<String>) -> String {
    let fallback = ["Unknown", "Other", "UnknownVariant"]
        .into_iter()
        .find(|f| !taken.contains(*f))
        .unwrap_or("UnknownVariant");
    unique(fallback, taken)
}

/// A path template with its parameter names left out (`/items/{id}` → `/items/{}`).
pub fn path_shape(path: &str) -> String {
    let mut shape = String::with_capacity(path.len());
    let mut in_name = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_name = true;
                shape.push_str("{}");
            }
            '}' => in_name = false,
            _ if !in_name => shape.push(c),
            _ => {}
        }
    }
    shape
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_package_and_variable_names_skip_words_that_only_say_api() {
        assert_eq!(package_name("Acme.io API"), "acme-io-client");
        assert_eq!(package_name("Petstore REST API"), "petstore-client");
        assert_eq!(package_name("API"), "api-client");
        assert_eq!(env_prefix("acme-io-client"), "ACME_IO");
        assert_eq!(env_prefix("fixture-basics"), "FIXTURE_BASICS");
        assert_eq!(env_prefix("petstore-api-client"), "PETSTORE");
    }

    #[test]
    fn splits_words() {
        assert_eq!(snake("get_instances"), "get_instances");
        assert_eq!(snake("getInstances"), "get_instances");
        assert_eq!(snake("HTTPServerError"), "http_server_error");
        assert_eq!(snake("send2FASMSCode"), "send_2fa_sms_code");
        assert_eq!(snake("getUserSSHKeys"), "get_user_ssh_keys");
        assert_eq!(snake("exportJSONCSV"), "export_json_csv");
        assert_eq!(snake("getV2JSON"), "get_v2_json");
        assert_eq!(snake("IPOS"), "ipos");
        assert_eq!(snake("STATUS_IDLE"), "status_idle");
        assert_eq!(snake("manage instance"), "manage_instance");
        assert_eq!(snake("v2InstancesV3"), "v2_instances_v3");
        assert_eq!(snake("Instance Fid"), "instance_fid");
        assert_eq!(pascal("instance_status"), "InstanceStatus");
        assert_eq!(pascal("STATUS_NEW"), "StatusNew");
        assert_eq!(pascal("ipv4 6"), "Ipv4_6");
    }

    #[test]
    fn escapes_keywords() {
        assert_eq!(field_ident("type"), "r#type");
        assert_eq!(field_ident("self"), "self_");
        assert_eq!(field_ident("1st"), "n1st");
        assert_eq!(field_ident("@odata.id"), "odata_id");
        assert_eq!(type_ident("string"), "StringModel");
        assert_eq!(type_ident("3d"), "T3d");
    }

    #[test]
    fn strips_fastapi_ids() {
        assert_eq!(
            strip_fastapi_suffix("get_instances_v2_instances_get", "get", "/v2/instances")
                .as_deref(),
            Some("get_instances")
        );
        assert_eq!(
            strip_fastapi_suffix(
                "get_instance_status_v2_instances__instance_fid__status_get",
                "GET",
                "/v2/instances/{instance_fid}/status"
            )
            .as_deref(),
            Some("get_instance_status")
        );
        assert_eq!(strip_fastapi_suffix("listPets", "get", "/pets"), None);
        // Mounted under a prefix the id does not name.
        assert_eq!(
            strip_fastapi_suffix("list_jobs_jobs_get", "get", "/api/v1/jobs").as_deref(),
            Some("list_jobs")
        );
        assert_eq!(
            strip_fastapi_suffix("read_job_jobs__job_id__get", "get", "/api/v1/jobs/{job_id}")
                .as_deref(),
            Some("read_job")
        );
        // The whole path is preferred to a tail of it.
        assert_eq!(
            strip_fastapi_suffix("v1_jobs_v1_jobs_get", "get", "/v1/jobs").as_deref(),
            Some("v1_jobs")
        );
        // A tail must start at a segment, and something must be left.
        assert_eq!(strip_fastapi_suffix("list_obs_get", "get", "/jobs"), None);
        assert_eq!(strip_fastapi_suffix("_jobs_get", "get", "/api/jobs"), None);
        // Characters of several bytes do not shift the segments.
        assert_eq!(
            strip_fastapi_suffix("list_jobs_get", "get", "/€/jobs").as_deref(),
            Some("list")
        );
    }

    #[test]
    fn names_from_summary_or_path() {
        assert_eq!(
            operation_name_from(Some("manage instance"), "put", "/api/v0/instances/{id}/"),
            "manage_instance"
        );
        assert_eq!(operation_name_from(Some("execute"), "put", "/x"), "execute");
        assert_eq!(
            operation_name_from(
                Some("Show the user's (current) invoices, with filters"),
                "get",
                "/api/v0/users/{user_id}/invoices/"
            ),
            "get_api_v0_users_by_user_id_invoices"
        );
        assert_eq!(
            operation_name_from(None, "DELETE", "/a/{id}"),
            "delete_a_by_id"
        );
    }

    #[test]
    fn strips_shared_enum_prefix() {
        let v = |xs: &[&str]| {
            enum_variants(
                &xs.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                "SizeStatus",
            )
        };
        assert_eq!(v(&["STATUS_NEW", "STATUS_RUNNING"]), ["New", "Running"]);
        assert_eq!(
            v(&["invalid_args", "invalid_id"]),
            ["InvalidArgs", "InvalidId"]
        );
        assert_eq!(v(&["asc", "desc"]), ["Asc", "Desc"]);
        assert_eq!(v(&["Bid"]), ["Bid"]);
        assert_eq!(v(&["a-b", "a_b"]), ["AB", "AB2"]);
        assert_eq!(v(&["", "-"]), ["Empty", "Value2"]);
        assert_eq!(v(&["1", "2"]), ["V1", "V2"]);
        assert_eq!(v(&["size_1", "size_2"]), ["Size1", "Size2"]);
    }

    #[test]
    fn collisions_do_not_depend_on_order_of_unrelated_names() {
        let taken = BTreeSet::new();
        let a = resolve_names(
            vec![
                (1, "list".into(), "get_a".into()),
                (2, "list".into(), "get_b".into()),
                (3, "other".into(), "x".into()),
            ],
            &taken,
        );
        assert_eq!(a[&1], "get_a");
        assert_eq!(a[&2], "get_b");
        assert_eq!(a[&3], "other");
    }

    fn shared(names: &[&str]) -> Option<String> {
        shared_suffix(&names.iter().copied().collect())
    }

    #[test]
    fn merged_types_are_named_by_what_their_places_share() {
        assert_eq!(
            shared(&["ExecuteTooManyRequests", "ManageInstanceTooManyRequests"]).as_deref(),
            Some("TooManyRequests")
        );
        assert_eq!(
            shared(&["DeletePetRequest", "DeleteOwnerRequest"]).as_deref(),
            Some("DeleteRequest")
        );
        assert_eq!(
            shared(&["PetStatus", "OwnerStatus"]).as_deref(),
            Some("Status")
        );
        assert_eq!(shared(&["ListPetsResponse", "GetOwnerResponse"]), None);
        assert_eq!(shared(&["PetsItem", "OwnersItem"]), None);
        assert_eq!(shared(&["AId", "BId"]), None);
    }

    fn field(wire: &str) -> ir::Field {
        ir::Field {
            ident: String::new(),
            wire: wire.into(),
            ty: TypeRef::String,
            required: false,
            boxed: false,
            doc: None,
            details: Vec::new(),
            constraints: ir::Constraints::default(),
            holds_checked: false,
        }
    }

    #[test]
    fn exact_property_names_keep_their_identifier() {
        let mut fields: Vec<ir::Field> = [
            "fooBar", "foo_bar", "type", "Type", "self", "self_", "@id", "id", "1st", "",
        ]
        .iter()
        .map(|w| field(w))
        .collect();
        assign_field_idents(&mut fields);
        let idents: Vec<&str> = fields.iter().map(|f| f.ident.as_str()).collect();
        assert_eq!(
            idents,
            [
                "foo_bar2", "foo_bar", "r#type", "type2", "self_2", "self_", "id2", "id", "n1st",
                "field"
            ]
        );
    }
}
