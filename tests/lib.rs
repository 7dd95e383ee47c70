//! Integration tests: one binary, a builder that runs the real cigen (see `test.rs`).

mod test;

mod action;
mod action_fixture;
mod cli;
mod judges;
mod release_names;
mod release_scripts;
mod run;
mod update_checksums;
