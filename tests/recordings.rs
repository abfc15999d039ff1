//! `swlog recordings` as a user runs it, against the demo and against a raw loopback server
//! that streams what a live space can: a file with exactly the server's bytes, a 150 MB
//! recording saved in little memory, an existing file never overwritten, a connection cut
//! halfway leaving nothing that looks finished, and a recording `uri` on another origin never
//! fetched.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use swlog::api::paths::compat;
use swlog::demo::ids;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{PROJECT, Swlog, id, log_path};

/// The recording the raw server serves.
const SID: &str = "RE0000000000000000000000000000150";

/// How the raw server sends the audio.
#[derive(Clone)]
struct Audio {
    /// Bytes announced in Content-Length.
    length: u64,
    /// Bytes sent before the last one (or before closing, when `cut`).
    send: u64,
    /// Close the connection after `send` bytes instead of finishing.
    cut: bool,
    /// Told when all but the last byte are sent; the last waits for `release`.
    held: Arc<Notify>,
    release: Arc<Notify>,
    /// The recording's `uri`, when it has one.
    uri: Option<String>,
}

/// The byte at `i` of the raw server's audio: a pattern, so a shifted or lost piece shows.
fn byte_at(i: u64) -> u8 {
    (i % 251) as u8
}

/// A raw HTTP/1.1 server with one LaML log (`id(1)`), its one recording and the audio.
async fn server(audio: Audio) -> String {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let audio = audio.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 2048];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let target = head.split(' ').nth(1).unwrap_or_default().to_owned();
                let json_reply = |body: String| {
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    )
                };
                if target == log_path(&id(1)) {
                    let body = json!({"id": id(1), "type": "laml_call", "status": "completed"});
                    let _ = socket
                        .write_all(json_reply(body.to_string()).as_bytes())
                        .await;
                } else if target == compat::call_recordings(PROJECT, id(1)) {
                    let mut rec = json!({"sid": SID, "duration": "3600", "status": "completed"});
                    if let Some(uri) = &audio.uri {
                        rec["uri"] = json!(uri);
                    }
                    let body = json!({"recordings": [rec], "next_page_uri": null});
                    let _ = socket
                        .write_all(json_reply(body.to_string()).as_bytes())
                        .await;
                } else if target.starts_with(&compat::recording(PROJECT, SID)) {
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: audio/x-wav\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                        audio.length
                    );
                    if socket.write_all(head.as_bytes()).await.is_err() {
                        return;
                    }
                    let mut sent = 0u64;
                    let mut chunk = vec![0u8; 64 * 1024];
                    while sent < audio.send {
                        let n = (audio.send - sent).min(chunk.len() as u64) as usize;
                        for (k, b) in chunk[..n].iter_mut().enumerate() {
                            *b = byte_at(sent + k as u64);
                        }
                        if socket.write_all(&chunk[..n]).await.is_err() {
                            return;
                        }
                        sent += n as u64;
                    }
                    if audio.cut {
                        let _ = socket.shutdown().await;
                        return;
                    }
                    audio.held.notify_one();
                    audio.release.notified().await;
                    for i in sent..audio.length {
                        let _ = socket.write_all(&[byte_at(i)]).await;
                    }
                } else {
                    let _ = socket
                        .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")
                        .await;
                }
                let _ = socket.shutdown().await;
            });
        }
    });
    base
}

fn audio(length: u64) -> Audio {
    Audio {
        length,
        send: length.saturating_sub(1),
        cut: false,
        held: Arc::new(Notify::new()),
        release: Arc::new(Notify::new()),
        uri: None,
    }
}

/// Every name in `dir`.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn the_demo_recording_is_saved_with_exactly_the_servers_bytes_and_plays_as_wav() {
    let dir = tempfile::tempdir().unwrap();
    let ran = Swlog::bare()
        .args(["--demo", "recordings", ids::CHAIN_ROOT, "--download"])
        .args([dir.path()])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stdout.contains(swlog::demo::compat::RECORDING),
        "{}",
        ran.stdout
    );
    let saved = dir
        .path()
        .join(format!("{}.wav", swlog::demo::compat::RECORDING));
    assert_eq!(std::fs::read(&saved).unwrap(), swlog::demo::compat::wav());
    assert_eq!(names(dir.path()).len(), 1, "no temporary file left");
    // The same bytes through `-o -`, and only then on standard output.
    let (mut cmd, _home) = Swlog::bare()
        .args(["--demo", "recordings", ids::CHAIN_ROOT, "-o", "-"])
        .into_std();
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.stdout, swlog::demo::compat::wav());
}

