//! Loading: bytes → JSON value → customisation fixes → OpenAPI 3.1 shapes rewritten to the
//! 3.0 shapes `openapiv3` holds → `openapiv3::OpenAPI`.
//!
//! Every step records located diagnostics instead of stopping at the first problem.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Map, Value};

use crate::config::{Config, Patch, PatchOp};
use crate::diag::{self, Diagnostics};

/// Reads and parses a spec file (YAML or JSON, by extension; content sniffed otherwise).
pub fn read_value(path: &Path, diags: &mut Diagnostics) -> Option<Value> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            diags.error("", format!("cannot read spec: {e}"));
            return None;
        }
    };
    parse_value(path, &bytes, diags)
}

/// Parses spec text as JSON when it looks like JSON, YAML otherwise.
pub fn parse_value(path: &Path, bytes: &[u8], diags: &mut Diagnostics) -> Option<Value> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let looks_json = ext == "json"
        || (ext != "yaml"
            && ext != "yml"
            && bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'));
    let value = if looks_json {
        numbers::json(bytes).map_err(|e| format!("invalid JSON: {e}"))
    } else {
        numbers::yaml(bytes).map_err(|e| format!("invalid YAML: {e}"))
    };
    match value {
        Ok(Value::Object(m)) => Some(Value::Object(m)),
        Ok(_) => {
            diags.error("#", "the document is not an object");
            None
        }
        Err(e) => {
            diags.error("#", e);
            None
        }
    }
}

/// Applies the customisation's fixes: patches first, then format aliases. A fix that cannot be
/// applied, or that has nothing left to fix, is an error naming the entry; the others are
/// applied all the same, so that one run reports every finding.
pub fn apply_fixes(doc: &mut Value, config: &Config, diags: &mut Diagnostics) {
    for (i, patch) in config.fixes.patch.iter().enumerate() {
        let entry = describe_patch(i, patch);
        let pointer = match &patch.target {
            None => {
                let p = patch.path.strip_prefix('#').unwrap_or(&patch.path);
                if !p.starts_with('/') {
                    diags.error(
                        "",
                        format!("customisation {entry}: `path` must be a JSON pointer starting with '/' (or give a `target`)"),
                    );
                    continue;
                }
                p.to_string()
            }
            Some(place) => {
                if !patch.path.is_empty() && !patch.path.starts_with('/') {
                    diags.error(
                        "",
                        format!("customisation {entry}: `path` must be empty or a JSON pointer relative to the target, starting with '/'"),
                    );
                    continue;
                }
                match place.locate(doc) {
                    Ok(base) => format!("{base}{}", patch.path),
                    Err(miss) => {
                        diags.error(
                            format!("#{}", miss.pointer),
                            format!("customisation {entry} addresses nothing: {}", miss.message),
                        );
                        continue;
                    }
                }
            }
        };
        let json = |v: &Option<toml::Value>| {
            v.as_ref()
                .map(|v| serde_json::to_value(v).unwrap_or(Value::Null))
        };
        if let Err(e) = apply_patch(
            doc,
            patch.op,
            &pointer,
            json(&patch.value),
            json(&patch.was),
        ) {
            diags.error(
                format!("#{pointer}"),
                format!("customisation {entry} cannot be applied: {e}"),
            );
        }
    }
    if !config.fixes.format_aliases.is_empty() {
        let mut used = BTreeSet::new();
        rename_formats(doc, &config.fixes.format_aliases, &mut used);
        for (from, to) in &config.fixes.format_aliases {
            if !used.contains(from) {
                diags.error(
                    "",
                    format!(
                        "customisation fixes.format_aliases {from:?} = {to:?} renames nothing: \
                         no schema of the spec has `format: {from:?}`"
                    ),
                );
            }
        }
    }
}

