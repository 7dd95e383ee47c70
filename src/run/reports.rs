//! After a unit: which of the job's declared report files exist (`reports:`), for the
//! notice that says where they are and the warning about one that is missing. Globs are
//! matched below their literal leading directories only, never across the whole tree.

use std::path::{Path, PathBuf};

use crate::spec::Reports;

/// Each declared path or glob with the files it matched (relative to `root`, sorted).
pub(crate) fn found(root: &Path, reports: &Reports) -> Vec<(String, Vec<String>)> {
    reports
        .paths()
        .into_iter()
        .map(|p| (p.to_string(), matches(root, p)))
        .collect()
}

fn is_glob(s: &str) -> bool {
    s.contains(['*', '?', '[', '{'])
}

fn matches(root: &Path, pattern: &str) -> Vec<String> {
    let pattern = pattern.trim_start_matches("./");
    if !is_glob(pattern) {
        return if root.join(pattern).is_file() {
            vec![pattern.to_string()]
        } else {
            vec![]
        };
    }
    let Ok(glob) = globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
    else {
        return vec![];
    };
    let glob = glob.compile_matcher();
    // The directories before the first component with a glob character.
    let base: PathBuf = pattern.split('/').take_while(|c| !is_glob(c)).collect();
    let mut out = Vec::new();
    let mut stack = vec![root.join(&base)];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            let Ok(ty) = e.file_type() else { continue };
            if ty.is_dir() {
                if e.file_name() != ".git" {
                    stack.push(path);
                }
            } else if let Ok(rel) = path.strip_prefix(root) {
                let rel = rel.to_string_lossy().replace('\\', "/");
                if glob.is_match(&rel) {
                    out.push(rel);
                }
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{CoverageFormat, CoverageReport, RelPath};

    #[test]
    fn files_and_globs() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("reports/a")).unwrap();
        std::fs::write(d.path().join("reports/a/x.xml"), "").unwrap();
        std::fs::write(d.path().join("reports/y.xml"), "").unwrap();
        std::fs::write(d.path().join("coverage.xml"), "").unwrap();
        let rel = |s: &str| serde_yaml::from_str::<RelPath>(s).unwrap();
        let r = Reports {
            junit: vec![rel("reports/**/*.xml"), rel("missing.xml")],
            coverage: Some(CoverageReport {
                format: CoverageFormat::Cobertura,
                path: rel("./coverage.xml"),
            }),
        };
        assert_eq!(
            found(d.path(), &r),
            vec![
                (
                    "reports/**/*.xml".to_string(),
                    vec!["reports/a/x.xml".to_string(), "reports/y.xml".to_string()]
                ),
                ("missing.xml".to_string(), vec![]),
                (
                    "./coverage.xml".to_string(),
                    vec!["coverage.xml".to_string()]
                ),
            ]
        );
    }
}
