//! `--over SIZE`: a byte count as people write it.

/// Parses `500MB`, `10GiB`, `1.5GB`, `2048` (bytes) or `10 GiB`: decimal units (kB/KB, MB, GB,
/// TB, base 1000, as `usage` prints sizes) and binary ones (KiB, MiB, GiB, TiB, base 1024, as
/// Kubernetes quantities write them: `Gi` is accepted too). Units are case-insensitive.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = (&t[..split], t[split..].trim());
    let value: f64 = number.parse().map_err(|_| {
        format!("invalid size {text:?}: expected a number and a unit, e.g. 500MB or 10GiB")
    })?;
    let factor: u64 = match unit {
        "" | "B" => 1,
        _ => match unit.to_ascii_lowercase().as_str() {
            "kb" | "k" => 1_000,
            "mb" | "m" => 1_000_000,
            "gb" | "g" => 1_000_000_000,
            "tb" | "t" => 1_000_000_000_000,
            "kib" | "ki" => 1 << 10,
            "mib" | "mi" => 1 << 20,
            "gib" | "gi" => 1 << 30,
            "tib" | "ti" => 1 << 40,
            _ => {
                return Err(format!(
                    "invalid size {text:?}: unknown unit {unit:?} (use B, kB, MB, GB, TB, KiB, MiB, GiB or TiB)"
                ));
            }
        },
    };
    let bytes = value * factor as f64;
    if !bytes.is_finite() || bytes >= u64::MAX as f64 {
        return Err(format!("invalid size {text:?}: too large"));
    }
    Ok(bytes.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_people_write() {
        for (text, want) in [
            ("0", 0),
            ("2048", 2048),
            ("500MB", 500_000_000),
            ("10GiB", 10 << 30),
            ("10Gi", 10 << 30),
            ("1.5GB", 1_500_000_000),
            ("10 GiB", 10 << 30),
            ("1kB", 1000),
            ("1KiB", 1024),
            ("3tb", 3_000_000_000_000),
        ] {
            assert_eq!(parse_size(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn nonsense_is_refused_with_the_reason() {
        assert!(
            parse_size("lots")
                .unwrap_err()
                .contains("expected a number")
        );
        assert!(
            parse_size("10 parsecs")
                .unwrap_err()
                .contains("unknown unit")
        );
        assert!(parse_size("").is_err());
        assert!(parse_size("1e30TB").is_err());
        assert!(
            parse_size("99999999999999999999TB")
                .unwrap_err()
                .contains("too large")
        );
    }
}
