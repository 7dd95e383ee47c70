//! The action judged from a workflow that uses it locally (`uses: ./`), where actionlint reads
//! this working tree's `action.yml` and checks every input the workflow passes: the inputs the
//! README documents pass actionlint and zizmor; a misspelt input is caught.

use super::outputs::Outputs;
use super::repo::{copy_tree, Forge, TempRepo};
use super::tool::{judges, Complaints};
use super::verdicts;
use crate::test::repo_root;

const WORKFLOW: &str = r#"name: uses the action
on:
  push:
    branches: [main]
permissions: {}
concurrency:
  group: ${{ github.workflow }}-${{ github.ref }}
  cancel-in-progress: true
jobs:
  install:
    name: Install cigen three ways
    runs-on: ubuntu-24.04
    timeout-minutes: 10
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8  # v5.0.0
        with:
          persist-credentials: false
      - id: release
        uses: ./  # zizmor: ignore[self-repository]
        with:
          version: 0.1.0
          args: generate --check
      - id: built
        uses: ./  # zizmor: ignore[self-repository]
        with:
          binary: target/debug/cigen
      - name: Report
        env:
          RELEASE_VERSION: ${{ steps.release.outputs.version }}
          BUILT_PATH: ${{ steps.built.outputs.path }}
        run: echo "$RELEASE_VERSION $BUILT_PATH"
"#;

fn repo_with(workflow: &str) -> TempRepo {
    let repo = TempRepo::new();
    std::fs::copy(
        repo_root().join("action.yml"),
        repo.path().join("action.yml"),
    )
    .expect("copy action.yml");
    copy_tree(&repo_root().join("action"), &repo.path().join("action"));
    repo.write(".github/workflows/ci.yml", workflow);
    repo.commit(Forge::Github);
    repo
}

#[test]
fn a_workflow_using_the_action_passes_actionlint_and_zizmor() {
    let Some([actionlint, zizmor, schema]) = judges(["actionlint", "zizmor", "check-jsonschema"])
    else {
        return;
    };
    let repo = repo_with(WORKFLOW);
    let o = Outputs::find(repo.path());
    assert_eq!((o.workflows.len(), o.actions.len()), (1, 1));
    let mut c = Complaints::default();
    verdicts::actionlint(&actionlint, &o, &mut c);
    verdicts::zizmor(&zizmor, "regular", &o, &mut c);
    verdicts::zizmor(&zizmor, "pedantic", &o, &mut c);
    verdicts::schemas(&schema, &o, &mut c);
    c.finish("a workflow using the action");
}

#[test]
fn actionlint_reads_the_action_and_catches_a_misspelt_input() {
    let Some([actionlint]) = judges(["actionlint"]) else {
        return;
    };
    let repo = repo_with(&WORKFLOW.replace("          version: 0.1.0", "          verison: 0.1.0"));
    let v = actionlint.run(
        repo.path(),
        ["-no-color", "-oneline", ".github/workflows/ci.yml"],
    );
    assert!(
        !v.ok(),
        "actionlint accepted an input action.yml does not declare:\n{}",
        v.report()
    );
    assert!(v.stdout.contains("verison"), "{}", v.report());
}
