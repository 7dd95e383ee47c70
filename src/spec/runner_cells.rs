//! Runners per matrix cell: the `runs-on.cells` entries that send each value of one matrix
//! axis to its own operating system, GitHub labels and GitLab tags.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::OneOrMany;

/// An operating system a cell is meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Os {
    /// Linux.
    Linux,
    /// Windows.
    Windows,
    /// macOS.
    Macos,
}

impl Os {
    pub const ALL: [Os; 3] = [Os::Linux, Os::Windows, Os::Macos];

    pub fn name(self) -> &'static str {
        match self {
            Os::Linux => "linux",
            Os::Windows => "windows",
            Os::Macos => "macos",
        }
    }

    /// The OS a word names (`linux`, `windows`, `macos`), for cells keyed by their OS.
    pub fn from_name(word: &str) -> Option<Os> {
        Os::ALL.into_iter().find(|o| o.name() == word)
    }

    /// The OS this cigen runs on, if it is one cells can name.
    pub fn host() -> Option<Os> {
        Os::from_name(std::env::consts::OS)
    }
}

/// Where the cells with one value of the `runs-on.matrix` axis run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CellRunner {
    /// The operating system of these cells: `linux`, `windows` or `macos`. Defaults to the value itself when the value is one of those words. `cigen run` skips a cell meant for another OS than the machine's, saying so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<Os>,
    /// GitHub `runs-on` label(s) of these cells, e.g. `windows-2022`. Default: the job's `runs-on.github`, else the target's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github: Option<OneOrMany<String>>,
    /// GitLab runner tags of these cells, e.g. `saas-windows-medium-amd64`. Default: the job's `runs-on.gitlab`, else the target's. Every cell of a job needs as many tags as the others (GitLab fills them from per-cell variables).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gitlab: Option<OneOrMany<String>>,
    /// GitLab image of these cells, e.g. `macos-15-xcode-16` on GitLab's macOS runners. Default: the job's image for Linux cells; none for Windows and macOS cells (their runners bring their own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

impl CellRunner {
    /// The OS of the cells with `value`: the entry's own, else the value if it names one.
    pub fn os_for(&self, value: &str) -> Option<Os> {
        self.os.or_else(|| Os::from_name(value))
    }
}
