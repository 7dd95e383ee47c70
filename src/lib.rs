//! cigen: one portable CI spec, compiled to thin provider YAML and run by the same binary.

pub mod app;
pub mod check;
pub mod cli;
pub mod commands;
pub mod compile;
pub mod contract;
pub mod dag;
pub mod diagnostic;
pub mod exit;
pub(crate) mod generate;
pub(crate) mod import;
pub(crate) mod init;
pub mod matrix;
pub mod model;
pub mod pins;
pub mod provider;
pub mod run;
pub mod shape;
pub mod source;
pub mod spec;
pub(crate) mod state_dir;
pub mod ui;
