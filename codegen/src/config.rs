//! The per-API customisation file (`specs/<api>.toml`): everything a spec does not say or says wrong.
//!
//! It is declarative on purpose: names, hints and fixes, no code.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::diag::{self, Diagnostics};

/// The whole customisation file. Every section is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The generated crate's package.
    #[serde(default)]
    pub package: PackageConfig,
    /// Client defaults.
    #[serde(default)]
    pub client: ClientConfig,
    /// Corrections applied to the spec as loaded, before anything reads it.
    #[serde(default)]
    pub fixes: Fixes,
    /// Names for what no rule names well.
    #[serde(default)]
    pub names: Names,
    /// Query serialisation.
    #[serde(default)]
    pub query: QueryConfig,
    /// Pagination hints, keyed by `"METHOD /path"`.
    #[serde(default)]
    pub pagination: BTreeMap<String, PaginationHint>,
    /// Waiters, keyed by name: `client.wait_until_<name>(…)` polls an operation until a field
    /// of its response reaches a state.
    #[serde(default)]
    pub waiters: BTreeMap<String, WaiterConfig>,
    /// How operations are grouped into cargo features.
    #[serde(default)]
    pub features: FeatureConfig,
}

/// How operations are grouped into the generated crate's cargo features. By default each of
/// the spec's tags is a feature (`SSH Keys` → `ssh-keys`), and operations without a tag share
/// `other`; every feature is on by default.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureConfig {
    /// `false`: no features, every operation always compiled.
    pub enabled: Option<bool>,
    /// The feature of a tag's operations, by tag: several tags may share one.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// The feature of one operation (`"METHOD /path"`), instead of its tags'.
    #[serde(default)]
    pub operations: BTreeMap<String, String>,
}

/// A waiter: which operation to poll, which field of its response to read, and which of its
/// values end the wait.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiterConfig {
    /// The operation polled, as `"METHOD /path"`.
    pub operation: String,
    /// The field of its success response that holds the state, a dot-separated path of wire
    /// names (`widgets.state`).
    pub field: String,
    /// The states that end the wait successfully.
    pub success: Vec<String>,
    /// The states that will never lead to success ("trap" states): the wait fails on them.
    #[serde(default)]
    pub failure: Vec<String>,
    /// The first wait between polls, in seconds (default 5).
    #[serde(default = "default_interval")]
    pub interval_secs: f64,
    /// The longest wait between polls, in seconds (default 60).
    #[serde(default = "default_max_interval")]
    pub max_interval_secs: f64,
    /// How long the whole wait may take by default, in seconds (default 1800).
    #[serde(default = "default_wait_timeout")]
    pub timeout_secs: f64,
    /// What the waiter is for, for its rustdoc.
    pub doc: Option<String>,
}

fn default_interval() -> f64 {
    5.0
}

fn default_max_interval() -> f64 {
    60.0
}

fn default_wait_timeout() -> f64 {
    1800.0
}

/// Package metadata of the generated crate.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageConfig {
    /// Package name (`petstore-client`); default: the spec title in kebab case plus `-client`.
    pub name: Option<String>,
    /// Package version; default `0.1.0`.
    pub version: Option<String>,
    /// One-line description; default: from the spec title.
    pub description: Option<String>,
    /// License expression written into Cargo.toml.
    pub license: Option<String>,
    /// Path or version requirement of the runtime crate, when not the generator's own.
    pub runtime: Option<String>,
}

/// Client defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    /// Default base URL; default: the spec's first server.
    pub base_url: Option<String>,
    /// Environment variable holding the API key; default: `<PREFIX>_API_KEY`, the prefix from
    /// the package name without `-client` and words such as `api`.
    pub api_key_env: Option<String>,
    /// Environment variable that, when set, overrides the base URL; default:
    /// `<PREFIX>_BASE_URL`.
    pub base_url_env: Option<String>,
}

/// Corrections of upstream mistakes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixes {
    /// Non-standard `format` values and their standard spelling (`datetime = "date-time"`).
    #[serde(default)]
    pub format_aliases: BTreeMap<String, String>,
    /// JSON-patch style edits, applied in order.
    #[serde(default)]
    pub patch: Vec<Patch>,
}

/// One edit of the loaded spec: a place, found by [`target`](Patch::target) or by an absolute
/// JSON pointer, and what to do there.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patch {
    /// `add`, `replace` or `remove`.
    pub op: PatchOp,
    /// The place edited, by operation and schema rather than by position (see [`Place`]);
    /// [`path`](Patch::path) is then relative to it.
    pub target: Option<Place>,
    /// A JSON pointer (RFC 6901): absolute without a target
    /// (`/paths/~1widgets/get/responses/200`), relative to the target with one
    /// (`/explode`; empty for the target itself).
    #[serde(default)]
    pub path: String,
    /// The new value (for `add` and `replace`).
    pub value: Option<toml::Value>,
    /// The value the edit replaces or removes, as the spec says it: required for `replace`,
    /// optional for `remove`. The edit fails when the spec says something else.
    pub was: Option<toml::Value>,
    /// Why the edit is needed; repeated in every finding about the edit.
    pub reason: Option<String>,
}

/// What a patch does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PatchOp {
    /// Insert a member that is not there, or an array element.
    Add,
    /// Overwrite an existing value, which must be the patch's `was`.
    Replace,
    /// Delete an existing value.
    Remove,
}

/// Name overrides.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    /// Type names, keyed by the place of the schema (a [`Place`] in its written form:
    /// `Widget.state`, `GET /widgets parameter sort`), by its JSON pointer
    /// (`#/components/schemas/Widget/properties/state`) or by the name the rules would give it
    /// (`WidgetState`).
    #[serde(default)]
    pub types: BTreeMap<String, String>,
    /// Method names, keyed by `"METHOD /path"` or operation id.
    #[serde(default)]
    pub operations: BTreeMap<String, String>,
}

/// How array query parameters are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArrayStyle {
    /// `name=a&name=b` (OpenAPI's default: form, explode).
    #[default]
    Form,
    /// `name=a,b` (form, explode false).
    Comma,
    /// `name=a|b`.
    Pipe,
    /// `name=a%20b`.
    Space,
}

