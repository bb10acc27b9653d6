//! Lowering: `openapiv3` → the project's model ([`crate::ir`]).
//!
//! Names every inline schema from its context, merges structurally identical types, resolves
//! references, recognises pagination and collects every problem as a located diagnostic.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use openapiv3::{
    AdditionalProperties, AnySchema, OpenAPI, Operation as OaOperation, Parameter,
    ParameterSchemaOrContent, PathItem, ReferenceOr, Schema, SchemaKind, StatusCode, Type,
};
use serde_json::Value;

use crate::config::{ArrayStyle, Config};
use crate::diag::{self, Diagnostics};
use crate::ir::{self, TypeRef};
use crate::naming;

/// Where a candidate name comes from; lower wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Origin {
    Custom,
    Component,
    Inline,
}

#[derive(Debug, Clone)]
enum DefKind {
    /// Being lowered (a component referenced before its body is known).
    Pending,
    Struct {
        fields: Vec<ir::Field>,
        additional: Option<TypeRef>,
    },
    Enum {
        values: Vec<String>,
    },
    Union {
        variants: Vec<TypeRef>,
        /// The discriminating property and each variant's tag values, when the union has them.
        tags: Option<(String, Vec<Vec<String>>)>,
    },
    Alias {
        target: TypeRef,
    },
}

#[derive(Debug, Clone)]
struct Def {
    kind: DefKind,
    doc: Option<String>,
    /// `(origin, name, pointer)` candidates gathered from every place this type stands.
    names: Vec<(Origin, String, String)>,
    pointer: String,
}

/// Lowers a parsed spec. `raw` is the normalised JSON the spec was parsed from (for `$ref`s into
/// arbitrary places of the document).
pub fn lower(api: &OpenAPI, raw: &Value, config: &Config, diags: &mut Diagnostics) -> ir::Api {
    let mut l = Lowerer {
        api,
        raw,
        config,
        diags,
        defs: Vec::new(),
        by_pointer: HashMap::new(),
        enum_index: HashMap::new(),
        struct_index: HashMap::new(),
        components: HashMap::new(),
        component_done: BTreeSet::new(),
        collecting: BTreeSet::new(),
        notes: Vec::new(),
    };
    l.run()
}

struct Lowerer<'a> {
    api: &'a OpenAPI,
    raw: &'a Value,
    config: &'a Config,
    diags: &'a mut Diagnostics,
    defs: Vec<Def>,
    /// Schemas already lowered, by pointer (components and `$ref` targets).
    by_pointer: HashMap<String, TypeRef>,
    /// String enums by their sorted values, for merging.
    enum_index: HashMap<Vec<String>, usize>,
    /// Inline structs by shape, for merging.
    struct_index: HashMap<String, usize>,
    /// Component schemas by pointer: their definition and their name in the spec.
    components: HashMap<String, (usize, String)>,
    /// Components lowered or being lowered (lowering is on first use, so order does not matter).
    component_done: BTreeSet<usize>,
    /// Components whose fields an `allOf` is taking from their schema, because they are still
    /// being lowered (see [`Lowerer::collect_pending`]).
    collecting: BTreeSet<usize>,
    notes: Vec<String>,
}

/// Names a request builder has of its own, which parameter setters must not take.
const BUILDER_MEMBERS: &[&str] = &[
    "client",
    "options",
    "body",
    "retry",
    "timeout",
    "send",
    "send_with_response",
    "into_future",
    "pages",
    "items",
    "new",
    "request",
    "with_options",
    "decode",
];

const DEF_PREFIX: &str = "\u{0}def";

fn def_ref(id: usize) -> TypeRef {
    TypeRef::Named(format!("{DEF_PREFIX}{id}"))
}

fn def_id(t: &TypeRef) -> Option<usize> {
    match t {
        TypeRef::Named(n) => n.strip_prefix(DEF_PREFIX).and_then(|s| s.parse().ok()),
        _ => None,
    }
}

