//! The index file (`.git/index`) read as git reads it: entries in order with the stat data
//! git recorded, nothing else.
//!
//! Written here rather than read through libgit2 because libgit2's reader does far more than
//! a status needs: it checks the file's SHA-1, validates every path and builds a hash map of
//! them, about 50 ms for 100,000 entries against git's 13 ms, on the critical path of every
//! local run. git itself does not check the checksum when reading (`index.skipHash` aside, it
//! is for `fsck`). The format (versions 2 to 4) is git's documented `gitformat-index`; what
//! the walk does not model (split and sparse indexes, SHA-256 ids) is refused, and the caller
//! falls back to libgit2.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use git2::Oid;

/// One index entry; times are (seconds, nanoseconds) and every stat field is kept truncated
/// to 32 bits, as the file holds them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Tracked {
    pub(super) path: Vec<u8>,
    pub(super) ctime: (u32, u32),
    pub(super) mtime: (u32, u32),
    pub(super) ino: u32,
    pub(super) mode: u32,
    pub(super) uid: u32,
    pub(super) gid: u32,
    pub(super) size: u32,
    pub(super) id: Oid,
    /// Its merge stage (0 outside a conflict).
    pub(super) stage: u8,
    /// `assume-unchanged`, `skip-worktree` or `intent-to-add`: git does not stat it as usual.
    pub(super) special: bool,
}

/// What the index holds.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Snapshot {
    pub(super) entries: Vec<Tracked>,
    /// The file's modification time (seconds, nanoseconds).
    pub(super) stamp: (u32, u32),
    /// The cache tree (git's `TREE` extension): for a directory (`a/b/`, the root as ``)
    /// whose entries are unchanged since a tree was last written from them, how many
    /// entries it holds and that tree's id. git invalidates a directory's record whenever an
    /// entry under it changes, so a matching id vouches for all of them.
    pub(super) trees: HashMap<Vec<u8>, (usize, Oid)>,
}

/// Reads the index at `path`: `Ok(None)` when there is none yet, `Err` when the file is not
/// an index this reader models.
pub(super) fn read(path: &Path) -> Result<Option<Snapshot>, String> {
    use std::os::unix::fs::MetadataExt;
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    // Stamped before reading: if the index is rewritten meanwhile, more entries look racy
    // (and are compared by content), never fewer.
    let meta = file.metadata().map_err(|e| e.to_string())?;
    let stamp = (meta.mtime() as u32, meta.mtime_nsec() as u32);
    let mut data = Vec::with_capacity(meta.len() as usize);
    file.read_to_end(&mut data).map_err(|e| e.to_string())?;
    let (entries, trees) = parse(&data)?;
    Ok(Some(Snapshot {
        entries,
        stamp,
        trees,
    }))
}

/// Bytes of a SHA-1 id, the trailing checksum's size too.
const ID: usize = 20;
/// Fixed part of an entry: ten 32-bit stat fields, the id and 16 bits of flags.
const FIXED: usize = 40 + ID + 2;

type Trees = HashMap<Vec<u8>, (usize, Oid)>;

