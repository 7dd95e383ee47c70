//! Folding the toolchains each job's setup steps installed into the spec's one `setup:`.
//!
//! `setup:` is global until per-job toolchains exist (issue 9 §3): the version most jobs use
//! wins; a matrix axis renamed after the tool picks the version per cell; a Rust job on
//! another toolchain gets `RUSTUP_TOOLCHAIN` and a CI-only `rustup toolchain install` step
//! (what rustup itself honours, so local runs use that toolchain too); another tool on another
//! version is reported.

use std::path::Path;

use super::expr;
use super::report::Kind;
use super::Draft;
use crate::spec::{EnvValue, Scalar, Step, StepSpec, When};

/// The keys of `setup:`, in its order.
const TOOLS: &[&str] = &["python", "uv", "node", "rust", "go", "java"];

fn set(draft: &mut Draft, tool: &str, v: String) {
    let s = &mut draft.spec.setup;
    let slot = match tool {
        "python" => &mut s.python,
        "uv" => &mut s.uv,
        "node" => &mut s.node,
        "rust" => &mut s.rust,
        "go" => &mut s.go,
        _ => &mut s.java,
    };
    *slot = Some(Scalar(v));
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
        for (job, v) in literal.iter().filter(|(_, v)| *v != global) {
            if tool == "rust" {
                other_rust(draft, job, v);
            } else {
                draft.report.add(Kind::Lost, Some(job), "per-job-setup", format!("setup of {tool}"), format!("this job used {tool} {v}; `setup.{tool}` is {global} for every job (issue 9 §3)"));
            }
        }
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

/// A Rust job on another toolchain than `setup.rust`.
fn other_rust(draft: &mut Draft, job: &str, version: &str) {
    let components: Vec<String> = draft
        .tools
        .get(job)
        .into_iter()
        .flatten()
        .filter(|u| u.tool == "rust" && u.version.as_deref() == Some(version))
        .flat_map(|u| u.components.clone())
        .collect();
    let Some(j) = draft.spec.jobs.get_mut(job) else {
        return;
    };
    let mut install =
        format!("rustup toolchain install {version} --profile minimal --no-self-update");
    if !components.is_empty() {
        install.push_str(&format!(" --component {}", components.join(",")));
    }
    j.env.insert(
        "RUSTUP_TOOLCHAIN".into(),
        EnvValue::Plain(Scalar(version.to_string())),
    );
    j.steps.insert(
        0,
        StepSpec::Full(Box::new(Step {
            name: Some(format!("Install Rust {version}")),
            run: install,
            when: Some(When {
                ci: Some(true),
                ..When::default()
            }),
            ..Step::default()
        })),
    );
    draft.report.add(Kind::Note, Some(job), "per-job-setup", format!("setup of rust {version}"), format!("Rust {version} for this job only: `RUSTUP_TOOLCHAIN: {version}` plus a CI-only `rustup toolchain install` step, until jobs can have their own setup (issue 9 §3)"));
}
