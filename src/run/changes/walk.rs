//! The working tree against the index, directory by directory on several threads: which
//! tracked files are gone or may have changed, and which entries are not tracked.
//!
//! This is what `git status` does before it looks at contents: list each directory, and for a
//! tracked file compare its `lstat` with the stat data the index recorded when it last saw
//! the file. A file whose stat data match (and that was not written in the same clock tick as
//! the index, git's "racy" rule) is unchanged without reading it; the others are only
//! *candidates*, settled by the caller through libgit2, which applies filters and config.
//! Untracked entries are reported raw; the caller applies the ignore rules. Each directory is
//! listed once and its entries are stat'ed by name relative to it (`DirEntry::metadata`), not
//! by a path from `/` that the kernel would walk again for every file.
//!
//! libgit2's own status walk does the same on one thread; on a big repository the `lstat`s are
//! most of the time, and git spreads them over every CPU (`core.preloadIndex`).

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs::Metadata;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::{Condvar, Mutex};

use git2::Oid;

use super::index::Tracked;

/// What the walk found; paths are `/`-separated bytes from the working tree's root.
#[derive(Default, Debug)]
pub(super) struct Found {
    /// Tracked files that are gone, or are now a directory: changed for certain.
    pub(super) changed: Vec<Vec<u8>>,
    /// Tracked files whose stat data differ from the index: changed only if their content or
    /// mode is (indices into the entries).
    pub(super) candidates: Vec<usize>,
    /// Entries the index does not have (`true`: a directory), ignored or not.
    pub(super) untracked: Vec<(Vec<u8>, bool)>,
}

/// The stage-0 index entries arranged by directory, for the walk.
pub(super) struct Tree<'a> {
    root: &'a Path,
    entries: &'a [Tracked],
    dirs: Vec<Dir<'a>>,
    /// The index file's modification time (seconds, nanoseconds): a file modified at or after
    /// it may have changed in the same clock tick without its stat data showing it.
    stamp: (u32, u32),
}

struct Dir<'a> {
    /// From the root, without a trailing `/` (empty for the root).
    path: &'a [u8],
    /// Tracked files directly in it, by name (indices into the entries).
    files: Vec<usize>,
    /// Tracked subdirectories, by name (indices into the directories).
    subdirs: Vec<usize>,
}

fn name(path: &[u8]) -> &[u8] {
    path.rsplit(|b| *b == b'/').next().unwrap_or(path)
}

fn parent(path: &[u8]) -> &[u8] {
    path.iter()
        .rposition(|b| *b == b'/')
        .map_or(&[][..], |i| &path[..i])
}

impl<'a> Tree<'a> {
    pub(super) fn new(root: &'a Path, entries: &'a [Tracked], stamp: (u32, u32)) -> Self {
        let mut tree = Tree {
            root,
            entries,
            dirs: vec![Dir {
                path: &[],
                files: Vec::new(),
                subdirs: Vec::new(),
            }],
            stamp,
        };
        let mut ids: HashMap<&'a [u8], usize> = HashMap::new();
        // Neighbouring entries mostly share a directory: remember the last one.
        let mut last: (&[u8], usize) = (&[], 0);
        for (i, e) in entries.iter().enumerate() {
            let dir = parent(&e.path);
            let id = if dir == last.0 {
                last.1
            } else {
                tree.dir_id(dir, &mut ids)
            };
            last = (dir, id);
            tree.dirs[id].files.push(i);
        }
        // Files arrive in name order (they share the directory's prefix); directories arrive
        // in git's order (`a.b` before `a/`), so they are sorted here for lookups by name.
        let dirs = std::mem::take(&mut tree.dirs);
        let mut sorted = dirs;
        for d in 0..sorted.len() {
            let mut subdirs = std::mem::take(&mut sorted[d].subdirs);
            subdirs.sort_by(|x, y| name(sorted[*x].path).cmp(name(sorted[*y].path)));
            sorted[d].subdirs = subdirs;
        }
        tree.dirs = sorted;
        tree
    }

    fn dir_id(&mut self, path: &'a [u8], ids: &mut HashMap<&'a [u8], usize>) -> usize {
        if path.is_empty() {
            return 0;
        }
        if let Some(id) = ids.get(path) {
            return *id;
        }
        let up = self.dir_id(parent(path), ids);
        let id = self.dirs.len();
        self.dirs.push(Dir {
            path,
            files: Vec::new(),
            subdirs: Vec::new(),
        });
        self.dirs[up].subdirs.push(id);
        ids.insert(path, id);
        id
    }

