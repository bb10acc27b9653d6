//! Generates the contract tests: for every spec in `specs/`, the tests of every operation of
//! the model the generator lowers it to, written to `$OUT_DIR/contract_<api>.rs` for
//! `tests/contract_<api>.rs` to include (see `src/contract_gen.rs` for what they check).
//!
//! Generated here rather than kept by hand so that no test keeps a list of a spec's operations
//! or values: a vendor update regenerates them, and a new operation is tested without anyone
//! writing a line. A spec that does not lower (say, mid-edit) still gives a file, whose one test
//! fails with the diagnostics, so that the crate's other tests build.

#[path = "src/contract_findings.rs"]
mod contract_findings;
#[path = "src/contract_gen.rs"]
mod contract_gen;
#[path = "src/contract_sample.rs"]
mod contract_sample;
#[path = "src/contract_values.rs"]
mod contract_values;

use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let root = manifest.parent().expect("the crate lives in the workspace");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    let specs = root.join("specs");
    println!("cargo:rerun-if-changed={}", specs.display());
    println!(
        "cargo:rerun-if-changed={}",
        root.join("codegen").join("src").display()
    );
    let entries = sdkgen::specs_in(&specs)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", specs.display()));
    for spec in entries {
        let name = spec
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a UTF-8 file name")
            .to_owned();
        let label = format!("specs/{}", spec.file_name().unwrap().to_string_lossy());
        let code = match lower(&spec) {
            Ok((model, resolved)) => contract_gen::generate(&contract_gen::Spec {
                name: &name,
                label: &label,
                model: &model,
                resolved: &resolved,
                ignored: contract_findings::IGNORED
                    .iter()
                    .filter(|(api, _, _)| *api == name)
                    .map(|(_, test, reason)| (*test, *reason))
                    .collect(),
            }),
            Err(why) => format!(
                "// {label} does not lower, so no contract tests were generated.\n\
                 #[test]\nfn the_spec_lowers() {{\n    panic!({why:?});\n}}\n"
            ),
        };
        let file = out_dir.join(format!("contract_{name}.rs"));
        std::fs::write(&file, code)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", file.display()));
    }
}

/// The model of `spec` and the spec after its customisation's fixes, as `cargo xtask codegen`
/// gets them; the diagnostics, one a line, when it does not lower.
fn lower(spec: &Path) -> Result<(sdkgen::ir::Api, serde_json::Value), String> {
    let text = std::fs::read_to_string(spec)
        .map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let doc: serde_json::Value = if spec.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", spec.display()))?
    } else {
        serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", spec.display()))?
    };
    let mut diags = sdkgen::Diagnostics::new(spec);
    let config = match sdkgen::config_beside(spec) {
        Some(path) => sdkgen::Config::load(&path, &mut diags).unwrap_or_default(),
        None => sdkgen::Config::default(),
    };
    let lowered = sdkgen::lower_value(doc, &config, &mut diags);
    let errors: String = diags
        .items()
        .iter()
        .filter(|d| d.severity == sdkgen::Severity::Error)
        .map(|d| format!("{d}\n"))
        .collect();
    lowered.ok_or(errors)
}