fn nullable(t: TypeRef) -> TypeRef {
    match t {
        TypeRef::Nullable(_) | TypeRef::Json => t,
        t => TypeRef::Nullable(Box::new(t)),
    }
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// A key that identifies a JSON object schema's shape, ignoring documentation.
fn struct_key(fields: &[ir::Field], additional: &Option<TypeRef>) -> String {
    let mut k = String::new();
    for f in fields {
        k.push_str(&format!("{}:{:?}:{};", f.wire, f.ty, f.required));
    }
    k.push_str(&format!("+{additional:?}"));
    k
}

/// What the parts of an `allOf` say about the object they describe together.
#[derive(Debug, Default)]
struct Shape {
    fields: Vec<ir::Field>,
    required: Vec<String>,
    additional: Option<TypeRef>,
    nullable: bool,
}

struct OpDraft {
    ident_wanted: String,
    path: String,
    method: ir::Method,
    op: ir::Operation,
}

impl<'a> Lowerer<'a> {
    fn run(&mut self) -> ir::Api {
        // Components first, so that references resolve to their names. Each is lowered on first
        // use (a reference, an `allOf` part) or in spec order, whichever comes first.
        let mut pointers = Vec::new();
        if let Some(comps) = &self.api.components {
            for name in comps.schemas.keys() {
                let ptr = format!("#/components/schemas/{}", diag::escape_token(name));
                let id = self.new_def(
                    DefKind::Pending,
                    None,
                    Origin::Component,
                    naming::type_ident(name),
                    ptr.clone(),
                );
                self.by_pointer.insert(ptr.clone(), def_ref(id));
                self.components.insert(ptr.clone(), (id, name.clone()));
                pointers.push(ptr);
            }
        }
        for ptr in pointers {
            self.ensure_component(&ptr);
        }
        let drafts = self.lower_operations();
        self.finish(drafts)
    }

    /// Lowers the component schema at `ptr` unless it is lowered or being lowered already.
    fn ensure_component(&mut self, ptr: &str) {
        let Some((id, name)) = self.components.get(ptr).cloned() else {
            return;
        };
        if !self.component_done.insert(id) {
            return;
        }
        let api: &'a OpenAPI = self.api;
        let Some(schema) = api.components.as_ref().and_then(|c| c.schemas.get(&name)) else {
            return;
        };
        let ty = self.lower_schema(schema, ptr, &naming::type_ident(&name), Some(id));
        if matches!(self.defs[id].kind, DefKind::Pending) {
            // The component is not itself an object or enum: keep its name as an alias.
            let doc = schema
                .as_item()
                .and_then(|s| non_empty(&s.schema_data.description));
            self.defs[id].kind = DefKind::Alias { target: ty };
            self.defs[id].doc = doc;
        } else if ty.is_nullable() {
            // A nullable object or enum: every reference to it may be `null`.
            if let Some(t) = self.by_pointer.get(ptr).cloned() {
                self.by_pointer.insert(ptr.to_string(), nullable(t));
            }
        }
    }

    fn new_def(
        &mut self,
        kind: DefKind,
        doc: Option<String>,
        origin: Origin,
        name: String,
        pointer: String,
    ) -> usize {
        self.defs.push(Def {
            kind,
            doc,
            names: vec![(origin, name, pointer.clone())],
            pointer,
        });
        self.defs.len() - 1
    }

    // ---------------------------------------------------------------- schemas

    /// Lowers a schema or reference. `name` is the name an inline type would get here;
    /// `slot` is a pre-registered definition (a component) to fill instead of creating one.
    fn lower_schema(
        &mut self,
        schema: &ReferenceOr<Schema>,
        ptr: &str,
        name: &str,
        slot: Option<usize>,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.lower_ref(reference, ptr),
            ReferenceOr::Item(s) => self.lower_item(s, ptr, name, slot),
        }
    }

    fn lower_boxed(&mut self, schema: &ReferenceOr<Box<Schema>>, ptr: &str, name: &str) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.lower_ref(reference, ptr),
            ReferenceOr::Item(s) => self.lower_item(s, ptr, name, None),
        }
    }

    fn lower_ref(&mut self, reference: &str, ptr: &str) -> TypeRef {
        self.ensure_component(reference);
        if let Some(t) = self.by_pointer.get(reference) {
            return t.clone();
        }
        let Some(target) = reference.strip_prefix('#') else {
            self.diags.error(
                diag::join(ptr, "$ref"),
                format!("external reference {reference:?} is not supported: bundle the spec into one file"),
            );
            return TypeRef::Json;
        };
        let Some(value) = self.raw.pointer(target) else {
            self.diags.error(
                diag::join(ptr, "$ref"),
                format!("reference {reference:?} points to nothing"),
            );
            return TypeRef::Json;
        };
        let schema: ReferenceOr<Schema> = match serde_json::from_value(value.clone()) {
            Ok(s) => s,
            Err(e) => {
                self.diags.error(
                    reference.to_string(),
                    format!("referenced schema is invalid: {e}"),
                );
                return TypeRef::Json;
            }
        };
        // Guard against reference cycles through non-component places.
        self.by_pointer.insert(reference.to_string(), TypeRef::Json);
        let last = target
            .rsplit('/')
            .find(|t| !t.is_empty() && t.parse::<usize>().is_err())
            .unwrap_or("Type");
        let ty = self.lower_schema(
            &schema,
            reference,
            &naming::type_ident(&last.replace("~1", "/").replace("~0", "~")),
            None,
        );
        self.by_pointer.insert(reference.to_string(), ty.clone());
        ty
    }

    fn lower_item(&mut self, s: &Schema, ptr: &str, name: &str, slot: Option<usize>) -> TypeRef {
        let doc = non_empty(&s.schema_data.description);
        let disc = s.schema_data.discriminator.as_ref();
        let ty = match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) => {
                let values: Vec<String> = st.enumeration.iter().flatten().cloned().collect();
                if values.is_empty() {
                    TypeRef::String
                } else {
                    self.string_enum(values, doc.clone(), ptr, name, slot)
                }
            }
            SchemaKind::Type(Type::Integer(it)) => {
                self.warn_unkept_values(it.enumeration.iter().any(Option::is_some), ptr);
                int_type(&format_str(&it.format))
            }
            SchemaKind::Type(Type::Number(nt)) => {
                self.warn_unkept_values(nt.enumeration.iter().any(Option::is_some), ptr);
                float_type(&format_str(&nt.format))
            }
            SchemaKind::Type(Type::Boolean(bt)) => {
                self.warn_unkept_values(bt.enumeration.iter().any(Option::is_some), ptr);
                TypeRef::Boolean
            }
            SchemaKind::Type(Type::Object(ot)) => {
                if disc.is_some() {
                    self.diags.warn(
                        diag::join(ptr, "discriminator"),
                        "a `discriminator` on an object schema (inheritance through `allOf`) is not used: \
                         a value of one of its subtypes decodes as this type, without the subtype's own fields",
                    );
                }
                self.object(
                    &ot.properties,
                    &ot.required,
                    ot.additional_properties.as_ref(),
                    doc.clone(),
                    ptr,
                    name,
                    slot,
                )
            }
            SchemaKind::Type(Type::Array(at)) => match &at.items {
                Some(items) => TypeRef::Array(Box::new(self.lower_boxed(
                    items,
                    &diag::join(ptr, "items"),
                    &format!("{name}Item"),
                ))),
                None => TypeRef::Array(Box::new(TypeRef::Json)),
            },
            SchemaKind::OneOf { one_of } => {
                self.union(one_of, "oneOf", disc, doc.clone(), ptr, name, slot)
            }
            SchemaKind::AnyOf { any_of } => {
                self.union(any_of, "anyOf", disc, doc.clone(), ptr, name, slot)
            }
            SchemaKind::AllOf { all_of } => self.all_of(all_of, None, doc.clone(), ptr, name, slot),
            SchemaKind::Not { .. } => {
                self.diags.warn(
                    ptr.to_string(),
                    "`not` cannot be expressed in Rust types; the value is kept as JSON",
                );
                TypeRef::Json
            }
            SchemaKind::Any(any) => self.any(any, disc, doc.clone(), ptr, name, slot),
        };
        if s.schema_data.nullable {
            nullable(ty)
        } else {
            ty
        }
    }

    /// Schemas openapiv3 could not classify: mixed keywords, no `type`, 3.1 leftovers.
    #[allow(clippy::too_many_arguments)]
    fn any(
        &mut self,
        a: &AnySchema,
        disc: Option<&openapiv3::Discriminator>,
        doc: Option<String>,
        ptr: &str,
        name: &str,
        slot: Option<usize>,
    ) -> TypeRef {
        let has_object = !a.properties.is_empty() || a.additional_properties.is_some();
        let composite = !a.all_of.is_empty() || !a.one_of.is_empty() || !a.any_of.is_empty();
        if !a.all_of.is_empty() && a.one_of.is_empty() && a.any_of.is_empty() {
            return self.all_of(&a.all_of, Some((a, ptr)), doc, ptr, name, slot);
        }
        if composite && !has_object && a.typ.is_none() {
            let (list, kw) = if !a.one_of.is_empty() {
                (&a.one_of, "oneOf")
            } else {
                (&a.any_of, "anyOf")
            };
            return self.union(list, kw, disc, doc, ptr, name, slot);
        }
        // Alternatives that only list required properties constrain, they do not type.
        if composite
            && !(constraint_only(&a.one_of) && constraint_only(&a.any_of) && a.all_of.is_empty())
        {
            self.diags.warn(
                ptr.to_string(),
                "a schema mixing `oneOf`/`anyOf` with other keywords is typed from its own keywords only",
            );
        }
        match a.typ.as_deref() {
            Some("string") => {
                let values: Vec<String> = a
                    .enumeration
                    .iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect();
                if values.is_empty() {
                    TypeRef::String
                } else {
                    self.string_enum(values, doc, ptr, name, slot)
                }
            }
            Some("integer") => int_type(a.format.as_deref().unwrap_or("")),
            Some("number") => float_type(a.format.as_deref().unwrap_or("")),
            Some("boolean") => TypeRef::Boolean,
            Some("array") => match &a.items {
                Some(items) => TypeRef::Array(Box::new(self.lower_boxed(
                    items,
                    &diag::join(ptr, "items"),
                    &format!("{name}Item"),
                ))),
                None => TypeRef::Array(Box::new(TypeRef::Json)),
            },
            Some("object") => self.object(
                &a.properties,
                &a.required,
                a.additional_properties.as_ref(),
                doc,
                ptr,
                name,
                slot,
            ),
            Some(other) => {
                self.diags
                    .error(diag::join(ptr, "type"), format!("unknown type {other:?}"));
                TypeRef::Json
            }
            None if has_object => self.object(
                &a.properties,
                &a.required,
                a.additional_properties.as_ref(),
                doc,
                ptr,
                name,
                slot,
            ),
            None if a.items.is_some() => match &a.items {
                Some(items) => TypeRef::Array(Box::new(self.lower_boxed(
                    items,
                    &diag::join(ptr, "items"),
                    &format!("{name}Item"),
                ))),
                None => TypeRef::Json,
            },
            None if !a.enumeration.is_empty() && a.enumeration.iter().all(Value::is_string) => {
                let values = a
                    .enumeration
                    .iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect();
                self.string_enum(values, doc, ptr, name, slot)
            }
            None => TypeRef::Json,
        }
    }

    fn string_enum(
        &mut self,
        values: Vec<String>,
        doc: Option<String>,
        ptr: &str,
        name: &str,
        slot: Option<usize>,
    ) -> TypeRef {
        let mut key = values.clone();
        key.sort();
        key.dedup();
        let mut unique_values = Vec::new();
        for v in values {
            if !unique_values.contains(&v) {
                unique_values.push(v);
            }
        }
        // Components are never merged with each other: each keeps its name.
        let existing = self.enum_index.get(&key).copied().filter(|&id| {
            slot.is_none() || self.defs[id].names.iter().all(|n| n.0 != Origin::Component)
        });
        if let Some(id) = existing {
            match slot {
                // A component identical to an earlier inline enum takes it over: the inline places
                // use the component.
                Some(slot_id) => {
                    let names = self.defs[slot_id].names.clone();
                    self.defs[id].names.extend(names);
                    if self.defs[id].doc.is_none() {
                        self.defs[id].doc = doc;
                    }
                    self.defs[slot_id].kind = DefKind::Alias {
                        target: def_ref(id),
                    };
                    self.defs[slot_id].names.clear();
                    self.by_pointer
                        .insert(self.defs[slot_id].pointer.clone(), def_ref(id));
                    return def_ref(id);
                }
                None => {
                    self.add_candidate(id, name, ptr);
                    if self.defs[id].doc.is_none() {
                        self.defs[id].doc = doc;
                    }
                    return def_ref(id);
                }
            }
        }
        let id = match slot {
            Some(id) => {
                self.defs[id].kind = DefKind::Enum {
                    values: unique_values,
                };
                self.defs[id].doc = doc;
                id
            }
            None => self.new_def(
                DefKind::Enum {
                    values: unique_values,
                },
                doc,
                Origin::Inline,
                name.to_string(),
                ptr.to_string(),
            ),
        };
        self.enum_index.entry(key).or_insert(id);
        def_ref(id)
    }

    fn add_candidate(&mut self, id: usize, name: &str, ptr: &str) {
        self.defs[id]
            .names
            .push((Origin::Inline, name.to_string(), ptr.to_string()));
    }

    #[allow(clippy::too_many_arguments)]
    fn object(
        &mut self,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        doc: Option<String>,
        ptr: &str,
        name: &str,
        slot: Option<usize>,
    ) -> TypeRef {
        let additional_ty = match additional {
            Some(AdditionalProperties::Schema(s)) => {
                let t = self.lower_schema(
                    s,
                    &diag::join(ptr, "additionalProperties"),
                    &format!("{name}Value"),
                    None,
                );
                Some(t)
            }
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::Json),
            _ => None,
        };
        if properties.is_empty() {
            return TypeRef::Map(Box::new(additional_ty.unwrap_or(TypeRef::Json)));
        }
        // Register the slot before fields, so self-references resolve.
        let fields = self.fields(properties, required, ptr, name);
        let additional = match additional_ty {
            Some(TypeRef::Json) | None => None,
            Some(t) => Some(t),
        };
        self.struct_def(fields, additional, doc, ptr, name, slot)
    }

    fn fields(
        &mut self,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        ptr: &str,
        name: &str,
    ) -> Vec<ir::Field> {
        let fields = self.property_fields(properties, required, ptr, name);
        for r in required {
            if !properties.contains_key(r) {
                self.diags.warn(
                    ptr.to_string(),
                    format!("required property {r:?} is not among the properties; ignored"),
                );
            }
        }
        fields
    }

    /// One field per property, identifiers assigned (see [`assign_field_idents`]).
    fn property_fields(
        &mut self,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        ptr: &str,
        name: &str,
    ) -> Vec<ir::Field> {
        let mut fields = Vec::new();
        for (wire, prop) in properties {
            let p = diag::join(&diag::join(ptr, "properties"), wire);
            let ty = self.lower_boxed(prop, &p, &naming::type_ident(&format!("{name} {wire}")));
            let doc = match prop {
                ReferenceOr::Item(s) => non_empty(&s.schema_data.description),
                ReferenceOr::Reference { .. } => None,
            };
            fields.push(ir::Field {
                ident: String::new(),
                wire: wire.clone(),
                ty,
                required: required.contains(wire),
                boxed: false,
                doc,
            });
        }
        assign_field_idents(&mut fields);
        fields
    }

    fn struct_def(
        &mut self,
        fields: Vec<ir::Field>,
        additional: Option<TypeRef>,
        doc: Option<String>,
        ptr: &str,
        name: &str,
        slot: Option<usize>,
    ) -> TypeRef {
        let key = struct_key(&fields, &additional);
        if let Some(id) = slot {
            self.defs[id].kind = DefKind::Struct { fields, additional };
            self.defs[id].doc = doc;
            self.struct_index.entry(key).or_insert(id);
            return def_ref(id);
        }
        if let Some(&id) = self.struct_index.get(&key) {
            if self.defs[id].names.iter().all(|n| n.0 != Origin::Component) {
                self.add_candidate(id, name, ptr);
            }
            if self.defs[id].doc.is_none() {
                self.defs[id].doc = doc;
            }
            return def_ref(id);
        }
        let id = self.new_def(
            DefKind::Struct { fields, additional },
            doc,
            Origin::Inline,
            name.to_string(),
            ptr.to_string(),
        );
        self.struct_index.insert(key, id);
        def_ref(id)
    }

    #[allow(clippy::too_many_arguments)]
    fn union(
        &mut self,
        list: &[ReferenceOr<Schema>],
        kw: &str,
        disc: Option<&openapiv3::Discriminator>,
        doc: Option<String>,
        ptr: &str,
        name: &str,
        slot: Option<usize>,
    ) -> TypeRef {
        // A lone alternative (what is left of `X | null`) is that type, named as the union would be.
        let single = list.len() == 1;
        let mut variants: Vec<TypeRef> = Vec::new();
        let mut references: Vec<(String, TypeRef)> = Vec::new();
        let mut any_null = false;
        for (i, s) in list.iter().enumerate() {
            let vname = if single {
                name.to_string()
            } else {
                format!("{name}Variant{}", i + 1)
            };
            let vslot = if single { slot } else { None };
            let t = self.lower_schema(s, &diag::join(&diag::join(ptr, kw), i), &vname, vslot);
            let t = match t {
                TypeRef::Nullable(inner) => {
                    any_null = true;
                    *inner
                }
                t => t,
            };
            if let ReferenceOr::Reference { reference } = s {
                references.push((reference.clone(), t.clone()));
            }
            if !variants.contains(&t) {
                variants.push(t);
            }
        }
        let wrap = |t: TypeRef| if any_null { nullable(t) } else { t };
        match variants.len() {
            0 => return TypeRef::Json,
            1 => {
                let only = variants.remove(0);
                if let Some(slot) = slot {
                    if matches!(self.defs[slot].kind, DefKind::Pending) {
                        self.defs[slot].kind = DefKind::Alias {
                            target: wrap(only.clone()),
                        };
                    }
                    if self.defs[slot].doc.is_none() {
                        self.defs[slot].doc = doc;
                    }
                }
                return wrap(only);
            }
            _ => {}
        }
        if variants.contains(&TypeRef::Json) {
            self.diags.warn(
                ptr.to_string(),
                format!("`{kw}` with an untyped alternative is kept as JSON"),
            );
            return wrap(TypeRef::Json);
        }
        let tags = disc.and_then(|d| self.discriminate(d, &variants, &references, ptr, kw));
        if tags.is_none() {
            let overlap = self.overlap(&variants);
            if let Some(kind) = overlap {
                self.diags.warn(
                    ptr.to_string(),
                    format!(
                        "`{kw}` alternatives overlap (more than one accepts a JSON {kind}); \
                         decoded as an untagged enum: the first alternative that fits wins"
                    ),
                );
            }
            // Integers before floats, so that `1` stays an integer.
            variants.sort_by_key(|t| match t {
                TypeRef::Boolean => 0,
                TypeRef::Integer(_) => 1,
                TypeRef::Number(_) => 2,
                TypeRef::String => 4,
                _ => 3,
            });
        }
        let kind = DefKind::Union { variants, tags };
        let id = match slot {
            Some(id) => {
                self.defs[id].kind = kind;
                self.defs[id].doc = doc;
                id
            }
            None => self.new_def(kind, doc, Origin::Inline, name.to_string(), ptr.to_string()),
        };
        wrap(def_ref(id))
    }

    /// Tag values of every alternative of a discriminated union, when the discriminator can be
    /// used: every alternative is an object with the discriminating property and has at least
    /// one tag value (from `mapping`, or its component name). Otherwise warns and returns `None`.
    fn discriminate(
        &mut self,
        d: &openapiv3::Discriminator,
        variants: &[TypeRef],
        references: &[(String, TypeRef)],
        ptr: &str,
        kw: &str,
    ) -> Option<(String, Vec<Vec<String>>)> {
        let dptr = diag::join(ptr, "discriminator");
        let prop = &d.property_name;
        let mut tags: Vec<Vec<String>> = vec![Vec::new(); variants.len()];
        let mut problem: Option<String> = None;
        for (value, target) in &d.mapping {
            let reference = if target.starts_with('#') {
                target.clone()
            } else {
                format!("#/components/schemas/{}", diag::escape_token(target))
            };
            let known = reference
                .strip_prefix('#')
                .is_some_and(|t| self.raw.pointer(t).is_some());
            let found = if known {
                let t = self.lower_ref(&reference, &dptr);
                variants.iter().position(|v| *v == *t.non_null())
            } else {
                None
            };
            match found {
                Some(i) => tags[i].push(value.clone()),
                None => {
                    self.diags.warn(
                        diag::join(&diag::join(&dptr, "mapping"), value),
                        format!("mapping target {target:?} is not one of the `{kw}` alternatives; ignored"),
                    );
                }
            }
        }
        for (i, v) in variants.iter().enumerate() {
            if tags[i].is_empty() {
                match references.iter().find(|(_, t)| t == v) {
                    Some((reference, _)) => {
                        let last = reference.rsplit('/').next().unwrap_or_default();
                        tags[i].push(last.replace("~1", "/").replace("~0", "~"));
                    }
                    None => {
                        problem.get_or_insert(format!(
                            "alternative {} has no tag value (no mapping, not a reference)",
                            i + 1
                        ));
                    }
                }
            }
            let has_prop = def_id(v)
                .map(|id| self.resolve_alias(id))
                .is_some_and(|id| match &self.defs[id].kind {
                    DefKind::Struct { fields, .. } => fields.iter().any(|f| &f.wire == prop),
                    _ => false,
                });
            if !has_prop {
                problem.get_or_insert(format!(
                    "alternative {} is not an object with the property {prop:?}",
                    i + 1
                ));
            }
        }
        let mut seen = BTreeSet::new();
        if let Some(dup) = tags.iter().flatten().find(|t| !seen.insert(*t)) {
            problem.get_or_insert(format!("tag value {dup:?} names two alternatives"));
        }
        match problem {
            None => Some((prop.clone(), tags)),
            Some(p) => {
                self.diags.warn(
                    dptr,
                    format!("the discriminator cannot be used: {p}; decoded as an untagged enum: the first alternative that fits wins"),
                );
                None
            }
        }
    }

    /// The JSON kinds (`object`, `string`…) a type accepts.
    fn json_kinds(&self, t: &TypeRef, out: &mut BTreeSet<&'static str>, depth: usize) {
        if depth > 16 {
            return;
        }
        match t {
            TypeRef::String | TypeRef::Bytes => {
                out.insert("string");
            }
            TypeRef::Integer(_) => {
                out.insert("integer");
            }
            TypeRef::Number(_) => {
                out.insert("number");
            }
            TypeRef::Boolean => {
                out.insert("boolean");
            }
            TypeRef::Json => {
                out.insert("value");
            }
            TypeRef::Array(_) => {
                out.insert("array");
            }
            TypeRef::Map(_) => {
                out.insert("object");
            }
            TypeRef::Unit => {}
            TypeRef::Nullable(i) => self.json_kinds(i, out, depth + 1),
            TypeRef::Named(_) => {
                if let Some(id) = def_id(t).map(|id| self.resolve_alias(id)) {
                    match &self.defs[id].kind {
                        DefKind::Struct { .. } | DefKind::Pending => {
                            out.insert("object");
                        }
                        DefKind::Enum { .. } => {
                            out.insert("string");
                        }
                        DefKind::Union { variants, .. } => {
                            for v in variants {
                                self.json_kinds(v, out, depth + 1);
                            }
                        }
                        DefKind::Alias { target } => self.json_kinds(target, out, depth + 1),
                    }
                }
            }
        }
    }

    /// A JSON kind that more than one alternative accepts, if any.
    fn overlap(&self, variants: &[TypeRef]) -> Option<&'static str> {
        let mut seen = BTreeSet::new();
        for v in variants {
            let mut kinds = BTreeSet::new();
            self.json_kinds(v, &mut kinds, 0);
            for k in kinds {
                if !seen.insert(k) {
                    return Some(k);
                }
            }
        }
        None
    }

    fn all_of(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        extra: Option<(&AnySchema, &str)>,
        doc: Option<String>,
        ptr: &str,
        name: &str,
        slot: Option<usize>,
    ) -> TypeRef {
        let extra_empty = extra.is_none_or(|(a, _)| {
            a.properties.is_empty() && a.required.is_empty() && a.additional_properties.is_none()
        });
        if parts.len() == 1 && extra_empty {
            // A reference with annotations beside it (`description`, `nullable`) is that type.
            let t = self.lower_schema(
                &parts[0],
                &diag::join(&diag::join(ptr, "allOf"), 0),
                name,
                slot,
            );
            if let Some(slot) = slot {
                if matches!(self.defs[slot].kind, DefKind::Pending) {
                    self.defs[slot].kind = DefKind::Alias { target: t.clone() };
                }
                if self.defs[slot].doc.is_none() {
                    self.defs[slot].doc = doc;
                }
            }
            return t;
        }
        let mut shape = Shape::default();
        for (i, part) in parts.iter().enumerate() {
            let p = diag::join(&diag::join(ptr, "allOf"), i);
            if !self.collect_part(part, &p, name, &mut shape) {
                self.diags.warn(
                    p,
                    "`allOf` with a part that is not an object is kept as JSON",
                );
                return TypeRef::Json;
            }
        }
        if let Some((a, aptr)) = extra {
            self.collect_object(
                &a.properties,
                &a.required,
                a.additional_properties.as_ref(),
                aptr,
                name,
                &mut shape,
            );
        }
        // Fields required by any part are required.
        for r in &shape.required {
            match shape.fields.iter_mut().find(|f| &f.wire == r) {
                Some(f) => f.required = true,
                None => self.diags.warn(
                    ptr.to_string(),
                    format!("required property {r:?} is in no part of the `allOf`; ignored"),
                ),
            }
        }
        assign_field_idents(&mut shape.fields);
        let additional = shape.additional.filter(|t| *t != TypeRef::Json);
        let ty = if shape.fields.is_empty() {
            TypeRef::Map(Box::new(additional.unwrap_or(TypeRef::Json)))
        } else {
            self.struct_def(shape.fields, additional, doc, ptr, name, slot)
        };
        if shape.nullable {
            nullable(ty)
        } else {
            ty
        }
    }

    /// Adds what one `allOf` part says about the object to `shape`; false if the part is not an
    /// object schema.
    fn collect_part(
        &mut self,
        part: &ReferenceOr<Schema>,
        ptr: &str,
        name: &str,
        shape: &mut Shape,
    ) -> bool {
        let s = match part {
            ReferenceOr::Reference { reference } => {
                let t = self.lower_ref(reference, ptr);
                return self.collect_type(&t, shape)
                    || self.collect_pending(reference, &t, name, shape);
            }
            ReferenceOr::Item(s) => s,
        };
        if s.schema_data.nullable {
            shape.nullable = true;
        }
        match &s.schema_kind {
            SchemaKind::Type(Type::Object(ot)) => {
                self.collect_object(
                    &ot.properties,
                    &ot.required,
                    ot.additional_properties.as_ref(),
                    ptr,
                    name,
                    shape,
                );
                true
            }
            SchemaKind::AllOf { all_of } => all_of.iter().enumerate().all(|(i, p)| {
                self.collect_part(p, &diag::join(&diag::join(ptr, "allOf"), i), name, shape)
            }),
            SchemaKind::Any(a) => {
                if a.typ.as_deref().is_some_and(|t| t != "object")
                    || !a.enumeration.is_empty()
                    || a.items.is_some()
                    || !constraint_only(&a.one_of)
                    || !constraint_only(&a.any_of)
                {
                    return false;
                }
                self.collect_object(
                    &a.properties,
                    &a.required,
                    a.additional_properties.as_ref(),
                    ptr,
                    name,
                    shape,
                );
                a.all_of.iter().enumerate().all(|(i, p)| {
                    self.collect_part(p, &diag::join(&diag::join(ptr, "allOf"), i), name, shape)
                })
            }
            _ => false,
        }
    }

    fn collect_object(
        &mut self,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        ptr: &str,
        name: &str,
        shape: &mut Shape,
    ) {
        let fields = self.property_fields(properties, required, ptr, name);
        merge_fields(&mut shape.fields, fields);
        shape.required.extend(required.iter().cloned());
        match additional {
            Some(AdditionalProperties::Schema(s)) => {
                let t = self.lower_schema(
                    s,
                    &diag::join(ptr, "additionalProperties"),
                    &format!("{name}Value"),
                    None,
                );
                shape.additional = Some(t);
            }
            Some(AdditionalProperties::Any(true)) => shape.additional = Some(TypeRef::Json),
            _ => {}
        }
    }

    /// Warns, when `listed`, that the values a number or boolean schema lists (`enum`, `const`)
    /// are not part of its type.
    fn warn_unkept_values(&mut self, listed: bool, ptr: &str) {
        if listed {
            self.diags.warn(
                ptr.to_string(),
                "the values listed by `enum`/`const` of a number or boolean are not part of the type: \
                 it is the plain type, and other values are accepted and sent",
            );
        }
    }

    /// Adds the fields of a component that is still being lowered to `shape`, from its schema:
    /// an `allOf` part that closes a cycle (`A { children: [B] }`, `B = allOf [A, …]`, reached
    /// from `A`). False if `t` is no such component, or if its schema leads back to itself.
    fn collect_pending(
        &mut self,
        reference: &str,
        t: &TypeRef,
        name: &str,
        shape: &mut Shape,
    ) -> bool {
        let Some(id) = def_id(t.non_null()) else {
            return false;
        };
        if !matches!(self.defs[id].kind, DefKind::Pending) {
            return false;
        }
        let Some((_, component)) = self.components.get(reference).cloned() else {
            return false;
        };
        let api: &'a OpenAPI = self.api;
        let Some(schema) = api
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(&component))
        else {
            return false;
        };
        if !self.collecting.insert(id) {
            return false;
        }
        let collected = self.collect_part(schema, reference, name, shape);
        self.collecting.remove(&id);
        collected
    }

    /// Adds a referenced type's fields to `shape`; false if it is not an object.
    fn collect_type(&mut self, t: &TypeRef, shape: &mut Shape) -> bool {
        if t.is_nullable() {
            shape.nullable = true;
        }
        let target = match def_id(t.non_null()).map(|id| self.resolve_alias(id)) {
            Some(id) => match &self.defs[id].kind {
                DefKind::Struct { fields, additional } => {
                    merge_fields(&mut shape.fields, fields.clone());
                    if additional.is_some() {
                        shape.additional = additional.clone();
                    }
                    return true;
                }
                DefKind::Alias { target } => target.non_null().clone(),
                _ => return false,
            },
            None => t.non_null().clone(),
        };
        match target {
            TypeRef::Map(v) => {
                if *v != TypeRef::Json {
                    shape.additional = Some(*v);
                }
                true
            }
            TypeRef::Json => true,
            _ => false,
        }
    }

    fn resolve_alias(&self, mut id: usize) -> usize {
        for _ in 0..32 {
            match &self.defs[id].kind {
                DefKind::Alias { target } => match def_id(target.non_null()) {
                    Some(next) => id = next,
                    None => return id,
                },
                _ => return id,
            }
        }
        id
    }

    // ---------------------------------------------------------------- operations

    fn lower_operations(&mut self) -> Vec<OpDraft> {
        let mut drafts = Vec::new();
        // Paths by shape (`/items/{}`), to notice two that differ only in parameter names.
        let mut shapes: HashMap<String, &str> = HashMap::new();
        for (path, item) in self.api.paths.paths.iter() {
            let item_ptr = diag::join("#/paths", path);
            if let Some(first) = shapes.insert(path_shape(path), path) {
                self.diags.warn(
                    item_ptr.clone(),
                    format!(
                        "the path `{path}` differs from `{first}` only in parameter names, \
                         which OpenAPI does not allow: a server cannot tell their requests apart"
                    ),
                );
            }
            let item = match item {
                ReferenceOr::Item(i) => i,
                ReferenceOr::Reference { .. } => {
                    self.diags
                        .error(item_ptr, "path item references are not supported");
                    continue;
                }
            };
            for (method, op) in methods(item) {
                let ptr = diag::join(&item_ptr, method.as_str().to_ascii_lowercase());
                if let Some(d) = self.lower_operation(path, item, method, op, &ptr) {
                    drafts.push(d);
                }
            }
        }
        drafts
    }

    fn custom_op_name(&self, method: ir::Method, path: &str, op: &OaOperation) -> Option<String> {
        let by_route = self
            .config
            .names
            .operations
            .get(&format!("{} {path}", method.as_str()));
        let by_id = op
            .operation_id
            .as_ref()
            .and_then(|id| self.config.names.operations.get(id));
        by_route.or(by_id).cloned()
    }

    fn lower_operation(
        &mut self,
        path: &str,
        item: &PathItem,
        method: ir::Method,
        op: &OaOperation,
        ptr: &str,
    ) -> Option<OpDraft> {
        let m = method.as_str().to_ascii_lowercase();
        let ident_wanted = match self.custom_op_name(method, path, op) {
            Some(n) => naming::snake(&n),
            None => match &op.operation_id {
                Some(id) => naming::snake(
                    &naming::strip_fastapi_suffix(id, &m, path).unwrap_or_else(|| id.clone()),
                ),
                None => naming::operation_name_from(op.summary.as_deref(), &m, path),
            },
        };
        let ident_wanted = if ident_wanted.is_empty() {
            naming::method_path_name(&m, path)
        } else {
            ident_wanted
        };
        // Provisional names; final ones come after collisions are resolved.
        let pascal = naming::pascal(&ident_wanted);

        // Parameters: path-level first, overridden by operation-level ones with the same name and place.
        let mut raw_params: Vec<(Parameter, String)> = Vec::new();
        for (i, p) in item.parameters.iter().enumerate() {
            if let Some(p) = self.resolve_param(
                p,
                &diag::join(&diag::join(&diag::join("#/paths", path), "parameters"), i),
            ) {
                raw_params.push(p);
            }
        }
        for (i, p) in op.parameters.iter().enumerate() {
            if let Some((p, pp)) =
                self.resolve_param(p, &diag::join(&diag::join(ptr, "parameters"), i))
            {
                let d = p.parameter_data_ref();
                raw_params.retain(|(q, _)| {
                    let e = q.parameter_data_ref();
                    !(e.name == d.name && std::mem::discriminant(q) == std::mem::discriminant(&p))
                });
                raw_params.push((p, pp));
            }
        }
        let mut reserved: BTreeSet<String> =
            BUILDER_MEMBERS.iter().map(|s| s.to_string()).collect();
        let mut params: Vec<ir::Param> = Vec::new();
        let order = |p: &Parameter| match p {
            Parameter::Path { .. } => 0,
            Parameter::Query { .. } => 1,
            Parameter::Header { .. } => 2,
            Parameter::Cookie { .. } => 3,
        };
        raw_params.sort_by_key(|(p, _)| order(p));
        for (p, pp) in &raw_params {
            if let Some(param) = self.lower_param(p, pp, path, method, &pascal, &mut reserved) {
                params.push(param);
            }
        }
        // Path template → parts.
        let mut path_parts = Vec::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            if open > 0 {
                path_parts.push(ir::PathPart::Literal(rest[..open].to_string()));
            }
            let pname = &rest[open + 1..open + close];
            match params
                .iter()
                .position(|p| p.location == ir::ParamIn::Path && p.wire == pname)
            {
                Some(i) => path_parts.push(ir::PathPart::Param(i)),
                None => {
                    self.diags.error(
                        ptr.to_string(),
                        format!("path parameter {{{pname}}} is not declared"),
                    );
                    return None;
                }
            }
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            path_parts.push(ir::PathPart::Literal(rest.to_string()));
        }
        for p in &params {
            if p.location == ir::ParamIn::Path && !path.contains(&format!("{{{}}}", p.wire)) {
                self.diags.warn(
                    ptr.to_string(),
                    format!(
                        "path parameter {:?} does not appear in the path; ignored",
                        p.wire
                    ),
                );
            }
        }
        params.retain(|p| {
            p.location != ir::ParamIn::Path || path.contains(&format!("{{{}}}", p.wire))
        });
        // Re-resolve part indices after the retain.
        let path_parts = path_parts
            .into_iter()
            .map(|part| match part {
                ir::PathPart::Param(_) => part,
                l => l,
            })
            .collect::<Vec<_>>();
        let path_parts = reindex_parts(path_parts, &params, path);

        // Body.
        let body = match &op.request_body {
            None => None,
            Some(rb) => self.lower_body(rb, &diag::join(ptr, "requestBody"), &pascal),
        };

        // Responses.
        let (success, successes, errors) = self.lower_responses(op, ptr, &pascal);

        let server = op
            .servers
            .first()
            .or(item.servers.first())
            .map(substitute_server);
        let auth = self.operation_auth(op);
        let pagination = None;
        let summary = non_empty(&op.summary);
        let description = non_empty(&op.description);
        let opr = ir::Operation {
            ident: ident_wanted.clone(),
            builder: String::new(),
            error: String::new(),
            method,
            path: path.to_string(),
            path_parts,
            params,
            body,
            success,
            successes,
            errors,
            summary,
            description,
            deprecated: op.deprecated,
            server,
            auth,
            pagination,
        };
        Some(OpDraft {
            ident_wanted,
            path: path.to_string(),
            method,
            op: opr,
        })
    }

    fn operation_auth(&self, op: &OaOperation) -> bool {
        let reqs = op.security.as_ref().or(self.api.security.as_ref());
        match reqs {
            None => false,
            Some(reqs) => reqs.iter().any(|r| !r.is_empty()),
        }
    }

    fn resolve_param(
        &mut self,
        p: &ReferenceOr<Parameter>,
        ptr: &str,
    ) -> Option<(Parameter, String)> {
        match p {
            ReferenceOr::Item(p) => Some((p.clone(), ptr.to_string())),
            ReferenceOr::Reference { reference } => {
                let target = reference
                    .strip_prefix('#')
                    .and_then(|t| self.raw.pointer(t));
                match target.map(|v| serde_json::from_value::<ReferenceOr<Parameter>>(v.clone())) {
                    Some(Ok(ReferenceOr::Item(p))) => Some((p, reference.clone())),
                    Some(Ok(ReferenceOr::Reference { .. })) => {
                        self.diags.error(
                            ptr.to_string(),
                            format!(
                                "parameter reference {reference:?} points to another reference"
                            ),
                        );
                        None
                    }
                    Some(Err(e)) => {
                        self.diags
                            .error(reference.clone(), format!("invalid parameter: {e}"));
                        None
                    }
                    None => {
                        self.diags.error(
                            ptr.to_string(),
                            format!("parameter reference {reference:?} points to nothing"),
                        );
                        None
                    }
                }
            }
        }
    }

    fn lower_param(
        &mut self,
        p: &Parameter,
        ptr: &str,
        path: &str,
        method: ir::Method,
        op_pascal: &str,
        reserved: &mut BTreeSet<String>,
    ) -> Option<ir::Param> {
        let d = p.parameter_data_ref();
        let location = match p {
            Parameter::Path { .. } => ir::ParamIn::Path,
            Parameter::Query { .. } => ir::ParamIn::Query,
            Parameter::Header { .. } => ir::ParamIn::Header,
            Parameter::Cookie { .. } => {
                self.diags.warn(
                    ptr.to_string(),
                    format!(
                        "cookie parameter {:?} is not supported; it cannot be set",
                        d.name
                    ),
                );
                return None;
            }
        };
        if location == ir::ParamIn::Header
            && ["authorization", "content-type", "accept"]
                .contains(&d.name.to_ascii_lowercase().as_str())
        {
            return None;
        }
        let type_name = naming::type_ident(&format!("{op_pascal} {}", d.name));
        let (ty, json_content) = match &d.format {
            ParameterSchemaOrContent::Schema(s) => (
                self.lower_schema(s, &diag::join(ptr, "schema"), &type_name, None),
                false,
            ),
            ParameterSchemaOrContent::Content(c) => {
                let t = c
                    .iter()
                    .next()
                    .and_then(|(_, mt)| mt.schema.as_ref())
                    .map(|s| self.lower_schema(s, &diag::join(ptr, "content"), &type_name, None));
                (t.unwrap_or(TypeRef::Json), true)
            }
        };
        let ty = ty.non_null().clone();
        let explicit = match p {
            Parameter::Query { style, .. } => Some(style),
            _ => None,
        };
        let key = format!("{} {path} {}", method.as_str(), d.name);
        let configured = self
            .config
            .query
            .params
            .get(&key)
            .copied()
            .or(self.config.query.array_style);
        let resolved_ty = self.resolve_type(&ty);
        let (ty, style) = match (&resolved_ty, location) {
            (_, _) if json_content => (ty, ir::QueryStyle::Json),
            (TypeRef::Array(item), ir::ParamIn::Query) => {
                let style = match configured {
                    Some(ArrayStyle::Form) => ir::QueryStyle::Exploded,
                    Some(ArrayStyle::Comma) => ir::QueryStyle::Delimited(","),
                    Some(ArrayStyle::Pipe) => ir::QueryStyle::Delimited("|"),
                    Some(ArrayStyle::Space) => ir::QueryStyle::Delimited(" "),
                    None => match explicit {
                        Some(openapiv3::QueryStyle::SpaceDelimited) => {
                            ir::QueryStyle::Delimited(" ")
                        }
                        Some(openapiv3::QueryStyle::PipeDelimited) => {
                            ir::QueryStyle::Delimited("|")
                        }
                        _ if d.explode == Some(false) => ir::QueryStyle::Delimited(","),
                        // The prose says what the (absent) `explode: false` would have.
                        _ if d.explode.is_none()
                            && says_comma_separated(d.description.as_deref()) =>
                        {
                            self.diags.warn(
                                ptr.to_string(),
                                format!(
                                    "array parameter {:?} is described as comma-separated but states no `explode`; \
                                     it is sent as one comma-joined value (`[query]` in the customisation file decides otherwise)",
                                    d.name
                                ),
                            );
                            ir::QueryStyle::Delimited(",")
                        }
                        _ => ir::QueryStyle::Exploded,
                    },
                };
                let item = match item.non_null() {
                    TypeRef::Json => TypeRef::String,
                    t => t.clone(),
                };
                (item, style)
            }
            (TypeRef::Array(item), _) => (item.non_null().clone(), ir::QueryStyle::Delimited(",")),
            (TypeRef::Json, _) => (TypeRef::String, ir::QueryStyle::Single),
            (TypeRef::Map(_), _) => {
                self.diags.warn(
                    ptr.to_string(),
                    format!("object parameter {:?} is sent as JSON in one value", d.name),
                );
                (ty, ir::QueryStyle::Json)
            }
            // A union of plain values is one string on the wire: the caller writes it.
            (TypeRef::Named(_), _) if self.is_scalar_union(&resolved_ty) => {
                (TypeRef::String, ir::QueryStyle::Single)
            }
            (TypeRef::Named(_), _) if !self.is_display(&resolved_ty) => {
                self.diags.warn(
                    ptr.to_string(),
                    format!("object parameter {:?} is sent as JSON in one value", d.name),
                );
                (ty, ir::QueryStyle::Json)
            }
            _ => (ty, ir::QueryStyle::Single),
        };
        let required = d.required || location == ir::ParamIn::Path;
        let mut ident = naming::unraw(&naming::field_ident(&d.name)).to_string();
        if BUILDER_MEMBERS.contains(&ident.as_str()) {
            ident = format!("{ident}_param");
        }
        let ident = naming::escape_keyword(naming::unique(&ident, reserved));
        Some(ir::Param {
            ident,
            wire: d.name.clone(),
            location,
            ty,
            required,
            style,
            doc: non_empty(&d.description),
        })
    }

    /// Follows aliases to what a type is on the wire.
    fn resolve_type(&self, t: &TypeRef) -> TypeRef {
        match def_id(t.non_null()) {
            Some(id) => {
                let id = self.resolve_alias(id);
                match &self.defs[id].kind {
                    DefKind::Alias { target } => self.resolve_type(target),
                    _ => def_ref(id),
                }
            }
            None => t.clone(),
        }
    }

    /// Whether a named type is a union whose every alternative is a plain value.
    fn is_scalar_union(&self, t: &TypeRef) -> bool {
        let Some(id) = def_id(t).map(|id| self.resolve_alias(id)) else {
            return false;
        };
        match &self.defs[id].kind {
            DefKind::Union { variants, .. } => variants.iter().all(|v| {
                let v = self.resolve_type(v);
                matches!(
                    v.non_null(),
                    TypeRef::String | TypeRef::Integer(_) | TypeRef::Number(_) | TypeRef::Boolean
                ) || (def_id(&v).is_some() && self.is_display(&v))
            }),
            _ => false,
        }
    }

    /// Whether a named type prints as one query value (string enums do).
    fn is_display(&self, t: &TypeRef) -> bool {
        match def_id(t) {
            Some(id) => matches!(self.defs[self.resolve_alias(id)].kind, DefKind::Enum { .. }),
            None => true,
        }
    }

    fn lower_body(
        &mut self,
        rb: &ReferenceOr<openapiv3::RequestBody>,
        ptr: &str,
        op_pascal: &str,
    ) -> Option<ir::Body> {
        let (rb, ptr) = match rb {
            ReferenceOr::Item(rb) => (rb.clone(), ptr.to_string()),
            ReferenceOr::Reference { reference } => {
                match reference
                    .strip_prefix('#')
                    .and_then(|t| self.raw.pointer(t))
                    .map(|v| serde_json::from_value::<openapiv3::RequestBody>(v.clone()))
                {
                    Some(Ok(rb)) => (rb, reference.clone()),
                    _ => {
                        self.diags.error(
                            ptr.to_string(),
                            format!("request body reference {reference:?} cannot be resolved"),
                        );
                        return None;
                    }
                }
            }
        };
        let Some((ct, mt)) = rb.content.iter().find(|(ct, _)| is_json(ct)) else {
            let types: Vec<&str> = rb.content.keys().map(String::as_str).collect();
            self.diags.warn(ptr.clone(), format!("request body of type {types:?} is not supported (JSON only); the operation is generated without a body"));
            return None;
        };
        let ty = match &mt.schema {
            Some(s) => self.lower_schema(
                s,
                &diag::join(&diag::join(&diag::join(&ptr, "content"), ct), "schema"),
                &format!("{op_pascal}Request"),
                None,
            ),
            None => TypeRef::Json,
        };
        Some(ir::Body {
            ty,
            required: rb.required,
            doc: non_empty(&rb.description),
        })
    }

    fn lower_responses(
        &mut self,
        op: &OaOperation,
        ptr: &str,
        op_pascal: &str,
    ) -> (TypeRef, Vec<ir::Outcome>, Vec<ir::Outcome>) {
        let mut successes = Vec::new();
        let mut errors = Vec::new();
        let mut entries: Vec<(ir::StatusMatch, &ReferenceOr<openapiv3::Response>)> = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| {
                (
                    match code {
                        StatusCode::Code(c) => ir::StatusMatch::Code(*c),
                        StatusCode::Range(r) => ir::StatusMatch::Range(*r),
                    },
                    r,
                )
            })
            .collect();
        if let Some(d) = &op.responses.default {
            entries.push((ir::StatusMatch::Default, d));
        }
        let rptr = diag::join(ptr, "responses");
        // Without a documented success, `default` describes the successes too.
        let default_succeeds = !entries.iter().any(|(s, _)| {
            matches!(
                s,
                ir::StatusMatch::Code(200..=299) | ir::StatusMatch::Range(2)
            )
        });
        for (status, resp) in entries {
            let key = match status {
                ir::StatusMatch::Code(c) => c.to_string(),
                ir::StatusMatch::Range(r) => format!("{r}XX"),
                ir::StatusMatch::Default => "default".into(),
            };
            let p = diag::join(&rptr, &key);
            let (resp, p) = match resp {
                ReferenceOr::Item(r) => (r.clone(), p),
                ReferenceOr::Reference { reference } => {
                    match reference
                        .strip_prefix('#')
                        .and_then(|t| self.raw.pointer(t))
                        .map(|v| serde_json::from_value::<openapiv3::Response>(v.clone()))
                    {
                        Some(Ok(r)) => (r, reference.clone()),
                        _ => {
                            self.diags.error(
                                p,
                                format!("response reference {reference:?} cannot be resolved"),
                            );
                            continue;
                        }
                    }
                }
            };
            let is_success = matches!(
                status,
                ir::StatusMatch::Code(200..=299) | ir::StatusMatch::Range(2)
            );
            let variant = variant_for(status);
            let also_success = default_succeeds && status == ir::StatusMatch::Default;
            let name = if is_success || also_success {
                format!("{op_pascal}Response")
            } else {
                format!("{op_pascal}{variant}")
            };
            let (ty, json) = match resp.content.iter().find(|(ct, _)| is_json(ct)) {
                Some((ct, mt)) => (
                    match &mt.schema {
                        Some(s) => self.lower_schema(
                            s,
                            &diag::join(&diag::join(&diag::join(&p, "content"), ct), "schema"),
                            &name,
                            None,
                        ),
                        None => TypeRef::Json,
                    },
                    true,
                ),
                None if resp.content.is_empty() => (TypeRef::Unit, false),
                None => (TypeRef::Bytes, false),
            };
            let outcome = ir::Outcome {
                status,
                variant,
                ty,
                json,
                doc: non_empty(&Some(resp.description.clone())),
            };
            if also_success {
                successes.push(ir::Outcome {
                    status: ir::StatusMatch::Range(2),
                    ..outcome.clone()
                });
            }
            if is_success {
                successes.push(outcome);
            } else if matches!(
                status,
                ir::StatusMatch::Code(100..=199)
                    | ir::StatusMatch::Range(1)
                    | ir::StatusMatch::Code(300..=399)
                    | ir::StatusMatch::Range(3)
            ) {
                self.diags.warn(
                    p,
                    "informational and redirect responses are handled by the HTTP client; ignored",
                );
            } else {
                errors.push(outcome);
            }
        }
        if successes.is_empty() {
            self.diags.warn(
                rptr.clone(),
                "no success response is documented; any 2xx status is accepted, its body ignored",
            );
            successes.push(ir::Outcome {
                status: ir::StatusMatch::Range(2),
                variant: String::new(),
                ty: TypeRef::Unit,
                json: false,
                doc: None,
            });
        }
        let mut bodies: Vec<&TypeRef> = Vec::new();
        for s in &successes {
            if s.ty != TypeRef::Unit && !bodies.contains(&&s.ty) {
                bodies.push(&s.ty);
            }
        }
        let success = match bodies.len() {
            0 => TypeRef::Unit,
            1 if successes.iter().any(|s| s.ty == TypeRef::Unit) => nullable(bodies[0].clone()),
            1 => bodies[0].clone(),
            _ => {
                self.diags.warn(
                    rptr.clone(),
                    "success responses with different bodies are decoded as JSON",
                );
                TypeRef::Json
            }
        };
        // Decode every success as the common type.
        for s in &mut successes {
            if s.ty != TypeRef::Unit {
                s.ty = success.clone();
            }
        }
        (success, successes, errors)
    }

    // ---------------------------------------------------------------- pagination

    fn detect_pagination(&mut self, d: &OpDraft) -> Option<ir::Pagination> {
        let op = &d.op;
        let route = format!("{} {}", op.method.as_str(), op.path);
        let hint = self
            .config
            .pagination
            .get(&route)
            .cloned()
            .unwrap_or_default();
        if hint.disabled {
            return None;
        }
        let page_id = def_id(self.resolve_type(&op.success).non_null())?;
        let DefKind::Struct { fields, .. } = &self.defs[page_id].kind else {
            return None;
        };
        let string_field =
            |f: &&ir::Field| matches!(f.ty.non_null(), TypeRef::String | TypeRef::Json);
        let cursor_field = match &hint.cursor_field {
            Some(n) => fields.iter().find(|f| &f.wire == n).cloned(),
            None => fields
                .iter()
                .filter(string_field)
                .find(|f| {
                    let w = f.wire.to_ascii_lowercase();
                    w.contains("cursor") || w.contains("token") || w == "next" || w == "next_page"
                })
                .cloned(),
        }?;
        let query: Vec<(usize, &ir::Param)> = op
            .params
            .iter()
            .enumerate()
            .filter(|(_, p)| p.location == ir::ParamIn::Query)
            .collect();
        let cursor_param = match &hint.cursor_param {
            Some(n) => query.iter().find(|(_, p)| &p.wire == n).map(|(i, _)| *i),
            None => {
                let stem = |s: &str| {
                    let s = s.to_ascii_lowercase();
                    ["next_", "after_", "page_", "starting_", "start_"]
                        .iter()
                        .fold(s, |s, pre| {
                            s.strip_prefix(pre).map(String::from).unwrap_or(s)
                        })
                };
                query
                    .iter()
                    .find(|(_, p)| p.wire == cursor_field.wire)
                    .or_else(|| {
                        query.iter().find(|(_, p)| {
                            stem(&p.wire) == stem(&cursor_field.wire) && p.ty == TypeRef::String
                        })
                    })
                    .map(|(i, _)| *i)
            }
        }?;
        if op.params[cursor_param].ty != TypeRef::String
            || op.params[cursor_param].style != ir::QueryStyle::Single
        {
            return None;
        }
        let arrays: Vec<&ir::Field> = fields
            .iter()
            .filter(|f| matches!(f.ty.non_null(), TypeRef::Array(_)))
            .collect();
        let items = match &hint.items_field {
            Some(n) => fields.iter().find(|f| &f.wire == n),
            None if arrays.len() == 1 => Some(arrays[0]),
            None => None,
        }?;
        let TypeRef::Array(item) = items.ty.non_null() else {
            return None;
        };
        if items.ty.is_nullable() || !items.required {
            return None;
        }
        let limit_param = query
            .iter()
            .find(|(_, p)| {
                [
                    "limit",
                    "page_size",
                    "per_page",
                    "max_results",
                    "pagesize",
                    "size",
                ]
                .contains(&p.wire.to_ascii_lowercase().as_str())
            })
            .map(|(i, _)| *i);
        Some(ir::Pagination {
            cursor_param,
            cursor_field: cursor_field.ident.clone(),
            cursor_optional: cursor_field.ty.is_nullable() || !cursor_field.required,
            items_field: items.ident.clone(),
            item: (**item).clone(),
            limit_param,
        })
    }

    // ---------------------------------------------------------------- finishing

    fn finish(&mut self, mut drafts: Vec<OpDraft>) -> ir::Api {
        for draft in drafts.iter_mut() {
            let p = self.detect_pagination(draft);
            let route = format!("{} {}", draft.method.as_str(), draft.path);
            if let Some(hint) = self.config.pagination.get(&route) {
                if p.is_none() && !hint.disabled {
                    self.diags.warn(
                        format!("#/paths/{}", diag::escape_token(&draft.path)),
                        format!("pagination hint for {route:?} does not fit the operation (cursor parameter, cursor field and items array must exist)"),
                    );
                }
            }
            draft.op.pagination = p;
        }
        for key in self.config.pagination.keys() {
            if !drafts
                .iter()
                .any(|d| format!("{} {}", d.method.as_str(), d.path) == *key)
            {
                self.diags.warn(
                    "",
                    format!("customisation names pagination for {key:?}, which is not an operation of the spec"),
                );
            }
        }
        // Operation names.
        let wanted: Vec<(usize, String, String)> = drafts
            .iter()
            .enumerate()
            .map(|(i, d)| {
                (
                    i,
                    d.ident_wanted.clone(),
                    naming::method_path_name(d.method.as_str(), &d.path),
                )
            })
            .collect();
        let reserved: BTreeSet<String> = [
            "builder", "from_env", "new", "inner", "base_url", "clone", "fmt", "from", "runtime",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let op_names = naming::resolve_names(wanted, &reserved);
        let mut builders = BTreeSet::new();
        for (i, d) in drafts.iter_mut().enumerate() {
            let ident = naming::escape_keyword(op_names[&i].clone());
            let mut builder = naming::pascal(naming::unraw(&ident));
            if naming::RESERVED_TYPE_NAMES.contains(&builder.as_str())
                || ["Client", "Error", "Request", "Response", "Method"].contains(&builder.as_str())
            {
                builder.push_str("Builder");
            }
            // `get_v2` and `get_v_2` are distinct methods but one Pascal-case name.
            let builder = naming::unique(&builder, &mut builders);
            d.op.error = format!("{builder}Error");
            d.op.builder = builder;
            d.op.ident = ident;
        }

        // Type names.
        let names = self.type_names();
        let resolve = |t: &TypeRef| resolve_ref(t, &names, &self.defs);
        let mut types = Vec::new();
        let mut order: Vec<usize> = (0..self.defs.len())
            .filter(|id| names.contains_key(id))
            .collect();
        order.sort_by(|a, b| names[a].cmp(&names[b]));
        for id in order {
            let def = &self.defs[id];
            let name = names[&id].clone();
            let doc = def.doc.clone();
            let td = match &def.kind {
                DefKind::Pending => continue,
                DefKind::Struct { fields, additional } => ir::TypeDef::Struct(ir::StructDef {
                    name,
                    doc,
                    fields: fields
                        .iter()
                        .map(|f| ir::Field {
                            ty: resolve(&f.ty),
                            ..f.clone()
                        })
                        .collect(),
                    additional: additional.as_ref().map(resolve),
                    pointer: def.pointer.clone(),
                    eq: false,
                    default: fields.iter().all(|f| !f.required),
                }),
                DefKind::Enum { values } => {
                    let variants = naming::enum_variants(values, &name);
                    let fallback = if variants.iter().any(|v| v == "Unknown") {
                        "Other"
                    } else {
                        "Unknown"
                    };
                    let fallback = if variants.iter().any(|v| v == fallback) {
                        "UnlistedValue"
                    } else {
                        fallback
                    };
                    ir::TypeDef::Enum(ir::EnumDef {
                        name,
                        doc,
                        variants: variants.into_iter().zip(values.iter().cloned()).collect(),
                        fallback: fallback.into(),
                    })
                }
                DefKind::Union { variants, tags } => {
                    let mut used = BTreeSet::new();
                    let vs: Vec<(String, TypeRef)> = variants
                        .iter()
                        .map(|t| {
                            let t = resolve(t);
                            (
                                naming::unique(&union_variant_label(&t, &name), &mut used),
                                t,
                            )
                        })
                        .collect();
                    let discriminator = tags.as_ref().map(|(property, tags)| {
                        let fallback = ["Unknown", "Other", "UnknownVariant"]
                            .into_iter()
                            .find(|f| !used.contains(*f))
                            .unwrap_or("UnknownVariant");
                        ir::Discriminator {
                            property: property.clone(),
                            tags: tags.clone(),
                            fallback: naming::unique(fallback, &mut used),
                        }
                    });
                    ir::TypeDef::Union(ir::UnionDef {
                        name,
                        doc,
                        boxed: vec![false; vs.len()],
                        variants: vs,
                        eq: false,
                        discriminator,
                    })
                }
                DefKind::Alias { target } => ir::TypeDef::Alias(ir::AliasDef {
                    name,
                    doc,
                    target: resolve(target),
                    newtype: false,
                    eq: false,
                }),
            };
            types.push(td);
        }
        let mut operations: Vec<ir::Operation> = drafts.into_iter().map(|d| d.op).collect();
        for op in &mut operations {
            for p in &mut op.params {
                p.ty = resolve(&p.ty);
            }
            if let Some(b) = &mut op.body {
                b.ty = resolve(&b.ty);
            }
            op.success = resolve(&op.success);
            for o in op.successes.iter_mut().chain(op.errors.iter_mut()) {
                o.ty = resolve(&o.ty);
            }
            if let Some(p) = &mut op.pagination {
                p.item = resolve(&p.item);
            }
        }
        let pointers: HashMap<String, String> = names
            .iter()
            .map(|(id, n)| (n.clone(), self.defs[*id].pointer.clone()))
            .collect();
        break_alias_cycles(&mut types, &pointers, self.diags);
        mark_eq_and_boxes(&mut types);

        let info = &self.api.info;
        let title = info.title.clone();
        let package = self
            .config
            .package
            .name
            .clone()
            .unwrap_or_else(|| format!("{}-client", naming::snake(&title).replace('_', "-")));
        let base_url = self
            .config
            .client
            .base_url
            .clone()
            .or_else(|| self.api.servers.first().map(substitute_server))
            .unwrap_or_else(|| {
                self.diags.warn(
                    "#/servers",
                    "the spec names no server; the client needs a base URL at run time",
                );
                "http://localhost".into()
            });
        let api_key_env = self.config.client.api_key_env.clone().unwrap_or_else(|| {
            format!(
                "{}_API_KEY",
                naming::snake(package.trim_end_matches("-client")).to_ascii_uppercase()
            )
        });
        let auth = operations.iter().any(|o| o.auth);
        ir::Api {
            lib_name: package.replace('-', "_"),
            version: self
                .config
                .package
                .version
                .clone()
                .unwrap_or_else(|| "0.1.0".into()),
            description: self
                .config
                .package
                .description
                .clone()
                .unwrap_or_else(|| format!("Typed async client for the {title}")),
            license: self
                .config
                .package
                .license
                .clone()
                .unwrap_or_else(|| "MIT OR Apache-2.0".into()),
            runtime_dep: String::new(),
            package,
            title,
            api_version: info.version.clone(),
            doc: non_empty(&info.description),
            base_url,
            api_key_env,
            auth,
            types,
            operations,
            notes: std::mem::take(&mut self.notes),
        }
    }

    /// Picks every definition's final name: a customised name, else the component name, else a
    /// name derived from where it stands. A type merged from several identical inline schemas is
    /// named by what their names share (`ExecuteTooManyRequests` and `RecycleTooManyRequests` →
    /// `TooManyRequests`), which stays put when more copies are added; when nothing meaningful is
    /// shared, or the shared name is taken, by its shortest name. Remaining collisions get a number.
    fn type_names(&mut self) -> BTreeMap<usize, String> {
        let custom = &self.config.names.types;
        // (id, origin, wanted, fallback, pointer)
        let mut chosen: Vec<(usize, Origin, String, String, String)> = Vec::new();
        let mut used_custom = BTreeSet::new();
        for (id, def) in self.defs.iter().enumerate() {
            if def.names.is_empty() || matches!(def.kind, DefKind::Pending) {
                continue;
            }
            let mut cands: Vec<(Origin, String, String)> = Vec::new();
            for (origin, name, ptr) in &def.names {
                let c = custom
                    .get(ptr)
                    .map(|n| (ptr.clone(), n))
                    .or_else(|| custom.get(name).map(|n| (name.clone(), n)));
                cands.push(match c {
                    Some((key, n)) => {
                        used_custom.insert(key);
                        (Origin::Custom, n.clone(), ptr.clone())
                    }
                    None => (*origin, naming::type_ident(name), ptr.clone()),
                });
            }
            let customs: BTreeSet<&String> = def
                .names
                .iter()
                .filter_map(|(_, name, ptr)| custom.get(ptr).or_else(|| custom.get(name)))
                .collect();
            if customs.len() > 1 {
                let list: Vec<&str> = customs.iter().map(|s| s.as_str()).collect();
                self.diags.warn(
                    def.pointer.clone(),
                    format!("one type (identical schemas merged) is given several names {list:?}; using the shortest"),
                );
            }
            let Some(origin) = cands.iter().map(|c| c.0).min() else {
                continue;
            };
            let mut best: Vec<&(Origin, String, String)> =
                cands.iter().filter(|c| c.0 == origin).collect();
            best.sort_by(|a, b| (a.1.len(), &a.1, &a.2).cmp(&(b.1.len(), &b.1, &b.2)));
            let (shortest, ptr) = (best[0].1.clone(), best[0].2.clone());
            let mut wanted = shortest.clone();
            if origin == Origin::Inline {
                let distinct: BTreeSet<&str> = best.iter().map(|c| c.1.as_str()).collect();
                if distinct.len() > 1 {
                    if let Some(shared) = shared_suffix(&distinct) {
                        wanted = shared;
                    }
                }
                // The name the rules give may itself be customised.
                if let Some(n) = custom.get(&wanted) {
                    used_custom.insert(wanted.clone());
                    chosen.push((id, Origin::Custom, n.clone(), n.clone(), ptr));
                    continue;
                }
            }
            // The earliest pointer among the candidates orders the numbering of collisions.
            let first_ptr = def.names.iter().map(|n| n.2.clone()).min().unwrap_or(ptr);
            chosen.push((id, origin, wanted, shortest, first_ptr));
        }
        for key in custom.keys() {
            if !used_custom.contains(key) {
                self.diags.warn(
                    "",
                    format!("customisation names type {key:?}, which the spec does not have"),
                );
            }
        }
        // Components and customised names claim first, then inline ones by pointer.
        chosen.sort_by(|a, b| (a.1, &a.4).cmp(&(b.1, &b.4)));
        let mut wanted_count: BTreeMap<&str, usize> = BTreeMap::new();
        for c in &chosen {
            *wanted_count.entry(c.2.as_str()).or_default() += 1;
        }
        let mut used = BTreeSet::new();
        for c in &chosen {
            if c.1 != Origin::Inline {
                used.insert(naming::type_ident(&c.2));
            }
        }
        let mut out = BTreeMap::new();
        let mut claimed = BTreeSet::new();
        for (id, origin, wanted, fallback, _) in &chosen {
            let shared = wanted != fallback;
            let name = if *origin == Origin::Inline
                && shared
                && (used.contains(wanted) || wanted_count[wanted.as_str()] > 1)
            {
                fallback
            } else {
                wanted
            };
            let name = naming::unique(&naming::type_ident(name), &mut claimed);
            out.insert(*id, name);
        }
        out
    }
}

