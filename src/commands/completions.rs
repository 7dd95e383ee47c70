//! `cigen completions SHELL`: shell completion scripts.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::exit::Outcome;

pub fn run(args: &CompletionsArgs) -> Outcome {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "cigen", &mut std::io::stdout());
    Outcome::Success
}
