//! Folding the toolchains each job's setup steps installed into the spec's `setup:`: the
//! version most jobs use is the spec's; a matrix axis renamed after the tool picks the
//! version per cell; a job that installed other toolchains (nightly Rust for miri, the MSRV,
//! none at all for a job of remote steps) gets its own `setup:` with exactly those.

use std::path::Path;

use super::expr;
use super::report::Kind;
use super::{Draft, ToolUse};
use crate::spec::{Scalar, Setup};

/// The keys of `setup:`, in its order.
const TOOLS: &[&str] = &["python", "uv", "node", "rust", "go", "java"];

/// The `setup:` key of `tool` (one of `TOOLS`).
fn slot<'a>(s: &'a mut Setup, tool: &str) -> &'a mut Option<Scalar> {
    match tool {
        "python" => &mut s.python,
        "uv" => &mut s.uv,
        "node" => &mut s.node,
        "rust" => &mut s.rust,
        "go" => &mut s.go,
        _ => &mut s.java,
    }
}

fn set(draft: &mut Draft, tool: &str, v: String) {
    *slot(&mut draft.spec.setup, tool) = Some(Scalar(v));
}

/// The version a tool has when nothing in the project names one.
pub(crate) fn default_version(tool: &str) -> &'static str {
    crate::init::versions::default_for(tool)
}

pub(crate) fn fold(draft: &mut Draft, _root: &Path) {
    for &tool in TOOLS {
        // (job, literal version or None for a matrix axis / unpinned)
        let mut literal: Vec<(String, String)> = Vec::new();
        let mut axis_jobs: Vec<String> = Vec::new();
        let mut unpinned: Vec<String> = Vec::new();
        for (job, uses) in &draft.tools {
            for u in uses.iter().filter(|u| u.tool == tool) {
                match u.version.as_deref() {
                    Some(v) if expr::has_expression(v) => {
                        if !axis_jobs.contains(job) {
                            axis_jobs.push(job.clone())
                        }
                    }
                    Some(v) => literal.push((job.clone(), v.to_string())),
                    None => unpinned.push(job.clone()),
                }
            }
        }
        if literal.is_empty() && axis_jobs.is_empty() && unpinned.is_empty() {
            continue;
        }
        // The most used literal version; ties go to the first seen.
        let mut counts: Vec<(String, usize)> = Vec::new();
        for (_, v) in &literal {
            match counts.iter_mut().find(|(x, _)| x == v) {
                Some((_, n)) => *n += 1,
                None => counts.push((v.clone(), 1)),
            }
        }
        let best = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
        let global = counts
            .iter()
            .find(|(_, n)| *n == best)
            .map(|(v, _)| v.clone())
            .or_else(|| first_axis_value(draft, &axis_jobs, tool));
        let global = match global {
            Some(g) => g,
            None => {
                let d = default_version(tool).to_string();
                for job in &unpinned {
                    draft.report.add(Kind::Note, Some(job), "toolchain", format!("setup of {tool}"), format!("{tool} was installed at its newest version; the spec pins {d} (edit `setup.{tool}`)"));
                }
                d
            }
        };
        set(draft, tool, global.clone());
        if tool == "rust" {
            let mut comps: Vec<String> = Vec::new();
            for (job, uses) in &draft.tools {
                let on_global = literal.iter().any(|(j, v)| j == job && *v == global)
                    || axis_jobs.contains(job);
                for u in uses.iter().filter(|u| u.tool == "rust" && on_global) {
                    for c in &u.components {
                        if !comps.contains(c) {
                            comps.push(c.clone());
                        }
                    }
                }
            }
            draft.spec.setup.rust_components = comps;
        }
    }
    per_job(draft);
}

/// The toolchains one job installed, as a `setup:` (an axis-picked version is the spec's,
/// since the axis picks per cell anyway).
fn wanted(draft: &Draft, uses: &[ToolUse]) -> Setup {
    let global = &draft.spec.setup;
    let mut s = Setup::default();
    for u in uses {
        let v = match u.version.as_deref() {
            Some(v) if expr::has_expression(v) => global
                .tools()
                .into_iter()
                .find(|(t, _)| *t == u.tool)
                .map(|(_, v)| v.to_string()),
            Some(v) => Some(v.to_string()),
            None => Some(default_version(u.tool).to_string()),
        };
        *slot(&mut s, u.tool) = v.map(Scalar);
        if u.registry.is_some() {
            s.node_registry = u.registry.clone();
        }
        if u.tool == "rust" {
            for c in &u.components {
                if !s.rust_components.contains(c) {
                    s.rust_components.push(c.clone());
                }
            }
        }
    }
    s
}

/// Jobs whose toolchains differ from the spec's `setup:` get their own. Extra Rust
/// components of the spec's toolchain are no difference: installing one more is harmless.
fn per_job(draft: &mut Draft) {
    let global = draft.spec.setup.clone();
    let mut own: Vec<(String, Setup)> = Vec::new();
    for (job, uses) in &draft.tools {
        let w = wanted(draft, uses);
        let same = w.tools() == global.tools()
            && w.node_registry == global.node_registry
            && w.rust_components
                .iter()
                .all(|c| global.rust_components.contains(c));
        if !same {
            own.push((job.clone(), w));
        }
    }
    for (job, w) in own {
        let what = if w.is_empty() {
            "installs no toolchain".to_string()
        } else {
            let mut t: Vec<String> = w.tools().iter().map(|(t, v)| format!("{t} {v}")).collect();
            if !w.rust_components.is_empty() {
                t.push(format!("components {}", w.rust_components.join(", ")));
            }
            if let Some(r) = &w.node_registry {
                t.push(format!("the npm registry {r}"));
            }
            format!("installs {}", t.join(", "))
        };
        draft.report.add(
            Kind::Note,
            Some(&job),
            "per-job-setup",
            format!("setup of {job}"),
            format!("this job {what}, unlike the spec's `setup:`: it has a `setup:` of its own"),
        );
        if let Some(j) = draft.spec.jobs.get_mut(&job) {
            j.setup = Some(Box::new(w));
        }
    }
}

/// The first value of the axis named after `tool` in one of `jobs`' matrices.
fn first_axis_value(draft: &Draft, jobs: &[String], tool: &str) -> Option<String> {
    jobs.iter()
        .filter_map(|j| draft.spec.jobs.get(j)?.matrix.as_ref())
        .find_map(|m| {
            m.axes
                .get(tool)
                .and_then(|v| v.first())
                .map(|s| s.0.clone())
        })
}
