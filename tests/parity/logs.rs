//! Reading what each runner said into one outcome per unit: its status and the `PMARK` lines
//! its steps printed. Local runs and just speak cigen's JSON events; act and gitlab-ci-local
//! interleave their own lines with cigen's provider log format, which ends with cigen's
//! summary table (one row per unit: label, status, ...).

use std::collections::BTreeMap;

use serde_json::Value;

use super::notes::{glci_coverage, summary_row, table_notes};

/// One unit of a pipeline, as cigen's plan names it.
#[derive(Debug, Clone)]
pub struct Unit {
    pub job: String,
    /// `job` or `job (v1, v2)`.
    pub label: String,
    /// The cell's keys and values, in the matrix's order.
    pub cell: Vec<(String, String)>,
}

/// How a unit ended under one runner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// cigen's word (`passed`, `flaky`, `failed`, `timed-out`, `cancelled`, `skipped`), or
    /// `skipped` for a unit the provider never started, `failed` for one that failed
    /// before cigen printed its summary.
    pub status: String,
    /// Lines starting with `PMARK`, in the order printed (retried steps print again).
    pub markers: Vec<String>,
}

/// Outcomes by unit label.
pub type Outcomes = BTreeMap<String, Outcome>;

pub(super) const MARK: &str = "PMARK";
pub(super) const STATUSES: &[&str] = &[
    "passed",
    "flaky",
    "failed",
    "timed-out",
    "cancelled",
    "skipped",
    "failed-allowed",
];

