//! The corpus, reports and coverage (issue 9): a job's `coverage:` regex and its declared
//! `reports:`. `cigen run` finds the figure in the job's output and checks the report files
//! itself on every runner, so the figure and the missing reports its summary names are
//! compared like step markers (`logs.rs`); GitLab also reads them itself, GitHub and Forgejo
//! upload the files as an artifact.

use super::corpus::{all_triggers, on, Event, Pipeline};

/// A matrix job whose cells write JUnit files, a Cobertura report and a figure (several
/// lines match: the last wins); a job whose report never appears and whose regex matches
/// nothing; a failing job whose figure still counts; and a job whose npm is pointed at a
/// registry (`setup.node_registry`): the real npm says the same registry everywhere.
pub const REPORTS: Pipeline = Pipeline {
    name: "reports",
    spec: concat!(
        "version: 1\nname: reports\n",
        all_triggers!(),
        r#"jobs:
  test:
    matrix: { n: ["1", "2"] }
    coverage: 'TOTAL\s+\d+\s+(\d+(?:\.\d+)?%)$'
    reports:
      junit: ["reports/junit-*.xml"]
      coverage: { format: cobertura, path: reports/coverage.xml }
    steps:
      - echo "PMARK test $MATRIX_N"
      - echo "TOTAL 20 50%"
      - mkdir -p reports && printf '<testsuite name="t%s" tests="1"><testcase name="c"/></testsuite>\n' "$MATRIX_N" > "reports/junit-$MATRIX_N.xml"
      - printf '<?xml version="1.0"?>\n<coverage line-rate="0.8" branch-rate="0" version="1" timestamp="0"><sources/><packages/></coverage>\n' > reports/coverage.xml
      - echo "TOTAL 20 8$MATRIX_N.5%"
  missing:
    coverage: 'covered (\d+)'
    reports: { junit: [nowhere/junit.xml] }
    steps: [echo "PMARK missing"]
  broken:
    coverage: 'Lines: (\d+)%'
    steps:
      - 'echo "Lines: 42%"'
      - echo "PMARK broken"
      - "false"
  publish:
    setup: { node: "20", node_registry: "https://npm.example.test/team" }
    steps:
      - echo "PMARK registry $(npm config get registry)"
"#
    ),
    changed: &[],
    scenarios: &[on(Event::Push)],
};
