//! Sizes printed the way `oc describe istag` prints them.

/// Decimal unit abbreviations of docker/go-units (`decimapAbbrs`).
const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];

/// A byte count the way `oc describe istag` prints it: docker/go-units
/// `HumanSizeWithPrecision(size, 4)`, base 1000 — Go's `%.4g` of the scaled value, then the unit.
///
/// `226600000` → `226.6MB`, `1814` → `1.814kB`, `6000018` → `6MB`, `0` → `0B`, `999` → `999B`.
/// Like go-units, the scaling divides by 1000 repeatedly in `f64`, so a value that rounds up to
/// the next unit stays in its unit (`999999` → `1000kB`).
pub fn human_size(bytes: u64) -> String {
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1000.0 && unit < UNITS.len() - 1 {
        size /= 1000.0;
        unit += 1;
    }
    format!("{}{}", format_g(size, 4), UNITS[unit])
}

/// Go's `strconv.FormatFloat(v, 'g', prec, 64)` for a finite, non-negative `v`: `prec`
/// significant digits (rounded half to even on the exact binary value, as Go does), trailing
/// zeros dropped, exponent form only when the decimal exponent is < -4 or ≥ the precision.
pub(crate) fn format_g(v: f64, prec: usize) -> String {
    let prec = prec.max(1);
    // Rust's `{:.Ne}` rounds the exact value to N+1 significant digits, ties to even, like Go's
    // `decimal.Round`.
    let sci = format!("{:.*e}", prec - 1, v);
    let (mantissa, exp) = sci.split_once('e').expect("{:e} always has an exponent");
    let exp: i32 = exp.parse().expect("{:e} exponent is an integer");
    let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    // Go's decimal: digits d[0..nd], decimal point after dp digits.
    let nd = digits.len() as i32;
    let dp = if nd == 0 { 0 } else { exp + 1 };

    let mut prec = prec as i32;
    let mut eprec = prec;
    if eprec > nd && nd >= dp {
        eprec = nd;
    }
    let x = dp - 1;
    if x < -4 || x >= eprec {
        if prec > nd {
            prec = nd;
        }
        return fmt_e(&digits, dp, prec - 1);
    }
    if prec > dp {
        prec = nd;
    }
    fmt_f(&digits, dp, (prec - dp).max(0))
}

/// Go's `fmtE`: `d.ddde±dd`.
fn fmt_e(digits: &[u8], dp: i32, prec: i32) -> String {
    let mut s = String::new();
    s.push(digits.first().map_or('0', |&c| c as char));
    if prec > 0 {
        s.push('.');
        for i in 1..=prec as usize {
            s.push(digits.get(i).map_or('0', |&c| c as char));
        }
    }
    let exp = if digits.is_empty() { 0 } else { dp - 1 };
    s.push('e');
    s.push(if exp < 0 { '-' } else { '+' });
    s.push_str(&format!("{:02}", exp.abs()));
    s
}

/// Go's `fmtF`: integer part (at least `0`), then `prec` fraction digits.
fn fmt_f(digits: &[u8], dp: i32, prec: i32) -> String {
    let digit = |j: i32| -> char {
        if j >= 0 && (j as usize) < digits.len() {
            digits[j as usize] as char
        } else {
            '0'
        }
    };
    let mut s = String::new();
    if dp > 0 {
        for j in 0..dp {
            s.push(digit(j));
        }
    } else {
        s.push('0');
    }
    if prec > 0 {
        s.push('.');
        for i in 1..=prec {
            s.push(digit(dp + i - 1));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oc_describe_istag_sizes() {
        // The sizes `oc describe istag python:3.8` printed (seed 001), and the brief's table.
        for (bytes, want) in [
            (226_600_000, "226.6MB"),
            (76_430_000, "76.43MB"),
            (1_814, "1.814kB"),
            (7_222_000, "7.222MB"),
            (90_810_000, "90.81MB"),
            (52_110_000, "52.11MB"),
            (6_000_018, "6MB"),
            (0, "0B"),
            (1, "1B"),
            (999, "999B"),
            (1_000, "1kB"),
            (1_500, "1.5kB"),
            (10_000, "10kB"),
            (12_345, "12.35kB"),
            (123_456, "123.5kB"),
            // Rounds to 1000 but stays in its unit, like go-units.
            (999_999, "1000kB"),
            (999_499, "999.5kB"),
            (1_000_000, "1MB"),
            // An exact tie rounds half to even, like Go's strconv.
            (10_125, "10.12kB"),
            (10_135, "10.13kB"),
            (3_000_006, "3MB"),
            (3_000_014, "3MB"),
            (1_234_567_890, "1.235GB"),
            (1_000_000_000_000, "1TB"),
            (1_000_000_000_000_000, "1PB"),
            (u64::MAX, "18.45EB"),
        ] {
            assert_eq!(human_size(bytes), want, "human_size({bytes})");
        }
    }

    #[test]
    fn go_g_formatting() {
        // strconv.FormatFloat(v, 'g', 4, 64) in Go.
        for (v, want) in [
            (0.0, "0"),
            (1.0, "1"),
            (100.0, "100"),
            (1234.0, "1234"),
            (12345.0, "1.234e+04"),
            (12355.0, "1.236e+04"),
            (100000.0, "1e+05"),
            (0.0001, "0.0001"),
            (0.00001234, "1.234e-05"),
            (0.5, "0.5"),
            (9.9995, "9.999"),
            (9.99951, "10"),
        ] {
            assert_eq!(format_g(v, 4), want, "%.4g of {v}");
        }
    }
}
