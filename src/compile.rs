//! The front-end driver: file → located YAML → shape → typed spec → rules → resolved
//! pipeline. It stands above the stages it runs (just's `compiler.rs` role), so none of them
//! needs to know about the others.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

mod typed;

use crate::check;
use crate::diagnostic::Diagnostic;
use crate::shape;
use crate::source::{self, PathSegment, SourceFile};
use crate::spec::Spec;

use crate::contract::SPEC_FILE_NAME;
use crate::diagnostic::Code;
use crate::model::{self, Pipeline};

/// The spec file cannot be read (reported as data by `check --format json`).
pub const UNREADABLE_SPEC: Code = Code::new("unreadable-spec");
/// The file is not UTF-8.
pub const ENCODING: Code = Code::new("encoding");
/// The file is empty or only comments.
pub const EMPTY_SPEC: Code = Code::new("empty-spec");

/// Every diagnostic code loading a spec can report, by layer, in the order
/// `docs/diagnostics.md` documents them.
pub fn catalogue() -> Vec<(&'static str, Vec<Code>)> {
    let mut reading = vec![UNREADABLE_SPEC, ENCODING, EMPTY_SPEC];
    reading.extend_from_slice(source::CODES);
    let mut shape = shape::CODES.to_vec();
    shape.extend_from_slice(crate::spec::format::CODES);
    let rules = check::RULES
        .iter()
        .flat_map(|r| r.codes.iter().copied())
        .collect();
    vec![
        ("YAML syntax and encoding", reading),
        ("Shape", shape),
        ("Semantic rules", rules),
    ]
}

/// A successfully loaded spec, with its warnings.
#[derive(Debug)]
pub struct Loaded {
    pub pipeline: Pipeline,
    pub spec: Spec,
    pub source: SourceFile,
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug)]
pub enum LoadError {
    /// The file could not be read.
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The spec has errors (and maybe warnings), all located.
    Invalid {
        source: SourceFile,
        diagnostics: Vec<Diagnostic>,
    },
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Io { path, error } => write!(f, "cannot read {}: {error}", path.display()),
            LoadError::Invalid {
                source,
                diagnostics,
            } => {
                write!(
                    f,
                    "{} has {} problem(s)",
                    source.path().display(),
                    diagnostics.len()
                )
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// Finds `cigen.yaml` in `start` or the nearest parent that has one.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join(SPEC_FILE_NAME))
        .find(|p| p.is_file())
}

/// Loads and checks the spec at `path`.
pub fn load_file(path: &Path) -> Result<Loaded, LoadError> {
    let bytes = std::fs::read(path).map_err(|error| LoadError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let file = SourceFile::new(path, lossy);
            let d = Diagnostic::error(ENCODING, "the spec is not valid UTF-8")
                .with_span(crate::source::Span::new(valid, valid + 1))
                .with_help("save the file as UTF-8");
            return Err(LoadError::Invalid {
                source: file,
                diagnostics: vec![d],
            });
        }
    };
    let root = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    load_text(path, text, root)
}

/// Loads and checks spec text; `path` names it in messages, `root` is its directory.
pub fn load_str(path: &Path, text: &str, root: &Path) -> Result<Loaded, LoadError> {
    load_text(path, text.to_string(), root)
}

/// [`load_str`] on text it owns: a big spec's text is held once, by its `SourceFile`.
fn load_text(path: &Path, mut text: String, root: &Path) -> Result<Loaded, LoadError> {
    // A byte-order mark is legal in YAML but would shift every column by one.
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    let file = SourceFile::new(path, text);
    let text = file.text();
    let parsed = source::parse(&file);
    let mut diagnostics = parsed.diagnostics;
    let Some(tree) = parsed.root else {
        if diagnostics.is_empty() {
            diagnostics.push(
                Diagnostic::error(
                    EMPTY_SPEC,
                    if text.trim().is_empty() {
                        "the spec is empty"
                    } else {
                        "the spec has no content, only comments"
                    },
                )
                .with_span(crate::source::Span::new(0, 0))
                .with_help("start with `version: 1` and a `jobs:` mapping"),
            );
        }
        return Err(LoadError::Invalid {
            source: file,
            diagnostics,
        });
    };
    let (walked, spec, refused) = typed::walk(&tree);
    diagnostics.extend(walked.diagnostics.iter().cloned());
    diagnostics.extend(refused);
    let dropped_jobs: HashSet<String> = walked
        .dropped
        .iter()
        .filter_map(|p| match p.0.as_slice() {
            [PathSegment::Key(j), PathSegment::Key(name)] if j == "jobs" => Some(name.clone()),
            _ => None,
        })
        .collect();
    if let Some(spec) = &spec {
        // Rules see a spec with broken parts dropped; what they say about those parts (an
        // "empty" list that was really mistyped) would only repeat the shape error.
        let moot = |d: &Diagnostic| {
            d.path
                .as_ref()
                .is_some_and(|p| walked.dropped.iter().any(|x| p.0.starts_with(&x.0)))
        };
        diagnostics.extend(
            check::run(&check::Context {
                spec,
                dropped_jobs: &dropped_jobs,
                dropped: &walked.dropped,
                tree: &tree,
                root,
            })
            .into_iter()
            .filter(|d| !moot(d)),
        );
    }
    let (errors, warnings): (Vec<_>, Vec<_>) =
        diagnostics.into_iter().partition(Diagnostic::is_error);
    match spec {
        Some(spec) if errors.is_empty() => {
            let file_name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| SPEC_FILE_NAME.into());
            // Each step's line, for annotations that point at it (no re-parse later), read
            // before the tree goes: the tree of a big spec is many times its text, and the
            // pipeline being built would otherwise sit beside both.
            let jobs = tree.get("jobs");
            let lines: HashMap<&str, Vec<Option<usize>>> = spec
                .jobs
                .keys()
                .filter_map(|job| {
                    let steps = jobs?.get(job)?.get("steps")?;
                    let source::NodeKind::Seq(items) = &steps.kind else {
                        return None;
                    };
                    let at = |n: &source::Node| Some(file.line_col(n.span().start).0);
                    Some((job.as_str(), items.iter().map(at).collect()))
                })
                .collect();
            let warnings = locate(&tree, warnings);
            drop(tree);
            let step_line =
                |job: &str, i: usize| lines.get(job).and_then(|l| l.get(i).copied().flatten());
            let pipeline = model::build_located(&spec, &file_name, root, &step_line);
            drop(lines);
            Ok(Loaded {
                pipeline,
                spec,
                source: file,
                warnings,
            })
        }
        _ => {
            let mut all = errors;
            all.extend(warnings);
            let diagnostics = locate(&tree, all);
            drop(tree);
            Err(LoadError::Invalid {
                source: file,
                diagnostics,
            })
        }
    }
}

/// Resolves document paths to spans and orders diagnostics by position.
fn locate(tree: &source::Node, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    for d in &mut diagnostics {
        if d.span.is_none() {
            if let Some(p) = &d.path {
                d.span = Some(tree.locate_nearest(p, d.on_key));
            }
        }
    }
    diagnostics.sort_by_key(|d| {
        (
            d.span.map(|s| s.start).unwrap_or(usize::MAX),
            d.severity == crate::diagnostic::Severity::Warning,
        )
    });
    diagnostics.dedup();
    diagnostics
}
