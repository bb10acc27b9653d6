//! What changed for the users of a crate between two generations: every difference of the
//! public API ([`Surface`]), classified as breaking, additive or internal with its reason, the
//! version that follows from it, and the changelog entry that tells users.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::surface::{Method, Surface, Type};

/// How a change affects the code of a crate's users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Only documentation: nothing a compiler sees.
    Internal,
    /// Code that compiled still compiles (perhaps with a deprecation warning).
    Additive,
    /// Code that compiled may not compile any more.
    Breaking,
}

impl Class {
    /// The class in words.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Internal => "internal",
            Class::Additive => "additive",
            Class::Breaking => "breaking",
        }
    }
}

/// One change of the public API.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// How it affects users.
    pub class: Class,
    /// The item (`` method `list_things` ``, `` struct `Thing` ``).
    pub item: String,
    /// What changed and why.
    pub what: String,
    /// Where in the spec (`GET /things`), or empty.
    pub place: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.item, self.what)?;
        if !self.place.is_empty() {
            write!(f, " ({})", self.place)?;
        }
        Ok(())
    }
}

/// Every change from `old` to `new`, breaking first, each class in item order.
///
/// A type renamed upstream whose old name stays as an alias is the same type to users, so the
/// old surface's types are read under their new names first.
pub fn diff(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut out = Vec::new();
    let old = &under_new_names(old, &new.aliases.types);
    methods(old, new, &mut out);
    types(old, new, &mut out);
    features(old, new, &mut out);
    let (was, now) = (&old.aliases, &new.aliases);
    for (kind, before, after) in [
        ("method", &was.methods, &now.methods),
        ("request builder", &was.builders, &now.builders),
        ("error enum", &was.errors, &now.errors),
        ("type", &was.types, &now.types),
    ] {
        for (alias, target) in before {
            if !after.contains_key(alias) {
                push(
                    &mut out,
                    Class::Breaking,
                    &format!("{kind} `{alias}`"),
                    format!("the deprecated alias of `{target}` is removed"),
                    "",
                );
            }
        }
    }
    // Breaking first; methods before types; then by item.
    out.sort_by(|a, b| {
        let key = |c: &Change| (std::cmp::Reverse(c.class), !c.item.starts_with("method"));
        key(a).cmp(&key(b)).then_with(|| a.cmp(b))
    });
    out
}

