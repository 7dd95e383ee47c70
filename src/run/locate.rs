//! Where each step sits in the spec (file and line), so GitHub annotations point at it.

use std::collections::HashMap;
use std::path::Path;

use crate::model::Pipeline;
use crate::source::SourceFile;

/// The spec's path as the runner shows files, and the 1-based line of every step.
#[derive(Debug, Clone, Default)]
pub(crate) struct StepLines {
    pub file: String,
    lines: HashMap<(String, usize), usize>,
}

impl StepLines {
    pub(crate) fn line(&self, job: &str, step: usize) -> Option<usize> {
        self.lines.get(&(job.to_string(), step)).copied()
    }
}

/// Locates every step; `workspace` (GitHub's checkout root) makes the path relative to it,
/// else the path is relative to the working directory when inside it.
pub(crate) fn step_lines(
    source: &SourceFile,
    pipeline: &Pipeline,
    workspace: Option<&str>,
) -> StepLines {
    let abs = std::path::absolute(source.path()).unwrap_or_else(|_| source.path().to_path_buf());
    let base = workspace
        .map(Path::new)
        .map(Path::to_path_buf)
        .or_else(|| std::env::current_dir().ok());
    let rel = base
        .as_deref()
        .and_then(|b| abs.strip_prefix(b).ok())
        .unwrap_or(&abs);
    let file = rel.to_string_lossy().replace('\\', "/");
    let mut lines = HashMap::new();
    for (name, job) in &pipeline.jobs {
        for (i, step) in job.steps.iter().enumerate() {
            if let Some(line) = step.line {
                lines.insert((name.clone(), i), line);
            }
        }
    }
    StepLines { file, lines }
}
