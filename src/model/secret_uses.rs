//! Which of a job's declared secrets its steps get *here* (a laptop, or CI): a missing secret
//! blocks a job only where something that runs may read it, so a token used by a CI-only
//! step never stops a local run, and the steps get no secret only CI-only steps use, on a
//! laptop or a runner (GitHub's `cigen run` step is not even handed it). docs/secrets.md.
//!
//! A secret is *claimed* when the spec names it somewhere that does not run here: a remote
//! setup or post step's input (`${{ secrets.X }}`), a GitLab before/after_script line, or a
//! step whose `when.ci` excludes this side. A claimed secret is needed only when a step that
//! runs here, or the spec or job env every step gets, names it too. A secret the spec
//! declares but names nowhere stays needed (a script may read it without naming it), as before.

use super::{Job, Pipeline, Step};
use crate::check::{expression_secrets, reads_var as names};
use crate::spec::EnvValue;

/// Whether an env value, on either side (`{local, ci}`), reads `name` (`$NAME`, `${NAME}`).
fn value_names(v: &EnvValue, name: &str) -> bool {
    [true, false]
        .into_iter()
        .filter_map(|side| v.resolve(side))
        .any(|t| names(t, name))
}

/// Whether the step (its command or an env value) names `name`.
fn step_names(s: &Step, name: &str) -> bool {
    names(&s.run, name) || s.env.values().any(|v| value_names(v, name))
}

/// Whether the step runs on this side (`when.ci` excludes the other one).
fn runs_here(s: &Step, ci: bool) -> bool {
    s.when
        .as_ref()
        .and_then(|w| w.ci)
        .is_none_or(|only| only == ci)
}

/// Whether a remote step of the job (any target) names `name`.
fn remote_names(p: &Pipeline, job: &str, name: &str) -> bool {
    let t = &p.targets;
    let workflow = [&t.github, &t.forgejo].into_iter().flatten().any(|w| {
        let setup = w.setup.get(job).into_iter().flatten().map(|a| &a.with);
        let post = w.post.get(job).into_iter().flatten().map(|a| &a.with);
        setup
            .chain(post)
            .flat_map(|with| with.values())
            .any(|v| expression_secrets(&v.0).iter().any(|n| n == name))
    });
    let gitlab = t.gitlab.as_ref().is_some_and(|g| {
        let before = g
            .before_script
            .get(job)
            .into_iter()
            .flatten()
            .map(String::as_str);
        let after = g
            .after_script
            .get(job)
            .into_iter()
            .flatten()
            .map(|a| a.parts().0);
        before.chain(after).any(|line| names(line, name))
    });
    workflow || gitlab
}

/// The secrets of `job` its steps get here (`ci`: in CI), which must be set for it to run, in
/// declared order.
pub fn step_secrets(p: &Pipeline, job: &Job, ci: bool) -> Vec<String> {
    let env_names = |name: &str| {
        p.env
            .values()
            .chain(job.env.values())
            .any(|v| value_names(v, name))
    };
    job.secrets
        .iter()
        .filter(|name| {
            let claimed = remote_names(p, &job.name, name)
                || job
                    .steps
                    .iter()
                    .any(|s| !runs_here(s, ci) && step_names(s, name));
            let read_here = env_names(name)
                || job
                    .steps
                    .iter()
                    .any(|s| runs_here(s, ci) && step_names(s, name));
            !claimed || read_here
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needed(yaml: &str, ci: bool) -> Vec<String> {
        let spec: crate::spec::Spec = serde_yaml::from_str(yaml).unwrap();
        let p = crate::model::build(&spec, "cigen.yaml", std::path::Path::new("."));
        step_secrets(&p, &p.jobs["j"], ci)
    }

    const SPEC: &str = r#"
version: 1
env: { URL: "https://x/$FROM_ENV" }
jobs:
  j:
    secrets: [AFTER, BEFORE, LOCAL_ONLY, FROM_ENV, NOWHERE, BOTH]
    steps:
      - run: ./dev-login "$LOCAL_ONLY"
        when: { ci: false }
      - run: ./ci "$BOTH"
        when: { ci: true }
      - ./build "${BOTH}"
targets:
  gitlab:
    before_script: { j: ["login --token \"$BEFORE\""] }
    after_script: { j: [{ run: "notify \"$AFTER\"", if: failure }] }
"#;

    #[test]
    fn claimed_secrets_are_needed_only_where_something_that_runs_names_them() {
        assert_eq!(
            needed(SPEC, false),
            ["LOCAL_ONLY", "FROM_ENV", "NOWHERE", "BOTH"]
        );
        assert_eq!(needed(SPEC, true), ["FROM_ENV", "NOWHERE", "BOTH"]);
    }
}
