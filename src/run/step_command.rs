//! Prepares what one step spawns: its env (layered, see `env.rs`), working directory and
//! argv, run directly when the step is one simple command (`direct.rs`), else through the
//! job's shell, the program found on the step's own PATH (`which.rs`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;

use indexmap::IndexMap;

use super::direct;
use super::env::{step_env, UnitFiles};
use super::executor::Shared;
use super::plan::Unit;
use crate::model::{Job, Step};

/// What to spawn for a step: the same env and directory either way, and the argv run
/// directly when the step is one simple command (`direct.rs`), else through the job's shell.
pub(crate) struct Spawn {
    env: HashMap<String, String>,
    pub(super) dir: PathBuf,
    /// The argv when the step runs without a shell.
    pub(super) direct: Option<Vec<String>>,
    /// The shell's argv, the step's script last.
    pub(super) shell: Vec<String>,
}

impl Spawn {
    fn path(&self) -> Option<&str> {
        self.env.get("PATH").map(String::as_str)
    }

    fn prepare(&self, mut cmd: Command) -> Command {
        cmd.current_dir(&self.dir).env_clear().envs(&self.env);
        cmd
    }

    /// The step without bash, when it is one simple command.
    pub(super) fn direct(&self) -> Option<Command> {
        let argv = self.direct.as_ref()?;
        // Not on PATH: a name that cannot spawn, so the shell reports it (see `attempt`).
        let program = direct::resolve(&argv[0], self.path())
            .unwrap_or_else(|| "/nonexistent/cigen-not-found".into());
        let mut c = Command::new(program);
        c.args(&argv[1..]);
        Some(self.prepare(c))
    }

    pub(super) fn through_shell(&self) -> Command {
        let name = self.shell.first().map_or("bash", String::as_str);
        let program = direct::resolve(name, self.path()).unwrap_or_else(|| name.into());
        let mut c = Command::new(program);
        c.args(&self.shell[1..]);
        self.prepare(c)
    }
}

/// Prepares step `step` of `unit`: its env (layered, see `env.rs`), directory and argv.
pub(super) fn command(
    sh: &Shared<'_>,
    unit: &Unit,
    job: &Job,
    step: &Step,
    needs_env: &IndexMap<String, String>,
    files: &UnitFiles<'_>,
) -> Spawn {
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
