//! Secrets: presence check before anything starts (masking is `mask/`).

use std::collections::HashMap;

use indexmap::IndexMap;

use super::plan::Plan;
use crate::model::Pipeline;

/// Missing secrets per job that will run, in plan order; empty when all are present.
pub(crate) fn missing(
    pipeline: &Pipeline,
    plan: &Plan,
    env: &HashMap<String, String>,
) -> IndexMap<String, Vec<String>> {
    let mut out: IndexMap<String, Vec<String>> = IndexMap::new();
    for u in plan
        .units
        .iter()
        .filter(|u| matches!(u.verdict, super::when::Verdict::Run(_)))
    {
        let Some(job) = pipeline.jobs.get(&u.job) else {
            continue;
        };
        let absent: Vec<String> = job
            .secrets
            .iter()
            .filter(|s| env.get(*s).is_none_or(|v| v.is_empty()))
            .cloned()
            .collect();
        if !absent.is_empty() {
            out.insert(u.job.clone(), absent);
        }
    }
    out
}

/// Escapes a value for a GitHub workflow command's data part (`::add-mask::<data>`).
pub(crate) fn escape_command_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_command_data() {
        assert_eq!(escape_command_data("a%b\r\nc"), "a%25b%0D%0Ac");
    }
}