/// `text` (a Rust type) with every name in `renamed` replaced by its new name.
pub(crate) fn rename_in(text: &str, renamed: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(renamed.get(word.as_str()).unwrap_or(word));
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// `surface` with the type names of `renamed` replaced wherever a type is written (the keys of
/// its type map stay as they are).
pub(crate) fn under_new_names(surface: &Surface, renamed: &BTreeMap<String, String>) -> Surface {
    if renamed.is_empty() {
        return surface.clone();
    }
    let r = |t: &String| rename_in(t, renamed);
    let mut s = surface.clone();
    for m in s.methods.values_mut() {
        m.args = m.args.iter().map(r).collect();
        m.setters.values_mut().for_each(|t| *t = r(t));
        m.returns = r(&m.returns);
        m.errors.values_mut().for_each(|t| *t = r(t));
        m.items = m.items.as_ref().map(r);
    }
    for t in s.types.values_mut() {
        match t {
            Type::Struct { fields, .. } => fields.values_mut().for_each(|f| f.ty = r(&f.ty)),
            Type::Union { variants, .. } => variants.values_mut().for_each(|t| *t = r(t)),
            Type::Alias { target, .. } => *target = r(target),
            Type::Enum { .. } => {}
        }
    }
    s
}

fn push(out: &mut Vec<Change>, class: Class, item: &str, what: String, place: &str) {
    out.push(Change {
        class,
        item: item.to_string(),
        what,
        place: place.to_string(),
    });
}

fn args_text(args: &[String]) -> String {
    format!("({})", args.join(", "))
}

/// Whether `args` has an argument called `name`.
fn has_arg(args: &[String], name: &str) -> bool {
    args.iter().any(|a| a.split(':').next() == Some(name))
}

fn methods(old: &Surface, new: &Surface, out: &mut Vec<Change>) {
    let by_operation: BTreeMap<&str, &str> = new
        .methods
        .iter()
        .map(|(n, m)| (m.operation.as_str(), n.as_str()))
        .collect();
    for (name, was) in &old.methods {
        let item = format!("method `{name}`");
        if let Some(now) = new.methods.get(name) {
            method_changes(&item, was, now, new, out);
            continue;
        }
        if let Some(target) = new.aliases.methods.get(name) {
            push(
                out,
                Class::Additive,
                &item,
                format!("renamed upstream to `{target}`; `{name}` stays as a deprecated alias"),
                &was.operation,
            );
            if let Some(now) = new.methods.get(target) {
                method_changes(&item, was, now, new, out);
            }
        } else if let Some(target) = by_operation.get(was.operation.as_str()) {
            push(
                out,
                Class::Breaking,
                &item,
                format!("renamed to `{target}`, with no alias left"),
                &was.operation,
            );
        } else {
            push(
                out,
                Class::Breaking,
                &item,
                "removed: the operation is no longer in the spec".into(),
                &was.operation,
            );
        }
    }
    let renamed: BTreeSet<&str> = new
        .aliases
        .methods
        .iter()
        .filter(|(alias, _)| old.methods.contains_key(*alias))
        .map(|(_, target)| target.as_str())
        .collect();
    for (name, now) in &new.methods {
        if !old.methods.contains_key(name) && !renamed.contains(name.as_str()) {
            let what = if now.is_waiter() {
                "new waiter".to_string()
            } else {
                "new operation".to_string()
            };
            push(
                out,
                Class::Additive,
                &format!("method `{name}`"),
                what,
                &now.operation,
            );
        }
    }
}

fn method_changes(item: &str, was: &Method, now: &Method, new: &Surface, out: &mut Vec<Change>) {
    let place = now.operation.as_str();
    if was.operation != now.operation {
        // The same method and path but for a trailing slash is the same endpoint to most
        // servers; anything else sends the calls elsewhere.
        let loose = |op: &str| op.trim_end_matches('/').to_string();
        let class = if loose(&was.operation) == loose(&now.operation) {
            Class::Internal
        } else {
            Class::Breaking
        };
        push(
            out,
            class,
            item,
            format!("now calls `{}` (was `{}`)", now.operation, was.operation),
            place,
        );
    }
    if was.args != now.args {
        push(
            out,
            Class::Breaking,
            item,
            format!(
                "arguments changed from {} to {}",
                args_text(&was.args),
                args_text(&now.args)
            ),
            place,
        );
    }
    for (setter, ty) in &was.setters {
        match now.setters.get(setter) {
            None if has_arg(&now.args, setter) => {}
            None => push(
                out,
                Class::Breaking,
                item,
                format!("setter `{setter}` removed (the parameter is no longer in the spec)"),
                place,
            ),
            Some(t) if t != ty => push(
                out,
                Class::Breaking,
                item,
                format!("setter `{setter}` now takes `{t}` (was `{ty}`)"),
                place,
            ),
            Some(_) => {}
        }
    }
    for (setter, ty) in &now.setters {
        if !was.setters.contains_key(setter) && !has_arg(&was.args, setter) {
            push(
                out,
                Class::Additive,
                item,
                format!("new optional parameter: setter `{setter}` (`{ty}`)"),
                place,
            );
        }
    }
    if was.returns != now.returns {
        push(
            out,
            Class::Breaking,
            item,
            format!("returns `{}` (was `{}`)", now.returns, was.returns),
            place,
        );
    }
    for (what, old_name, new_name, aliases) in [
        (
            "request builder",
            &was.builder,
            &now.builder,
            &new.aliases.builders,
        ),
        ("error enum", &was.error, &now.error, &new.aliases.errors),
    ] {
        if old_name != new_name {
            let class = if aliases.get(old_name) == Some(new_name) {
                Class::Additive
            } else {
                Class::Breaking
            };
            let kept = if class == Class::Additive {
                "; the old name stays as a deprecated alias"
            } else {
                ""
            };
            push(
                out,
                class,
                item,
                format!("{what} `{old_name}` is now `{new_name}`{kept}"),
                place,
            );
        }
    }
    for (variant, payload) in &was.errors {
        match now.errors.get(variant) {
            None => push(
                out,
                Class::Breaking,
                item,
                format!("error variant `{}::{variant}` removed", now.error),
                place,
            ),
            Some(p) if p != payload => push(
                out,
                Class::Breaking,
                item,
                format!(
                    "error variant `{}::{variant}` now holds `{}` (was `{}`)",
                    now.error,
                    show(p),
                    show(payload)
                ),
                place,
            ),
            Some(_) => {}
        }
    }
    for variant in now.errors.keys() {
        if !was.errors.contains_key(variant) {
            push(
                out,
                Class::Additive,
                item,
                format!(
                    "new error variant `{}::{variant}` (the enum is non-exhaustive)",
                    now.error
                ),
                place,
            );
        }
    }
    match (&was.items, &now.items) {
        (Some(_), None) => push(
            out,
            Class::Breaking,
            item,
            "no longer paginated: `pages()` and `items()` are gone".into(),
            place,
        ),
        (None, Some(t)) => push(
            out,
            Class::Additive,
            item,
            format!("now paginated: `pages()` and `items()` of `{t}`"),
            place,
        ),
        (Some(a), Some(b)) if a != b => push(
            out,
            Class::Breaking,
            item,
            format!("`items()` now yields `{b}` (was `{a}`)"),
            place,
        ),
        _ => {}
    }
    if now.deprecated && !was.deprecated {
        push(
            out,
            Class::Additive,
            item,
            "deprecated upstream".into(),
            place,
        );
    }
    if was.docs != now.docs {
        push(
            out,
            Class::Internal,
            item,
            "documentation changed".into(),
            place,
        );
    }
}

/// What changed in the cargo features: the crate's own, and which of them enable each method
/// and type. Only builds with `default-features = false` can tell; for them, an item that
/// needs a feature it did not need before is gone.
fn features(old: &Surface, new: &Surface, out: &mut Vec<Change>) {
    if old.features.is_empty() {
        if !new.features.is_empty() {
            push(
                out,
                Class::Breaking,
                "crate",
                format!(
                    "operations are now in cargo features ({}), all on by default: a build with \
                     `default-features = false` must name the ones it uses",
                    listed(&new.features, "and")
                ),
                "",
            );
        }
        return;
    }
    for f in &old.features {
        if !new.features.contains(f) {
            push(
                out,
                Class::Breaking,
                &format!("feature `{f}`"),
                "removed: a build that names it fails".into(),
                "",
            );
        }
    }
    for f in &new.features {
        if !old.features.contains(f) {
            push(
                out,
                Class::Additive,
                &format!("feature `{f}`"),
                "new feature, on by default".into(),
                "",
            );
        }
    }
    let no_gate = Vec::new();
    for (name, was) in &old.methods {
        let now = new.methods.get(name).or_else(|| {
            new.aliases
                .methods
                .get(name)
                .and_then(|t| new.methods.get(t))
        });
        if let Some(now) = now {
            gate_change(
                &format!("method `{name}`"),
                &was.features,
                &now.features,
                &now.operation,
                out,
            );
        }
    }
    for (name, was) in &old.types {
        if new.types.contains_key(name) {
            gate_change(
                &format!("{} `{name}`", was.kind()),
                old.gates.get(name).unwrap_or(&no_gate),
                new.gates.get(name).unwrap_or(&no_gate),
                "",
                out,
            );
        }
    }
}

/// The change of the features that enable one item (none: always compiled).
fn gate_change(item: &str, was: &[String], now: &[String], place: &str, out: &mut Vec<Change>) {
    if was == now {
        return;
    }
    let (class, what) = if now.is_empty() {
        (
            Class::Additive,
            "now always compiled, whatever the features".to_string(),
        )
    } else if was.is_empty() {
        (
            Class::Breaking,
            format!("now needs the feature {}", listed(now, "or")),
        )
    } else {
        let lost: Vec<String> = was.iter().filter(|f| !now.contains(f)).cloned().collect();
        if lost.is_empty() {
            let gained: Vec<String> = now.iter().filter(|f| !was.contains(f)).cloned().collect();
            (
                Class::Additive,
                format!("also enabled by the feature {}", listed(&gained, "or")),
            )
        } else {
            (
                Class::Breaking,
                format!(
                    "no longer enabled by the feature {}; now by {}",
                    listed(&lost, "or"),
                    listed(now, "or")
                ),
            )
        }
    };
    push(out, class, item, what, place);
}

/// `` `a` ``, `` `a` or `b` ``, `` `a`, `b` or `c` ``.
pub(crate) fn listed(names: &[String], word: &str) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {word} {last}", rest.join(", ")),
    }
}

