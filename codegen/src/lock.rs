//! The name lock (`specs/<api>.lock.json`): what the last generation made of the spec, kept
//! beside it and committed, so that the next one knows which of its items are the same.
//!
//! It holds the crate version, the public API ([`Surface`]) and where each type stood in the
//! spec. An operation is the same operation when its method and path are; a type is the same
//! type when it stands at one of the places it stood at (parameters by name, not position), or
//! failing that, when it is the only new type of the same shape. When such an item has a new
//! name (upstream renamed the `operationId` or the schema, or an inline schema moved), the new
//! name is adopted and the old one kept as a deprecated alias, so that users' code keeps
//! compiling and their compiler tells them the new name. Aliases stay until they are removed
//! on purpose (`cargo xtask codegen --drop-aliases`), which is a breaking change.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::ir::{self, Api};
use crate::surface::{self, Surface, Type};

/// The lock file's content.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Lock {
    /// What the file is.
    #[serde(default)]
    pub about: String,
    /// The crate version it was generated as.
    pub version: String,
    /// Where each type stood: type name → its places.
    pub places: BTreeMap<String, Vec<String>>,
    /// The public API.
    pub surface: Surface,
}

const ABOUT: &str =
    "Written by `cargo xtask codegen`; review its diff like code. It names what the \
last generation made of the spec, so that renamed items keep their old names as deprecated aliases \
and each update's changes are classified (see the crate's CHANGELOG.md).";

impl Lock {
    /// Reads a lock file's text.
    pub fn parse(text: &str) -> Result<Lock, String> {
        serde_json::from_str(text).map_err(|e| format!("invalid lock file: {e}"))
    }

    /// The lock of a generation: its version, places and surface.
    pub fn of(api: &Api, surface: Surface) -> Lock {
        Lock {
            about: ABOUT.into(),
            version: api.version.clone(),
            places: api.places.clone(),
            surface,
        }
    }

