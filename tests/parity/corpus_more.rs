//! The corpus, part two: retries, timeouts, `changed:` on a real history, toolchain axes,
//! `{local, ci}` values and `ci`/`provider` conditions, and a realistic service pipeline.

use super::corpus::{all_triggers, fail_fast, on, Event, Pipeline};

/// A step that passes on its second attempt (flaky) in every cell, one that never passes,
/// and their dependents.
pub const RETRIES: Pipeline = Pipeline {
    name: "retries",
    spec: concat!(
        "version: 1\nname: retries\n",
        all_triggers!(),
        r#"jobs:
  flaky:
    matrix: { n: ["1", "2"] }
    steps:
      - run: |
          f=".attempt-$MATRIX_N"
          if [ -f "$f" ]; then echo "PMARK flaky $MATRIX_N again"; else touch "$f"; echo "PMARK flaky $MATRIX_N first"; exit 1; fi
        retry: { attempts: 3, backoff: fixed, delay: 10ms }
  after-flaky:
    needs: [flaky]
    steps: [echo PMARK after-flaky]
  always-fails:
    steps:
      - run: echo PMARK always-fails; exit 4
        retry: { attempts: 2, backoff: fixed, delay: 10ms }
  after-fails:
    needs: [always-fails]
    steps: [echo PMARK after-fails]
"#
    ),
    changed: &[],
    scenarios: &[on(Event::Push)],
};

/// A job timeout and a step timeout, their dependents, and a job well inside its timeout.
pub const TIMEOUT: Pipeline = Pipeline {
    name: "timeout",
    spec: concat!(
        "version: 1\nname: timeout\n",
        all_triggers!(),
        r#"jobs:
  slow:
    timeout: 2s
    steps:
      - echo PMARK slow-start
      - sleep 30
      - echo PMARK slow-never
  after-slow:
    needs: [slow]
    steps: [echo PMARK after-slow]
  slow-step:
    steps:
      - echo PMARK slow-step-start
      - run: sleep 30
        timeout: 1s
  fine:
    timeout: 1m
    steps: [echo PMARK fine]
"#
    ),
    changed: &[],
    scenarios: &[on(Event::Push)],
};

/// `changed:` conditions against a real history: the last commit touches `src/app/` and
/// `docs/drafts/` only.
pub const CHANGED: Pipeline = Pipeline {
    name: "changed",
    spec: concat!(
        "version: 1\nname: changed\n",
        all_triggers!(),
        r#"jobs:
  app:
    when: { changed: ["src/app/**"] }
    steps: [echo PMARK app]
  lib:
    when: { changed: ["src/lib/**"] }
    steps: [echo PMARK lib]
  after-lib:
    needs: [lib]
    steps: [echo PMARK after-lib]
  docs:
    when: { changed: ["docs/**", "!docs/drafts/**"] }
    steps: [echo PMARK docs]
  drafts:
    when: { changed: ["docs/drafts/**"] }
    steps: [echo PMARK drafts]
  step-level:
    steps:
      - echo PMARK step-level
      - run: echo PMARK step-app
        when: { changed: ["src/app/**"] }
      - run: echo PMARK step-lib
        when: { changed: ["src/lib/**"] }
"#
    ),
    changed: &[
        ("src/app/main.txt", "app, changed\n"),
        ("docs/drafts/wip.md", "a draft\n"),
    ],
    scenarios: &[on(Event::Push), on(Event::PullRequest), on(Event::Schedule)],
};

/// Matrix axes named after toolchains, and `setup:` versions for a job without such an axis.
/// The runs see stand-in `rustup`, `rustc`, `python`, `python3.11` and `python3.12` that print
/// which version would run (tests/stand-ins/toolchains).
pub const TOOLCHAINS: Pipeline = Pipeline {
    name: "toolchains",
    spec: concat!(
        "version: 1\nname: toolchains\n",
        all_triggers!(),
        r#"setup: { rust: stable, python: "3.12" }
jobs:
  rust-cells:
    matrix: { rust: [stable, nightly] }
    steps:
      - echo "PMARK $(rustc --version)"
  py-cells:
    matrix: { python: ["3.11", "3.12"] }
    steps:
      - echo "PMARK $(python --version 2>&1)"
  plain:
    steps:
      - echo "PMARK $(rustc --version); $(python --version 2>&1)"
"#
    ),
    changed: &[],
    scenarios: &[on(Event::Push)],
};

/// What differs between a laptop and CI on purpose: `{local, ci}` values and `ci`/`provider`
/// conditions, with dependents.
pub const WHERE: Pipeline = Pipeline {
    name: "where",
    spec: concat!(
        "version: 1\nname: where\n",
        all_triggers!(),
        r#"env:
  MODE: { local: laptop, ci: runner }
jobs:
  show:
    steps:
      - echo "PMARK mode=$MODE"
  ci-only:
    when: { ci: true }
    steps: [echo PMARK ci-only]
  after-ci-only:
    needs: [ci-only]
    steps: [echo PMARK after-ci-only]
  local-only:
    when: { ci: false }
    steps: [echo PMARK local-only]
  github-only:
    when: { provider: github }
    steps: [echo PMARK github-only]
"#
    ),
    changed: &[],
    scenarios: &[on(Event::Push)],
};

/// A realistic service: lint, a test matrix gated on changes, a build handing over an
/// artifact and an output, an image push only on `main`, a release only on tags.
pub const SERVICE: Pipeline = Pipeline {
    name: "service",
    spec: concat!(
        "version: 1\nname: service\n",
        all_triggers!(),
        r#"env:
  APP: shop
jobs:
  lint:
    steps:
      - echo "PMARK lint $APP"
  test:
    needs: [lint]
    matrix:
      suite: [unit, integration]
      include:
        - { suite: e2e, browser: firefox }
    when: { changed: ["src/**"] }
    steps:
      - echo "PMARK test $MATRIX_SUITE browser=${MATRIX_BROWSER-none}"
  build:
    needs: [test]
    outputs: [image]
    artifacts: [dist/app.txt]
    steps:
      - mkdir -p dist && echo "build of $APP" > dist/app.txt
      - echo "image=registry.example/$APP:$(git rev-parse --short=7 HEAD)" >> "$CIGEN_OUTPUT"
      - echo PMARK build
  push-image:
    needs: [build]
    when: { branch: main, event: push }
    steps:
      - echo "PMARK push-image $(cat dist/app.txt) ok=$(test -n "$BUILD_IMAGE" && echo yes)"
  release:
    needs: [build]
    when: { event: tag }
    steps:
      - echo "PMARK release $(cat dist/app.txt)"
"#
    ),
    changed: &[("src/app/main.txt", "a fix\n")],
    scenarios: &[on(Event::Push), on(Event::PullRequest), on(Event::Tag)],
};

/// Fail-fast with a failing matrix cell beside an independent job, and the same under
/// `--keep-going`.
pub const MATRIX_FAILS: Pipeline = Pipeline {
    name: "matrix-fails",
    spec: concat!(
        "version: 1\nname: matrix-fails\n",
        all_triggers!(),
        r#"jobs:
  cells:
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
    scenarios: &[fail_fast(Event::Push), on(Event::Push)],
};
