//! Parity as a tested contract: every pipeline of a corpus runs under five runners — `cigen
//! run` on this machine (with `--event` for the simulated event), the generated justfile under
//! `just`, the generated workflow under act (host mode), the generated Forgejo workflow under
//! act as Forgejo's runner (built on act) runs it, and the generated `.gitlab-ci.yml` under
//! gitlab-ci-local (shell executor) — and each unit (job × matrix cell) must end the
//! same way everywhere: its status, the outputs its dependents see and the marker lines its
//! steps print. A difference fails unless one row of [`table::BY_DESIGN`] explains it (or, until
//! fixed, a row of [`table::TO_FIX`]); a row that explains nothing fails too, so both stay short.
//!
//! Run with `--nocapture` to see the parity table of every pipeline.

mod compare;
mod corpus;
mod corpus_features;
mod corpus_more;
mod corpus_platforms;
mod corpus_remote;
mod corpus_reports;
mod corpus_results;
mod corpus_triggers;
mod imported;
mod logs;
mod notes;
mod repo;
mod runners;
mod suite;
mod table;
