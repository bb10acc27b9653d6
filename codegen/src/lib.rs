//! sdkgen: turns an OpenAPI 3.0/3.1 document into a typed async Rust client crate.
//!
//! The pipeline runs one way, each stage reading only the output of the one before:
//! `load` (bytes → JSON, customisation fixes, 3.1 shapes normalised, parsed into `openapiv3`)
//! → `lower` (the project's model, [`ir`]) → `emit` (the Rust files and `Cargo.toml`: tokens →
//! `syn` → `prettyplease`) and `report` (`API.md`) → [`write`]. [`generate`] assembles the
//! outputs. Every problem is a [`diag::Diagnostic`] naming the file, the JSON pointer and the
//! reason; nothing is written unless the whole spec lowers without errors.

pub mod changes;
pub mod config;
pub mod diag;
mod doc;
mod emit;
pub mod ir;
mod load;
pub mod lock;
mod lower;
mod naming;
mod report;
pub mod surface;
pub mod write;

use std::path::{Path, PathBuf};

pub use config::Config;
pub use diag::{Diagnostic, Diagnostics, Severity};
pub use naming::{path_shape, RESERVED_TYPE_NAMES};

/// One generated file: path relative to the crate root, and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Relative path (`src/lib.rs`).
    pub path: String,
    /// Full content.
    pub content: String,
}

/// What to generate from.
#[derive(Debug, Clone)]
pub struct Input {
    /// The spec file (YAML or JSON).
    pub spec: PathBuf,
    /// The customisation file, if any.
    pub config: Option<PathBuf>,
    /// How the generated Cargo.toml depends on the runtime (body of a TOML inline table),
    /// unless the customisation file says otherwise.
    pub runtime_dep: String,
    /// How the spec is named in generated headers (a path relative to the workspace, say).
    pub source_label: String,
}

/// A generated crate, in memory.
#[derive(Debug, Clone)]
pub struct Output {
    /// Files relative to the crate root.
    pub files: Vec<File>,
    /// Warnings: places where the generator fell back to a looser type.
    pub warnings: Vec<Diagnostic>,
    /// The spec after the customisation's fixes (before normalisation), for tools such as mock servers.
    pub resolved_spec: serde_json::Value,
    /// The name lock to keep beside the spec for the next generation ([`lock`]).
    pub lock: String,
    /// What changed for users since the generation the [`History`] recorded (empty for a first
    /// generation), breaking first.
    pub changes: Vec<changes::Change>,
    /// The version of that generation, if there was one.
    pub previous_version: Option<String>,
    /// This crate's version: the previous one bumped by the changes, unless the customisation
    /// file sets it.
    pub version: String,
}

/// What the earlier generations of a crate left, for the next one to compare with.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// The name lock written last time (`specs/<api>.lock.json`); a path that does not exist
    /// means a first generation.
    pub lock: Option<PathBuf>,
    /// The crate's `CHANGELOG.md` as it stands, which the new entry is put on top of.
    pub changelog: Option<String>,
    /// Whether to drop the deprecated aliases kept so far (a breaking change, reported).
    pub drop_aliases: bool,
}

/// The specs in `dir` (`specs/`): every `.yaml`, `.yml` or `.json` file but the name locks
/// (`*.lock.json`), in name order.
pub fn specs_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut specs = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let spec_like = path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json");
        if spec_like && !path.to_string_lossy().ends_with(".lock.json") {
            specs.push(path);
        }
    }
    specs.sort();
    Ok(specs)
}

/// The file the name lock of the spec `spec` is kept in (`specs/petstore.yaml` →
/// `specs/petstore.lock.json`).
pub fn lock_beside(spec: &Path) -> PathBuf {
    spec.with_extension("lock.json")
}

/// Runs the whole pipeline in memory, as a first generation (no [`History`]). On failure,
/// returns every error (and warning) found.
pub fn generate(input: &Input) -> Result<Output, Vec<Diagnostic>> {
    generate_with(input, &History::default())
}

