//! The environment of a step, layered: process < needs' outputs < env_file < spec < job <
//! matrix < step, plus `CIGEN_OUTPUT`.
//!
//! Needs' outputs sit just above the process env because in CI they arrive through the
//! process env (GitHub `env:` / GitLab dotenv), so local and CI runs resolve the same way.
//!
//! Secrets are scoped: a job sees the secrets it declares (the spec-wide ones included) and no
//! other secret's value, whatever its source (process env, env_file, a local source). GitHub
//! passes a job only its declared secrets; the same rule everywhere keeps runs alike.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use indexmap::IndexMap;

use crate::contract::matrix_env_name;
use crate::model::{Cell, Job, Pipeline, Step};
use crate::spec::EnvValue;

/// Env layers that are the same for every step of a run.
pub(crate) struct BaseEnv {
    pub process: HashMap<String, String>,
    pub env_file: IndexMap<String, String>,
    pub ci: bool,
    /// Every secret name declared anywhere in the spec.
    pub secret_names: HashSet<String>,
    /// Values read from secrets' local sources (only those the environment did not set).
    pub resolved: IndexMap<String, String>,
}

impl BaseEnv {
    /// Process env with env_file on top: where declared secrets are looked up.
    pub(crate) fn merged(&self) -> HashMap<String, String> {
        let mut m = self.process.clone();
        m.extend(self.env_file.iter().map(|(k, v)| (k.clone(), v.clone())));
        m
    }
}

fn apply(env: &mut HashMap<String, String>, layer: &IndexMap<String, EnvValue>, ci: bool) {
    for (k, v) in layer {
        if let Some(v) = v.resolve(ci) {
            env.insert(k.clone(), v.to_string());
        }
    }
}

/// The full env for one step.
pub(crate) fn step_env(
    base: &BaseEnv,
    needs_outputs: &IndexMap<String, String>,
    p: &Pipeline,
    job: &Job,
    cell: &Cell,
    step: &Step,
    output_file: &Path,
) -> HashMap<String, String> {
    let mut env = base.process.clone();
    env.extend(needs_outputs.iter().map(|(k, v)| (k.clone(), v.clone())));
    env.extend(base.env_file.iter().map(|(k, v)| (k.clone(), v.clone())));
    scope_secrets(&mut env, base, job);
    apply(&mut env, &p.env, base.ci);
    apply(&mut env, &job.env, base.ci);
    for (k, v) in &cell.values {
        env.insert(matrix_env_name(k), v.clone());
    }
    apply(&mut env, &step.env, base.ci);
    env.insert(
        crate::contract::OUTPUT_FILE_VAR.into(),
        output_file.to_string_lossy().into_owned(),
    );
    env.insert(crate::contract::JOB_VAR.into(), job.name.clone());
    env
}

/// Leaves only the job's own secrets: other secrets' values are removed, and values read from
/// local sources are added for the secrets the job declares.
fn scope_secrets(env: &mut HashMap<String, String>, base: &BaseEnv, job: &Job) {
    for name in &base.secret_names {
        if !job.secrets.contains(name) {
            env.remove(name);
        }
    }
    for name in &job.secrets {
        if let Some(v) = base.resolved.get(name) {
            env.insert(name.clone(), v.clone());
        }
    }
}

/// Reads the process env; values that are not UTF-8 are kept lossily.
pub(crate) fn process_env() -> HashMap<String, String> {
    std::env::vars_os()
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        })
        .collect()
}
