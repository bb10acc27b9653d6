//! Lowering: `openapiv3` → the project's model ([`crate::ir`]).
//!
//! Names every inline schema from its context, merges structurally identical types, resolves
//! references, recognises pagination and collects every problem as a located diagnostic.
//!
//! This file holds the state ([`Lowerer`]), the definitions it collects and the recursion entry
//! points (a schema, a reference, a component); the concerns live beside it in `lower/`:
//! schema typing (`schema`), interning and merging by shape (`intern`), composition (`compose`),
//! operations, parameters and responses (`operation`, `param`, `response`), pagination
//! (`paginate`), the finishing passes (`finish`) and cycle breaking (`cycles`).
//!
//! Until names are chosen, a type that refers to a definition holds a [`DefId`]
//! (`TypeRef<DefId>`, [`Ty`]); the finishing passes turn every one into its final name, so the
//! model that leaves this module has names only.

use std::collections::{BTreeSet, HashMap};
use std::ops::{Index, IndexMut};

use openapiv3::{OpenAPI, ReferenceOr, Schema};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::config::Config;
use crate::diag::{self, Diagnostics};
use crate::ir::{self, TypeRef};
use crate::naming;

mod compose;
mod cycles;
mod features;
mod finish;
mod intern;
mod operation;
mod paginate;
mod param;
mod response;
mod schema;
mod waiter;

/// A handle to a definition while lowering: its index in [`Lowerer::defs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct DefId(usize);

/// A type while lowering: named types are definitions not named yet.
type Ty = TypeRef<DefId>;
/// A struct field while lowering.
type Field = ir::Field<DefId>;

/// Where a candidate name comes from; lower wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Origin {
    Custom,
    Component,
    Inline,
}

#[derive(Debug, Clone)]
enum DefKind {
    /// Being lowered (a component referenced before its body is known).
    Pending,
    Struct {
        fields: Vec<Field>,
        additional: Option<Ty>,
    },
    Enum {
        values: Vec<String>,
    },
    Union {
        variants: Vec<Ty>,
        /// The discriminating property and each variant's tag values, when the union has them.
        tags: Option<(String, Vec<Vec<String>>)>,
    },
    Alias {
        target: Ty,
    },
}

#[derive(Debug, Clone)]
struct Def {
    kind: DefKind,
    doc: Option<String>,
    /// `(origin, name, pointer)` candidates gathered from every place this type stands.
    names: Vec<(Origin, String, String)>,
    pointer: String,
}

/// Every definition, indexed by [`DefId`].
#[derive(Debug, Default)]
struct Defs(Vec<Def>);

impl Defs {
    fn push(&mut self, def: Def) -> DefId {
        self.0.push(def);
        DefId(self.0.len() - 1)
    }

    fn iter(&self) -> impl Iterator<Item = (DefId, &Def)> {
        self.0.iter().enumerate().map(|(i, d)| (DefId(i), d))
    }
}

impl Index<DefId> for Defs {
    type Output = Def;

    fn index(&self, id: DefId) -> &Def {
        &self.0[id.0]
    }
}

impl IndexMut<DefId> for Defs {
    fn index_mut(&mut self, id: DefId) -> &mut Def {
        &mut self.0[id.0]
    }
}

/// The shape of an object schema, documentation left out: what identical inline objects share.
type StructKey = (Vec<(String, Ty, bool)>, Option<Ty>);

fn struct_key(fields: &[Field], additional: &Option<Ty>) -> StructKey {
    let shape = fields
        .iter()
        .map(|f| (f.wire.clone(), f.ty.clone(), f.required))
        .collect();
    (shape, additional.clone())
}

/// Lowers a parsed spec. `raw` is the normalised JSON the spec was parsed from (for `$ref`s into
/// arbitrary places of the document). `runtime_dep` is how the generated crate depends on the
/// runtime unless the customisation file says otherwise.
pub(crate) fn lower(
    api: &OpenAPI,
    raw: &Value,
    config: &Config,
    runtime_dep: &str,
    diags: &mut Diagnostics,
) -> ir::Api {
    let mut l = Lowerer {
        api,
        raw,
        config,
        diags,
        defs: Defs::default(),
        by_pointer: HashMap::new(),
        enum_index: HashMap::new(),
        struct_index: HashMap::new(),
        components: HashMap::new(),
        component_done: BTreeSet::new(),
        collecting: BTreeSet::new(),
        query_keys_used: BTreeSet::new(),
    };
    l.run(runtime_dep)
}

