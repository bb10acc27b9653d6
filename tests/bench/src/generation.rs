//! Generation time and generated code size, for the vendored specs and for
//! synthetic specs of growing size.

use std::fmt::Write;
use std::path::Path;
use std::time::Instant;

use sdkgen::{Config, Diagnostics, Input};

use crate::stats::{median, secs, time, Goal};

/// Operations of the synthetic specs.
pub const SYNTHETIC: [usize; 3] = [100, 500, 2_000];
const SEED: u64 = 1;

struct Case {
    label: String,
    synthetic: bool,
    input: Input,
}

/// What one spec measured.
struct Measured {
    label: String,
    synthetic: bool,
    operations: usize,
    schemas: usize,
    runs: usize,
    median: f64,
    min: f64,
    /// read, prepare (fixes + normalisation), openapi, lower, emit
    phases: [f64; 5],
    /// `syn::parse_file` and `prettyplease::unparse` of the generated Rust files
    reformat: [f64; 2],
    size: Size,
}

#[derive(Default, Clone, Copy)]
struct Size {
    lines: usize,
    code_lines: usize,
    fns: usize,
    structs: usize,
    enums: usize,
    impls: usize,
}

impl Size {
    fn items(&self) -> usize {
        self.fns + self.structs + self.enums + self.impls
    }
}

fn cases(root: &Path, scratch: &Path) -> Result<Vec<Case>, String> {
    let specs = sdkgen::specs_in(&root.join("specs")).map_err(|e| format!("cannot read specs/: {e}"))?;
    let mut cases = Vec::new();
    for spec in specs {
        let name = spec
            .file_name()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        cases.push(Case {
            label: format!("`specs/{name}`"),
            synthetic: false,
            input: Input {
                config: sdkgen::config_beside(&spec),
                runtime_dep: "path = \"../../codegen/runtime\", version = \"0.1.0\"".into(),
                source_label: format!("specs/{name}"),
                spec,
            },
        });
    }
    std::fs::create_dir_all(scratch)
        .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    for n in SYNTHETIC {
        let spec = sdk_tests::synth::spec(n, SEED);
        let path = scratch.join(format!("synthetic-{n}.json"));
        let text = serde_json::to_vec(&spec).map_err(|e| e.to_string())?;
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        cases.push(Case {
            label: format!("synthetic, {n} operations"),
            synthetic: true,
            input: Input {
                config: None,
                runtime_dep: "path = \"../../codegen/runtime\", version = \"0.1.0\"".into(),
                source_label: format!("synthetic-{n}.json"),
                spec: path,
            },
        });
    }
    Ok(cases)
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn count_operations(spec: &serde_json::Value) -> usize {
    spec.get("paths")
        .and_then(|p| p.as_object())
        .map(|paths| {
            paths
                .values()
                .filter_map(|item| item.as_object())
                .map(|item| {
                    item.keys()
                        .filter(|k| METHODS.contains(&k.as_str()))
                        .count()
                })
                .sum()
        })
        .unwrap_or(0)
}

fn count_schemas(spec: &serde_json::Value) -> usize {
    spec.pointer("/components/schemas")
        .and_then(|s| s.as_object())
        .map_or(0, |s| s.len())
}

fn count_items(items: &[syn::Item], size: &mut Size) {
    for item in items {
        match item {
            syn::Item::Fn(_) => size.fns += 1,
            syn::Item::Struct(_) => size.structs += 1,
            syn::Item::Enum(_) => size.enums += 1,
            syn::Item::Impl(i) => {
                size.impls += 1;
                size.fns += i
                    .items
                    .iter()
                    .filter(|i| matches!(i, syn::ImplItem::Fn(_)))
                    .count();
            }
            syn::Item::Trait(t) => {
                size.fns += t
                    .items
                    .iter()
                    .filter(|i| matches!(i, syn::TraitItem::Fn(_)))
                    .count();
            }
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    count_items(inner, size);
                }
            }
            _ => {}
        }
    }
}

fn measure_size(files: &[sdkgen::File]) -> Result<Size, String> {
    let mut size = Size::default();
    for f in files.iter().filter(|f| f.path.ends_with(".rs")) {
        size.lines += f.content.lines().count();
        size.code_lines += f
            .content
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("//"))
            .count();
        let parsed = syn::parse_file(&f.content)
            .map_err(|e| format!("generated {} does not parse: {e}", f.path))?;
        count_items(&parsed.items, &mut size);
    }
    Ok(size)
}

fn phase_runs_for(quick: bool, generate: f64) -> usize {
    match (quick, generate > 0.5) {
        (true, _) => 1,
        (false, true) => 3,
        (false, false) => 5,
    }
}

