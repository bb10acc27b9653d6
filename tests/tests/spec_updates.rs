//! Spec updates replayed through the name lock, as `cargo xtask codegen` meets them.
//!
//! `a_spec_updated_step_by_step_keeps_its_users_compiling`: a made-up API of our own goes
//! through eight upstream changes one by one (every `operationId` renamed, schemas moved, an
//! operation added and one removed, a field's type changed, an enum value added, a required
//! parameter added, the aliases dropped) and a regeneration of the same document, each
//! generated with the lock file and `CHANGELOG.md` the step before wrote. After every step: the
//! exact changes reported and their classes, the version bump, no public name gone without a
//! deprecated alias (unless its operation went), every alias emitted, and the changelog's new
//! entry. At the steps that matter, `cargo check` of the crate and of a consumer written against
//! the first generation, in a workspace of its own under `target/spec-updates/`: the consumer
//! compiles (with `renamed upstream` deprecation warnings) while no breaking change has been
//! reported, and fails on a reported item once one has.
//!
//! Three smaller updates of the same API, each a test of its own: a moved schema matched by its
//! shape under renames found in the same update, a method name taken by another operation, and
//! the mock routes of renamed operations.
//!
//! `the_excerpts_update_to_the_full_documents`: each vendored excerpt (the seed pages) generated
//! first, then its full document as an update of it: what the excerpt's users called and named
//! is still there, or the report says why not.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use sdkgen::changes::{self, Change, Class};
use sdkgen::lock::Lock;
use sdkgen::surface::Surface;
use sdkgen::{History, Input, Output};
use serde_json::{json, Value};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives in the workspace")
        .to_path_buf()
}

/// A directory under the system's temporary directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("sdkgen-spec-updates-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the scratch directory");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// How the generated crates depend on the runtime: by absolute path, so that they build from
/// anywhere.
fn runtime_dep() -> String {
    let runtime = workspace().join("codegen").join("runtime");
    format!("path = {:?}", runtime.display().to_string())
}

/// One generation after the one whose lock is at `lock` (none yet: a first generation); writes
/// the new lock there, as the xtask does.
fn generate(
    spec: &Path,
    config: Option<PathBuf>,
    label: &str,
    lock: &Path,
    changelog: Option<&str>,
    drop_aliases: bool,
) -> Output {
    let input = Input {
        spec: spec.to_path_buf(),
        config,
        runtime_dep: runtime_dep(),
        source_label: label.to_string(),
    };
    let history = History {
        lock: Some(lock.to_path_buf()),
        changelog: changelog.map(str::to_string),
        drop_aliases,
    };
    let out = sdkgen::generate_with(&input, &history).unwrap_or_else(|diags| {
        let shown: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        panic!("{label} does not generate:\n{}", shown.join("\n"))
    });
    std::fs::write(lock, &out.lock).expect("write the lock");
    out
}

fn file<'a>(out: &'a Output, path: &str) -> &'a str {
    out.files
        .iter()
        .find(|f| f.path == path)
        .map(|f| f.content.as_str())
        .unwrap_or_else(|| panic!("no {path} generated"))
}

fn lock_of(out: &Output) -> Lock {
    Lock::parse(&out.lock).expect("the lock the generator wrote reads back")
}

/// Every public name of a crate, with what it names: `method`, `request builder`, `error enum`
/// or `type` (the words of the changelog), current items and deprecated aliases alike.
fn public_names(s: &Surface) -> BTreeSet<(&'static str, String)> {
    let mut names = BTreeSet::new();
    for (name, m) in &s.methods {
        names.insert(("method", name.clone()));
        names.insert(("request builder", m.builder.clone()));
        names.insert(("error enum", m.error.clone()));
    }
    for name in s.types.keys() {
        names.insert(("type", name.clone()));
    }
    for (kind, aliases) in alias_maps(s) {
        for alias in aliases.keys() {
            names.insert((kind, alias.clone()));
        }
    }
    names
}