struct Lowerer<'a> {
    api: &'a OpenAPI,
    raw: &'a Value,
    config: &'a Config,
    diags: &'a mut Diagnostics,
    defs: Defs,
    /// Schemas already lowered, by pointer (components and `$ref` targets).
    by_pointer: HashMap<String, Ty>,
    /// String enums by their sorted values, for merging.
    enum_index: HashMap<Vec<String>, DefId>,
    /// Inline structs by shape, for merging.
    struct_index: HashMap<StructKey, DefId>,
    /// Component schemas by pointer: their definition and their name in the spec.
    components: HashMap<String, (DefId, String)>,
    /// Components lowered or being lowered (lowering is on first use, so order does not matter).
    component_done: BTreeSet<DefId>,
    /// Components whose fields an `allOf` is taking from their schema, because they are still
    /// being lowered (see [`Lowerer::collect_pending`]).
    collecting: BTreeSet<DefId>,
    /// The `[query] params` keys some parameter took its style from.
    query_keys_used: BTreeSet<String>,
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

impl<'a> Lowerer<'a> {
    fn run(&mut self, runtime_dep: &str) -> ir::Api {
        // Components first, so that references resolve to their names. Each is lowered on first
        // use (a reference, an `allOf` part) or in spec order, whichever comes first.
        let mut pointers = Vec::new();
        if let Some(comps) = &self.api.components {
            for name in comps.schemas.keys() {
                let ptr = format!("#/components/schemas/{}", diag::escape_token(name));
                let id = self.new_def(
                    DefKind::Pending,
                    None,
                    Origin::Component,
                    naming::type_ident(name),
                    ptr.clone(),
                );
                self.by_pointer.insert(ptr.clone(), TypeRef::Named(id));
                self.components.insert(ptr.clone(), (id, name.clone()));
                pointers.push(ptr);
            }
        }
        for ptr in pointers {
            self.ensure_component(&ptr);
        }
        let drafts = self.lower_operations();
        self.finish(drafts, runtime_dep)
    }

    /// Lowers the component schema at `ptr` unless it is lowered or being lowered already.
    fn ensure_component(&mut self, ptr: &str) {
        let Some((id, name)) = self.components.get(ptr).cloned() else {
            return;
        };
        if !self.component_done.insert(id) {
            return;
        }
        let api: &'a OpenAPI = self.api;
        let Some(schema) = api.components.as_ref().and_then(|c| c.schemas.get(&name)) else {
            return;
        };
        let ty = self.lower_schema(schema, ptr, &naming::type_ident(&name), Some(id));
        if matches!(self.defs[id].kind, DefKind::Pending) {
            // The component is not itself an object or enum: keep its name as an alias.
            let doc = schema
                .as_item()
                .and_then(|s| non_empty(&s.schema_data.description));
            self.defs[id].kind = DefKind::Alias { target: ty };
            self.defs[id].doc = doc;
        } else if ty.is_nullable() {
            // A nullable object or enum: every reference to it may be `null`.
            if let Some(t) = self.by_pointer.get(ptr).cloned() {
                self.by_pointer.insert(ptr.to_string(), t.or_null());
            }
        }
    }

    fn new_def(
        &mut self,
        kind: DefKind,
        doc: Option<String>,
        origin: Origin,
        name: String,
        pointer: String,
    ) -> DefId {
        self.defs.push(Def {
            kind,
            doc,
            names: vec![(origin, name, pointer.clone())],
            pointer,
        })
    }

