//! What the self-check reads back from a rendered output: the few facts `verify` asserts
//! (per job: its `run:`/`script:` lines, its `needs`, its matrix size, the reports it
//! declares), read from the YAML parser's events as they come (`reader.rs`; a line reader,
//! `lines.rs`, gives the same events faster for the block style cigen writes); everything
//! else is walked and dropped. Walking still checks the whole document: its syntax, and
//! that no mapping gives a key twice (providers refuse such a file).

use std::collections::HashMap;

mod lines;
#[cfg(test)]
mod oracle;
mod reader;
mod scalar;

use reader::{read, Node, Reader};

/// A job of a GitHub (or Forgejo) workflow, as far as the self-check reads it.
#[derive(Debug, Default)]
pub(crate) struct GithubJob {
    /// Every step's `run:` text, in order; `None` when `steps` is not a list.
    pub(super) runs: Option<Vec<String>>,
    pub(super) needs: Vec<String>,
    /// Entries of `strategy.matrix.include`.
    pub(super) cells: usize,
}

/// A top-level mapping of a GitLab pipeline (a job, or `workflow:`, `default:` ...).
#[derive(Debug, Default)]
pub(crate) struct GitlabJob {
    pub(super) script: Vec<String>,
    pub(super) needs: Vec<String>,
    /// Entries of `parallel.matrix`.
    pub(super) cells: usize,
    /// `artifacts.reports.junit`: the path, or the first of its list.
    pub(super) junit: Option<String>,
    /// `artifacts.reports.dotenv` when it is one path.
    pub(super) dotenv: Option<String>,
}

/// The entries of a mapping: those with a string key by name, and how many others.
#[derive(Debug, Default)]
pub(crate) struct Entries<T> {
    pub(super) named: HashMap<String, T>,
    pub(super) others: usize,
}

impl<T> Entries<T> {
    pub(super) fn len(&self) -> usize {
        self.named.len() + self.others
    }
}

/// What the self-check read from an output, to be compared with the pipeline (`verify`).
#[derive(Debug)]
pub(crate) enum Outline {
    /// A GitHub or Forgejo workflow: its jobs, `None` without a `jobs:` mapping.
    Workflow(Option<Entries<GithubJob>>),
    /// A GitLab pipeline: its top-level mappings.
    Gitlab(Entries<GitlabJob>),
    /// Nothing parsed: the check reads the text itself (the justfile).
    Text,
}

/// Reads a GitHub (or Forgejo) workflow.
pub(super) fn github(text: &str) -> Result<Outline, String> {
    read(text, |r, top| {
        let mut jobs = None;
        r.fields(top, |r, key, value| match key {
            Some("jobs") => {
                jobs = r.named(value, &mut github_job)?;
                Ok(())
            }
            _ => r.skip(value),
        })?;
        Ok(Outline::Workflow(jobs))
    })
}

/// Reads a GitLab pipeline.
pub(super) fn gitlab(text: &str) -> Result<Outline, String> {
    read(text, |r, top| {
        let entries = r.named(top, &mut gitlab_entry)?;
        Ok(Outline::Gitlab(entries.unwrap_or_default()))
    })
}

fn github_job<'t>(r: &mut Reader<'t>, node: Node<'t>) -> Result<GithubJob, String> {
    let mut job = GithubJob::default();
    r.fields(node, |r, key, value| {
        match key {
            Some("steps") => job.runs = steps(r, value)?,
            Some("needs") => job.needs = r.strings(value)?,
            Some("strategy") => {
                job.cells = r.at(value, "matrix", |r, m| r.at(m, "include", Reader::count))?
            }
            _ => r.skip(value)?,
        }
        Ok(())
    })?;
    Ok(job)
}

/// A job's `steps:` list: the `run:` strings of every step; `None` when it is no list.
fn steps<'t>(r: &mut Reader<'t>, node: Node<'t>) -> Result<Option<Vec<String>>, String> {
    if !matches!(node, Node::Seq(None)) {
        r.skip(node)?;
        return Ok(None);
    }
    let mut runs = Vec::new();
    r.items(|r, step| {
        runs.append(&mut r.at(step, "run", Reader::strings)?);
        Ok(())
    })?;
    Ok(Some(runs))
}

