//! Interning: string enums and objects registered once per shape, identical ones merged.

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};

use crate::diag::{self};
use crate::ir::TypeRef;
use crate::naming;

use super::*;

impl<'a> Lowerer<'a> {
    pub(super) fn string_enum(
        &mut self,
        values: Vec<String>,
        doc: Option<String>,
        ptr: &str,
        name: &str,
        slot: Option<DefId>,
    ) -> Ty {
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
                        target: Ty::Named(id),
                    };
                    self.defs[slot_id].names.clear();
                    self.by_pointer
                        .insert(self.defs[slot_id].pointer.clone(), TypeRef::Named(id));
                    return TypeRef::Named(id);
                }
                None => {
                    self.add_candidate(id, name, ptr);
                    if !self.is_component(id) {
                        self.merge_docs(id, doc, &[]);
                    }
                    return TypeRef::Named(id);
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
        TypeRef::Named(id)
    }

    /// Whether a definition is a component schema (which keeps its own docs and name).
    fn is_component(&self, id: DefId) -> bool {
        self.defs[id].names.iter().any(|n| n.0 == Origin::Component)
    }

    /// Another place of a merged inline type, documented `doc` (and its fields as `fields`):
    /// documentation is kept only where every place says the same, so that words written for
    /// one place never describe another.
    fn merge_docs(&mut self, id: DefId, doc: Option<String>, fields: &[Field]) {
        let def = &mut self.defs[id];
        if def.doc != doc {
            def.doc = None;
        }
        if let DefKind::Struct { fields: kept, .. } = &mut def.kind {
            for (kept, new) in kept.iter_mut().zip(fields) {
                if kept.doc != new.doc {
                    kept.doc = None;
                }
                if kept.details != new.details {
                    kept.details.clear();
                }
                // Places that demand different things of one merged field: none is checked.
                if kept.constraints != new.constraints {
                    kept.constraints = ir::Constraints::default();
                }
            }
        }
    }

    pub(super) fn add_candidate(&mut self, id: DefId, name: &str, ptr: &str) {
        self.defs[id]
            .names
            .push((Origin::Inline, name.to_string(), ptr.to_string()));
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn object(
        &mut self,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        doc: Option<String>,
        ptr: &str,
        name: &str,
        slot: Option<DefId>,
    ) -> Ty {
        let additional_ty = match additional {
            Some(AdditionalProperties::Schema(s)) => {
                let t = self.lower_schema(
                    s,
                    &diag::join(ptr, "additionalProperties"),
                    &naming::inline::map_value(name),
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

    pub(super) fn fields(
        &mut self,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        ptr: &str,
        name: &str,
    ) -> Vec<Field> {
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
    pub(super) fn property_fields(
        &mut self,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        ptr: &str,
        name: &str,
    ) -> Vec<Field> {
        let mut fields = Vec::new();
        for (wire, prop) in properties {
            let p = diag::join(&diag::join(ptr, "properties"), wire);
            let ty = self.lower_boxed(prop, &p, &naming::inline::property(name, wire));
            let (doc, details) = match prop {
                ReferenceOr::Item(s) => (
                    non_empty(&s.schema_data.description),
                    super::param::value_details(s),
                ),
                ReferenceOr::Reference { .. } => (None, Vec::new()),
            };
            let constraints = match prop {
                ReferenceOr::Item(s) => super::param::constraints(s),
                ReferenceOr::Reference { .. } => ir::Constraints::default(),
            };
            fields.push(Field {
                ident: String::new(),
                wire: wire.clone(),
                ty,
                required: required.contains(wire),
                boxed: false,
                doc,
                details,
                constraints,
                holds_checked: false,
            });
        }
        naming::assign_field_idents(&mut fields);
        fields
    }

    pub(super) fn struct_def(
        &mut self,
        fields: Vec<Field>,
        additional: Option<Ty>,
        doc: Option<String>,
        ptr: &str,
        name: &str,
        slot: Option<DefId>,
    ) -> Ty {
        let key = struct_key(&fields, &additional);
        if let Some(id) = slot {
            self.defs[id].kind = DefKind::Struct { fields, additional };
            self.defs[id].doc = doc;
            self.struct_index.entry(key).or_insert(id);
            return TypeRef::Named(id);
        }
        if let Some(&id) = self.struct_index.get(&key) {
            if !self.is_component(id) {
                self.add_candidate(id, name, ptr);
                self.merge_docs(id, doc, &fields);
            }
            return TypeRef::Named(id);
        }
        let id = self.new_def(
            DefKind::Struct { fields, additional },
            doc,
            Origin::Inline,
            name.to_string(),
            ptr.to_string(),
        );
        self.struct_index.insert(key, id);
        TypeRef::Named(id)
    }
}
