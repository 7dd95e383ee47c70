//! The reports a job's steps write for CI to show (JUnit test results, a coverage report) and
//! the regex that finds the job's coverage figure in its output.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::RelPath;

/// Report files the job's steps write. GitLab reads them (`artifacts: reports:`, beside
/// cigen's own JUnit report of the steps); GitHub and Forgejo keep them as the job's
/// `cigen-reports.<job>` artifact; `cigen run` lists them after the job and warns about one
/// that is missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reports {
    /// JUnit XML files or globs, relative to the spec, e.g. `[report.xml]` (pytest `--junitxml`, vitest's junit reporter).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub junit: Vec<RelPath>,
    /// A coverage report, e.g. `{ format: cobertura, path: coverage.xml }` (GitLab shows it in merge request diffs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<CoverageReport>,
}

impl Reports {
    /// Every declared file or glob: the JUnit files, then the coverage report.
    pub fn paths(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.junit.iter().map(RelPath::as_str).collect();
        out.extend(self.coverage.as_ref().map(|c| c.path.as_str()));
        out
    }
}

/// A coverage report file and its format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoverageReport {
    /// The report's format: `cobertura` (coverage.py `--cov-report=xml`, vitest/istanbul `cobertura`, cargo-llvm-cov `--cobertura`) or `jacoco`.
    pub format: CoverageFormat,
    /// The report file (or a glob), relative to the spec, e.g. `coverage.xml`.
    pub path: RelPath,
}

/// Formats of coverage reports GitLab reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CoverageFormat {
    /// Cobertura XML.
    Cobertura,
    /// JaCoCo XML.
    Jacoco,
}

impl CoverageFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageFormat::Cobertura => "cobertura",
            CoverageFormat::Jacoco => "jacoco",
        }
    }
}