/// What every name says in common, as a type name: the words they all end with
/// (`TooManyRequests`, `InstanceStatus`), or, when those say nothing on their own (`Request`),
/// the words they all start with in front of them (`DeleteRequest`). `None` when nothing
/// meaningful is shared.
fn shared_suffix(names: &BTreeSet<&str>) -> Option<String> {
    const GENERIC: &[&str] = &[
        "item", "items", "value", "values", "request", "response", "body", "data", "result",
        "results", "list", "object", "error", "errors", "model", "type", "info", "payload",
        "variant", "part", "entry", "field",
    ];
    let split: Vec<Vec<String>> = names.iter().map(|n| naming::words(n)).collect();
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
    (meaningful(&words) && text.len() >= 4).then(|| naming::type_ident(&text))
}

fn reindex_parts(parts: Vec<ir::PathPart>, params: &[ir::Param], path: &str) -> Vec<ir::PathPart> {
    // Parts were built against the same list; indices are rebuilt from names to stay exact.
    let mut out = Vec::new();
    let mut rest = path;
    let _ = parts;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        if open > 0 {
            out.push(ir::PathPart::Literal(rest[..open].to_string()));
        }
        let pname = &rest[open + 1..open + close];
        if let Some(i) = params
            .iter()
            .position(|p| p.location == ir::ParamIn::Path && p.wire == pname)
        {
            out.push(ir::PathPart::Param(i));
        }
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        out.push(ir::PathPart::Literal(rest.to_string()));
    }
    out
}

