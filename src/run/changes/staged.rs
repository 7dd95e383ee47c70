//! Staged changes: the paths where the index differs from HEAD's tree (`git diff --cached
//! --name-only`, without rename detection: a staged move counts at both places).
//!
//! The index lists every file in the order of a depth-first walk of the tree in git's entry
//! order (a directory sorts as its name plus `/`), so one pass merges the two without building
//! a path list of the tree. A directory whose record in the index's cache tree has the id of
//! HEAD's subtree is stepped over unread, as git steps over it; the others are read raw from
//! the object database and parsed in place, as the commit-to-commit walk (tree.rs) reads
//! them.

use git2::{ObjectType, Odb, Oid};

use std::collections::HashMap;

use super::index::Tracked;
use super::tree::{malformed, Entries};

/// Adds to `out` every path whose mode or content differs between the tree `head` (`None`:
/// no commits yet) and the stage-0 entries `index` (sorted, as an index keeps them).
pub(super) fn staged_paths(
    odb: &Odb<'_>,
    head: Option<Oid>,
    index: &[Tracked],
    trees: &HashMap<Vec<u8>, (usize, Oid)>,
    out: &mut Vec<Vec<u8>>,
) -> Result<(), git2::Error> {
    let mut merge = Merge {
        odb,
        index,
        trees,
        next: 0,
        out,
    };
    let mut path = Vec::new();
    if let Some(head) = head {
        if !merge.vouched(&path, head) {
            merge.tree(head, &mut path)?;
        }
    }
    // Whatever the tree did not reach is new in the index.
    merge.added_while(|_| true);
    Ok(())
}

struct Merge<'a, 'o> {
    odb: &'a Odb<'o>,
    index: &'a [Tracked],
    trees: &'a HashMap<Vec<u8>, (usize, Oid)>,
    /// The first index entry not yet matched against the tree.
    next: usize,
    out: &'a mut Vec<Vec<u8>>,
}

impl Merge<'_, '_> {
    /// Walks the tree `id` whose entries are under `path` (empty or ending in `/`).
    fn tree(&mut self, id: Oid, path: &mut Vec<u8>) -> Result<(), git2::Error> {
        let object = self.odb.read(id)?;
        if object.kind() != ObjectType::Tree {
            return Err(malformed());
        }
        let at = path.len();
        for entry in Entries(object.data()) {
            let entry = entry?;
            path.extend_from_slice(entry.name);
            if entry.is_tree() {
                path.push(b'/');
                // Index entries sorting before the directory are in the index only.
                self.added_while(|p| p < path.as_slice());
                if !self.vouched(path, entry.id) {
                    self.tree(entry.id, path)?;
                }
                // And so are those under it that its tree does not have.
                self.added_while(|p| p.starts_with(path));
            } else {
                self.added_while(|p| p < path.as_slice());
                match self.index.get(self.next) {
                    Some(e) if e.path == *path => {
                        if e.id != entry.id || canonical(e.mode) != canonical(entry.mode) {
                            self.out.push(path.clone());
                        }
                        self.next += 1;
                    }
                    // In the tree only: deleted from the index.
                    _ => self.out.push(path.clone()),
                }
            }
            path.truncate(at);
        }
        Ok(())
    }

    /// Steps over the index entries under `path` if the cache tree records them as the tree
    /// `id` (and they are where it says: the first under `path` come next).
    fn vouched(&mut self, path: &[u8], id: Oid) -> bool {
        let Some(&(count, cached)) = self.trees.get(path) else {
            return false;
        };
        let under = |i: usize| self.index.get(i).is_some_and(|e| e.path.starts_with(path));
        let end = self.next + count;
        let fits = count > 0 && under(self.next) && under(end - 1) && !under(end);
        if cached != id || !fits {
            return false;
        }
        self.next = end;
        true
    }

    /// Reports index entries as added while their paths satisfy `more`.
    fn added_while(&mut self, more: impl Fn(&[u8]) -> bool) {
        while let Some(e) = self.index.get(self.next) {
            if !more(&e.path) {
                break;
            }
            self.out.push(e.path.clone());
            self.next += 1;
        }
    }
}