/// Query serialisation overrides.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueryConfig {
    /// Style for array parameters that do not state one; default: as the spec says (form, explode).
    pub array_style: Option<ArrayStyle>,
    /// Per parameter, keyed by `"METHOD /path name"`.
    #[serde(default)]
    pub params: BTreeMap<String, ArrayStyle>,
}

/// What the pagination rule cannot see, or a correction of what it saw.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaginationHint {
    /// Query parameter that carries the cursor.
    pub cursor_param: Option<String>,
    /// Response field that holds the next cursor.
    pub cursor_field: Option<String>,
    /// Response array field that holds the items.
    pub items_field: Option<String>,
    /// Turn pagination off for this operation.
    #[serde(default)]
    pub disabled: bool,
}

impl Config {
    /// Reads a customisation file; errors are recorded, not returned.
    pub fn load(path: &Path, diags: &mut Diagnostics) -> Option<Config> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                diags.error(
                    "",
                    format!("cannot read customisation file {}: {e}", path.display()),
                );
                return None;
            }
        };
        Self::parse(&text, diags)
    }

    /// Parses customisation text.
    pub fn parse(text: &str, diags: &mut Diagnostics) -> Option<Config> {
        match toml::from_str::<Config>(text) {
            Ok(c) => Some(c),
            Err(e) => {
                diags.error(
                    "",
                    format!("invalid customisation file: {}", e.to_string().trim_end()),
                );
                None
            }
        }
    }
}

/// A place of the spec addressed by what it is, not by where it stands: an operation and one of
/// its parameters (found by `name` and `in`), its request body or one of its responses, or a
/// component schema; then, optionally, steps into the schema found there (properties and array
/// items). A reordered parameter list, a parameter moved into `components` behind a `$ref`, or a
/// property moved into an `allOf` part leaves the place where it was.
///
/// Written as text (a `[names.types]` key, or a patch's `target`):
///
/// - `Widget.state`, `Widget.tags[].label`: a component schema, then a dot path of property
///   names, `[]` stepping into array items;
/// - `GET /widgets` (a patch target only): the operation;
/// - `GET /widgets parameter sort`, `... query parameter sort` (with its location, needed
///   when two parameters share the name), `... parameter colour_in[]`;
/// - `POST /widgets request body`, `... request body.shape.sides`;
/// - `GET /widgets response 200`, `... response 200.data[]`.
///
/// Or as a table (a patch's `target`): `{ operation = "GET /widgets", parameter =
/// "colour_in", in = "query" }`, `{ operation = "POST /widgets", request_body = true }`,
/// `{ operation = "GET /widgets", response = 200, property = "data[]" }`, `{ schema =
/// "Widget", property = "state" }`.
///
/// Where a name and a dot path are written as one word (`colour_in[]`, `pkg.Widget.state`),
/// the longest name the document has wins, so names that contain `.` or `[]` work too. Property
/// names that contain `.` or `[]` cannot be written; a JSON pointer can say those places.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// What the place starts from.
    pub root: PlaceRoot,
    /// Steps into the schema of the root.
    pub steps: Vec<Step>,
    /// The text form: the root's name and its first steps written as one word, which the
    /// document tells apart.
    joined: bool,
}

/// What a [`Place`] starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaceRoot {
    /// A component schema, by name.
    Schema(String),
    /// An operation, or a part of it.
    Operation {
        /// Upper-case method (`GET`).
        method: String,
        /// The path as the spec writes it (`/widgets/{id}`).
        path: String,
        /// The part; `None` for the operation itself.
        part: Option<OperationPart>,
    },
}

/// A part of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperationPart {
    /// A parameter of the operation or of its path item, by name, and by location
    /// (`path`, `query`, `header`, `cookie`) when given.
    Parameter {
        /// The parameter's `name`.
        name: String,
        /// Its `in`, when given.
        location: Option<String>,
    },
    /// The request body.
    RequestBody,
    /// The response of a status (`200`, `4XX`, `default`).
    Response(String),
}

/// One step into a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A property (`properties/<name>`), in the schema or in one of its `allOf`/`anyOf`/`oneOf` parts.
    Property(String),
    /// The array's items (`items`).
    Items,
}

/// Why a [`Place`] is not in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Miss {
    /// The JSON pointer (without `#`) of the last part of the place that was found (empty for
    /// none).
    pub pointer: String,
    /// What is missing.
    pub message: String,
}

const METHODS: &[&str] = &[
    "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE",
];
const LOCATIONS: &[&str] = &["path", "query", "header", "cookie"];
/// How many `$ref`s in a row are followed.
const MAX_HOPS: usize = 16;

impl Place {
    /// A place from its parts.
    pub fn new(root: PlaceRoot, steps: Vec<Step>) -> Place {
        Place {
            root,
            steps,
            joined: false,
        }
    }

