//! Release archive names agree everywhere they are spelled: `cargo binstall` metadata (read
//! through `cargo metadata`), the action's install script, the checksum script and the
//! release script all name the same five targets and archives.

use std::process::Command;

use crate::test::repo_root;

/// The release targets and archive extensions (docs/release.md).
const TARGETS: &[(&str, &str)] = &[
    ("x86_64-unknown-linux-musl", "tar.gz"),
    ("aarch64-unknown-linux-musl", "tar.gz"),
    ("x86_64-apple-darwin", "tar.gz"),
    ("aarch64-apple-darwin", "tar.gz"),
    ("x86_64-pc-windows-msvc", "zip"),
];

fn binstall_metadata() -> serde_json::Value {
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(repo_root())
        .output()
        .expect("run cargo metadata");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("cargo metadata json");
    let package = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == "cigen")
        .expect("cigen package")
        .clone();
    package["metadata"]["binstall"].clone()
}

/// Expands binstall's `{ key }` placeholders the way it documents them.
fn expand(template: &str, target: &str) -> String {
    let version = env!("CARGO_PKG_VERSION");
    let exe = if target.contains("windows") {
        ".exe"
    } else {
        ""
    };
    template
        .replace("{ repo }", "https://github.com/cigen-dev/cigen")
        .replace("{ version }", version)
        .replace("{ name }", "cigen")
        .replace("{ target }", target)
        .replace("{ bin }", "cigen")
        .replace("{ binary-ext }", exe)
}

#[test]
fn binstall_finds_the_release_archives() {
    let meta = binstall_metadata();
    let version = env!("CARGO_PKG_VERSION");
    for (target, ext) in TARGETS {
        let overrides = &meta["overrides"][*target];
        let pick = |key: &str| {
            overrides[key]
                .as_str()
                .or(meta[key].as_str())
                .unwrap_or_else(|| panic!("binstall {key} missing"))
                .to_owned()
        };
        assert_eq!(
            expand(&pick("pkg-url"), target),
            format!("https://github.com/cigen-dev/cigen/releases/download/v{version}/cigen-{target}.{ext}")
        );
        let exe = if target.contains("windows") {
            "cigen.exe"
        } else {
            "cigen"
        };
        assert_eq!(
            expand(&pick("bin-dir"), target),
            format!("cigen-{target}/{exe}")
        );
        assert_eq!(pick("pkg-fmt"), if *ext == "zip" { "zip" } else { "tgz" });
    }
}

#[test]
fn every_script_names_every_target() {
    for script in [
        "action/install.sh",
        "scripts/update-checksums",
        "scripts/release-build",
        "scripts/release-publish",
    ] {
        let text = std::fs::read_to_string(repo_root().join(script)).expect("read script");
        for (target, _) in TARGETS {
            assert!(text.contains(target), "{script} does not name {target}");
        }
    }
}
