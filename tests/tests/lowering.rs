//! Lowering of every spec of `specs/`, checked against the spec itself.
//!
//! Each check reads a document (`specs/*.yaml|yml|json`, with the fixes of the customisation
//! file beside it applied) and the model lowered from it, and asserts what must hold between the
//! two: every route is one operation, every parameter, status and request body of the document is
//! in the model with its place and shape, every schema the operations use is a named type, every
//! name is a unique identifier, pagination points at real parts, and what the customisation file
//! asks for is what the model has. Nothing here names an operation, a type or a parameter of a
//! vendor: a vendor update needs no edit of this file, and a new spec is covered the day it is
//! vendored. Every spec is lowered twice, with its customisation file and without any, and every
//! check runs on both models, and on the model of the synthetic spec (`sdk_tests::synth`), which
//! holds the combinations of parameters, bodies and responses the vendors' specs may lack. A
//! failing check lists each mismatch and what it counted.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sdk_tests::read_spec as read;
use sdkgen::config::ArrayStyle;
use sdkgen::diag::escape_token;
use sdkgen::ir::{
    Api, Format, ListStyle, Method, Operation, Param, ParamIn, ParamValue, PathPart, StatusMatch,
    TypeDef, TypeRef,
};
use sdkgen::{Config, Diagnostics, RESERVED_TYPE_NAMES};
use serde_json::Value;

/// Rust's keywords, strict and reserved: an identifier that is one must be written raw.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// The methods a path item may hold, as the document spells them.
const METHODS: [(&str, Method); 8] = [
    ("get", Method::Get),
    ("put", Method::Put),
    ("post", Method::Post),
    ("delete", Method::Delete),
    ("options", Method::Options),
    ("head", Method::Head),
    ("patch", Method::Patch),
    ("trace", Method::Trace),
];

/// Headers the client sets itself: no operation takes them as parameters.
const CLIENT_HEADERS: &[&str] = &["authorization", "content-type", "accept"];

// ---------------------------------------------------------------------------------------------
// The specs and their models.

/// Every spec of `specs/`, in name order.
fn spec_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let files =
        sdkgen::specs_in(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    assert!(!files.is_empty(), "no spec in {}", dir.display());
    files
}

/// One spec lowered one way.
struct Case {
    /// `specs/x.yaml with x.toml`, or `specs/x.yaml without customisation`.
    label: String,
    /// The document after the customisation's fixes (the document itself without them).
    doc: Value,
    /// The customisation (the default one without a file).
    config: Config,
    /// The model.
    api: Api,
    /// Index into `api.types` by name.
    types: BTreeMap<String, usize>,
}

impl Case {
    fn new(label: String, doc: Value, config: Config, api: Api) -> Case {
        let types = api
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name().to_string(), i))
            .collect();
        Case {
            label,
            doc,
            config,
            api,
            types,
        }
    }

    /// The named type `name`.
    fn def(&self, name: &str) -> Option<&TypeDef> {
        self.types.get(name).map(|&i| &self.api.types[i])
    }

    /// What `ty` is on the wire: aliases followed, `Nullable` stripped.
    fn resolve<'a>(&'a self, mut ty: &'a TypeRef) -> &'a TypeRef {
        for _ in 0..=self.api.types.len() {
            match ty.non_null() {
                TypeRef::Named(n) => match self.def(n) {
                    Some(TypeDef::Alias(a)) => ty = &a.target,
                    _ => return ty.non_null(),
                },
                t => return t,
            }
        }
        ty.non_null()
    }

    /// The struct `ty` is, aliases followed.
    fn struct_of(&self, ty: &TypeRef) -> Option<&sdkgen::ir::StructDef> {
        match self.resolve(ty) {
            TypeRef::Named(n) => match self.def(n) {
                Some(TypeDef::Struct(s)) => Some(s),
                _ => None,
            },
            _ => None,
        }
    }

    /// The wire values of the enum `ty` is, aliases followed.
    fn enum_values(&self, ty: &TypeRef) -> Option<BTreeSet<String>> {
        match self.resolve(ty) {
            TypeRef::Named(n) => match self.def(n) {
                Some(TypeDef::Enum(e)) => Some(e.variants.iter().map(|(_, w)| w.clone()).collect()),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether `ty` is what a schema of kind `kind` becomes (scalars and enums; `false` for the
    /// other kinds, which the callers check by their structure).
    fn is_kind(&self, ty: &TypeRef, kind: &Kind) -> bool {
        match (kind, self.resolve(ty)) {
            (Kind::String, TypeRef::String)
            | (Kind::Integer, TypeRef::Integer(_))
            | (Kind::Number, TypeRef::Number(_))
            | (Kind::Boolean, TypeRef::Boolean) => true,
            (Kind::Formatted(f), TypeRef::Formatted(g)) => f == g,
            (Kind::Enum(values), _) => self.enum_values(ty).as_ref() == Some(values),
            _ => false,
        }
    }
}

/// The model of the spec at `path`, with the customisation file `config` or without any, and
/// the document as the customisation's fixes leave it; or every diagnostic, one a line.
fn lower(path: &Path, config_path: Option<&Path>) -> Result<(Config, Api, Value), String> {
    let lines = |d: &Diagnostics| {
        d.items()
            .iter()
            .map(|d| format!("  {d}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let config = match config_path {
        Some(c) => {
            let mut diags = Diagnostics::new(c);
            match Config::load(c, &mut diags) {
                Some(config) if !diags.has_errors() => config,
                _ => return Err(lines(&diags)),
            }
        }
        None => Config::default(),
    };
    let mut diags = Diagnostics::new(path);
    match sdkgen::lower_value(read(path), &config, &mut diags) {
        Some((api, doc)) if !diags.has_errors() => Ok((config, api, doc)),
        _ => Err(lines(&diags)),
    }
}

/// Every spec lowered with its customisation file (when it has one) and without any, and the
/// synthetic spec, lowered once for all the tests of this file. Panics, listing the diagnostics,
/// when one does not lower.
fn cases() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        let mut cases = Vec::new();
        let mut failures = Vec::new();
        for spec in spec_files() {
            let name = format!("specs/{}", spec.file_name().unwrap().to_string_lossy());
            let mut ways = vec![None];
            if let Some(config) = sdkgen::config_beside(&spec) {
                ways.insert(0, Some(config));
            }
            for config in ways {
                let label = match &config {
                    Some(c) => format!("{name} with {}", c.file_name().unwrap().to_string_lossy()),
                    None => format!("{name} without customisation"),
                };
                match lower(&spec, config.as_deref()) {
                    Ok((config, api, doc)) => cases.push(Case::new(label, doc, config, api)),
                    Err(diags) => failures.push(format!("{label} does not lower:\n{diags}")),
                }
            }
        }
        let ops = sdk_tests::synth::ALL_COMBINATIONS_AT.max(100);
        let label = format!("the synthetic spec of {ops} operations");
        let mut diags = Diagnostics::new(Path::new("synthetic.json"));
        let config = Config::default();
        match sdkgen::lower_value(sdk_tests::synth::spec(ops, 7), &config, &mut diags) {
            Some((api, doc)) if !diags.has_errors() => {
                cases.push(Case::new(label, doc, config, api))
            }
            _ => failures.push(format!("{label} does not lower:\n{:?}", diags.items())),
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        cases
    })
}

/// What one check counted on one case, and what it found wrong.
#[derive(Default)]
struct Tally {
    counts: BTreeMap<&'static str, usize>,
    failures: Vec<String>,
}

impl Tally {
    fn count(&mut self, what: &'static str) {
        *self.counts.entry(what).or_default() += 1;
    }

    fn expect(&mut self, ok: bool, failure: impl FnOnce() -> String) {
        if !ok {
            self.failures.push(failure());
        }
    }
}

/// Runs `check` on every case and fails, listing every mismatch and what each case counted, when
/// one is found or when a case counted nothing (a check that sees nothing checks nothing).
fn check_every_case(what: &str, check: impl Fn(&Case, &mut Tally)) {
    const SHOWN: usize = 50;
    let mut report = Vec::new();
    let mut failed = false;
    for case in cases() {
        let mut t = Tally::default();
        check(case, &mut t);
        let counts: Vec<String> = t.counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let counted = if counts.is_empty() {
            failed = true;
            "nothing".to_string()
        } else {
            counts.join(", ")
        };
        report.push(format!(
            "{}: checked {counted}; {} mismatch(es)",
            case.label,
            t.failures.len()
        ));
        failed |= !t.failures.is_empty();
        report.extend(t.failures.iter().take(SHOWN).map(|f| format!("  - {f}")));
        if t.failures.len() > SHOWN {
            report.push(format!("  … and {} more", t.failures.len() - SHOWN));
        }
    }
    let report = report.join("\n");
    assert!(!failed, "{what}:\n{report}");
    eprintln!("{what}:\n{report}");
}

// ---------------------------------------------------------------------------------------------
// Reading the document.

/// What the local reference `reference` points to.
fn target<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

/// `value` itself, or what its chain of `$ref`s ends at, with the pointer of where that stands.
fn deref<'a>(doc: &'a Value, value: &'a Value, ptr: String) -> (&'a Value, String) {
    let (mut value, mut ptr) = (value, ptr);
    for _ in 0..16 {
        let Some(next) = value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| target(doc, r).map(|t| (t, r)))
        else {
            break;
        };
        ptr = next.1.to_string();
        value = next.0;
    }
    (value, ptr)
}

/// The members of an object (none for anything else).
fn members(v: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    v.and_then(Value::as_object).into_iter().flatten()
}

/// The elements of an array (none for anything else).
fn elements(v: Option<&Value>) -> impl Iterator<Item = &Value> {
    v.and_then(Value::as_array).into_iter().flatten()
}

/// One operation of the document.
struct DocOp<'a> {
    method: Method,
    path: &'a str,
    /// `#/paths/~1x/get`.
    ptr: String,
    item: &'a Value,
    op: &'a Value,
}

