//! The project's own model of an API: plain data, every name final and a valid Rust identifier.
//!
//! `lower` builds it from `openapiv3`; `emit` turns it into Rust and `report` into `API.md`.
//! Nothing here knows OpenAPI.
//!
//! The types that hold type references are generic over what names a type (`N`): lowering
//! fills them with its own handles to definitions that are not named yet, and turns them into
//! the final names (`N = String`, the default) once every name is chosen, so no placeholder can
//! reach emission.

use std::collections::BTreeMap;
use std::fmt;

/// A whole API, ready to emit.
#[derive(Debug, Clone)]
pub struct Api {
    /// Package name (`petstore-client`).
    pub package: String,
    /// Library name (`petstore_client`).
    pub lib_name: String,
    /// Package version.
    pub version: String,
    /// One-line package description.
    pub description: String,
    /// License expression.
    pub license: String,
    /// How the generated Cargo.toml names the runtime dependency (a TOML inline table body).
    pub runtime_dep: String,
    /// API title.
    pub title: String,
    /// API version as the spec states it.
    pub api_version: String,
    /// Long description of the API.
    pub doc: Option<String>,
    /// Default base URL.
    pub base_url: String,
    /// Environment variable holding the API key.
    pub api_key_env: String,
    /// Environment variable that overrides the base URL.
    pub base_url_env: String,
    /// Whether any operation uses bearer (or API key) authentication.
    pub auth: bool,
    /// Named types, in emission order.
    pub types: Vec<TypeDef>,
    /// Operations, in emission order.
    pub operations: Vec<Operation>,
    /// Waiters, in name order.
    pub waiters: Vec<Waiter>,
    /// Where each named type stands in the spec: its JSON pointers, with parameters written by
    /// place and name (`parameters/query:limit`) rather than position. What identifies a type
    /// from one version of the spec to the next.
    pub places: BTreeMap<String, Vec<String>>,
    /// Deprecated names kept for items that were renamed upstream.
    pub aliases: Aliases,
    /// The crate's cargo features that each enable a group of operations (by default the spec's
    /// tags), in name order; empty when the operations are not grouped.
    pub features: Vec<Feature>,
    /// The features any one of which a type needs, by type name: those of the operations that
    /// reach it. A type missing here is always compiled (no operation reaches it).
    pub gates: BTreeMap<String, Vec<String>>,
}

/// A cargo feature of the generated crate: a group of operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    /// Its name in `Cargo.toml`.
    pub name: String,
    /// What it holds, for the comment beside it.
    pub doc: String,
}

impl Api {
    /// The features any one of which the type `name` needs (empty: always compiled).
    pub fn gate(&self, name: &str) -> &[String] {
        self.gates.get(name).map_or(&[], Vec::as_slice)
    }
}

/// Deprecated names of renamed items, each the old name → the current one.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Aliases {
    /// Client methods.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub methods: BTreeMap<String, String>,
    /// Request builders (`builders` module).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub builders: BTreeMap<String, String>,
    /// Error enums (`errors` module).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub errors: BTreeMap<String, String>,
    /// Types (`types` module).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub types: BTreeMap<String, String>,
}

impl Aliases {
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.methods.is_empty()
            && self.builders.is_empty()
            && self.errors.is_empty()
            && self.types.is_empty()
    }
}

/// A waiter: `client.wait_until_<name>(…)` polls an operation until a field of its response
/// reaches a state.
#[derive(Debug, Clone)]
pub struct Waiter {
    /// Method name on the client (`wait_until_instance_running`).
    pub ident: String,
    /// Its builder type (`WaitUntilInstanceRunning`).
    pub builder: String,
    /// Index into `Api::operations` of the operation polled.
    pub operation: usize,
    /// The fields from the response to the state: `(Rust ident, whether it is an `Option`)`.
    pub path: Vec<(String, bool)>,
    /// The wire path, as the customisation file writes it.
    pub field: String,
    /// The states that end the wait successfully.
    pub success: Vec<String>,
    /// The states that end it in failure.
    pub failure: Vec<String>,
    /// The first wait between polls, in milliseconds.
    pub interval_ms: u64,
    /// The longest wait between polls, in milliseconds.
    pub max_interval_ms: u64,
    /// The default deadline of the whole wait, in milliseconds.
    pub timeout_ms: u64,
    /// Rustdoc.
    pub doc: Option<String>,
}

