//! Retry policy for steps.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Duration;

/// Retry: a number of attempts, or the full policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RetrySpec {
    /// Total attempts including the first (`1` = no retry), with the default backoff.
    Attempts(#[schemars(range(min = 1))] u32),
    /// Full policy.
    Policy(Retry),
}

/// Retry policy: attempts, backoff kind, first delay and cap. Jitter is always added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Retry {
    /// Total attempts including the first: `1` runs once (no retry), `3` retries twice.
    #[schemars(range(min = 1))]
    pub attempts: u32,
    /// How the delay grows between attempts. Default `exponential`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff: Option<Backoff>,
    /// Wait before the second attempt, e.g. `2s`; with `exponential` backoff it doubles for each attempt after that. Default `1s`; zero retries at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<Duration>,
    /// The longest wait between attempts, however often the delay has doubled. Default `1m`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_delay: Option<Duration>,
}

/// Backoff kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Backoff {
    /// The same delay every time.
    Fixed,
    /// The delay doubles after each attempt.
    Exponential,
}
