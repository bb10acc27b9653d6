//! The body Prism answers a valid request with in static mode, predicted from the spec the way
//! Prism builds it (used by `tests/build.rs` through `contract_gen`, never linked into a test).
//!
//! The pagination tests need to know, before they run, whether Prism's page carries a cursor
//! (Prism answers the same page whatever the cursor, so a cursor means the stream must end with
//! `Error::RepeatedCursor`) and how many items a page has. Prism 5 picks the lowest documented
//! 2xx, answers its first media-type example if it has one, and otherwise samples the schema
//! with `@stoplight/json-schema-sampler`; [`static_body`] follows the same rules, which are
//! those of that library's `traverse` (see `tests/contract/node_modules/@stoplight/
//! json-schema-sampler/src`): a schema's `example` first, then `allOf` merged, the first of
//! `oneOf`/`anyOf` (even `null`), `default`, `const`, the first `enum` value, the first of
//! `examples`, and otherwise a value of its (first) type: every property of an object, `minItems`
//! items of an array (one at least), `"string"` or a sample of the string's format, the lower
//! bound of a number, `true`.

use serde_json::{json, Map, Value};

/// How deep Prism's sampler goes before it answers a circular value.
const MAX_SAMPLE_DEPTH: usize = 15;

/// The body of the lowest documented 2xx of `operation` (an operation object of `root`) as
/// Prism answers it in static mode, if it has a JSON body.
pub fn static_body(root: &Value, operation: &Value) -> Option<Value> {
    let responses = operation.get("responses")?.as_object()?;
    let mut codes: Vec<&String> = responses
        .keys()
        .filter(|code| {
            let c = code.as_bytes();
            c.len() == 3
                && c[0] == b'2'
                && (c[1..].iter().all(u8::is_ascii_digit) || &code[1..] == "XX")
        })
        .collect();
    codes.sort();
    let response = deref(root, responses.get(codes.first()?.as_str())?);
    let content = response.get("content")?.as_object()?;
    let media = content.get("application/json").or_else(|| {
        content
            .iter()
            .find(|(k, _)| k.contains("json"))
            .map(|(_, v)| v)
    })?;
    if let Some(example) = media
        .get("examples")
        .and_then(Value::as_object)
        .and_then(|e| e.values().next())
    {
        return deref(root, example).get("value").cloned();
    }
    if let Some(example) = media.get("example") {
        return Some(example.clone());
    }
    let mut sampler = Sampler {
        root,
        expanding: Vec::new(),
    };
    sampler.traverse(media.get("schema")?, 1)
}

fn deref<'r>(root: &'r Value, mut value: &'r Value) -> &'r Value {
    for _ in 0..32 {
        match value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| crate::contract_values::lookup(root, r))
        {
            Some(target) => value = target,
            None => break,
        }
    }
    value
}

struct Sampler<'r> {
    root: &'r Value,
    /// The `$ref`s being sampled: one met again is circular.
    expanding: Vec<String>,
}

impl Sampler<'_> {
    /// The sample of `schema`; `None` where the sampler's is `undefined` (a property that
    /// `JSON.stringify` then leaves out).
    fn traverse(&mut self, schema: &Value, depth: usize) -> Option<Value> {
        let obj = schema.as_object()?;
        if depth > MAX_SAMPLE_DEPTH {
            return circular(obj);
        }
        if let Some(reference) = obj.get("$ref").and_then(Value::as_str) {
            let target = crate::contract_values::lookup(self.root, reference)?;
            if self.expanding.iter().any(|r| r == reference) {
                return target.as_object().and_then(circular);
            }
            self.expanding.push(reference.to_owned());
            let result = self.traverse(target, depth);
            self.expanding.pop();
            return result;
        }
        if let Some(example) = obj.get("example") {
            return Some(example.clone());
        }
        if let Some(parts) = obj.get("allOf").and_then(Value::as_array) {
            let mut base = obj.clone();
            base.remove("allOf");
            let mut samples: Vec<Value> = self
                .traverse(&Value::Object(base), depth)
                .into_iter()
                .collect();
            samples.extend(
                parts
                    .iter()
                    .filter_map(|p| self.traverse(p, depth))
                    .filter(|v| !v.is_null()),
            );
            if samples.iter().all(Value::is_object) {
                let mut merged = Value::Object(Map::new());
                for s in samples {
                    merge_deep(&mut merged, s);
                }
                return Some(merged);
            }
            return samples.pop();
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(first) = obj
                .get(key)
                .and_then(Value::as_array)
                .and_then(|a| a.first())
            {
                return self.traverse(first, depth);
            }
        }
        if let Some(value) = obj.get("default").or_else(|| obj.get("const")) {
            return Some(value.clone());
        }
        if let Some(first) = obj
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            return Some(first.clone());
        }
        if let Some(first) = obj
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            return Some(first.clone());
        }
        match infer_type(obj).as_deref() {
            Some("object") => {
                let mut out = Map::new();
                if let Some(properties) = obj.get("properties").and_then(Value::as_object) {
                    for (name, property) in properties {
                        if let Some(value) = self.traverse(property, depth + 1) {
                            out.insert(name.clone(), value);
                        }
                    }
                }
                if let Some(additional) = obj.get("additionalProperties").filter(|a| a.is_object())
                {
                    for key in ["property1", "property2"] {
                        if let Some(value) = self.traverse(additional, depth + 1) {
                            out.insert(key.to_owned(), value);
                        }
                    }
                }
                Some(Value::Object(out))
            }
            Some("array") => {
                let Some(items) = obj.get("items") else {
                    return Some(json!([]));
                };
                let min = obj
                    .get("minItems")
                    .and_then(Value::as_u64)
                    .unwrap_or(0)
                    .max(1);
                let len = obj
                    .get("maxItems")
                    .and_then(Value::as_u64)
                    .map_or(min, |max| max.min(min));
                let item = self.traverse(items, depth + 1).unwrap_or(Value::Null);
                Some(Value::Array(vec![item; len as usize]))
            }
            Some("string") => Some(Value::String(sample_string(obj))),
            Some("integer" | "number") => Some(sample_number(obj)),
            Some("boolean") => Some(Value::Bool(true)),
            Some("null") => Some(Value::Null),
            _ => None,
        }
    }
}

