//! Synthetic OpenAPI 3.1 documents of any size, for tests and benchmarks of the generator.
//!
//! [`spec`] builds a document of exactly `operations` operations. Up to half of them (all of them
//! from [`ALL_COMBINATIONS_AT`] operations on) are the *combination* operations, one per parameter
//! value type: a string, an `int32`, an `int64`, a number, a boolean, an inline string enum, a
//! referenced one, a union of scalars, an inline object, a referenced one, a `content:
//! application/json` value, and an array of each scalar (and of the union); and each of them in
//! every place it can stand: in the path (required), in the query and in a header (required and
//! optional), an array in every style (query: `form` with `explode` true and false,
//! `spaceDelimited`, `pipeDelimited`, no style at all; path and header: `simple`). The
//! combination operations also cycle through the request body shapes (none, required, optional;
//! JSON: an object, a referenced object, an array, a string; a multipart form with files, a list
//! of files, an enum, a map sent as JSON; a form with a list not exploded; bytes; text) and the
//! response shapes (a typed 2xx, a body-less one, both side by side, text beside a body-less
//! one, a nullable body, an array, a download, an event stream; errors with a JSON body, without
//! body, with text, with bytes, `default`, and `4XX` and `5XX` beside codes they cover). One of them takes parameters named like keywords, like the
//! builder's own methods, or alike after case conversion, and errors whose variants all end in
//! `Error`. Their descriptions are prose rustdoc and clippy read closely (lists and quotes with
//! lazy continuation lines, tabs, HTML, bare URLs and brackets, unclosed code spans and fences,
//! Windows line endings), and the components they use include enums whose variants share a
//! postfix, start with the enum's name or are acronyms.
//!
//! The other operations are resources named from word lists (`gpu_instance`,
//! `billing_invoice`…), six operations each, with about three component schemas per six
//! operations, with inline objects nested four to six levels deep. Every construct the generator
//! supports appears at 100 operations already: `type: [T, "null"]`, numeric and boolean
//! exclusive bounds, `nullable` inside 3.1, schemas without a type, `$ref` with sibling keywords,
//! `const`, `examples`, `anyOf` of object and string, `oneOf` with null, `allOf` with a `$ref`
//! beside `properties`, maps of enums, discriminated `oneOf`, recursion (direct and through
//! another schema), property names that are keywords or no identifiers, enum values that collide
//! after case conversion or are named `unknown`, bare-array responses, non-standard formats,
//! integer path ids, the statuses 200/201/202/204/207/404/410/411/422/429/483/502 (many without
//! body), error bodies with one-value enums, DELETE with a body, per-path and per-operation
//! `servers`, operations without `operationId`, with long FastAPI-style ids or camelCase ids with
//! digits and acronyms, one path shape with two parameter names, comma-separated arrays without
//! `explode`, JSON in a query parameter, and vendor extensions.
//!
//! The document depends only on `operations` and `seed`: the same arguments give the same bytes.
//! The only findings the generator is expected to report are those [`is_expected_warning`]
//! accepts.

// `n % k == 0` rather than `is_multiple_of`, which the workspace's minimum Rust (1.85) lacks.
#![allow(clippy::manual_is_multiple_of)]

use serde_json::{json, Map, Value};

/// The kinds of warning a synthetic spec is expected to produce, each by a piece of its text:
/// comma-separated arrays without `explode` (sent joined by commas), object parameters (sent as
/// JSON in one value), and identical inline objects merged from places whose names share nothing
/// (the nested `spec` objects of the resources).
pub const EXPECTED_WARNINGS: &[&str] = &[
    "is described as comma-separated",
    "is sent as JSON in one value",
    "shares no name with them",
];

/// Whether a warning about a synthetic spec is one of the [`EXPECTED_WARNINGS`].
pub fn is_expected_warning(message: &str) -> bool {
    EXPECTED_WARNINGS.iter().any(|w| message.contains(w))
}

/// From this many operations on, every combination operation is in the document (below, the
/// first half of the operations are).
pub const ALL_COMBINATIONS_AT: usize = 2 * COMBINATIONS;

/// SplitMix64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const QUALIFIERS: &[&str] = &[
    "gpu",
    "billing",
    "storage",
    "network",
    "user",
    "team",
    "project",
    "compute",
    "image",
    "volume",
    "cluster",
    "node",
    "region",
    "zone",
    "audit",
    "alert",
    "backup",
    "cache",
    "dns",
    "edge",
    "file",
    "firewall",
    "gateway",
    "identity",
    "job",
    "license",
    "log",
    "metric",
    "notebook",
    "order",
    "payment",
    "plan",
    "policy",
    "queue",
    "report",
    "role",
    "route",
    "secret",
    "session",
    "snapshot",
    "ssh",
    "task",
    "template",
    "usage",
    "vpc",
    "webhook",
    "worker",
    "dataset",
    "pipeline",
    "registry",
    "container",
    "function",
    "database",
    "bucket",
    "inference",
    "training",
    "quota",
    "vault",
    "mesh",
    "stream",
];

const NOUNS: &[&str] = &[
    "instance",
    "account",
    "rule",
    "member",
    "invite",
    "group",
    "schedule",
    "reservation",
    "offer",
    "price",
    "tag",
    "label",
    "binding",
    "attachment",
    "endpoint",
    "version",
    "deployment",
    "release",
    "artifact",
    "record",
    "setting",
    "profile",
    "credential",
    "certificate",
    "domain",
    "address",
    "port",
    "lease",
    "claim",
    "run",
    "step",
    "trigger",
    "subscription",
    "invoice",
    "charge",
    "refund",
    "transfer",
    "mirror",
    "replica",
    "window",
];