fn show(payload: &str) -> &str {
    if payload.is_empty() {
        "nothing"
    } else {
        payload
    }
}

fn types(old: &Surface, new: &Surface, out: &mut Vec<Change>) {
    for (name, was) in &old.types {
        let item = format!("{} `{name}`", was.kind());
        let Some(now) = new.types.get(name) else {
            match new.aliases.types.get(name) {
                Some(target) => {
                    push(
                        out,
                        Class::Additive,
                        &item,
                        format!(
                            "renamed upstream to `{target}`; `{name}` stays as a deprecated alias"
                        ),
                        "",
                    );
                    if let Some(now) = new.types.get(target) {
                        type_changes(&item, was, now, out);
                    }
                }
                None => push(
                    out,
                    Class::Breaking,
                    &item,
                    "removed: no schema of the spec is this type any more".into(),
                    "",
                ),
            }
            continue;
        };
        type_changes(&item, was, now, out);
    }
    let renamed: BTreeSet<&str> = new
        .aliases
        .types
        .iter()
        .filter(|(alias, _)| old.types.contains_key(*alias))
        .map(|(_, target)| target.as_str())
        .collect();
    for (name, now) in &new.types {
        if !old.types.contains_key(name) && !renamed.contains(name.as_str()) {
            push(
                out,
                Class::Additive,
                &format!("{} `{name}`", now.kind()),
                "new type".into(),
                "",
            );
        }
    }
}

