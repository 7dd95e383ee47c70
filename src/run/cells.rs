//! Which matrix cells the command line selects. `--matrix KEY=VALUE` keeps cells whose KEY is
//! VALUE (VALUE may be empty: the key is there, empty); `--matrix KEY` without `=` keeps cells
//! that lack KEY. Several filters on one key are alternatives, filters on different keys must
//! all hold, and a filter on a key a job's matrix lacks does not apply to that job. `--cell
//! JSON` names one cell exactly, keys and values (what generated GitHub jobs pass, from
//! `toJSON(matrix)`), so an empty value and an absent key never meet.

use indexmap::IndexMap;

use crate::model::{Cell, Job};

/// What one key must be: any of these, `None` meaning "absent".
pub(crate) type Filters = IndexMap<String, Vec<Option<String>>>;

/// Parses `--matrix` arguments.
pub(crate) fn parse_filters(raw: &[String]) -> Result<Filters, String> {
    let mut out: Filters = IndexMap::new();
    for r in raw {
        let (k, v) = match r.split_once('=') {
            Some((k, v)) => (k, Some(v.to_string())),
            None => (r.as_str(), None),
        };
        if k.is_empty() {
            return Err(format!(
                "--matrix `{r}` has no key: write KEY=VALUE, or KEY alone for cells without KEY"
            ));
        }
        let values = out.entry(k.to_string()).or_default();
        if !values.contains(&v) {
            values.push(v);
        }
    }
    Ok(out)
}

/// Parses `--cell`: a JSON object of strings (numbers and booleans are read as written).
pub(crate) fn parse_cell(raw: &str) -> Result<IndexMap<String, String>, String> {
    let value: serde_json::Value = serde_json::from_str(raw)
        .map_err(|e| format!("--cell must be a JSON object of matrix values: {e}"))?;
    let object = value
        .as_object()
        .ok_or("--cell must be a JSON object of matrix values, e.g. {\"os\": \"linux\"}")?;
    object
        .iter()
        // The runner labels cigen adds to GitHub cells are no matrix value.
        .filter(|(k, _)| {
            k.as_str() != crate::contract::GITHUB_RUNNER_KEY
                && k.as_str() != crate::contract::GITHUB_ALLOW_FAILURE_KEY
        })
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                other => return Err(format!("--cell: `{k}` is {other}, not a matrix value")),
            };
            Ok((k.clone(), text))
        })
        .collect()
}

/// Cells of `job` that the filters and the exact cell keep.
pub(crate) fn select(
    job: &Job,
    filters: &Filters,
    exact: Option<&IndexMap<String, String>>,
) -> Vec<Cell> {
    let Some(m) = &job.matrix else {
        return job.cells();
    };
    m.cells
        .iter()
        .filter(|c| {
            filters
                .iter()
                .filter(|(k, _)| m.has_key(k))
                .all(|(k, wanted)| wanted.iter().any(|v| c.values.get(k) == v.as_ref()))
        })
        .filter(|c| exact.is_none_or(|e| same_values(&c.values, e)))
        .cloned()
        .collect()
}

/// Same keys, same values; order aside.
fn same_values(a: &IndexMap<String, String>, b: &IndexMap<String, String>) -> bool {
    a.len() == b.len() && a.iter().all(|(k, v)| b.get(k) == Some(v))
}

/// How the filters read in messages: `os=linux`, `extra=""`, `extra (absent)`.
pub(crate) fn describe(filters: &Filters, exact: Option<&str>) -> String {
    let mut parts: Vec<String> = filters
        .iter()
        .map(|(k, vs)| {
            vs.iter()
                .map(|v| match v {
                    Some(v) if v.is_empty() => format!("{k}=\"\""),
                    Some(v) => format!("{k}={v}"),
                    None => format!("{k} (absent)"),
                })
                .collect::<Vec<_>>()
                .join(" or ")
        })
        .collect();
    if let Some(e) = exact {
        parts.push(format!(
            "--cell {}",
            e.split_whitespace().collect::<String>()
        ));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_or_within_a_key_and_absent_keys() {
        let f = parse_filters(&[
            "os=linux".into(),
            "os=mac".into(),
            "extra".into(),
            "py=".into(),
        ])
        .unwrap();
        assert_eq!(
            f["os"],
            vec![Some("linux".to_string()), Some("mac".to_string())]
        );
        assert_eq!(f["extra"], vec![None]);
        assert_eq!(f["py"], vec![Some(String::new())]);
        assert!(parse_filters(&["=x".into()]).is_err());
        assert_eq!(
            describe(&f, None),
            "os=linux or os=mac, extra (absent), py=\"\""
        );
    }

    #[test]
    fn a_cell_is_a_json_object_of_values() {
        let c = parse_cell("{\n  \"os\": \"bsd\",\n  \"extra\": \"\",\n  \"n\": 3\n}").unwrap();
        assert_eq!(c["extra"], "");
        assert_eq!(c["n"], "3");
        assert!(parse_cell("[1]").is_err());
        assert!(parse_cell("{\"a\": [1]}").is_err());
        assert!(parse_cell("nope").is_err());
    }
}
