//! The spec `cigen import` writes for each fixture of tests/fixtures/import/ runs under
//! `cigen run`: every tool its steps call is a stand-in that logs its arguments (and the env
//! values the import translated), every toolchain version the spec asks for is a stand-in
//! where cigen looks for it, and the run must pass with the calls the original CI would make.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::import::fixture;
use crate::test::Test;

fn executable(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// Env values the import translates (references, `$CIGEN_ENV`, toolchain selection): the
/// stand-ins log those that are set, so the log shows what a step saw.
const SHOWN: &[&str] = &[
    "COVERAGE_FILE",
    "DATABASE_URL",
    "RUSTDOCFLAGS",
    "RUSTUP_TOOLCHAIN",
    "PY",
    "UV_PYTHON",
];

/// Builtins and tools the steps' plumbing needs for real.
const REAL: &[&str] = &[
    "echo", "export", "cd", "test", "[", "true", "false", "mkdir", "cat", "printf",
];

/// A stand-in that logs `name args` and the shown env, and succeeds. The line is written
/// with one `printf`, so the lines of cells running at once never interleave.
fn stand_in(bin: &Path, name: &str) {
    let shown: String = SHOWN
        .iter()
        .map(|v| format!("[ -n \"${{{v}-}}\" ] && line=\"$line {v}=${v}\"\n"))
        .collect();
    executable(
        &bin.join(name),
        &format!("#!/bin/sh\nline=\"{name} $*\"\n{shown}printf '%s\\n' \"$line\" >> \"$STANDIN_LOG\"\nexit 0\n"),
    );
}

/// The first word of every line of every step.
fn commands(spec: &serde_yaml::Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for job in spec["jobs"]
        .as_mapping()
        .into_iter()
        .flatten()
        .map(|(_, j)| j)
    {
        for step in job["steps"].as_sequence().into_iter().flatten() {
            let run = step.as_str().or_else(|| step["run"].as_str()).unwrap_or("");
            for line in run.lines() {
                let first = line.split_whitespace().next().unwrap_or("");
                let plain = !first.is_empty()
                    && first
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
                if plain && !REAL.contains(&first) && !out.iter().any(|o| o == first) {
                    out.push(first.to_string());
                }
            }
        }
    }
    out
}

/// Every version of `tool` the spec asks for: `setup:` (the spec's and each job's) and the
/// job's axis named after the tool.
fn versions(spec: &serde_yaml::Value, tool: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |v: &serde_yaml::Value| {
        if let Some(v) = v.as_str() {
            if !out.iter().any(|o| o == v) {
                out.push(v.to_string());
            }
        }
    };
    add(&spec["setup"][tool]);
    for job in spec["jobs"]
        .as_mapping()
        .into_iter()
        .flatten()
        .map(|(_, j)| j)
    {
        add(&job["setup"][tool]);
        for v in job["matrix"][tool].as_sequence().into_iter().flatten() {
            add(v);
        }
        for inc in job["matrix"]["include"].as_sequence().into_iter().flatten() {
            add(&inc[tool]);
        }
    }
    out
}

/// Stand-in toolchains where cigen looks for them: `pythonX.Y` on PATH, a `rustup` listing
/// every asked toolchain, Node versions where nvm keeps them.
fn toolchains(bin: &Path, home: &Path, spec: &serde_yaml::Value) {
    for v in versions(spec, "python") {
        let minor: String = v.split('.').take(2).collect::<Vec<_>>().join(".");
        executable(
            &bin.join(format!("python{minor}")),
            &format!("#!/bin/sh\necho Python {v}.0\n"),
        );
    }
    let rust = versions(spec, "rust");
    if !rust.is_empty() {
        let list: String = rust
            .iter()
            .map(|v| format!("echo {v}-x86_64-unknown-linux-gnu; "))
            .collect();
        executable(
            &bin.join("rustup"),
            &format!("#!/bin/sh\n[ \"$1 $2\" = \"toolchain list\" ] && {{ {list}exit 0; }}\necho \"rustup $*\" >> \"$STANDIN_LOG\"\n"),
        );
    }
    for v in versions(spec, "node") {
        let mut full: Vec<&str> = v.split('.').collect();
        while full.len() < 3 {
            full.push("0");
        }
        let full = full.join(".");
        executable(
            &home.join(format!(".nvm/versions/node/v{full}/bin/node")),
            &format!("#!/bin/sh\n[ \"$1\" = --version ] && {{ echo v{full}; exit 0; }}\necho \"node $*\" >> \"$STANDIN_LOG\"\n"),
        );
    }
}

/// Imports the fixture, runs every job `cigen run` plans on this machine with stand-ins, and
/// returns the stand-ins' log and the run's output.
fn run_imported(name: &str, env: &[(&str, &str)]) -> (String, String) {
    let t = fixture(name);
    let dir = t.path();
    let out = Test::new().in_dir(dir).args(["import"]).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(dir.join("cigen.yaml")).expect("spec");
    let spec: serde_yaml::Value = serde_yaml::from_str(&text).expect("YAML");
    let bin = dir.join(".standins/bin");
    let home = dir.join(".standins/home");
    for c in commands(&spec) {
        stand_in(&bin, &c);
    }
    toolchains(&bin, &home, &spec);
    let log = dir.join(".standins/log");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut run = Test::new()
        .in_dir(dir)
        .env("HOME", home.to_str().expect("utf-8"))
        .env("PATH", &path)
        .env("STANDIN_LOG", log.to_str().expect("utf-8"))
        // cargo runs the tests with its toolchain set; a laptop's shell has none.
        .env("RUSTUP_TOOLCHAIN", "");
    for (k, v) in env {
        run = run.env(k, v);
    }
    let out = run.args(["run", "--host-services", "-j", "2"]).run();
    let calls = std::fs::read_to_string(&log).unwrap_or_default();
    let totals = out.stdout.lines().last().unwrap_or_default().to_string();
    assert!(
        out.code == 0
            && totals.contains(" passed")
            && !["failed", "cancelled", "timed-out"]
                .iter()
                .any(|w| totals.contains(w)),
        "{name}: {totals}\n{}\n{}\ncalls:\n{calls}",
        out.stdout,
        out.stderr
    );
    (calls, out.stdout)
}

#[test]
fn imported_python_library_runs() {
    let (calls, out) = run_imported("python-lib", &[]);
    // The Linux cells ran, each with its own interpreter and its translated env value.
    for py in ["3.10", "3.11", "3.12", "3.13", "3.14"] {
        assert!(
            calls.contains(&format!("uvx --with tox-uv tox run -e py --installpkg-deps -- --junitxml=junit-ubuntu-latest-{py}.xml COVERAGE_FILE=.coverage.ubuntu-latest.{py} UV_PYTHON={py}\n")),
            "{calls}"
        );
    }
    // `>> $GITHUB_ENV` became `$CIGEN_ENV`: the next step of the job sees `PY`.
    assert!(
        calls.lines().any(|l| l
            .starts_with("uvx pre-commit run --all-files --show-diff-on-failure PY=")
            && l.len() > "uvx pre-commit run --all-files --show-diff-on-failure PY=".len() + 10),
        "{calls}"
    );
    assert!(calls.contains("uv build\n"), "{calls}");
    assert!(
        out.contains("cell for windows runners (runs-on.cells); this machine runs linux"),
        "{out}"
    );
}

#[test]
fn imported_rust_crate_runs() {
    let (calls, _) = run_imported("rust-crate", &[]);
    // The toolchain axis and the nightly jobs' own setup select their toolchains.
    for t in ["stable", "beta", "nightly", "1.74"] {
        assert!(
            calls.contains(&format!(
                "cargo test --workspace --all-features RUSTUP_TOOLCHAIN={t}-x86_64-unknown-linux-gnu RUSTDOCFLAGS="
            )) || calls.contains(&format!(
                "cargo test --workspace --all-features RUSTUP_TOOLCHAIN={t}-x86_64-unknown-linux-gnu\n"
            )),
            "{t}: {calls}"
        );
    }
    // `when.matrix`: the ignored tests ran in the nightly cell only.
    assert_eq!(
        calls
            .matches("cargo test --workspace --all-features -- --ignored")
            .count(),
        1,
        "{calls}"
    );
    assert!(
        calls.contains(
            "cargo miri test --workspace RUSTUP_TOOLCHAIN=nightly-x86_64-unknown-linux-gnu"
        ),
        "{calls}"
    );
    // `${{ env.RUSTFLAGS }}` in an env value is expanded by cigen.
    assert!(
        calls.contains("cargo doc --workspace --all-features --no-deps RUSTDOCFLAGS=--cfg docsrs -Dwarnings RUSTUP_TOOLCHAIN=nightly-x86_64-unknown-linux-gnu"),
        "{calls}"
    );
    assert!(
        calls.contains("cargo fuzz run parse_inline -- -max_total_time=600"),
        "{calls}"
    );
}

#[test]
fn imported_typescript_library_runs() {
    let (calls, out) = run_imported("ts-lib", &[]);
    assert_eq!(
        calls.matches("pnpm vitest run --coverage").count(),
        3,
        "{calls}"
    );
    assert!(calls.contains("pnpm typedoc --out site"), "{calls}");
    // The post steps (codecov) are CI-only: locally nothing asks for CODECOV_TOKEN.
    assert!(!out.contains("CODECOV_TOKEN"), "{out}");
}

#[test]
fn imported_gitlab_service_runs() {
    let (calls, _) = run_imported("gitlab-service", &[("DEPLOY_TOKEN", "stand-in")]);
    // Variables that reference others are expanded by cigen, the same on every runner.
    // Each cell on the Python its image named (the axis is `python`, a toolchain axis).
    for py in ["3.11", "3.12", "3.13"] {
        assert!(
            calls.contains(&format!("uv run pytest --junitxml=report.xml --cov=src --cov-report=xml DATABASE_URL=postgresql://app:app@db:5432/app_test UV_PYTHON={py}\n")),
            "{calls}"
        );
    }
    assert_eq!(calls.matches("uv sync DATABASE_URL=").count(), 3, "{calls}");
    assert!(calls.contains("uvx pip-audit --strict"), "{calls}");
    assert!(calls.contains("apk add --no-cache curl"), "{calls}");
}