fn type_changes(item: &str, was: &Type, now: &Type, out: &mut Vec<Change>) {
    match (was, now) {
        (
            Type::Struct { fields: a, .. },
            Type::Struct {
                fields: b,
                input,
                default,
                ..
            },
        ) => {
            for (field, f) in a {
                match b.get(field) {
                    None => push(
                        out,
                        Class::Breaking,
                        item,
                        format!("field `{field}` removed"),
                        "",
                    ),
                    Some(g) if g.ty != f.ty => push(
                        out,
                        Class::Breaking,
                        item,
                        format!("field `{field}` is now `{}` (was `{}`)", g.ty, f.ty),
                        "",
                    ),
                    Some(_) => {}
                }
            }
            for (field, g) in b {
                if a.contains_key(field) {
                    continue;
                }
                let (class, why) = match (input, g.required, default) {
                    (true, true, _) => (
                        Class::Breaking,
                        "callers build this struct and must now give it",
                    ),
                    (true, false, false) => (
                        Class::Breaking,
                        "callers build this struct with a literal that must now name it",
                    ),
                    (true, false, true) => (
                        Class::Additive,
                        "optional; literals ending in `..Default::default()` keep compiling",
                    ),
                    (false, _, _) => (Class::Additive, "a response field"),
                };
                push(
                    out,
                    class,
                    item,
                    format!("new field `{field}` (`{}`): {why}", g.ty),
                    "",
                );
            }
        }
        (Type::Enum { values: a, .. }, Type::Enum { values: b, .. }) => {
            for v in a.difference(b) {
                push(
                    out,
                    Class::Breaking,
                    item,
                    format!("value `{v}` removed"),
                    "",
                );
            }
            for v in b.difference(a) {
                push(
                    out,
                    Class::Additive,
                    item,
                    format!("new value `{v}` (the enum is non-exhaustive)"),
                    "",
                );
            }
        }
        (Type::Union { variants: a, .. }, Type::Union { variants: b, .. }) => {
            if a != b {
                let list = |m: &BTreeMap<String, String>| {
                    m.iter()
                        .map(|(v, t)| format!("{v}({t})"))
                        .collect::<Vec<_>>()
                        .join(" | ")
                };
                push(
                    out,
                    Class::Breaking,
                    item,
                    format!("variants changed from {} to {}", list(a), list(b)),
                    "",
                );
            }
        }
        (
            Type::Alias {
                target: a,
                newtype: na,
                ..
            },
            Type::Alias {
                target: b,
                newtype: nb,
                ..
            },
        ) => {
            if a != b || na != nb {
                push(
                    out,
                    Class::Breaking,
                    item,
                    format!("now stands for `{b}` (was `{a}`)"),
                    "",
                );
            }
        }
        _ => {
            push(
                out,
                Class::Breaking,
                item,
                format!("is now a {} (was a {})", now.kind(), was.kind()),
                "",
            );
            return;
        }
    }
    if was.docs() != now.docs() {
        push(
            out,
            Class::Internal,
            item,
            "documentation changed".into(),
            "",
        );
    }
}

