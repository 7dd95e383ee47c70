//! `cigen run` on every example (the examples hold only specs, so their tools are stand-ins
//! that log each call), services through a stand-in `docker`, and the toolchain pre-flight.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::run::row;
use crate::schema::example_specs;
use crate::test::Test;

fn executable(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A stand-in that logs `name args…` and succeeds; `npm run build` also leaves a bundle.
fn stand_in(dir: &Path, name: &str) {
    let extra = if name == "npm" {
        "[ \"$1\" = run ] && [ \"$2\" = build ] && mkdir -p dist && echo bundle > dist/app.js\n"
    } else {
        ""
    };
    executable(
        &dir.join(name),
        &format!("#!/bin/sh\necho \"{name} $*\" >> \"$STANDIN_LOG\"\n{extra}exit 0\n"),
    );
}

fn path_with(bin: &Path) -> String {
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

#[test]
fn every_example_dry_runs() {
    for spec in example_specs() {
        let f = spec.to_string_lossy().into_owned();
        let out = Test::new()
            .args(["-f", &f, "run", "--dry-run"])
            .expect_code(0);
        assert!(out.stdout.starts_with("plan: "), "{f}: {}", out.stdout);
        // Local runs never run CI-only jobs, and say so.
        let spec_text = std::fs::read_to_string(&spec).unwrap();
        if spec_text.contains("ci: true }") {
            assert!(
                out.stdout.contains("runs only in CI (when.ci: true)"),
                "{f}: {}",
                out.stdout
            );
        }
    }
}

/// Commands every step line starts with (`./scripts/x` → a script), minus what the stand-ins
/// themselves and the steps' plumbing need for real.
fn commands(spec: &serde_yaml::Value) -> Vec<(String, bool)> {
    const REAL: &[&str] = &[
        "echo",
        "printf",
        "find",
        "sort",
        "xargs",
        "sha256sum",
        "cut",
        "cat",
        "mkdir",
        "test",
        "true",
        "false",
        "if",
        "then",
        "else",
        "fi",
        "for",
        "do",
        "done",
        "flags=",
        "[",
    ];
    let mut out: Vec<(String, bool)> = Vec::new();
    let jobs = spec["jobs"].as_mapping().cloned().unwrap_or_default();
    for (_, job) in jobs {
        for step in job["steps"].as_sequence().cloned().unwrap_or_default() {
            let run = step
                .as_str()
                .map(str::to_string)
                .or_else(|| step["run"].as_str().map(str::to_string))
                .unwrap_or_default();
            for line in run.lines() {
                let first = line
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .trim_start_matches('(');
                let (name, script) = match first.strip_prefix("./scripts/") {
                    Some(s) => (s.to_string(), true),
                    None => (first.to_string(), false),
                };
                let plain = !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
                if plain
                    && !REAL
                        .iter()
                        .any(|r| name == *r || (r.ends_with('=') && name.starts_with(r)))
                    && !out.contains(&(name.clone(), script))
                {
                    out.push((name, script));
                }
            }
        }
    }
    out
}

/// Stand-in toolchains for the versions an example asks for (`setup:` and axes named after
/// a toolchain), since `cigen run` selects each unit's version and fails one that is missing:
/// `pythonX.Y` on PATH, Node versions where nvm keeps them (under `home`), a `go` that
/// reports the asked version, a `rustup` that lists the asked toolchain.
fn toolchain_stand_ins(bin: &Path, home: &Path, spec: &serde_yaml::Value) {
    let mut wanted: Vec<(String, String)> = Vec::new();
    let mut add = |tool: &str, v: &serde_yaml::Value| {
        if let Some(v) = v.as_str() {
            wanted.push((tool.to_string(), v.to_string()));
        }
    };
    for tool in ["python", "node", "go", "rust"] {
        add(tool, &spec["setup"][tool]);
        for job in spec["jobs"]
            .as_mapping()
            .cloned()
            .unwrap_or_default()
            .values()
        {
            let m = &job["matrix"];
            for v in m[tool].as_sequence().cloned().unwrap_or_default() {
                add(tool, &v);
            }
            for inc in m["include"].as_sequence().cloned().unwrap_or_default() {
                add(tool, &inc[tool]);
            }
        }
    }
    for (tool, v) in wanted {
        match tool.as_str() {
            "python" => executable(
                &bin.join(format!("python{v}")),
                &format!("#!/bin/sh\necho Python {v}.0\n"),
            ),
            "node" => executable(
                &home.join(format!(".nvm/versions/node/v{v}.0.0/bin/node")),
                &format!("#!/bin/sh\n[ \"$1\" = --version ] && {{ echo v{v}.0.0; exit 0; }}\necho \"node $*\" >> \"$STANDIN_LOG\"\n"),
            ),
            "rust" => executable(
                &bin.join("rustup"),
                &format!("#!/bin/sh\n[ \"$1 $2\" = \"toolchain list\" ] && {{ echo {v}-x86_64-unknown-linux-gnu; exit 0; }}\necho \"rustup $*\" >> \"$STANDIN_LOG\"\n"),
            ),
            _ => executable(
                &bin.join("go"),
                &format!("#!/bin/sh\n[ \"$1\" = version ] && {{ echo go version go{v}.0 linux/amd64; exit 0; }}\necho \"go $*\" >> \"$STANDIN_LOG\"\n"),
            ),
        }
    }
}

fn working_directories(spec: &serde_yaml::Value) -> Vec<String> {
    let jobs = spec["jobs"].as_mapping().cloned().unwrap_or_default();
    jobs.values()
        .filter_map(|j| j["working_directory"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn every_example_runs_locally_with_stand_in_tools() {
    for spec in example_specs() {
        let name = spec
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&spec).unwrap();
        let mut t = Test::new().spec(&text);
        let bin = t.path().join("bin");
        let model: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        for (tool, script) in commands(&model) {
            if script {
                stand_in(&t.path().join("scripts"), &tool);
            } else {
                stand_in(&bin, &tool);
            }
        }
        for dir in working_directories(&model) {
            std::fs::create_dir_all(t.path().join(dir)).unwrap();
        }
        let home = t.path().join("home");
        toolchain_stand_ins(&bin, &home, &model);
        let log = t.path().join("standin.log");
        t = t
            .env("HOME", home.to_str().unwrap())
            .env("PATH", &path_with(&bin))
            .env("STANDIN_LOG", log.to_str().unwrap())
            .env("PYPI_URL", "https://pypi.example/simple");
        let t = t.args(["run", "--host-services", "-j", "2"]);
        let out = t.expect_code(0);
        let calls = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(
            !calls.is_empty(),
            "{name}: no tool was called\n{}",
            out.stdout
        );
        let totals = out.stdout.lines().last().unwrap_or_default();
        assert!(
            totals.contains(" passed")
                && !["failed", "cancelled", "timed-out", "flaky"]
                    .iter()
                    .any(|w| totals.contains(w)),
            "{name}: {totals}\n{}",
            out.stdout
        );
        match name.as_str() {
            "python-uv" => {
                assert!(
                    calls.contains("uv run ruff check .\nuv run mypy --strict src\n"),
                    "{calls}"
                );
                assert!(
                    calls.contains("uv run --python 3.12 pytest")
                        && calls.contains("uv run --python 3.13 pytest"),
                    "{calls}"
                );
                assert!(
                    calls.contains("docker buildx build -t ghcr.io/acme/app:dev --load ."),
                    "{calls}"
                );
                assert_eq!(
                    row(&out.stdout, "deploy"),
                    "deploy skipped - - runs only in CI (when.ci: true)"
                );
            }
            "rust-crate" => {
                assert!(
                    calls.contains("cargo +1.85 test --locked --all-features"),
                    "{calls}"
                );
                assert!(
                    !calls.contains("cargo +beta test --locked\n"),
                    "excluded cell ran: {calls}"
                );
            }
            "node-app" => {
                assert!(calls.starts_with("npm ci --no-audit\n"), "{calls}");
                assert!(calls.contains("npx --yes node@24 --test"), "{calls}");
                assert_eq!(
                    row(&out.stdout, "preview"),
                    "preview skipped - - runs only in CI (when.ci: true)"
                );
            }
            "monorepo" => {
                // `-j 2`: another job's calls may come between these two; their order holds.
                let lint = calls.find("buf lint\n");
                let generate = calls.find("buf generate\n");
                assert!(
                    lint.is_some() && generate.is_some() && lint < generate,
                    "{calls}"
                );
                assert!(calls.contains("e2e --registry localhost:5000"), "{calls}");
            }
            _ => {}
        }
    }
}

const DOCKER: &str = "#!/bin/sh\necho \"$*\" >> \"$DOCKER_LOG\"\ncase \"$1\" in\n  info) [ -n \"$DOCKER_DOWN\" ] && exit 1; echo 27.0 ;;\n  run) echo c0ffee ;;\n  inspect) echo healthy ;;\nesac\nexit 0\n";
const SERVICES: &str = "version: 1\njobs:\n  db_test:\n    services:\n      db: { image: \"postgres:17\", ports: [5432], env: { POSTGRES_PASSWORD: pw }, health: pg_isready }\n    steps: ['echo using the db; echo step >> \"$DOCKER_LOG\"']\n";

fn services_test(env: &[(&str, &str)], args: &[&str]) -> (Test, String) {
    let mut t = Test::new().spec(SERVICES);
    let bin = t.path().join("bin");
    executable(&bin.join("docker"), DOCKER);
    let log = t.path().join("docker.log");
    t = t
        .env("PATH", &path_with(&bin))
        .env("DOCKER_LOG", log.to_str().unwrap());
    for (k, v) in env {
        t = t.env(k, v);
    }
    t = t.args(["run"]).args(args.iter().copied());
    (t, log.to_string_lossy().into_owned())
}

#[test]
fn services_start_healthy_and_are_removed() {
    let (t, log) = services_test(&[], &[]);
    t.expect_code(0);
    let calls = std::fs::read_to_string(log).unwrap();
    let calls = regex::Regex::new(r"cigen-db_test-db-\d+-[0-9a-f]{6}")
        .unwrap()
        .replace_all(&calls, "NAME");
    assert_eq!(
        calls,
        "info --format {{.ServerVersion}}\nrun -d --name NAME -p 127.0.0.1:5432:5432 -e POSTGRES_PASSWORD=pw --health-cmd pg_isready --health-interval 1s postgres:17\ninspect -f {{.State.Health.Status}} NAME\nstep\nrm -f -v NAME\n"
    );
}

#[test]
fn services_without_docker_fail_clearly_or_use_the_host() {
    let (t, log) = services_test(&[("DOCKER_DOWN", "1")], &[]);
    let out = t.expect_code(1);
    assert!(row(&out.stdout, "db_test").starts_with("db_test failed - job `db_test` needs services (db) but no Docker engine answered `docker info`; start Docker, or pass --host-services"), "{}", out.stdout);
    assert!(!std::fs::read_to_string(&log).unwrap().contains("step"));
    let (t, log) = services_test(&[("DOCKER_DOWN", "1")], &["--host-services"]);
    let out = t.expect_code(0);
    assert!(
        out.stdout
            .contains("using services already running on this machine: db (--host-services)"),
        "{}",
        out.stdout
    );
    assert_eq!(std::fs::read_to_string(log).unwrap(), "step\n");
}

#[test]
fn preflight_warns_about_missing_tools_and_a_missing_toolchain_fails_its_unit() {
    let mut t = Test::new().spec("version: 1\nsetup: { python: \"3.13\", uv: \"0.9\" }\njobs:\n  j:\n    steps: [echo ran]\n");
    let bin = t.path().join("bin");
    executable(&bin.join("uv"), "#!/bin/sh\necho uv 0.8.1\n");
    executable(&bin.join("python3"), "#!/bin/sh\necho Python 3.12.1\n");
    let home = t.path().to_str().unwrap().to_string();
    t = t
        .env("PATH", &format!("{}:/usr/bin:/bin", bin.display()))
        .env("PYENV_ROOT", &format!("{home}/no-pyenv"))
        .env("HOME", &home)
        .args(["run"]);
    let out = t.expect_code(1);
    // cigen selects python per unit: its absence fails the unit before it runs.
    assert!(!out.stdout.contains("j │ ran"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("j │ failed: python 3.13 is not installed (this machine has 3.12.1): uv python install 3.13"),
        "{}",
        out.stdout
    );
    assert_eq!(
        out.stderr,
        "warning: toolchains from `setup:` that this machine lacks (CI installs them; locally steps may fail):\n  TOOL  WANTED  FOUND  HOW TO GET IT\n  uv    0.9     0.8.1  pip install 'uv==0.9.*'  (or see https://docs.astral.sh/uv/)\n"
    );
    // In CI the runner installed them: no pre-flight, and the unit runs with what is there.
    let out = Test::new()
        .spec("version: 1\nsetup: { java: \"99\" }\njobs:\n  j:\n    steps: [echo ran]\n")
        .env("CI", "true")
        .args(["run"])
        .expect_code(0);
    assert_eq!(out.stderr, "");
}

#[test]
fn preflight_probes_beside_the_jobs_and_remembers_the_answer() {
    // The stand-in uv answers only once the job has started: a probe that ran before the
    // first job would wait its whole bound and answer 0.0 instead. (uv: the toolchains cigen
    // selects per unit itself, `toolchain.rs`, are not pre-flight's.)
    let t = Test::new()
        .spec("version: 1\nsetup: { uv: \"0.9\" }\njobs:\n  j:\n    steps: [touch started]\n");
    let bin = t.path().join("bin");
    let root = t.path().display().to_string();
    executable(
        &bin.join("uv"),
        &format!(
            "#!/bin/sh\necho probed >> '{root}/probes'\ni=0\nwhile [ ! -f '{root}/started' ]; do i=$((i+1)); [ $i -gt 2000 ] && {{ echo uv 0.0; exit 0; }}; sleep 0.01; done\necho uv 0.8.1\n"
        ),
    );
    let cache = t.path().join("cache");
    let run = || {
        Test::new()
            .in_dir(t.path())
            .env("PATH", &path_with(&bin))
            .env("CIGEN_CACHE_DIR", cache.to_str().unwrap())
            .args(["run"])
            .expect_code(0)
    };
    let warning = "warning: toolchains from `setup:` that this machine lacks (CI installs them; locally steps may fail):\n  TOOL  WANTED  FOUND  HOW TO GET IT\n  uv    0.9     0.8.1  pip install 'uv==0.9.*'  (or see https://docs.astral.sh/uv/)\n";
    assert_eq!(run().stderr, warning);
    let probes = || std::fs::read_to_string(t.path().join("probes")).unwrap();
    assert_eq!(probes(), "probed\n");
    // Again: the same answer, without starting the probe.
    assert_eq!(run().stderr, warning);
    assert_eq!(probes(), "probed\n");
    // A version file where the steps run may change what a shim picks: probed again.
    std::fs::write(t.path().join(".python-version"), "3.12\n").unwrap();
    assert_eq!(run().stderr, warning);
    assert_eq!(probes(), "probed\nprobed\n");
}

/// Where the real tool exists (cargo always does here), an example job runs for real.
#[test]
fn rust_example_fmt_job_runs_real_cargo() {
    let spec =
        std::fs::read_to_string(crate::test::repo_root().join("examples/rust-crate/cigen.yaml"))
            .unwrap();
    let t = Test::new()
        .spec(&spec)
        .file(
            "Cargo.toml",
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
        )
        .file("src/lib.rs", "pub fn answer() -> u32 {\n    42\n}\n")
        .args(["run", "fmt"]);
    let out = t.expect_code(0);
    assert!(
        out.stdout.contains("fmt │ ✓ cargo fmt --all -- --check"),
        "{}",
        out.stdout
    );
    std::fs::write(t.path().join("src/lib.rs"), "pub fn answer()->u32{42}\n").unwrap();
    let t = t.args([] as [&str; 0]);
    let out = t.expect_code(1);
    assert!(
        out.stdout
            .contains("fmt │ ✗ cargo fmt --all -- --check: exit 1"),
        "{}",
        out.stdout
    );
}