/// A use of a type. `N` names a type: the final Rust name, or a handle while lowering.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef<N = String> {
    /// `String`.
    String,
    /// An integer of the given Rust type name (`i64`, `i32`, `u64`…).
    Integer(&'static str),
    /// A float of the given Rust type name.
    Number(&'static str),
    /// `bool`.
    Boolean,
    /// Any JSON value.
    Json,
    /// Raw bytes (non-JSON bodies).
    Bytes,
    /// A string of a known format, kept as the server wrote it (`sdkgen_runtime::Timestamp`…).
    Formatted(Format),
    /// A named type.
    Named(N),
    /// `Vec<T>`.
    Array(Box<TypeRef<N>>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef<N>>),
    /// `Option<T>` because the value may be `null`.
    Nullable(Box<TypeRef<N>>),
    /// `()`: no body.
    Unit,
    /// A file part of a multipart body (`sdkgen_runtime::FilePart`: bytes or a file read once,
    /// with a file name and a content type).
    File,
}

impl<N> TypeRef<N> {
    /// Strips one `Nullable` layer.
    pub fn non_null(&self) -> &TypeRef<N> {
        match self {
            TypeRef::Nullable(t) => t,
            t => t,
        }
    }

    /// True when the type is `Nullable`.
    pub fn is_nullable(&self) -> bool {
        matches!(self, TypeRef::Nullable(_))
    }

    /// Every name the type holds (`Vec<Option<Widget>>` → `Widget`), pushed onto `out`.
    pub fn names_into<'a>(&'a self, out: &mut Vec<&'a N>) {
        match self {
            TypeRef::Named(n) => out.push(n),
            TypeRef::Array(i) | TypeRef::Map(i) | TypeRef::Nullable(i) => i.names_into(out),
            _ => {}
        }
    }

    /// The name of a `Named` type.
    pub fn name(&self) -> Option<&N> {
        match self {
            TypeRef::Named(n) => Some(n),
            _ => None,
        }
    }

    /// `Option<self>`; a type that is nullable already, or any JSON value (`null` included),
    /// stays as it is.
    pub fn or_null(self) -> TypeRef<N> {
        match self {
            TypeRef::Nullable(_) | TypeRef::Json => self,
            t => TypeRef::Nullable(Box::new(t)),
        }
    }

    /// The same type with every name replaced by what `f` makes of it (which may be any type:
    /// a name can stand for an alias). Never nests `Nullable` (see [`TypeRef::or_null`]).
    pub fn map_named<M>(&self, f: &mut impl FnMut(&N) -> TypeRef<M>) -> TypeRef<M> {
        match self {
            TypeRef::String => TypeRef::String,
            TypeRef::Integer(n) => TypeRef::Integer(n),
            TypeRef::Number(n) => TypeRef::Number(n),
            TypeRef::Boolean => TypeRef::Boolean,
            TypeRef::Json => TypeRef::Json,
            TypeRef::Bytes => TypeRef::Bytes,
            TypeRef::Formatted(f) => TypeRef::Formatted(*f),
            TypeRef::Unit => TypeRef::Unit,
            TypeRef::File => TypeRef::File,
            TypeRef::Named(n) => f(n),
            TypeRef::Array(i) => TypeRef::Array(Box::new(i.map_named(f))),
            TypeRef::Map(i) => TypeRef::Map(Box::new(i.map_named(f))),
            TypeRef::Nullable(i) => i.map_named(f).or_null(),
        }
    }
}

/// The string formats with a type of their own in the runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// `date-time` (RFC 3339): `Timestamp`.
    DateTime,
    /// `date` (`2024-05-01`): `Date`.
    Date,
    /// `duration` (ISO 8601, `P1DT2H`): `IsoDuration`.
    Duration,
}

impl Format {
    /// The runtime's type for the format.
    pub fn runtime_type(self) -> &'static str {
        match self {
            Format::DateTime => "Timestamp",
            Format::Date => "Date",
            Format::Duration => "IsoDuration",
        }
    }
}

