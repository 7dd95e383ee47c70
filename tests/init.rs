//! `cigen init` on small real projects the tests create (uv, cargo, pnpm, go): the spec it
//! writes checks, and its jobs run each project's real lint, tests and build under `cigen
//! run`. uv, go and pnpm come from `.judges/bin` (scripts/install-judges) or PATH, so those
//! tests sit in `init::judges` and run with the judges; a missing tool fails under CI=true and
//! skips loudly elsewhere, like a judge.

use std::path::{Path, PathBuf};

use crate::test::{Output, Test};

/// A PATH with the directories of `tools` first.
fn path_with(tools: &[PathBuf]) -> String {
    let mut dirs: Vec<PathBuf> = tools
        .iter()
        .filter_map(|t| t.parent().map(Path::to_path_buf))
        .collect();
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(dirs)
        .expect("PATH")
        .to_string_lossy()
        .into_owned()
}

/// Runs `cigen init`, then `cigen check` and `cigen run` (every job) in the project.
fn init_and_run(t: Test, tools: &[PathBuf], env: &[(&str, &str)]) -> (String, Output) {
    let path = path_with(tools);
    let mut init = Test::new().in_dir(t.path()).args(["init"]);
    init = init.env("PATH", &path);
    let out = init.expect_code(0);
    assert!(out.stderr.contains("wrote "), "{}", out.stderr);
    let spec = std::fs::read_to_string(t.path().join("cigen.yaml")).expect("cigen.yaml");
    Test::new().in_dir(t.path()).args(["check"]).expect_code(0);
    let mut run = Test::new()
        .in_dir(t.path())
        .args(["run", "-j", "1"])
        .env("PATH", &path);
    for (k, v) in env {
        run = run.env(k, v);
    }
    let out = run.run();
    assert_eq!(
        out.code, 0,
        "cigen run failed on the spec init wrote:\n{spec}\n--- stdout\n{}\n--- stderr\n{}",
        out.stdout, out.stderr
    );
    (spec, out)
}

fn passed(out: &Output, job: &str) -> bool {
    out.stdout
        .lines()
        .chain(out.stderr.lines())
        .any(|l| l.split_whitespace().take(2).eq([job, "passed"]))
}

#[test]
fn cargo_project_takes_its_toolchain_file_and_runs_for_real() {
    let t = Test::new()
        .file(
            "Cargo.toml",
            "[package]\nname = \"tiny-sum\"\nversion = \"0.1.0\"\nedition = \"2021\"\nrust-version = \"1.70\"\n\n[dependencies]\n",
        )
        .file(
            "src/lib.rs",
            "/// Adds two numbers.\npub fn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn adds() {\n        assert_eq!(super::add(2, 3), 5);\n    }\n}\n",
        );
    // Without a toolchain file, the MSRV is the project's own version.
    let out = Test::new()
        .in_dir(t.path())
        .args(["init", "--stdout"])
        .expect_code(0);
    assert!(out.stdout.contains("rust: '1.70'"), "{}", out.stdout);
    assert!(out.stderr.contains("MSRV"), "{}", out.stderr);
    // With one, the toolchain file wins; `stable` is what this machine has.
    let t = t.file("rust-toolchain.toml", "[toolchain]\nchannel = \"stable\"\n");
    let (spec, out) = init_and_run(t, &[], &[]);
    assert!(spec.contains("rust: stable"), "{spec}");
    assert!(
        spec.contains("cargo clippy --all-targets -- -D warnings"),
        "{spec}"
    );
    for job in ["lint", "test", "build"] {
        assert!(passed(&out, job), "{job} did not pass:\n{}", out.stdout);
    }
    assert!(
        out.stdout.contains("test tests::adds ... ok"),
        "{}",
        out.stdout
    );
}

