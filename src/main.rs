//! The `cigen` binary: parse the command line, run, exit with the outcome's code.

use clap::Parser;

fn main() {
    // The watchdog `cigen run` starts (src/run/watchdog.rs) is this binary too.
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).take(3).collect();
    if let Some(code) = cigen::run::watchdog(&args) {
        std::process::exit(code);
    }
    // A shell asking for completions (`COMPLETE=bash cigen -- ...`) is answered here, before
    // anything else writes to stdout.
    cigen::commands::completions::answer_if_asked();
    let cli = cigen::cli::Cli::parse();
    let outcome = cigen::app::run(cli);
    std::process::exit(outcome.code());
}
