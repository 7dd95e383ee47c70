//! The `cigen` binary: parse the command line, run, exit with the outcome's code.

use clap::Parser;

fn main() {
    // A shell asking for completions (`COMPLETE=bash cigen -- ...`) is answered here, before
    // anything else writes to stdout.
    cigen::commands::completions::answer_if_asked();
    let cli = cigen::cli::Cli::parse();
    let outcome = cigen::app::run(cli);
    std::process::exit(outcome.code());
}