    /// Reads the text form. `Err` says what is wrong with it.
    pub fn parse(text: &str) -> Result<Place, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let bad = |why: &str| Err(format!("{text:?} is not a place: {why}"));
        let operation = words.len() >= 2
            && METHODS.contains(&words[0].to_ascii_uppercase().as_str())
            && words[1].starts_with('/');
        if !operation {
            return match words.as_slice() {
                [word] => Ok(Place {
                    root: PlaceRoot::Schema(word.to_string()),
                    steps: Vec::new(),
                    joined: true,
                }),
                _ => bad("expected `Schema.property…` or `METHOD /path …`"),
            };
        }
        let (method, path) = (words[0].to_ascii_uppercase(), words[1].to_string());
        let operation = |part, steps, joined| {
            Ok(Place {
                root: PlaceRoot::Operation {
                    method: method.clone(),
                    path: path.clone(),
                    part,
                },
                steps,
                joined,
            })
        };
        match &words[2..] {
            [] => operation(None, Vec::new(), false),
            ["parameter", name] => operation(
                Some(OperationPart::Parameter {
                    name: name.to_string(),
                    location: None,
                }),
                Vec::new(),
                true,
            ),
            [location, "parameter", name] if LOCATIONS.contains(location) => operation(
                Some(OperationPart::Parameter {
                    name: name.to_string(),
                    location: Some(location.to_string()),
                }),
                Vec::new(),
                true,
            ),
            ["request", body] if body.starts_with("body") => match parse_steps(&body[4..]) {
                Ok(steps) => operation(Some(OperationPart::RequestBody), steps, false),
                Err(e) => bad(&e),
            },
            ["response", status] => {
                let end = status.find(['.', '[']).unwrap_or(status.len());
                match parse_steps(&status[end..]) {
                    Ok(steps) if end > 0 => operation(
                        Some(OperationPart::Response(status[..end].to_string())),
                        steps,
                        false,
                    ),
                    Ok(_) => bad("the response needs a status"),
                    Err(e) => bad(&e),
                }
            }
            _ => bad(
                "after the operation, expected `parameter NAME`, `<in> parameter NAME`, \
                 `request body` or `response STATUS`",
            ),
        }
    }

    /// A `[names.types]` key read as a place: `None` for a JSON pointer (`#/…`) and for a plain
    /// name (no space, `.` or `[]`), which are looked up as they are.
    pub fn parse_key(key: &str) -> Option<Result<Place, String>> {
        let plain = !key.contains(char::is_whitespace) && !key.contains('.') && !key.contains("[]");
        (!key.starts_with('#') && !plain).then(|| Place::parse(key))
    }

    /// The JSON pointer (without `#`) of the place in `doc`: the operation, parameter, request
    /// body or response object itself, or the component schema, when there are no steps; the
    /// schema the steps lead to otherwise.
    pub fn locate(&self, doc: &Value) -> Result<String, Miss> {
        self.find(doc, false)
    }

    /// The pointers (without `#`) of the schema the place stands for (for a parameter, request
    /// body or response: its schema): the place itself first, then, where it is only a
    /// `$ref` or a one-part `allOf`/`anyOf`/`oneOf`, what that leads to.
    pub fn schema_pointers(&self, doc: &Value) -> Result<Vec<String>, Miss> {
        let ptr = self.find(doc, true)?;
        let mut out = vec![ptr.clone()];
        let mut cur = ptr;
        for _ in 0..MAX_HOPS {
            let Some(Value::Object(m)) = doc.pointer(&cur) else {
                break;
            };
            let next = if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                match r.strip_prefix('#') {
                    Some(t) if doc.pointer(t).is_some() => t.to_string(),
                    _ => break,
                }
            } else {
                let shaped = [
                    "properties",
                    "items",
                    "enum",
                    "type",
                    "additionalProperties",
                ]
                .iter()
                .any(|k| m.contains_key(*k));
                let parts: Vec<&str> = ["allOf", "anyOf", "oneOf"]
                    .into_iter()
                    .filter(|k| m.contains_key(*k))
                    .collect();
                match (shaped, parts.as_slice()) {
                    (false, [k]) if m[*k].as_array().is_some_and(|a| a.len() == 1) => {
                        diag::join(&diag::join(&cur, k), 0)
                    }
                    _ => break,
                }
            };
            out.push(next.clone());
            cur = next;
        }
        Ok(out)
    }

    /// The ways to read the root's name and the steps, the longest name first.
    fn readings(&self, name: &str) -> Vec<(String, Vec<Step>)> {
        if !self.joined {
            return vec![(name.to_string(), self.steps.clone())];
        }
        let mut cuts: Vec<usize> = (1..name.len())
            .filter(|&i| {
                name.is_char_boundary(i)
                    && (name[i..].starts_with('.') || name[i..].starts_with("[]"))
            })
            .collect();
        cuts.push(name.len());
        cuts.reverse();
        cuts.into_iter()
            .filter_map(|i| {
                let mut steps = parse_steps(&name[i..]).ok()?;
                steps.extend(self.steps.iter().cloned());
                Some((name[..i].to_string(), steps))
            })
            .collect()
    }

    /// The schema the place addresses; with `schema` false and no steps, the object itself.
    fn find(&self, doc: &Value, schema: bool) -> Result<String, Miss> {
        let miss = |pointer: &str, message: String| Miss {
            pointer: pointer.to_string(),
            message,
        };
        let (base, steps) = match &self.root {
            PlaceRoot::Schema(name) => {
                let readings = self.readings(name);
                let found = readings.iter().find_map(|(n, steps)| {
                    let p = diag::join("/components/schemas", n);
                    doc.pointer(&p).is_some().then(|| (p, steps.clone()))
                });
                match found {
                    Some(f) => f,
                    None => {
                        return Err(miss(
                            "/components/schemas",
                            format!("the spec has no component schema {}", either(&readings)),
                        ))
                    }
                }
            }
            PlaceRoot::Operation { method, path, part } => {
                let item = diag::join("/paths", path);
                let Some(item_value) = doc.pointer(&item) else {
                    return Err(miss("/paths", format!("the spec has no path {path:?}")));
                };
                let op = diag::join(&item, method.to_ascii_lowercase());
                if doc.pointer(&op).is_none() {
                    let has: Vec<String> = item_value
                        .as_object()
                        .map(|m| {
                            m.keys()
                                .filter(|k| METHODS.contains(&k.to_ascii_uppercase().as_str()))
                                .map(|k| k.to_ascii_uppercase())
                                .collect()
                        })
                        .unwrap_or_default();
                    return Err(miss(
                        &item,
                        format!(
                            "the spec has no operation {method} {path} (the path has {})",
                            list(&has)
                        ),
                    ));
                }
                let route = format!("{method} {path}");
                match part {
                    None if schema => {
                        return Err(miss(&op, format!("the operation {route} is not a schema")))
                    }
                    None => (op, Vec::new()),
                    Some(OperationPart::Parameter { name, location }) => {
                        let (p, steps) =
                            find_parameter(doc, &item, &op, self.readings(name), location)
                                .map_err(|m| miss(&op, format!("{route} {m}")))?;
                        if !schema && steps.is_empty() {
                            return Ok(p);
                        }
                        let s = diag::join(&p, "schema");
                        if doc.pointer(&s).is_some() {
                            (s, steps)
                        } else {
                            match first_key(doc, &diag::join(&p, "content"), |_| true) {
                                Some(s) => (s, steps),
                                None => {
                                    return Err(miss(
                                        &p,
                                        format!("the parameter at #{p} has no schema"),
                                    ))
                                }
                            }
                        }
                    }
                    Some(OperationPart::RequestBody) => {
                        let at = diag::join(&op, "requestBody");
                        if doc.pointer(&at).is_none() {
                            return Err(miss(&op, format!("{route} has no request body")));
                        }
                        let rb = deref(doc, &at)?;
                        if !schema && self.steps.is_empty() {
                            return Ok(rb);
                        }
                        (
                            json_schema(doc, &rb, &format!("the request body of {route}"))?,
                            self.steps.clone(),
                        )
                    }
                    Some(OperationPart::Response(status)) => {
                        let responses = diag::join(&op, "responses");
                        let keys: Vec<String> = doc
                            .pointer(&responses)
                            .and_then(Value::as_object)
                            .map(|m| m.keys().cloned().collect())
                            .unwrap_or_default();
                        let Some(key) = keys.iter().find(|k| k.eq_ignore_ascii_case(status)) else {
                            return Err(miss(
                                &op,
                                format!(
                                    "{route} has no response {status} (it has {})",
                                    list(&keys)
                                ),
                            ));
                        };
                        let r = deref(doc, &diag::join(&responses, key))?;
                        if !schema && self.steps.is_empty() {
                            return Ok(r);
                        }
                        (
                            json_schema(doc, &r, &format!("the response {key} of {route}"))?,
                            self.steps.clone(),
                        )
                    }
                }
            }
        };
        let mut at = base;
        for step in &steps {
            let found = find_step(doc, &at, step, 0);
            at = match found.as_slice() {
                [one] => one.clone(),
                [] => return Err(miss(&at, format!("the schema at #{at} has no {step}"))),
                several => {
                    let ptrs: Vec<String> = several.iter().map(|p| format!("#{p}")).collect();
                    return Err(miss(
                        &at,
                        format!(
                            "the schema at #{at} has {step} in several of its parts ({}); a JSON pointer says which",
                            ptrs.join(", ")
                        ),
                    ));
                }
            };
        }
        Ok(at)
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.root {
            PlaceRoot::Schema(name) => write!(f, "{name}")?,
            PlaceRoot::Operation { method, path, part } => {
                write!(f, "{method} {path}")?;
                match part {
                    None => {}
                    Some(OperationPart::Parameter { name, location }) => match location {
                        Some(l) => write!(f, " {l} parameter {name}")?,
                        None => write!(f, " parameter {name}")?,
                    },
                    Some(OperationPart::RequestBody) => write!(f, " request body")?,
                    Some(OperationPart::Response(s)) => write!(f, " response {s}")?,
                }
            }
        }
        for step in &self.steps {
            match step {
                Step::Property(n) => write!(f, ".{n}")?,
                Step::Items => write!(f, "[]")?,
            }
        }
        Ok(())
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Property(n) => write!(f, "property {n:?}"),
            Step::Items => write!(f, "array items"),
        }
    }
}

