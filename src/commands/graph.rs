//! `cigen graph`: the job DAG as Mermaid or Graphviz DOT.

use crate::cli::{GraphArgs, GraphFormat};
use crate::compile::Loaded;
use crate::exit::Outcome;
use crate::model::Pipeline;

/// Mermaid flowchart, left to right; labels carry the description's first line.
pub fn mermaid(p: &Pipeline) -> String {
    let mut out = String::from("flowchart LR\n");
    for j in p.jobs.values() {
        let label = match &j.description {
            Some(d) => format!("{}<br/>{}", j.name, d.lines().next().unwrap_or("")),
            None => j.name.clone(),
        };
        // Mermaid labels in quotes take entity codes for quotes.
        out.push_str(&format!(
            "    {}[\"{}\"]\n",
            node_id(&j.name),
            label.replace('"', "#quot;")
        ));
    }
    for j in p.jobs.values() {
        for n in &j.needs {
            out.push_str(&format!("    {} --> {}\n", node_id(n), node_id(&j.name)));
        }
    }
    out
}

/// Mermaid ids may not contain `-`; job names may.
fn node_id(name: &str) -> String {
    format!("job_{}", name.replace('-', "__"))
}

/// Graphviz DOT digraph.
pub fn dot(p: &Pipeline) -> String {
    let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut out = format!(
        "digraph {} {{\n    rankdir=LR;\n    node [shape=box];\n",
        q(&p.name)
    );
    for j in p.jobs.values() {
        match &j.description {
            Some(d) => out.push_str(&format!(
                "    {} [tooltip={}];\n",
                q(&j.name),
                q(d.lines().next().unwrap_or(""))
            )),
            None => out.push_str(&format!("    {};\n", q(&j.name))),
        }
    }
    for j in p.jobs.values() {
        for n in &j.needs {
            out.push_str(&format!("    {} -> {};\n", q(n), q(&j.name)));
        }
    }
    out.push_str("}\n");
    out
}

pub fn run(loaded: &Loaded, args: &GraphArgs) -> Outcome {
    let text = match args.format {
        GraphFormat::Mermaid => mermaid(&loaded.pipeline),
        GraphFormat::Dot => dot(&loaded.pipeline),
    };
    print!("{text}");
    Outcome::Success
}
