//! `cigen import`: an existing GitHub Actions or GitLab CI configuration → one `cigen.yaml`,
//! with a migration report of everything it could not carry over (printed, and written as
//! comments beside each job). Parsing is typed (`github::model`, `gitlab::model`); the spec is
//! built as `spec::Spec`, written by `emit`, and read back through cigen's own loader before
//! anything is written, so what lands on disk always checks.

mod emit;
pub(crate) mod events;
mod expr;
mod github;
mod gitlab;
pub(crate) mod report;
mod setup;
pub(crate) mod typed;

use std::path::Path;

use indexmap::IndexMap;

use crate::check::job_names::is_valid_job_name;
use crate::check::reserved_names::RESERVED;
use crate::spec::{self, Spec};

pub(crate) use emit::spec_text;
pub(crate) use github::ToolUse;
pub(crate) use report::{Kind, Report};

/// Declares secret `name` in `list` unless it is there already.
pub(crate) fn add_secret(list: &mut Vec<spec::Secret>, name: &str) {
    if !list.iter().any(|s| s.name() == name) {
        list.push(spec::Secret::Name(name.to_string()));
    }
}

/// Why an import stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImportError {
    pub(crate) message: String,
}

impl ImportError {
    fn yaml(rel: &str, e: &serde_yaml::Error) -> Self {
        let at = e
            .location()
            .map(|l| format!(":{}:{}", l.line(), l.column()))
            .unwrap_or_default();
        ImportError {
            message: format!("{rel}{at}: invalid YAML: {e}"),
        }
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Which configurations to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sources {
    pub(crate) github: bool,
    pub(crate) gitlab: bool,
}

/// The spec being built, with what does not fit in it.
#[derive(Debug)]
pub(crate) struct Draft {
    pub(crate) spec: Spec,
    pub(crate) report: Report,
    /// Per job: original steps kept as comments (blocks of YAML).
    pub(crate) carried: IndexMap<String, Vec<String>>,
    /// Per job: toolchains its original setup steps installed.
    pub(crate) tools: IndexMap<String, Vec<ToolUse>>,
    /// Per job: remote steps for `targets.github.setup`.
    pub(crate) github_setup: IndexMap<String, Vec<spec::ActionStep>>,
    /// Per job: remote steps after the commands, for `targets.github.post`.
    pub(crate) github_post: IndexMap<String, Vec<spec::PostStep>>,
    /// Per job: `targets.gitlab.after_script` commands.
    pub(crate) gitlab_after: IndexMap<String, Vec<spec::AfterScript>>,
    /// Per job: `targets.gitlab.before_script` lines.
    pub(crate) gitlab_before: IndexMap<String, Vec<String>>,
    /// GitLab default image, when the import read a GitLab file.
    pub(crate) gitlab_image: Option<String>,
    /// Job names handed out so far.
    names: Vec<String>,
}

impl Draft {
    fn new() -> Self {
        Draft {
            spec: Spec {
                version: 1,
                name: None,
                env: IndexMap::new(),
                env_file: None,
                secrets: Vec::new(),
                setup: spec::Setup::default(),
                triggers: spec::Triggers::default(),
                jobs: IndexMap::new(),
                targets: None,
            },
            report: Report::default(),
            carried: IndexMap::new(),
            tools: IndexMap::new(),
            github_setup: IndexMap::new(),
            github_post: IndexMap::new(),
            gitlab_after: IndexMap::new(),
            gitlab_before: IndexMap::new(),
            gitlab_image: None,
            names: Vec::new(),
        }
    }

    /// A valid, unused spec job name for `id` (a workflow job id or GitLab job key); on a
    /// clash the source's name (`release`) is put in front.
    pub(crate) fn job_name(&mut self, id: &str, source: &str) -> String {
        let clean = |s: &str| -> String {
            let mut out: String = s
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect();
            while out.contains("--") {
                out = out.replace("--", "-");
            }
            let mut out = out.trim_matches('-').to_string();
            if !out.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') {
                out.insert(0, '_');
            }
            out.chars().take(56).collect()
        };
        let base = clean(id);
        let taken =
            |n: &str, d: &Draft| d.spec.jobs.contains_key(n) || d.names.iter().any(|x| x == n);
        let mut candidates = vec![base.clone(), format!("{}-{base}", clean(source))];
        if RESERVED.contains(&base.as_str()) {
            candidates.remove(0);
            candidates.insert(0, format!("{base}-job"));
        }
        let mut chosen = candidates
            .into_iter()
            .find(|c| is_valid_job_name(c) && !taken(c, self) && !RESERVED.contains(&c.as_str()));
        let mut n = 2;
        while chosen.is_none() {
            let c = format!("{base}-{n}");
            if !taken(&c, self) {
                chosen = Some(c);
            }
            n += 1;
        }
        let name = chosen.unwrap_or(base);
        if name != id {
            self.report.add(Kind::Note, Some(&name), "job-name", id.to_string(), format!("job `{id}` is called `{name}` in the spec (job names are lowercase, unique across the imported files, and valid in every target)"));
        }
        self.names.push(name.clone());
        name
    }
}

/// The result of an import.
#[derive(Debug)]
pub(crate) struct Imported {
    /// The spec text, with comments.
    pub(crate) text: String,
    pub(crate) report: Report,
    /// What the user should do next (non-clashing paths chosen, files to retire).
    pub(crate) next_steps: Vec<String>,
    /// Warnings cigen's loader found in the written spec, rendered.
    pub(crate) warnings: String,
}

/// Imports the CI configuration under `root` into spec text for `spec_path`.
pub(crate) fn import(
    root: &Path,
    spec_path: &Path,
    sources: Sources,
) -> Result<Imported, ImportError> {
    let mut draft = Draft::new();
    let workflows = if sources.github {
        github::workflow_files(root)
    } else {
        vec![]
    };
    let gitlab_file = sources.gitlab && root.join(gitlab::FILE).is_file();
    if workflows.is_empty() && !gitlab_file {
        return Err(ImportError {
            message: format!(
                "nothing to import in {}: no {}/*.yml{}",
                root.display(),
                github::WORKFLOWS,
                if sources.gitlab {
                    format!(" and no {}", gitlab::FILE)
                } else {
                    String::new()
                }
            ),
        });
    }
    if !workflows.is_empty() {
        github::import(root, &workflows, &mut draft)?;
    }
    if gitlab_file {
        gitlab::import(root, &mut draft)?;
    }
    setup::fold(&mut draft, root);
    hoist_env(&mut draft.spec);
    uncrowd_groups(&mut draft);
    release_safe_caches(&mut draft);
    let next_steps = targets(&mut draft, root, !workflows.is_empty(), gitlab_file);
    let text = emit::text(&draft);
    let (loaded, read) = crate::compile::load_str_keeping_spec(spec_path, &text, root).map_err(|e| ImportError {
        message: format!(
            "cigen bug: the imported spec does not load ({e}); please report it with the files you imported. The text was:\n{text}"
        ),
    })?;
    if read != draft.spec {
        return Err(ImportError {
            message: format!("cigen bug: the imported spec reads back differently from what was built; please report it. The text was:\n{text}"),
        });
    }
    let warnings = if loaded.warnings.is_empty() {
        String::new()
    } else {
        crate::diagnostic::render_all(
            &loaded.source,
            &loaded.warnings,
            crate::diagnostic::Style::Plain,
        )
    };
    Ok(Imported {
        text,
        report: draft.report,
        next_steps,
        warnings,
    })
}

/// Concurrency groups that three jobs share with nothing ordering them are dropped: GitHub
/// keeps one waiting job per group and would cancel the third (`check` refuses them).
fn uncrowd_groups(draft: &mut Draft) {
    let spec = &draft.spec;
    let ancestors = |name: &str| -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        let mut todo = vec![name.to_string()];
        while let Some(n) = todo.pop() {
            for d in spec
                .jobs
                .get(&n)
                .map(|j| j.needs.clone())
                .unwrap_or_default()
            {
                if !seen.contains(&d) {
                    seen.push(d.clone());
                    todo.push(d);
                }
            }
        }
        seen
    };
    let mut groups: IndexMap<String, Vec<String>> = IndexMap::new();
    for (n, j) in &spec.jobs {
        if let Some(g) = &j.concurrency {
            groups.entry(g.clone()).or_default().push(n.clone());
        }
    }
    let mut crowded = Vec::new();
    for (g, jobs) in groups.into_iter().filter(|(_, j)| j.len() >= 3) {
        let before: Vec<Vec<String>> = jobs.iter().map(|j| ancestors(j)).collect();
        let ordered =
            |a: usize, b: usize| before[a].contains(&jobs[b]) || before[b].contains(&jobs[a]);
        let n = jobs.len();
        let free_three = (0..n).any(|a| {
            (a + 1..n)
                .any(|b| !ordered(a, b) && (b + 1..n).any(|c| !ordered(a, c) && !ordered(b, c)))
        });
        if free_three {
            crowded.push((g, jobs));
        }
    }
    for (g, jobs) in crowded {
        for j in &jobs {
            if let Some(job) = draft.spec.jobs.get_mut(j) {
                job.concurrency = None;
            }
            draft.report.add(Kind::Lost, Some(j), "concurrency", format!("concurrency group `{g}`"), format!("concurrency group `{g}` is shared by {} with nothing ordering three of them: GitHub would cancel a waiting one, so the spec refuses it; order them with `needs` and add the group back", jobs.join(", ")));
        }
    }
}

