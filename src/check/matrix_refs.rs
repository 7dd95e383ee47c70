//! Rule: matrix values referenced by steps (`$MATRIX_X`) exist, exclude/include use real axes,
//! axes are not empty, and at least one cell remains.

use std::collections::HashSet;

use super::{run_path, run_text, Context};
use crate::contract::matrix_env_name as env_name;
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::matrix::expand;
use crate::source::YamlPath;

pub(crate) const MATRIX_TOO_LARGE: Code = Code::new("matrix-too-large");
pub(crate) const EMPTY_MATRIX_AXIS: Code = Code::new("empty-matrix-axis");
pub(crate) const INVALID_MATRIX_KEY: Code = Code::new("invalid-matrix-key");
pub(crate) const UNKNOWN_MATRIX_KEY: Code = Code::new("unknown-matrix-key");
pub(crate) const EMPTY_MATRIX: Code = Code::new("empty-matrix");
pub(crate) const UNDEFINED_MATRIX_KEY: Code = Code::new("undefined-matrix-key");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[
    MATRIX_TOO_LARGE,
    EMPTY_MATRIX_AXIS,
    INVALID_MATRIX_KEY,
    UNKNOWN_MATRIX_KEY,
    EMPTY_MATRIX,
    UNDEFINED_MATRIX_KEY,
];

