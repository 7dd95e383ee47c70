//! Retry delays: fixed or exponential backoff, capped, with jitter so retries do not align.

use std::time::Duration;

use crate::model::RetryPolicy;
use crate::spec::Backoff;

/// The delay before attempt `next` (2 = first retry).
pub(crate) fn delay(policy: &RetryPolicy, next: u32) -> Duration {
    let base = match policy.backoff {
        Backoff::Fixed => policy.delay,
        Backoff::Exponential => {
            let factor = 2u32.saturating_pow(next.saturating_sub(2).min(30));
            policy.delay.saturating_mul(factor)
        }
    };
    let capped = base.min(policy.max_delay);
    // Up to +20% jitter, still under the cap.
    let jitter = capped.mul_f64(fastrand::f64() * 0.2);
    (capped + jitter).min(policy.max_delay.max(capped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponential_grows_and_caps() {
        let p = RetryPolicy {
            attempts: 5,
            backoff: Backoff::Exponential,
            delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(3),
        };
        let d2 = delay(&p, 2);
        let d3 = delay(&p, 3);
        assert!(
            d2 >= Duration::from_secs(1) && d2 <= Duration::from_millis(1200),
            "{d2:?}"
        );
        assert!(
            d3 >= Duration::from_secs(2) && d3 <= Duration::from_millis(2400),
            "{d3:?}"
        );
        assert_eq!(delay(&p, 5), Duration::from_secs(3));
        let f = RetryPolicy {
            backoff: Backoff::Fixed,
            ..p
        };
        assert!(delay(&f, 4) <= Duration::from_millis(1200));
    }
}
