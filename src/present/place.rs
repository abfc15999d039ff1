//! Where a log lives, as a ticket names it: the space (the host requests go to, with its port
//! when not the default) and the project ID. The project ID is in every URL and is no secret;
//! the token is, and has no place here.

use crate::api::Endpoint;
use crate::text::sanitize;

/// The space and project a ticket names, sanitised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// `acme.signalwire.com`, `127.0.0.1:8080 (demo)`.
    pub space: String,
    /// The project ID, whole.
    pub project: String,
}

impl Default for Place {
    fn default() -> Self {
        Self {
            space: UNKNOWN.to_owned(),
            project: UNKNOWN.to_owned(),
        }
    }
}

/// What a ticket says of a space or project it does not know.
const UNKNOWN: &str = "(not known)";

impl Place {
    /// The place of a client of `endpoint` in `project`. An endpoint called by another name
    /// than its host (the demo) says both.
    pub fn of(endpoint: &Endpoint, project: &str) -> Self {
        let host = endpoint.host();
        let space = if host.starts_with(endpoint.space()) {
            host
        } else {
            format!("{host} ({})", endpoint.space())
        };
        Self::named(&space, Some(project))
    }

    /// A place from its names as they are known (a profile's space and project).
    pub fn named(space: &str, project: Option<&str>) -> Self {
        let known = |s: &str| {
            let s = s.trim();
            if s.is_empty() {
                UNKNOWN.to_owned()
            } else {
                sanitize(s).into_owned()
            }
        };
        Self {
            space: known(space),
            project: project.map_or_else(|| UNKNOWN.to_owned(), known),
        }
    }

    /// The ticket's labelled lines: `Space` and `Project`.
    pub fn rows(&self) -> [(String, String); 2] {
        [
            ("Space".to_owned(), self.space.clone()),
            ("Project".to_owned(), self.project.clone()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_space_is_its_host_and_the_demo_says_its_name_too() {
        let acme = Endpoint::from_space("acme").unwrap();
        assert_eq!(
            Place::of(&acme, "p-1"),
            Place {
                space: "acme.signalwire.com".into(),
                project: "p-1".into()
            }
        );
        let demo = Endpoint::from_base_url("http://127.0.0.1:8080")
            .unwrap()
            .labelled("demo");
        assert_eq!(Place::of(&demo, "p").space, "127.0.0.1:8080 (demo)");
        let odd = Place::named("\u{1b}[2J", None);
        assert_eq!(odd.space, "\\u{1b}[2J");
        assert_eq!(odd.project, "(not known)");
    }
}
