//! One retry policy for every request: 429 (after the server's `retryAfterSeconds`), 5xx and
//! dropped connections, with capped exponential backoff and jitter. kube's own retry layer is
//! turned off (see `client.rs`) so that every attempt is ours to bound, count and report.

use std::future::Future;
use std::time::Duration;

/// What to retry, and for how long.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// Attempts after the first.
    pub retries: u32,
    pub base: Duration,
    pub max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        // 8 retries: at a 20% fault rate the chance that one request fails 9 times is 5e-7.
        RetryPolicy {
            retries: 8,
            base: Duration::from_millis(50),
            max: Duration::from_secs(5),
        }
    }
}

/// Why a failed attempt may be tried again, and how long the server asked us to wait.
pub fn retryable(e: &kube::Error) -> Option<Option<Duration>> {
    match e {
        kube::Error::Api(s) => match s.code {
            // kube-apiserver's own throttles (max-in-flight, API Priority and Fairness) answer
            // in plain text with `Retry-After: 1` in a header kube does not pass on; 1 s is
            // what they ask (k8s.io/apiserver server/filters/maxinflight.go).
            429 => Some(Some(Duration::from_secs(
                s.details
                    .as_ref()
                    .map_or(1, |d| u64::from(d.retry_after_seconds.max(1))),
            ))),
            500 | 502 | 503 | 504 => Some(None),
            _ => None,
        },
        kube::Error::HyperError(_) | kube::Error::Service(_) => {
            let text = super::errors::error_chain(e).to_lowercase();
            // A wrong certificate or a refused connection will not fix itself in a second.
            let permanent = text.contains("certificate")
                || text.contains("connection refused")
                || text.contains("dns error")
                || text.contains("timed out")
                || text.contains("elapsed");
            (!permanent).then_some(None)
        }
        _ => None,
    }
}

/// Runs `op` until it succeeds, fails for good, or the retries run out. Returns the result and
/// how many retries it took.
pub async fn with_retries<T, F, Fut>(policy: RetryPolicy, op: F) -> (Result<T, kube::Error>, u32)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, kube::Error>>,
{
    with_retries_until(policy, std::future::pending::<()>, op)
        .await
        .expect("a pending stop never fires")
}

/// As [`with_retries`], but `None` once `stopped()` resolves: no attempt is started after it,
/// and a wait for the next retry (a 429's `Retry-After` included) ends at once.
pub async fn with_retries_until<T, F, Fut, S, SFut>(
    policy: RetryPolicy,
    stopped: S,
    mut op: F,
) -> Option<(Result<T, kube::Error>, u32)>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, kube::Error>>,
    S: Fn() -> SFut,
    SFut: Future<Output = ()>,
{
    use futures_util::FutureExt;
    let mut attempt = 0;
    loop {
        if stopped().now_or_never().is_some() {
            return None;
        }
        match op().await {
            Ok(v) => return Some((Ok(v), attempt)),
            Err(e) => match retryable(&e) {
                Some(after) if attempt < policy.retries => {
                    let wait = backoff_for(policy, attempt, after);
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = stopped() => return None,
                    }
                    attempt += 1;
                }
                _ => return Some((Err(e), attempt)),
            },
        }
    }
}

/// How long to wait before retry number `attempt + 1`: the server's `Retry-After` spread over
/// up to half again as much, else jittered exponential backoff.
pub fn backoff_for(policy: RetryPolicy, attempt: u32, retry_after: Option<Duration>) -> Duration {
    match retry_after {
        Some(after) => after + spread(after / 2),
        None => backoff(policy, attempt),
    }
}

fn backoff(policy: RetryPolicy, attempt: u32) -> Duration {
    let exp = policy.base.saturating_mul(1u32 << attempt.min(16));
    let capped = exp.min(policy.max);
    // Full jitter keeps many concurrent retries from arriving together.
    let nanos = capped.as_nanos() as u64;
    Duration::from_nanos(nanos / 2 + jitter(nanos / 2 + 1))
}

fn spread(max: Duration) -> Duration {
    Duration::from_nanos(jitter(max.as_nanos() as u64 + 1))
}

fn jitter(bound: u64) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(bound);
    h.finish() % bound
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: u16, retry_after: Option<u32>) -> kube::Error {
        let mut s = kube::core::Status::failure("x", "y").with_code(code);
        if let Some(secs) = retry_after {
            let details = serde_json::json!({ "retryAfterSeconds": secs });
            s.details = Some(serde_json::from_value(details).unwrap());
        }
        kube::Error::Api(Box::new(s))
    }

    #[test]
    fn which_errors_are_retried() {
        assert_eq!(
            retryable(&api(429, Some(3))),
            Some(Some(Duration::from_secs(3)))
        );
        assert_eq!(
            retryable(&api(429, None)),
            Some(Some(Duration::from_secs(1)))
        );
        // The plain-text 429 of kube-apiserver's throttles, as kube rebuilds it.
        let text = kube::core::Status::failure(
            "Too many requests, please try again later.",
            "Failed to parse error data",
        )
        .with_code(429);
        assert_eq!(
            retryable(&kube::Error::Api(Box::new(text))),
            Some(Some(Duration::from_secs(1)))
        );
        for code in [500, 502, 503, 504] {
            assert_eq!(retryable(&api(code, None)), Some(None), "{code}");
        }
        for code in [400, 401, 403, 404, 409, 422] {
            assert_eq!(retryable(&api(code, None)), None, "{code}");
        }
    }

    #[test]
    fn throttled_waits_spread_over_half_again() {
        let after = Duration::from_secs(1);
        let waits: std::collections::BTreeSet<Duration> =
            (0..50).map(|_| after + spread(after / 2)).collect();
        assert!(waits.iter().all(|w| *w >= after && *w <= after + after / 2));
        assert!(waits.len() > 10, "waits differ: {waits:?}");
    }

    #[test]
    fn backoff_is_capped() {
        let p = RetryPolicy::default();
        for attempt in 0..20 {
            assert!(backoff(p, attempt) <= p.max);
        }
    }

    #[tokio::test]
    async fn retries_then_succeeds_or_gives_up() {
        let policy = RetryPolicy {
            retries: 3,
            base: Duration::from_millis(1),
            max: Duration::from_millis(2),
        };
        let mut calls = 0;
        let (r, retries) = with_retries(policy, || {
            calls += 1;
            let fail = calls < 3;
            async move { if fail { Err(api(503, None)) } else { Ok(7) } }
        })
        .await;
        assert_eq!((r.unwrap(), retries), (7, 2));
        let (r, retries) = with_retries(policy, || async { Err::<(), _>(api(500, None)) }).await;
        assert!(r.is_err());
        assert_eq!(retries, 3);
        let (r, retries) = with_retries(policy, || async { Err::<(), _>(api(403, None)) }).await;
        assert!(r.is_err());
        assert_eq!(retries, 0);
    }
}
