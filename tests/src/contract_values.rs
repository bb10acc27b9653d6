//! Valid values for the arguments of the generated contract tests, synthesized from the raw
//! schemas of a resolved spec (used by `tests/build.rs` through `contract_gen`, never linked
//! into a test).
//!
//! The model (`sdkgen::ir`) gives each argument its Rust type but keeps only what the client
//! needs of the schema: not the formats, patterns, lengths, ranges, `readOnly` flags or examples
//! a value must respect for Prism to accept it. So each value is built from the schema the spec
//! states, and only then turned into the Rust type (at test time, by `serde_json`): a value the
//! spec allows that the generated type cannot take is a finding about the generator.
//!
//! What a schema gets, in order: one of its examples (`example`, then `examples`) when it is
//! valid for the schema itself, its `default`, its `const` or first `enum` value, and otherwise
//! a value built from its `type` and constraints. Objects that declare `properties` are built
//! property by property even when they have an example, so that the "required only" and "every
//! optional" calls differ as their names say: [`Fill::Required`] sets the required properties,
//! [`Fill::Every`] every property (recursively, except inside a type that contains itself).
//! `readOnly` properties are never sent. `allOf` is merged, `oneOf`/`anyOf` take their first
//! alternative that is not `null` (with its discriminator tag), `type: [T, "null"]` is `T`.

use serde_json::{json, Map, Value};

/// How deep values may nest before synthesis gives up (cycles aside, which are cut earlier).
const MAX_DEPTH: usize = 24;

/// Which properties of an object are set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    /// The required ones.
    Required,
    /// Every one (optional ones too).
    Every,
}

/// Builds values from the schemas of one document.
pub struct Synth<'a> {
    root: &'a Value,
    /// The `$ref`s being expanded, outermost first: a schema that contains itself is expanded
    /// once with every property and then with its required ones only.
    stack: Vec<String>,
    /// What a reader should know about the values: examples not used because they break their
    /// own schema, patterns the value had to be made up for.
    pub notes: Vec<String>,
}

impl<'a> Synth<'a> {
    /// A synthesizer over the document `root`.
    pub fn new(root: &'a Value) -> Synth<'a> {
        Synth {
            root,
            stack: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The value a local `$ref` (`#/components/...`) points to.
    pub fn lookup(&self, reference: &str) -> Option<&'a Value> {
        lookup(self.root, reference)
    }

    /// `schema` with `$ref`s followed until it is not a bare reference.
    pub fn deref<'s>(&self, mut schema: &'s Value) -> &'s Value
    where
        'a: 's,
    {
        for _ in 0..32 {
            match schema.get("$ref").and_then(Value::as_str) {
                Some(r) if schema.as_object().is_some_and(|o| o.len() == 1) => {
                    match self.lookup(r) {
                        Some(target) => schema = target,
                        None => break,
                    }
                }
                _ => break,
            }
        }
        schema
    }

    /// A valid value for `schema`. `index` picks among equally good values (the n-th enum
    /// value, a distinct string) so that the items of an array can differ; `at` names the place
    /// in messages.
    pub fn value(
        &mut self,
        schema: &Value,
        fill: Fill,
        index: usize,
        at: &str,
    ) -> Result<Value, String> {
        if self.stack.len() > MAX_DEPTH {
            return Err(format!("{at}: nested more than {MAX_DEPTH} levels deep"));
        }
        let Some(obj) = schema.as_object() else {
            // `true` (or a schema that is not an object): anything goes.
            return Ok(json!("value"));
        };
        if let Some(reference) = obj.get("$ref").and_then(Value::as_str) {
            return self.reference(reference, obj, fill, index, at);
        }
        if obj.contains_key("allOf") {
            let merged = self.merge_all_of(schema);
            return self.value(&merged, fill, index, at);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(alternatives) = obj.get(key).and_then(Value::as_array) {
                return self.alternative(obj, key, alternatives, fill, index, at);
            }
        }
        let has_properties = obj
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty());
        if !has_properties {
            if let Some(example) = self.example(schema, index, at) {
                return Ok(example);
            }
        }
        if let Some(default) = obj.get("default").filter(|d| !d.is_null()) {
            if self.fits(schema, default) {
                return Ok(default.clone());
            }
        }
        if let Some(constant) = obj.get("const") {
            return Ok(constant.clone());
        }
        if let Some(values) = obj.get("enum").and_then(Value::as_array) {
            let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            if let Some(v) = values.get(index % values.len().max(1)) {
                return Ok((*v).clone());
            }
        }
        match type_of(obj).as_deref() {
            Some("object") => self.object(obj, fill, index, at),
            Some("array") => self.array(obj, fill, at),
            Some("string") => Ok(Value::String(self.string(obj, index, at))),
            Some("integer") => Ok(integer(obj, index)),
            Some("number") => Ok(number(obj, index)),
            // `true` first, `false` for a second (distinct) item.
            Some("boolean") => Ok(Value::Bool(index == 0)),
            Some("null") => Ok(Value::Null),
            // No type and nothing that implies one: any JSON value.
            _ => Ok(json!("value")),
        }
    }

