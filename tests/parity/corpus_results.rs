//! The corpus, how a job's result counts (issue 9): a matrix cell allowed to fail
//! (`allow_failure`), jobs that run after their needs failed (`when.needs: always | failure`,
//! and what is below them) and a manual job, each run under the five runners.

use super::corpus::{all_triggers, fail_fast, on, Event, Pipeline};

/// An allowed cell fails and its dependents run; a failing job is followed by its `always`
/// and `failure` jobs (also when fail-fast stopped the run locally) while the job below the
/// `always` one is skipped; the manual job runs nowhere (but under just, which names it).
pub const RESULTS: Pipeline = Pipeline {
    name: "results",
    spec: concat!(
        "version: 1\nname: results\n",
        all_triggers!(),
        r#"jobs:
  tests:
    matrix: { n: ["1", "2"], experimental: ["false"], include: [{ n: "3", experimental: "true" }] }
    allow_failure: { matrix: { experimental: "true" } }
    steps:
      - echo "PMARK tests $MATRIX_N"
      - test "$MATRIX_N" != 3
  advisory:
    allow_failure: true
    steps: [echo PMARK advisory, "false"]
  after-tests:
    needs: [tests, advisory]
    steps: [echo PMARK after-tests]
  notify-tests:
    needs: [tests, advisory]
    when: { needs: failure }
    steps: [echo PMARK notify-tests]
  build:
    needs: [after-tests]
    steps: [echo PMARK build, "false"]
  report:
    needs: [build]
    when: { needs: always }
    steps: [echo PMARK report]
  rollback:
    needs: [build]
    when: { needs: failure }
    steps: [echo PMARK rollback]
  below-report:
    needs: [report]
    steps: [echo PMARK below-report]
  deploy:
    manual: true
    steps: [echo PMARK deploy]
"#
    ),
    changed: &[],
    scenarios: &[fail_fast(Event::Push), on(Event::PullRequest)],
};
