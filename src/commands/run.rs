//! `cigen run`: plan and execute jobs.

use crate::cli::{ColorChoice, RunArgs};
use crate::exit::Outcome;
use crate::model::Loaded;

pub fn run(_loaded: &Loaded, _args: &RunArgs, _color: ColorChoice) -> Outcome {
    eprintln!("error: `cigen run` is being built (issue 4)");
    Outcome::Usage
}
