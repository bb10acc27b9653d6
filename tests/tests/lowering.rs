//! Lowering of the two vendored specs: names, merged enums, parameters and errors as the
//! generated crates expose them.

use std::path::{Path, PathBuf};

use sdkgen::ir::{Api, ListStyle, Operation, ParamIn, ParamValue, StatusMatch, TypeDef, TypeRef};
use sdkgen::{Config, Diagnostics};
use serde_json::Value;

fn spec(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(name)
}

/// The spec file as JSON, read as the generator reads it: JSON for `.json`, YAML otherwise.
fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    } else {
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }
}

/// The model of `specs/<file>`, with the customisation beside it or without any.
fn lower(file: &str, with_config: bool) -> Api {
    let path = spec(file);
    let mut diags = Diagnostics::new(&path);
    let config = if with_config {
        let config = sdkgen::config_beside(&path).expect("a customisation file beside the spec");
        Config::load(&config, &mut diags).unwrap()
    } else {
        Config::default()
    };
    let model = sdkgen::lower_value(read(&path), &config, &mut diags);
    assert!(!diags.has_errors(), "{:?}", diags.items());
    model.expect("no errors, so a model").0
}

fn op<'a>(api: &'a Api, name: &str) -> &'a Operation {
    api.operations
        .iter()
        .find(|o| o.ident == name)
        .unwrap_or_else(|| panic!("no operation {name}"))
}

fn field_ty<'a>(api: &'a Api, ty: &str, field: &str) -> &'a TypeRef {
    let Some(TypeDef::Struct(s)) = api.types.iter().find(|t| t.name() == ty) else {
        panic!("no struct {ty}")
    };
    &s.fields
        .iter()
        .find(|f| f.wire == field)
        .unwrap_or_else(|| panic!("no field {ty}.{field}"))
        .ty
}

fn named(n: &str) -> TypeRef {
    TypeRef::Named(n.into())
}

#[test]
fn operations_get_the_names_a_person_would_write() {
    let m = lower("mithril.json", false);
    let names: Vec<&str> = m.operations.iter().map(|o| o.ident.as_str()).collect();
    assert_eq!(
        names,
        [
            "get_instances",
            "put_instance_status",
            "get_instance_status",
            "get_instance_status_history",
            "get_instance_pricing_history"
        ]
    );
    let v = lower("vast.yaml", false);
    let names: Vec<&str> = v.operations.iter().map(|o| o.ident.as_str()).collect();
    assert_eq!(names, ["manage_instance", "recycle_instance", "execute"]);
}

#[test]
fn the_instance_status_enum_is_one_type_everywhere() {
    let m = lower("mithril.json", true);
    let status = named("InstanceStatus");
    assert_eq!(field_ty(&m, "InstanceModel", "status"), &status);
    assert_eq!(field_ty(&m, "InstanceStatusResponse", "status"), &status);
    assert_eq!(field_ty(&m, "InstanceStatusEvent", "status"), &status);
    assert_eq!(
        field_ty(&m, "PatchInstanceStatusResponse", "instances"),
        &TypeRef::Map(Box::new(status.clone()))
    );
    let p = op(&m, "get_instances")
        .params
        .iter()
        .find(|p| p.wire == "status_in")
        .unwrap();
    assert_eq!(
        p.value,
        ParamValue::List {
            item: status.clone(),
            style: ListStyle::Repeated
        }
    );
    // The two-value request enum stays its own type.
    assert_eq!(
        field_ty(&m, "PatchInstanceStatusRequest", "status"),
        &named("TargetInstanceStatus")
    );
    let Some(TypeDef::Enum(e)) = m.types.iter().find(|t| t.name() == "InstanceStatus") else {
        panic!()
    };
    assert_eq!(e.variants.len(), 13);
    assert_eq!(
        e.variants[4],
        ("Running".to_string(), "STATUS_RUNNING".to_string())
    );
    assert_eq!(e.fallback, "Unknown");
}

