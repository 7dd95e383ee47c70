//! `cigen init`: detect the project (Python with uv, pip or Poetry; Rust; Node with npm, pnpm
//! or yarn; Go) and build a first spec with lint, test and build jobs on the project's own
//! toolchain versions. The text is read back through cigen's loader before it is written.

mod go;
mod node;
mod python;
mod rust;
pub(crate) mod versions;

use std::path::Path;

use indexmap::IndexMap;

use crate::import::typed;
use crate::spec::{self, Job, Scalar, Spec, Step, StepSpec, When};

/// What one detected ecosystem contributes.
#[derive(Debug, Default)]
pub(crate) struct Ecosystem {
    /// `python (uv)`, `rust`, `node (pnpm)`, `go`: for messages.
    pub(crate) label: String,
    /// Prefix for job names when several ecosystems share the spec.
    pub(crate) prefix: &'static str,
    pub(crate) name: Option<String>,
    /// `(tool, version)` for `setup:`.
    pub(crate) setup: Vec<(&'static str, String)>,
    pub(crate) rust_components: Vec<String>,
    /// `lint`, `test`, `build` (in that order; missing ones were not possible).
    pub(crate) jobs: Vec<(&'static str, Job)>,
    pub(crate) notes: Vec<String>,
}

/// A job from its description and steps.
pub(crate) fn job(description: &str, steps: Vec<StepSpec>) -> Job {
    Job {
        description: Some(description.to_string()),
        steps,
        ..Job::default()
    }
}

/// A step given as a plain command.
pub(crate) fn cmd(run: &str) -> StepSpec {
    StepSpec::Command(run.to_string())
}

/// A named step.
pub(crate) fn named(name: &str, run: &str) -> StepSpec {
    StepSpec::Full(Box::new(Step {
        name: Some(name.to_string()),
        run: run.to_string(),
        ..Step::default()
    }))
}

/// A step that runs only in CI (installing what a laptop already has).
pub(crate) fn ci_only(name: &str, run: &str) -> StepSpec {
    StepSpec::Full(Box::new(Step {
        name: Some(name.to_string()),
        run: run.to_string(),
        when: Some(When {
            ci: Some(true),
            ..When::default()
        }),
        ..Step::default()
    }))
}

/// The result of `cigen init`.
#[derive(Debug)]
pub(crate) struct Made {
    pub(crate) text: String,
    /// What was detected, for the message.
    pub(crate) summary: String,
    pub(crate) notes: Vec<String>,
}

fn detect(root: &Path) -> Result<Vec<Ecosystem>, String> {
    let mut found = Vec::new();
    if root.join("pyproject.toml").is_file() {
        found.push(python::detect(root)?);
    }
    if root.join("Cargo.toml").is_file() {
        found.push(rust::detect(root)?);
    }
    if root.join("package.json").is_file() {
        found.push(node::detect(root)?);
    }
    if root.join("go.mod").is_file() {
        found.push(go::detect(root)?);
    }
    Ok(found)
}

fn set_setup(setup: &mut spec::Setup, tool: &str, v: &str) {
    let slot = match tool {
        "python" => &mut setup.python,
        "uv" => &mut setup.uv,
        "node" => &mut setup.node,
        "rust" => &mut setup.rust,
        "go" => &mut setup.go,
        _ => &mut setup.java,
    };
    slot.get_or_insert_with(|| Scalar(v.to_string()));
}

/// Builds the spec for the project at `root`.
pub(crate) fn build(root: &Path) -> Result<(Spec, Vec<Ecosystem>), String> {
    let found = detect(root)?;
    if found.is_empty() {
        return Err(format!(
            "no project found in {}: cigen init knows pyproject.toml, Cargo.toml, package.json and go.mod",
            root.display()
        ));
    }
    let several = found.len() > 1;
    let mut spec = Spec {
        version: 1,
        name: found.iter().find_map(|e| e.name.clone()),
        env: IndexMap::new(),
        env_file: None,
        secrets: vec![],
        setup: spec::Setup::default(),
        triggers: spec::Triggers {
            push: Some(spec::PushTrigger {
                branches: typed::globs(&[default_branch(root)], &mut vec![]),
                tags: typed::globs(&["v*".to_string()], &mut vec![]),
            }),
            pull_request: Some(spec::PullRequestTrigger::default()),
            schedule: vec![],
            manual: true,
        },
        jobs: IndexMap::new(),
        targets: None,
    };
    for e in &found {
        for (tool, v) in &e.setup {
            set_setup(&mut spec.setup, tool, v);
        }
        for c in &e.rust_components {
            if !spec.setup.rust_components.contains(c) {
                spec.setup.rust_components.push(c.clone());
            }
        }
        let name = |kind: &str| {
            if several {
                format!("{}-{kind}", e.prefix)
            } else {
                kind.to_string()
            }
        };
        let kinds: Vec<&str> = e.jobs.iter().map(|(k, _)| *k).collect();
        for (kind, j) in &e.jobs {
            let mut j = j.clone();
            // Build only what passed its checks; lint and test run side by side.
            if *kind == "build" {
                j.needs = kinds
                    .iter()
                    .filter(|k| **k != "build")
                    .map(|k| name(k))
                    .collect();
            }
            spec.jobs.insert(name(kind), j);
        }
    }
    Ok((spec, found))
}

/// The branch pushes should build: the local default branch when there is one, else `main`.
fn default_branch(root: &Path) -> String {
    let Ok(repo) = git2::Repository::discover(root) else {
        return "main".into();
    };
    for b in ["main", "master", "trunk", "develop"] {
        if repo.find_branch(b, git2::BranchType::Local).is_ok() {
            return b.into();
        }
    }
    "main".into()
}

/// `cigen init` for the project at `root`; `spec_path` names the file in messages.
pub(crate) fn init(root: &Path, spec_path: &Path) -> Result<Made, String> {
    let (spec, found) = build(root)?;
    let mut notes: Vec<String> = found.iter().flat_map(|e| e.notes.clone()).collect();
    if root.join(".github/workflows").is_dir() || root.join(".gitlab-ci.yml").is_file() {
        notes.push(
            "this project already has CI files: `cigen import` carries their jobs over instead"
                .into(),
        );
    }
    let header = format!(
        "# Written by `cigen init` for {}. Edit freely: `cigen check` explains every key.\n",
        found
            .iter()
            .map(|e| e.label.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let text = crate::import::spec_text(&spec, &header, &|_| Vec::new());
    let (_, read) = crate::compile::load_str_keeping_spec(spec_path, &text, root)
        .map_err(|e| format!("cigen bug: the spec written by init does not load ({e}):\n{text}"))?;
    if read != spec {
        return Err(format!(
            "cigen bug: the spec written by init reads back differently:\n{text}"
        ));
    }
    Ok(Made {
        text,
        summary: found
            .iter()
            .map(|e| e.label.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        notes,
    })
}
