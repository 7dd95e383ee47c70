//! The fast path for uncommitted changes (Unix): read the index, walk the working tree beside
//! the staged comparison, then settle each path a stat left in doubt.

use std::ffi::OsStr;
use std::io;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository, Status};

use super::index::{self, Tracked};
use super::staged::staged_paths;
use super::walk::{Found, Tree};

/// Paths a stat left in doubt (and untracked entries), above which one full status read is
/// cheaper than settling each.
const MOST_DOUBTS: usize = 2000;
/// Threads for the walk at most, however many CPUs (it is bound by the file system).
const MAX_THREADS: usize = 4;

/// Files with uncommitted changes, or `None` when libgit2's full status must read them.
pub(super) fn fast<T>(
    repo: &Repository,
    head_tree: Option<Oid>,
    alongside: impl FnOnce() -> T,
) -> (Option<Vec<String>>, T) {
    let Some((workdir, settings, index)) = prepare(repo) else {
        return (None, alongside());
    };
    let odb = match repo.odb() {
        Ok(odb) => odb,
        Err(_) => return (None, alongside()),
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_THREADS);
    let entries = &index.entries;
    let tree = Tree::new(&workdir, entries, index.stamp);
    let (found, (beside, staged)) = tree.walk(threads, || {
        let beside = alongside();
        let mut staged = Vec::new();
        let read = staged_paths(&odb, head_tree, entries, &index.trees, &mut staged);
        (beside, read.map(|()| staged))
    });
    let (Ok(found), Ok(staged)) = (found, staged) else {
        return (None, beside);
    };
    let files = settle(repo, &workdir, &settings, entries, found).map(|mut files| {
        files.extend(staged.iter().map(|p| text(p)));
        files
    });
    (files, beside)
}

/// What decides how a file is compared.
struct Settings {
    /// `core.filemode`: the executable bit counts.
    filemode: bool,
    /// `core.symlinks`: a symbolic link is checked out as one.
    symlinks: bool,
    /// No attribute file outside the working tree and no `core.autocrlf`: files in the
    /// working tree are stored as they are, unless a `.gitattributes` there says otherwise.
    unfiltered: bool,
}

type Prepared = (PathBuf, Settings, index::Snapshot);

fn prepare(repo: &Repository) -> Option<Prepared> {
    let workdir = repo.workdir()?.to_path_buf();
    let config = repo.config().ok()?.snapshot().ok()?;
    let flag = |name: &str, default: bool| config.get_bool(name).unwrap_or(default);
    // Names compared without case need libgit2's folding.
    if flag("core.ignorecase", false) {
        return None;
    }
    let autocrlf = config.get_string("core.autocrlf").is_ok_and(|v| {
        !matches!(
            v.to_ascii_lowercase().as_str(),
            "false" | "no" | "off" | "0"
        )
    });
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let global = match config.get_path("core.attributesFile") {
        Ok(p) => Some(p),
        Err(_) => std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| home.map(|h| h.join(".config")))
            .map(|d| d.join("git/attributes")),
    };
    let attribute_files = [
        Some(repo.path().join("info/attributes")),
        Some(repo.commondir().join("info/attributes")),
        global,
        Some(PathBuf::from("/etc/gitattributes")),
    ];
    let settings = Settings {
        filemode: flag("core.filemode", true),
        symlinks: flag("core.symlinks", true),
        unfiltered: !autocrlf && attribute_files.iter().flatten().all(|p| !p.exists()),
    };
    let index = match index::read(&repo.path().join("index")) {
        Ok(Some(read)) => read,
        Ok(None) => index::Snapshot::default(),
        Err(_) => return None,
    };
    let modelled = index
        .entries
        .iter()
        .all(|e| e.stage == 0 && !e.special && e.mode & 0o170000 != 0o160000);
    modelled.then_some((workdir, settings, index))
}

