//! What a caller that retries on its own terms needs from the client: one request a try, and
//! the wait a 429's `Retry-After` asked for, carried in the error.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::super::answer::retry_after;
use super::{ApiError, Client};

impl Client {
    /// This client (sharing its connections) making at most `n` requests a lookup, for a
    /// caller that waits and retries on its own terms and says so (`swlog tail`).
    pub fn with_attempts(&self, n: u32) -> Client {
        let mut c = self.clone();
        c.options.max_attempts = n.max(1);
        c
    }
}

/// The wait a 429's `Retry-After` asks for, at most `cap`, in whole seconds.
pub(super) fn asked_wait(status: StatusCode, headers: &HeaderMap, cap: Duration) -> Option<u64> {
    (status == StatusCode::TOO_MANY_REQUESTS)
        .then(|| retry_after(headers))
        .flatten()
        .map(|d| d.min(cap).as_secs())
}

/// `e` with the wait asked for, when it is a 429.
pub(super) fn with_wait(e: ApiError, wait: Option<u64>) -> ApiError {
    match e {
        ApiError::RateLimited { attempts, .. } => ApiError::RateLimited {
            attempts,
            retry_after_secs: wait,
        },
        e => e,
    }
}
