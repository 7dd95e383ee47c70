//! Integration tests: one binary, a builder that runs the real cigen (see `test.rs`).

mod test;

mod action;
mod action_fixture;
mod cli;
mod completions;
mod corpus;
mod docs;
mod dogfood;
mod examples;
mod fuzz;
mod generate;
mod help;
mod judges;
mod package;
mod parity;
mod pins;
mod release_names;
mod release_scripts;
mod run;
mod run_changes;
mod run_event;
mod run_examples;
mod run_process;
mod run_report;
mod schema;
mod update_checksums;