fn settle(
    repo: &Repository,
    workdir: &Path,
    settings: &Settings,
    entries: &[Tracked],
    found: Found,
) -> Option<Vec<String>> {
    if found.candidates.len() + found.untracked.len() > MOST_DOUBTS {
        return None;
    }
    let attributes = |p: &[u8]| name(p) == b".gitattributes";
    let hashable = settings.unfiltered
        && !entries.iter().any(|e| attributes(&e.path))
        && !found.untracked.iter().any(|(p, _)| attributes(p));
    let mut files: Vec<String> = found.changed.iter().map(|p| text(p)).collect();
    for i in found.candidates {
        let e = &entries[i];
        let changed = match hashable.then(|| differs(workdir, settings, e)).flatten() {
            Some(changed) => changed,
            None => {
                let status = repo
                    .status_file(Path::new(OsStr::from_bytes(&e.path)))
                    .ok()?;
                !(status - Status::CURRENT).is_empty()
            }
        };
        if changed {
            files.push(text(&e.path));
        }
    }
    let mut budget = MOST_DOUBTS;
    for (path, dir) in found.untracked {
        untracked(repo, workdir, path, dir, &mut files, &mut budget).ok()?;
    }
    Some(files)
}

/// Whether a tracked file's mode or content differs from the index, as git compares them
/// when no filter applies; `None` when libgit2 must decide.
fn differs(workdir: &Path, settings: &Settings, e: &Tracked) -> Option<bool> {
    let path = workdir.join(OsStr::from_bytes(&e.path));
    let meta = match path.symlink_metadata() {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Some(true),
        Err(_) => return None,
    };
    let kind = meta.file_type();
    let link = e.mode & 0o170000 == 0o120000;
    if kind.is_dir() {
        return Some(true);
    }
    if link != kind.is_symlink() {
        // Without `core.symlinks` a link is a file holding its target: libgit2 compares.
        return settings.symlinks.then_some(true);
    }
    if !link && settings.filemode && (e.mode ^ meta.mode()) & 0o100 != 0 {
        return Some(true);
    }
    let content = if link {
        std::fs::read_link(&path).ok()?.into_os_string().into_vec()
    } else {
        std::fs::read(&path).ok()?
    };
    Some(Oid::hash_object(ObjectType::Blob, &content).ok()? != e.id)
}

/// Adds an untracked entry unless the ignore rules exclude it; a directory adds every file
/// in it that they do not exclude, or itself (`dir/`) if it holds a repository of its own,
/// as git lists them. `Err` when more than `budget` entries were looked at.
fn untracked(
    repo: &Repository,
    workdir: &Path,
    path: Vec<u8>,
    dir: bool,
    out: &mut Vec<String>,
    budget: &mut usize,
) -> Result<(), ()> {
    *budget = budget.checked_sub(1).ok_or(())?;
    let mut shown = text(&path);
    if dir {
        shown.push('/');
    }
    if repo.is_path_ignored(&shown).map_err(|_| ())? {
        return Ok(());
    }
    if !dir {
        out.push(shown);
        return Ok(());
    }
    let full = workdir.join(OsStr::from_bytes(&path));
    if full.join(".git").symlink_metadata().is_ok() {
        out.push(shown);
        return Ok(());
    }
    let list = std::fs::read_dir(&full).map_err(|_| ())?;
    for item in list {
        let item = item.map_err(|_| ())?;
        let file_name = item.file_name();
        let mut child = path.clone();
        child.push(b'/');
        child.extend_from_slice(file_name.as_bytes());
        let is_dir = item.file_type().map_err(|_| ())?.is_dir();
        untracked(repo, workdir, child, is_dir, out, budget)?;
    }
    Ok(())
}

fn name(path: &[u8]) -> &[u8] {
    path.rsplit(|b| *b == b'/').next().unwrap_or(path)
}

fn text(path: &[u8]) -> String {
    String::from_utf8_lossy(path).into_owned()
}
