//! Rule: secrets are declared where they are used: `${{ secrets.X }}` in remote setup and post steps, and a
//! job's commands may not read a secret declared only for another job.

use super::{env_maps, is_env_name, reads_var, run_path, run_text, Context};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;
use crate::spec::{Secret, Spec};

/// Every secret declaration with its place: the spec-wide list, then each job's, with the
/// job's name.
pub(crate) fn declarations(spec: &Spec) -> Vec<(&Secret, YamlPath, Option<&str>)> {
    let mut out: Vec<(&Secret, YamlPath, Option<&str>)> = spec
        .secrets
        .iter()
        .enumerate()
        .map(|(i, s)| (s, YamlPath::root().key("secrets").index(i), None))
        .collect();
    for (job, j) in &spec.jobs {
        for (i, s) in j.secrets.iter().enumerate() {
            let path = YamlPath::job(job).key("secrets").index(i);
            out.push((s, path, Some(job.as_str())));
        }
    }
    out
}

pub(crate) const INVALID_SECRET_NAME: Code = Code::new("invalid-secret-name");
pub(crate) const UNDECLARED_SECRET: Code = Code::new("undeclared-secret");
pub(crate) const SECRET_EXPRESSION: Code = Code::new("secret-expression");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[INVALID_SECRET_NAME, UNDECLARED_SECRET, SECRET_EXPRESSION];

/// Names used as `secrets.NAME` inside `${{ }}` expressions.
pub(crate) fn expression_secrets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("${{") {
        let after = &rest[open + 3..];
        let close = after.find("}}").unwrap_or(after.len());
        let expr = &after[..close];
        let mut e = expr;
        while let Some(p) = e.find("secrets.") {
            let name: String = e[p + 8..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push(name);
            }
            e = &e[p + 8..];
        }
        rest = &after[close.min(after.len())..];
    }
    out
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let spec = cx.spec;
    // Secret names must be usable as environment variables.
    let declared: Vec<(String, YamlPath)> = declarations(spec)
        .into_iter()
        .map(|(s, path, _)| {
            let path = match s {
                Secret::Name(_) => path,
                Secret::Full(_) => path.key("name"),
            };
            (s.name().to_string(), path)
        })
        .collect();
    for (name, path) in &declared {
        if !is_env_name(name) {
            out.push(
                Diagnostic::error(
                    INVALID_SECRET_NAME,
                    format!("secret name `{name}` is not a valid environment variable name"),
                )
                .at(path.clone())
                .with_help("use letters, digits and `_`, not starting with a digit"),
            );
        }
    }
    let available = |job: &str, name: &str| {
        spec.secrets.iter().any(|s| s.name() == name)
            || spec
                .jobs
                .get(job)
                .is_some_and(|j| j.secrets.iter().any(|s| s.name() == name))
    };
    for (at, step) in super::remote_steps(spec) {
        for (k, v) in step.with {
            for name in expression_secrets(&v.0) {
                if !available(step.job, &name) {
                    out.push(
                        Diagnostic::error(
                            UNDECLARED_SECRET,
                            format!("secret `{name}` is used but not declared"),
                        )
                        .at(at.key("with").key(k))
                        .with_help(format!(
                            "add `{name}` to `secrets:` of the spec or of job `{}`",
                            step.job
                        )),
                    );
                }
            }
        }
    }
    // Only jobs that declare secrets matter below; listing them once keeps big specs linear.
    let with_secrets: Vec<(&String, &crate::spec::Job)> = spec
        .jobs
        .iter()
        .filter(|(_, j)| !j.secrets.is_empty())
        .collect();
    for (job, j) in &spec.jobs {
        let jp = || YamlPath::job(job);
        for (i, step) in j.steps.iter().enumerate() {
            let text = run_text(step);
            for name in expression_secrets(text) {
                let d = if available(job, &name) {
                    Diagnostic::error(
                        SECRET_EXPRESSION,
                        format!(
                            "`${{{{ secrets.{name} }}}}` in a command is not evaluated by cigen"
                        ),
                    )
                    .with_help(format!(
                        "declared secrets reach commands as environment variables: use \"${name}\""
                    ))
                } else {
                    Diagnostic::error(
                        UNDECLARED_SECRET,
                        format!("secret `{name}` is used but not declared"),
                    )
                    .with_help(format!(
                        "declare it in `secrets:` of job `{job}` and use \"${name}\""
                    ))
                };
                out.push(d.at(run_path(step, &jp().key("steps").index(i))));
            }
            for (other, oj) in &with_secrets {
                if *other == job {
                    continue;
                }
                for name in oj.secrets.iter().map(Secret::name) {
                    if !available(job, name) && reads_var(text, name) {
                        out.push(
                            Diagnostic::error(UNDECLARED_SECRET, format!("job `{job}` reads secret `{name}`, which is declared only for job `{other}`"))
                                .at(run_path(step, &jp().key("steps").index(i)))
                                .with_help(format!("add `{name}` to `secrets:` of job `{job}` (or of the whole spec)")),
                        );
                    }
                }
            }
        }
    }
    for (env, path) in env_maps(spec) {
        for (k, v) in env {
            for side in [true, false] {
                if let Some(t) = v.resolve(side) {
                    for name in expression_secrets(t) {
                        out.push(
                            Diagnostic::error(SECRET_EXPRESSION, format!("`${{{{ secrets.{name} }}}}` in env is not evaluated by cigen"))
                                .at(path.key(k))
                                .with_help(format!("declare `{name}` in `secrets:`; cigen passes it to every step as ${name}")),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_expression_secrets_and_reads() {
        assert_eq!(
            expression_secrets("${{ secrets.AWS_ROLE }} and ${{secrets.X}}"),
            vec!["AWS_ROLE", "X"]
        );
        assert!(reads_var("echo $TOKEN", "TOKEN"));
        assert!(reads_var("echo ${TOKEN}", "TOKEN"));
        assert!(!reads_var("echo $TOKENS", "TOKEN"));
        assert!(!reads_var("echo TOKEN", "TOKEN"));
    }
}
