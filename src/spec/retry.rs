//! Retry policy for steps.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Duration;

/// Retry: a number of attempts, or the full policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RetrySpec {
    /// Total attempts (1 = no retry) with the default backoff.
    Attempts(u32),
    /// Full policy.
    Policy(Retry),
}

/// Retry policy: attempts, backoff kind, first delay and cap. Jitter is always added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Retry {
    /// Total attempts including the first (1 = no retry).
    pub attempts: u32,
    /// How the delay grows between attempts. Default `exponential`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff: Option<Backoff>,
    /// Delay before the second attempt. Default `1s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<Duration>,
    /// Upper bound for the delay. Default `1m`.
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
