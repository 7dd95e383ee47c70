//! Changed files (git2): the base comes from the provider, `--base`, or the default branch.
//!
//! When no base can be found (shallow clone, new branch, no git) the answer is `Unknown` with
//! a reason, and jobs with `changed:` conditions run: skipping a needed job is worse than
//! running an unneeded one. cigen's own directory (`.cigen/`) never counts as a change.

#[cfg(unix)]
mod index;
#[cfg(unix)]
mod settle;
#[cfg(unix)]
mod staged;
mod tree;
#[cfg(unix)]
mod walk;
mod worktree;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Once;

use git2::{Oid, Repository};

use crate::contract::STATE_DIR;

use crate::provider::{BaseHint, RunContext};

/// What changed, relative to the spec directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Changes {
    /// `base` describes what was compared (`merge-base with main (1a2b3c4)`).
    Known { base: String, files: Vec<String> },
    /// No base to compare with; jobs run and say why.
    Unknown { reason: String },
}

/// Finds the changed files for this run.
pub(crate) fn detect(
    root: &Path,
    env: &HashMap<String, String>,
    ctx: &RunContext,
    base_arg: Option<&str>,
) -> Changes {
    match detect_inner(root, env, ctx, base_arg) {
        Ok(c) => c,
        Err(reason) => Changes::Unknown { reason },
    }
}

fn short(oid: Oid) -> String {
    oid.to_string().chars().take(7).collect()
}

/// A commit by SHA or ref, with a reason that explains shallow clones when it is missing.
fn commit_oid(repo: &Repository, spec: &str, what: &str) -> Result<Oid, String> {
    match repo.revparse_single(spec).and_then(|o| o.peel_to_commit()) {
        Ok(c) => Ok(c.id()),
        Err(_) if repo.is_shallow() => Err(format!("{what} {spec} is not in this shallow clone (fetch full history: fetch-depth: 0 / GIT_DEPTH: 0)")),
        Err(_) => Err(format!("{what} {spec} is not in this repository")),
    }
}

fn merge_base(repo: &Repository, a: Oid, b: Oid, what: &str) -> Result<Oid, String> {
    repo.merge_base(a, b).map_err(|_| {
        if repo.is_shallow() {
            format!("no common ancestor with {what} in this shallow clone (fetch full history)")
        } else {
            format!("no common ancestor with {what}")
        }
    })
}

/// The base commit (or `None` when HEAD has no commits yet) and its description.
fn find_base(
    repo: &Repository,
    head: Option<Oid>,
    env: &HashMap<String, String>,
    ctx: &RunContext,
    base_arg: Option<&str>,
) -> Result<(Option<Oid>, String), String> {
    let Some(head) = head else {
        return Ok((None, "no commits yet".into()));
    };
    if let Some(r) = base_arg {
        let oid = commit_oid(repo, r, "--base")?;
        let mb = merge_base(repo, oid, head, r)?;
        return Ok((Some(mb), format!("merge-base with {r} ({})", short(mb))));
    }
    match ctx.base(env)? {
        BaseHint::MergeBaseWith { rev, what } => {
            let oid = commit_oid(repo, &rev, what)?;
            let mb = merge_base(repo, oid, head, &format!("the {what}"))?;
            Ok((Some(mb), format!("{what} ({})", short(mb))))
        }
        BaseHint::Commit { rev, what, noun } => {
            let oid = commit_oid(repo, &rev, noun)?;
            Ok((Some(oid), format!("{what} ({})", short(oid))))
        }
        BaseHint::DefaultBranch => {
            let (name, oid) = default_branch(repo).ok_or(
                "no default branch (origin/HEAD, main, master) to compare with; pass --base REF",
            )?;
            let mb = merge_base(repo, oid, head, &name)?;
            Ok((Some(mb), format!("merge-base with {name} ({})", short(mb))))
        }
    }
}

