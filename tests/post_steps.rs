//! Remote steps after `cigen run` (issue 9 item 4): GitHub/Forgejo post actions pinned by SHA
//! with typed conditions, GitLab `after_script` guarded on `$CI_JOB_STATUS`, nothing in the
//! justfile; and a secret only CI-only steps use never blocks a local run. Judges and act runs
//! are in `judges/post_cache.rs`, parity runs in `parity/corpus_remote.rs`.

use serde_yaml::Value;

use crate::features::{check, generated};
use crate::test::Test;

const SPEC: &str = r#"
    version: 1
    jobs:
      test:
        secrets: [CODECOV_TOKEN, UPLOAD_KEY, DB_PASSWORD]
        steps:
          - echo "tests ran with db ${DB_PASSWORD:+set}"
          - run: ./upload.sh "$UPLOAD_KEY"
            when: { ci: true }
    targets:
      github:
        post:
          test:
            - uses: codecov/codecov-action
              if: not_cancelled
              with: { token: "${{ secrets.CODECOV_TOKEN }}", files: coverage.xml }
            - name: Report the failure
              uses: someone/notify@0123456789abcdef0123456789abcdef01234567
              if: failure
            - uses: codecov/codecov-action
              if: always
            - uses: codecov/codecov-action
      forgejo:
        actions_url: https://github.com
        post:
          test:
            - uses: codecov/codecov-action
              if: not_cancelled
      gitlab:
        after_script:
          test:
            - echo done
            - { run: "echo failed", if: failure }
            - { run: "echo finished", if: always }
            - { run: "echo not cancelled", if: not_cancelled }
      just: {}
    "#;

fn steps(doc: &Value, job: &str) -> Vec<Value> {
    doc["jobs"][job]["steps"]
        .as_sequence()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn github_post_steps_follow_the_run_pinned_with_their_conditions() {
    let (github, _, justfile) = generated(SPEC);
    let steps = steps(&github, "test");
    let run = steps
        .iter()
        .position(|s| s["id"] == "run")
        .expect("the run step");
    let post: Vec<(String, Option<String>)> = steps[run + 1..]
        .iter()
        .map(|s| {
            (
                s["uses"].as_str().unwrap_or_default().to_string(),
                s.get("if").and_then(|c| c.as_str()).map(str::to_string),
            )
        })
        .collect();
    let codecov = "codecov/codecov-action@5a1091511ad55cbe89839c7260b706298ca349f7";
    assert_eq!(
        post,
        [
            (codecov.to_string(), Some("!cancelled()".to_string())),
            (
                "someone/notify@0123456789abcdef0123456789abcdef01234567".to_string(),
                Some("failure()".to_string())
            ),
            (codecov.to_string(), Some("always()".to_string())),
            (codecov.to_string(), None),
        ]
    );
    assert_eq!(
        steps[run + 1]["with"]["token"],
        Value::from("${{ secrets.CODECOV_TOKEN }}")
    );
    assert_eq!(steps[run + 2]["name"], Value::from("Report the failure"));
    // The run step gets what the steps read in CI, not the token only the upload uses.
    let env: Vec<&str> = steps[run]["env"]
        .as_mapping()
        .map(|m| m.keys().filter_map(|k| k.as_str()).collect())
        .unwrap_or_default();
    assert_eq!(env, ["UPLOAD_KEY", "DB_PASSWORD"]);
    assert!(
        !justfile.contains("codecov") && !justfile.contains("echo done"),
        "post steps are CI-only:\n{justfile}"
    );
}

#[test]
fn forgejo_post_steps_are_full_urls_and_the_pins_list_has_them() {
    let t = Test::new().spec(SPEC).args(["generate"]);
    t.expect_code(0);
    let text = std::fs::read_to_string(t.path().join(".forgejo/workflows/ci.yml")).unwrap();
    assert!(
        text.contains("uses: https://github.com/codecov/codecov-action@5a1091511ad55cbe89839c7260b706298ca349f7"),
        "{text}"
    );
    Test::new()
        .in_dir(t.path())
        .args(["pins", "list"])
        .stdout_has("codecov/codecov-action")
        .assert();
}

#[test]
fn gitlab_after_script_guards_each_command_by_the_job_status() {
    let (_, gitlab, _) = generated(SPEC);
    let after: Vec<&str> = gitlab["test"]["after_script"]
        .as_sequence()
        .expect("after_script")
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        after,
        [
            "if [ \"$CI_JOB_STATUS\" = success ]; then\necho done\nfi",
            "if [ \"$CI_JOB_STATUS\" = failed ]; then\necho failed\nfi",
            "echo finished",
            "if [ \"$CI_JOB_STATUS\" != canceled ]; then\necho not cancelled\nfi",
        ]
    );
}

