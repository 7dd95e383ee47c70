//! Self-check after rendering: re-parse each output and assert the facts every output must
//! hold (one entry per job, each calling `cigen run <job>`, no `${{ }}` inside `run:`). A
//! failure means broken output, so nothing is written. Each back end's `verify` calls its
//! function here.

use std::collections::HashMap;

use serde_yaml::Value;

use crate::contract::{JUNIT_PATH as JUNIT, OUTPUTS_DOTENV_PATH as DOTENV};
use crate::model::Pipeline;

fn parse(text: &str) -> Result<Value, String> {
    serde_yaml::from_str(text).map_err(|e| format!("not valid YAML: {e}"))
}

fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Sequence(items) => items.iter().flat_map(strings).collect(),
        _ => vec![],
    }
}

pub(crate) fn github(p: &Pipeline, text: &str) -> Result<(), String> {
    let doc = parse(text)?;
    let jobs = doc
        .get("jobs")
        .and_then(Value::as_mapping)
        .ok_or("no `jobs:` mapping")?;
    if jobs.len() != p.jobs.len() {
        return Err(format!("{} jobs, expected {}", jobs.len(), p.jobs.len()));
    }
    for name in p.jobs.keys() {
        let job = jobs
            .get(name.as_str())
            .ok_or_else(|| format!("job `{name}` is missing"))?;
        let steps = job
            .get("steps")
            .and_then(Value::as_sequence)
            .ok_or_else(|| format!("job `{name}` has no steps"))?;
        let runs: Vec<&str> = steps
            .iter()
            .filter_map(|s| s.get("run"))
            .flat_map(strings)
            .collect();
        if let Some(r) = runs.iter().find(|r| r.contains("${{")) {
            return Err(format!("job `{name}` has `${{{{` inside run: {r}"));
        }
        let call = format!("exec cigen run {name} --no-deps");
        if calls_cigen(p, name) && !runs.iter().any(|r| r.starts_with(&call)) {
            return Err(format!("job `{name}` does not call `{call}`"));
        }
        let cells = job
            .get("strategy")
            .and_then(|s| s.get("matrix"))
            .and_then(|m| m.get("include"))
            .and_then(Value::as_sequence)
            .map_or(0, Vec::len);
        same_dag(p, name, job.get("needs"), cells)?;
    }
    Ok(())
}

/// Whether the job must call `cigen run`: a job with no steps of its own may be only its
/// remote steps on a provider.
fn calls_cigen(p: &Pipeline, name: &str) -> bool {
    p.jobs.get(name).is_none_or(|j| !j.steps.is_empty())
}

/// The provider's `needs` and matrix size are exactly the model's: generate and run must never
/// disagree about the DAG or the cells.
fn same_dag(p: &Pipeline, name: &str, needs: Option<&Value>, cells: usize) -> Result<(), String> {
    let Some(j) = p.jobs.get(name) else {
        return Ok(());
    };
    let got: Vec<&str> = needs.map(strings).unwrap_or_default();
    if got != j.needs.iter().map(String::as_str).collect::<Vec<_>>() {
        return Err(format!(
            "job `{name}` needs {got:?}, the spec says {:?}",
            j.needs
        ));
    }
    let want = j.matrix.as_ref().map_or(0, |m| m.cells.len());
    if cells != want {
        return Err(format!(
            "job `{name}` has {cells} matrix cells, the spec {want}"
        ));
    }
    Ok(())
}

pub(crate) fn gitlab(p: &Pipeline, text: &str) -> Result<(), String> {
    let doc = parse(text)?;
    for name in p.jobs.keys() {
        let job = doc
            .get(name.as_str())
            .ok_or_else(|| format!("job `{name}` is missing"))?;
        let script = job.get("script").map(strings).unwrap_or_default();
        let call = format!("cigen run {name} --no-deps");
        if calls_cigen(p, name) && !script.iter().any(|l| l.starts_with(&call)) {
            return Err(format!("job `{name}` does not call `{call}`"));
        }
        let cells = job
            .get("parallel")
            .and_then(|p| p.get("matrix"))
            .and_then(Value::as_sequence)
            .map_or(0, Vec::len);
        same_dag(p, name, job.get("needs"), cells)?;
        // The reports `cigen run` writes on GitLab must be declared, or they are lost.
        let reports = job.get("artifacts").and_then(|a| a.get("reports"));
        // One path, or a list (with the job's own `reports.junit`) that starts with it.
        let junit = reports.and_then(|r| r.get("junit"));
        let first = junit.and_then(|j| j.as_sequence().and_then(|s| s.first()).or(Some(j)));
        if first.and_then(Value::as_str) != Some(JUNIT) {
            return Err(format!(
                "job `{name}` does not declare the JUnit report {JUNIT}"
            ));
        }
        let has_outputs = p.jobs.get(name).is_some_and(|j| !j.outputs.is_empty());
        if has_outputs
            && reports
                .and_then(|r| r.get("dotenv"))
                .and_then(Value::as_str)
                != Some(DOTENV)
        {
            return Err(format!(
                "job `{name}` has outputs but no dotenv report {DOTENV}"
            ));
        }
    }
    Ok(())
}

