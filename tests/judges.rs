//! Third-party judges on generated outputs (see `scripts/install-judges`): actionlint, zizmor,
//! check-jsonschema, yamllint, just, gitlab-ci-local and act. Under `CI=true` a missing judge
//! fails; elsewhere it skips with a loud message.

mod action_download;
mod action_lint;
mod bench_generate;
mod committed;
mod examples_run;
mod features;
mod features_platforms;
pub(crate) mod forgejo;
mod harness;
mod nasty;
pub(crate) mod outputs;
mod post_cache;
mod pre_commit;
pub(crate) mod realrun;
pub(crate) mod repo;
mod reports;
mod results;
mod roundtrip;
mod roundtrip_matrix;
mod roundtrip_outputs;
pub(crate) mod runs;
mod secrets_real;
pub(crate) mod tool;
mod triggers;
pub(crate) mod verdicts;
