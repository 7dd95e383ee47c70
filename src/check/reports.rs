//! Rule: a job's `coverage:` regex is in the dialect GitLab and `cigen run` both read
//! (`spec/coverage.rs`), and its report files are the job's own: not inside `.cigen/`, where
//! cigen writes its JUnit report and GitLab already reads it.

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;
use crate::spec::coverage_regex;

pub(crate) const COVERAGE_REGEX: Code = Code::new("coverage-regex");
pub(crate) const REPORT_PATH: Code = Code::new("report-path");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[COVERAGE_REGEX, REPORT_PATH];

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (name, j) in &cx.spec.jobs {
        let jp = || YamlPath::job(name);
        if let Some(re) = &j.coverage {
            if let Err(why) = coverage_regex(re) {
                out.push(
                    Diagnostic::error(COVERAGE_REGEX, format!("the coverage regex of `{name}` {why}"))
                        .at(jp().key("coverage"))
                        .with_help("write a regex both GitLab (RE2) and cigen read, e.g. `TOTAL.*\\s+(\\d+)%$`: the figure is the first number in the capture group of the last match on the last line that has one"),
                );
            }
        }
        let Some(r) = &j.reports else { continue };
        let rp = jp().key("reports");
        let mut paths: Vec<(YamlPath, &str)> = r
            .junit
            .iter()
            .enumerate()
            .map(|(i, p)| (rp.key("junit").index(i), p.as_str()))
            .collect();
        if let Some(c) = &r.coverage {
            paths.push((rp.key("coverage").key("path"), c.path.as_str()));
        }
        for (at, p) in paths {
            let inside = p.trim_start_matches("./");
            if inside == ".cigen" || inside.starts_with(".cigen/") {
                out.push(
                    Diagnostic::error(REPORT_PATH, format!("report `{p}` is inside `.cigen/`, cigen's own directory"))
                        .at(at)
                        .with_help("cigen's JUnit report of the steps is already read by GitLab; have your tools write theirs elsewhere, e.g. `reports/junit.xml`"),
                );
            }
        }
    }
}