fn alias_maps(s: &Surface) -> [(&'static str, &BTreeMap<String, String>); 4] {
    [
        ("method", &s.aliases.methods),
        ("request builder", &s.aliases.builders),
        ("error enum", &s.aliases.errors),
        ("type", &s.aliases.types),
    ]
}

/// The operation a method calls, waiters included (`waiter polling GET /x` → `GET /x`).
fn operation_of(m: &sdkgen::surface::Method) -> &str {
    m.operation
        .strip_prefix("waiter polling ")
        .unwrap_or(&m.operation)
}

/// The JSON pointer of an operation (`GET /things/{id}` → `#/paths/~1things~1{id}/get`).
fn operation_pointer(operation: &str) -> String {
    let (method, path) = operation.split_once(' ').expect("`METHOD /path`");
    let path = path.replace('~', "~0").replace('/', "~1");
    format!("#/paths/{path}/{}", method.to_lowercase())
}

/// The public names of `before` that belong to operations `after` no longer has: their
/// methods, builders and error enums, the aliases of those, and the types that stood only in
/// those operations.
fn names_of_removed_operations(before: &Lock, after: &Surface) -> BTreeSet<(&'static str, String)> {
    let still: BTreeSet<&str> = after.methods.values().map(operation_of).collect();
    let mut gone = BTreeSet::new();
    let mut pointers = Vec::new();
    for (name, m) in &before.surface.methods {
        if still.contains(operation_of(m)) {
            continue;
        }
        pointers.push(operation_pointer(operation_of(m)));
        gone.insert(("method", name.clone()));
        gone.insert(("request builder", m.builder.clone()));
        gone.insert(("error enum", m.error.clone()));
    }
    for (kind, aliases) in alias_maps(&before.surface) {
        for (alias, target) in aliases {
            if gone.contains(&(kind, target.clone())) {
                gone.insert((kind, alias.clone()));
            }
        }
    }
    for (name, places) in &before.places {
        let only_there = !places.is_empty()
            && places
                .iter()
                .all(|p| pointers.iter().any(|op| p.starts_with(&format!("{op}/"))));
        if only_there {
            gone.insert(("type", name.clone()));
        }
    }
    gone
}

/// Asserts that every public name of `before` is still a name of `after` (an item or a
/// deprecated alias), unless its operation was removed or, with `aliases_dropped`, it was an
/// alias whose removal `out` reports as breaking.
fn assert_no_name_lost(step: &str, before: &Lock, out: &Output, aliases_dropped: bool) {
    let after = lock_of(out).surface;
    let now = public_names(&after);
    let removed = names_of_removed_operations(before, &after);
    let was_alias: BTreeSet<(&str, String)> = alias_maps(&before.surface)
        .into_iter()
        .flat_map(|(kind, a)| a.keys().map(move |k| (kind, k.clone())))
        .collect();
    let mut lost = Vec::new();
    for name in public_names(&before.surface) {
        if now.contains(&name) || removed.contains(&name) {
            continue;
        }
        if aliases_dropped && was_alias.contains(&name) {
            let item = format!("{} `{}`", name.0, name.1);
            assert!(
                out.changes.iter().any(|c| c.class == Class::Breaking
                    && c.item == item
                    && c.what.contains("alias")),
                "{step}: the dropped alias {item} is not reported as breaking"
            );
            continue;
        }
        lost.push(format!("{} `{}`", name.0, name.1));
    }
    assert!(
        lost.is_empty(),
        "{step}: public names gone without a deprecated alias (their operations are still there):\n  {}",
        lost.join("\n  ")
    );
}

/// Asserts that every alias the lock records is emitted: a deprecated forwarding method for a
/// method, a deprecated `pub type` for a builder, an error enum or a type.
fn assert_aliases_emitted(step: &str, out: &Output) {
    let surface = lock_of(out).surface;
    let builders = file(out, "src/builders.rs");
    for (old, new) in &surface.aliases.methods {
        assert!(
            builders.contains(&format!("pub fn {old}("))
                && builders.contains(&format!("self.{new}(")),
            "{step}: no deprecated method `{old}` forwarding to `{new}` in builders.rs"
        );
    }
    for (path, aliases) in [
        ("src/builders.rs", &surface.aliases.builders),
        ("src/errors.rs", &surface.aliases.errors),
        ("src/types.rs", &surface.aliases.types),
    ] {
        let text = file(out, path);
        for (old, new) in aliases {
            assert!(
                text.contains(&format!("pub type {old} = {new};")),
                "{step}: no deprecated `pub type {old} = {new};` in {path}"
            );
        }
    }
    let deprecated = out
        .files
        .iter()
        .filter(|f| f.path.ends_with(".rs"))
        .map(|f| f.content.matches("renamed upstream: use").count())
        .sum::<usize>();
    // Each alias has its note; a renamed method's mock route (`on_<old>`) has one too.
    let mock = file(out, "src/mock.rs");
    for (old, new) in &surface.aliases.methods {
        assert!(
            mock.contains(&format!("pub fn on_{old}("))
                && mock.contains(&format!("self.on_{new}(")),
            "{step}: no deprecated mock route `on_{old}` forwarding to `on_{new}` in mock.rs"
        );
    }
    let aliases = alias_maps(&surface)
        .iter()
        .map(|(_, a)| a.len())
        .sum::<usize>()
        + surface.aliases.methods.len();
    assert_eq!(
        deprecated, aliases,
        "{step}: one deprecation note per alias"
    );
}

/// What a step is expected to report: the class, the item exactly, a part of what changed.
type Expected = (Class, &'static str, &'static str);

fn show_changes(changes: &[Change]) -> String {
    changes
        .iter()
        .map(|c| format!("  {}: {c}", c.class.as_str()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Asserts that `actual` is exactly `expected`: each change matches one expectation and each
/// expectation one change.
fn assert_changes(step: &str, actual: &[Change], expected: &[Expected]) {
    let mut used = vec![false; expected.len()];
    let mut unexpected = Vec::new();
    for c in actual {
        let found = expected
            .iter()
            .enumerate()
            .position(|(i, (class, item, what))| {
                !used[i] && c.class == *class && c.item == *item && c.what.contains(what)
            });
        match found {
            Some(i) => used[i] = true,
            None => unexpected.push(format!("  {}: {c}", c.class.as_str())),
        }
    }
    let missing: Vec<String> = expected
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|((class, item, what), _)| format!("  {}: {item}: …{what}…", class.as_str()))
        .collect();
    assert!(
        unexpected.is_empty() && missing.is_empty(),
        "{step}: the changes differ from the expected ones\nunexpected:\n{}\nmissing:\n{}\nall reported:\n{}",
        unexpected.join("\n"),
        missing.join("\n"),
        show_changes(actual)
    );
}

/// The changelog's newest entry: from its first `## ` heading to the next.
fn top_entry(changelog: &str) -> &str {
    let start = changelog
        .find("\n## ")
        .map(|i| i + 1)
        .expect("the changelog has an entry");
    let rest = &changelog[start..];
    match rest[3..].find("\n## ") {
        Some(end) => &rest[..end + 4],
        None => rest,
    }
}

/// Asserts the version step and the changelog of an update: the version follows the worst
/// change, the new entry is on top, names it and lists each breaking change, and the entries
/// before it are kept.
fn assert_version_and_changelog(step: &str, out: &Output, previous: &Output) {
    assert_eq!(
        out.previous_version.as_deref(),
        Some(previous.version.as_str()),
        "{step}: the previous version is the one the lock recorded"
    );
    let bumped = changes::bump(&previous.version, changes::worst(&out.changes));
    assert_eq!(
        out.version, bumped,
        "{step}: the version follows the worst change"
    );
    assert_eq!(
        lock_of(out).version,
        out.version,
        "{step}: the lock records the version"
    );
    let changelog = file(out, "CHANGELOG.md");
    let entry = top_entry(changelog);
    assert!(
        entry.starts_with(&format!("## {}\n", out.version)),
        "{step}: the top entry is not the new version {}:\n{entry}",
        out.version
    );
    for c in out.changes.iter().filter(|c| c.class == Class::Breaking) {
        assert!(
            entry.contains(&format!("- {c}\n")),
            "{step}: the entry does not mention the breaking change `{c}`:\n{entry}"
        );
    }
    let before = file(previous, "CHANGELOG.md");
    let older = &before[before.find("\n## ").expect("an entry") + 1..];
    assert!(
        changelog.ends_with(older),
        "{step}: the earlier entries are not kept below the new one:\n{changelog}"
    );
}

// The made-up API.

fn orchard() -> Value {
    let tree_id =
        json!({"name": "treeId", "in": "path", "required": true, "schema": {"type": "string"}});
    let problem = json!({"$ref": "#/components/schemas/Problem"});
    let tree = json!({"$ref": "#/components/schemas/Tree"});
    let not_found = json!({"description": "No such tree", "content": {"application/json": {"schema": problem}}});
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Orchard", "version": "1.0.0"},
        "servers": [{"url": "https://orchard.example.test/v1"}],
        "security": [{"Key": []}],
        "components": {
            "securitySchemes": {"Key": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "TreeStatus": {"type": "string", "enum": ["growing", "dormant", "felled"]},
                "Tree": {
                    "type": "object",
                    "required": ["id", "species", "height"],
                    "properties": {
                        "id": {"type": "string"},
                        "species": {"type": "string"},
                        "height": {"type": "number", "format": "double"},
                        "status": {"$ref": "#/components/schemas/TreeStatus"}
                    }
                },
                "NewTree": {
                    "type": "object",
                    "required": ["species"],
                    "properties": {
                        "species": {"type": "string"},
                        "height": {"type": "number", "format": "double"},
                        "planted_on": {"type": "string", "format": "date"}
                    }
                },
                "Problem": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": {"type": "integer", "format": "int32"},
                        "message": {"type": "string"}
                    }
                }
            }
        },
        "paths": {
            "/trees": {
                "get": {
                    "operationId": "listTrees",
                    "summary": "List the trees",
                    "parameters": [
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "format": "int32"}},
                        {"name": "order", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}},
                        {"name": "species", "in": "query", "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {
                            "description": "The trees",
                            "content": {"application/json": {"schema": {
                                "type": "object",
                                "required": ["trees"],
                                "properties": {
                                    "trees": {"type": "array", "items": tree},
                                    "total": {"type": "integer", "format": "int64"}
                                }
                            }}}
                        }
                    }
                },
                "post": {
                    "operationId": "createTree",
                    "summary": "Plant a tree",
                    "requestBody": {
                        "required": true,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewTree"}}}
                    },
                    "responses": {
                        "201": {"description": "The new tree", "content": {"application/json": {"schema": tree}}},
                        "400": {"description": "Invalid tree", "content": {"application/json": {"schema": problem}}}
                    }
                }
            },
            "/trees/{treeId}": {
                "get": {
                    "operationId": "getTree",
                    "summary": "One tree",
                    "parameters": [tree_id],
                    "responses": {
                        "200": {"description": "The tree", "content": {"application/json": {"schema": tree}}},
                        "404": not_found
                    }
                },
                "patch": {
                    "operationId": "updateTree",
                    "summary": "Change a tree",
                    "parameters": [tree_id],
                    "requestBody": {
                        "required": true,
                        "content": {"application/json": {"schema": {
                            "type": "object",
                            "properties": {
                                "height": {"type": "number", "format": "double"},
                                "status": {"$ref": "#/components/schemas/TreeStatus"}
                            }
                        }}}
                    },
                    "responses": {
                        "200": {"description": "The tree as changed", "content": {"application/json": {"schema": tree}}},
                        "404": not_found
                    }
                },
                "delete": {
                    "operationId": "deleteTree",
                    "summary": "Fell a tree",
                    "parameters": [tree_id],
                    "responses": {"204": {"description": "Felled"}, "404": not_found}
                }
            },
            "/trees/{treeId}/harvests": {
                "get": {
                    "operationId": "listHarvests",
                    "summary": "What a tree gave",
                    "parameters": [
                        tree_id,
                        {"name": "since", "in": "query", "schema": {"type": "string", "format": "date"}}
                    ],
                    "responses": {
                        "200": {
                            "description": "The harvests, oldest first",
                            "content": {"application/json": {"schema": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["id", "weight_kg"],
                                    "properties": {
                                        "id": {"type": "string"},
                                        "weight_kg": {"type": "number", "format": "double"},
                                        "picked_on": {"type": "string", "format": "date"}
                                    }
                                }
                            }}}
                        }
                    }
                }
            }
        }
    })
}

