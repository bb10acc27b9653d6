//! Operations: one draft per path and method, with its path template, body and auth.

use std::collections::{BTreeSet, HashMap};

use openapiv3::{Operation as OaOperation, Parameter, PathItem, ReferenceOr};

use crate::config::media_essence;
use crate::diag::{self};
use crate::ir::{self, TypeRef};
use crate::naming;

use super::param::Param;
use super::response::Responses;
use super::*;

impl<'a> Lowerer<'a> {
    pub(super) fn lower_operations(&mut self) -> Vec<OpDraft> {
        let mut drafts = Vec::new();
        // Paths by shape (`/items/{}`), to notice two that differ only in parameter names.
        let mut shapes: HashMap<String, &str> = HashMap::new();
        for (path, item) in self.api.paths.paths.iter() {
            let item_ptr = diag::join("#/paths", path);
            if let Some(first) = shapes.insert(naming::path_shape(path), path) {
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
        self.check_operation_names();
        self.check_query_keys();
        drafts
    }

    /// Every `[names.operations]` key must name an operation, by `"METHOD /path"` or by
    /// operation id, and one that no key by route names already.
    fn check_operation_names(&mut self) {
        let names = &self.config.names.operations;
        if names.is_empty() {
            return;
        }
        let mut routes = BTreeSet::new();
        let mut ids: HashMap<&str, String> = HashMap::new();
        for (path, item) in self.api.paths.paths.iter() {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            for (method, op) in methods(item) {
                let route = format!("{} {path}", method.as_str());
                if let Some(id) = &op.operation_id {
                    ids.insert(id, route.clone());
                }
                routes.insert(route);
            }
        }
        for (key, name) in names {
            if routes.contains(key) {
                continue;
            }
            let why = match ids.get(key.as_str()) {
                None => format!("the spec has no operation {key} and none with this operationId"),
                Some(route) if names.contains_key(route) => {
                    format!("the operation {route} is named by its route, [names.operations] {route:?}, instead")
                }
                Some(_) => continue,
            };
            self.diags.error(
                "",
                format!("customisation [names.operations] {key:?} = {name:?} names nothing: {why}"),
            );
        }
    }

    pub(super) fn custom_op_name(
        &self,
        method: ir::Method,
        path: &str,
        op: &OaOperation,
    ) -> Option<String> {
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

    pub(super) fn lower_operation(
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
        let mut reserved: BTreeSet<String> = naming::BUILDER_MEMBERS
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut params: Vec<Param> = Vec::new();
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
        let template = parse_template(path);
        for p in &params {
            if p.location == ir::ParamIn::Path
                && !template.contains(&TemplatePiece::Param(p.wire.as_str()))
            {
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
            p.location != ir::ParamIn::Path
                || template.contains(&TemplatePiece::Param(p.wire.as_str()))
        });
        let mut path_parts = Vec::new();
        for piece in &template {
            path_parts.push(match *piece {
                TemplatePiece::Literal(l) => ir::PathPart::Literal(l.to_string()),
                TemplatePiece::Param(name) => match params
                    .iter()
                    .position(|p| p.location == ir::ParamIn::Path && p.wire == name)
                {
                    Some(i) => ir::PathPart::Param(i),
                    None => {
                        self.diags.error(
                            ptr.to_string(),
                            format!("path parameter {{{name}}} is not declared"),
                        );
                        return None;
                    }
                },
            });
        }

        let body = match &op.request_body {
            None => None,
            Some(rb) => self.lower_body(rb, &diag::join(ptr, "requestBody"), &pascal),
        };
        let responses = self.lower_responses(op, ptr, &pascal);
        let server = op
            .servers
            .first()
            .or(item.servers.first())
            .map(substitute_server);
        Some(OpDraft {
            ident_wanted,
            method,
            path: path.to_string(),
            path_parts,
            params,
            body,
            responses,
            summary: non_empty(&op.summary),
            description: non_empty(&op.description),
            deprecated: op.deprecated,
            server,
            auth: self.operation_auth(op),
            tags: op.tags.clone(),
        })
    }

    pub(super) fn operation_auth(&self, op: &OaOperation) -> bool {
        let reqs = op.security.as_ref().or(self.api.security.as_ref());
        match reqs {
            None => false,
            Some(reqs) => reqs.iter().any(|r| !r.is_empty()),
        }
    }

    pub(super) fn lower_body(
        &mut self,
        rb: &ReferenceOr<openapiv3::RequestBody>,
        ptr: &str,
        op_pascal: &str,
    ) -> Option<ir::Body<DefId>> {
        let (rb, ptr) = self.resolve(rb, ptr, "request body")?;
        let content = diag::join(&ptr, "content");
        // JSON when the spec offers it, else the first media type of a kind the client sends.
        let chosen = rb.content.iter().find(|(ct, _)| is_json(ct)).or_else(|| {
            rb.content
                .iter()
                .find(|(ct, _)| body_kind(ct) != BodyKind::Other)
        });
        let Some((ct, mt)) = chosen else {
            let types: Vec<&str> = rb.content.keys().map(String::as_str).collect();
            if types.is_empty() {
                return None;
            }
            self.diags.warn(
                ptr.clone(),
                format!("request body of type {types:?}: sent as raw bytes of the first type"),
            );
            return Some(self.binary_body(types[0], &rb));
        };
        // The other media types of a kind the client sends, one of each kind, as choices.
        let mut kinds = vec![body_kind(ct)];
        let mut choices = Vec::new();
        for (other, omt) in rb.content.iter() {
            let kind = body_kind(other);
            if other == ct || kind == BodyKind::Other || kinds.contains(&kind) {
                continue;
            }
            kinds.push(kind);
            choices.push((other.clone(), omt.clone()));
        }
        let name = naming::inline::request_body(op_pascal);
        let (ty, media) = self.lower_media(ct, mt, &content, &name);
        let mut alternatives = Vec::new();
        for (other, omt) in &choices {
            let (ty, media) = self.lower_media(other, omt, &content, &name);
            alternatives.push(ir::BodyVariant { ty, media });
        }
        Some(ir::Body {
            ty,
            media,
            alternatives,
            checked: false,
            required: rb.required,
            doc: non_empty(&rb.description),
        })
    }

    /// The type and wire form of a body sent as the media type `ct` (`content` points at the
    /// request body's `content`).
    fn lower_media(
        &mut self,
        ct: &str,
        mt: &openapiv3::MediaType,
        content: &str,
        name: &str,
    ) -> (Ty, ir::BodyMedia<DefId>) {
        let mptr = diag::join(&diag::join(content, ct), "schema");
        match body_kind(ct) {
            BodyKind::Json => (
                self.schema_or_json(mt.schema.as_ref(), &mptr, name),
                ir::BodyMedia::Json,
            ),
            BodyKind::Form => (
                self.schema_or_json(mt.schema.as_ref(), &mptr, name),
                ir::BodyMedia::Form {
                    content_type: ct.to_string(),
                    encoding: self.encodings(&diag::join(content, ct)),
                },
            ),
            BodyKind::Multipart => {
                let fields = self.form_fields(&mptr, &diag::join(content, ct), name);
                (
                    TypeRef::Unit,
                    ir::BodyMedia::Multipart {
                        content_type: ct.to_string(),
                        fields,
                    },
                )
            }
            BodyKind::Text => (
                TypeRef::String,
                ir::BodyMedia::Text {
                    content_type: ct.to_string(),
                },
            ),
            BodyKind::Binary | BodyKind::Other => (
                TypeRef::Bytes,
                ir::BodyMedia::Binary {
                    content_type: ct.to_string(),
                },
            ),
        }
    }

    /// A body sent as the caller's bytes, with this media type.
    fn binary_body(&self, ct: &str, rb: &openapiv3::RequestBody) -> ir::Body<DefId> {
        ir::Body {
            ty: TypeRef::Bytes,
            media: ir::BodyMedia::Binary {
                content_type: ct.to_string(),
            },
            alternatives: Vec::new(),
            checked: false,
            required: rb.required,
            doc: non_empty(&rb.description),
        }
    }

    pub(super) fn schema_or_json(
        &mut self,
        schema: Option<&ReferenceOr<openapiv3::Schema>>,
        ptr: &str,
        name: &str,
    ) -> Ty {
        match schema {
            Some(s) => self.lower_schema(s, ptr, name, None),
            None => TypeRef::Json,
        }
    }

    /// The `encoding` object of the media type at `media` (a pointer), property by property.
    fn encodings(&self, media: &str) -> Vec<ir::PartEncoding> {
        let Some(map) = self
            .raw
            .pointer(media.trim_start_matches('#'))
            .and_then(|m| m.get("encoding"))
            .and_then(|e| e.as_object())
        else {
            return Vec::new();
        };
        map.iter()
            .map(|(wire, e)| ir::PartEncoding {
                wire: wire.clone(),
                explode: e.get("explode").and_then(|v| v.as_bool()),
                content_type: e
                    .get("contentType")
                    .and_then(|v| v.as_str())
                    .map(str::to_string),
            })
            .collect()
    }

    /// The fields of a multipart body whose schema stands at `ptr`: each property of the object
    /// it is (through `$ref`s), a file when it is binary (`format: binary`, `contentMediaType`,
    /// or a list of such), else lowered as any schema.
    fn form_fields(&mut self, ptr: &str, media: &str, name: &str) -> Vec<ir::FormField<DefId>> {
        let Some(mut schema) = self.raw.pointer(ptr.trim_start_matches('#')).cloned() else {
            return Vec::new();
        };
        // Through `$ref`s (the one resolver's rules and findings) and one-part `allOf`s, to the
        // object.
        let mut at = ptr.to_string();
        for _ in 0..MAX_REFERENCE_HOPS {
            let item: ReferenceOr<serde_json::Value> = match serde_json::from_value(schema.clone())
            {
                Ok(item) => item,
                Err(_) => break,
            };
            let Some((resolved, place)) = self.resolve(&item, &at, "schema") else {
                return Vec::new();
            };
            (schema, at) = (resolved, place);
            match schema.get("allOf").and_then(|a| a.as_array()) {
                Some(parts) if parts.len() == 1 => {
                    at = diag::join(&diag::join(&at, "allOf"), "0");
                    schema = parts[0].clone();
                }
                _ => break,
            }
        }
        let Some(props) = schema.get("properties").and_then(|p| p.as_object()) else {
            self.diags.warn(
                at,
                "a multipart body whose schema is not an object with properties has no fields",
            );
            return Vec::new();
        };
        let required: BTreeSet<&str> = schema
            .get("required")
            .and_then(|r| r.as_array())
            .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        let encodings = self.encodings(media);
        let mut taken = BTreeSet::new();
        let mut fields = Vec::new();
        for (wire, prop) in props {
            let pptr = diag::join(&diag::join(&at, "properties"), wire);
            let ty = if is_file(prop, self.raw) {
                TypeRef::File
            } else if prop.get("type").and_then(|t| t.as_str()) == Some("array")
                && prop.get("items").is_some_and(|i| is_file(i, self.raw))
            {
                TypeRef::Array(Box::new(TypeRef::File))
            } else {
                match serde_json::from_value::<ReferenceOr<openapiv3::Schema>>(prop.clone()) {
                    Ok(s) => {
                        self.lower_schema(&s, &pptr, &naming::inline::property(name, wire), None)
                    }
                    Err(e) => {
                        self.diags.warn(
                            pptr.clone(),
                            format!("the part's schema cannot be read ({e}); sent as JSON"),
                        );
                        TypeRef::Json
                    }
                }
            };
            let required = required.contains(wire.as_str());
            fields.push(ir::FormField {
                ident: naming::param_ident(wire, &mut taken),
                wire: wire.clone(),
                ty: if required { ty } else { ty.or_null() },
                required,
                content_type: encodings
                    .iter()
                    .find(|e| &e.wire == wire)
                    .and_then(|e| e.content_type.clone()),
                doc: prop
                    .get("description")
                    .and_then(|d| d.as_str())
                    .map(str::to_string),
            });
        }
        fields
    }
}

/// What kind of body a media type is, for sending it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    Json,
    Form,
    Multipart,
    Text,
    Binary,
    Other,
}

fn body_kind(content_type: &str) -> BodyKind {
    let ct = media_essence(content_type);
    if is_json(&ct) {
        BodyKind::Json
    } else if ct == "application/x-www-form-urlencoded" {
        BodyKind::Form
    } else if ct == "multipart/form-data" || ct == "multipart/mixed" {
        BodyKind::Multipart
    } else if ct.starts_with("text/") {
        BodyKind::Text
    } else if ct == "application/octet-stream"
        || ct.starts_with("image/")
        || ct.starts_with("audio/")
        || ct.starts_with("video/")
        || ct.starts_with("application/")
    {
        BodyKind::Binary
    } else {
        BodyKind::Other
    }
}

/// Whether a property schema (JSON) is a file: binary content (`format: binary`, or
/// `contentMediaType` as OpenAPI 3.1 writes it), through one `$ref`.
fn is_file(schema: &serde_json::Value, raw: &serde_json::Value) -> bool {
    let schema = match schema.get("$ref").and_then(|r| r.as_str()) {
        Some(r) => match raw.pointer(r.trim_start_matches('#')) {
            Some(s) => s,
            None => return false,
        },
        None => schema,
    };
    schema.get("format").and_then(|f| f.as_str()) == Some("binary")
        || schema.get("contentMediaType").is_some()
}

/// An operation as lowering leaves it for the finishing passes: everything but its final
/// names and its pagination, which depend on every other operation and type.
pub(super) struct OpDraft {
    /// The method name it asks for, before collisions are resolved.
    pub(super) ident_wanted: String,
    pub(super) method: ir::Method,
    pub(super) path: String,
    pub(super) path_parts: Vec<ir::PathPart>,
    pub(super) params: Vec<Param>,
    pub(super) body: Option<ir::Body<DefId>>,
    pub(super) responses: Responses,
    pub(super) summary: Option<String>,
    pub(super) description: Option<String>,
    pub(super) deprecated: bool,
    pub(super) server: Option<String>,
    pub(super) auth: bool,
    pub(super) tags: Vec<String>,
}

impl OpDraft {
    /// `"METHOD /path"`: how the customisation file names the operation.
    pub(super) fn route(&self) -> String {
        format!("{} {}", self.method.as_str(), self.path)
    }
}

/// A piece of a path template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TemplatePiece<'p> {
    /// Literal text, kept exactly.
    Literal(&'p str),
    /// `{name}`.
    Param(&'p str),
}

/// Splits a path template into literals and `{parameter}`s (an unclosed `{` stays literal).
pub(super) fn parse_template(path: &str) -> Vec<TemplatePiece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        if open > 0 {
            pieces.push(TemplatePiece::Literal(&rest[..open]));
        }
        pieces.push(TemplatePiece::Param(&rest[open + 1..open + close]));
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(TemplatePiece::Literal(rest));
    }
    pieces
}

pub(super) fn methods(item: &PathItem) -> Vec<(ir::Method, &OaOperation)> {
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

/// The media types read as JSON (the customisation's places read the same ones).
pub(super) fn is_json(content_type: &str) -> bool {
    crate::config::is_json_media(content_type)
}

pub(super) fn substitute_server(s: &openapiv3::Server) -> String {
    let mut url = s.url.clone();
    if let Some(vars) = &s.variables {
        for (k, v) in vars {
            url = url.replace(&format!("{{{k}}}"), &v.default);
        }
    }
    url.trim_end_matches('/').to_string()
}
