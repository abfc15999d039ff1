//! What a failed request was: the chain of errors under a reqwest error, the I/O kinds in it,
//! and whether rustls is among them.

use std::error::Error as _;

pub(super) fn error_chain(e: &reqwest::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

pub(super) fn source_io_kinds(e: &reqwest::Error) -> Vec<std::io::ErrorKind> {
    let mut kinds = Vec::new();
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            kinds.push(io.kind());
        }
        source = s.source();
    }
    kinds
}

pub(super) fn has_rustls_error(e: &reqwest::Error) -> bool {
    let mut source = e.source();
    while let Some(s) = source {
        if is_rustls_error(s) {
            return true;
        }
        source = s.source();
    }
    false
}

/// Whether `e` is a rustls error, or an `io::Error` holding one at any depth. hyper-util wraps
/// the TLS stream's `io::Error` (which holds the `rustls::Error`) in another `io::Error`, and
/// `io::Error::source` skips the error it holds, so the chain alone never reaches rustls.
fn is_rustls_error(e: &(dyn std::error::Error + 'static)) -> bool {
    if e.downcast_ref::<rustls::Error>().is_some() {
        return true;
    }
    let mut io = e.downcast_ref::<std::io::Error>();
    while let Some(outer) = io {
        let Some(inner) = outer.get_ref() else {
            return false;
        };
        if inner.downcast_ref::<rustls::Error>().is_some() {
            return true;
        }
        io = inner.downcast_ref::<std::io::Error>();
    }
    false
}
