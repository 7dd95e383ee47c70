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

/// `owner/name` (GitLab: `group/subgroup/name`) from the URL of the `origin` remote of the
/// repository around `dir`: what act and gitlab-ci-local derive `github.repository` and
/// `$CI_PROJECT_PATH` from too. `None` without such a remote, or for a path on disk.
pub(crate) fn origin_repository(dir: &std::path::Path) -> Option<String> {
    let repo = git2::Repository::discover(dir).ok()?;
    let remote = repo.find_remote("origin").ok()?;
    repository_of_url(remote.url()?)
}

/// The repository path of a remote URL: `https://host/owner/name(.git)`,
/// `ssh://git@host:22/owner/name`, `git@host:owner/name.git`.
fn repository_of_url(url: &str) -> Option<String> {
    let path = if let Some((_, rest)) = url.split_once("://") {
        // Past the host (and any user or port).
        rest.split_once('/')?.1
    } else if let Some((host, rest)) = url.split_once(':') {
        // scp-like `user@host:path`; a Windows drive (`C:\`) or a plain path is no remote.
        if host.contains('/') || host.len() < 2 || rest.starts_with('\\') {
            return None;
        }
        rest
    } else {
        return None;
    };
    let path = path.trim_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    (path.contains('/') && !path.starts_with('/')).then(|| path.to_string())
}

#[cfg(test)]
mod tests {
    use super::repository_of_url;

    #[test]
    fn repository_paths_of_remote_urls() {
        let r = |u: &str| repository_of_url(u);
        assert_eq!(
            r("https://github.com/owner/name.git").as_deref(),
            Some("owner/name")
        );
        assert_eq!(
            r("https://github.com/owner/name").as_deref(),
            Some("owner/name")
        );
        assert_eq!(
            r("git@gitlab.com:group/sub/name.git").as_deref(),
            Some("group/sub/name")
        );
        assert_eq!(
            r("ssh://git@gitlab.example.com:2222/group/name.git/").as_deref(),
            Some("group/name")
        );
        assert_eq!(r("/srv/git/name.git"), None);
        assert_eq!(r("../name"), None);
        assert_eq!(r("https://example.com/name"), None);
    }
}
