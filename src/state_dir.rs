//! cigen's own working directory in a repository, `.cigen/` (JUnit report, GitLab dotenv
//! outputs, notes already shown): created on demand with a `.gitignore` holding `*`, as pytest does for
//! `.pytest_cache`, so it never shows up in `git status`, is never committed by accident, and
//! a previous run's files never count as changed files for `when: changed`.

use std::path::Path;

use crate::contract::STATE_DIR;

/// What the `.gitignore` inside says: ignore everything here, itself included.
const GITIGNORE: &str =
    "# Created by cigen: this directory holds run reports, never commit it.\n*\n";

/// `create_dir_all(dir)`, writing `.gitignore` into every `.cigen/` it creates on the way.
/// An existing `.cigen/` is left as it is (a user who removed the file meant it).
pub(crate) fn create_dir_all(dir: &Path) -> std::io::Result<()> {
    let fresh: Vec<&Path> = dir
        .ancestors()
        .filter(|a| a.file_name().is_some_and(|n| n == STATE_DIR) && !a.exists())
        .collect();
    std::fs::create_dir_all(dir)?;
    for d in fresh {
        std::fs::write(d.join(".gitignore"), GITIGNORE)?;
    }
    Ok(())
}

/// Records that the note `key` was shown in the checkout whose spec lives in `root`, and
/// returns whether this is the first time (also when the record cannot be kept: better a
/// repeated note than a lost one).
pub(crate) fn first_time(root: &Path, key: &str) -> bool {
    let dir = root.join(STATE_DIR);
    let path = dir.join("notes-shown");
    let seen = std::fs::read_to_string(&path).unwrap_or_default();
    if seen.lines().any(|l| l == key) {
        return false;
    }
    let _ = create_dir_all(&dir).and_then(|_| std::fs::write(&path, format!("{seen}{key}\n")));
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_cigen_dir_ignores_itself_and_an_existing_one_is_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let deep = tmp.path().join(".cigen/reports/x");
        create_dir_all(&deep).unwrap();
        assert!(deep.is_dir());
        let ignore = tmp.path().join(".cigen/.gitignore");
        assert_eq!(std::fs::read_to_string(&ignore).unwrap(), GITIGNORE);
        assert!(!tmp.path().join(".cigen/reports/.gitignore").exists());

        std::fs::remove_file(&ignore).unwrap();
        create_dir_all(&tmp.path().join(".cigen")).unwrap();
        assert!(!ignore.exists(), "an existing .cigen/ is not touched");

        assert!(first_time(tmp.path(), "a"));
        assert!(!first_time(tmp.path(), "a"));
        assert!(first_time(tmp.path(), "b"));
        assert!(!first_time(tmp.path(), "a"));

        let other = tmp.path().join("out");
        create_dir_all(&other).unwrap();
        assert!(!other.join(".gitignore").exists());
    }
}
