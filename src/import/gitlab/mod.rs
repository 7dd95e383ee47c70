//! `cigen import` from GitLab CI (`.gitlab-ci.yml`): jobs (with `extends:` and YAML anchors
//! resolved), stages as needs, `default:`, variables, services, `parallel: matrix:`, rules,
//! artifacts, environments; everything else reported.

mod cache;
mod extends;
mod job;
mod matrix;
mod model;
mod needs;
mod reports;
mod rules;
mod services;

use std::path::Path;

use indexmap::IndexMap;
use serde_yaml::Value;

use super::events::EventSet;
use super::report::Kind;
use super::{Draft, ImportError};
use crate::spec::{self, Event, Scalar};

/// The pipeline file, relative to the project root.
pub(crate) const FILE: &str = ".gitlab-ci.yml";

/// Top-level keys that are not jobs.
const GLOBAL: &[&str] = &[
    "stages",
    "variables",
    "default",
    "workflow",
    "include",
    "image",
    "services",
    "before_script",
    "after_script",
    "cache",
    "types",
    "pages",
];

/// GitLab's stages when the file names none.
const DEFAULT_STAGES: &[&str] = &[".pre", "build", "test", "deploy", ".post"];

pub(super) fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Variables: a value, or `{value, description, expand, options}`.
pub(super) fn variable(v: &Value) -> Option<String> {
    match v {
        Value::Mapping(_) => v.get("value").and_then(scalar),
        other => scalar(other),
    }
}

/// Whether a line changes the shell's state for later lines (GitLab runs a job's lines in one
/// shell; cigen runs each step in its own).
pub(super) fn stateful(line: &str) -> bool {
    let t = line.trim_start();
    let first = t.split_whitespace().next().unwrap_or("");
    matches!(
        first,
        "cd" | "export"
            | "source"
            | "."
            | "set"
            | "alias"
            | "pushd"
            | "popd"
            | "unset"
            | "shopt"
            | "eval"
    ) || first.contains('=') && !first.starts_with('-')
        || t.contains("() {")
        || t.contains('\n')
}

/// A GitLab duration (`1h 30m`, `90 minutes`, `2h`) as the spec writes durations.
pub(super) fn duration(text: &str) -> Option<String> {
    let mut out = String::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let digits: String = w.chars().take_while(char::is_ascii_digit).collect();
        if digits.is_empty() {
            return None;
        }
        let mut unit = w[digits.len()..].to_string();
        if unit.is_empty() {
            i += 1;
            unit = words.get(i)?.to_string();
        }
        let u = match unit.trim_end_matches(',').to_ascii_lowercase().as_str() {
            "h" | "hr" | "hrs" | "hour" | "hours" => "h",
            "m" | "min" | "mins" | "minute" | "minutes" => "m",
            "s" | "sec" | "secs" | "second" | "seconds" => "s",
            _ => return None,
        };
        out.push_str(&digits);
        out.push_str(u);
        i += 1;
    }
    (!out.is_empty()).then_some(out)
}

