//! Rule: a job's `cache:` generates for every enabled target: a plain name, key files inside
//! the repository that a GitHub expression can quote (and at most two when GitLab, whose
//! `cache:key:files` takes no more, is a target), files for every cache of paths, and each
//! setup cache's toolchain in `setup`, in a workflow that no tag or release branch starts.

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;
use std::path::Path;

use crate::spec::{path_problem, Spec};

pub(crate) const INVALID_CACHE_NAME: Code = Code::new("invalid-cache-name");
pub(crate) const CACHE_FILES: Code = Code::new("cache-files");
pub(crate) const CACHE_SETUP: Code = Code::new("cache-setup");
pub(crate) const CACHE_FILES_UNMATCHED: Code = Code::new("cache-files-unmatched");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[
    INVALID_CACHE_NAME,
    CACHE_FILES,
    CACHE_SETUP,
    CACHE_FILES_UNMATCHED,
];

/// GitLab's limit on `cache:key:files`.
const GITLAB_MAX_FILES: usize = 2;

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Why a key file cannot be used, if it cannot.
fn file_problem(pattern: &str) -> Option<String> {
    if pattern.starts_with('!') {
        return Some("a key file cannot exclude: list the files to hash".into());
    }
    if let Some(why) = path_problem(pattern) {
        return Some(format!(
            "a key file must be inside the repository: it {why}"
        ));
    }
    if pattern.contains("${{") || pattern.contains("}}") || pattern.contains('$') {
        return Some(
            "`$`, `${{` and `}}` would be read as an expression or a variable by the provider"
                .into(),
        );
    }
    None
}

/// Why runs of the workflow publish releases, if they do: pushed tags or release branches
/// start it. A release run must not restore a cache that another ref wrote (cache
/// poisoning); an `actions/cache` step can be told so per run, a setup action cannot.
fn releases(spec: &Spec) -> Option<String> {
    let push = spec.triggers.push.as_ref()?;
    if !push.tags.is_empty() {
        return Some("pushed tags start it, and a tag run publishes".into());
    }
    push.branches
        .iter()
        .find(|b| b.as_str().to_ascii_lowercase().contains("release"))
        .map(|b| format!("release branches (`{b}`) start it, and their runs publish"))
}

/// The files git tracks in the work tree whose top is `root` (the spec's directory), as
/// relative paths: what CI hashes after checkout. `None` when `root` is not the top of a work
/// tree (nothing is known then).
fn tracked(root: &Path) -> Option<Vec<String>> {
    let repo = git2::Repository::open(root).ok()?;
    let top = repo.workdir()?.canonicalize().ok()?;
    if top != root.canonicalize().ok()? {
        return None;
    }
    let index = repo.index().ok()?;
    Some(
        index
            .iter()
            .filter_map(|e| String::from_utf8(e.path).ok())
            .collect(),
    )
}

/// Whether a tracked file matches the key file pattern (`*` within a directory, `**` any
/// depth, as `hashFiles` reads it).
fn matches_any(pattern: &str, files: &[String]) -> bool {
    let pattern = pattern.strip_prefix("./").unwrap_or(pattern);
    match crate::spec::Glob::matcher(pattern) {
        Ok(g) => {
            let m = g.compile_matcher();
            files.iter().any(|f| m.is_match(f))
        }
        Err(_) => true,
    }
}

fn workflows_enabled(spec: &Spec) -> bool {
    spec.targets
        .as_ref()
        .is_none_or(|t| t.github.is_some() || t.forgejo.is_some())
}

