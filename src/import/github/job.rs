//! One workflow job → one spec job: needs, matrix, env, secrets, services, timeout,
//! conditions. The steps are `steps.rs`'s, runners `runners.rs`'s, permissions, environment
//! and concurrency `job_keys.rs`'s.

use std::path::Path;

use indexmap::IndexMap;
use serde_yaml::Value;

use super::actions::{meaning, Meaning, ToolUse};
use super::condition::{self, Condition, Status};
use super::job_keys::{concurrency, environment, permissions};
use super::model::{self, scalar_text, string_list};
use super::runners::runs_on;
use crate::check::dangerous_env::refused;
use crate::check::is_env_name;
use crate::import::events::EventSet;
use crate::import::expr::{self, Found, Scope};
use crate::import::report::{Kind, Report};
use crate::import::typed;
use crate::spec::{self, EnvValue, Scalar, When};

/// What converting one job produced, besides the spec job itself.
#[derive(Debug, Default)]
pub(crate) struct Converted {
    pub(crate) job: spec::Job,
    /// Toolchains its actions installed; a version is literal or names a matrix axis
    /// (`${{ matrix.python }}` after renaming).
    pub(crate) tools: Vec<ToolUse>,
    /// Remote steps for `targets.github.setup.<job>`.
    pub(crate) remote: Vec<spec::ActionStep>,
    /// Remote steps after the commands, for `targets.github.post.<job>`.
    pub(crate) post: Vec<spec::PostStep>,
    /// Its cache steps, folded into the job's `cache:` after the steps.
    pub(crate) caches: Vec<super::caches::CacheUse>,
    /// Original steps that could not be carried, as YAML, to write as comments.
    pub(crate) carried: Vec<String>,
    /// The job's own `if:`, applied when the workflows are folded.
    pub(crate) condition: Option<Condition>,
}

/// What a job converter reads and writes.
pub(crate) struct JobCx<'a> {
    /// The spec job name.
    pub(crate) name: &'a str,
    /// `file: jobs.<id>`, for the report.
    pub(crate) origin: String,
    pub(crate) scope: Scope,
    pub(crate) found: Found,
    pub(crate) report: &'a mut Report,
    pub(crate) root: &'a Path,
}

impl JobCx<'_> {
    pub(crate) fn add(
        &mut self,
        kind: Kind,
        feature: &'static str,
        at: &str,
        message: impl Into<String>,
    ) {
        let origin = if at.is_empty() {
            self.origin.clone()
        } else {
            format!("{}.{at}", self.origin)
        };
        self.report
            .add(kind, Some(self.name), feature, origin, message);
    }
}

