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

/// A bad answer the simulator gives instead of a good one, for GETs whose path contains a given
/// string (see `Sim::set_response_override`). Writes are never overridden: the store cannot
/// change behind a test's back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Override {
    /// 200 with a body that is not JSON at all.
    MalformedJson,
    /// 200 whose `Content-Length` promises the whole answer, but the connection is closed after
    /// half of it.
    Truncated,
    /// The real answer, padded with an unknown field to this many bytes (a valid, huge body).
    Huge(usize),
    /// 200 with this many bytes of `[`: JSON nested deeper than any parser should follow.
    HugeInvalid(usize),
}

impl Override {
    /// The body to send for the real answer `real` (serialized JSON), and the `Content-Length`
    /// to announce when it differs from the body's length.
    pub fn body(&self, real: &[u8]) -> (Vec<u8>, Option<usize>) {
        match self {
            Override::MalformedJson => (
                b"{\"kind\": \"ImageStreamList\", items: [oops".to_vec(),
                None,
            ),
            Override::Truncated => (real[..real.len() / 2].to_vec(), Some(real.len())),
            Override::Huge(bytes) => {
                // `{...}` → `{"zzPadding":"xxx…",...}`: still the same object to a decoder.
                let head = b"{\"zzPadding\":\"";
                let tail = b"\",";
                let rest = real.strip_prefix(b"{").unwrap_or(real);
                let fill = bytes.saturating_sub(rest.len() + head.len() + tail.len());
                let mut out = Vec::with_capacity(rest.len() + head.len() + tail.len() + fill);
                out.extend_from_slice(head);
                out.resize(out.len() + fill, b'x');
                out.extend_from_slice(tail);
                out.extend_from_slice(rest);
                (out, None)
            }
            Override::HugeInvalid(bytes) => (vec![b'['; *bytes], None),
        }
    }
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

    /// `true` with probability `p` (draws nothing when `p` is 0, so a knob left at zero never
    /// shifts the fault sequence of a seed).
    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.unit() < p
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

    #[test]
    fn overrides_shape_the_body() {
        let real = br#"{"kind":"ImageStreamList","items":[]}"#;
        let (b, len) = Override::MalformedJson.body(real);
        assert!(serde_json::from_slice::<serde_json::Value>(&b).is_err());
        assert_eq!(len, None);
        let (b, len) = Override::Truncated.body(real);
        assert_eq!(b.len(), real.len() / 2);
        assert_eq!(len, Some(real.len()));
        let (b, _) = Override::Huge(10_000).body(real);
        assert_eq!(b.len(), 10_000);
        let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(v["kind"], "ImageStreamList");
        assert_eq!(v["items"], serde_json::json!([]));
        let (b, _) = Override::HugeInvalid(1000).body(real);
        assert_eq!(b.len(), 1000);
        assert!(serde_json::from_slice::<serde_json::Value>(&b).is_err());
    }

    #[test]
    fn chance_at_zero_draws_nothing() {
        let mut a = FaultRng::new(9);
        let mut b = FaultRng::new(9);
        assert!((0..100).all(|_| !a.chance(0.0)));
        let xs: Vec<Fault> = (0..100).map(|_| a.decide(0.5, false)).collect();
        let ys: Vec<Fault> = (0..100).map(|_| b.decide(0.5, false)).collect();
        assert_eq!(xs, ys);
        let hits = (0..10_000).filter(|_| a.chance(0.1)).count();
        assert!((800..1200).contains(&hits), "{hits}");
    }
}