#[test]
fn merging_does_not_need_the_customisation() {
    let m = lower("mithril.json", false);
    let enums: Vec<&str> = m
        .types
        .iter()
        .filter_map(|t| match t {
            TypeDef::Enum(e) if e.variants.len() == 13 => Some(e.name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(enums.len(), 1, "one 13-value enum, not five: {enums:?}");
}

#[test]
fn parameters_keep_their_wire_shape() {
    let m = lower("mithril.json", true);
    let get = op(&m, "get_instances");
    let cursor = get.params.iter().find(|p| p.wire == "next_cursor").unwrap();
    assert_eq!(
        (&cursor.value, cursor.required),
        (&ParamValue::Scalar(TypeRef::String), false),
        "an untyped cursor is a raw string"
    );
    let project = get.params.iter().find(|p| p.wire == "project").unwrap();
    assert!(project.required && project.location == ParamIn::Query);
    let p = get.pagination.as_ref().expect("paginated");
    assert_eq!(
        (p.cursor_field.as_str(), p.items_field.as_str()),
        ("next_cursor", "data")
    );
    assert_eq!(p.item, named("InstanceModel"));
    for name in [
        "get_instance_status_history",
        "get_instance_pricing_history",
    ] {
        assert_eq!(
            op(&m, name)
                .pagination
                .as_ref()
                .expect("paginated")
                .items_field,
            "instances"
        );
    }
    assert!(op(&m, "get_instance_status").pagination.is_none());

    let v = lower("vast.yaml", true);
    let id = &op(&v, "manage_instance").params[0];
    assert_eq!(
        (id.wire.as_str(), &id.value, id.location),
        (
            "id",
            &ParamValue::Scalar(TypeRef::Integer("i64")),
            ParamIn::Path
        )
    );
    assert_eq!(op(&v, "manage_instance").path, "/api/v0/instances/{id}/");
}

#[test]
fn every_documented_status_is_an_error_variant() {
    let v = lower("vast.yaml", true);
    let exec = op(&v, "execute");
    let errors: Vec<(StatusMatch, &str, &TypeRef)> = exec
        .errors
        .iter()
        .map(|e| (e.status, e.variant.as_str(), &e.ty))
        .collect();
    assert_eq!(
        errors,
        [
            (
                StatusMatch::Code(400),
                "BadRequest",
                &named("ExecuteBadRequest")
            ),
            (StatusMatch::Code(401), "Unauthorized", &named("Error")),
            (StatusMatch::Code(403), "Forbidden", &named("Error")),
            (
                StatusMatch::Code(429),
                "TooManyRequests",
                &named("RateLimitError")
            ),
            (StatusMatch::Code(483), "Status483", &named("Error")),
        ]
    );
    // The three inline 429 bodies are one type.
    for o in &v.operations {
        assert!(
            o.errors
                .iter()
                .any(|e| e.status == StatusMatch::Code(429) && e.ty == named("RateLimitError")),
            "{}",
            o.ident
        );
    }
    let m = lower("mithril.json", true);
    let put = op(&m, "put_instance_status");
    let bodiless: Vec<&str> = put
        .errors
        .iter()
        .filter(|e| e.ty == TypeRef::Unit)
        .map(|e| e.variant.as_str())
        .collect();
    assert_eq!(bodiless, ["NotFound", "Conflict", "NotImplemented"]);
}

#[test]
fn nullable_fields_stay_distinguishable() {
    let m = lower("mithril.json", true);
    let Some(TypeDef::Struct(s)) = m.types.iter().find(|t| t.name() == "InstancePricingEvent")
    else {
        panic!()
    };
    let end = s.fields.iter().find(|f| f.wire == "end_time").unwrap();
    assert!(
        end.required && end.ty.is_nullable(),
        "required and nullable"
    );
    let m2 = lower("mithril.json", true);
    let region = field_ty(&m2, "InstanceModel", "region");
    assert_eq!(region, &TypeRef::Nullable(Box::new(TypeRef::String)));
}
