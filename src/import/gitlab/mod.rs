//! `cigen import` from GitLab CI (`.gitlab-ci.yml`).

use std::path::Path;

use super::{Draft, ImportError};

/// The pipeline file, relative to the project root.
pub(crate) const FILE: &str = ".gitlab-ci.yml";

pub(crate) fn import(_root: &Path, _draft: &mut Draft) -> Result<(), ImportError> {
    Err(ImportError {
        message: "GitLab import is not written yet".into(),
    })
}