/// Names in `$NAME`/`${NAME}` references of a text.
pub(super) fn references(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' {
            let mut j = i + 1;
            let brace = j < b.len() && b[j] == b'{';
            if brace {
                j += 1;
            }
            let start = j;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            if j > start && !b[start].is_ascii_digit() {
                out.push(text[start..j].to_string());
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// CI/CD variables a job reads that the file does not define and whose names say they are
/// secret: declared as the job's secrets.
pub(super) fn secret_like(name: &str) -> bool {
    !name.starts_with("CI_")
        && !name.starts_with("GITLAB_")
        && [
            "TOKEN",
            "PASSWORD",
            "SECRET",
            "API_KEY",
            "PRIVATE_KEY",
            "CREDENTIALS",
        ]
        .iter()
        .any(|w| name.contains(w))
}

pub(crate) fn import(root: &Path, draft: &mut Draft) -> Result<(), ImportError> {
    let raw = super::github::read_yaml(root, FILE)?;
    let Value::Mapping(doc) = raw else {
        return Err(ImportError {
            message: format!("{FILE}: expected a mapping of jobs"),
        });
    };
    draft.report.sources.push(FILE.to_string());
    let at = |k: &str| format!("{FILE}: {k}");
    let stages: Vec<String> = doc
        .get("stages")
        .map(model::lines)
        .unwrap_or_else(|| DEFAULT_STAGES.iter().map(|s| s.to_string()).collect());
    let default: model::Job = doc
        .get("default")
        .map(|d| extends::references(&doc, d, 0))
        .transpose()?
        .map(serde_yaml::from_value)
        .transpose()
        .map_err(|e| ImportError {
            message: format!("{FILE}: `default`: {e}"),
        })?
        .unwrap_or_default();
    // Globals that older files write at the top level act like `default:`.
    let top_image = doc.get("image").cloned();
    let top_before = doc.get("before_script").cloned();
    let top_services = doc.get("services").and_then(Value::as_sequence).cloned();
    let mut globals: IndexMap<String, Value> = IndexMap::new();
    for (k, v) in doc
        .get("variables")
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
    {
        if let Some(k) = scalar(k) {
            globals.insert(k, v.clone());
        }
    }
    if doc.get("include").is_some() {
        draft.report.add(Kind::Lost, None, "include", at("include"), "`include:`d files cannot be read; import their jobs by copying them into the file first");
    }
    if doc.get("workflow").is_some() {
        draft.report.add(Kind::Note, None, "workflow", at("workflow"), "`workflow: rules`: the generated pipeline has its own (merge request pipelines, no duplicate branch pipeline)");
    }
    for k in ["cache", "after_script"] {
        if doc.get(k).is_some() {
            draft.report.add(
                Kind::Lost,
                None,
                if k == "cache" { "cache" } else { "post-step" },
                at(k),
                format!("top-level `{k}` (GitLab's deprecated global form) was not read: move it under `default:` and import again"),
            );
        }
    }
    let image = default
        .image
        .as_ref()
        .or(top_image.as_ref())
        .and_then(|i| i.get("name").and_then(scalar).or_else(|| scalar(i)));
    if let Some(img) = &image {
        setup_from_image(draft, img);
        draft.gitlab_image = Some(img.clone());
    }
    // Jobs, in file order, with their spec names.
    let names: Vec<String> = doc
        .keys()
        .filter_map(scalar)
        .filter(|k| !k.starts_with('.') && !GLOBAL.contains(&k.as_str()))
        .collect();
    let mut jobs: IndexMap<String, (String, model::Job)> = IndexMap::new();
    for n in &names {
        let v = extends::resolve(&doc, n, 0)?;
        if !v.is_mapping() {
            continue;
        }
        let j: model::Job = serde_yaml::from_value(v).map_err(|e| ImportError {
            message: format!("{FILE}: job `{n}`: {e}"),
        })?;
        if j.script.is_none() {
            draft.report.add(
                Kind::Lost,
                None,
                "unknown-key",
                at(n),
                format!("`{n}` has no `script` (a trigger or a template?): not imported"),
            );
            continue;
        }
        let spec_name = draft.job_name(n, "gitlab");
        jobs.insert(n.clone(), (spec_name, j));
    }
    let mut all_events = EventSet::default();
    let pl = job::Pipeline {
        stages: &stages,
        default: &default,
        globals: &globals,
        top_before: top_before.as_ref(),
        top_services: top_services.as_ref(),
        image: image.clone(),
        jobs: &jobs,
    };
    for (n, (name, j)) in &jobs {
        all_events = all_events.union(job::convert(&pl, n, name, j, draft));
    }
    // Triggers: GitLab starts pipelines on pushes, merge requests, schedules and by hand; the
    // schedules themselves live in the project's settings.
    let t = &mut draft.spec.triggers;
    if t.push.is_none() {
        t.push = Some(spec::PushTrigger::default());
    }
    if t.pull_request.is_none() {
        t.pull_request = Some(spec::PullRequestTrigger::default());
    }
    t.manual = true;
    if all_events.contains(Event::Schedule) && draft.spec.triggers.schedule.is_empty() {
        draft.report.add(Kind::Note, None, "schedule", at("rules"), "scheduled jobs: GitLab's schedules live in the project settings; add their cron lines to `triggers.schedule` for other providers");
    }
    Ok(())
}

/// `setup:` from the default image (`python:3.12-slim` → Python 3.12), for local pre-flight.
fn setup_from_image(draft: &mut Draft, image: &str) {
    if let Some(s) = image_setup(image) {
        draft.spec.setup = s;
    }
}

/// The toolchain an image brings (`python:3.12-slim` → Python 3.12; `alpine:3.20` → none);
/// `None` when the image names a variable and cannot be read.
pub(super) fn image_setup(image: &str) -> Option<spec::Setup> {
    if image.contains('$') {
        return None;
    }
    let mut s = spec::Setup::default();
    let base = image.rsplit('/').next().unwrap_or(image);
    let Some((name, tag)) = base.split_once(':') else {
        return Some(s);
    };
    let version: String = tag
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    if version.is_empty() {
        return Some(s);
    }
    let slot = match name {
        "python" => &mut s.python,
        "node" => &mut s.node,
        "rust" => &mut s.rust,
        "golang" => &mut s.go,
        "eclipse-temurin" | "openjdk" => &mut s.java,
        _ => return Some(s),
    };
    *slot = Some(Scalar(version));
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_names_and_state() {
        assert_eq!(duration("1h 30m").as_deref(), Some("1h30m"));
        assert_eq!(duration("90 minutes").as_deref(), Some("90m"));
        assert_eq!(duration("soon"), None);
        assert_eq!(
            services::service_name("registry.example.com/lib/postgres:16-alpine", None),
            "postgres"
        );
        assert_eq!(services::service_name("postgres:16", Some("db")), "db");
        assert!(stateful("cd sub"));
        assert!(stateful("FOO=1"));
        assert!(stateful("source .venv/bin/activate"));
        assert!(!stateful("pytest --maxfail=1"));
        assert_eq!(references("a $X ${Y_Z} $$ $1"), ["X", "Y_Z"]);
        assert!(secret_like("DEPLOY_TOKEN") && !secret_like("CI_JOB_TOKEN"));
    }
}
