//! One GitLab job → one spec job: needs from stages, variables, script steps, services,
//! image and tags, rules, artifacts, environment, retry and timeout; the rest reported.

use indexmap::IndexMap;
use serde_yaml::Value;

use super::cache::cache_of;
use super::matrix::matrix_refs;
use super::needs::needs;
use super::{
    duration, matrix, model, references, rules, scalar, secret_like, services, stateful, variable,
    FILE,
};
use crate::check::dangerous_env::refused;
use crate::import::events::EventSet;
use crate::import::report::Kind;
use crate::import::typed;
use crate::import::Draft;
use crate::spec::{self, EnvValue, Event, OneOrMany, Scalar, Step, StepSpec, When};

/// What every job of the pipeline shares.
pub(super) struct Pipeline<'a> {
    pub(super) stages: &'a [String],
    pub(super) default: &'a model::Job,
    pub(super) globals: &'a IndexMap<String, Value>,
    pub(super) top_before: Option<&'a Value>,
    pub(super) top_services: Option<&'a Vec<Value>>,
    /// The default image.
    pub(super) image: Option<String>,
    /// Every imported job: GitLab name → (spec name, job).
    pub(super) jobs: &'a IndexMap<String, (String, model::Job)>,
}

/// Converts job `n` into `draft`; returns the events it runs on (all when unrestricted).
pub(super) fn convert(
    pl: &Pipeline<'_>,
    n: &str,
    name: &str,
    j: &model::Job,
    draft: &mut Draft,
) -> EventSet {
    let at = |k: &str| format!("{FILE}: {k}");
    let (default, globals, image) = (pl.default, pl.globals, &pl.image);
    let (top_before, top_services) = (pl.top_before, pl.top_services);
    let mut events = EventSet::default();
    let origin = at(n);
    let mut job = spec::Job {
        description: None,
        ..spec::Job::default()
    };
    job.needs = needs(pl, j, name, &origin, draft);
    if j.dependencies.is_some() {
        draft.report.add(
            Kind::Note,
            Some(name),
            "artifacts",
            origin.clone(),
            "`dependencies`: a job downloads the artifacts of the jobs it needs",
        );
    }
    // Image (before the matrix, which may rename variables in it).
    if let Some(i) = &j.image {
        let img = i.get("name").and_then(scalar).or_else(|| scalar(i));
        if img != *image {
            // The job's own image brings its own toolchains (none for `alpine`): locally,
            // `cigen run` selects and checks those rather than the default image's.
            if let Some(own) = img.as_deref().and_then(super::image_setup) {
                if own != draft.spec.setup {
                    job.setup = Some(Box::new(own));
                }
            }
            job.runs_on.get_or_insert_with(Default::default).image = img;
        }
    }
    let mut exports = Vec::new();
    let mut matrix_vars: IndexMap<String, String> = IndexMap::new();
    if let Some(p) = &j.parallel {
        matrix_vars = matrix::matrix(draft, name, &origin, p, &mut job, &mut exports);
        if job.matrix.is_some() {
            // GitLab lets every cell of a matrix finish; so does the spec's job everywhere.
            job.fail_fast = Some(false);
            draft.report.add(Kind::Note, Some(name), "fail-fast", origin.clone(), "GitLab has no fail-fast: every cell of `parallel: matrix` finishes. The job has `fail_fast: false`, so one failing cell cancels no other on any runner");
        }
    }
    // Variables: globals, then the job's. GitLab expands `$NAME` in them as cigen does
    // (`$$` is a `$` in both); a matrix variable is `MATRIX_<KEY>` in the spec's env.
    let mut defined: Vec<String> = Vec::new();
    let mut var_text = String::new();
    for (k, v) in globals.iter().chain(j.variables.iter()) {
        defined.push(k.clone());
        let Some(val) = variable(v) else { continue };
        if k.starts_with("CI_")
            || k.starts_with("GITLAB_")
            || k.starts_with("GIT_")
            || k.starts_with("FF_")
        {
            draft.report.add(
                Kind::Lost,
                Some(name),
                "runner-variable",
                origin.clone(),
                format!(
                    "variable `{k}` configures the GitLab runner; the generated job sets its own"
                ),
            );
            continue;
        }
        let expand = v.get("expand").and_then(Value::as_bool) != Some(false);
        var_text.push_str(&val);
        var_text.push('\n');
        let value = if !expand {
            val.replace('$', "$$")
        } else {
            matrix_refs(&val, &matrix_vars)
        };
        let refusal = refused(k);
        if spec::check_references(&value).is_ok() && refusal.is_none() {
            job.env.insert(k.clone(), EnvValue::Plain(Scalar(value)));
        } else {
            // Shell syntax (`${X:-default}`): GitLab leaves it to the shell, so does cigen.
            // A variable the spec refuses in `env:` (`LD_LIBRARY_PATH`, `NODE_OPTIONS`, another
            // provider's prefix) is set the way the refusal says: inside the steps.
            let mut text = val
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('`', "\\`");
            if !expand {
                text = text.replace('$', "\\$");
            }
            exports.push(format!("export {k}=\"{text}\""));
            if let Some(why) = refusal {
                let why = why.reason();
                draft.report.add(
                    Kind::Note,
                    Some(name),
                    "env",
                    origin.clone(),
                    format!("`{k}` is set by an `export` line before each command: the spec refuses it in `env:` ({why})"),
                );
            }
        }
    }

    // Script: before_script (the job's, else the default's) then script.
    let before = j
        .before_script
        .as_ref()
        .or(default.before_script.as_ref())
        .or(top_before)
        .map(model::lines)
        .unwrap_or_default();
    let script = j.script.as_ref().map(model::lines).unwrap_or_default();
    let all: Vec<String> = before.iter().chain(script.iter()).cloned().collect();
    let mut text_all = all.join("\n");
    text_all.push_str(&exports.join("\n"));
    text_all.push('\n');
    text_all.push_str(&var_text);
    let prefix = if exports.is_empty() {
        String::new()
    } else {
        format!("{}\n", exports.join("\n"))
    };
    if !exports.is_empty() || all.iter().any(|l| stateful(l)) {
        job.steps.push(StepSpec::Full(Box::new(Step {
            name: Some("script".into()),
            run: format!("{prefix}{}", all.join("\n")),
            ..Step::default()
        })));
    } else {
        for l in &all {
            job.steps.push(StepSpec::Command(format!("{prefix}{l}")));
        }
    }
    // `after_script` runs whether the script passed or failed (and, on GitLab 17, when it
    // was cancelled): the spec's `if: always`, CI-only like on GitLab.
    let after = j
        .after_script
        .as_ref()
        .or(default.after_script.as_ref())
        .map(model::lines)
        .unwrap_or_default();
    if !after.is_empty() {
        text_all.push('\n');
        text_all.push_str(&after.join("\n"));
        draft.gitlab_after.insert(
            name.to_string(),
            after
                .into_iter()
                .map(|run| spec::AfterScript::Full {
                    run,
                    condition: Some(spec::PostCondition::Always),
                })
                .collect(),
        );
    }
    // Secrets: CI/CD variables the job reads, that the file does not set, named like secrets.
    for r in references(&text_all) {
        if !defined.contains(&r) && secret_like(&r) && !job.secrets.iter().any(|s| s.name() == r) {
            crate::import::add_secret(&mut job.secrets, &r);
            draft.report.add(Kind::Note, Some(name), "secret", origin.clone(), format!("`${r}` is not set in the file and is named like a secret: declared as one (a CI/CD variable on GitLab, the environment locally)"));
        }
    }
    let gitlab_vars: Vec<String> = references(&text_all)
        .into_iter()
        .filter(|r| r.starts_with("CI_") || r.starts_with("GITLAB_"))
        .collect();
    if !gitlab_vars.is_empty() {
        let mut v = gitlab_vars;
        v.sort();
        v.dedup();
        draft.report.add(
            Kind::Note,
            Some(name),
            "gitlab-context",
            origin.clone(),
            format!(
                "uses {}: set by GitLab, empty in local and GitHub runs",
                v.iter()
                    .map(|x| format!("${x}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    let services = j
        .services
        .clone()
        .or(default.services.clone())
        .or(top_services.cloned())
        .unwrap_or_default();
    for s in &services {
        if let Some((sn, svc)) = services::service(s, name, draft, &origin) {
            job.services.insert(sn, svc);
        }
    }
    if let Some(t) = j.tags.as_ref().or(default.tags.as_ref()) {
        job.runs_on.get_or_insert_with(Default::default).gitlab = Some(if t.len() == 1 {
            OneOrMany::One(t[0].clone())
        } else {
            OneOrMany::Many(t.clone())
        });
    }
    // Conditions.
    let gate = match (&j.rules, j.only.is_some() || j.except.is_some()) {
        (Some(r), _) => rules::rules(r),
        (None, true) => rules::only_except(j.only.as_ref(), j.except.as_ref()),
        (None, false) => rules::Gate::default(),
    };
    for (feature, msg) in &gate.lost {
        draft
            .report
            .add(Kind::Lost, Some(name), feature, origin.clone(), msg.clone());
    }
    if gate.default_branch {
        draft.report.add(
            Kind::Note,
            Some(name),
            "default-branch",
            origin.clone(),
            "`$CI_DEFAULT_BRANCH` became `main`: change `when.branch` if yours is another",
        );
    }
    let mut when = When::default();
    match j.when.as_deref() {
        Some("manual") => job.manual = Some(true),
        Some("delayed") => draft.report.add(
            Kind::Lost,
            Some(name),
            "manual-job",
            origin.clone(),
            "`when: delayed`: the job runs without waiting",
        ),
        // GitLab reads them against the needs when there are any (against earlier stages
        // otherwise, which the needs cigen derives from stages stand for).
        Some(w @ ("always" | "on_failure")) if !job.needs.is_empty() => {
            when.needs = Some(if w == "always" {
                spec::NeedsResult::Always
            } else {
                spec::NeedsResult::Failure
            });
        }
        _ => {}
    }
    if gate.manual {
        job.manual = Some(true);
    }
    if let Some(mut e) = gate.events {
        events = events.union(e);
        // A manual job runs by hand: on GitHub only in a manual run, so that event must be
        // one it runs for.
        if e.contains(Event::Push) || e.contains(Event::PullRequest) || gate.manual {
            e.insert(Event::Manual);
        }
        when.event = e.to_when();
    } else {
        events = EventSet::all();
    }
    let mut rejected = Vec::new();
    if let Some(b) = gate.branches {
        when.branch = typed::branch(&b, &mut rejected);
    }
    if let Some(r) = &gate.repository {
        when.repository = typed::branch(r, &mut rejected);
    }
    if let Some(b) = &gate.base {
        when.base = typed::branch(b, &mut rejected);
    }
    let not = spec::Not {
        event: gate.not_events.and_then(EventSet::to_when),
        branch: gate
            .not_branches
            .as_ref()
            .and_then(|b| typed::branch(b, &mut rejected)),
        repository: gate
            .not_repository
            .as_ref()
            .and_then(|r| typed::branch(r, &mut rejected)),
        base: gate
            .not_base
            .as_ref()
            .and_then(|b| typed::branch(b, &mut rejected)),
        ..spec::Not::default()
    };
    if not != spec::Not::default() {
        when.not = Some(not);
    }
    when.changed = typed::globs(&gate.changed, &mut rejected);
    for r in rejected {
        draft.report.add(
            Kind::Lost,
            Some(name),
            "condition",
            origin.clone(),
            format!("`{r}` is not a glob cigen reads; the condition was left out"),
        );
    }
    if when != When::default() {
        job.when = Some(Box::new(when));
    }
    // The rest of the job.
    if let Some(a) = &j.artifacts {
        for p in &a.paths {
            match typed::artifact(p) {
                Ok(a) => job.artifacts.push(a),
                Err(why) => {
                    draft
                        .report
                        .add(Kind::Lost, Some(name), "artifacts", origin.clone(), why)
                }
            }
        }
        if let Some(map) = &a.reports {
            let (reports, lost) = super::reports::reports(map);
            job.reports = reports.map(Box::new);
            for (_, why) in lost {
                draft.report.add(
                    Kind::Lost,
                    Some(name),
                    "artifact-reports",
                    origin.clone(),
                    why,
                );
            }
        }
        for k in a.other.keys() {
            if k != "name" && k != "when" && k != "expire_in" {
                draft.report.add(
                    Kind::Lost,
                    Some(name),
                    "artifacts",
                    origin.clone(),
                    format!("`artifacts: {k}` has no equivalent"),
                );
            }
        }
    }
    if let Some(c) = j.cache.as_ref().or(default.cache.as_ref()) {
        let (cache, findings) = cache_of(c);
        for (kind, msg) in findings {
            draft
                .report
                .add(kind, Some(name), "cache", origin.clone(), msg);
        }
        job.cache = cache.map(Box::new);
    }
    if let Some(e) = &j.environment {
        let (en, url) = match e {
            Value::Mapping(_) => (
                e.get("name").and_then(scalar),
                e.get("url").and_then(scalar),
            ),
            other => (scalar(other), None),
        };
        if let Some(en) = en {
            // The variables the spec's placeholders stand for; a `$` left over is another one.
            let url = url.map(|u| {
                [
                    ("CI_COMMIT_REF_NAME", "{ref}"),
                    ("CI_PROJECT_PATH", "{repository}"),
                    ("CI_PROJECT_NAME", "{project}"),
                ]
                .iter()
                .fold(u, |u, (var, placeholder)| {
                    u.replace(&format!("${{{var}}}"), placeholder)
                        .replace(&format!("${var}"), placeholder)
                })
            });
            job.environment = Some(Box::new(match url {
                Some(u) if u.contains('$') => {
                    draft.report.add(Kind::Lost, Some(name), "environment-url", origin.clone(), format!("environment URL `{u}` uses a variable other than `$CI_COMMIT_REF_NAME`, `$CI_PROJECT_PATH` and `$CI_PROJECT_NAME` (`{{ref}}`, `{{repository}}`, `{{project}}` in the spec); the URL was left out"));
                    spec::Environment::Name(en)
                }
                Some(u) => spec::Environment::Full {
                    name: en,
                    url: Some(u),
                },
                None => spec::Environment::Name(en),
            }));
        }
        for k in [
            "action",
            "on_stop",
            "auto_stop_in",
            "deployment_tier",
            "kubernetes",
        ] {
            if e.get(k).is_some() {
                draft.report.add(
                    Kind::Lost,
                    Some(name),
                    "environment",
                    origin.clone(),
                    format!("`environment: {k}` has no equivalent"),
                );
            }
        }
    }
    if let Some(r) = &j.retry {
        let max = r.as_u64().or_else(|| r.get("max").and_then(Value::as_u64));
        match max {
            Some(m) => job.retry = Some(Box::new(spec::RetrySpec::Attempts(m as u32 + 1))),
            None => draft.report.add(
                Kind::Lost,
                Some(name),
                "retry",
                origin.clone(),
                "a `retry` cigen cannot read",
            ),
        }
        if r.get("when").is_some() {
            draft.report.add(
                Kind::Note,
                Some(name),
                "retry",
                origin.clone(),
                "`retry: when`: cigen retries a failed step whatever the reason",
            );
        }
    }
    if let Some(t) = &j.timeout {
        match duration(t).and_then(|d| typed::duration(&d).ok()) {
            Some(d) => job.timeout = Some(d),
            None => draft.report.add(
                Kind::Lost,
                Some(name),
                "timeout",
                origin.clone(),
                format!("timeout `{t}` cannot be read"),
            ),
        }
    }
    match j.allow_failure.as_ref() {
        None => {}
        Some(v) if v.as_bool() == Some(false) => {}
        Some(v) if v.as_bool() == Some(true) => {
            job.allow_failure = Some(Box::new(spec::AllowFailure::All(true)));
        }
        Some(_) => draft.report.add(
            Kind::Lost,
            Some(name),
            "continue-on-error",
            origin.clone(),
            "`allow_failure: exit_codes`: only `allow_failure: true` is typed; a failing job fails the pipeline",
        ),
    }
    if let Some(group) = &j.resource_group {
        let plain = !group.is_empty()
            && group
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'));
        if !plain {
            draft.report.add(Kind::Lost, Some(name), "concurrency", origin.clone(), format!("`resource_group: {group}` is not a plain name (letters, digits, `_-./`): jobs of several pipelines may run at once"));
        } else if job.matrix.is_some() {
            draft.report.add(Kind::Lost, Some(name), "concurrency", origin.clone(), format!("`resource_group: {group}` on a matrix job: the spec refuses a group there (GitHub would cancel waiting cells); the cells may overlap with other pipelines"));
        } else {
            job.concurrency = Some(group.clone());
        }
    }
    if let Some(c) = &j.coverage {
        match super::reports::coverage(c) {
            Ok(re) => job.coverage = Some(re),
            Err(why) => draft
                .report
                .add(Kind::Lost, Some(name), "coverage", origin.clone(), why),
        }
    }
    if j.interruptible.is_some() || default.interruptible.is_some() {
        draft.report.add(
            Kind::Note,
            None,
            "interruptible",
            at("interruptible"),
            "`interruptible`: the generated jobs are interruptible except deployments",
        );
    }
    if j.extends.is_some() {
        draft.report.add(
            Kind::Note,
            Some(name),
            "extends",
            origin.clone(),
            "`extends:` was resolved: the job holds its templates' keys",
        );
    }
    for k in j.other.keys() {
        let feature = match k.as_str() {
            "trigger" => "child-pipeline",
            "id_tokens" => "id-tokens",
            "secrets" => "vault-secrets",
            "release" => "release",
            _ => "unknown-key",
        };
        draft.report.add(
            Kind::Lost,
            Some(name),
            feature,
            origin.clone(),
            format!("job key `{k}` has no equivalent"),
        );
    }
    draft.spec.jobs.insert(name.to_string(), job);
    events
}
