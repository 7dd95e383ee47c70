//! The `cigen` binary: parse the command line, run, exit with the outcome's code.

use clap::Parser;

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).take(3).collect();
    if let Some(code) = cigen::run::watchdog(&args) {
        std::process::exit(code);
    }
    let cli = cigen::cli::Cli::parse();
    let outcome = cigen::app::run(cli);
    std::process::exit(outcome.code());
}