#[test]
fn detects_package_managers_and_versions_without_running_them() {
    // (files of the project, texts the spec must contain)
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str]);
    let cases: &[Case<'_>] = &[
        (
            &[("pyproject.toml", "[project]\nname = \"p\"\nrequires-python = \">=3.11,<4\"\ndependencies = [\"requests\"]\n\n[tool.ruff]\nline-length = 100\n"), ("poetry.lock", "")],
            &["python: '3.11'", "poetry run ruff check .", "poetry build", "python3 -m pip install --quiet poetry"],
        ),
        (
            &[("pyproject.toml", "[project]\nname = \"p\"\nrequires-python = \">=3.12\"\n\n[project.optional-dependencies]\ntest = [\"pytest\"]\n")],
            &["python: '3.12'", "python3 -m venv .venv", ".venv/bin/python -m pytest", "pip wheel"],
        ),
        (
            &[("package.json", "{\"name\": \"y\", \"engines\": {\"node\": \"^18.18 || >=20\"}, \"scripts\": {\"test\": \"jest\", \"typecheck\": \"tsc\"}}"), ("yarn.lock", "")],
            &["node: '18.18'", "yarn install --frozen-lockfile", "yarn run typecheck", "yarn test"],
        ),
        (
            &[("package.json", "{\"name\": \"n\", \"scripts\": {\"build\": \"tsc\"}}"), ("package-lock.json", "{}"), (".node-version", "v22.3.0\n")],
            &["node: 22.3.0", "npm ci", "npm run build"],
        ),
        (
            &[("go.mod", "module example.com/x\n\ngo 1.23\n\ntoolchain go1.23.4\n")],
            &["go: 1.23.4", "go vet ./..."],
        ),
    ];
    for (files, expected) in cases {
        let mut t = Test::new();
        for (name, text) in *files {
            t = t.file(name, text);
        }
        let t = t.args(["init", "--stdout"]);
        let out = t.expect_code(0);
        for e in *expected {
            assert!(out.stdout.contains(e), "missing `{e}` in:\n{}", out.stdout);
        }
        assert!(
            !t.path().join("cigen.yaml").exists(),
            "--stdout writes nothing"
        );
    }
}