/// What the sampler answers for a schema met inside itself.
fn circular(obj: &Map<String, Value>) -> Option<Value> {
    match infer_type(obj).as_deref() {
        Some("object") => Some(json!({})),
        Some("array") => Some(json!([])),
        _ => None,
    }
}

/// The sampler's `inferType`: the (first) `type`, or the type a keyword implies.
fn infer_type(obj: &Map<String, Value>) -> Option<String> {
    match obj.get("type") {
        Some(Value::String(t)) => return Some(t.clone()),
        Some(Value::Array(types)) => {
            return types.first().and_then(Value::as_str).map(str::to_owned)
        }
        _ => {}
    }
    let keywords = [
        ("multipleOf", "number"),
        ("maximum", "number"),
        ("exclusiveMaximum", "number"),
        ("minimum", "number"),
        ("exclusiveMinimum", "number"),
        ("maxLength", "string"),
        ("minLength", "string"),
        ("pattern", "string"),
        ("items", "array"),
        ("maxItems", "array"),
        ("minItems", "array"),
        ("uniqueItems", "array"),
        ("additionalItems", "array"),
        ("maxProperties", "object"),
        ("minProperties", "object"),
        ("required", "object"),
        ("additionalProperties", "object"),
        ("properties", "object"),
        ("patternProperties", "object"),
        ("dependencies", "object"),
    ];
    keywords
        .iter()
        .find(|(k, _)| obj.contains_key(*k))
        .map(|(_, t)| (*t).to_owned())
}

fn sample_string(obj: &Map<String, Value>) -> String {
    let min = obj.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let fixed = match obj.get("format").and_then(Value::as_str) {
        Some("email") => "user@example.com",
        Some("date-time") => "2019-08-24T14:15:22Z",
        Some("date") => "2019-08-24",
        Some("ipv4") => "192.168.0.1",
        Some("hostname") => "example.com",
        Some("uri") => "http://example.com",
        // uuid (derived from the property name), time, password and the rest: the cursor and
        // item count never depend on these.
        _ => "",
    };
    if !fixed.is_empty() {
        return fixed.to_owned();
    }
    let mut s = "string".to_owned();
    while s.len() < min {
        s.push_str("string");
    }
    s.truncate(min.max(6));
    if let Some(max) = obj.get("maxLength").and_then(Value::as_u64) {
        s.truncate(max as usize);
    }
    s
}

fn sample_number(obj: &Map<String, Value>) -> Value {
    if let Some(min) = obj.get("minimum") {
        return min.clone();
    }
    let get = |k: &str| obj.get(k).and_then(Value::as_f64);
    let v = match (
        get("exclusiveMinimum"),
        get("exclusiveMaximum"),
        get("maximum"),
    ) {
        (Some(lo), hi, _) => {
            let v = lo + 1.0;
            if Some(v) == hi {
                (v + lo) / 2.0
            } else {
                v
            }
        }
        (None, Some(hi), _) => hi - 1.0,
        (None, None, Some(max)) => max,
        (None, None, None) => 0.0,
    };
    json!(v)
}

/// The sampler's `mergeDeep`: objects merged key by key, anything else replaced.
fn merge_deep(into: &mut Value, from: Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(&k) {
                    Some(existing) if existing.is_object() && v.is_object() => {
                        merge_deep(existing, v)
                    }
                    _ => {
                        a.insert(k, v);
                    }
                }
            }
        }
        (into, from) => *into = from,
    }
}
