//! The walked YAML as the typed spec. The walk hands over each job as soon as it has its
//! JSON form, and the job is deserialised at once: the JSON form of only one job exists at a
//! time, not of the whole spec beside its tree and the typed spec (on a monorepo spec, that
//! JSON form alone was over ten times the text).

use indexmap::IndexMap;
use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::shape::{self, Walked};
use crate::source::{Node, NodeKind, YamlPath};
use crate::spec::{Job, Spec};

/// What went wrong where, when the walk accepted a value serde did not.
struct Refused {
    path: String,
    message: String,
}

impl Refused {
    fn new(prefix: Option<&str>, e: &serde_path_to_error::Error<serde_json::Error>) -> Self {
        let path = e.path().to_string();
        // The path serde would have given inside the whole spec (`.` is a job's own root).
        let path = match (prefix, path.as_str()) {
            (None, _) => path,
            (Some(p), ".") => p.to_string(),
            (Some(p), rest) => format!("{p}.{rest}"),
        };
        Refused {
            path,
            message: e.inner().to_string(),
        }
    }

    fn diagnostic(self) -> Diagnostic {
        // Reported at the place the walk accepted.
        Diagnostic::error(
            shape::INVALID_VALUE,
            format!("invalid value: {}", self.message),
        )
        .at(YamlPath::parse(&self.path))
        .with_help("see the JSON Schema (`cigen schema`) for what this key accepts")
    }
}

/// Walks `tree` against the schema and types what passed: the walk's result, the spec
/// (`None` when the document's required parts did not pass) and the one error serde found
/// in what the walk accepted, if any (then the spec is `None`).
pub(super) fn walk(tree: &Node) -> (Walked, Option<Spec>, Option<Diagnostic>) {
    let count = match tree.get("jobs").map(|j| &j.kind) {
        Some(NodeKind::Map(jobs)) => jobs.len(),
        _ => 0,
    };
    // Sized once: grown by doubling, the map of a big spec's jobs would be up to twice
    // their size.
    let mut jobs: IndexMap<String, Job> = IndexMap::with_capacity(count);
    let mut refused: Option<Refused> = None;
    let mut sink = |name: &str, value: Value| {
        // Like one deserialisation of the whole spec, stop at the first refusal.
        if refused.is_some() {
            return;
        }
        match serde_path_to_error::deserialize::<_, Job>(value) {
            Ok(job) => {
                jobs.insert(name.to_string(), job);
            }
            Err(e) => refused = Some(Refused::new(Some(&format!("jobs.{name}")), &e)),
        }
    };
    let stream = shape::Stream {
        key: "jobs",
        sink: &mut sink,
    };
    let mut walked = shape::to_json(tree, shape::schema(), Some(stream));
    // When only a required top-level key is broken (say `version`), the rules still check
    // the jobs: the spec is rejected either way, but every problem shows in one pass.
    let value = walked.value.take().or_else(|| {
        let mut partial = walked.partial.take().filter(|p| p.contains_key("jobs"))?;
        partial.entry("version").or_insert(Value::from(1));
        Some(Value::Object(partial))
    });
    let Some(value) = value else {
        return (walked, None, None);
    };
    // Document order, which is the order serde meets the keys in.
    let keys: Vec<String> = value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    let at = |key: &str| keys.iter().position(|k| k == key);
    match (serde_path_to_error::deserialize::<_, Spec>(value), refused) {
        (Ok(mut spec), None) => {
            spec.jobs = jobs;
            (walked, Some(spec), None)
        }
        (Ok(_), Some(job)) => (walked, None, Some(job.diagnostic())),
        (Err(e), job) => {
            // Of two refusals, the one serde would have met first in the whole spec: a key
            // before `jobs:` (a missing field shows only after every key was read).
            let first_key = e.path().iter().next().and_then(|s| match s {
                serde_path_to_error::Segment::Map { key } => at(key),
                _ => None,
            });
            let spec_first = first_key.is_some_and(|k| at("jobs").is_none_or(|j| k < j));
            let shown = match job {
                Some(job) if !spec_first => job,
                _ => Refused::new(None, &e),
            };
            (walked, None, Some(shown.diagnostic()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(value: Value) -> Refused {
        let e = serde_path_to_error::deserialize::<_, Job>(value).unwrap_err();
        Refused::new(Some("jobs.build"), &e)
    }

    #[test]
    fn a_job_refused_is_placed_as_in_the_whole_spec() {
        let inside = refusal(serde_json::json!({ "steps": 5 }));
        assert_eq!(inside.path, "jobs.build.steps");
        let whole = refusal(Value::from(3));
        assert_eq!(whole.path, "jobs.build");
        let d = whole.diagnostic();
        assert!(d.message.starts_with("invalid value: "), "{}", d.message);
        assert_eq!(d.path, Some(YamlPath::parse("jobs.build")));
    }

    #[test]
    fn jobs_are_typed_in_order_into_a_map_of_their_size() {
        let file = crate::source::SourceFile::new(
            "t.yaml",
            "version: 1\njobs:\n  b: { steps: [x] }\n  a: { needs: [b], steps: [y] }\n",
        );
        let tree = crate::source::parse(&file).root.unwrap();
        let (walked, spec, refused) = walk(&tree);
        assert!(walked.diagnostics.is_empty() && refused.is_none());
        let spec = spec.unwrap();
        assert_eq!(spec.jobs.keys().collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(spec.jobs["a"].needs, ["b"]);
        assert_eq!(spec.jobs.capacity(), 2);
    }
}