/// How findings name a patch: `fixes.patch[2] (add "/explode" at GET /items parameter ids;
/// reason: "…")`.
fn describe_patch(i: usize, patch: &Patch) -> String {
    let op = match patch.op {
        PatchOp::Add => "add",
        PatchOp::Replace => "replace",
        PatchOp::Remove => "remove",
    };
    let what = match &patch.target {
        None => format!("{op} {}", patch.path),
        Some(place) if patch.path.is_empty() => format!("{op} at {place}"),
        Some(place) => format!("{op} {:?} at {place}", patch.path),
    };
    match &patch.reason {
        Some(r) => format!("fixes.patch[{i}] ({what}; reason: {r:?})"),
        None => format!("fixes.patch[{i}] ({what})"),
    }
}

fn rename_formats(v: &mut Value, aliases: &BTreeMap<String, String>, used: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(f)) = m.get_mut("format") {
                if let Some(to) = aliases.get(f.as_str()) {
                    used.insert(f.clone());
                    *f = to.clone();
                }
            }
            m.values_mut()
                .for_each(|c| rename_formats(c, aliases, used));
        }
        Value::Array(a) => a.iter_mut().for_each(|c| rename_formats(c, aliases, used)),
        _ => {}
    }
}

/// Equality of JSON values as the spec means them: numbers by value (`1` is `1.0`), members in
/// any order.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y || matches!((x.as_f64(), y.as_f64()), (Some(x), Some(y)) if x == y)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// A value in a finding: its JSON, cut short when long.
fn shown(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() <= 120 {
        return text;
    }
    let cut: String = text.chars().take(100).collect();
    format!("{cut}… ({} characters)", text.chars().count())
}

/// Applies one edit at `pointer` (without `#`). `was`, when given, must be what stands there
/// (JSON Patch's `test`); `replace` needs it. `add` never overwrites a member: one that is
/// already there with the same value means the fix is no longer needed, with another value
/// that the spec says something the fix did not expect; both are errors.
fn apply_patch(
    doc: &mut Value,
    op: PatchOp,
    pointer: &str,
    value: Option<Value>,
    was: Option<Value>,
) -> Result<(), String> {
    let (parent_ptr, last) = pointer
        .rsplit_once('/')
        .ok_or("the path must start with '/'")?;
    let last = diag::unescape_token(last);
    let current = doc.pointer(pointer).cloned();
    match (op, &was, &current) {
        (PatchOp::Add, Some(_), _) => {
            return Err(
                "`was` is for `replace` and `remove`; an `add` inserts what is not there".into(),
            )
        }
        (PatchOp::Replace, None, _) => {
            return Err(match &current {
                Some(c) => format!(
                "a `replace` must say the value it replaces: `was = {}` (what the spec says now)",
                shown(c)
            ),
                None => "a `replace` must say the value it replaces (`was`)".into(),
            })
        }
        (PatchOp::Replace | PatchOp::Remove, Some(was), Some(current)) if !same(was, current) => {
            let already =
                op == PatchOp::Replace && value.as_ref().is_some_and(|v| same(v, current));
            return Err(if already {
                format!(
                    "the spec already says {}: the fix is no longer needed; remove it",
                    shown(current)
                )
            } else {
                format!(
                    "the spec says {}, not {} (`was`): it changed since the fix was written; \
                     check whether the fix is still needed, and what `was` and `value` should now be",
                    shown(current),
                    shown(was)
                )
            });
        }
        _ => {}
    }
    let parent = doc
        .pointer_mut(parent_ptr)
        .ok_or_else(|| format!("no value at #{parent_ptr}"))?;
    match (op, parent) {
        (PatchOp::Remove, Value::Object(m)) => m
            .remove(&last)
            .map(drop)
            .ok_or_else(|| format!("no member {last:?} to remove")),
        (PatchOp::Remove, Value::Array(a)) => {
            let i: usize = last
                .parse()
                .map_err(|_| format!("{last:?} is not an array index"))?;
            (i < a.len())
                .then(|| drop(a.remove(i)))
                .ok_or_else(|| format!("index {i} out of range"))
        }
        (PatchOp::Add | PatchOp::Replace, parent) => {
            let value = value.ok_or("add and replace need a value")?;
            match parent {
                Value::Object(m) => {
                    match (op, m.get(&last)) {
                        (PatchOp::Replace, None) => {
                            return Err(format!("no member {last:?} to replace"))
                        }
                        (PatchOp::Add, Some(existing)) if same(existing, &value) => {
                            return Err(format!(
                                "the spec already has {last:?} = {}: the fix is no longer needed; remove it",
                                shown(existing)
                            ))
                        }
                        (PatchOp::Add, Some(existing)) => {
                            return Err(format!(
                                "the spec already has {last:?} = {}, and an `add` never overwrites it; \
                                 if it must change, write `op = \"replace\"` with `was = {}`",
                                shown(existing),
                                shown(existing)
                            ))
                        }
                        _ => {}
                    }
                    m.insert(last, value);
                    Ok(())
                }
                Value::Array(a) if last == "-" && op == PatchOp::Add => {
                    a.push(value);
                    Ok(())
                }
                Value::Array(a) => {
                    let i: usize = last
                        .parse()
                        .map_err(|_| format!("{last:?} is not an array index"))?;
                    match op {
                        PatchOp::Add if i <= a.len() => a.insert(i, value),
                        PatchOp::Replace if i < a.len() => a[i] = value,
                        _ => return Err(format!("index {i} out of range")),
                    }
                    Ok(())
                }
                _ => Err("the parent is not an object or array".into()),
            }
        }
        _ => Err("the parent is not an object or array".into()),
    }
}