    /// Lowers a schema or reference. `name` is the name an inline type would get here;
    /// `slot` is a pre-registered definition (a component) to fill instead of creating one.
    fn lower_schema(
        &mut self,
        schema: &ReferenceOr<Schema>,
        ptr: &str,
        name: &str,
        slot: Option<DefId>,
    ) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => self.lower_ref(reference, ptr),
            ReferenceOr::Item(s) => self.lower_item(s, ptr, name, slot),
        }
    }

    fn lower_boxed(&mut self, schema: &ReferenceOr<Box<Schema>>, ptr: &str, name: &str) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => self.lower_ref(reference, ptr),
            ReferenceOr::Item(s) => self.lower_item(s, ptr, name, None),
        }
    }

    /// The type a schema `$ref` stands for: a component's definition, or the schema at any other
    /// place of the document, lowered once and named after the last word of its pointer.
    fn lower_ref(&mut self, reference: &str, ptr: &str) -> Ty {
        self.ensure_component(reference);
        if let Some(t) = self.by_pointer.get(reference) {
            return t.clone();
        }
        let Some(schema) = self.follow::<Schema>(reference, ptr, "schema") else {
            return TypeRef::Json;
        };
        // Guard against reference cycles through non-component places.
        self.by_pointer.insert(reference.to_string(), TypeRef::Json);
        let last = reference
            .rsplit('/')
            .find(|t| !t.is_empty() && t.parse::<usize>().is_err())
            .unwrap_or("Type");
        let ty = self.lower_schema(
            &schema,
            reference,
            &naming::type_ident(&diag::unescape_token(last)),
            None,
        );
        self.by_pointer.insert(reference.to_string(), ty.clone());
        ty
    }

    /// What the local reference `reference` (found at `ptr`) points to, read as a `what` or as
    /// another reference. Records an error and gives `None` when it cannot be followed.
    fn follow<T: DeserializeOwned>(
        &mut self,
        reference: &str,
        ptr: &str,
        what: &str,
    ) -> Option<ReferenceOr<T>> {
        let Some(target) = reference.strip_prefix('#') else {
            self.diags.error(
                diag::join(ptr, "$ref"),
                format!("external reference {reference:?} is not supported: bundle the spec into one file"),
            );
            return None;
        };
        let Some(value) = self.raw.pointer(target) else {
            self.diags.error(
                diag::join(ptr, "$ref"),
                format!("{what} reference {reference:?} points to nothing"),
            );
            return None;
        };
        match serde_json::from_value(value.clone()) {
            Ok(item) => Some(item),
            Err(e) => {
                self.diags
                    .error(reference.to_string(), format!("invalid {what}: {e}"));
                None
            }
        }
    }

    /// `item` itself, or what its chain of references ends at, with the pointer of the place it
    /// stands (for diagnostics about it). The one way parameters, request bodies and responses
    /// are resolved; `$ref`s may point anywhere in the document, not only into `components`.
    fn resolve<T: DeserializeOwned + Clone>(
        &mut self,
        item: &ReferenceOr<T>,
        ptr: &str,
        what: &str,
    ) -> Option<(T, String)> {
        let mut reference = match item {
            ReferenceOr::Item(t) => return Some((t.clone(), ptr.to_string())),
            ReferenceOr::Reference { reference } => reference.clone(),
        };
        let mut at = ptr.to_string();
        for _ in 0..MAX_REFERENCE_HOPS {
            match self.follow::<T>(&reference, &at, what)? {
                ReferenceOr::Item(t) => return Some((t, reference)),
                ReferenceOr::Reference { reference: next } => {
                    at = std::mem::replace(&mut reference, next);
                }
            }
        }
        self.diags.error(
            diag::join(ptr, "$ref"),
            format!("{what} reference leads through more than {MAX_REFERENCE_HOPS} references (a cycle?)"),
        );
        None
    }

    /// Follows aliases from `id` to the definition that is not one.
    fn resolve_alias(&self, mut id: DefId) -> DefId {
        for _ in 0..32 {
            match &self.defs[id].kind {
                DefKind::Alias { target } => match target.non_null().name() {
                    Some(&next) => id = next,
                    None => return id,
                },
                _ => return id,
            }
        }
        id
    }

    /// The definition a type names, aliases followed.
    fn def_of(&self, t: &Ty) -> Option<DefId> {
        t.name().map(|&id| self.resolve_alias(id))
    }
}

/// How many references a parameter, body or response may go through before it is an error.
const MAX_REFERENCE_HOPS: usize = 16;
