//! One file per subcommand.

pub mod check;
pub mod completions;
pub mod generate;
pub mod graph;
pub mod import;
pub mod init;
pub mod list;
pub mod pins;
pub mod run;
