//! Finds a program on a step's PATH, as the shell would: the first directory in PATH order
//! holding an executable regular file of that name (symlinks followed).
//!
//! This runs before every step (std needs an absolute path to use `posix_spawn`, see
//! `direct.rs`). Every lookup is a fresh search, one `stat` per PATH directory up to the one
//! that holds the program, with empty entries and repeats left out. Keeping answers (an
//! inotify watch on the PATH directories) or directory handles (`O_PATH`) for the run was
//! tried and dropped: neither can see a PATH directory that is a symlink being pointed
//! elsewhere (a toolchain manager's `current/bin`), a directory renamed away and made again,
//! or a dangling symlink whose target appears, so their answer could differ from a fresh
//! search's; and the whole search costs a few microseconds against a step's spawn.

use std::path::{Path, PathBuf};

fn executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Finds `program` on `path` (a PATH value); a program holding a `/` is returned as it is.
pub(crate) fn resolve(program: &str, path: Option<&str>) -> Option<PathBuf> {
    if program.contains('/') {
        return Some(program.into());
    }
    // A repeated directory cannot hold what its first occurrence did not: skip it.
    let mut seen: Vec<&str> = Vec::new();
    for d in path?.split(':').filter(|d| !d.is_empty()) {
        if seen.contains(&d) {
            continue;
        }
        seen.push(d);
        let p = Path::new(d).join(program);
        if executable(&p) {
            return Some(p);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{symlink, PermissionsExt};

    fn exe(path: &Path) {
        std::fs::write(path, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn always_the_answer_of_a_fresh_search() {
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
            c.display(),
            b.display()
        );
        let path = Some(path.as_str());
        assert_eq!(resolve("tool", path), Some(b.join("tool")));
        assert_eq!(resolve("tool", path), Some(b.join("tool")));
        assert_eq!(resolve("plain", path), None);
        assert_eq!(resolve("adir", path), None);
        assert_eq!(resolve("./x", path), Some(PathBuf::from("./x")));
        assert_eq!(resolve("tool", None), None);
        // Made executable, added earlier in PATH mid-run, removed: each is seen at once.
        std::fs::set_permissions(a.join("plain"), std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(resolve("plain", path), Some(a.join("plain")));
        exe(&a.join("tool"));
        assert_eq!(resolve("tool", path), Some(a.join("tool")));
        std::fs::remove_file(a.join("tool")).unwrap();
        assert_eq!(resolve("tool", path), Some(b.join("tool")));
        // A directory that did not exist, created later with the program in it.
        std::fs::create_dir(&c).unwrap();
        exe(&c.join("tool"));
        assert_eq!(resolve("tool", path), Some(c.join("tool")));
        // A directory renamed away and made again, the program back in it.
        std::fs::rename(&a, t.path().join("a.old")).unwrap();
        assert_eq!(resolve("tool", path), Some(c.join("tool")));
        std::fs::create_dir(&a).unwrap();
        exe(&a.join("tool"));
        assert_eq!(resolve("tool", path), Some(a.join("tool")));
        // The binary deleted.
        std::fs::remove_file(a.join("tool")).unwrap();
        std::fs::remove_file(c.join("tool")).unwrap();
        assert_eq!(resolve("tool", path), Some(b.join("tool")));
    }

    #[test]
    fn symlinks_are_followed_at_each_search() {
        let t = tempfile::tempdir().unwrap();
        let (v1, v2, b) = (t.path().join("v1"), t.path().join("v2"), t.path().join("b"));
        for d in [&v1, &v2, &b] {
            std::fs::create_dir(d).unwrap();
        }
        exe(&b.join("tool"));
        exe(&v2.join("tool"));
        let cur = t.path().join("current");
        symlink(&v1, &cur).unwrap();
        let path = format!("{}:{}", cur.display(), b.display());
        let path = Some(path.as_str());
        assert_eq!(resolve("tool", path), Some(b.join("tool")));
        // The PATH directory's symlink pointed at another version, as a toolchain manager does.
        std::fs::remove_file(&cur).unwrap();
        symlink(&v2, &cur).unwrap();
        assert_eq!(resolve("tool", path), Some(cur.join("tool")));
        // A dangling symlink in a PATH directory whose target appears later.
        std::fs::remove_file(v2.join("tool")).unwrap();
        symlink(t.path().join("later"), v2.join("tool")).unwrap();
        assert_eq!(resolve("tool", path), Some(b.join("tool")));
        exe(&t.path().join("later"));
        assert_eq!(resolve("tool", path), Some(cur.join("tool")));
    }
}
