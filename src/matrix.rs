//! Matrix expansion into cells with stable ids, following GitHub's include/exclude rules.
//!
//! A shared leaf: `check` reasons about cells and `model` stores them.

use indexmap::IndexMap;
use serde::Serialize;

use crate::spec;

/// One combination of matrix values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// Stable id: `key=value` pairs joined by `,` in axis order (e.g. `python=3.12,os=linux`).
    pub id: String,
    pub values: IndexMap<String, String>,
}

impl Cell {
    fn new(values: IndexMap<String, String>) -> Self {
        let id = values
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",");
        Cell { id, values }
    }

    /// Values joined for display: `3.12, linux`.
    pub fn label(&self) -> String {
        self.values.values().cloned().collect::<Vec<_>>().join(", ")
    }

    /// Whether every `key=value` in `filter` holds for this cell.
    pub fn matches(&self, filter: &IndexMap<String, String>) -> bool {
        filter.iter().all(|(k, v)| self.values.get(k) == Some(v))
    }
}

/// A resolved matrix: its axes and every cell to run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Matrix {
    pub axes: IndexMap<String, Vec<String>>,
    /// Keys that appear only through `include` entries.
    pub extra_keys: Vec<String>,
    pub cells: Vec<Cell>,
}

impl Matrix {
    /// Every key a cell may carry: the axes in order, then include-only keys.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.axes
            .keys()
            .chain(self.extra_keys.iter())
            .map(String::as_str)
    }

    /// Whether a cell may carry `key`.
    pub fn has_key(&self, key: &str) -> bool {
        self.axes.contains_key(key) || self.extra_keys.iter().any(|k| k == key)
    }
}

/// Expands axes (product, first axis outermost), removes `exclude` matches, applies `include`.
pub fn expand(m: &spec::Matrix) -> Matrix {
    let axes: IndexMap<String, Vec<String>> = m
        .axes
        .iter()
        .map(|(k, vs)| (k.clone(), vs.iter().map(|v| v.0.clone()).collect()))
        .collect();
    let mut cells: Vec<IndexMap<String, String>> = if axes.is_empty() {
        Vec::new()
    } else {
        vec![IndexMap::new()]
    };
    for (key, values) in &axes {
        let mut next = Vec::with_capacity(cells.len() * values.len());
        for cell in &cells {
            for v in values {
                let mut c = cell.clone();
                c.insert(key.clone(), v.clone());
                next.push(c);
            }
        }
        cells = next;
    }
    for ex in &m.exclude {
        cells.retain(|c| !ex.iter().all(|(k, v)| c.get(k) == Some(&v.0)));
    }
    let base_len = cells.len();
    let mut extra_keys = Vec::new();
    for inc in &m.include {
        let inc: IndexMap<String, String> =
            inc.iter().map(|(k, v)| (k.clone(), v.0.clone())).collect();
        for k in inc.keys() {
            if !axes.contains_key(k) && !extra_keys.contains(k) {
                extra_keys.push(k.clone());
            }
        }
        // GitHub: an include extends every original cell whose axis values it matches and
        // whose original values it does not overwrite; otherwise it becomes a new cell.
        let mut matched = false;
        for cell in cells.iter_mut().take(base_len) {
            let fits = inc
                .iter()
                .all(|(k, v)| !axes.contains_key(k) || cell.get(k) == Some(v));
            if fits && !axes.is_empty() {
                matched = true;
                for (k, v) in &inc {
                    cell.insert(k.clone(), v.clone());
                }
            }
        }
        if !matched {
            cells.push(inc);
        }
    }
    Matrix {
        axes,
        extra_keys,
        cells: cells.into_iter().map(Cell::new).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(yaml: &str) -> spec::Matrix {
        serde_json::from_value(serde_json::from_str(yaml).unwrap()).unwrap()
    }

    #[test]
    fn product_exclude_include() {
        let mx = expand(&m(r#"{"python":["3.12","3.13"],"os":["linux","mac"],
            "exclude":[{"python":"3.12","os":"mac"}],
            "include":[{"python":"3.13","experimental":"true"},{"python":"3.14","os":"linux"}]}"#));
        let ids: Vec<_> = mx.cells.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            vec![
                "python=3.12,os=linux",
                "python=3.13,os=linux,experimental=true",
                "python=3.13,os=mac,experimental=true",
                "python=3.14,os=linux"
            ]
        );
    }
}
