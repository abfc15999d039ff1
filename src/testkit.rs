//! What tests that drive outside programs (tmux) do when the program is missing: skip with a
//! clear message on a developer's machine, fail under CI (where `.ci/run` installs it), so
//! that `cargo test` passes on a fresh clone and CI never silently tests less.

use std::ffi::OsStr;
use std::path::Path;

/// What a test that needs a program should do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    /// The program is on the PATH: run the test.
    Run,
    /// The program is missing and this is not CI: skip, saying why.
    Skip(String),
    /// The program is missing under CI: fail, saying why.
    Fail(String),
}

/// Decides for `program`, given the PATH and the value of `CI` (as the environment has them).
pub fn requirement(program: &str, path: Option<&OsStr>, ci: Option<&OsStr>) -> Requirement {
    let found =
        path.is_some_and(|p| std::env::split_paths(p).any(|dir| executable(&dir.join(program))));
    if found {
        return Requirement::Run;
    }
    // CI runs with CI=true (GitHub, GitLab and .ci/run's callers set it); "false" or empty is not CI.
    let in_ci = ci.is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
    if in_ci {
        Requirement::Fail(format!(
            "{program} is not on the PATH, and CI is set: CI must install it (.ci/run does)"
        ))
    } else {
        Requirement::Skip(format!(
            "skipped: {program} is not installed (install it to run this test; under CI=true it fails instead)"
        ))
    }
}

/// A voice log made of a JSON object, as if the API had sent it: the unit tests' shorthand.
/// Panics on anything but an object.
#[cfg(test)]
pub fn log(v: serde_json::Value) -> crate::api::model::VoiceLog {
    let serde_json::Value::Object(o) = v else {
        panic!("object")
    };
    crate::api::model::VoiceLog::from_object(o)
}

/// The ID `00000000-0000-4000-8000-<n on 12 digits>`: the unit tests' shorthand for a log ID.
#[cfg(test)]
pub fn uuid(n: u32) -> uuid::Uuid {
    uuid::Uuid::parse_str(&format!("00000000-0000-4000-8000-{n:012}")).unwrap()
}

fn executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// Whether a test needing `program` should run: prints why when it skips, and panics when the
/// program is missing under CI.
pub fn require(program: &str) -> bool {
    let path = std::env::var_os("PATH");
    let ci = std::env::var_os("CI");
    match requirement(program, path.as_deref(), ci.as_deref()) {
        Requirement::Run => true,
        Requirement::Skip(why) => {
            eprintln!("{why}");
            false
        }
        Requirement::Fail(why) => panic!("{why}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_program_skips_outside_ci_and_fails_under_ci() {
        let empty = tempfile::tempdir().unwrap();
        let path = empty.path().as_os_str();
        let skip = requirement("tmux", Some(path), None);
        assert!(
            matches!(&skip, Requirement::Skip(why) if why.contains("tmux is not installed")),
            "{skip:?}"
        );
        assert!(matches!(
            requirement("tmux", Some(path), Some(OsStr::new("false"))),
            Requirement::Skip(_)
        ));
        assert!(matches!(
            requirement("tmux", None, None),
            Requirement::Skip(_)
        ));
        let fail = requirement("tmux", Some(path), Some(OsStr::new("true")));
        assert!(
            matches!(&fail, Requirement::Fail(why) if why.contains("CI must install it")),
            "{fail:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_executable_on_the_path_runs_and_a_plain_file_does_not() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let tool = dir.path().join("tmux");
        std::fs::write(&tool, "#!/bin/sh\n").unwrap();
        let path = std::env::join_paths([Path::new("/nonexistent"), dir.path()]).unwrap();
        let ci = Some(OsStr::new("true"));
        assert!(matches!(
            requirement("tmux", Some(&path), ci),
            Requirement::Fail(_)
        ));
        std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(requirement("tmux", Some(&path), ci), Requirement::Run);
    }
}