/// Setup actions' own caches come off when pushed tags or release branches start the
/// workflow: a release run would restore a cache another ref wrote, and a setup action's
/// cache cannot be switched off per run (`check` refuses them there).
fn release_safe_caches(draft: &mut Draft) {
    let Some(push) = draft.spec.triggers.push.as_ref() else {
        return;
    };
    let why = if !push.tags.is_empty() {
        "pushed tags start the workflow".to_string()
    } else if let Some(b) = push
        .branches
        .iter()
        .find(|b| b.as_str().to_ascii_lowercase().contains("release"))
    {
        format!("release branches (`{}`) start the workflow", b.as_str())
    } else {
        return;
    };
    for (name, job) in draft.spec.jobs.iter_mut() {
        let Some(c) = job.cache.as_mut() else {
            continue;
        };
        for s in std::mem::take(&mut c.setup) {
            // The tool's own directory, moved into the repository, keyed on its lock file.
            let (var, dir, files): (&str, &str, &[&str]) = match s {
                spec::SetupCache::Uv => ("UV_CACHE_DIR", ".cache/uv", &["**/uv.lock"]),
                spec::SetupCache::Pip => ("PIP_CACHE_DIR", ".cache/pip", &["**/requirements*.txt"]),
                spec::SetupCache::Pipenv => ("PIP_CACHE_DIR", ".cache/pip", &["**/Pipfile.lock"]),
                spec::SetupCache::Poetry => {
                    ("POETRY_CACHE_DIR", ".cache/poetry", &["**/poetry.lock"])
                }
                spec::SetupCache::Npm => {
                    ("npm_config_cache", ".cache/npm", &["**/package-lock.json"])
                }
                spec::SetupCache::Pnpm => (
                    "npm_config_store_dir",
                    ".cache/pnpm-store",
                    &["**/pnpm-lock.yaml"],
                ),
                spec::SetupCache::Yarn => ("YARN_CACHE_FOLDER", ".cache/yarn", &["**/yarn.lock"]),
                spec::SetupCache::Go => ("GOMODCACHE", ".cache/go-mod", &["**/go.sum"]),
            };
            let (Ok(path), mut rejected) = (typed::rel_path(dir), Vec::new()) else {
                continue;
            };
            if !c.paths.contains(&path) {
                c.paths.push(path);
            }
            for g in typed::globs(
                &files.iter().map(|f| f.to_string()).collect::<Vec<_>>(),
                &mut rejected,
            ) {
                if !c.files.contains(&g) {
                    c.files.push(g);
                }
            }
            job.env
                .insert(var.into(), spec::EnvValue::Plain(spec::Scalar(dir.into())));
            draft.report.add(Kind::Note, Some(name), "cache", format!("cache of {name}"), format!("the `{}` setup cache became a cache of `{dir}` (the job sets `{var}: {dir}`) keyed on `{}`: {why}, and a setup action's cache would be restored by a release run", s.as_str(), files.join("`, `")));
        }
    }
}