/// A display text without its `${{ }}` parts (cigen names matrix cells itself), tidied:
/// `tests (${{ matrix.os }})` → `tests`.
pub(crate) fn plain_title(text: &str) -> Option<String> {
    let mut t = String::new();
    let mut rest = text;
    while let Some(open) = rest.find("${{") {
        t.push_str(&rest[..open]);
        rest = match rest[open..].find("}}") {
            Some(close) => &rest[open + close + 2..],
            None => "",
        };
    }
    t.push_str(rest);
    // An opening bracket whose contents were all expressions is left unbalanced.
    if t.matches('(').count() > t.matches(')').count() {
        if let Some(i) = t.rfind('(') {
            t.truncate(i);
        }
    }
    // A bracket left with only separators (`tests (, )`) goes.
    while let Some((open, close)) = t.find('(').and_then(|o| {
        t[o..]
            .find(')')
            .map(|c| (o, o + c))
            .filter(|(o, c)| !t[o + 1..*c].chars().any(|ch| ch.is_alphanumeric()))
    }) {
        t.replace_range(open..=close, "");
    }
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let t = t.trim_end_matches([' ', '-', ':', ',', '/', '=']).trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Matrix keys whose values pick a toolchain version, renamed after the tool so the generated
/// setup follows the cell (`python-version` → `python`).
fn tool_axes(j: &model::Job) -> IndexMap<String, String> {
    let mut renames = IndexMap::new();
    for s in &j.steps {
        let Some(uses) = &s.uses else { continue };
        let mut ignore = Vec::new();
        if let Meaning::Toolchain(t) = meaning(uses, &s.with, Path::new("."), &mut ignore) {
            if let Some(key) = t
                .version
                .as_deref()
                .and_then(expr::whole)
                .and_then(expr::matrix_key)
            {
                renames.insert(key, t.tool.to_string());
            }
        }
    }
    renames
}

/// Converts one job. `workflow` supplies env, permissions and defaults the job inherits.
pub(crate) fn convert(
    cx: &mut JobCx<'_>,
    j: &model::Job,
    raw: &Value,
    workflow: &model::Workflow,
    id_map: &IndexMap<String, String>,
) -> Converted {
    let mut c = Converted::default();
    let renames = tool_axes(j);
    c.job.description = j.name.as_deref().and_then(plain_title);
    if let Some(needs) = j.needs.as_ref().and_then(string_list) {
        for n in needs {
            match id_map.get(&n) {
                Some(spec) => c.job.needs.push(spec.clone()),
                None => cx.add(
                    Kind::Lost,
                    "needs",
                    "needs",
                    format!("`{n}` is not a job that was imported"),
                ),
            }
        }
    }
    if let Some(s) = &j.strategy {
        if let Some(m) = &s.matrix {
            c.job.matrix = super::matrix::matrix(cx, m, &renames).map(Box::new);
        }
        if let Some(ff) = &s.fail_fast {
            match scalar_text(ff).as_deref() {
                Some("true") => {}
                Some("false") => c.job.fail_fast = Some(false),
                _ => cx.add(
                    Kind::Lost,
                    "fail-fast",
                    "strategy.fail-fast",
                    format!(
                        "`fail-fast: {}` is an expression: the job keeps cigen's default, a failing cell cancels the others",
                        scalar_text(ff).unwrap_or_default()
                    ),
                ),
            }
        }
        if s.max_parallel.is_some() {
            cx.add(
                Kind::Lost,
                "max-parallel",
                "strategy.max-parallel",
                "`max-parallel`: every cell starts at once in CI",
            );
        }
    }
    if let Some(m) = &c.job.matrix {
        let keys = m
            .axes
            .keys()
            .chain(m.include.iter().flat_map(|c| c.keys()))
            .cloned()
            .collect::<Vec<_>>();
        for k in keys {
            let original = renames
                .iter()
                .find(|(_, to)| **to == k)
                .map(|(from, _)| from.clone())
                .unwrap_or_else(|| k.clone());
            cx.scope.matrix.insert(original, k.clone());
            cx.scope.matrix.insert(k.clone(), k);
        }
    }
    if let Some(r) = &j.runs_on {
        runs_on(cx, &mut c.job, r);
    }
    let perms = j.permissions.as_ref().or(workflow.permissions.as_ref());
    if let Some(p) = perms {
        c.job.permissions = permissions(cx, p, "permissions");
    }
    if let Some(e) = &j.environment {
        c.job.environment = environment(cx, e).map(Box::new);
    }
    if let Some(v) = &j.concurrency {
        c.job.concurrency = concurrency(cx, v, c.job.matrix.is_some());
    }
    if let Some(t) = &j.timeout_minutes {
        match t.as_u64() {
            Some(n) => c.job.timeout = typed::duration(&format!("{n}m")).ok(),
            None => cx.add(
                Kind::Lost,
                "timeout",
                "timeout-minutes",
                "a timeout computed by an expression",
            ),
        }
    }
    if let Some(v) = &j.continue_on_error {
        c.job.allow_failure = super::results::allow_failure(cx, v).map(Box::new);
    }
    if j.container.is_some() {
        cx.add(Kind::Lost, "container", "container", "a job container: the job runs on the runner itself (GitLab can take the image as `runs-on.image`)");
    }
    for (name, s) in &j.services {
        if let Some(svc) = super::services::service(cx, name, s) {
            c.job.services.insert(name.clone(), svc);
        }
    }
    for (k, v) in &j.outputs {
        let step_out = expr::whole(v).and_then(|e| {
            let parts: Vec<&str> = e.split('.').collect();
            match parts.as_slice() {
                ["steps", _, "outputs", key] => Some(key.to_string()),
                _ => None,
            }
        });
        match step_out {
            Some(key) if key == *k => c.job.outputs.push(k.clone()),
            _ => cx.add(Kind::Lost, "output", &format!("outputs.{k}"), format!("output `{k}: {v}`: an output is a `{k}=...` line a step writes to `$CIGEN_OUTPUT`")),
        }
    }
    if let Some(cond) = j.condition.as_ref().and_then(scalar_text) {
        let cond = condition::convert(&cond);
        for (feature, text) in &cond.lost {
            cx.add(
                Kind::Lost,
                feature,
                "if",
                format!("job condition `{text}` (only events, branches, matrix values, the repository, the schedule and a pull request's target branch are typed)"),
            );
        }
        let t = super::condition::typed(&cond, &cx.scope.matrix, c.job.matrix.as_deref());
        for (feature, text) in t.lost {
            cx.add(Kind::Lost, feature, "if", format!("job condition: {text}"));
        }
        let (repository, schedule, base) = condition::values(&cond, &mut |r| {
            cx.add(
                Kind::Lost,
                "condition",
                "if",
                format!("`{r}` is not a glob cigen reads; the condition was left out"),
            )
        });
        let when = When {
            matrix: t.matrix,
            not: t.not,
            repository,
            schedule,
            base,
            ..When::default()
        };
        if when != When::default() {
            c.job.when = Some(Box::new(when));
        }
        if cond.status != Status::Success {
            super::results::after_needs(cx, &mut c.job, cond.status);
        }
        c.condition = Some(cond);
    }
    let shell = j
        .defaults
        .as_ref()
        .and_then(|d| d.run.as_ref())
        .or(workflow.defaults.as_ref().and_then(|d| d.run.as_ref()));
    if let Some(d) = shell {
        if let Some(wd) = &d.working_directory {
            match typed::rel_path(wd) {
                Ok(p) => c.job.working_directory = Some(p),
                Err(why) => cx.add(
                    Kind::Lost,
                    "working-directory",
                    "defaults.run.working-directory",
                    why,
                ),
            }
        }
        if let Some(sh) = d.shell.as_deref().filter(|s| *s != "bash") {
            cx.add(
                Kind::Lost,
                "shell",
                "defaults.run.shell",
                format!("`shell: {sh}`: steps run in bash"),
            );
        }
    }
    for k in j.other.keys() {
        cx.add(
            Kind::Lost,
            "unknown-key",
            k,
            format!("job key `{k}` has no equivalent"),
        );
    }
    // Env: the workflow's, then the job's own; values with expressions become `export` lines.
    let mut exports = Vec::new();
    for (k, v) in workflow.env.iter().chain(j.env.iter()) {
        env_entry(
            cx,
            "env",
            &mut c.job.env,
            &mut exports,
            &mut c.job.secrets,
            k,
            v,
        );
    }
    super::steps::convert(cx, &mut c, j, raw, &exports);
    let setup_caches: Vec<spec::SetupCache> = c.tools.iter().filter_map(|t| t.cache).collect();
    let (cache, findings) = super::caches::fold(&c.caches, &setup_caches, &mut c.job.env);
    for (kind, msg) in findings {
        cx.add(kind, "cache", "steps", msg);
    }
    c.job.cache = cache.map(Box::new);
    // Secrets and provider variables the translations used.
    let found = std::mem::take(&mut cx.found);
    for s in &found.secrets {
        crate::import::add_secret(&mut c.job.secrets, s);
    }
    if !found.provider_vars.is_empty() {
        let vars: Vec<&str> = found.provider_vars.iter().map(String::as_str).collect();
        cx.add(Kind::Note, "github-context", "", format!("`github`/`runner` expressions became {}: set by GitHub, empty in local and GitLab runs", vars.join(", ")));
    }
    for u in &found.untranslated {
        cx.add(
            Kind::Lost,
            "expression",
            "",
            format!("`{u}` has no equivalent outside GitHub; it stays literal text"),
        );
    }
    c
}

/// One env entry: `${{ secrets.X }}` as `X` is just the secret; other values become env
/// values for cigen's own expansion (`$` doubled, expressions as `${NAME}`), and a value with
/// an expression that has no variable an `export` line before each command.
/// `at` is where the env map is, for the report (`env`, `steps[2].env`).
pub(crate) fn env_entry(
    cx: &mut JobCx<'_>,
    at: &str,
    env: &mut IndexMap<String, EnvValue>,
    exports: &mut Vec<String>,
    secrets: &mut Vec<spec::Secret>,
    k: &str,
    v: &Value,
) {
    let Some(t) = scalar_text(v) else { return };
    if expr::whole(&t) == Some(&format!("secrets.{k}")) {
        crate::import::add_secret(secrets, k);
        return;
    }
    if !is_env_name(k) {
        cx.add(
            Kind::Lost,
            "env",
            &format!("{at}.{k}"),
            format!(
                "`{k}` is not a variable name a shell can read (letters, digits and `_`): left out"
            ),
        );
        return;
    }
    // A variable the spec refuses in `env:` (`CI`, `LD_PRELOAD`, a provider's prefix) is set
    // the way the refusal says: inside the steps.
    if let Some(why) = refused(k) {
        let word = expr::shell_word(&t, &cx.scope, &mut cx.found);
        exports.push(format!("export {k}={word}"));
        let why = why.reason();
        cx.add(
            Kind::Note,
            "env",
            &format!("{at}.{k}"),
            format!("`{k}` is set by an `export` line before each command: the spec refuses it in `env:` ({why})"),
        );
        return;
    }
    match expr::env_value(&t, &cx.scope, &mut cx.found) {
        Some(value) => {
            env.insert(k.to_string(), EnvValue::Plain(Scalar(value)));
        }
        None => {
            let word = expr::shell_word(&t, &cx.scope, &mut cx.found);
            exports.push(format!("export {k}={word}"));
        }
    }
}

/// The events and branches a job's own condition allows, within its workflow's events.
pub(crate) fn condition_events(c: &Converted, workflow: EventSet) -> EventSet {
    c.condition
        .as_ref()
        .and_then(|c| c.events)
        .map_or(workflow, |e| e.intersect(workflow))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_health_options() {
        assert_eq!(
            plain_title("tests (${{ matrix.os }})").as_deref(),
            Some("tests")
        );
        assert_eq!(plain_title("${{ matrix.os }}"), None);
        assert_eq!(
            plain_title("tests (${{ matrix.os }}, ${{ matrix.python-version }})").as_deref(),
            Some("tests")
        );
    }
}
