//! The xtask as a maintainer runs it: stale output is detected, and a broken spec gives located
//! errors, a non-zero exit, and leaves every previously generated crate untouched.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sdkgen-xtask-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    for f in ["vast.yaml", "vast.toml", "mithril.json", "mithril.toml"] {
        std::fs::copy(workspace().join("specs").join(f), dir.join("specs").join(f)).unwrap();
    }
    dir
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("run xtask")
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_broken_spec_is_located_and_nothing_is_written() {
    let root = scratch("broken");
    let r = root.to_str().unwrap();
    let ok = xtask(&["codegen", "--root", r]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let before = snapshot(&root.join("generated"));
    assert!(before.len() >= 12, "both crates were written");

    // Break the Mithril spec in three places: an unknown type, a dangling reference, an undeclared path parameter.
    let path = root.join("specs/mithril.json");
    let mut spec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    spec["components"]["schemas"]["InstanceModel"]["properties"]["name"]["type"] = "strng".into();
    spec["components"]["schemas"]["GetInstancesResponse"]["properties"]["data"]["items"]["$ref"] =
        "#/components/schemas/Nope".into();
    let item = spec["paths"]["/v2/instances/{instance_fid}/status"].clone();
    spec["paths"]["/v2/things/{thing}/status"] = item;
    std::fs::write(&path, serde_json::to_string_pretty(&spec).unwrap()).unwrap();

    let out = xtask(&["codegen", "--root", r]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a broken spec must fail");
    assert!(
        stderr.contains(
            "specs/mithril.json at #/components/schemas/InstanceModel/properties/name/type"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("unknown type \"strng\""), "{stderr}");
    assert!(
        stderr.contains("#/components/schemas/Nope") && stderr.contains("points to nothing"),
        "{stderr}"
    );
    assert!(
        stderr.contains("#/paths/~1v2~1things~1{thing}~1status/get") && stderr.contains("{thing}"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(
        snapshot(&root.join("generated")),
        before,
        "generated crates are untouched"
    );

    // Unparseable input names the file and the position.
    std::fs::write(&path, "{\"openapi\": \"3.1.0\", \"info\": ").unwrap();
    let out = xtask(&["codegen", "--root", r]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("specs/mithril.json")
            && stderr.contains("invalid JSON")
            && stderr.contains("line 1"),
        "{stderr}"
    );
    assert_eq!(snapshot(&root.join("generated")), before);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn check_names_stale_files_and_changes_nothing() {
    let root = scratch("check");
    let r = root.to_str().unwrap();
    assert!(xtask(&["codegen", "--root", r]).status.success());
    let ok = xtask(&["codegen", "--check", "--root", r]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );

    let types = root.join("generated/vast/src/types.rs");
    std::fs::write(&types, "// hand edit\n").unwrap();
    let out = xtask(&["codegen", "--check", "--root", r]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("generated/vast/src/types.rs"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&types).unwrap(),
        "// hand edit\n",
        "--check writes nothing"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn any_spec_becomes_a_complete_crate() {
    let root = scratch("any");
    let out_dir = root.join("out");
    let out = xtask(&[
        "generate",
        workspace()
            .join("tests/fixtures/basics/spec.yaml")
            .to_str()
            .unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in [
        "Cargo.toml",
        "API.md",
        "src/lib.rs",
        "src/types.rs",
        "src/builders.rs",
        "src/errors.rs",
    ] {
        let text = std::fs::read_to_string(out_dir.join(f)).unwrap();
        assert!(
            text.to_lowercase()
                .contains("generated by `cargo xtask codegen`"),
            "{f} has the header"
        );
    }
    let manifest = std::fs::read_to_string(out_dir.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"basics-client\""), "{manifest}");
    assert!(
        manifest.contains("codegen/runtime"),
        "the runtime is found from anywhere: {manifest}"
    );
    let _ = std::fs::remove_dir_all(&root);
}
