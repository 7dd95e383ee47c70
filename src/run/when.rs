//! Evaluating `when` conditions (ci, provider, branch, event, changed) into run or skip, with a reason.

use std::sync::OnceLock;

use globset::{GlobBuilder, GlobMatcher};

use super::changes::Changes;
use crate::provider::{event_name, provider_name, RunContext};
use crate::spec::When;

/// The decision for a job or step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Runs; the reason says why when a condition was involved.
    Run(Option<String>),
    Skip(String),
}

/// Changed files, computed at most once and only when some condition asks.
pub(crate) struct LazyChanges {
    cell: OnceLock<Changes>,
    compute: Box<dyn Fn() -> Changes + Send + Sync>,
}

impl LazyChanges {
    pub(crate) fn new(compute: impl Fn() -> Changes + Send + Sync + 'static) -> Self {
        LazyChanges {
            cell: OnceLock::new(),
            compute: Box::new(compute),
        }
    }

    pub(crate) fn get(&self) -> &Changes {
        self.cell.get_or_init(|| (self.compute)())
    }
}

fn glob(pattern: &str) -> Option<GlobMatcher> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .ok()
        .map(|g| g.compile_matcher())
}

/// Whether `file` is selected by `patterns` (`!` excludes; later patterns do not re-include).
fn selects(patterns: &[String], file: &str) -> bool {
    let mut included = false;
    for p in patterns {
        if let Some(neg) = p.strip_prefix('!') {
            if glob(neg).is_some_and(|g| g.is_match(file)) {
                return false;
            }
        } else if !included && glob(p).is_some_and(|g| g.is_match(file)) {
            included = true;
        }
    }
    included
}

fn list<T: Copy>(items: &crate::spec::OneOrMany<T>) -> Vec<T> {
    items.to_vec().into_iter().copied().collect()
}

/// Checks every given condition, in a fixed order; the first that fails is the skip reason.
pub(crate) fn evaluate(when: &When, ctx: &RunContext, changes: &LazyChanges) -> Verdict {
    match when.ci {
        Some(true) if !ctx.ci => return Verdict::Skip("runs only in CI (when.ci: true)".into()),
        Some(false) if ctx.ci => return Verdict::Skip("runs only locally (when.ci: false)".into()),
        _ => {}
    }
    if let Some(p) = &when.provider {
        let wanted = list(p);
        if !wanted.contains(&ctx.provider) {
            let names: Vec<_> = wanted.iter().map(|p| provider_name(*p)).collect();
            return Verdict::Skip(format!(
                "runs only on {} (this is {})",
                names.join(", "),
                provider_name(ctx.provider)
            ));
        }
    }
    if let Some(b) = &when.branch {
        let patterns: Vec<String> = b.to_vec().into_iter().cloned().collect();
        let hit = ctx.branch.as_deref().is_some_and(|br| {
            patterns
                .iter()
                .any(|p| glob(p).is_some_and(|g| g.is_match(br)))
        });
        if !hit {
            let here = ctx
                .branch
                .as_deref()
                .map(|b| format!("this is {b}"))
                .unwrap_or_else(|| "no branch here".into());
            return Verdict::Skip(format!(
                "runs only on branch {} ({here})",
                patterns.join(", ")
            ));
        }
    }
    if let Some(e) = &when.event {
        let wanted = list(e);
        if !ctx.event.is_some_and(|ev| wanted.contains(&ev)) {
            let names: Vec<_> = wanted.iter().map(|e| event_name(*e)).collect();
            let here = ctx
                .event
                .map(|e| format!("this run is {}", event_name(e)))
                .unwrap_or_else(|| "this CI names no event".into());
            return Verdict::Skip(format!("runs only on {} events ({here})", names.join(", ")));
        }
    }
    if !when.changed.is_empty() {
        return match changes.get() {
            Changes::Unknown { reason } => {
                Verdict::Run(Some(format!("{reason}; running to be safe")))
            }
            Changes::Known { base, files } => {
                match files.iter().find(|f| selects(&when.changed, f)) {
                    Some(f) => {
                        let more = files.iter().filter(|f| selects(&when.changed, f)).count() - 1;
                        let extra = if more > 0 {
                            format!(" and {more} more")
                        } else {
                            String::new()
                        };
                        Verdict::Run(Some(format!("changed: {f}{extra}")))
                    }
                    None => Verdict::Skip(format!("no relevant changes (compared with {base})")),
                }
            }
        };
    }
    Verdict::Run(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_respect_separators_and_negation() {
        let p = vec![
            "src/**".to_string(),
            "!src/**/*.md".to_string(),
            "*.toml".to_string(),
        ];
        assert!(selects(&p, "src/a/b.py"));
        assert!(!selects(&p, "src/a/readme.md"));
        assert!(selects(&p, "pyproject.toml"));
        assert!(!selects(&p, "sub/pyproject.toml"));
        assert!(!selects(&p, "docs/x.py"));
    }
}