fn parse(data: &[u8]) -> Result<(Vec<Tracked>, Trees), String> {
    let bad = |what: &str| format!("unreadable index ({what})");
    let u32_at = |at: usize| -> Result<u32, String> {
        data.get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(|| bad("truncated"))
    };
    if data.get(..4) != Some(b"DIRC") {
        return Err(bad("no signature"));
    }
    let version = u32_at(4)?;
    if !(2..=4).contains(&version) {
        return Err(bad("unknown version"));
    }
    let count = u32_at(8)? as usize;
    let mut entries: Vec<Tracked> = Vec::with_capacity(count);
    let mut at = 12;
    for _ in 0..count {
        let f = |i: usize| u32_at(at + 4 * i);
        let flags = data
            .get(at + FIXED - 2..at + FIXED)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| bad("truncated"))?;
        let extended = flags & 0x4000 != 0;
        let mut name_at = at + FIXED;
        let mut special = flags & 0x8000 != 0;
        if extended {
            if version < 3 {
                return Err(bad("extended flags in version 2"));
            }
            let more = data
                .get(name_at..name_at + 2)
                .ok_or_else(|| bad("truncated"))?;
            // skip-worktree and intent-to-add.
            special |= u16::from_be_bytes([more[0], more[1]]) & 0x6000 != 0;
            name_at += 2;
        }
        let id = Oid::from_bytes(&data[at + 40..at + 40 + ID]).map_err(|e| e.to_string())?;
        let (path, next) = if version == 4 {
            // The path is the previous one less N trailing bytes plus a suffix.
            let (strip, used) = varint(&data[name_at..]).ok_or_else(|| bad("path prefix"))?;
            let rest = &data[name_at + used..];
            let nul = memchr::memchr(0, rest).ok_or_else(|| bad("path"))?;
            let prev = entries.last().map_or(&[][..], |e| &e.path[..]);
            let keep = prev
                .len()
                .checked_sub(strip)
                .ok_or_else(|| bad("path prefix"))?;
            let mut path = Vec::with_capacity(keep + nul);
            path.extend_from_slice(&prev[..keep]);
            path.extend_from_slice(&rest[..nul]);
            (path, name_at + used + nul + 1)
        } else {
            let rest = data.get(name_at..).ok_or_else(|| bad("truncated"))?;
            let nul = memchr::memchr(0, rest).ok_or_else(|| bad("path"))?;
            // Padded with 1 to 8 NULs to a multiple of 8 bytes from the entry's start.
            let len = name_at - at + nul;
            (rest[..nul].to_vec(), at + (len + 8) / 8 * 8)
        };
        let mode = f(6)?;
        // A sparse index holds whole directories as entries.
        if mode & 0o170000 == 0o040000 {
            return Err(bad("sparse directory entry"));
        }
        entries.push(Tracked {
            path,
            ctime: (f(0)?, f(1)?),
            mtime: (f(2)?, f(3)?),
            ino: f(5)?,
            mode,
            uid: f(7)?,
            gid: f(8)?,
            size: f(9)?,
            id,
            stage: ((flags >> 12) & 3) as u8,
            special,
        });
        at = next;
    }
    // Extensions up to the trailing checksum: a split index keeps entries elsewhere.
    let mut trees = HashMap::new();
    while at + 8 + ID <= data.len() {
        let signature = &data[at..at + 4];
        let size = u32_at(at + 4)? as usize;
        let body = data
            .get(at + 8..at + 8 + size)
            .ok_or_else(|| bad("truncated"))?;
        match signature {
            b"link" | b"sdir" => return Err(bad("split or sparse index")),
            b"TREE" => {
                let mut rest = body;
                while !rest.is_empty() {
                    rest = cache_tree(rest, &[], &mut trees).ok_or_else(|| bad("cache tree"))?;
                }
            }
            _ => {}
        }
        at += 8 + size;
    }
    Ok((entries, trees))
}

/// Reads one directory's record of the cache tree and its subdirectories' (`<name>\0<entries>
/// <subtrees>\n`, then the id unless the entry count is -1), under `prefix`; returns what
/// follows.
fn cache_tree<'a>(data: &'a [u8], prefix: &[u8], trees: &mut Trees) -> Option<&'a [u8]> {
    let nul = memchr::memchr(0, data)?;
    let end = nul + memchr::memchr(b'\n', &data[nul..])?;
    let counts = std::str::from_utf8(&data[nul + 1..end]).ok()?;
    let (count, subtrees) = counts.split_once(' ')?;
    let (count, subtrees): (i64, usize) = (count.parse().ok()?, subtrees.parse().ok()?);
    let mut path = prefix.to_vec();
    if nul > 0 {
        path.extend_from_slice(&data[..nul]);
        path.push(b'/');
    }
    let mut rest = &data[end + 1..];
    if count >= 0 {
        let id = Oid::from_bytes(rest.get(..ID)?).ok()?;
        rest = &rest[ID..];
        trees.insert(path.clone(), (usize::try_from(count).ok()?, id));
    }
    for _ in 0..subtrees {
        rest = cache_tree(rest, &path, trees)?;
    }
    Some(rest)
}