/// Gives every field a distinct identifier. Properties whose wire name is already their
/// identifier claim it first (so `foo_bar` stays `foo_bar` beside `fooBar`, whatever the order);
/// the others get the next free numbered form, in property order.
fn assign_field_idents(fields: &mut [ir::Field]) {
    let mut used = BTreeSet::new();
    let wanted: Vec<String> = fields
        .iter()
        .map(|f| naming::unraw(&naming::field_ident(&f.wire)).to_string())
        .collect();
    let exact: Vec<bool> = fields
        .iter()
        .zip(&wanted)
        .map(|(f, w)| *w == f.wire && used.insert(w.clone()))
        .collect();
    for ((f, w), exact) in fields.iter_mut().zip(wanted).zip(exact) {
        let name = if exact {
            w
        } else {
            naming::unique(&w, &mut used)
        };
        f.ident = naming::escape_keyword(name);
    }
}

/// Whether parameter prose says the values are joined by commas.
/// A path template with its parameter names left out (`/items/{id}` → `/items/{}`).
fn path_shape(path: &str) -> String {
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

fn says_comma_separated(description: Option<&str>) -> bool {
    let d = description.unwrap_or_default().to_ascii_lowercase();
    [
        "comma-separated",
        "comma separated",
        "comma-delimited",
        "comma delimited",
        "separated by comma",
        "separated by a comma",
    ]
    .iter()
    .any(|p| d.contains(p))
}

/// True when every alternative only constrains (lists required properties, documents), so that
/// the schema beside them types the value alone.
fn constraint_only(list: &[ReferenceOr<Schema>]) -> bool {
    list.iter().all(|b| match b {
        ReferenceOr::Item(b) => match &b.schema_kind {
            SchemaKind::Any(b) => {
                b.properties.is_empty()
                    && b.typ.is_none()
                    && b.enumeration.is_empty()
                    && b.items.is_none()
                    && b.additional_properties.is_none()
                    && b.one_of.is_empty()
                    && b.any_of.is_empty()
                    && b.all_of.is_empty()
            }
            _ => false,
        },
        ReferenceOr::Reference { .. } => false,
    })
}

fn merge_fields(into: &mut Vec<ir::Field>, more: Vec<ir::Field>) {
    for f in more {
        match into.iter_mut().find(|g| g.wire == f.wire) {
            Some(g) => {
                let required = g.required || f.required;
                let doc = f.doc.clone().or_else(|| g.doc.take());
                *g = ir::Field { required, doc, ..f };
            }
            None => into.push(f),
        }
    }
}

fn resolve_ref(t: &TypeRef, names: &BTreeMap<usize, String>, defs: &[Def]) -> TypeRef {
    match t {
        TypeRef::Named(_) => match def_id(t) {
            Some(mut id) => {
                // Aliases without a name of their own (merged components) point at their target.
                while !names.contains_key(&id) {
                    match &defs[id].kind {
                        DefKind::Alias { target } => match def_id(target) {
                            Some(next) => id = next,
                            None => return resolve_ref(target, names, defs),
                        },
                        _ => return TypeRef::Json,
                    }
                }
                TypeRef::Named(names[&id].clone())
            }
            None => t.clone(),
        },
        TypeRef::Array(i) => TypeRef::Array(Box::new(resolve_ref(i, names, defs))),
        TypeRef::Map(i) => TypeRef::Map(Box::new(resolve_ref(i, names, defs))),
        TypeRef::Nullable(i) => nullable(resolve_ref(i, names, defs)),
        t => t.clone(),
    }
}

fn variant_label(t: &TypeRef) -> String {
    match t {
        TypeRef::String => "String".into(),
        TypeRef::Integer(_) => "Integer".into(),
        TypeRef::Number(_) => "Number".into(),
        TypeRef::Boolean => "Boolean".into(),
        TypeRef::Json => "Json".into(),
        TypeRef::Bytes => "Bytes".into(),
        TypeRef::Named(n) => n.clone(),
        TypeRef::Array(i) => format!("{}List", variant_label(i)),
        TypeRef::Map(i) => format!("{}Map", variant_label(i)),
        TypeRef::Nullable(i) => variant_label(i),
        TypeRef::Unit => "Null".into(),
    }
}

/// A union variant's name: the type's label, without the union's own name in front
/// (`IdOrNameVariant1` in `IdOrName` is `Variant1`).
fn union_variant_label(t: &TypeRef, union_name: &str) -> String {
    let label = variant_label(t);
    match label.strip_prefix(union_name) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_uppercase()) => rest.to_string(),
        _ => label,
    }
}

