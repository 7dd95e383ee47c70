//! Uncommitted changes (staged, unstaged and untracked files), as `git status` finds them.
//!
//! The common case is read on every CPU: the index (index.rs) against HEAD's tree
//! (staged.rs) beside a walk of the working tree against the index's stat data (walk.rs).
//! What a stat cannot settle is settled path by path: a file whose stat data changed is
//! compared by content (hashed here when no attribute or `core.autocrlf` can filter it, else
//! by `git_status_file`), an untracked entry is matched against libgit2's ignore rules, an
//! untracked directory listed. Whatever the fast path does not model (conflicts, submodules,
//! sparse checkouts, `assume-unchanged` and intent-to-add entries, case-insensitive file
//! systems, other platforms) and any state with more doubtful paths than a full read would
//! cost is read by libgit2's own status walk.

use git2::{Oid, Repository, StatusOptions};

#[cfg(unix)]
use super::settle::fast;

/// Files with uncommitted changes (`/`-separated, from the repository root), found while
/// `alongside` runs on the calling thread.
pub(super) fn uncommitted<T>(
    repo: &Repository,
    head_tree: Option<Oid>,
    alongside: impl FnOnce() -> T,
) -> (Result<Vec<String>, String>, T) {
    let (files, beside) = fast(repo, head_tree, alongside);
    match files {
        Some(files) => (Ok(files), beside),
        None => (full_status(repo), beside),
    }
}

/// Elsewhere the fast path's stat comparison is not written: libgit2 reads it all.
#[cfg(not(unix))]
fn fast<T>(
    _repo: &Repository,
    _head_tree: Option<Oid>,
    alongside: impl FnOnce() -> T,
) -> (Option<Vec<String>>, T) {
    (None, alongside())
}

/// Staged, unstaged and untracked files, as libgit2's status walk lists them.
fn full_status(repo: &Repository) -> Result<Vec<String>, String> {
    let mut opts = StatusOptions::new();
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false);
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