/// `"a"`, or `"a" nor "b"` for the ways a joined name could be read.
fn either(readings: &[(String, Vec<Step>)]) -> String {
    let names: Vec<String> = readings.iter().map(|(n, _)| format!("{n:?}")).collect();
    names.join(" nor ")
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// Steps written after a name: `.a.b`, `[]`, `.a[].b`.
fn parse_steps(text: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("[]") {
            steps.push(Step::Items);
            rest = r;
        } else if let Some(r) = rest.strip_prefix('.') {
            let end = r
                .char_indices()
                .find(|&(i, c)| c == '.' || r[i..].starts_with("[]"))
                .map_or(r.len(), |(i, _)| i);
            if end == 0 {
                return Err(format!("an empty property name in {text:?}"));
            }
            steps.push(Step::Property(r[..end].to_string()));
            rest = &r[end..];
        } else {
            return Err(format!("{rest:?} is not `.property` or `[]`"));
        }
    }
    Ok(steps)
}

/// Where `ptr` leads once its `$ref`s are followed.
fn deref(doc: &Value, ptr: &str) -> Result<String, Miss> {
    let mut at = ptr.to_string();
    for _ in 0..MAX_HOPS {
        let Some(r) = doc
            .pointer(&at)
            .and_then(|v| v.get("$ref"))
            .and_then(Value::as_str)
        else {
            return Ok(at);
        };
        let Some(target) = r.strip_prefix('#') else {
            return Err(Miss {
                message: format!("the external reference {r:?} at #{at} is not followed"),
                pointer: at,
            });
        };
        if doc.pointer(target).is_none() {
            return Err(Miss {
                message: format!("the reference {r:?} at #{at} points to nothing"),
                pointer: at,
            });
        }
        at = target.to_string();
    }
    Err(Miss {
        message: format!("#{ptr} leads through more than {MAX_HOPS} references"),
        pointer: ptr.to_string(),
    })
}

/// The first `<ptr>/<key>/schema` of the object at `ptr` whose key passes `keep`.
fn first_key(doc: &Value, ptr: &str, keep: impl Fn(&str) -> bool) -> Option<String> {
    let m = doc.pointer(ptr)?.as_object()?;
    let key = m.keys().find(|k| keep(k))?;
    let s = diag::join(&diag::join(ptr, key), "schema");
    doc.pointer(&s).is_some().then_some(s)
}

/// The schema of the JSON content of a request body or response at `ptr` (the first JSON
/// media type, as lowering reads it).
fn json_schema(doc: &Value, ptr: &str, what: &str) -> Result<String, Miss> {
    first_key(doc, &diag::join(ptr, "content"), is_json_media).ok_or_else(|| Miss {
        pointer: ptr.to_string(),
        message: format!("{what} has no JSON content with a schema"),
    })
}