fn operation<'a>(spec: &'a mut Value, path: &str, method: &str) -> &'a mut Value {
    let op = &mut spec["paths"][path][method];
    assert!(op.is_object(), "no {method} {path} in the fixture");
    op
}

fn json_schema(at: &mut Value) -> &mut Value {
    &mut at["content"]["application/json"]["schema"]
}

/// (1) Upstream renames every `operationId`.
fn rename_operations(spec: &mut Value) {
    for (path, method, id) in [
        ("/trees", "get", "browseTrees"),
        ("/trees", "post", "plantTree"),
        ("/trees/{treeId}", "get", "fetchTree"),
        ("/trees/{treeId}", "patch", "tendTree"),
        ("/trees/{treeId}", "delete", "fellTree"),
        ("/trees/{treeId}/harvests", "get", "listTreeHarvests"),
    ] {
        operation(spec, path, method)["operationId"] = id.into();
    }
}

/// (2) Upstream moves schemas around: the query parameters of `GET /trees` in another order, its
/// inline response moved into `components/schemas` as `TreePage`, and the component `NewTree`
/// renamed `TreeDraft`.
fn move_schemas(spec: &mut Value) {
    let list = operation(spec, "/trees", "get");
    list["parameters"]
        .as_array_mut()
        .expect("parameters")
        .reverse();
    let page = std::mem::replace(
        json_schema(&mut list["responses"]["200"]),
        json!({"$ref": "#/components/schemas/TreePage"}),
    );
    let schemas = spec["components"]["schemas"]
        .as_object_mut()
        .expect("schemas");
    schemas.insert("TreePage".into(), page);
    let draft = schemas.remove("NewTree").expect("NewTree");
    schemas.insert("TreeDraft".into(), draft);
    *json_schema(&mut operation(spec, "/trees", "post")["requestBody"]) =
        json!({"$ref": "#/components/schemas/TreeDraft"});
}

/// (3) Upstream adds an operation, with an inline request body.
fn add_operation(spec: &mut Value) {
    spec["paths"]["/trees/{treeId}/harvests"]["post"] = json!({
        "operationId": "recordHarvest",
        "summary": "Record a harvest",
        "parameters": [{"name": "treeId", "in": "path", "required": true, "schema": {"type": "string"}}],
        "requestBody": {
            "required": true,
            "content": {"application/json": {"schema": {
                "type": "object",
                "required": ["weight_kg"],
                "properties": {
                    "weight_kg": {"type": "number", "format": "double"},
                    "picked_on": {"type": "string", "format": "date"}
                }
            }}}
        },
        "responses": {"201": {"description": "Recorded"}}
    });
}

/// (4) Upstream removes `DELETE /trees/{treeId}`.
fn remove_operation(spec: &mut Value) {
    spec["paths"]["/trees/{treeId}"]
        .as_object_mut()
        .expect("path item")
        .remove("delete")
        .expect("the operation was there");
}

/// (5) Upstream changes a field's type: a tree's height becomes a string.
fn change_field_type(spec: &mut Value) {
    spec["components"]["schemas"]["Tree"]["properties"]["height"] = json!({"type": "string"});
}

