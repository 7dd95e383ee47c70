//! GitLab `extends:` and `!reference`: a job's templates deep-merged under its own keys, and
//! `!reference [.job, key]` tags replaced by what they point to, as GitLab does.

use serde_yaml::{Mapping, Value};

use super::{model, FILE};
use crate::import::ImportError;

/// Deep-merges `over` onto `base` as GitLab's `extends:` does: mappings merge, everything else
/// is replaced.
fn merge(base: &Value, over: &Value) -> Value {
    match (base, over) {
        (Value::Mapping(b), Value::Mapping(o)) => {
            let mut out = b.clone();
            for (k, v) in o {
                let merged = match out.get(k) {
                    Some(bv) => merge(bv, v),
                    None => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::Mapping(out)
        }
        (_, o) => o.clone(),
    }
}

/// A job with its `extends:` chain applied (templates first, the job's own keys last).
pub(super) fn resolve(doc: &Mapping, name: &str, depth: usize) -> Result<Value, ImportError> {
    let job = doc.get(name).cloned().unwrap_or(Value::Null);
    if depth > 10 {
        return Err(ImportError {
            message: format!("{FILE}: `extends` of `{name}` nests more than 10 deep (a cycle?)"),
        });
    }
    let parents: Vec<String> = job.get("extends").map(model::lines).unwrap_or_default();
    let mut out = Value::Mapping(Mapping::new());
    for p in &parents {
        if doc.get(p.as_str()).is_none() {
            return Err(ImportError { message: format!("{FILE}: `{name}` extends `{p}`, which the file does not define (an `include:`d template cannot be read)") });
        }
        out = merge(&out, &resolve(doc, p, depth + 1)?);
    }
    references(doc, &merge(&out, &job), depth)
}

/// The value with every `!reference [job, key, ...]` replaced by that part of the (resolved)
/// job; a reference to a list inside a list is spliced in, as GitLab does for scripts.
pub(super) fn references(doc: &Mapping, v: &Value, depth: usize) -> Result<Value, ImportError> {
    Ok(match v {
        Value::Tagged(t) if t.tag == "reference" => {
            let path: Vec<String> = model::lines(&t.value);
            let Some((job, keys)) = path.split_first() else {
                return Err(ImportError {
                    message: format!("{FILE}: an empty `!reference`"),
                });
            };
            if doc.get(job.as_str()).is_none() {
                return Err(ImportError {
                    message: format!(
                        "{FILE}: `!reference [{}]` names `{job}`, which the file does not define",
                        path.join(", ")
                    ),
                });
            }
            let mut target = resolve(doc, job, depth + 1)?;
            for k in keys {
                target = target.get(k.as_str()).cloned().ok_or_else(|| ImportError {
                    message: format!(
                        "{FILE}: `!reference [{}]`: `{job}` has no `{k}`",
                        path.join(", ")
                    ),
                })?;
            }
            target
        }
        Value::Sequence(items) => {
            let mut out = Vec::new();
            for i in items {
                let is_ref = matches!(i, Value::Tagged(t) if t.tag == "reference");
                match references(doc, i, depth)? {
                    Value::Sequence(inner) if is_ref => out.extend(inner),
                    other => out.push(other),
                }
            }
            Value::Sequence(out)
        }
        Value::Mapping(m) => {
            let mut out = Mapping::new();
            for (k, val) in m {
                out.insert(k.clone(), references(doc, val, depth)?);
            }
            Value::Mapping(out)
        }
        other => other.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extends_and_references_resolve() {
        let doc: Mapping = serde_yaml::from_str(
            ".setup:\n  script: [a, b]\n  variables: {X: '1', Y: '2'}\nbase:\n  stage: test\n  variables: {Y: '3'}\njob:\n  extends: [.setup, base]\n  script:\n    - !reference [.setup, script]\n    - c\n",
        )
        .unwrap();
        let j = resolve(&doc, "job", 0).unwrap();
        assert_eq!(model::lines(&j["script"]), ["a", "b", "c"]);
        assert_eq!(j["variables"]["X"], Value::from("1"));
        assert_eq!(j["variables"]["Y"], Value::from("3"));
        assert_eq!(j["stage"], Value::from("test"));
        let bad: Mapping =
            serde_yaml::from_str("job:\n  script: [!reference [.nope, script]]\n").unwrap();
        assert!(resolve(&bad, "job", 0)
            .unwrap_err()
            .message
            .contains("`.nope`"));
    }
}
