//! Cycles: aliases that contain themselves, `Eq` decided transitively, boxes that break cycles.

use std::collections::{BTreeSet, HashMap};

use crate::diag::Diagnostics;
use crate::ir::{self, TypeRef};

/// Aliases that contain themselves cannot be Rust type aliases. Through a container
/// (`Tree = BTreeMap<String, Tree>`) the alias becomes a transparent newtype struct; a loop of
/// aliases alone (`A = B`, `B = A`) describes no value and falls back to JSON, with a warning.
pub(super) fn break_alias_cycles(
    types: &mut [ir::TypeDef],
    pointers: &HashMap<String, String>,
    diags: &mut Diagnostics,
) {
    let index: HashMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name().to_string(), i))
        .collect();
    /// Whether `t` reaches the alias `goal` through aliases and containers: `Some(true)` only
    /// through a container, `Some(false)` without one.
    fn reaches(
        types: &[ir::TypeDef],
        index: &HashMap<String, usize>,
        t: &TypeRef,
        goal: usize,
        container: bool,
        seen: &mut BTreeSet<usize>,
    ) -> Option<bool> {
        match t {
            TypeRef::Array(i) | TypeRef::Map(i) => reaches(types, index, i, goal, true, seen),
            TypeRef::Nullable(i) => reaches(types, index, i, goal, container, seen),
            TypeRef::Named(n) => {
                let &i = index.get(n)?;
                if i == goal {
                    return Some(container);
                }
                match &types[i] {
                    ir::TypeDef::Alias(a) if !a.newtype && seen.insert(i) => {
                        reaches(types, index, &a.target, goal, container, seen)
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
    for i in 0..types.len() {
        let ir::TypeDef::Alias(a) = &types[i] else {
            continue;
        };
        let found = reaches(types, &index, &a.target, i, false, &mut BTreeSet::new());
        if let ir::TypeDef::Alias(a) = &mut types[i] {
            match found {
                Some(true) => a.newtype = true,
                Some(false) => {
                    diags.warn(
                        pointers.get(&a.name).cloned().unwrap_or_default(),
                        "the schema refers only to itself and describes no value; it is kept as JSON",
                    );
                    a.target = TypeRef::Json;
                }
                None => {}
            }
        }
    }
}

/// Decides `Eq` for every struct, union and newtype (no floats inside, transitively), and boxes
/// what closes a cycle of types held by value: struct fields first, union variants only where a
/// cycle runs through unions alone.
pub(super) fn mark_eq_and_boxes(types: &mut [ir::TypeDef]) {
    let index: HashMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name().to_string(), i))
        .collect();
    let mut eq: Vec<bool> = vec![true; types.len()];
    fn has_float(t: &TypeRef, eq: &[bool], index: &HashMap<String, usize>) -> bool {
        match t {
            TypeRef::Number(_) => true,
            TypeRef::Named(n) => index.get(n).is_some_and(|&i| !eq[i]),
            TypeRef::Array(i) | TypeRef::Map(i) | TypeRef::Nullable(i) => has_float(i, eq, index),
            _ => false,
        }
    }
    loop {
        let mut changed = false;
        for (i, t) in types.iter().enumerate() {
            if !eq[i] {
                continue;
            }
            let bad = match t {
                ir::TypeDef::Struct(s) => {
                    s.fields.iter().any(|f| has_float(&f.ty, &eq, &index))
                        || s.additional
                            .as_ref()
                            .is_some_and(|a| has_float(a, &eq, &index))
                }
                ir::TypeDef::Union(u) => u.variants.iter().any(|(_, v)| has_float(v, &eq, &index)),
                ir::TypeDef::Alias(a) => has_float(&a.target, &eq, &index),
                ir::TypeDef::Enum(_) => false,
            };
            if bad {
                eq[i] = false;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for (i, t) in types.iter_mut().enumerate() {
        match t {
            ir::TypeDef::Struct(s) => s.eq = eq[i],
            ir::TypeDef::Union(u) => u.eq = eq[i],
            ir::TypeDef::Alias(a) => a.eq = eq[i],
            ir::TypeDef::Enum(_) => {}
        }
    }
    // Edges: a value held directly (or through `Option`) by a field, variant or plain alias.
    fn by_value(t: &TypeRef) -> Option<&str> {
        match t {
            TypeRef::Named(n) => Some(n),
            TypeRef::Nullable(i) => by_value(i),
            _ => None,
        }
    }
    let edge_list = |ts: &mut dyn Iterator<Item = &TypeRef>| -> Vec<usize> {
        ts.map(|t| {
            by_value(t)
                .and_then(|n| index.get(n))
                .copied()
                .unwrap_or(usize::MAX)
        })
        .collect()
    };
    // Per type: the target of each slot (field, variant, alias target); `usize::MAX` for none.
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| match t {
            ir::TypeDef::Struct(s) => edge_list(&mut s.fields.iter().map(|f| &f.ty)),
            ir::TypeDef::Union(u) => edge_list(&mut u.variants.iter().map(|(_, v)| v)),
            ir::TypeDef::Alias(a) if !a.newtype => edge_list(&mut std::iter::once(&a.target)),
            _ => vec![],
        })
        .collect();
    let mut boxed: BTreeSet<(usize, usize)> = BTreeSet::new();
    let reaches = |from: usize, target: usize, boxed: &BTreeSet<(usize, usize)>| -> bool {
        let mut seen = vec![false; types.len()];
        let mut stack = vec![from];
        while let Some(n) = stack.pop() {
            if n == target {
                return true;
            }
            if std::mem::replace(&mut seen[n], true) {
                continue;
            }
            for (slot, &to) in edges[n].iter().enumerate() {
                if to != usize::MAX && !boxed.contains(&(n, slot)) {
                    stack.push(to);
                }
            }
        }
        false
    };
    for pass_unions in [false, true] {
        for (i, t) in types.iter().enumerate() {
            let wanted = match t {
                ir::TypeDef::Struct(_) => !pass_unions,
                ir::TypeDef::Union(_) => pass_unions,
                _ => false,
            };
            if !wanted {
                continue;
            }
            for (slot, &to) in edges[i].iter().enumerate() {
                if to != usize::MAX && reaches(to, i, &boxed) {
                    boxed.insert((i, slot));
                }
            }
        }
    }
    for (i, slot) in boxed {
        match &mut types[i] {
            ir::TypeDef::Struct(s) => s.fields[slot].boxed = true,
            ir::TypeDef::Union(u) => u.boxed[slot] = true,
            _ => {}
        }
    }
}

/// Which model types have constraints to check before a request carrying them is sent: a
/// struct with a constrained field, or holding (directly, in an `Option`, a list or a map, or
/// through an alias) such a struct; and which request bodies are of such a type.
pub(super) fn mark_checked(types: &mut [ir::TypeDef], operations: &mut [ir::Operation]) {
    let index: HashMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name().to_string(), i))
        .collect();
    fn holds_checked(t: &TypeRef, checked: &[bool], index: &HashMap<String, usize>) -> bool {
        match t {
            TypeRef::Named(n) => index.get(n).is_some_and(|&i| checked[i]),
            TypeRef::Array(i) | TypeRef::Map(i) | TypeRef::Nullable(i) => {
                holds_checked(i, checked, index)
            }
            _ => false,
        }
    }
    let mut checked: Vec<bool> = types
        .iter()
        .map(|t| match t {
            ir::TypeDef::Struct(s) => s.fields.iter().any(|f| !f.constraints.is_empty()),
            _ => false,
        })
        .collect();
    loop {
        let mut changed = false;
        for (i, t) in types.iter().enumerate() {
            if checked[i] {
                continue;
            }
            let now = match t {
                ir::TypeDef::Struct(s) => s
                    .fields
                    .iter()
                    .any(|f| holds_checked(&f.ty, &checked, &index)),
                // An alias is checked as what it names; emission follows it through `Constrained`.
                ir::TypeDef::Alias(a) if !a.newtype => holds_checked(&a.target, &checked, &index),
                _ => false,
            };
            if now {
                checked[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for op in operations.iter_mut() {
        if let Some(b) = &mut op.body {
            b.checked = holds_checked(&b.ty, &checked, &index);
        }
    }
    for (i, t) in types.iter_mut().enumerate() {
        if let ir::TypeDef::Struct(s) = t {
            s.checked = checked[i];
            for f in &mut s.fields {
                f.holds_checked = holds_checked(&f.ty, &checked, &index);
            }
        }
    }
}
