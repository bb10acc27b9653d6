//! Snapshot tests: each fixture spec under `tests/fixtures/<name>/` generates exactly the crate
//! committed in `tests/fixtures/<name>/expected/`. Those crates are workspace members, so the
//! same test command that compares them also compiles and lints them.
//!
//! After an intended change of the generator, bless the new output with
//! `UPDATE_SNAPSHOTS=1 cargo test -p sdk-tests --test snapshots` and review its diff like code.

use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

fn spec_of(dir: &Path) -> PathBuf {
    ["spec.yaml", "spec.json"]
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("{} has no spec.yaml or spec.json", dir.display()))
}

#[test]
fn every_fixture_matches_its_snapshot() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut failures = Vec::new();
    for dir in fixtures() {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let spec = spec_of(&dir);
        let config = dir.join("config.toml");
        let input = sdkgen::Input {
            source_label: format!(
                "tests/fixtures/{name}/{}",
                spec.file_name().unwrap().to_string_lossy()
            ),
            spec,
            config: config.exists().then_some(config),
            runtime_dep: "path = \"../../../../codegen/runtime\"".into(),
        };
        let out = match sdkgen::generate(&input) {
            Ok(out) => out,
            Err(diags) => {
                failures.push(format!(
                    "{name}: generation failed:\n{}",
                    diags
                        .iter()
                        .map(|d| format!("  {d}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                ));
                continue;
            }
        };
        let expected = dir.join("expected");
        let report = sdkgen::write::sync(&expected, &out.files, !update).expect("compare files");
        if !update && !report.is_clean() {
            let files: Vec<String> = report
                .changed
                .iter()
                .chain(&report.removed)
                .map(|p| p.strip_prefix(&dir).unwrap_or(p).display().to_string())
                .collect();
            failures.push(format!(
                "{name}: output differs from the snapshot in {files:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\nIf the change is intended, run `UPDATE_SNAPSHOTS=1 cargo test -p sdk-tests --test snapshots` and review the diff.",
        failures.join("\n")
    );
}

#[test]
fn generation_is_byte_identical_from_run_to_run() {
    for dir in fixtures() {
        let spec = spec_of(&dir);
        let config = dir.join("config.toml");
        let input = sdkgen::Input {
            spec,
            config: config.exists().then_some(config),
            runtime_dep: "path = \"x\"".into(),
            source_label: "x".into(),
        };
        let a = sdkgen::generate(&input).expect("generates");
        let b = sdkgen::generate(&input).expect("generates");
        assert_eq!(a.files, b.files, "{}", dir.display());
    }
}
