//! Rule: `needs` must not form a cycle; each cycle is named in full.

use indexmap::IndexMap;

use super::Context;
use crate::dag;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;

pub(crate) const CYCLE: Code = Code::new("cycle");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[CYCLE];

/// Independent cycles reported at most; past that the spec needs a rethink, not a list.
const MAX_CYCLES: usize = 10;

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let mut graph: IndexMap<&str, Vec<&str>> = cx
        .spec
        .jobs
        .iter()
        .map(|(k, j)| {
            (
                k.as_str(),
                j.needs
                    .iter()
                    .map(String::as_str)
                    .filter(|n| *n != k && cx.spec.jobs.contains_key(*n))
                    .collect(),
            )
        })
        .collect();
    for _ in 0..MAX_CYCLES {
        let Some(cycle) = dag::find_cycle(&graph) else {
            break;
        };
        let first = cycle[0].as_str();
        let second = cycle.get(1).map_or(first, String::as_str);
        let idx = cx.spec.jobs[first]
            .needs
            .iter()
            .position(|n| n == second)
            .unwrap_or(0);
        out.push(
            Diagnostic::error(CYCLE, format!("jobs form a cycle: {}", cycle.join(" → ")))
                .at(YamlPath::job(first).key("needs").index(idx))
                .with_label(format!(
                    "`{first}` needs `{second}`, which leads back to `{first}`"
                ))
                .with_help("remove one of these needs so the jobs can run in order"),
        );
        // Drop the reported edge so the next search finds a different cycle.
        if let Some(deps) = graph.get_mut(first) {
            deps.retain(|d| *d != second);
        }
    }
}
