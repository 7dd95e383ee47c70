//! Secrets and outputs through real runners: a generated GitLab pipeline under gitlab-ci-local
//! and the GitHub workflow under act. An output with `$` in it arrives exactly in the
//! dependent job (GitLab expands dotenv values: cigen writes `$$`), and a secret printed in
//! several forms never shows in the runner's log in clear.

use super::outputs::Outputs;
use super::realrun::generate;
use super::repo::{Forge, TempRepo};
use super::runs::{act_workflow, gitlab_pipeline, BinDir};
use super::tool::judge;

const TOKEN: &str = "real-runner-tok3n/0a9f";

const SPEC: &str = r#"version: 1
name: secrets-real
triggers:
  push: { branches: [main] }
jobs:
  produce:
    secrets: [TOKEN]
    outputs: [price]
    steps:
      - echo 'price=costs $5, $HOME and $$ at ${PWD}' >> "$CIGEN_OUTPUT"
      - 'echo "plain: $TOKEN"; printf %s "$TOKEN" | base64; printf "x:%s" "$TOKEN" | base64'
  consume:
    needs: [produce]
    steps:
      - test "$PRODUCE_PRICE" = 'costs $5, $HOME and $$ at ${PWD}' && echo consume-got-it-exactly
targets:
  github: { runs-on: ubuntu-24.04 }
  gitlab: { install: present }
  just: {}
"#;

fn repo(forge: Forge) -> TempRepo {
    let repo = TempRepo::new();
    repo.write("cigen.yaml", SPEC);
    generate(repo.path());
    repo.commit(forge);
    repo
}

/// Pieces of the token and of its encodings that must not show in a log.
fn forbidden() -> Vec<String> {
    use base64::Engine;
    let b = base64::engine::general_purpose::STANDARD;
    vec![
        TOKEN.to_string(),
        b.encode(TOKEN)[..24].to_string(),
        b.encode(format!("x:{TOKEN}"))[4..24].to_string(),
    ]
}

#[test]
fn gitlab_ci_local_carries_dollars_exactly_and_masks() {
    let Some(glci) = judge("gitlab-ci-local") else {
        return;
    };
    let repo = repo(Forge::Gitlab);
    let bin = BinDir::new();
    let token = format!("TOKEN={TOKEN}");
    let v = gitlab_pipeline(&glci, &repo, &bin, &["--variable", &token]);
    v.assert_ok();
    let out = format!("{}{}", v.stdout, v.stderr);
    assert!(out.contains("consume-got-it-exactly"), "{}", v.report());
    assert!(out.contains("plain: ***"), "{}", v.report());
    for f in forbidden() {
        assert!(!out.contains(&f), "`{f}` shown:\n{}", v.report());
    }
}

#[test]
fn act_carries_dollars_exactly_and_masks() {
    let Some(act) = judge("act") else {
        return;
    };
    let repo = repo(Forge::Github);
    let bin = BinDir::stand_ins_only();
    let workflow = Outputs::find(repo.path()).workflows[0].clone();
    let token = format!("TOKEN={TOKEN}");
    let v = act_workflow(&act, &repo, &bin, &workflow, &["-s", &token])
        .unwrap_or_else(|e| panic!("{e}"));
    v.assert_ok();
    let out = format!("{}{}", v.stdout, v.stderr);
    assert!(out.contains("consume-got-it-exactly"), "{}", v.report());
    for f in forbidden() {
        assert!(!out.contains(&f), "`{f}` shown:\n{}", v.report());
    }
}