impl DocOp<'_> {
    fn route(&self) -> String {
        format!("{} {}", self.method.as_str(), self.path)
    }
}

/// Every operation of the document, in document order.
fn doc_operations(doc: &Value) -> Vec<DocOp<'_>> {
    let mut out = Vec::new();
    for (path, item) in members(doc.get("paths")) {
        for (key, method) in METHODS {
            if let Some(op) = item.get(key) {
                out.push(DocOp {
                    method,
                    path,
                    ptr: format!("#/paths/{}/{key}", escape_token(path)),
                    item,
                    op,
                });
            }
        }
    }
    out
}

/// Every operation of the document with the model's operation for its route (routes the model
/// lost are left out here: [`every_route_is_exactly_one_operation`] reports them).
fn paired(case: &Case) -> Vec<(DocOp<'_>, &Operation)> {
    doc_operations(&case.doc)
        .into_iter()
        .filter_map(|d| {
            let o = case
                .api
                .operations
                .iter()
                .find(|o| o.method == d.method && o.path == d.path)?;
            Some((d, o))
        })
        .collect()
}

/// One parameter of the document, resolved.
struct DocParam<'a> {
    name: &'a str,
    location: &'a str,
    /// The parameter object.
    value: &'a Value,
    /// Where it stands (the reference's target for a referenced one).
    ptr: String,
}

impl DocParam<'_> {
    fn required(&self) -> bool {
        self.value.get("required").and_then(Value::as_bool) == Some(true)
    }

    /// The prose the parameter and its schema give.
    fn prose(&self) -> String {
        [
            self.value.get("description"),
            self.value.get("schema").and_then(|s| s.get("description")),
        ]
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect::<Vec<_>>()
        .join(" ")
    }
}

/// The parameters of an operation: the path item's, overridden by the operation's own with the
/// same name and location, in document order.
fn doc_params<'a>(doc: &'a Value, d: &DocOp<'a>) -> Vec<DocParam<'a>> {
    let mut out: Vec<DocParam<'a>> = Vec::new();
    let item_ptr = format!("#/paths/{}/parameters", escape_token(d.path));
    let sources = [
        (d.item.get("parameters"), item_ptr),
        (d.op.get("parameters"), format!("{}/parameters", d.ptr)),
    ];
    for (list, ptr) in sources {
        for (i, p) in elements(list).enumerate() {
            let (value, ptr) = deref(doc, p, format!("{ptr}/{i}"));
            let param = DocParam {
                name: value.get("name").and_then(Value::as_str).unwrap_or(""),
                location: value.get("in").and_then(Value::as_str).unwrap_or(""),
                value,
                ptr,
            };
            out.retain(|q| !(q.name == param.name && q.location == param.location));
            out.push(param);
        }
    }
    out
}

/// The model's location for a document one; `None` for those no operation takes (cookies).
fn location(name: &str) -> Option<ParamIn> {
    match name {
        "path" => Some(ParamIn::Path),
        "query" => Some(ParamIn::Query),
        "header" => Some(ParamIn::Header),
        _ => None,
    }
}

fn location_rank(l: ParamIn) -> u8 {
    match l {
        ParamIn::Path => 0,
        ParamIn::Query => 1,
        ParamIn::Header => 2,
    }
}

/// The parameters the model must have for `d`: the document's, minus cookies and the headers the
/// client sets itself, minus path parameters the template does not use; path, then query, then
/// header, each in document order.
fn expected_params<'a>(doc: &'a Value, d: &DocOp<'a>) -> Vec<(ParamIn, DocParam<'a>)> {
    let mut out: Vec<(ParamIn, DocParam<'a>)> = doc_params(doc, d)
        .into_iter()
        .filter_map(|p| Some((location(p.location)?, p)))
        .filter(|(l, p)| {
            !(*l == ParamIn::Header
                && CLIENT_HEADERS.contains(&p.name.to_ascii_lowercase().as_str()))
        })
        .filter(|(l, p)| *l != ParamIn::Path || d.path.contains(&format!("{{{}}}", p.name)))
        .collect();
    out.sort_by_key(|(l, _)| location_rank(*l));
    out
}

/// Whether a media type is JSON, as the generator reads JSON.
fn is_json(content_type: &str) -> bool {
    let ct = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    ct == "application/json"
        || ct.ends_with("+json")
        || ct.ends_with("/json")
        || ct == "*/*"
        || ct == "application/*"
}

/// The JSON media type of a `content` map, if it has one: its name and its object.
fn json_content(content: Option<&Value>) -> Option<(&str, &Value)> {
    members(content)
        .find(|(ct, _)| is_json(ct))
        .map(|(ct, mt)| (ct.as_str(), mt))
}

/// What the document says a response (or request body) carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Carries {
    /// No `content`.
    Nothing,
    /// JSON with a schema.
    Json,
    /// JSON without a schema: any JSON value.
    AnyJson,
    /// No JSON; `text/event-stream`.
    Events,
    /// No JSON; other text (`text/plain`…).
    Text,
    /// Only media types that are neither JSON nor text.
    Bytes,
}

/// A media type without parameters, in lower case.
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn carries(content: Option<&Value>) -> Carries {
    let media: Vec<String> = members(content).map(|(ct, _)| essence(ct)).collect();
    match json_content(content) {
        Some((_, mt)) if mt.get("schema").is_some() => Carries::Json,
        Some(_) => Carries::AnyJson,
        None if media.is_empty() => Carries::Nothing,
        None if media.iter().any(|m| m == "text/event-stream") => Carries::Events,
        None if media.iter().any(|m| m.starts_with("text/")) => Carries::Text,
        None => Carries::Bytes,
    }
}

/// A response key of the document as the model's status pattern.
fn status_of(key: &str) -> Option<StatusMatch> {
    if key == "default" {
        return Some(StatusMatch::Default);
    }
    let b = key.as_bytes();
    if b.len() == 3 && b[0].is_ascii_digit() && b[1..].eq_ignore_ascii_case(b"XX") {
        return Some(StatusMatch::Range(u16::from(b[0] - b'0')));
    }
    key.parse().ok().map(StatusMatch::Code)
}

fn is_success(s: StatusMatch) -> bool {
    matches!(s, StatusMatch::Code(200..=299) | StatusMatch::Range(2))
}

/// Informational and redirect statuses, which the HTTP client handles itself.
fn is_left_to_http(s: StatusMatch) -> bool {
    matches!(
        s,
        StatusMatch::Code(100..=199 | 300..=399) | StatusMatch::Range(1 | 3)
    )
}

/// What a schema of the document is, as far as the checks need to know.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    String,
    /// A string of a format the runtime has a type for.
    Formatted(Format),
    Integer,
    Number,
    Boolean,
    /// A string enum of these values.
    Enum(BTreeSet<String>),
    /// An array of items of this kind.
    Array(Box<Kind>),
    /// An object: properties, or a map.
    Object,
    /// Alternatives (`anyOf`, `oneOf`, several `type`s), `null` left out.
    Union(Vec<Kind>),
    /// No type: any JSON value.
    Any,
    /// What these checks do not classify (`allOf` of several parts, `not`, `const`, mixtures).
    Other,
}

