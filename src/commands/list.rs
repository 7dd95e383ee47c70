//! `cigen list`: jobs with needs, matrix size and description.

use serde::Serialize;

use crate::cli::{ListArgs, ListFormat};
use crate::compile::Loaded;
use crate::exit::Outcome;

#[derive(Serialize)]
struct Row<'a> {
    job: &'a str,
    needs: &'a [String],
    description: Option<&'a str>,
    cells: Vec<String>,
}

pub fn run(loaded: &Loaded, args: &ListArgs) -> Outcome {
    let jobs = &loaded.pipeline.jobs;
    if args.format == ListFormat::Json {
        let rows: Vec<Row<'_>> = jobs
            .values()
            .map(|j| Row {
                job: &j.name,
                needs: &j.needs,
                description: j.description.as_deref(),
                cells: j
                    .matrix
                    .as_ref()
                    .map(|m| m.cells.iter().map(|c| c.id.clone()).collect())
                    .unwrap_or_default(),
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).unwrap_or_default()
        );
        return Outcome::Success;
    }
    let needs: Vec<String> = jobs
        .values()
        .map(|j| {
            if j.needs.is_empty() {
                "-".into()
            } else {
                j.needs.join(", ")
            }
        })
        .collect();
    let w_job = jobs.keys().map(|k| k.len()).max().unwrap_or(0).max(3);
    let w_needs = needs
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .max(5);
    println!("{:w_job$}  {:w_needs$}  DESCRIPTION", "JOB", "NEEDS");
    for (j, n) in jobs.values().zip(&needs) {
        let mut desc = j.summary.clone().unwrap_or_default();
        if let Some(m) = &j.matrix {
            let cells = m.cells.len();
            desc = format!(
                "{desc}{}[matrix: {cells} cell{}]",
                if desc.is_empty() { "" } else { " " },
                if cells == 1 { "" } else { "s" }
            );
        }
        println!("{:w_job$}  {:w_needs$}  {desc}", j.name, n);
    }
    Outcome::Success
}
