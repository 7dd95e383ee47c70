//! `strategy.matrix` → the spec's matrix, with axes that pick a toolchain renamed after it.

use indexmap::IndexMap;
use serde_yaml::Value;

use super::job::JobCx;
use super::model::scalar_text;
use crate::import::report::Kind;
use crate::spec::{self, Scalar};

fn scalar(v: &Value) -> Option<Scalar> {
    scalar_text(v).map(Scalar)
}

/// `strategy.matrix` → the spec's matrix, with axes renamed.
pub(super) fn matrix(
    cx: &mut JobCx<'_>,
    m: &Value,
    renames: &IndexMap<String, String>,
) -> Option<spec::Matrix> {
    let rename = |k: &str| renames.get(k).cloned().unwrap_or_else(|| k.to_string());
    let Value::Mapping(map) = m else {
        cx.add(
            Kind::Lost,
            "matrix",
            "strategy.matrix",
            "a matrix computed by an expression (`fromJSON(...)`) cannot be read; list the cells",
        );
        return None;
    };
    let mut out = spec::Matrix::default();
    let combos = |v: &Value, cx: &mut JobCx<'_>, what: &str| -> Vec<IndexMap<String, Scalar>> {
        let mut list = Vec::new();
        for (i, c) in v.as_sequence().into_iter().flatten().enumerate() {
            let mut cell = IndexMap::new();
            for (k, v) in c.as_mapping().into_iter().flatten() {
                let Some(k) = scalar_text(k) else { continue };
                match scalar(v) {
                    Some(s) => {
                        cell.insert(rename(&k), s);
                    }
                    None => cx.add(
                        Kind::Lost,
                        "matrix",
                        &format!("strategy.matrix.{what}[{i}].{k}"),
                        "a matrix value that is not text, number or boolean",
                    ),
                }
            }
            list.push(cell);
        }
        list
    };
    for (k, v) in map {
        let Some(k) = scalar_text(k) else { continue };
        match k.as_str() {
            "include" => out.include = combos(v, cx, "include"),
            "exclude" => out.exclude = combos(v, cx, "exclude"),
            _ => match v {
                Value::Sequence(items) => {
                    let values: Option<Vec<Scalar>> = items.iter().map(scalar).collect();
                    match values {
                        Some(vs) => {
                            out.axes.insert(rename(&k), vs);
                        }
                        None => cx.add(Kind::Lost, "matrix", &format!("strategy.matrix.{k}"), "matrix values that are mappings or lists cannot be carried; use scalar values"),
                    }
                }
                _ => cx.add(
                    Kind::Lost,
                    "matrix",
                    &format!("strategy.matrix.{k}"),
                    "a matrix axis computed by an expression cannot be read; list its values",
                ),
            },
        }
    }
    Some(out)
}