/// Runs the whole pipeline in memory after the generation `history` recorded: items renamed
/// since keep their old names as deprecated aliases, the changes are classified, the version
/// follows from them and `CHANGELOG.md` gains an entry. On failure, returns every error (and
/// warning) found.
pub fn generate_with(input: &Input, history: &History) -> Result<Output, Vec<Diagnostic>> {
    let mut diags = Diagnostics::new(&input.spec);
    let config = match &input.config {
        Some(path) => {
            let mut cdiags = Diagnostics::new(path);
            let c = Config::load(path, &mut cdiags);
            diags.extend(cdiags);
            c.unwrap_or_default()
        }
        None => Config::default(),
    };
    let Some(doc) = load::read_value(&input.spec, &mut diags) else {
        return Err(diags.into_items());
    };
    let previous = match &history.lock {
        Some(path) if path.exists() => {
            let mut ldiags = Diagnostics::new(path);
            let lock = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the name lock: {e}"))
                .and_then(|text| lock::Lock::parse(&text));
            match lock {
                Ok(lock) => Some(lock),
                Err(e) => {
                    ldiags.error("", e);
                    diags.extend(ldiags);
                    None
                }
            }
        }
        _ => None,
    };
    let Some((mut model, resolved_spec)) =
        lower_with(doc, &config, &input.runtime_dep, &mut diags)
    else {
        return Err(diags.into_items());
    };
    if diags.has_errors() {
        return Err(diags.into_items());
    }
    let mut surface = surface::surface(&model);
    lock::carry_over(&mut model, &surface, previous.as_ref(), history.drop_aliases);
    surface.aliases = model.aliases.clone();
    let changes = previous
        .as_ref()
        .map(|p| changes::diff(&p.surface, &surface))
        .unwrap_or_default();
    if config.package.version.is_none() {
        if let Some(p) = &previous {
            model.version = changes::bump(&p.version, changes::worst(&changes));
        }
    }
    let changelog = changes::changelog(
        history.changelog.as_deref(),
        &model,
        &surface,
        previous.is_some(),
        &changes,
        &input.source_label,
    );
    let mut files = match emit::emit(&model, &input.source_label) {
        Ok(f) => f,
        Err(e) => {
            diags.error("", e);
            return Err(diags.into_items());
        }
    };
    files.push(File {
        path: "API.md".into(),
        content: report::report(&model, diags.items(), &input.source_label),
    });
    files.push(File {
        path: "CHANGELOG.md".into(),
        content: changelog,
    });
    Ok(Output {
        files,
        warnings: diags.into_items(),
        resolved_spec,
        lock: lock::Lock::of(&model, surface).to_text(),
        changes,
        previous_version: previous.map(|p| p.version),
        version: model.version,
    })
}

/// Lowers a spec already read into JSON: the customisation's fixes, normalisation, parsing and
/// lowering, every finding recorded in `diags`. Returns the model and the spec after the fixes,
/// or `None` when an error was found.
pub fn lower_value(
    doc: serde_json::Value,
    config: &Config,
    diags: &mut Diagnostics,
) -> Option<(ir::Api, serde_json::Value)> {
    lower_with(doc, config, "", diags)
}

/// [`lower_value`], with how the generated crate depends on the runtime unless the
/// customisation file says otherwise.
fn lower_with(
    mut doc: serde_json::Value,
    config: &Config,
    runtime_dep: &str,
    diags: &mut Diagnostics,
) -> Option<(ir::Api, serde_json::Value)> {
    // Diagnosis goes on after a customisation entry fails: the document's own findings are
    // reported with it.
    let resolved_spec = load::fix_and_normalize(&mut doc, config, diags);
    let api = load::parse_openapi(&doc, diags)?;
    let model = lower::lower(&api, &doc, config, runtime_dep, diags);
    if diags.has_errors() {
        return None;
    }
    Some((model, resolved_spec))
}

/// The customisation file beside a spec (`specs/petstore.yaml` → `specs/petstore.toml`), if it exists.
pub fn config_beside(spec: &Path) -> Option<PathBuf> {
    let c = spec.with_extension("toml");
    c.exists().then_some(c)
}

/// The spec at `spec` with the fixes of the customisation file beside it applied (see
/// [`Output::resolved_spec`]): what a mock server should serve. The error lists the spec's
/// diagnostics, one a line.
pub fn resolved_spec_beside(spec: &Path) -> Result<serde_json::Value, String> {
    let input = Input {
        spec: spec.to_path_buf(),
        config: config_beside(spec),
        runtime_dep: String::new(),
        source_label: String::new(),
    };
    generate(&input)
        .map(|out| out.resolved_spec)
        .map_err(|diags| diags.iter().map(|d| format!("{d}\n")).collect())
}

/// The stages of [`generate`] one by one, for measuring where its time goes. Not a stable API.
#[doc(hidden)]
pub mod stages {
    use std::path::Path;

    use crate::{ir, Config, Diagnostics, File};

    /// A spec parsed into the `openapiv3` model, with the JSON it was parsed from.
    pub struct Parsed {
        api: openapiv3::OpenAPI,
        doc: serde_json::Value,
    }

    /// Reads a YAML or JSON file.
    pub fn read(path: &Path, diags: &mut Diagnostics) -> Option<serde_json::Value> {
        crate::load::read_value(path, diags)
    }

    /// Applies the customisation's fixes and normalises; returns the spec after the fixes.
    pub fn fix_and_normalize(
        doc: &mut serde_json::Value,
        config: &Config,
        diags: &mut Diagnostics,
    ) -> serde_json::Value {
        crate::load::fix_and_normalize(doc, config, diags)
    }

    /// Parses the normalised JSON.
    pub fn parse(doc: serde_json::Value, diags: &mut Diagnostics) -> Option<Parsed> {
        let api = crate::load::parse_openapi(&doc, diags)?;
        Some(Parsed { api, doc })
    }

    /// Lowers a parsed spec into the model.
    pub fn lower(parsed: &Parsed, config: &Config, diags: &mut Diagnostics) -> ir::Api {
        crate::lower::lower(&parsed.api, &parsed.doc, config, "", diags)
    }

    /// Emits the Rust files and `Cargo.toml` (not `API.md`).
    pub fn emit(api: &ir::Api, source: &str) -> Result<Vec<File>, String> {
        crate::emit::emit(api, source)
    }
}
