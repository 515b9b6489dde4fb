//! Instants as people read them: the local time of day, to the minute, from the OS time zone.

use std::time::SystemTime;

use time::{OffsetDateTime, UtcOffset};

/// `2026-12-06 09:27` in local time: the offset that held at that instant, so a run from
/// before a DST change reads as it was then. `None` for a time that is not RFC 3339, or where
/// the OS time zone cannot be read.
pub fn local_minute(rfc3339: &str) -> Option<String> {
    let utc = instant(rfc3339)?;
    let off = UtcOffset::local_offset_at(utc).ok()?;
    Some(plain(utc.to_offset(off)))
}

/// The same in UTC: `2026-12-06 08:27`.
pub fn utc_minute(rfc3339: &str) -> Option<String> {
    instant(rfc3339).map(plain)
}

fn instant(rfc3339: &str) -> Option<OffsetDateTime> {
    let t: SystemTime = humantime::parse_rfc3339_weak(rfc3339).ok()?;
    Some(OffsetDateTime::from(t))
}

fn plain(t: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_the_minute_with_no_milliseconds() {
        let t = "2026-12-06T08:27:38.990Z";
        assert_eq!(utc_minute(t).as_deref(), Some("2026-12-06 08:27"));
        // Whatever the zone: a date, a space and hours:minutes.
        if let Some(m) = local_minute(t) {
            assert_eq!(m.len(), 16, "{m}");
            assert_eq!(&m[13..14], ":", "{m}");
        }
    }

    #[test]
    fn not_a_time_is_none() {
        assert_eq!(utc_minute("yesterday"), None);
        assert_eq!(local_minute("yesterday"), None);
    }
}
