//! GitLab `extends:`: a job's templates deep-merged under its own keys, as GitLab does.

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
    Ok(merge(&out, &job))
}
