//! How many requests to have in flight: `--concurrency` at most, halved when the server
//! throttles (429) and grown back by one per window of answers (AIMD, as TCP's congestion
//! window). It starts at [`START`] and grows by one per answer (doubling each round trip, TCP's
//! slow start) until the ceiling or the first 429: a namespace that refuses every read (403)
//! gets that many refused requests, not `--concurrency`, and a throttling server one small
//! burst.
//!
//! Why: kube-apiserver's max-in-flight filter and API Priority and Fairness answer a client
//! that asks too much at once with 429 and `Retry-After` (k8s.io/apiserver `server/filters`).
//! Retrying each request after its wait alone would send the same burst again a second later;
//! lowering what is in flight is what lets the reads through. A slot is held for one attempt,
//! not through the wait before a retry, so a throttled request does not keep others out.

use std::sync::{Arc, Mutex};

use tokio::sync::{Semaphore, SemaphorePermit};

/// In flight at first.
pub const START: usize = 8;

/// The decisions, without the semaphore: pure, so the rules are tested alone.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Aimd {
    ceiling: usize,
    limit: usize,
    /// Bumped at each decrease: a 429 from an attempt started before it was already answered
    /// by that decrease (a burst's refusals arrive together and halve once).
    epoch: u64,
    /// Answers since the last increase.
    answers: usize,
    throttled: u64,
    lowest: usize,
    /// Until the first 429 or the ceiling: one more per answer.
    slow_start: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    None,
    /// Fewer in flight, by this many.
    Lower(usize),
    /// One more in flight.
    Raise,
}

impl Aimd {
    fn new(ceiling: usize) -> Self {
        let ceiling = ceiling.max(1);
        let limit = ceiling.min(START);
        Aimd {
            ceiling,
            limit,
            epoch: 0,
            answers: 0,
            throttled: 0,
            lowest: limit,
            slow_start: true,
        }
    }

    /// An attempt started in `epoch` was answered; `throttled` when the answer was a 429.
    fn answered(&mut self, epoch: u64, throttled: bool) -> Change {
        if throttled {
            self.throttled += 1;
            if epoch != self.epoch {
                return Change::None;
            }
            self.epoch += 1;
            self.answers = 0;
            self.slow_start = false;
            let to = (self.limit / 2).max(1);
            let by = self.limit - to;
            self.limit = to;
            self.lowest = self.lowest.min(to);
            return if by > 0 {
                Change::Lower(by)
            } else {
                Change::None
            };
        }
        if self.limit >= self.ceiling {
            self.slow_start = false;
            return Change::None;
        }
        if self.slow_start {
            self.limit += 1;
            return Change::Raise;
        }
        self.answers += 1;
        if self.answers < self.limit {
            return Change::None;
        }
        self.answers = 0;
        self.limit += 1;
        Change::Raise
    }
}

/// Shared by the tasks of one batch of requests.
#[derive(Clone)]
pub struct Window {
    inner: Arc<Inner>,
}

struct Inner {
    permits: Semaphore,
    state: Mutex<State>,
}

struct State {
    aimd: Aimd,
    /// Permits out beyond the limit after a decrease: forgotten as they come back.
    owed: usize,
}

/// One attempt's place in the window.
pub struct Slot<'a> {
    window: &'a Window,
    permit: Option<SemaphorePermit<'a>>,
    epoch: u64,
}

/// What a window went through, for the user's notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttling {
    pub refused: u64,
    pub lowest: usize,
}

impl Window {
    pub fn new(ceiling: usize) -> Self {
        let aimd = Aimd::new(ceiling);
        Window {
            inner: Arc::new(Inner {
                permits: Semaphore::new(aimd.limit),
                state: Mutex::new(State { aimd, owed: 0 }),
            }),
        }
    }