fn gitlab_enabled(spec: &Spec) -> bool {
    spec.targets.as_ref().is_none_or(|t| t.gitlab.is_some())
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let spec = cx.spec;
    let gitlab = gitlab_enabled(spec);
    // Read once, and only when some cache has key files.
    let tracked = spec
        .jobs
        .values()
        .any(|j| j.cache.as_ref().is_some_and(|c| !c.files.is_empty()))
        .then(|| tracked(cx.root))
        .flatten();
    for (job, j) in &spec.jobs {
        let Some(c) = &j.cache else { continue };
        let cp = YamlPath::job(job).key("cache");
        if let Some(name) = &c.name {
            if !valid_name(name) {
                out.push(
                    Diagnostic::error(INVALID_CACHE_NAME, format!("invalid cache name `{name}`"))
                        .at(cp.key("name"))
                        .with_help(
                            "use letters, digits, `-`, `_` and `.` (it starts every cache key)",
                        ),
                );
            }
        }
        for (i, f) in c.files.iter().enumerate() {
            if let Some(why) = file_problem(f.as_str()) {
                out.push(
                    Diagnostic::error(CACHE_FILES, format!("`{f}` cannot be a cache key file: {why}"))
                        .at(cp.key("files").index(i))
                        .with_help("name lockfiles relative to cigen.yaml, e.g. `uv.lock` or `**/package-lock.json`"),
                );
            }
        }
        if gitlab && !c.paths.is_empty() {
            // GitLab expands only `*` and `**` in key files; it reads `?`, `[]` and `{}` as
            // file name characters, so the key would hash other files than on GitHub.
            for (i, f) in c.files.iter().enumerate() {
                if f.as_str().contains(['?', '[', ']', '{', '}']) {
                    out.push(
                        Diagnostic::error(CACHE_FILES, format!("`{f}` means other files on GitLab: its `cache:key:files` expands only `*` and `**`"))
                            .at(cp.key("files").index(i))
                            .with_help("write the files with `*` and `**` only, e.g. `**/package-lock.json`"),
                    );
                }
            }
        }
        if let Some(files) = &tracked {
            for (i, f) in c.files.iter().enumerate() {
                if file_problem(f.as_str()).is_none() && !matches_any(f.as_str(), files) {
                    out.push(
                        Diagnostic::warning(CACHE_FILES_UNMATCHED, format!("no file in the repository matches cache key file `{f}`"))
                            .at(cp.key("files").index(i))
                            .with_label("matches no tracked file")
                            .with_help("the key hashes files committed to git: with none it never changes, and the cache is never renewed; check the name (relative to cigen.yaml)"),
                    );
                }
            }
        }
        if !c.paths.is_empty() && c.files.is_empty() {
            out.push(
                Diagnostic::error(CACHE_FILES, "a cache of `paths` needs `files` to make its key")
                    .at_key(cp.key("paths"))
                    .with_help("add `files:` with the lockfiles that decide what the paths hold, e.g. `files: [uv.lock]`: a new lockfile starts a new cache"),
            );
        }
        if gitlab && !c.paths.is_empty() && c.files.len() > GITLAB_MAX_FILES {
            out.push(
                Diagnostic::error(CACHE_FILES, format!("GitLab hashes at most {GITLAB_MAX_FILES} key files, this cache has {}", c.files.len()))
                    .at(cp.key("files").index(GITLAB_MAX_FILES))
                    .with_label("the third file")
                    .with_help("keep the two files that decide the cache's contents (usually the lockfiles), or split the paths into caches of their own jobs"),
            );
        }
        // The job's own toolchains, else the spec-wide ones (as the model resolves them).
        let tools = j.setup.as_deref().unwrap_or(&spec.setup).tools();
        for (i, s) in c.setup.iter().enumerate() {
            if let Some(why) = releases(spec).filter(|_| workflows_enabled(spec)) {
                out.push(
                    Diagnostic::error(
                        CACHE_SETUP,
                        format!("the `{}` setup cache is not safe in this workflow: {why}", s.as_str()),
                    )
                    .at(cp.key("setup").index(i))
                    .with_label("a release run would restore it")
                    .with_help("cache the directory with `paths` and `files` instead (set the tool's cache directory inside the repository, e.g. `UV_CACHE_DIR: .cache/uv`): cigen only looks such a cache up on tag runs, where a setup action's cache cannot be switched off"),
                );
                continue;
            }
            if !tools.iter().any(|(t, _)| *t == s.tool()) {
                out.push(
                    Diagnostic::error(
                        CACHE_SETUP,
                        format!("the `{}` cache needs `setup.{}`", s.as_str(), s.tool()),
                    )
                    .at(cp.key("setup").index(i))
                    .with_label("no setup action holds this cache")
                    .with_help(format!(
                        "add `{}` to the job's or the spec's `setup:` (its action keeps this cache), or cache the directory with `paths` and `files`",
                        s.tool()
                    )),
                );
            }
        }
    }
}