/// A mode as git compares it: any regular file is 100644 or 100755 (old trees may hold
/// others, such as 100664).
fn canonical(mode: u32) -> u32 {
    match mode & 0o170000 {
        0o100000 if mode & 0o100 != 0 => 0o100755,
        0o100000 => 0o100644,
        _ => mode,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use git2::{Index, IndexEntry, IndexTime, Repository};
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet, HashMap};

    /// Paths that sort around each other in git's order, and clash as file and directory.
    const POOL: &[&str] = &[
        "a", "a.txt", "a/b", "a/c/d", "a-b/x", "a0", "b", "c/d/e", "c/d.txt", "c.d/f", "c/d/f/g",
    ];

    fn entry(repo: &Repository, path: &str, content: u8, exec: bool) -> IndexEntry {
        IndexEntry {
            ctime: IndexTime::new(0, 0),
            mtime: IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode: if exec { 0o100755 } else { 0o100644 },
            uid: 0,
            gid: 0,
            file_size: 0,
            id: repo.blob(&[content]).unwrap(),
            flags: 0,
            flags_extended: 0,
            path: path.as_bytes().to_vec(),
        }
    }

    fn index(repo: &Repository, files: &BTreeMap<&str, (u8, bool)>) -> Index {
        let mut index = Index::new().unwrap();
        for (path, (content, exec)) in files {
            index.add(&entry(repo, path, *content, *exec)).unwrap();
        }
        index
    }

    /// A valid tree from a choice of the pool: a path that is another's directory is dropped.
    fn files(pick: &[(usize, u8, bool)]) -> BTreeMap<&'static str, (u8, bool)> {
        let chosen: BTreeMap<&str, (u8, bool)> =
            pick.iter().map(|(i, c, x)| (POOL[*i], (*c, *x))).collect();
        chosen
            .iter()
            .filter(|(p, _)| !chosen.keys().any(|q| q.starts_with(&format!("{p}/"))))
            .map(|(p, v)| (*p, *v))
            .collect()
    }

    thread_local! {
        static REPO: (tempfile::TempDir, Repository) = {
            let dir = tempfile::tempdir().unwrap();
            let repo = Repository::init_bare(dir.path()).unwrap();
            (dir, repo)
        };
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        /// The merge lists exactly what libgit2's tree-to-index diff lists.
        #[test]
        fn same_paths_as_libgit2(
            a in proptest::collection::vec((0..POOL.len(), 0u8..2, any::<bool>()), 0..8),
            b in proptest::collection::vec((0..POOL.len(), 0u8..2, any::<bool>()), 0..8),
            empty_head in any::<bool>(),
        ) {
            REPO.with(|(_dir, repo)| {
                let tree = (!empty_head).then(|| index(repo, &files(&a)).write_tree_to(repo).unwrap());
                let mut staged = index(repo, &files(&b));
                let old = tree.map(|t| repo.find_tree(t).unwrap());
                let diff = repo.diff_tree_to_index(old.as_ref(), Some(&staged), None).unwrap();
                let want: BTreeSet<Vec<u8>> = diff
                    .deltas()
                    .flat_map(|d| [d.old_file().path_bytes(), d.new_file().path_bytes()])
                    .flatten()
                    .map(<[u8]>::to_vec)
                    .collect();
                let entries: Vec<Tracked> = staged
                    .iter()
                    .map(|e| Tracked {
                        path: e.path,
                        ctime: (0, 0),
                        mtime: (0, 0),
                        ino: 0,
                        mode: e.mode,
                        uid: 0,
                        gid: 0,
                        size: 0,
                        id: e.id,
                        stage: 0,
                        special: false,
                    })
                    .collect();
                let mut got = Vec::new();
                staged_paths(&repo.odb().unwrap(), tree, &entries, &HashMap::new(), &mut got).unwrap();
                prop_assert_eq!(got.into_iter().collect::<BTreeSet<_>>(), want);
                staged.clear().unwrap();
                Ok(())
            })?;
        }
    }
}
