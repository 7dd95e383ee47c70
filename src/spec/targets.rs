//! Output targets and their options.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{AfterScript, OneOrMany, PostStep, RelPath, Scalar};

/// Which outputs to generate. A target that is omitted here is not generated.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// GitHub Actions workflow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github: Option<WorkflowTarget>,
    /// Forgejo (or Gitea) Actions workflow: the GitHub dialect as Forgejo runs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forgejo: Option<WorkflowTarget>,
    /// GitLab CI pipeline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gitlab: Option<GitlabTarget>,
    /// justfile with one recipe per job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub just: Option<JustTarget>,
}

impl Targets {
    /// The workflow targets (GitHub-style YAML) that are set, with their key.
    pub fn workflows(&self) -> Vec<(&'static str, &WorkflowTarget)> {
        [("github", &self.github), ("forgejo", &self.forgejo)]
            .into_iter()
            .filter_map(|(k, t)| t.as_ref().map(|t| (k, t)))
            .collect()
    }

    /// Whether some target runs remote-only steps for `job` (`setup.<job>` or `post.<job>` of
    /// a workflow target, GitLab `before_script.<job>` or `after_script.<job>`): such a job
    /// may have no steps of its own.
    pub fn has_remote_steps(&self, job: &str) -> bool {
        self.workflows().iter().any(|(_, t)| {
            t.setup.get(job).is_some_and(|s| !s.is_empty())
                || t.post.get(job).is_some_and(|s| !s.is_empty())
        }) || self.gitlab.as_ref().is_some_and(|g| {
            g.before_script.get(job).is_some_and(|s| !s.is_empty())
                || g.after_script.get(job).is_some_and(|s| !s.is_empty())
        })
    }
}

/// One remote step of a workflow target, setup or post: what the rules look at.
pub struct RemoteStep<'a> {
    /// `setup` or `post`: the key it sits under.
    pub place: &'static str,
    pub job: &'a str,
    pub index: usize,
    /// `None` for a setup step without `uses` (a malformed one, reported by its own rule).
    pub uses: Option<&'a str>,
    pub with: &'a IndexMap<String, Scalar>,
}

impl WorkflowTarget {
    /// Every remote step, each job's setup steps first, then the post steps.
    pub fn remote_steps(&self) -> impl Iterator<Item = RemoteStep<'_>> {
        let setup = self.setup.iter().flat_map(|(job, steps)| {
            steps.iter().enumerate().map(move |(index, s)| RemoteStep {
                place: "setup",
                job,
                index,
                uses: s.uses.as_deref(),
                with: &s.with,
            })
        });
        let post = self.post.iter().flat_map(|(job, steps)| {
            steps.iter().enumerate().map(move |(index, s)| RemoteStep {
                place: "post",
                job,
                index,
                uses: Some(s.uses.as_str()),
                with: &s.with,
            })
        });
        setup.chain(post)
    }
}

/// Where the GitHub workflow goes unless `targets.github.path` says otherwise (relative to the
/// spec, as every path below).
pub const GITHUB_PATH: &str = ".github/workflows/ci.yml";
/// Where the Forgejo workflow goes unless `targets.forgejo.path` says otherwise.
pub const FORGEJO_PATH: &str = ".forgejo/workflows/ci.yml";
/// Where the GitLab pipeline goes unless `targets.gitlab.path` says otherwise.
pub const GITLAB_PATH: &str = ".gitlab-ci.yml";
/// Where the justfile goes unless `targets.just.path` says otherwise.
pub const JUSTFILE_PATH: &str = "justfile";
/// Where the justfile output goes instead when a hand-written justfile exists.
pub const JUSTFILE_FALLBACK_PATH: &str = "ci.just";

