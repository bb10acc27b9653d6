//! Names are stable: adding an operation and a schema to a spec renames no existing method, type,
//! field or variant, wherever in the document the new ones stand.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use sdkgen::ir::{Api, TypeDef};
use sdkgen::{Config, Diagnostics};
use serde_json::{json, Value};

fn lower(spec: &Value) -> Api {
    let mut diags = Diagnostics::new(Path::new("stability.json"));
    match sdkgen::lower_value(spec.clone(), &Config::default(), &mut diags) {
        Some((api, _)) => api,
        None => panic!("{:#?}", diags.items()),
    }
}

fn too_many_requests() -> Value {
    json!({ "description": "Too Many Requests", "content": { "application/json": { "schema": {
        "type": "object", "properties": { "detail": { "type": "string" } },
    } } } })
}

/// A spec with what makes naming hard: inline types named from their place, identical inline
/// schemas merged, enums inline in several places, operations named by id, FastAPI id, summary
/// or route.
fn base() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Stable", "version": "1" },
        "servers": [{ "url": "https://stable.example.test" }],
        "paths": {
            "/v1/pets": {
                "get": {
                    "operationId": "list_pets_v1_pets_get",
                    "parameters": [{ "name": "status", "in": "query", "schema": { "type": "string", "enum": ["new", "sold"] } }],
                    "responses": {
                        "200": { "description": "Pets", "content": { "application/json": { "schema": {
                            "type": "object",
                            "properties": {
                                "items": { "type": "array", "items": { "$ref": "#/components/schemas/Pet" } },
                                "next": { "type": ["string", "null"] },
                            },
                        } } } },
                        "429": too_many_requests(),
                    },
                },
                "post": {
                    "summary": "Add a pet",
                    "requestBody": { "content": { "application/json": { "schema": {
                        "type": "object", "required": ["name"],
                        "properties": { "name": { "type": "string" }, "status": { "type": "string", "enum": ["new", "sold"] } },
                    } } } },
                    "responses": { "201": { "description": "Added" }, "429": too_many_requests() },
                },
            },
            "/v1/pets/{pet_id}": {
                "delete": {
                    "operationId": "deletePet",
                    "parameters": [{ "name": "pet_id", "in": "path", "required": true, "schema": { "type": "integer" } }],
                    "requestBody": { "content": { "application/json": { "schema": {
                        "type": "object", "properties": { "reason": { "type": "string" } },
                    } } } },
                    "responses": { "204": { "description": "Deleted" }, "429": too_many_requests() },
                },
                "get": {
                    "parameters": [{ "name": "pet_id", "in": "path", "required": true, "schema": { "type": "integer" } }],
                    "responses": {
                        "200": { "description": "A pet", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Pet" } } } },
                        "404": { "description": "Missing", "content": { "application/json": { "schema": {
                            "type": "object", "required": ["error"],
                            "properties": { "error": { "const": "not_found" } },
                        } } } },
                    },
                },
            },
            "/v1/owners/{owner_id}/pets": {
                "get": {
                    "operationId": "listOwnerPets",
                    "parameters": [{ "name": "owner_id", "in": "path", "required": true, "schema": { "type": "string" } }],
                    "responses": {
                        "200": { "description": "Pets", "content": { "application/json": { "schema": {
                            "type": "array", "items": { "$ref": "#/components/schemas/Pet" },
                        } } } },
                        "404": { "description": "Missing", "content": { "application/json": { "schema": {
                            "type": "object", "required": ["error"],
                            "properties": { "error": { "const": "not_found" } },
                        } } } },
                        "429": too_many_requests(),
                    },
                },
            },
        },
        "components": { "schemas": {
            "Pet": {
                "type": "object", "required": ["id", "name"],
                "properties": {
                    "id": { "type": "integer" },
                    "name": { "type": "string" },
                    "status": { "type": "string", "enum": ["new", "sold"] },
                    "owner": { "$ref": "#/components/schemas/Owner", "nullable": true },
                    "toy": { "type": "object", "properties": { "kind": { "type": "string", "enum": ["ball", "rope"] } } },
                    "fooBar": { "type": "string" },
                },
            },
            "Owner": {
                "type": "object",
                "properties": { "name": { "type": "string" }, "pets": { "type": "array", "items": { "$ref": "#/components/schemas/Pet" } } },
            },
        } },
    })
}

