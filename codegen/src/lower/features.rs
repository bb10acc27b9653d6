//! Cargo features: operations grouped (by the spec's tags unless the customisation file says
//! otherwise), so that a consumer of a few operations compiles only those and the types they
//! reach. Every feature is on by default.
//!
//! A type is gated by the features of the operations that reach it, through any chain of
//! fields, variants and aliases, even when that is every feature: a new tag upstream then leaves
//! the gates of existing types alone. A type that no operation reaches (it may still be reached
//! from another such type) is always compiled, and so is everything it reaches: a type never
//! names one that might be compiled out.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::OpenAPI;

use crate::config::Config;
use crate::diag::Diagnostics;
use crate::ir::{self, Api};
use crate::naming;

/// Names the generated crate's `Cargo.toml` defines itself; a group is never called so.
const RESERVED: [&str; 2] = ["default", "mock"];

/// Fills [`Api::features`], each operation's `features` and [`Api::gates`].
pub(super) fn group(spec: &OpenAPI, config: &Config, api: &mut Api, diags: &mut Diagnostics) {
    let custom = &config.features;
    let routes: BTreeSet<String> = api.operations.iter().map(ir::Operation::route).collect();
    for (key, name) in &custom.operations {
        if !routes.contains(key) {
            diags.error(
                "",
                format!("customisation [features.operations] {key:?} = {name:?} names nothing: the spec has no operation {key}"),
            );
        }
    }
    let tags: BTreeSet<&String> = api.operations.iter().flat_map(|o| &o.tags).collect();
    for (tag, name) in &custom.tags {
        if !tags.contains(tag) {
            diags.error(
                "",
                format!("customisation [features.tags] {tag:?} = {name:?} names nothing: no operation has the tag {tag:?}"),
            );
        }
    }
    for (key, name) in custom.tags.iter().chain(&custom.operations) {
        if let Some(why) = bad_name(name) {
            diags.error(
                "",
                format!("customisation [features] {key:?} = {name:?}: {why}"),
            );
        }
    }
    if custom.enabled == Some(false) || (tags.is_empty() && custom.operations.is_empty()) {
        return;
    }

    // What each feature holds, for its comment: the tags' own descriptions where the spec has
    // them.
    let described: BTreeMap<&str, &str> = spec
        .tags
        .iter()
        .filter_map(|t| Some((t.name.as_str(), t.description.as_deref()?.trim())))
        .filter(|(_, d)| !d.is_empty())
        .collect();
    let mut held: BTreeMap<String, (BTreeSet<String>, usize)> = BTreeMap::new();
    for op in &mut api.operations {
        let mut features = BTreeSet::new();
        if let Some(name) = custom.operations.get(&op.route()) {
            features.insert(name.clone());
            held.entry(name.clone())
                .or_default()
                .0
                .insert(format!("`{}`", op.route()));
        } else if op.tags.is_empty() {
            features.insert("other".to_string());
            held.entry("other".into())
                .or_default()
                .0
                .insert("untagged".into());
        } else {
            for tag in &op.tags {
                let name = custom
                    .tags
                    .get(tag)
                    .cloned()
                    .unwrap_or_else(|| tag_feature(tag));
                let about = match described.get(tag.as_str()) {
                    Some(d) => format!("tag `{tag}` ({})", first_line(d)),
                    None => format!("tag `{tag}`"),
                };
                held.entry(name.clone()).or_default().0.insert(about);
                features.insert(name);
            }
        }
        for f in &features {
            held.entry(f.clone()).or_default().1 += 1;
        }
        op.features = features.into_iter().collect();
    }
    api.features = held
        .into_iter()
        .map(|(name, (about, count))| ir::Feature {
            doc: format!(
                "{count} operation{}: {}",
                if count == 1 { "" } else { "s" },
                about.into_iter().collect::<Vec<_>>().join(", ")
            ),
            name,
        })
        .collect();
    api.gates = gates(api);
}

/// The feature of a tag: its words in lower case joined by `-` (`SSH Keys` → `ssh-keys`),
/// `other` when it has none, and `-api` after a name the crate uses itself.
fn tag_feature(tag: &str) -> String {
    let name = naming::snake(tag).replace('_', "-");
    if name.is_empty() {
        "other".into()
    } else if RESERVED.contains(&name.as_str()) {
        format!("{name}-api")
    } else {
        name
    }
}

/// Why `name` cannot be a feature of the crate, if it cannot.
fn bad_name(name: &str) -> Option<String> {
    if RESERVED.contains(&name) {
        return Some("the crate defines this feature itself".into());
    }
    let ok = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    (!ok).then(|| {
        "a feature name is lower-case ASCII letters, digits, `-` and `_`, starting with a letter or digit".into()
    })
}

fn first_line(text: &str) -> &str {
    let line = text.lines().next().unwrap_or("").trim();
    line.strip_suffix('.').unwrap_or(line)
}

/// The features each type needs: see the module's documentation.
fn gates(api: &Api) -> BTreeMap<String, Vec<String>> {
    let refs: BTreeMap<&str, Vec<&str>> = api
        .types
        .iter()
        .map(|t| (t.name(), t.held_names()))
        .collect();
    // Features reaching each type; `None` stands for "always".
    let mut reach: BTreeMap<&str, BTreeSet<Option<&str>>> = BTreeMap::new();
    for op in &api.operations {
        let mut named = Vec::new();
        operation_types(op, &mut named);
        let names: Vec<&str> = named.into_iter().map(String::as_str).collect();
        for f in &op.features {
            spread(&refs, names.clone(), Some(f.as_str()), &mut reach);
        }
    }
    let orphans: Vec<&str> = refs
        .keys()
        .filter(|n| !reach.contains_key(*n))
        .copied()
        .collect();
    spread(&refs, orphans, None, &mut reach);
    reach
        .into_iter()
        .filter(|(name, by)| refs.contains_key(name) && !by.contains(&None))
        .map(|(name, by)| {
            (
                name.to_string(),
                by.into_iter().flatten().map(str::to_owned).collect(),
            )
        })
        .collect()
}

/// Marks everything `roots` reach as reached `by` a feature (`None`: always).
fn spread<'a>(
    refs: &BTreeMap<&'a str, Vec<&'a str>>,
    roots: Vec<&'a str>,
    by: Option<&'a str>,
    reach: &mut BTreeMap<&'a str, BTreeSet<Option<&'a str>>>,
) {
    let mut stack = roots;
    while let Some(name) = stack.pop() {
        if reach.entry(name).or_default().insert(by) {
            stack.extend(refs.get(name).into_iter().flatten().copied());
        }
    }
}

/// Every type an operation names: parameters, bodies, responses, items.
fn operation_types<'a>(op: &'a ir::Operation, out: &mut Vec<&'a String>) {
    for p in &op.params {
        p.value.ty().names_into(out);
    }
    if let Some(body) = &op.body {
        for (media, ty) in body.variants() {
            ty.names_into(out);
            if let ir::BodyMedia::Multipart { fields, .. } = media {
                for f in fields {
                    f.ty.names_into(out);
                }
            }
        }
    }
    op.success.body.names_into(out);
    for o in op.successes.iter().chain(&op.errors) {
        o.ty.names_into(out);
    }
    if let Some(p) = &op.pagination {
        p.item.names_into(out);
    }
}
