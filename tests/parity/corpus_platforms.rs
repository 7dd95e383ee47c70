//! The corpus, part four: per-cell runners and per-job toolchains (issue 9, items 2 and 3),
//! run under the four runners.

use super::corpus::{all_triggers, on, Event, Pipeline};

/// An OS matrix whose cells each name their own runner, beside jobs with their own `setup:`.
/// Every runner here is Linux: the Windows and macOS cells are skipped by cigen on each of
/// them (act starts every cell of the job on the first cell's platform, gitlab-ci-local
/// ignores tags), and their dependent still runs. The nightly job's own toolchain is the one
/// its steps see on every runner (a GitHub job starts with stable only and installs what
/// the job's setup asks); the job without its own setup gets the spec's.
pub const PLATFORMS: Pipeline = Pipeline {
    name: "platforms",
    spec: concat!(
        "version: 1\nname: platforms\n",
        all_triggers!(),
        r#"setup: { rust: stable }
jobs:
  cells:
    fail_fast: false
    matrix: { os: [linux, windows, macos] }
    runs-on:
      matrix: os
      cells:
        linux: { github: ubuntu-24.04, gitlab: linux-tag }
        windows: { github: windows-2022, gitlab: windows-tag }
        macos: { github: macos-14, gitlab: macos-tag }
    steps:
      - echo "PMARK cell $MATRIX_OS"
  after-cells:
    needs: [cells]
    setup: {}
    steps: [echo PMARK after-cells]
  nightly:
    setup: { rust: nightly }
    steps:
      - echo "PMARK $(rustc --version)"
  spec-wide:
    steps:
      - echo "PMARK $(rustc --version)"
"#
    ),
    changed: &[],
    scenarios: &[on(Event::Push)],
};
