//! `cargo package` produces a crate that builds: every file the sources read at compile time
//! is inside the tarball, nothing of the repository's tooling leaks in, and cargo has no
//! complaint beyond the one deliberate omission (the integration tests, see Cargo.toml).
//!
//! Economical by design: `cargo package --no-verify` (under a second, offline) plus a check of
//! the file list against every `include_str!`/`include_bytes!`/`#[path]` in `src/`. A
//! verifying `cargo package` rebuilds every dependency in a fresh target directory (about three
//! minutes on the 2-core CI machine, doubling the suite) to catch the same class of mistake:
//! a compile-time read of a file the package does not hold.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::test::{repo_root, scrubbed};

/// Relative paths the source reads at compile time, resolved against the repository root.
fn compile_time_reads(root: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![root.join("src")];
    let pattern = regex::Regex::new(
        r#"(?:include_str!|include_bytes!)\(\s*"([^"]+)"\s*\)|#\[path\s*=\s*"([^"]+)"\]"#,
    )
    .unwrap();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for c in pattern.captures_iter(&text) {
                let rel = c.get(1).or(c.get(2)).unwrap().as_str();
                let abs = normalise(&path.parent().unwrap().join(rel));
                let in_repo = abs.strip_prefix(root).unwrap_or_else(|_| {
                    panic!("{} reads {rel}, outside the repository", path.display())
                });
                out.insert(in_repo.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

/// `a/b/../c` → `a/c` without touching the file system.
fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn cargo_package_holds_every_file_the_build_reads() {
    let root = repo_root();
    let target = tempfile::tempdir().unwrap();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = scrubbed(cargo)
        .current_dir(&root)
        .args([
            "package",
            "--no-verify",
            "--locked",
            "--offline",
            "--allow-dirty",
        ])
        .arg("--target-dir")
        .arg(target.path())
        .output()
        .expect("cargo package");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cargo package failed:\n{stderr}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .filter(|l| {
            *l != "warning: ignoring test `integration` as `tests/lib.rs` is not included in the published package"
        })
        .collect();
    assert!(warnings.is_empty(), "cargo package warns:\n{stderr}");

    let version = env!("CARGO_PKG_VERSION");
    let crate_file = target
        .path()
        .join("package")
        .join(format!("cigen-{version}.crate"));
    let list = scrubbed("tar")
        .arg("tzf")
        .arg(&crate_file)
        .output()
        .expect("tar");
    assert!(
        list.status.success(),
        "tar cannot list {}",
        crate_file.display()
    );
    let prefix = format!("cigen-{version}/");
    let files: BTreeSet<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .filter(|l| !l.is_empty() && !l.ends_with('/'))
        .map(str::to_string)
        .collect();

    let reads = compile_time_reads(&root);
    assert!(
        reads.contains("action/checksums.txt"),
        "the scan found no compile-time reads: {reads:?}"
    );
    let missing: Vec<&String> = reads.iter().filter(|r| !files.contains(*r)).collect();
    assert!(
        missing.is_empty(),
        "the package lacks files the build reads: {missing:?}\n(add them to `include` in Cargo.toml)"
    );
    for f in [
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        "src/main.rs",
        "src/lib.rs",
    ] {
        assert!(files.contains(f), "the package lacks {f}: {files:?}");
    }
    let leaked: Vec<&String> = files
        .iter()
        .filter(|f| {
            [
                "tests/",
                "scripts/",
                "examples/",
                ".judges/",
                ".github/",
                ".ci/",
                "target/",
            ]
            .iter()
            .any(|p| f.starts_with(p))
                || *f == "action.yml"
                || f.starts_with("action/") && *f != "action/checksums.txt"
        })
        .collect();
    assert!(
        leaked.is_empty(),
        "repository tooling in the package: {leaked:?}"
    );
}
