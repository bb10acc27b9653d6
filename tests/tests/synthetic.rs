//! The generator on synthetic specs (`sdk_tests::synth`): a 100-operation document with every
//! supported construct generates without errors, warns only where expected, and names every
//! method and type uniquely, readably and stably.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use sdk_tests::synth;
use sdkgen::ir::{Api, TypeDef};
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
        .filter(|w| !w.message.contains(synth::EXPECTED_WARNING))
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
