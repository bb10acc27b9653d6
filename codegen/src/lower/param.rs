//! Parameters: where each goes, its Rust type, and how a list is written on the wire.
//!
//! What a parameter is on the wire ([`ir::ParamValue`]) is decided here once: one value, a list
//! with its [`ir::ListStyle`], or JSON in one string. How a list is written is the pure
//! [`list_style`], one decision per row of the README's parameter table.

use std::collections::BTreeSet;

use openapiv3::{Parameter, ParameterSchemaOrContent, ReferenceOr};

use crate::config::{ArrayStyle, OperationPart, Place, PlaceRoot};
use crate::diag;
use crate::ir::{self, ListStyle, ParamIn, ParamValue, TypeRef};
use crate::naming;

use super::*;

/// A parameter while lowering.
pub(super) type Param = ir::Param<DefId>;

/// The serialisation `style` a parameter states (or has by default for its location).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    /// `form` (query default).
    Form,
    /// `spaceDelimited` (query).
    SpaceDelimited,
    /// `pipeDelimited` (query).
    PipeDelimited,
    /// `deepObject` (query), which describes objects, not lists.
    DeepObject,
    /// `simple` (path and header default).
    Simple,
    /// `label` (path).
    Label,
    /// `matrix` (path).
    Matrix,
}

impl Style {
    fn of(p: &Parameter) -> Style {
        match p {
            Parameter::Query { style, .. } => match style {
                openapiv3::QueryStyle::Form => Style::Form,
                openapiv3::QueryStyle::SpaceDelimited => Style::SpaceDelimited,
                openapiv3::QueryStyle::PipeDelimited => Style::PipeDelimited,
                openapiv3::QueryStyle::DeepObject => Style::DeepObject,
            },
            Parameter::Path { style, .. } => match style {
                openapiv3::PathStyle::Simple => Style::Simple,
                openapiv3::PathStyle::Label => Style::Label,
                openapiv3::PathStyle::Matrix => Style::Matrix,
            },
            Parameter::Header { .. } | Parameter::Cookie { .. } => Style::Simple,
        }
    }
}

/// Why [`list_style`] chose what it chose, where a maintainer should hear of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ListNote {
    /// No `explode` stated, but the description says the values are comma-separated.
    DescribedAsCommaSeparated,
    /// A style this generator does not write (`label`, `matrix`, `deepObject` on a list):
    /// the list is written in the location's default style instead.
    StyleNotWritten(Style),
}

/// How the elements of a list parameter are written on the wire.
///
/// - query: the customisation file's `[query]` style, if any, wins; else `spaceDelimited` and
///   `pipeDelimited` join with `" "` and `"|"`; `form` with `explode: false` joins with `","`;
///   `form` without `explode` repeats the pair (OpenAPI's default), unless the description says
///   the values are comma-separated, in which case they are joined with `","` and noted;
/// - path and header: `simple`, joined with `","` (`explode` makes no difference for a list);
///   `label` and `matrix` are not written, and noted.
pub(super) fn list_style(
    location: ParamIn,
    style: Style,
    explode: Option<bool>,
    configured: Option<ArrayStyle>,
    description: Option<&str>,
) -> (ListStyle, Option<ListNote>) {
    match location {
        ParamIn::Query => {
            if let Some(c) = configured {
                let style = match c {
                    ArrayStyle::Form => ListStyle::Repeated,
                    ArrayStyle::Comma => ListStyle::Joined(","),
                    ArrayStyle::Pipe => ListStyle::Joined("|"),
                    ArrayStyle::Space => ListStyle::Joined(" "),
                };
                return (style, None);
            }
            match style {
                Style::SpaceDelimited => (ListStyle::Joined(" "), None),
                Style::PipeDelimited => (ListStyle::Joined("|"), None),
                _ if explode == Some(false) => (ListStyle::Joined(","), None),
                // The prose says what the (absent) `explode: false` would have.
                _ if explode.is_none() && says_comma_separated(description) => (
                    ListStyle::Joined(","),
                    Some(ListNote::DescribedAsCommaSeparated),
                ),
                Style::DeepObject => (
                    ListStyle::Repeated,
                    Some(ListNote::StyleNotWritten(Style::DeepObject)),
                ),
                _ => (ListStyle::Repeated, None),
            }
        }
        ParamIn::Path | ParamIn::Header => match style {
            Style::Label | Style::Matrix => (
                ListStyle::Joined(","),
                Some(ListNote::StyleNotWritten(style)),
            ),
            _ => (ListStyle::Joined(","), None),
        },
    }
}