/// (6) Upstream adds a value to a string enum.
fn add_enum_value(spec: &mut Value) {
    spec["components"]["schemas"]["TreeStatus"]["enum"]
        .as_array_mut()
        .expect("enum")
        .push("sapling".into());
}

/// (7) Upstream adds a required query parameter.
fn add_required_parameter(spec: &mut Value) {
    operation(spec, "/trees/{treeId}/harvests", "get")["parameters"]
        .as_array_mut()
        .expect("parameters")
        .push(json!({"name": "season", "in": "query", "required": true, "schema": {"type": "string"}}));
}

/// Code written against the first generation of the made-up API's crate: it calls several
/// methods, names builders, an error enum and types, and builds request structs.
const CONSUMER: &str = r#"//! Written against the first generation of the crate.
use orchard_client::builders::ListTrees;
use orchard_client::errors::GetTreeError;
use orchard_client::types::{
    ListHarvestsResponseItem, ListTreesOrder, ListTreesResponse, NewTree, Tree, TreeStatus,
    UpdateTreeRequest,
};
use orchard_client::{Client, Error};

pub fn first_page(client: &Client) -> ListTrees {
    client.list_trees().limit(20).order(ListTreesOrder::Desc).species("apple")
}

pub async fn tend(client: &Client) -> Result<Vec<ListHarvestsResponseItem>, Box<dyn std::error::Error>> {
    let page: ListTreesResponse = first_page(client).await?;
    let draft = NewTree {
        species: "pear".into(),
        height: Some(1.5),
        planted_on: None,
    };
    let planted: Tree = client.create_tree(draft).await?;
    let tree = match client.get_tree(planted.id.clone()).await {
        Ok(tree) => tree,
        Err(Error::Api { error: GetTreeError::NotFound(problem), .. }) => return Err(problem.message.into()),
        Err(e) => return Err(e.into()),
    };
    let change = UpdateTreeRequest {
        status: Some(TreeStatus::Dormant),
        ..Default::default()
    };
    client.update_tree(tree.id.clone(), change).await?;
    if page.trees.len() > 100 {
        client.delete_tree(tree.id.clone()).await?;
    }
    Ok(client.list_harvests(tree.id).await?)
}
"#;

/// What the consumer calls and names by the first generation's names: each must draw a
/// deprecation warning once it is an alias.
const CONSUMER_NAMES: [&str; 11] = [
    "list_trees",
    "create_tree",
    "get_tree",
    "update_tree",
    "delete_tree",
    "list_harvests",
    "ListTrees",
    "GetTreeError",
    "ListTreesOrder",
    "NewTree",
    "UpdateTreeRequest",
];

/// A cargo workspace of its own under `target/spec-updates/`, with the generated crate
/// (`client/`) and the consumer (`consumer/`), checked in a target directory kept between runs.
struct CheckWorkspace {
    root: PathBuf,
}

struct Checked {
    ok: bool,
    stderr: String,
}

impl CheckWorkspace {
    fn new() -> CheckWorkspace {
        let root = workspace().join("target").join("spec-updates");
        std::fs::create_dir_all(root.join("consumer").join("src"))
            .expect("create the check workspace");
        std::fs::write(
            root.join("Cargo.toml"),
            "# Written by tests/tests/spec_updates.rs.\n[workspace]\nresolver = \"2\"\nmembers = [\"client\", \"consumer\"]\n",
        )
        .expect("write the workspace manifest");
        std::fs::write(
            root.join("consumer").join("Cargo.toml"),
            "[package]\nname = \"orchard-consumer\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\norchard-client = { path = \"../client\" }\n",
        )
        .expect("write the consumer manifest");
        std::fs::write(root.join("consumer").join("src").join("lib.rs"), CONSUMER)
            .expect("write the consumer");
        // The dependency versions this workspace built with: resolution needs no registry.
        std::fs::copy(workspace().join("Cargo.lock"), root.join("Cargo.lock"))
            .expect("copy Cargo.lock");
        CheckWorkspace { root }
    }

    fn write_client(&self, out: &Output) {
        sdkgen::write::sync(&self.root.join("client"), &out.files, false)
            .expect("write the client");
    }

    fn check(&self, package: &str) -> Checked {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let started = Instant::now();
        let output = Command::new(cargo)
            .args([
                "check",
                "--offline",
                "--quiet",
                "--color",
                "never",
                "--package",
                package,
            ])
            .current_dir(&self.root)
            .env("CARGO_TARGET_DIR", self.root.join("target"))
            // Deprecation warnings are expected: flags that deny warnings must not reach this.
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("CARGO_BUILD_RUSTFLAGS")
            .output()
            .expect("run cargo check");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        println!(
            "cargo check -p {package}: {} in {:.1?}",
            if output.status.success() {
                "ok"
            } else {
                "failed"
            },
            started.elapsed()
        );
        Checked {
            ok: output.status.success(),
            stderr,
        }
    }
}

/// The deprecation warnings of a check that mention `renamed upstream`.
fn renamed_upstream_warnings(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("warning: use of deprecated") && l.contains("renamed upstream"))
        .collect()
}

/// One step of the replay: what upstream did, what the generator must report, and what to
/// compile afterwards.
struct Step {
    name: &'static str,
    mutate: fn(&mut Value),
    drop_aliases: bool,
    version: &'static str,
    expected: Vec<Expected>,
    compile: bool,
}