/// Inserts `key` as the first member of an object (the document keeps member order).
fn prepend(object: &mut Value, key: &str, value: Value) {
    let old = std::mem::take(object.as_object_mut().unwrap());
    let mut new = serde_json::Map::new();
    new.insert(key.to_string(), value);
    new.extend(old);
    *object = Value::Object(new);
}

/// Everything a user names: methods by route; types, and their fields and variants, by name.
fn surface(api: &Api) -> (BTreeMap<String, String>, BTreeMap<String, Vec<String>>) {
    let methods = api
        .operations
        .iter()
        .map(|o| (format!("{} {}", o.method.as_str(), o.path), o.ident.clone()))
        .collect();
    let types = api
        .types
        .iter()
        .map(|t| {
            let members = match t {
                TypeDef::Struct(s) => s.fields.iter().map(|f| f.ident.clone()).collect(),
                TypeDef::Enum(e) => e.variants.iter().map(|v| v.0.clone()).collect(),
                TypeDef::Union(u) => u.variants.iter().map(|v| v.0.clone()).collect(),
                TypeDef::Alias(_) => vec![],
            };
            (t.name().to_string(), members)
        })
        .collect();
    (methods, types)
}

fn assert_nothing_renamed(before: &Value, after: &Value) {
    let (methods_before, types_before) = surface(&lower(before));
    let (methods_after, types_after) = surface(&lower(after));
    for (route, name) in &methods_before {
        assert_eq!(
            methods_after.get(route),
            Some(name),
            "{route}: method renamed"
        );
    }
    for (name, members) in &types_before {
        let Some(now) = types_after.get(name) else {
            let new: BTreeSet<&String> = types_after
                .keys()
                .filter(|k| !types_before.contains_key(*k))
                .collect();
            panic!("type {name} renamed or lost; new types: {new:?}");
        };
        for m in members {
            assert!(now.contains(m), "{name}::{m} renamed; now {now:?}");
        }
    }
}

#[test]
fn adding_an_operation_and_a_schema_renames_nothing() {
    let before = base();
    // A new schema and a new operation, each in front of the others, with the same inline 429
    // and 404 bodies and the same inline enum as existing places.
    let mut after = before.clone();
    prepend(
        &mut after["components"]["schemas"],
        "Appointment",
        json!({
            "type": "object",
            "properties": {
                "at": { "type": "string", "format": "date-time" },
                "status": { "type": "string", "enum": ["new", "sold"] },
                "kind": { "type": "string", "enum": ["visit", "call"] },
            },
        }),
    );
    prepend(
        &mut after["paths"],
        "/v1/appointments/{appointment_id}",
        json!({
            "get": {
                "operationId": "get_appointment_v1_appointments__appointment_id__get",
                "parameters": [{ "name": "appointment_id", "in": "path", "required": true, "schema": { "type": "integer" } }],
                "responses": {
                    "200": { "description": "The appointment", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Appointment" } } } },
                    "404": { "description": "Missing", "content": { "application/json": { "schema": {
                        "type": "object", "required": ["error"],
                        "properties": { "error": { "const": "not_found" } },
                    } } } },
                    "429": too_many_requests(),
                },
            },
        }),
    );
    assert_nothing_renamed(&before, &after);
    let api = lower(&after);
    assert!(api.operations.iter().any(|o| o.ident == "get_appointment"));
    assert!(api.types.iter().any(|t| t.name() == "Appointment"));
}

#[test]
fn shared_inline_bodies_are_named_by_what_their_places_share() {
    let api = lower(&base());
    let names: BTreeSet<&str> = api.types.iter().map(|t| t.name()).collect();
    // The 429 body of three operations, the 404 body of two, and its one-value enum.
    for expected in [
        "TooManyRequests",
        "NotFound",
        "NotFoundError",
        "PetToy",
        "PetToyKind",
    ] {
        assert!(names.contains(expected), "no {expected} in {names:?}");
    }
}

#[test]
fn adding_a_property_renames_no_field() {
    let before = base();
    let mut after = before.clone();
    // New properties, one of which snake-cases like an existing one (`@id` and `id`): the existing
    // fields keep their identifiers.
    after["components"]["schemas"]["Pet"]["properties"]["color"] = json!({ "type": "string" });
    after["components"]["schemas"]["Pet"]["properties"]["@id"] = json!({ "type": "string" });
    assert_nothing_renamed(&before, &after);
}
