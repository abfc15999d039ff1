//! A `key:value` word whose key is a known key misspelt (`stauts:failed`, `sice:2d`): told
//! apart from the URI schemes that appear in `from`/`to` (`sip:`, `whatsapp:`), which stay
//! text searched for as substrings.

/// Schemes seen in `from`/`to` values (the API notes name `sip:` and `whatsapp:`) and the
/// near relatives a pasted address may carry; never taken for a misspelt key.
const SCHEMES: &[&str] = &["sip", "sips", "tel", "whatsapp", "http", "https"];

/// The known key that `word`'s `key:` prefix misspells, if it is within two edits of one (and
/// fewer edits than the key is long, so `ab:` is not taken for `on:`), is letters only (`12:30`
/// is a time) and is not a URI scheme.
pub(super) fn misspelt_key(word: &str, keys: &[&'static str]) -> Option<&'static str> {
    let (prefix, _) = word.split_once(':')?;
    let prefix = prefix.to_ascii_lowercase();
    if prefix.is_empty()
        || !prefix.bytes().all(|b| b.is_ascii_lowercase())
        || SCHEMES.contains(&prefix.as_str())
        || keys.contains(&prefix.as_str())
    {
        return None;
    }
    nearest(&prefix, keys)
}

/// The word of `known` that `word` misspells: within two edits, and fewer edits than the word
/// is long (so `ab` is not taken for `on`), the nearest first.
pub(super) fn nearest(word: &str, known: &[&'static str]) -> Option<&'static str> {
    known
        .iter()
        // Optimal string alignment: a swap of neighbours (`stauts`) is one edit.
        .map(|k| (strsim::osa_distance(word, k), *k))
        .filter(|(d, k)| *d <= 2 && *d < k.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: &[&str] = &["since", "until", "on", "to", "status", "dir", "min"];

    #[test]
    fn near_keys_are_caught_and_schemes_and_times_are_not() {
        assert_eq!(misspelt_key("stauts:failed", KEYS), Some("status"));
        assert_eq!(misspelt_key("sice:2d", KEYS), Some("since"));
        assert_eq!(misspelt_key("Untill:1h", KEYS), Some("until"));
        for word in [
            "sip:agent1@pbx",
            "whatsapp:+14155550123",
            "tel:+14155550123",
            "https://x",
            "12:30",
            "ab:x",
            "status:failed",
            "nocolon",
            "faraway:x",
        ] {
            assert_eq!(misspelt_key(word, KEYS), None, "{word}");
        }
    }
}
