//! Rule: every generated file lands on a path of its own inside the repository's work tree:
//! no two targets write one file (the second would silently replace the first), none writes
//! into `.git/`, and no directory on the way is a symlink that leads out of the repository
//! (the write would follow it), and none is already taken by something other than a regular
//! file (reading a FIFO there would wait forever, a link to `/dev/zero` fill the memory).
//! `generate` writes exactly these paths, so what passes here can be read and written.

use std::path::{Component, Path, PathBuf};

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;
use crate::spec;

pub(crate) const DUPLICATE_OUTPUT: Code = Code::new("duplicate-output");
pub(crate) const OUTPUT_IN_GIT: Code = Code::new("output-in-git");
pub(crate) const OUTPUT_OUTSIDE_REPO: Code = Code::new("output-outside-repo");
pub(crate) const OUTPUT_NOT_A_FILE: Code = Code::new("output-not-a-file");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[
    DUPLICATE_OUTPUT,
    OUTPUT_IN_GIT,
    OUTPUT_OUTSIDE_REPO,
    OUTPUT_NOT_A_FILE,
];

/// One target's output: where the spec names it (or the target, for a default path) and the
/// paths it may write, the defaults being the spec's (`spec/targets.rs`): the just target
/// writes `justfile`, or `ci.just` beside a hand-written justfile.
struct Output {
    target: &'static str,
    at: YamlPath,
    explicit: bool,
    paths: Vec<String>,
    default: &'static str,
}

fn outputs(cx: &Context<'_>) -> Vec<Output> {
    let tp = YamlPath::root().key("targets");
    let all = cx.spec.targets.is_none();
    let t = cx.spec.targets.as_ref();
    let mut out = Vec::new();
    let mut one =
        |target: &'static str, on: bool, path: Option<&str>, defaults: &[&'static str]| {
            if !on {
                return;
            }
            let explicit = path.is_some();
            out.push(Output {
                target,
                at: if explicit {
                    tp.key(target).key("path")
                } else if all {
                    YamlPath::root()
                } else {
                    tp.key(target)
                },
                explicit,
                default: defaults[0],
                paths: match path {
                    Some(p) => vec![p.to_string()],
                    None => defaults.iter().map(|d| d.to_string()).collect(),
                },
            });
        };
    let github = t.map_or(Some(None), |t| t.github.as_ref().map(|g| g.path.as_ref()));
    one(
        "github",
        github.is_some(),
        github.flatten().map(|p| p.as_str()),
        &[spec::GITHUB_PATH],
    );
    // Forgejo is never on by default: only when the spec names it.
    let forgejo = t.and_then(|t| t.forgejo.as_ref().map(|g| g.path.as_ref()));
    one(
        "forgejo",
        forgejo.is_some(),
        forgejo.flatten().map(|p| p.as_str()),
        &[spec::FORGEJO_PATH],
    );
    let gitlab = t.map_or(Some(None), |t| t.gitlab.as_ref().map(|g| g.path.as_ref()));
    one(
        "gitlab",
        gitlab.is_some(),
        gitlab.flatten().map(|p| p.as_str()),
        &[spec::GITLAB_PATH],
    );
    let just = t.map_or(Some(None), |t| t.just.as_ref().map(|j| j.path.as_ref()));
    one(
        "just",
        just.is_some(),
        just.flatten().map(|p| p.as_str()),
        &[spec::JUSTFILE_PATH, spec::JUSTFILE_FALLBACK_PATH],
    );
    out
}

