//! Rule: `when.matrix` (and `when.not.matrix`) of a job or step, and a job's
//! `allow_failure.matrix`, name keys of the job's matrix, and values some cell has: a typo
//! would otherwise skip every cell (or allow no failure), silently.

use indexmap::IndexMap;

use super::{whens, Context};
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::source::YamlPath;
use crate::spec::{AllowFailure, Job, OneOrMany, Scalar};

pub(crate) const WHEN_MATRIX_KEY: Code = Code::new("when-matrix-key");
pub(crate) const NO_MATCHING_CELL: Code = Code::new("no-matching-cell");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[WHEN_MATRIX_KEY, NO_MATCHING_CELL];

type Wanted = IndexMap<String, OneOrMany<Scalar>>;

/// Every `when.matrix` and `when.not.matrix` of the job and its steps, and the job's
/// `allow_failure.matrix`, with its path and the key's name.
fn conditions<'a>(name: &str, job: &'a Job) -> Vec<(&'a Wanted, YamlPath, &'static str)> {
    let mut out = Vec::new();
    for (_, w, p) in whens(name, job) {
        if !w.matrix.is_empty() {
            out.push((&w.matrix, p.key("matrix"), "when.matrix"));
        }
        if let Some(n) = w.not.as_ref().filter(|n| !n.matrix.is_empty()) {
            out.push((&n.matrix, p.key("not").key("matrix"), "when.matrix"));
        }
    }
    if let Some(AllowFailure::Cells(c)) = job.allow_failure.as_deref() {
        let at = YamlPath::job(name).key("allow_failure").key("matrix");
        out.push((&c.matrix, at, "allow_failure.matrix"));
    }
    out
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (name, job) in &cx.spec.jobs {
        for (wanted, at, what) in conditions(name, job) {
            let Some(m) = &job.matrix else {
                out.push(
                    Diagnostic::error(WHEN_MATRIX_KEY, format!("`{what}` on job `{name}`, which has no matrix"))
                        .at_key(at)
                        .with_help("a matrix condition picks cells of the job's own `matrix:`; add one, or remove the condition"),
                );
                continue;
            };
            // Keys and values from the axes and includes, never by expanding the matrix (it
            // may be too large to expand: rule `matrix-refs` says so).
            let mut keys: Vec<&str> = m.axes.keys().map(String::as_str).collect();
            for inc in &m.include {
                for k in inc.keys() {
                    if !keys.contains(&k.as_str()) {
                        keys.push(k);
                    }
                }
            }
            let has = |k: &str, v: &str| {
                m.axes.get(k).is_some_and(|vs| vs.iter().any(|x| x.0 == v))
                    || m.include
                        .iter()
                        .any(|inc| inc.get(k).is_some_and(|x| x.0 == v))
            };
            for (k, values) in wanted {
                if !keys.iter().any(|x| *x == k) {
                    let mut d = Diagnostic::error(
                        WHEN_MATRIX_KEY,
                        format!("`{k}` is not a matrix key of job `{name}`"),
                    )
                    .at_key(at.key(k));
                    d = match did_you_mean(k, keys.iter().copied()) {
                        Some(s) => d.with_help(format!("did you mean `{s}`?")),
                        None => d.with_help(format!("the job's matrix keys: {}", keys.join(", "))),
                    };
                    out.push(d);
                    continue;
                }
                for v in values.to_vec() {
                    if !has(k, &v.0) {
                        out.push(
                            Diagnostic::warning(NO_MATCHING_CELL, format!("no cell of job `{name}` has {k}={}", v.0))
                                .at(at.key(k))
                                .with_help("the condition can never match this value; check its spelling against the matrix"),
                        );
                    }
                }
            }
        }
    }
}
