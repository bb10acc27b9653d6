//! Finishing: the passes that run once every schema and operation is lowered. They choose the
//! final names, turn definitions into model types, attach pagination, break cycles and fill in
//! the package metadata.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::config::Place;
use crate::ir::{self, TypeRef};
use crate::naming;

use super::cycles::{break_alias_cycles, mark_checked, mark_eq_and_boxes};
use super::operation::{substitute_server, OpDraft};
use super::*;

/// The final name of every definition that has one.
type Names = BTreeMap<DefId, String>;

impl<'a> Lowerer<'a> {
    /// The finishing passes, in order.
    pub(super) fn finish(&mut self, drafts: Vec<OpDraft>, runtime_dep: &str) -> ir::Api {
        let pagination = self.attach_pagination(&drafts);
        let names = self.type_names();
        let mut types = self.type_defs(&names);
        let mut operations = self.resolve_operations(drafts, pagination, &names);
        name_forms(&mut operations, &names);
        let pointers: HashMap<String, String> = names
            .iter()
            .map(|(&id, n)| (n.clone(), self.defs[id].pointer.clone()))
            .collect();
        break_alias_cycles(&mut types, &pointers, self.diags);
        mark_eq_and_boxes(&mut types);
        mark_checked(&mut types, &mut operations);
        let mut api = self.package(types, operations, runtime_dep);
        api.waiters = super::waiter::waiters(self.config, &api, self.diags);
        api.places = self.places(&names);
        super::features::group(self.api, self.config, &mut api, self.diags);
        api
    }

    /// Picks every definition's final name: a customised name, else the component name, else a
    /// name derived from where it stands. A type merged from several identical inline schemas is
    /// named by what their names share (`ExecuteTooManyRequests` and `RecycleTooManyRequests` →
    /// `TooManyRequests`), which stays put when more copies are added; when nothing meaningful is
    /// shared, or the shared name is wanted elsewhere too, by its shortest name. Collisions are
    /// settled by [`naming::resolve_names`]: components and customised names first, then inline
    /// ones, each group in pointer order.
    fn type_names(&mut self) -> Names {
        let (custom, entries) = self.custom_type_names();
        let custom = &custom;
        // (order key, wanted, fallback) for components and customised names, and for the others.
        let mut claimed_first: Vec<((Origin, String, DefId), String, String)> = Vec::new();
        let mut inline: Vec<((Origin, String, DefId), String, String)> = Vec::new();
        let mut used_custom = BTreeSet::new();
        for (id, def) in self.defs.iter() {
            if def.names.is_empty() || matches!(def.kind, DefKind::Pending) {
                continue;
            }
            let mut cands: Vec<(Origin, String, String)> = Vec::new();
            for (origin, name, ptr) in &def.names {
                let c = custom
                    .get(ptr)
                    .map(|n| (ptr.clone(), n))
                    .or_else(|| custom.get(name).map(|n| (name.clone(), n)));
                cands.push(match c {
                    Some((key, n)) => {
                        used_custom.insert(key);
                        (Origin::Custom, n.clone(), ptr.clone())
                    }
                    None => (*origin, naming::type_ident(name), ptr.clone()),
                });
            }
            let customs: BTreeSet<&String> = def
                .names
                .iter()
                .filter_map(|(_, name, ptr)| custom.get(ptr).or_else(|| custom.get(name)))
                .collect();
            if customs.len() > 1 {
                let list: Vec<&str> = customs.iter().map(|s| s.as_str()).collect();
                self.diags.warn(
                    def.pointer.clone(),
                    format!("one type (identical schemas merged) is given several names {list:?}; using the shortest"),
                );
            }
            let Some(origin) = cands.iter().map(|c| c.0).min() else {
                continue;
            };
            let mut best: Vec<&(Origin, String, String)> =
                cands.iter().filter(|c| c.0 == origin).collect();
            best.sort_by(|a, b| (a.1.len(), &a.1, &a.2).cmp(&(b.1.len(), &b.1, &b.2)));
            let (shortest, ptr) = (best[0].1.clone(), best[0].2.clone());
            // The earliest pointer among the candidates orders the numbering of collisions.
            let first_ptr = def
                .names
                .iter()
                .map(|n| n.2.clone())
                .min()
                .unwrap_or(ptr.clone());
            if origin != Origin::Inline {
                let name = naming::type_ident(&shortest);
                claimed_first.push(((origin, first_ptr, id), name.clone(), name));
                continue;
            }
            let distinct: BTreeSet<&str> = best.iter().map(|c| c.1.as_str()).collect();
            // A type merged from several places is named for what they share: the words their
            // names share, else what the type holds and where it stands; the name of one of the
            // places only when neither says anything.
            let (wanted, fallback) = if distinct.len() > 1 {
                let ptrs: Vec<&str> = best.iter().map(|c| c.2.as_str()).collect();
                let role = shared_role(&ptrs);
                let shape = self.shape_name(&def.kind, role);
                match (naming::shared_name(&distinct, role), shape) {
                    (Some(shared), Some(shape)) => (shared, shape),
                    // Numbered when another type shares the name too.
                    (Some(shared), None) => (shared.clone(), shared),
                    (None, Some(shape)) => (shape.clone(), shape),
                    (None, None) => {
                        self.diags.warn(
                            def.pointer.clone(),
                            format!(
                                "a type merged from {} places shares no name with them and is named after one ({shortest}); \
                                 `[names.types]` in the customisation file can name it",
                                distinct.len()
                            ),
                        );
                        (shortest.clone(), shortest.clone())
                    }
                }
            } else {
                (shortest.clone(), shortest.clone())
            };
            // The name the rules give may itself be customised.
            if let Some(n) = custom.get(&wanted) {
                used_custom.insert(wanted.clone());
                let name = naming::type_ident(n);
                claimed_first.push(((Origin::Custom, ptr, id), name.clone(), name));
                continue;
            }
            inline.push((
                (origin, first_ptr, id),
                naming::type_ident(&wanted),
                naming::type_ident(&fallback),
            ));
        }
        for (key, (entry, name)) in &entries {
            if used_custom.contains(key) {
                continue;
            }
            let (pointer, why) = if !key.starts_with('#') {
                (
                    String::new(),
                    format!("no type is named {key:?}, by the spec or by the naming rules"),
                )
            } else if key == entry {
                (key.clone(), format!("no type of the spec stands at {key}"))
            } else {
                (
                    key.clone(),
                    format!("{entry} ({key}) is not a type of its own (only objects, enums, unions and components are)"),
                )
            };
            self.diags.error(
                pointer,
                format!("customisation [names.types] {entry:?} = {name:?} names nothing: {why}"),
            );
        }
        let first = naming::resolve_names(claimed_first, &BTreeSet::new());
        let taken: BTreeSet<String> = first.values().cloned().collect();
        let rest = naming::resolve_names(inline, &taken);
        first
            .into_iter()
            .chain(rest)
            .map(|((_, _, id), name)| (id, name))
            .collect()
    }