/// The last two steps of emission, redone on the generated files: `syn::parse2`
/// of their tokens (lexed beforehand, untimed) and `prettyplease::unparse`.
/// Emission runs the same two steps on the tokens it builds, so these
/// figures show how much of its time they take. Median of three runs.
fn reformat(files: &[sdkgen::File]) -> Result<[f64; 2], String> {
    let mut runs = Vec::new();
    for _ in 0..3 {
        let (mut parse, mut print) = (0.0, 0.0);
        for f in files.iter().filter(|f| f.path.ends_with(".rs")) {
            let tokens: proc_macro2::TokenStream = f
                .content
                .parse()
                .map_err(|e| format!("generated {} does not lex: {e}", f.path))?;
            let t = Instant::now();
            let parsed: syn::File = syn::parse2(tokens)
                .map_err(|e| format!("generated {} does not parse: {e}", f.path))?;
            parse += secs(t.elapsed());
            let t = Instant::now();
            let text = prettyplease::unparse(&parsed);
            print += secs(t.elapsed());
            drop((parsed, text));
        }
        runs.push([parse, print]);
    }
    Ok(std::array::from_fn(|i| {
        median(&runs.iter().map(|r| r[i]).collect::<Vec<_>>())
    }))
}

/// The pipeline of `sdkgen::generate`, step by step, to see where the time goes.
fn phases(input: &Input) -> Result<[f64; 5], String> {
    let fail = |what: &str| format!("{}: {what} failed", input.source_label);
    let t0 = Instant::now();
    let mut diags = Diagnostics::new(&input.spec);
    let config = match &input.config {
        Some(path) => Config::load(path, &mut diags).unwrap_or_default(),
        None => Config::default(),
    };
    let mut doc =
        sdkgen::stages::read(&input.spec, &mut diags).ok_or_else(|| fail("reading"))?;
    let t1 = Instant::now();
    let resolved = sdkgen::stages::fix_and_normalize(&mut doc, &config, &mut diags);
    let t2 = Instant::now();
    let parsed = sdkgen::stages::parse(doc, &mut diags).ok_or_else(|| fail("parsing"))?;
    let t3 = Instant::now();
    let model = sdkgen::stages::lower(&parsed, &config, &mut diags);
    let t4 = Instant::now();
    let files = sdkgen::stages::emit(&model, &input.source_label)?;
    let t5 = Instant::now();
    drop((files, model, parsed, resolved));
    Ok([t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4].map(secs))
}

fn measure(case: &Case, quick: bool) -> Result<Measured, String> {
    let generate = || {
        sdkgen::generate(&case.input).map_err(|diags| {
            let shown: Vec<String> = diags.iter().take(5).map(|d| d.to_string()).collect();
            format!("generating {} failed:\n{}", case.label, shown.join("\n"))
        })
    };
    let first = generate()?;
    let operations = count_operations(&first.resolved_spec);
    let schemas = count_schemas(&first.resolved_spec);
    let size = measure_size(&first.files)?;
    let reformat = reformat(&first.files)?;
    drop(first);
    let (min_runs, max_runs, min_time) = if quick { (3, 5, 0.2) } else { (5, 41, 1.5) };
    let mut times = Vec::new();
    let started = Instant::now();
    while times.len() < min_runs || (times.len() < max_runs && secs(started.elapsed()) < min_time) {
        let t = Instant::now();
        let out = generate()?;
        times.push(secs(t.elapsed()));
        drop(out);
    }
    let mut phase_runs: Vec<[f64; 5]> = Vec::new();
    for _ in 0..phase_runs_for(quick, median(&times)) {
        phase_runs.push(phases(&case.input)?);
    }
    let phases: [f64; 5] =
        std::array::from_fn(|i| median(&phase_runs.iter().map(|p| p[i]).collect::<Vec<_>>()));
    Ok(Measured {
        label: case.label.clone(),
        synthetic: case.synthetic,
        operations,
        schemas,
        runs: times.len(),
        median: median(&times),
        min: times.iter().copied().fold(f64::MAX, f64::min),
        phases,
        reformat,
        size,
    })
}