    /// A `$ref`, with the siblings 3.1 allows beside it merged in as an `allOf`.
    fn reference(
        &mut self,
        reference: &str,
        obj: &Map<String, Value>,
        fill: Fill,
        index: usize,
        at: &str,
    ) -> Result<Value, String> {
        let target = self
            .lookup(reference)
            .ok_or_else(|| format!("{at}: unresolved $ref {reference}"))?;
        let seen = self.stack.iter().filter(|s| *s == reference).count();
        if seen >= 2 {
            return Err(format!(
                "{at}: {reference} contains itself through required properties"
            ));
        }
        // Inside itself, a type gets its required properties only, so that the value ends.
        let fill = if seen == 1 { Fill::Required } else { fill };
        self.stack.push(reference.to_owned());
        let result = if obj.len() > 1 {
            let mut siblings = obj.clone();
            siblings.remove("$ref");
            let merged = json!({"allOf": [target, Value::Object(siblings)]});
            let merged = self.merge_all_of(&merged);
            self.value(&merged, fill, index, at)
        } else {
            self.value(target, fill, index, at)
        };
        self.stack.pop();
        result
    }

    /// The first alternative of a `oneOf`/`anyOf` that is not `null`, with the
    /// discriminator's tag for it, and the properties stated beside the alternatives.
    fn alternative(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        alternatives: &[Value],
        fill: Fill,
        index: usize,
        at: &str,
    ) -> Result<Value, String> {
        let Some(chosen) = alternatives.iter().find(|a| !is_null_schema(self.deref(a))) else {
            return Ok(Value::Null);
        };
        let mut rest = obj.clone();
        rest.remove(key);
        let discriminator = rest.remove("discriminator");
        let alternative = if rest.keys().any(|k| k == "properties" || k == "required") {
            self.merge_all_of(&json!({"allOf": [chosen, Value::Object(rest)]}))
        } else {
            chosen.clone()
        };
        let mut value = self.value(&alternative, fill, index, at)?;
        if let (Some(discriminator), Some(object)) = (discriminator, value.as_object_mut()) {
            if let Some(property) = discriminator.get("propertyName").and_then(Value::as_str) {
                let reference = chosen.get("$ref").and_then(Value::as_str);
                let mapped = discriminator
                    .get("mapping")
                    .and_then(Value::as_object)
                    .and_then(|m| {
                        m.iter()
                            .find(|(_, target)| target.as_str() == reference)
                            .map(|(tag, _)| tag.clone())
                    });
                let tag = mapped.or_else(|| {
                    reference
                        .and_then(|r| r.rsplit('/').next())
                        .map(str::to_owned)
                });
                if let Some(tag) = tag {
                    object.insert(property.to_owned(), Value::String(tag));
                }
            }
        }
        Ok(value)
    }

    /// An example of `schema` that fits it (the `index`-th of several when there are), noting
    /// those that do not.
    fn example(&mut self, schema: &Value, index: usize, at: &str) -> Option<Value> {
        let mut candidates: Vec<&Value> = Vec::new();
        if let Some(e) = schema.get("example").filter(|e| !e.is_null()) {
            candidates.push(e);
        }
        if let Some(list) = schema.get("examples").and_then(Value::as_array) {
            candidates.extend(list.iter().filter(|e| !e.is_null()));
        }
        if candidates.is_empty() {
            return None;
        }
        let first = index.min(candidates.len() - 1);
        let order = std::iter::once(first).chain((0..candidates.len()).filter(|&i| i != first));
        for i in order {
            if self.fits(schema, candidates[i]) {
                return Some(candidates[i].clone());
            }
            let note = format!(
                "{at}: example {} does not fit its own schema; not used",
                candidates[i]
            );
            if !self.notes.contains(&note) {
                self.notes.push(note);
            }
        }
        None
    }

