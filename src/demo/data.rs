//! The demo's data: its credentials, the IDs with a behaviour of their own, the records and
//! events embedded in the binary (from `assets/demo/`), and the logs worth a look.

/// The demo project ID.
pub const PROJECT_ID: &str = "5ca1ab1e-0000-4000-8000-00000000d3e0";
/// The demo token. It only opens the demo server.
pub const TOKEN: &str = "PTdemo-not-a-real-token";

/// The demo's second profile, `staging`: other credentials on the same server, with records of
/// its own, so that working across spaces can be tried without an account.
pub mod staging {
    /// The profile's name.
    pub const PROFILE: &str = "staging";
    /// What the space is called in the demo.
    pub const SPACE: &str = "demo-staging";
    /// Its project ID.
    pub const PROJECT_ID: &str = "5ca1ab1e-0000-4000-8000-0000057a9e00";
    /// Its token. It only opens the demo server's staging records.
    pub const TOKEN: &str = "PTstaging-not-a-real-token";
    /// Its logs worth a look, for the welcome screen: `P` switches back to `demo`.
    pub const SHOWCASE: &[(&str, &str)] = &[
        ("5a6e0001-57a9-4e00-8a00-5a9e00000001", "staging PSTN call"),
        (
            "5a6e0002-57a9-4e00-8a00-5a9e00000002",
            "staging SIP call, no answer",
        ),
        (super::ids::CHAIN_ROOT, "demo's chain: not found here"),
    ];
    /// Its records.
    pub const RECORDS: &[(&str, &str)] = &[
        (
            "staging-completed",
            include_str!("../../assets/demo/staging/staging-completed.json"),
        ),
        (
            "staging-no-answer",
            include_str!("../../assets/demo/staging/staging-no-answer.json"),
        ),
    ];
}

/// Demo IDs that answer with an error or a delay instead of a record.
pub mod ids {
    /// The root of a three-leg chain (LaML call → Relay PSTN → Relay SIP).
    pub const CHAIN_ROOT: &str = "3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11";
    /// The middle of the chain.
    pub const CHAIN_CHILD: &str = "7a1c3e5f-2b4d-4f6a-8c0e-1d3f5a7b9c21";
    /// The last leg of the chain.
    pub const CHAIN_GRANDCHILD: &str = "c5e7a9b1-3d5f-4a7c-9e1b-5f7a9c1e3d31";
    /// A sibling of the chain's middle leg under the root: the Dial's other number, no answer.
    pub const CALL_SIBLING: &str = "e4b6d8f0-1a3c-4e5a-9b7d-0c2e4a6b8d41";
    /// A second child of the middle leg: a SIP leg to a backup PBX that failed (an error event).
    pub const CALL_FAILED_SIP: &str = "f6d8b0a2-5c7e-4f9a-8d1b-3e5f7a9c1b51";
    /// Answers 404.
    pub const NOT_FOUND: &str = "00000000-0000-4000-8000-000000000404";
    /// Answers 422 with two error items.
    pub const UNPROCESSABLE: &str = "00000000-0000-4000-8000-000000000422";
    /// Answers 500 every time.
    pub const SERVER_ERROR: &str = "00000000-0000-4000-8000-000000000500";
    /// Answers after three seconds.
    pub const SLOW: &str = "00000000-0000-4000-8000-000000003000";
    /// A call in progress that completes 20 seconds after it is first looked up.
    pub const LIVE: &str = "d1c2b3a4-9586-4778-8695-a4b3c2d1e0d1";
}

/// The demo records, embedded in the binary.
pub const RECORDS: &[(&str, &str)] = &[
    (
        "call-root-laml",
        include_str!("../../assets/demo/call-root-laml.json"),
    ),
    (
        "call-child-pstn",
        include_str!("../../assets/demo/call-child-pstn.json"),
    ),
    (
        "call-grandchild-sip",
        include_str!("../../assets/demo/call-grandchild-sip.json"),
    ),
    (
        "call-sibling-pstn",
        include_str!("../../assets/demo/call-sibling-pstn.json"),
    ),
    (
        "call-grandchild-sip-failed",
        include_str!("../../assets/demo/call-grandchild-sip-failed.json"),
    ),
    (
        "webrtc-no-answer",
        include_str!("../../assets/demo/webrtc-no-answer.json"),
    ),
    (
        "failed-busy",
        include_str!("../../assets/demo/failed-busy.json"),
    ),
    (
        "video-pstn-joined",
        include_str!("../../assets/demo/video-pstn-joined.json"),
    ),
    (
        "video-sip-ended",
        include_str!("../../assets/demo/video-sip-ended.json"),
    ),
    (
        "dialogflow",
        include_str!("../../assets/demo/dialogflow.json"),
    ),
    (
        "fabric-device",
        include_str!("../../assets/demo/fabric-device.json"),
    ),
    (
        "discarded",
        include_str!("../../assets/demo/discarded.json"),
    ),
    (
        "unknown-type",
        include_str!("../../assets/demo/unknown-type.json"),
    ),
    (
        "whatsapp-mismatch",
        include_str!("../../assets/demo/whatsapp-mismatch.json"),
    ),
    (
        "live-in-progress",
        include_str!("../../assets/demo/live-in-progress.json"),
    ),
    ("slow", include_str!("../../assets/demo/slow.json")),
];

