//! The environment of a step, layered: process < needs' outputs < env_file < spec < job <
//! matrix < what earlier steps of the unit wrote to `$CIGEN_ENV` < step, plus `CIGEN_OUTPUT`,
//! `CIGEN_ENV` and `CIGEN_JOB`.
//!
//! `$NAME` and `${NAME}` in spec, job and step env values are expanded against the env as it
//! stands when the value is applied (lower layers, earlier entries, the cell's `MATRIX_*` and
//! cigen's own variables), `$$` is a `$` (`spec::expand`); values from `$CIGEN_ENV`, the
//! env_file and needs' outputs are taken as written. cigen applies env itself, so this is the
//! same on every runner.
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

use super::overlay::{sorted_base, StepEnv};
use crate::contract::{matrix_env_name, ENV_FILE_VAR, JOB_VAR, OUTPUT_FILE_VAR};
use crate::model::{Cell, Job, Pipeline, Step};
use crate::spec::{expand, EnvValue};

/// Env layers that are the same for every step of a run.
pub(crate) struct BaseEnv {
    /// Settled before the first step starts: `sorted` copies it then.
    pub process: HashMap<String, String>,
    /// `process` in name order, made for the first step: what each step's env starts from
    /// (`overlay.rs`).
    pub sorted: std::sync::OnceLock<Vec<(String, String)>>,
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

/// Applies one env layer, each value expanded against the env so far.
fn apply(env: &mut StepEnv<'_>, layer: &IndexMap<String, EnvValue>, ci: bool) {
    for (k, v) in layer {
        if let Some(v) = v.resolve(ci) {
            let value = expand(v, |name| env.get(name));
            env.insert(k.clone(), value);
        }
    }
}

fn set(env: &mut StepEnv<'_>, vars: &[(String, String)]) {
    env.extend(vars.iter().cloned());
}

/// The files a unit's steps write, and what its earlier steps wrote to `$CIGEN_ENV`.
pub(crate) struct UnitFiles<'a> {
    /// `$CIGEN_OUTPUT`.
    pub output: &'a Path,
    /// `$CIGEN_ENV`.
    pub env: &'a Path,
    /// The variables read from `$CIGEN_ENV` after the previous step.
    pub carried: &'a IndexMap<String, String>,
}

/// The full env for one step.
pub(crate) fn step_env<'b>(
    base: &'b BaseEnv,
    needs_outputs: &IndexMap<String, String>,
    p: &Pipeline,
    job: &Job,
    cell: &Cell,
    step: &Step,
    files: &UnitFiles<'_>,
) -> StepEnv<'b> {
    let sorted = base.sorted.get_or_init(|| sorted_base(&base.process));
    let mut env = StepEnv::new(sorted);
    if let Some(url) = &job.setup.node_registry {
        // `setup.node_registry`: npm and pnpm read `npm_config_*` from the env, above the
        // user's `.npmrc` (whose login for that registry still applies) and below the spec's env.
        env.remove("NPM_CONFIG_REGISTRY");
        env.insert("npm_config_registry".into(), url.clone());
    }
    unset_unwritten(&mut env, p, job);
    env.extend(needs_outputs.iter().map(|(k, v)| (k.clone(), v.clone())));
    env.extend(base.env_file.iter().map(|(k, v)| (k.clone(), v.clone())));
    scope_secrets(&mut env, base, p, job);
    let own = [(OUTPUT_FILE_VAR, files.output), (ENV_FILE_VAR, files.env)]
        .into_iter()
        .map(|(k, f)| (k.to_string(), f.to_string_lossy().into_owned()))
        .chain(std::iter::once((JOB_VAR.to_string(), job.name.clone())))
        .collect::<Vec<_>>();
    let matrix: Vec<(String, String)> = cell
        .values
        .iter()
        .map(|(k, v)| (matrix_env_name(k), v.clone()))
        .collect();
    // What cigen sets is visible to references in env values, and wins over them.
    set(&mut env, &own);
    set(&mut env, &matrix);
    apply(&mut env, &p.env, base.ci);
    apply(&mut env, &job.env, base.ci);
    set(&mut env, &matrix);
    env.extend(files.carried.iter().map(|(k, v)| (k.clone(), v.clone())));
    apply(&mut env, &step.env, base.ci);
    set(&mut env, &own);
    env
}

/// On GitHub a need's outputs arrive through `env:`, which sets an unwritten output to ''; the
/// generated job also passes which outputs the need wrote (`contract::written_env_name`,
/// empty when it was skipped), and the others are unset here, as they are locally and on
/// GitLab. Without that variable (local runs, GitLab) nothing changes.
fn unset_unwritten(env: &mut StepEnv<'_>, p: &Pipeline, job: &Job) {
    for need in &job.needs {
        let Some(n) = p.jobs.get(need) else { continue };
        let Some(list) = env.remove(&crate::contract::written_env_name(need)) else {
            continue;
        };
        let written: HashSet<&str> = list.split_whitespace().collect();
        for k in &n.outputs {
            if !written.contains(k.as_str()) {
                env.remove(&crate::contract::output_env_name(need, k));
            }
        }
    }
}

/// Reads `$CIGEN_ENV` after a step: `KEY=value` lines and `KEY<<DELIM` blocks, later ones
/// winning. A name that is no variable name, or one of cigen's own (`CIGEN_…`), is an error
/// naming it (the step that wrote it fails the unit).
pub(crate) fn read_carried(file: &Path) -> Result<IndexMap<String, String>, String> {
    let Ok(text) = std::fs::read_to_string(file) else {
        return Ok(IndexMap::new());
    };
    let vars = super::outputs::parse(&text);
    for k in vars.keys() {
        let valid = k
            .chars()
            .next()
            .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
            && k.chars().all(|c| c == '_' || c.is_ascii_alphanumeric());
        if !valid {
            return Err(format!(
                "`{k}` written to ${ENV_FILE_VAR} is not a variable name"
            ));
        }
        if k.starts_with("CIGEN_") {
            return Err(format!(
                "`{k}` written to ${ENV_FILE_VAR}: names starting with CIGEN_ are cigen's own"
            ));
        }
    }
    Ok(vars)
}

/// Leaves only the job's own secrets: other secrets' values are removed, and values read from
/// local sources are added for the secrets the job declares. A secret of the job that only
/// CI-only steps use is removed too (`model::step_secrets`): no step here reads it.
fn scope_secrets(env: &mut StepEnv<'_>, base: &BaseEnv, p: &Pipeline, job: &Job) {
    let own = crate::model::step_secrets(p, job, base.ci);
    for name in &base.secret_names {
        if !own.contains(name) {
            env.remove(name);
        }
    }
    for name in &own {
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