#[test]
fn several_ecosystems_share_one_spec_with_prefixed_jobs() {
    let out = Test::new()
        .file("go.mod", "module example.com/x\n\ngo 1.22\n")
        .file(
            "Cargo.toml",
            "[package]\nname = \"x\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .args(["init", "--stdout"])
        .expect_code(0);
    for job in [
        "rust-lint:",
        "rust-test:",
        "rust-build:",
        "go-lint:",
        "go-test:",
        "go-build:",
    ] {
        assert!(out.stdout.contains(job), "{job}:\n{}", out.stdout);
    }
    assert!(
        out.stdout
            .contains("needs:\n    - rust-lint\n    - rust-test"),
        "{}",
        out.stdout
    );
}

#[test]
fn never_overwrites_a_spec_and_says_when_nothing_is_found() {
    let t = Test::new()
        .spec("version: 1\njobs: {a: {steps: [echo]}}\n")
        .file("go.mod", "module x\n\ngo 1.22\n")
        .args(["init"]);
    let out = t.expect_code(2);
    assert!(out.stderr.contains("never overwrites"), "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(t.path().join("cigen.yaml")).unwrap(),
        "version: 1\njobs: {a: {steps: [echo]}}\n"
    );
    let out = Test::new().args(["init"]).expect_code(2);
    assert!(out.stderr.contains("no project found"), "{}", out.stderr);
    let out = Test::new()
        .file("go.mod", "module x\n\ngo 1.22\n")
        .file(".github/workflows/ci.yml", "on: push\njobs: {}\n")
        .args(["init", "--stdout"])
        .expect_code(0);
    assert!(out.stderr.contains("cigen import"), "{}", out.stderr);
}

/// Tests that need uv, pnpm or go from `.judges/bin`: named `judges::` so they run in the
/// `judges` job, after `scripts/install-judges`, and are skipped by the plain test run.
mod judges {
    use super::{init_and_run, passed};
    use crate::judges::tool::judge;
    use crate::test::Test;

    #[test]
    fn uv_project_lint_test_build_run_for_real() {
        let Some(uv) = judge("uv") else { return };
        let t = Test::new()
            .file(
                "pyproject.toml",
                "[project]\nname = \"tiny-calc\"\nversion = \"0.1.0\"\nrequires-python = \">=3.9\"\n\n[dependency-groups]\ndev = [\"pytest>=7\"]\n\n[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n",
            )
            .file("src/tiny_calc/__init__.py", "def add(a, b):\n    return a + b\n")
            .file(
                "tests/test_add.py",
                "from tiny_calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n",
            );
        // The Python on this machine, so uv never downloads one.
        let py = std::process::Command::new("python3")
            .args([
                "-c",
                "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')",
            ])
            .output()
            .expect("python3");
        let version = String::from_utf8_lossy(&py.stdout).trim().to_string();
        let t = t.file(".python-version", &format!("{version}\n"));
        let lock = std::process::Command::new(&uv.path)
            .arg("lock")
            .current_dir(t.path())
            .env("UV_PYTHON_DOWNLOADS", "never")
            .output()
            .expect("uv lock");
        assert!(
            lock.status.success(),
            "{}",
            String::from_utf8_lossy(&lock.stderr)
        );
        let env = [("UV_PYTHON_DOWNLOADS", "never")];
        let (spec, out) = init_and_run(t, std::slice::from_ref(&uv.path), &env);
        // The project's own versions: `.python-version`, and uv with a frozen lock.
        assert!(spec.contains(&format!("python: '{version}'")), "{spec}");
        assert!(spec.contains("uv run --frozen pytest"), "{spec}");
        assert!(spec.contains("uv build"), "{spec}");
        for job in ["lint", "test", "build"] {
            assert!(passed(&out, job), "{job} did not pass:\n{}", out.stdout);
        }
        assert!(
            out.stdout.contains("1 passed"),
            "pytest ran no test:\n{}",
            out.stdout
        );
    }

    #[test]
    fn pnpm_project_runs_its_scripts_for_real() {
        let Some(pnpm) = judge("pnpm") else { return };
        let t = Test::new()
            .file(
                "package.json",
                "{\n  \"name\": \"tiny-lib\",\n  \"version\": \"1.0.0\",\n  \"type\": \"module\",\n  \"packageManager\": \"pnpm@12.4.2\",\n  \"engines\": { \"node\": \">=20\" },\n  \"scripts\": {\n    \"lint\": \"node --check index.js\",\n    \"test\": \"node --test\",\n    \"build\": \"mkdir -p dist && cp index.js dist/\"\n  }\n}\n",
            )
            .file("index.js", "export const add = (a, b) => a + b;\n")
            .file(
                "index.test.js",
                "import test from \"node:test\";\nimport assert from \"node:assert\";\nimport { add } from \"./index.js\";\ntest(\"add\", () => assert.equal(add(2, 3), 5));\n",
            )
            .file(".nvmrc", "20\n");
        let lock = std::process::Command::new(&pnpm.path)
            .arg("install")
            .current_dir(t.path())
            .output()
            .expect("pnpm install");
        assert!(
            lock.status.success(),
            "{}",
            String::from_utf8_lossy(&lock.stderr)
        );
        let (spec, out) = init_and_run(t, std::slice::from_ref(&pnpm.path), &[]);
        assert!(spec.contains("node: '20'"), "{spec}");
        assert!(spec.contains("pnpm install --frozen-lockfile"), "{spec}");
        // pnpm itself is installed in CI only: a laptop has it.
        assert!(spec.contains("npm install --global pnpm@12.4.2"), "{spec}");
        for job in ["lint", "test", "build"] {
            assert!(passed(&out, job), "{job} did not pass:\n{}", out.stdout);
        }
        assert!(
            out.stdout.contains("# pass 1"),
            "node --test ran no test:\n{}",
            out.stdout
        );
    }

    #[test]
    fn go_module_takes_its_go_directive_and_runs_for_real() {
        let Some(go) = judge("go") else { return };
        let t = Test::new()
            .file("go.mod", "module example.com/greet\n\ngo 1.22\n")
            .file(
                "greet.go",
                "package greet\n\n// Hello greets.\nfunc Hello(name string) string {\n\treturn \"hello \" + name\n}\n",
            )
            .file(
                "greet_test.go",
                "package greet\n\nimport \"testing\"\n\nfunc TestHello(t *testing.T) {\n\tif Hello(\"go\") != \"hello go\" {\n\t\tt.Fatal(\"wrong\")\n\t}\n}\n",
            );
        let env = [("GOTOOLCHAIN", "local")];
        let (spec, out) = init_and_run(t, std::slice::from_ref(&go.path), &env);
        assert!(spec.contains("go: '1.22'"), "{spec}");
        for job in ["lint", "test", "build"] {
            assert!(passed(&out, job), "{job} did not pass:\n{}", out.stdout);
        }
        assert!(
            out.stdout.contains("ok  \texample.com/greet"),
            "{}",
            out.stdout
        );
    }
}
