//! What kind of leg a voice log is: the contract's `type` values, their families (which fields
//! each variant has) and the words swlog shows for them, known or not.

use serde_json::Value;

/// A known log `type` from the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogType {
    /// `laml_call`: a compatibility (LaML/cXML) call leg.
    LamlCall,
    /// `relay_pstn_call`.
    RelayPstnCall,
    /// `relay_sip_call`.
    RelaySipCall,
    /// `relay_webrtc_call`.
    RelayWebrtcCall,
    /// `video_room_pstn_leg`.
    VideoRoomPstnLeg,
    /// `video_room_sip_leg`.
    VideoRoomSipLeg,
    /// `dialogflow_call`.
    DialogflowCall,
    /// `fabric_subscriber_device_leg`.
    FabricSubscriberDeviceLeg,
}

/// The contract's schema families; each names its own set of fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `Voice.RelayVoiceLog`.
    Relay,
    /// `Voice.VideoRoomVoiceLog`.
    VideoRoom,
    /// `Voice.DialogflowVoiceLog`.
    Dialogflow,
    /// `Voice.FabricVoiceLog`.
    Fabric,
}

impl LogType {
    /// Every known type, in the contract's order.
    pub const ALL: [LogType; 8] = [
        LogType::LamlCall,
        LogType::RelayPstnCall,
        LogType::RelaySipCall,
        LogType::RelayWebrtcCall,
        LogType::VideoRoomPstnLeg,
        LogType::VideoRoomSipLeg,
        LogType::DialogflowCall,
        LogType::FabricSubscriberDeviceLeg,
    ];

    /// Parses the wire name; `None` for a type this version does not know.
    pub fn from_wire(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.wire() == s)
    }

    /// The wire name, as in the `type` field.
    pub fn wire(self) -> &'static str {
        match self {
            LogType::LamlCall => "laml_call",
            LogType::RelayPstnCall => "relay_pstn_call",
            LogType::RelaySipCall => "relay_sip_call",
            LogType::RelayWebrtcCall => "relay_webrtc_call",
            LogType::VideoRoomPstnLeg => "video_room_pstn_leg",
            LogType::VideoRoomSipLeg => "video_room_sip_leg",
            LogType::DialogflowCall => "dialogflow_call",
            LogType::FabricSubscriberDeviceLeg => "fabric_subscriber_device_leg",
        }
    }

    /// The type in words, as a support engineer says it.
    pub fn label(self) -> &'static str {
        match self {
            LogType::LamlCall => "Compatibility (LaML) call",
            LogType::RelayPstnCall => "Relay PSTN call",
            LogType::RelaySipCall => "Relay SIP call",
            LogType::RelayWebrtcCall => "Relay WebRTC call",
            LogType::VideoRoomPstnLeg => "Video room PSTN leg",
            LogType::VideoRoomSipLeg => "Video room SIP leg",
            LogType::DialogflowCall => "Dialogflow call",
            LogType::FabricSubscriberDeviceLeg => "Fabric subscriber device leg",
        }
    }

    /// The type in a few letters, for narrow places like the sidebar.
    pub fn short_label(self) -> &'static str {
        match self {
            LogType::LamlCall => "LaML call",
            LogType::RelayPstnCall => "PSTN call",
            LogType::RelaySipCall => "SIP call",
            LogType::RelayWebrtcCall => "WebRTC call",
            LogType::VideoRoomPstnLeg => "Room PSTN leg",
            LogType::VideoRoomSipLeg => "Room SIP leg",
            LogType::DialogflowCall => "Dialogflow",
            LogType::FabricSubscriberDeviceLeg => "Fabric leg",
        }
    }

    /// The schema family this type belongs to.
    pub fn family(self) -> Family {
        match self {
            LogType::LamlCall
            | LogType::RelayPstnCall
            | LogType::RelaySipCall
            | LogType::RelayWebrtcCall => Family::Relay,
            LogType::VideoRoomPstnLeg | LogType::VideoRoomSipLeg => Family::VideoRoom,
            LogType::DialogflowCall => Family::Dialogflow,
            LogType::FabricSubscriberDeviceLeg => Family::Fabric,
        }
    }
}