    /// Whether `value` fits the schema's own type, enum, const, lengths and bounds (what an
    /// example or default breaks when its author slipped; patterns are not checked).
    pub fn fits(&self, schema: &Value, value: &Value) -> bool {
        let schema = self.deref(schema);
        let Some(obj) = schema.as_object() else {
            return true;
        };
        let types: Vec<&str> = match obj.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let type_ok = types.is_empty()
            || types.iter().any(|t| match *t {
                "string" => value.is_string(),
                "integer" => value.as_f64().is_some_and(|f| f.fract() == 0.0),
                "number" => value.is_number(),
                "boolean" => value.is_boolean(),
                "array" => value.is_array(),
                "object" => value.is_object(),
                "null" => value.is_null(),
                _ => true,
            });
        if !type_ok {
            return false;
        }
        if let Some(values) = obj.get("enum").and_then(Value::as_array) {
            if !values.contains(value) {
                return false;
            }
        }
        if obj.get("const").is_some_and(|c| c != value) {
            return false;
        }
        if let Some(s) = value.as_str() {
            let len = s.chars().count() as u64;
            if obj
                .get("minLength")
                .and_then(Value::as_u64)
                .is_some_and(|m| len < m)
                || obj
                    .get("maxLength")
                    .and_then(Value::as_u64)
                    .is_some_and(|m| len > m)
            {
                return false;
            }
        }
        if let Some(n) = value.as_f64() {
            let (lo, lo_open, hi, hi_open) = bounds(obj);
            if lo.is_some_and(|lo| n < lo || (lo_open && n == lo))
                || hi.is_some_and(|hi| n > hi || (hi_open && n == hi))
            {
                return false;
            }
        }
        if let Some(items) = value.as_array() {
            let len = items.len() as u64;
            if obj
                .get("minItems")
                .and_then(Value::as_u64)
                .is_some_and(|m| len < m)
                || obj
                    .get("maxItems")
                    .and_then(Value::as_u64)
                    .is_some_and(|m| len > m)
            {
                return false;
            }
        }
        true
    }

    /// `schema` with its `allOf` (and theirs, and their `$ref`s) merged into one schema:
    /// properties and `required` united, any other keyword kept from the first that states it.
    pub fn merge_all_of(&self, schema: &Value) -> Value {
        let mut merged = Map::new();
        self.merge_into(&mut merged, schema, 0);
        Value::Object(merged)
    }

    fn merge_into(&self, merged: &mut Map<String, Value>, schema: &Value, depth: usize) {
        let schema = self.deref(schema);
        let Some(obj) = schema.as_object() else {
            return;
        };
        if depth > MAX_DEPTH {
            return;
        }
        if let Some(reference) = obj.get("$ref").and_then(Value::as_str) {
            if let Some(target) = self.lookup(reference) {
                self.merge_into(merged, target, depth + 1);
            }
        }
        for (key, value) in obj {
            match key.as_str() {
                "allOf" => {
                    for part in value.as_array().into_iter().flatten() {
                        self.merge_into(merged, part, depth + 1);
                    }
                }
                "$ref" => {}
                "properties" => {
                    let into = merged
                        .entry("properties")
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let (Some(into), Some(from)) = (into.as_object_mut(), value.as_object()) {
                        for (name, property) in from {
                            match into.get_mut(name) {
                                // Stated twice: both constrain the value.
                                Some(existing) => {
                                    *existing = json!({"allOf": [existing.clone(), property]});
                                }
                                None => {
                                    into.insert(name.clone(), property.clone());
                                }
                            }
                        }
                    }
                }
                "required" => {
                    let into = merged
                        .entry("required")
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let (Some(into), Some(from)) = (into.as_array_mut(), value.as_array()) {
                        for name in from {
                            if !into.contains(name) {
                                into.push(name.clone());
                            }
                        }
                    }
                }
                _ => {
                    merged.entry(key.clone()).or_insert_with(|| value.clone());
                }
            }
        }
    }