/// git's variable-length offset encoding (index version 4): the value and the bytes used.
fn varint(b: &[u8]) -> Option<(usize, usize)> {
    let mut i = 0;
    let mut c = *b.first()?;
    let mut value = usize::from(c & 0x7f);
    while c & 0x80 != 0 {
        i += 1;
        c = *b.get(i)?;
        value = value.checked_add(1)?.checked_mul(128)? + usize::from(c & 0x7f);
    }
    Some((value, i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) {
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .expect("git");
        assert!(out.status.success(), "git {args:?}");
    }

    /// Every version git writes, with long and short paths that share prefixes (version 4
    /// compresses them), an executable, a symbolic link, intent-to-add and skip-worktree
    /// entries: the same entries and stat data as libgit2 reads.
    #[cfg(unix)]
    #[test]
    fn reads_what_libgit2_reads() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        git(d, &["init", "-q", "-b", "main"]);
        let long = format!("{}/{}", "x".repeat(150), "y".repeat(150));
        for f in [
            "a0",
            "a.b/c",
            "a/b/c",
            &format!("dir/{long}"),
            "dir/y",
            "z/z",
        ] {
            let p = d.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, f).unwrap();
        }
        std::os::unix::fs::symlink("a0", d.join("link")).unwrap();
        {
            use std::os::unix::fs::PermissionsExt;
            let p = d.join("z/z");
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        git(d, &["add", "-A"]);
        git(d, &["commit", "-qm", "one"]);
        // Just committed: the cache tree vouches for every directory.
        let repo = git2::Repository::open(d).unwrap();
        let head = repo.head().unwrap().peel_to_tree().unwrap();
        let trees = read(&d.join(".git/index")).unwrap().unwrap().trees;
        assert_eq!(trees[&b""[..]], (7, head.id()));
        let sub = head.get_path(Path::new("a/b")).unwrap().id();
        assert_eq!(trees[&b"a/b/"[..]], (1, sub));
        std::fs::write(d.join("new"), "n").unwrap();
        git(d, &["add", "-N", "new"]);
        git(d, &["update-index", "--skip-worktree", "dir/y"]);
        for version in ["2", "3", "4"] {
            git(d, &["update-index", "--index-version", version]);
            let ours = read(&d.join(".git/index")).unwrap().unwrap().entries;
            let index = git2::Index::open(&d.join(".git/index")).unwrap();
            let theirs: Vec<Tracked> = index
                .iter()
                .map(|e| Tracked {
                    path: e.path.clone(),
                    ctime: (e.ctime.seconds() as u32, e.ctime.nanoseconds()),
                    mtime: (e.mtime.seconds() as u32, e.mtime.nanoseconds()),
                    ino: e.ino,
                    mode: e.mode,
                    uid: e.uid,
                    gid: e.gid,
                    size: e.file_size,
                    id: e.id,
                    stage: ((e.flags >> 12) & 3) as u8,
                    special: e.flags & 0x8000 != 0 || e.flags_extended & 0x6000 != 0,
                })
                .collect();
            assert_eq!(ours, theirs, "index version {version}");
            assert_eq!(ours.iter().filter(|e| e.special).count(), 2);
        }
    }

    #[test]
    fn refuses_what_it_does_not_model() {
        assert!(parse(b"DIRC\0\0\0\x05\0\0\0\0").is_err());
        assert!(parse(b"not an index").is_err());
        // A split index: no entries here, a `link` extension, a checksum.
        let mut split = b"DIRC\0\0\0\x02\0\0\0\0link\0\0\0\x14".to_vec();
        split.extend([0; 40]);
        assert!(parse(&split).is_err());
        let mut plain = b"DIRC\0\0\0\x02\0\0\0\0".to_vec();
        plain.extend([0; 20]);
        assert_eq!(parse(&plain), Ok((vec![], HashMap::new())));
    }
}