impl<'a> Lowerer<'a> {
    /// The parameter, resolved, with the pointer of where it stands.
    pub(super) fn resolve_param(
        &mut self,
        p: &ReferenceOr<Parameter>,
        ptr: &str,
    ) -> Option<(Parameter, String)> {
        self.resolve(p, ptr, "parameter")
    }

    /// One parameter; `None` for those the caller cannot set (cookies) or that the client sets
    /// itself (`Authorization`, `Content-Type`, `Accept`).
    pub(super) fn lower_param(
        &mut self,
        p: &Parameter,
        ptr: &str,
        path: &str,
        method: ir::Method,
        op_pascal: &str,
        reserved: &mut BTreeSet<String>,
    ) -> Option<Param> {
        let d = p.parameter_data_ref();
        let location = match p {
            Parameter::Path { .. } => ParamIn::Path,
            Parameter::Query { .. } => ParamIn::Query,
            Parameter::Header { .. } => ParamIn::Header,
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
        if location == ParamIn::Header
            && ["authorization", "content-type", "accept"]
                .contains(&d.name.to_ascii_lowercase().as_str())
        {
            return None;
        }
        let type_name = naming::inline::parameter(op_pascal, &d.name);
        let (ty, json_content) = match &d.format {
            ParameterSchemaOrContent::Schema(s) => (
                self.lower_schema(s, &diag::join(ptr, "schema"), &type_name, None),
                false,
            ),
            ParameterSchemaOrContent::Content(c) => {
                let t = c.iter().next().and_then(|(ct, mt)| {
                    let at = diag::join(&diag::join(&diag::join(ptr, "content"), ct), "schema");
                    mt.schema
                        .as_ref()
                        .map(|s| self.lower_schema(s, &at, &type_name, None))
                });
                (t.unwrap_or(TypeRef::Json), true)
            }
        };
        let ty = ty.non_null().clone();
        let value = if json_content {
            ParamValue::Json(ty)
        } else {
            self.param_value(p, ty, location, path, method, ptr)
        };
        let schema = match &d.format {
            ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) => Some(s),
            _ => None,
        };
        // The spec's words: the parameter's, else those of its own (inline) schema.
        let doc = non_empty(&d.description)
            .or_else(|| schema.and_then(|s| non_empty(&s.schema_data.description)));
        // What the value must be comes from its schema, its own or one it refers to (a
        // referenced schema's description is its type's, not repeated here).
        let referenced = match &d.format {
            // Quietly: lowering the schema above has reported a reference that does not resolve.
            ParameterSchemaOrContent::Schema(ReferenceOr::Reference { reference }) => reference
                .strip_prefix('#')
                .and_then(|target| self.raw.pointer(target))
                .and_then(|v| serde_json::from_value::<openapiv3::Schema>(v.clone()).ok()),
            _ => None,
        };
        let value_schema = schema.or(referenced.as_ref());
        let mut details = value_schema.map(value_details).unwrap_or_default();
        let constraints = value_schema.map(constraints).unwrap_or_default();
        if let Some(example) = &d.example {
            if !details.iter().any(|x| x.starts_with("example")) {
                details.push(format!("example `{example}`"));
            }
        }
        Some(Param {
            ident: naming::param_ident(&d.name, reserved),
            wire: d.name.clone(),
            location,
            value,
            required: d.required || location == ParamIn::Path,
            doc,
            details,
            constraints,
        })
    }

    /// Every `[query] params` key that no parameter took its style from is an error, saying
    /// what is missing: the operation, the query parameter, or a list to write.
    pub(super) fn check_query_keys(&mut self) {
        for key in self.config.query.params.keys() {
            if self.query_keys_used.contains(key) {
                continue;
            }
            let words: Vec<&str> = key.split_whitespace().collect();
            let (pointer, why) = match words.as_slice() {
                [method, path, name] => {
                    let place = Place::new(
                        PlaceRoot::Operation {
                            method: method.to_ascii_uppercase(),
                            path: path.to_string(),
                            part: Some(OperationPart::Parameter {
                                name: name.to_string(),
                                location: Some("query".into()),
                            }),
                        },
                        Vec::new(),
                    );
                    match place.locate(self.raw) {
                        Err(miss) => (format!("#{}", miss.pointer), miss.message),
                        Ok(p) => (
                            format!("#{p}"),
                            "the parameter is not a list of plain values, so no list style applies"
                                .into(),
                        ),
                    }
                }
                _ => (
                    String::new(),
                    "the key must be \"METHOD /path name\"".into(),
                ),
            };
            self.diags.error(
                pointer,
                format!("customisation [query] params {key:?} addresses nothing: {why}"),
            );
        }
    }