    /// The file's text (pretty JSON, ending in a newline).
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The shape of a type for matching: its surface without documentation.
fn shape(t: &Type) -> String {
    let mut t = t.clone();
    match &mut t {
        Type::Struct { docs, input, .. } => {
            docs.clear();
            *input = false;
        }
        Type::Enum { docs, .. } | Type::Union { docs, .. } | Type::Alias { docs, .. } => {
            docs.clear()
        }
    }
    serde_json::to_string(&t).unwrap_or_default()
}

/// Sets `api.aliases`: the aliases `previous` kept (unless `drop_aliases`), brought up to date,
/// and one for every item `previous` had that now has another name. `fresh` is the surface of
/// `api` before (without aliases). An alias whose name is taken by a current item, or whose
/// item is gone, is not kept.
pub fn carry_over(api: &mut Api, fresh: &Surface, previous: Option<&Lock>, drop_aliases: bool) {
    let Some(previous) = previous else {
        return;
    };
    let mut aliases = if drop_aliases {
        ir::Aliases::default()
    } else {
        previous.surface.aliases.clone()
    };

    // Operations, by method and path.
    let by_operation: BTreeMap<&str, (&String, &surface::Method)> = fresh
        .methods
        .iter()
        .filter(|(_, m)| !m.is_waiter())
        .map(|(n, m)| (m.operation.as_str(), (n, m)))
        .collect();
    let mut renamed_methods = BTreeMap::new();
    let mut renamed_builders = BTreeMap::new();
    let mut renamed_errors = BTreeMap::new();
    for (old_name, was) in &previous.surface.methods {
        let Some((new_name, now)) = by_operation.get(was.operation.as_str()) else {
            continue;
        };
        if old_name != *new_name {
            renamed_methods.insert(old_name.clone(), (*new_name).clone());
        }
        if was.builder != now.builder {
            renamed_builders.insert(was.builder.clone(), now.builder.clone());
        }
        if was.error != now.error {
            renamed_errors.insert(was.error.clone(), now.error.clone());
        }
    }

    // Types, by place, then by shape.
    let mut by_place: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, places) in &api.places {
        for p in places {
            by_place.insert(p, name);
        }
    }
    let mut renamed_types: BTreeMap<String, String> = BTreeMap::new();
    let mut unmatched: Vec<&String> = Vec::new();
    for old_name in previous.surface.types.keys() {
        if fresh.types.contains_key(old_name) {
            continue;
        }
        let candidates: BTreeSet<&str> = previous
            .places
            .get(old_name)
            .into_iter()
            .flatten()
            .filter_map(|p| by_place.get(p.as_str()).copied())
            .filter(|n| !previous.surface.types.contains_key(*n))
            .collect();
        match candidates.into_iter().collect::<Vec<_>>().as_slice() {
            [one] => {
                renamed_types.insert(old_name.clone(), one.to_string());
            }
            _ => unmatched.push(old_name),
        }
    }
    // By shape, until no more are found: the old types read under the renames found so far,
    // so that a moved `Vec<Thing>` holder is matched when `Thing` was renamed too.
    let new_shapes: Vec<(&String, &Type)> = fresh
        .types
        .iter()
        .filter(|(n, _)| !previous.surface.types.contains_key(*n))
        .collect();
    loop {
        let mut known = previous.surface.aliases.types.clone();
        known.extend(renamed_types.iter().map(|(a, b)| (a.clone(), b.clone())));
        let old_under_new = crate::changes::under_new_names(&previous.surface, &known);
        let taken: BTreeSet<&String> = renamed_types.values().collect();
        let free: Vec<(&String, String)> = new_shapes
            .iter()
            .filter(|(n, _)| !taken.contains(n))
            .map(|(n, t)| (*n, shape(t)))
            .collect();
        let waiting: Vec<&String> = unmatched
            .iter()
            .copied()
            .filter(|n| !renamed_types.contains_key(*n))
            .collect();
        // The shapes of the old types still to match, each computed once.
        let old_shapes: Vec<(&String, String)> = waiting
            .iter()
            .map(|n| (*n, shape(&old_under_new.types[*n])))
            .collect();
        let mut found = Vec::new();
        for (old_name, old_shape) in &old_shapes {
            let same: Vec<&String> = free
                .iter()
                .filter(|(_, s)| s == old_shape)
                .map(|(n, _)| *n)
                .collect();
            let olds_of_that_shape = old_shapes.iter().filter(|(_, s)| s == old_shape).count();
            if let ([one], 1) = (same.as_slice(), olds_of_that_shape) {
                found.push(((*old_name).clone(), (*one).clone()));
            }
        }
        if found.is_empty() {
            break;
        }
        renamed_types.extend(found);
    }

    let method_names: BTreeSet<&String> = fresh.methods.keys().collect();
    let builder_names: BTreeSet<&String> = fresh.methods.values().map(|m| &m.builder).collect();
    let error_names: BTreeSet<&String> = fresh.methods.values().map(|m| &m.error).collect();
    let type_names: BTreeSet<&String> = fresh.types.keys().collect();
    settle(&mut aliases.methods, renamed_methods, &method_names);
    settle(&mut aliases.builders, renamed_builders, &builder_names);
    settle(&mut aliases.errors, renamed_errors, &error_names);
    settle(&mut aliases.types, renamed_types, &type_names);
    api.aliases = aliases;
}

/// Adds `renamed` to `aliases`, points every alias at its item's current name, and drops the
/// aliases whose item is gone or whose name a current item has.
fn settle(
    aliases: &mut BTreeMap<String, String>,
    renamed: BTreeMap<String, String>,
    current: &BTreeSet<&String>,
) {
    for target in aliases.values_mut() {
        if let Some(now) = renamed.get(target) {
            *target = now.clone();
        }
    }
    aliases.extend(renamed);
    aliases.retain(|alias, target| !current.contains(alias) && current.contains(target));
}
