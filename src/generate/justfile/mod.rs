//! justfile back end: one recipe per job calling `cigen run <job>` (locally with its needs).
//!
//! If the project already has a hand-written justfile, the recipes go to `ci.just` instead and
//! the user imports them (`import 'ci.just'`), so cigen never touches their file.

use std::path::Path;

use serde::Serialize;

use super::templates::{self, Dialect};
use super::{Backend, GenerateError, MARKER_PREFIX};
use crate::model::{JustOutput, Pipeline, TargetKind};

/// File names just itself looks for.
pub(crate) const NAMES: &[&str] = &["justfile", "Justfile", ".justfile", "JUSTFILE"];
/// Fallback output next to a hand-written justfile.
pub(crate) const FALLBACK: &str = crate::spec::JUSTFILE_FALLBACK_PATH;

/// The context of `templates/justfile.j2`. Load-bearing: every field is read by the template
/// (and by users' own copies of it).
#[derive(Debug, Serialize)]
struct Context {
    /// Whether to add a `default` recipe that lists recipes (not in `ci.just`: the importing
    /// justfile has its own first recipe).
    list_default: bool,
    recipes: Vec<Recipe>,
}

#[derive(Debug, Serialize)]
struct Recipe {
    /// Recipe name = job name.
    name: String,
    /// Doc comment (first line of the description), shown by `just --list`.
    doc: Option<String>,
}

/// A hand-written justfile in `root`: one just would find, without cigen's header.
fn hand_written(root: &Path) -> Option<String> {
    NAMES.iter().find_map(|n| {
        let generated = starts_with_marker(&root.join(n))?;
        (!generated).then(|| n.to_string())
    })
}

/// Whether the file at `path` starts with cigen's header; `None` when it cannot be read.
/// Only the header's bytes are read: the output path is asked for several times a run, and
/// reading a 20,000-recipe justfile whole each time was most of the check's file reading.
fn starts_with_marker(path: &Path) -> Option<bool> {
    use std::io::Read;
    let mut head = Vec::with_capacity(MARKER_PREFIX.len());
    std::fs::File::open(path)
        .ok()?
        .take(MARKER_PREFIX.len() as u64)
        .read_to_end(&mut head)
        .ok()?;
    Some(head == MARKER_PREFIX.as_bytes())
}

/// Where the justfile output goes: the configured path, else `justfile`, or `ci.just` when a
/// hand-written justfile exists.
fn output_path(j: &JustOutput, root: &Path) -> String {
    match &j.path {
        Some(p) => p.clone(),
        None if hand_written(root).is_some() => FALLBACK.into(),
        None => crate::spec::JUSTFILE_PATH.into(),
    }
}

/// The advice to print when the recipes went to `ci.just` and the user's justfile does not
/// import it yet.
fn import_hint(j: &JustOutput, root: &Path) -> Option<String> {
    if output_path(j, root) != FALLBACK {
        return None;
    }
    let name = hand_written(root)?;
    let text = std::fs::read_to_string(root.join(&name)).ok()?;
    let imported = text
        .lines()
        .any(|l| l.trim_start().starts_with("import") && l.contains(FALLBACK));
    (!imported).then(|| format!("{name} is hand-written, so the recipes went to {FALLBACK}: add `import '{FALLBACK}'` to {name}"))
}

/// The justfile back end.
pub(crate) struct Justfile;

impl Backend for Justfile {
    fn kind(&self) -> TargetKind {
        TargetKind::Just
    }

    fn title(&self) -> &'static str {
        "justfile"
    }

    fn enabled(&self, p: &Pipeline) -> bool {
        p.targets.just.is_some()
    }

    fn output_path(&self, p: &Pipeline) -> String {
        p.targets
            .just
            .as_ref()
            .map(|j| output_path(j, &p.root))
            .unwrap_or_default()
    }

    fn custom_template(&self, p: &Pipeline) -> bool {
        p.targets
            .just
            .as_ref()
            .is_some_and(|j| j.template.is_some())
    }

    fn render(&self, p: &Pipeline) -> Result<String, GenerateError> {
        match &p.targets.just {
            Some(j) => render(p, j, &p.root),
            None => Err(GenerateError::bug("the justfile target is not enabled")),
        }
    }

    fn verify(&self, p: &Pipeline, text: &str, _read: &super::Outline) -> Result<(), String> {
        super::verify::just(p, text)
    }

    fn notes(&self, p: &Pipeline) -> Vec<String> {
        p.targets
            .just
            .as_ref()
            .and_then(|j| import_hint(j, &p.root))
            .into_iter()
            .collect()
    }
}

fn render(p: &Pipeline, j: &JustOutput, root: &Path) -> Result<String, GenerateError> {
    let ctx = Context {
        list_default: output_path(j, root) != FALLBACK,
        recipes: p
            .jobs
            .values()
            .map(|job| Recipe {
                name: job.name.clone(),
                doc: job.summary.clone(),
            })
            .collect(),
    };
    templates::render(
        Dialect::Just,
        "justfile.j2",
        j.template.as_deref(),
        root,
        &ctx,
    )
}
