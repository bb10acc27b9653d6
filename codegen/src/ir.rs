//! The project's own model of an API: plain data, every name final and a valid Rust identifier.
//!
//! `lower` builds it from `openapiv3`; `emit` turns it into Rust. Nothing here knows OpenAPI.

/// A whole API, ready to emit.
#[derive(Debug, Clone)]
pub struct Api {
    /// Package name (`vast-client`).
    pub package: String,
    /// Library name (`vast_client`).
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
    /// Whether any operation uses bearer (or API key) authentication.
    pub auth: bool,
    /// Named types, in emission order.
    pub types: Vec<TypeDef>,
    /// Operations, in emission order.
    pub operations: Vec<Operation>,
    /// Notes for the API report (fixes applied, fallbacks taken).
    pub notes: Vec<String>,
}

/// A use of a type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
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
    /// A named type (index into `Api::types` is resolved to the name already).
    Named(String),
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Option<T>` because the value may be `null`.
    Nullable(Box<TypeRef>),
    /// `()`: no body.
    Unit,
}

impl TypeRef {
    /// Strips one `Nullable` layer.
    pub fn non_null(&self) -> &TypeRef {
        match self {
            TypeRef::Nullable(t) => t,
            t => t,
        }
    }

    /// True when the type is `Nullable`.
    pub fn is_nullable(&self) -> bool {
        matches!(self, TypeRef::Nullable(_))
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
    /// Where the schema is (for the report).
    pub pointer: String,
    /// Whether the type can derive `Eq` (no floats, no JSON values inside).
    pub eq: bool,
    /// Whether every field is optional (the type can derive `Default`).
    pub default: bool,
}

/// A struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// Rust identifier.
    pub ident: String,
    /// Name on the wire.
    pub wire: String,
    /// Type as the wire has it (`Nullable` when `null` is allowed).
    pub ty: TypeRef,
    /// Whether the field must be present.
    pub required: bool,
    /// Whether the value is boxed (the field closes a cycle of structs).
    pub boxed: bool,
    /// Rustdoc.
    pub doc: Option<String>,
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

/// How an array query parameter is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryStyle {
    /// One value, as `Display` writes it.
    Single,
    /// `name=a&name=b`.
    Exploded,
    /// `name=a<d>b` with the delimiter.
    Delimited(&'static str),
    /// The value serialised as JSON into one pair.
    Json,
}

/// An operation parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Rust identifier (argument and setter name).
    pub ident: String,
    /// Name on the wire.
    pub wire: String,
    /// Location.
    pub location: ParamIn,
    /// Value type (array element type for arrays; never `Nullable`).
    pub ty: TypeRef,
    /// Whether the caller must give it.
    pub required: bool,
    /// Query serialisation.
    pub style: QueryStyle,
    /// Rustdoc.
    pub doc: Option<String>,
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
pub struct Body {
    /// Its type.
    pub ty: TypeRef,
    /// Whether it must be sent.
    pub required: bool,
    /// Rustdoc.
    pub doc: Option<String>,
}

/// One documented response.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Status pattern.
    pub status: StatusMatch,
    /// Variant name in the error enum (unused for success).
    pub variant: String,
    /// Body type; `Unit` when there is none.
    pub ty: TypeRef,
    /// Whether the body is JSON (else raw bytes or nothing).
    pub json: bool,
    /// Rustdoc (the response description).
    pub doc: Option<String>,
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

/// Pagination of a list operation.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// Index into `params` of the cursor parameter.
    pub cursor_param: usize,
    /// Response field (Rust ident) holding the next cursor, and whether it is nullable/optional.
    pub cursor_field: String,
    /// Whether the cursor field is an `Option`.
    pub cursor_optional: bool,
    /// Response field (Rust ident) holding the items.
    pub items_field: String,
    /// Item type.
    pub item: TypeRef,
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
    /// Success type (the 2xx body).
    pub success: TypeRef,
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
}
