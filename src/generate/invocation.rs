//! The one command every CI job runs: `cigen run <job> --no-deps ...` (docs/contracts.md).

use super::escape::shell_word;
use crate::contract::{matrix_env_name, GITHUB_MATRIX_VAR};
use crate::model::Job;

/// How a runner names its matrix cell to cigen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CellFrom {
    /// GitHub: the run step's `$CIGEN_MATRIX` holds `toJSON(matrix)`, exactly the cell's keys
    /// and values; `--cell` selects that cell. (Its `env:` cannot leave a variable unset, so
    /// `MATRIX_<KEY>` variables there could not tell an absent key from an empty value.)
    GithubJson,
    /// GitLab: `parallel: matrix` sets `MATRIX_<KEY>` for the keys the cell has and leaves
    /// the others unset; `--matrix "key${MATRIX_KEY+=$MATRIX_KEY}"` passes `key=VALUE` (VALUE
    /// may be empty) for a set variable and a bare `key` (cells without it) for an unset one.
    Variables,
}

/// The shell command that runs `job` on a CI runner. Services are started by the provider,
/// so cigen uses them as they are (`--host-services`).
pub(crate) fn cigen_run(job: &Job, from: CellFrom) -> String {
    let mut cmd = format!("cigen run {} --no-deps", shell_word(&job.name));
    if !job.services.is_empty() {
        cmd.push_str(" --host-services");
    }
    let keys = job.matrix_keys();
    if keys.is_empty() {
        return cmd;
    }
    match from {
        CellFrom::GithubJson => cmd.push_str(&format!(" --cell \"${GITHUB_MATRIX_VAR}\"")),
        CellFrom::Variables => {
            for key in keys {
                // Keys are letters, digits, `-` and `_` (rule `matrix-refs`), so the word
                // needs no quoting beyond the double quotes around the expansion.
                let var = matrix_env_name(&key);
                cmd.push_str(&format!(" --matrix \"{key}${{{var}+=${var}}}\""));
            }
        }
    }
    cmd
}
