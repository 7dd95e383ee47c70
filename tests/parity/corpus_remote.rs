//! The corpus, CI-only keys (issue 9 items 4 and 5): remote post steps and GitLab
//! after_script with typed conditions, a secret only a post step uses, and a cache. The post
//! steps print markers only under CI runners (rows of `table::BY_DESIGN`); everything else
//! — which jobs run, pass and fail, and what their steps print — is the same on all four.

use super::corpus::{all_triggers, on, Event, Pipeline};

/// A passing job with a cache and a post step whose token no runner sets, a failing job
/// with post steps on failure and always, and its dependent.
pub const REMOTE_STEPS: Pipeline = Pipeline {
    name: "remote-steps",
    spec: concat!(
        "version: 1\nname: remote-steps\n",
        all_triggers!(),
        r#"jobs:
  test:
    secrets: [POST_TOKEN]
    cache: { name: deps, paths: [.cache/deps], files: [src/lib/lib.txt] }
    steps:
      - echo "PMARK test"
  broken:
    steps:
      - echo "PMARK broken"
      - "false"
  after-broken:
    needs: [broken]
    steps: [echo PMARK after-broken]
targets:
  github:
    runs-on: ubuntu-24.04
    post: &post
      test:
        - uses: codecov/codecov-action
          if: not_cancelled
          with: { token: "${{ secrets.POST_TOKEN }}", flags: PMARK post test }
      broken:
        - uses: codecov/codecov-action
          if: failure
          with: { flags: PMARK post broken failure }
        - uses: codecov/codecov-action
          with: { flags: PMARK post broken success }
  gitlab:
    install: present
    after_script:
      test:
        - echo "PMARK post test"
      broken:
        - { run: echo "PMARK post broken failure", if: failure }
        - echo "PMARK post broken success"
  just: {}
  forgejo: { post: *post }
"#
    ),
    changed: &[],
    scenarios: &[on(Event::Push), on(Event::Tag)],
};
