//! What a final SIP response code means, in words a support engineer can quote: the codes that
//! end calls, with RFC 3261's reason phrase and what it usually means for a phone call.

/// A SIP code's reason phrase and its usual meaning for a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meaning {
    /// The code.
    pub code: u16,
    /// RFC 3261's reason phrase ("Busy Here").
    pub phrase: &'static str,
    /// What it usually means for a call.
    pub meaning: &'static str,
}

/// The codes that end calls, with their meanings.
const TABLE: &[(u16, &str, &str)] = &[
    (200, "OK", "the call was answered"),
    (
        300,
        "Multiple Choices",
        "the callee can be reached at several addresses",
    ),
    (
        301,
        "Moved Permanently",
        "the callee has moved to another address",
    ),
    (
        302,
        "Moved Temporarily",
        "the call was redirected to another address",
    ),
    (
        400,
        "Bad Request",
        "the far end could not read the call's request",
    ),
    (
        403,
        "Forbidden",
        "the far end refused the call: not allowed to call there",
    ),
    (404, "Not Found", "the number or SIP address does not exist"),
    (408, "Request Timeout", "the far end did not answer in time"),
    (410, "Gone", "the number is no longer in service"),
    (
        480,
        "Temporarily Unavailable",
        "the callee cannot be reached now (phone off, not registered)",
    ),
    (
        484,
        "Address Incomplete",
        "the number dialled is incomplete",
    ),
    (486, "Busy Here", "the callee was busy"),
    (
        487,
        "Request Terminated",
        "the call was canceled before it was answered",
    ),
    (
        488,
        "Not Acceptable Here",
        "no codec or media could be agreed with the far end",
    ),
    (500, "Server Internal Error", "a server on the route failed"),
    (
        502,
        "Bad Gateway",
        "a gateway on the route had a bad answer from further on",
    ),
    (
        503,
        "Service Unavailable",
        "a server on the route was overloaded, down or had no route",
    ),
    (
        504,
        "Server Time-out",
        "a gateway on the route timed out waiting further on",
    ),
    (
        600,
        "Busy Everywhere",
        "the callee was busy on every device",
    ),
    (603, "Decline", "the callee declined the call"),
    (
        604,
        "Does Not Exist Anywhere",
        "the number does not exist anywhere",
    ),
    (
        606,
        "Not Acceptable",
        "the callee cannot take this kind of call",
    ),
];

/// The meaning of `code`: from the table, or for another 3xx the class's; `None` for a code
/// swlog does not know (shown as the number alone).
pub fn meaning(code: u16) -> Option<Meaning> {
    if let Some((code, phrase, meaning)) = TABLE.iter().find(|(c, _, _)| *c == code) {
        return Some(Meaning {
            code: *code,
            phrase,
            meaning,
        });
    }
    (300..400).contains(&code).then_some(Meaning {
        code,
        phrase: "Redirection",
        meaning: "the call was redirected",
    })
}

/// Whether `code` is a success (2xx): the call was answered.
pub fn is_success(code: u16) -> bool {
    (200..300).contains(&code)
}

/// `SIP 486 Busy Here (the callee was busy)`, or `SIP 499` for a code swlog does not know.
pub fn describe(code: u16) -> String {
    match meaning(code) {
        Some(m) => format!("SIP {code} {} ({})", m.phrase, m.meaning),
        None => format!("SIP {code}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_the_issue_names_has_a_meaning() {
        for code in [
            200, 300, 301, 302, 400, 403, 404, 408, 410, 480, 484, 486, 487, 488, 500, 502, 503,
            504, 600, 603, 604, 606,
        ] {
            let m = meaning(code).unwrap_or_else(|| panic!("{code} has no meaning"));
            assert_eq!(m.code, code);
            assert!(!m.phrase.is_empty() && !m.meaning.is_empty());
        }
    }

    #[test]
    fn unknown_codes_are_numbers_and_other_redirects_say_so() {
        assert_eq!(describe(499), "SIP 499");
        assert_eq!(describe(486), "SIP 486 Busy Here (the callee was busy)");
        assert_eq!(
            meaning(305).map(|m| m.meaning),
            Some("the call was redirected")
        );
        assert!(is_success(200) && !is_success(486));
    }
}
