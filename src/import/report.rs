//! The migration report: what `cigen import` could not carry over, what needs the user, and
//! how it translated what it did carry. Printed, written beside each job as YAML comments,
//! and available as JSON for tools and tests.

use serde::Serialize;

/// How serious an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Kind {
    /// The spec cannot express this yet: behaviour differs from the original.
    Lost,
    /// The spec can express it, but only the user can supply what is missing (a commit SHA).
    Todo,
    /// Carried over differently; nothing is lost, but the user should know.
    Note,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Lost => "lost",
            Kind::Todo => "todo",
            Kind::Note => "note",
        }
    }
}

/// One report item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Item {
    pub(crate) kind: Kind,
    /// The spec job it belongs to; `None` for the whole pipeline.
    pub(crate) job: Option<String>,
    /// A stable short name of the feature (`fail-fast`, `cache`, ...), for tools and tests.
    pub(crate) feature: &'static str,
    /// Where it came from: `file: path.in.document`.
    pub(crate) origin: String,
    pub(crate) message: String,
}

/// Every item of one import, in the order found.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Report {
    /// The files read, relative to the project root.
    pub(crate) sources: Vec<String>,
    pub(crate) items: Vec<Item>,
}

impl Report {
    pub(crate) fn add(
        &mut self,
        kind: Kind,
        job: Option<&str>,
        feature: &'static str,
        origin: impl Into<String>,
        message: impl Into<String>,
    ) {
        let item = Item {
            kind,
            job: job.map(str::to_string),
            feature,
            origin: origin.into(),
            message: message.into(),
        };
        // The same finding in several matrix-expanded or repeated places is one item.
        if !self.items.contains(&item) {
            self.items.push(item);
        }
    }

    pub(crate) fn count(&self, kind: Kind) -> usize {
        self.items.iter().filter(|i| i.kind == kind).count()
    }

    /// Items about one job (or, with `None`, about the whole pipeline), worst first.
    pub(crate) fn for_job(&self, job: Option<&str>) -> Vec<&Item> {
        let mut v: Vec<&Item> = self
            .items
            .iter()
            .filter(|i| i.job.as_deref() == job)
            .collect();
        v.sort_by_key(|i| i.kind);
        v
    }

    /// The YAML comment lines written above a job (or at the top for `None`): lost and todo
    /// items in full, notes too, so the spec explains itself without the printed report.
    pub(crate) fn comment_lines(&self, job: Option<&str>) -> Vec<String> {
        self.for_job(job)
            .into_iter()
            .map(|i| {
                format!(
                    "cigen import {}: [{}] {} ({})",
                    i.kind.label(),
                    i.feature,
                    i.message,
                    i.origin
                )
            })
            .collect()
    }

    /// The human report printed after an import.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        for kind in [Kind::Lost, Kind::Todo, Kind::Note] {
            let items: Vec<&Item> = self.items.iter().filter(|i| i.kind == kind).collect();
            if items.is_empty() {
                continue;
            }
            out.push_str(match kind {
                Kind::Lost => "lost (the spec cannot express these yet; each is written as a comment beside its job):\n",
                Kind::Todo => "to do (the spec needs something only you can supply):\n",
                Kind::Note => "notes (carried over differently):\n",
            });
            for i in items {
                let job = i.job.as_deref().unwrap_or("pipeline");
                out.push_str(&format!(
                    "  {job}: [{}] {}\n      from {}\n",
                    i.feature, i.message, i.origin
                ));
            }
        }
        if self.count(Kind::Lost) == 0 && self.count(Kind::Todo) == 0 {
            out.push_str("nothing lost\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_deduplicated_sorted_per_job_and_renamed() {
        let mut r = Report::default();
        r.add(
            Kind::Note,
            Some("a"),
            "checkout",
            "ci.yml: jobs.a",
            "handled",
        );
        r.add(
            Kind::Lost,
            Some("a"),
            "cache",
            "ci.yml: jobs.a.steps[1]",
            "no cache",
        );
        r.add(
            Kind::Lost,
            Some("a"),
            "cache",
            "ci.yml: jobs.a.steps[1]",
            "no cache",
        );
        assert_eq!(r.items.len(), 2);
        let a: Vec<&str> = r.for_job(Some("a")).iter().map(|i| i.feature).collect();
        assert_eq!(a, ["cache", "checkout"]);
        assert_eq!(
            r.comment_lines(Some("a"))[0],
            "cigen import lost: [cache] no cache (ci.yml: jobs.a.steps[1])"
        );
        assert!(r.render().starts_with("lost ("));
    }
}
