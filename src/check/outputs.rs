//! Rule: output names are identifiers and their env names (`<JOB>_<KEY>`) do not collide.

use std::collections::HashMap;

use super::Context;
use crate::contract::output_env_name;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;

pub(crate) const INVALID_OUTPUT_NAME: Code = Code::new("invalid-output-name");
pub(crate) const OUTPUT_COLLISION: Code = Code::new("output-collision");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[INVALID_OUTPUT_NAME, OUTPUT_COLLISION];

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<String, (String, String)> = HashMap::new();
    for (job, j) in &cx.spec.jobs {
        for (i, key) in j.outputs.iter().enumerate() {
            let path = YamlPath::root()
                .key("jobs")
                .key(job)
                .key("outputs")
                .index(i);
            let valid = key.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !valid {
                out.push(
                    Diagnostic::error(INVALID_OUTPUT_NAME, format!("output name `{key}` must match ^[a-z_][a-z0-9_]*$"))
                        .at(path)
                        .with_help("steps write `key=value` lines to $CIGEN_OUTPUT; keep keys lower-case identifiers"),
                );
                continue;
            }
            let env = output_env_name(job, key);
            if let Some((other_job, other_key)) = seen.get(&env) {
                out.push(
                    Diagnostic::error(OUTPUT_COLLISION, format!("output `{job}.{key}` and `{other_job}.{other_key}` both reach dependents as `{env}`"))
                        .at(path)
                        .with_help("rename one of the outputs"),
                );
            } else {
                seen.insert(env, (job.clone(), key.clone()));
            }
        }
    }
}
