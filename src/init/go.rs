//! Go modules: `go.mod`; the version from its `toolchain` or `go` directive. gofmt is called
//! from the toolchain's own GOROOT: installs that put only `go` on PATH have it there too.

use std::path::Path;

use super::versions::{go_directive, read};
use super::{cmd, job, named, Ecosystem};

pub(super) fn detect(root: &Path) -> Result<Ecosystem, String> {
    let text = read(root, "go.mod").unwrap_or_default();
    let name = text
        .lines()
        .find_map(|l| l.strip_prefix("module "))
        .map(|m| m.trim().rsplit('/').next().unwrap_or(m).to_string());
    let go = go_directive(&text).unwrap_or_else(|| super::versions::default_for("go").to_string());
    Ok(Ecosystem {
        label: "go".into(),
        prefix: "go",
        name,
        setup: vec![("go", go)],
        jobs: vec![
            (
                "lint",
                job(
                    "gofmt and go vet",
                    vec![
                        named("gofmt", "unformatted=$(\"$(go env GOROOT)/bin/gofmt\" -l .)\nif [ -n \"$unformatted\" ]; then echo \"not gofmt-formatted:\"; echo \"$unformatted\"; exit 1; fi"),
                        cmd("go vet ./..."),
                    ],
                ),
            ),
            ("test", job("Tests", vec![cmd("go test ./...")])),
            ("build", job("Build", vec![cmd("go build ./...")])),
        ],
        ..Ecosystem::default()
    })
}