/// How the type reads in prose (`Vec<Pet>`, `JSON value`): the report and docs.
impl fmt::Display for TypeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeRef::String => f.write_str("String"),
            TypeRef::Integer(n) | TypeRef::Number(n) => f.write_str(n),
            TypeRef::Boolean => f.write_str("bool"),
            TypeRef::Json => f.write_str("JSON value"),
            TypeRef::Bytes => f.write_str("bytes"),
            TypeRef::Formatted(format) => f.write_str(format.runtime_type()),
            TypeRef::Named(n) => f.write_str(n),
            TypeRef::Array(i) => write!(f, "Vec<{i}>"),
            TypeRef::Map(i) => write!(f, "BTreeMap<String, {i}>"),
            TypeRef::Nullable(i) => write!(f, "Option<{i}>"),
            TypeRef::Unit => f.write_str("()"),
            TypeRef::File => f.write_str("file"),
        }
    }
}

/// A named type.
#[derive(Debug, Clone)]
pub enum TypeDef {
    /// A struct with named fields.
    Struct(StructDef),
    /// A forward-compatible string enum.
    Enum(EnumDef),
    /// An untagged union of alternatives.
    Union(UnionDef),
    /// A named alias of another type (`pub type X = Vec<Y>`).
    Alias(AliasDef),
}

impl TypeDef {
    /// The type's name.
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Struct(s) => &s.name,
            TypeDef::Enum(e) => &e.name,
            TypeDef::Union(u) => &u.name,
            TypeDef::Alias(a) => &a.name,
        }
    }

    /// The names of the types it holds: fields and additional properties, variants, target.
    pub fn held_names(&self) -> Vec<&str> {
        let mut out: Vec<&String> = Vec::new();
        match self {
            TypeDef::Struct(s) => {
                for f in &s.fields {
                    f.ty.names_into(&mut out);
                }
                if let Some(a) = &s.additional {
                    a.names_into(&mut out);
                }
            }
            TypeDef::Enum(_) => {}
            TypeDef::Union(u) => {
                for (_, t) in &u.variants {
                    t.names_into(&mut out);
                }
            }
            TypeDef::Alias(a) => a.target.names_into(&mut out),
        }
        out.into_iter().map(String::as_str).collect()
    }
}

/// A struct.
#[derive(Debug, Clone)]
pub struct StructDef {
    /// Type name.
    pub name: String,
    /// Rustdoc.
    pub doc: Option<String>,
    /// Fields in spec order.
    pub fields: Vec<Field>,
    /// Type of additional properties kept beside the named fields, if the schema allows them typed.
    pub additional: Option<TypeRef>,
    /// Whether the type can derive `Eq` (no floats, no JSON values inside).
    pub eq: bool,
    /// Whether every field is optional (the type can derive `Default`).
    pub default: bool,
    /// Whether a value of the type has constraints to check, in its own fields or in the
    /// structs it holds (it then implements `sdkgen_runtime::Constrained`).
    pub checked: bool,
}

/// A struct field.
#[derive(Debug, Clone)]
pub struct Field<N = String> {
    /// Rust identifier.
    pub ident: String,
    /// Name on the wire.
    pub wire: String,
    /// Type as the wire has it (`Nullable` when `null` is allowed).
    pub ty: TypeRef<N>,
    /// Whether the field must be present.
    pub required: bool,
    /// Whether the value is boxed (the field closes a cycle of structs).
    pub boxed: bool,
    /// Rustdoc.
    pub doc: Option<String>,
    /// What its schema says beyond the type (see [`Param::details`]).
    pub details: Vec<String>,
    /// What the value must be, checked before a request that carries it is sent.
    pub constraints: Constraints,
    /// Whether the value's type has checks of its own (see [`StructDef::checked`]).
    pub holds_checked: bool,
}

/// A forward-compatible string enum.
#[derive(Debug, Clone)]
pub struct EnumDef {
    /// Type name.
    pub name: String,
    /// Rustdoc.
    pub doc: Option<String>,
    /// `(variant ident, wire value)` in spec order.
    pub variants: Vec<(String, String)>,
    /// Name of the catch-all variant (`Unknown`, or `Other` if a value already took `Unknown`).
    pub fallback: String,
}

/// An untagged union.
#[derive(Debug, Clone)]
pub struct UnionDef {
    /// Type name.
    pub name: String,
    /// Rustdoc.
    pub doc: Option<String>,
    /// `(variant ident, type)`, tried in order.
    pub variants: Vec<(String, TypeRef)>,
    /// Per variant: whether its value is boxed (the variant closes a cycle of unions).
    pub boxed: Vec<bool>,
    /// Whether the type can derive `Eq`.
    pub eq: bool,
    /// How a discriminated union picks its variant, if it is one.
    pub discriminator: Option<Discriminator>,
}

