//! GitLab `parallel: matrix:` → the spec's matrix.

use indexmap::IndexMap;
use serde_yaml::Value;

use super::scalar;
use crate::import::report::Kind;
use crate::import::Draft;
use crate::spec::{self, Scalar};

/// `parallel: N` or `parallel: matrix:` → the spec's matrix; the variables keep their GitLab
/// names through `export NAME="$MATRIX_NAME"` lines.
pub(super) fn matrix(
    draft: &mut Draft,
    name: &str,
    origin: &str,
    p: &Value,
    job: &mut spec::Job,
    exports: &mut Vec<String>,
) {
    let Some(entries) = p.get("matrix").and_then(Value::as_sequence) else {
        draft.report.add(
            Kind::Lost,
            Some(name),
            "matrix",
            origin.to_string(),
            "`parallel: N` (copies of one job) has no equivalent",
        );
        return;
    };
    let mut cells: Vec<IndexMap<String, Scalar>> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    for e in entries {
        let mut partial: Vec<IndexMap<String, Scalar>> = vec![IndexMap::new()];
        for (k, v) in e.as_mapping().into_iter().flatten() {
            let Some(k) = scalar(k) else { continue };
            let values: Vec<String> = match v {
                Value::Sequence(items) => items.iter().filter_map(scalar).collect(),
                other => scalar(other).into_iter().collect(),
            };
            let key = k.to_ascii_lowercase();
            if !keys.contains(&k) {
                keys.push(k.clone());
            }
            let mut next = Vec::new();
            for c in &partial {
                for v in &values {
                    let mut c = c.clone();
                    c.insert(key.clone(), Scalar(v.clone()));
                    next.push(c);
                }
            }
            partial = next;
        }
        cells.extend(partial);
    }
    let mut m = spec::Matrix::default();
    if entries.len() == 1 {
        // One entry is a product: keep it as axes.
        for k in &keys {
            let key = k.to_ascii_lowercase();
            let mut values: Vec<Scalar> = Vec::new();
            for c in &cells {
                if let Some(v) = c.get(&key) {
                    if !values.contains(v) {
                        values.push(v.clone());
                    }
                }
            }
            m.axes.insert(key, values);
        }
    } else {
        m.include = cells;
    }
    for k in &keys {
        let env = crate::contract::matrix_env_name(&k.to_ascii_lowercase());
        exports.insert(0, format!("export {k}=\"${env}\""));
        // The image may name a matrix variable too (`python:$PYTHON_VERSION`).
        if let Some(img) = job.runs_on.as_mut().and_then(|r| r.image.as_mut()) {
            *img = img
                .replace(&format!("${{{k}}}"), &format!("${{{env}}}"))
                .replace(&format!("${k}"), &format!("${env}"));
        }
    }
    job.matrix = Some(Box::new(m));
}