pub(crate) fn just(p: &Pipeline, text: &str) -> Result<(), String> {
    // One pass over the text: each recipe head (`name *args:`, first one wins) with the
    // indented lines of its body. Looking each job up here keeps the check linear in the
    // number of jobs (a scan per job was quadratic).
    let mut recipes: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut current: Option<&str> = None;
    for line in text.lines() {
        if line.starts_with(' ') {
            if let Some(name) = current {
                if let Some(body) = recipes.get_mut(name) {
                    body.push(line);
                }
            }
            continue;
        }
        current = None;
        if let Some((name, _)) = line.split_once(" *args:") {
            if !recipes.contains_key(name) {
                recipes.insert(name, Vec::new());
                current = Some(name);
            }
        }
    }
    for name in p.jobs.keys() {
        let body = recipes
            .get(name.as_str())
            .ok_or_else(|| format!("recipe `{name}` is missing"))?;
        let call = format!("cigen run {name}");
        if !body.iter().any(|l| l.trim_start().starts_with(&call)) {
            return Err(format!("recipe `{name}` does not call `{call}`"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pipeline() -> Pipeline {
        let spec = "version: 1\njobs:\n  a:\n    steps: [x]\n  b:\n    needs: [a]\n    matrix: { n: ['1', '2'] }\n    steps: [x]\n";
        crate::compile::load_str(
            std::path::Path::new("cigen.yaml"),
            spec,
            std::path::Path::new("."),
        )
        .map(|l| l.pipeline)
        .unwrap_or_else(|e| panic!("{e}"))
    }

    const GOOD: &str = "jobs:\n  a:\n    steps: [{run: exec cigen run a --no-deps}]\n  b:\n    needs: [a]\n    strategy: {matrix: {include: [{n: '1'}, {n: '2'}]}}\n    steps: [{run: 'exec cigen run b --no-deps --matrix \"n=$MATRIX_N\"'}]\n";

    #[test]
    fn github_facts_are_checked() {
        let p = pipeline();
        assert_eq!(github(&p, GOOD), Ok(()));
        let no_needs = GOOD.replace("    needs: [a]\n", "");
        assert!(github(&p, &no_needs)
            .unwrap_err()
            .contains("job `b` needs []"));
        let one_cell = GOOD.replace(", {n: '2'}", "");
        assert!(github(&p, &one_cell)
            .unwrap_err()
            .contains("1 matrix cells"));
        let expr = GOOD.replace("$MATRIX_N", "${{ matrix.n }}");
        assert!(github(&p, &expr).unwrap_err().contains("inside run"));
        let no_call = GOOD.replace("exec cigen run a", "cigen run a");
        assert!(github(&p, &no_call).unwrap_err().contains("does not call"));
        assert!(github(&p, "jobs: [")
            .unwrap_err()
            .contains("not valid YAML"));
    }

    #[test]
    fn justfile_facts_are_checked() {
        let p = pipeline();
        let good = "# a\n[positional-arguments]\na *args:\n    cigen run a \"$@\"\n\nb *args:\n    cigen run b \"$@\"\n";
        assert_eq!(just(&p, good), Ok(()));
        let no_b = good.replace("b *args:", "c *args:");
        assert!(just(&p, &no_b)
            .unwrap_err()
            .contains("recipe `b` is missing"));
        // The call must be in the recipe's own body, not in the next recipe's.
        let moved = "a *args:\n    echo\nb *args:\n    cigen run a\n    cigen run b\n";
        assert!(just(&p, moved)
            .unwrap_err()
            .contains("recipe `a` does not call"));
    }
}