/// `./a//b/` → `a/b`; backslashes as separators. Case is kept: see `same_file`.
fn normalise(p: &str) -> String {
    p.split(['/', '\\'])
        .filter(|c| !c.is_empty() && *c != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// Two paths name one file on some checkout: equal, or equal but for case (macOS and Windows
/// file systems ignore case, so one spec would clobber itself there).
fn same_file(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// The first directory on the way to `rel` (inside `root`) that is a symlink leading outside
/// the repository, with where it leads.
/// The repository is the git work tree holding the spec (a spec in `services/api/` may write
/// through a link to the repository's `.github/`), else the spec's directory.
fn escaping_symlink(root: &Path, rel: &str) -> Option<(String, PathBuf)> {
    // Found only when a symlink is on the way: the usual check (no links) is a few `lstat`s,
    // not a walk up to the repository's top at every start of cigen.
    let real_root = || {
        let real_spec_dir = root.canonicalize().ok()?;
        Some(
            real_spec_dir
                .ancestors()
                .find(|d| d.join(".git").exists())
                .unwrap_or(&real_spec_dir)
                .to_path_buf(),
        )
    };
    let mut dir = root.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for (i, part) in parts.iter().enumerate().take(parts.len().saturating_sub(1)) {
        dir.push(part);
        let Ok(meta) = std::fs::symlink_metadata(&dir) else {
            return None; // created fresh by `generate`: a plain directory
        };
        if meta.file_type().is_symlink() {
            let target = dir.canonicalize().ok()?;
            if !target.starts_with(real_root()?) {
                return Some((parts[..=i].join("/"), target));
            }
        }
    }
    None
}

/// What stands at `rel` (inside `root`, links followed) when it is neither missing nor a
/// regular file: `generate` reads an output before replacing it.
fn not_a_file(root: &Path, rel: &str) -> Option<&'static str> {
    let kind = std::fs::metadata(root.join(rel)).ok()?.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device");
        }
    }
    Some("not a regular file")
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let outputs = outputs(cx);
    for (i, o) in outputs.iter().enumerate() {
        for path in o.paths.iter().map(|p| normalise(p)) {
            if Path::new(&path)
                .components()
                .any(|c| matches!(c, Component::Normal(n) if n.eq_ignore_ascii_case(".git")))
            {
                out.push(
                    Diagnostic::error(
                        OUTPUT_IN_GIT,
                        format!("the {} output `{path}` is inside `.git/`", o.target),
                    )
                    .at(o.at.clone())
                    .with_label("git's own directory")
                    .with_help(format!(
                        "write it into the work tree (the {} target's default is `{}`)",
                        o.target, o.default
                    )),
                );
                continue;
            }
            if let Some((link, target)) = escaping_symlink(cx.root, &path) {
                out.push(
                    Diagnostic::error(
                        OUTPUT_OUTSIDE_REPO,
                        format!(
                            "the {} output `{path}` would be written outside the repository: `{link}` is a symlink to {}",
                            o.target,
                            target.display()
                        ),
                    )
                    .at(o.at.clone())
                    .with_label(if o.explicit {
                        "leads out of the repository".to_string()
                    } else {
                        format!("the {} target writes `{path}` by default", o.target)
                    })
                    .with_help("point the target's `path` at a directory inside the repository, or replace the symlink with a directory"),
                );
            } else if let Some(what) = not_a_file(cx.root, &path) {
                out.push(
                    Diagnostic::error(
                        OUTPUT_NOT_A_FILE,
                        format!(
                            "the {} output `{path}` is {what}, not a file cigen can read and replace",
                            o.target
                        ),
                    )
                    .at(o.at.clone())
                    .with_label(if o.explicit {
                        format!("`{path}` is {what}")
                    } else {
                        format!("the {} target writes `{path}` by default", o.target)
                    })
                    .with_help(format!(
                        "remove or rename `{path}`, or point `targets.{}.path` elsewhere",
                        o.target
                    )),
                );
            }
            // Each pair once: against the outputs listed before this one.
            for earlier in &outputs[..i] {
                let clash = earlier
                    .paths
                    .iter()
                    .map(|p| normalise(p))
                    .find(|p| same_file(p, &path));
                let Some(clash) = clash else { continue };
                // Two defaults never clash; point at the path the spec wrote.
                let (at, named) = if o.explicit {
                    (o.at.clone(), o.target)
                } else {
                    (earlier.at.clone(), earlier.target)
                };
                out.push(
                    Diagnostic::error(
                        DUPLICATE_OUTPUT,
                        format!(
                            "the {} and {} targets both write `{clash}`",
                            earlier.target, o.target
                        ),
                    )
                    .at(at)
                    .with_label("written by two targets")
                    .with_help(format!(
                        "give `targets.{named}.path` a file of its own (paths differing only in case are one file on macOS and Windows)"
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_compare_as_files() {
        assert_eq!(
            normalise("./.github//workflows/ci.yml"),
            ".github/workflows/ci.yml"
        );
        assert!(same_file("CI.yml", "ci.yml"));
        assert!(!same_file("a.yml", "b.yml"));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_the_repository_is_found() {
        let repo = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        // A spec in a subdirectory of a git work tree may link to the work tree's `.github/`.
        std::fs::create_dir_all(repo.path().join(".git")).unwrap();
        std::fs::create_dir_all(repo.path().join(".github")).unwrap();
        std::fs::create_dir_all(repo.path().join("services/api")).unwrap();
        std::os::unix::fs::symlink(
            repo.path().join(".github"),
            repo.path().join("services/api/.github"),
        )
        .unwrap();
        assert!(escaping_symlink(&repo.path().join("services/api"), ".github/ci.yml").is_none());
        std::os::unix::fs::symlink(outside.path(), repo.path().join("out")).unwrap();
        std::fs::create_dir(repo.path().join("inside")).unwrap();
        std::os::unix::fs::symlink(repo.path().join("inside"), repo.path().join("link")).unwrap();
        assert!(escaping_symlink(repo.path(), "out/ci.yml").is_some());
        assert!(escaping_symlink(repo.path(), "link/ci.yml").is_none());
        assert!(escaping_symlink(repo.path(), "new/dir/ci.yml").is_none());
        assert!(escaping_symlink(repo.path(), "ci.yml").is_none());
    }

    #[cfg(unix)]
    #[test]
    fn only_a_regular_file_or_nothing_may_stand_at_an_output_path() {
        let repo = tempfile::tempdir().unwrap();
        let r = repo.path();
        std::fs::write(r.join("file.yml"), "x").unwrap();
        std::fs::create_dir(r.join("dir.yml")).unwrap();
        std::os::unix::fs::symlink(r.join("file.yml"), r.join("link.yml")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", r.join("zero.yml")).unwrap();
        std::os::unix::fs::symlink(r.join("gone"), r.join("dangling.yml")).unwrap();
        let fifo = std::ffi::CString::new(r.join("fifo.yml").into_os_string().into_encoded_bytes())
            .unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
        assert_eq!(not_a_file(r, "file.yml"), None);
        assert_eq!(not_a_file(r, "link.yml"), None);
        assert_eq!(not_a_file(r, "missing.yml"), None);
        assert_eq!(not_a_file(r, "dangling.yml"), None);
        assert_eq!(not_a_file(r, "dir.yml"), Some("a directory"));
        assert_eq!(not_a_file(r, "zero.yml"), Some("a device"));
        assert_eq!(not_a_file(r, "fifo.yml"), Some("a named pipe (FIFO)"));
    }
}
