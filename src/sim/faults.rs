//! Injected faults: a deterministic generator deciding 500 / 503 / connection resets.

/// What to do with a request instead of (or after) answering it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer normally.
    None,
    /// 500 InternalError, before applying anything.
    Internal,
    /// 503 ServiceUnavailable, before applying anything.
    Unavailable,
    /// Close the connection without a response, before applying anything.
    ResetBefore,
    /// Apply the write, then close the connection without a response.
    ResetAfter,
}

/// A splitmix64 stream seeded by `SimOptions::seed`.
#[derive(Debug)]
pub struct FaultRng {
    state: u64,
}

impl FaultRng {
    pub fn new(seed: u64) -> FaultRng {
        FaultRng {
            state: seed ^ 0x6a09_e667_f3bc_c908,
        }
    }

    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Decides the fault of one request at rate `p`.
    pub fn decide(&mut self, p: f64, is_write: bool) -> Fault {
        if p <= 0.0 || self.unit() >= p {
            return Fault::None;
        }
        match (self.next() % 4, is_write) {
            (0, _) => Fault::Internal,
            (1, _) => Fault::Unavailable,
            (2, true) => Fault::ResetAfter,
            _ => Fault::ResetBefore,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_is_respected_and_deterministic() {
        let mut a = FaultRng::new(42);
        let mut b = FaultRng::new(42);
        let xs: Vec<Fault> = (0..10_000).map(|_| a.decide(0.1, true)).collect();
        let ys: Vec<Fault> = (0..10_000).map(|_| b.decide(0.1, true)).collect();
        assert_eq!(xs, ys);
        let n = xs.iter().filter(|f| **f != Fault::None).count();
        assert!((800..1200).contains(&n), "{n}");
        assert!(xs.contains(&Fault::ResetAfter));
        let mut c = FaultRng::new(1);
        assert!((0..1000).all(|_| c.decide(0.0, false) == Fault::None));
        assert!((0..1000).all(|_| c.decide(1.0, false) != Fault::ResetAfter));
    }
}
