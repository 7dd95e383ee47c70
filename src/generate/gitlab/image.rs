//! The image of a GitLab job, following its toolchain: a matrix axis named after a toolchain
//! (`python`, `node`, `rust`, `go`, `java`) makes each cell's image carry the cell's version
//! (`python:$MATRIX_PYTHON-slim`: GitLab expands matrix variables in `image:`), and `setup:`
//! picks it for jobs without such an axis. Where one image cannot follow the axis, `generate`
//! refuses and says where (docs/contracts.md, Toolchains).

use crate::contract::{matrix_env_name, GITLAB_IMAGE_VAR};
use crate::generate::GenerateError;
use crate::model::{GitlabOutput, Job};

/// The toolchains whose matrix axes pick a version (`run/toolchain.rs` selects the same).
const TOOLS: &[&str] = &["python", "node", "rust", "go", "java"];

/// A job's image, and the per-cell value of [`GITLAB_IMAGE_VAR`] when the image must be
/// named cell by cell (a Rust channel is not a tag of the `rust` image).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct JobImage {
    pub image: Option<String>,
    pub per_cell: Option<Vec<String>>,
}

/// The image for `version` of `tool`, with `version` already a tag or a `$MATRIX_` variable.
fn tagged(tool: &str, version: &str) -> String {
    match tool {
        "python" => format!("python:{version}-slim"),
        "node" => format!("node:{version}"),
        "rust" => format!("rust:{version}"),
        "go" => format!("golang:{version}"),
        _ => format!("eclipse-temurin:{version}"),
    }
}

/// The image of one Rust toolchain: `stable` is the `rust` image's `latest`, `nightly` the
/// Rust project's nightly image, a version its own tag; other channels have no image.
fn rust_image(v: &str) -> Option<String> {
    match v {
        "stable" => Some("rust:latest".into()),
        "nightly" => Some("rustlang/rust:nightly".into()),
        _ if v.starts_with(|c: char| c.is_ascii_digit()) => Some(format!("rust:{v}")),
        _ => None,
    }
}

/// The image for `job`: its own (`runs-on.image`), the target's, or one that follows its
/// toolchain.
pub(super) fn job_image(t: &GitlabOutput, j: &Job) -> Result<JobImage, GenerateError> {
    let keys = j.matrix_keys();
    let axes: Vec<&str> = TOOLS
        .iter()
        .copied()
        .filter(|tool| keys.iter().any(|k| k == tool))
        .collect();
    let fixed = |image: Option<String>| JobImage {
        image,
        per_cell: None,
    };
    if let Some(image) = j.runs_on.image.clone().or_else(|| t.image.clone()) {
        let ignored: Vec<&str> = axes
            .iter()
            .copied()
            .filter(|tool| {
                let var = matrix_env_name(tool);
                !image.contains(&format!("${var}")) && !image.contains(&format!("${{{var}}}"))
            })
            .collect();
        if let Some(tool) = ignored.first() {
            let whose = if j.runs_on.image.is_some() {
                format!("jobs.{}.runs-on.image", j.name)
            } else {
                "targets.gitlab.image".to_string()
            };
            return Err(GenerateError::user(format!(
                "{whose}: job `{}` runs each cell on its own {tool} (matrix axis `{tool}`), but its GitLab image `{image}` is the same for every cell: name the cell's version in the image (e.g. `{}`) or leave the image out and cigen picks one per cell",
                j.name,
                tagged(tool, &format!("${}", matrix_env_name(tool)))
            )));
        }
        return Ok(fixed(Some(image)));
    }
    match axes.as_slice() {
        [] => Ok(fixed(setup_image(j))),
        [tool] => axis_image(j, tool),
        [a, b, ..] => Err(GenerateError::user(format!(
            "jobs.{}.matrix: the cells vary both `{a}` and `{b}`, and no one GitLab image follows two toolchains: set `runs-on: {{ image: ... }}` naming both versions (`$MATRIX_{}` and `$MATRIX_{}`)",
            j.name,
            a.to_ascii_uppercase(),
            b.to_ascii_uppercase()
        ))),
    }
}

/// The image of the first toolchain in the job's `setup:`.
fn setup_image(j: &Job) -> Option<String> {
    let tools = j.setup.tools();
    let (tool, v) = tools.iter().find(|(tool, _)| TOOLS.contains(tool))?;
    if *tool == "rust" {
        return rust_image(v);
    }
    Some(tagged(tool, v))
}

