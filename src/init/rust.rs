//! Rust projects: `Cargo.toml`; the toolchain from `rust-toolchain.toml` (or `rust-toolchain`),
//! else the package's `rust-version`, else stable.

use std::path::Path;

use super::versions::read;
use super::{cmd, job, Ecosystem};

/// The channel of a toolchain file: TOML `[toolchain] channel`, or the legacy one-line file.
fn toolchain_file(root: &Path) -> Option<String> {
    if let Some(t) = read(root, "rust-toolchain.toml") {
        let doc: toml_edit::DocumentMut = t.parse().ok()?;
        return doc
            .get("toolchain")
            .and_then(|t| t.get("channel"))
            .and_then(|c| c.as_str())
            .map(str::to_string);
    }
    read(root, "rust-toolchain").and_then(|t| super::versions::version_line(&t))
}

pub(super) fn detect(root: &Path) -> Result<Ecosystem, String> {
    let text = read(root, "Cargo.toml").unwrap_or_default();
    let doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e| format!("Cargo.toml is not valid TOML: {e}"))?;
    let package = doc.get("package");
    let name = package
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .map(str::to_string);
    let msrv = package
        .and_then(|p| p.get("rust-version"))
        .and_then(|v| v.as_str())
        .map(str::to_string);
    let workspace = doc.get("workspace").is_some();
    let mut e = Ecosystem {
        label: "rust".into(),
        prefix: "rust",
        name,
        ..Ecosystem::default()
    };
    let rust = match (toolchain_file(root), msrv) {
        (Some(t), _) => t,
        (None, Some(m)) => {
            e.notes.push(format!("CI builds with Rust {m}, the package's rust-version (MSRV); set `setup.rust: stable` to build with the newest"));
            m
        }
        (None, None) => "stable".into(),
    };
    e.setup.push(("rust", rust));
    e.rust_components = vec!["clippy".into(), "rustfmt".into()];
    let locked = if root.join("Cargo.lock").is_file() {
        " --locked"
    } else {
        ""
    };
    let all = if workspace { " --workspace" } else { "" };
    e.jobs = vec![
        (
            "lint",
            job(
                "Formatting and clippy",
                vec![
                    cmd("cargo fmt --all --check"),
                    cmd(&format!(
                        "cargo clippy{locked}{all} --all-targets -- -D warnings"
                    )),
                ],
            ),
        ),
        (
            "test",
            job("Tests", vec![cmd(&format!("cargo test{locked}{all}"))]),
        ),
        (
            "build",
            job(
                "Release build",
                vec![cmd(&format!("cargo build{locked}{all} --release"))],
            ),
        ),
    ];
    Ok(e)
}
