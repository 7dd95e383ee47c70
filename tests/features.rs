//! The keys real workflows need (issue 9): each run for real by `cigen run` and read back from
//! the generated GitHub workflow and GitLab pipeline. Judges and parity runs of the same keys
//! are in `judges/features.rs` and `parity/corpus_features.rs`.

use serde_yaml::Value;

use crate::test::{unindent, Test};

/// `label: status (reason)` per finished unit, in the order they finished, from a run with
/// `--log-format json`.
pub(crate) fn outcomes(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["type"] == "unit_finished")
        .map(|v| {
            let reason = v["reason"]
                .as_str()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default();
            format!(
                "{}: {}{reason}",
                v["label"].as_str().unwrap_or_default(),
                v["status"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

/// The generated outputs of `spec`, parsed: (GitHub workflow, GitLab pipeline, justfile).
pub(crate) fn generated(spec: &str) -> (Value, Value, String) {
    let t = Test::new().spec(spec).args(["generate"]);
    t.assert_ok();
    let read = |rel: &str| std::fs::read_to_string(t.path().join(rel)).unwrap_or_default();
    let github = serde_yaml::from_str(&read(".github/workflows/ci.yml")).expect("workflow YAML");
    let gitlab = serde_yaml::from_str(&read(".gitlab-ci.yml")).expect("pipeline YAML");
    (github, gitlab, read("justfile"))
}

trait AssertOk {
    fn assert_ok(&self);
}

impl AssertOk for Test {
    fn assert_ok(&self) {
        self.expect_code(0);
    }
}

fn job<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc.get("jobs")
        .and_then(|j| j.get(name))
        .or_else(|| doc.get(name))
        .unwrap_or_else(|| panic!("no job `{name}` in\n{doc:?}"))
}

#[test]
fn fail_fast_false_lets_the_other_cells_and_jobs_run() {
    let spec = r#"
        version: 1
        jobs:
          cells:
            fail_fast: false
            matrix: { n: ["1", "2", "3"] }
            steps:
              - echo "cell $MATRIX_N"
              - test "$MATRIX_N" != 2
          after:
            needs: [cells]
            steps: [echo after]
          later:
            steps: [echo later]
        "#;
    // One job at a time, so the order is the plan's: without `fail_fast: false`, cell 2
    // failing would stop cell 3 and `later`.
    let out = Test::new()
        .spec(spec)
        .args(["run", "-j", "1", "--log-format", "json"])
        .status(1)
        .printed(&["cell 1", "cell 2", "cell 3", "later"])
        .assert();
    assert_eq!(
        outcomes(&out.stdout),
        [
            "cells (1): passed",
            "cells (2): failed (step `test \"$MATRIX_N\" != 2` failed: exit 1)",
            "after: skipped (needs `cells (2)`, which did not succeed)",
            "cells (3): passed",
            "later: passed",
        ]
    );
    // The default stops everything at the first failure.
    let strict = unindent(spec).replace("fail_fast: false\n    ", "");
    let out = Test::new()
        .file("cigen.yaml", &strict)
        .args(["run", "-j", "1", "--log-format", "json"])
        .status(1)
        .printed(&["cell 1", "cell 2"])
        .assert();
    assert_eq!(outcomes(&out.stdout).len(), 5);

    let (github, gitlab, _) = generated(spec);
    assert_eq!(
        job(&github, "cells")["strategy"]["fail-fast"],
        Value::Bool(false)
    );
    assert_eq!(
        job(&github, "later").get("strategy"),
        None,
        "no matrix, no strategy"
    );
    // GitLab has no fail-fast for `parallel: matrix`: cells always finish (docs/contracts.md).
    assert!(job(&gitlab, "cells").get("parallel").is_some());
}

/// `cigen check` of `spec`: its exit code and stderr.
pub(crate) fn check(spec: &str) -> (i32, String) {
    let out = Test::new().spec(spec).args(["check"]).run();
    (out.code, out.stderr)
}

#[test]
fn jobs_of_one_concurrency_group_never_overlap() {
    // Two deploy jobs in one group and a free job, with room for all three at once: each
    // deploy job writes `start` and `end` lines around a pause, so an overlap would interleave
    // them. The free job runs beside whichever holds the group.
    let spec = r#"
        version: 1
        jobs:
          deploy-a:
            concurrency: production
            steps:
              - echo "start a" >> lock.log; sleep 0.3; echo "end a" >> lock.log
          deploy-b:
            concurrency: production
            steps:
              - echo "start b" >> lock.log; sleep 0.3; echo "end b" >> lock.log
          free:
            steps: [echo free]
        "#;
    let t = Test::new().spec(spec).args(["run", "-j", "3"]);
    t.expect_code(0);
    let log = std::fs::read_to_string(t.path().join("lock.log")).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert!(
        lines == ["start a", "end a", "start b", "end b"]
            || lines == ["start b", "end b", "start a", "end a"],
        "{lines:?}"
    );
    let (github, gitlab, _) = generated(spec);
    let c = &job(&github, "deploy-a")["concurrency"];
    assert_eq!(c["group"], Value::from("production"));
    assert_eq!(c["cancel-in-progress"], Value::Bool(false));
    assert_eq!(job(&github, "free").get("concurrency"), None);
    assert_eq!(
        job(&gitlab, "deploy-b")["resource_group"],
        Value::from("production")
    );
    assert_eq!(job(&gitlab, "free").get("resource_group"), None);
}

#[test]
fn concurrency_groups_github_would_cancel_are_refused() {
    let (code, err) = check(
        r#"
        version: 1
        jobs:
          a: { concurrency: "deploy ${{ github.ref }}", steps: ["true"] }
          b: { concurrency: lock, matrix: { n: ["1", "2"] }, steps: ["true"] }
          c: { concurrency: prod, steps: ["true"] }
          d: { concurrency: prod, steps: ["true"] }
          e: { concurrency: prod, steps: ["true"] }
          f: { concurrency: chain, steps: ["true"] }
          g: { concurrency: chain, needs: [f], steps: ["true"] }
          h: { concurrency: chain, needs: [g], steps: ["true"] }
        "#,
    );
    assert_eq!(code, 2, "{err}");
    for want in [
        "error[invalid-concurrency]: `deploy ${{ github.ref }}` is not a concurrency group name",
        "error[concurrency-matrix]: job `b` has a matrix and a concurrency group",
        "error[concurrency-crowded]: jobs `c`, `d` and `e` share concurrency group `prod` and nothing orders them",
        "cigen.yaml:7:21",
    ] {
        assert!(err.contains(want), "missing {want:?} in\n{err}");
    }
    assert!(!err.contains("`chain`"), "a chain waits in order\n{err}");
}

#[test]
fn environment_urls_name_the_ref_the_same_way_on_both_providers() {
    let spec = r#"
        version: 1
        jobs:
          preview:
            environment: { name: review, url: "https://preview.example.com/{ref}/" }
            steps: ["true"]
        "#;
    let (github, gitlab, _) = generated(spec);
    assert_eq!(
        job(&github, "preview")["environment"]["url"],
        Value::from("https://preview.example.com/${{ github.head_ref || github.ref_name }}/")
    );
    assert_eq!(
        job(&gitlab, "preview")["environment"]["url"],
        Value::from("https://preview.example.com/$CI_COMMIT_REF_NAME/")
    );
    for (url, want) in [
        (
            "https://x.example.com/${{ github.ref_name }}",
            "`${{ }}` in an environment URL is not evaluated",
        ),
        (
            "https://x.example.com/$CI_COMMIT_REF_SLUG",
            "`$` in an environment URL means a variable on GitLab and nothing on GitHub",
        ),
        (
            "https://x.example.com/{branch}",
            "unknown placeholder at `{branch}` in an environment URL",
        ),
    ] {
        let (code, err) = check(&format!(
            "version: 1\njobs:\n  deploy:\n    environment: {{ name: prod, url: \"{url}\" }}\n    steps: [\"true\"]\n"
        ));
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains(&format!("error[url-expression]: {want}")),
            "{err}"
        );
        assert!(err.contains("cigen.yaml:4:"), "{err}");
        assert!(
            err.contains("write `{ref}` for the branch or tag being built"),
            "{err}"
        );
    }
}

#[test]
fn conditions_on_matrix_values_and_negated_conditions() {
    let spec = r#"
        version: 1
        jobs:
          cells:
            matrix: { os: [linux, mac, bsd], py: ["3.12", "3.13"] }
            when: { matrix: { os: [linux, mac] }, not: { matrix: { os: mac, py: "3.12" } } }
            steps:
              - echo "cell $MATRIX_OS $MATRIX_PY"
              - run: echo "linux-only $MATRIX_PY"
                when: { matrix: { os: linux } }
              - run: echo "not-3.13 $MATRIX_OS"
                when: { not: { matrix: { py: "3.13" } } }
          not-tags:
            when: { not: { event: [tag, schedule] } }
            steps: [echo not-tags]
          not-main:
            when: { not: { branch: main } }
            steps: [echo not-main]
        "#;
    let out = Test::new()
        .spec(spec)
        .args([
            "run",
            "-j",
            "1",
            "--log-format",
            "json",
            "--event",
            "push",
            "--branch",
            "main",
        ])
        .status(0)
        .printed(&[
            "cell linux 3.12",
            "linux-only 3.12",
            "not-3.13 linux",
            "cell linux 3.13",
            "linux-only 3.13",
            "cell mac 3.13",
            "not-tags",
        ])
        .assert();
    assert_eq!(
        outcomes(&out.stdout),
        [
            "cells (mac, 3.12): skipped (not run for cells with os=mac, py=3.12 (when.not.matrix))",
            "cells (bsd, 3.12): skipped (runs only for cells with os=linux|mac (this cell is bsd, 3.12))",
            "cells (bsd, 3.13): skipped (runs only for cells with os=linux|mac (this cell is bsd, 3.13))",
            "not-main: skipped (not run on branch main (when.not.branch))",
            "cells (linux, 3.12): passed",
            "cells (linux, 3.13): passed",
            "cells (mac, 3.13): passed",
            "not-tags: passed",
        ]
    );
    let out = Test::new()
        .spec(spec)
        .args([
            "run",
            "not-tags",
            "not-main",
            "--tag",
            "v1",
            "--log-format",
            "json",
        ])
        .status(0)
        .printed(&["not-main"])
        .assert();
    assert_eq!(
        outcomes(&out.stdout),
        [
            "not-tags: skipped (not run on tag events (when.not.event))",
            "not-main: passed"
        ]
    );
    // GitHub decides event gates before starting a runner; cigen decides the rest.
    let (github, _, _) = generated(spec);
    assert_eq!(
        job(&github, "not-tags")["if"],
        Value::from("!(github.ref_type == 'tag' || github.event_name == 'schedule')")
    );
    assert_eq!(job(&github, "cells").get("if"), None);
    assert_eq!(job(&github, "not-main").get("if"), None);
}

#[test]
fn matrix_conditions_name_keys_and_values_of_the_matrix() {
    let (code, err) = check(
        r#"
        version: 1
        jobs:
          cells:
            matrix: { os: [linux, mac] }
            when: { matrix: { oss: linux } }
            steps:
              - run: "true"
                when: { not: { matrix: { os: windows } } }
          plain:
            steps:
              - run: "true"
                when: { matrix: { os: linux } }
        "#,
    );
    assert_eq!(code, 2, "{err}");
    for want in [
        "error[when-matrix-key]: `oss` is not a matrix key of job `cells`",
        "did you mean `os`?",
        "warning[no-matching-cell]: no cell of job `cells` has os=windows",
        "error[when-matrix-key]: `when.matrix` on job `plain`, which has no matrix",
    ] {
        assert!(err.contains(want), "missing {want:?} in\n{err}");
    }
}

#[test]
fn steps_hand_env_to_later_steps_through_cigen_env() {
    let spec = r#"
        version: 1
        env:
          WHERE: spec
        jobs:
          carry:
            env:
              WHERE: job
            steps:
              - echo "VERSION=1.2.3" >> "$CIGEN_ENV"
              - printf 'NOTES<<EOF\nline one\nline two\nEOF\n' >> "$CIGEN_ENV"
              - echo "WHERE=step-one" >> "$CIGEN_ENV"
              - echo "version=$VERSION where=$WHERE notes=$(echo "$NOTES" | tr '\n' +)"
              - run: echo "step env wins where=$WHERE"
                env: { WHERE: step }
          other:
            needs: [carry]
            steps:
              - echo "other sees version=[${VERSION-unset}]"
          bad:
            steps:
              - echo "CIGEN_JOB=x" >> "$CIGEN_ENV"
              - echo never
        "#;
    let out = Test::new()
        .spec(spec)
        .args(["run", "-j", "1", "--log-format", "json", "--keep-going"])
        .status(1)
        .printed(&[
            "version=1.2.3 where=step-one notes=line one+line two+",
            "step env wins where=step",
            "other sees version=[unset]",
        ])
        .assert();
    assert!(
        outcomes(&out.stdout).contains(
            &"bad: failed (step `echo \"CIGEN_JOB=x\" >> \"$CIGEN_ENV\"`: `CIGEN_JOB` written to $CIGEN_ENV: names starting with CIGEN_ are cigen's own)".to_string()
        ),
        "{:?}",
        outcomes(&out.stdout)
    );
}

#[test]
fn env_values_expand_references_the_same_way_everywhere() {
    let spec = r#"
        version: 1
        env:
          BASE: /opt/tool
          TOOL_BIN: "$BASE/bin"
          PRICE: "$$5 and $$HOME"
          GREETING: { local: "hi $USER_NAME", ci: "hi ci" }
        jobs:
          show:
            matrix: { os: [linux] }
            env:
              PATH: "${TOOL_BIN}:$PATH"
              TARGET: "build-$MATRIX_OS-${UNSET_VAR}x"
              WHO: "$CIGEN_JOB"
            steps:
              - run: echo "bin=$TOOL_BIN price=$PRICE target=$TARGET who=$WHO greet=$GREETING"
              - run: echo "path-starts=${PATH%%:*}"
              - run: echo "step=$STEP_ONLY"
                env: { STEP_ONLY: "$TARGET/step" }
        "#;
    Test::new()
        .spec(spec)
        .env("USER_NAME", "ann")
        .args(["run", "--log-format", "json"])
        .status(0)
        .printed(&[
            "bin=/opt/tool/bin price=$5 and $HOME target=build-linux-x who=show greet=hi ann",
            "path-starts=/opt/tool/bin",
            "step=build-linux-x/step",
        ])
        .assert();
    // A reference cigen cannot expand is refused where it stands.
    let (code, err) = check(
        r#"
        version: 1
        jobs:
          j:
            env: { A: "${B:-default}", C: { ci: "x ${D" } }
            steps: ["true"]
        "#,
    );
    assert_eq!(code, 2, "{err}");
    for want in [
        "error[invalid-env-reference]: env `A`: `${B:-default}` is not a variable reference",
        "error[invalid-env-reference]: env `C`: `${` is not closed by `}`",
        "cigen.yaml:4:15",
    ] {
        assert!(err.contains(want), "missing {want:?} in\n{err}");
    }
}

#[test]
fn full_history_checks_out_every_commit_in_ci() {
    let spec = "version: 1\njobs:\n  version:\n    full_history: true\n    steps: [git describe --tags]\n  build:\n    steps: [make]\n  changes:\n    when: { changed: ['src/**'] }\n    steps: [make]\n";
    let (github, gitlab, _) = generated(spec);
    let checkout = |name: &str| {
        job(&github, name)["steps"][0]["with"]
            .get("fetch-depth")
            .cloned()
    };
    assert_eq!(checkout("version"), Some(Value::from(0)));
    assert_eq!(checkout("build"), None, "one commit unless asked");
    assert_eq!(
        checkout("changes"),
        Some(Value::from(0)),
        "change detection needs it too"
    );
    let depth = |name: &str| job(&gitlab, name)["variables"].get("GIT_DEPTH").cloned();
    assert_eq!(depth("version"), Some(Value::from("0")));
    assert_eq!(depth("build"), None);
    // Locally the repository is what it is: the key changes nothing in a run.
    Test::new()
        .spec(spec)
        .args(["run", "version", "build", "--dry-run"])
        .status(0)
        .assert();
}