    /// Walks the working tree on `threads` threads (the calling one among them) while
    /// `alongside` runs on the calling thread first.
    pub(super) fn walk<T>(
        &self,
        threads: usize,
        alongside: impl FnOnce() -> T,
    ) -> (io::Result<Found>, T) {
        let queue = Queue {
            state: Mutex::new((vec![0], 0)),
            ready: Condvar::new(),
        };
        std::thread::scope(|s| {
            let helpers: Vec<_> = (1..threads.max(1))
                .map(|_| s.spawn(|| self.worker(&queue)))
                .collect();
            let beside = alongside();
            let mut found = self.worker(&queue);
            for h in helpers {
                let theirs = h
                    .join()
                    .unwrap_or_else(|_| Err(io::Error::other("a status thread failed")));
                found = match (found, theirs) {
                    (Ok(mut a), Ok(b)) => {
                        a.changed.extend(b.changed);
                        a.candidates.extend(b.candidates);
                        a.untracked.extend(b.untracked);
                        Ok(a)
                    }
                    (Err(e), _) | (_, Err(e)) => Err(e),
                };
            }
            (found, beside)
        })
    }

    /// Takes directories from the queue until every one is done; after an error it keeps
    /// taking them (so the others finish) but reads no more.
    fn worker(&self, queue: &Queue) -> io::Result<Found> {
        let mut found = Found::default();
        let mut below = Vec::new();
        let mut busy = false;
        let mut failed = None;
        while let Some(d) = queue.next(&mut below, busy) {
            busy = true;
            if failed.is_none() {
                if let Err(e) = self.visit(d, &mut found, &mut below) {
                    failed = Some(e);
                }
            }
        }
        failed.map_or(Ok(found), Err)
    }