/// The property whose value names a union's variant (`oneOf` with `discriminator`).
#[derive(Debug, Clone)]
pub struct Discriminator {
    /// Name of the property on the wire.
    pub property: String,
    /// Per variant, in variant order: the tag values that select it.
    pub tags: Vec<Vec<String>>,
    /// Name of the variant that keeps values with another tag (`Unknown`, or `Other`).
    pub fallback: String,
}

impl Discriminator {
    /// The tag values of variant `i` as Markdown code spans: `` `cat`, `kitten` ``.
    pub fn tag_list(&self, i: usize) -> String {
        let tags: Vec<String> = self
            .tags
            .get(i)
            .into_iter()
            .flatten()
            .map(|t| format!("`{t}`"))
            .collect();
        tags.join(", ")
    }
}

/// A type alias.
#[derive(Debug, Clone)]
pub struct AliasDef {
    /// Type name.
    pub name: String,
    /// Rustdoc.
    pub doc: Option<String>,
    /// The aliased type.
    pub target: TypeRef,
    /// Emitted as a transparent newtype struct instead, because the type contains itself
    /// (`Tree = BTreeMap<String, Tree>`), which an alias cannot.
    pub newtype: bool,
    /// Whether the newtype can derive `Eq`.
    pub eq: bool,
}

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl Method {
    /// Upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamIn {
    /// A path segment.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
}

/// What a parameter's value is on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamValue<N = String> {
    /// One value, written with `Display` (never `Nullable`).
    Scalar(TypeRef<N>),
    /// A list of `item`s, written as `style` says.
    List {
        /// The type of one element (never `Nullable`).
        item: TypeRef<N>,
        /// How the elements are written.
        style: ListStyle,
    },
    /// Any value, serialised as JSON into one string.
    Json(TypeRef<N>),
}

impl<N> ParamValue<N> {
    /// The type of the value, or of one element of a list.
    pub fn ty(&self) -> &TypeRef<N> {
        match self {
            ParamValue::Scalar(t) | ParamValue::Json(t) | ParamValue::List { item: t, .. } => t,
        }
    }
}

/// How the elements of a list parameter are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListStyle {
    /// One pair per element: `name=a&name=b` (query `form` with `explode`).
    Repeated,
    /// One value, the elements joined by the delimiter: `a,b` (`form` without `explode`,
    /// `simple` in paths and headers), `a|b` (`pipeDelimited`), `a b` (`spaceDelimited`).
    Joined(&'static str),
}

/// How the report and docs say a list is written: `, repeated`, `, joined by ","`.
impl fmt::Display for ListStyle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListStyle::Repeated => f.write_str("repeated"),
            ListStyle::Joined(d) => write!(f, "joined by {d:?}"),
        }
    }
}

/// An operation parameter.
#[derive(Debug, Clone)]
pub struct Param<N = String> {
    /// Rust identifier (argument and setter name).
    pub ident: String,
    /// Name on the wire.
    pub wire: String,
    /// Location.
    pub location: ParamIn,
    /// The value, as the wire has it.
    pub value: ParamValue<N>,
    /// Whether the caller must give it.
    pub required: bool,
    /// Rustdoc: the spec's description of the parameter (or of its schema).
    pub doc: Option<String>,
    /// What its schema says beyond the type, as short phrases (`range `1..=100``,
    /// `default `20``, `example `abc``), for docs and the report.
    pub details: Vec<String>,
    /// What the value must be, checked before a request is sent.
    pub constraints: Constraints,
}

/// What a parameter's schema demands beyond its type, which the client checks before sending.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// The lowest value allowed.
    pub minimum: Option<Bound>,
    /// The highest value allowed.
    pub maximum: Option<Bound>,
    /// The fewest characters of a string.
    pub min_length: Option<u64>,
    /// The most characters of a string.
    pub max_length: Option<u64>,
    /// The fewest elements of a list.
    pub min_items: Option<u64>,
    /// The most elements of a list.
    pub max_items: Option<u64>,
    /// The only numbers allowed (`enum` on a number), as written in the spec.
    pub allowed: Vec<String>,
}