/// Calls `f` on every schema object of the document, outermost first, with its pointer.
pub fn walk_schemas(doc: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    let Value::Object(root) = doc else { return };
    if let Some(Value::Object(comps)) = root.get_mut("components") {
        for section in [
            "schemas",
            "parameters",
            "responses",
            "requestBodies",
            "headers",
        ] {
            if let Some(Value::Object(items)) = comps.get_mut(section) {
                for (name, item) in items.iter_mut() {
                    let ptr = format!("#/components/{section}/{}", diag::escape_token(name));
                    if section == "schemas" {
                        walk_schema(item, &ptr, f);
                    } else {
                        walk_holder(item, &ptr, f);
                    }
                }
            }
        }
    }
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let ptr = diag::join("#/paths", path);
            walk_holder(item, &ptr, f);
        }
    }
}

/// Walks objects that hold schemas somewhere inside (path items, operations, parameters, responses).
fn walk_holder(v: &mut Value, ptr: &str, f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    match v {
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                let p = diag::join(ptr, k);
                if k == "schema" {
                    walk_schema(child, &p, f);
                } else if k != "example" && k != "examples" && k != "default" {
                    walk_holder(child, &p, f);
                }
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter_mut().enumerate() {
                walk_holder(child, &diag::join(ptr, i), f);
            }
        }
        _ => {}
    }
}