/// The units of a plan, from `cigen run --dry-run --log-format json`.
pub fn plan_units(json_lines: &str) -> Vec<Unit> {
    let plan: Value = json_lines
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["type"] == "plan")
        .expect("a plan event");
    plan["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|u| Unit {
            job: u["job"].as_str().expect("job").to_string(),
            label: u["label"].as_str().expect("label").to_string(),
            cell: u["matrix"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

/// Outcomes from cigen's JSON events (`cigen run --log-format json`, also through just).
pub fn from_json(units: &[Unit], stdout: &str) -> Outcomes {
    let mut out = Outcomes::new();
    let mut markers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for v in stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
    {
        let label = v["label"].as_str().unwrap_or_default().to_string();
        match v["type"].as_str() {
            Some("output") => {
                if let Some(m) = v["line"].as_str().and_then(marker) {
                    markers.entry(label).or_default().push(m);
                }
            }
            Some("unit_finished") => {
                // What cigen found after the steps (coverage figure, missing reports) is
                // compared as markers, as the summary table's note shows it to CI runners.
                let m = markers.entry(label.clone()).or_default();
                if let Some(f) = v["coverage"].as_f64() {
                    m.push(format!("{MARK} coverage {f}%"));
                }
                for r in v["missing_reports"].as_array().into_iter().flatten() {
                    m.push(format!(
                        "{MARK} missing report {}",
                        r.as_str().unwrap_or("?")
                    ));
                }
                // JSON says `timed_out` where the table says `timed-out`.
                let status = v["status"].as_str().unwrap_or("?").replace('_', "-");
                out.insert(
                    label,
                    Outcome {
                        status,
                        markers: vec![],
                    },
                );
            }
            _ => {}
        }
    }
    for u in units {
        let o = out.entry(u.label.clone()).or_insert_with(|| Outcome {
            status: "absent".into(),
            markers: vec![],
        });
        o.markers = markers.remove(&u.label).unwrap_or_default();
    }
    out
}

fn marker(line: &str) -> Option<String> {
    let line = line.trim_end();
    line.starts_with(MARK).then(|| line.to_string())
}

/// What one provider job (one unit) printed: its output lines, in order, and how the
/// provider said it ended (`None` when it never said).
#[derive(Debug, Default)]
struct JobLog {
    lines: Vec<String>,
    failed: Option<bool>,
    /// The unit's row of cigen's step summary (`$GITHUB_STEP_SUMMARY`, which act prints
    /// after the step from the file cigen wrote): its status and the markers of its note.
    /// act sometimes loses the tail of a failed step's output (the summary table with it),
    /// never this file.
    summary: Option<(String, Vec<String>)>,
}

impl JobLog {
    /// The unit's outcome: cigen's table row when it printed one, else the provider's word.
    fn outcome(&self, label: &str) -> Outcome {
        let mut markers = Vec::new();
        let mut status = None;
        let mut skip = 0usize;
        for line in &self.lines {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            // The GitHub reporter repeats a failed step's last lines: not new output.
            if let Some(n) = recap_len(line) {
                skip = n;
                continue;
            }
            if let Some(m) = marker(line) {
                markers.push(m);
            } else if let Some(s) = table_status(line, label) {
                status = Some(s);
                markers.extend(table_notes(line));
            }
        }
        if status.is_none() {
            if let Some((s, notes)) = &self.summary {
                status = Some(s.clone());
                markers.extend(notes.iter().cloned());
            }
        }
        let status = status.unwrap_or_else(|| match self.failed {
            Some(true) => "failed".into(),
            Some(false) => "passed".into(),
            None => "skipped".into(),
        });
        Outcome { status, markers }
    }
}

/// `N` from `... last N line(s) of its output:`.
fn recap_len(line: &str) -> Option<usize> {
    let head = line.strip_suffix("line(s) of its output:")?;
    let n = head.trim_end().rsplit(' ').next()?;
    n.parse().ok()
}

/// The status of `label` when `line` is its row of cigen's summary table.
fn table_status(line: &str, label: &str) -> Option<String> {
    let rest = line.strip_prefix(label)?;
    if !rest.starts_with("  ") {
        return None;
    }
    let word = rest.split_whitespace().next()?;
    STATUSES.contains(&word).then(|| word.to_string())
}

/// Removes ANSI colour sequences (cigen's GitLab reporter colours failures).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// act's job names per unit: the job's `name:` (its id here), `name-N` for the N-th cell of
/// a matrix with more than one cell.
fn act_names(units: &[Unit]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for u in units {
        let cells = units.iter().filter(|v| v.job == u.job).count();
        let i = seen.entry(&u.job).or_default();
        *i += 1;
        let name = if cells > 1 && !u.cell.is_empty() {
            format!("{}-{i}", u.job)
        } else {
            u.job.clone()
        };
        out.insert(name, u.label.clone());
    }
    out
}

/// Outcomes from act's log of one workflow run (`[pipeline/job-N] ...` lines).
/// Whether act dropped everything a `cigen run` step printed: the step ran and ended, and
/// act showed not one line of it in between. `cigen run` always prints (at least its summary
/// table), and act in host mode, reading a step through a pseudo-terminal, now and then loses
/// the whole output of a step that ends within milliseconds (the unit's status stays right).
/// A step killed by `signal: hangup` is the same pseudo-terminal going away (seen once on the
/// action's install step): nothing the workflow or cigen sends.
pub fn act_lost_output(log: &str) -> bool {
    if log
        .lines()
        .any(|l| l.starts_with('[') && l.contains("signal: hangup"))
    {
        return true;
    }
    // Per job (its `[workflow/job]` prefix): whether a `cigen run` step is under way, and
    // whether it printed anything yet.
    let mut open: BTreeMap<&str, bool> = BTreeMap::new();
    for line in log.lines() {
        let Some((job, body)) = line.strip_prefix('[').and_then(|l| l.split_once(']')) else {
            continue;
        };
        let body = body.trim_start();
        if body.starts_with("⭐ Run Main cigen run ") {
            open.insert(job, false);
        } else if body.contains("Success - Main cigen run ")
            || body.contains("Failure - Main cigen run ")
        {
            if open.remove(job) == Some(false) {
                return true;
            }
        } else if let Some(printed) = open.get_mut(job) {
            *printed = true;
        }
    }
    false
}

pub fn from_act(units: &[Unit], pipeline: &str, log: &str) -> Outcomes {
    let names = act_names(units);
    let mut jobs: BTreeMap<String, JobLog> = BTreeMap::new();
    let prefix = format!("[{pipeline}/");
    // The job whose step summary act is printing: its Markdown lines have no prefix.
    let mut in_summary: Option<String> = None;
    for line in log.lines() {
        let Some(rest) = line.strip_prefix(&prefix) else {
            if let Some(row) = in_summary.as_ref().and_then(|l| summary_row(line, l)) {
                if let Some(label) = &in_summary {
                    jobs.entry(label.clone()).or_default().summary = Some(row);
                }
            }
            continue;
        };
        in_summary = None;
        let Some((name, body)) = rest.split_once(']') else {
            continue;
        };
        let Some(label) = names.get(name.trim()) else {
            continue;
        };
        let job = jobs.entry(label.clone()).or_default();
        let body = body.trim_start();
        if body.contains("Summary - ") {
            in_summary = Some(label.clone());
        }
        if let Some(text) = body.strip_prefix("| ").or(body.strip_prefix('|')) {
            job.lines.push(text.to_string());
        } else if body.contains("Job succeeded") {
            job.failed = Some(false);
        } else if body.contains("Job failed") {
            job.failed = Some(true);
        }
    }
    outcomes(units, &mut jobs)
}

fn outcomes(units: &[Unit], jobs: &mut BTreeMap<String, JobLog>) -> Outcomes {
    units
        .iter()
        .map(|u| {
            let o = jobs
                .remove(&u.label)
                .map(|j| j.outcome(&u.label))
                .unwrap_or(Outcome {
                    status: "skipped".into(),
                    markers: vec![],
                });
            (u.label.clone(), o)
        })
        .collect()
}

/// gitlab-ci-local's job name per unit: `job`, or `job: [v1, v2]` with every variable of
/// the cell's `parallel: matrix` entry in the generated file (cigen may add its own, such as
/// a per-cell image), in the entry's order.
fn glci_names(units: &[Unit], gitlab_ci: &str) -> Vec<(String, String)> {
    let doc: serde_yaml::Value = serde_yaml::from_str(gitlab_ci).expect(".gitlab-ci.yml is YAML");
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut names: Vec<(String, String)> = units
        .iter()
        .map(|u| {
            let i = seen.entry(&u.job).or_default();
            let entry = doc[u.job.as_str()]["parallel"]["matrix"][*i]
                .as_mapping()
                .cloned();
            *i += 1;
            let name = match entry {
                None => u.job.clone(),
                Some(m) => {
                    let values: Vec<String> = m
                        .values()
                        .map(|v| v.as_str().map_or_else(|| format!("{v:?}"), str::to_string))
                        .collect();
                    format!("{}: [{}]", u.job, values.join(", "))
                }
            };
            (name, u.label.clone())
        })
        .collect();
    // Longest first, so `after: [a]` wins over `after`.
    names.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
    names
}

/// Where `line` continues after `name`, comparing without spaces (gitlab-ci-local joins
/// matrix values its own way and pads names); `None` when it does not start with `name`.
pub(super) fn after_name<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let mut it = line.char_indices().peekable();
    for want in name.chars().filter(|c| *c != ' ') {
        while it.peek().is_some_and(|(_, c)| *c == ' ') {
            it.next();
        }
        match it.next() {
            Some((_, c)) if c == want => {}
            _ => return None,
        }
    }
    match it.peek() {
        None => Some(""),
        Some((i, c)) if *c == ' ' => Some(&line[*i..]),
        _ => None,
    }
}

/// Outcomes from gitlab-ci-local's log of a whole pipeline (`job: [cell] > line`) of the
/// generated `gitlab_ci`.
pub fn from_glci(units: &[Unit], gitlab_ci: &str, log: &str) -> Outcomes {
    let names = glci_names(units, gitlab_ci);
    let mut jobs: BTreeMap<String, JobLog> = BTreeMap::new();
    let mut own_coverage: BTreeMap<String, f64> = BTreeMap::new();
    for raw in log.lines() {
        let line = strip_ansi(raw);
        if let Some((label, figure)) = glci_coverage(&names, &line) {
            own_coverage.insert(label, figure);
            continue;
        }
        let Some((label, body)) = names
            .iter()
            .find_map(|(n, label)| after_name(&line, n).map(|b| (label, b.trim_start())))
        else {
            continue;
        };
        let job = jobs.entry(label.clone()).or_default();
        if let Some(text) = body.strip_prefix("> ").or(body.strip_prefix('>')) {
            job.lines.push(text.to_string());
        } else if body.starts_with("finished in") {
            job.failed = Some(body.contains("FAIL"));
        }
    }
    let mut out = outcomes(units, &mut jobs);
    // gitlab-ci-local reads a job's `coverage:` regex itself (RE2JS over the job's log), as
    // GitLab does: where its figure differs from the one `cigen run` printed, the unit gets a
    // marker no other runner has, so the difference fails the suite. It says `0%` for a job
    // whose regex matched nothing, where GitLab and cigen have no figure.
    for (label, figure) in own_coverage {
        let Some(o) = out.get_mut(&label) else {
            continue;
        };
        let cigen = o.markers.iter().find_map(|m| {
            m.strip_prefix(&format!("{MARK} coverage "))?
                .strip_suffix('%')?
                .parse::<f64>()
                .ok()
        });
        if cigen != Some(figure) && !(cigen.is_none() && figure == 0.0) {
            o.markers
                .push(format!("{MARK} GitLab's own coverage {figure}%"));
        }
    }
    out
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    #[test]
    fn a_cigen_run_step_act_showed_nothing_of_is_lost_output() {
        let lost = "\
[events/build  ] ⭐ Run Main cigen run build
[events/build  ]   | PMARK build
[events/build  ]   ✅  Success - Main cigen run build [52ms]
[events/broken ] ⭐ Run Main cigen run broken
[events/build  ]   | a line of another job
[events/broken ]   ❌  Failure - Main cigen run broken [47ms]
";
        assert!(act_lost_output(lost));
        let kept = lost.replace(
            "[events/broken ]   ❌",
            "[events/broken ]   ❓  ::group::broken\n[events/broken ]   ❌",
        );
        assert!(!act_lost_output(&kept));
        assert!(act_lost_output(
            "[w/a ]   ❌  Failure - Main Install cigen [3ms]\n[w/a ] signal: hangup\n"
        ));
        // Other steps that print nothing are no loss.
        assert!(!act_lost_output(
            "[w/a ] ⭐ Run Main Check out\n[w/a ]   ✅  Success - Main Check out [6ms]\n"
        ));
    }

    pub(in crate::parity) fn unit(job: &str, cell: &[(&str, &str)]) -> Unit {
        let label = if cell.is_empty() {
            job.to_string()
        } else {
            let v: Vec<&str> = cell.iter().map(|(_, v)| *v).collect();
            format!("{job} ({})", v.join(", "))
        };
        Unit {
            job: job.into(),
            label,
            cell: cell
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn act_lines_become_outcomes_without_recaps() {
        let units = [
            unit("build", &[]),
            unit("m", &[("n", "1")]),
            unit("m", &[("n", "2")]),
            unit("gone", &[]),
        ];
        let log = "[p/build]   | PMARK build ran\n\
                   [p/build]   | ✗ build › x: exit 3 (4ms); last 1 line(s) of its output:\n\
                   [p/build]   | PMARK build ran\n\
                   [p/build]   | build  failed  4ms  1  step failed\n\
                   [p/build] 🏁  Job failed\n\
                   [p/m-2   ]   | PMARK m 2\n\
                   [p/m-2   ] 🏁  Job succeeded\n\
                   [p/m-1   ] 🏁  Job failed\n";
        let o = from_act(&units, "p", log);
        assert_eq!(o["build"].status, "failed");
        assert_eq!(o["build"].markers, vec!["PMARK build ran"]);
        assert_eq!(o["m (2)"].status, "passed");
        assert_eq!(o["m (2)"].markers, vec!["PMARK m 2"]);
        assert_eq!(o["m (1)"].status, "failed");
        assert_eq!(o["gone"].status, "skipped");
    }

    #[test]
    fn glci_lines_become_outcomes() {
        let units = [
            unit("after", &[]),
            unit("after-x", &[("os", "c"), ("extra", "")]),
            unit("a", &[("os", "a b"), ("py", "3")]),
        ];
        let log = "after       > PMARK after\n\
                   after       > after  skipped  -  -  runs only on tag\n\
                   after-x: [c,] > PMARK x\n\
                   after-x: [c,] finished in 3 ms  FAIL 2\n\
                   a: [a b, 3] > \u{1b}[31;1mPMARK colour\u{1b}[0m\n";
        let gitlab_ci = "after-x:\n  parallel:\n    matrix:\n      - { MATRIX_OS: c, MATRIX_EXTRA: '' }\na:\n  parallel:\n    matrix:\n      - { MATRIX_OS: a b, MATRIX_PY: '3' }\n";
        let o = from_glci(&units, gitlab_ci, log);
        assert_eq!(o["after"].status, "skipped");
        assert_eq!(o["after"].markers, vec!["PMARK after"]);
        assert_eq!(o["after-x (c, )"].status, "failed");
        assert_eq!(o["a (a b, 3)"].markers, vec!["PMARK colour"]);
    }
}