/// `origin/HEAD`'s target, else `main`, `master`, `origin/main`, `origin/master`.
fn default_branch(repo: &Repository) -> Option<(String, Oid)> {
    if let Ok(r) = repo.find_reference("refs/remotes/origin/HEAD") {
        if let Ok(resolved) = r.resolve() {
            if let (Some(name), Some(oid)) = (resolved.shorthand(), resolved.target()) {
                return Some((name.to_string(), oid));
            }
        }
    }
    ["main", "master", "origin/main", "origin/master"]
        .iter()
        .find_map(|n| {
            repo.revparse_single(n)
                .ok()
                .and_then(|o| o.peel_to_commit().ok())
                .map(|c| (n.to_string(), c.id()))
        })
}

fn detect_inner(
    root: &Path,
    env: &HashMap<String, String>,
    ctx: &RunContext,
    base_arg: Option<&str>,
) -> Result<Changes, String> {
    // libgit2 re-hashes every object it reads to check its id; git does not (objects were
    // checked when fetched), and on a big tree the hashing is a large share of the time.
    // Its object cache only costs here: every tree is read once (a sixth of the reading).
    static FAST_READS: Once = Once::new();
    FAST_READS.call_once(|| {
        git2::opts::strict_hash_verification(false);
        git2::opts::enable_caching(false);
    });
    let repo = Repository::discover(root)
        .map_err(|_| "not a git repository, so changed files are unknown".to_string())?;
    let workdir = repo
        .workdir()
        .ok_or("a bare repository has no files to compare")?
        .to_path_buf();
    // Only an unborn branch has no commits; a HEAD that cannot be read (a missing or damaged
    // object, a broken ref) is an error, so jobs run rather than find nothing changed.
    let head = match repo.head() {
        Ok(h) => Some(
            h.peel_to_commit()
                .map_err(|e| format!("cannot read HEAD's commit: {}", e.message()))?
                .id(),
        ),
        Err(e) if e.code() == git2::ErrorCode::UnbornBranch => None,
        Err(e) => return Err(format!("cannot read HEAD: {}", e.message())),
    };
    let (base, mut desc) = find_base(&repo, head, env, ctx, base_arg)?;
    let tree = |oid: Oid, what: &str| {
        repo.find_commit(oid)
            .map(|c| c.tree_id())
            .map_err(|e| format!("cannot read {what}: {e}"))
    };
    let head_tree = head.map(|h| tree(h, "HEAD's tree")).transpose()?;
    let committed = || {
        let mut files = BTreeSet::new();
        if let (Some(base), Some(new)) = (base, head_tree) {
            let old = tree(base, "the base tree")?;
            tree::changed_paths(&repo, old, new, &mut files)
                .map_err(|e| format!("cannot diff: {e}"))?;
        }
        Ok::<_, String>(files)
    };
    let files = if ctx.ci {
        committed()?
    } else {
        // Locally, uncommitted work counts too; the commits are compared meanwhile.
        let (dirty, committed) = worktree::uncommitted(&repo, head_tree, committed);
        let mut files = committed?;
        files.extend(dirty?);
        desc.push_str(" plus uncommitted changes");
        files
    };
    // Globs are relative to the spec directory; files outside it cannot match.
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let workdir = std::fs::canonicalize(&workdir).unwrap_or(workdir);
    let prefix = root
        .strip_prefix(&workdir)
        .unwrap_or(Path::new(""))
        .to_path_buf();
    let files = files
        .iter()
        .filter(|p| !p.split('/').any(|c| c == STATE_DIR))
        .filter_map(|p| {
            Path::new(p)
                .strip_prefix(&prefix)
                .ok()
                .map(|p| p.to_string_lossy().replace('\\', "/"))
        })
        .filter(|p| !p.is_empty())
        .collect();
    Ok(Changes::Known { base: desc, files })
}

#[cfg(test)]
mod status_tests;
#[cfg(test)]
mod tests;
