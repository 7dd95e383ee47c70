//! A laptop (or a CI cigen does not know): the branch HEAD points to, and the default branch
//! as the changed-files base.

use super::BaseHint;

/// The branch HEAD points to in the repository around `dir`, if any.
pub(crate) fn local_branch(dir: &std::path::Path) -> Option<String> {
    let repo = git2::Repository::discover(dir).ok()?;
    let head = repo.head().ok()?;
    if head.is_branch() {
        head.shorthand().map(str::to_string)
    } else {
        None
    }
}

/// Locally, changes are what the branch adds to the default branch.
pub(super) fn base() -> Result<BaseHint, String> {
    Ok(BaseHint::DefaultBranch)
}
