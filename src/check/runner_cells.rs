//! Rule: runners are typed. A GitHub label holding `${{ }}` (`runs-on: ${{ matrix.os }}`)
//! would be escaped into a literal label no runner has, so the job would wait forever (and
//! GitLab tags never evaluate it); the
//! typed way is `runs-on.matrix` + `runs-on.cells`, and those must cover exactly the job's
//! cells, each with a known OS and as many GitLab tags as the others.

use super::Context;
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::source::YamlPath;
use crate::spec::{Job, OneOrMany};

pub(crate) const RUNS_ON_EXPRESSION: Code = Code::new("runs-on-expression");
pub(crate) const RUNNER_CELLS: Code = Code::new("runner-cells");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[RUNS_ON_EXPRESSION, RUNNER_CELLS];

const TYPED: &str = "to give each matrix cell its own runner, name the axis and a runner per value: `runs-on: { matrix: os, cells: { linux: { github: ubuntu-24.04 }, windows: { github: windows-2022 }, macos: { github: macos-14 } } }` (README, Keys real workflows use)";

/// Every label of `labels` holding `${{`, with its path.
fn expressions(labels: Option<&OneOrMany<String>>, at: YamlPath) -> Vec<YamlPath> {
    match labels {
        Some(OneOrMany::One(l)) if l.contains("${{") => vec![at],
        Some(OneOrMany::Many(ls)) => ls
            .iter()
            .enumerate()
            .filter(|(_, l)| l.contains("${{"))
            .map(|(i, _)| at.index(i))
            .collect(),
        _ => vec![],
    }
}

fn expression_error(at: YamlPath) -> Diagnostic {
    Diagnostic::error(
        RUNS_ON_EXPRESSION,
        "`${{ }}` in a runner label is not evaluated: cigen writes it as literal text, and the job waits for a runner with that name",
    )
    .at(at)
    .with_label("a GitHub expression")
    .with_help(TYPED)
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if let Some(targets) = &cx.spec.targets {
        let mut found = Vec::new();
        for (key, t) in targets.workflows() {
            let at = YamlPath::root().key("targets").key(key).key("runs-on");
            found.extend(expressions(t.runs_on.as_ref(), at));
        }
        if let Some(g) = &targets.gitlab {
            let at = YamlPath::root().key("targets").key("gitlab").key("tags");
            found.extend(expressions(g.tags.as_ref(), at));
        }
        out.extend(found.into_iter().map(expression_error));
    }
    for (name, job) in &cx.spec.jobs {
        let reserved = [
            (crate::contract::GITHUB_RUNNER_KEY, "runner labels"),
            (crate::contract::GITHUB_ALLOW_FAILURE_KEY, "allowed failure"),
        ];
        for (reserved, what) in reserved {
            if job.matrix.as_ref().is_some_and(|m| {
                m.axes.contains_key(reserved) || m.include.iter().any(|c| c.contains_key(reserved))
            }) {
                out.push(
                    cell_error(
                        format!("`{reserved}` is the key cigen gives each GitHub cell's {what}, not a matrix axis"),
                        YamlPath::job(name).key("matrix"),
                    )
                    .with_help("rename the axis"),
                );
            }
        }
        let Some(r) = &job.runs_on else { continue };
        let at = YamlPath::job(name).key("runs-on");
        // GitLab tags are read by GitLab, which has no `${{ }}` at all (images: rule
        // `runner-images`).
        let mut found = expressions(r.github.as_ref(), at.key("github"));
        found.extend(expressions(r.gitlab.as_ref(), at.key("gitlab")));
        for (value, c) in &r.cells {
            let at = at.key("cells").key(value);
            found.extend(expressions(c.github.as_ref(), at.key("github")));
            found.extend(expressions(c.gitlab.as_ref(), at.key("gitlab")));
        }
        out.extend(found.into_iter().map(expression_error));
        cells(cx, name, job, &at, out);
    }
}

fn cell_error(message: String, at: YamlPath) -> Diagnostic {
    Diagnostic::error(RUNNER_CELLS, message).at(at)
}

