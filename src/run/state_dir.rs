//! cigen's own working directory in a repository, `.cigen/` (JUnit report, GitLab dotenv
//! outputs): created on demand with a `.gitignore` holding `*`, as pytest does for
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

        let other = tmp.path().join("out");
        create_dir_all(&other).unwrap();
        assert!(!other.join(".gitignore").exists());
    }
}
