//! The public Rust API of a generated crate, as its users see it: every client method with its
//! arguments, setters, result and errors, and every type with its fields or variants.
//!
//! It is kept (in the name lock, see [`crate::lock`]) so that the next generation can say what
//! changed for users ([`crate::changes`]). It is made from the model alone, so it names Rust
//! items, not places in the spec; each method says which operation it calls.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::ir::{self, Api, ParamValue, TypeDef, TypeRef};
use crate::naming::unraw;

/// The public API of one crate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Surface {
    /// Client methods by name.
    pub methods: BTreeMap<String, Method>,
    /// Types of the `types` module by name.
    pub types: BTreeMap<String, Type>,
    /// Deprecated names kept for items renamed upstream.
    #[serde(default, skip_serializing_if = "ir::Aliases::is_empty")]
    pub aliases: ir::Aliases,
    /// The cargo features that enable groups of operations (none: every operation always
    /// compiled).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
    /// The features any one of which a type needs, by type (absent: always compiled).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub gates: BTreeMap<String, Vec<String>>,
}

/// One client method.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Method {
    /// The operation it calls (`GET /things/{id}`), or what it is (`waiter polling GET
    /// /things/{id}`, see [`Method::is_waiter`]).
    pub operation: String,
    /// Its arguments in order, each `name: Type`.
    pub args: Vec<String>,
    /// The setters of its request builder: name → type.
    pub setters: BTreeMap<String, String>,
    /// What `.await` gives on success.
    pub returns: String,
    /// The request builder type.
    pub builder: String,
    /// The error enum.
    pub error: String,
    /// The error enum's variants: name → payload type (empty for none).
    pub errors: BTreeMap<String, String>,
    /// The item type of `items()`, for a paginated operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<String>,
    /// Whether the spec marks it deprecated.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// The cargo features any one of which enables it (none: always compiled).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
    /// A digest of its documentation.
    pub docs: String,
}

/// How the `operation` of a waiter starts.
const WAITER: &str = "waiter polling ";

impl Method {
    /// Whether it is a waiter (`wait_until_…`) rather than an operation's method.
    pub fn is_waiter(&self) -> bool {
        self.operation.starts_with(WAITER)
    }
}

/// One type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Type {
    /// A struct.
    Struct {
        /// Fields: name → field.
        fields: BTreeMap<String, Field>,
        /// Whether callers build it (it reaches a request): a new required field breaks them.
        input: bool,
        /// Whether it implements `Default`.
        default: bool,
        /// A digest of its documentation and its fields'.
        docs: String,
    },
    /// A string enum: its values as sent.
    Enum {
        /// The wire values.
        values: BTreeSet<String>,
        /// A digest of its documentation.
        docs: String,
    },
    /// A union: variant → payload type.
    Union {
        /// The variants.
        variants: BTreeMap<String, String>,
        /// A digest of its documentation.
        docs: String,
    },
    /// An alias or newtype of another type.
    Alias {
        /// The aliased type.
        target: String,
        /// Whether it is a newtype (`struct A(T)`) rather than `type A = T`.
        newtype: bool,
        /// A digest of its documentation.
        docs: String,
    },
}

/// One struct field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Its Rust type.
    #[serde(rename = "type")]
    pub ty: String,
    /// Whether the wire requires it.
    pub required: bool,
}

impl Type {
    /// What kind of type it is, in words.
    pub fn kind(&self) -> &'static str {
        match self {
            Type::Struct { .. } => "struct",
            Type::Enum { .. } => "enum",
            Type::Union { .. } => "union",
            Type::Alias { .. } => "alias",
        }
    }

    /// The digest of its documentation.
    pub fn docs(&self) -> &str {
        match self {
            Type::Struct { docs, .. }
            | Type::Enum { docs, .. }
            | Type::Union { docs, .. }
            | Type::Alias { docs, .. } => docs,
        }
    }
}

/// A Rust type as text (`Vec<Thing>`, `Option<String>`).
pub fn type_text(t: &TypeRef) -> String {
    match t {
        TypeRef::String => "String".into(),
        TypeRef::Integer(n) | TypeRef::Number(n) => (*n).into(),
        TypeRef::Boolean => "bool".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::Bytes => "Vec<u8>".into(),
        TypeRef::Formatted(f) => f.runtime_type().into(),
        TypeRef::Named(n) => unraw(n).into(),
        TypeRef::Array(i) => format!("Vec<{}>", type_text(i)),
        TypeRef::Map(i) => format!("BTreeMap<String, {}>", type_text(i)),
        TypeRef::Nullable(i) => format!("Option<{}>", type_text(i)),
        TypeRef::Unit => "()".into(),
        TypeRef::File => "FilePart".into(),
    }
}

fn value_text(v: &ParamValue) -> String {
    match v {
        ParamValue::Scalar(t) | ParamValue::Json(t) => type_text(t),
        ParamValue::List { item, .. } => format!("Vec<{}>", type_text(item)),
    }
}

/// A short, stable digest of some text (FNV-1a, 64 bits, in hex): enough to tell that
/// documentation changed, without keeping it.
fn digest<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

/// The types a caller builds: those reachable from request bodies and parameters.
fn input_types(api: &Api) -> BTreeSet<String> {
    let by_name: BTreeMap<&str, &TypeDef> = api.types.iter().map(|t| (t.name(), t)).collect();
    let mut roots: Vec<&String> = Vec::new();
    for op in &api.operations {
        if let Some(body) = &op.body {
            body.ty.names_into(&mut roots);
        }
        for p in &op.params {
            p.value.ty().names_into(&mut roots);
        }
    }
    let mut todo: Vec<&str> = roots.into_iter().map(String::as_str).collect();
    let mut seen = BTreeSet::new();
    while let Some(name) = todo.pop() {
        if seen.insert(name.to_string()) {
            todo.extend(
                by_name
                    .get(name)
                    .map(|t| t.held_names())
                    .unwrap_or_default(),
            );
        }
    }
    seen
}

