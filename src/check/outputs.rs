//! Rule: output names are identifiers and their env names (`<JOB>_<KEY>`) do not collide, and
//! a matrix job declares none: every cell would write its own value under one name, and
//! which one a dependent saw would depend on the runner (GitHub keeps whichever cell
//! finished last, GitLab merges the cells' dotenv reports, a local run the last in plan
//! order), so it is refused where it is declared.

use std::collections::HashMap;

use super::Context;
use crate::contract::output_env_name;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;

pub(crate) const INVALID_OUTPUT_NAME: Code = Code::new("invalid-output-name");
pub(crate) const OUTPUT_COLLISION: Code = Code::new("output-collision");
pub(crate) const MATRIX_OUTPUTS: Code = Code::new("matrix-outputs");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[INVALID_OUTPUT_NAME, OUTPUT_COLLISION, MATRIX_OUTPUTS];

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<String, (String, String)> = HashMap::new();
    for (job, j) in &cx.spec.jobs {
        if j.matrix.is_some() && !j.outputs.is_empty() {
            out.push(
                Diagnostic::error(
                    MATRIX_OUTPUTS,
                    format!("matrix job `{job}` declares outputs: each cell would write its own value under one name, and which one dependents see would depend on the runner"),
                )
                .at(YamlPath::job(job).key("outputs"))
                .with_label("one value per cell, one name for all")
                .with_help("hand per-cell values over as artifacts at paths that name the cell (e.g. `out/$MATRIX_OS.txt` under `artifacts: [\"out/**\"]`), or move the output to a job without a matrix"),
            );
        }
        for (i, key) in j.outputs.iter().enumerate() {
            // Built only for a report: thousands of outputs pass.
            let path = || YamlPath::job(job).key("outputs").index(i);
            let valid = key.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !valid {
                out.push(
                    Diagnostic::error(INVALID_OUTPUT_NAME, format!("output name `{key}` must match ^[a-z_][a-z0-9_]*$"))
                        .at(path())
                        .with_help("steps write `key=value` lines to $CIGEN_OUTPUT; keep keys lower-case identifiers"),
                );
                continue;
            }
            let env = output_env_name(job, key);
            if let Some((other_job, other_key)) = seen.get(&env) {
                out.push(
                    Diagnostic::error(OUTPUT_COLLISION, format!("output `{job}.{key}` and `{other_job}.{other_key}` both reach dependents as `{env}`"))
                        .at(path())
                        .with_help("rename one of the outputs"),
                );
            } else {
                seen.insert(env, (job.clone(), key.clone()));
            }
        }
    }
}
