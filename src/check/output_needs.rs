//! Rule: a job that reads another job's output (`$BUILD_IMAGE`) needs that job directly;
//! outputs reach only direct dependents (GitHub's `needs.<job>.outputs`, GitLab dotenv).

use std::collections::{HashMap, HashSet};

use super::{run_path, run_text, Context};
use crate::contract::output_env_name;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;
use crate::spec::StepSpec;

pub(crate) const OUTPUT_WITHOUT_NEED: Code = Code::new("output-without-need");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[OUTPUT_WITHOUT_NEED];

/// Where a text stands in its job.
#[derive(Clone, Copy)]
enum Place<'a> {
    /// The command of step `i`.
    Run(usize),
    /// An env value of step `i`.
    StepEnv(usize, &'a str),
    /// A job env value.
    JobEnv(&'a str),
}

impl Place<'_> {
    fn path(self, job: &str, steps: &[StepSpec]) -> YamlPath {
        let jp = YamlPath::job(job);
        match self {
            Place::Run(i) => run_path(&steps[i], &jp.key("steps").index(i)),
            Place::StepEnv(i, k) => jp.key("steps").index(i).key("env").key(k),
            Place::JobEnv(k) => jp.key("env").key(k),
        }
    }
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // Every output's variable name → the producers' (job index, job, key index, key). Each
    // job's texts are then scanned once for the variables they read and looked up here, so
    // the rule is linear in the spec (comparing every job with every producer was quadratic).
    let mut outputs: HashMap<String, Vec<(usize, &str, usize, &str)>> = HashMap::new();
    for (pi, (job, j)) in cx.spec.jobs.iter().enumerate() {
        for (ki, key) in j.outputs.iter().enumerate() {
            outputs.entry(output_env_name(job, key)).or_default().push((
                pi,
                job.as_str(),
                ki,
                key.as_str(),
            ));
        }
    }
    if outputs.is_empty() {
        return;
    }
    for (job, j) in &cx.spec.jobs {
        // Every text of the job that a shell or cigen expands, with its place (made into a
        // path only for a report: building one per text was a tenth of checking 15,000 jobs).
        let mut texts: Vec<(&str, Place<'_>)> = Vec::new();
        for (i, step) in j.steps.iter().enumerate() {
            texts.push((run_text(step), Place::Run(i)));
            if let StepSpec::Full(s) = step {
                for (k, v) in &s.env {
                    texts.extend(
                        [true, false]
                            .iter()
                            .filter_map(|ci| v.resolve(*ci))
                            .map(|t| (t, Place::StepEnv(i, k))),
                    );
                }
            }
        }
        for (k, v) in &j.env {
            texts.extend(
                [true, false]
                    .iter()
                    .filter_map(|ci| v.resolve(*ci))
                    .map(|t| (t, Place::JobEnv(k))),
            );
        }
        // Each output this job reads without needing its job, at the first text reading it;
        // reported in spec order of the producers and their keys, as before.
        let mut found: Vec<((usize, usize), &str, &str, usize)> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for (ti, (text, _)) in texts.iter().enumerate() {
            for var in vars_read(text) {
                let Some((var, producers)) = outputs.get_key_value(var) else {
                    continue;
                };
                if !seen.insert(var.as_str()) {
                    continue;
                }
                for &(pi, other, ki, _) in producers {
                    if other != job.as_str() && !j.needs.iter().any(|n| n == other) {
                        found.push(((pi, ki), other, var.as_str(), ti));
                    }
                }
            }
        }
        found.sort_by_key(|f| f.0);
        for (_, other, var, ti) in found {
            out.push(
                Diagnostic::error(OUTPUT_WITHOUT_NEED, format!("job `{job}` reads `${var}`, an output of job `{other}`, but does not need `{other}`"))
                    .at(texts[ti].1.path(job, &j.steps))
                    .with_label("empty at run time")
                    .with_help(format!("add `{other}` to `needs:` of `{job}`: outputs reach only the jobs that need their job directly")),
            );
        }
    }
}

/// The variable names `text` reads, in order: `$NAME`, and `${NAME}` followed by `}`, `:`,
/// `-` or `?`. For names made of letters, digits and `_` (every output variable), `name` is
/// among them exactly when [`super::reads_var`]`(text, name)` holds.
fn vars_read(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let word = move |from: usize| {
        let len = bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        &text[from..from + len]
    };
    text.match_indices('$').filter_map(move |(i, _)| {
        if bytes.get(i + 1) == Some(&b'{') {
            let name = word(i + 2);
            let after = bytes.get(i + 2 + name.len());
            (!name.is_empty() && matches!(after, Some(b'}' | b':' | b'-' | b'?'))).then_some(name)
        } else {
            let name = word(i + 1);
            (!name.is_empty()).then_some(name)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::reads_var;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_plain_and_braced_reads() {
        let got: Vec<&str> =
            vars_read("echo $A_B ${C} ${D:-x} ${E?} ${F-y} ${G/x/y} $ $$H ${ I}").collect();
        assert_eq!(got, ["A_B", "C", "D", "E", "F", "H"]);
    }

    proptest! {
        /// `vars_read` and `reads_var` agree for every output-like name.
        #[test]
        fn agrees_with_reads_var(text in "[$A-C_{}:?x -]{0,24}", name in "[A-C_]{1,3}") {
            prop_assert_eq!(vars_read(&text).any(|v| v == name), reads_var(&text, &name));
        }
    }
}
