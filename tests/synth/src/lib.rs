//! Synthetic OpenAPI 3.1 documents of any size, for tests and benchmarks of the generator.
//!
//! [`spec`] builds a document of exactly `operations` operations over resources named from word
//! lists (`gpu_instance`, `billing_invoice`…), about three component schemas per six operations,
//! with inline objects nested four to six levels deep. Every construct the generator supports
//! appears at 100 operations already: `type: [T, "null"]`, numeric and boolean exclusive bounds,
//! `nullable` inside 3.1, schemas without a type, `$ref` with sibling keywords, `const`,
//! `examples`, `anyOf` of object and string, `oneOf` with null, `allOf` with a `$ref` beside
//! `properties`, maps of enums, discriminated `oneOf`, recursion (direct and through another
//! schema), property names that are keywords or no identifiers, enum values that collide after
//! case conversion or are named `unknown`, bare-array responses, non-standard formats, integer
//! path ids, the statuses 200/201/202/204/207/404/410/411/422/429/483/502 (many without body),
//! error bodies with one-value enums, DELETE with a body, per-path and per-operation `servers`,
//! operations without `operationId`, with long FastAPI-style ids or camelCase ids with digits and
//! acronyms, one path shape with two parameter names, comma-separated arrays without `explode`,
//! JSON in a query parameter, and vendor extensions.
//!
//! The document depends only on `operations` and `seed`: the same arguments give the same bytes.
//! The only findings the generator is expected to report are the comma-separated array
//! parameters (one warning each, see [`EXPECTED_WARNING`]).

// `n % k == 0` rather than `is_multiple_of`, which the workspace's minimum Rust (1.85) lacks.
#![allow(clippy::manual_is_multiple_of)]

use serde_json::{json, Map, Value};

/// The text of the one kind of warning a synthetic spec is expected to produce.
pub const EXPECTED_WARNING: &str = "is described as comma-separated";

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

/// A synthetic OpenAPI 3.1 document with exactly `operations` operations (see the crate docs).
pub fn spec(operations: usize, seed: u64) -> Value {
    let mut rng = Rng(seed ^ 0x5eed_0fa9_1c0d);
    let count = operations.div_ceil(6).max(1);
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
    let mut emitted = 0;
    for r in &resources {
        resource_schemas(r, &resources, &mut rng, &mut schemas);
        for kind in 0..6 {
            if emitted == operations {
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
    op.insert("tags".into(), json!([r.slug]));
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