/// A string for an expectation made from parts (a test's few, never freed).
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn steps() -> Vec<Step> {
    use Class::{Additive, Breaking, Internal};
    let mut renames = Vec::new();
    for (old, new, old_type, new_type) in [
        ("list_trees", "browse_trees", "ListTrees", "BrowseTrees"),
        ("create_tree", "plant_tree", "CreateTree", "PlantTree"),
        ("get_tree", "fetch_tree", "GetTree", "FetchTree"),
        ("update_tree", "tend_tree", "UpdateTree", "TendTree"),
        ("delete_tree", "fell_tree", "DeleteTree", "FellTree"),
        (
            "list_harvests",
            "list_tree_harvests",
            "ListHarvests",
            "ListTreeHarvests",
        ),
    ] {
        let item = leak(format!("method `{old}`"));
        renames.push((
            Additive,
            item,
            leak(format!(
                "renamed upstream to `{new}`; `{old}` stays as a deprecated alias"
            )),
        ));
        renames.push((
            Additive,
            item,
            leak(format!("request builder `{old_type}` is now `{new_type}`; the old name stays as a deprecated alias")),
        ));
        renames.push((
            Additive,
            item,
            leak(format!("error enum `{old_type}Error` is now `{new_type}Error`; the old name stays as a deprecated alias")),
        ));
    }
    renames.extend([
        (
            Additive,
            "enum `ListTreesOrder`",
            "renamed upstream to `BrowseTreesOrder`",
        ),
        (
            Additive,
            "struct `ListTreesResponse`",
            "renamed upstream to `BrowseTreesResponse`",
        ),
        (
            Additive,
            "struct `UpdateTreeRequest`",
            "renamed upstream to `TendTreeRequest`",
        ),
        (
            Additive,
            "struct `ListHarvestsResponseItem`",
            "renamed upstream to `ListTreeHarvestsResponseItem`",
        ),
    ]);
    vec![
        Step {
            name: "(1) every operationId renamed",
            mutate: rename_operations,
            drop_aliases: false,
            version: "0.1.1",
            expected: renames,
            compile: true,
        },
        Step {
            name: "(2) schemas moved",
            mutate: move_schemas,
            drop_aliases: false,
            version: "0.1.2",
            expected: vec![
                (
                    Additive,
                    "struct `BrowseTreesResponse`",
                    "renamed upstream to `TreePage`",
                ),
                (
                    Additive,
                    "struct `NewTree`",
                    "renamed upstream to `TreeDraft`",
                ),
            ],
            compile: true,
        },
        Step {
            name: "(3) an operation added",
            mutate: add_operation,
            drop_aliases: false,
            version: "0.1.3",
            expected: vec![
                (Additive, "method `record_harvest`", "new operation"),
                (Additive, "struct `RecordHarvestRequest`", "new type"),
            ],
            compile: false,
        },
        Step {
            name: "(4) an operation removed",
            mutate: remove_operation,
            drop_aliases: false,
            version: "0.2.0",
            expected: vec![
                (
                    Breaking,
                    "method `fell_tree`",
                    "removed: the operation is no longer in the spec",
                ),
                (
                    Breaking,
                    "method `delete_tree`",
                    "the deprecated alias of `fell_tree` is removed",
                ),
                (
                    Breaking,
                    "request builder `DeleteTree`",
                    "the deprecated alias of `FellTree` is removed",
                ),
                (
                    Breaking,
                    "error enum `DeleteTreeError`",
                    "the deprecated alias of `FellTreeError` is removed",
                ),
            ],
            compile: true,
        },
        Step {
            name: "(5) a field type changed",
            mutate: change_field_type,
            drop_aliases: false,
            version: "0.3.0",
            expected: vec![(
                Breaking,
                "struct `Tree`",
                "field `height` is now `String` (was `f64`)",
            )],
            compile: false,
        },
        Step {
            name: "(6) an enum value added",
            mutate: add_enum_value,
            drop_aliases: false,
            version: "0.3.1",
            expected: vec![(Additive, "enum `TreeStatus`", "new value `sapling`")],
            compile: false,
        },
        Step {
            name: "(7) a required parameter added",
            mutate: add_required_parameter,
            drop_aliases: false,
            version: "0.4.0",
            expected: vec![
                (
                    Breaking,
                    "method `list_tree_harvests`",
                    "arguments changed from (tree_id: String) to (tree_id: String, season: String)",
                ),
                (
                    Internal,
                    "method `list_tree_harvests`",
                    "documentation changed",
                ),
            ],
            compile: false,
        },
        Step {
            name: "(8) the aliases dropped",
            mutate: |_| {},
            drop_aliases: true,
            version: "0.5.0",
            expected: [
                ("method `list_trees`", "`browse_trees`"),
                ("method `create_tree`", "`plant_tree`"),
                ("method `get_tree`", "`fetch_tree`"),
                ("method `update_tree`", "`tend_tree`"),
                ("method `list_harvests`", "`list_tree_harvests`"),
                ("request builder `ListTrees`", "`BrowseTrees`"),
                ("request builder `CreateTree`", "`PlantTree`"),
                ("request builder `GetTree`", "`FetchTree`"),
                ("request builder `UpdateTree`", "`TendTree`"),
                ("request builder `ListHarvests`", "`ListTreeHarvests`"),
                ("error enum `ListTreesError`", "`BrowseTreesError`"),
                ("error enum `CreateTreeError`", "`PlantTreeError`"),
                ("error enum `GetTreeError`", "`FetchTreeError`"),
                ("error enum `UpdateTreeError`", "`TendTreeError`"),
                ("error enum `ListHarvestsError`", "`ListTreeHarvestsError`"),
                ("type `ListTreesOrder`", "`BrowseTreesOrder`"),
                ("type `ListTreesResponse`", "`TreePage`"),
                ("type `BrowseTreesResponse`", "`TreePage`"),
                ("type `UpdateTreeRequest`", "`TendTreeRequest`"),
                (
                    "type `ListHarvestsResponseItem`",
                    "`ListTreeHarvestsResponseItem`",
                ),
                ("type `NewTree`", "`TreeDraft`"),
            ]
            .into_iter()
            .map(|(item, target)| (Breaking, item, target))
            .collect(),
            compile: true,
        },
        Step {
            name: "(9) the same document again",
            mutate: |_| {},
            drop_aliases: false,
            version: "0.5.0",
            expected: Vec::new(),
            compile: false,
        },
        Step {
            name: "(10) the operations tagged",
            mutate: tag_operations,
            drop_aliases: false,
            version: "0.6.0",
            expected: vec![(
                Breaking,
                "crate",
                "operations are now in cargo features (`harvests` and `trees`), all on by default: a build with `default-features = false` must name the ones it uses",
            )],
            compile: false,
        },
        Step {
            name: "(11) a second tag on one operation",
            mutate: add_second_tag,
            drop_aliases: false,
            version: "0.6.1",
            // `fetch_tree` and what it reaches are compiled with either feature now.
            expected: ["method `fetch_tree`", "enum `TreeStatus`", "struct `Problem`", "struct `Tree`"]
                .into_iter()
                .map(|item| (Additive, item, "also enabled by the feature `harvests`"))
                .collect(),
            compile: false,
        },
        Step {
            name: "(12) an operation's tag replaced",
            mutate: replace_tag,
            drop_aliases: false,
            version: "0.7.0",
            // Only what the moved operation alone reaches changes features.
            expected: vec![
                (
                    Breaking,
                    "method `list_tree_harvests`",
                    "no longer enabled by the feature `harvests`; now by `seasons`",
                ),
                (
                    Breaking,
                    "struct `ListTreeHarvestsResponseItem`",
                    "no longer enabled by the feature `harvests`; now by `seasons`",
                ),
                (Additive, "feature `seasons`", "new feature, on by default"),
            ],
            compile: false,
        },
    ]
}

