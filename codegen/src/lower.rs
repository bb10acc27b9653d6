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
    notes: Vec<String>,
}

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

struct OpDraft {
    ident_wanted: String,
    path: String,
    method: ir::Method,
    op: ir::Operation,
}

impl<'a> Lowerer<'a> {
    fn run(&mut self) -> ir::Api {
        // Components first, so that references resolve to their names.
        let mut component_ids = Vec::new();
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
                self.by_pointer.insert(ptr, def_ref(id));
                component_ids.push(id);
            }
            for (i, (name, schema)) in comps.schemas.iter().enumerate() {
                let ptr = format!("#/components/schemas/{}", diag::escape_token(name));
                let id = component_ids[i];
                let ty = self.lower_schema(schema, &ptr, &naming::type_ident(name), Some(id));
                if matches!(self.defs[id].kind, DefKind::Pending) {
                    // The component is not itself an object or enum: keep its name as an alias.
                    let doc = schema
                        .as_item()
                        .and_then(|s| non_empty(&s.schema_data.description));
                    self.defs[id].kind = DefKind::Alias { target: ty };
                    self.defs[id].doc = doc;
                }
            }
        }
        let drafts = self.lower_operations();
        self.finish(drafts)
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
        let ty = match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) => {
                let values: Vec<String> = st.enumeration.iter().flatten().cloned().collect();
                if values.is_empty() {
                    TypeRef::String
                } else {
                    self.string_enum(values, doc.clone(), ptr, name, slot)
                }
            }
            SchemaKind::Type(Type::Integer(it)) => int_type(format_str(&it.format)),
            SchemaKind::Type(Type::Number(nt)) => float_type(format_str(&nt.format)),
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Boolean,
            SchemaKind::Type(Type::Object(ot)) => self.object(
                &ot.properties,
                &ot.required,
                ot.additional_properties.as_ref(),
                doc.clone(),
                ptr,
                name,
                slot,
            ),
            SchemaKind::Type(Type::Array(at)) => match &at.items {
                Some(items) => TypeRef::Array(Box::new(self.lower_boxed(
                    items,
                    &diag::join(ptr, "items"),
                    &format!("{name}Item"),
                ))),
                None => TypeRef::Array(Box::new(TypeRef::Json)),
            },
            SchemaKind::OneOf { one_of } => {
                self.union(one_of, "oneOf", doc.clone(), ptr, name, slot)
            }
            SchemaKind::AnyOf { any_of } => {
                self.union(any_of, "anyOf", doc.clone(), ptr, name, slot)
            }
            SchemaKind::AllOf { all_of } => self.all_of(all_of, &[], doc.clone(), ptr, name, slot),
            SchemaKind::Not { .. } => {
                self.diags.warn(
                    ptr.to_string(),
                    "`not` cannot be expressed in Rust types; the value is kept as JSON",
                );
                TypeRef::Json
            }
            SchemaKind::Any(any) => self.any(any, doc.clone(), ptr, name, slot),
        };
        if s.schema_data.nullable {
            nullable(ty)
        } else {
            ty
        }
    }

    /// Schemas openapiv3 could not classify: mixed keywords, no `type`, 3.1 leftovers.
    fn any(
        &mut self,
        a: &AnySchema,
        doc: Option<String>,
        ptr: &str,
        name: &str,
        slot: Option<usize>,
    ) -> TypeRef {
        let has_object = !a.properties.is_empty() || a.additional_properties.is_some();
        let composite = !a.all_of.is_empty() || !a.one_of.is_empty() || !a.any_of.is_empty();
        if !a.all_of.is_empty() && a.one_of.is_empty() && a.any_of.is_empty() {
            return self.all_of(&a.all_of, &[(a, ptr)], doc, ptr, name, slot);
        }
        if composite && !has_object && a.typ.is_none() {
            let (list, kw) = if !a.one_of.is_empty() {
                (&a.one_of, "oneOf")
            } else {
                (&a.any_of, "anyOf")
            };
            return self.union(list, kw, doc, ptr, name, slot);
        }
        if composite {
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
        if let Some(&id) = self.enum_index.get(&key) {
            match slot {
                // A component identical to an earlier enum: the component becomes an alias-free twin
                // only if the earlier one is inline; merge by moving candidates over.
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
        self.enum_index.insert(key, id);
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
        let mut used = BTreeSet::new();
        let mut fields = Vec::new();
        for (wire, prop) in properties {
            let p = diag::join(&diag::join(ptr, "properties"), wire);
            let ty = self.lower_boxed(prop, &p, &naming::type_ident(&format!("{name} {wire}")));
            let doc = match prop {
                ReferenceOr::Item(s) => non_empty(&s.schema_data.description),
                ReferenceOr::Reference { .. } => None,
            };
            let ident = naming::unique(&naming::field_ident(wire), &mut used);
            fields.push(ir::Field {
                ident,
                wire: wire.clone(),
                ty,
                required: required.contains(wire),
                boxed: false,
                doc,
            });
        }
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

    fn union(
        &mut self,
        list: &[ReferenceOr<Schema>],
        kw: &str,
        doc: Option<String>,
        ptr: &str,
        name: &str,
        slot: Option<usize>,
    ) -> TypeRef {
        let mut variants: Vec<TypeRef> = Vec::new();
        let mut any_null = false;
        for (i, s) in list.iter().enumerate() {
            let t = self.lower_schema(
                s,
                &diag::join(&diag::join(ptr, kw), i),
                &format!("{name}Variant{}", i + 1),
                None,
            );
            let t = match t {
                TypeRef::Nullable(inner) => {
                    any_null = true;
                    *inner
                }
                t => t,
            };
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
                    self.defs[slot].kind = DefKind::Alias {
                        target: wrap(only.clone()),
                    };
                    self.defs[slot].doc = doc;
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
        let structs = variants
            .iter()
            .filter(|t| {
                def_id(t).is_some_and(|id| {
                    matches!(
                        self.defs[id].kind,
                        DefKind::Struct { .. } | DefKind::Pending
                    )
                })
            })
            .count();
        if structs > 1 {
            self.diags.warn(
                ptr.to_string(),
                format!("`{kw}` of {structs} object schemas is decoded as an untagged enum: the first alternative that fits wins"),
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
        let id = match slot {
            Some(id) => {
                self.defs[id].kind = DefKind::Union { variants };
                self.defs[id].doc = doc;
                id
            }
            None => self.new_def(
                DefKind::Union { variants },
                doc,
                Origin::Inline,
                name.to_string(),
                ptr.to_string(),
            ),
        };
        wrap(def_ref(id))
    }

    fn all_of(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        extra: &[(&AnySchema, &str)],
        doc: Option<String>,
        ptr: &str,
        name: &str,
        slot: Option<usize>,
    ) -> TypeRef {
        if parts.len() == 1 && extra.iter().all(|(a, _)| a.properties.is_empty()) {
            let t = self.lower_schema(
                &parts[0],
                &diag::join(&diag::join(ptr, "allOf"), 0),
                name,
                None,
            );
            if let Some(slot) = slot {
                self.defs[slot].kind = DefKind::Alias { target: t.clone() };
                self.defs[slot].doc = doc;
            }
            return t;
        }
        let mut fields: Vec<ir::Field> = Vec::new();
        let mut nullable_all = false;
        for (i, part) in parts.iter().enumerate() {
            let p = diag::join(&diag::join(ptr, "allOf"), i);
            let t = self.lower_schema(part, &p, &format!("{name}Part{}", i + 1), None);
            if t.is_nullable() {
                nullable_all = true;
            }
            match def_id(t.non_null()).map(|id| self.resolve_alias(id)) {
                Some(id) => match &self.defs[id].kind {
                    DefKind::Struct { fields: fs, .. } => merge_fields(&mut fields, fs.clone()),
                    _ => {
                        self.diags.warn(
                            p,
                            "`allOf` with a part that is not an object is kept as JSON",
                        );
                        return TypeRef::Json;
                    }
                },
                None => match t.non_null() {
                    TypeRef::Map(_) => {}
                    _ => {
                        self.diags.warn(
                            p,
                            "`allOf` with a part that is not an object is kept as JSON",
                        );
                        return TypeRef::Json;
                    }
                },
            }
        }
        for (a, aptr) in extra {
            let own = self.fields(&a.properties, &a.required, aptr, name);
            merge_fields(&mut fields, own);
        }
        // Fields required by any part are required.
        let ty = self.struct_def(fields, None, doc, ptr, name, slot);
        if nullable_all {
            nullable(ty)
        } else {
            ty
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
        for (path, item) in self.api.paths.paths.iter() {
            let item_ptr = diag::join("#/paths", path);
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
        let mut reserved: BTreeSet<String> = [
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
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
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
            .map(|s| substitute_server(s));
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
        let mut ident = naming::field_ident(&d.name);
        if reserved.contains(naming::unraw(&ident)) {
            ident = format!("{}_param", naming::unraw(&ident));
        }
        let ident = naming::unique(&ident, reserved);
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
            let name = if is_success {
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
        let mut successes = successes;
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
        for i in 0..drafts.len() {
            let p = self.detect_pagination(&drafts[i]);
            if let Some(h) = self
                .config
                .pagination
                .keys()
                .find(|k| **k == format!("{} {}", drafts[i].method.as_str(), drafts[i].path))
            {
                if p.is_none() && !self.config.pagination[h].disabled {
                    self.diags.warn(
                        format!("#/paths/{}", diag::escape_token(&drafts[i].path)),
                        format!("pagination hint for {h:?} does not fit the operation (cursor parameter, cursor field and items array must exist)"),
                    );
                }
            }
            drafts[i].op.pagination = p;
        }
        for (key, _) in &self.config.pagination {
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
            "builder", "from_env", "new", "inner", "base_url", "clone", "fmt", "from",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let op_names = naming::resolve_names(wanted, &reserved);
        for (i, d) in drafts.iter_mut().enumerate() {
            let ident = naming::escape_keyword(op_names[&i].clone());
            let mut builder = naming::pascal(naming::unraw(&ident));
            if naming::RESERVED_TYPE_NAMES.contains(&builder.as_str())
                || ["Client", "Error", "Request", "Response", "Method"].contains(&builder.as_str())
            {
                builder.push_str("Builder");
            }
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
                DefKind::Union { variants } => {
                    let mut used = BTreeSet::new();
                    let vs = variants
                        .iter()
                        .map(|t| {
                            let t = resolve(t);
                            (naming::unique(&variant_label(&t), &mut used), t)
                        })
                        .collect();
                    ir::TypeDef::Union(ir::UnionDef {
                        name,
                        doc,
                        variants: vs,
                        eq: false,
                    })
                }
                DefKind::Alias { target } => ir::TypeDef::Alias(ir::AliasDef {
                    name,
                    doc,
                    target: resolve(target),
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

    /// Picks every definition's final name: a customised name, else the component name, else the
    /// shortest name derived from where it stands; collisions get a number.
    fn type_names(&mut self) -> BTreeMap<usize, String> {
        let custom = &self.config.names.types;
        let mut chosen: Vec<(usize, Origin, String, String)> = Vec::new();
        let mut used_custom = BTreeSet::new();
        for (id, def) in self.defs.iter().enumerate() {
            if def.names.is_empty() || matches!(def.kind, DefKind::Pending) {
                continue;
            }
            let mut best: Option<(Origin, String, String)> = None;
            for (origin, name, ptr) in &def.names {
                let c = custom
                    .get(ptr)
                    .map(|n| (ptr.clone(), n))
                    .or_else(|| custom.get(name).map(|n| (name.clone(), n)));
                let cand = match c {
                    Some((key, n)) => {
                        used_custom.insert(key);
                        (Origin::Custom, n.clone(), ptr.clone())
                    }
                    None => (*origin, name.clone(), ptr.clone()),
                };
                let better = match &best {
                    None => true,
                    Some(b) => (cand.0, cand.1.len(), &cand.1) < (b.0, b.1.len(), &b.1),
                };
                if better {
                    best = Some(cand);
                }
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
            if let Some((o, n, p)) = best {
                chosen.push((id, o, n, p));
            }
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
        chosen.sort_by(|a, b| (a.1, &a.3).cmp(&(b.1, &b.3)));
        let mut used = BTreeSet::new();
        let mut out = BTreeMap::new();
        for (id, _, name, _) in chosen {
            let name = naming::unique(&naming::type_ident(&name), &mut used);
            out.insert(id, name);
        }
        out
    }
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

fn merge_fields(into: &mut Vec<ir::Field>, more: Vec<ir::Field>) {
    for f in more {
        match into.iter_mut().find(|g| g.wire == f.wire) {
            Some(g) => {
                let required = g.required || f.required;
                *g = ir::Field { required, ..f };
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

/// Decides `Eq` for every struct and union (no floats inside, transitively), and boxes the
/// fields that close a cycle of structs held by value.
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
            _ => {}
        }
    }
    // Boxes: a field held by value (directly or through Option) whose type reaches back to the struct.
    fn by_value(t: &TypeRef) -> Option<&str> {
        match t {
            TypeRef::Named(n) => Some(n),
            TypeRef::Nullable(i) => by_value(i),
            _ => None,
        }
    }
    let edges: Vec<Vec<(usize, usize)>> = types
        .iter()
        .map(|t| match t {
            ir::TypeDef::Struct(s) => s
                .fields
                .iter()
                .enumerate()
                .filter_map(|(fi, f)| {
                    by_value(&f.ty)
                        .and_then(|n| index.get(n))
                        .map(|&to| (fi, to))
                })
                .collect(),
            ir::TypeDef::Union(u) => u
                .variants
                .iter()
                .enumerate()
                .filter_map(|(vi, (_, v))| {
                    by_value(v).and_then(|n| index.get(n)).map(|&to| (vi, to))
                })
                .collect(),
            ir::TypeDef::Alias(a) => by_value(&a.target)
                .and_then(|n| index.get(n))
                .map(|&to| vec![(0, to)])
                .unwrap_or_default(),
            ir::TypeDef::Enum(_) => vec![],
        })
        .collect();
    let reaches = |from: usize, target: usize| -> bool {
        let mut seen = vec![false; types.len()];
        let mut stack = vec![from];
        while let Some(n) = stack.pop() {
            if n == target {
                return true;
            }
            if std::mem::replace(&mut seen[n], true) {
                continue;
            }
            stack.extend(edges[n].iter().map(|e| e.1));
        }
        false
    };
    let mut to_box = Vec::new();
    for (i, es) in edges.iter().enumerate() {
        if let ir::TypeDef::Struct(_) = types[i] {
            for &(fi, to) in es {
                if reaches(to, i) {
                    to_box.push((i, fi));
                }
            }
        }
    }
    for (i, fi) in to_box {
        if let ir::TypeDef::Struct(s) = &mut types[i] {
            s.fields[fi].boxed = true;
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

fn format_str<T: std::fmt::Debug>(f: &openapiv3::VariantOrUnknownOrEmpty<T>) -> &str {
    match f {
        openapiv3::VariantOrUnknownOrEmpty::Unknown(s) => s.as_str(),
        openapiv3::VariantOrUnknownOrEmpty::Item(_) => "",
        openapiv3::VariantOrUnknownOrEmpty::Empty => "",
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
