//! Which runner a matrix cell is meant for (`runs-on.matrix` + `runs-on.cells`): read by the
//! GitHub and GitLab back ends to route each cell, and by `cigen run` to skip a cell meant
//! for another OS than the machine's.

use super::{Cell, Job};
use crate::spec::{CellRunner, Os};

impl Job {
    /// The `runs-on.cells` entry of `cell`, with the axis value that picked it: `None` when
    /// the job does not pick runners per cell or the cell lacks the axis (it runs where the
    /// job does).
    pub fn cell_runner<'a>(&'a self, cell: &'a Cell) -> Option<(&'a str, &'a CellRunner)> {
        let axis = self.runs_on.matrix.as_deref()?;
        let value = cell.values.get(axis)?;
        self.runs_on.cells.get(value).map(|r| (value.as_str(), r))
    }

    /// The OS `cell` is meant for, when its runner entry says (or its value names one).
    pub fn cell_os(&self, cell: &Cell) -> Option<Os> {
        self.cell_runner(cell).and_then(|(v, r)| r.os_for(v))
    }

    /// Whether each cell picks its runner (the job has `runs-on.matrix` and `cells`).
    pub fn runner_per_cell(&self) -> bool {
        self.runs_on.matrix.is_some() && !self.runs_on.cells.is_empty()
    }
}