/// Aliases that contain themselves cannot be Rust type aliases. Through a container
/// (`Tree = BTreeMap<String, Tree>`) the alias becomes a transparent newtype struct; a loop of
/// aliases alone (`A = B`, `B = A`) describes no value and falls back to JSON, with a warning.
fn break_alias_cycles(
    types: &mut [ir::TypeDef],
    pointers: &HashMap<String, String>,
    diags: &mut Diagnostics,
) {
    let index: HashMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name().to_string(), i))
        .collect();
    /// Whether `t` reaches the alias `goal` through aliases and containers: `Some(true)` only
    /// through a container, `Some(false)` without one.
    fn reaches(
        types: &[ir::TypeDef],
        index: &HashMap<String, usize>,
        t: &TypeRef,
        goal: usize,
        container: bool,
        seen: &mut BTreeSet<usize>,
    ) -> Option<bool> {
        match t {
            TypeRef::Array(i) | TypeRef::Map(i) => reaches(types, index, i, goal, true, seen),
            TypeRef::Nullable(i) => reaches(types, index, i, goal, container, seen),
            TypeRef::Named(n) => {
                let &i = index.get(n)?;
                if i == goal {
                    return Some(container);
                }
                match &types[i] {
                    ir::TypeDef::Alias(a) if !a.newtype && seen.insert(i) => {
                        reaches(types, index, &a.target, goal, container, seen)
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
    for i in 0..types.len() {
        let ir::TypeDef::Alias(a) = &types[i] else {
            continue;
        };
        let found = reaches(types, &index, &a.target, i, false, &mut BTreeSet::new());
        if let ir::TypeDef::Alias(a) = &mut types[i] {
            match found {
                Some(true) => a.newtype = true,
                Some(false) => {
                    diags.warn(
                        pointers.get(&a.name).cloned().unwrap_or_default(),
                        "the schema refers only to itself and describes no value; it is kept as JSON",
                    );
                    a.target = TypeRef::Json;
                }
                None => {}
            }
        }
    }
}

/// Decides `Eq` for every struct, union and newtype (no floats inside, transitively), and boxes
/// what closes a cycle of types held by value: struct fields first, union variants only where a
/// cycle runs through unions alone.
fn mark_eq_and_boxes(types: &mut [ir::TypeDef]) {
    let index: HashMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name().to_string(), i))
        .collect();
    let mut eq: Vec<bool> = vec![true; types.len()];
    fn has_float(t: &TypeRef, eq: &[bool], index: &HashMap<String, usize>) -> bool {
        match t {
            TypeRef::Number(_) => true,
            TypeRef::Named(n) => index.get(n).is_some_and(|&i| !eq[i]),
            TypeRef::Array(i) | TypeRef::Map(i) | TypeRef::Nullable(i) => has_float(i, eq, index),
            _ => false,
        }
    }
    loop {
        let mut changed = false;
        for (i, t) in types.iter().enumerate() {
            if !eq[i] {
                continue;
            }
            let bad = match t {
                ir::TypeDef::Struct(s) => {
                    s.fields.iter().any(|f| has_float(&f.ty, &eq, &index))
                        || s.additional
                            .as_ref()
                            .is_some_and(|a| has_float(a, &eq, &index))
                }
                ir::TypeDef::Union(u) => u.variants.iter().any(|(_, v)| has_float(v, &eq, &index)),
                ir::TypeDef::Alias(a) => has_float(&a.target, &eq, &index),
                ir::TypeDef::Enum(_) => false,
            };
            if bad {
                eq[i] = false;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for (i, t) in types.iter_mut().enumerate() {
        match t {
            ir::TypeDef::Struct(s) => s.eq = eq[i],
            ir::TypeDef::Union(u) => u.eq = eq[i],
            ir::TypeDef::Alias(a) => a.eq = eq[i],
            ir::TypeDef::Enum(_) => {}
        }
    }
    // Edges: a value held directly (or through `Option`) by a field, variant or plain alias.
    fn by_value(t: &TypeRef) -> Option<&str> {
        match t {
            TypeRef::Named(n) => Some(n),
            TypeRef::Nullable(i) => by_value(i),
            _ => None,
        }
    }
    let edge_list = |ts: &mut dyn Iterator<Item = &TypeRef>| -> Vec<usize> {
        ts.map(|t| {
            by_value(t)
                .and_then(|n| index.get(n))
                .copied()
                .unwrap_or(usize::MAX)
        })
        .collect()
    };
    // Per type: the target of each slot (field, variant, alias target); `usize::MAX` for none.
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| match t {
            ir::TypeDef::Struct(s) => edge_list(&mut s.fields.iter().map(|f| &f.ty)),
            ir::TypeDef::Union(u) => edge_list(&mut u.variants.iter().map(|(_, v)| v)),
            ir::TypeDef::Alias(a) if !a.newtype => edge_list(&mut std::iter::once(&a.target)),
            _ => vec![],
        })
        .collect();
    let mut boxed: BTreeSet<(usize, usize)> = BTreeSet::new();
    let reaches = |from: usize, target: usize, boxed: &BTreeSet<(usize, usize)>| -> bool {
        let mut seen = vec![false; types.len()];
        let mut stack = vec![from];
        while let Some(n) = stack.pop() {
            if n == target {
                return true;
            }
            if std::mem::replace(&mut seen[n], true) {
                continue;
            }
            for (slot, &to) in edges[n].iter().enumerate() {
                if to != usize::MAX && !boxed.contains(&(n, slot)) {
                    stack.push(to);
                }
            }
        }
        false
    };
    for pass_unions in [false, true] {
        for (i, t) in types.iter().enumerate() {
            let wanted = match t {
                ir::TypeDef::Struct(_) => !pass_unions,
                ir::TypeDef::Union(_) => pass_unions,
                _ => false,
            };
            if !wanted {
                continue;
            }
            for (slot, &to) in edges[i].iter().enumerate() {
                if to != usize::MAX && reaches(to, i, &boxed) {
                    boxed.insert((i, slot));
                }
            }
        }
    }
    for (i, slot) in boxed {
        match &mut types[i] {
            ir::TypeDef::Struct(s) => s.fields[slot].boxed = true,
            ir::TypeDef::Union(u) => u.boxed[slot] = true,
            _ => {}
        }
    }
}

fn methods(item: &PathItem) -> Vec<(ir::Method, &OaOperation)> {
    use ir::Method::*;
    [
        (Get, &item.get),
        (Put, &item.put),
        (Post, &item.post),
        (Delete, &item.delete),
        (Options, &item.options),
        (Head, &item.head),
        (Patch, &item.patch),
        (Trace, &item.trace),
    ]
    .into_iter()
    .filter_map(|(m, o)| o.as_ref().map(|o| (m, o)))
    .collect()
}

fn format_str<T: std::fmt::Debug>(f: &openapiv3::VariantOrUnknownOrEmpty<T>) -> String {
    match f {
        openapiv3::VariantOrUnknownOrEmpty::Unknown(s) => s.clone(),
        // The formats `openapiv3` knows (`int32`, `int64`, `float`, `double`), by their name.
        openapiv3::VariantOrUnknownOrEmpty::Item(i) => format!("{i:?}").to_ascii_lowercase(),
        openapiv3::VariantOrUnknownOrEmpty::Empty => String::new(),
    }
}

fn int_type(format: &str) -> TypeRef {
    TypeRef::Integer(match format {
        "int32" => "i32",
        "uint32" => "u32",
        "uint64" => "u64",
        "int8" => "i8",
        "int16" => "i16",
        "uint8" => "u8",
        "uint16" => "u16",
        _ => "i64",
    })
}

fn float_type(_format: &str) -> TypeRef {
    TypeRef::Number("f64")
}

fn is_json(content_type: &str) -> bool {
    let ct = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    ct == "application/json"
        || ct.ends_with("+json")
        || ct == "*/*"
        || ct == "application/*"
        || ct.ends_with("/json")
}

fn substitute_server(s: &openapiv3::Server) -> String {
    let mut url = s.url.clone();
    if let Some(vars) = &s.variables {
        for (k, v) in vars {
            url = url.replace(&format!("{{{k}}}"), &v.default);
        }
    }
    url.trim_end_matches('/').to_string()
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

#[cfg(test)]
mod tests {
    use super::*;

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