    /// Where each named type stands: every pointer of its definition, parameters by place and
    /// name (see [`ir::Api::places`]).
    fn places(&self, names: &Names) -> BTreeMap<String, Vec<String>> {
        names
            .iter()
            .map(|(&id, name)| {
                let mut places: Vec<String> = self.defs[id]
                    .names
                    .iter()
                    .map(|(_, _, ptr)| stable_pointer(self.raw, ptr))
                    .collect();
                places.sort();
                places.dedup();
                (name.clone(), places)
            })
            .collect()
    }

    /// `[names.types]` as [`type_names`](Self::type_names) looks it up: by the pointer of a
    /// schema (the key itself, or where a place resolves to in the document) or by a name, each
    /// with its entry (key and name) for findings. An entry whose place is not in the document,
    /// or that says the same place as another, is an error here.
    fn custom_type_names(
        &mut self,
    ) -> (BTreeMap<String, String>, BTreeMap<String, (String, String)>) {
        let def_pointers: BTreeSet<&str> = self
            .defs
            .iter()
            .flat_map(|(_, d)| d.names.iter().map(|n| n.2.as_str()))
            .collect();
        let mut lookup = BTreeMap::new();
        let mut entries: BTreeMap<String, (String, String)> = BTreeMap::new();
        for (key, name) in &self.config.names.types {
            let at = match Place::parse_key(key) {
                None => key.clone(),
                Some(Err(e)) => {
                    self.diags.error(
                        "",
                        format!("customisation [names.types] {key:?} = {name:?}: {e}"),
                    );
                    continue;
                }
                Some(Ok(place)) => match place.schema_pointers(self.raw) {
                    Ok(chain) => {
                        let chain: Vec<String> = chain.iter().map(|p| format!("#{p}")).collect();
                        chain
                            .iter()
                            .find(|p| def_pointers.contains(p.as_str()))
                            .unwrap_or(&chain[0])
                            .clone()
                    }
                    Err(miss) => {
                        self.diags.error(
                            format!("#{}", miss.pointer),
                            format!(
                                "customisation [names.types] {key:?} = {name:?} addresses nothing: {}",
                                miss.message
                            ),
                        );
                        continue;
                    }
                },
            };
            if let Some((other, _)) = entries.get(&at) {
                self.diags.error(
                    at.clone(),
                    format!("customisation [names.types] {key:?} = {name:?} says the same place as {other:?}"),
                );
                continue;
            }
            lookup.insert(at.clone(), name.clone());
            entries.insert(at, (key.clone(), name.clone()));
        }
        (lookup, entries)
    }

