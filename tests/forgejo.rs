//! The Forgejo target without judges: what `generate` writes and how `cigen run` sees a
//! Forgejo (or Gitea) runner.

use crate::test::Test;

const SPEC: &str = "version: 1\njobs:\n  build:\n    steps: [echo build]\n  deploy:\n    needs: [build]\n    when: { provider: forgejo }\n    steps: [echo deployed-on-forgejo]\ntargets:\n  forgejo: { actions_url: \"https://github.com/\", runs-on: [self-hosted, linux] }\n  just: {}\n";

#[test]
fn generate_writes_the_forgejo_workflow_with_full_action_urls() {
    let t = Test::new()
        .spec(SPEC)
        .args(["generate", "--target", "forgejo"]);
    let out = t.expect_code(0);
    assert!(
        out.stderr.contains(".forgejo/workflows/ci.yml"),
        "{}",
        out.stderr
    );
    assert!(
        !t.path().join("justfile").exists(),
        "--target forgejo wrote the justfile"
    );
    let wf = std::fs::read_to_string(t.path().join(".forgejo/workflows/ci.yml")).unwrap();
    assert!(
        wf.contains("uses: https://github.com/actions/checkout@"),
        "{wf}"
    );
    assert!(
        wf.contains("runs-on:\n      - self-hosted\n      - linux\n"),
        "{wf}"
    );
    // No job asks for an OIDC token, so the workflow does not switch it on.
    assert!(!wf.contains("enable-openid-connect"), "{wf}");
    let check = Test::new()
        .spec(SPEC)
        .args(["generate", "--check", "--target", "forgejo"]);
    std::fs::create_dir_all(check.path().join(".forgejo/workflows")).unwrap();
    std::fs::write(check.path().join(".forgejo/workflows/ci.yml"), &wf).unwrap();
    check.expect_code(0);
}

#[test]
fn run_recognises_forgejo_and_gitea_runners() {
    for var in ["FORGEJO_ACTIONS", "GITEA_ACTIONS"] {
        let out = Test::new()
            .spec(SPEC)
            .env(var, "true")
            .env("GITHUB_ACTIONS", "true")
            .args(["run", "deploy", "--no-deps", "--log-format", "human"])
            .expect_code(0);
        assert!(
            out.stdout.contains("deployed-on-forgejo"),
            "{var}: {}",
            out.stdout
        );
    }
    let out = Test::new()
        .spec(SPEC)
        .env("GITHUB_ACTIONS", "true")
        .args(["run", "deploy", "--no-deps", "--dry-run"])
        .expect_code(0);
    assert!(
        out.stdout.contains("runs only on forgejo (this is github)"),
        "{}",
        out.stdout
    );
}
