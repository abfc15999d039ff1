//! Running `token_command`: through the shell, with its output capped and a time limit, after
//! which the command and everything it started are killed.

use std::io::Read as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The most of a token command's output read (a token is some 50 bytes).
const MAX_OUTPUT: u64 = 64 * 1024;

/// Why a token command gave no token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// It could not be started, or its output could not be read.
    Start(String),
    /// It ran past the limit and was killed.
    TimedOut(Duration),
    /// It exited unsuccessfully: its status and an excerpt of its stderr.
    Failed(String),
}

/// What the command printed on stdout (untrimmed), or why there is nothing.
pub fn run(command: &str, limit: Duration) -> Result<Vec<u8>, Failure> {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        // A group of its own, so that a timeout kills what the shell started too (`sleep`
        // would otherwise hold the pipes open after the shell is gone).
        use std::os::unix::process::CommandExt as _;
        cmd.process_group(0);
    }
    let mut child = cmd.spawn().map_err(|e| Failure::Start(e.to_string()))?;
    let reader = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut out = Vec::new();
            if let Some(pipe) = pipe {
                let _ = pipe.take(MAX_OUTPUT).read_to_end(&mut out);
            }
            out
        })
    };
    let stdout = reader(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
    );
    let stderr = reader(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < limit => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                kill(&mut child);
                return Err(Failure::TimedOut(limit));
            }
            Err(e) => {
                kill(&mut child);
                return Err(Failure::Start(e.to_string()));
            }
        }
    };
    let out = stdout.join().unwrap_or_default();
    let err = stderr.join().unwrap_or_default();
    if !status.success() {
        return Err(Failure::Failed(format!(
            "{status}: {}",
            crate::text::excerpt(&err)
        )));
    }
    Ok(out)
}

/// Kills the command's whole process group and reaps the shell.
fn kill(child: &mut std::process::Child) {
    #[cfg(unix)]
    if let Some(pid) = rustix::process::Pid::from_raw(child.id() as i32) {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_past_its_limit_is_killed_with_what_it_started() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("still-running");
        let command = format!("sleep 1000 & echo $! > {}; wait", marker.display());
        let started = Instant::now();
        let e = run(&command, Duration::from_millis(300)).unwrap_err();
        assert_eq!(e, Failure::TimedOut(Duration::from_millis(300)));
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        // The background sleep went with the shell.
        let pid = std::fs::read_to_string(&marker).unwrap();
        std::thread::sleep(Duration::from_millis(100));
        assert!(
            !Path::new(&format!("/proc/{}", pid.trim())).exists()
                || std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
                    .is_ok_and(|s| s.contains(") Z ")),
            "sleep {pid} survived"
        );
        assert_eq!(
            run("printf 'PT1\\n'", Duration::from_secs(5)).unwrap(),
            b"PT1\n"
        );
    }

    use std::path::Path;
}
