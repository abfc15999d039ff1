//! Every API path swlog knows, and nothing else: the client, the list pager and the demo
//! server build their URLs and routes from here, so that a path is written once.
//!
//! Paths are relative to the space's base URL (see [`crate::api::Endpoint::url`]). Routes are
//! the same paths with `{id}` where the ID goes, as the demo server's router spells them.

use std::fmt::Display;

/// The voice logs: `GET` lists them.
pub const VOICE_LOGS: &str = "/api/voice/logs";
/// The route of one voice log.
pub const VOICE_LOG_ROUTE: &str = "/api/voice/logs/{id}";
/// The route of one voice log's events.
pub const VOICE_LOG_EVENTS_ROUTE: &str = "/api/voice/logs/{id}/events";

/// One voice log: `/api/voice/logs/{id}`.
pub fn voice_log(id: impl Display) -> String {
    format!("{VOICE_LOGS}/{id}")
}

/// One voice log's events: `/api/voice/logs/{id}/events`.
pub fn voice_log_events(id: impl Display) -> String {
    format!("{VOICE_LOGS}/{id}/events")
}

/// The Compatibility (LaML/cXML) API's paths, under `/api/laml/2010-04-01`. `account` is the
/// project ID.
pub mod compat {
    use std::fmt::Display;

    /// Where the Compatibility API starts: a log's `url` is read only when its path is under it.
    pub const ROOT: &str = "/api/laml/";
    /// Where the Compatibility API's version of 2010-04-01 starts.
    pub const BASE: &str = "/api/laml/2010-04-01";
    /// The route of one call (its sid may end in `.json`).
    pub const CALL_ROUTE: &str = "/api/laml/2010-04-01/Accounts/{account}/Calls/{sid}";
    /// The route of one call's recordings.
    pub const CALL_RECORDINGS_ROUTE: &str =
        "/api/laml/2010-04-01/Accounts/{account}/Calls/{sid}/Recordings";
    /// The route of one recording (its sid may end in `.json`, `.wav` or `.mp3`).
    pub const RECORDING_ROUTE: &str = "/api/laml/2010-04-01/Accounts/{account}/Recordings/{sid}";

    /// The account's calls: `GET` lists them, newest first.
    pub fn calls(account: impl Display) -> String {
        format!("{BASE}/Accounts/{account}/Calls")
    }

    /// One call (a voice log's `id` is its call's `sid`).
    pub fn call(account: impl Display, sid: impl Display) -> String {
        format!("{BASE}/Accounts/{account}/Calls/{sid}")
    }

    /// The recordings of one call.
    pub fn call_recordings(account: impl Display, call_sid: impl Display) -> String {
        format!("{BASE}/Accounts/{account}/Calls/{call_sid}/Recordings")
    }

    /// One recording.
    pub fn recording(account: impl Display, sid: impl Display) -> String {
        format!("{BASE}/Accounts/{account}/Recordings/{sid}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11";
    const ACCOUNT: &str = "5b1d7a9e-2c4f-4e6a-8b0c-1d3e5f7a9b2c";

    #[test]
    fn voice_paths_put_the_id_where_the_routes_say() {
        assert_eq!(voice_log(ID), VOICE_LOG_ROUTE.replace("{id}", ID));
        assert_eq!(
            voice_log_events(ID),
            VOICE_LOG_EVENTS_ROUTE.replace("{id}", ID)
        );
        assert_eq!(voice_log(ID), format!("/api/voice/logs/{ID}"));
    }

    #[test]
    fn compat_paths_follow_the_spec() {
        assert_eq!(
            compat::calls(ACCOUNT),
            format!("/api/laml/2010-04-01/Accounts/{ACCOUNT}/Calls")
        );
        assert_eq!(
            compat::call(ACCOUNT, ID),
            format!("/api/laml/2010-04-01/Accounts/{ACCOUNT}/Calls/{ID}")
        );
        assert_eq!(
            compat::call_recordings(ACCOUNT, ID),
            format!("/api/laml/2010-04-01/Accounts/{ACCOUNT}/Calls/{ID}/Recordings")
        );
        assert_eq!(
            compat::recording(ACCOUNT, ID),
            format!("/api/laml/2010-04-01/Accounts/{ACCOUNT}/Recordings/{ID}")
        );
        let route = |r: &str| r.replace("{account}", ACCOUNT).replace("{sid}", ID);
        assert_eq!(route(compat::CALL_ROUTE), compat::call(ACCOUNT, ID));
        assert_eq!(
            route(compat::CALL_RECORDINGS_ROUTE),
            compat::call_recordings(ACCOUNT, ID)
        );
        assert_eq!(
            route(compat::RECORDING_ROUTE),
            compat::recording(ACCOUNT, ID)
        );
        assert!(compat::BASE.starts_with(compat::ROOT));
    }
}