fn method(op: &ir::Operation) -> Method {
    let mut args: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| format!("{}: {}", unraw(&p.ident), value_text(&p.value)))
        .collect();
    let mut setters: BTreeMap<String, String> = op
        .params
        .iter()
        .filter(|p| !p.required)
        .map(|p| (unraw(&p.ident).to_string(), value_text(&p.value)))
        .collect();
    if let Some(body) = &op.body {
        if body.required {
            args.push(format!("body: {}", type_text(&body.ty)));
        } else {
            setters.insert("body".into(), type_text(&body.ty));
        }
    }
    let errors = op
        .errors
        .iter()
        .map(|o| {
            let payload = match &o.ty {
                TypeRef::Unit => String::new(),
                t => type_text(t),
            };
            (o.variant.clone(), payload)
        })
        .collect();
    let mut doc_parts = vec![opt(&op.summary), opt(&op.description)];
    doc_parts.extend(op.params.iter().map(|p| opt(&p.doc)));
    doc_parts.extend(
        op.params
            .iter()
            .flat_map(|p| p.details.iter().map(String::as_str)),
    );
    doc_parts.extend(op.errors.iter().map(|o| opt(&o.doc)));
    Method {
        operation: op.route(),
        args,
        setters,
        returns: match op
            .successes
            .iter()
            .find(|o| o.format == ir::ResponseFormat::Events)
        {
            Some(o) => format!("EventStream<{}>", type_text(&o.ty)),
            None => type_text(&op.success.returns()),
        },
        builder: op.builder.clone(),
        error: op.error.clone(),
        errors,
        items: op.pagination.as_ref().map(|p| type_text(&p.item)),
        deprecated: op.deprecated,
        features: op.features.clone(),
        docs: digest(doc_parts),
    }
}

/// The public API of the crate generated from `api`.
pub fn surface(api: &Api) -> Surface {
    let inputs = input_types(api);
    let mut methods: BTreeMap<String, Method> = api
        .operations
        .iter()
        .map(|op| (unraw(&op.ident).to_string(), method(op)))
        .collect();
    for w in &api.waiters {
        let op = &api.operations[w.operation];
        let polled = method(op);
        methods.insert(
            unraw(&w.ident).to_string(),
            Method {
                operation: format!("{WAITER}{}", polled.operation),
                args: polled.args,
                setters: BTreeMap::new(),
                returns: polled.returns,
                builder: w.builder.clone(),
                error: polled.error,
                errors: BTreeMap::new(),
                items: None,
                deprecated: false,
                features: polled.features,
                docs: digest([opt(&w.doc), w.field.as_str()]),
            },
        );
    }
    let mut types: BTreeMap<String, Type> = api
        .types
        .iter()
        .map(|t| {
            let surface = match t {
                TypeDef::Struct(s) => {
                    let mut doc_parts = vec![opt(&s.doc)];
                    doc_parts.extend(s.fields.iter().map(|f| opt(&f.doc)));
                    doc_parts.extend(
                        s.fields
                            .iter()
                            .flat_map(|f| f.details.iter().map(String::as_str)),
                    );
                    Type::Struct {
                        fields: s
                            .fields
                            .iter()
                            .map(|f| {
                                (
                                    unraw(&f.ident).to_string(),
                                    Field {
                                        ty: type_text(&f.ty),
                                        required: f.required,
                                    },
                                )
                            })
                            .collect(),
                        input: inputs.contains(&s.name),
                        default: s.default,
                        docs: digest(doc_parts),
                    }
                }
                TypeDef::Enum(e) => Type::Enum {
                    values: e.variants.iter().map(|(_, wire)| wire.clone()).collect(),
                    docs: digest([opt(&e.doc)]),
                },
                TypeDef::Union(u) => Type::Union {
                    variants: u
                        .variants
                        .iter()
                        .map(|(v, t)| (v.clone(), type_text(t)))
                        .collect(),
                    docs: digest([opt(&u.doc)]),
                },
                TypeDef::Alias(a) => Type::Alias {
                    target: type_text(&a.target),
                    newtype: a.newtype,
                    docs: digest([opt(&a.doc)]),
                },
            };
            (t.name().to_string(), surface)
        })
        .collect();
    let mut gates = api.gates.clone();
    // The form types of multipart bodies, which callers build.
    for op in &api.operations {
        let Some(body) = &op.body else { continue };
        for (media, ty) in body.variants() {
            let (ir::BodyMedia::Multipart { fields, .. }, Some(name)) = (media, ty.name()) else {
                continue;
            };
            if !op.features.is_empty() {
                gates.insert(name.clone(), op.features.clone());
            }
            let docs = digest(fields.iter().map(|f| opt(&f.doc)));
            types.insert(
                name.clone(),
                Type::Struct {
                    fields: fields
                        .iter()
                        .map(|f| {
                            (
                                unraw(&f.ident).to_string(),
                                Field {
                                    ty: type_text(&f.ty),
                                    required: f.required,
                                },
                            )
                        })
                        .collect(),
                    input: true,
                    default: false,
                    docs,
                },
            );
        }
    }
    Surface {
        methods,
        types,
        aliases: api.aliases.clone(),
        features: api.features.iter().map(|f| f.name.clone()).collect(),
        gates,
    }
}