    /// Lists one tracked directory (known to be a real one, not a symbolic link) and compares
    /// it with the index; its subdirectories that are real directories go to `below`.
    fn visit(&self, d: usize, found: &mut Found, below: &mut Vec<usize>) -> io::Result<()> {
        let dir = &self.dirs[d];
        let list = match std::fs::read_dir(self.root.join(OsStr::from_bytes(dir.path))) {
            Ok(list) => list,
            // Gone since its parent was listed.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                self.all_gone(d, found);
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        // Names in it start after its path and a `/`.
        let off = dir.path.len() + usize::from(!dir.path.is_empty());
        let mut seen_files = vec![false; dir.files.len()];
        let mut seen_dirs = vec![false; dir.subdirs.len()];
        let path = |n: &[u8]| {
            let mut p = dir.path.to_vec();
            if !p.is_empty() {
                p.push(b'/');
            }
            p.extend_from_slice(n);
            p
        };
        for item in list {
            let item = item?;
            let file_name = item.file_name();
            let n = file_name.as_bytes();
            // git never looks into or lists a `.git` anywhere in the working tree.
            if n == b".git" {
                continue;
            }
            let kind = item.file_type()?;
            let file = dir
                .files
                .binary_search_by(|i| self.entries[*i].path[off..].cmp(n));
            if let Ok(k) = file {
                seen_files[k] = true;
                let i = dir.files[k];
                if kind.is_dir() {
                    // A file replaced by a directory: gone, and the directory is new.
                    found.changed.push(self.entries[i].path.clone());
                    found.untracked.push((self.entries[i].path.clone(), true));
                } else if self.may_differ(&self.entries[i], &item.metadata()?) {
                    found.candidates.push(i);
                }
                continue;
            }
            let sub = dir
                .subdirs
                .binary_search_by(|s| self.dirs[*s].path[off..].cmp(n));
            match sub {
                // A real directory (a symbolic link to one is not: git does not follow it).
                Ok(k) if kind.is_dir() => {
                    seen_dirs[k] = true;
                    below.push(dir.subdirs[k]);
                }
                // A tracked directory replaced by a file or link: its files are gone (below)
                // and the file is new.
                Ok(_) => found.untracked.push((path(n), false)),
                Err(_) => found.untracked.push((path(n), kind.is_dir())),
            }
        }
        for (k, seen) in seen_files.iter().enumerate() {
            if !seen {
                found.changed.push(self.entries[dir.files[k]].path.clone());
            }
        }
        for (k, seen) in seen_dirs.iter().enumerate() {
            if !seen {
                self.all_gone(dir.subdirs[k], found);
            }
        }
        Ok(())
    }

    /// Every tracked file under the directory `d` is gone.
    fn all_gone(&self, d: usize, found: &mut Found) {
        let dir = &self.dirs[d];
        found
            .changed
            .extend(dir.files.iter().map(|i| self.entries[*i].path.clone()));
        for s in &dir.subdirs {
            self.all_gone(*s, found);
        }
    }

    /// Whether a tracked file's `lstat` leaves its content or mode in doubt: git's stat
    /// comparison (all fields it may check, whatever the config relaxes; the index keeps them
    /// truncated to 32 bits) plus its racy-git rule and its "smudged" empty size.
    fn may_differ(&self, e: &Tracked, m: &Metadata) -> bool {
        let link = e.mode & 0o170000 == 0o120000;
        let t = m.file_type();
        if link != t.is_symlink() || (!link && !t.is_file()) {
            return true;
        }
        if !link && (e.mode ^ m.mode()) & 0o100 != 0 {
            return true;
        }
        e.mtime != (m.mtime() as u32, m.mtime_nsec() as u32)
            || e.ctime != (m.ctime() as u32, m.ctime_nsec() as u32)
            || e.size != m.size() as u32
            || e.ino != m.ino() as u32
            || e.uid != m.uid()
            || e.gid != m.gid()
            || e.mtime >= self.stamp
            || (e.size == 0 && e.id != empty_blob())
    }
}

/// The id of the empty blob: git writes size 0 into an entry it could not trust ("smudges"
/// it), so size 0 matches a file only if the file is empty.
fn empty_blob() -> Oid {
    Oid::from_bytes(&[
        0xe6, 0x9d, 0xe2, 0x9b, 0xb2, 0xd1, 0xd6, 0x43, 0x4b, 0x8b, 0x29, 0xae, 0x77, 0x5a, 0xd8,
        0xc2, 0xe4, 0x8c, 0x53, 0x91,
    ])
    .expect("20 bytes")
}

/// Directories still to list, and how many are being listed (their subdirectories may
/// still come).
struct Queue {
    state: Mutex<(Vec<usize>, usize)>,
    ready: Condvar,
}

impl Queue {
    /// Queues `below` (found by the directory just done, if `done`) and takes the next
    /// directory, waiting while others may still add some; `None` when all are done.
    fn next(&self, below: &mut Vec<usize>, done: bool) -> Option<usize> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let wake = !below.is_empty();
        state.0.append(below);
        if done {
            state.1 -= 1;
        }
        if wake || state.1 == 0 {
            self.ready.notify_all();
        }
        loop {
            if let Some(d) = state.0.pop() {
                state.1 += 1;
                return Some(d);
            }
            if state.1 == 0 {
                return None;
            }
            state = self.ready.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An entry whose stat data are the file's own, as git records them after `git add`.
    fn recorded(m: &Metadata, id: Oid) -> Tracked {
        Tracked {
            path: b"f".to_vec(),
            ctime: (m.ctime() as u32, m.ctime_nsec() as u32),
            mtime: (m.mtime() as u32, m.mtime_nsec() as u32),
            ino: m.ino() as u32,
            mode: 0o100644,
            uid: m.uid(),
            gid: m.gid(),
            size: m.size() as u32,
            id,
            stage: 0,
            special: false,
        }
    }

    #[test]
    fn matching_stat_data_settle_a_file_unless_racy_or_smudged() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("f"), "content").unwrap();
        let m = std::fs::symlink_metadata(t.path().join("f")).unwrap();
        let id = Oid::hash_object(git2::ObjectType::Blob, b"content").unwrap();
        let e = recorded(&m, id);
        let later = (e.mtime.0 + 1, 0);
        let at = |stamp| Tree::new(t.path(), &[], stamp);
        assert!(
            !at(later).may_differ(&e, &m),
            "index written after the file"
        );
        // Written in the same tick as the index: the file may have changed unseen.
        assert!(at(e.mtime).may_differ(&e, &m), "racy");
        assert!(at((e.mtime.0, 0)).may_differ(&e, &m), "racy, index older");
        // git zeroes the size of an entry it could not vouch for.
        let smudged = Tracked {
            size: 0,
            ..e.clone()
        };
        assert!(at(later).may_differ(&smudged, &m), "smudged");
        let exec = Tracked {
            mode: 0o100755,
            ..e.clone()
        };
        assert!(at(later).may_differ(&exec, &m), "mode");
        let moved = Tracked {
            mtime: (e.mtime.0, e.mtime.1 ^ 1),
            ..e
        };
        assert!(at(later).may_differ(&moved, &m), "mtime");
    }
}
