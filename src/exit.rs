//! Exit codes: 0 ok, 1 a job failed or outputs drifted, 2 spec or usage error, 3 in CI only
//! failures a job allows, 128+n signals.

/// How a command ended, mapped to the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// A job failed, or outputs drifted.
    Failure,
    /// The spec or the command line is wrong.
    Usage,
    /// Interrupted by a signal (exit 128 + n).
    Signal(i32),
    /// In CI, only jobs allowed to fail failed (`contract::ALLOWED_FAILURE_EXIT`, which GitLab's
    /// `allow_failure: exit_codes` names).
    AllowedFailure,
}

impl Outcome {
    pub fn code(self) -> i32 {
        match self {
            Outcome::Success => 0,
            Outcome::Failure => 1,
            Outcome::Usage => 2,
            Outcome::Signal(n) => 128 + n,
            Outcome::AllowedFailure => crate::contract::ALLOWED_FAILURE_EXIT,
        }
    }
}