#[tokio::test]
async fn an_existing_file_is_never_overwritten_and_nothing_is_asked_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join(format!("{SID}.wav"));
    std::fs::write(&mine, b"my own notes").unwrap();
    let mut a = audio(1000);
    a.send = 1000;
    a.cut = true; // were it asked, the audio would arrive
    let base = server(a).await;
    let ran = Swlog::at(&base)
        .args(["recordings", &id(1), "--download"])
        .args([dir.path()])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("exists: not overwritten, skipped"),
        "{}",
        ran.stderr
    );
    assert_eq!(std::fs::read(&mine).unwrap(), b"my own notes");
    assert_eq!(names(dir.path()), [format!("{SID}.wav")]);
    // `-o FILE` to an existing file: the same.
    let ran = Swlog::at(&base)
        .args(["recordings", &id(1), "-o"])
        .args([&mine])
        .run()
        .await;
    assert_ne!(ran.code, 0);
    assert_eq!(std::fs::read(&mine).unwrap(), b"my own notes");
}

#[tokio::test]
async fn a_connection_cut_halfway_leaves_nothing_that_looks_finished() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = audio(4_000_000);
    a.send = 2_000_000;
    a.cut = true;
    let base = server(a).await;
    let ran = Swlog::at(&base)
        .args(["recordings", &id(1), "--download"])
        .args([dir.path()])
        .run()
        .await;
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(ran.stderr.contains("incomplete"), "{}", ran.stderr);
    assert!(
        names(dir.path()).is_empty(),
        "left: {:?}",
        names(dir.path())
    );
}

#[tokio::test]
async fn a_recording_uri_on_another_origin_is_refused_not_fetched() {
    let theirs = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"RIFF".to_vec()))
        .expect(0)
        .mount(&theirs)
        .await;
    let mut a = audio(10);
    a.uri = Some(format!("{}/{SID}.wav", theirs.uri()));
    let base = server(a).await;
    let dir = tempfile::tempdir().unwrap();
    let ran = Swlog::at(&base)
        .args(["recordings", &id(1), "--download"])
        .args([dir.path()])
        .run()
        .await;
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(ran.stderr.contains("not fetched"), "{}", ran.stderr);
    assert!(names(dir.path()).is_empty());
    assert!(
        theirs
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

/// The high-water mark of a process's resident memory (`VmHWM`), in KiB.
fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[tokio::test]
async fn a_150_mb_recording_is_saved_whole_in_at_most_40_mb_of_memory() {
    if !Path::new("/proc/self/status").exists() {
        eprintln!("skipped: no /proc to read a process's peak memory from");
        return;
    }
    const LENGTH: u64 = 150 * 1024 * 1024;
    let a = audio(LENGTH);
    let (held, release) = (a.held.clone(), a.release.clone());
    let base = server(a).await;
    let dir = tempfile::tempdir().unwrap();
    let (mut cmd, _home) = Swlog::at(&base)
        .args(["recordings", &id(1), "--download"])
        .args([dir.path()])
        .into_std();
    cmd.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    let pid = child.id();
    // All but the last byte is through the child once the server holds: its peak so far is
    // the download's, read while it still runs.
    tokio::time::timeout(Duration::from_secs(120), held.notified())
        .await
        .expect("the audio was sent");
    // The last chunks may still be in the socket: let the child drain them.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let peak = vm_hwm_kib(pid).expect("the child's VmHWM");
    release.notify_one();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("peak RSS of swlog saving 150 MB: {} KiB", peak);
    assert!(peak <= 40 * 1024, "peak RSS {peak} KiB is over 40 MB");
    let saved = dir.path().join(format!("{SID}.wav"));
    let meta = std::fs::metadata(&saved).unwrap();
    assert_eq!(meta.len(), LENGTH);
    // Exactly the server's bytes: checked in pieces, never held whole.
    let mut f = std::fs::File::open(&saved).unwrap();
    let mut buf = vec![0u8; 1 << 20];
    let mut at = 0u64;
    loop {
        let n = std::io::Read::read(&mut f, &mut buf).unwrap();
        if n == 0 {
            break;
        }
        for (k, b) in buf[..n].iter().enumerate() {
            assert_eq!(*b, byte_at(at + k as u64), "byte {}", at + k as u64);
        }
        at += n as u64;
    }
    assert_eq!(names(dir.path()), [format!("{SID}.wav")]);
}

#[tokio::test]
async fn a_web_page_where_the_audio_should_be_is_refused_and_leaves_no_file() {
    let server = MockServer::start().await;
    let log = json!({"id": id(1), "type": "laml_call", "status": "completed"});
    Mock::given(wiremock::matchers::path(log_path(&id(1))))
        .respond_with(ResponseTemplate::new(200).set_body_raw(log.to_string(), "application/json"))
        .mount(&server)
        .await;
    let page = json!({"recordings": [{"sid": SID, "status": "completed"}]});
    Mock::given(wiremock::matchers::path(compat::call_recordings(
        PROJECT,
        id(1),
    )))
    .respond_with(ResponseTemplate::new(200).set_body_raw(page.to_string(), "application/json"))
    .mount(&server)
    .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "<html><body>Sign in to the Wi-Fi</body></html>",
            "text/html",
        ))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let ran = Swlog::at(&server.uri())
        .args(["recordings", &id(1), "--download"])
        .args([dir.path()])
        .run()
        .await;
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("not audio but a web page"),
        "{}",
        ran.stderr
    );
    assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
}
