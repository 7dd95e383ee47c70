//! `cigen import` on the fixtures in tests/fixtures/import/ (workflows written for these tests
//! in the style of a Python library, a Rust crate, a TypeScript library and a GitLab
//! pipeline for a web service): the spec it writes checks, plans every CI job to run locally, generates, and
//! the outputs pass every static judge; its report's `lost` list is exactly what the spec
//! cannot express yet.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::test::{repo_root, Test};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read fixture") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// A temporary copy of `tests/fixtures/import/<name>`.
pub(crate) fn fixture(name: &str) -> Test {
    let t = Test::new();
    copy_dir(
        &repo_root().join("tests/fixtures/import").join(name),
        t.path(),
    );
    t
}

fn cigen(dir: &Path, args: &[&str]) -> crate::test::Output {
    Test::new().in_dir(dir).args(args.iter().copied()).run()
}

/// `kind` items of the JSON report as sorted `job: feature` lines (`pipeline` for none).
fn items(report: &Value, kind: &str) -> Vec<String> {
    let mut v: Vec<String> = report["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["kind"] == kind)
        .map(|i| {
            format!(
                "{}: {}",
                i["job"].as_str().unwrap_or("pipeline"),
                i["feature"].as_str().unwrap_or_default()
            )
        })
        .collect();
    v.sort();
    v
}

/// Imports the fixture, checks the report, and returns the directory with `cigen.yaml`.
fn import(t: &Test, lost: &[&str], todo: &[&str]) -> Value {
    let out = cigen(t.path(), &["import", "--report", "json"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).expect("JSON report");
    let mut want: Vec<String> = lost.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(
        items(&report, "lost"),
        want,
        "lost items differ; the full report:\n{}",
        serde_json::to_string_pretty(&report).unwrap_or_default()
    );
    let mut want: Vec<String> = todo.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(items(&report, "todo"), want);
    report
}

/// The spec checks without a warning, and every job that is not gated to an event CI alone
/// starts (tag, schedule) is planned to run on a laptop (but its cells for other OSes).
fn checks_and_runs_locally(dir: &Path, ci_only: &[&str]) {
    let out = cigen(dir, &["check"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    let out = cigen(dir, &["run", "--dry-run"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let plan = format!("{}{}", out.stdout, out.stderr);
    // Cells for another OS's runners are skipped on this machine, and say why.
    for line in plan
        .lines()
        .filter(|l| l.starts_with("  skip") && !l.contains("(runs-on.cells); this machine runs"))
    {
        let job = line.split_whitespace().nth(1).unwrap_or_default();
        assert!(
            ci_only.contains(&job),
            "`{job}` is skipped locally:\n{plan}"
        );
    }
    for job in ci_only {
        assert!(
            plan.contains(&format!("skip  {job}")),
            "{job} should wait for its event:\n{plan}"
        );
    }
}

/// Generates next to the originals without touching them, and the outputs are up to date.
fn generates(dir: &Path) {
    let before: Vec<(PathBuf, Vec<u8>)> = originals(dir);
    let out = cigen(dir, &["generate"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for (p, bytes) in &before {
        assert_eq!(
            &std::fs::read(p).expect("original"),
            bytes,
            "{} changed",
            p.display()
        );
    }
    assert_eq!(cigen(dir, &["generate", "--check"]).code, 0);
}

/// The CI files the import read, with their bytes.
fn originals(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir.join(".github/workflows"))
        .into_iter()
        .flatten()
        .flatten()
    {
        v.push((e.path(), std::fs::read(e.path()).expect("read")));
    }
    let gl = dir.join(".gitlab-ci.yml");
    if gl.is_file() {
        v.push((gl.clone(), std::fs::read(&gl).expect("read")));
    }
    v
}

#[test]
fn python_library_with_tox_matrix_and_trusted_publishing() {
    let t = fixture("python-lib");
    import(&t, &[], &[]);
    let spec = std::fs::read_to_string(t.path().join("cigen.yaml")).expect("spec");
    // `fetch-depth: 0` (hatch-vcs reads the version from tags) is the job's full history.
    let build = &spec[spec.find("\n  build:\n").expect("a build job")..];
    let build = &build[..build[1..]
        .find("\n  publish:")
        .map_or(build.len(), |i| i + 1)];
    assert!(build.contains("\n    full_history: true\n"), "{build}");
    // The axis that picked setup-python's version is renamed after the tool, and expressions
    // became the variables cigen sets (in env values, references cigen expands).
    assert!(
        spec.contains("    python:\n      - '3.10'") || spec.contains("    python:\n    - '3.10'"),
        "{spec}"
    );
    assert!(
        spec.contains("--junitxml=junit-\"${MATRIX_OS}\"-\"${MATRIX_PYTHON}\".xml"),
        "{spec}"
    );
    assert!(
        spec.contains("COVERAGE_FILE: .coverage.${MATRIX_OS}.${MATRIX_PYTHON}\n"),
        "{spec}"
    );
    // The OIDC publish job keeps its permission and its pinned action.
    assert!(spec.contains("id-token: write"), "{spec}");
    assert!(
        spec.contains("uses: pypa/gh-action-pypi-publish@dc37677b2e1c63e2034f94d8a5b11f265b73ba33"),
        "{spec}"
    );
    // `continue-on-error: ${{ matrix.experimental }}` allows the experimental cells to fail;
    // `if: always()` runs coverage after its needs whatever their result.
    assert!(
        spec.contains("    allow_failure:\n      matrix:\n        experimental: 'true'\n"),
        "{spec}"
    );
    let coverage = &spec[spec.find("\n  coverage:\n").expect("a coverage job")..];
    let coverage = &coverage[..coverage[1..]
        .find("\n  build:")
        .map_or(coverage.len(), |i| i + 1)];
    assert!(coverage.contains("\n      needs: always\n"), "{coverage}");
    // `runs-on: ${{ matrix.os }}` became runners per cell, with each label's OS; the publish
    // job of remote steps only installs nothing and has no placeholder command.
    assert!(
        spec.contains("    runs-on:\n      matrix: os\n      cells:\n        ubuntu-latest:\n          os: linux\n          github: ubuntu-latest\n        windows-latest:\n          os: windows\n"),
        "{spec}"
    );
    assert!(
        spec.contains("  publish:\n    description: Publish to PyPI\n    needs:\n    - release-build\n    steps: []\n    setup: {}\n"),
        "{spec}"
    );
    // Caches: actions/cache's home directory moves into the repository with the tool's
    // variable, keyed on the files its key hashed; setup-uv's own cache becomes a cache of
    // `.cache/uv`, since tags start the release workflow (a setup cache is refused there).
    assert!(
        spec.contains("    cache:\n      name: pre-commit\n      paths:\n      - .cache/pre-commit\n      - .cache/uv\n      files:\n      - .pre-commit-config.yaml\n      - '**/uv.lock'\n"),
        "{spec}"
    );
    assert!(
        spec.contains("PRE_COMMIT_HOME: .cache/pre-commit"),
        "{spec}"
    );
    assert!(spec.contains("UV_CACHE_DIR: .cache/uv"), "{spec}");
    // `fail-fast: false`, `$GITHUB_ENV` and an environment URL naming the ref are typed.
    assert!(spec.contains("    fail_fast: false\n"), "{spec}");
    assert!(
        spec.contains("cut -d' ' -f1)\" >> \"$CIGEN_ENV\""),
        "{spec}"
    );
    assert!(
        spec.contains("url: https://pypi.org/project/attrs-like/{ref}"),
        "{spec}"
    );
    // The fork guard `github.repository == '...'` is `when.repository`.
    assert!(
        spec.contains("    when:\n      event: tag\n      repository: example-org/attrs-like\n"),
        "{spec}"
    );
    checks_and_runs_locally(t.path(), &["release-build", "publish"]);
    generates(t.path());
}

#[test]
fn rust_crate_with_toolchain_matrix_miri_and_fuzz() {
    let t = fixture("rust-crate");
    import(&t, &[], &[]);
    let spec = std::fs::read_to_string(t.path().join("cigen.yaml")).expect("spec");
    // cargo-semver-checks compares with the base branch: the job gets full history.
    assert_eq!(
        spec.matches("\n    full_history: true\n").count(),
        1,
        "{spec}"
    );
    // Nightly jobs have a setup of their own, with their components.
    assert!(
        spec.contains("    setup:\n      rust: nightly\n      rust_components:\n      - miri\n      - rust-src\n"),
        "{spec}"
    );
    assert!(
        !spec.contains("RUSTUP_TOOLCHAIN") && !spec.contains("rustup toolchain install"),
        "{spec}"
    );
    // A step condition on a matrix value is `when.matrix`; `!=` on the event is `when.not`;
    // `${{ env.X }}` in an env value is a reference cigen expands.
    assert!(
        spec.contains("      run: cargo test --workspace --all-features -- --ignored\n      when:\n        matrix:\n          rust: nightly\n"),
        "{spec}"
    );
    assert!(
        spec.contains("    when:\n      not:\n        event: schedule\n"),
        "{spec}"
    );
    assert!(
        spec.contains("RUSTDOCFLAGS: --cfg docsrs ${RUSTFLAGS}"),
        "{spec}"
    );
    // Two workflows with their own crons: each one's jobs filter scheduled runs to its own
    // (`when.schedule`), except a job that never runs on a schedule.
    assert!(
        spec.contains("    when:\n      event:\n      - schedule\n      - manual\n      schedule: 0 3 * * *\n"),
        "{spec}"
    );
    assert_eq!(
        spec.matches("      schedule: 0 5 * * 1\n").count(),
        4,
        "{spec}"
    );
    assert!(spec.contains("    fail_fast: false\n"), "{spec}");
    checks_and_runs_locally(t.path(), &[]);
    generates(t.path());
}

#[test]
fn typescript_library_with_pnpm_coverage_upload_and_three_workflows() {
    let t = fixture("ts-lib");
    import(&t, &[], &[]);
    let spec = std::fs::read_to_string(t.path().join("cigen.yaml")).expect("spec");
    // The codecov steps after the tests are post steps, with their `!cancelled()`.
    assert!(
        spec.contains("    post:\n      test:\n      - name: Upload coverage to Codecov\n        uses: codecov/codecov-action\n"),
        "{spec}"
    );
    assert!(
        spec.contains("uses: codecov/test-results-action@47f89e9acb64b76debcd5ea40642d25a4adced9f\n        with:\n          token: ${{ secrets.CODECOV_TOKEN }}\n        if: not_cancelled\n"),
        "{spec}"
    );
    // setup-node's registry-url became the publish job's `setup.node_registry`.
    assert!(
        spec.contains("      node_registry: https://registry.npmjs.org\n"),
        "{spec}"
    );
    // A matrix value in an input stays an expression of the job's own matrix.
    assert!(
        spec.contains("          flags: node-${{ matrix.node }}\n"),
        "{spec}"
    );
    // Outputs: `$GITHUB_OUTPUT` became `$CIGEN_OUTPUT`, and `needs.build.outputs.version` the
    // variable dependents get.
    assert!(spec.contains(">> \"$CIGEN_OUTPUT\""), "{spec}");
    // Docs' path filter became a `changed` condition.
    assert!(
        spec.contains("changed:\n      - src/**")
            || spec.contains("changed:\n      - 'src/**'")
            || spec.contains("- src/**"),
        "{spec}"
    );
    // ci.yml runs on pull requests into main only; docs.yml on any: ci.yml's jobs say so.
    assert_eq!(spec.matches("\n      base: main\n").count(), 4, "{spec}");
    checks_and_runs_locally(t.path(), &["publish"]);
    generates(t.path());
}

#[test]
fn gitlab_pipeline_with_stages_matrix_services_and_deployments() {
    let t = fixture("gitlab-service");
    import(&t, &[], &[]);
    let spec = std::fs::read_to_string(t.path().join("cigen.yaml")).expect("spec");
    // The JUnit and Cobertura reports and the coverage regex (without GitLab's slashes) are
    // the job's `reports:` and `coverage:`.
    assert!(
        spec.contains("    reports:\n      junit:\n      - report.xml\n      coverage:\n        format: cobertura\n        path: coverage.xml\n    coverage: TOTAL.*\\s+(\\d+%)$\n"),
        "{spec}"
    );
    // Stages became needs; `extends:` and anchors were resolved; the matrix variable keeps its
    // GitLab name in the script.
    assert!(
        spec.contains("  build-image:\n    needs:\n    - test\n    - audit"),
        "{spec}"
    );
    // The image names its Python by the variable: the axis is `python`, a toolchain axis.
    assert!(
        spec.contains("export PYTHON_VERSION=\"$MATRIX_PYTHON\""),
        "{spec}"
    );
    assert!(
        spec.contains("image: python:${MATRIX_PYTHON}-slim"),
        "{spec}"
    );
    assert!(
        spec.contains("    matrix:\n      python:\n      - '3.11'\n"),
        "{spec}"
    );
    assert!(
        spec.contains(
            "      db:\n        image: postgres:16-alpine\n        ports:\n        - 5432"
        ),
        "{spec}"
    );
    // Rules: the default branch, tags, schedule-or-web.
    assert!(spec.contains("    when:\n      branch: main"), "{spec}");
    assert!(
        spec.contains("    when:\n      event:\n      - schedule\n      - manual"),
        "{spec}"
    );
    assert!(spec.contains("- DEPLOY_TOKEN"), "{spec}");
    // Variables that reference others are env values cigen expands; resource groups,
    // `!=` in rules, `$CI_COMMIT_REF_NAME` in a URL and `after_script` are typed.
    assert!(
        spec.contains(
            "DATABASE_URL: postgresql://$POSTGRES_USER:$POSTGRES_PASSWORD@db:5432/$POSTGRES_DB"
        ),
        "{spec}"
    );
    assert!(spec.contains("    concurrency: staging\n"), "{spec}");
    assert!(
        spec.contains(
            "    cache:\n      paths:\n      - .cache/uv\n      files:\n      - uv.lock\n"
        ),
        "{spec}"
    );
    assert!(
        spec.contains("    when:\n      branch: main\n      not:\n        event: schedule\n"),
        "{spec}"
    );
    assert!(
        spec.contains("url: https://review.example.com/{ref}"),
        "{spec}"
    );
    assert!(
        spec.contains("url: https://{project}.example.com"),
        "{spec}"
    );
    assert!(
        spec.contains("    after_script:\n      deploy-staging:\n      - run: echo \"deploy of $CI_COMMIT_SHORT_SHA finished with $CI_JOB_STATUS\"\n        if: always\n"),
        "{spec}"
    );
    assert!(spec.contains("    fail_fast: false\n"), "{spec}");
    assert!(spec.contains("path: .gitlab/cigen-ci.yml"), "{spec}");
    // `rules: - if: $CI_COMMIT_TAG, when: manual`: a manual job of tag pipelines, which a
    // manual run (GitHub's only way to start one) may run too.
    let production = &spec[spec.find("\n  deploy-production:\n").expect("the job")..];
    assert!(production.contains("\n    manual: true\n"), "{production}");
    assert!(
        production.contains("    when:\n      event:\n      - tag\n      - manual\n"),
        "{production}"
    );
    checks_and_runs_locally(
        t.path(),
        &["build-image", "deploy-staging", "deploy-production"],
    );
    generates(t.path());
}

#[test]
fn from_limits_what_is_read() {
    let t = fixture("gitlab-service");
    copy_dir(
        &repo_root().join("tests/fixtures/import/rust-crate/.github"),
        &t.path().join(".github"),
    );
    let out = cigen(t.path(), &["import", "--from", "github", "--stdout"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("miri:") && !out.stdout.contains("deploy-staging:"));
    let out = cigen(t.path(), &["import", "--stdout"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("miri:") && out.stdout.contains("deploy-staging:"));
    assert!(
        out.stdout.contains("path: .github/workflows/cigen.yml")
            && out.stdout.contains("path: .gitlab/cigen-ci.yml")
    );
    assert!(!t.path().join("cigen.yaml").exists());
}

#[test]
fn an_existing_spec_is_never_overwritten() {
    let t = fixture("rust-crate").spec("version: 1\njobs: {a: {steps: [echo]}}\n");
    let out = cigen(t.path(), &["import"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("never overwrites"), "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(t.path().join("cigen.yaml")).unwrap(),
        "version: 1\njobs: {a: {steps: [echo]}}\n"
    );
    let out = cigen(Test::new().path(), &["import"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("nothing to import"), "{}", out.stderr);
}

#[test]
fn unpinned_third_party_actions_are_a_todo_and_stay_as_comments() {
    let t = Test::new().file(
        ".github/workflows/ci.yml",
        "on: [push]\njobs:\n  deploy:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@v4\n      - uses: example/login-action@v2\n        with:\n          registry: ghcr.io\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          role-to-assume: ${{ secrets.ROLE }}\n          aws-region: eu-west-1\n      - run: ./deploy.sh ${{ github.sha }}\n",
    );
    import(&t, &[], &["deploy: pin-action"]);
    let spec = std::fs::read_to_string(t.path().join("cigen.yaml")).unwrap();
    assert!(spec.contains("# - uses: example/login-action@v2"), "{spec}");
    // An action in cigen's pin table is pinned by cigen; its secret is declared.
    assert!(
        spec.contains("uses: aws-actions/configure-aws-credentials\n"),
        "{spec}"
    );
    assert!(spec.contains("- ROLE"), "{spec}");
    assert!(spec.contains("./deploy.sh \"${GITHUB_SHA}\""), "{spec}");
    assert_eq!(cigen(t.path(), &["check"]).code, 0);
}

/// The generated outputs of every fixture pass the static judges: named `judges::` so they run
/// in the `judges` job, after `scripts/install-judges`.
mod judges {
    use std::path::Path;

    use super::{cigen, fixture};
    use crate::judges::outputs::Outputs;
    use crate::judges::verdicts;

    /// Imports and generates, then judges the outputs at the providers' own paths, without
    /// the original CI files beside them.
    fn judged(name: &str, gitlab: bool) {
        let t = fixture(name);
        let dir = t.path();
        assert_eq!(cigen(dir, &["import"]).code, 0);
        let out = cigen(dir, &["generate"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let judged = tempfile::tempdir().expect("tempdir");
        let root = judged.path();
        let copy = |from: &str, to: &str| {
            let target = root.join(to);
            std::fs::create_dir_all(target.parent().unwrap_or(Path::new("."))).expect("mkdir");
            std::fs::copy(dir.join(from), target).unwrap_or_else(|e| panic!("{from}: {e}"));
        };
        if dir.join(".github/workflows/cigen.yml").is_file() {
            copy(".github/workflows/cigen.yml", ".github/workflows/ci.yml");
        }
        if gitlab {
            copy(".gitlab/cigen-ci.yml", ".gitlab-ci.yml");
        }
        copy("justfile", "justfile");
        copy("cigen.yaml", "cigen.yaml");
        let o = Outputs::find(root);
        assert!(!o.justfiles.is_empty() && (gitlab || !o.workflows.is_empty()));
        verdicts::every(&o, &format!("outputs generated from the imported {name}"));
    }

    #[test]
    fn python_library_outputs_pass() {
        judged("python-lib", false);
    }

    #[test]
    fn rust_crate_outputs_pass() {
        judged("rust-crate", false);
    }

    #[test]
    fn typescript_library_outputs_pass() {
        judged("ts-lib", false);
    }

    #[test]
    fn gitlab_service_outputs_pass() {
        judged("gitlab-service", true);
    }
}

/// The smaller mappings on one workflow: concurrency groups (kept, `cancel-in-progress`
/// reported, a group three unordered jobs share dropped), env values (a literal `$` doubled,
/// `${{ env.X }}` a reference), negated branches, `$GITHUB_PATH`, post-step conditions.
#[test]
fn groups_env_values_negations_and_post_conditions() {
    let t = Test::new().file(
        ".github/workflows/ci.yml",
        r#"on: [push, pull_request]
env:
  BASE: /opt/tools
jobs:
  a:
    runs-on: ubuntu-24.04
    concurrency: { group: deploy, cancel-in-progress: true }
    env:
      PRICE: "$5"
      TOOLS: "${{ env.BASE }}/bin"
    steps:
      - run: echo "$PRICE $TOOLS"
        if: github.ref != 'refs/heads/main'
      - uses: codecov/codecov-action@b9fd7d16f6d7d1b5d2bec1a2887e65ceed900238
        if: failure()
  b:
    runs-on: ubuntu-24.04
    concurrency: deploy
    steps: [{ run: echo "$HOME/.local/bin" >> "$GITHUB_PATH" }]
  c:
    runs-on: ubuntu-24.04
    concurrency: deploy
    steps: [{ run: echo c }]
  d:
    runs-on: ubuntu-24.04
    needs: [a]
    concurrency: release
    steps: [{ run: echo d }]
"#,
    );
    import(
        &t,
        &[
            "a: concurrency",
            "a: concurrency",
            "b: concurrency",
            "c: concurrency",
            "b: step-env",
        ],
        &[],
    );
    let spec = std::fs::read_to_string(t.path().join("cigen.yaml")).expect("spec");
    assert!(spec.contains("    concurrency: release\n"), "{spec}");
    assert!(!spec.contains("concurrency: deploy"), "{spec}");
    assert!(spec.contains("PRICE: $$5"), "{spec}");
    assert!(spec.contains("TOOLS: ${BASE}/bin"), "{spec}");
    assert!(
        spec.contains("      when:\n        not:\n          branch: main\n"),
        "{spec}"
    );
    assert!(
        spec.contains(
            "    post:\n      a:\n      - uses: codecov/codecov-action\n        if: failure\n"
        ),
        "{spec}"
    );
    assert_eq!(cigen(t.path(), &["check"]).code, 0);
    // cigen expands the references the same way on every runner.
    let out = Test::new()
        .in_dir(t.path())
        .args(["run", "a"])
        .expect_code(0);
    assert!(out.stdout.contains("$5 /opt/tools/bin"), "{}", out.stdout);
}

/// GitLab: a `when: never` rule of one test before the rule that runs the job, and `!=`.
#[test]
fn gitlab_never_rules_and_unequal_tests_become_when_not() {
    let t = Test::new().file(
        ".gitlab-ci.yml",
        "lint:\n  script: [make lint]\n  rules:\n    - if: $CI_PIPELINE_SOURCE == \"schedule\"\n      when: never\n    - when: on_success\nnightly-off:\n  script: [make it]\n  rules:\n    - if: $CI_COMMIT_BRANCH != \"main\"\n",
    );
    import(&t, &[], &[]);
    let spec = std::fs::read_to_string(t.path().join("cigen.yaml")).expect("spec");
    assert!(
        spec.contains("  lint:\n    steps:\n    - make lint\n    when:\n      not:\n        event: schedule\n"),
        "{spec}"
    );
    assert!(
        spec.contains("    when:\n      not:\n        branch: main\n"),
        "{spec}"
    );
    assert_eq!(cigen(t.path(), &["check"]).code, 0);
}

/// Variables the spec refuses in `env:` (`CI`, the loader's, another provider's prefix) were
/// carried into `env:`, so the import stopped at "the imported spec does not load". They are
/// set by `export` lines in the steps now, as the refusal's help says, with a note; a name no
/// shell can read is left out.
#[test]
fn refused_env_variables_become_exports_in_the_steps() {
    let t = Test::new().file(
        ".github/workflows/ci.yml",
        r#"on: [push]
env:
  GITHUB_SHA_SHORT: abc1234
jobs:
  test:
    runs-on: ubuntu-24.04
    env:
      my-var: x
    steps:
      - run: echo "ci=$CI short=$GITHUB_SHA_SHORT"
        env:
          CI: true
"#,
    );
    let report = import(&t, &["test: env"], &[]);
    let mut notes = items(&report, "note");
    notes.retain(|n| n.ends_with(": env"));
    assert_eq!(notes, ["test: env", "test: env"]);
    let spec = std::fs::read_to_string(t.path().join("cigen.yaml")).expect("spec");
    assert!(spec.contains("export CI='true'"), "{spec}");
    assert!(spec.contains("export GITHUB_SHA_SHORT='abc1234'"), "{spec}");
    assert!(!spec.contains("my-var:"), "{spec}");
    assert_eq!(cigen(t.path(), &["check"]).code, 0);
    // The steps see the values, as under GitHub.
    let out = Test::new()
        .in_dir(t.path())
        .args(["run", "test"])
        .expect_code(0);
    assert!(
        out.stdout.contains("ci=true short=abc1234"),
        "{}",
        out.stdout
    );

    let t = Test::new().file(
        ".gitlab-ci.yml",
        r#"variables:
  NODE_OPTIONS: "--max-old-space-size=4096"
test:
  variables:
    LD_LIBRARY_PATH: "$HOME/lib"
    DYLD_RAW: { value: "$HOME", expand: false }
  script:
    - echo "node=$NODE_OPTIONS ld=$LD_LIBRARY_PATH raw=$DYLD_RAW"
"#,
    );
    import(&t, &[], &[]);
    let spec = std::fs::read_to_string(t.path().join("cigen.yaml")).expect("spec");
    assert!(
        spec.contains("export NODE_OPTIONS=\"--max-old-space-size=4096\""),
        "{spec}"
    );
    assert_eq!(cigen(t.path(), &["check"]).code, 0);
    let home = t.path().to_str().expect("utf-8 path").to_string();
    let out = Test::new()
        .in_dir(t.path())
        .env("HOME", &home)
        .args(["run", "test"])
        .expect_code(0);
    // `expand: false` keeps `$HOME` literal, as GitLab does.
    assert!(
        out.stdout.contains(&format!(
            "node=--max-old-space-size=4096 ld={home}/lib raw=$HOME"
        )),
        "{}",
        out.stdout
    );
}