fn gitlab_entry<'t>(r: &mut Reader<'t>, node: Node<'t>) -> Result<GitlabJob, String> {
    let mut job = GitlabJob::default();
    r.fields(node, |r, key, value| {
        match key {
            Some("script") => job.script = r.strings(value)?,
            Some("needs") => job.needs = r.strings(value)?,
            Some("parallel") => job.cells = r.at(value, "matrix", Reader::count)?,
            Some("artifacts") => {
                (job.junit, job.dotenv) = r.at(value, "reports", |r, reports| {
                    let mut found = (None, None);
                    r.fields(reports, |r, key, value| {
                        match key {
                            Some("junit") => found.0 = r.text(value, true)?,
                            Some("dotenv") => found.1 = r.text(value, false)?,
                            _ => r.skip(value)?,
                        }
                        Ok(())
                    })?;
                    Ok(found)
                })?
            }
            _ => r.skip(value)?,
        }
        Ok(())
    })?;
    Ok(job)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gitlab_jobs(text: &str) -> Result<Entries<GitlabJob>, String> {
        match gitlab(text)? {
            Outline::Gitlab(e) => Ok(e),
            _ => unreachable!(),
        }
    }

    fn github_jobs(text: &str) -> Result<Option<Entries<GithubJob>>, String> {
        match github(text)? {
            Outline::Workflow(e) => Ok(e),
            _ => unreachable!(),
        }
    }

    #[test]
    fn aliases_are_read_where_they_stand() {
        let text = "\
.base: &base
  script: &call [cigen run a --no-deps]
  artifacts: {reports: {junit: [cigen.xml, more.xml], dotenv: out.env}}
a: *base
b:
  script: *call
  needs: [a]
  parallel: {matrix: [{X: '1'}, {X: '2'}, &third {X: '3'}]}
c: {script: [*third]}
";
        let jobs = gitlab_jobs(text).unwrap();
        let a = &jobs.named["a"];
        assert_eq!(a.script, ["cigen run a --no-deps"]);
        assert_eq!(a.junit.as_deref(), Some("cigen.xml"));
        assert_eq!(a.dotenv.as_deref(), Some("out.env"));
        let b = &jobs.named["b"];
        assert_eq!(
            (b.script.len(), b.needs.as_slice(), b.cells),
            (1, &["a".to_string()][..], 3)
        );
        assert!(
            jobs.named["c"].script.is_empty(),
            "a mapping is no script line"
        );
        assert!(gitlab_jobs("a: *nowhere\n")
            .unwrap_err()
            .starts_with("not valid YAML"));
    }

    #[test]
    fn a_merge_key_is_a_key_like_any_other() {
        // As serde_yaml reads it: `<<` is not applied, and given twice it is a duplicate.
        let text = ".d: &d {script: [x]}\na:\n  <<: *d\n";
        assert!(gitlab_jobs(text).unwrap().named["a"].script.is_empty());
        let twice = ".d: &d {script: [x]}\na:\n  <<: *d\n  <<: *d\n";
        assert!(gitlab_jobs(twice).unwrap_err().contains("same key twice"));
    }

    #[test]
    fn keys_and_facts_are_yaml_values() {
        // `0x1` and `1` are the same number; `01` is text (YAML 1.2), so it is another key.
        assert!(gitlab_jobs("a: {1: x, 0x1: y}\n")
            .unwrap_err()
            .contains("twice"));
        assert!(gitlab_jobs("a: {1: x, '01': y, 01: z}\n")
            .unwrap_err()
            .contains("twice"));
        assert!(
            gitlab_jobs("a: {1: x, 01: y, 1.0: z, -1: w, null: v, Null: u}\n")
                .unwrap_err()
                .contains("twice")
        );
        assert!(gitlab_jobs("a: {1: x, 01: y, 1.0: z, -1: w, null: v}\n").is_ok());
        // A needs entry that is a number or a boolean is no job name; a quoted one is.
        let jobs = gitlab_jobs("b: {needs: [1, true, '2', !!str 3, !custom 4, x]}\n").unwrap();
        assert_eq!(jobs.named["b"].needs, ["2", "3", "x"]);
        // A core-schema tag on a collection changes nothing (`serde_yaml` drops it); a local
        // tag makes it another value.
        let jobs = gitlab_jobs("b: {needs: !!seq [a], script: !custom [x]}\n").unwrap();
        assert_eq!(jobs.named["b"].needs, ["a"]);
        assert!(jobs.named["b"].script.is_empty());
        assert!(gitlab_jobs("a: {[k]: x, !!seq [k]: y}\n")
            .unwrap_err()
            .contains("twice"));
        assert!(gitlab_jobs("a: {[k]: x, !custom [k]: y}\n").is_ok());
        // Keys that are no strings are counted, not named.
        let jobs = gitlab_jobs("1: {script: [x]}\n[a]: {}\nz: {}\n").unwrap();
        assert_eq!((jobs.named.len(), jobs.others), (1, 2));
    }

    #[test]
    fn the_document_is_one_and_whole() {
        assert_eq!(github_jobs("# nothing\n").unwrap().map(|j| j.len()), None);
        assert!(github_jobs("jobs: {}\n---\njobs: {}\n")
            .unwrap_err()
            .contains("more than one"));
        assert!(github_jobs("jobs: {a: [}\n")
            .unwrap_err()
            .starts_with("not valid YAML"));
        let deep = format!("jobs: {}{}\n", "[".repeat(200), "]".repeat(200));
        assert!(github_jobs(&deep).unwrap_err().contains("nested deeper"));
        let laughs = (1..12).fold(
            "a: &a0 [x, x, x, x, x, x, x, x, x, x]\n".to_string(),
            |t, i| {
                format!(
                    "{t}b{i}: &a{i} [{}]\n",
                    vec![format!("*a{}", i - 1); 10].join(", ")
                )
            },
        );
        assert!(github_jobs(&laughs).unwrap_err().contains("too many"));
    }

    #[test]
    fn a_workflow_gives_its_jobs_facts() {
        let text = "on: push\njobs:\n  a:\n    steps: [{uses: x}, {run: one}, {run: [two, three]}]\n  b:\n    needs: a\n    strategy: {matrix: {include: [{}, {}]}}\n    steps: {}\n";
        let jobs = github_jobs(text).unwrap().unwrap();
        assert_eq!(
            jobs.named["a"].runs.as_deref(),
            Some(&["one".to_string(), "two".into(), "three".into()][..])
        );
        let b = &jobs.named["b"];
        assert_eq!(
            (b.needs.as_slice(), b.cells, b.runs.is_none()),
            (&["a".to_string()][..], 2, true)
        );
    }
}
