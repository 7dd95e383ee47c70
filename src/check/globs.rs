//! Rule: globs in `changed`, `branch` and trigger filters compile.

use super::Context;
use crate::diagnostic::Diagnostic;
use crate::source::YamlPath;
use crate::spec::{StepSpec, When};

fn glob(pattern: &str, path: YamlPath, out: &mut Vec<Diagnostic>) {
    let p = pattern.strip_prefix('!').unwrap_or(pattern);
    let problem = if p.trim().is_empty() {
        Some("the pattern is empty".to_string())
    } else {
        globset::GlobBuilder::new(p)
            .literal_separator(true)
            .build()
            .err()
            .map(|e| e.kind().to_string())
    };
    if let Some(why) = problem {
        out.push(
            Diagnostic::error("invalid-glob", format!("invalid glob `{pattern}`: {why}"))
                .at(path)
                .with_label("not a valid glob")
                .with_help("globs use `*` (within a directory), `**` (any depth), `?`, `[abc]` and `{a,b}`"),
        );
    }
}

fn when(w: &Option<When>, path: YamlPath, out: &mut Vec<Diagnostic>) {
    let Some(w) = w else { return };
    for (i, c) in w.changed.iter().enumerate() {
        glob(c, path.key("changed").index(i), out);
    }
    if let Some(b) = &w.branch {
        let many = matches!(b, crate::spec::OneOrMany::Many(_));
        for (i, p) in b.to_vec().into_iter().enumerate() {
            glob(
                p,
                if many {
                    path.key("branch").index(i)
                } else {
                    path.key("branch")
                },
                out,
            );
        }
    }
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (name, job) in &cx.spec.jobs {
        let jp = YamlPath::root().key("jobs").key(name);
        when(&job.when, jp.key("when"), out);
        for (i, s) in job.steps.iter().enumerate() {
            if let StepSpec::Full(s) = s {
                when(&s.when, jp.key("steps").index(i).key("when"), out);
            }
        }
    }
    let tp = YamlPath::root().key("triggers");
    if let Some(push) = &cx.spec.triggers.push {
        for (i, b) in push.branches.iter().enumerate() {
            glob(b, tp.key("push").key("branches").index(i), out);
        }
        for (i, t) in push.tags.iter().enumerate() {
            glob(t, tp.key("push").key("tags").index(i), out);
        }
    }
    if let Some(pr) = &cx.spec.triggers.pull_request {
        for (i, b) in pr.branches.iter().enumerate() {
            glob(b, tp.key("pull_request").key("branches").index(i), out);
        }
    }
}