/// (10) Upstream tags every operation: `Trees` and `Harvests`.
fn tag_operations(spec: &mut Value) {
    let paths = spec["paths"].as_object_mut().expect("paths");
    for (path, item) in paths.iter_mut() {
        let tag = if path.ends_with("/harvests") {
            "Harvests"
        } else {
            "Trees"
        };
        for op in item.as_object_mut().expect("a path item").values_mut() {
            op["tags"] = json!([tag]);
        }
    }
}

/// (11) Upstream tags `GET /trees/{treeId}` `Harvests` too.
fn add_second_tag(spec: &mut Value) {
    operation(spec, "/trees/{treeId}", "get")["tags"] = json!(["Trees", "Harvests"]);
}

/// (12) Upstream moves `GET /trees/{treeId}/harvests` from `Harvests` to a new tag, `Seasons`.
fn replace_tag(spec: &mut Value) {
    operation(spec, "/trees/{treeId}/harvests", "get")["tags"] = json!(["Seasons"]);
}

#[test]
fn a_spec_updated_step_by_step_keeps_its_users_compiling() {
    let started = Instant::now();
    let scratch = Scratch::new("replay");
    let spec_path = scratch.0.join("orchard.json");
    let lock_path = scratch.0.join("orchard.lock.json");
    let check = CheckWorkspace::new();
    let mut spec = orchard();

    std::fs::write(
        &spec_path,
        serde_json::to_string_pretty(&spec).expect("json"),
    )
    .expect("write the spec");
    let first = generate(&spec_path, None, "orchard.json", &lock_path, None, false);
    assert!(
        first.warnings.is_empty(),
        "the fixture gives no warnings: {:?}",
        first.warnings
    );
    assert!(
        first.changes.is_empty() && first.previous_version.is_none(),
        "a first generation"
    );
    assert_eq!(first.version, "0.1.0");
    assert!(top_entry(file(&first, "CHANGELOG.md")).starts_with("## 0.1.0\n"));
    assert!(
        file(&first, "Cargo.toml").contains("name = \"orchard-client\""),
        "the consumer's dependency"
    );
    check.write_client(&first);
    let checked = check.check("orchard-consumer");
    assert!(
        checked.ok,
        "the first generation and its consumer compile:\n{}",
        checked.stderr
    );

    let mut previous = first;
    // The names of the items reported broken since the first generation.
    let mut breaking_since_first = BTreeSet::new();
    for step in steps() {
        (step.mutate)(&mut spec);
        std::fs::write(
            &spec_path,
            serde_json::to_string_pretty(&spec).expect("json"),
        )
        .expect("write the spec");
        let before = lock_of(&previous);
        let out = generate(
            &spec_path,
            None,
            "orchard.json",
            &lock_path,
            Some(file(&previous, "CHANGELOG.md")),
            step.drop_aliases,
        );
        println!(
            "{}: {} -> {}\n{}",
            step.name,
            previous.version,
            out.version,
            show_changes(&out.changes)
        );
        assert!(
            out.warnings.is_empty(),
            "{}: no warnings: {:?}",
            step.name,
            out.warnings
        );
        assert_changes(step.name, &out.changes, &step.expected);
        assert_eq!(out.version, step.version, "{}: the version", step.name);
        assert_version_and_changelog(step.name, &out, &previous);
        assert_no_name_lost(step.name, &before, &out, step.drop_aliases);
        assert_aliases_emitted(step.name, &out);
        if out.changes.is_empty() {
            assert_eq!(out.lock, previous.lock, "{}: the lock is stable", step.name);
            assert_eq!(
                file(&out, "CHANGELOG.md"),
                file(&previous, "CHANGELOG.md"),
                "{}",
                step.name
            );
        }
        for c in out.changes.iter().filter(|c| c.class == Class::Breaking) {
            // `method `fell_tree`` → `fell_tree`; a change of the crate's features names no item.
            let Some(name) = c.item.split('`').nth(1) else {
                continue;
            };
            breaking_since_first.insert(name.to_string());
        }

        if step.compile {
            check.write_client(&out);
            if !breaking_since_first.is_empty() {
                let crate_alone = check.check("orchard-client");
                assert!(
                    crate_alone.ok,
                    "{}: the generated crate compiles:\n{}",
                    step.name, crate_alone.stderr
                );
                // The consumer uses what the fixture breaks: the compiler agrees with the report.
                let consumer = check.check("orchard-consumer");
                assert!(
                    !consumer.ok,
                    "{}: the consumer still compiles after breaking changes were reported",
                    step.name
                );
                let errors: Vec<&str> = consumer
                    .stderr
                    .lines()
                    .filter(|l| l.starts_with("error["))
                    .collect();
                assert!(
                    errors.iter().any(|e| breaking_since_first.iter().any(|name| e.contains(&format!("`{name}`")))),
                    "{}: the consumer's errors name none of the items reported as broken ({:?}):\n{}",
                    step.name,
                    breaking_since_first,
                    consumer.stderr
                );
            } else {
                // Checking the consumer checks the crate it depends on.
                let consumer = check.check("orchard-consumer");
                assert!(
                    consumer.ok,
                    "{}: no breaking change was reported, yet the consumer of the first generation does not compile:\n{}",
                    step.name, consumer.stderr
                );
                let warnings = renamed_upstream_warnings(&consumer.stderr);
                assert!(
                    !warnings.is_empty(),
                    "{}: no `renamed upstream` deprecation warning:\n{}",
                    step.name,
                    consumer.stderr
                );
                let surface = lock_of(&out).surface;
                let aliased = |name: &str| {
                    alias_maps(&surface)
                        .iter()
                        .any(|(_, a)| a.contains_key(name))
                };
                for name in CONSUMER_NAMES.into_iter().filter(|n| aliased(n)) {
                    assert!(
                        warnings.iter().any(|w| w.contains(&format!("::{name}`"))),
                        "{}: no `renamed upstream` deprecation warning for `{name}`:\n{}",
                        step.name,
                        consumer.stderr
                    );
                }
            }
        }
        previous = out;
    }
    println!("{}", file(&previous, "CHANGELOG.md"));
    println!("replayed in {:.1?}", started.elapsed());
}

// Updates the replay above does not go through, each checked on its own.

