//! The corpus, part one: what a pipeline of the parity suite is (a spec, the files its last
//! commit changes, the events it is run for) and the pipelines about matrices, needs chains,
//! events, branches and outputs. Part two is `corpus_more.rs`.
//!
//! Every step that runs prints a line starting with `PMARK`; the suite compares those lines
//! per unit across runners. Job names carry no description, so act names its jobs by id.

/// A CI event the suite simulates on every runner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A push to `main`, whose previous commit is the base commit.
    Push,
    /// A pull request from `feature/x` into `main`, based on the base commit.
    PullRequest,
    /// A push of tag `v1.2.3` at the last commit.
    Tag,
    /// A scheduled run on `main`.
    Schedule,
}

impl Event {
    pub fn name(self) -> &'static str {
        match self {
            Event::Push => "push",
            Event::PullRequest => "pull_request",
            Event::Tag => "tag",
            Event::Schedule => "schedule",
        }
    }
}

/// The source branch of the simulated pull request, and the pushed tag.
pub const PR_BRANCH: &str = "feature/x";
pub const TAG: &str = "v1.2.3";

/// One run of a pipeline: the event, and whether the local runs keep going after a failure.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    pub event: Event,
    /// Local runs with `--keep-going`; without it they run fail-fast with `-j 1`, so what
    /// fail-fast stops does not depend on timing. Providers have no such switch: every job
    /// whose needs succeeded starts.
    pub keep_going: bool,
}

impl Scenario {
    pub fn label(&self) -> String {
        if self.keep_going {
            format!("{} --keep-going", self.event.name())
        } else {
            self.event.name().to_string()
        }
    }
}

pub const fn on(event: Event) -> Scenario {
    Scenario {
        event,
        keep_going: true,
    }
}

pub const fn fail_fast(event: Event) -> Scenario {
    Scenario {
        event,
        keep_going: false,
    }
}

/// A pipeline of the corpus.
pub struct Pipeline {
    /// The spec's `name:` (act prefixes its log lines with it).
    pub name: &'static str,
    /// `cigen.yaml` without `targets:` (the suite adds every target), or with its own
    /// `targets:` enabling all four, for a pipeline about target keys.
    pub spec: &'static str,
    /// Files the last commit writes (path, text); the first commit holds the spec, the
    /// generated outputs and `src/app/main.txt`, `src/lib/lib.txt`, `docs/index.md`.
    pub changed: &'static [(&'static str, &'static str)],
    pub scenarios: &'static [Scenario],
}

/// Every target, with cigen expected on the GitLab runner (the suite puts the one under test
/// first on PATH) and installed by the cigen action of this working tree on GitHub.
pub const TARGETS: &str = "targets:
  github: { runs-on: ubuntu-24.04 }
  gitlab: { install: present }
  just: {}
  forgejo: {}
";