fn walk_schema(v: &mut Value, ptr: &str, f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    let Value::Object(m) = v else { return };
    f(m, ptr);
    for (k, child) in m.iter_mut() {
        let p = diag::join(ptr, k);
        match k.as_str() {
            "properties" | "patternProperties" | "$defs" | "definitions" => {
                if let Value::Object(props) = child {
                    for (name, s) in props.iter_mut() {
                        walk_schema(s, &diag::join(&p, name), f);
                    }
                }
            }
            "items"
            | "additionalProperties"
            | "not"
            | "contains"
            | "propertyNames"
            | "unevaluatedProperties" => walk_schema(child, &p, f),
            "allOf" | "oneOf" | "anyOf" | "prefixItems" => {
                if let Value::Array(a) = child {
                    for (i, s) in a.iter_mut().enumerate() {
                        walk_schema(s, &diag::join(&p, i), f);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Keywords whose presence beside `$ref` carry meaning the reference alone would lose.
const REF_SIBLINGS_KEPT: &[&str] = &[
    "nullable",
    "description",
    "title",
    "default",
    "readOnly",
    "writeOnly",
    "deprecated",
    "example",
];

/// Rewrites the OpenAPI 3.1 (JSON Schema 2020-12) forms that `openapiv3` (a 3.0 model) cannot hold
/// into their 3.0 equivalents, so that nothing is lost in parsing.
/// The customisation's fixes, then normalisation; returns the spec as it stood after the fixes
/// (what a mock server should serve).
pub(crate) fn fix_and_normalize(
    doc: &mut Value,
    config: &Config,
    diags: &mut Diagnostics,
) -> Value {
    apply_fixes(doc, config, diags);
    let resolved = doc.clone();
    normalize(doc, diags);
    resolved
}

pub fn normalize(doc: &mut Value, diags: &mut Diagnostics) {
    if let Value::Object(root) = doc {
        root.entry("paths")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(Value::String(v)) = root.get_mut("openapi") {
            if !(v.starts_with("3.0") || v.starts_with("3.1")) {
                diags.error(
                    "#/openapi",
                    format!("unsupported OpenAPI version {v:?}: 3.0 and 3.1 are supported"),
                );
            }
        } else if root.contains_key("swagger") {
            diags.error(
                "#/swagger",
                "Swagger 2.0 documents are not supported: convert to OpenAPI 3 first",
            );
        } else {
            diags.error("#/openapi", "missing `openapi` version");
        }
    }
    walk_schemas(doc, &mut |m, ptr| normalize_schema(m, ptr, diags));
}

fn is_null_schema(v: &Value) -> bool {
    match v {
        Value::Object(m) => {
            matches!(m.get("type"), Some(Value::String(t)) if t == "null")
                || m.get("const").is_some_and(Value::is_null)
                || (m
                    .get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|e| e.len() == 1 && e[0].is_null()))
        }
        _ => false,
    }
}

fn normalize_schema(m: &mut Map<String, Value>, ptr: &str, diags: &mut Diagnostics) {
    // `type: [T, "null"]` and multi-type arrays.
    if let Some(Value::Array(types)) = m.get("type").cloned() {
        let mut names: Vec<String> = Vec::new();
        for t in &types {
            match t.as_str() {
                Some("null") => {
                    m.insert("nullable".into(), Value::Bool(true));
                }
                Some(t) => names.push(t.to_string()),
                None => diags.error(diag::join(ptr, "type"), "`type` entries must be strings"),
            }
        }
        m.remove("type");
        match names.len() {
            0 => {}
            1 => {
                m.insert("type".into(), Value::String(names.remove(0)));
            }
            _ => {
                let variants = names
                    .into_iter()
                    .map(|t| serde_json::json!({ "type": t }))
                    .collect();
                m.insert("anyOf".into(), Value::Array(variants));
            }
        }
    }
    if matches!(m.get("type"), Some(Value::String(t)) if t == "null") {
        m.remove("type");
        m.insert("nullable".into(), Value::Bool(true));
    }
    // Numbers read against the schema's type; numeric exclusive bounds (3.1) → boolean form (3.0).
    numbers::read_schema_numbers(m, ptr, diags);
    // `const` → one-value enum.
    if let Some(c) = m.remove("const") {
        if !m.contains_key("enum") {
            m.insert("enum".into(), Value::Array(vec![c]));
        }
    }
    // `examples` (array) → `example` (first).
    if let Some(ex) = m.remove("examples") {
        if !m.contains_key("example") {
            if let Some(first) = ex.as_array().and_then(|a| a.first()) {
                m.insert("example".into(), first.clone());
            }
        }
    }
    // `null` inside `enum` → nullable.
    if let Some(Value::Array(values)) = m.get_mut("enum") {
        if values.iter().any(Value::is_null) {
            values.retain(|v| !v.is_null());
            m.insert("nullable".into(), Value::Bool(true));
        }
    }
    // `anyOf`/`oneOf` with a null branch → nullable.
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(variants)) = m.get_mut(key) {
            let before = variants.len();
            variants.retain(|v| !is_null_schema(v));
            if variants.len() != before {
                m.insert("nullable".into(), Value::Bool(true));
            }
            if m.get(key)
                .and_then(Value::as_array)
                .is_some_and(|v| v.is_empty())
            {
                m.remove(key);
            }
        }
    }
    // `$ref` beside other keywords: openapiv3 would keep only the reference.
    if m.contains_key("$ref") && m.len() > 1 {
        let reference = m.remove("$ref").unwrap_or(Value::Null);
        let kept: Map<String, Value> = m
            .iter()
            .filter(|(k, _)| REF_SIBLINGS_KEPT.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        m.clear();
        m.extend(kept);
        m.insert("allOf".into(), serde_json::json!([{ "$ref": reference }]));
    }
    // Booleans as schemas.
    for key in ["items", "additionalProperties"] {
        if key == "items" {
            if let Some(Value::Bool(true)) = m.get(key) {
                m.insert(key.into(), Value::Object(Map::new()));
            }
        }
    }
    if let Some(Value::Object(props)) = m.get_mut("properties") {
        for (_, s) in props.iter_mut() {
            if let Value::Bool(b) = s {
                if !*b {
                    diags.warn(
                        ptr.to_string(),
                        "a property schema `false` is treated as any value",
                    );
                }
                *s = Value::Object(Map::new());
            }
        }
    }
}

/// Deserialises the normalised document into `openapiv3`'s model, locating every failure.
pub fn parse_openapi(doc: &Value, diags: &mut Diagnostics) -> Option<openapiv3::OpenAPI> {
    match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(doc) {
        Ok(api) => return Some(api),
        Err(e) => {
            // Locate every failing piece, not only the first.
            let before = diags.items().len();
            locate_failures(doc, diags);
            if diags.items().len() == before {
                diags.error(pointer_of("#", e.path()), e.inner().to_string());
            }
            // Lowering, which follows every reference, does not run on a document that does
            // not parse: the references are checked here instead.
            check_references(doc, doc, "#", "", diags);
        }
    }
    None
}

/// Records every local `$ref` of `v` (at `ptr` in `doc`, under the member `key`) that points to
/// nothing. Values that are data, not spec (examples, defaults, enums, extensions), are not
/// looked into, unless the word is the name of a property, a response and the like.
fn check_references(doc: &Value, v: &Value, ptr: &str, key: &str, diags: &mut Diagnostics) {
    const NAME_MAPS: &[&str] = &[
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "responses",
        "schemas",
        "parameters",
        "requestBodies",
        "headers",
        "examples",
        "links",
        "callbacks",
        "securitySchemes",
        "pathItems",
    ];
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                if let Some(target) = r.strip_prefix('#') {
                    if doc.pointer(target).is_none() {
                        diags.error(
                            diag::join(ptr, "$ref"),
                            format!("reference {r:?} points to nothing"),
                        );
                    }
                }
            }
            let names = NAME_MAPS.contains(&key);
            for (k, child) in m {
                let data = matches!(k.as_str(), "example" | "default" | "enum" | "const")
                    || k.starts_with("x-");
                if names || !data {
                    check_references(doc, child, &diag::join(ptr, k), k, diags);
                }
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                check_references(doc, child, &diag::join(ptr, i), "", diags);
            }
        }
        _ => {}
    }
}

fn locate_failures(doc: &Value, diags: &mut Diagnostics) {
    fn check<T: serde::de::DeserializeOwned>(v: &Value, ptr: &str, diags: &mut Diagnostics) {
        if let Err(e) = serde_path_to_error::deserialize::<_, T>(v) {
            diags.error(pointer_of(ptr, e.path()), e.inner().to_string());
        }
    }
    let Value::Object(root) = doc else { return };
    match root.get("info") {
        Some(info) => check::<openapiv3::Info>(info, "#/info", diags),
        None => diags.error("#", "missing `info`"),
    }
    if let Some(Value::Object(paths)) = root.get("paths") {
        for (path, item) in paths {
            let ptr = diag::join("#/paths", path);
            let Value::Object(ops) = item else {
                diags.error(ptr, "a path item must be an object");
                continue;
            };
            for (method, op) in ops {
                let p = diag::join(&ptr, method);
                match method.as_str() {
                    "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace" => {
                        check::<openapiv3::Operation>(op, &p, diags)
                    }
                    "parameters" => {
                        check::<Vec<openapiv3::ReferenceOr<openapiv3::Parameter>>>(op, &p, diags)
                    }
                    "servers" => check::<Vec<openapiv3::Server>>(op, &p, diags),
                    _ => {}
                }
            }
        }
    } else if root.get("paths").is_some() {
        diags.error("#/paths", "`paths` must be an object");
    }
    if let Some(Value::Object(comps)) = root.get("components") {
        type Check = fn(&Value, &str, &mut Diagnostics);
        let sections: [(&str, Check); 5] = [
            ("schemas", |v, p, d| {
                check::<openapiv3::ReferenceOr<openapiv3::Schema>>(v, p, d)
            }),
            ("parameters", |v, p, d| {
                check::<openapiv3::ReferenceOr<openapiv3::Parameter>>(v, p, d)
            }),
            ("responses", |v, p, d| {
                check::<openapiv3::ReferenceOr<openapiv3::Response>>(v, p, d)
            }),
            ("requestBodies", |v, p, d| {
                check::<openapiv3::ReferenceOr<openapiv3::RequestBody>>(v, p, d)
            }),
            ("securitySchemes", |v, p, d| {
                check::<openapiv3::ReferenceOr<openapiv3::SecurityScheme>>(v, p, d)
            }),
        ];
        for (section, f) in sections {
            if let Some(Value::Object(items)) = comps.get(section) {
                for (name, v) in items {
                    f(
                        v,
                        &format!("#/components/{section}/{}", diag::escape_token(name)),
                        diags,
                    );
                }
            }
        }
    }
}

fn pointer_of(base: &str, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = base.to_string();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out = diag::join(&out, index),
            Segment::Map { key } => out = diag::join(&out, key),
            Segment::Enum { variant } => out = diag::join(&out, variant),
            Segment::Unknown => break,
        }
    }
    out
}