    /// What a parameter given by a schema of type `ty` is on the wire.
    fn param_value(
        &mut self,
        p: &Parameter,
        ty: Ty,
        location: ParamIn,
        path: &str,
        method: ir::Method,
        ptr: &str,
    ) -> ParamValue<DefId> {
        let d = p.parameter_data_ref();
        let resolved = self.resolve_type(&ty);
        match &resolved {
            TypeRef::Array(item) => {
                let item = match self.scalar(item.non_null()) {
                    Some(item) => item,
                    None => {
                        self.diags.warn(
                            ptr.to_string(),
                            format!("parameter {:?} is a list of objects; it is sent as JSON in one value", d.name),
                        );
                        return ParamValue::Json(ty);
                    }
                };
                let key = format!("{} {path} {}", method.as_str(), d.name);
                let by_key = self.config.query.params.get(&key).copied();
                if by_key.is_some() && location == ParamIn::Query {
                    self.query_keys_used.insert(key);
                }
                let configured = by_key.or(self.config.query.array_style);
                // The prose may stand on the parameter or on its schema.
                let schema_doc = match &d.format {
                    ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) => {
                        s.schema_data.description.clone()
                    }
                    _ => None,
                };
                let prose = [d.description.clone(), schema_doc]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                let (style, note) =
                    list_style(location, Style::of(p), d.explode, configured, Some(&prose));
                match note {
                    Some(ListNote::DescribedAsCommaSeparated) => self.diags.warn(
                        ptr.to_string(),
                        format!(
                            "array parameter {:?} is described as comma-separated but states no `explode`; \
                             it is sent as one comma-joined value (`[query]` in the customisation file decides otherwise)",
                            d.name
                        ),
                    ),
                    Some(ListNote::StyleNotWritten(s)) => self.diags.warn(
                        diag::join(ptr, "style"),
                        format!(
                            "array parameter {:?} states the style {s:?}, which is not supported; it is sent {style}",
                            d.name
                        ),
                    ),
                    None => {}
                }
                ParamValue::List { item, style }
            }
            TypeRef::Map(_) => {
                self.diags.warn(
                    ptr.to_string(),
                    format!("object parameter {:?} is sent as JSON in one value", d.name),
                );
                ParamValue::Json(ty)
            }
            _ => match self.scalar(&ty) {
                Some(t) => ParamValue::Scalar(t),
                None => {
                    self.diags.warn(
                        ptr.to_string(),
                        format!("object parameter {:?} is sent as JSON in one value", d.name),
                    );
                    ParamValue::Json(ty)
                }
            },
        }
    }

    /// The type of a value written with `Display`: `t` itself (what an alias of a plain value
    /// stands for), `String` for what the caller writes as text (any JSON value, a union of
    /// plain values); `None` for objects.
    fn scalar(&self, t: &Ty) -> Option<Ty> {
        let resolved = self.resolve_type(t);
        match &resolved {
            TypeRef::Json => Some(TypeRef::String),
            TypeRef::Array(_) | TypeRef::Map(_) => None,
            // A union of plain values is one string on the wire: the caller writes it.
            TypeRef::Named(_) if self.is_scalar_union(&resolved) => Some(TypeRef::String),
            TypeRef::Named(_) if !self.is_display(&resolved) => None,
            // An alias of a plain value is that value: the setter takes an `i64`, and the
            // checks of its bounds see a number.
            TypeRef::String
            | TypeRef::Integer(_)
            | TypeRef::Number(_)
            | TypeRef::Boolean
            | TypeRef::Formatted(_) => Some(resolved),
            _ => Some(t.clone()),
        }
    }

    /// Follows aliases to what a type is on the wire.
    pub(super) fn resolve_type(&self, t: &Ty) -> Ty {
        match t.non_null().name().copied() {
            Some(id) => {
                let id = self.resolve_alias(id);
                match &self.defs[id].kind {
                    DefKind::Alias { target } => self.resolve_type(target),
                    _ => TypeRef::Named(id),
                }
            }
            None => t.clone(),
        }
    }

    /// Whether a named type is a union whose every alternative is a plain value.
    pub(super) fn is_scalar_union(&self, t: &Ty) -> bool {
        let Some(id) = self.def_of(t) else {
            return false;
        };
        match &self.defs[id].kind {
            DefKind::Union { variants, .. } => variants.iter().all(|v| {
                let v = self.resolve_type(v);
                matches!(
                    v.non_null(),
                    TypeRef::String | TypeRef::Integer(_) | TypeRef::Number(_) | TypeRef::Boolean
                ) || (v.name().is_some() && self.is_display(&v))
            }),
            _ => false,
        }
    }

    /// Whether a named type prints as one query value (string enums do).
    pub(super) fn is_display(&self, t: &Ty) -> bool {
        match self.def_of(t) {
            Some(id) => matches!(self.defs[id].kind, DefKind::Enum { .. }),
            None => true,
        }
    }
}