    /// A name for a merged object from what it holds and the role of its places (see
    /// [`naming::inline::shape`]).
    fn shape_name(&self, kind: &DefKind, role: Option<naming::inline::Role>) -> Option<String> {
        let DefKind::Struct { fields, .. } = kind else {
            return None;
        };
        let wires: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
        naming::inline::shape(&wires, role)
    }

    /// The final type a lowering type stands for.
    fn final_type(&self, t: &Ty, names: &Names) -> TypeRef {
        t.map_named(&mut |&id| self.name_of(id, names))
    }

    /// The final type a definition stands for: its name, or, for an alias without a name of its
    /// own (a merged component), what it aliases.
    fn name_of(&self, mut id: DefId, names: &Names) -> TypeRef {
        for _ in 0..=self.defs.0.len() {
            if let Some(name) = names.get(&id) {
                return TypeRef::Named(name.clone());
            }
            match &self.defs[id].kind {
                DefKind::Alias { target } => match target.name() {
                    Some(&next) => id = next,
                    None => return self.final_type(target, names),
                },
                _ => break,
            }
        }
        TypeRef::Json
    }

    fn resolve_field(&self, f: &Field, names: &Names) -> ir::Field {
        ir::Field {
            ident: f.ident.clone(),
            wire: f.wire.clone(),
            ty: self.final_type(&f.ty, names),
            required: f.required,
            boxed: f.boxed,
            doc: f.doc.clone(),
            details: f.details.clone(),
            constraints: f.constraints.clone(),
            holds_checked: false,
        }
    }

    /// Every named definition as a model type, in name order.
    fn type_defs(&self, names: &Names) -> Vec<ir::TypeDef> {
        let mut order: Vec<(&String, DefId)> = names.iter().map(|(&id, n)| (n, id)).collect();
        order.sort();
        let mut types = Vec::new();
        for (name, id) in order {
            let def = &self.defs[id];
            let name = name.clone();
            let doc = def.doc.clone();
            types.push(match &def.kind {
                DefKind::Pending => continue,
                DefKind::Struct { fields, additional } => ir::TypeDef::Struct(ir::StructDef {
                    name,
                    doc,
                    fields: fields
                        .iter()
                        .map(|f| self.resolve_field(f, names))
                        .collect(),
                    additional: additional.as_ref().map(|a| self.final_type(a, names)),
                    eq: false,
                    default: fields.iter().all(|f| !f.required),
                    checked: false,
                }),
                DefKind::Enum { values } => {
                    let variants = naming::enum_variants(values, &name);
                    let fallback = naming::enum_fallback(&variants);
                    ir::TypeDef::Enum(ir::EnumDef {
                        name,
                        doc,
                        variants: variants.into_iter().zip(values.iter().cloned()).collect(),
                        fallback,
                    })
                }
                DefKind::Union { variants, tags } => {
                    let mut used = BTreeSet::new();
                    let variants: Vec<(String, TypeRef)> = variants
                        .iter()
                        .map(|t| {
                            let t = self.final_type(t, names);
                            let label = naming::union_variant_label(&t, &name);
                            (naming::unique(&label, &mut used), t)
                        })
                        .collect();
                    let discriminator = tags.as_ref().map(|(property, tags)| ir::Discriminator {
                        property: property.clone(),
                        tags: tags.clone(),
                        fallback: naming::discriminator_fallback(&mut used),
                    });
                    ir::TypeDef::Union(ir::UnionDef {
                        name,
                        doc,
                        boxed: vec![false; variants.len()],
                        variants,
                        eq: false,
                        discriminator,
                    })
                }
                DefKind::Alias { target } => ir::TypeDef::Alias(ir::AliasDef {
                    name,
                    doc,
                    target: self.final_type(target, names),
                    newtype: false,
                    eq: false,
                }),
            });
        }
        types
    }