mod numbers;

pub(crate) use numbers::integer_type;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn norm(mut v: Value) -> Value {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {"S": v.take()}}});
        let mut d = Diagnostics::new(Path::new("t.json"));
        normalize(&mut doc, &mut d);
        doc["components"]["schemas"]["S"].take()
    }

    #[test]
    fn type_arrays_become_nullable() {
        assert_eq!(
            norm(json!({"type": ["string", "null"]})),
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            norm(json!({"type": ["string", "integer"]})),
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})
        );
    }

    #[test]
    fn ref_siblings_are_kept() {
        assert_eq!(
            norm(json!({"$ref": "#/components/schemas/A", "nullable": true, "examples": [1]})),
            json!({"nullable": true, "example": 1, "allOf": [{"$ref": "#/components/schemas/A"}]})
        );
    }

    #[test]
    fn numeric_exclusive_bounds_and_const() {
        assert_eq!(
            norm(json!({"type": "integer", "exclusiveMinimum": 0, "const": 3})),
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "enum": [3]})
        );
    }

    #[test]
    fn null_branches_become_nullable() {
        assert_eq!(
            norm(json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]})),
            json!({"anyOf": [{"$ref": "#/components/schemas/A"}], "nullable": true})
        );
    }

    #[test]
    fn patches_apply_and_fail_clearly() {
        let mut doc = json!({"a": {"b": [1, 2]}});
        apply_patch(
            &mut doc,
            PatchOp::Replace,
            "/a/b/0",
            Some(json!(5)),
            Some(json!(1.0)),
        )
        .unwrap();
        apply_patch(&mut doc, PatchOp::Add, "/a/c", Some(json!(true)), None).unwrap();
        apply_patch(&mut doc, PatchOp::Remove, "/a/b/1", None, Some(json!(2))).unwrap();
        apply_patch(&mut doc, PatchOp::Add, "/a/b/0", Some(json!(4)), None).unwrap();
        assert_eq!(doc, json!({"a": {"b": [4, 5], "c": true}}));
        let err = |r: Result<(), String>| r.unwrap_err();
        assert!(err(apply_patch(
            &mut doc,
            PatchOp::Replace,
            "/a/zz",
            Some(json!(1)),
            Some(json!(0))
        ))
        .contains("no member \"zz\""));
        assert!(
            err(apply_patch(&mut doc, PatchOp::Remove, "/x/y", None, None)).contains("no value")
        );
        assert!(err(apply_patch(
            &mut doc,
            PatchOp::Remove,
            "/a/c",
            None,
            Some(json!(false))
        ))
        .contains("the spec says true, not false"));
        assert_eq!(doc["a"]["c"], json!(true), "a failed edit changes nothing");
    }

    /// A customisation file and a document, run through the fixes: the findings, one a line.
    fn fix(toml: &str, mut doc: Value) -> (Value, Vec<String>) {
        let mut d = Diagnostics::new(Path::new("widgets.json"));
        let config = Config::parse(toml, &mut d).expect("valid customisation");
        apply_fixes(&mut doc, &config, &mut d);
        let lines = d.items().iter().map(|d| d.to_string()).collect();
        (doc, lines)
    }

    fn widgets() -> Value {
        json!({
            "paths": {"/widgets": {"get": {
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    {"$ref": "#/components/parameters/Colour"}
                ],
                "responses": {"200": {"description": "ok"}}
            }}},
            "components": {
                "parameters": {"Colour": {"name": "colour", "in": "query", "schema": {"type": "array"}}},
                "schemas": {"Widget": {"properties": {"size": {"type": "string", "example": 7}}}}
            }
        })
    }

    #[test]
    fn a_patch_by_target_lands_where_its_place_is() {
        let (doc, lines) = fix(
            r#"
            [[fixes.patch]]
            op = "add"
            target = { operation = "GET /widgets", parameter = "colour" }
            path = "/explode"
            value = false
            [[fixes.patch]]
            op = "replace"
            target = "Widget.size"
            path = "/example"
            was = 7
            value = "7"
            [[fixes.patch]]
            op = "remove"
            target = { operation = "GET /widgets", parameter = "limit", in = "query" }
            "#,
            widgets(),
        );
        assert!(lines.is_empty(), "{lines:#?}");
        assert_eq!(
            doc["components"]["parameters"]["Colour"]["explode"],
            json!(false)
        );
        assert_eq!(
            doc["components"]["schemas"]["Widget"]["properties"]["size"]["example"],
            json!("7")
        );
        let params = doc["paths"]["/widgets"]["get"]["parameters"]
            .as_array()
            .unwrap();
        assert_eq!(
            params.len(),
            1,
            "the parameter `limit` is removed: {params:?}"
        );
    }

    /// (what the customisation says, what the finding must say: entry, place, reason)
    const FAILING_PATCHES: &[(&str, &[&str])] = &[
        // A stale target: the parameter is gone.
        (
            r#"op = "add"
            target = { operation = "GET /widgets", parameter = "shade" }
            path = "/explode"
            value = false
            reason = "shade is comma-separated""#,
            &[
                "at #/paths/~1widgets/get:",
                "fixes.patch[0] (add \"/explode\" at GET /widgets parameter shade; reason: \"shade is comma-separated\") addresses nothing",
                "GET /widgets has no parameter named \"shade\"",
            ],
        ),
        // A stale pointer.
        (
            r#"op = "remove"
            path = "/paths/~1widgets/get/parameters/5""#,
            &["at #/paths/~1widgets/get/parameters/5:", "fixes.patch[0] (remove /paths/~1widgets/get/parameters/5) cannot be applied", "index 5 out of range"],
        ),
        // `was` is not what the spec says any more.
        (
            r#"op = "replace"
            target = { schema = "Widget", property = "size" }
            path = "/example"
            was = 6
            value = "6""#,
            &[
                "at #/components/schemas/Widget/properties/size/example:",
                "fixes.patch[0] (replace \"/example\" at Widget.size)",
                "the spec says 7, not 6 (`was`)",
            ],
        ),
        // The spec already says what the fix would.
        (
            r#"op = "replace"
            target = "Widget.size"
            path = "/example"
            was = "seven"
            value = 7"#,
            &["at #/components/schemas/Widget/properties/size/example:", "already says 7: the fix is no longer needed"],
        ),
        // `replace` without `was`.
        (
            r#"op = "replace"
            target = "Widget.size"
            path = "/type"
            value = "integer""#,
            &["at #/components/schemas/Widget/properties/size/type:", "must say the value it replaces: `was = \"string\"`"],
        ),
        // `add` over a member with the same value: nothing left to fix.
        (
            r#"op = "add"
            target = { schema = "Widget", property = "size" }
            path = "/type"
            value = "string""#,
            &["at #/components/schemas/Widget/properties/size/type:", "already has \"type\" = \"string\": the fix is no longer needed"],
        ),
        // `add` over a member with another value: never overwritten.
        (
            r#"op = "add"
            target = { schema = "Widget", property = "size" }
            path = "/type"
            value = "integer""#,
            &["already has \"type\" = \"string\", and an `add` never overwrites it", "`was = \"string\"`"],
        ),
        // A relative path without a leading '/'.
        (
            r#"op = "add"
            target = "GET /widgets parameter limit"
            path = "explode"
            value = false"#,
            &["fixes.patch[0]", "relative to the target"],
        ),
    ];

    #[test]
    fn a_patch_that_does_not_fit_is_an_error_naming_it() {
        for (patch, wanted) in FAILING_PATCHES {
            let (doc, lines) = fix(&format!("[[fixes.patch]]\n{patch}"), widgets());
            assert_eq!(lines.len(), 1, "{patch}: {lines:#?}");
            assert!(lines[0].starts_with("error: widgets.json"), "{}", lines[0]);
            for w in *wanted {
                assert!(lines[0].contains(w), "{patch}:\n{}\nlacks {w:?}", lines[0]);
            }
            assert_eq!(doc, widgets(), "{patch}: a failed edit changes nothing");
        }
    }

    #[test]
    fn a_format_alias_that_renames_nothing_is_an_error() {
        let (_, lines) = fix(
            "[fixes]\nformat_aliases = { datetime = \"date-time\" }",
            widgets(),
        );
        assert_eq!(lines.len(), 1, "{lines:#?}");
        assert!(
            lines[0].contains("fixes.format_aliases \"datetime\" = \"date-time\" renames nothing"),
            "{}",
            lines[0]
        );
    }

    #[test]
    fn every_finding_is_reported_together() {
        // The document's own errors (`info` is not an object, a reference to nothing) and a
        // failing customisation entry, in one run.
        let doc = json!({
            "openapi": "3.1.0",
            "info": 7,
            "paths": {"/widgets": {"get": {
                "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Gone"}
                }}}}
            }}}
        });
        let mut d = Diagnostics::new(Path::new("widgets.json"));
        let config = Config::parse(
            r#"
            [[fixes.patch]]
            op = "add"
            target = { operation = "GET /widgets", parameter = "size" }
            path = "/explode"
            value = false
            "#,
            &mut d,
        )
        .unwrap();
        assert!(crate::lower_value(doc, &config, &mut d).is_none());
        let errors: Vec<String> = d
            .items()
            .iter()
            .filter(|d| d.severity == crate::Severity::Error)
            .map(|d| d.to_string())
            .collect();
        let wanted = [
            "error: widgets.json at #/paths/~1widgets/get: customisation fixes.patch[0]",
            "error: widgets.json at #/info: invalid type: integer `7`",
            "error: widgets.json at #/paths/~1widgets/get/responses/200/content/application~1json/schema/$ref: reference \"#/components/schemas/Gone\" points to nothing",
        ];
        assert_eq!(errors.len(), wanted.len(), "{errors:#?}");
        for (e, w) in errors.iter().zip(wanted) {
            assert!(e.starts_with(w), "{e}\nis not\n{w}…");
        }
    }
}
