//! The one command every CI job runs: `cigen run <job> --no-deps ...` (docs/contracts.md).

use super::escape::shell_word;
use crate::contract::matrix_env_name;
use crate::model::Job;

/// The shell command that runs `job` on a CI runner. Matrix values arrive as `MATRIX_<KEY>`
/// variables and are passed on with `--matrix "key=$MATRIX_KEY"`: an unset variable (a cell
/// without that key) gives `key=`, which selects cells that do not have it. Services are
/// started by the provider, so cigen uses them as they are (`--host-services`).
pub(crate) fn cigen_run(job: &Job, matrix_keys: &[String]) -> String {
    let mut cmd = format!("cigen run {} --no-deps", shell_word(&job.name));
    if !job.services.is_empty() {
        cmd.push_str(" --host-services");
    }
    for key in matrix_keys {
        // Keys are letters, digits, `-` and `_` (rule `matrix-refs`); quote anyway.
        let word = shell_word(&format!("{key}="));
        let var = matrix_env_name(key);
        if word.starts_with('\'') {
            cmd.push_str(&format!(" --matrix {word}\"${var}\""));
        } else {
            cmd.push_str(&format!(" --matrix \"{word}${var}\""));
        }
    }
    cmd
}