    /// Whether a property's schema is `readOnly` (never sent in a request).
    fn read_only(&self, schema: &Value) -> bool {
        let schema = self.deref(schema);
        schema.get("readOnly").and_then(Value::as_bool) == Some(true)
            || schema
                .get("allOf")
                .and_then(Value::as_array)
                .is_some_and(|parts| parts.iter().any(|p| self.read_only(p)))
    }

    fn object(
        &mut self,
        obj: &Map<String, Value>,
        fill: Fill,
        index: usize,
        at: &str,
    ) -> Result<Value, String> {
        let required: Vec<&str> = obj
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out = Map::new();
        if let Some(properties) = obj.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                let is_required = required.contains(&name.as_str());
                if (!is_required && fill == Fill::Required) || self.read_only(property) {
                    continue;
                }
                let value = self.value(property, fill, index, &format!("{at}.{name}"))?;
                out.insert(name.clone(), value);
            }
        }
        let additional = obj.get("additionalProperties").filter(|a| a.is_object());
        // Required names no property describes take what additional properties may be.
        for name in required {
            if !out.contains_key(name) {
                let value = match additional {
                    Some(schema) => self.value(schema, fill, index, &format!("{at}.{name}"))?,
                    None => json!("value"),
                };
                out.insert(name.to_owned(), value);
            }
        }
        let min_properties = obj
            .get("minProperties")
            .and_then(Value::as_u64)
            .unwrap_or(0) as usize;
        if let Some(schema) = additional {
            if fill == Fill::Every || out.len() < min_properties {
                let mut n = 1;
                while n == 1 || out.len() < min_properties {
                    let key = format!("key{n}");
                    let value = self.value(schema, fill, index, &format!("{at}.{key}"))?;
                    out.insert(key, value);
                    n += 1;
                }
            }
        }
        Ok(Value::Object(out))
    }

    /// Two items where the bounds allow (at least `minItems`, at most `maxItems`), distinct
    /// where they can be: Prism reads a one-item exploded query array of a nullable schema as
    /// a string, so one item would not test what a list is.
    fn array(&mut self, obj: &Map<String, Value>, fill: Fill, at: &str) -> Result<Value, String> {
        let Some(items) = obj.get("items").or_else(|| obj.get("prefixItems")) else {
            return Ok(json!([]));
        };
        let items = match items {
            Value::Array(prefix) => prefix.first().cloned().unwrap_or(json!({})),
            schema => schema.clone(),
        };
        let min = obj.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = obj
            .get("maxItems")
            .and_then(Value::as_u64)
            .map_or(usize::MAX, |m| m as usize);
        let want = min.max(2).min(max);
        let unique = obj.get("uniqueItems").and_then(Value::as_bool) == Some(true);
        let mut out: Vec<Value> = Vec::new();
        for i in 0..want + 4 {
            if out.len() == want {
                break;
            }
            let value = self.value(&items, fill, i, &format!("{at}[{i}]"))?;
            if !out.contains(&value) {
                out.push(value);
            }
        }
        if !unique {
            while out.len() < want.min(min.max(2)) && !out.is_empty() {
                out.push(out[0].clone());
            }
        }
        if out.len() < min {
            return Err(format!("{at}: cannot make {min} distinct items"));
        }
        Ok(Value::Array(out))
    }

    fn string(&mut self, obj: &Map<String, Value>, index: usize, at: &str) -> String {
        let min = obj.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = obj
            .get("maxLength")
            .and_then(Value::as_u64)
            .map(|m| m as usize);
        let n = index + 1;
        let format = obj.get("format").and_then(Value::as_str).unwrap_or("");
        let formatted = match format {
            "date-time" => Some(format!("2024-01-{n:02}T00:00:00Z")),
            "date" => Some(format!("2024-01-{n:02}")),
            "time" => Some(format!("12:00:{:02}Z", index % 60)),
            "duration" => Some(format!("P{n}D")),
            "uuid" => Some(format!("00000000-0000-4000-8000-{n:012}")),
            "email" | "idn-email" => Some(format!("user{n}@example.com")),
            "uri" | "url" | "iri" => Some(format!("https://example.com/{n}")),
            "uri-reference" | "iri-reference" => Some(format!("/path/{n}")),
            "hostname" | "idn-hostname" => Some(format!("host{n}.example.com")),
            "ipv4" => Some(format!("192.0.2.{n}")),
            "ipv6" => Some(format!("2001:db8::{n}")),
            "byte" => Some("AAAA".repeat(n)),
            _ => None,
        };
        if let Some(s) = formatted {
            return s;
        }
        if let Some(pattern) = obj.get("pattern").and_then(Value::as_str) {
            match pattern::sample(pattern, min, max, index) {
                Some(s) => return s,
                None => self.notes.push(format!(
                    "{at}: no value could be made for the pattern {pattern:?}; a plain string is sent"
                )),
            }
        }
        let mut s = if index == 0 {
            "string".to_owned()
        } else {
            format!("string{index}")
        };
        while s.chars().count() < min {
            s.push('x');
        }
        if let Some(max) = max {
            s = s.chars().take(max).collect();
        }
        s
    }
}

