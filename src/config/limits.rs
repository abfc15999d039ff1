//! The ranges of the durations a user may set (config and `--timeout`), checked before they are
//! used: a careless value is a config error naming the key and the range, never an overflow
//! panic (`Instant + Duration`) or a hang.

use std::ops::RangeInclusive;
use std::time::Duration;

use super::{ConfigError, FileConfig, Overrides};

/// `timeout_secs` and `--timeout` (whose parser holds the same range): a whole request.
pub const TIMEOUT_SECS: RangeInclusive<u64> = 1..=600;
/// `live_refresh_secs`: 0 turns live refresh off; a day is the longest wait.
pub const LIVE_REFRESH_SECS: RangeInclusive<u64> = 0..=86_400;
/// `token_command_timeout_secs`: how long a `token_command` may run.
pub const TOKEN_COMMAND_TIMEOUT_SECS: RangeInclusive<u64> = 1..=600;
/// `history_limit`: how many unpinned lookups the history keeps (0: only the pinned); past a
/// million it is a slip of the finger (and a history swlog could not read back in time).
pub const HISTORY_LIMIT: RangeInclusive<u64> = 0..=1_000_000;
/// `events_within_secs`: how long a whole call's events may take in all.
pub const EVENTS_WITHIN_SECS: RangeInclusive<u64> = 1..=600;
/// `index_max_mb`: the index's size on disk, in megabytes.
pub const INDEX_MAX_MB: RangeInclusive<u64> = 1..=1_000_000;
/// `index_max_age_days`: how long a row stays in the index.
pub const INDEX_MAX_AGE_DAYS: RangeInclusive<u64> = 1..=3_650;
/// `index_streams`: list streams a search reads at once.
pub const INDEX_STREAMS: RangeInclusive<u64> = 1..=16;
/// How long a whole call's events may take when the config does not say.
pub const DEFAULT_EVENTS_WITHIN: Duration = Duration::from_secs(30);
/// How long a `token_command` may run when the config does not say.
pub const DEFAULT_TOKEN_COMMAND_TIMEOUT: Duration = Duration::from_secs(10);

/// Checks every duration of the file and the command line against its range.
pub fn check_durations(
    file: Option<&FileConfig>,
    overrides: &Overrides,
) -> Result<(), ConfigError> {
    check("--timeout", overrides.timeout_secs, &TIMEOUT_SECS)?;
    let Some(file) = file else { return Ok(()) };
    check("timeout_secs", file.timeout_secs, &TIMEOUT_SECS)?;
    check(
        "live_refresh_secs",
        file.live_refresh_secs,
        &LIVE_REFRESH_SECS,
    )?;
    check(
        "token_command_timeout_secs",
        file.token_command_timeout_secs,
        &TOKEN_COMMAND_TIMEOUT_SECS,
    )?;
    check(
        "events_within_secs",
        file.events_within_secs,
        &EVENTS_WITHIN_SECS,
    )?;
    check("index_max_mb", file.index_max_mb, &INDEX_MAX_MB)?;
    check(
        "index_max_age_days",
        file.index_max_age_days,
        &INDEX_MAX_AGE_DAYS,
    )?;
    check("index_streams", file.index_streams, &INDEX_STREAMS)?;
    check(
        "history_limit",
        file.history_limit
            .map(|n| u64::try_from(n).unwrap_or(u64::MAX)),
        &HISTORY_LIMIT,
    )
}

/// How long a `token_command` may run: the file's `token_command_timeout_secs`, or 10 s.
pub fn token_command_timeout(file: Option<&FileConfig>) -> Duration {
    file.and_then(|f| f.token_command_timeout_secs)
        .map_or(DEFAULT_TOKEN_COMMAND_TIMEOUT, Duration::from_secs)
}

fn check(
    key: &'static str,
    value: Option<u64>,
    range: &RangeInclusive<u64>,
) -> Result<(), ConfigError> {
    match value {
        Some(v) if !range.contains(&v) => Err(ConfigError::OutOfRange {
            key,
            unit: match key {
                "history_limit" => "lookups",
                "index_max_mb" => "megabytes",
                "index_max_age_days" => "days",
                "index_streams" => "streams",
                _ => "seconds",
            },
            value: v,
            min: *range.start(),
            max: *range.end(),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_history_limit_out_of_range_names_its_unit() {
        let file = FileConfig {
            history_limit: Some(usize::MAX),
            ..FileConfig::default()
        };
        let e = check_durations(Some(&file), &Overrides::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "history_limit = {} is out of range: give 0 to 1000000 lookups",
                usize::MAX
            )
        );
        let file = FileConfig {
            history_limit: Some(1_000_000),
            ..FileConfig::default()
        };
        assert!(check_durations(Some(&file), &Overrides::default()).is_ok());
    }

    #[test]
    fn durations_out_of_range_name_the_key_and_the_range() {
        let file = FileConfig {
            live_refresh_secs: Some(u64::MAX),
            ..FileConfig::default()
        };
        let e = check_durations(Some(&file), &Overrides::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "live_refresh_secs = 18446744073709551615 is out of range: give 0 to 86400 seconds"
        );
        let flags = Overrides {
            timeout_secs: Some(99_999_999_999),
            ..Overrides::default()
        };
        let e = check_durations(None, &flags).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("--timeout = 99999999999 is out of range: give 1 to 600"),
            "{e}"
        );
        let file = FileConfig {
            token_command_timeout_secs: Some(0),
            ..FileConfig::default()
        };
        assert!(check_durations(Some(&file), &Overrides::default()).is_err());
        let fine = FileConfig {
            timeout_secs: Some(30),
            live_refresh_secs: Some(0),
            ..FileConfig::default()
        };
        assert!(check_durations(Some(&fine), &Overrides::default()).is_ok());
    }
}