/// Options of a GitHub-style workflow target (`targets.github`, `targets.forgejo`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkflowTarget {
    /// Workflow file. Default `.github/workflows/ci.yml` (GitHub), `.forgejo/workflows/ci.yml` (Forgejo; write `.gitea/workflows/ci.yml` for Gitea).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<RelPath>,
    /// Default runner label(s). Default `ubuntu-24.04` (GitHub), `docker` (Forgejo).
    #[serde(default, rename = "runs-on", skip_serializing_if = "Option::is_none")]
    pub runs_on: Option<OneOrMany<String>>,
    /// Forgejo only: where actions are fetched from, e.g. `https://github.com`; pinned actions are then written as full URLs. Default: the instance's `DEFAULT_ACTIONS_URL` (short `owner/repo@sha` references).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions_url: Option<String>,
    /// Remote-only setup steps per job (cloud login via OIDC, registries), run before `cigen run`. An action written `owner/repo` is pinned from your pin lock or cigen's table (docs/pins.md).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub setup: IndexMap<String, Vec<ActionStep>>,
    /// Remote-only steps per job after `cigen run` (a coverage upload, an autofix action), each with `if: success | failure | always | not_cancelled`. Pinned like `setup`; CI-only by design, a local run never does them.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub post: IndexMap<String, Vec<PostStep>>,
    /// The cigen GitHub Action to install cigen with, as `owner/repo@<40-hex sha>`; the default is documented in the README.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Exact cigen version the workflow installs. Default: the release the default action pin installs (docs/release.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cigen_version: Option<String>,
    /// Build cigen in each job instead of installing a release (cigen's own CI, or a fork): the action then installs the built binary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cigen_build: Option<CigenBuild>,
    /// Your own copy of the workflow template (minijinja), relative to the spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<RelPath>,
}

/// Building cigen from the checked-out repository instead of installing a release.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CigenBuild {
    /// Command that builds cigen, run after the toolchains are set up, e.g. `cargo build --locked --bin cigen`.
    pub run: String,
    /// The binary it produces, relative to the repository root, e.g. `target/debug/cigen`.
    pub binary: String,
}

/// A remote-only setup step: an action (pinned by the generator) or a shell command.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionStep {
    /// Step name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The action: `owner/repo`, pinned by cigen from your pin lock (`.github/actions/cigen-pins/action.yml`) or its own table, or `owner/repo@<40-hex sha>` pinned by you.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uses: Option<String>,
    /// Inputs of the action. `${{ secrets.X }}`, `${{ vars.X }}` and `${{ matrix.AXIS }}` (an axis of this job's matrix) are allowed here.
    #[serde(default, rename = "with", skip_serializing_if = "IndexMap::is_empty")]
    pub with: IndexMap<String, Scalar>,
}

/// GitLab CI options.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitlabTarget {
    /// Pipeline file. Default `.gitlab-ci.yml`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<RelPath>,
    /// Default image for every job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Default runner tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<OneOrMany<String>>,
    /// How jobs get cigen: `script` (download and verify the release), `image` (already in the image), `present` (on the runner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install: Option<GitlabInstall>,
    /// Exact cigen version the pipeline installs. Default: the release the default action pin installs (docs/release.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cigen_version: Option<String>,
    /// Build cigen in each job instead of installing it (cigen's own CI, or a fork); overrides `install`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cigen_build: Option<CigenBuild>,
    /// Remote-only setup commands per job, run in `before_script` before `cigen run`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub before_script: IndexMap<String, Vec<String>>,
    /// Remote-only commands per job in `after_script`, after `cigen run`: a command, or `{run, if: success | failure | always | not_cancelled}` (default `success`). GitLab ignores their exit status; CI-only by design.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub after_script: IndexMap<String, Vec<AfterScript>>,
    /// Your own copy of the pipeline template (minijinja), relative to the spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<RelPath>,
}

/// How GitLab jobs obtain cigen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum GitlabInstall {
    /// Download the release archive and verify its checksum.
    #[default]
    Script,
    /// The job image already contains cigen.
    Image,
    /// cigen is already on the runner's PATH.
    Present,
}

/// justfile options.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JustTarget {
    /// Output file. Default `justfile`, or `ci.just` when a hand-written justfile exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<RelPath>,
    /// Your own copy of the justfile template (minijinja), relative to the spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<RelPath>,
}
