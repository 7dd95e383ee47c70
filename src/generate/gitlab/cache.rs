//! A job's `cache:` on GitLab: `cache: { key: { files, prefix }, paths }`. GitLab hashes the
//! key files itself (at most two: rule `cache-files`) and keys per runner already; a matrix
//! job's cells each get their own cache through the job name in the prefix. The setup
//! actions' caches are a GitHub notion and have no GitLab counterpart: list their directories
//! in `paths` instead (docs/contracts.md).

use super::context::Cache;
use crate::model::Job;

pub(super) fn cache(j: &Job) -> Option<Cache> {
    let c = j.cache.as_ref().filter(|c| !c.paths.is_empty())?;
    let name = c.name.clone().unwrap_or_else(|| j.name.clone());
    let prefix = match j.matrix {
        Some(_) => format!("{name}-$CI_JOB_NAME_SLUG"),
        None => name,
    };
    Some(Cache {
        files: c.files.iter().map(|f| f.as_str().to_string()).collect(),
        prefix,
        paths: c.paths.iter().map(|p| p.as_str().to_string()).collect(),
    })
}