impl Constraints {
    /// Whether there is nothing to check.
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// A numeric bound, as the spec writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    /// The number (`1`, `0.5`).
    pub value: String,
    /// Whether the bound itself is excluded.
    pub exclusive: bool,
}

/// A path template piece.
#[derive(Debug, Clone)]
pub enum PathPart {
    /// Literal text, kept exactly (trailing slashes included).
    Literal(String),
    /// A parameter's value, percent-encoded (index into `Operation::params`).
    Param(usize),
}

/// The request body.
#[derive(Debug, Clone)]
pub struct Body<N = String> {
    /// Its type: what the caller gives (for a multipart body, the form type of its fields; for
    /// a binary one, `Bytes`).
    pub ty: TypeRef<N>,
    /// How it is put on the wire.
    pub media: BodyMedia<N>,
    /// The other media types the spec documents for it, which the caller may choose instead
    /// (the body is then an enum of the choices, `ty`/`media` its first variant).
    pub alternatives: Vec<BodyVariant<N>>,
    /// Whether its type has constraints to check before sending (see [`StructDef::checked`]).
    pub checked: bool,
    /// Whether it must be sent.
    pub required: bool,
    /// Rustdoc.
    pub doc: Option<String>,
}

impl<N> Body<N> {
    /// Every media type it may be sent as, the first one first, each with its type.
    pub fn variants(&self) -> impl Iterator<Item = (&BodyMedia<N>, &TypeRef<N>)> {
        std::iter::once((&self.media, &self.ty))
            .chain(self.alternatives.iter().map(|v| (&v.media, &v.ty)))
    }

    /// [`variants`](Self::variants), their types to change.
    pub fn variants_mut(&mut self) -> impl Iterator<Item = (&BodyMedia<N>, &mut TypeRef<N>)> {
        std::iter::once((&self.media, &mut self.ty))
            .chain(self.alternatives.iter_mut().map(|v| (&v.media, &mut v.ty)))
    }
}

/// A media type a request body may be sent as, besides its first.
#[derive(Debug, Clone)]
pub struct BodyVariant<N = String> {
    /// Its type.
    pub ty: TypeRef<N>,
    /// How it is put on the wire.
    pub media: BodyMedia<N>,
}

impl<N> BodyMedia<N> {
    /// The name of the choice of this media type (`Json`, `Form`, `Multipart`, `Bytes`, `Text`).
    pub fn choice(&self) -> &'static str {
        match self {
            BodyMedia::Json => "Json",
            BodyMedia::Form { .. } => "Form",
            BodyMedia::Multipart { .. } => "Multipart",
            BodyMedia::Binary { .. } => "Bytes",
            BodyMedia::Text { .. } => "Text",
        }
    }
}

/// How a request body is put on the wire.
#[derive(Debug, Clone)]
pub enum BodyMedia<N = String> {
    /// JSON (`application/json`, `…+json`).
    Json,
    /// `application/x-www-form-urlencoded`: the fields of the body's type as form pairs.
    Form {
        /// The media type as the spec writes it.
        content_type: String,
        /// What the spec's `encoding` object says of each property that has one.
        encoding: Vec<PartEncoding>,
    },
    /// `multipart/form-data`: one part per field of the form type.
    Multipart {
        /// The media type as the spec writes it.
        content_type: String,
        /// The form's fields, in schema order.
        fields: Vec<FormField<N>>,
    },
    /// Bytes given as they are (`application/octet-stream`, `image/png`…).
    Binary {
        /// The media type sent.
        content_type: String,
    },
    /// Text (`text/plain`…).
    Text {
        /// The media type sent.
        content_type: String,
    },
}

/// The `encoding` of one property of a form or multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartEncoding {
    /// The property's wire name.
    pub wire: String,
    /// `explode`, when the spec states it.
    pub explode: Option<bool>,
    /// `contentType`, when the spec states it.
    pub content_type: Option<String>,
}

/// One field of a multipart form.
#[derive(Debug, Clone)]
pub struct FormField<N = String> {
    /// Rust field name.
    pub ident: String,
    /// The part's name.
    pub wire: String,
    /// Its type: [`TypeRef::File`] (or a list of them) for files, otherwise a value sent as
    /// text (a string, a number, …) or as JSON (objects and arrays).
    pub ty: TypeRef<N>,
    /// Whether it must be given.
    pub required: bool,
    /// The part's content type when the `encoding` object states one.
    pub content_type: Option<String>,
    /// Rustdoc.
    pub doc: Option<String>,
}