impl Kind {
    /// Whether a value of this kind is plain text on the wire (no object or array inside).
    fn is_scalar(&self) -> bool {
        match self {
            Kind::String
            | Kind::Formatted(_)
            | Kind::Integer
            | Kind::Number
            | Kind::Boolean
            | Kind::Enum(_) => true,
            Kind::Any => true,
            Kind::Union(ks) => ks.iter().all(Kind::is_scalar),
            _ => false,
        }
    }
}

fn is_null_schema(v: &Value) -> bool {
    v.get("type").and_then(Value::as_str) == Some("null")
        || v.get("const").is_some_and(Value::is_null)
        || v.get("enum")
            .and_then(Value::as_array)
            .is_some_and(|e| e.len() == 1 && e[0].is_null())
}

/// Whether the schema itself allows `null` (references not followed).
fn is_nullable(s: &Value) -> bool {
    s.get("nullable").and_then(Value::as_bool) == Some(true)
        || is_null_schema(s)
        || elements(s.get("type")).any(|t| t.as_str() == Some("null"))
        || elements(s.get("enum")).any(Value::is_null)
        || ["anyOf", "oneOf"]
            .iter()
            .any(|k| elements(s.get(*k)).any(is_null_schema))
}

/// The alternatives of `anyOf`/`oneOf` other than `null`, with their pointers' last two tokens.
fn alternatives(s: &Value) -> Option<Vec<(String, &Value)>> {
    ["anyOf", "oneOf"].iter().find_map(|k| {
        let list = s.get(*k)?.as_array()?;
        Some(
            list.iter()
                .enumerate()
                .filter(|(_, v)| !is_null_schema(v))
                .map(|(i, v)| (format!("{k}/{i}"), v))
                .collect(),
        )
    })
}

/// The part of an `allOf` of one part with nothing beside it but annotations.
fn lone_part(s: &Value) -> Option<&Value> {
    let parts = s.get("allOf")?.as_array()?;
    let extra = ["properties", "required", "additionalProperties"]
        .iter()
        .any(|k| s.get(*k).is_some());
    (parts.len() == 1 && !extra).then(|| &parts[0])
}

/// The string values of an `enum` (`null` left out), if they are all strings.
fn string_enum(s: &Value) -> Option<BTreeSet<String>> {
    let values: Vec<&Value> = elements(s.get("enum")).filter(|v| !v.is_null()).collect();
    (!values.is_empty() && values.iter().all(|v| v.is_string())).then(|| {
        values
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect()
    })
}

/// The kind of a schema, references followed.
fn kind(doc: &Value, s: &Value) -> Kind {
    kind_at(doc, s, 0)
}