/// Env entries every job sets alike move up to the spec's `env`.
fn hoist_env(spec: &mut Spec) {
    let Some(first) = spec.jobs.values().next() else {
        return;
    };
    let common: Vec<(String, spec::EnvValue)> = first
        .env
        .iter()
        .filter(|(k, v)| spec.jobs.values().all(|j| j.env.get(*k) == Some(*v)))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (k, v) in common {
        for j in spec.jobs.values_mut() {
            j.env.shift_remove(&k);
        }
        spec.env.insert(k, v);
    }
}

/// Output targets whose paths do not clash with the files just imported, and what to do next.
fn targets(draft: &mut Draft, root: &Path, github: bool, gitlab: bool) -> Vec<String> {
    let mut next = Vec::new();
    let mut t = spec::Targets::default();
    if github {
        let mut path = ".github/workflows/ci.yml".to_string();
        for candidate in [
            ".github/workflows/ci.yml",
            ".github/workflows/cigen.yml",
            ".github/workflows/cigen-ci.yml",
        ] {
            path = candidate.to_string();
            if !root.join(candidate).exists() {
                break;
            }
        }
        if path != ".github/workflows/ci.yml" {
            next.push(format!("the workflow goes to {path} because .github/workflows/ci.yml exists: both run until you delete the imported workflows ({})", draft.report.sources.iter().filter(|s| s.starts_with(".github/")).cloned().collect::<Vec<_>>().join(", ")));
        } else {
            next.push(format!(
                "delete the imported workflows ({}) once the generated {path} passes, or both run",
                draft
                    .report
                    .sources
                    .iter()
                    .filter(|s| s.starts_with(".github/"))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        t.github = Some(spec::WorkflowTarget {
            path: typed::rel_path(&path).ok(),
            setup: std::mem::take(&mut draft.github_setup),
            post: std::mem::take(&mut draft.github_post),
            ..Default::default()
        });
    }
    if gitlab {
        let path = ".gitlab/cigen-ci.yml".to_string();
        next.push(format!("the GitLab pipeline goes to {path}, beside your .gitlab-ci.yml: GitLab reads only one file, so when it passes either set the project's CI/CD configuration file to {path}, or set `targets.gitlab.path: .gitlab-ci.yml` and run `cigen generate --force --target gitlab`"));
        t.gitlab = Some(spec::GitlabTarget {
            path: typed::rel_path(&path).ok(),
            image: draft.gitlab_image.take(),
            before_script: std::mem::take(&mut draft.gitlab_before),
            after_script: std::mem::take(&mut draft.gitlab_after),
            ..Default::default()
        });
    }
    t.just = Some(spec::JustTarget::default());
    if root.join("justfile").exists() || root.join("Justfile").exists() {
        next.push(
            "a justfile exists: the recipes go to ci.just; add `import 'ci.just'` to your justfile"
                .into(),
        );
    }
    next.push(
        "run `cigen check`, then `cigen generate`, then `cigen run` to try every job here".into(),
    );
    draft.spec.targets = Some(t);
    next
}
