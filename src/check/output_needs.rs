//! Rule: a job that reads another job's output (`$BUILD_IMAGE`) needs that job directly;
//! outputs reach only direct dependents (GitHub's `needs.<job>.outputs`, GitLab dotenv).

use super::{reads_var, run_path, run_text, Context};
use crate::contract::output_env_name;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;
use crate::spec::StepSpec;

pub(crate) const OUTPUT_WITHOUT_NEED: Code = Code::new("output-without-need");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[OUTPUT_WITHOUT_NEED];

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // Few jobs have outputs; listing them once keeps big specs linear.
    let producers: Vec<(&String, &crate::spec::Job)> = cx
        .spec
        .jobs
        .iter()
        .filter(|(_, j)| !j.outputs.is_empty())
        .collect();
    if producers.is_empty() {
        return;
    }
    for (job, j) in &cx.spec.jobs {
        let jp = YamlPath::root().key("jobs").key(job);
        // Every text of the job that a shell or cigen expands, with its place.
        let mut texts: Vec<(String, YamlPath)> = Vec::new();
        for (i, step) in j.steps.iter().enumerate() {
            let sp = jp.key("steps").index(i);
            texts.push((run_text(step).to_string(), run_path(step, &sp)));
            if let StepSpec::Full(s) = step {
                for (k, v) in &s.env {
                    texts.extend(
                        [true, false]
                            .iter()
                            .filter_map(|ci| v.resolve(*ci))
                            .map(|t| (t.to_string(), sp.key("env").key(k))),
                    );
                }
            }
        }
        for (k, v) in &j.env {
            texts.extend(
                [true, false]
                    .iter()
                    .filter_map(|ci| v.resolve(*ci))
                    .map(|t| (t.to_string(), jp.key("env").key(k))),
            );
        }
        for (other, o) in &producers {
            if *other == job || j.needs.contains(other) {
                continue;
            }
            for key in &o.outputs {
                let var = output_env_name(other, key);
                if let Some((_, path)) = texts.iter().find(|(t, _)| reads_var(t, &var)) {
                    out.push(
                        Diagnostic::error(OUTPUT_WITHOUT_NEED, format!("job `{job}` reads `${var}`, an output of job `{other}`, but does not need `{other}`"))
                            .at(path.clone())
                            .with_label("empty at run time")
                            .with_help(format!("add `{other}` to `needs:` of `{job}`: outputs reach only the jobs that need their job directly")),
                    );
                }
            }
        }
    }
}
