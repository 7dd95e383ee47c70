//! `cigen run` with real processes: plan, DAG order, parallelism, fail-fast, outputs, env.

use crate::test::Test;

fn lines(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

/// The summary table row of `job`, blanks collapsed and the duration column removed.
pub(crate) fn row(stdout: &str, job: &str) -> String {
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.split_whitespace().next() == Some(job))
        .unwrap_or_default();
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut out: Vec<&str> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        // Column 3 is the duration (`12ms`, `1.20s`, or `-`).
        if i == 2 && *w != "-" {
            continue;
        }
        out.push(w);
    }
    out.join(" ")
}

#[test]
fn dry_run_prints_plan_with_reasons() {
    Test::new()
        .spec(
            r#"
            version: 1
            jobs:
              lint:
                steps: [echo lint]
              test:
                needs: [lint]
                matrix: { python: ["3.12", "3.13"] }
                steps: [{ name: pytest, run: echo test }]
              deploy:
                needs: [test]
                when: { ci: true }
                steps: [echo deploy]
            "#,
        )
        .args(["run", "--dry-run"])
        .status(0)
        .stdout(
            "
            plan: 4 unit(s), 3 to run, 1 skipped
              run   lint
                    - echo lint
              run   test (3.12)  [after lint]
                    - pytest
                        echo test
              run   test (3.13)  [after lint]
                    - pytest
                        echo test
              skip  deploy       runs only in CI (when.ci: true)  [after test]
            ",
        )
        .assert();
}

const SELECTION: &str = r#"
    version: 1
    jobs:
      lint:
        steps: [echo lint]
      test:
        needs: [lint]
        matrix: { python: ["3.12", "3.13"], include: [{ python: "3.11", extra: "yes" }] }
        steps: [echo "py=$MATRIX_PYTHON extra=$MATRIX_EXTRA"]
    "#;

/// `cigen run` of the selection spec with `args`, JSON logs.
fn select(args: &[&str]) -> Test {
    Test::new()
        .spec(SELECTION)
        .args(["run"])
        .args(args.iter().copied())
        .args(["--log-format", "json"])
}

#[test]
fn selection_matrix_filter_and_no_deps() {
    select(&["test", "--no-deps", "--matrix", "python=3.13"])
        .status(0)
        .printed(&["py=3.13 extra="])
        .assert();
    // A key without `=` selects the cells that lack it (`extra=` would be an empty value).
    select(&["test", "--no-deps", "--matrix", "extra", "-j", "1"])
        .status(0)
        .printed(&["py=3.12 extra=", "py=3.13 extra="])
        .assert();
    select(&["test", "--matrix", "python=9"])
        .status(2)
        .stderr_has("no matrix cell of `test` matches")
        .assert();
    select(&["tset"])
        .status(2)
        .stderr_has("did you mean `test`")
        .assert();
    select(&["--matrix", "pyton=3.12"])
        .status(2)
        .stderr_has("no selected job has a matrix key `pyton`")
        .assert();
}

#[test]
fn dag_order_is_respected_and_outputs_flow_to_dependents() {
    let t = Test::new().spec(
        "version: 1\njobs:\n  a:\n    steps: [echo a >> order.txt]\n  b:\n    needs: [a]\n    outputs: [image, notes]\n    steps:\n      - echo b >> order.txt\n      - echo \"image=img:1\" >> \"$CIGEN_OUTPUT\"\n      - printf 'notes<<EOF\\nx\\ny\\nEOF\\n' >> \"$CIGEN_OUTPUT\"\n  c:\n    needs: [b]\n    steps: ['echo \"c $B_IMAGE $(echo \"$B_NOTES\" | tr \"\\n\" +)\" >> order.txt']\n",
    ).args(["run", "-j", "4"]);
    t.expect_code(0);
    assert_eq!(
        lines(&t.path().join("order.txt")),
        vec!["a", "b", "c img:1 x+y+"]
    );
}