/// The first generation of the made-up API, then `update` of it; the update's output.
fn update_of_orchard(name: &str, update: fn(&mut Value)) -> (Output, Output) {
    let scratch = Scratch::new(name);
    let spec_path = scratch.0.join("orchard.json");
    let lock_path = scratch.0.join("orchard.lock.json");
    let mut spec = orchard();
    std::fs::write(
        &spec_path,
        serde_json::to_string_pretty(&spec).expect("json"),
    )
    .expect("write the spec");
    let first = generate(&spec_path, None, "orchard.json", &lock_path, None, false);
    update(&mut spec);
    std::fs::write(
        &spec_path,
        serde_json::to_string_pretty(&spec).expect("json"),
    )
    .expect("write the spec");
    let out = generate(
        &spec_path,
        None,
        "orchard.json",
        &lock_path,
        Some(file(&first, "CHANGELOG.md")),
        false,
    );
    println!("{name}:\n{}", show_changes(&out.changes));
    (first, out)
}

/// One update moves the inline response of `GET /trees` (which holds `Tree`s) into
/// `components/schemas` as `TreePage` and renames the component `Tree` to `TreeRecord`.
#[test]
fn a_moved_schema_is_matched_by_its_shape_under_the_new_names() {
    let (_, out) = update_of_orchard("moved-and-renamed", |spec| {
        move_schemas(spec);
        let text = serde_json::to_string(spec).expect("json").replace(
            "\"#/components/schemas/Tree\"",
            "\"#/components/schemas/TreeRecord\"",
        );
        *spec = serde_json::from_str(&text).expect("json");
        let schemas = spec["components"]["schemas"]
            .as_object_mut()
            .expect("schemas");
        let tree = schemas.remove("Tree").expect("Tree");
        schemas.insert("TreeRecord".into(), tree);
    });
    let aliases = lock_of(&out).surface.aliases.types;
    assert_eq!(
        aliases.get("Tree").map(String::as_str),
        Some("TreeRecord"),
        "the renamed component"
    );
    assert_eq!(
        aliases.get("NewTree").map(String::as_str),
        Some("TreeDraft"),
        "the renamed component"
    );
    // The old inline response (`trees: Vec<Tree>`) matches `TreePage` (`trees: Vec<TreeRecord>`)
    // under the rename of `Tree` found in the same update.
    assert_eq!(
        aliases.get("ListTreesResponse").map(String::as_str),
        Some("TreePage"),
        "the moved inline response keeps its old name as an alias:\n{}",
        show_changes(&out.changes)
    );
    assert_eq!(
        changes::worst(&out.changes),
        Some(Class::Additive),
        "{}",
        show_changes(&out.changes)
    );
}

/// One update renames the `operationId` of `GET /trees` to `listTreesLegacy` and gives the old
/// one, `listTrees`, to a new operation `GET /v2/trees` of the same shape.
#[test]
fn a_method_name_taken_by_another_operation_is_reported() {
    let (_, out) = update_of_orchard("name-reused", |spec| {
        let legacy = operation(spec, "/trees", "get");
        legacy["operationId"] = "listTreesLegacy".into();
        let mut v2 = legacy.clone();
        v2["operationId"] = "listTrees".into();
        spec["paths"]["/v2/trees"] = json!({"get": v2});
    });
    let surface = lock_of(&out).surface;
    assert_eq!(surface.methods["list_trees"].operation, "GET /v2/trees");
    assert_eq!(surface.methods["list_trees_legacy"].operation, "GET /trees");
    assert!(
        !surface.aliases.methods.contains_key("list_trees"),
        "no alias can take a name a method has"
    );
    // `list_trees` now sends `GET /v2/trees` instead of `GET /trees`: breaking, though it
    // compiles.
    assert!(
        out.changes.iter().any(|c| c.class == Class::Breaking
            && c.item == "method `list_trees`"
            && c.to_string().contains("GET /v2/trees")),
        "the report says that `list_trees` calls another operation now:\n{}",
        show_changes(&out.changes)
    );
}

/// The `mock` feature's routes (`MockServer::on_<method>`) are public too: users' tests call them.
#[test]
fn renamed_operations_keep_their_mock_routes() {
    let (first, out) = update_of_orchard("mock-routes", rename_operations);
    let before = file(&first, "src/mock.rs");
    let mock = file(&out, "src/mock.rs");
    let aliases = lock_of(&out).surface.aliases.methods;
    assert!(!aliases.is_empty());
    let mut missing = Vec::new();
    for (old, new) in &aliases {
        assert!(
            before.contains(&format!("pub fn on_{old}(")),
            "the first generation has `on_{old}`"
        );
        assert!(
            mock.contains(&format!("pub fn on_{new}(")),
            "the update has `on_{new}`"
        );
        if !mock.contains(&format!("pub fn on_{old}(")) {
            missing.push(format!("on_{old} (now on_{new})"));
        }
    }
    // A test that calls `mock.on_list_trees()` keeps compiling after the rename.
    assert!(
        missing.is_empty(),
        "mock routes renamed with no deprecated alias: {}",
        missing.join(", ")
    );
}

// The seed excerpts → the full documents.