const VERBS: &[&str] = &[
    "start", "stop", "restart", "resize", "archive", "restore", "verify", "rotate", "publish",
    "suspend", "resume", "promote", "clone", "lock", "unlock", "sync", "retry", "approve",
    "reject", "refresh",
];

/// One resource: a family of schemas and (up to) six operations.
struct Resource {
    index: usize,
    /// `gpu_instance`
    slug: String,
    /// `GpuInstance`
    pascal: String,
    /// `gpu-instances`
    plural: String,
    /// `/v1/gpu-instances`
    base: String,
    /// Another resource this one refers to (a cycle when the other refers back).
    related: usize,
}

fn pascal(slug: &str) -> String {
    slug.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn camel(words: &[&str]) -> String {
    let p = pascal(&words.join("_"));
    let mut c = p.chars();
    c.next()
        .map(|f| f.to_ascii_lowercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// The operation id FastAPI derives: `{name}{path}` with every non-word character as `_`, then
/// `_{method}`.
fn fastapi_id(name: &str, path: &str, method: &str) -> String {
    let raw: String = format!("{name}{path}")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{raw}_{method}")
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// [`spec`], padded to at least `schemas` component schemas with union-heavy groups, as large
/// public APIs are written: per group, a discriminated `oneOf` of three `allOf` extensions of a
/// base object (with a mapping), an `anyOf` of an object and a string, a nullable `oneOf`, an
/// enum, and an object holding them all, which one operation of every group returns.
///
/// The groups' operations count among the `operations` (about: the first estimate of how many
/// groups are needed decides how many operations are left to [`spec`]).
pub fn spec_with_schemas(operations: usize, schemas: usize, seed: u64) -> Value {
    const PER_GROUP: usize = 9;
    let count = |doc: &Value| doc["components"]["schemas"].as_object().map_or(0, Map::len);
    let estimate = schemas
        .saturating_sub(count(&spec(operations, seed)))
        .div_ceil(PER_GROUP);
    let mut doc = spec(operations.saturating_sub(estimate).max(1), seed);
    let groups = schemas.saturating_sub(count(&doc)).div_ceil(PER_GROUP);
    let mut group = 0;
    let mut added = Map::new();
    let mut paths = Map::new();
    while group < groups {
        let g = format!("Catalog{}", group + 1);
        let base = format!("{g}Base");
        let kinds = ["Disk", "Gpu", "Network"];
        added.insert(
            base.clone(),
            json!({
                "type": "object",
                "required": ["kind", "id"],
                "properties": {
                    "kind": { "type": "string" },
                    "id": { "type": "string" },
                    "labels": { "type": "object", "additionalProperties": { "type": "string" } },
                },
            }),
        );
        for (i, kind) in kinds.iter().enumerate() {
            added.insert(
                format!("{g}{kind}"),
                json!({
                    "allOf": [
                        schema_ref(&base),
                        { "type": "object", "properties": {
                            format!("{}_size", kind.to_lowercase()): { "type": "integer", "minimum": i },
                            "tier": { "type": ["string", "null"] },
                        } },
                    ],
                }),
            );
        }
        let mapping: Map<String, Value> = kinds
            .iter()
            .map(|k| {
                (
                    k.to_lowercase(),
                    Value::String(format!("#/components/schemas/{g}{k}")),
                )
            })
            .collect();
        added.insert(
            format!("{g}Item"),
            json!({
                "oneOf": kinds.iter().map(|k| schema_ref(&format!("{g}{k}"))).collect::<Vec<_>>(),
                "discriminator": { "propertyName": "kind", "mapping": mapping },
            }),
        );
        added.insert(
            format!("{g}Reference"),
            json!({ "anyOf": [
                { "type": "object", "required": ["href"], "properties": { "href": { "type": "string" } } },
                { "type": "string" },
            ] }),
        );
        added.insert(
            format!("{g}Note"),
            json!({ "oneOf": [ { "type": "string", "maxLength": 280 }, { "type": "null" } ] }),
        );
        added.insert(
            format!("{g}State"),
            json!({ "type": "string", "enum": ["draft", "active", "retired", format!("state-{group}")] }),
        );
        added.insert(
            format!("{g}Page"),
            json!({
                "type": "object",
                "required": ["items"],
                "properties": {
                    "items": { "type": "array", "items": schema_ref(&format!("{g}Item")) },
                    "source": schema_ref(&format!("{g}Reference")),
                    "note": schema_ref(&format!("{g}Note")),
                    "state": schema_ref(&format!("{g}State")),
                    "next_cursor": { "type": ["string", "null"] },
                },
            }),
        );
        paths.insert(
            format!("/v1/catalogs/{}", group + 1),
            json!({ "get": {
                "operationId": format!("listCatalog{}", group + 1),
                "parameters": [
                    { "name": "next_cursor", "in": "query", "schema": { "type": "string" } },
                    { "name": "state", "in": "query", "schema": schema_ref(&format!("{g}State")) },
                ],
                "responses": { "200": json_response("A page", schema_ref(&format!("{g}Page"))) },
            } }),
        );
        group += 1;
    }
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
        schemas.extend(added);
    }
    if let Some(all) = doc["paths"].as_object_mut() {
        all.extend(paths);
    }
    doc
}

/// A synthetic OpenAPI 3.1 document with exactly `operations` operations (see the crate docs).
pub fn spec(operations: usize, seed: u64) -> Value {
    let mut rng = Rng(seed ^ 0x5eed_0fa9_1c0d);
    let combined = COMBINATIONS.min(operations / 2);
    let resource_operations = operations - combined;
    let count = resource_operations.div_ceil(6).max(1);
    // Resource names: a seeded permutation of every qualifier × noun pair.
    let mut pairs: Vec<(usize, usize)> = (0..QUALIFIERS.len())
        .flat_map(|q| (0..NOUNS.len()).map(move |n| (q, n)))
        .collect();
    for i in (1..pairs.len()).rev() {
        let j = rng.below(i + 1);
        pairs.swap(i, j);
    }
    let resources: Vec<Resource> = (0..count)
        .map(|i| {
            let (q, n) = pairs[i % pairs.len()];
            // Past the word lists (more than 2,400 resources), a number keeps names distinct.
            let round = i / pairs.len();
            let slug = if round == 0 {
                format!("{}_{}", QUALIFIERS[q], NOUNS[n])
            } else {
                format!("{}_{}{}", QUALIFIERS[q], NOUNS[n], round + 1)
            };
            let stem = slug.replace('_', "-");
            let plural = if stem.ends_with('s') {
                format!("{stem}es")
            } else {
                format!("{stem}s")
            };
            Resource {
                index: i,
                pascal: pascal(&slug),
                base: format!("/v{}/{plural}", 1 + i % 2),
                plural,
                slug,
                related: (i + 1 + rng.below(count.max(2) - 1)) % count,
            }
        })
        .collect();

    let mut schemas = Map::new();
    shared_schemas(&mut schemas);
    let mut paths = Map::new();
    if combined > 0 {
        combination_schemas(&mut schemas);
    }
    for n in 0..combined {
        add_combination(n, &mut paths);
    }
    let mut emitted = 0;
    for r in &resources {
        resource_schemas(r, &resources, &mut rng, &mut schemas);
        for kind in 0..6 {
            if emitted == resource_operations {
                break;
            }
            add_operation(r, kind, emitted, &mut paths);
            emitted += 1;
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Synthetic API",
            "version": format!("{operations}.{seed}"),
            "description": format!("A synthetic API of {operations} operations (seed {seed}) exercising every construct the generator supports."),
        },
        "servers": [{ "url": "https://api.synthetic.example.test/", "description": "Production" }],
        "security": [{ "Bearer": [] }],
        "paths": paths,
        "components": {
            "securitySchemes": { "Bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": schemas,
        },
    })
}

/// The tags of resource operations, by resource index: each becomes a cargo feature.
const TAGS: &[&str] = &["Compute", "Storage Pools", "billing", "SSH keys", "mock"];

/// The parameter value types of the combination operations, by the slug that names their
/// operation and parameters.
const VALUE_TYPES: &[&str] = &[
    "string",
    "int32",
    "int64",
    "number",
    "boolean",
    "mode",
    "priority",
    "either",
    "filter",
    "selection",
    "json",
    "string_list",
    "int32_list",
    "int64_list",
    "number_list",
    "boolean_list",
    "mode_list",
    "priority_list",
    "either_list",
];

/// The combination operations: one per value type, and one of parameters with awkward names.
const COMBINATIONS: usize = VALUE_TYPES.len() + 1;

/// The query styles of an array parameter: `(name part, style, explode)`.
const LIST_STYLES: &[(&str, Option<&str>, Option<bool>)] = &[
    ("exploded", Some("form"), Some(true)),
    ("joined", Some("form"), Some(false)),
    ("spaced", Some("spaceDelimited"), None),
    ("piped", Some("pipeDelimited"), None),
    ("plain", None, None),
];

/// Descriptions that rustdoc and clippy read closely: Markdown lists and quotes with lazy
/// continuation lines, tabs, HTML, bare URLs and brackets, unclosed code spans and fences,
/// indented code, headings, runs of blank lines and Windows line endings.
const AWKWARD_PROSE: &[&str] = &[
    "Options:\n- `fast`: quick\ncontinued on the next line without indentation\n- `slow`: careful",
    "Steps:\n1. first\n2. second\nthird, lazily",
    "> A quote\nthat goes on",
    "See https://docs.example.test/a_(b), <https://x.example.test>, [the guide](https://docs.example.test/guide), [Section 2] and [x][y].",
    "Send <instance_id> with <b>bold</b> & a literal \\ backslash; the `<id>` stays.",
    "```\nlet x = 1;\n```\nand an unclosed fence:\n```json\n{\"a\": 1}",
    "\tIndented with a tab,\n    then four spaces,\n\n\n\nthen blank lines.",
    "Unbalanced `backtick and *emphasis and _underscore_ and a footnote[^1].",
    "# A heading\nText right under it.\n\n* a star list\n+ a plus list\ncontinued",
    "Windows\r\nline endings\r\n",
];

/// The schema of one value of the value type `slug` (an element, for a list).
fn value_schema(slug: &str) -> Value {
    match slug.strip_suffix("_list").unwrap_or(slug) {
        "string" => json!({ "type": "string", "minLength": 1, "maxLength": 64 }),
        "int32" => json!({ "type": "integer", "format": "int32", "minimum": 0 }),
        "int64" => json!({ "type": "integer", "format": "int64", "exclusiveMinimum": 0 }),
        "number" => json!({ "type": "number", "format": "double", "maximum": 1.5 }),
        "boolean" => json!({ "type": "boolean", "default": false }),
        "mode" => json!({ "type": "string", "enum": ["fast", "slow", "auto"] }),
        "priority" => schema_ref("Priority"),
        "either" => json!({ "anyOf": [{ "type": "string" }, { "type": "integer" }] }),
        "filter" => json!({
            "type": "object",
            "properties": { "owner": { "type": "string" }, "min_score": { "type": "number" } },
        }),
        "selection" => schema_ref("Selection"),
        // Given by `content`, not by `schema`.
        _ => json!({
            "type": "object",
            "required": ["query"],
            "properties": { "query": { "type": "string" }, "limit": { "type": "integer" } },
        }),
    }
}

/// The components the combination operations refer to.
fn combination_schemas(schemas: &mut Map<String, Value>) {
    schemas.insert(
        "Priority".into(),
        json!({ "type": "string", "enum": ["eager", "lazy", "unknown"], "description": "How eagerly to work." }),
    );
    schemas.insert(
        "Selection".into(),
        json!({
            "type": "object",
            "description": "What to select.",
            "properties": {
                "tags": { "type": "array", "items": { "type": "string" }, "description": AWKWARD_PROSE[0] },
                "since": { "type": "string", "format": "date-time", "description": AWKWARD_PROSE[1] },
                "size": schema_ref("Size"),
                "tier": schema_ref("Tier"),
                "accelerator": schema_ref("Accelerator"),
            },
        }),
    );
    // Enums whose variants share a postfix, start with the enum's name, or are acronyms; a
    // union whose alternatives' names share a postfix.
    schemas.insert(
        "Size".into(),
        json!({ "type": "string", "enum": ["small_size", "medium_size", "large_size"] }),
    );
    schemas.insert(
        "Tier".into(),
        json!({ "type": "string", "enum": ["tier1", "tier2", "tier3"] }),
    );
    schemas.insert(
        "Accelerator".into(),
        json!({ "type": "string", "enum": ["CPU", "GPU", "TPU", "HTTPProxy"] }),
    );
    for name in ["QuotaError", "AuthError", "LimitError"] {
        schemas.insert(
            name.into(),
            json!({
                "type": "object",
                "required": ["kind"],
                "properties": {
                    "kind": { "const": name },
                    "detail": { "type": "string", "description": AWKWARD_PROSE[name.len() % AWKWARD_PROSE.len()] },
                },
            }),
        );
    }
    schemas.insert(
        "AnyError".into(),
        json!({
            "oneOf": [schema_ref("QuotaError"), schema_ref("AuthError"), schema_ref("LimitError")],
            "discriminator": { "propertyName": "kind" },
        }),
    );
    schemas.insert(
        "CombinationResult".into(),
        json!({
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": { "type": "string" },
                "score": { "type": ["number", "null"] },
            },
        }),
    );
    schemas.insert(
        "CombinationError".into(),
        json!({
            "type": "object",
            "required": ["code"],
            "properties": { "code": { "type": "integer" }, "message": { "type": "string" } },
        }),
    );
}

/// A parameter object: `value` is the schema, or the JSON `content` when `content` is set.
fn parameter(
    name: &str,
    location: &str,
    required: bool,
    value: &Value,
    content: bool,
) -> Map<String, Value> {
    let mut p = Map::new();
    p.insert("name".into(), json!(name));
    p.insert("in".into(), json!(location));
    if required {
        p.insert("required".into(), json!(true));
    }
    if content {
        p.insert(
            "content".into(),
            json!({ "application/json": { "schema": value } }),
        );
    } else {
        p.insert("schema".into(), value.clone());
    }
    p
}

/// Adds combination operation `n` (see the crate docs).
fn add_combination(n: usize, paths: &mut Map<String, Value>) {
    let Some(&slug) = VALUE_TYPES.get(n) else {
        add_awkward_names(n, paths);
        return;
    };
    let list = slug.ends_with("_list");
    let content = slug == "json";
    let one = value_schema(slug);
    let value = if list {
        json!({ "type": "array", "items": one })
    } else {
        one
    };
    let header = format!("X-{}", pascal(slug).replace("List", "-List"));
    let mut params = Vec::new();
    let mut path_param = parameter(&format!("{slug}_id"), "path", true, &value, content);
    if list {
        path_param.insert("style".into(), json!("simple"));
    }
    params.push(Value::Object(path_param));
    if list {
        for (style_name, style, explode) in LIST_STYLES {
            for required in [true, false] {
                let name = if required {
                    format!("{slug}_{style_name}")
                } else {
                    format!("{slug}_{style_name}_opt")
                };
                let mut p = parameter(&name, "query", required, &value, false);
                if let Some(style) = style {
                    p.insert("style".into(), json!(style));
                }
                if let Some(explode) = explode {
                    p.insert("explode".into(), json!(explode));
                }
                params.push(Value::Object(p));
            }
        }
    } else {
        for required in [true, false] {
            let name = if required {
                format!("{slug}_query")
            } else {
                format!("{slug}_query_opt")
            };
            params.push(Value::Object(parameter(
                &name, "query", required, &value, content,
            )));
        }
    }
    for required in [true, false] {
        let name = if required {
            header.clone()
        } else {
            format!("{header}-Opt")
        };
        let mut p = parameter(&name, "header", required, &value, content);
        if list {
            p.insert("style".into(), json!("simple"));
            if !required {
                p.insert("explode".into(), json!(true));
            }
        }
        params.push(Value::Object(p));
    }
    describe(n, &mut params);
    let path = format!("/v1/combinations/{}/{{{slug}_id}}", slug.replace('_', "-"));
    let mut op = Map::new();
    op.insert("operationId".into(), json!(format!("combination_{slug}")));
    op.insert(
        "summary".into(),
        json!(format!(
            "Every place a {} parameter can stand",
            slug.replace('_', " ")
        )),
    );
    op.insert(
        "description".into(),
        json!(AWKWARD_PROSE[n % AWKWARD_PROSE.len()]),
    );
    op.insert("tags".into(), json!(["combinations"]));
    op.insert("parameters".into(), Value::Array(params));
    let method = combination_body(n, &mut op);
    op.insert("responses".into(), Value::Object(combination_responses(n)));
    let item = paths.entry(path).or_insert_with(|| json!({}));
    item[method] = Value::Object(op);
}

/// Gives the parameters of combination operation `n` the [`AWKWARD_PROSE`] in turn (one in
/// three without a description).
fn describe(n: usize, params: &mut [Value]) {
    for (i, p) in params.iter_mut().enumerate() {
        if (n + i) % 3 != 2 {
            p["description"] = json!(AWKWARD_PROSE[(n + i) % AWKWARD_PROSE.len()]);
        }
    }
}

/// The combination operation whose parameters have names a Rust identifier cannot simply be:
/// keywords, the builder's own methods, names that are alike after case conversion, a name
/// starting with a digit.
fn add_awkward_names(n: usize, paths: &mut Map<String, Value>) {
    let string = json!({ "type": "string" });
    let integer = json!({ "type": "integer" });
    let mut params = vec![Value::Object(parameter(
        "type", "path", true, &string, false,
    ))];
    for (name, required) in [
        ("self", true),
        ("fn", false),
        ("send", false),
        ("timeout", true),
        ("retry", false),
        ("1st", false),
        ("foo-bar", false),
        ("fooBar", false),
        ("foo_bar", true),
    ] {
        params.push(Value::Object(parameter(
            name, "query", required, &integer, false,
        )));
    }
    for (name, required) in [("X-Foo-Bar", false), ("Self", true), ("X-Type", false)] {
        params.push(Value::Object(parameter(
            name, "header", required, &string, false,
        )));
    }
    let mut op = Map::new();
    op.insert("operationId".into(), json!("combination_awkward_names"));
    op.insert(
        "summary".into(),
        json!("Parameters named like keywords and like each other"),
    );
    // No tag: the `other` feature.
    describe(n, &mut params);
    op.insert("parameters".into(), Value::Array(params));
    let method = combination_body(n, &mut op);
    // Error variants that all end in `Error`: `InternalServerError`, `ClientError`, `ServerError`.
    let mut responses = combination_responses(n);
    for status in ["400", "404", "503", "default"] {
        responses.remove(status);
    }
    responses.insert(
        "500".into(),
        json_response("Internal error", schema_ref("CombinationError")),
    );
    responses.insert(
        "4XX".into(),
        json_response("A client error", schema_ref("AnyError")),
    );
    responses.insert("5XX".into(), json!({ "description": "Server error" }));
    op.insert("responses".into(), Value::Object(responses));
    let item = paths
        .entry("/v1/combinations/awkward-names/{type}".to_string())
        .or_insert_with(|| json!({}));
    item[method] = Value::Object(op);
}

/// The request body of combination operation `n`, if any (none; JSON: an inline object, a
/// referenced object, an array, a string; a multipart form with files; a form; bytes; text;
/// required and optional in turn), and its method.
fn combination_body(n: usize, op: &mut Map<String, Value>) -> &'static str {
    let media = match n % 9 {
        5 => Some((
            "post",
            json!({ "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "purpose"],
                    "properties": {
                        "file": { "type": "string", "format": "binary", "description": "The file." },
                        "attachments": { "type": "array", "items": { "type": "string", "contentMediaType": "image/png" } },
                        "purpose": { "type": "string", "enum": ["fine-tune", "eval"] },
                        "retries": { "type": "integer" },
                        "labels": { "type": "object", "additionalProperties": { "type": "string" } },
                        "selection": schema_ref("Selection"),
                    },
                },
                "encoding": { "labels": { "contentType": "application/json" } },
            } }),
        )),
        6 => Some((
            "post",
            json!({ "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["grant_type"],
                    "properties": {
                        "grant_type": { "type": "string" },
                        "scope": { "type": "array", "items": { "type": "string" } },
                        "audience": { "type": "array", "items": { "type": "string" } },
                    },
                },
                "encoding": { "scope": { "explode": false } },
            } }),
        )),
        7 => Some((
            "put",
            json!({ "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } }),
        )),
        8 => Some((
            "post",
            json!({ "text/plain; charset=utf-8": { "schema": { "type": "string" } } }),
        )),
        _ => None,
    };
    if let Some((method, content)) = media {
        op.insert(
            "requestBody".into(),
            json!({ "required": (n / 9) % 2 == 0, "content": content }),
        );
        return method;
    }
    let (method, schema) = match n % 9 {
        0 => return "get",
        1 => (
            "post",
            json!({
                "type": "object",
                "required": ["name"],
                "properties": { "name": { "type": "string" }, "dry_run": { "type": "boolean" } },
            }),
        ),
        2 => ("put", schema_ref("Selection")),
        3 => (
            "patch",
            json!({ "type": "array", "items": { "type": "integer", "format": "int32" } }),
        ),
        _ => ("delete", json!({ "type": "string", "description": "Why." })),
    };
    op.insert(
        "requestBody".into(),
        json!({
            "required": (n / 5) % 2 == 0,
            "content": { "application/json": { "schema": schema } },
        }),
    );
    method
}

