//! Uncommitted changes (staged, unstaged and untracked files), as `git status` finds them.
//!
//! The common case is read on every CPU: the index against HEAD's tree (staged.rs) beside a
//! walk of the working tree against the index's stat data (walk.rs). What a stat cannot
//! settle goes to libgit2 path by path: a file whose stat data changed is compared by content
//! (`git_status_file`, which applies the repository's filters and config), an untracked entry
//! is matched against the ignore rules by a status read scoped to it. Whatever the fast path
//! does not model (conflicts, submodules, sparse checkouts, `assume-unchanged` and
//! intent-to-add entries, case-insensitive file systems, other platforms) and any state with
//! more doubtful paths than a full read would cost is read by libgit2's own status walk.

use std::path::Path;

use git2::{IndexEntry, Oid, Repository, Status, StatusOptions};

use super::staged::staged_paths;
#[cfg(unix)]
use super::walk::Tree;

/// Paths a stat left in doubt, above which one full status read is cheaper than asking
/// libgit2 about each (a scoped read costs some tens of microseconds).
const MOST_DOUBTS: usize = 500;
/// Threads for the walk at most, however many CPUs (it is bound by the file system).
const MAX_THREADS: usize = 4;

/// Files with uncommitted changes (`/`-separated, from the repository root), found while
/// `alongside` runs on the calling thread.
pub(super) fn uncommitted<T>(
    repo: &Repository,
    head_tree: Option<Oid>,
    alongside: impl FnOnce() -> T,
) -> (Result<Vec<String>, String>, T) {
    match fast(repo, head_tree, alongside) {
        Ok((Some(files), beside)) => (Ok(files), beside),
        Ok((None, beside)) | Err((_, beside)) => (full_status(repo), beside),
    }
}

type Fast<T> = Result<(Option<Vec<String>>, T), (String, T)>;

#[cfg(not(unix))]
fn fast<T>(_repo: &Repository, _head: Option<Oid>, alongside: impl FnOnce() -> T) -> Fast<T> {
    Ok((None, alongside()))
}

/// The parallel read; `None` when the repository needs libgit2's full walk.
#[cfg(unix)]
fn fast<T>(repo: &Repository, head_tree: Option<Oid>, alongside: impl FnOnce() -> T) -> Fast<T> {
    let Some(workdir) = repo.workdir() else {
        return Ok((None, alongside()));
    };
    let Some((entries, stamp)) = tracked(repo) else {
        return Ok((None, alongside()));
    };
    let odb = match repo.odb() {
        Ok(odb) => odb,
        Err(e) => return Err((e.to_string(), alongside())),
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_THREADS);
    let tree = Tree::new(workdir, &entries, stamp);
    let (found, (beside, staged)) = tree.walk(threads, || {
        let beside = alongside();
        let mut staged = Vec::new();
        let read = staged_paths(&odb, head_tree, &entries, &mut staged);
        (beside, read.map(|()| staged))
    });
    let (found, staged) = match (found, staged) {
        (Ok(f), Ok(s)) => (f, s),
        (Err(e), _) => return Err((e.to_string(), beside)),
        (_, Err(e)) => return Err((e.to_string(), beside)),
    };
    if found.candidates.len() + found.untracked.len() > MOST_DOUBTS {
        return Ok((None, beside));
    }
    let mut files: Vec<String> = staged.iter().chain(&found.changed).map(|p| text(p)).collect();
    for i in found.candidates {
        let path = text(&entries[i].path);
        match repo.status_file(Path::new(&path)) {
            Ok(s) if (s - Status::CURRENT).is_empty() => {}
            Ok(_) => files.push(path),
            Err(e) => return Err((e.to_string(), beside)),
        }
    }
    for (path, _dir) in found.untracked {
        match statuses(repo, Some(&text(&path))) {
            Ok(more) => files.extend(more),
            Err(e) => return Err((e, beside)),
        }
    }
    Ok((Some(files), beside))
}

/// The index's stage-0 entries and its modification time, or `None` when it holds anything
/// the walk does not model.
#[cfg(unix)]
fn tracked(repo: &Repository) -> Option<(Vec<IndexEntry>, (u32, u32))> {
    use std::os::unix::fs::MetadataExt;
    const STAGE_OR_VALID: u16 = 0x3000 | 0x8000;
    const INTENT_TO_ADD_OR_SKIP_WORKTREE: u16 = (1 << 13) | (1 << 14);
    if repo
        .config()
        .ok()?
        .get_bool("core.ignorecase")
        .unwrap_or(false)
    {
        return None;
    }
    // Before reading it: if it is rewritten meanwhile, more entries look racy, never fewer.
    let stamp = match std::fs::metadata(repo.path().join("index")) {
        Ok(m) => (m.mtime() as u32, m.mtime_nsec() as u32),
        Err(_) => (0, 0),
    };
    let index = repo.index().ok()?;
    let entries: Vec<IndexEntry> = index.iter().collect();
    let plain = entries.iter().all(|e| {
        e.flags & STAGE_OR_VALID == 0
            && e.flags_extended & INTENT_TO_ADD_OR_SKIP_WORKTREE == 0
            && e.mode & 0o170000 != 0o160000
    });
    plain.then_some((entries, stamp))
}

/// Staged, unstaged and untracked files (under `scope` when given, a path that is not
/// tracked), as libgit2's status walk lists them.
fn statuses(repo: &Repository, scope: Option<&str>) -> Result<Vec<String>, String> {
    let mut opts = StatusOptions::new();
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false);
    if let Some(scope) = scope {
        opts.pathspec(scope).disable_pathspec_match(true);
    }
    let statuses = repo
        .statuses(Some(&mut opts))
        .map_err(|e| format!("cannot read the working tree status: {e}"))?;
    let mut files = Vec::new();
    for s in statuses.iter() {
        if let Some(p) = s.path() {
            files.push(p.to_string());
        }
        // A staged rename also changes the old path.
        if let Some(p) = s.head_to_index().and_then(|d| {
            d.old_file()
                .path()
                .map(|p| p.to_string_lossy().into_owned())
        }) {
            files.push(p);
        }
    }
    Ok(files)
}

fn full_status(repo: &Repository) -> Result<Vec<String>, String> {
    statuses(repo, None)
}

fn text(path: &[u8]) -> String {
    String::from_utf8_lossy(path).into_owned()
}