/// Each job appends `start NAME` and, after a short pause, `end NAME`.
fn parallel_spec() -> String {
    let mut s = String::from("version: 1\njobs:\n");
    for name in ["p1", "p2"] {
        s.push_str(&format!("  {name}:\n    steps: ['echo start {name} >> log.txt; sleep 0.5; echo end {name} >> log.txt']\n"));
    }
    s
}

#[test]
fn independent_jobs_overlap_with_j2_and_not_with_j1() {
    let t = Test::new().spec(&parallel_spec()).args(["run", "-j", "2"]);
    t.expect_code(0);
    let log = lines(&t.path().join("log.txt"));
    assert!(
        log[0].starts_with("start") && log[1].starts_with("start"),
        "{log:?}"
    );
    let t = Test::new().spec(&parallel_spec()).args(["run", "-j", "1"]);
    t.expect_code(0);
    let log = lines(&t.path().join("log.txt"));
    assert_eq!(log, vec!["start p1", "end p1", "start p2", "end p2"]);
}

const FAILING: &str = "version: 1\njobs:\n  bad:\n    steps: [{ name: check, run: 'until [ -f slow.txt ]; do sleep 0.01; done; exit 3' }]\n  slow:\n    steps: ['echo started > slow.txt; sleep 5; echo finished >> slow.txt']\n  after_bad:\n    needs: [bad]\n    steps: [echo never > after.txt]\n  later:\n    needs: [slow]\n    steps: [echo later > later.txt]\n";

#[test]
fn fail_fast_cancels_siblings_and_skips_dependents() {
    let t = Test::new().spec(FAILING).args(["run", "-j", "2"]);
    let out = t.expect_code(1);
    assert_eq!(
        lines(&t.path().join("slow.txt")),
        vec!["started"],
        "slow job was cancelled before finishing"
    );
    assert!(!t.path().join("after.txt").exists());
    assert!(!t.path().join("later.txt").exists());
    assert_eq!(
        row(&out.stdout, "bad"),
        "bad failed 1 step `check` failed: exit 3"
    );
    assert_eq!(
        row(&out.stdout, "slow"),
        "slow cancelled 1 `bad` failed (fail-fast; --keep-going runs independent jobs)"
    );
    assert_eq!(
        row(&out.stdout, "after_bad"),
        "after_bad skipped - - needs `bad`, which did not succeed"
    );
    assert_eq!(row(&out.stdout, "later"), "later skipped - - not started: `bad` failed (fail-fast; --keep-going runs independent jobs)");
}

#[test]
fn keep_going_runs_independent_jobs() {
    let spec = FAILING.replace("sleep 5", "sleep 0.3");
    assert_ne!(spec, FAILING);
    let t = Test::new()
        .spec(&spec)
        .args(["run", "-j", "2", "--keep-going"]);
    let out = t.expect_code(1);
    assert_eq!(
        lines(&t.path().join("slow.txt")),
        vec!["started", "finished"]
    );
    assert!(t.path().join("later.txt").exists(), "{}", out.stdout);
    assert!(!t.path().join("after.txt").exists());
}

#[test]
fn env_precedence_and_local_ci_branches() {
    let spec = "version: 1\nenv_file: .env\nenv: { A: spec, B: spec, C: spec, MODE: { local: laptop, ci: runner } }\njobs:\n  j:\n    env: { B: job, C: job }\n    steps:\n      - run: echo \"$A $B $C $D $E $MODE\"\n        env: { C: step }\n";
    let out = Test::new()
        .spec(spec)
        .file(".env", "D=file\nA=file\n")
        .env("E", "process")
        .env("D", "process")
        .args(["run", "--log-format", "json"])
        .expect_code(0);
    assert!(
        out.stdout
            .contains("\"line\":\"spec job step file process laptop\""),
        "{}",
        out.stdout
    );
    let out = Test::new()
        .spec(spec)
        .env("CI", "true")
        .args(["run", "--log-format", "json"])
        .expect_code(0);
    assert!(out.stdout.contains(" runner\""), "{}", out.stdout);
}