/// `runs-on.matrix` and `runs-on.cells` of one job.
fn cells(cx: &Context<'_>, name: &str, job: &Job, at: &YamlPath, out: &mut Vec<Diagnostic>) {
    let Some(r) = &job.runs_on else { return };
    let axis = match (&r.matrix, r.cells.is_empty()) {
        (None, true) => return,
        (None, false) => {
            out.push(
                cell_error(
                    format!("`runs-on.cells` of job `{name}` names no matrix axis"),
                    at.key("cells"),
                )
                .with_help("add `matrix: <axis>` beside `cells`: the axis whose value picks each cell's runner"),
            );
            return;
        }
        (Some(_), true) => {
            out.push(
                cell_error(
                    format!("`runs-on.matrix` of job `{name}` has no `cells`"),
                    at.key("matrix"),
                )
                .with_help(TYPED),
            );
            return;
        }
        (Some(axis), false) => axis,
    };
    let Some(m) = &job.matrix else {
        out.push(
            cell_error(
                format!("job `{name}` has no matrix, so no axis `{axis}` to pick runners by"),
                at.key("matrix"),
            )
            .with_help(
                "add the axis under `matrix:`, e.g. `matrix: { os: [linux, windows, macos] }`",
            ),
        );
        return;
    };
    let m = crate::matrix::expand(m);
    let keys: Vec<&str> = m.keys().collect();
    if !keys.contains(&axis.as_str()) {
        let mut d = cell_error(
            format!("job `{name}` has no matrix axis `{axis}`"),
            at.key("matrix"),
        );
        if let Some(s) = did_you_mean(axis, keys.iter().copied()) {
            d = d.with_help(format!("did you mean `{s}`?"));
        }
        out.push(d);
        return;
    }
    let values: Vec<Option<&String>> = m.cells.iter().map(|c| c.values.get(axis)).collect();
    for (value, c) in &r.cells {
        let entry = at.key("cells").key(value);
        if !values.iter().flatten().any(|v| *v == value) {
            let mut d = Diagnostic::error(
                RUNNER_CELLS,
                format!("no cell of job `{name}` has `{axis}: {value}`"),
            )
            .at_key(entry.clone());
            if let Some(s) = did_you_mean(value, values.iter().flatten().map(|v| v.as_str())) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            out.push(d);
        }
        if c.os_for(value).is_none() {
            out.push(
                Diagnostic::error(
                    RUNNER_CELLS,
                    format!("the cells with `{axis}: {value}` name no operating system"),
                )
                .at_key(entry)
                .with_help("add `os: linux`, `os: windows` or `os: macos`: `cigen run` skips a cell meant for another OS than the machine's"),
            );
        }
    }
    let mut missing: Vec<String> = Vec::new();
    for (cell, v) in m.cells.iter().zip(&values) {
        match v {
            Some(v) if r.cells.contains_key(v.as_str()) => {}
            Some(v) => missing.push(format!("`{v}`")),
            None => missing.push(format!("the cell {{{}}} (no `{axis}`)", cell.label())),
        }
    }
    missing.dedup();
    if !missing.is_empty() {
        out.push(
            cell_error(
                format!(
                    "`runs-on.cells` of job `{name}` has no runner for {}",
                    missing.join(", ")
                ),
                at.key("cells"),
            )
            .with_help(format!(
                "every cell needs a runner: add an entry for each value of `{axis}`"
            )),
        );
    }
    tag_counts(cx, name, job, at, out);
}

/// Every cell needs as many GitLab tags as the others: GitLab fills one `tags:` list from
/// each cell's variables.
fn tag_counts(cx: &Context<'_>, name: &str, job: &Job, at: &YamlPath, out: &mut Vec<Diagnostic>) {
    let Some(r) = &job.runs_on else { return };
    let fallback = r
        .gitlab
        .as_ref()
        .or_else(|| cx.spec.targets.as_ref()?.gitlab.as_ref()?.tags.as_ref())
        .map_or(0, |t| t.to_vec().len());
    let counts: Vec<(&String, usize)> = r
        .cells
        .iter()
        .map(|(v, c)| (v, c.gitlab.as_ref().map_or(fallback, |t| t.to_vec().len())))
        .collect();
    if let Some(((first, n), (other, k))) = counts
        .first()
        .and_then(|f| counts.iter().find(|(_, k)| *k != f.1).map(|o| (f, o)))
    {
        out.push(
            cell_error(
                format!("in job `{name}`, the cells with `{first}` have {n} GitLab tags and those with `{other}` {k}"),
                at.key("cells").key(other.as_str()),
            )
            .with_help("give every cell as many tags (GitLab fills one `tags:` list from each cell's variables)"),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn os_names_round_trip() {
        for os in crate::spec::Os::ALL {
            assert_eq!(crate::spec::Os::from_name(os.name()), Some(os));
        }
    }
}
