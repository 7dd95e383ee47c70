//! Reading the committed outputs back while the spec loads.
//!
//! Parsing an output back is the costly half of its self-check (`Backend::read`); `render`
//! starts it on the committed file, which it can only find once the spec is loaded. Without a
//! record to answer from (a fresh clone: CI's `generate --check`), loading a big spec is a
//! tenth of the work and leaves the second CPU idle, so the files at the targets' default
//! paths are read meanwhile. Only files cigen generated are read (a hand-written file is not
//! ours to parse), and `render` takes a read only for the same target at the same path, and
//! uses it only when the rendering is the very text that was read: a guess that misses costs
//! CPU, never a wrong answer.

use std::path::Path;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;

use super::{Backend, Outline, BACKENDS, MARKER_PREFIX};
use crate::model::TargetKind;

/// A committed file being parsed, and where what was read arrives (nothing arrives when the
/// reading thread was lost: the file is then read where it is needed).
pub(crate) type Read = (Arc<String>, Receiver<Result<Outline, String>>);

/// A file to parse and where to send what was read.
type Job = (
    &'static dyn Backend,
    Arc<String>,
    Sender<Result<Outline, String>>,
);

/// The reads started before the spec was loaded.
#[derive(Default)]
pub(crate) struct Prefetch {
    reads: Vec<(TargetKind, &'static str, Read)>,
}

impl Prefetch {
    /// Starts reading the generated files at the default paths of the targets in `only` (every
    /// target when empty), relative to the directory of the spec at `spec_path`.
    pub(crate) fn start(spec_path: &Path, only: &[TargetKind]) -> Prefetch {
        let root = spec_path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut reads = Vec::new();
        let mut jobs: Vec<Job> = Vec::new();
        for &b in BACKENDS
            .iter()
            .filter(|b| only.is_empty() || only.contains(&b.kind()))
        {
            let Some(rel) = b.default_path() else {
                continue;
            };
            let Some(text) = generated(root, rel) else {
                continue;
            };
            let (tx, rx) = channel();
            jobs.push((b, text.clone(), tx));
            reads.push((b.kind(), rel, (text, rx)));
        }
        // A thread per file where four CPUs or more are there. With fewer, one thread reads
        // them in turn beside the spec's loading, which then has a CPU of its own (on two, a
        // second reading thread took a third of it, and loading comes before every rendering).
        let lanes = if super::spare_cpus() { jobs.len() } else { 1 };
        let per_lane = jobs.len().div_ceil(lanes.max(1)).max(1);
        let mut jobs = jobs.into_iter().peekable();
        while jobs.peek().is_some() {
            let lane: Vec<Job> = jobs.by_ref().take(per_lane).collect();
            // A thread that cannot be started leaves its files to be read where needed.
            let _ = std::thread::Builder::new().spawn(move || {
                for (b, text, tx) in lane {
                    let _ = tx.send(b.read(&text));
                }
            });
        }
        Prefetch { reads }
    }

    /// The text read for `kind`'s file at `rel`, if any (the read stays for [`take`]).
    ///
    /// [`take`]: Prefetch::take
    pub(crate) fn text(&self, kind: TargetKind, rel: &str) -> Option<Arc<String>> {
        self.reads
            .iter()
            .find(|(k, path, _)| *k == kind && *path == rel)
            .map(|(_, _, (text, _))| text.clone())
    }

    /// The read of `kind`'s file at `rel` (as the spec resolved it), if one was started.
    pub(crate) fn take(&mut self, kind: TargetKind, rel: &str) -> Option<Read> {
        let i = self
            .reads
            .iter()
            .position(|(k, path, _)| *k == kind && *path == rel)?;
        Some(self.reads.swap_remove(i).2)
    }
}

/// The text of `rel` when it is there and cigen generated it. Only a regular file is read:
/// this runs before the spec's checks, which refuse an output path that leads out of the
/// repository, and a FIFO or a link to a device there would block or never end.
fn generated(root: &Path, rel: &str) -> Option<Arc<String>> {
    let path = root.join(rel);
    if !std::fs::symlink_metadata(&path).ok()?.is_file() {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    text.starts_with(MARKER_PREFIX).then(|| Arc::new(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_generated_files_at_default_paths_of_selected_targets_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let spec = dir.path().join("cigen.yaml");
        let generated = format!("{MARKER_PREFIX}cigen.yaml\njobs: {{}}\n");
        std::fs::create_dir_all(dir.path().join(".github/workflows")).unwrap();
        std::fs::write(dir.path().join(crate::spec::GITHUB_PATH), &generated).unwrap();
        // Hand-written: never parsed.
        std::fs::write(dir.path().join(crate::spec::GITLAB_PATH), "build: {}\n").unwrap();
        let mut all = Prefetch::start(&spec, &[]);
        let seen = all.text(TargetKind::Github, crate::spec::GITHUB_PATH);
        assert_eq!(seen.as_deref(), Some(&generated));
        assert!(all
            .take(TargetKind::Gitlab, crate::spec::GITLAB_PATH)
            .is_none());
        assert!(all
            .take(TargetKind::Github, ".github/workflows/other.yml")
            .is_none());
        let (text, parsed) = all
            .take(TargetKind::Github, crate::spec::GITHUB_PATH)
            .expect("the generated workflow is read");
        assert_eq!(*text, generated);
        assert!(all
            .text(TargetKind::Github, crate::spec::GITHUB_PATH)
            .is_none());
        assert!(matches!(
            parsed.recv().unwrap(),
            Ok(Outline::Workflow(Some(_)))
        ));
        assert!(all
            .take(TargetKind::Github, crate::spec::GITHUB_PATH)
            .is_none());
        // A FIFO or a link (here to a FIFO) is never opened: reading one would block.
        #[cfg(unix)]
        {
            let fifo = dir.path().join("fifo");
            let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
            // SAFETY: mkfifo with a valid C string.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            std::fs::remove_file(dir.path().join(crate::spec::GITLAB_PATH)).unwrap();
            std::os::unix::fs::symlink(&fifo, dir.path().join(crate::spec::GITLAB_PATH)).unwrap();
            let mut linked = Prefetch::start(&spec, &[TargetKind::Gitlab]);
            assert!(linked
                .take(TargetKind::Gitlab, crate::spec::GITLAB_PATH)
                .is_none());
        }
        let mut gitlab_only = Prefetch::start(&spec, &[TargetKind::Gitlab]);
        assert!(gitlab_only
            .take(TargetKind::Github, crate::spec::GITHUB_PATH)
            .is_none());
    }
}
