//! The generator knows no vendor: no file under `codegen/` (its sources, the runtime, their
//! tests and manifests) names an API of `specs/`.
//!
//! The names come from `specs/` itself, so a new spec is covered the day it is vendored: for
//! every `specs/<stem>.yaml|yml|json`, the words of its file stem, of the package name its
//! customisation file (`specs/<stem>.toml`) gives, of its `info.title`, and the domain label of
//! each of its servers (`vast` in `https://console.vast.ai`). Words that describe APIs in
//! general (`api`, `client`...) and words shorter than three letters (`ai`) are dropped: they
//! would match everywhere and name no one. A file matches when it contains a name anywhere,
//! ignoring case (`VAST_API_KEY`, `VastClient`, `vastai`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sdk_tests::read_spec as read;
use sdkgen::{Config, Diagnostics};

/// Words an API's title, package or host may carry that describe APIs in general, not a vendor.
const GENERIC: &[&str] = &[
    "api", "apis", "client", "sdk", "openapi", "rest", "http", "https", "www", "the", "and", "for",
    "cloud", "service", "server", "platform",
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the test crate lives inside the workspace")
        .to_path_buf()
}

/// The words of `text` that could name a vendor, lower-cased.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 3 && !GENERIC.contains(&w.as_str()))
}

/// The label before the top-level domain of a server URL (`vast` in `https://console.vast.ai/`).
fn domain_label(url: &str) -> Option<&str> {
    let host = url.split("://").nth(1)?.split(['/', ':', '?']).next()?;
    let labels: Vec<&str> = host.split('.').collect();
    (labels.len() >= 2).then(|| labels[labels.len() - 2])
}

/// Where a name was found: spec file → the parts of it that give the name.
type Sources = BTreeMap<String, Vec<&'static str>>;

/// Every vendor name of `specs/`, each with where it was found.
///
/// Panics when a spec gives no name at all: the check would then pass without checking it.
fn vendor_names(specs: &Path) -> BTreeMap<String, Sources> {
    let mut names: BTreeMap<String, Sources> = BTreeMap::new();
    let spec_files = sdkgen::specs_in(specs).expect("specs/ is readable");
    assert!(!spec_files.is_empty(), "no spec in {}", specs.display());
    for spec in &spec_files {
        let file = format!("specs/{}", spec.file_name().unwrap().to_string_lossy());
        let mut found = vec![(
            spec.file_stem().unwrap().to_string_lossy().into_owned(),
            "file name",
        )];
        if let Some(config_path) = sdkgen::config_beside(spec) {
            let mut diags = Diagnostics::new(&config_path);
            let config = Config::load(&config_path, &mut diags)
                .unwrap_or_else(|| panic!("{:?}", diags.items()));
            if let Some(package) = config.package.name {
                found.push((package, "its package name"));
            }
        }
        let doc = read(spec);
        if let Some(title) = doc["info"]["title"].as_str() {
            found.push((title.to_owned(), "info.title"));
        }
        for server in doc["servers"].as_array().into_iter().flatten() {
            if let Some(label) = server["url"].as_str().and_then(domain_label) {
                found.push((label.to_owned(), "server host"));
            }
        }
        let mut any = false;
        for (text, what) in found {
            for w in words(&text) {
                any = true;
                let parts = names.entry(w).or_default().entry(file.clone()).or_default();
                if !parts.contains(&what) {
                    parts.push(what);
                }
            }
        }
        assert!(any, "{file} gives no name to look for");
    }
    names
}

/// Every file under `dir`, build output and hidden directories left out.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.expect("a directory entry").path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if path.is_dir() {
                if name != "target" && !name.starts_with('.') {
                    stack.push(path);
                }
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn codegen_names_no_vendor() {
    let root = workspace();
    let names = vendor_names(&root.join("specs"));
    let mut hits = Vec::new();
    for path in files(&root.join("codegen")) {
        // Lossy, so that a binary file is searched too rather than skipped.
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let text = String::from_utf8_lossy(&bytes);
        let shown = path.strip_prefix(&root).unwrap_or(&path).display();
        for (i, line) in text.lines().enumerate() {
            let lower = line.to_lowercase();
            for (name, sources) in &names {
                if lower.contains(name.as_str()) {
                    hits.push(format!(
                        "{shown}:{}: `{name}` (from {}): {}",
                        i + 1,
                        sources
                            .iter()
                            .map(|(file, parts)| format!("{file}: {}", parts.join(", ")))
                            .collect::<Vec<_>>()
                            .join("; "),
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        hits.is_empty(),
        "the generator must not know the vendors of specs/; {} line(s) under codegen/ name one:\n  {}",
        hits.len(),
        hits.join("\n  ")
    );
}