/// The responses of combination operation `n`: one of eight success shapes (a download and an
/// event stream among them), and errors with a JSON body, without one, with text, with bytes,
/// `default` and a range.
fn combination_responses(n: usize) -> Map<String, Value> {
    let mut responses = Map::new();
    let result = schema_ref("CombinationResult");
    let text = json!({ "description": "A report", "content": { "text/plain": { "schema": { "type": "string" } } } });
    let bytes = json!({ "description": "A dump", "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } });
    match n % 8 {
        6 => {
            responses.insert("200".into(), bytes.clone());
        }
        7 => {
            responses.insert(
                "200".into(),
                json!({ "description": "Progress", "content": { "text/event-stream": { "schema": result.clone() } } }),
            );
        }
        0 => {
            responses.insert("200".into(), json_response("The result", result));
        }
        1 => {
            responses.insert("204".into(), json!({ "description": "Done" }));
        }
        2 => {
            responses.insert("200".into(), json_response("The result", result));
            responses.insert("204".into(), json!({ "description": "Nothing to report" }));
        }
        3 => {
            responses.insert("200".into(), text.clone());
            responses.insert("204".into(), json!({ "description": "Nothing to report" }));
        }
        4 => {
            responses.insert(
                "200".into(),
                json_response(
                    "The result, if any",
                    json!({ "oneOf": [result, { "type": "null" }] }),
                ),
            );
            responses.insert(
                "202".into(),
                json!({ "description": "Accepted; the result comes later" }),
            );
        }
        _ => {
            responses.insert(
                "201".into(),
                json_response("The results", json!({ "type": "array", "items": result })),
            );
        }
    }
    responses.insert(
        "400".into(),
        json_response("Bad request", schema_ref("CombinationError")),
    );
    responses.insert(
        "404".into(),
        json!({ "description": AWKWARD_PROSE[(n + 3) % AWKWARD_PROSE.len()] }),
    );
    if n % 2 == 1 {
        responses.insert("503".into(), text);
    }
    if n % 4 == 2 {
        responses.insert("502".into(), bytes);
    }
    if n % 3 == 0 {
        responses.insert(
            "default".into(),
            json_response("Any other error", schema_ref("CombinationError")),
        );
    }
    // A range beside a code it covers: the code wins.
    if n % 4 == 1 {
        responses.insert("5XX".into(), json!({ "description": "Server error" }));
    }
    if n % 4 == 3 {
        responses.insert("4XX".into(), json!({ "description": "Client error" }));
    }
    responses
}

fn shared_schemas(schemas: &mut Map<String, Value>) {
    schemas.insert(
        "ValidationError".into(),
        json!({
            "type": "object",
            "required": ["loc", "msg", "type"],
            "properties": {
                "loc": { "type": "array", "items": { "anyOf": [{ "type": "string" }, { "type": "integer" }] } },
                "msg": { "type": "string" },
                "type": { "type": "string" },
            },
        }),
    );
    schemas.insert(
        "HTTPValidationError".into(),
        json!({
            "type": "object",
            "properties": {
                "detail": { "type": "array", "items": schema_ref("ValidationError") },
            },
        }),
    );
    schemas.insert(
        "EventBase".into(),
        json!({
            "type": "object",
            "required": ["event", "at"],
            "properties": {
                "event": { "type": "string" },
                "at": { "type": "string", "format": "date-time" },
            },
        }),
    );
}

/// `spec`: an object nested `depth` levels, the same shape for every resource of one depth (so
/// identical inline schemas are merged across resources).
fn nested(depth: usize) -> Value {
    if depth == 0 {
        return json!({
            "type": "object",
            "properties": {
                "bytes": { "type": "integer", "format": "int64", "minimum": 0, "exclusiveMinimum": true },
                "burst": { "type": ["integer", "null"] },
            },
        });
    }
    let key = [
        "limits",
        "config",
        "policy",
        "options",
        "resources",
        "memory",
    ][depth % 6];
    json!({
        "type": "object",
        "properties": {
            "enabled": { "type": "boolean" },
            "level": { "type": "integer", "format": "int32" },
            key: nested(depth - 1),
        },
    })
}

fn resource_schemas(
    r: &Resource,
    all: &[Resource],
    rng: &mut Rng,
    schemas: &mut Map<String, Value>,
) {
    let i = r.index;
    let p = &r.pascal;
    let other = &all[r.related].pascal;
    let mut props = Map::new();
    props.insert(
        "id".into(),
        json!({ "type": "integer", "format": "int64", "exclusiveMinimum": 0 }),
    );
    props.insert(
        "name".into(),
        json!({ "type": "string", "description": format!("Name of the {}.", r.slug.replace('_', " ")), "examples": ["alpha", "beta"] }),
    );
    props.insert("kind".into(), json!({ "const": r.slug }));
    props.insert(
        "status".into(),
        json!({ "$ref": format!("#/components/schemas/{p}Status"), "description": "Where it is in its life." }),
    );
    props.insert("description".into(), json!({ "type": ["string", "null"] }));
    props.insert(
        "legacy_note".into(),
        json!({ "type": "string", "nullable": true, "deprecated": true }),
    );
    props.insert(
        "score".into(),
        json!({ "type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 100 }),
    );
    props.insert(
        "created_at".into(),
        json!({ "type": "string", "format": "datetime", "examples": ["2024-01-01T00:00:00Z"] }),
    );
    props.insert(
        "ttl".into(),
        json!({ "type": "string", "format": "duration" }),
    );
    props.insert(
        "metadata".into(),
        json!({ "description": "Free-form metadata." }),
    );
    props.insert(
        "labels".into(),
        json!({ "type": "object", "additionalProperties": { "type": "string", "enum": ["low", "high"] } }),
    );
    props.insert("spec".into(), nested(3 + (i + rng.below(3)) % 3));
    props.insert(
        "parent".into(),
        json!({ "$ref": format!("#/components/schemas/{p}"), "nullable": true, "description": "The resource this one was cloned from." }),
    );
    props.insert("related".into(), schema_ref(other));
    if i % 3 == 0 {
        props.insert(
            "target".into(),
            json!({ "anyOf": [
                { "type": "object", "required": ["ref"], "properties": { "ref": { "type": "string" }, "weight": { "type": "integer" } } },
                { "type": "string" },
            ] }),
        );
    }
    if i % 5 == 0 {
        props.insert(
            "maybe_related".into(),
            json!({ "oneOf": [schema_ref(other), { "type": "null" }] }),
        );
    }
    if i % 4 == 0 {
        for name in ["type", "self", "@id", "1st", "foo-bar", "fooBar", "foo_bar"] {
            props.insert(name.into(), json!({ "type": "string" }));
        }
    }
    let required = if i % 2 == 0 {
        json!(["id", "name", "kind", "status", "related"])
    } else {
        json!(["id", "name", "kind", "status"])
    };
    schemas.insert(
        p.clone(),
        json!({
            "type": "object",
            "description": format!("A {}.", r.slug.replace('_', " ")),
            "x-internal-id": i,
            "required": required,
            "properties": props,
        }),
    );

    let status = match i % 3 {
        0 => json!(["active", "paused", "unknown"]),
        1 => json!(["in-progress", "in_progress", "IN_PROGRESS", "done"]),
        _ => json!(["STATUS_ACTIVE", "STATUS_STOPPED", "STATUS_DELETED"]),
    };
    schemas.insert(
        format!("{p}Status"),
        json!({ "type": "string", "enum": status }),
    );

    if i % 2 == 0 {
        schemas.insert(
            format!("{p}Page"),
            json!({
                "type": "object",
                "required": ["data"],
                "properties": {
                    "data": { "type": "array", "items": schema_ref(p) },
                    "next_cursor": { "type": ["string", "null"] },
                },
            }),
        );
    } else {
        schemas.insert(
            format!("{p}Create"),
            json!({
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": { "type": "string", "minLength": 1 },
                    "labels": { "type": "object", "additionalProperties": { "type": "string", "enum": ["low", "high"] } },
                    format!("{}_options", r.slug): { "type": "object", "properties": { "dry_run": { "type": "boolean" } } },
                },
            }),
        );
    }

    if i % 4 == 1 {
        schemas.insert(
            format!("{p}Event"),
            json!({
                "oneOf": [schema_ref(&format!("{p}Created")), schema_ref(&format!("{p}Deleted"))],
                "discriminator": {
                    "propertyName": "event",
                    "mapping": {
                        "created": format!("#/components/schemas/{p}Created"),
                        "deleted": format!("#/components/schemas/{p}Deleted"),
                    },
                },
            }),
        );
        schemas.insert(
            format!("{p}Created"),
            json!({ "allOf": [
                schema_ref("EventBase"),
                { "type": "object", "required": ["size"], "properties": { "size": { "type": "integer" } } },
            ] }),
        );
        schemas.insert(
            format!("{p}Deleted"),
            json!({
                "allOf": [schema_ref("EventBase")],
                "required": ["reason"],
                "properties": { "reason": { "type": "string" } },
            }),
        );
    }
}

fn too_many_requests() -> Value {
    json!({
        "description": "Too Many Requests",
        "content": { "application/json": { "schema": {
            "type": "object",
            "properties": { "detail": { "type": "string" } },
        } } },
    })
}

fn json_response(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

/// Adds operation `kind` (0 list, 1 get, 2 create, 3 update, 4 delete, 5 action) of `r`;
/// `n` is the operation's position in the document, which picks its naming style.
fn add_operation(r: &Resource, kind: usize, n: usize, paths: &mut Map<String, Value>) {
    let i = r.index;
    let p = &r.pascal;
    let slug = &r.slug;
    let verb = VERBS[i % VERBS.len()];
    let events = i % 4 == 1;
    let (method, path, snake_name) = match kind {
        0 => (
            "get",
            r.base.clone(),
            format!("list_{}", r.plural.replace('-', "_")),
        ),
        1 => ("get", format!("{}/{{id}}", r.base), format!("get_{slug}")),
        2 => ("post", r.base.clone(), format!("create_{slug}")),
        3 => (
            "patch",
            format!("{}/{{id}}", r.base),
            format!("update_{slug}"),
        ),
        4 => (
            "delete",
            format!("{}/{{id}}", r.base),
            format!("delete_{slug}"),
        ),
        _ if events => (
            "get",
            format!("{}/{{name}}/events", r.base),
            format!("list_{slug}_events"),
        ),
        _ => (
            "post",
            format!("{}/{{name}}/actions/{verb}", r.base),
            format!("{verb}_{slug}_by_name"),
        ),
    };
    let mut op = Map::new();
    // Cargo features: a tag per group of resources (names with spaces and capitals), a second
    // tag on some operations (enabled by either feature), none on the combination operations
    // (the `other` feature).
    let mut tags = vec![json!(TAGS[i % TAGS.len()])];
    if n % 7 == 3 {
        tags.push(json!(TAGS[(i + 1) % TAGS.len()]));
    }
    op.insert("tags".into(), Value::Array(tags));
    match n % 5 {
        0 => {
            op.insert(
                "operationId".into(),
                json!(camel(&snake_name.split('_').collect::<Vec<_>>())),
            );
        }
        1 => {
            op.insert(
                "operationId".into(),
                json!(fastapi_id(&snake_name, &path, method)),
            );
        }
        2 => {
            // No operation id: a plain summary names it, or the method and path do.
            if n % 2 == 0 {
                op.insert("summary".into(), json!(snake_name.replace('_', " ")));
            }
        }
        3 => {
            // camelCase with digits and acronyms: `getGpuInstanceV2JSON`, `send2FAGpuInstanceCode`.
            let id = if kind == 5 && !events {
                format!("{verb}2FA{p}SMSCode")
            } else {
                format!(
                    "{}V2JSON",
                    camel(&snake_name.split('_').collect::<Vec<_>>())
                )
            };
            op.insert("operationId".into(), json!(id));
        }
        _ => {
            op.insert("operationId".into(), json!(snake_name));
        }
    }
    if !op.contains_key("summary") {
        op.insert(
            "summary".into(),
            json!(format!("{} ({})", snake_name.replace('_', " "), r.plural)),
        );
    }
    if n % 3 == 0 {
        op.insert(
            "x-rateLimit".into(),
            json!({ "limit": 100, "window": "1m" }),
        );
    }
    let id_param = json!({
        "name": "id", "in": "path", "required": true,
        "schema": { "type": "integer", "format": "int64", "exclusiveMinimum": 0 },
    });
    let mut responses = Map::new();
    responses.insert("429".into(), too_many_requests());
    match kind {
        0 => {
            let mut params = vec![
                json!({ "name": "next_cursor", "in": "query", "schema": { "type": ["string", "null"] } }),
                json!({ "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 500 } }),
                json!({ "name": "status_in", "in": "query", "schema": { "type": "array", "items": schema_ref(&format!("{p}Status")) } }),
                json!({ "name": "X-Request-Id", "in": "header", "schema": { "type": "string" } }),
            ];
            if i % 3 == 0 {
                params.push(json!({
                    "name": "fields", "in": "query",
                    "description": "Comma-separated list of the fields to return.",
                    "schema": { "type": "array", "items": { "type": "string" } },
                }));
            }
            if i % 5 == 0 {
                params.push(json!({
                    "name": "filter", "in": "query",
                    "content": { "application/json": { "schema": {
                        "type": "object",
                        "properties": { "owner": { "type": "string" }, "min_score": { "type": "number" } },
                    } } },
                }));
            }
            op.insert("parameters".into(), json!(params));
            let body = if i % 2 == 0 {
                schema_ref(&format!("{p}Page"))
            } else {
                json!({ "type": "array", "items": schema_ref(p) })
            };
            responses.insert("200".into(), json_response("The page", body));
            responses.insert(
                "422".into(),
                json_response("Validation Error", schema_ref("HTTPValidationError")),
            );
        }
        1 => {
            op.insert("parameters".into(), json!([id_param]));
            responses.insert("200".into(), json_response("The resource", schema_ref(p)));
            responses.insert(
                "404".into(),
                json_response(
                    "Not found",
                    json!({
                        "type": "object",
                        "required": ["error"],
                        "properties": {
                            "error": { "type": "string", "enum": ["not_found"] },
                            "message": { "type": "string" },
                        },
                    }),
                ),
            );
            responses.insert("410".into(), json!({ "description": "Gone" }));
        }
        2 => {
            let body = if i % 2 == 1 {
                schema_ref(&format!("{p}Create"))
            } else {
                json!({
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": { "type": "string" },
                        format!("{}_hint", r.slug): { "type": "string" },
                    },
                })
            };
            op.insert(
                "requestBody".into(),
                json!({ "required": true, "content": { "application/json": { "schema": body } } }),
            );
            responses.insert("201".into(), json_response("Created", schema_ref(p)));
            responses.insert(
                "202".into(),
                json!({ "description": "Accepted; created later" }),
            );
            responses.insert("411".into(), json!({ "description": "Length Required" }));
            responses.insert(
                "483".into(),
                json_response(
                    "Quota exceeded",
                    json!({
                        "type": "object",
                        "required": ["error"],
                        "properties": {
                            "error": { "const": "quota_exceeded" },
                            "limit": { "type": "integer" },
                        },
                    }),
                ),
            );
        }
        3 => {
            op.insert("parameters".into(), json!([id_param]));
            op.insert(
                "requestBody".into(),
                json!({ "required": true, "content": { "application/json": { "schema": {
                    "type": "object",
                    "properties": {
                        "name": { "type": ["string", "null"] },
                        "description": { "type": "string", "nullable": true },
                        format!("{}_revision", r.slug): { "type": "integer" },
                    },
                } } } }),
            );
            responses.insert("200".into(), json_response("Updated", schema_ref(p)));
            responses.insert("207".into(), json_response("Partly updated", schema_ref(p)));
        }
        4 => {
            op.insert("parameters".into(), json!([id_param]));
            if i % 2 == 0 {
                op.insert(
                    "requestBody".into(),
                    json!({ "content": { "application/json": { "schema": {
                        "type": "object",
                        "properties": { "reason": { "type": "string" }, "force": { "type": "boolean" } },
                    } } } }),
                );
            }
            responses.insert("204".into(), json!({ "description": "Deleted" }));
            responses.insert("502".into(), json!({ "description": "Bad Gateway" }));
        }
        _ => {
            op.insert(
                "parameters".into(),
                json!([{ "name": "name", "in": "path", "required": true, "schema": { "type": "string" } }]),
            );
            if events {
                responses.insert(
                    "200".into(),
                    json_response(
                        "Events",
                        json!({ "type": "array", "items": schema_ref(&format!("{p}Event")) }),
                    ),
                );
            } else {
                responses.insert(
                    "200".into(),
                    json_response("Accepted", json!({
                        "type": "object",
                        "required": ["accepted"],
                        "properties": {
                            "accepted": { "type": "boolean" },
                            format!("{}_id", r.slug): { "type": "integer" },
                            "job": {
                                "type": "object",
                                "properties": {
                                    "id": { "type": "string" },
                                    "progress": {
                                        "type": "object",
                                        "properties": {
                                            "percent": { "type": "number", "minimum": 0, "maximum": 100 },
                                            "eta": { "type": "object", "properties": { "seconds": { "type": "integer" } } },
                                        },
                                    },
                                },
                            },
                        },
                    })),
                );
            }
            if i % 11 == 0 {
                op.insert(
                    "servers".into(),
                    json!([{ "url": format!("https://{}.jobs.synthetic.example.test", r.plural) }]),
                );
            }
        }
    }
    op.insert("responses".into(), Value::Object(responses));
    let item = paths.entry(path).or_insert_with(|| json!({}));
    if kind == 5 && i % 7 == 0 {
        item["servers"] = json!([{ "url": "https://actions.synthetic.example.test/{stage}", "variables": { "stage": { "default": "live" } } }]);
    }
    item[method] = Value::Object(op);
}