/// The value a local `$ref` (`#/components/...`, percent-encoded or not) points to in `root`.
pub fn lookup<'r>(root: &'r Value, reference: &str) -> Option<&'r Value> {
    let pointer = reference.strip_prefix('#')?;
    root.pointer(&percent_decode(pointer))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a schema allows only `null`.
pub fn is_null_schema(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
        || schema.get("const").is_some_and(Value::is_null)
        || schema
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|e| e.iter().all(Value::is_null))
}

/// The schema's type: its `type` (the first that is not `null` of a list), or the type its
/// keywords imply.
fn type_of(obj: &Map<String, Value>) -> Option<String> {
    match obj.get("type") {
        Some(Value::String(t)) => return Some(t.clone()),
        Some(Value::Array(types)) => {
            let types: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
            return types
                .iter()
                .find(|t| **t != "null")
                .or(types.first())
                .map(|t| (*t).to_owned());
        }
        _ => {}
    }
    let implied = [
        ("properties", "object"),
        ("additionalProperties", "object"),
        ("required", "object"),
        ("items", "array"),
        ("minItems", "array"),
        ("maxItems", "array"),
        ("pattern", "string"),
        ("minLength", "string"),
        ("maxLength", "string"),
        ("format", "string"),
        ("minimum", "number"),
        ("maximum", "number"),
        ("exclusiveMinimum", "number"),
        ("exclusiveMaximum", "number"),
        ("multipleOf", "number"),
    ];
    implied
        .iter()
        .find(|(key, _)| obj.contains_key(*key))
        .map(|(_, t)| (*t).to_owned())
}

/// `(minimum, exclusive, maximum, exclusive)`, from either the 3.0 (boolean) or the 3.1
/// (numeric) form of `exclusiveMinimum`/`exclusiveMaximum`.
fn bounds(obj: &Map<String, Value>) -> (Option<f64>, bool, Option<f64>, bool) {
    let side = |inclusive: &str, exclusive: &str| match (
        obj.get(inclusive).and_then(Value::as_f64),
        obj.get(exclusive),
    ) {
        (_, Some(Value::Number(n))) => (n.as_f64(), true),
        (Some(b), Some(Value::Bool(true))) => (Some(b), true),
        (b, _) => (b, false),
    };
    let (lo, lo_open) = side("minimum", "exclusiveMinimum");
    let (hi, hi_open) = side("maximum", "exclusiveMaximum");
    (lo, lo_open, hi, hi_open)
}

/// `1 + index` moved into the bounds and onto a multiple of `multipleOf`.
fn integer(obj: &Map<String, Value>, index: usize) -> Value {
    let (lo, lo_open, hi, hi_open) = bounds(obj);
    let lo = lo.map(|l| if lo_open { l.floor() + 1.0 } else { l.ceil() });
    let hi = hi.map(|h| if hi_open { h.ceil() - 1.0 } else { h.floor() });
    let mut v = 1.0 + index as f64;
    if let Some(lo) = lo {
        if v < lo {
            v = lo + index as f64;
        }
    }
    if let Some(hi) = hi {
        if v > hi {
            v = (hi - index as f64).max(lo.unwrap_or(f64::MIN));
        }
    }
    if let Some(m) = obj
        .get("multipleOf")
        .and_then(Value::as_f64)
        .filter(|m| *m > 0.0)
    {
        v = (v / m).ceil() * m;
        if hi.is_some_and(|hi| v > hi) {
            v -= m;
        }
    }
    json!(v as i64)
}