/// A field that the contract names, so that it can be asked whether a variant has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// `from`.
    From,
    /// `to`.
    To,
    /// `source`.
    Source,
    /// `direction`.
    Direction,
    /// `status`.
    Status,
    /// `created_at`.
    CreatedAt,
    /// `discarded_at`.
    DiscardedAt,
    /// `duration` (seconds).
    Duration,
    /// `duration_ms`.
    DurationMs,
    /// `billing_ms`.
    BillingMs,
    /// `charge`.
    Charge,
    /// `charge_details`.
    ChargeDetails,
    /// `url`.
    Url,
    /// `parent_id`.
    ParentId,
    /// `id`.
    Id,
}

impl Key {
    /// The JSON key.
    pub fn wire(self) -> &'static str {
        match self {
            Key::From => "from",
            Key::To => "to",
            Key::Source => "source",
            Key::Direction => "direction",
            Key::Status => "status",
            Key::CreatedAt => "created_at",
            Key::DiscardedAt => "discarded_at",
            Key::Duration => "duration",
            Key::DurationMs => "duration_ms",
            Key::BillingMs => "billing_ms",
            Key::Charge => "charge",
            Key::ChargeDetails => "charge_details",
            Key::Url => "url",
            Key::ParentId => "parent_id",
            Key::Id => "id",
        }
    }
}

impl Family {
    /// The fields this family's schema names, besides `type`.
    pub fn keys(self) -> &'static [Key] {
        use Key::*;
        match self {
            Family::Relay => &[
                Id,
                From,
                To,
                Source,
                Charge,
                ChargeDetails,
                CreatedAt,
                Url,
                Direction,
                Status,
                Duration,
                DurationMs,
                BillingMs,
                ParentId,
            ],
            Family::VideoRoom => &[
                Id,
                From,
                To,
                Source,
                Charge,
                ChargeDetails,
                CreatedAt,
                Url,
                Direction,
                Status,
                Duration,
                DurationMs,
            ],
            Family::Dialogflow => &[
                Id,
                From,
                To,
                Source,
                Charge,
                ChargeDetails,
                CreatedAt,
                Url,
                Status,
                Duration,
            ],
            Family::Fabric => &[
                Id,
                From,
                To,
                Source,
                Charge,
                ChargeDetails,
                CreatedAt,
                Url,
                Direction,
                Status,
            ],
        }
    }
}

/// Which kind of record the server sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A known call type.
    Call(LogType),
    /// A deleted log: only `id`, `discarded_at` and `created_at`.
    Discarded,
    /// A `type` this version does not know (or none, or not a string): shown generically.
    Unknown(Option<Value>),
}

impl Kind {
    /// The fields this kind's schema names. An unknown kind names none: all of it is shown
    /// generically.
    pub fn keys(&self) -> &'static [Key] {
        match self {
            Kind::Call(t) => t.family().keys(),
            Kind::Discarded => &[Key::Id, Key::DiscardedAt, Key::CreatedAt],
            Kind::Unknown(_) => &[],
        }
    }

    /// Whether this kind's schema has `key`.
    pub fn has(&self, key: Key) -> bool {
        self.keys().contains(&key)
    }

    /// The kind in a few words, for narrow places like the sidebar.
    pub fn short_label(&self) -> String {
        match self {
            Kind::Call(t) => t.short_label().to_owned(),
            Kind::Discarded => "Deleted log".to_owned(),
            Kind::Unknown(Some(Value::String(s))) => s.clone(),
            Kind::Unknown(_) => "Unknown type".to_owned(),
        }
    }

    /// The kind in words.
    pub fn label(&self) -> String {
        match self {
            Kind::Call(t) => t.label().to_owned(),
            Kind::Discarded => "Deleted log".to_owned(),
            Kind::Unknown(Some(Value::String(s))) => format!("Unknown type `{s}`"),
            Kind::Unknown(Some(v)) => format!("Unknown type {v}"),
            Kind::Unknown(None) => "Log without a type".to_owned(),
        }
    }
}
