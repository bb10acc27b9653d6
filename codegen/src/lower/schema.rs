//! Schema typing: what one schema is in Rust, by its `type` and keywords.

use openapiv3::{AnySchema, Schema, SchemaKind, Type};
use serde_json::Value;

use crate::diag::{self};
use crate::ir::{self, TypeRef};

use super::compose::constraint_only;
use super::*;

impl<'a> Lowerer<'a> {
    pub(super) fn lower_item(
        &mut self,
        s: &Schema,
        ptr: &str,
        name: &str,
        slot: Option<DefId>,
    ) -> Ty {
        let doc = non_empty(&s.schema_data.description);
        let disc = s.schema_data.discriminator.as_ref();
        let ty = match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) => {
                let values: Vec<String> = st.enumeration.iter().flatten().cloned().collect();
                if values.is_empty() {
                    string_type(&string_format(&st.format))
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
            SchemaKind::Type(Type::Array(at)) => self.array(at.items.as_ref(), ptr, name),
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
            ty.or_null()
        } else {
            ty
        }
    }

    /// Schemas openapiv3 could not classify: mixed keywords, no `type`, 3.1 leftovers.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn any(
        &mut self,
        a: &AnySchema,
        disc: Option<&openapiv3::Discriminator>,
        doc: Option<String>,
        ptr: &str,
        name: &str,
        slot: Option<DefId>,
    ) -> Ty {
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
        if a.typ.as_deref() == Some("object") || (a.typ.is_none() && has_object) {
            return self.object(
                &a.properties,
                &a.required,
                a.additional_properties.as_ref(),
                doc,
                ptr,
                name,
                slot,
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
                    string_type(a.format.as_deref().unwrap_or(""))
                } else {
                    self.string_enum(values, doc, ptr, name, slot)
                }
            }
            Some("integer") => int_type(a.format.as_deref().unwrap_or("")),
            Some("number") => float_type(a.format.as_deref().unwrap_or("")),
            Some("boolean") => TypeRef::Boolean,
            Some("array") => self.array(a.items.as_ref(), ptr, name),
            Some(other) => {
                self.diags
                    .error(diag::join(ptr, "type"), format!("unknown type {other:?}"));
                TypeRef::Json
            }
            None if a.items.is_some() => self.array(a.items.as_ref(), ptr, name),
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

    /// `Vec` of what `items` says (of any JSON value without `items`).
    fn array(&mut self, items: Option<&ReferenceOr<Box<Schema>>>, ptr: &str, name: &str) -> Ty {
        let item = match items {
            Some(items) => self.lower_boxed(
                items,
                &diag::join(ptr, "items"),
                &naming::inline::item(name),
            ),
            None => TypeRef::Json,
        };
        TypeRef::Array(Box::new(item))
    }

    /// Warns, when `listed`, that the values a number or boolean schema lists (`enum`, `const`)
    /// are not part of its type.
    pub(super) fn warn_unkept_values(&mut self, listed: bool, ptr: &str) {
        if listed {
            self.diags.warn(
                ptr.to_string(),
                "the values listed by `enum`/`const` of a number or boolean are not part of the type: \
                 it is the plain type, and other values are accepted and sent",
            );
        }
    }
}

pub(super) fn format_str<T: std::fmt::Debug>(f: &openapiv3::VariantOrUnknownOrEmpty<T>) -> String {
    match f {
        openapiv3::VariantOrUnknownOrEmpty::Unknown(s) => s.clone(),
        // The formats `openapiv3` knows (`int32`, `int64`, `float`, `double`), by their name.
        openapiv3::VariantOrUnknownOrEmpty::Item(i) => format!("{i:?}").to_ascii_lowercase(),
        openapiv3::VariantOrUnknownOrEmpty::Empty => String::new(),
    }
}

/// A string schema's `format` as the spec spells it (`openapiv3` parses the standard ones).
pub(super) fn string_format(
    f: &openapiv3::VariantOrUnknownOrEmpty<openapiv3::StringFormat>,
) -> String {
    use openapiv3::{StringFormat, VariantOrUnknownOrEmpty};
    match f {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => "date-time".into(),
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => "date".into(),
        VariantOrUnknownOrEmpty::Item(StringFormat::Password) => "password".into(),
        VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => "byte".into(),
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => "binary".into(),
        VariantOrUnknownOrEmpty::Unknown(s) => s.clone(),
        VariantOrUnknownOrEmpty::Empty => String::new(),
    }
}

/// The type of a string of this `format`: the runtime's lossless types for dates, times and
/// durations (which keep the text, so an odd value never fails a response), `String` for
/// every other format.
pub(super) fn string_type(format: &str) -> Ty {
    match format {
        "date-time" => TypeRef::Formatted(ir::Format::DateTime),
        "date" => TypeRef::Formatted(ir::Format::Date),
        "duration" => TypeRef::Formatted(ir::Format::Duration),
        _ => TypeRef::String,
    }
}

/// The Rust integer of an integer schema of this `format` (`i64` unless it says otherwise); the
/// schema's bounds were read against the same type while loading.
pub(super) fn int_type(format: &str) -> Ty {
    TypeRef::Integer(crate::load::integer_type(format).0)
}

pub(super) fn float_type(_format: &str) -> Ty {
    TypeRef::Number("f64")
}
