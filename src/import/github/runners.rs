//! `runs-on` of a workflow job: a fixed label list, or `${{ matrix.<axis> }}` as runners per
//! matrix cell (`runs-on: { matrix, cells }`), each cell's OS read from its label.

use indexmap::IndexMap;
use serde_yaml::Value;

use super::job::JobCx;
use super::model::string_list;
use crate::import::expr;
use crate::import::report::Kind;
use crate::spec::{self, Scalar};

pub(super) fn runs_on(cx: &mut JobCx<'_>, job: &mut spec::Job, r: &Value) {
    let labels = string_list(r).unwrap_or_default();
    if labels.iter().any(|l| expr::has_expression(l)) {
        let axis = match labels.as_slice() {
            [one] => expr::whole(one).and_then(expr::matrix_key),
            _ => None,
        };
        if let Some(axis) = axis {
            match runner_cells(cx, job, &axis) {
                Ok(r) => job.runs_on = Some(Box::new(r)),
                Err(why) => cx.add(
                    Kind::Lost,
                    "runner-per-cell",
                    "runs-on",
                    format!(
                        "`runs-on: {}`: {why}; every cell runs on the default runner",
                        labels.join(", ")
                    ),
                ),
            }
        } else {
            cx.add(
                Kind::Lost,
                "runs-on",
                "runs-on",
                format!("`runs-on: {}` is an expression", labels.join(", ")),
            );
        }
        return;
    }
    match labels.as_slice() {
        [] => {}
        [one] if one == "ubuntu-latest" || one == "ubuntu-24.04" => {
            if one == "ubuntu-latest" {
                // Said once per file: almost every job of almost every workflow has it.
                let file = cx.origin.split(": ").next().unwrap_or_default().to_string();
                cx.report.add(
                    Kind::Note,
                    None,
                    "runs-on",
                    format!("{file}: jobs.*.runs-on"),
                    "`ubuntu-latest` became cigen's default runner, the fixed `ubuntu-24.04`",
                );
            }
        }
        _ => {
            job.runs_on = Some(Box::new(spec::RunsOn {
                github: Some(if labels.len() == 1 {
                    spec::OneOrMany::One(labels[0].clone())
                } else {
                    spec::OneOrMany::Many(labels)
                }),
                ..Default::default()
            }))
        }
    }
}

/// `runs-on: ${{ matrix.<axis> }}` as runners per cell: each value of the axis is a GitHub
/// label whose OS its name tells (`ubuntu-*`, `windows-*`, `macos-*`).
fn runner_cells(cx: &JobCx<'_>, job: &spec::Job, axis: &str) -> Result<spec::RunsOn, String> {
    let key = cx
        .scope
        .matrix
        .get(axis)
        .ok_or_else(|| format!("the matrix has no `{axis}`"))?;
    let m = job.matrix.as_ref().ok_or("the job has no matrix")?;
    let values: Vec<&Scalar> = m
        .axes
        .get(key.as_str())
        .ok_or_else(|| {
            format!("`{axis}` is not an axis of the matrix (only include cells name it)")
        })?
        .iter()
        .chain(m.include.iter().filter_map(|c| c.get(key.as_str())))
        .collect();
    let mut cells = IndexMap::new();
    for v in values {
        let label = v.0.as_str();
        let os = if label.starts_with("ubuntu") {
            spec::Os::Linux
        } else if label.starts_with("windows") {
            spec::Os::Windows
        } else if label.starts_with("macos") {
            spec::Os::Macos
        } else {
            return Err(format!("the OS of runner `{label}` is unknown"));
        };
        cells.insert(
            label.to_string(),
            spec::CellRunner {
                os: Some(os),
                github: Some(spec::OneOrMany::One(label.to_string())),
                ..Default::default()
            },
        );
    }
    Ok(spec::RunsOn {
        matrix: Some(key.clone()),
        cells,
        ..Default::default()
    })
}