#[test]
fn a_secret_only_ci_only_steps_use_does_not_block_a_local_run() {
    // CODECOV_TOKEN: a post step's input only; UPLOAD_KEY: a `when: {ci: true}` step only;
    // DB_PASSWORD: read by a step that runs here, so it is still required.
    let out = Test::new()
        .spec(SPEC)
        .args(["run"])
        .status(2)
        .stderr_has("test: DB_PASSWORD\n")
        .assert();
    assert!(
        !out.stderr.contains("CODECOV_TOKEN") && !out.stderr.contains("UPLOAD_KEY"),
        "{}",
        out.stderr
    );
    Test::new()
        .spec(SPEC)
        .env("DB_PASSWORD", "a long enough password")
        .args(["run", "--log-format", "json"])
        .printed(&["tests ran with db set"])
        .assert();
    // In CI the `when: {ci: true}` step runs, so its secret is needed there; the post step's
    // token is the provider's business, never cigen's.
    let out = Test::new()
        .spec(SPEC)
        .env("GITHUB_ACTIONS", "true")
        .env("DB_PASSWORD", "a long enough password")
        .args(["run", "test", "--no-deps"])
        .status(2)
        .stderr_has("test: UPLOAD_KEY\n")
        .assert();
    assert!(!out.stderr.contains("CODECOV_TOKEN"), "{}", out.stderr);
}

#[test]
fn a_declared_secret_no_step_names_still_blocks() {
    // A script may read it without naming it: only a secret the spec shows to be CI-only is
    // let through.
    let spec = r#"
        version: 1
        jobs:
          deploy:
            secrets: [TOKEN]
            steps: [./deploy.sh]
        "#;
    Test::new()
        .spec(spec)
        .args(["run"])
        .status(2)
        .stderr_has("deploy: TOKEN\n")
        .assert();
}

#[test]
fn check_locates_mistakes_in_post_steps() {
    let (code, err) = check(
        r#"
        version: 1
        jobs:
          test:
            steps: [echo hi]
        targets:
          github:
            post:
              tset:
                - uses: codecov/codecov-action
              test:
                - uses: nobody/unknown-action
                - uses: codecov/codecov-action
                  with: { token: "${{ secrets.UNDECLARED }}", other: "${{ github.event.issue.title }}" }
                - uses: codecov/codecov-action
                  if: "!cancelled()"
          gitlab:
            after_script:
              tets: [echo x]
        "#,
    );
    assert_eq!(code, 2, "{err}");
    for want in [
        "error[unknown-job]: `tset` is not a job of this spec",
        "error[unknown-action-pin]: cigen has no pin for `nobody/unknown-action`",
        "cigen.yaml:11:17",
        "error[undeclared-secret]: secret `UNDECLARED` is used but not declared",
        "error[unsafe-expression]: expression `${{ github.event.issue.title }}` is not allowed in post inputs",
        "`tets` is not a job of this spec",
        "error[invalid-value]: expected one of `success`, `failure`, `always`, `not_cancelled`, found `!cancelled()`",
    ] {
        assert!(err.contains(want), "missing {want:?} in\n{err}");
    }
}

#[test]
fn steps_never_get_a_secret_only_ci_only_steps_use() {
    // Set in the environment, declared by the job, named only by a post step: the steps run
    // without it, as they do on a runner (where GitHub's run step is not handed it).
    let spec = r#"
        version: 1
        jobs:
          test:
            secrets: [CODECOV_TOKEN, DB_PASSWORD]
            steps:
              - printenv CODECOV_TOKEN || echo "token absent"
              - echo "db ${DB_PASSWORD:+present}"
        targets:
          github:
            post:
              test:
                - uses: codecov/codecov-action
                  with: { token: "${{ secrets.CODECOV_TOKEN }}" }
        "#;
    Test::new()
        .spec(spec)
        .env("CODECOV_TOKEN", "a token the steps must not see")
        .env("DB_PASSWORD", "a long enough password")
        .args(["run", "--log-format", "json"])
        .printed(&["token absent", "db present"])
        .assert();
}