    /// Every operation with its final method, builder and error names and its types resolved.
    fn resolve_operations(
        &self,
        drafts: Vec<OpDraft>,
        pagination: Vec<Option<ir::Pagination<DefId>>>,
        names: &Names,
    ) -> Vec<ir::Operation> {
        let wanted = drafts
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let fallback = naming::method_path_name(d.method.as_str(), &d.path);
                (i, d.ident_wanted.clone(), fallback)
            })
            .collect();
        let idents = naming::operation_idents(wanted);
        let mut builders = BTreeSet::new();
        let resolve = |t: &Ty| self.final_type(t, names);
        let resolve_media = |m: &ir::BodyMedia<DefId>| match m {
            ir::BodyMedia::Json => ir::BodyMedia::Json,
            ir::BodyMedia::Form {
                content_type,
                encoding,
            } => ir::BodyMedia::Form {
                content_type: content_type.clone(),
                encoding: encoding.clone(),
            },
            ir::BodyMedia::Multipart {
                content_type,
                fields,
            } => ir::BodyMedia::Multipart {
                content_type: content_type.clone(),
                fields: fields
                    .iter()
                    .map(|f| ir::FormField {
                        ident: f.ident.clone(),
                        wire: f.wire.clone(),
                        ty: resolve(&f.ty),
                        required: f.required,
                        content_type: f.content_type.clone(),
                        doc: f.doc.clone(),
                    })
                    .collect(),
            },
            ir::BodyMedia::Binary { content_type } => ir::BodyMedia::Binary {
                content_type: content_type.clone(),
            },
            ir::BodyMedia::Text { content_type } => ir::BodyMedia::Text {
                content_type: content_type.clone(),
            },
        };
        let outcome = |o: &ir::Outcome<DefId>| ir::Outcome {
            status: o.status,
            variant: o.variant.clone(),
            ty: resolve(&o.ty),
            format: o.format,
            doc: o.doc.clone(),
        };
        drafts
            .into_iter()
            .zip(pagination)
            .enumerate()
            .map(|(i, (d, pagination))| {
                let ident = idents[&i].clone();
                let builder = naming::builder_name(&ident, &mut builders);
                let responses = &d.responses;
                ir::Operation {
                    error: naming::error_enum_name(&builder),
                    builder,
                    ident,
                    method: d.method,
                    path: d.path,
                    path_parts: d.path_parts,
                    params: d
                        .params
                        .iter()
                        .map(|p| ir::Param {
                            ident: p.ident.clone(),
                            wire: p.wire.clone(),
                            location: p.location,
                            value: match &p.value {
                                ir::ParamValue::Scalar(t) => ir::ParamValue::Scalar(resolve(t)),
                                ir::ParamValue::List { item, style } => ir::ParamValue::List {
                                    item: resolve(item),
                                    style: *style,
                                },
                                ir::ParamValue::Json(t) => ir::ParamValue::Json(resolve(t)),
                            },
                            required: p.required,
                            doc: p.doc.clone(),
                            details: p.details.clone(),
                            constraints: p.constraints.clone(),
                        })
                        .collect(),
                    body: d.body.as_ref().map(|b| ir::Body {
                        ty: resolve(&b.ty),
                        media: resolve_media(&b.media),
                        alternatives: b
                            .alternatives
                            .iter()
                            .map(|v| ir::BodyVariant {
                                ty: resolve(&v.ty),
                                media: resolve_media(&v.media),
                            })
                            .collect(),
                        checked: false,
                        required: b.required,
                        doc: b.doc.clone(),
                    }),
                    success: ir::Success {
                        body: resolve(&responses.success.body),
                        body_may_be_absent: responses.success.body_may_be_absent,
                    },
                    successes: responses.successes.iter().map(outcome).collect(),
                    errors: responses.errors.iter().map(outcome).collect(),
                    summary: d.summary,
                    description: d.description,
                    deprecated: d.deprecated,
                    server: d.server,
                    auth: d.auth,
                    pagination: pagination.map(|p| ir::Pagination {
                        cursor_param: p.cursor_param,
                        cursor_field: p.cursor_field,
                        cursor_optional: p.cursor_optional,
                        items_field: p.items_field,
                        items_optional: p.items_optional,
                        item: resolve(&p.item),
                        limit_param: p.limit_param,
                    }),
                    tags: d.tags,
                    features: Vec::new(),
                }
            })
            .collect()
    }

    /// The package around the types and operations: `[package]` and `[client]` of the
    /// customisation file, or what the spec's `info` and `servers` say.
    fn package(
        &mut self,
        types: Vec<ir::TypeDef>,
        operations: Vec<ir::Operation>,
        runtime_dep: &str,
    ) -> ir::Api {
        let info = &self.api.info;
        let pkg = &self.config.package;
        let title = info.title.clone();
        let package = pkg
            .name
            .clone()
            .unwrap_or_else(|| naming::package_name(&title));
        let base_url = self
            .config
            .client
            .base_url
            .clone()
            .or_else(|| self.api.servers.first().map(substitute_server))
            .unwrap_or_else(|| {
                self.diags.warn(
                    "#/servers",
                    "the spec names no server; the client needs a base URL at run time",
                );
                "http://localhost".into()
            });
        let env = naming::env_prefix(&package);
        let api_key_env = self
            .config
            .client
            .api_key_env
            .clone()
            .unwrap_or_else(|| format!("{env}_API_KEY"));
        let base_url_env = self
            .config
            .client
            .base_url_env
            .clone()
            .unwrap_or_else(|| format!("{env}_BASE_URL"));
        let runtime_dep = match &pkg.runtime {
            Some(r) if r.contains('=') => r.clone(),
            Some(r) => format!("version = \"{r}\""),
            None => runtime_dep.to_string(),
        };
        ir::Api {
            lib_name: package.replace('-', "_"),
            version: pkg.version.clone().unwrap_or_else(|| "0.1.0".into()),
            description: pkg
                .description
                .clone()
                .unwrap_or_else(|| format!("Typed async client for the {title}")),
            license: pkg
                .license
                .clone()
                .unwrap_or_else(|| "MIT OR Apache-2.0".into()),
            runtime_dep,
            package,
            title,
            api_version: info.version.clone(),
            doc: non_empty(&info.description),
            base_url,
            api_key_env,
            base_url_env,
            auth: operations.iter().any(|o| o.auth),
            types,
            operations,
            waiters: Vec::new(),
            places: BTreeMap::new(),
            aliases: ir::Aliases::default(),
            features: Vec::new(),
            gates: BTreeMap::new(),
        }
    }
}

