//! The image of each cell of a job whose cells pick their runners (`runs-on.cells`): a cell's
//! own `image`, else, for a Linux cell, the job's (with the cell's `$MATRIX_<KEY>` values put
//! in, since GitLab expands a variable once), else none: GitLab's Windows and macOS runners
//! do not run Docker images (macOS takes only its own VM images), so a Docker image meant for
//! the Linux cells must not reach them. Cells that differ get their image through
//! `$CIGEN_IMAGE`, as Rust channels do (`image.rs`).

use super::image::JobImage;
use crate::contract::{matrix_env_name, GITLAB_IMAGE_VAR};
use crate::model::{Cell, Job};
use crate::spec::Os;

/// `text` with each `$MATRIX_<KEY>` of the cell replaced by its value (longest names first,
/// so `$MATRIX_OS` never eats the start of `$MATRIX_OS_X`).
fn with_cell_values(text: &str, cell: &Cell) -> String {
    let mut vars: Vec<(String, &String)> = cell
        .values
        .iter()
        .map(|(k, v)| (format!("${}", matrix_env_name(k)), v))
        .collect();
    vars.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
    vars.iter()
        .fold(text.to_string(), |t, (name, v)| t.replace(name.as_str(), v))
}

/// The job's image with the cells' runners taken into account.
pub(super) fn per_runner(j: &Job, base: JobImage) -> JobImage {
    let cells = j
        .matrix
        .as_ref()
        .map(|m| m.cells.as_slice())
        .unwrap_or_default();
    let elsewhere = |c: &Cell| j.cell_os(c).is_some_and(|os| os != Os::Linux);
    let own = |c: &Cell| j.cell_runner(c).and_then(|(_, r)| r.image.clone());
    if !j.runner_per_cell() || !cells.iter().any(|c| elsewhere(c) || own(c).is_some()) {
        return base;
    }
    let per_cell = cells
        .iter()
        .enumerate()
        .map(|(i, c)| {
            own(c).unwrap_or_else(|| {
                if elsewhere(c) {
                    return String::new();
                }
                match (&base.per_cell, &base.image) {
                    (Some(images), _) => images[i].clone(),
                    (None, Some(image)) => with_cell_values(image, c),
                    (None, None) => String::new(),
                }
            })
        })
        .collect::<Vec<String>>();
    if per_cell.iter().all(String::is_empty) {
        return JobImage {
            image: None,
            per_cell: None,
        };
    }
    JobImage {
        image: Some(format!("${GITLAB_IMAGE_VAR}")),
        per_cell: Some(per_cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn images(yaml: &str) -> JobImage {
        let path = std::path::Path::new("cigen.yaml");
        let p = match crate::compile::load_str(path, yaml, std::path::Path::new(".")) {
            Ok(l) => l.pipeline,
            Err(e) => panic!("{e:?}"),
        };
        let t = p.targets.gitlab.clone().expect("a gitlab target");
        let j = &p.jobs["t"];
        per_runner(j, super::super::image::job_image(&t, j).expect("an image"))
    }

    #[test]
    fn rust_channels_per_cell_stay_on_linux_cells() {
        let got = images("version: 1\njobs:\n  t:\n    matrix: { os: [linux, macos], rust: [stable, nightly] }\n    runs-on: { matrix: os, cells: { linux: {}, macos: {} } }\n    steps: [echo]\ntargets: { gitlab: {} }\n");
        assert_eq!(got.image.as_deref(), Some("$CIGEN_IMAGE"));
        assert_eq!(
            got.per_cell.expect("per cell"),
            ["rust:latest", "rustlang/rust:nightly", "", ""]
        );
    }

    #[test]
    fn linux_only_cells_keep_the_job_image() {
        let got = images("version: 1\njobs:\n  t:\n    matrix: { os: [linux], node: [\"22\"] }\n    runs-on: { matrix: os, cells: { linux: { gitlab: docker } } }\n    steps: [echo]\ntargets: { gitlab: {} }\n");
        assert_eq!(got.image.as_deref(), Some("node:$MATRIX_NODE"));
        assert_eq!(got.per_cell, None);
    }
}
