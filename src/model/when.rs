//! Resolved run conditions: globs compiled once, lists flattened, so deciding a condition
//! never parses anything (`run/when.rs` only evaluates).

use globset::{GlobSet, GlobSetBuilder};

use crate::spec::{self, Event, Glob, OneOrMany, Provider};

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
}

/// Globs as written (for messages) and compiled (for matching).
#[derive(Debug, Clone)]
pub struct Patterns {
    /// The patterns as the spec wrote them, `!` included.
    pub texts: Vec<String>,
    include: GlobSet,
    exclude: GlobSet,
}

impl Patterns {
    /// File patterns: a leading `!` excludes, and an excluded file is never re-included.
    fn files(globs: &[Glob]) -> Patterns {
        let mut include = GlobSetBuilder::new();
        let mut exclude = GlobSetBuilder::new();
        for g in globs {
            let (negated, pattern) = g.negation();
            // The shape check compiled every glob already; one that fails now matches nothing.
            if let Ok(m) = Glob::matcher(pattern) {
                if negated {
                    exclude.add(m);
                } else {
                    include.add(m);
                }
            }
        }
        Patterns {
            texts: globs.iter().map(|g| g.as_str().to_string()).collect(),
            include: include.build().unwrap_or_else(|_| GlobSet::empty()),
            exclude: exclude.build().unwrap_or_else(|_| GlobSet::empty()),
        }
    }

    /// Name patterns (branches): the same meaning as file patterns, so `!` excludes
    /// (`["release/*", "!release/old"]`); a list of exclusions alone is refused by `check`.
    fn names(globs: &[&Glob]) -> Patterns {
        let owned: Vec<Glob> = globs.iter().map(|g| (*g).clone()).collect();
        Patterns::files(&owned)
    }

    /// Whether `text` is selected: some pattern includes it and none excludes it.
    pub fn selects(&self, text: &str) -> bool {
        self.include.is_match(text) && !self.exclude.is_match(text)
    }
}

fn list<T: Copy>(items: &OneOrMany<T>) -> Vec<T> {
    items.to_vec().into_iter().copied().collect()
}

/// Resolves the spec's conditions.
pub(super) fn resolve(w: &spec::When) -> When {
    When {
        ci: w.ci,
        provider: w.provider.as_ref().map(list),
        branch: w.branch.as_ref().map(|b| Patterns::names(&b.to_vec())),
        event: w.event.as_ref().map(list),
        changed: (!w.changed.is_empty()).then(|| Patterns::files(&w.changed)),
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
}