/// The parameter named by one of `readings` (the longest name first), among those of the
/// operation at `op` and of its path item at `item` (the operation's win), resolved through
/// `$ref`s: its pointer and the steps left. `Err` completes "GET /x …".
fn find_parameter(
    doc: &Value,
    item: &str,
    op: &str,
    readings: Vec<(String, Vec<Step>)>,
    location: &Option<String>,
) -> Result<(String, Vec<Step>), String> {
    // (pointer, name, in), operation-level first.
    let mut params: Vec<(String, String, String)> = Vec::new();
    for list in [diag::join(op, "parameters"), diag::join(item, "parameters")] {
        let len = doc
            .pointer(&list)
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for i in 0..len {
            // A reference that leads nowhere is the document's own error, reported elsewhere.
            let Ok(p) = deref(doc, &diag::join(&list, i)) else {
                continue;
            };
            let field = |k: &str| {
                doc.pointer(&p)
                    .and_then(|v| v.get(k))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            params.push((p.clone(), field("name"), field("in")));
        }
    }
    for (name, steps) in &readings {
        let mut found: Vec<&(String, String, String)> = Vec::new();
        for p in params
            .iter()
            .filter(|p| p.1 == *name && location.as_ref().is_none_or(|l| *l == p.2))
        {
            // An operation's parameter hides its path item's one of the same name and place.
            if !found.iter().any(|q| q.2 == p.2) {
                found.push(p);
            }
        }
        match found.as_slice() {
            [] => continue,
            [one] => return Ok((one.0.clone(), steps.clone())),
            several => {
                let places: Vec<&str> = several.iter().map(|p| p.2.as_str()).collect();
                return Err(format!(
                    "has parameters named {name:?} in {}; say which (`in = \"query\"`, `query parameter {name}`)",
                    places.join(" and ")
                ));
            }
        }
    }
    let place = location
        .as_ref()
        .map(|l| format!(" in {l}"))
        .unwrap_or_default();
    Err(format!(
        "has no parameter named {}{place}",
        either(&readings)
    ))
}

/// The places where `step` leads from the schema at `ptr`: its own property or items, else
/// those of its `allOf`/`anyOf`/`oneOf` parts; `$ref`s followed.
fn find_step(doc: &Value, ptr: &str, step: &Step, depth: usize) -> Vec<String> {
    let Ok(at) = deref(doc, ptr) else {
        return Vec::new();
    };
    let Some(Value::Object(m)) = doc.pointer(&at) else {
        return Vec::new();
    };
    let own = match step {
        Step::Property(n) => m
            .get("properties")
            .and_then(|p| p.get(n))
            .map(|_| diag::join(&diag::join(&at, "properties"), n)),
        Step::Items => m
            .get("items")
            .filter(|i| i.is_object())
            .map(|_| diag::join(&at, "items")),
    };
    if let Some(own) = own {
        return vec![own];
    }
    let mut out = Vec::new();
    if depth < MAX_HOPS {
        for key in ["allOf", "anyOf", "oneOf"] {
            let len = m.get(key).and_then(Value::as_array).map_or(0, Vec::len);
            for i in 0..len {
                let part = diag::join(&diag::join(&at, key), i);
                for p in find_step(doc, &part, step, depth + 1) {
                    if !out.contains(&p) {
                        out.push(p);
                    }
                }
            }
        }
    }
    out
}

/// A media type without its parameters, in lower case (`Text/Plain; charset=utf-8` →
/// `text/plain`).
pub(crate) fn media_essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The media types read as JSON.
pub(crate) fn is_json_media(content_type: &str) -> bool {
    let ct = media_essence(content_type);
    ct == "application/json"
        || ct.ends_with("+json")
        || ct == "*/*"
        || ct == "application/*"
        || ct.ends_with("/json")
}

/// A patch's `target` as a table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaceTable {
    operation: Option<String>,
    parameter: Option<String>,
    #[serde(rename = "in")]
    location: Option<String>,
    #[serde(default)]
    request_body: bool,
    response: Option<StatusKey>,
    schema: Option<String>,
    property: Option<String>,
}

/// A status written as a number (`200`) or as text (`"4XX"`, `"default"`).
#[derive(Deserialize)]
#[serde(untagged)]
enum StatusKey {
    Code(u16),
    Text(String),
}

impl TryFrom<PlaceTable> for Place {
    type Error = String;

    fn try_from(t: PlaceTable) -> Result<Place, String> {
        let steps = match &t.property {
            None => Vec::new(),
            Some(p) if p.is_empty() => return Err("`property` is empty".into()),
            Some(p) if p.starts_with("[]") => parse_steps(p)?,
            Some(p) => parse_steps(&format!(".{p}"))?,
        };
        let response = t.response.map(|s| match s {
            StatusKey::Code(c) => c.to_string(),
            StatusKey::Text(s) => s,
        });
        if let Some(l) = &t.location {
            if !LOCATIONS.contains(&l.as_str()) {
                return Err(format!(
                    "`in = {l:?}`: expected one of {}",
                    LOCATIONS.join(", ")
                ));
            }
            if t.parameter.is_none() {
                return Err("`in` says where a `parameter` is; there is none".into());
            }
        }
        match (t.operation, t.schema) {
            (Some(_), Some(_)) => Err("give `operation` or `schema`, not both".into()),
            (None, None) => Err("a target needs `operation` or `schema`".into()),
            (None, Some(name)) => {
                if t.parameter.is_some() || t.request_body || response.is_some() {
                    return Err(
                        "`parameter`, `request_body` and `response` go with `operation`".into(),
                    );
                }
                Ok(Place {
                    root: PlaceRoot::Schema(name),
                    steps,
                    joined: false,
                })
            }
            (Some(operation), None) => {
                let (method, path) = match operation.split_whitespace().collect::<Vec<_>>()[..] {
                    [m, p]
                        if METHODS.contains(&m.to_ascii_uppercase().as_str())
                            && p.starts_with('/') =>
                    {
                        (m.to_ascii_uppercase(), p.to_string())
                    }
                    _ => {
                        return Err(format!(
                            "`operation = {operation:?}`: expected \"METHOD /path\""
                        ))
                    }
                };
                let part = match (t.parameter, t.request_body, response) {
                    (None, false, None) => None,
                    (Some(name), false, None) => Some(OperationPart::Parameter {
                        name,
                        location: t.location,
                    }),
                    (None, true, None) => Some(OperationPart::RequestBody),
                    (None, false, Some(s)) => Some(OperationPart::Response(s)),
                    _ => {
                        return Err("give one of `parameter`, `request_body` and `response`".into())
                    }
                };
                if part.is_none() && !steps.is_empty() {
                    return Err("`property` needs a schema: `parameter`, `request_body`, `response` or `schema`".into());
                }
                Ok(Place {
                    root: PlaceRoot::Operation { method, path, part },
                    steps,
                    joined: false,
                })
            }
        }
    }
}

