//! Rule: `${{ }}` only where GitHub evaluates it safely (secrets, vars and the job's own matrix
//! axes in remote setup and post inputs); elsewhere it is literal text to cigen, which is almost
//! never what the author meant.

use super::{run_path, run_text, Context};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;

pub(crate) const LITERAL_EXPRESSION: Code = Code::new("literal-expression");
pub(crate) const UNSAFE_EXPRESSION: Code = Code::new("unsafe-expression");
pub(crate) const MATRIX_INPUT: Code = Code::new("matrix-input-axis");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[LITERAL_EXPRESSION, UNSAFE_EXPRESSION, MATRIX_INPUT];

/// The axes of a job's matrix: its axis keys and the keys its includes add. Matrix values are
/// the spec's own text (GitHub writes them into `strategy.matrix.include`), so passing one to
/// an action input carries nothing a pull request controls.
fn matrix_axes(cx: &Context<'_>, job: &str) -> Vec<String> {
    let Some(m) = cx.spec.jobs.get(job).and_then(|j| j.matrix.as_deref()) else {
        return Vec::new();
    };
    let mut keys: Vec<String> = m.axes.keys().cloned().collect();
    for k in m.include.iter().flat_map(|i| i.keys()) {
        if !keys.contains(k) {
            keys.push(k.clone());
        }
    }
    keys
}

fn expressions(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("${{") {
        let after = &rest[open + 3..];
        match after.find("}}") {
            Some(close) => {
                out.push(after[..close].trim());
                rest = &after[close + 2..];
            }
            None => {
                out.push(after.trim());
                break;
            }
        }
    }
    out
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (job, j) in &cx.spec.jobs {
        let jp = || YamlPath::job(job);
        for (i, step) in j.steps.iter().enumerate() {
            let exprs = expressions(run_text(step));
            if exprs.iter().any(|e| !e.starts_with("secrets.")) {
                out.push(
                    Diagnostic::warning(LITERAL_EXPRESSION, "`${{ ... }}` in a command is passed literally, not evaluated")
                        .at(run_path(step, &jp().key("steps").index(i)))
                        .with_help("cigen runs the same command everywhere: read matrix values from $MATRIX_<KEY> and CI data from env variables"),
                );
            }
        }
    }
    for (at, step) in super::remote_steps(cx.spec) {
        for (k, v) in step.with {
            for e in expressions(&v.0) {
                let simple = |prefix: &str| {
                    e.strip_prefix(prefix).is_some_and(|n| {
                        !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    })
                };
                if let Some(axis) = e.strip_prefix("matrix.").filter(|_| simple("matrix.")) {
                    let axes = matrix_axes(cx, step.job);
                    if !axes.iter().any(|a| a == axis) {
                        let known = if axes.is_empty() {
                            format!("job `{}` has no matrix", step.job)
                        } else {
                            format!("its axes: {}", axes.join(", "))
                        };
                        out.push(
                            Diagnostic::error(MATRIX_INPUT, format!("`${{{{ {e} }}}}`: job `{}` has no matrix axis `{axis}`", step.job))
                                .at(at.key("with").key(k))
                                .with_help(format!("a remote step input may name an axis of its own job's matrix ({known})")),
                        );
                    }
                } else if !(simple("secrets.") || simple("vars.")) {
                    out.push(
                        Diagnostic::error(UNSAFE_EXPRESSION, format!("expression `${{{{ {e} }}}}` is not allowed in {} inputs", step.place))
                            .at(at.key("with").key(k))
                            .with_help("only `${{ secrets.NAME }}`, `${{ vars.NAME }}` and `${{ matrix.AXIS }}` of the job's own matrix are allowed: other contexts can carry attacker-controlled text"),
                    );
                }
            }
        }
    }
}
