//! Secrets before anything starts: which are declared, which are missing, which a local
//! source must supply, every value any job may see (all masked), and values too short to mask.
//! Masking itself is `mask/`; reading local sources is `resolve.rs`.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;

use super::env::BaseEnv;
use super::mask::MIN_FORM;
use super::plan::Plan;
use super::when::Verdict;
use crate::model::Pipeline;

/// Every secret name declared anywhere in the spec (spec-wide and per job).
pub(crate) fn names(p: &Pipeline) -> HashSet<String> {
    p.secrets
        .iter()
        .chain(p.jobs.values().flat_map(|j| &j.secrets))
        .cloned()
        .collect()
}

/// Secrets the jobs that will run need on this side (`model::step_secrets`), in plan order, each once.
fn needed(p: &Pipeline, plan: &Plan, ci: bool) -> IndexMap<String, Vec<String>> {
    let mut out: IndexMap<String, Vec<String>> = IndexMap::new();
    for u in plan
        .units
        .iter()
        .filter(|u| matches!(u.verdict, Verdict::Run(_)))
    {
        if let Some(job) = p.jobs.get(&u.job) {
            out.entry(u.job.clone())
                .or_insert_with(|| crate::model::step_secrets(p, job, ci));
        }
    }
    out
}

fn set(env: &HashMap<String, String>, name: &str) -> bool {
    env.get(name).is_some_and(|v| !v.is_empty())
}

/// Missing secrets per job that will run, in plan order; empty when all are present. A secret
/// with a local source is not missing on a laptop: it is read from there; one only CI-only
/// steps use is not needed there at all (`model::step_secrets`).
pub(crate) fn missing(
    p: &Pipeline,
    plan: &Plan,
    env: &HashMap<String, String>,
    ci: bool,
) -> IndexMap<String, Vec<String>> {
    needed(p, plan, ci)
        .into_iter()
        .filter_map(|(job, names)| {
            let absent: Vec<String> = names
                .into_iter()
                .filter(|n| !set(env, n) && (ci || !p.secret_sources.contains_key(n)))
                .collect();
            (!absent.is_empty()).then_some((job, absent))
        })
        .collect()
}

/// Secrets to read from their local sources: declared by a job that will run, not set in the
/// environment or env_file, and only on a laptop (in CI the provider's store is the source).
pub(crate) fn to_resolve(
    p: &Pipeline,
    plan: &Plan,
    env: &HashMap<String, String>,
    ci: bool,
) -> Vec<String> {
    if ci {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for name in needed(p, plan, ci).into_values().flatten() {
        if !set(env, &name) && p.secret_sources.contains_key(&name) && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Every value any job may see under a secret's name: from the environment, the env_file, a
/// local source, or the spec's own `env` (for this side, laptop or CI). All of them are masked
/// in every job's output, since a step of one job may print what another job's step left.
pub(crate) fn values(p: &Pipeline, base: &BaseEnv) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut add = |name: &str, v: &str| {
        if !v.is_empty() && !out.iter().any(|(n, x)| n == name && x == v) {
            out.push((name.to_string(), v.to_string()));
        }
    };
    let mut names: Vec<&String> = base.secret_names.iter().collect();
    names.sort();
    for name in names {
        for v in [
            base.process.get(name),
            base.env_file.get(name),
            base.resolved.get(name),
        ]
        .into_iter()
        .flatten()
        {
            add(name, v);
        }
    }
    let layers = std::iter::once(&p.env).chain(
        p.jobs
            .values()
            .flat_map(|j| std::iter::once(&j.env).chain(j.steps.iter().map(|s| &s.env))),
    );
    for layer in layers {
        for (k, v) in layer {
            if base.secret_names.contains(k) {
                if let Some(v) = v.resolve(base.ci) {
                    add(k, v);
                }
            }
        }
    }
    out
}

/// A warning for each value too short to be masked (it would mask ordinary text everywhere).
pub(crate) fn too_short(values: &[(String, String)]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (name, v) in values {
        // Trimmed: `echo $X` prints the value without its blank edges.
        let v = v.trim();
        if !v.is_empty() && v.len() < MIN_FORM {
            let line = format!(
                "warning: secret `{name}` has a {}-character value: values shorter than \
                 {MIN_FORM} bytes cannot be masked without masking ordinary text, so it is not \
                 masked and will show in logs",
                v.chars().count()
            );
            if !out.contains(&line) {
                out.push(line);
            }
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

    #[test]
    fn short_values_are_named_never_shown() {
        let w = too_short(&[
            ("PIN".into(), "123".into()),
            ("OK".into(), "long enough".into()),
            ("PADDED".into(), "  ab  ".into()),
        ]);
        assert_eq!(w.len(), 2);
        assert!(w[1].contains("secret `PADDED` has a 2-character value"));
        assert!(w[0].contains("secret `PIN` has a 3-character value"));
        assert!(!w[0].contains("123"));
    }
}
