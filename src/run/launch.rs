//! One process to start for a step: program, arguments, directory and the *whole*
//! environment, borrowed from the step's prepared env (`step_command.rs`).
//!
//! Not std's `Command`: handing it the env copies every variable into a map of `OsString`s,
//! and spawning copies them again into the child's `envp`. In a 1,000-job chain of no-op
//! steps those copies, and freeing them, were half of cigen's own instructions per step
//! (callgrind: about 130,000 of 257,000). A `Launch` is laid out once, straight into the
//! strings `posix_spawn` reads (`spawn.rs`); std's `Command` is built from it only where
//! std spawns (`command`, for macOS and Windows).

#[cfg(test)]
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::overlay::StepEnv;

/// What to start: `program` (a path, or a name found on the env's PATH), its arguments
/// after `argv[0]` (which is `program` as given), the directory, and exactly the variables
/// in `env`: the child inherits nothing of cigen's own environment.
#[derive(Debug, Clone)]
pub(crate) struct Launch<'a> {
    pub program: PathBuf,
    pub args: &'a [String],
    pub dir: &'a Path,
    pub env: &'a StepEnv<'a>,
}

impl Launch<'_> {
    /// The PATH the program is looked up on: the child's own.
    #[cfg_attr(not(unix), allow(dead_code))]
    pub(crate) fn path(&self) -> Option<&str> {
        self.env.get("PATH")
    }

    /// The same process as std's `Command`, started as `program` (std looks it up on the
    /// env's PATH), for `process_other` (Windows).
    #[cfg_attr(unix, allow(dead_code))]
    pub(crate) fn command(&self) -> Command {
        let mut c = Command::new(&self.program);
        c.args(self.args)
            .current_dir(self.dir)
            .env_clear()
            .envs(self.env.sorted());
        c
    }
}

/// An owned [`Launch`] for tests.
#[cfg(test)]
pub(crate) struct Owned {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub dir: PathBuf,
    pub env: HashMap<String, String>,
}

#[cfg(test)]
impl Owned {
    /// `program` with `args` in `/tmp`, with this process's PATH as its only variable.
    pub(crate) fn new(program: &str, args: &[&str]) -> Self {
        Owned {
            program: program.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            dir: std::env::temp_dir(),
            env: std::env::var("PATH")
                .map(|p| HashMap::from([("PATH".to_string(), p)]))
                .unwrap_or_default(),
        }
    }

    pub(crate) fn env(mut self, k: &str, v: &str) -> Self {
        self.env.insert(k.into(), v.into());
        self
    }

    pub(crate) fn dir(mut self, dir: &str) -> Self {
        self.dir = dir.into();
        self
    }

    /// Calls `f` with the launch (its env borrows this one's variables).
    pub(crate) fn with<T>(&self, f: impl FnOnce(&Launch<'_>) -> T) -> T {
        let base = super::overlay::sorted_base(&self.env);
        let env = StepEnv::new(&base);
        f(&Launch {
            program: self.program.clone(),
            args: &self.args,
            dir: &self.dir,
            env: &env,
        })
    }
}