impl<'de> Deserialize<'de> for Place {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Place, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Place;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a place: text such as \"GET /items parameter id\", or a table such as { operation = \"GET /items\", parameter = \"id\" }")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Place, E> {
                Place::parse(v).map_err(E::custom)
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Place, A::Error> {
                let table =
                    PlaceTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Place::try_from(table).map_err(serde::de::Error::custom)
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "openapi": "3.1.0",
            "info": {"title": "Widgets", "version": "1"},
            "paths": {
                "/widgets": {
                    "parameters": [{"name": "tenant", "in": "header", "schema": {"type": "string"}}],
                    "get": {
                        "operationId": "list_widgets",
                        "parameters": [
                            {"$ref": "#/components/parameters/Cursor"},
                            {"name": "colour_in", "in": "query", "schema": {
                                "type": "array", "items": {"type": "string", "enum": ["red", "blue"]}
                            }},
                            {"name": "ids[]", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
                            {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["name", "size"]}}
                        ],
                        "responses": {"200": {"$ref": "#/components/responses/WidgetPage"}}
                    },
                    "post": {
                        "requestBody": {"content": {"application/json": {"schema": {
                            "type": "object",
                            "properties": {"shape": {"type": "object", "properties": {
                                "sides": {"type": "string", "enum": ["three", "four"]}
                            }}}
                        }}}},
                        "responses": {"201": {"description": "made", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/pkg.Widget"}
                        }}}}
                    }
                },
                "/things/{id}": {"get": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                        {"name": "id", "in": "query", "schema": {"type": "string"}}
                    ],
                    "responses": {"2XX": {"description": "ok"}}
                }}
            },
            "components": {
                "parameters": {"Cursor": {"name": "cursor", "in": "query", "schema": {"type": "string"}}},
                "responses": {"WidgetPage": {"description": "a page", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {
                        "next_cursor": {"type": "string"},
                        "data": {"type": "array", "items": {"$ref": "#/components/schemas/pkg.Widget"}}
                    }
                }}}}},
                "schemas": {
                    "pkg.Widget": {"allOf": [
                        {"$ref": "#/components/schemas/Base"},
                        {"type": "object", "properties": {"state": {"type": "string", "enum": ["on", "off"]}}}
                    ]},
                    "Base": {"type": "object", "properties": {
                        "name": {"type": "string"},
                        "tags": {"type": "array", "items": {"type": "object", "properties": {"label": {"type": "string"}}}}
                    }}
                }
            }
        })
    }

    /// (place, what `locate` gives (a patch target), what a name stands for (first of `schema_pointers`))
    const PLACES: &[(&str, &str, &str)] = &[
        ("pkg.Widget", "/components/schemas/pkg.Widget", "/components/schemas/pkg.Widget"),
        (
            "pkg.Widget.state",
            "/components/schemas/pkg.Widget/allOf/1/properties/state",
            "/components/schemas/pkg.Widget/allOf/1/properties/state",
        ),
        // Through an `allOf` part that is a reference.
        ("pkg.Widget.name", "/components/schemas/Base/properties/name", "/components/schemas/Base/properties/name"),
        (
            "Base.tags[].label",
            "/components/schemas/Base/properties/tags/items/properties/label",
            "/components/schemas/Base/properties/tags/items/properties/label",
        ),
        ("GET /widgets", "/paths/~1widgets/get", ""),
        // A `$ref`ed parameter, found by its name.
        ("GET /widgets parameter cursor", "/components/parameters/Cursor", "/components/parameters/Cursor/schema"),
        (
            "GET /widgets query parameter colour_in[]",
            "/paths/~1widgets/get/parameters/1/schema/items",
            "/paths/~1widgets/get/parameters/1/schema/items",
        ),
        // A name that ends in `[]` is the name when the spec has it.
        ("GET /widgets parameter ids[]", "/paths/~1widgets/get/parameters/2", "/paths/~1widgets/get/parameters/2/schema"),
        (
            "GET /widgets parameter ids[][]",
            "/paths/~1widgets/get/parameters/2/schema/items",
            "/paths/~1widgets/get/parameters/2/schema/items",
        ),
        // A parameter of the path item.
        ("GET /widgets header parameter tenant", "/paths/~1widgets/parameters/0", "/paths/~1widgets/parameters/0/schema"),
        (
            "POST /widgets request body",
            "/paths/~1widgets/post/requestBody",
            "/paths/~1widgets/post/requestBody/content/application~1json/schema",
        ),
        (
            "POST /widgets request body.shape.sides",
            "/paths/~1widgets/post/requestBody/content/application~1json/schema/properties/shape/properties/sides",
            "/paths/~1widgets/post/requestBody/content/application~1json/schema/properties/shape/properties/sides",
        ),
        // A `$ref`ed response.
        (
            "GET /widgets response 200",
            "/components/responses/WidgetPage",
            "/components/responses/WidgetPage/content/application~1json/schema",
        ),
        (
            "GET /widgets response 200.data[]",
            "/components/responses/WidgetPage/content/application~1json/schema/properties/data/items",
            "/components/responses/WidgetPage/content/application~1json/schema/properties/data/items",
        ),
        ("GET /things/{id} path parameter id", "/paths/~1things~1{id}/get/parameters/0", "/paths/~1things~1{id}/get/parameters/0/schema"),
        ("GET /things/{id} response 2xx", "/paths/~1things~1{id}/get/responses/2XX", ""),
    ];

    #[test]
    fn every_form_of_place_resolves() {
        let doc = doc();
        for (text, target, schema) in PLACES {
            let place = Place::parse(text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(place.to_string(), *text, "written back as it was");
            assert_eq!(
                place.locate(&doc).as_deref(),
                Ok(*target),
                "{text} as a patch target"
            );
            match place.schema_pointers(&doc) {
                Ok(ptrs) => assert_eq!(ptrs[0], *schema, "{text} as a name's place"),
                Err(miss) => assert_eq!(*schema, "", "{text}: {miss:?}"),
            }
        }
    }

    #[test]
    fn a_name_stands_for_what_its_place_leads_to() {
        let place = Place::parse("GET /widgets response 200.data[]").unwrap();
        assert_eq!(
            place.schema_pointers(&doc()).unwrap(),
            [
                "/components/responses/WidgetPage/content/application~1json/schema/properties/data/items",
                "/components/schemas/pkg.Widget",
            ]
        );
    }

    #[test]
    fn the_table_form_says_the_same_places() {
        #[derive(Deserialize)]
        struct T {
            target: Place,
        }
        let rows = [
            (
                r#"{ schema = "pkg.Widget", property = "state" }"#,
                "pkg.Widget.state",
            ),
            (
                r#"{ schema = "Base", property = "tags[].label" }"#,
                "Base.tags[].label",
            ),
            (
                r#"{ operation = "GET /widgets", parameter = "colour_in", in = "query" }"#,
                "GET /widgets query parameter colour_in",
            ),
            (
                r#"{ operation = "GET /widgets", parameter = "ids[]", property = "[]" }"#,
                "GET /widgets parameter ids[][]",
            ),
            (
                r#"{ operation = "post /widgets", request_body = true }"#,
                "POST /widgets request body",
            ),
            (
                r#"{ operation = "GET /widgets", response = 200, property = "data[]" }"#,
                "GET /widgets response 200.data[]",
            ),
            (
                r#"{ operation = "GET /things/{id}", response = "2XX" }"#,
                "GET /things/{id} response 2XX",
            ),
            (
                r#""GET /widgets parameter sort""#,
                "GET /widgets parameter sort",
            ),
        ];
        let doc = doc();
        for (table, text) in rows {
            let t: T = toml::from_str(&format!("target = {table}"))
                .unwrap_or_else(|e| panic!("{table}: {e}"));
            let written = Place::parse(text).unwrap();
            assert_eq!(t.target.to_string(), written.to_string());
            assert_eq!(t.target.locate(&doc), written.locate(&doc), "{table}");
        }
        for bad in [
            r#"{ operation = "GET /widgets", schema = "Base" }"#,
            r#"{ parameter = "sort" }"#,
            r#"{ operation = "GET /widgets", parameter = "sort", response = 200 }"#,
            r#"{ operation = "GET /widgets", in = "query" }"#,
            r#"{ operation = "GET /widgets", parameter = "sort", in = "body" }"#,
            r#"{ operation = "GET /widgets", property = "x" }"#,
            r#"{ operation = "widgets" }"#,
            r#"{ schema = "Base", colour = "red" }"#,
            r#""GET /widgets parameter""#,
            r#""Base .name""#,
        ] {
            assert!(
                toml::from_str::<T>(&format!("target = {bad}")).is_err(),
                "{bad} is accepted"
            );
        }
    }

    #[test]
    fn a_place_the_spec_does_not_have_says_what_is_missing() {
        let doc = doc();
        let rows = [
            (
                "GET /gadgets parameter x",
                "/paths",
                "the spec has no path \"/gadgets\"",
            ),
            (
                "DELETE /widgets",
                "/paths/~1widgets",
                "the spec has no operation DELETE /widgets (the path has GET, POST)",
            ),
            (
                "GET /widgets parameter colour",
                "/paths/~1widgets/get",
                "GET /widgets has no parameter named \"colour\"",
            ),
            (
                "GET /widgets path parameter sort",
                "/paths/~1widgets/get",
                "GET /widgets has no parameter named \"sort\" in path",
            ),
            (
                "GET /things/{id} parameter id",
                "/paths/~1things~1{id}/get",
                "has parameters named \"id\" in path and query; say which",
            ),
            (
                "GET /widgets response 404",
                "/paths/~1widgets/get",
                "GET /widgets has no response 404 (it has 200)",
            ),
            (
                "GET /widgets request body",
                "/paths/~1widgets/get",
                "GET /widgets has no request body",
            ),
            (
                "Base.size",
                "/components/schemas/Base",
                "has no property \"size\"",
            ),
            (
                "Gadget.size",
                "/components/schemas",
                "no component schema \"Gadget.size\" nor \"Gadget\"",
            ),
            (
                "Base.name[]",
                "/components/schemas/Base/properties/name",
                "has no array items",
            ),
        ];
        for (text, pointer, message) in rows {
            let miss = Place::parse(text).unwrap().locate(&doc).unwrap_err();
            assert_eq!(miss.pointer, pointer, "{text}: {miss:?}");
            assert!(miss.message.contains(message), "{text}: {}", miss.message);
        }
    }

    #[test]
    fn names_keys_are_places_pointers_or_names() {
        assert_eq!(Place::parse_key("#/components/schemas/Base"), None);
        assert_eq!(Place::parse_key("BaseName"), None);
        assert!(matches!(Place::parse_key("Base.name"), Some(Ok(_))));
        assert!(matches!(
            Place::parse_key("GET /widgets parameter sort"),
            Some(Ok(_))
        ));
        assert!(matches!(
            Place::parse_key("GET /widgets sort"),
            Some(Err(_))
        ));
    }

    // The customisation against a whole document: an entry that no longer addresses anything is
    // an error naming its section and key.

    fn spec() -> Value {
        let mut d = doc();
        d["paths"].as_object_mut().unwrap().remove("/things/{id}");
        d
    }

    fn lower(toml: &str) -> (Option<crate::ir::Api>, Vec<String>) {
        let mut d = crate::Diagnostics::new(Path::new("widgets.json"));
        let config = Config::parse(toml, &mut d).expect("valid customisation");
        let lowered = crate::lower_value(spec(), &config, &mut d);
        let errors: Vec<String> = d
            .items()
            .iter()
            .filter(|d| d.severity == crate::Severity::Error)
            .map(|d| d.to_string())
            .collect();
        assert_eq!(lowered.is_none(), !errors.is_empty());
        (lowered.map(|(api, _)| api), errors)
    }

    fn errors(toml: &str) -> Vec<String> {
        lower(toml).1
    }

    #[test]
    fn the_document_lowers_with_entries_that_fit() {
        let fitting = r##"
            [names.types]
            "pkg.Widget.state" = "WidgetState"
            "GET /widgets parameter colour_in[]" = "Colour"
            "POST /widgets request body.shape.sides" = "Sides"
            "#/paths/~1widgets/get/parameters/3/schema" = "SortField"
            [names.operations]
            "POST /widgets" = "make_widget"
            "list_widgets" = "widgets"
            [query]
            params = { "GET /widgets colour_in" = "comma" }
            [pagination]
            "GET /widgets" = { cursor_param = "cursor", cursor_field = "next_cursor", items_field = "data" }
            [waiters.widget_on]
            operation = "POST /widgets"
            field = "state"
            success = ["on"]
        "##;
        let (api, errors) = lower(fitting);
        assert_eq!(errors, Vec::<String>::new());
        let api = api.unwrap();
        let types: Vec<&str> = api.types.iter().map(|t| t.name()).collect();
        for name in ["WidgetState", "Colour", "Sides", "SortField"] {
            assert!(types.contains(&name), "{name} is not among {types:?}");
        }
        let ops: Vec<&str> = api.operations.iter().map(|o| o.ident.as_str()).collect();
        assert_eq!(ops, ["widgets", "make_widget"]);
        let list = &api.operations[0];
        assert!(list.pagination.is_some());
        assert_eq!(api.waiters.len(), 1);
    }

    /// (customisation, what its one error must say)
    const STALE: &[(&str, &[&str])] = &[
        (
            "[names.types]\n\"#/components/schemas/Gone/properties/x\" = \"GoneX\"",
            &["[names.types] \"#/components/schemas/Gone/properties/x\" = \"GoneX\" names nothing", "no type of the spec stands at #/components/schemas/Gone/properties/x"],
        ),
        (
            "[names.types]\n\"pkg.Widget.colour\" = \"WidgetColour\"",
            &["at #/components/schemas/pkg.Widget:", "[names.types] \"pkg.Widget.colour\" = \"WidgetColour\" addresses nothing", "has no property \"colour\""],
        ),
        (
            "[names.types]\n\"GET /widgets parameter shade[]\" = \"Shade\"",
            &["at #/paths/~1widgets/get:", "[names.types] \"GET /widgets parameter shade[]\" = \"Shade\" addresses nothing", "no parameter named \"shade[]\" nor \"shade\""],
        ),
        (
            "[names.types]\n\"Base.name\" = \"BaseName\"",
            &["at #/components/schemas/Base/properties/name:", "Base.name (#/components/schemas/Base/properties/name) is not a type of its own"],
        ),
        (
            "[names.types]\n\"GadgetState\" = \"State\"",
            &["[names.types] \"GadgetState\" = \"State\" names nothing", "no type is named \"GadgetState\""],
        ),
        (
            "[names.operations]\n\"GET /gadgets\" = \"gadgets\"",
            &["[names.operations] \"GET /gadgets\" = \"gadgets\" names nothing"],
        ),
        (
            "[names.operations]\n\"list_gadgets\" = \"gadgets\"",
            &["[names.operations] \"list_gadgets\" = \"gadgets\" names nothing", "none with this operationId"],
        ),
        (
            "[names.types]\n\"#/components/schemas/pkg.Widget/allOf/1/properties/state\" = \"State\"\n\"pkg.Widget.state\" = \"WidgetState\"",
            &["[names.types] \"pkg.Widget.state\" = \"WidgetState\" says the same place as \"#/components/schemas/pkg.Widget/allOf/1/properties/state\""],
        ),
        (
            "[names.operations]\n\"GET /widgets\" = \"widgets\"\n\"list_widgets\" = \"all_widgets\"",
            &["[names.operations] \"list_widgets\" = \"all_widgets\" names nothing", "named by its route"],
        ),
        (
            "[query]\nparams = { \"GET /widgets shade\" = \"comma\" }",
            &["at #/paths/~1widgets/get:", "[query] params \"GET /widgets shade\" addresses nothing", "no parameter named \"shade\" in query"],
        ),
        (
            "[query]\nparams = { \"GET /widgets sort\" = \"comma\" }",
            &["[query] params \"GET /widgets sort\" addresses nothing", "not a list"],
        ),
        (
            "[pagination]\n\"GET /gadgets\" = { items_field = \"data\" }",
            &["[pagination] \"GET /gadgets\" addresses nothing"],
        ),
        (
            "[pagination]\n\"GET /widgets\" = { items_field = \"entries\" }",
            &["[pagination] \"GET /widgets\" does not fit the operation", "no field \"entries\""],
        ),
        (
            "[pagination]\n\"POST /widgets\" = { disabled = true }",
            &["[pagination] \"POST /widgets\" disables pagination", "no longer needed"],
        ),
        (
            "[waiters.gadget]\noperation = \"GET /gadgets\"\nfield = \"state\"\nsuccess = [\"on\"]",
            &["[waiters.gadget] does not fit the spec", "\"GET /gadgets\" is not an operation"],
        ),
        (
            "[waiters.widget]\noperation = \"POST /widgets\"\nfield = \"colour\"\nsuccess = [\"on\"]",
            &["[waiters.widget] does not fit the spec", "has no field `colour`"],
        ),
        (
            "[waiters.widget]\noperation = \"POST /widgets\"\nfield = \"state\"\nsuccess = [\"lit\"]",
            &["[waiters.widget] does not fit the spec", "states the spec does not list", "\"lit\""],
        ),
    ];

    #[test]
    fn an_entry_that_addresses_nothing_is_an_error_naming_it() {
        for (toml, wanted) in STALE {
            let errors = errors(toml);
            assert_eq!(errors.len(), 1, "{toml}: {errors:#?}");
            assert!(
                errors[0].starts_with("error: widgets.json"),
                "{}",
                errors[0]
            );
            assert!(errors[0].contains("customisation "), "{}", errors[0]);
            for w in *wanted {
                assert!(errors[0].contains(w), "{toml}:\n{}\nlacks {w:?}", errors[0]);
            }
        }
    }
}