/// Triggers that let every simulated event start the pipeline on both providers.
macro_rules! all_triggers {
    () => {
        "triggers:
  push: { branches: [main], tags: [\"v*\"] }
  pull_request: {}
  schedule: [\"0 4 * * 1\"]
  manual: true
"
    };
}
pub(crate) use all_triggers;

/// Matrix include/exclude, with a key that is empty in one cell and absent in others.
pub const MATRIX_SHAPES: Pipeline = Pipeline {
    name: "matrix-shapes",
    spec: concat!(
        "version: 1\nname: matrix-shapes\n",
        all_triggers!(),
        r#"jobs:
  cells:
    matrix:
      os: [linux, mac]
      py: ["3.12", "3.13"]
      exclude:
        - { os: mac, py: "3.12" }
      include:
        - { os: bsd, extra: "" }
        - { os: linux, py: "3.13", extra: "two words" }
    steps:
      - echo "PMARK os=$MATRIX_OS py=${MATRIX_PY-absent} extra=${MATRIX_EXTRA-absent}"
  after:
    needs: [cells]
    steps:
      - echo PMARK after
"#
    ),
    changed: &[],
    scenarios: &[on(Event::Push)],
};

/// A needs chain whose head fails, beside independent jobs and a job skipped by its own
/// `when` (whose dependent must still run): under fail-fast and under `--keep-going`.
pub const CHAIN: Pipeline = Pipeline {
    name: "chain",
    spec: concat!(
        "version: 1\nname: chain\n",
        all_triggers!(),
        r#"jobs:
  lint:
    steps: [echo PMARK lint]
  build:
    steps:
      - echo PMARK build; exit 1
  test:
    needs: [build]
    steps: [echo PMARK test]
  deploy:
    needs: [test]
    steps: [echo PMARK deploy]
  docs:
    steps: [echo PMARK docs]
  optional:
    when: { branch: release }
    steps: [echo PMARK optional]
  after-optional:
    needs: [optional]
    steps: [echo PMARK after-optional]
"#
    ),
    changed: &[],
    scenarios: &[fail_fast(Event::Push), on(Event::Push)],
};

/// Event-gated jobs with dependents, under every event, and a job below both an event gate
/// and a failure.
pub const EVENTS: Pipeline = Pipeline {
    name: "events",
    spec: concat!(
        "version: 1\nname: events\n",
        all_triggers!(),
        r#"jobs:
  build:
    steps: [echo PMARK build]
  release:
    needs: [build]
    when: { event: tag }
    steps: [echo PMARK release]
  publish:
    needs: [release]
    steps: [echo PMARK publish]
  nightly:
    when: { event: [schedule, manual] }
    steps: [echo PMARK nightly]
  report:
    needs: [nightly, build]
    steps: [echo PMARK report]
  review:
    needs: [build]
    when: { event: pull_request }
    steps: [echo PMARK review]
  pushed:
    when: { event: push }
    steps: [echo PMARK pushed]
  after-pushed:
    needs: [pushed]
    steps: [echo PMARK after-pushed]
  broken:
    needs: [build]
    steps:
      - echo PMARK broken; exit 1
  below-broken:
    needs: [broken, pushed]
    steps: [echo PMARK below-broken]
"#
    ),
    changed: &[],
    scenarios: &[
        on(Event::Push),
        on(Event::PullRequest),
        on(Event::Tag),
        on(Event::Schedule),
    ],
};

/// Branch-gated jobs and steps, with dependents, on `main` and on a feature branch.
pub const BRANCHES: Pipeline = Pipeline {
    name: "branches",
    spec: concat!(
        "version: 1\nname: branches\n",
        all_triggers!(),
        r#"jobs:
  on-main:
    when: { branch: main }
    steps: [echo PMARK on-main]
  after-main:
    needs: [on-main]
    steps: [echo PMARK after-main]
  not-main:
    when: { branch: ["**", "!main"] }
    steps: [echo PMARK not-main]
  features:
    when: { branch: "feature/*" }
    steps: [echo PMARK features]
  steps-gated:
    steps:
      - echo PMARK always
      - run: echo PMARK main-step
        when: { branch: main }
      - run: echo PMARK pr-step
        when: { event: pull_request }
"#
    ),
    changed: &[],
    scenarios: &[on(Event::Push), on(Event::PullRequest), on(Event::Tag)],
};

/// Outputs across jobs: odd values, an empty one, a chain, and a need skipped by its `when`.
pub const OUTPUTS: Pipeline = Pipeline {
    name: "outputs",
    spec: concat!(
        "version: 1\nname: outputs\n",
        all_triggers!(),
        r#"jobs:
  build:
    outputs: [version, label, empty]
    steps:
      - echo "version=1.2.3" >> "$CIGEN_OUTPUT"
      - echo "label=two words = fine" >> "$CIGEN_OUTPUT"
      - echo "empty=" >> "$CIGEN_OUTPUT"
      - echo PMARK build
  consume:
    needs: [build]
    outputs: [tagged]
    steps:
      - echo "PMARK consume version=$BUILD_VERSION label=$BUILD_LABEL empty=[${BUILD_EMPTY-unset}]"
      - echo "tagged=v$BUILD_VERSION" >> "$CIGEN_OUTPUT"
  final:
    needs: [consume]
    steps:
      - echo "PMARK final tagged=$CONSUME_TAGGED"
  gated-producer:
    when: { branch: nowhere }
    outputs: [x]
    steps:
      - echo "x=1" >> "$CIGEN_OUTPUT"
  reads-gated:
    needs: [gated-producer]
    steps:
      - echo "PMARK reads-gated x=[${GATED_PRODUCER_X-unset}]"
"#
    ),
    changed: &[],
    scenarios: &[on(Event::Push)],
};

/// Values from a matrix job, the way cigen defines them: a matrix job cannot declare outputs
/// (`check` refuses it: runners disagree which cell's value dependents would see), so each
/// cell hands its value over as an artifact at a path naming the cell, and a job without a
/// matrix gathers them and declares the output.
pub const MATRIX_OUTPUTS: Pipeline = Pipeline {
    name: "matrix-outputs",
    spec: concat!(
        "version: 1\nname: matrix-outputs\n",
        all_triggers!(),
        r#"jobs:
  per-cell:
    matrix: { os: [linux, mac] }
    artifacts: ["out/**"]
    steps:
      - mkdir -p out && echo "built-$MATRIX_OS" > "out/$MATRIX_OS.txt"
      - echo "PMARK per-cell $MATRIX_OS"
  gather:
    needs: [per-cell]
    outputs: [all]
    steps:
      - echo "all=$(cat out/linux.txt),$(cat out/mac.txt)" >> "$CIGEN_OUTPUT"
      - echo "PMARK gather $(ls out | tr '\n' ' ')"
  report:
    needs: [gather]
    steps:
      - echo "PMARK report all=$GATHER_ALL"
"#
    ),
    changed: &[],
    scenarios: &[on(Event::Push)],
};
