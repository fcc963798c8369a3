//! Durations as users type them (`96h`, `7d`, `1h30m`) and as tables print them.

use jiff::SignedDuration;

const UNITS: [(char, i64); 5] = [
    ('w', 7 * 86_400),
    ('d', 86_400),
    ('h', 3_600),
    ('m', 60),
    ('s', 1),
];

/// Parses a duration such as `96h`, `7d`, `30m`, `1h30m`, `2w`, `45s`.
///
/// The grammar is one or more `<digits><unit>` pairs with units `w` (7 days), `d` (24 hours),
/// `h`, `m`, `s`, each unit at most once and from largest to smallest. Surrounding whitespace is
/// ignored. Zero (`0s`) is allowed; empty, negative, unit-less and fractional values are
/// rejected with a message that says what is accepted.
pub fn parse_duration(s: &str) -> Result<SignedDuration, String> {
    const HELP: &str = "expected a duration like 96h, 7d, 30m, 1h30m, 2w or 45s";
    let input = s.trim();
    if input.is_empty() {
        return Err(format!("empty duration: {HELP}"));
    }
    if input.starts_with('-') {
        return Err(format!("negative duration {input:?}: {HELP}"));
    }
    let mut rest = input;
    let mut total: i64 = 0;
    let mut last_unit: Option<usize> = None;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(format!(
                "invalid duration {input:?}: expected a number at {rest:?}; {HELP}"
            ));
        }
        let (num, after) = rest.split_at(digits);
        let Some(unit) = after.chars().next() else {
            return Err(format!(
                "invalid duration {input:?}: {num} has no unit (w, d, h, m or s); {HELP}"
            ));
        };
        let Some(idx) = UNITS.iter().position(|(u, _)| *u == unit) else {
            return Err(format!(
                "invalid duration {input:?}: unknown unit {unit:?} (use w, d, h, m or s); {HELP}"
            ));
        };
        if last_unit.is_some_and(|l| idx <= l) {
            return Err(format!(
                "invalid duration {input:?}: units must appear once each, largest first \
                 (w, d, h, m, s); {HELP}"
            ));
        }
        last_unit = Some(idx);
        let overflow = || format!("duration {input:?} is too large");
        let n: i64 = num.parse().map_err(|_| overflow())?;
        let secs = n.checked_mul(UNITS[idx].1).ok_or_else(overflow)?;
        total = total.checked_add(secs).ok_or_else(overflow)?;
        rest = &after[unit.len_utf8()..];
    }
    Ok(SignedDuration::from_secs(total))
}

/// Formats a duration exactly in the units [`parse_duration`] reads, largest first: hours
/// below a week (`96h`, `1h30m`), days from a week on (`7d`, `14d2h`). Sub-second parts are
/// dropped; negative durations get a leading `-`; zero is `0s`.
pub fn format_duration(d: SignedDuration) -> String {
    format_units(d, usize::MAX)
}

/// Like [`format_duration`], but only the two most significant units (`3h12m`, `9d4h`): for
/// ages in tables.
pub fn format_age(d: SignedDuration) -> String {
    format_units(d, 2)
}

fn format_units(d: SignedDuration, max_units: usize) -> String {
    let secs = d.as_secs();
    let neg = secs < 0;
    let mut left = secs.unsigned_abs();
    let units: &[(char, i64)] = if left >= 7 * 86_400 {
        &UNITS[1..] // days, hours, minutes, seconds
    } else {
        &UNITS[2..] // hours, minutes, seconds
    };
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    let mut written = 0;
    for &(u, size) in units {
        let size = size as u64;
        let n = left / size;
        if n > 0 && written < max_units {
            out.push_str(&format!("{n}{u}"));
            written += 1;
            left -= n * size;
        } else if written > 0 {
            // Keep units contiguous: once started, a skipped unit ends the short form.
            if max_units != usize::MAX {
                break;
            }
        }
    }
    if written == 0 {
        out.push_str("0s");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        let h = |n| SignedDuration::from_hours(n);
        assert_eq!(parse_duration("96h"), Ok(h(96)));
        assert_eq!(parse_duration("7d"), Ok(h(168)));
        assert_eq!(parse_duration("30m"), Ok(SignedDuration::from_mins(30)));
        assert_eq!(parse_duration("1h30m"), Ok(SignedDuration::from_mins(90)));
        assert_eq!(parse_duration("2w"), Ok(h(336)));
        assert_eq!(parse_duration("45s"), Ok(SignedDuration::from_secs(45)));
        assert_eq!(
            parse_duration(" 1d2h3m4s "),
            Ok(SignedDuration::from_secs(93_784))
        );
        assert_eq!(parse_duration("0s"), Ok(SignedDuration::ZERO));
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "  ",
            "-1h",
            "96",
            "h",
            "1x",
            "1.5h",
            "1h1h",
            "30m1h",
            "1H",
            "1 h",
            "abc",
            "99999999999999999999w",
            "1000000000000000w",
        ] {
            let err = parse_duration(bad).expect_err(bad);
            assert!(!err.is_empty());
        }
        assert!(parse_duration("96").unwrap_err().contains("no unit"));
        assert!(parse_duration("-1h").unwrap_err().contains("negative"));
        assert!(parse_duration("").unwrap_err().contains("empty"));
    }

    #[test]
    fn formats() {
        let f = |s: &str| format_duration(parse_duration(s).unwrap());
        assert_eq!(f("96h"), "96h");
        assert_eq!(f("7d"), "7d");
        assert_eq!(f("2w"), "14d");
        assert_eq!(f("1h30m"), "1h30m");
        assert_eq!(f("1h45s"), "1h45s");
        assert_eq!(f("0s"), "0s");
        assert_eq!(format_duration(SignedDuration::from_secs(-90)), "-1m30s");
        assert_eq!(
            format_age(SignedDuration::from_secs(3 * 3600 + 12 * 60 + 5)),
            "3h12m"
        );
        assert_eq!(format_age(SignedDuration::from_secs(3 * 3600 + 5)), "3h");
        assert_eq!(format_age(SignedDuration::from_hours(24 * 9 + 4)), "9d4h");
        for s in ["96h", "7d", "1h30m", "2w", "45s", "8d1s"] {
            assert_eq!(parse_duration(&f(s)), parse_duration(s), "{s}");
        }
    }
}
