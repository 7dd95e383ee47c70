//! A GitLab job's `cache:` as the spec's typed `cache:`.

use serde_yaml::Value;

use super::{model, scalar};
use crate::import::report::Kind;
use crate::import::typed;
use crate::spec;

/// A GitLab `cache:` (one, or the first of a list) as the job's `cache:`: `paths`, and
/// `key: { files, prefix }`; a key that is text has no files to hash and is reported.
pub(super) fn cache_of(v: &Value) -> (Option<spec::Cache>, Vec<(Kind, String)>) {
    let mut findings = Vec::new();
    let one = match v {
        Value::Sequence(items) => {
            if items.len() > 1 {
                findings.push((
                    Kind::Lost,
                    format!(
                        "{} caches: the spec has one per job, the first was kept",
                        items.len()
                    ),
                ));
            }
            items.first().cloned().unwrap_or(Value::Null)
        }
        other => other.clone(),
    };
    let paths = one.get("paths").map(model::lines).unwrap_or_default();
    let key = one.get("key");
    let files = key
        .and_then(|k| k.get("files"))
        .map(model::lines)
        .unwrap_or_default();
    let prefix = key.and_then(|k| k.get("prefix")).and_then(scalar);
    if files.is_empty() {
        findings.push((Kind::Lost, format!("cache key {}: a spec cache is keyed on files (`key: files:`); the cache was left out", key.and_then(scalar).map(|k| format!("`{k}`")).unwrap_or_else(|| "without files".into()))));
        return (None, findings);
    }
    let mut c = spec::Cache {
        name: prefix.filter(|p| {
            !p.contains('$')
                && p.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '_' | '-' | '.'))
        }),
        ..spec::Cache::default()
    };
    for p in paths {
        match typed::rel_path(p.trim_end_matches('/')) {
            Ok(r) => c.paths.push(r),
            Err(why) => findings.push((Kind::Lost, format!("cache path `{p}`: {why}"))),
        }
    }
    let mut rejected = Vec::new();
    c.files = typed::globs(&files, &mut rejected);
    for r in rejected {
        findings.push((
            Kind::Lost,
            format!("cache key file `{r}` is not a glob cigen reads"),
        ));
    }
    for k in ["policy", "when", "untracked", "unprotect", "fallback_keys"] {
        if one.get(k).is_some() {
            findings.push((
                Kind::Note,
                format!("cache `{k}`: cigen's cache restores and saves with its own settings"),
            ));
        }
    }
    if c.paths.is_empty() || c.files.is_empty() {
        return (None, findings);
    }
    (Some(c), findings)
}
