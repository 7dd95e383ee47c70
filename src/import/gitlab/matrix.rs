//! GitLab `parallel: matrix:` → the spec's matrix.

use indexmap::IndexMap;
use serde_yaml::Value;

use super::scalar;
use crate::import::report::Kind;
use crate::import::Draft;
use crate::spec::{self, Scalar};

/// The toolchain a job image names by a variable (`python:${PYTHON_VERSION}-slim` →
/// `("PYTHON_VERSION", "python")`): that matrix axis picks the toolchain, so it is named
/// after the tool and each cell runs on its version everywhere, locally too.
fn tool_variable(image: &str) -> Option<(String, &'static str)> {
    let base = image.rsplit('/').next().unwrap_or(image);
    let (name, tag) = base.split_once(':')?;
    let tool = match name {
        "python" => "python",
        "node" => "node",
        "rust" => "rust",
        "golang" => "go",
        _ => return None,
    };
    let var = tag.strip_prefix('$')?;
    let var = var.strip_prefix('{').unwrap_or(var);
    let end = var
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(var.len());
    (end > 0).then(|| (var[..end].to_string(), tool))
}

/// `parallel: N` or `parallel: matrix:` → the spec's matrix; the variables keep their GitLab
/// names through `export NAME="$MATRIX_<KEY>"` lines. Returns each variable's spec key.
pub(super) fn matrix(
    draft: &mut Draft,
    name: &str,
    origin: &str,
    p: &Value,
    job: &mut spec::Job,
    exports: &mut Vec<String>,
) -> IndexMap<String, String> {
    let tool = job
        .runs_on
        .as_ref()
        .and_then(|r| r.image.as_deref())
        .and_then(tool_variable);
    let spec_key = |k: &str| -> String {
        match &tool {
            Some((var, t)) if var == k => t.to_string(),
            _ => k.to_ascii_lowercase(),
        }
    };
    let Some(entries) = p.get("matrix").and_then(Value::as_sequence) else {
        draft.report.add(
            Kind::Lost,
            Some(name),
            "matrix",
            origin.to_string(),
            "`parallel: N` (copies of one job) has no equivalent",
        );
        return IndexMap::new();
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
            let key = spec_key(&k);
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
            let key = spec_key(k);
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
    let mut vars = IndexMap::new();
    for k in &keys {
        let key = spec_key(k);
        if key != k.to_ascii_lowercase() {
            draft.report.add(Kind::Note, Some(name), "toolchain", origin.to_string(), format!("the image names its {key} by `${k}`: the matrix axis is `{key}`, so each cell runs on its {key} locally too"));
        }
        let env = crate::contract::matrix_env_name(&key);
        vars.insert(k.clone(), key);
        exports.insert(0, format!("export {k}=\"${env}\""));
        // The image may name a matrix variable too (`python:$PYTHON_VERSION`).
        if let Some(img) = job.runs_on.as_mut().and_then(|r| r.image.as_mut()) {
            *img = img
                .replace(&format!("${{{k}}}"), &format!("${{{env}}}"))
                .replace(&format!("${k}"), &format!("${env}"));
        }
    }
    job.matrix = Some(Box::new(m));
    vars
}

/// `$K`/`${K}` of a matrix variable as the spec's `${MATRIX_<KEY>}` (whole names only);
/// `keys` maps each GitLab variable to its spec key.
pub(super) fn matrix_refs(text: &str, keys: &IndexMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(r) = after.strip_prefix('$') {
            out.push_str("$$");
            rest = r;
            continue;
        }
        let (inner, brace) = match after.strip_prefix('{') {
            Some(r) => (r, true),
            None => (after, false),
        };
        let len = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(inner.len());
        let var = &inner[..len];
        let closed = !brace || inner[len..].starts_with('}');
        match keys.get(var) {
            Some(k) if !var.is_empty() && closed => {
                out.push_str(&format!("${{{}}}", crate::contract::matrix_env_name(k)));
                rest = &inner[len + usize::from(brace)..];
            }
            _ => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