/// `MATRIX_...` names referenced in a text (`$MATRIX_PY`, `${MATRIX_PY}`, `%MATRIX_PY%`).
fn references(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(pos) = text[i..].find("MATRIX_") {
        let start = i + pos;
        let boundary =
            start == 0 || !(bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_');
        let mut end = start + "MATRIX_".len();
        while end < bytes.len()
            && (bytes[end].is_ascii_uppercase()
                || bytes[end].is_ascii_digit()
                || bytes[end] == b'_')
        {
            end += 1;
        }
        if boundary && end > start + "MATRIX_".len() {
            out.push(text[start..end].to_string());
        }
        i = end.max(start + 1);
    }
    out
}

/// Above this product of axis sizes the matrix is not even expanded.
const MAX_PRODUCT: usize = 65_536;
/// GitHub Actions runs at most this many jobs per matrix; checked only when the GitHub target
/// is generated.
const GITHUB_MAX_CELLS: usize = 256;
/// GitLab's `parallel: matrix` runs at most this many jobs; checked only when the GitLab
/// target is generated (its back end refuses more, so `check` must too).
const GITLAB_MAX_CELLS: usize = 200;

/// Product of the axis sizes plus the includes: an upper bound on the cells.
fn product(m: &crate::spec::Matrix) -> usize {
    m.axes
        .values()
        .fold(1usize, |acc, v| acc.saturating_mul(v.len().max(1)))
        .saturating_add(m.include.len())
}

/// The tightest limit of a generated provider that `cells` exceeds.
fn provider_limit(
    cells: usize,
    github: bool,
    gitlab: bool,
) -> Option<(usize, &'static str, &'static str, usize)> {
    if gitlab && cells > GITLAB_MAX_CELLS {
        Some((
            cells,
            "GitLab's `parallel: matrix`",
            "GitLab",
            GITLAB_MAX_CELLS,
        ))
    } else if github && cells > GITHUB_MAX_CELLS {
        Some((cells, "GitHub Actions", "GitHub", GITHUB_MAX_CELLS))
    } else {
        None
    }
}

fn too_large(mp: &YamlPath, cells: usize) -> Diagnostic {
    Diagnostic::error(
        MATRIX_TOO_LARGE,
        format!("the matrix has {cells} combinations; at most {MAX_PRODUCT} are allowed"),
    )
    .at_key(mp.clone())
    .with_label("too many combinations")
    .with_help(
        "remove values or split the job (GitHub runs at most 256 cells per matrix, GitLab 200)",
    )
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // No `targets:` means every target, GitHub included.
    let github = cx.spec.targets.as_ref().is_none_or(|t| t.github.is_some());
    let gitlab = cx.spec.targets.as_ref().is_none_or(|t| t.gitlab.is_some());
    for (name, job) in &cx.spec.jobs {
        let jp = || YamlPath::job(name);
        let mut keys: Vec<&str> = Vec::new();
        if let Some(m) = &job.matrix {
            let mp = jp().key("matrix");
            for (axis, values) in &m.axes {
                keys.push(axis);
                if values.is_empty() {
                    out.push(
                        Diagnostic::error(
                            EMPTY_MATRIX_AXIS,
                            format!("matrix axis `{axis}` has no values"),
                        )
                        .at(mp.key(axis))
                        .with_help("list at least one value, or remove the axis"),
                    );
                }
                if !axis
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                {
                    out.push(
                        Diagnostic::error(
                            INVALID_MATRIX_KEY,
                            format!("matrix key `{axis}` must use letters, digits, `-` and `_`"),
                        )
                        .at_key(mp.key(axis))
                        .with_help("it becomes the env variable name MATRIX_<KEY>"),
                    );
                }
            }
            for (i, ex) in m.exclude.iter().enumerate() {
                for k in ex.keys() {
                    if !m.axes.contains_key(k) {
                        let mut d = Diagnostic::error(
                            UNKNOWN_MATRIX_KEY,
                            format!("`exclude` names `{k}`, which is not a matrix axis"),
                        )
                        .at_key(mp.key("exclude").index(i).key(k));
                        if let Some(s) = did_you_mean(k, m.axes.keys().map(String::as_str)) {
                            d = d.with_help(format!("did you mean `{s}`?"));
                        } else {
                            d = d.with_help("exclude entries may only use the axes defined above");
                        }
                        out.push(d);
                    }
                }
            }
            for inc in &m.include {
                keys.extend(inc.keys().map(String::as_str));
            }
            if m.axes.is_empty() && m.include.is_empty() {
                if !cx.dropped_under(&mp) {
                    out.push(Diagnostic::error(EMPTY_MATRIX, "the matrix has no axes").at(mp.clone()).with_help("add an axis such as `python: [\"3.12\", \"3.13\"]`, or remove `matrix:`"));
                }
            } else if product(m) > MAX_PRODUCT {
                // Expanding would take minutes and gigabytes; say so without expanding.
                out.push(too_large(&mp, product(m)));
            } else if let Some((cells, provider, target, limit)) =
                provider_limit(expand(m).cells.len(), github, gitlab)
            {
                out.push(
                    Diagnostic::error(MATRIX_TOO_LARGE, format!("the matrix has {cells} cells; {provider} runs at most {limit} per job"))
                        .at_key(mp.clone())
                        .with_label("too many runners")
                        .with_help(format!("remove values, `exclude` combinations or split the job (or generate no {target} target)")),
                );
            } else if !m.axes.is_empty()
                && m.axes.values().all(|v| !v.is_empty())
                && expand(m).cells.is_empty()
            {
                out.push(
                    Diagnostic::error(EMPTY_MATRIX, "`exclude` removes every matrix combination")
                        .at_key(mp.key("exclude"))
                        .with_help("the job would never run; loosen `exclude`"),
                );
            }
        }
        let mut defined: HashSet<String> = keys.iter().map(|k| env_name(k)).collect();
        // A matrix (or axis) with shape errors was dropped and reported; its keys still count.
        if !cx.dropped.is_empty() {
            let mp = jp().key("matrix");
            if job.matrix.is_none() && cx.dropped.iter().any(|d| d.0 == mp.0) {
                continue;
            }
            for d in cx
                .dropped
                .iter()
                .filter(|d| d.0.len() == mp.0.len() + 1 && d.0.starts_with(&mp.0))
            {
                if let Some(crate::source::PathSegment::Key(k)) = d.0.last() {
                    defined.insert(env_name(k));
                }
            }
        }
        // Where each text is, as a path only for a reference reported (most have none).
        let mut texts: Vec<(std::borrow::Cow<'_, str>, Result<usize, &str>)> = Vec::new();
        for (i, step) in job.steps.iter().enumerate() {
            texts.push((run_text(step).into(), Ok(i)));
        }
        for (k, v) in &job.env {
            if let Some(t) = v.resolve(true) {
                texts.push((t.into(), Err(k)));
            }
        }
        let path = |at: Result<usize, &str>| match at {
            Ok(i) => run_path(&job.steps[i], &jp().key("steps").index(i)),
            Err(k) => jp().key("env").key(k),
        };
        let mut seen = HashSet::new();
        for (text, at) in texts {
            for r in references(&text) {
                if defined.contains(&r) || !seen.insert(r.clone()) {
                    continue;
                }
                let d = if job.matrix.is_none() {
                    Diagnostic::error(
                        UNDEFINED_MATRIX_KEY,
                        format!("`{r}` is used but job `{name}` has no matrix"),
                    )
                    .at(path(at))
                    .with_help("add a `matrix:` to the job, or remove the reference")
                } else {
                    // Compare the key parts only: the shared `MATRIX_` prefix would make any
                    // two names look close.
                    let key_part = |n: &str| n.strip_prefix("MATRIX_").unwrap_or(n).to_string();
                    let keys_only: Vec<String> = defined.iter().map(|d| key_part(d)).collect();
                    let hint = did_you_mean(&key_part(&r), keys_only.iter().map(String::as_str))
                        .map(|k| format!("MATRIX_{k}"));
                    let d = Diagnostic::error(
                        UNDEFINED_MATRIX_KEY,
                        format!("`{r}` is used but the matrix of `{name}` defines no such key"),
                    )
                    .at(path(at));
                    match hint {
                        Some(h) => d.with_help(format!("did you mean `{h}`?")),
                        None => d.with_help(format!("defined: {}", {
                            let mut all: Vec<&str> = defined.iter().map(String::as_str).collect();
                            all.sort_unstable();
                            all.join(", ")
                        })),
                    }
                };
                out.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_references() {
        assert_eq!(
            super::references("pytest --py $MATRIX_PY ${MATRIX_OS}x NOTMATRIX_A"),
            vec!["MATRIX_PY", "MATRIX_OS"]
        );
    }
}
