//! Integration tests: one binary, a builder that runs the real cigen (see `test.rs`).

mod test;

mod action;
mod action_fixture;
mod bench_run;
mod bench_scripts;
mod cache;
mod cli;
mod completions;
mod corpus;
mod docs;
mod dogfood;
mod examples;
mod features;
mod features_registry;
mod features_reports;
mod features_runners;
mod features_setup;
mod forgejo;
mod fuzz;
mod generate;
mod generate_record;
mod help;
mod import;
mod import_run;
mod init;
mod job_results;
mod judges;
mod package;
mod parity;
mod pins;
mod post_steps;
#[cfg(target_os = "linux")]
mod process_harness;
mod release_names;
mod release_scripts;
mod run;
mod run_changes;
mod run_divergences;
mod run_event;
mod run_examples;
mod run_junit;
mod run_process;
mod run_report;
#[cfg(target_os = "linux")]
mod run_scenarios;
#[cfg(target_os = "linux")]
mod run_scenarios_signals;
mod run_terminal;
mod run_triggers;
mod schema;
mod secrets_leak;
mod secrets_ref;
mod update_checksums;