/// The most severe class among `changes`, if any.
pub fn worst(changes: &[Change]) -> Option<Class> {
    changes.iter().map(|c| c.class).max()
}

/// The version after `version` for changes of class `worst`: before 1.0, breaking → minor and
/// anything else → patch; from 1.0, breaking → major, additive → minor, internal → patch.
/// Unchanged when there are no changes or `version` is not `major.minor.patch`.
pub fn bump(version: &str, worst: Option<Class>) -> String {
    let Some(worst) = worst else {
        return version.to_string();
    };
    let core = version.split(['-', '+']).next().unwrap_or(version);
    let parts: Vec<u64> = core.split('.').filter_map(|p| p.parse().ok()).collect();
    let [major, minor, patch] = parts[..] else {
        return version.to_string();
    };
    let (major, minor, patch) = match (major, worst) {
        (0, Class::Breaking) => (0, minor + 1, 0),
        (0, _) => (0, minor, patch + 1),
        (_, Class::Breaking) => (major + 1, 0, 0),
        (_, Class::Additive) => (major, minor + 1, 0),
        (_, Class::Internal) => (major, minor, patch + 1),
    };
    format!("{major}.{minor}.{patch}")
}

/// The changelog entry for `changes`, as Markdown (a `##` heading and lists), readable in a
/// minute: every breaking and additive change of a method, new types in one line, and
/// documentation changes counted.
pub fn changelog_entry(
    version: &str,
    source: &str,
    api_version: &str,
    changes: &[Change],
) -> String {
    let count = |c: Class| changes.iter().filter(|x| x.class == c).count();
    let mut s = format!("## {version}\n\nGenerated from {source} (API version {api_version}): ");
    s.push_str(&format!(
        "{} breaking, {} additive, {} internal change(s).\n",
        count(Class::Breaking),
        count(Class::Additive),
        count(Class::Internal)
    ));
    let breaking: Vec<&Change> = changes
        .iter()
        .filter(|c| c.class == Class::Breaking)
        .collect();
    if !breaking.is_empty() {
        s.push_str("\n### Breaking\n\n");
        for c in breaking {
            s.push_str(&format!("- {c}\n"));
        }
    }
    let additive: Vec<&Change> = changes
        .iter()
        .filter(|c| c.class == Class::Additive)
        .collect();
    if !additive.is_empty() {
        s.push_str("\n### Additive\n\n");
        let new_types: Vec<&str> = additive
            .iter()
            .filter(|c| c.what == "new type")
            .map(|c| c.item.as_str())
            .collect();
        for c in additive.iter().filter(|c| c.what != "new type") {
            s.push_str(&format!("- {c}\n"));
        }
        if !new_types.is_empty() {
            s.push_str(&format!(
                "- {} new type(s): {}\n",
                new_types.len(),
                new_types.join(", ")
            ));
        }
    }
    let internal: Vec<&Change> = changes
        .iter()
        .filter(|c| c.class == Class::Internal)
        .collect();
    if !internal.is_empty() {
        s.push_str("\n### Internal\n\n");
        let docs: Vec<&str> = internal
            .iter()
            .filter(|c| c.what == "documentation changed")
            .map(|c| c.item.as_str())
            .collect();
        for c in internal
            .iter()
            .filter(|c| c.what != "documentation changed")
        {
            s.push_str(&format!("- {c}\n"));
        }
        if !docs.is_empty() {
            s.push_str(&format!(
                "- documentation of {} item(s) changed: {}\n",
                docs.len(),
                docs.join(", ")
            ));
        }
    }
    s
}