fn kind_at(doc: &Value, s: &Value, depth: usize) -> Kind {
    if depth > 32 {
        return Kind::Other;
    }
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        return target(doc, r).map_or(Kind::Other, |t| kind_at(doc, t, depth + 1));
    }
    if let Some(part) = lone_part(s) {
        return kind_at(doc, part, depth + 1);
    }
    if ["allOf", "not", "const"]
        .iter()
        .any(|k| s.get(*k).is_some())
    {
        return Kind::Other;
    }
    if let Some(alts) = alternatives(s) {
        if s.get("type").is_some() || s.get("properties").is_some() {
            return Kind::Other;
        }
        let mut kinds: Vec<Kind> = alts
            .iter()
            .map(|(_, a)| kind_at(doc, a, depth + 1))
            .collect();
        return match kinds.len() {
            0 => Kind::Other,
            1 => kinds.remove(0),
            _ => Kind::Union(kinds),
        };
    }
    let types: Vec<&str> = match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect(),
        _ => Vec::new(),
    };
    let items = || {
        Box::new(
            s.get("items")
                .map_or(Kind::Any, |i| kind_at(doc, i, depth + 1)),
        )
    };
    match types.as_slice() {
        [] if s.get("properties").is_some() || s.get("additionalProperties").is_some() => {
            Kind::Object
        }
        [] if s.get("items").is_some() => Kind::Array(items()),
        [] => match string_enum(s) {
            Some(values) => Kind::Enum(values),
            None if s.get("enum").is_some() => Kind::Other,
            None => Kind::Any,
        },
        ["string"] => match string_enum(s) {
            Some(values) => Kind::Enum(values),
            // The formats the runtime has a type for; the fixes have mapped other spellings.
            None => match s.get("format").and_then(Value::as_str) {
                Some("date-time") => Kind::Formatted(Format::DateTime),
                Some("date") => Kind::Formatted(Format::Date),
                Some("duration") => Kind::Formatted(Format::Duration),
                _ => Kind::String,
            },
        },
        ["integer"] => Kind::Integer,
        ["number"] => Kind::Number,
        ["boolean"] => Kind::Boolean,
        ["array"] => Kind::Array(items()),
        ["object"] => Kind::Object,
        [_] => Kind::Other,
        several => Kind::Union(
            several
                .iter()
                .map(|t| kind_at(doc, &serde_json::json!({ "type": t }), depth + 1))
                .collect(),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Identifiers.

/// Why `name` is no valid Rust identifier, if it is not (a keyword must be raw, and only a
/// keyword).
fn ident_problem(name: &str) -> Option<&'static str> {
    let bare = name.strip_prefix("r#").unwrap_or(name);
    if !(bare.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && bare != "_")
    {
        return Some("is not an identifier");
    }
    if name.starts_with("r#") && ["self", "Self", "crate", "super"].contains(&bare) {
        return Some("cannot be a raw identifier");
    }
    if name.starts_with("r#") != KEYWORDS.contains(&bare) {
        return Some(if name.starts_with("r#") {
            "is raw without need"
        } else {
            "is a keyword"
        });
    }
    None
}

/// Whether rustc's `non_snake_case` lint accepts the name.
fn is_snake(name: &str) -> bool {
    let bare = name.strip_prefix("r#").unwrap_or(name);
    !bare.chars().any(|c| c.is_ascii_uppercase())
}

/// Whether rustc's `non_camel_case_types` lint accepts the name: a capital first, no `__`, and
/// no `_` beside a letter (`V1_34` is fine).
fn is_pascal(name: &str) -> bool {
    let chars: Vec<char> = name.chars().collect();
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && !name.contains("__")
        && !chars
            .windows(2)
            .any(|w| (w[0] == '_' && w[1].is_alphabetic()) || (w[1] == '_' && w[0].is_alphabetic()))
}

/// Checks that every name of `names` is an identifier of the given case and appears once.
fn check_names<'a>(
    t: &mut Tally,
    what: &'static str,
    scope: &str,
    names: impl IntoIterator<Item = &'a str>,
    case_ok: fn(&str) -> bool,
) {
    let mut seen = BTreeSet::new();
    for name in names {
        t.count(what);
        if let Some(problem) = ident_problem(name) {
            t.expect(false, || format!("{scope}: {what} {name:?} {problem}"));
        }
        t.expect(case_ok(name), || {
            format!("{scope}: {what} {name:?} is not in the case of its kind")
        });
        t.expect(seen.insert(name), || {
            format!("{scope}: {what} {name:?} twice")
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Operations and parameters.

#[test]
fn every_spec_lowers_with_and_without_its_customisation() {
    let specs = spec_files();
    // Each spec with and without its customisation, and the synthetic spec.
    let expected: usize = 1 + specs
        .iter()
        .map(|s| 1 + usize::from(sdkgen::config_beside(s).is_some()))
        .sum::<usize>();
    let labels: Vec<&str> = cases().iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels.len(), expected, "lowered: {labels:?}");
    check_every_case("every spec lowers", |case, t| {
        t.count("operations");
        t.expect(!case.api.operations.is_empty(), || "no operation".into());
    });
}

#[test]
fn every_route_is_exactly_one_operation() {
    check_every_case("the operations are the document's routes", |case, t| {
        let doc_ops = doc_operations(&case.doc);
        let mut model: BTreeMap<(Method, &str), usize> = BTreeMap::new();
        for o in &case.api.operations {
            t.count("operations");
            *model.entry((o.method, o.path.as_str())).or_default() += 1;
        }
        for d in &doc_ops {
            t.count("routes of the document");
            match model.get(&(d.method, d.path)).copied().unwrap_or(0) {
                1 => {}
                0 => t.expect(false, || {
                    format!("{} is no operation of the model", d.route())
                }),
                n => t.expect(false, || format!("{} is {n} operations", d.route())),
            }
        }
        for &(method, path) in model.keys() {
            t.expect(
                doc_ops.iter().any(|d| d.method == method && d.path == path),
                || {
                    format!(
                        "{} {path} is an operation the document does not have",
                        method.as_str()
                    )
                },
            );
        }
        for (d, o) in paired(case) {
            let route = d.route();
            // The template, rebuilt from its parts, is the path; each part names a path parameter.
            let mut rebuilt = String::new();
            let mut used = BTreeSet::new();
            for part in &o.path_parts {
                match part {
                    PathPart::Literal(l) => rebuilt.push_str(l),
                    PathPart::Param(i) => match o.params.get(*i) {
                        Some(p) if p.location == ParamIn::Path => {
                            rebuilt.push_str(&format!("{{{}}}", p.wire));
                            used.insert(*i);
                        }
                        _ => t.expect(false, || {
                            format!("{route}: path part {i} is no path parameter")
                        }),
                    },
                }
            }
            t.expect(rebuilt == o.path, || {
                format!("{route}: the path parts make {rebuilt:?}")
            });
            for (i, p) in o.params.iter().enumerate() {
                t.expect(p.location != ParamIn::Path || used.contains(&i), || {
                    format!(
                        "{route}: path parameter {:?} is in no part of the path",
                        p.wire
                    )
                });
            }
            // What the operation object says of itself.
            let text = |k: &str| {
                d.op.get(k)
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
            };
            t.expect(o.summary.as_deref() == text("summary"), || {
                format!(
                    "{route}: summary {:?}, the document {:?}",
                    o.summary,
                    text("summary")
                )
            });
            t.expect(o.description.as_deref() == text("description"), || {
                format!("{route}: description differs from the document's")
            });
            let deprecated = d.op.get("deprecated").and_then(Value::as_bool) == Some(true);
            t.expect(o.deprecated == deprecated, || {
                format!(
                    "{route}: deprecated is {}, the document says {deprecated}",
                    o.deprecated
                )
            });
            let servers = [d.op.get("servers"), d.item.get("servers")];
            let server = servers
                .into_iter()
                .find_map(|s| elements(s).next())
                .map(|s| {
                    let mut url = s
                        .get("url")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    for (k, v) in members(s.get("variables")) {
                        let default = v.get("default").and_then(Value::as_str).unwrap_or("");
                        url = url.replace(&format!("{{{k}}}"), default);
                    }
                    url.trim_end_matches('/').to_string()
                });
            t.expect(o.server == server, || {
                format!("{route}: server {:?}, the document {server:?}", o.server)
            });
            let security = d.op.get("security").or(case.doc.get("security"));
            let auth = elements(security).any(|r| members(Some(r)).next().is_some());
            t.expect(o.auth == auth, || {
                format!(
                    "{route}: auth is {}, the document's security says {auth}",
                    o.auth
                )
            });
        }
    });
}

#[test]
fn parameters_are_the_documents() {
    check_every_case("the parameters are the document's", |case, t| {
        for (d, o) in paired(case) {
            t.count("operations");
            let route = d.route();
            let expected = expected_params(&case.doc, &d);
            let want: Vec<(u8, &str)> = expected
                .iter()
                .map(|(l, p)| (location_rank(*l), p.name))
                .collect();
            let got: Vec<(u8, &str)> = o
                .params
                .iter()
                .map(|p| (location_rank(p.location), p.wire.as_str()))
                .collect();
            t.expect(want == got, || {
                format!(
                    "{route}: parameters (0 path, 1 query, 2 header) {got:?}, document {want:?}"
                )
            });
            for (l, dp) in &expected {
                t.count("parameters");
                let Some(p) = o
                    .params
                    .iter()
                    .find(|p| p.location == *l && p.wire == dp.name)
                else {
                    continue;
                };
                let required = dp.required() || *l == ParamIn::Path;
                t.expect(p.required == required, || {
                    format!(
                        "{route}: {:?} ({}) is required: {}, the document: {required}",
                        p.wire, dp.ptr, p.required
                    )
                });
                if *l == ParamIn::Path {
                    t.count("path parameters (always required)");
                }
            }
            for dp in doc_params(&case.doc, &d) {
                let client_header = dp.location == "header"
                    && CLIENT_HEADERS.contains(&dp.name.to_ascii_lowercase().as_str());
                if dp.location == "cookie" || client_header {
                    t.count("cookies and client-set headers left out");
                }
            }
        }
    });
}

/// The list style the document (and the customisation's `[query]`) gives an array parameter:
/// `None` when either of two is right (no `explode` stated: repeated, or comma-joined when the
/// prose says comma-separated).
fn expected_list_style(case: &Case, d: &DocOp, l: ParamIn, dp: &DocParam) -> Option<ListStyle> {
    if l != ParamIn::Query {
        return Some(ListStyle::Joined(","));
    }
    let key = format!("{} {}", d.route(), dp.name);
    let configured = case
        .config
        .query
        .params
        .get(&key)
        .copied()
        .or(case.config.query.array_style);
    if let Some(c) = configured {
        return Some(match c {
            ArrayStyle::Form => ListStyle::Repeated,
            ArrayStyle::Comma => ListStyle::Joined(","),
            ArrayStyle::Pipe => ListStyle::Joined("|"),
            ArrayStyle::Space => ListStyle::Joined(" "),
        });
    }
    match (
        dp.value.get("style").and_then(Value::as_str),
        dp.value.get("explode").and_then(Value::as_bool),
    ) {
        (Some("spaceDelimited"), _) => Some(ListStyle::Joined(" ")),
        (Some("pipeDelimited"), _) => Some(ListStyle::Joined("|")),
        (_, Some(false)) => Some(ListStyle::Joined(",")),
        (_, Some(true)) => Some(ListStyle::Repeated),
        (_, None) => None,
    }
}

#[test]
fn parameter_values_follow_their_schemas() {
    check_every_case("the parameters' values follow their schemas", |case, t| {
        for (d, o) in paired(case) {
            let route = d.route();
            for (l, dp) in expected_params(&case.doc, &d) {
                let Some(p) = o
                    .params
                    .iter()
                    .find(|p| p.location == l && p.wire == dp.name)
                else {
                    continue;
                };
                t.count("parameters");
                let at = format!("{route}: {:?} ({})", p.wire, dp.ptr);
                t.expect(!p.value.ty().is_nullable(), || {
                    format!("{at} is Nullable: {:?}", p.value)
                });
                if dp.value.get("content").is_some() {
                    t.count("content parameters (JSON)");
                    t.expect(matches!(p.value, ParamValue::Json(_)), || {
                        format!("{at} has `content` but is {:?}", p.value)
                    });
                    continue;
                }
                let k = dp
                    .value
                    .get("schema")
                    .map_or(Kind::Any, |s| kind(&case.doc, s));
                let style = expected_list_style(case, &d, l, &dp);
                check_param_value(case, t, &at, p, &k, style);
                if l == ParamIn::Query && matches!(&k, Kind::Array(i) if i.is_scalar()) {
                    t.count("query array parameters (lists)");
                }
                // Joined by commas though nothing states it: only where the prose says so.
                if let (
                    None,
                    ParamValue::List {
                        style: ListStyle::Joined(","),
                        ..
                    },
                ) = (style, &p.value)
                {
                    t.expect(dp.prose().to_ascii_lowercase().contains("comma"), || {
                        format!(
                            "{at} is joined by commas, which neither the document nor [query] says"
                        )
                    });
                }
            }
        }
    });
}

/// Checks what a parameter given by a schema of kind `k` is: one value, a list or JSON.
fn check_param_value(
    case: &Case,
    t: &mut Tally,
    at: &str,
    p: &Param,
    k: &Kind,
    style: Option<ListStyle>,
) {
    match k {
        Kind::Array(item) if item.is_scalar() => match &p.value {
            ParamValue::List {
                item: ty,
                style: got,
            } => {
                t.expect(scalar_fits(case, ty, item), || {
                    format!("{at}: items of kind {item:?} are {ty:?}")
                });
                if let Some(want) = style {
                    t.expect(*got == want, || {
                        format!("{at} is written {got}, the document says {want}")
                    });
                }
            }
            v => t.expect(false, || format!("{at} is an array of {item:?} but {v:?}")),
        },
        Kind::Array(_) | Kind::Object => {
            t.count("object parameters (JSON)");
            t.expect(matches!(p.value, ParamValue::Json(_)), || {
                format!("{at} holds objects but is {:?}", p.value)
            });
        }
        Kind::Union(_) if !k.is_scalar() => t
            .expect(matches!(p.value, ParamValue::Json(_)), || {
                format!("{at} is a union with objects but {:?}", p.value)
            }),
        Kind::Other => t.count("parameters of schemas these checks do not classify"),
        _ => match &p.value {
            ParamValue::Scalar(ty) => t.expect(scalar_fits(case, ty, k), || {
                format!("{at}: a value of kind {k:?} is {ty:?}")
            }),
            v => t.expect(false, || {
                format!("{at} is one value of kind {k:?} but {v:?}")
            }),
        },
    }
}

/// Whether `ty` is what a parameter value of the scalar kind `k` becomes: text for any value and
/// for a union of plain values (or one of its alternatives, when they come out the same).
fn scalar_fits(case: &Case, ty: &TypeRef, k: &Kind) -> bool {
    match k {
        Kind::Any => case.resolve(ty) == &TypeRef::String,
        Kind::Union(ks) => {
            case.resolve(ty) == &TypeRef::String || ks.iter().any(|k| case.is_kind(ty, k))
        }
        k => case.is_kind(ty, k),
    }
}

// ---------------------------------------------------------------------------------------------
// Responses and request bodies.

#[test]
fn every_documented_status_is_an_outcome() {
    check_every_case(
        "every documented status is a success or an error",
        |case, t| {
            for (d, o) in paired(case) {
                t.count("operations");
                let route = d.route();
                let mut successes: Vec<(StatusMatch, Carries)> = Vec::new();
                let mut errors: Vec<(StatusMatch, Carries, String)> = Vec::new();
                for (key, r) in members(d.op.get("responses")) {
                    t.count("documented statuses");
                    let ptr = format!("{}/responses/{}", d.ptr, escape_token(key));
                    let Some(status) = status_of(key) else {
                        t.expect(false, || format!("{ptr}: {key:?} is no status"));
                        continue;
                    };
                    let (r, ptr) = deref(&case.doc, r, ptr);
                    let c = carries(r.get("content"));
                    if is_left_to_http(status) {
                        t.count("1xx/3xx statuses (left to the HTTP client)");
                    } else if is_success(status) {
                        successes.push((status, c));
                    } else {
                        errors.push((status, c, ptr));
                    }
                }
                // Without a documented success, `default` describes the successes too; without
                // either, any 2xx is one, without a body.
                if successes.is_empty() {
                    let default = errors.iter().find(|e| e.0 == StatusMatch::Default);
                    successes.push((
                        StatusMatch::Range(2),
                        default.map_or(Carries::Nothing, |e| e.1),
                    ));
                }
                let mut want: Vec<StatusMatch> = successes.iter().map(|s| s.0).collect();
                let mut got: Vec<StatusMatch> = o.successes.iter().map(|s| s.status).collect();
                want.sort();
                got.sort();
                t.expect(want == got, || {
                    format!("{route}: successes {got:?}, the document {want:?}")
                });
                let mut want: Vec<StatusMatch> = errors.iter().map(|e| e.0).collect();
                let mut got: Vec<StatusMatch> = o.errors.iter().map(|e| e.status).collect();
                want.sort();
                got.sort();
                t.expect(want == got, || {
                    format!("{route}: errors {got:?}, the document {want:?}")
                });

                for (status, c, ptr) in &errors {
                    t.count("error outcomes");
                    let Some(e) = o.errors.iter().find(|e| e.status == *status) else {
                        continue;
                    };
                    let ok = match c {
                        Carries::Json => {
                            e.is_json() && !matches!(e.ty, TypeRef::Unit | TypeRef::Bytes)
                        }
                        Carries::AnyJson => e.is_json() && e.ty == TypeRef::Json,
                        Carries::Bytes => !e.is_json() && e.ty == TypeRef::Bytes,
                        // An error body is never a stream: event streams read as text.
                        Carries::Text | Carries::Events => !e.is_json() && e.ty == TypeRef::String,
                        Carries::Nothing => !e.is_json() && e.ty == TypeRef::Unit,
                    };
                    if *c == Carries::Json {
                        t.count("error outcomes with a JSON schema (typed)");
                    }
                    t.expect(ok, || {
                        format!(
                            "{ptr}: {c:?}, but the variant {} holds {:?} (json: {})",
                            e.variant,
                            e.ty,
                            e.is_json()
                        )
                    });
                    t.expect(!e.variant.is_empty(), || {
                        format!("{ptr}: an error without a variant")
                    });
                }
                for (status, c) in &successes {
                    t.count("success outcomes");
                    let Some(s) = o.successes.iter().find(|s| s.status == *status) else {
                        continue;
                    };
                    t.expect((s.ty == TypeRef::Unit) == (*c == Carries::Nothing), || {
                        format!("{route} {status:?}: {c:?}, but decoded as {:?}", s.ty)
                    });
                }
                let with_body = successes.iter().any(|s| s.1 != Carries::Nothing);
                let without = successes.iter().any(|s| s.1 == Carries::Nothing);
                t.expect((o.success.body != TypeRef::Unit) == with_body, || {
                    format!(
                        "{route}: returns {:?}, and a documented success has a body: {with_body}",
                        o.success.body
                    )
                });
                t.expect(
                    o.success.body_may_be_absent == (with_body && without),
                    || {
                        let absent = o.success.body_may_be_absent;
                        format!(
                            "{route}: body_may_be_absent is {absent}, the successes: {successes:?}"
                        )
                    },
                );
            }
        },
    );
}

#[test]
fn request_bodies_are_the_documents() {
    check_every_case("the request bodies are the document's", |case, t| {
        for (d, o) in paired(case) {
            t.count("operations");
            let route = d.route();
            let Some(rb) = d.op.get("requestBody") else {
                t.expect(o.body.is_none(), || {
                    format!("{route} has a body the document does not")
                });
                continue;
            };
            let (rb, ptr) = deref(&case.doc, rb, format!("{}/requestBody", d.ptr));
            let required = rb.get("required").and_then(Value::as_bool) == Some(true);
            match (carries(rb.get("content")), &o.body) {
                (Carries::Json | Carries::AnyJson, None) => t.expect(false, || {
                    format!("{ptr}: a JSON body the operation does not take")
                }),
                (Carries::Json, Some(b)) => {
                    t.count("JSON request bodies");
                    t.expect(!matches!(b.ty, TypeRef::Unit | TypeRef::Bytes), || {
                        format!("{ptr}: a JSON body of type {:?}", b.ty)
                    });
                    t.expect(b.required == required, || {
                        format!(
                            "{ptr}: required is {}, the document says {required}",
                            b.required
                        )
                    });
                }
                (Carries::AnyJson, Some(b)) => {
                    t.count("JSON request bodies");
                    t.expect(b.ty == TypeRef::Json && b.required == required, || {
                        format!(
                            "{ptr}: a JSON body without schema is {:?} (required {})",
                            b.ty, b.required
                        )
                    });
                }
                (Carries::Nothing, Some(b)) => t.expect(false, || {
                    format!("{ptr}: no content, but a body of type {:?}", b.ty)
                }),
                (Carries::Nothing, None) => {}
                (_, None) => t.expect(false, || {
                    format!(
                        "{ptr}: a body of media types {:?} the operation does not take",
                        rb.get("content")
                            .map(|c| c.as_object().map(|o| o.keys().collect::<Vec<_>>()))
                    )
                }),
                (_, Some(b)) => {
                    // Sent as the first media type of a kind the client sends: multipart,
                    // form, text, else bytes.
                    t.count("request bodies that are not JSON");
                    let first = members(rb.get("content"))
                        .map(|(ct, _)| essence(ct))
                        .next()
                        .unwrap_or_default();
                    let want = if first.starts_with("multipart/") {
                        "Multipart"
                    } else if first == "application/x-www-form-urlencoded" {
                        "Form"
                    } else if first.starts_with("text/") {
                        "Text"
                    } else {
                        "Bytes"
                    };
                    t.expect(b.media.choice() == want && b.required == required, || {
                        format!(
                            "{ptr}: {first} sent as {} (required {}), not as {want}",
                            b.media.choice(),
                            b.required
                        )
                    });
                }
            }
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Schemas and types.

/// What a walk of the schemas the operations use found: the model type at each place of the
/// document, pairing every schema with what it was lowered into.
#[derive(Default)]
struct Walk {
    /// Pointer of a place → the model type there.
    sites: BTreeMap<String, TypeRef>,
    /// `$ref` target → the model types it came out as (`null` left out): one each.
    refs: BTreeMap<String, BTreeSet<TypeRef>>,
    /// Components walked into.
    components: BTreeSet<String>,
    /// Inline string enums by their values → the model types they came out as, and a place.
    enums: BTreeMap<BTreeSet<String>, (BTreeSet<TypeRef>, String)>,
    /// Inline objects by their JSON text → the model types they came out as, and a place.
    objects: BTreeMap<String, (BTreeSet<TypeRef>, String)>,
}

/// How a place is walked.
#[derive(Clone, Copy)]
struct Mode {
    /// A parameter's schema: a parameter's value may be text where the schema is a union or any
    /// value, so references that did not come out as a named type are not recorded.
    param: bool,
    /// A component's own schema (or what stands for it: the lone part of an `allOf`, the lone
    /// alternative beside `null`), which is not inline.
    root: bool,
    /// How many schemas deep the place is (a guard against endless references).
    depth: usize,
}

/// An inline schema at the top of a walk.
const INLINE: Mode = Mode {
    param: false,
    root: false,
    depth: 0,
};

impl Mode {
    /// A schema inside this one that stands for the same value.
    fn deeper(self) -> Mode {
        Mode {
            depth: self.depth + 1,
            ..self
        }
    }

    /// An inline schema inside this one (a property, a map's values).
    fn inline(self) -> Mode {
        Mode {
            depth: self.depth + 1,
            ..INLINE
        }
    }
}

impl Walk {
    /// Walks the schema `s` at `ptr`, lowered into `ty`.
    fn walk(
        &mut self,
        case: &Case,
        t: &mut Tally,
        ptr: String,
        s: &Value,
        ty: &TypeRef,
        mode: Mode,
    ) {
        if mode.depth > 64 {
            return;
        }
        self.sites.entry(ptr.clone()).or_insert_with(|| ty.clone());
        let doc = &case.doc;
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            let model = ty.non_null().clone();
            if mode.param && model.name().is_none() {
                return;
            }
            t.count("references");
            self.refs
                .entry(r.to_string())
                .or_default()
                .insert(model.clone());
            let component = r
                .strip_prefix("#/components/schemas/")
                .is_some_and(|n| !n.contains('/'));
            if component && model.name().is_some() && self.components.insert(r.to_string()) {
                if let Some(schema) = target(doc, r) {
                    let root = Mode {
                        param: false,
                        root: true,
                        depth: mode.depth + 1,
                    };
                    self.walk(case, t, r.to_string(), schema, &model, root);
                }
            }
            return;
        }
        let resolved = case.resolve(ty).clone();
        if let Some(part) = lone_part(s) {
            self.walk(
                case,
                t,
                format!("{ptr}/allOf/0"),
                part,
                &resolved,
                mode.deeper(),
            );
            return;
        }
        if let Some(alts) = alternatives(s) {
            if let [(at, alt)] = alts.as_slice() {
                self.walk(case, t, format!("{ptr}/{at}"), alt, ty, mode.deeper());
            } else {
                t.count("unions (alternatives not followed)");
            }
            return;
        }
        let k = kind(doc, s);
        if let Some(props) = s.get("properties").and_then(Value::as_object) {
            if s.get("allOf").is_some() {
                return;
            }
            if !mode.root {
                let key = s.to_string();
                let entry = self
                    .objects
                    .entry(key)
                    .or_insert_with(|| (BTreeSet::new(), ptr.clone()));
                entry.0.insert(resolved.clone());
            }
            if props.is_empty() {
                return;
            }
            let Some(st) = case.struct_of(&resolved) else {
                t.expect(false, || {
                    format!("{ptr}: an object with properties lowered as {resolved:?}")
                });
                return;
            };
            t.count("objects (struct fields checked)");
            let keys: Vec<&str> = props.keys().map(String::as_str).collect();
            let wires: Vec<&str> = st.fields.iter().map(|f| f.wire.as_str()).collect();
            t.expect(keys == wires, || {
                format!(
                    "{ptr}: properties {keys:?} are the fields {wires:?} of {}",
                    st.name
                )
            });
            let required: BTreeSet<&str> = elements(s.get("required"))
                .filter_map(Value::as_str)
                .collect();
            let fields: Vec<(String, Value, TypeRef)> = props
                .iter()
                .filter_map(|(name, prop)| {
                    let f = st.fields.iter().find(|f| f.wire == *name)?;
                    t.count("properties");
                    t.expect(f.required == required.contains(name.as_str()), || {
                        format!(
                            "{ptr}: property {name:?} required is {}, the field's {}",
                            required.contains(name.as_str()),
                            f.required
                        )
                    });
                    if is_nullable(prop) {
                        t.count("nullable properties");
                        t.expect(f.ty.is_nullable() || f.ty == TypeRef::Json, || {
                            format!(
                                "{ptr}: property {name:?} may be null, the field is {:?}",
                                f.ty
                            )
                        });
                    }
                    Some((name.clone(), prop.clone(), f.ty.clone()))
                })
                .collect();
            let additional = st.additional.clone();
            for (name, prop, fty) in fields {
                let at = format!("{ptr}/properties/{}", escape_token(&name));
                self.walk(case, t, at, &prop, &fty, mode.inline());
            }
            if let (Some(ap), Some(aty)) = (
                s.get("additionalProperties").filter(|a| a.is_object()),
                additional,
            ) {
                self.walk(
                    case,
                    t,
                    format!("{ptr}/additionalProperties"),
                    ap,
                    &aty,
                    mode.inline(),
                );
            }
            return;
        }
        match &k {
            Kind::Object => {
                if let (Some(ap), TypeRef::Map(v)) = (
                    s.get("additionalProperties").filter(|a| a.is_object()),
                    &resolved,
                ) {
                    self.walk(
                        case,
                        t,
                        format!("{ptr}/additionalProperties"),
                        ap,
                        v,
                        mode.inline(),
                    );
                }
            }
            Kind::Array(_) => match (&resolved, s.get("items")) {
                (TypeRef::Array(item), Some(items)) => self.walk(
                    case,
                    t,
                    format!("{ptr}/items"),
                    items,
                    item,
                    Mode {
                        root: false,
                        ..mode.deeper()
                    },
                ),
                (TypeRef::Array(_), None) => {}
                (TypeRef::Json, _) if mode.param => {}
                _ => t.expect(false, || format!("{ptr}: an array lowered as {resolved:?}")),
            },
            Kind::Enum(values) => {
                t.count("string enums");
                t.expect(case.enum_values(&resolved).as_ref() == Some(values), || {
                    format!("{ptr}: the enum {values:?} lowered as {resolved:?}")
                });
                if !mode.root {
                    let entry = self
                        .enums
                        .entry(values.clone())
                        .or_insert_with(|| (BTreeSet::new(), ptr.clone()));
                    entry.0.insert(resolved);
                }
            }
            Kind::String | Kind::Formatted(_) | Kind::Integer | Kind::Number | Kind::Boolean
                if !mode.param =>
            {
                t.count("scalars");
                t.expect(case.is_kind(&resolved, &k), || {
                    format!("{ptr}: {k:?} lowered as {resolved:?}")
                });
            }
            _ => {}
        }
    }
}

/// Walks every schema the operations of `case` use (parameters, request bodies, error bodies and
/// success bodies when the successes share one schema), and the components they reach.
fn walk(case: &Case, t: &mut Tally) -> Walk {
    let mut w = Walk::default();
    let doc = &case.doc;
    for (d, o) in paired(case) {
        for (l, dp) in expected_params(doc, &d) {
            let Some(p) = o
                .params
                .iter()
                .find(|p| p.location == l && p.wire == dp.name)
            else {
                continue;
            };
            let ty = match &p.value {
                ParamValue::List { item, .. } => TypeRef::Array(Box::new(item.clone())),
                v => v.ty().clone(),
            };
            let param = Mode {
                param: true,
                ..INLINE
            };
            if let Some(s) = dp.value.get("schema") {
                w.walk(case, t, format!("{}/schema", dp.ptr), s, &ty, param);
            } else if let Some((ct, mt)) = json_content(dp.value.get("content")) {
                if let Some(s) = mt.get("schema") {
                    let ptr = format!("{}/content/{}/schema", dp.ptr, escape_token(ct));
                    w.walk(case, t, ptr, s, &ty, param);
                }
            }
        }
        if let (Some(rb), Some(body)) = (d.op.get("requestBody"), &o.body) {
            let (rb, ptr) = deref(doc, rb, format!("{}/requestBody", d.ptr));
            if let Some((ct, mt)) = json_content(rb.get("content")) {
                if let Some(s) = mt.get("schema") {
                    let ptr = format!("{ptr}/content/{}/schema", escape_token(ct));
                    w.walk(case, t, ptr, s, &body.ty, INLINE);
                }
            }
        }
        let mut success_schemas: Vec<(String, &Value)> = Vec::new();
        for (key, r) in members(d.op.get("responses")) {
            let Some(status) = status_of(key) else {
                continue;
            };
            let ptr = format!("{}/responses/{}", d.ptr, escape_token(key));
            let (r, ptr) = deref(doc, r, ptr);
            let Some((ct, mt)) = json_content(r.get("content")) else {
                continue;
            };
            let Some(s) = mt.get("schema") else { continue };
            let ptr = format!("{ptr}/content/{}/schema", escape_token(ct));
            if is_success(status) {
                success_schemas.push((ptr, s));
            } else if let Some(e) = o.errors.iter().find(|e| e.status == status) {
                w.walk(case, t, ptr, s, &e.ty, INLINE);
            }
        }
        // Successes of different schemas decode as one type (JSON, or a merged one).
        if success_schemas.windows(2).all(|p| p[0].1 == p[1].1) {
            for (ptr, s) in success_schemas {
                w.walk(case, t, ptr, s, &o.success.body, INLINE);
            }
        }
    }
    w
}

/// Letters and digits of a name, lower-cased: how a component's name shows in its type's name.
fn squash(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[test]
fn schemas_become_named_types() {
    check_every_case("the schemas are named types", |case, t| {
        let w = walk(case, t);
        // One schema, one type: a reference comes out as the same named type everywhere.
        let mut owners: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (r, types) in &w.refs {
            t.count("schemas referenced");
            let names: Vec<&str> = types
                .iter()
                .filter_map(|ty| ty.name().map(String::as_str))
                .collect();
            t.expect(types.len() == 1 && names.len() == 1, || {
                format!("{r} comes out as {types:?}, not one named type")
            });
            for n in &names {
                t.expect(case.def(n).is_some(), || {
                    format!("{r} comes out as {n}, which is no type of the model")
                });
            }
            let component = r
                .strip_prefix("#/components/schemas/")
                .is_some_and(|n| !n.contains('/'));
            if let (true, [n]) = (component, names.as_slice()) {
                owners.entry(n).or_default().push(r);
            }
        }
        // Components are never merged with each other: each is a type of its own.
        for (n, components) in &owners {
            t.expect(components.len() == 1, || {
                format!("{components:?} are all the type {n}")
            });
        }
        // Components no operation reaches through what the walk follows (or none at all) are
        // types too, named after the component (or as the customisation says).
        let components: Vec<&String> = members(case.doc.pointer("/components/schemas"))
            .map(|(n, _)| n)
            .collect();
        t.expect(case.api.types.len() >= components.len(), || {
            format!(
                "{} types for {} component schemas",
                case.api.types.len(),
                components.len()
            )
        });
        for name in components {
            let ptr = format!("#/components/schemas/{}", escape_token(name));
            if w.components.contains(&ptr) {
                continue;
            }
            t.count("component schemas found by name (not reached)");
            let custom = case.config.names.types.get(&ptr);
            let found = match custom {
                Some(c) => case.def(c).is_some(),
                None => case
                    .api
                    .types
                    .iter()
                    .any(|ty| squash(ty.name()).contains(&squash(name))),
            };
            t.expect(found, || format!("{ptr} is no type of the model"));
        }
        // Identical inline schemas are one type, however many places they stand in.
        for (values, (types, ptr)) in &w.enums {
            t.count("distinct inline enums");
            t.expect(types.len() == 1, || {
                format!("the enum {values:?} (at {ptr} and elsewhere) is several types: {types:?}")
            });
        }
        for (types, ptr) in w.objects.values() {
            t.count("distinct inline objects");
            t.expect(types.len() == 1, || {
                format!("the object at {ptr} and its copies are several types: {types:?}")
            });
        }
    });
}

#[test]
fn customisation_is_what_the_model_has() {
    check_every_case("the customisation file is followed", |case, t| {
        let c = &case.config;
        let w = walk(case, &mut Tally::default());
        t.count("customised settings");
        for (key, name) in &c.names.types {
            t.count("customised type names");
            if key.starts_with('#') {
                match w.sites.get(key) {
                    Some(ty) => t.expect(ty.non_null().name() == Some(name), || {
                        format!("{key} was to be named {name}, but is {ty:?}")
                    }),
                    None => t.expect(false, || {
                        format!("{key} (named {name}) is no place the operations use")
                    }),
                }
            } else {
                t.expect(case.def(name).is_some(), || {
                    format!("{key:?} was to be named {name}, which is no type")
                });
            }
        }
        for (key, name) in &c.names.operations {
            t.count("customised operation names");
            let named = doc_operations(&case.doc)
                .into_iter()
                .filter(|d| {
                    d.route() == *key
                        || d.op.get("operationId").and_then(Value::as_str) == Some(key)
                })
                .filter_map(|d| {
                    case.api
                        .operations
                        .iter()
                        .find(|o| o.method == d.method && o.path == d.path)
                })
                .all(|o| squash(&o.ident) == squash(name));
            t.expect(named, || format!("{key:?} was to be named {name:?}"));
        }
        for (route, hint) in &c.pagination {
            t.count("pagination hints");
            let Some(o) = case
                .api
                .operations
                .iter()
                .find(|o| format!("{} {}", o.method.as_str(), o.path) == *route)
            else {
                t.expect(false, || {
                    format!("the pagination hint {route:?} is no operation")
                });
                continue;
            };
            match (&o.pagination, hint.disabled) {
                (Some(_), true) => t.expect(false, || {
                    format!("{route}: paginated, though the hint disables it")
                }),
                (None, false) => {
                    t.expect(false, || format!("{route}: not paginated, though hinted"))
                }
                (Some(p), false) => {
                    if let Some(n) = &hint.cursor_param {
                        t.expect(
                            o.params.get(p.cursor_param).is_some_and(|c| &c.wire == n),
                            || format!("{route}: cursor parameter is not {n:?}"),
                        );
                    }
                    let page = case.struct_of(&o.success.body);
                    let wire_of = |ident: &str| {
                        page.and_then(|s| s.fields.iter().find(|f| f.ident == ident))
                            .map(|f| f.wire.clone())
                    };
                    if let Some(n) = &hint.cursor_field {
                        t.expect(wire_of(&p.cursor_field).as_ref() == Some(n), || {
                            format!("{route}: cursor field is not {n:?}")
                        });
                    }
                    if let Some(n) = &hint.items_field {
                        t.expect(wire_of(&p.items_field).as_ref() == Some(n), || {
                            format!("{route}: items field is not {n:?}")
                        });
                    }
                }
                (None, true) => {}
            }
        }
        let client = [
            ("base URL", c.client.base_url.as_ref(), &case.api.base_url),
            (
                "API key variable",
                c.client.api_key_env.as_ref(),
                &case.api.api_key_env,
            ),
            (
                "base URL variable",
                c.client.base_url_env.as_ref(),
                &case.api.base_url_env,
            ),
            ("package name", c.package.name.as_ref(), &case.api.package),
            (
                "package version",
                c.package.version.as_ref(),
                &case.api.version,
            ),
            (
                "package description",
                c.package.description.as_ref(),
                &case.api.description,
            ),
        ];
        for (what, want, got) in client {
            if let Some(want) = want {
                t.expect(want == got, || {
                    format!("the {what} is {got:?}, the customisation says {want:?}")
                });
            }
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Names.

#[test]
fn names_are_unique_identifiers() {
    check_every_case("every name is a unique identifier", |case, t| {
        let ops = &case.api.operations;
        check_names(
            t,
            "method",
            "the client",
            ops.iter().map(|o| o.ident.as_str()),
            is_snake,
        );
        check_names(
            t,
            "builder",
            "module builders",
            ops.iter().map(|o| o.builder.as_str()),
            is_pascal,
        );
        check_names(
            t,
            "error enum",
            "module errors",
            ops.iter().map(|o| o.error.as_str()),
            is_pascal,
        );
        check_names(
            t,
            "type",
            "module types",
            case.api.types.iter().map(TypeDef::name),
            is_pascal,
        );
        for o in ops {
            let scope = format!("{} {}", o.method.as_str(), o.path);
            check_names(
                t,
                "parameter",
                &scope,
                o.params.iter().map(|p| p.ident.as_str()),
                is_snake,
            );
            check_names(
                t,
                "error variant",
                &scope,
                o.errors.iter().map(|e| e.variant.as_str()),
                is_pascal,
            );
        }
        for ty in &case.api.types {
            let name = ty.name();
            t.expect(!RESERVED_TYPE_NAMES.contains(&name), || {
                format!("type {name} shadows a name of std")
            });
            match ty {
                TypeDef::Struct(s) => {
                    check_names(
                        t,
                        "field",
                        name,
                        s.fields.iter().map(|f| f.ident.as_str()),
                        is_snake,
                    );
                }
                TypeDef::Enum(e) => {
                    let variants = e
                        .variants
                        .iter()
                        .map(|(v, _)| v.as_str())
                        .chain([e.fallback.as_str()]);
                    check_names(t, "enum variant", name, variants, is_pascal);
                }
                TypeDef::Union(u) => {
                    let mut variants: Vec<&str> =
                        u.variants.iter().map(|(v, _)| v.as_str()).collect();
                    if let Some(d) = &u.discriminator {
                        variants.push(&d.fallback);
                    }
                    check_names(t, "union variant", name, variants, is_pascal);
                }
                TypeDef::Alias(_) => t.count("aliases"),
            }
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Pagination.

#[test]
fn pagination_points_at_real_parts() {
    check_every_case("pagination points at real parts", |case, t| {
        for o in &case.api.operations {
            t.count("operations");
            let Some(p) = &o.pagination else { continue };
            t.count("paginated operations");
            let route = format!("{} {}", o.method.as_str(), o.path);
            let is_string = |v: &ParamValue| match v {
                ParamValue::Scalar(ty) => case.resolve(ty) == &TypeRef::String,
                _ => false,
            };
            match o.params.get(p.cursor_param) {
                Some(c) => t.expect(c.location == ParamIn::Query && is_string(&c.value), || {
                    let (w, v, l) = (&c.wire, &c.value, c.location);
                    format!(
                        "{route}: the cursor parameter {w:?} is {v:?} in {l:?}, no query string"
                    )
                }),
                None => t.expect(false, || {
                    format!("{route}: no cursor parameter {}", p.cursor_param)
                }),
            }
            if let Some(i) = p.limit_param {
                t.count("page-size parameters");
                t.expect(
                    o.params.get(i).is_some_and(|l| {
                        l.location == ParamIn::Query && matches!(l.value, ParamValue::Scalar(_))
                    }) && i != p.cursor_param,
                    || {
                        format!(
                            "{route}: the page-size parameter {i} is no other single query value"
                        )
                    },
                );
            }
            t.expect(!o.success.body_may_be_absent, || {
                format!("{route}: paginated, but a success has no body")
            });
            let Some(page) = case.struct_of(&o.success.body) else {
                t.expect(false, || {
                    format!("{route}: the page {:?} is no struct", o.success.body)
                });
                continue;
            };
            let field = |ident: &str| page.fields.iter().find(|f| f.ident == ident);
            let optional = |f: &sdkgen::ir::Field| !f.required || f.ty.is_nullable();
            match field(&p.items_field) {
                Some(f) => {
                    t.expect(
                        matches!(case.resolve(&f.ty), TypeRef::Array(item) if **item == p.item),
                        || {
                            format!(
                                "{route}: the items field {}.{} is {:?}, not a list of {:?}",
                                page.name, f.ident, f.ty, p.item
                            )
                        },
                    );
                    t.expect(p.items_optional == optional(f), || {
                        format!(
                            "{route}: items_optional is {}, the field {}.{} is {:?} (required {})",
                            p.items_optional, page.name, f.ident, f.ty, f.required
                        )
                    });
                }
                None => t.expect(false, || {
                    format!(
                        "{route}: the page {} has no items field {}",
                        page.name, p.items_field
                    )
                }),
            }
            match field(&p.cursor_field) {
                Some(f) => {
                    t.expect(
                        matches!(case.resolve(&f.ty), TypeRef::String | TypeRef::Json),
                        || {
                            format!(
                                "{route}: the cursor field {}.{} is {:?}, not a string",
                                page.name, f.ident, f.ty
                            )
                        },
                    );
                    t.expect(p.cursor_optional == optional(f), || {
                        format!(
                            "{route}: cursor_optional is {}, the field {}.{} is {:?} (required {})",
                            p.cursor_optional, page.name, f.ident, f.ty, f.required
                        )
                    });
                }
                None => t.expect(false, || {
                    format!(
                        "{route}: the page {} has no cursor field {}",
                        page.name, p.cursor_field
                    )
                }),
            }
        }
    });
}

/// The names a type use holds.
fn names_in<'a>(t: &'a TypeRef, out: &mut Vec<&'a str>) {
    match t {
        TypeRef::Named(n) => out.push(n),
        TypeRef::Array(i) | TypeRef::Map(i) | TypeRef::Nullable(i) => names_in(i, out),
        _ => {}
    }
}

/// Whether what the features `inner` enable is compiled whenever what `outer` enable is (no
/// features: always compiled).
fn enabled_with(inner: &[String], outer: &[String]) -> bool {
    inner.is_empty() || (!outer.is_empty() && outer.iter().all(|f| inner.contains(f)))
}

#[test]
fn features_follow_the_tags_and_never_compile_out_what_is_used() {
    check_every_case("features follow the tags", |case, t| {
        let api = &case.api;
        let declared: BTreeSet<&str> = api.features.iter().map(|f| f.name.as_str()).collect();
        let used: BTreeSet<&str> = api
            .operations
            .iter()
            .flat_map(|o| o.features.iter().map(String::as_str))
            .collect();
        t.expect(declared == used, || {
            format!("features declared {declared:?}, used by operations {used:?}")
        });
        let grouped = case.config.features.enabled != Some(false)
            && api.operations.iter().any(|o| !o.tags.is_empty());
        // Operations of the same tags in the same features; each tag's feature the same for
        // every operation that has it alone.
        let mut by_tag: BTreeMap<&str, BTreeSet<&Vec<String>>> = BTreeMap::new();
        for (d, o) in paired(case) {
            t.count("operations");
            let route = format!("{} {}", o.method.as_str(), o.path);
            let tags: Vec<String> = elements(d.op.get("tags"))
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            t.expect(tags == o.tags, || {
                format!("{route}: tags {:?}, the document's {tags:?}", o.tags)
            });
            let placed = case.config.features.operations.contains_key(&route);
            t.expect(grouped != o.features.is_empty(), || {
                format!("{route}: features {:?} (grouped: {grouped})", o.features)
            });
            if placed {
                t.expect(
                    o.features == [case.config.features.operations[&route].clone()],
                    || format!("{route}: features {:?}, not the customised one", o.features),
                );
            } else if let [tag] = o.tags.as_slice() {
                by_tag.entry(tag).or_default().insert(&o.features);
            }
            for f in &o.features {
                t.expect(
                    f.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                        && !["default", "mock"].contains(&f.as_str()),
                    || format!("{route}: feature {f:?} is not a name of its own"),
                );
            }
        }
        for (tag, sets) in by_tag {
            t.expect(sets.len() == 1, || {
                format!("tag {tag:?}: operations in different features {sets:?}")
            });
        }
        // Nothing compiled needs what might not be: an operation's types are enabled by its
        // features, and a type's fields by whatever enables the type.
        for o in &api.operations {
            let mut names = Vec::new();
            for p in &o.params {
                names_in(p.value.ty(), &mut names);
            }
            if let Some(b) = &o.body {
                for (_, ty) in b.variants() {
                    names_in(ty, &mut names);
                }
            }
            for outcome in o.successes.iter().chain(&o.errors) {
                names_in(&outcome.ty, &mut names);
            }
            for n in names {
                t.count("types named by operations");
                t.expect(
                    !case.types.contains_key(n) || enabled_with(api.gate(n), &o.features),
                    || {
                        format!(
                            "{} {}: type {n} needs {:?}, the operation is enabled by {:?}",
                            o.method.as_str(),
                            o.path,
                            api.gate(n),
                            o.features
                        )
                    },
                );
            }
        }
        for ty in &api.types {
            let mut names = Vec::new();
            match ty {
                TypeDef::Struct(s) => {
                    for f in &s.fields {
                        names_in(&f.ty, &mut names);
                    }
                    if let Some(a) = &s.additional {
                        names_in(a, &mut names);
                    }
                }
                TypeDef::Union(u) => {
                    for (_, v) in &u.variants {
                        names_in(v, &mut names);
                    }
                }
                TypeDef::Alias(a) => names_in(&a.target, &mut names),
                TypeDef::Enum(_) => {}
            }
            let outer = api.gate(ty.name());
            if !outer.is_empty() {
                t.count("gated types");
            }
            for n in names {
                t.count("type references");
                t.expect(enabled_with(api.gate(n), outer), || {
                    format!(
                        "type {} (features {outer:?}) holds {n}, which needs {:?}",
                        ty.name(),
                        api.gate(n)
                    )
                });
            }
        }
    });
}
