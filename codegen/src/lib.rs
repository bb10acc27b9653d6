//! sdkgen: turns an OpenAPI 3.0/3.1 document into a typed async Rust client crate.
//!
//! The pipeline runs one way:
//! [`load`] (bytes → JSON, customisation fixes, 3.1 shapes normalised) → `openapiv3` →
//! [`lower`] (the project's model, [`ir`]) → [`emit`] (tokens → `syn` → `prettyplease`) → [`write`].
//! Every problem is a [`diag::Diagnostic`] naming the file, the JSON pointer and the reason;
//! nothing is written unless the whole spec lowers without errors.

pub mod config;
pub mod diag;
pub mod doc;
pub mod emit;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
pub mod report;
pub mod write;

use std::path::{Path, PathBuf};

pub use config::Config;
pub use diag::{Diagnostic, Diagnostics, Severity};
pub use emit::File;

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
}

/// Runs the whole pipeline in memory. On failure, returns every error (and warning) found.
pub fn generate(input: &Input) -> Result<Output, Vec<Diagnostic>> {
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
    let Some((mut model, resolved_spec)) = lower_value(doc, &config, &mut diags) else {
        return Err(diags.into_items());
    };
    model.runtime_dep = match &config.package.runtime {
        Some(r) if r.contains('=') => r.clone(),
        Some(r) => format!("version = \"{r}\""),
        None => input.runtime_dep.clone(),
    };
    for w in diags.items() {
        model.notes.push(if w.pointer.is_empty() {
            w.message.clone()
        } else {
            format!("`{}`: {}", w.pointer, w.message)
        });
    }
    let files = match emit::emit(&model, &input.source_label) {
        Ok(f) => f,
        Err(e) => {
            diags.error("", e);
            return Err(diags.into_items());
        }
    };
    Ok(Output {
        files,
        warnings: diags.into_items(),
        resolved_spec,
    })
}

/// Lowers a spec already read into JSON: the customisation's fixes, normalisation, parsing and
/// lowering, every finding recorded in `diags`. Returns the model and the spec after the fixes,
/// or `None` when an error was found.
pub fn lower_value(
    mut doc: serde_json::Value,
    config: &Config,
    diags: &mut Diagnostics,
) -> Option<(ir::Api, serde_json::Value)> {
    load::apply_fixes(&mut doc, config, diags);
    let resolved_spec = doc.clone();
    load::normalize(&mut doc, diags);
    if diags.has_errors() {
        return None;
    }
    let api = load::parse_openapi(&doc, diags)?;
    let model = lower::lower(&api, &doc, config, diags);
    if diags.has_errors() {
        return None;
    }
    Some((model, resolved_spec))
}

/// The customisation file beside a spec (`specs/vast.yaml` → `specs/vast.toml`), if it exists.
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