/// The crate's `CHANGELOG.md`: `existing` (or a new one) with the entry for `changes` on top.
/// A first generation (`updated` false) gets a first entry when the file has none; an update
/// with no changes leaves the file as it is.
pub(crate) fn changelog(
    existing: Option<&str>,
    api: &crate::ir::Api,
    surface: &Surface,
    updated: bool,
    changes: &[Change],
    source: &str,
) -> String {
    let head = format!(
        "# Changelog of {}\n\nWhat changed for users of the crate at each update of {source}, newest first. \
         Written by `cargo xtask codegen`, which classifies every change of the public API and \
         sets the version from it.\n",
        api.package
    );
    let existing = existing.map(str::to_string).unwrap_or(head);
    let entry = if updated {
        if changes.is_empty() {
            return existing;
        }
        changelog_entry(&api.version, source, &api.api_version, changes)
    } else {
        if existing.contains("\n## ") {
            return existing;
        }
        format!(
            "## {}\n\nFirst generated from {source} (API version {}): {} methods, {} types.\n",
            api.version,
            api.api_version,
            surface.methods.len(),
            surface.types.len()
        )
    };
    match existing.find("\n## ") {
        Some(at) => format!("{}{entry}\n{}", &existing[..at + 1], &existing[at + 1..]),
        None => format!(
            "{}\n{entry}",
            existing.trim_end_matches('\n').to_string() + "\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renamed_types_are_replaced_as_whole_names() {
        let renamed: BTreeMap<String, String> = [("Old".to_string(), "New".to_string())]
            .into_iter()
            .collect();
        assert_eq!(rename_in("Option<Vec<Old>>", &renamed), "Option<Vec<New>>");
        assert_eq!(
            rename_in("BTreeMap<String, Old>", &renamed),
            "BTreeMap<String, New>"
        );
        assert_eq!(rename_in("OldThing", &renamed), "OldThing");
        assert_eq!(rename_in("id: Old", &renamed), "id: New");
    }

    #[test]
    fn versions_follow_the_worst_change() {
        let rows = [
            ("0.1.0", None, "0.1.0"),
            ("0.1.0", Some(Class::Internal), "0.1.1"),
            ("0.1.3", Some(Class::Additive), "0.1.4"),
            ("0.1.3", Some(Class::Breaking), "0.2.0"),
            ("1.2.3", Some(Class::Internal), "1.2.4"),
            ("1.2.3", Some(Class::Additive), "1.3.0"),
            ("1.2.3", Some(Class::Breaking), "2.0.0"),
            ("1.2.3-beta.1", Some(Class::Additive), "1.3.0"),
            ("weird", Some(Class::Breaking), "weird"),
        ];
        for (from, worst, to) in rows {
            assert_eq!(bump(from, worst), to, "{from} {worst:?}");
        }
    }
}
