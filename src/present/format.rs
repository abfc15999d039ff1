//! Derived values in words: durations, money, times and ages.

// The clock and the times in words live in the base module `clock`; named here too for the
// callers (and the integration tests) that reach them through `present::format`.
pub use crate::clock::{Clock, age_between, utc};

/// `125340` ms → `2m 05.340s`; `5209` → `5.209s`; `3725000` → `1h 02m 05.000s`.
pub fn duration_ms(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let ms = ms.unsigned_abs();
    let (h, rem) = (ms / 3_600_000, ms % 3_600_000);
    let (m, rem) = (rem / 60_000, rem % 60_000);
    let (s, milli) = (rem / 1000, rem % 1000);
    if h > 0 {
        format!("{sign}{h}h {m:02}m {s:02}.{milli:03}s")
    } else if m > 0 {
        format!("{sign}{m}m {s:02}.{milli:03}s")
    } else {
        format!("{sign}{s}.{milli:03}s")
    }
}

/// An offset into a timeline: `+00.000s`, `+12.340s`, `+1m 05.000s`; seconds get two digits
/// under a minute so that a column of offsets lines up.
pub fn offset_ms(ms: i64) -> String {
    match ms {
        0..60_000 => format!("+{:02}.{:03}s", ms / 1000, ms % 1000),
        60_000.. => format!("+{}", duration_ms(ms)),
        _ => duration_ms(ms),
    }
}

/// `99800` as `99,800`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` and the noun that goes with it: `1 match`, `5 matches`, `2,847 logs`.
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// Dollars with at least two and at most six decimals: `$0.01`, `$0.0125`, `$0.00375`.
pub fn money(amount: f64) -> String {
    let mut s = format!("{:.6}", amount.abs());
    while s.ends_with('0') && s.len() - s.find('.').unwrap_or(s.len()) > 3 {
        s.pop();
    }
    let sign = if amount < 0.0 && s.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        "-"
    } else {
        ""
    };
    format!("{sign}${s}")
}

/// A signed difference in dollars: `+$0.02` or `-$0.005`.
pub fn money_delta(amount: f64) -> String {
    if amount >= 0.0 {
        format!("+{}", money(amount))
    } else {
        money(amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration_ms(125_340), "2m 05.340s");
        assert_eq!(duration_ms(5_209), "5.209s");
        assert_eq!(duration_ms(0), "0.000s");
        assert_eq!(duration_ms(60_000), "1m 00.000s");
        assert_eq!(duration_ms(3_725_000), "1h 02m 05.000s");
        assert_eq!(duration_ms(-1_500), "-1.500s");
        assert_eq!(duration_ms(i64::MIN).chars().next(), Some('-'));
    }

    #[test]
    fn offsets() {
        assert_eq!(offset_ms(0), "+00.000s");
        assert_eq!(offset_ms(12_340), "+12.340s");
        assert_eq!(offset_ms(59_999), "+59.999s");
        assert_eq!(offset_ms(65_000), "+1m 05.000s");
        assert_eq!(offset_ms(3_725_000), "+1h 02m 05.000s");
        assert_eq!(offset_ms(-1_500), "-1.500s");
    }

    #[test]
    fn money_amounts() {
        assert_eq!(money(0.01), "$0.01");
        assert_eq!(money(0.0125), "$0.0125");
        assert_eq!(money(0.00375), "$0.00375");
        assert_eq!(money(0.0), "$0.00");
        assert_eq!(money(12.5), "$12.50");
        assert_eq!(money(-0.02), "-$0.02");
        assert_eq!(money_delta(0.02), "+$0.02");
        assert_eq!(money_delta(-0.005), "-$0.005");
    }
}
