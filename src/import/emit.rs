//! Writing the imported spec: YAML from the typed spec (serde_yaml), with the report's items
//! as comments at the top (pipeline) and above each job, and the original steps that could
//! not be carried kept as commented YAML there too.

use serde_yaml::Value;

use super::Draft;
use crate::spec::Spec;

fn comment_block(lines: &[String], indent: &str) -> String {
    let mut out = String::new();
    for l in lines {
        for part in l.lines() {
            if part.is_empty() {
                out.push_str(&format!("{indent}#\n"));
            } else {
                out.push_str(&format!("{indent}# {part}\n"));
            }
        }
    }
    out
}

/// The spec as a YAML value, without the noise serde writes for defaults.
fn value(spec: &Spec) -> Value {
    let mut v = serde_yaml::to_value(spec).unwrap_or(Value::Null);
    if let Some(t) = v.get_mut("triggers").and_then(Value::as_mapping_mut) {
        if t.get("manual") == Some(&Value::Bool(false)) {
            t.remove("manual");
        }
    }
    if let Value::Mapping(m) = &mut v {
        if m.get("triggers")
            .and_then(Value::as_mapping)
            .is_some_and(|t| t.is_empty())
        {
            m.remove("triggers");
        }
    }
    v
}

/// The imported spec's text: a header with the pipeline-wide report, then the spec with
/// each job's items (and carried steps) above it.
pub(super) fn text(draft: &Draft) -> String {
    let mut header = String::new();
    header.push_str(&format!(
        "# Imported by `cigen import` from {}.\n",
        draft.report.sources.join(", ")
    ));
    header.push_str("# Lines starting with `cigen import` are the migration report: `lost` is what the\n# spec cannot express yet, `todo` needs you, `note` was carried over differently.\n");
    header.push_str(&comment_block(&draft.report.comment_lines(None), ""));
    spec_text(&draft.spec, &header, &|name| {
        let mut lines = draft.report.comment_lines(Some(name));
        if let Some(blocks) = draft.carried.get(name) {
            lines.extend(blocks.iter().cloned());
        }
        lines
    })
}

/// A spec as YAML: the schema line, `header` (comment lines), then the spec with
/// `job_comments(name)` written as comments above each job.
pub(crate) fn spec_text(
    spec: &Spec,
    header: &str,
    job_comments: &dyn Fn(&str) -> Vec<String>,
) -> String {
    let body = serde_yaml::to_string(&value(spec)).unwrap_or_default();
    let mut out = String::new();
    out.push_str("# yaml-language-server: $schema=https://cigen.dev/schema/cigen.schema.json\n");
    out.push_str(header);
    let mut in_jobs = false;
    for line in body.lines() {
        if !line.starts_with(' ') {
            in_jobs = line == "jobs:";
        } else if in_jobs {
            if let Some(name) = line
                .strip_prefix("  ")
                .filter(|l| !l.starts_with(' '))
                .and_then(|l| l.strip_suffix(':'))
            {
                out.push_str(&comment_block(&job_comments(name), "  "));
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn comment_blocks_keep_empty_lines_as_bare_hashes() {
        assert_eq!(
            super::comment_block(&["a\n\nb".to_string()], "  "),
            "  # a\n  #\n  # b\n"
        );
    }
}
