//! Waiters: the customisation file's `[waiters]`, checked against the finished model.
//!
//! A waiter names an operation (`"METHOD /path"`), a field of its success response (a dot path
//! of wire names) that must be a string or a string enum, the states that end the wait, and its
//! timing. Anything that does not fit (an operation, a field or a state the spec no longer has)
//! is an error naming the waiter: a waiter never silently disappears from the client.

use std::collections::BTreeSet;

use crate::config::Config;
use crate::diag::Diagnostics;
use crate::ir::{self, TypeDef, TypeRef};
use crate::naming;

/// The waiters of `config` that fit the model.
pub(super) fn waiters(config: &Config, api: &ir::Api, diags: &mut Diagnostics) -> Vec<ir::Waiter> {
    let mut out = Vec::new();
    let mut builders: BTreeSet<String> = api.operations.iter().map(|o| o.builder.clone()).collect();
    for (name, w) in &config.waiters {
        let refuse = |diags: &mut Diagnostics, why: String| {
            diags.error(
                "",
                format!("customisation [waiters.{name}] does not fit the spec: {why}"),
            );
        };
        let Some(index) = api
            .operations
            .iter()
            .position(|o| o.route() == w.operation)
        else {
            refuse(
                diags,
                format!("{:?} is not an operation of the spec", w.operation),
            );
            continue;
        };
        let op = &api.operations[index];
        if op.success.body_may_be_absent {
            refuse(
                diags,
                format!("{} has a success without a body", w.operation),
            );
            continue;
        }
        let (path, values) = match field_path(api, &op.success.body, &w.field) {
            Ok(found) => found,
            Err(why) => {
                refuse(
                    diags,
                    format!(
                        "field {:?} of the response of {}: {why}",
                        w.field, w.operation
                    ),
                );
                continue;
            }
        };
        if let Some(values) = values {
            let unknown: Vec<&String> = w
                .success
                .iter()
                .chain(&w.failure)
                .filter(|s| !values.contains(s))
                .collect();
            if !unknown.is_empty() {
                refuse(
                    diags,
                    format!(
                        "it names states the spec does not list for {:?}: {unknown:?} (the spec lists {values:?})",
                        w.field
                    ),
                );
                continue;
            }
        }
        if w.success.is_empty() {
            refuse(
                diags,
                "it names no state that ends the wait successfully".into(),
            );
            continue;
        }
        let ms = |secs: f64| (secs.max(0.0) * 1000.0).round() as u64;
        let ident = naming::escape_keyword(naming::snake(&format!("wait until {name}")));
        let builder = naming::unique(&naming::pascal(naming::unraw(&ident)), &mut builders);
        out.push(ir::Waiter {
            ident,
            builder,
            operation: index,
            path,
            field: w.field.clone(),
            success: w.success.clone(),
            failure: w.failure.clone(),
            interval_ms: ms(w.interval_secs),
            max_interval_ms: ms(w.max_interval_secs),
            timeout_ms: ms(w.timeout_secs),
            doc: w.doc.clone(),
        });
    }
    out
}

/// The fields from a response of type `body` along the wire path `field`, each with whether it
/// is an `Option`, and the values of the state when it is an enum.
#[allow(clippy::type_complexity)]
fn field_path(
    api: &ir::Api,
    body: &TypeRef,
    field: &str,
) -> Result<(Vec<(String, bool)>, Option<Vec<String>>), String> {
    let mut ty = body.clone();
    let mut path = Vec::new();
    for wire in field.split('.') {
        let name = match ty.non_null() {
            TypeRef::Named(n) => n.clone(),
            other => return Err(format!("`{wire}` is read from a {other}, not an object")),
        };
        let Some(TypeDef::Struct(s)) = api.types.iter().find(|t| t.name() == name) else {
            return Err(format!(
                "`{wire}` is read from `{name}`, which is not a struct"
            ));
        };
        let Some(f) = s.fields.iter().find(|f| f.wire == wire) else {
            return Err(format!("`{name}` has no field `{wire}`"));
        };
        path.push((f.ident.clone(), !f.required || f.ty.is_nullable()));
        ty = f.ty.clone();
    }
    match ty.non_null() {
        TypeRef::String => Ok((path, None)),
        TypeRef::Named(n) => match api.types.iter().find(|t| t.name() == n) {
            Some(TypeDef::Enum(e)) => {
                let values = e.variants.iter().map(|(_, wire)| wire.clone()).collect();
                Ok((path, Some(values)))
            }
            _ => Err(format!("`{n}` is not a string enum")),
        },
        other => Err(format!("it is a {other}, not a string")),
    }
}
