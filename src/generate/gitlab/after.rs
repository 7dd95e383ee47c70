//! `after_script` from `targets.gitlab.after_script.<job>`: each command guarded by its typed
//! condition on `$CI_JOB_STATUS` (`success`, `failed`, `canceled`), which GitLab sets for
//! after_script only. GitLab runs after_script whatever happened, so the guard is the
//! condition; `always` needs none.

use crate::model::{GitlabOutput, Job};
use crate::spec::PostCondition;

/// The shell test that holds when a command with condition `c` should run; `None`: always.
fn guard(c: PostCondition) -> Option<&'static str> {
    match c {
        PostCondition::Success => Some(r#"[ "$CI_JOB_STATUS" = success ]"#),
        PostCondition::Failure => Some(r#"[ "$CI_JOB_STATUS" = failed ]"#),
        PostCondition::NotCancelled => Some(r#"[ "$CI_JOB_STATUS" != canceled ]"#),
        PostCondition::Always => None,
    }
}

/// The job's after_script lines, in spec order.
pub(super) fn lines(t: &GitlabOutput, j: &Job) -> Vec<String> {
    t.after_script
        .get(&j.name)
        .into_iter()
        .flatten()
        .map(|a| {
            let (run, c) = a.parts();
            match guard(c) {
                // A newline before `fi`, not `;`: the command may end in a comment.
                Some(test) => format!("if {test}; then\n{run}\nfi"),
                None => run.to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    /// Each guard, run by a real shell for each job status, admits exactly its statuses.
    #[test]
    fn guards_admit_their_statuses() {
        let cases = [
            (PostCondition::Success, "success", true),
            (PostCondition::Success, "failed", false),
            (PostCondition::Failure, "failed", true),
            (PostCondition::Failure, "success", false),
            (PostCondition::NotCancelled, "failed", true),
            (PostCondition::NotCancelled, "canceled", false),
        ];
        for (c, status, runs) in cases {
            let script = format!("if {}; then\necho ran # a comment\nfi", guard(c).unwrap());
            let out = Command::new("sh")
                .args(["-c", &script])
                .env("CI_JOB_STATUS", status)
                .output()
                .unwrap();
            assert!(out.status.success(), "{c:?} {status}");
            assert_eq!(out.stdout == b"ran\n", runs, "{c:?} {status}");
        }
        assert_eq!(guard(PostCondition::Always), None);
    }
}
