//! `cigen run`: plan and execute jobs (the engine lives in `crate::run`).

use crate::cli::{ColorChoice, RunArgs};
use crate::compile::Loaded;
use crate::exit::Outcome;

pub fn run(loaded: &Loaded, args: &RunArgs, color: ColorChoice) -> Outcome {
    crate::run::run(loaded, args, color)
}