/// Names the form type of every multipart body (`{Builder}Form`, numbered past any type or
/// other form of that name): the body's type is that form.
fn name_forms(operations: &mut [ir::Operation], names: &Names) {
    let mut taken: BTreeSet<String> = names.values().cloned().collect();
    for op in operations {
        let Some(body) = &mut op.body else { continue };
        for (media, ty) in body.variants_mut() {
            if matches!(media, ir::BodyMedia::Multipart { .. }) {
                *ty = TypeRef::Named(naming::unique(&format!("{}Form", op.builder), &mut taken));
            }
        }
    }
}

/// `pointer` (`#/paths/~1x/get/parameters/2/schema`) with each parameter index written as the
/// parameter's place and name (`parameters/query:limit`), which survive a reordering upstream.
fn stable_pointer(raw: &serde_json::Value, pointer: &str) -> String {
    let body = pointer.strip_prefix('#').unwrap_or(pointer);
    let mut out = String::from("#");
    let mut at = String::new();
    let mut previous = "";
    for segment in body.split('/').skip(1) {
        at.push('/');
        at.push_str(segment);
        let mut shown = segment.to_string();
        if previous == "parameters" && segment.parse::<usize>().is_ok() {
            if let Some(param) = raw.pointer(&at) {
                if let (Some(place), Some(name)) = (
                    param.get("in").and_then(|v| v.as_str()),
                    param.get("name").and_then(|v| v.as_str()),
                ) {
                    shown = format!("{place}:{}", name.replace('~', "~0").replace('/', "~1"));
                }
            }
        }
        out.push('/');
        out.push_str(&shown);
        previous = segment;
    }
    out
}

/// The role every place (JSON pointer) of a merged type shares: `Body` for bodies of more than
/// one kind, `None` when some place is not a body.
fn shared_role(ptrs: &[&str]) -> Option<naming::inline::Role> {
    let roles: BTreeSet<Option<naming::inline::Role>> =
        ptrs.iter().map(|p| naming::inline::Role::of(p)).collect();
    match roles.into_iter().collect::<Vec<_>>().as_slice() {
        [one] => *one,
        several if several.iter().all(Option::is_some) => Some(naming::inline::Role::Body),
        _ => None,
    }
}