/// What a value's schema says beyond its type, as short phrases for docs: `range `1..=100``,
/// `length `1..=64``, `pattern `^a+$``, `at least 1 item`, `default `20``, `example `abc``.
pub(super) fn value_details(s: &openapiv3::Schema) -> Vec<String> {
    use openapiv3::{SchemaKind, Type};
    let mut out = Vec::new();
    match &s.schema_kind {
        SchemaKind::Type(Type::Integer(i)) => {
            let lo = i.minimum.map(|m| (m.to_string(), i.exclusive_minimum));
            let hi = i.maximum.map(|m| (m.to_string(), i.exclusive_maximum));
            out.extend(range(lo, hi).map(|r| format!("range `{r}`")));
        }
        SchemaKind::Type(Type::Number(n)) => {
            let lo = n.minimum.map(|m| (m.to_string(), n.exclusive_minimum));
            let hi = n.maximum.map(|m| (m.to_string(), n.exclusive_maximum));
            out.extend(range(lo, hi).map(|r| format!("range `{r}`")));
        }
        SchemaKind::Type(Type::String(st)) => {
            let lo = st.min_length.map(|m| (m.to_string(), false));
            let hi = st.max_length.map(|m| (m.to_string(), false));
            out.extend(range(lo, hi).map(|r| format!("length `{r}`")));
            if let Some(p) = &st.pattern {
                out.push(format!("pattern `{}`", p.replace('`', "'")));
            }
        }
        SchemaKind::Type(Type::Array(a)) => {
            let lo = a.min_items.map(|m| (m.to_string(), false));
            let hi = a.max_items.map(|m| (m.to_string(), false));
            out.extend(range(lo, hi).map(|r| format!("items `{r}`")));
        }
        _ => {}
    }
    if let Some(d) = &s.schema_data.default {
        out.push(format!("default `{d}`"));
    }
    if let Some(e) = &s.schema_data.example {
        out.push(format!("example `{e}`"));
    }
    out
}

/// What a parameter's schema demands of its value, for the check before sending.
pub(super) fn constraints(s: &openapiv3::Schema) -> ir::Constraints {
    use openapiv3::{SchemaKind, Type};
    let bound = |value: String, exclusive: bool| ir::Bound { value, exclusive };
    let mut c = ir::Constraints::default();
    match &s.schema_kind {
        SchemaKind::Type(Type::Integer(i)) => {
            c.minimum = i.minimum.map(|m| bound(m.to_string(), i.exclusive_minimum));
            c.maximum = i.maximum.map(|m| bound(m.to_string(), i.exclusive_maximum));
            c.allowed = i.enumeration.iter().flatten().map(i64::to_string).collect();
        }
        SchemaKind::Type(Type::Number(n)) => {
            let text = |v: f64| format!("{v:?}");
            c.minimum = n.minimum.map(|m| bound(text(m), n.exclusive_minimum));
            c.maximum = n.maximum.map(|m| bound(text(m), n.exclusive_maximum));
            c.allowed = n.enumeration.iter().flatten().map(|v| text(*v)).collect();
        }
        SchemaKind::Type(Type::String(st)) if st.enumeration.is_empty() => {
            c.min_length = st.min_length.map(|n| n as u64);
            c.max_length = st.max_length.map(|n| n as u64);
        }
        SchemaKind::Type(Type::Array(a)) => {
            c.min_items = a.min_items.map(|n| n as u64);
            c.max_items = a.max_items.map(|n| n as u64);
        }
        _ => {}
    }
    c
}

/// A range in Rust's notation from optional bounds `(value, exclusive)`: `1..=100`, `0..`,
/// `..10`; `None` without bounds. An exclusive lower bound reads `> 0` (Rust has no such range).
fn range(lo: Option<(String, bool)>, hi: Option<(String, bool)>) -> Option<String> {
    match (lo, hi) {
        (None, None) => None,
        (Some((l, true)), None) => Some(format!("> {l}")),
        (Some((l, true)), Some((h, ex))) => {
            Some(format!("> {l}, {} {h}", if ex { "<" } else { "<=" }))
        }
        (lo, hi) => {
            let l = lo.map(|(l, _)| l).unwrap_or_default();
            let h = match hi {
                Some((h, true)) => format!("..{h}"),
                Some((h, false)) => format!("..={h}"),
                None => "..".into(),
            };
            Some(format!("{l}{h}"))
        }
    }
}

