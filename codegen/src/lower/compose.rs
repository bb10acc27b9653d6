//! Composition: `oneOf`/`anyOf` unions, discriminators, and `allOf` merged into one object.

use std::collections::BTreeSet;

use openapiv3::{AdditionalProperties, AnySchema, OpenAPI, ReferenceOr, Schema, SchemaKind, Type};

use crate::diag::{self};
use crate::ir::TypeRef;
use crate::naming;

use super::*;

impl<'a> Lowerer<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn union(
        &mut self,
        list: &[ReferenceOr<Schema>],
        kw: &str,
        disc: Option<&openapiv3::Discriminator>,
        doc: Option<String>,
        ptr: &str,
        name: &str,
        slot: Option<DefId>,
    ) -> Ty {
        // A lone alternative (what is left of `X | null`) is that type, named as the union would be.
        let single = list.len() == 1;
        let mut variants: Vec<Ty> = Vec::new();
        let mut references: Vec<(String, Ty)> = Vec::new();
        let mut any_null = false;
        for (i, s) in list.iter().enumerate() {
            let vname = if single {
                name.to_string()
            } else {
                naming::inline::variant(name, i)
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
        let wrap = |t: Ty| if any_null { t.or_null() } else { t };
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
        if variants.contains(&Ty::Json) {
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
        wrap(TypeRef::Named(id))
    }

    /// Tag values of every alternative of a discriminated union, when the discriminator can be
    /// used: every alternative is an object with the discriminating property and has at least
    /// one tag value (from `mapping`, or its component name). Otherwise warns and returns `None`.
    pub(super) fn discriminate(
        &mut self,
        d: &openapiv3::Discriminator,
        variants: &[Ty],
        references: &[(String, Ty)],
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
            let has_prop = self.def_of(v).is_some_and(|id| match &self.defs[id].kind {
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
    pub(super) fn json_kinds(&self, t: &Ty, out: &mut BTreeSet<&'static str>, depth: usize) {
        if depth > 16 {
            return;
        }
        match t {
            TypeRef::String | TypeRef::Bytes | TypeRef::Formatted(_) | TypeRef::File => {
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
                if let Some(id) = self.def_of(t) {
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
    pub(super) fn overlap(&self, variants: &[Ty]) -> Option<&'static str> {
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

    pub(super) fn all_of(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        extra: Option<(&AnySchema, &str)>,
        doc: Option<String>,
        ptr: &str,
        name: &str,
        slot: Option<DefId>,
    ) -> Ty {
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
        naming::assign_field_idents(&mut shape.fields);
        let additional = shape.additional.filter(|t| *t != TypeRef::Json);
        let ty = if shape.fields.is_empty() {
            TypeRef::Map(Box::new(additional.unwrap_or(TypeRef::Json)))
        } else {
            self.struct_def(shape.fields, additional, doc, ptr, name, slot)
        };
        if shape.nullable {
            ty.or_null()
        } else {
            ty
        }
    }

    /// Adds what one `allOf` part says about the object to `shape`; false if the part is not an
    /// object schema.
    pub(super) fn collect_part(
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

    pub(super) fn collect_object(
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
                    &naming::inline::map_value(name),
                    None,
                );
                shape.additional = Some(t);
            }
            Some(AdditionalProperties::Any(true)) => shape.additional = Some(TypeRef::Json),
            _ => {}
        }
    }

    /// Adds the fields of a component that is still being lowered to `shape`, from its schema:
    /// an `allOf` part that closes a cycle (`A { children: [B] }`, `B = allOf [A, …]`, reached
    /// from `A`). False if `t` is no such component, or if its schema leads back to itself.
    pub(super) fn collect_pending(
        &mut self,
        reference: &str,
        t: &Ty,
        name: &str,
        shape: &mut Shape,
    ) -> bool {
        let Some(id) = t.non_null().name().copied() else {
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
    pub(super) fn collect_type(&mut self, t: &Ty, shape: &mut Shape) -> bool {
        if t.is_nullable() {
            shape.nullable = true;
        }
        let target = match self.def_of(t.non_null()) {
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
}

/// What the parts of an `allOf` say about the object they describe together.
#[derive(Debug, Default)]
pub(super) struct Shape {
    pub(super) fields: Vec<Field>,
    pub(super) required: Vec<String>,
    pub(super) additional: Option<Ty>,
    pub(super) nullable: bool,
}

/// True when every alternative only constrains (lists required properties, documents), so that
/// the schema beside them types the value alone.
pub(super) fn constraint_only(list: &[ReferenceOr<Schema>]) -> bool {
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

pub(super) fn merge_fields(into: &mut Vec<Field>, more: Vec<Field>) {
    for f in more {
        match into.iter_mut().find(|g| g.wire == f.wire) {
            Some(g) => {
                let required = g.required || f.required;
                let doc = f.doc.clone().or_else(|| g.doc.take());
                *g = Field { required, doc, ..f };
            }
            None => into.push(f),
        }
    }
}
