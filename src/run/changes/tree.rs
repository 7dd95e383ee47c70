//! The paths that differ between two commits' trees, reading only the subtrees that differ.
//!
//! libgit2's tree-to-tree diff walks every entry of both trees, so its cost grows with the
//! repository rather than with the change; git itself skips a subtree whose id is the same on
//! both sides. git2 exposes trees but not that walk, so it is written here: a merge of the
//! two sorted entry lists, recursing only into subtrees whose ids differ.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use git2::{ObjectType, Repository, Tree, TreeEntry};

/// Adds to `out` every path (`/`-separated, from the repository root) whose content, mode or
/// kind differs between `old` and `new`, as `git diff --name-only old new` lists them (no
/// rename detection: a moved file counts at both places).
pub(super) fn changed_paths(
    repo: &Repository,
    old: &Tree<'_>,
    new: &Tree<'_>,
    out: &mut BTreeSet<String>,
) -> Result<(), git2::Error> {
    diff(repo, Some(old), Some(new), &mut Vec::new(), out)
}

fn diff(
    repo: &Repository,
    old: Option<&Tree<'_>>,
    new: Option<&Tree<'_>>,
    path: &mut Vec<u8>,
    out: &mut BTreeSet<String>,
) -> Result<(), git2::Error> {
    let mut a = old.into_iter().flat_map(Tree::iter).peekable();
    let mut b = new.into_iter().flat_map(Tree::iter).peekable();
    loop {
        let order = match (a.peek(), b.peek()) {
            (None, None) => return Ok(()),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(x), Some(y)) => git_order(x, y),
        };
        match order {
            Ordering::Less => {
                if let Some(x) = a.next() {
                    one_side(repo, &x, true, path, out)?;
                }
            }
            Ordering::Greater => {
                if let Some(y) = b.next() {
                    one_side(repo, &y, false, path, out)?;
                }
            }
            Ordering::Equal => {
                if let (Some(x), Some(y)) = (a.next(), b.next()) {
                    if x.id() == y.id() && x.filemode() == y.filemode() {
                        continue;
                    }
                    if is_tree(&x) && is_tree(&y) {
                        let (tx, ty) = (repo.find_tree(x.id())?, repo.find_tree(y.id())?);
                        enter(path, &x, |path| diff(repo, Some(&tx), Some(&ty), path, out))?;
                    } else {
                        // Same name and kind (git's order tells a file from a directory), so
                        // only the content or the mode changed.
                        out.insert(joined(path, &x));
                    }
                }
            }
        }
    }
}

/// An entry only one side has: a file counts, a directory counts with every file under it.
fn one_side(
    repo: &Repository,
    e: &TreeEntry<'_>,
    old_side: bool,
    path: &mut Vec<u8>,
    out: &mut BTreeSet<String>,
) -> Result<(), git2::Error> {
    if !is_tree(e) {
        out.insert(joined(path, e));
        return Ok(());
    }
    let t = repo.find_tree(e.id())?;
    let (old, new) = if old_side {
        (Some(&t), None)
    } else {
        (None, Some(&t))
    };
    enter(path, e, |path| diff(repo, old, new, path, out))
}

fn is_tree(e: &TreeEntry<'_>) -> bool {
    e.kind() == Some(ObjectType::Tree)
}

/// Runs `f` with `path` extended by the entry's name and a `/`.
fn enter<R>(path: &mut Vec<u8>, e: &TreeEntry<'_>, f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    let len = path.len();
    path.extend_from_slice(e.name_bytes());
    path.push(b'/');
    let r = f(path);
    path.truncate(len);
    r
}

fn joined(path: &[u8], e: &TreeEntry<'_>) -> String {
    let mut p = path.to_vec();
    p.extend_from_slice(e.name_bytes());
    String::from_utf8_lossy(&p).into_owned()
}

/// The order git keeps tree entries in: by name bytes, a directory compared as if its name
/// ended in `/` (so `a.txt` < `a/` but `a` < `a.txt` for files).
fn git_order(x: &TreeEntry<'_>, y: &TreeEntry<'_>) -> Ordering {
    let (a, b) = (x.name_bytes(), y.name_bytes());
    let n = a.len().min(b.len());
    a[..n].cmp(&b[..n]).then_with(|| {
        let end = |name: &[u8], e: &TreeEntry<'_>| {
            name.get(n)
                .copied()
                .unwrap_or(if is_tree(e) { b'/' } else { 0 })
        };
        end(a, x).cmp(&end(b, y))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use git2::{Index, IndexEntry, IndexTime, Oid};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// Paths that sort around each other in git's order, and clash as file and directory.
    const POOL: &[&str] = &[
        "a", "a.txt", "a/b", "a/c/d", "a-b/x", "a0", "b", "c/d/e", "c/d.txt", "c.d/f", "c/d/f/g",
    ];

    fn tree(repo: &Repository, files: &BTreeMap<&str, (u8, bool)>) -> Oid {
        let mut index = Index::new().unwrap();
        for (path, (content, exec)) in files {
            let entry = IndexEntry {
                ctime: IndexTime::new(0, 0),
                mtime: IndexTime::new(0, 0),
                dev: 0,
                ino: 0,
                mode: if *exec { 0o100755 } else { 0o100644 },
                uid: 0,
                gid: 0,
                file_size: 0,
                id: repo.blob(&[*content]).unwrap(),
                flags: 0,
                flags_extended: 0,
                path: path.as_bytes().to_vec(),
            };
            index.add(&entry).unwrap();
        }
        index.write_tree_to(repo).unwrap()
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

    fn libgit2(repo: &Repository, old: &Tree<'_>, new: &Tree<'_>) -> BTreeSet<String> {
        let diff = repo.diff_tree_to_tree(Some(old), Some(new), None).unwrap();
        diff.deltas()
            .flat_map(|d| [d.old_file().path(), d.new_file().path()])
            .flatten()
            .map(|p| p.to_string_lossy().into_owned())
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
        /// The walk lists exactly what libgit2's full diff lists.
        #[test]
        fn same_paths_as_libgit2(
            a in proptest::collection::vec((0..POOL.len(), 0u8..2, any::<bool>()), 0..8),
            b in proptest::collection::vec((0..POOL.len(), 0u8..2, any::<bool>()), 0..8),
        ) {
            let (got, want) = REPO.with(|(_, repo)| {
                let old = repo.find_tree(tree(repo, &files(&a))).unwrap();
                let new = repo.find_tree(tree(repo, &files(&b))).unwrap();
                let mut got = BTreeSet::new();
                changed_paths(repo, &old, &new, &mut got).unwrap();
                (got, libgit2(repo, &old, &new))
            });
            prop_assert_eq!(got, want);
        }
    }
}