/// The image of each cell of a job with a `tool` axis.
fn axis_image(j: &Job, tool: &str) -> Result<JobImage, GenerateError> {
    let var = format!("${}", matrix_env_name(tool));
    let cells = j
        .matrix
        .as_ref()
        .map(|m| m.cells.as_slice())
        .unwrap_or_default();
    let values: Vec<&str> = cells
        .iter()
        .filter_map(|c| c.values.get(tool).map(String::as_str))
        .collect();
    if values.len() != cells.len() {
        return Err(GenerateError::user(format!(
            "jobs.{}.matrix: some cells have no `{tool}` value, so their GitLab image cannot follow it: give every cell one, or set `runs-on: {{ image: ... }}`",
            j.name
        )));
    }
    if tool != "rust"
        || values
            .iter()
            .all(|v| v.starts_with(|c: char| c.is_ascii_digit()))
    {
        return Ok(JobImage {
            image: Some(tagged(tool, &var)),
            per_cell: None,
        });
    }
    // Channels are not tags of one image: each cell names its image in a variable.
    let per_cell = values
        .iter()
        .map(|v| {
            rust_image(v).ok_or_else(|| {
                GenerateError::user(format!(
                    "jobs.{}.matrix.rust: no GitLab image runs Rust `{v}` (cigen knows `stable`, `nightly` and versions): set `runs-on: {{ image: ... }}` for the job",
                    j.name
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(JobImage {
        image: Some(format!("${GITLAB_IMAGE_VAR}")),
        per_cell: Some(per_cell),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pipeline(yaml: &str) -> crate::model::Pipeline {
        let path = std::path::Path::new("cigen.yaml");
        match crate::compile::load_str(path, yaml, std::path::Path::new(".")) {
            Ok(l) => l.pipeline,
            Err(_) => panic!("not a valid spec:\n{yaml}"),
        }
    }

    fn image(yaml: &str, job: &str) -> Result<JobImage, String> {
        let p = pipeline(yaml);
        let t = p.targets.gitlab.clone().expect("a gitlab target");
        job_image(&t, &p.jobs[job]).map_err(|e| e.message)
    }

    #[test]
    fn each_cell_gets_the_image_of_its_version() {
        let spec = "version: 1\nsetup: { python: \"3.13\" }\njobs:\n  t:\n    matrix: { python: [\"3.10\", \"3.12\"] }\n    steps: [\"true\"]\n  u:\n    steps: [\"true\"]\ntargets:\n  gitlab: {}\n";
        assert_eq!(
            image(spec, "t").unwrap().image.as_deref(),
            Some("python:$MATRIX_PYTHON-slim")
        );
        assert_eq!(
            image(spec, "u").unwrap().image.as_deref(),
            Some("python:3.13-slim")
        );
        let rust = "version: 1\nsetup: { python: \"3.13\" }\njobs:\n  r:\n    matrix: { rust: [stable, nightly, \"1.86\"] }\n    steps: [\"true\"]\ntargets:\n  gitlab: {}\n";
        let r = image(rust, "r").unwrap();
        assert_eq!(r.image.as_deref(), Some("$CIGEN_IMAGE"));
        assert_eq!(
            r.per_cell.unwrap(),
            ["rust:latest", "rustlang/rust:nightly", "rust:1.86"]
        );
    }

    #[test]
    fn an_image_that_ignores_the_axis_is_refused() {
        let spec = "version: 1\njobs:\n  t:\n    matrix: { python: [\"3.10\", \"3.12\"] }\n    steps: [\"true\"]\ntargets:\n  gitlab: { image: \"python:3.13\" }\n";
        let e = image(spec, "t").unwrap_err();
        assert!(
            e.contains("targets.gitlab.image") && e.contains("python:$MATRIX_PYTHON-slim"),
            "{e}"
        );
        let ok = spec.replace("python:3.13", "python:$MATRIX_PYTHON");
        assert_eq!(
            image(&ok, "t").unwrap().image.as_deref(),
            Some("python:$MATRIX_PYTHON")
        );
        let beta = "version: 1\njobs:\n  r:\n    matrix: { rust: [stable, beta] }\n    steps: [\"true\"]\ntargets:\n  gitlab: {}\n";
        assert!(image(beta, "r").unwrap_err().contains("Rust `beta`"));
        let two = "version: 1\njobs:\n  r:\n    matrix: { rust: [\"1.86\"], python: [\"3.12\"] }\n    steps: [\"true\"]\ntargets:\n  gitlab: {}\n";
        assert!(image(two, "r")
            .unwrap_err()
            .contains("both `python` and `rust`"));
    }
}
