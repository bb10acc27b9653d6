//! Waiters: polling an operation until a field of its response reaches a state.
//!
//! A generated `client.wait_until_<name>(…)` builder calls [`wait`] with a way to send the
//! operation again, a way to read the state from its response, the states that mean success and
//! the states that mean it will never succeed ("trap" states, such as an instance that exited),
//! and [`WaitOptions`]. Each poll is an ordinary call, retried by the client's policy; a poll
//! that still fails ends the wait with its error. Between polls the wait grows from the interval
//! towards the maximum interval, with jitter, and never sleeps past the deadline.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::Error;

/// How a wait polls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaitOptions {
    /// The first wait between two polls.
    pub interval: Duration,
    /// The longest wait between two polls (the wait doubles from `interval` up to it).
    pub max_interval: Duration,
    /// How long the whole wait may take, polls included.
    pub timeout: Duration,
}

/// Why a wait ended without reaching a state that means success.
#[derive(Debug)]
pub enum WaitError<T, E> {
    /// The state became one that never leads to success; `last` is the response that said so.
    Failed {
        /// The state seen.
        state: String,
        /// The last response.
        last: Box<T>,
    },
    /// The deadline passed; `last_state` is the state of the last response, if it had one.
    TimedOut {
        /// How long the wait took.
        after: Duration,
        /// The state of the last response.
        last_state: Option<String>,
        /// How many polls were made.
        polls: u32,
    },
    /// A poll failed (after the client's retries).
    Request(Error<E>),
}

impl<T, E> WaitError<T, E> {
    /// The state of the last response, when there was one with a state.
    pub fn last_state(&self) -> Option<&str> {
        match self {
            WaitError::Failed { state, .. } => Some(state),
            WaitError::TimedOut { last_state, .. } => last_state.as_deref(),
            WaitError::Request(_) => None,
        }
    }
}

impl<T, E: fmt::Debug> fmt::Display for WaitError<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Failed { state, .. } => {
                write!(f, "the wait failed: the state became {state:?}, which never leads to success")
            }
            WaitError::TimedOut {
                after,
                last_state,
                polls,
            } => {
                write!(f, "the wait timed out after {after:?} and {polls} polls")?;
                match last_state {
                    Some(state) => write!(f, "; the last state was {state:?}"),
                    None => Ok(()),
                }
            }
            WaitError::Request(error) => write!(f, "a poll of the wait failed: {error}"),
        }
    }
}

impl<T: fmt::Debug, E: fmt::Debug + 'static> std::error::Error for WaitError<T, E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Request(error) => Some(error),
            _ => None,
        }
    }
}

/// Polls with `poll` until `state` of a response is in `success` (that response is returned), is
/// in `failure` (the wait fails), or `options.timeout` passes. A response without a state keeps
/// the wait going.
pub async fn wait<T, E, F, Fut>(
    mut poll: F,
    state: fn(&T) -> Option<&str>,
    success: &[&str],
    failure: &[&str],
    options: WaitOptions,
) -> Result<T, WaitError<T, E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error<E>>>,
{
    let started = Instant::now();
    let deadline = started + options.timeout;
    let mut interval = options.interval;
    let mut polls = 0u32;
    let mut last_state: Option<String> = None;
    loop {
        polls += 1;
        let response = match tokio::time::timeout_at(deadline, poll()).await {
            Ok(Ok(response)) => response,
            Ok(Err(error)) => return Err(WaitError::Request(error)),
            Err(_) => {
                return Err(WaitError::TimedOut {
                    after: started.elapsed(),
                    last_state,
                    polls,
                })
            }
        };
        let seen = state(&response).map(str::to_owned);
        if seen.is_some() {
            last_state.clone_from(&seen);
        }
        if let Some(s) = &seen {
            if success.contains(&s.as_str()) {
                return Ok(response);
            }
            if failure.contains(&s.as_str()) {
                return Err(WaitError::Failed {
                    state: s.clone(),
                    last: Box::new(response),
                });
            }
        }
        // Full jitter over the upper half, so that waits stay close to the interval asked for
        // while clients polling together spread out.
        let half = interval / 2;
        let pause = half + half.mul_f64(fastrand::f64());
        let now = Instant::now();
        if now + pause >= deadline {
            return Err(WaitError::TimedOut {
                after: started.elapsed(),
                last_state,
                polls,
            });
        }
        tokio::time::sleep(pause).await;
        interval = (interval * 2).min(options.max_interval.max(options.interval));
    }
}
