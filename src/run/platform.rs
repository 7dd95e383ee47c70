//! Cells meant for another OS: a job with `runs-on.cells` sends each cell to its own runner
//! in CI; wherever `cigen run` meets a cell whose OS is not the machine's (a laptop, or a CI
//! runner that ran every cell on one OS), it skips the cell and says why, instead of running
//! Windows or macOS steps on Linux. A CI runner of the right OS runs its own cell.

use crate::model::{Cell, Job};
use crate::spec::Os;

/// Why `cell` of `job` is skipped on this machine, if it is meant for another OS.
pub(crate) fn other_os(job: &Job, cell: &Cell) -> Option<String> {
    skip_reason(job, cell, Os::host())
}

fn skip_reason(job: &Job, cell: &Cell, host: Option<Os>) -> Option<String> {
    let wanted = job.cell_os(cell)?;
    if Some(wanted) == host {
        return None;
    }
    let here = host.map_or(std::env::consts::OS, Os::name);
    Some(format!(
        "cell for {} runners (runs-on.cells); this machine runs {here}",
        wanted.name()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> Job {
        let yaml = "version: 1\njobs:\n  t:\n    matrix: { os: [linux, windows, mac] }\n    runs-on:\n      matrix: os\n      cells:\n        linux: {}\n        windows: { github: windows-2022 }\n        mac: { os: macos, github: macos-14 }\n    steps: [echo]\n";
        let path = std::path::Path::new("cigen.yaml");
        match crate::compile::load_str(path, yaml, std::path::Path::new(".")) {
            Ok(l) => l.pipeline.jobs["t"].clone(),
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn a_cell_runs_only_on_its_own_os() {
        let j = job();
        let cells = j.cells();
        let reasons: Vec<_> = cells
            .iter()
            .map(|c| skip_reason(&j, c, Some(Os::Linux)))
            .collect();
        assert_eq!(reasons[0], None);
        assert_eq!(
            reasons[1].as_deref(),
            Some("cell for windows runners (runs-on.cells); this machine runs linux")
        );
        assert_eq!(
            reasons[2].as_deref(),
            Some("cell for macos runners (runs-on.cells); this machine runs linux")
        );
        // On a macOS runner only the macOS cell runs.
        let on_mac: Vec<_> = cells
            .iter()
            .map(|c| skip_reason(&j, c, Some(Os::Macos)).is_none())
            .collect();
        assert_eq!(on_mac, [false, false, true]);
    }
}
