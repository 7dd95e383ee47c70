//! Prepares what one step spawns: its env (layered, see `env.rs`), working directory and
//! argv, run directly when the step is one simple command (`direct.rs`), else through the
//! job's shell, the program found on the step's own PATH (`which.rs`).

use std::path::PathBuf;

use indexmap::IndexMap;

use super::direct;
use super::env::{step_env, UnitFiles};
use super::executor::Shared;
use super::launch::Launch;
use super::overlay::StepEnv;
use super::plan::Unit;
use crate::model::{Job, Step};

/// What to spawn for a step: the same env and directory either way, and the argv run
/// directly when the step is one simple command (`direct.rs`), else through the job's shell.
pub(crate) struct Spawn<'b> {
    env: StepEnv<'b>,
    pub(super) dir: PathBuf,
    /// The argv when the step runs without a shell.
    pub(super) direct: Option<Vec<String>>,
    /// The shell's argv, the step's script last.
    pub(super) shell: Vec<String>,
}

impl Spawn<'_> {
    fn path(&self) -> Option<&str> {
        self.env.get("PATH")
    }

    /// The step without bash, when it is one simple command.
    pub(super) fn direct(&self) -> Option<Launch<'_>> {
        let argv = self.direct.as_ref()?;
        // Not on PATH: a name that cannot spawn, so the shell reports it (see `attempt`).
        let program = direct::resolve(&argv[0], self.path())
            .unwrap_or_else(|| "/nonexistent/cigen-not-found".into());
        Some(Launch {
            program,
            args: &argv[1..],
            dir: &self.dir,
            env: &self.env,
        })
    }

    /// The step through the job's shell.
    pub(super) fn through_shell(&self) -> Launch<'_> {
        let name = self.shell.first().map_or("bash", String::as_str);
        let program = direct::resolve(name, self.path()).unwrap_or_else(|| name.into());
        Launch {
            program,
            args: self.shell.get(1..).unwrap_or_default(),
            dir: &self.dir,
            env: &self.env,
        }
    }
}

/// Prepares step `step` of `unit`: its env (layered, see `env.rs`), directory and argv.
pub(super) fn command<'s>(
    sh: &'s Shared<'_>,
    unit: &Unit,
    job: &Job,
    step: &Step,
    needs_env: &IndexMap<String, String>,
    files: &UnitFiles<'_>,
) -> Spawn<'s> {
    let mut env = step_env(
        &sh.base,
        needs_env,
        sh.pipeline,
        job,
        &unit.cell,
        step,
        files,
    );
    if let Ok(selected) = &unit.toolchain {
        selected.apply(&mut env);
    }
    let dir = step
        .working_directory
        .as_ref()
        .or(job.working_directory.as_ref())
        .map_or_else(|| sh.pipeline.root.clone(), |d| sh.pipeline.root.join(d));
    // bash would export PWD; the direct path must agree.
    let dir = std::path::absolute(&dir).unwrap_or(dir);
    env.insert("PWD".into(), dir.to_string_lossy().into_owned());
    let mut shell = if job.shell.is_empty() {
        vec!["bash".to_string(), "-c".to_string()]
    } else {
        job.shell.to_vec()
    };
    shell.push(step.run.clone());
    Spawn {
        env,
        dir,
        direct: direct::argv(&job.shell, &step.run),
        shell,
    }
}