/// The demo legs' events by log ID, embedded in the binary. A demo log not listed here has none
/// (`{"data":[]}`).
pub const EVENTS: &[(&str, &str)] = &[
    (
        "3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11",
        include_str!("../../assets/demo/events/3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11.json"),
    ),
    (
        "7a1c3e5f-2b4d-4f6a-8c0e-1d3f5a7b9c21",
        include_str!("../../assets/demo/events/7a1c3e5f-2b4d-4f6a-8c0e-1d3f5a7b9c21.json"),
    ),
    (
        "c5e7a9b1-3d5f-4a7c-9e1b-5f7a9c1e3d31",
        include_str!("../../assets/demo/events/c5e7a9b1-3d5f-4a7c-9e1b-5f7a9c1e3d31.json"),
    ),
    (
        ids::CALL_SIBLING,
        include_str!("../../assets/demo/events/e4b6d8f0-1a3c-4e5a-9b7d-0c2e4a6b8d41.json"),
    ),
    (
        ids::CALL_FAILED_SIP,
        include_str!("../../assets/demo/events/f6d8b0a2-5c7e-4f9a-8d1b-3e5f7a9c1b51.json"),
    ),
    (
        "a9c1e3f5-7b9d-4f1a-8c3e-5f7a9b1d3fc1",
        include_str!("../../assets/demo/events/a9c1e3f5-7b9d-4f1a-8c3e-5f7a9b1d3fc1.json"),
    ),
    (
        "0f1e2d3c-4b5a-4968-8776-5a4b3c2d1eb1",
        include_str!("../../assets/demo/events/0f1e2d3c-4b5a-4968-8776-5a4b3c2d1eb1.json"),
    ),
    (
        "1e3a5c7e-9b2d-4f6a-8e0c-2a4c6e8a0b41",
        include_str!("../../assets/demo/events/1e3a5c7e-9b2d-4f6a-8e0c-2a4c6e8a0b41.json"),
    ),
    (
        "d1c2b3a4-9586-4778-8695-a4b3c2d1e0d1",
        include_str!("../../assets/demo/events/d1c2b3a4-9586-4778-8695-a4b3c2d1e0d1.json"),
    ),
];

/// The ID of a demo record by its file name (without `.json`).
pub fn id_of(name: &str) -> Option<String> {
    let (_, body) = RECORDS.iter().find(|(n, _)| *n == name)?;
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    v.get("id")?.as_str().map(str::to_owned)
}

/// Demo logs worth a look, with what each shows, for the welcome screen and the README. Each
/// line fits the welcome pane at 120 columns (an ID and 37 characters).
pub const SHOWCASE: &[(&str, &str)] = &[
    (ids::CHAIN_GRANDCHILD, "SIP leg, 3rd of a chain"),
    (ids::CHAIN_CHILD, "PSTN leg, the chain's middle leg"),
    (ids::CHAIN_ROOT, "LaML call, the chain's first leg"),
    (
        "0f1e2d3c-4b5a-4968-8776-5a4b3c2d1eb1",
        "WhatsApp: charges do not add up",
    ),
    ("a9c1e3f5-7b9d-4f1a-8c3e-5f7a9b1d3fc1", "busy LaML call"),
    (
        "1e3a5c7e-9b2d-4f6a-8e0c-2a4c6e8a0b41",
        "WebRTC call, no answer",
    ),
    (
        "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c51",
        "video room PSTN leg",
    ),
    ("2c4e6a8c-0e2a-4c4e-9a6c-8e0a2c4e6a61", "video room SIP leg"),
    ("6d8f0b2d-4f6b-4d8f-8b0d-2f4b6d8f0b71", "Dialogflow call"),
    (
        "8e0a2c4e-6a8c-4e0a-9c4e-6a8c0e2a4c81",
        "Fabric device leg, null status",
    ),
    ("4a6c8e0a-2c4e-4a6c-8e0a-2c4e6a8c0e91", "deleted log"),
    (
        "5b7d9f1b-3d5f-4b7d-9f1b-3d5f7b9d1fa1",
        "unknown future type",
    ),
    ("d1c2b3a4-9586-4778-8695-a4b3c2d1e0d1", "call in progress"),
    (ids::NOT_FOUND, "404 not found"),
    (ids::UNPROCESSABLE, "422 with two error items"),
    (ids::SERVER_ERROR, "500 server error"),
    (ids::SLOW, "answers after 3 s"),
];
