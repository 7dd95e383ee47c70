//! Resolved run conditions: globs compiled once (when first matched), lists flattened, so
//! deciding a condition never parses anything (`run/when.rs` only evaluates).

use std::sync::OnceLock;

use globset::{GlobSet, GlobSetBuilder};
use indexmap::IndexMap;

use crate::spec::{self, Event, Glob, OneOrMany, Provider, Scalar};

/// Conditions; all given ones must hold for the job or step to run.
#[derive(Debug, Clone, Default)]
pub struct When {
    /// `true`: only in CI; `false`: only locally.
    pub ci: Option<bool>,
    pub provider: Option<Vec<Provider>>,
    /// Branch patterns; any may match.
    pub branch: Option<Patterns>,
    pub event: Option<Vec<Event>>,
    /// Changed-file patterns (`!` excludes); `None` when the job does not look at changes.
    pub changed: Option<Patterns>,
    /// Matrix values by key: the cell's value of every key must be one of them.
    pub matrix: Option<IndexMap<String, Vec<String>>>,
    /// Crons a scheduled run must be of, whitespace-normalised (`when.schedule`).
    pub schedule: Option<Vec<String>>,
    /// Target branches a pull request must be into (`when.base`).
    pub base: Option<Patterns>,
    /// Repositories the run must be in (`when.repository`).
    pub repository: Option<Patterns>,
    /// Conditions none of which may hold (`when.not`); never has `ci`, `changed` or `not`.
    pub not: Option<Box<When>>,
}

impl When {
    /// Whether a `when.event` or `when.not.event` asks for the event.
    pub fn asks_event(&self) -> bool {
        self.event.is_some() || self.not.as_ref().is_some_and(|n| n.event.is_some())
    }

    /// Whether a `when.repository` asks for the repository (locally: the `origin` remote).
    pub fn asks_repository(&self) -> bool {
        self.repository.is_some() || self.not.as_ref().is_some_and(|n| n.repository.is_some())
    }

    /// Whether a `when.branch` or `when.not.branch` asks for the branch.
    pub fn asks_branch(&self) -> bool {
        self.branch.is_some() || self.not.as_ref().is_some_and(|n| n.branch.is_some())
    }
}

/// Globs as written (for messages) and compiled (for matching) when first matched: a run
/// of one job of a big spec compiles that job's globs, not every job's (and the pipeline
/// of 20,000 jobs holds no compiled sets it never uses).
#[derive(Debug, Clone)]
pub struct Patterns {
    /// The patterns as the spec wrote them, `!` included.
    pub texts: Vec<String>,
    fold_case: bool,
    /// Included and excluded sets, boxed: a job without patterns should not carry the
    /// space of two compiled sets inline.
    sets: OnceLock<Box<(GlobSet, GlobSet)>>,
}

impl Patterns {
    /// File patterns: a leading `!` excludes, and an excluded file is never re-included.
    fn files(globs: &[Glob]) -> Patterns {
        Patterns::build(globs, false)
    }

    /// `globs`, to be compiled when first matched; `fold_case` matches without regard to case.
    fn build(globs: &[Glob], fold_case: bool) -> Patterns {
        Patterns {
            texts: globs.iter().map(|g| g.as_str().to_string()).collect(),
            fold_case,
            sets: OnceLock::new(),
        }
    }

    fn compile(&self) -> (GlobSet, GlobSet) {
        let mut include = GlobSetBuilder::new();
        let mut exclude = GlobSetBuilder::new();
        for text in &self.texts {
            // As `Glob::negation` reads it.
            let (negated, pattern) = match text.strip_prefix('!') {
                Some(p) => (true, p),
                None => (false, text.as_str()),
            };
            // The shape check compiled every glob already; one that fails now matches nothing.
            let compiled = if self.fold_case {
                globset::GlobBuilder::new(pattern)
                    .literal_separator(true)
                    .case_insensitive(true)
                    .build()
            } else {
                Glob::matcher(pattern)
            };
            if let Ok(m) = compiled {
                if negated {
                    exclude.add(m);
                } else {
                    include.add(m);
                }
            }
        }
        (
            include.build().unwrap_or_else(|_| GlobSet::empty()),
            exclude.build().unwrap_or_else(|_| GlobSet::empty()),
        )
    }

    /// Name patterns (branches): the same meaning as file patterns, so `!` excludes
    /// (`["release/*", "!release/old"]`); a list of exclusions alone is refused by `check`.
    fn names(globs: &[&Glob]) -> Patterns {
        let owned: Vec<Glob> = globs.iter().map(|g| (*g).clone()).collect();
        Patterns::files(&owned)
    }

