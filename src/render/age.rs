//! Ages the way `oc` prints them ("5 hours ago"): docker/go-units `HumanDuration`.

use jiff::{SignedDuration, Timestamp};

/// `HumanDuration(now - t) + " ago"`; a time in the future reads as "just now".
pub fn ago(t: Timestamp, now: Timestamp) -> String {
    let d = now.duration_since(t);
    if d.is_negative() {
        return "just now".into();
    }
    format!("{} ago", human_duration(d))
}

/// docker/go-units `HumanDuration`, which `oc describe` uses.
pub fn human_duration(d: SignedDuration) -> String {
    let secs = d.as_secs_f64();
    let seconds = secs as i64;
    if seconds < 1 {
        return "Less than a second".into();
    }
    if seconds == 1 {
        return "1 second".into();
    }
    if seconds < 60 {
        return format!("{seconds} seconds");
    }
    let minutes = (secs / 60.0) as i64;
    if minutes == 1 {
        return "About a minute".into();
    }
    if minutes < 60 {
        return format!("{minutes} minutes");
    }
    let hours = (secs / 3600.0 + 0.5) as i64;
    if hours == 1 {
        return "About an hour".into();
    }
    if hours < 48 {
        return format!("{hours} hours");
    }
    if hours < 24 * 7 * 2 {
        return format!("{} days", hours / 24);
    }
    if hours < 24 * 30 * 2 {
        return format!("{} weeks", hours / 24 / 7);
    }
    if hours < 24 * 365 * 2 {
        return format!("{} months", hours / 24 / 30);
    }
    format!("{} years", (secs / 3600.0) as i64 / 24 / 365)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(secs: i64) -> String {
        human_duration(SignedDuration::from_secs(secs))
    }

    #[test]
    fn matches_go_units() {
        assert_eq!(h(0), "Less than a second");
        assert_eq!(h(1), "1 second");
        assert_eq!(h(48), "48 seconds");
        assert_eq!(h(60), "About a minute");
        assert_eq!(h(119), "About a minute");
        assert_eq!(h(120), "2 minutes");
        assert_eq!(h(59 * 60), "59 minutes");
        assert_eq!(h(3600), "About an hour");
        assert_eq!(h(5 * 3600), "5 hours");
        assert_eq!(h(25 * 3600), "25 hours");
        assert_eq!(h(47 * 3600), "47 hours");
        assert_eq!(h(4 * 86400), "4 days");
        assert_eq!(h(20 * 86400), "2 weeks");
        assert_eq!(h(120 * 86400), "4 months");
        assert_eq!(h(3 * 365 * 86400), "3 years");
    }

    #[test]
    fn ago_reads_like_oc() {
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        let t: Timestamp = "2026-11-23T07:00:00Z".parse().unwrap();
        assert_eq!(ago(t, now), "5 hours ago");
        assert_eq!(ago(now, t), "just now");
    }
}
