//! The corpus, triggers and conditions of real workflows: which schedule a scheduled run is
//! of (`when.schedule`), the target branch of a pull request (`when.base`), the repository
//! (`when.repository`, a fork guard), and environment URLs naming the repository — each run
//! under the five runners, every runner told the event as its provider tells it (GitHub's
//! payload and `GITHUB_BASE_REF`, GitLab's `CIGEN_SCHEDULE` and merge request variables,
//! `cigen run --schedule/--base-branch`), the repository from the clone's `origin` remote
//! (`cigen-dev/judged`, which act and gitlab-ci-local read as well).

use super::corpus::{on, Event, Pipeline};

/// Two schedules with jobs of each (a scheduled run is of the first, `0 4 * * 1`), jobs
/// for pull requests into `main` or into release branches only, a fork guard and its
/// opposite, and steps with the same conditions; dependents of skipped jobs still run (on
/// GitHub plain names become the job's `if:`, so `elsewhere` never starts a runner there and
/// `after-elsewhere` must tolerate it). The repository is named in another case
/// (`upstream-case`, `fork-only`), which GitHub's `==`/`!=` and `cigen run` both ignore, and
/// the negated forms (`when.not.repository`, `.schedule`, `.base`) skip what the positive
/// ones run.
pub const TRIGGERS: Pipeline = Pipeline {
    name: "triggers",
    spec: r#"version: 1
name: triggers
triggers:
  push: { branches: [main] }
  pull_request: {}
  schedule: ["0 4 * * 1", "0 3 * * *"]
  manual: true
jobs:
  weekly:
    when: { event: schedule, schedule: "0 4 * * 1" }
    steps: [echo PMARK weekly]
  nightly:
    when: { event: schedule, schedule: "0 3 * * *" }
    steps: [echo PMARK nightly]
  checks:
    when: { schedule: "0 3 * * *" }
    steps:
      - echo PMARK checks
      - run: echo PMARK checks into-main
        when: { base: main }
      - run: echo PMARK checks upstream
        when: { repository: cigen-dev/judged }
      - run: echo PMARK checks not-upstream
        when: { not: { repository: cigen-dev/judged } }
      - run: echo PMARK checks not-into-main
        when: { not: { base: main } }
  into-main:
    when: { base: main }
    steps: [echo PMARK into-main]
  into-release:
    when: { base: "release/*" }
    steps: [echo PMARK into-release]
  after-release:
    needs: [into-release]
    steps: [echo PMARK after-release]
  upstream:
    when: { repository: cigen-dev/judged }
    environment: { name: docs, url: "https://{project}.example.com/{repository}/{ref}" }
    steps: [echo PMARK upstream]
  forks:
    when: { repository: ["**", "!cigen-dev/*"] }
    steps: [echo PMARK forks]
  elsewhere:
    when: { repository: someone/else }
    steps: [echo PMARK elsewhere]
  after-elsewhere:
    needs: [elsewhere, into-main]
    steps: [echo PMARK after-elsewhere]
  upstream-case:
    when: { repository: CIGEN-Dev/Judged }
    steps: [echo PMARK upstream-case]
  fork-only:
    when: { not: { repository: Cigen-Dev/JUDGED } }
    steps: [echo PMARK fork-only]
  after-fork-only:
    needs: [fork-only]
    steps: [echo PMARK after-fork-only]
  not-elsewhere:
    when: { not: { repository: [someone/else, "other/*"] } }
    steps: [echo PMARK not-elsewhere]
  not-weekly:
    when: { not: { schedule: "0 4 * * 1" } }
    steps: [echo PMARK not-weekly]
  not-into-main:
    when: { not: { base: main } }
    steps: [echo PMARK not-into-main]
  not-into-release:
    when: { not: { base: "release/*" } }
    steps: [echo PMARK not-into-release]
"#,
    changed: &[],
    scenarios: &[on(Event::Push), on(Event::PullRequest), on(Event::Schedule)],
};