    /// Repository patterns (`owner/name`): names as branches are, but compared without case,
    /// as GitHub and GitLab treat owner and project names and as GitHub's `==` compares
    /// `github.repository` in the job `if:` cigen writes; a case-sensitive match here would
    /// let that `if:` start the job and `cigen run` inside skip it.
    fn repositories(globs: &[&Glob]) -> Patterns {
        let owned: Vec<Glob> = globs.iter().map(|g| (*g).clone()).collect();
        Patterns::build(&owned, true)
    }

    /// Whether `text` is selected: some pattern includes it and none excludes it.
    pub fn selects(&self, text: &str) -> bool {
        let sets = self.sets.get_or_init(|| Box::new(self.compile()));
        sets.0.is_match(text) && !sets.1.is_match(text)
    }
}

fn list<T: Copy>(items: &OneOrMany<T>) -> Vec<T> {
    items.to_vec().into_iter().copied().collect()
}

pub(super) fn matrix(
    m: &IndexMap<String, OneOrMany<Scalar>>,
) -> Option<IndexMap<String, Vec<String>>> {
    (!m.is_empty()).then(|| {
        m.iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.to_vec().into_iter().map(|s| s.0.clone()).collect(),
                )
            })
            .collect()
    })
}

/// A cron line as providers compare it: fields separated by one space. GitHub hands the
/// workflow's text back in `github.event.schedule`; a `CIGEN_SCHEDULE` typed into GitLab's
/// settings may differ in spacing only.
pub fn cron_text(c: &str) -> String {
    c.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Resolves the spec's conditions.
pub(super) fn resolve(w: &spec::When) -> When {
    When {
        ci: w.ci,
        provider: w.provider.as_ref().map(list),
        branch: w.branch.as_ref().map(|b| Patterns::names(&b.to_vec())),
        event: w.event.as_ref().map(list),
        changed: (!w.changed.is_empty()).then(|| Patterns::files(&w.changed)),
        matrix: matrix(&w.matrix),
        schedule: w
            .schedule
            .as_ref()
            .map(|s| s.to_vec().into_iter().map(|c| cron_text(c)).collect()),
        base: w.base.as_ref().map(|b| Patterns::names(&b.to_vec())),
        repository: w
            .repository
            .as_ref()
            .map(|b| Patterns::repositories(&b.to_vec())),
        not: w.not.as_ref().map(|n| {
            Box::new(When {
                provider: n.provider.as_ref().map(list),
                branch: n.branch.as_ref().map(|b| Patterns::names(&b.to_vec())),
                event: n.event.as_ref().map(list),
                matrix: matrix(&n.matrix),
                schedule: n
                    .schedule
                    .as_ref()
                    .map(|s| s.to_vec().into_iter().map(|c| cron_text(c)).collect()),
                base: n.base.as_ref().map(|b| Patterns::names(&b.to_vec())),
                repository: n
                    .repository
                    .as_ref()
                    .map(|b| Patterns::repositories(&b.to_vec())),
                ..When::default()
            })
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn globs(texts: &[&str]) -> Vec<Glob> {
        texts
            .iter()
            .map(|t| serde_json::from_value(serde_json::json!(t)).unwrap())
            .collect()
    }

    #[test]
    fn file_patterns_respect_separators_and_negation() {
        let p = Patterns::files(&globs(&["src/**", "!src/**/*.md", "*.toml"]));
        assert!(p.selects("src/a/b.py"));
        assert!(!p.selects("src/a/readme.md"));
        assert!(p.selects("pyproject.toml"));
        assert!(!p.selects("sub/pyproject.toml"));
        assert!(!p.selects("docs/x.py"));
    }

    #[test]
    fn name_patterns_match_any() {
        let g = globs(&["main", "release/*"]);
        let p = Patterns::names(&g.iter().collect::<Vec<_>>());
        assert!(p.selects("main"));
        assert!(p.selects("release/1.2"));
        assert!(!p.selects("release/1/2"));
        assert!(!p.selects("dev"));
        // `!` excludes, as in `changed`.
        let g = globs(&["**", "!main", "!release/*"]);
        let p = Patterns::names(&g.iter().collect::<Vec<_>>());
        assert!(p.selects("feature/x"));
        assert!(!p.selects("main"));
        assert!(!p.selects("release/1.2"));
    }

    #[test]
    fn repository_patterns_ignore_case_branch_patterns_do_not() {
        let g = globs(&["example-org/attrs-like", "Acme/*", "!acme/secret"]);
        let p = Patterns::repositories(&g.iter().collect::<Vec<_>>());
        assert!(p.selects("Example-Org/attrs-like"));
        assert!(p.selects("example-org/ATTRS-LIKE"));
        assert!(p.selects("ACME/tools"));
        assert!(!p.selects("Acme/Secret"));
        assert!(!p.selects("example-org/other"));
        let g = globs(&["main"]);
        let b = Patterns::names(&g.iter().collect::<Vec<_>>());
        assert!(!b.selects("Main"));
    }
}
