//! Finds a program on a step's PATH, as the shell would: the first directory in PATH order
//! holding an executable regular file of that name.
//!
//! This runs before every step (std needs an absolute path to use `posix_spawn`, see
//! `direct.rs`), often for a program late in a long PATH: `true` is the ninth directory of a
//! pyenv + cargo PATH. So each PATH directory is opened once per run (`O_PATH` on Linux) and
//! a lookup is one `fstatat` of one name per directory, not a walk of the whole path from `/`
//! for each. The answer is the same as a fresh search: nothing is cached but the directory
//! handles. A handle to a directory that has since been deleted is noticed (no links left)
//! and opened again by path; a directory that did not exist yet is tried again next time.

use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One PATH directory: its name and, once opened, a handle.
struct Dir {
    name: CString,
    fd: Option<OwnedFd>,
}

/// The directories of each PATH value seen in this run (usually one).
static PATHS: Mutex<Vec<(String, Vec<Dir>)>> = Mutex::new(Vec::new());

fn open_dir(name: &CString) -> Option<OwnedFd> {
    #[cfg(target_os = "linux")]
    let flags = libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC;
    #[cfg(not(target_os = "linux"))]
    let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC;
    // SAFETY: a NUL-terminated path; the returned descriptor is owned from here on.
    let fd = unsafe { libc::open(name.as_ptr(), flags) };
    // SAFETY: `fd` is a fresh descriptor nobody else owns.
    (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd) })
}

fn fstat(fd: &OwnedFd) -> Option<libc::stat> {
    // SAFETY: fstat writes only into the zeroed struct we own.
    unsafe {
        let mut st: libc::stat = std::mem::zeroed();
        (libc::fstat(fd.as_raw_fd(), &mut st) == 0).then_some(st)
    }
}

/// Whether `name` in `dir` is an executable regular file (following symlinks).
fn executable_in(dir: &mut Dir, name: &CString) -> bool {
    let fresh = match &dir.fd {
        // A deleted directory keeps its handle alive but holds nothing: look again by name.
        Some(fd) => fstat(fd).is_some_and(|st| st.st_nlink > 0),
        None => false,
    };
    if !fresh {
        dir.fd = open_dir(&dir.name);
    }
    let Some(fd) = &dir.fd else {
        return false;
    };
    // SAFETY: fstatat reads a NUL-terminated name relative to an open directory and writes
    // only into the zeroed struct we own.
    let st = unsafe {
        let mut st: libc::stat = std::mem::zeroed();
        (libc::fstatat(fd.as_raw_fd(), name.as_ptr(), &mut st, 0) == 0).then_some(st)
    };
    st.is_some_and(|st| st.st_mode & libc::S_IFMT == libc::S_IFREG && st.st_mode & 0o111 != 0)
}

/// The directories of `path`, in order, empty entries and repeats left out (a repeat cannot
/// hold what its first occurrence did not).
fn dirs_of(path: &str) -> Vec<Dir> {
    let mut seen: Vec<&str> = Vec::new();
    path.split(':')
        .filter(|d| !d.is_empty())
        .filter(|d| {
            let new = !seen.contains(d);
            seen.push(d);
            new
        })
        .filter_map(|d| CString::new(d).ok())
        .map(|name| Dir { name, fd: None })
        .collect()
}

/// Finds `program` on `path` (a PATH value); a program holding a `/` is returned as it is.
pub(crate) fn resolve(program: &str, path: Option<&String>) -> Option<PathBuf> {
    if program.contains('/') {
        return Some(program.into());
    }
    let path = path?;
    let name = CString::new(program).ok()?;
    let mut paths = PATHS.lock().unwrap_or_else(|e| e.into_inner());
    let i = match paths.iter().position(|(p, _)| p == path) {
        Some(i) => i,
        None => {
            paths.push((path.clone(), dirs_of(path)));
            paths.len() - 1
        }
    };
    paths[i]
        .1
        .iter_mut()
        .find_map(|d| executable_in(d, &name).then(|| dir_path(&d.name).join(program)))
}

fn dir_path(name: &CString) -> &Path {
    Path::new(std::ffi::OsStr::from_bytes(name.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn exe(path: &Path) {
        std::fs::write(path, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn first_executable_in_path_order_as_the_shell_finds_it() {
        let t = tempfile::tempdir().unwrap();
        let (a, b, c) = (t.path().join("a"), t.path().join("b"), t.path().join("c"));
        for d in [&a, &b] {
            std::fs::create_dir(d).unwrap();
        }
        exe(&b.join("tool"));
        std::fs::write(a.join("plain"), "not executable").unwrap();
        std::fs::create_dir(a.join("adir")).unwrap();
        let path = format!(
            "{}::{}:{}:{}",
            a.display(),
            a.display(),
            b.display(),
            c.display()
        );
        assert_eq!(resolve("tool", Some(&path)), Some(b.join("tool")));
        assert_eq!(resolve("plain", Some(&path)), None);
        assert_eq!(resolve("adir", Some(&path)), None);
        assert_eq!(resolve("./x", Some(&path)), Some(PathBuf::from("./x")));
        assert_eq!(resolve("tool", None), None);
        // A program put earlier in PATH during the run is found at once.
        std::fs::create_dir(&c).unwrap();
        exe(&a.join("tool"));
        assert_eq!(resolve("tool", Some(&path)), Some(a.join("tool")));
        // A directory deleted and made again is looked at anew.
        std::fs::remove_dir_all(&a).unwrap();
        std::fs::create_dir(&a).unwrap();
        assert_eq!(resolve("tool", Some(&path)), Some(b.join("tool")));
        exe(&a.join("tool"));
        assert_eq!(resolve("tool", Some(&path)), Some(a.join("tool")));
        // So is one in a directory that did not exist when PATH was first searched.
        exe(&c.join("late"));
        assert_eq!(resolve("late", Some(&path)), Some(c.join("late")));
    }
}
