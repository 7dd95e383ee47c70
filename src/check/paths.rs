//! Rule: paths in the spec are relative to it and stay inside the repository, so the same
//! spec works on every checkout (a laptop's `/home/me/...` does not exist on a runner).

use super::Context;
use crate::diagnostic::Diagnostic;
use crate::source::YamlPath;
use crate::spec::StepSpec;

/// Why `path` is not a repository-relative path, if it is not.
pub(crate) fn problem(path: &str) -> Option<&'static str> {
    let p = path.trim();
    if p.is_empty() {
        return Some("is empty");
    }
    if p.starts_with('/')
        || p.starts_with('\\')
        || p.as_bytes().get(1) == Some(&b':')
        || p.starts_with('~')
    {
        return Some("is absolute");
    }
    if p.split(['/', '\\']).any(|c| c == "..") {
        return Some("leaves it with `..`");
    }
    None
}

fn one(path_text: Option<&str>, at: YamlPath, what: &str, out: &mut Vec<Diagnostic>) {
    let Some(text) = path_text else { return };
    if let Some(why) = problem(text) {
        out.push(
            Diagnostic::error(
                "invalid-path",
                format!("{what} must be a path inside the repository: `{text}` {why}"),
            )
            .at(at)
            .with_label("not a repository path")
            .with_help(
                "write a path inside the repository, relative to cigen.yaml, e.g. `services/api`",
            ),
        );
    }
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let spec = cx.spec;
    one(
        spec.env_file.as_deref(),
        YamlPath::root().key("env_file"),
        "env_file",
        out,
    );
    for (name, job) in &spec.jobs {
        let jp = YamlPath::root().key("jobs").key(name);
        one(
            job.working_directory.as_deref(),
            jp.key("working_directory"),
            "working_directory",
            out,
        );
        for (i, a) in job.artifacts.iter().enumerate() {
            one(
                Some(a.trim_start_matches('!')),
                jp.key("artifacts").index(i),
                "artifact",
                out,
            );
        }
        for (i, s) in job.steps.iter().enumerate() {
            if let StepSpec::Full(s) = s {
                one(
                    s.working_directory.as_deref(),
                    jp.key("steps").index(i).key("working_directory"),
                    "working_directory",
                    out,
                );
            }
        }
    }
    if let Some(t) = &spec.targets {
        let tp = YamlPath::root().key("targets");
        let files = [
            ("github", t.github.as_ref().map(|g| (&g.path, &g.template))),
            ("gitlab", t.gitlab.as_ref().map(|g| (&g.path, &g.template))),
            ("just", t.just.as_ref().map(|j| (&j.path, &j.template))),
        ];
        for (target, paths) in files {
            let Some((path, template)) = paths else {
                continue;
            };
            let p = tp.key(target);
            one(path.as_deref(), p.key("path"), "output path", out);
            one(template.as_deref(), p.key("template"), "template", out);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn relative_paths_only() {
        assert_eq!(super::problem("services/api"), None);
        assert_eq!(super::problem("./a/b.env"), None);
        assert!(super::problem("/etc/passwd").is_some());
        assert!(super::problem("C:\\x").is_some());
        assert!(super::problem("a/../../b").is_some());
        assert!(super::problem(" ").is_some());
    }
}