/// Sections 1 and 2 of the report.
pub fn run(
    root: &Path,
    quick: bool,
    out: &mut String,
    goals: &mut Vec<Goal>,
) -> Result<(), String> {
    let scratch = root.join("target").join("bench").join("specs");
    let mut results = Vec::new();
    for case in cases(root, &scratch)? {
        eprintln!("  generating {}", case.label);
        results.push(measure(&case, quick)?);
    }

    let _ = writeln!(out, "### 1. Generation time\n");
    let _ = writeln!(
        out,
        "`sdkgen::generate` in process (release build): read the spec, apply its customisation, lower, emit and format every \
         file in memory (nothing written). Synthetic specs come from `sdk_tests::synth::spec(n, {SEED})`. \
         Median of repeated runs (at least {} per spec, more for fast ones).\n",
        if quick { 3 } else { 5 }
    );
    let _ = writeln!(
        out,
        "| spec | operations | schemas | median | fastest | runs | per operation |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|");
    for m in &results {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            m.label,
            m.operations,
            m.schemas,
            time(m.median),
            time(m.min),
            m.runs,
            time(m.median / m.operations.max(1) as f64)
        );
    }
    let vendored: f64 = results
        .iter()
        .filter(|m| !m.synthetic)
        .map(|m| m.median)
        .sum();
    let synth: Vec<&Measured> = results.iter().filter(|m| m.synthetic).collect();
    let _ = writeln!(
        out,
        "\nBoth vendored specs together: **{}**.\n",
        time(vendored)
    );
    // The vendors' documents grow; the goal is per operation.
    let vendored_ops: usize = results
        .iter()
        .filter(|m| !m.synthetic)
        .map(|m| m.operations)
        .sum();
    let per_op = vendored / vendored_ops.max(1) as f64;
    goals.push(Goal::new(
        "generation of both vendored specs under 1 ms per operation",
        format!(
            "{} for {vendored_ops} operations ({} each)",
            time(vendored),
            time(per_op)
        ),
        per_op < 0.001,
    ));
    if let (Some(small), Some(mid), Some(large)) = (synth.first(), synth.get(1), synth.last()) {
        // Marginal cost per operation between consecutive sizes: equal
        // figures mean linear growth (fixed costs cancel out).
        let lower = (mid.median - small.median) / (mid.operations - small.operations).max(1) as f64;
        let upper = (large.median - mid.median) / (large.operations - mid.operations).max(1) as f64;
        let growth = upper / lower;
        let _ = writeln!(
            out,
            "Cost of one more operation: {} between {} and {} operations, {} between {} and {} operations \
             (ratio {growth:.2}; 1.00 is linear).\n",
            time(lower),
            small.operations,
            mid.operations,
            time(upper),
            mid.operations,
            large.operations
        );
        goals.push(Goal::new(
            "generation time linear in the number of operations",
            format!(
                "marginal cost per operation {} → {} (×{growth:.2}; up to ×1.25 counted as linear)",
                time(lower),
                time(upper)
            ),
            growth <= 1.25,
        ));
        goals.push(Goal::new(
            format!("generation of {} operations under 1 s", large.operations),
            time(large.median),
            large.median < 1.0,
        ));
    }
    let _ = writeln!(
        out,
        "Where the time goes: the steps of `sdkgen::generate` called one by one (`sdkgen::load`, `lower`, `emit`; median of {} runs, \
         3 for specs slower than 0.5 s). Emission builds tokens with `quote!`, parses them with `syn::parse2` and prints them with \
         `prettyplease`, one type or operation at a time, spread over every core (wall clock shown); the last two columns \
         redo those two steps on the generated Rust files whole, on one core (median of 3): the CPU time of those two \
         steps, which on 2 cores can exceed the wall clock of \"emit + format\".\n",
        if quick { 1 } else { 5 }
    );
    let _ = writeln!(out, "| spec | read + parse file | customise + normalise | `openapiv3` | lower | emit + format | `syn::parse2`, one core | `prettyplease`, one core |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|");
    for m in &results {
        let p = m.phases;
        let r = m.reformat;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            m.label,
            time(p[0]),
            time(p[1]),
            time(p[2]),
            time(p[3]),
            time(p[4]),
            time(r[0]),
            time(r[1])
        );
    }

    let _ = writeln!(out, "\n### 2. Generated code size\n");
    let _ = writeln!(
        out,
        "Rust files of each generated crate (`lib.rs`, `types.rs`, `builders.rs`, `errors.rs`), parsed with `syn`: \
         `fn` counts free functions and methods, `impl` counts impl blocks. Code lines exclude blank and comment lines.\n"
    );
    let _ = writeln!(out, "| spec | operations | lines | code lines | `fn` | `struct` | `enum` | `impl` | lines / op | code lines / op | items / op |");
    let _ = writeln!(
        out,
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for m in &results {
        let s = m.size;
        let ops = m.operations.max(1) as f64;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {:.0} | {:.0} | {:.1} |",
            m.label,
            m.operations,
            s.lines,
            s.code_lines,
            s.fns,
            s.structs,
            s.enums,
            s.impls,
            s.lines as f64 / ops,
            s.code_lines as f64 / ops,
            s.items() as f64 / ops
        );
    }
    let _ = writeln!(out);
    Ok(())
}