    /// Waits for room in the window.
    pub async fn slot(&self) -> Slot<'_> {
        let permit = self
            .inner
            .permits
            .acquire()
            .await
            .expect("the window's semaphore is never closed");
        let epoch = self.state().aimd.epoch;
        Slot {
            window: self,
            permit: Some(permit),
            epoch,
        }
    }

    /// `None` when the server never throttled.
    pub fn throttling(&self) -> Option<Throttling> {
        let s = self.state();
        (s.aimd.throttled > 0).then_some(Throttling {
            refused: s.aimd.throttled,
            lowest: s.aimd.lowest,
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Slot<'_> {
    /// Frees the slot, telling the window whether the server throttled this attempt.
    pub fn answered(self, throttled: bool) {
        let inner = &self.window.inner;
        let mut state = self.window.state();
        match state.aimd.answered(self.epoch, throttled) {
            Change::None => {}
            Change::Lower(by) => {
                let forgotten = inner.permits.forget_permits(by);
                state.owed += by - forgotten;
            }
            Change::Raise => {
                if state.owed > 0 {
                    state.owed -= 1;
                } else {
                    inner.permits.add_permits(1);
                }
            }
        }
        // The lock is let go first: the slot's Drop, which gives its permit back or to what is
        // owed, takes it again.
        drop(state);
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        // Answered, or cancelled without an answer: the permit goes back, or to what is owed.
        if let Some(p) = self.permit.take() {
            let mut state = self.window.state();
            if state.owed > 0 {
                state.owed -= 1;
                p.forget();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn starts_small_and_doubles_each_round_trip_up_to_the_ceiling() {
        let mut a = Aimd::new(64);
        assert_eq!(a.limit, START);
        // A round trip answers the START in flight: one more each.
        let raises = (0..START)
            .filter(|_| a.answered(0, false) == Change::Raise)
            .count();
        assert_eq!((raises, a.limit), (START, 2 * START));
        for _ in 0..200 {
            a.answered(0, false);
        }
        assert_eq!(a.limit, 64);
        assert_eq!(Aimd::new(3).limit, 3);
    }

    #[test]
    fn a_burst_of_refusals_halves_once() {
        let mut a = Aimd::new(64);
        for _ in 0..100 {
            a.answered(0, false);
        }
        assert_eq!(a.limit, 64);
        assert_eq!(a.answered(0, true), Change::Lower(32));
        for _ in 0..40 {
            assert_eq!(a.answered(0, true), Change::None);
        }
        assert_eq!((a.limit, a.throttled), (32, 41));
        // An attempt started after the decrease that is refused again halves again.
        assert_eq!(a.answered(1, true), Change::Lower(16));
        assert_eq!(a.limit, 16);
    }

    #[test]
    fn grows_by_one_per_window_of_answers_up_to_the_ceiling() {
        let mut a = Aimd::new(8);
        a.answered(0, true);
        assert_eq!(a.limit, 4);
        // After a 429, one more per window of answers, not per answer.
        let raises = (0..4)
            .filter(|_| a.answered(1, false) == Change::Raise)
            .count();
        assert_eq!((raises, a.limit), (1, 5));
        for _ in 0..100 {
            a.answered(1, false);
        }
        assert_eq!(a.limit, 8);
        assert_eq!(a.answered(1, false), Change::None);
        assert_eq!(a.lowest, 4);
    }

    #[test]
    fn never_below_one() {
        let mut a = Aimd::new(2);
        assert_eq!(a.answered(0, true), Change::Lower(1));
        assert_eq!(a.answered(1, true), Change::None);
        assert_eq!(a.limit, 1);
    }

    proptest! {
        #[test]
        fn the_limit_stays_within_one_and_the_ceiling(
            ceiling in 1usize..300,
            answers in proptest::collection::vec((any::<bool>(), 0u64..3), 0..400),
        ) {
            let mut a = Aimd::new(ceiling);
            for (throttled, back) in answers {
                let epoch = a.epoch.saturating_sub(back);
                let before = a.limit;
                match a.answered(epoch, throttled) {
                    Change::Lower(by) => prop_assert_eq!(before - by, a.limit),
                    Change::Raise => prop_assert_eq!(before + 1, a.limit),
                    Change::None => prop_assert_eq!(before, a.limit),
                }
                prop_assert!(a.limit >= 1 && a.limit <= ceiling);
            }
        }
    }

    /// The semaphore follows the limit: after a decrease, no more than the new limit of slots
    /// can be held at once, however many were out when it came.
    #[tokio::test]
    async fn slots_out_follow_the_limit() {
        let w = Window::new(8);
        let slots: Vec<_> = futures_util::future::join_all((0..8).map(|_| w.slot())).await;
        let mut slots = slots.into_iter();
        slots.next().unwrap().answered(true);
        drop(slots);
        let held: Vec<_> = futures_util::future::join_all((0..4).map(|_| w.slot())).await;
        assert!(
            tokio::time::timeout(std::time::Duration::from_millis(20), w.slot())
                .await
                .is_err(),
            "a fifth slot while the limit is 4"
        );
        drop(held);
        assert_eq!(
            w.throttling(),
            Some(Throttling {
                refused: 1,
                lowest: 4
            })
        );
    }
}
