//! The generator on synthetic specs (`sdk_tests::synth`): a 100-operation document with every
//! supported construct generates without errors, warns only where expected, holds every
//! combination of parameter value, place, requiredness and list style, of request body and of
//! response, and names every method and type uniquely, readably and stably.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use sdk_tests::synth;
use sdkgen::ir::{Api, BodyMedia, ListStyle, ParamIn, ParamValue, StatusMatch, TypeDef, TypeRef};
use sdkgen::RESERVED_TYPE_NAMES;
use sdkgen::{Config, Diagnostic, Diagnostics, Severity};
use serde_json::{json, Value};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

fn lower(spec: Value) -> (Api, Vec<Diagnostic>) {
    let mut diags = Diagnostics::new(Path::new("synthetic.json"));
    match sdkgen::lower_value(spec, &Config::default(), &mut diags) {
        Some((api, _)) => (api, diags.into_items()),
        None => panic!(
            "the synthetic spec does not lower:\n{}",
            diags
                .items()
                .iter()
                .map(|d| format!("  {d}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

fn operation_count(spec: &Value) -> usize {
    spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|k| {
                    [
                        "get", "put", "post", "delete", "patch", "head", "options", "trace",
                    ]
                    .contains(&k.as_str())
                })
                .count()
        })
        .sum()
}

/// A plain identifier, or a keyword written raw (`r#type`).
fn check_ident(kind: &str, name: &str) {
    let bare = name.strip_prefix("r#").unwrap_or(name);
    assert!(
        bare.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
        "{kind} {name:?} is not an identifier"
    );
    assert!(
        name.starts_with("r#") || !KEYWORDS.contains(&name),
        "{kind} {name:?} is a keyword"
    );
    assert!(
        !name.starts_with("r#") || KEYWORDS.contains(&bare),
        "{kind} {name:?} is raw without need"
    );
}

#[test]
fn spec_is_deterministic_and_sized() {
    for n in [1, 7, 100, 333] {
        let a = synth::spec(n, 42);
        assert_eq!(a, synth::spec(n, 42));
        assert_eq!(operation_count(&a), n);
    }
    assert_ne!(synth::spec(100, 1), synth::spec(100, 2));
    let schemas = synth::spec(100, 1)["components"]["schemas"]
        .as_object()
        .unwrap()
        .len();
    assert!(
        (40..=80).contains(&schemas),
        "{schemas} component schemas for 100 operations"
    );
}

#[test]
fn hundred_operations_generate_with_expected_warnings_only() {
    let spec = synth::spec(100, 7);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("synthetic");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("synthetic-100.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&spec).unwrap()).unwrap();
    let input = sdkgen::Input {
        spec: path,
        config: None,
        runtime_dep: "path = \"x\"".into(),
        source_label: "synthetic-100.json".into(),
    };
    let out = sdkgen::generate(&input).unwrap_or_else(|diags| {
        panic!(
            "{}",
            diags
                .iter()
                .map(|d| format!("  {d}"))
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    assert!(out.warnings.iter().all(|w| w.severity == Severity::Warning));
    let unexpected: Vec<String> = out
        .warnings
        .iter()
        .filter(|w| !synth::is_expected_warning(&w.message))
        .map(|w| w.to_string())
        .collect();
    assert!(
        unexpected.is_empty(),
        "unexpected warnings:\n{}",
        unexpected.join("\n")
    );
    assert!(
        !out.warnings.is_empty(),
        "the comma-separated parameters should be reported"
    );
    let types = &out
        .files
        .iter()
        .find(|f| f.path == "src/types.rs")
        .unwrap()
        .content;
    // Constructs that must come out typed, not as JSON.
    assert!(types.contains("Box<"), "recursive schemas are boxed");
    assert!(
        types.contains("impl<'de> serde::Deserialize<'de> for"),
        "discriminated unions have their decoder"
    );
    let builders = &out
        .files
        .iter()
        .find(|f| f.path == "src/builders.rs")
        .unwrap()
        .content;
    assert!(
        builders.contains("request.server("),
        "operations with their own server"
    );
    assert!(
        builders.contains("query_delimited(\"fields\""),
        "comma-separated arrays"
    );
    assert!(
        builders.contains("serde_json::to_string"),
        "JSON in a query parameter"
    );
}

#[test]
fn names_are_unique_readable_identifiers() {
    for seed in [1, 2, 3] {
        let (api, _) = lower(synth::spec(100, seed));
        let mut methods = BTreeSet::new();
        let mut builders = BTreeSet::new();
        for op in &api.operations {
            check_ident("method", &op.ident);
            check_ident("builder", &op.builder);
            assert!(
                methods.insert(op.ident.clone()),
                "method {} twice",
                op.ident
            );
            assert!(
                builders.insert(op.builder.clone()),
                "builder {} twice",
                op.builder
            );
            assert!(
                op.ident.len() <= 64,
                "method name {:?} is too long",
                op.ident
            );
            let mut params = BTreeSet::new();
            for p in &op.params {
                check_ident("parameter", &p.ident);
                assert!(
                    params.insert(p.ident.clone()),
                    "{}: parameter {} twice",
                    op.ident,
                    p.ident
                );
            }
        }
        let mut types = BTreeSet::new();
        for t in &api.types {
            let name = t.name();
            check_ident("type", name);
            assert!(
                name.starts_with(|c: char| c.is_ascii_uppercase()),
                "type {name:?} is not PascalCase"
            );
            assert!(
                !RESERVED_TYPE_NAMES.contains(&name),
                "type {name:?} shadows a std name"
            );
            assert!(types.insert(name.to_string()), "type {name} twice");
            assert!(name.len() <= 64, "type name {name:?} is too long");
            match t {
                TypeDef::Struct(s) => {
                    let mut fields = BTreeSet::new();
                    for f in &s.fields {
                        check_ident("field", &f.ident);
                        assert!(fields.insert(f.ident.clone()), "{name}.{} twice", f.ident);
                    }
                }
                TypeDef::Enum(e) => {
                    let mut variants = BTreeSet::new();
                    for (v, _) in &e.variants {
                        check_ident("variant", v);
                        assert!(variants.insert(v.clone()), "{name}::{v} twice");
                    }
                    assert!(
                        !variants.contains(&e.fallback),
                        "{name}: fallback {} taken",
                        e.fallback
                    );
                }
                TypeDef::Union(u) => {
                    for (v, _) in &u.variants {
                        check_ident("variant", v);
                    }
                }
                TypeDef::Alias(_) => {}
            }
        }
        // No name needed a collision number: `Foo2` beside `Foo`.
        for name in &types {
            let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
            assert!(
                stem == name || !types.contains(stem),
                "seed {seed}: {name} beside {stem}"
            );
        }
    }
}

/// Inserts `key` as the first member of an object (the document keeps member order).
fn prepend(object: &mut Value, key: &str, value: Value) {
    let old = std::mem::take(object.as_object_mut().unwrap());
    let mut new = serde_json::Map::new();
    new.insert(key.to_string(), value);
    new.extend(old);
    *object = Value::Object(new);
}

/// What a generated crate exposes by name: methods by route, types by name.
fn surface(api: &Api) -> (BTreeMap<String, String>, BTreeSet<String>) {
    let methods = api
        .operations
        .iter()
        .map(|o| (format!("{} {}", o.method.as_str(), o.path), o.ident.clone()))
        .collect();
    let types = api.types.iter().map(|t| t.name().to_string()).collect();
    (methods, types)
}

#[test]
fn adding_an_operation_and_a_schema_renames_nothing() {
    let spec = synth::spec(100, 5);
    let (before, _) = lower(spec.clone());
    let mut grown = spec;
    prepend(
        &mut grown["components"]["schemas"],
        "AuditTrail",
        json!({
            "type": "object",
            "required": ["entries"],
            "properties": {
                "entries": { "type": "array", "items": { "type": "object", "properties": { "actor": { "type": "string" }, "action": { "type": "string", "enum": ["read", "write"] } } } },
            },
        }),
    );
    // In front of the others: lowering order must not matter.
    prepend(
        &mut grown["paths"],
        "/v1/audit-trails/{trail_id}",
        json!({
            "get": {
                "summary": "Show one audit trail",
                "parameters": [{ "name": "trail_id", "in": "path", "required": true, "schema": { "type": "integer" } }],
                "responses": {
                    "200": { "description": "The trail", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/AuditTrail" } } } },
                    "404": { "description": "Not found", "content": { "application/json": { "schema": {
                        "type": "object", "required": ["error"],
                        "properties": { "error": { "type": "string", "enum": ["not_found"] }, "message": { "type": "string" } },
                    } } } },
                    "429": { "description": "Too Many Requests", "content": { "application/json": { "schema": {
                        "type": "object", "properties": { "detail": { "type": "string" } },
                    } } } },
                },
            },
        }),
    );
    let (after, _) = lower(grown);
    let (methods_before, types_before) = surface(&before);
    let (methods_after, types_after) = surface(&after);
    assert_eq!(methods_after.len(), methods_before.len() + 1);
    for (route, name) in &methods_before {
        assert_eq!(methods_after.get(route), Some(name), "{route} was renamed");
    }
    let lost: Vec<&String> = types_before.difference(&types_after).collect();
    assert!(lost.is_empty(), "types renamed or lost: {lost:?}");
    assert!(types_after.contains("AuditTrail"));
}

/// What a parameter value is, in words: `i32`, `enum`, `list of i32 joined by ","`, `json`.
fn value_shape(api: &Api, value: &ParamValue) -> String {
    let scalar = |t: &TypeRef| match t {
        TypeRef::String => "string".to_string(),
        TypeRef::Integer(n) | TypeRef::Number(n) => n.to_string(),
        TypeRef::Boolean => "bool".to_string(),
        TypeRef::Named(n) => match api.types.iter().find(|d| d.name() == n) {
            Some(TypeDef::Enum(_)) => "enum".to_string(),
            _ => format!("named {n}"),
        },
        t => format!("{t:?}"),
    };
    match value {
        ParamValue::Scalar(t) => scalar(t),
        ParamValue::List { item, style } => format!("list of {} {style}", scalar(item)),
        ParamValue::Json(_) => "json".to_string(),
    }
}

/// The model of a spec large enough for every combination operation holds what the crate docs
/// of `sdk-synth` promise, as the generator lowers it: every scalar and JSON value in every place,
/// every list in every style of its place, required and optional bodies, and the response shapes.
#[test]
fn every_combination_is_in_the_model() {
    let n = synth::ALL_COMBINATIONS_AT.max(100);
    let (api, _) = lower(synth::spec(n, 7));
    let mut found = BTreeSet::new();
    for op in &api.operations {
        for p in &op.params {
            found.insert(format!(
                "{} in {:?}, required: {}",
                value_shape(&api, &p.value),
                p.location,
                p.required
            ));
        }
        if let Some(b) = &op.body {
            found.insert(format!("body, required: {}", b.required));
            found.insert(format!(
                "body as {}",
                match &b.media {
                    BodyMedia::Json => "json",
                    BodyMedia::Form { .. } => "form",
                    BodyMedia::Multipart { fields, .. } => {
                        if fields.iter().any(|f| f.ty.non_null() == &TypeRef::File) {
                            "multipart with a file"
                        } else {
                            "multipart"
                        }
                    }
                    BodyMedia::Binary { .. } => "bytes",
                    BodyMedia::Text { .. } => "text",
                }
            ));
        }
        for o in &op.successes {
            found.insert(format!("success read as {:?}", o.format));
        }
        let s = &op.success;
        found.insert(format!(
            "success {}, may be absent: {}",
            match &s.body {
                TypeRef::Unit => "without body",
                TypeRef::Bytes => "of bytes",
                TypeRef::Nullable(_) => "nullable",
                _ => "typed",
            },
            s.body_may_be_absent
        ));
        for e in &op.errors {
            let body = match (&e.ty, e.is_json()) {
                (TypeRef::Unit, _) => "without body",
                (TypeRef::Bytes, _) => "of bytes",
                (_, true) => "typed",
                (_, false) => "other",
            };
            let status = match e.status {
                StatusMatch::Code(_) => "code",
                StatusMatch::Range(_) => "range",
                StatusMatch::Default => "default",
            };
            found.insert(format!("error {body} for a {status}"));
        }
    }
    let places = [
        (ParamIn::Path, true),
        (ParamIn::Query, true),
        (ParamIn::Query, false),
        (ParamIn::Header, true),
        (ParamIn::Header, false),
    ];
    let scalars = ["string", "i32", "i64", "f64", "bool", "enum"];
    let mut wanted = Vec::new();
    for value in scalars.iter().chain(&["json"]) {
        for (l, r) in places {
            wanted.push(format!("{value} in {l:?}, required: {r}"));
        }
    }
    let query_styles = [
        ListStyle::Repeated,
        ListStyle::Joined(","),
        ListStyle::Joined(" "),
        ListStyle::Joined("|"),
    ];
    for item in scalars {
        for (l, r) in places {
            let styles: &[ListStyle] = match l {
                ParamIn::Query => &query_styles,
                _ => &[ListStyle::Joined(",")],
            };
            for style in styles {
                wanted.push(format!("list of {item} {style} in {l:?}, required: {r}"));
            }
        }
    }
    for r in [true, false] {
        wanted.push(format!("body, required: {r}"));
    }
    for s in [
        "success typed, may be absent: false",
        "success typed, may be absent: true",
        "success without body, may be absent: false",
        "success of bytes, may be absent: false",
        "success nullable, may be absent: true",
    ] {
        wanted.push(s.to_string());
    }
    for media in ["json", "form", "multipart with a file", "bytes", "text"] {
        wanted.push(format!("body as {media}"));
    }
    for format in ["Json", "Text", "Binary", "Events", "Empty"] {
        wanted.push(format!("success read as {format}"));
    }
    for e in ["typed", "without body", "of bytes", "other"] {
        wanted.push(format!("error {e} for a code"));
    }
    wanted.push("error without body for a range".into());
    wanted.push("error typed for a range".into());
    wanted.push("error typed for a default".into());
    let missing: Vec<&String> = wanted.iter().filter(|w| !found.contains(*w)).collect();
    assert!(
        missing.is_empty(),
        "{} of {} combinations are not in the model of {n} operations:\n  {}\nfound:\n  {}",
        missing.len(),
        wanted.len(),
        missing
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join("\n  "),
        found
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\n  ")
    );
}