/// How a response body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseFormat {
    /// JSON, decoded into the type.
    Json,
    /// Text (`text/plain`…), as a `String`.
    Text,
    /// Bytes (`application/octet-stream`, images…): a download, limited by the client's
    /// download limit and also readable as a stream.
    Binary,
    /// `text/event-stream`: server-sent events, each event's data decoded into the type.
    Events,
    /// No body.
    Empty,
}

/// One documented response.
#[derive(Debug, Clone)]
pub struct Outcome<N = String> {
    /// Status pattern.
    pub status: StatusMatch,
    /// Variant name in the error enum (empty for a success).
    pub variant: String,
    /// Body type; `Unit` when there is none.
    pub ty: TypeRef<N>,
    /// How the body is read.
    pub format: ResponseFormat,
    /// Rustdoc (the response description).
    pub doc: Option<String>,
}

impl<N> Outcome<N> {
    /// Whether the body is JSON (else raw bytes, text, events or nothing).
    pub fn is_json(&self) -> bool {
        self.format == ResponseFormat::Json
    }
}

/// Which statuses a response covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    /// Exactly this code.
    Code(u16),
    /// `4XX` etc.: `n00..=n99`.
    Range(u16),
    /// Everything not matched otherwise.
    Default,
}

/// What a successful call returns.
#[derive(Debug, Clone)]
pub struct Success<N = String> {
    /// The type every 2xx body decodes as; `Unit` when no documented 2xx has a body.
    pub body: TypeRef<N>,
    /// Whether some documented 2xx has no body while others have one: the call then returns
    /// `Option` of the body, `None` for the body-less statuses.
    pub body_may_be_absent: bool,
}

impl Success {
    /// The type the call returns.
    pub fn returns(&self) -> TypeRef {
        if self.body_may_be_absent {
            TypeRef::Nullable(Box::new(self.body.non_null().clone()))
        } else {
            self.body.clone()
        }
    }
}

/// Pagination of a list operation.
#[derive(Debug, Clone)]
pub struct Pagination<N = String> {
    /// Index into `params` of the cursor parameter.
    pub cursor_param: usize,
    /// Response field (Rust ident) holding the next cursor, and whether it is nullable/optional.
    pub cursor_field: String,
    /// Whether the cursor field is an `Option`.
    pub cursor_optional: bool,
    /// Response field (Rust ident) holding the items.
    pub items_field: String,
    /// Whether the items field is an `Option` (absent or `null`: an empty page).
    pub items_optional: bool,
    /// Item type.
    pub item: TypeRef<N>,
    /// Index into `params` of the page-size parameter, if any.
    pub limit_param: Option<usize>,
}

/// One operation: one method on the client.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Method name (snake case).
    pub ident: String,
    /// Builder type name (Pascal case).
    pub builder: String,
    /// Error enum name.
    pub error: String,
    /// HTTP method.
    pub method: Method,
    /// Path template as in the spec.
    pub path: String,
    /// The template split into literals and parameters.
    pub path_parts: Vec<PathPart>,
    /// Parameters: path, then query, then header, each in spec order.
    pub params: Vec<Param>,
    /// Request body.
    pub body: Option<Body>,
    /// What a successful call returns.
    pub success: Success,
    /// Success responses.
    pub successes: Vec<Outcome>,
    /// Documented error responses.
    pub errors: Vec<Outcome>,
    /// Summary line.
    pub summary: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Whether the operation is deprecated.
    pub deprecated: bool,
    /// Base URL override for this operation (`servers` on the path or operation).
    pub server: Option<String>,
    /// Whether the operation sends the API key.
    pub auth: bool,
    /// Pagination, when recognised.
    pub pagination: Option<Pagination>,
    /// The tags the spec gives it, in its order.
    pub tags: Vec<String>,
    /// The cargo features any one of which enables it (empty: always compiled).
    pub features: Vec<String>,
}

impl Operation {
    /// `"METHOD /path"`: how the customisation file and the change report name it.
    pub fn route(&self) -> String {
        format!("{} {}", self.method.as_str(), self.path)
    }
}
