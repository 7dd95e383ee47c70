//! Self-check after rendering: re-parse each output and assert the facts every output must
//! hold (one entry per job, each calling `cigen run <job>`, no `${{ }}` inside `run:`). A
//! failure means broken output, so nothing is written. Each back end's `verify` calls its
//! function here.

use std::collections::HashMap;

use super::outline::Outline;
use crate::contract::{JUNIT_PATH as JUNIT, OUTPUTS_DOTENV_PATH as DOTENV};
use crate::model::Pipeline;

pub(crate) fn github(p: &Pipeline, read: &Outline) -> Result<(), String> {
    let Outline::Workflow(jobs) = read else {
        return Err("the output was not read as a workflow".into());
    };
    let jobs = jobs.as_ref().ok_or("no `jobs:` mapping")?;
    if jobs.len() != p.jobs.len() {
        return Err(format!("{} jobs, expected {}", jobs.len(), p.jobs.len()));
    }
    for name in p.jobs.keys() {
        let job = jobs
            .named
            .get(name.as_str())
            .ok_or_else(|| format!("job `{name}` is missing"))?;
        let runs = job
            .runs
            .as_ref()
            .ok_or_else(|| format!("job `{name}` has no steps"))?;
        if let Some(r) = runs.iter().find(|r| r.contains("${{")) {
            return Err(format!("job `{name}` has `${{{{` inside run: {r}"));
        }
        let call = format!("exec cigen run {name} --no-deps");
        if calls_cigen(p, name) && !runs.iter().any(|r| r.starts_with(&call)) {
            return Err(format!("job `{name}` does not call `{call}`"));
        }
        same_dag(p, name, &job.needs, job.cells)?;
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
fn same_dag(p: &Pipeline, name: &str, got: &[String], cells: usize) -> Result<(), String> {
    let Some(j) = p.jobs.get(name) else {
        return Ok(());
    };
    if got != j.needs {
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

pub(crate) fn gitlab(p: &Pipeline, read: &Outline) -> Result<(), String> {
    let Outline::Gitlab(doc) = read else {
        return Err("the output was not read as a GitLab pipeline".into());
    };
    for name in p.jobs.keys() {
        let job = doc
            .named
            .get(name.as_str())
            .ok_or_else(|| format!("job `{name}` is missing"))?;
        let call = format!("cigen run {name} --no-deps");
        if calls_cigen(p, name) && !job.script.iter().any(|l| l.starts_with(&call)) {
            return Err(format!("job `{name}` does not call `{call}`"));
        }
        same_dag(p, name, &job.needs, job.cells)?;
        // The reports `cigen run` writes on GitLab must be declared, or they are lost.
        // One path, or a list (with the job's own `reports.junit`) that starts with it.
        if job.junit.as_deref() != Some(JUNIT) {
            return Err(format!(
                "job `{name}` does not declare the JUnit report {JUNIT}"
            ));
        }
        let has_outputs = p.jobs.get(name).is_some_and(|j| !j.outputs.is_empty());
        if has_outputs && job.dotenv.as_deref() != Some(DOTENV) {
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
    use crate::generate::outline;

    fn github_text(p: &Pipeline, text: &str) -> Result<(), String> {
        github(p, &outline::github(text)?)
    }

    fn gitlab_text(p: &Pipeline, text: &str) -> Result<(), String> {
        gitlab(p, &outline::gitlab(text)?)
    }

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
        assert_eq!(github_text(&p, GOOD), Ok(()));
        let no_needs = GOOD.replace("    needs: [a]\n", "");
        assert!(github_text(&p, &no_needs)
            .unwrap_err()
            .contains("job `b` needs []"));
        let one_cell = GOOD.replace(", {n: '2'}", "");
        assert!(github_text(&p, &one_cell)
            .unwrap_err()
            .contains("1 matrix cells"));
        let expr = GOOD.replace("$MATRIX_N", "${{ matrix.n }}");
        assert!(github_text(&p, &expr).unwrap_err().contains("inside run"));
        let no_call = GOOD.replace("exec cigen run a", "cigen run a");
        assert!(github_text(&p, &no_call)
            .unwrap_err()
            .contains("does not call"));
        assert!(github_text(&p, "jobs: [")
            .unwrap_err()
            .contains("not valid YAML"));
    }

    #[test]
    fn the_whole_document_is_checked_not_only_the_facts() {
        let p = pipeline();
        // A key given twice anywhere, even where no fact is read, is refused (providers do).
        let twice = GOOD.replace(
            "  a:\n    steps:",
            "  a:\n    env: {X: '1', X: '2'}\n    steps:",
        );
        assert!(github_text(&p, &twice)
            .unwrap_err()
            .contains("same key twice"));
        let job_twice = format!("{GOOD}  a:\n    steps: []\n");
        assert!(github_text(&p, &job_twice)
            .unwrap_err()
            .contains("same key twice"));
        let compound = format!("{GOOD}? [1, {{x: 2}}]\n: one\n? [1, {{x: 2}}]\n: two\n");
        assert!(github_text(&p, &compound)
            .unwrap_err()
            .contains("same key twice"));
        // Keys equal as text but not as YAML values are two keys, as `serde_yaml::Value` has it.
        let distinct = format!("{GOOD}x: {{1: a, '1': b, true: c, 'true': d, ~: e}}\n");
        assert_eq!(github_text(&p, &distinct), Ok(()));
        let tagged = GOOD.replace(
            "  a:\n    steps:",
            "  a:\n    env: !custom {X: '1'}\n    steps:",
        );
        assert_eq!(github_text(&p, &tagged), Ok(()));
        assert!(github_text(&p, "jobs: {a: {steps: [}}")
            .unwrap_err()
            .contains("not valid YAML"));
    }

    #[test]
    fn gitlab_facts_are_checked() {
        let p = pipeline();
        let job = |name: &str, extra: &str| {
            format!(
                "{name}:\n  script: [cigen run {name} --no-deps]\n{extra}  artifacts: {{reports: {{junit: [{JUNIT}, own.xml]}}}}\n"
            )
        };
        let b = "  needs: [a]\n  parallel: {matrix: [{N: '1'}, {N: '2'}]}\n";
        let good = format!("stages: [test]\n{}{}", job("a", ""), job("b", b));
        assert_eq!(gitlab_text(&p, &good), Ok(()));
        let no_report = good.replacen(&format!("[{JUNIT}, own.xml]"), "[own.xml]", 1);
        assert!(gitlab_text(&p, &no_report)
            .unwrap_err()
            .contains("JUnit report"));
        let one_cell = good.replace(", {N: '2'}", "");
        assert!(gitlab_text(&p, &one_cell)
            .unwrap_err()
            .contains("1 matrix cells"));
        let twice = format!("{good}stages: [build]\n");
        assert!(gitlab_text(&p, &twice)
            .unwrap_err()
            .contains("same key twice"));
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
