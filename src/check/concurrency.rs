//! Rule: a job's `concurrency` group is a plain name, on a job without matrix, and no three
//! jobs of one group can wait at the same time. GitHub keeps one running and one pending job
//! per group and cancels an older pending one when a newer arrives: matrix cells, or three
//! jobs that nothing orders, would cancel each other there, while GitLab and `cigen run`
//! queue them all.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;

pub(crate) const INVALID_GROUP: Code = Code::new("invalid-concurrency");
pub(crate) const MATRIX_GROUP: Code = Code::new("concurrency-matrix");
pub(crate) const CROWDED_GROUP: Code = Code::new("concurrency-crowded");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[INVALID_GROUP, MATRIX_GROUP, CROWDED_GROUP];

fn valid(group: &str) -> bool {
    !group.is_empty()
        && group.len() <= 200
        && group
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
}

fn path(job: &str) -> YamlPath {
    YamlPath::job(job).key("concurrency")
}

/// The transitive needs of each of `jobs` (missing jobs and cycles are other rules' business).
/// Only jobs in a crowded group are asked: the closure of every job would be quadratic in a
/// long chain.
fn ancestors<'a>(cx: &'a Context<'_>, jobs: &[&'a str]) -> HashMap<&'a str, HashSet<&'a str>> {
    let mut out = HashMap::new();
    for &name in jobs {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut todo: Vec<&str> = vec![name];
        while let Some(n) = todo.pop() {
            if let Some(j) = cx.spec.jobs.get(n) {
                for d in &j.needs {
                    if seen.insert(d.as_str()) {
                        todo.push(d.as_str());
                    }
                }
            }
        }
        out.insert(name, seen);
    }
    out
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let mut groups: IndexMap<&str, Vec<&str>> = IndexMap::new();
    for (job, j) in &cx.spec.jobs {
        let Some(group) = j.concurrency.as_deref() else {
            continue;
        };
        if !valid(group) {
            out.push(
                Diagnostic::error(INVALID_GROUP, format!("`{group}` is not a concurrency group name"))
                    .at(path(job))
                    .with_label("letters, digits, `_`, `-`, `.` and `/` only")
                    .with_help("a group is a plain name both providers take as it is, e.g. `deploy-production`: GitHub would evaluate an expression and GitLab expand a variable, each its own way"),
            );
            continue;
        }
        if j.matrix.is_some() {
            out.push(
                Diagnostic::error(MATRIX_GROUP, format!("job `{job}` has a matrix and a concurrency group"))
                    .at(path(job))
                    .with_label("every cell would join this group")
                    .with_help("GitHub keeps one waiting job per group and cancels the others, so the cells would cancel each other (GitLab and `cigen run` would queue them): lock a job without matrix, e.g. a deploy job that needs this one"),
            );
            continue;
        }
        groups.entry(group).or_default().push(job);
    }
    // Only a group of three or more jobs can be crowded.
    groups.retain(|_, jobs| jobs.len() >= 3);
    let crowded: Vec<&str> = groups.values().flatten().copied().collect();
    let before = ancestors(cx, &crowded);
    let ordered = |a: &str, b: &str| before[a].contains(b) || before[b].contains(a);
    for (group, jobs) in groups {
        // Three jobs no need orders can all wait at once: GitHub would cancel one of them.
        for (i, a) in jobs.iter().enumerate() {
            for (k, b) in jobs.iter().enumerate().skip(i + 1) {
                if ordered(a, b) {
                    continue;
                }
                if let Some(c) = jobs
                    .iter()
                    .skip(k + 1)
                    .find(|c| !ordered(a, c) && !ordered(b, c))
                {
                    out.push(
                        Diagnostic::error(CROWDED_GROUP, format!("jobs `{a}`, `{b}` and `{c}` share concurrency group `{group}` and nothing orders them"))
                            .at(path(c))
                            .with_label("a third job waiting in this group")
                            .with_help("GitHub keeps one running and one waiting job per group and cancels the older waiting one, so one of the three would be cancelled (GitLab and `cigen run` would queue all three): order them with `needs`, or use separate groups"),
                    );
                    return;
                }
            }
        }
    }
}
