//! The `cigen` binary: parse the command line, run, exit with the outcome's code.

use clap::Parser;

fn main() {
    let cli = cigen::cli::Cli::parse();
    let outcome = cigen::app::run(cli);
    std::process::exit(outcome.code());
}
