//! A job's `cache:` on GitHub and Forgejo: one pinned `actions/cache` step whose key cigen
//! writes (`<name>-<runner.os>[-<cell>]-<hashFiles(files)>`, with the same key less its hash
//! as the restore prefix, only looked up on tag runs), and the setup actions' own caches
//! switched on where the spec asks (rule `cache-setup` refuses them where tags or release
//! branches start the workflow).

use super::context::{Entry, Step, Value};
use crate::model::{Job, WorkflowOutput};
use crate::pins;
use crate::spec::SetupCache;

/// True on a tag run.
pub(crate) const TAG_RUN: &str = "${{ startsWith(github.ref, 'refs/tags/') }}";

/// One `hashFiles` argument: a single-quoted expression string (`'` doubled). Rule
/// `cache-files` refuses `${{` and `}}` in key files, so the pattern cannot end the expression.
fn quoted(pattern: &str) -> String {
    format!("'{}'", pattern.replace('\'', "''"))
}

/// The key without its hash: the cache's name, the runner's OS and, for a matrix job, the
/// cell (cells may differ in toolchain, so they must not share one cache).
fn prefix(j: &Job, name: &str) -> String {
    let cell = if j.matrix.is_some() {
        "-${{ strategy.job-index }}"
    } else {
        ""
    };
    format!("{name}-${{{{ runner.os }}}}{cell}-")
}

/// The `actions/cache` step for the job's paths, if it caches any.
pub(super) fn step(t: &WorkflowOutput, j: &Job) -> Option<Step> {
    let c = j.cache.as_ref().filter(|c| !c.paths.is_empty())?;
    let name = c.name.clone().unwrap_or_else(|| j.name.clone());
    let files: Vec<String> = c.files.iter().map(|f| quoted(f.as_str())).collect();
    let prefix = prefix(j, &name);
    let key = format!("{prefix}${{{{ hashFiles({}) }}}}", files.join(", "));
    let pin = t.pins.required(pins::CACHE);
    let entry = |key: &str, value: String, expr: bool| Entry {
        key: key.into(),
        value: Value::Text(value),
        expr,
    };
    let paths: Vec<&str> = c.paths.iter().map(|p| p.as_str()).collect();
    Some(Step {
        name: format!("Cache {name}"),
        id: None,
        condition: None,
        uses: Some(format!("{}@{}", pin.action, pin.sha)),
        pin_comment: Some(pin.version),
        with: vec![
            entry("path", paths.join("\n"), false),
            entry("key", key, true),
            entry("restore-keys", prefix, true),
            // A tag run publishes: it must not restore what another ref saved (cache
            // poisoning), so there the step only looks the key up.
            entry("lookup-only", TAG_RUN.into(), true),
        ],
        env: vec![],
        run: None,
        shell: None,
        continue_on_error: None,
    })
}

/// The setup action that holds a setup cache, and the input that switches it on.
fn input(c: SetupCache) -> (&'static str, &'static str, Value) {
    match c {
        SetupCache::Uv => (pins::SETUP_UV, "enable-cache", Value::Bool(true)),
        SetupCache::Pip | SetupCache::Pipenv | SetupCache::Poetry => {
            (pins::SETUP_PYTHON, "cache", Value::Text(c.as_str().into()))
        }
        SetupCache::Npm | SetupCache::Pnpm | SetupCache::Yarn => {
            (pins::SETUP_NODE, "cache", Value::Text(c.as_str().into()))
        }
        SetupCache::Go => (pins::SETUP_GO, "cache", Value::Bool(true)),
    }
}

/// Switches on the setup caches the job asks for in its toolchain steps (which leave every
/// cache off by default: a cache written by another ref is a poisoning risk for release runs,
/// so only a spec that asks gets one). Rule `cache-setup` makes sure each has its toolchain.
pub(super) fn enable_setup_caches(steps: &mut [Step], j: &Job) {
    let Some(c) = &j.cache else { return };
    for wanted in &c.setup {
        let (action, key, value) = input(*wanted);
        let prefix = format!("{action}@");
        let Some(step) = steps
            .iter_mut()
            .find(|s| s.uses.as_deref().is_some_and(|u| u.starts_with(&prefix)))
        else {
            continue;
        };
        match step.with.iter_mut().find(|e| e.key == key) {
            Some(e) => e.value = value,
            None => step.with.push(Entry {
                key: key.into(),
                value,
                expr: false,
            }),
        }
    }
}