pub(super) fn says_comma_separated(description: Option<&str>) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// One row of the README's table "How parameters are written", for lists.
    struct Row {
        row: &'static str,
        location: ParamIn,
        style: Style,
        explode: Option<bool>,
        configured: Option<ArrayStyle>,
        description: Option<&'static str>,
        wire: ListStyle,
        note: Option<ListNote>,
    }

    const fn row(row: &'static str, location: ParamIn, style: Style, wire: ListStyle) -> Row {
        Row {
            row,
            location,
            style,
            explode: None,
            configured: None,
            description: None,
            wire,
            note: None,
        }
    }

    #[test]
    fn list_style_follows_the_readme_table_row_by_row() {
        use ListStyle::{Joined, Repeated};
        use ParamIn::{Header, Path, Query};
        let rows = [
            row("query, no style, no explode", Query, Style::Form, Repeated),
            Row {
                explode: Some(true),
                ..row("query, explode: true", Query, Style::Form, Repeated)
            },
            Row {
                explode: Some(false),
                ..row("query, explode: false", Query, Style::Form, Joined(","))
            },
            row(
                "query, spaceDelimited",
                Query,
                Style::SpaceDelimited,
                Joined(" "),
            ),
            row(
                "query, pipeDelimited",
                Query,
                Style::PipeDelimited,
                Joined("|"),
            ),
            Row {
                description: Some("Comma-separated list of fields."),
                note: Some(ListNote::DescribedAsCommaSeparated),
                ..row(
                    "query, no explode, described as comma-separated",
                    Query,
                    Style::Form,
                    Joined(","),
                )
            },
            Row {
                explode: Some(true),
                description: Some("Comma-separated list of fields."),
                ..row(
                    "query, explode: true wins over the prose",
                    Query,
                    Style::Form,
                    Repeated,
                )
            },
            Row {
                note: Some(ListNote::StyleNotWritten(Style::DeepObject)),
                ..row("query, deepObject", Query, Style::DeepObject, Repeated)
            },
            Row {
                explode: Some(false),
                configured: Some(ArrayStyle::Form),
                ..row("query, customised form", Query, Style::Form, Repeated)
            },
            Row {
                configured: Some(ArrayStyle::Comma),
                description: Some("Comma-separated."),
                ..row("query, customised comma", Query, Style::Form, Joined(","))
            },
            Row {
                configured: Some(ArrayStyle::Pipe),
                ..row(
                    "query, customised pipe",
                    Query,
                    Style::SpaceDelimited,
                    Joined("|"),
                )
            },
            Row {
                configured: Some(ArrayStyle::Space),
                ..row(
                    "query, customised space",
                    Query,
                    Style::PipeDelimited,
                    Joined(" "),
                )
            },
            row("path, simple", Path, Style::Simple, Joined(",")),
            Row {
                explode: Some(true),
                ..row(
                    "path, simple, explode: true",
                    Path,
                    Style::Simple,
                    Joined(","),
                )
            },
            Row {
                note: Some(ListNote::StyleNotWritten(Style::Label)),
                ..row("path, label", Path, Style::Label, Joined(","))
            },
            Row {
                note: Some(ListNote::StyleNotWritten(Style::Matrix)),
                ..row("path, matrix", Path, Style::Matrix, Joined(","))
            },
            row("header, simple", Header, Style::Simple, Joined(",")),
            Row {
                explode: Some(true),
                configured: Some(ArrayStyle::Pipe),
                ..row(
                    "header, explode and [query] make no difference",
                    Header,
                    Style::Simple,
                    Joined(","),
                )
            },
        ];
        for r in rows {
            let got = list_style(r.location, r.style, r.explode, r.configured, r.description);
            assert_eq!(got, (r.wire, r.note), "row: {}", r.row);
        }
    }

    #[test]
    fn prose_that_says_commas() {
        assert!(says_comma_separated(Some("A comma-separated list")));
        assert!(says_comma_separated(Some("IDs, separated by a comma")));
        assert!(!says_comma_separated(Some("A list of IDs")));
        assert!(!says_comma_separated(None));
    }
}