/// The first generation of a vendored excerpt, then its full document as an update of it.
fn excerpt_to_full(excerpt: (&str, &str), full: (&str, &str)) {
    let root = workspace();
    let scratch = Scratch::new("excerpt");
    let lock_path = scratch.0.join("excerpt.lock.json");
    let first = generate(
        &root.join(excerpt.0),
        Some(root.join(excerpt.1)),
        excerpt.0,
        &lock_path,
        None,
        false,
    );
    assert!(
        first.previous_version.is_none() && first.changes.is_empty(),
        "{}: a first generation",
        excerpt.0
    );
    let out = generate(
        &root.join(full.0),
        Some(root.join(full.1)),
        full.0,
        &lock_path,
        Some(file(&first, "CHANGELOG.md")),
        false,
    );
    let step = format!("{} → {}", excerpt.0, full.0);
    let before = lock_of(&first).surface;
    let after = lock_of(&out).surface;
    let breaking: Vec<&Change> = out
        .changes
        .iter()
        .filter(|c| c.class == Class::Breaking)
        .collect();
    let reported = |item: &str| breaking.iter().any(|c| c.item == item);
    let mut problems = Vec::new();

    // Methods: by the operation they call, looked up in the full document as the generator read
    // it. A path that only gained or lost its trailing slash is taken as the same endpoint.
    let paths = out.resolved_spec["paths"]
        .as_object()
        .expect("the full document has paths");
    let in_full_document = |operation: &str| {
        let (method, path) = operation.split_once(' ').expect("`METHOD /path`");
        let bare = path.trim_end_matches('/');
        [path.to_string(), bare.to_string(), format!("{bare}/")]
            .into_iter()
            .find(|p| {
                paths
                    .get(p)
                    .is_some_and(|item| item[method.to_lowercase()].is_object())
            })
            .map(|p| format!("{method} {p}"))
    };
    let mut kept = 0;
    let mut moved = Vec::new();
    for (name, m) in &before.methods {
        let item = format!("method `{name}`");
        let Some(now_at) = in_full_document(operation_of(m)) else {
            if !reported(&item) {
                problems.push(format!(
                    "{item}: its operation {} left the document, yet no breaking change says so",
                    m.operation
                ));
            }
            continue;
        };
        kept += 1;
        if now_at != operation_of(m) {
            moved.push(format!("{item}: {} is now {now_at}", operation_of(m)));
            if !out
                .changes
                .iter()
                .any(|c| c.item == item && c.what.contains("now calls"))
            {
                problems.push(format!(
                    "{item}: {} is now {now_at}, and the report does not say so",
                    operation_of(m)
                ));
            }
        }
        if !after.methods.contains_key(name) && !after.aliases.methods.contains_key(name) {
            problems.push(format!(
                "{item} ({}) is neither a method nor a method alias any more",
                m.operation
            ));
        }
        for (kind, old, current, aliases) in [
            (
                "request builder",
                &m.builder,
                after
                    .methods
                    .values()
                    .map(|m| &m.builder)
                    .collect::<BTreeSet<_>>(),
                &after.aliases.builders,
            ),
            (
                "error enum",
                &m.error,
                after
                    .methods
                    .values()
                    .map(|m| &m.error)
                    .collect::<BTreeSet<_>>(),
                &after.aliases.errors,
            ),
        ] {
            let told = breaking.iter().any(|c| {
                c.what.contains(&format!("{kind} `{old}`")) || c.item == format!("{kind} `{old}`")
            });
            if !current.contains(old) && !aliases.contains_key(old) && !told {
                problems.push(format!(
                    "{kind} `{old}` of {item} is gone without an alias or a breaking change"
                ));
            }
        }
    }
    assert!(
        kept > 0,
        "{step}: no operation of the excerpt is in the full document"
    );

    // Types: still a type, or an alias of one, or reported.
    for (name, t) in &before.types {
        let item = format!("{} `{name}`", t.kind());
        if !after.types.contains_key(name)
            && !after.aliases.types.contains_key(name)
            && !reported(&item)
        {
            problems.push(format!(
                "{item} is neither a type nor a type alias, and no breaking change says why"
            ));
        }
    }
    if !moved.is_empty() {
        println!(
            "{step}: methods whose operation's path changed:\n  {}",
            moved.join("\n  ")
        );
    }
    assert!(
        problems.is_empty(),
        "{step}:\n  {}\nreported:\n{}",
        problems.join("\n  "),
        show_changes(&out.changes)
    );

    // The version follows the worst change, unless the customisation pins it.
    let mut diags = sdkgen::Diagnostics::new(&root.join(full.1));
    let pinned =
        sdkgen::Config::load(&root.join(full.1), &mut diags).and_then(|c| c.package.version);
    let expected =
        pinned.unwrap_or_else(|| changes::bump(&first.version, changes::worst(&out.changes)));
    assert_eq!(
        out.previous_version.as_deref(),
        Some(first.version.as_str()),
        "{step}"
    );
    assert_eq!(out.version, expected, "{step}: the version");
    let entry = top_entry(file(&out, "CHANGELOG.md"));
    assert!(
        entry.starts_with(&format!("## {}\n", out.version)),
        "{step}: the top entry:\n{entry}"
    );
    for c in &breaking {
        assert!(
            entry.contains(&format!("- {c}\n")),
            "{step}: the entry does not mention `{c}`"
        );
    }
    assert_aliases_emitted(&step, &out);
    let count = |class: Class| out.changes.iter().filter(|c| c.class == class).count();
    println!(
        "{step}: {} -> {} ({} breaking, {} additive, {} internal; {kept} of the excerpt's {} methods still called)\n\n{entry}",
        first.version,
        out.version,
        count(Class::Breaking),
        count(Class::Additive),
        count(Class::Internal),
        before.methods.len()
    );
}

#[test]
fn the_excerpts_update_to_the_full_documents() {
    excerpt_to_full(
        (
            "tests/fixtures/excerpt_vast/spec.yaml",
            "tests/fixtures/excerpt_vast/config.toml",
        ),
        ("specs/vast.yaml", "specs/vast.toml"),
    );
    excerpt_to_full(
        (
            "tests/fixtures/excerpt_mithril/spec.json",
            "tests/fixtures/excerpt_mithril/config.toml",
        ),
        ("specs/mithril.json", "specs/mithril.toml"),
    );
}

/// The form type of a multipart body is public too: callers build it, so a new required part is
/// breaking, and a new optional one as well (a form type has no `Default`).
#[test]
fn a_multipart_form_that_gains_a_part_is_reported() {
    let scratch = Scratch::new("forms");
    let spec_path = scratch.0.join("forms.json");
    let lock_path = scratch.0.join("forms.lock.json");
    let mut spec = serde_json::json!({
        "openapi": "3.1.0",
        "info": { "title": "Forms", "version": "1" },
        "servers": [{ "url": "https://forms.example.test" }],
        "paths": { "/uploads": { "post": {
            "operationId": "upload",
            "requestBody": { "required": true, "content": { "multipart/form-data": { "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": { "type": "string", "format": "binary" },
                    "note": { "type": "string" },
                },
            } } } },
            "responses": { "204": { "description": "Stored" } },
        } } },
    });
    let write = |spec: &Value| {
        std::fs::write(
            &spec_path,
            serde_json::to_string_pretty(spec).expect("json"),
        )
        .expect("write the spec")
    };
    write(&spec);
    let first = generate(&spec_path, None, "forms.json", &lock_path, None, false);
    let form = lock_of(&first)
        .surface
        .methods
        .get("upload")
        .map(|m| m.args.clone())
        .expect("the upload method");
    assert_eq!(form, vec!["body: UploadForm".to_string()]);
    let schema = &mut spec["paths"]["/uploads"]["post"]["requestBody"]["content"]
        ["multipart/form-data"]["schema"];
    schema["properties"]["purpose"] = serde_json::json!({ "type": "string" });
    schema["required"] = serde_json::json!(["file", "purpose"]);
    write(&spec);
    let out = generate(
        &spec_path,
        None,
        "forms.json",
        &lock_path,
        Some(file(&first, "CHANGELOG.md")),
        false,
    );
    assert!(
        out.changes.iter().any(|c| c.class == Class::Breaking
            && c.item == "struct `UploadForm`"
            && c.what.contains("new field `purpose`")),
        "the new required part is reported:\n{}",
        show_changes(&out.changes)
    );
    assert_eq!(out.version, "0.2.0");
}
