//! Rule: per-job target settings (setup, post, before/after script) name real jobs, remote actions are well-formed, and a
//! Forgejo actions URL is one.

use super::Context;
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::shape::MISSING_KEY;
use crate::source::YamlPath;

pub(crate) const UNKNOWN_JOB: Code = Code::new("unknown-job");
pub(crate) const INVALID_ACTION: Code = Code::new("invalid-action");
pub(crate) const INVALID_ACTIONS_URL: Code = Code::new("invalid-actions-url");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[
    UNKNOWN_JOB,
    MISSING_KEY,
    INVALID_ACTION,
    INVALID_ACTIONS_URL,
];

/// Why `actions_url` of `target` cannot be written before `owner/repo@sha`, if it cannot.
fn actions_url_problem(target: &str, url: &str) -> Option<&'static str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    if target != "forgejo" {
        Some("only Forgejo fetches actions from a URL; GitHub always uses github.com")
    } else if rest.is_none_or(|r| r.trim_end_matches('/').is_empty()) {
        Some("it is not an http(s) URL")
    } else if url.chars().any(|c| c.is_whitespace() || c == '@') {
        Some("it contains a space or `@`")
    } else {
        None
    }
}

fn job_ref(cx: &Context<'_>, job: &str, path: YamlPath, out: &mut Vec<Diagnostic>) {
    if cx.spec.jobs.contains_key(job) || cx.dropped_jobs.contains(job) {
        return;
    }
    let mut d =
        Diagnostic::error(UNKNOWN_JOB, format!("`{job}` is not a job of this spec")).at_key(path);
    if let Some(s) = did_you_mean(job, cx.spec.jobs.keys().map(String::as_str)) {
        d = d.with_help(format!("did you mean `{s}`?"));
    } else {
        d = d.with_help("keys here are job names");
    }
    out.push(d);
}

/// `owner/repo[/path][@<40 hex>]`.
pub fn check_uses(uses: &str) -> Result<(), String> {
    let (name, reference) = match uses.split_once('@') {
        Some((n, r)) => (n, Some(r)),
        None => (uses, None),
    };
    let parts: Vec<&str> = name.split('/').collect();
    let ok_part = |p: &str| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    };
    if parts.len() < 2 || !parts.iter().all(|p| ok_part(p)) {
        return Err("expected `owner/repo` or `owner/repo/path`".into());
    }
    if let Some(r) = reference {
        if !(r.len() == 40
            && r.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()))
        {
            return Err(format!("`@{r}` is not a full commit SHA; pin to 40 hex digits or omit it to use cigen's pin table"));
        }
    }
    Ok(())
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(t) = &cx.spec.targets else { return };
    let tp = YamlPath::root().key("targets");
    for (target, gh) in t.workflows() {
        if let Some(url) = &gh.actions_url {
            if let Some(why) = actions_url_problem(target, url) {
                out.push(
                    Diagnostic::error(INVALID_ACTIONS_URL, format!("invalid `actions_url`: {why}"))
                        .at(tp.key(target).key("actions_url"))
                        .with_help("write the forge actions are fetched from, e.g. `actions_url: https://github.com`, under `targets.forgejo`"),
                );
            }
        }
        for (job, steps) in &gh.setup {
            let jp = tp.key(target).key("setup").key(job);
            job_ref(cx, job, jp.clone(), out);
            for (i, s) in steps.iter().enumerate() {
                match &s.uses {
                    None => out.push(
                        Diagnostic::error(MISSING_KEY, "a setup step needs `uses:`")
                            .at_key(jp.index(i))
                            .with_help("name an action, e.g. `uses: aws-actions/configure-aws-credentials`; commands belong in steps"),
                    ),
                    Some(u) => {
                        if let Err(why) = check_uses(u) {
                            out.push(
                                Diagnostic::error(INVALID_ACTION, format!("invalid action `{u}`: {why}"))
                                    .at(jp.index(i).key("uses"))
                                    .with_help("write `owner/repo` to use cigen's pinned version, or pin it yourself: `owner/repo@<40-hex commit sha>`"),
                            );
                        }
                    }
                }
            }
        }
        for (job, steps) in &gh.post {
            let jp = tp.key(target).key("post").key(job);
            job_ref(cx, job, jp.clone(), out);
            for (i, s) in steps.iter().enumerate() {
                if let Err(why) = check_uses(&s.uses) {
                    out.push(
                        Diagnostic::error(INVALID_ACTION, format!("invalid action `{}`: {why}", s.uses))
                            .at(jp.index(i).key("uses"))
                            .with_help("write `owner/repo` to use cigen's pinned version, or pin it yourself: `owner/repo@<40-hex commit sha>`"),
                    );
                }
            }
        }
        if let Some(a) = &gh.action {
            if a.split_once('@').is_none() {
                out.push(
                    Diagnostic::error(
                        INVALID_ACTION,
                        "`action` must be pinned: `owner/repo@<40-hex sha>`",
                    )
                    .at(tp.key(target).key("action"))
                    .with_help("omit `action` to use the default pin"),
                );
            } else if let Err(why) = check_uses(a) {
                out.push(
                    Diagnostic::error(INVALID_ACTION, format!("invalid action `{a}`: {why}"))
                        .at(tp.key(target).key("action"))
                        .with_help("pin it as `owner/repo@<40-hex commit sha>`, or omit `action` to use the default pin"),
                );
            }
        }
    }
    if let Some(gl) = &t.gitlab {
        for job in gl.before_script.keys() {
            job_ref(cx, job, tp.key("gitlab").key("before_script").key(job), out);
        }
        for job in gl.after_script.keys() {
            job_ref(cx, job, tp.key("gitlab").key("after_script").key(job), out);
        }
    }
}
