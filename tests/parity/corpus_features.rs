//! The corpus, part three: the keys real workflows need (issue 9) — fail-fast per job, per-cell
//! platforms, per-job setup, remote post-steps, caches, matrix and negated conditions,
//! step-to-step env, env references and concurrency groups — each run under the five runners.

use super::corpus::{all_triggers, fail_fast, on, Event, Pipeline};

/// A matrix job with `fail_fast: false` whose middle cell fails, beside an independent job,
/// run fail-fast with one job at a time: locally the other cells and the independent job
/// still run, as every CI provider runs them.
pub const FAIL_FAST_JOB: Pipeline = Pipeline {
    name: "fail-fast-job",
    spec: concat!(
        "version: 1\nname: fail-fast-job\n",
        all_triggers!(),
        r#"jobs:
  cells:
    fail_fast: false
    matrix: { n: ["1", "2", "3"] }
    steps:
      - echo "PMARK cells $MATRIX_N"
      - test "$MATRIX_N" != 2
  after-cells:
    needs: [cells]
    steps: [echo PMARK after-cells]
  later:
    steps: [echo PMARK later]
"#
    ),
    changed: &[],
    scenarios: &[fail_fast(Event::Push)],
};

/// Deploy jobs sharing a concurrency group (one needing the other, one free of it), with an
/// environment URL naming the ref: every runner runs all of them once, in the needs' order.
pub const DEPLOY_LOCK: Pipeline = Pipeline {
    name: "deploy-lock",
    spec: concat!(
        "version: 1\nname: deploy-lock\n",
        all_triggers!(),
        r#"jobs:
  build:
    steps: [echo PMARK build]
  staging:
    needs: [build]
    concurrency: deploy-lock
    environment: { name: staging, url: "https://staging.example.com/{ref}" }
    steps: [echo PMARK staging]
  production:
    needs: [staging]
    concurrency: deploy-lock
    environment: { name: production, url: "https://example.com" }
    steps: [echo PMARK production]
  notes:
    needs: [build]
    concurrency: deploy-lock
    steps: [echo PMARK notes]
"#
    ),
    changed: &[],
    scenarios: &[on(Event::Push), on(Event::PullRequest)],
};

/// Conditions on matrix values (job and step), negated events with dependents, env values
/// that reference other variables, and env handed from step to step through `$CIGEN_ENV`.
pub const CONDITIONS_ENV: Pipeline = Pipeline {
    name: "conditions-env",
    spec: concat!(
        "version: 1\nname: conditions-env\n",
        all_triggers!(),
        r#"env:
  BASE: base
  DERIVED: "$BASE-derived"
  PRICE: "$$5 ${BASE}"
jobs:
  cells:
    matrix: { os: [linux, mac, bsd] }
    when: { not: { matrix: { os: bsd } } }
    env:
      OUT: "out-$MATRIX_OS"
    steps:
      - echo "PMARK cells $MATRIX_OS out=$OUT derived=$DERIVED price=$PRICE"
      - run: echo "PMARK linux-step"
        when: { matrix: { os: linux } }
      - echo "SHA=abc-$MATRIX_OS" >> "$CIGEN_ENV"
      - echo "PMARK carried $SHA"
  not-tag:
    when: { not: { event: tag } }
    steps: [echo PMARK not-tag]
  after-not-tag:
    needs: [not-tag]
    steps: [echo PMARK after-not-tag]
  not-pr:
    when: { not: { event: pull_request, branch: release } }
    steps: [echo PMARK not-pr]
"#
    ),
    changed: &[],
    scenarios: &[on(Event::Push), on(Event::PullRequest), on(Event::Tag)],
};
