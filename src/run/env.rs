//! The environment of a step, layered: process < needs' outputs < env_file < spec < job <
//! matrix < step, plus `CIGEN_OUTPUT`.
//!
//! Needs' outputs sit just above the process env because in CI they arrive through the
//! process env (GitHub `env:` / GitLab dotenv), so local and CI runs resolve the same way.
//!
//! Secrets are scoped: a job sees the secrets it declares (the spec-wide ones included) and no
//! other secret's value, whatever its source (process env, env_file, a local source). GitHub
//! passes a job only its declared secrets; the same rule everywhere keeps runs alike.

use std::borrow::Cow;
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

/// A step's environment. It borrows what it does not change from the layers (the process
/// env above all), so building one per step copies no more than the step adds: this runs
/// before every step, and the whole env is copied again on its way to the child anyway.
pub(crate) type StepEnv<'a> = HashMap<Cow<'a, str>, Cow<'a, str>>;

fn apply<'a>(env: &mut StepEnv<'a>, layer: &'a IndexMap<String, EnvValue>, ci: bool) {
    for (k, v) in layer {
        if let Some(v) = v.resolve(ci) {
            env.insert(Cow::Borrowed(k), Cow::Borrowed(v));
        }
    }
}

fn borrowed<'a>(
    pairs: impl Iterator<Item = (&'a String, &'a String)>,
) -> impl Iterator<Item = (Cow<'a, str>, Cow<'a, str>)> {
    pairs.map(|(k, v)| (Cow::Borrowed(k.as_str()), Cow::Borrowed(v.as_str())))
}

/// The full env for one step.
pub(crate) fn step_env<'a>(
    base: &'a BaseEnv,
    needs_outputs: &'a IndexMap<String, String>,
    p: &'a Pipeline,
    job: &'a Job,
    cell: &'a Cell,
    step: &'a Step,
    output_file: &Path,
) -> StepEnv<'a> {
    let mut env: StepEnv<'a> = HashMap::with_capacity(base.process.len() + 8);
    env.extend(borrowed(base.process.iter()));
    env.extend(borrowed(needs_outputs.iter()));
    env.extend(borrowed(base.env_file.iter()));
    scope_secrets(&mut env, base, job);
    apply(&mut env, &p.env, base.ci);
    apply(&mut env, &job.env, base.ci);
    for (k, v) in &cell.values {
        env.insert(Cow::Owned(matrix_env_name(k)), Cow::Borrowed(v));
    }
    apply(&mut env, &step.env, base.ci);
    env.insert(
        Cow::Borrowed(crate::contract::OUTPUT_FILE_VAR),
        Cow::Owned(output_file.to_string_lossy().into_owned()),
    );
    env.insert(
        Cow::Borrowed(crate::contract::JOB_VAR),
        Cow::Borrowed(&job.name),
    );
    env
}

/// Leaves only the job's own secrets: other secrets' values are removed, and values read from
/// local sources are added for the secrets the job declares.
fn scope_secrets<'a>(env: &mut StepEnv<'a>, base: &'a BaseEnv, job: &Job) {
    for name in &base.secret_names {
        if !job.secrets.contains(name) {
            env.remove(name.as_str());
        }
    }
    for name in &job.secrets {
        if let Some((k, v)) = base.resolved.get_key_value(name) {
            env.insert(Cow::Borrowed(k), Cow::Borrowed(v));
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