/// `1.5 + index`, or a value inside the bounds and on a multiple of `multipleOf`.
fn number(obj: &Map<String, Value>, index: usize) -> Value {
    let (lo, lo_open, hi, hi_open) = bounds(obj);
    let step = index as f64;
    let mut v = 1.5 + step;
    match (lo, hi) {
        (Some(lo), Some(hi)) => {
            v = if lo_open || hi_open {
                (lo + hi) / 2.0
            } else {
                lo + (hi - lo) * (step / (step + 1.0))
            };
        }
        (Some(lo), None) => {
            if v <= lo {
                v = lo + 1.0 + step;
            }
        }
        (None, Some(hi)) => {
            if v >= hi {
                v = hi - 1.0 - step;
            }
        }
        (None, None) => {}
    }
    if let Some(m) = obj
        .get("multipleOf")
        .and_then(Value::as_f64)
        .filter(|m| *m > 0.0)
    {
        v = (v / m).ceil() * m;
    }
    if v.fract() == 0.0 && v.abs() < 1e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

/// Strings that match a regular expression of the simple kind specs use (anchors, classes,
/// groups, alternatives, quantifiers; lookarounds are left out, being zero-width).
pub mod pattern {
    #[derive(Debug)]
    enum Node {
        /// One of these characters (a literal is a class of one).
        Class(Vec<char>),
        /// Any character but these.
        NotClass(Vec<char>),
        /// Alternatives, each a sequence.
        Group(Vec<Vec<Item>>),
        /// Matches the empty string (anchors, lookarounds, word boundaries).
        Empty,
    }

    #[derive(Debug)]
    struct Item {
        node: Node,
        min: usize,
        max: Option<usize>,
    }

    /// A string matching `pattern` with a length in `min..=max`, made with each open-ended
    /// repetition taken a few times (more for longer minimum lengths); `index` varies the
    /// characters. `None` when the pattern uses what this does not understand.
    pub fn sample(pattern: &str, min: usize, max: Option<usize>, index: usize) -> Option<String> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut pos = 0;
        let tree = parse_alternatives(&chars, &mut pos)?;
        if pos != chars.len() {
            return None;
        }
        for reps in 0..=min.max(4) {
            let mut out = String::new();
            emit_alternatives(&tree, reps, index, &mut out);
            let len = out.chars().count();
            if len >= min && max.is_none_or(|m| len <= m) {
                return Some(out);
            }
        }
        None
    }

    fn parse_alternatives(chars: &[char], pos: &mut usize) -> Option<Vec<Vec<Item>>> {
        let mut alternatives = vec![Vec::new()];
        while *pos < chars.len() {
            match chars[*pos] {
                ')' => break,
                '|' => {
                    *pos += 1;
                    alternatives.push(Vec::new());
                }
                _ => {
                    let node = parse_atom(chars, pos)?;
                    let (min, max) = parse_quantifier(chars, pos)?;
                    alternatives
                        .last_mut()
                        .expect("one alternative at least")
                        .push(Item { node, min, max });
                }
            }
        }
        Some(alternatives)
    }

    fn parse_atom(chars: &[char], pos: &mut usize) -> Option<Node> {
        let c = chars[*pos];
        *pos += 1;
        Some(match c {
            '^' | '$' => Node::Empty,
            '.' => Node::NotClass(vec!['\n']),
            '(' => {
                let mut lookaround = false;
                if chars.get(*pos) == Some(&'?') {
                    match chars.get(*pos + 1) {
                        Some(':') => *pos += 2,
                        Some('=' | '!') => {
                            *pos += 2;
                            lookaround = true;
                        }
                        Some('<') if matches!(chars.get(*pos + 2), Some('=' | '!')) => {
                            *pos += 3;
                            lookaround = true;
                        }
                        _ => return None,
                    }
                }
                let inner = parse_alternatives(chars, pos)?;
                if chars.get(*pos) != Some(&')') {
                    return None;
                }
                *pos += 1;
                if lookaround {
                    Node::Empty
                } else {
                    Node::Group(inner)
                }
            }
            '[' => parse_class(chars, pos)?,
            '\\' => {
                let e = *chars.get(*pos)?;
                *pos += 1;
                match escape_class(e) {
                    Some(class) => Node::Class(class),
                    None if e == 'b' || e == 'B' => Node::Empty,
                    None if e.is_ascii_alphanumeric() => return None,
                    None => Node::Class(vec![e]),
                }
            }
            '*' | '+' | '?' | '{' | '|' | ')' => return None,
            c => Node::Class(vec![c]),
        })
    }

    /// The characters of `\d`, `\w`, `\s` (those a value would use).
    fn escape_class(e: char) -> Option<Vec<char>> {
        match e {
            'd' => Some(('0'..='9').collect()),
            'w' => Some(
                ('a'..='z')
                    .chain('A'..='Z')
                    .chain('0'..='9')
                    .chain(['_'])
                    .collect(),
            ),
            's' => Some(vec![' ']),
            _ => None,
        }
    }

    fn parse_class(chars: &[char], pos: &mut usize) -> Option<Node> {
        let negated = chars.get(*pos) == Some(&'^');
        if negated {
            *pos += 1;
        }
        let mut set = Vec::new();
        let mut first = true;
        loop {
            let c = *chars.get(*pos)?;
            *pos += 1;
            match c {
                ']' if !first => break,
                '\\' => {
                    let e = *chars.get(*pos)?;
                    *pos += 1;
                    match escape_class(e) {
                        Some(class) => set.extend(class),
                        None if e.is_ascii_alphanumeric() => return None,
                        None => set.push(e),
                    }
                }
                c if chars.get(*pos) == Some(&'-')
                    && chars.get(*pos + 1).is_some_and(|n| *n != ']') =>
                {
                    let end = chars[*pos + 1];
                    *pos += 2;
                    if end < c {
                        return None;
                    }
                    set.extend(c..=end);
                }
                c => set.push(c),
            }
            first = false;
        }
        Some(if negated {
            Node::NotClass(set)
        } else {
            Node::Class(set)
        })
    }

    fn parse_quantifier(chars: &[char], pos: &mut usize) -> Option<(usize, Option<usize>)> {
        let q = match chars.get(*pos) {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                let close = chars[*pos..].iter().position(|c| *c == '}')? + *pos;
                let body: String = chars[*pos + 1..close].iter().collect();
                let (lo, hi) = match body.split_once(',') {
                    Some((lo, "")) => (lo.trim().parse().ok()?, None),
                    Some((lo, hi)) => (lo.trim().parse().ok()?, Some(hi.trim().parse().ok()?)),
                    None => {
                        let n = body.trim().parse().ok()?;
                        (n, Some(n))
                    }
                };
                *pos = close;
                (lo, hi)
            }
            _ => return Some((1, Some(1))),
        };
        *pos += 1;
        // A lazy or possessive marker changes nothing about what matches.
        if matches!(chars.get(*pos), Some('?' | '+')) {
            *pos += 1;
        }
        Some(q)
    }

    fn emit_alternatives(alternatives: &[Vec<Item>], reps: usize, index: usize, out: &mut String) {
        for item in &alternatives[0] {
            let count = item.min.max(reps.min(item.max.unwrap_or(usize::MAX)));
            for k in 0..count {
                match &item.node {
                    Node::Class(set) => out.push(pick(set, index + k)),
                    Node::NotClass(set) => {
                        let c = "aA0x_".chars().find(|c| !set.contains(c)).unwrap_or('~');
                        out.push(c);
                    }
                    Node::Group(inner) => emit_alternatives(inner, reps, index, out),
                    Node::Empty => {}
                }
            }
        }
    }

    /// A character of the set, letters and digits first, the `index`-th of those.
    fn pick(set: &[char], index: usize) -> char {
        let nice: Vec<char> = set
            .iter()
            .copied()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        if nice.is_empty() {
            set[index % set.len()]
        } else {
            nice[index % nice.len()]
        }
    }
}
