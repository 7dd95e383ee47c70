//! Rule: `needs` must not form a cycle; the cycle is named in full.

use indexmap::IndexMap;

use super::Context;
use crate::diagnostic::Diagnostic;
use crate::model::dag;
use crate::source::YamlPath;

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let graph: IndexMap<&str, Vec<&str>> = cx
        .spec
        .jobs
        .iter()
        .map(|(k, j)| (k.as_str(), j.needs.iter().map(String::as_str).filter(|n| *n != k && cx.spec.jobs.contains_key(*n)).collect()))
        .collect();
    if let Some(cycle) = dag::find_cycle(&graph) {
        let first = &cycle[0];
        let second = cycle.get(1).unwrap_or(first);
        let idx = cx.spec.jobs[first.as_str()].needs.iter().position(|n| n == second).unwrap_or(0);
        out.push(
            Diagnostic::error("cycle", format!("jobs form a cycle: {}", cycle.join(" → ")))
                .at(YamlPath::root().key("jobs").key(first).key("needs").index(idx))
                .with_label("this need closes the cycle")
                .with_help("remove one of these needs so the jobs can run in order"),
        );
    }
}