#[test]
fn dotenv_file_quotes_and_no_expansion() {
    let spec = "version: 1\nenv_file: .env\njobs:\n  j:\n    steps: ['printf \"%s|%s|%s|%s\\n\" \"$PLAIN\" \"$SINGLE\" \"$DOUBLE\" \"$EXPORTED\"']\n";
    let env = "# comment\nPLAIN=a b # trailing comment\nSINGLE='$HOME stays'\nDOUBLE=\"tab\\there \\\"q\\\"\"\nexport EXPORTED=yes\n";
    let out = Test::new()
        .spec(spec)
        .file(".env", env)
        .args(["run", "--log-format", "json"])
        .expect_code(0);
    assert!(
        out.stdout
            .contains(r#""line":"a b|$HOME stays|tab\there \"q\"|yes""#),
        "{}",
        out.stdout
    );
    let out = Test::new()
        .spec(spec)
        .file(".env", "OK=1\nBROKEN='x\n")
        .args(["run"])
        .expect_code(2);
    assert!(
        out.stderr
            .contains(".env: line 2: `BROKEN`: the single quote is never closed"),
        "{}",
        out.stderr
    );
}

#[test]
fn simple_commands_behave_as_under_bash() {
    // `printenv PWD` takes the direct path; `pwd` in a pipe goes through bash: they agree.
    let spec = "version: 1\njobs:\n  j:\n    working_directory: sub\n    steps: ['printenv PWD', 'pwd | cat', 'no-such-tool --flag']\n";
    let t = Test::new()
        .spec(spec)
        .file("sub/keep", "")
        .args(["run", "--log-format", "json"]);
    let out = t.expect_code(1);
    let lines: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let printed: Vec<&str> = lines
        .iter()
        .filter(|e| e["type"] == "output")
        .map(|e| e["line"].as_str().unwrap())
        .collect();
    let sub = std::fs::canonicalize(t.path().join("sub")).unwrap();
    assert_eq!(printed[0], sub.to_str().unwrap(), "{}", out.stdout);
    assert_eq!(printed[0], printed[1]);
    assert!(
        printed[2].contains("no-such-tool: command not found"),
        "{}",
        out.stdout
    );
    let last = lines
        .iter()
        .rfind(|e| e["type"] == "step_finished")
        .unwrap();
    assert_eq!(last["message"], "exit 127");
}

#[test]
fn skip_reasons_for_each_condition() {
    let spec = "version: 1\njobs:\n  on_main:\n    when: { branch: [main, \"release/*\"] }\n    steps: [echo]\n  on_pr:\n    when: { event: pull_request }\n    steps: [echo]\n  by_hand:\n    when: { event: manual }\n    steps: [echo]\n  gitlab_only:\n    when: { provider: gitlab }\n    steps: [echo]\n  laptop:\n    when: { ci: false }\n    steps: [echo]\n";
    let plan = |env: &[(&str, &str)]| {
        let mut t = Test::new().spec(spec).args(["run", "--dry-run"]);
        for (k, v) in env {
            t = t.env(k, v);
        }
        let out = t.expect_code(0);
        out.stdout
            .lines()
            .filter(|l| l.starts_with("  run") || l.starts_with("  skip"))
            .map(|l| l.trim().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    insta::assert_snapshot!(plan(&[]), @r"
    skip  on_main      runs only on branch main, release/* (no branch here)
    skip  on_pr        runs only on pull_request events (this run is manual)
    run   by_hand
    skip  gitlab_only  runs only on gitlab (this is local)
    run   laptop
    ");
    let github_pr = [
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("GITHUB_HEAD_REF", "release/2"),
        ("GITHUB_REF_NAME", "7/merge"),
    ];
    insta::assert_snapshot!(plan(&github_pr), @r"
    run   on_main
    run   on_pr
    skip  by_hand      runs only on manual events (this run is pull_request)
    skip  gitlab_only  runs only on gitlab (this is github)
    skip  laptop       runs only locally (when.ci: false)
    ");
    let gitlab_push = [
        ("GITLAB_CI", "true"),
        ("CI_PIPELINE_SOURCE", "push"),
        ("CI_COMMIT_BRANCH", "feature"),
    ];
    insta::assert_snapshot!(plan(&gitlab_push), @r"
    skip  on_main      runs only on branch main, release/* (this is feature)
    skip  on_pr        runs only on pull_request events (this run is push)
    skip  by_hand      runs only on manual events (this run is push)
    run   gitlab_only
    skip  laptop       runs only locally (when.ci: false)
    ");
}

#[test]
fn dry_run_shows_whole_commands_and_step_skips() {
    let long = format!("echo {}", "word ".repeat(20).trim_end());
    let spec = format!(
        r#"version: 1
jobs:
  build:
    steps:
      - "{long}"
      - name: docs
        run: |
          set -e
          mkdocs build --strict

          cp -r site out/
      - |
        ./first-line.sh
        ./second-line.sh --flag
      - {{ name: upload, run: ./upload.sh, when: {{ ci: true }} }}
      - {{ name: local, run: ./local.sh, when: {{ ci: false }} }}
"#
    );
    let out = Test::new()
        .spec(&spec)
        .args(["run", "--dry-run"])
        .expect_code(0);
    let want = format!(
        "plan: 1 unit(s), 1 to run, 0 skipped
  run   build
        - {long}
        - docs
            set -e
            mkdocs build --strict

            cp -r site out/
        - ./first-line.sh
            ./second-line.sh --flag
        - upload  [skip: runs only in CI (when.ci: true)]
            ./upload.sh
        - local
            ./local.sh
"
    );
    assert_eq!(out.stdout, want);
    // In CI the other step is the one skipped; the JSON plan event says the same.
    let out = Test::new()
        .spec(&spec)
        .env("CI", "true")
        .args(["run", "--dry-run", "--log-format", "json"])
        .expect_code(0);
    let v: serde_json::Value = serde_json::from_str(out.stdout.trim()).expect("one JSON line");
    let steps = &v["units"][0]["step_plan"];
    assert_eq!(steps[0]["run"], long.as_str());
    assert_eq!(steps[0]["skip"], serde_json::Value::Null);
    assert_eq!(
        steps[1]["run"],
        "set -e\nmkdocs build --strict\n\ncp -r site out/\n"
    );
    assert_eq!(steps[1]["name"], "docs");
    assert_eq!(steps[3]["skip"], serde_json::Value::Null);
    assert_eq!(steps[4]["name"], "local");
    assert_eq!(steps[4]["skip"], "runs only locally (when.ci: false)");
}

#[test]
fn dry_run_as_json() {
    let out = Test::new().spec("version: 1\njobs:\n  a:\n    steps: [echo a]\n  b:\n    needs: [a]\n    when: { ci: true }\n    steps: [echo b]\n").args(["run", "--dry-run", "--log-format", "json"]).expect_code(0);
    let v: serde_json::Value = serde_json::from_str(out.stdout.trim()).expect("one JSON line");
    assert_eq!(v["type"], "plan");
    assert_eq!(v["units"][1]["needs"], serde_json::json!([0]));
    assert_eq!(v["units"][1]["run"], false);
    assert_eq!(v["units"][1]["reason"], "runs only in CI (when.ci: true)");
    assert_eq!(
        v["units"][0]["step_plan"],
        serde_json::json!([{"name": "echo a", "run": "echo a", "skip": null}])
    );
    assert_eq!(v["units"][1]["step_plan"], serde_json::json!([]));
}
