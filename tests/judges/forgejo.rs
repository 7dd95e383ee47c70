//! The Forgejo target: judged where its dialect agrees with GitHub's (every static judge on a
//! copy without the one Forgejo-only key, `enable-openid-connect`, and with the runner label
//! declared as a self-hosted one), and run under act — the engine the Forgejo runner is built
//! on, whose schema lacks that key too — with the variables a Forgejo runner sets, so the real
//! cigen must recognise Forgejo (`when.provider`) and hand outputs over as there.

use super::outputs::Outputs;
use super::repo::{Forge, TempRepo};
use super::runs::{act_workflow, BinDir};
use super::tool::judge;
use super::verdicts;

const SPEC: &str = r#"# A pipeline for Forgejo Actions (tests/judges/forgejo.rs).
version: 1
name: forged
triggers:
  push: { branches: [main] }
jobs:
  build:
    description: Build and hand over a version
    outputs: [version]
    steps:
      - echo "version=4.5.6" >> "$CIGEN_OUTPUT"
  publish:
    description: Publish with an OIDC token
    needs: [build]
    permissions: { id-token: write }
    when: { provider: [forgejo, local] }
    matrix: { flavour: [plain, fancy] }
    steps:
      - test "$BUILD_VERSION" = 4.5.6
      - echo "forged-publish-$MATRIX_FLAVOUR-$BUILD_VERSION"
  github-only:
    description: Never on Forgejo
    needs: [build]
    when: { provider: github }
    steps:
      - echo forged-github-only-ran
targets:
  forgejo: {}
"#;

pub const WORKFLOW: &str = ".forgejo/workflows/ci.yml";

/// The workflow as GitHub's tools read it: without Forgejo's workflow-level OIDC switch
/// (written only when a job asks for an OIDC token); nothing else differs.
pub fn github_view(text: &str) -> String {
    let view: String = text
        .lines()
        .filter(|l| *l != FORGEJO_ONLY)
        .map(|l| format!("{l}\n"))
        .collect();
    let removed = text.len() - view.len();
    assert!(removed == 0 || removed == FORGEJO_ONLY.len() + 1, "{text}");
    view
}

const FORGEJO_ONLY: &str = "enable-openid-connect: true";

fn generated_repo() -> TempRepo {
    TempRepo::generated(SPEC, &[], Forge::Github)
}

#[test]
fn forgejo_workflow_is_forgejo_dialect() {
    let repo = generated_repo();
    let text = std::fs::read_to_string(repo.path().join(WORKFLOW)).expect("forgejo workflow");
    // OIDC is a workflow-level switch on Forgejo; the job keeps GitHub's permission too.
    assert!(text.contains("\nenable-openid-connect: true\n"), "{text}");
    assert!(text.contains("      id-token: write"), "{text}");
    assert!(text.contains("    runs-on: docker\n"), "{text}");
    // Short references: the instance's DEFAULT_ACTIONS_URL resolves them (act too).
    assert!(text.contains("uses: actions/checkout@"), "{text}");
    assert!(!repo.path().join(".github").exists());
}

#[test]
fn static_judges_pass_the_forgejo_workflow_where_the_dialects_agree() {
    let repo = generated_repo();
    let text = std::fs::read_to_string(repo.path().join(WORKFLOW)).expect("forgejo workflow");
    let view = TempRepo::new();
    view.write(".github/workflows/ci.yml", &github_view(&text));
    // What a Forgejo user tells actionlint: `docker` is a self-hosted runner's label.
    view.write(
        ".github/actionlint.yaml",
        "self-hosted-runner:\n  labels: [docker]\n",
    );
    view.commit(Forge::Github);
    let o = Outputs::find(view.path());
    assert_eq!(o.workflows.len(), 1, "{o:?}");
    verdicts::every(&o, "the Forgejo workflow (without enable-openid-connect)");
}

#[test]
fn act_runs_the_forgejo_workflow_as_forgejo() {
    let Some(act) = judge("act") else {
        return;
    };
    let repo = generated_repo();
    let text = std::fs::read_to_string(repo.path().join(WORKFLOW)).expect("forgejo workflow");
    repo.write(WORKFLOW, &github_view(&text));
    let bin = BinDir::stand_ins_only();
    // A Forgejo runner sets FORGEJO_ACTIONS beside the GitHub-compatible variables.
    let v = act_workflow(
        &act,
        &repo,
        &bin,
        std::path::Path::new(WORKFLOW),
        &["--env", "FORGEJO_ACTIONS=true"],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    v.assert_ok();
    let out = format!("{}{}", v.stdout, v.stderr);
    for w in ["forged-publish-plain-4.5.6", "forged-publish-fancy-4.5.6"] {
        assert!(out.contains(w), "missing {w:?}\n{}", v.report());
    }
    assert!(
        !out.contains("forged-github-only-ran"),
        "a github-only job ran on Forgejo\n{}",
        v.report()
    );
    assert!(
        out.contains("runs only on github (this is forgejo)"),
        "{}",
        v.report()
    );
}
