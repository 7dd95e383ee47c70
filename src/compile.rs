//! The front-end driver: file → located YAML → shape → typed spec → rules → resolved
//! pipeline. It stands above the stages it runs (just's `compiler.rs` role), so none of them
//! needs to know about the others.

use std::collections::HashSet;
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

/// A successfully loaded spec, with its warnings. The typed spec it was built from is gone
/// (the pipeline took its jobs over); [`load_str_keeping_spec`] keeps a copy.
#[derive(Debug)]
pub struct Loaded {
    pub pipeline: Pipeline,
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
    let bytes = read_spec(path).map_err(|error| LoadError::Io {
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
    load_text(path, text, root, false).map(|(loaded, _)| loaded)
}

/// The most a spec file may hold. A 20,000-job spec is 2.4 MB, and the parser refuses more
/// than 2,000,000 nodes long before this; the bound is for what never ends (`-f /dev/zero`,
/// a pipe that keeps writing), which would otherwise take all the memory before failing.
const MAX_SPEC_BYTES: u64 = 64 << 20;

/// The spec's bytes, at most [`MAX_SPEC_BYTES`] of them.
pub(crate) fn read_spec(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_SPEC_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_SPEC_BYTES {
        return Err(std::io::Error::other(format!(
            "larger than {} MiB, the most a spec may be",
            MAX_SPEC_BYTES >> 20
        )));
    }
    Ok(bytes)
}

/// Loads and checks spec text; `path` names it in messages, `root` is its directory.
pub fn load_str(path: &Path, text: &str, root: &Path) -> Result<Loaded, LoadError> {
    load_text(path, text.to_string(), root, false).map(|(loaded, _)| loaded)
}

/// [`load_str`], also returning the typed spec: for `init` and `import`, which check that
/// the spec they wrote reads back as the one they built.
pub fn load_str_keeping_spec(
    path: &Path,
    text: &str,
    root: &Path,
) -> Result<(Loaded, Spec), LoadError> {
    let (loaded, spec) = load_text(path, text.to_string(), root, true)?;
    Ok((loaded, spec.expect("kept when asked")))
}

/// [`load_str`] on text it owns: a big spec's text is held once, by its `SourceFile`.
fn load_text(
    path: &Path,
    mut text: String,
    root: &Path,
    keep_spec: bool,
) -> Result<(Loaded, Option<Spec>), LoadError> {
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
            // before the tree goes: the pipeline being built should not sit beside it.
            let lines = StepLines::new(&tree, &spec, &file);
            let warnings = locate(&tree, warnings);
            drop(tree);
            let kept = keep_spec.then(|| spec.clone());
            let step_line = |job: usize, step: usize| lines.get(job, step);
            let pipeline = model::build_located(spec, &file_name, root, &step_line);
            drop(lines);
            let loaded = Loaded {
                pipeline,
                source: file,
                warnings,
            };
            Ok((loaded, kept))
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

/// Each step's 1-based line in the spec (0: unknown), by the job's position among the
/// spec's jobs: one flat list, as a big spec has thousands of jobs.
struct StepLines {
    /// Where each job's steps start in `lines`, and where the last ends.
    starts: Vec<u32>,
    lines: Vec<u32>,
}

impl StepLines {
    fn new(tree: &source::Node, spec: &Spec, file: &SourceFile) -> Self {
        let jobs = tree.get("jobs");
        let mut starts = Vec::with_capacity(spec.jobs.len() + 1);
        let mut lines = Vec::new();
        let line = |n: &source::Node| u32::try_from(file.line_col(n.span().start).0).unwrap_or(0);
        for job in spec.jobs.keys() {
            starts.push(lines.len() as u32);
            let steps = jobs.and_then(|j| j.get(job)?.get("steps"));
            if let Some(source::NodeKind::Seq(items)) = steps.map(|s| &s.kind) {
                lines.extend(items.iter().map(line));
            }
        }
        starts.push(lines.len() as u32);
        StepLines { starts, lines }
    }

    fn get(&self, job: usize, step: usize) -> Option<usize> {
        let (&start, &end) = (self.starts.get(job)?, self.starts.get(job + 1)?);
        let at = (start as usize)
            .checked_add(step)
            .filter(|&i| i < end as usize)?;
        self.lines.get(at).filter(|&&l| l > 0).map(|&l| l as usize)
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
