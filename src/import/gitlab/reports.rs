//! A GitLab job's `artifacts: reports:` and `coverage:` regex → the job's `reports:` and
//! `coverage:`. JUnit and coverage reports carry over; other report kinds, paths cigen would
//! read differently (a `$VARIABLE`) and regexes outside the dialect both sides read are
//! returned as reasons, for the report.

use indexmap::IndexMap;
use serde_yaml::Value;

use crate::spec::{coverage_regex, CoverageFormat, CoverageReport, RelPath, Reports};

/// A report path as the spec takes it, or why not.
fn path(text: &str) -> Result<RelPath, String> {
    if text.contains('$') {
        return Err(format!(
            "report path `{text}` names a variable, which cigen does not expand in report paths"
        ));
    }
    serde_yaml::from_value(Value::String(text.to_string()))
        .map_err(|e| format!("report path `{text}`: {e}"))
}

/// The reports cigen keeps, and a reason (`key`, why) for each part it cannot keep.
pub(super) fn reports(map: &IndexMap<String, Value>) -> (Option<Reports>, Vec<(String, String)>) {
    let mut out = Reports::default();
    let mut lost = Vec::new();
    for (k, v) in map {
        match k.as_str() {
            "junit" => {
                let texts: Vec<&str> = match v {
                    Value::String(s) => vec![s.as_str()],
                    Value::Sequence(s) => s.iter().filter_map(Value::as_str).collect(),
                    _ => vec![],
                };
                for t in texts {
                    match path(t) {
                        Ok(p) => out.junit.push(p),
                        Err(why) => lost.push((k.clone(), why)),
                    }
                }
            }
            "coverage_report" => {
                let format = match v.get("coverage_format").and_then(Value::as_str) {
                    Some("cobertura") => Some(CoverageFormat::Cobertura),
                    Some("jacoco") => Some(CoverageFormat::Jacoco),
                    _ => None,
                };
                let p = v.get("path").and_then(Value::as_str).map(path);
                match (format, p) {
                    (Some(format), Some(Ok(path))) => {
                        out.coverage = Some(CoverageReport { format, path })
                    }
                    (_, Some(Err(why))) => lost.push((k.clone(), why)),
                    _ => lost.push((
                        k.clone(),
                        "a coverage report needs `coverage_format: cobertura` or `jacoco` and a `path`".into(),
                    )),
                }
            }
            other => lost.push((
                k.clone(),
                format!("`artifacts: reports: {other}`: the spec's `reports:` has JUnit and coverage reports only"),
            )),
        }
    }
    ((out != Reports::default()).then_some(out), lost)
}

/// GitLab's `/regex/` as the spec's `coverage:`, or why it cannot be.
pub(super) fn coverage(text: &str) -> Result<String, String> {
    let t = text.trim();
    let re = t
        .strip_prefix('/')
        .and_then(|r| r.strip_suffix('/'))
        .unwrap_or(t);
    coverage_regex(re)
        .map(|_| re.to_string())
        .map_err(|why| format!("`coverage: {text}`: the regex {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_and_regexes() {
        let map: IndexMap<String, Value> = serde_yaml::from_str(
            "junit: report.xml\ncoverage_report: { coverage_format: cobertura, path: coverage.xml }\ndotenv: build.env\n",
        )
        .unwrap();
        let (r, lost) = reports(&map);
        let r = r.unwrap();
        assert_eq!(r.paths(), vec!["report.xml", "coverage.xml"]);
        assert_eq!(lost.len(), 1);
        assert_eq!(lost[0].0, "dotenv");
        let map: IndexMap<String, Value> =
            serde_yaml::from_str("junit: [\"$DIR/report.xml\"]\n").unwrap();
        let (r, lost) = reports(&map);
        assert!(r.is_none());
        assert!(lost[0].1.contains("variable"), "{lost:?}");
        assert_eq!(
            coverage(r"/TOTAL.*\s+(\d+%)$/").as_deref(),
            Ok(r"TOTAL.*\s+(\d+%)$")
        );
        assert!(coverage(r"/[a&&b]/").is_err());
    }
}
