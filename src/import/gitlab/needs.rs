//! A GitLab job's needs: its `needs:`, or the jobs of the stage before it.

use super::job::Pipeline;
use super::{model, scalar};
use crate::import::report::Kind;
use crate::import::Draft;

/// The job's needs: `needs:` as written (a need that is no imported job is reported), else
/// every job of the nearest earlier stage that has jobs, as GitLab orders stages.
pub(super) fn needs(
    pl: &Pipeline<'_>,
    j: &model::Job,
    name: &str,
    origin: &str,
    draft: &mut Draft,
) -> Vec<String> {
    let (stages, jobs) = (pl.stages, pl.jobs);
    let mut out = Vec::new();
    match &j.needs {
        Some(needs) => {
            for need in needs {
                let target = need.get("job").and_then(scalar).or_else(|| scalar(need));
                match target.and_then(|t| jobs.get(&t).map(|(s, _)| s.clone())) {
                    Some(s) => out.push(s),
                    None => draft.report.add(
                        Kind::Lost,
                        Some(name),
                        "needs",
                        origin.to_string(),
                        format!(
                            "needs `{}`, which is not an imported job",
                            scalar(need).unwrap_or_default()
                        ),
                    ),
                }
            }
        }
        None => {
            let mine = stages.iter().position(|s| *s == stage_of(j)).unwrap_or(0);
            for s in stages[..mine].iter().rev() {
                let earlier: Vec<String> = jobs
                    .values()
                    .filter(|(_, o)| stage_of(o) == *s)
                    .map(|(sn, _)| sn.clone())
                    .collect();
                if !earlier.is_empty() {
                    out = earlier;
                    break;
                }
            }
        }
    }
    out
}

fn stage_of(j: &model::Job) -> String {
    j.stage.clone().unwrap_or_else(|| "test".into())
}
