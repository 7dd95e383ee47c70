//! CI events that start the pipeline.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Glob;

/// Events that start the pipeline in CI.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Triggers {
    /// Pushes to branches or tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub push: Option<PushTrigger>,
    /// Pull requests (GitHub) / merge requests (GitLab).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_request: Option<PullRequestTrigger>,
    /// Cron schedules (UTC), e.g. `"0 3 * * 1"`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedule: Vec<String>,
    /// Allow starting the pipeline by hand (workflow_dispatch / GitLab web pipelines).
    #[serde(default)]
    pub manual: bool,
}

/// Push filter. With neither list, every push triggers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PushTrigger {
    /// Branch globs, e.g. `[main, "release/*"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub branches: Vec<Glob>,
    /// Tag globs, e.g. `["v*"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Glob>,
}

/// Pull request filter on the target branch. With no list, every pull request triggers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PullRequestTrigger {
    /// Target branch globs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub branches: Vec<Glob>,
}

impl Triggers {
    pub fn is_empty(&self) -> bool {
        self.push.is_none()
            && self.pull_request.is_none()
            && self.schedule.is_empty()
            && !self.manual
    }
}
