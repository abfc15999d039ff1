//! The terminal guard: raw mode, the alternate screen, bracketed paste and mouse capture on
//! entry; all of it undone on exit, on error (the guard's `Drop`) and on panic (the hook).

use std::io::{Write, stdout};

use crossterm::cursor::Show;
use crossterm::event::{
    DisableBracketedPaste, DisableFocusChange, DisableMouseCapture, EnableBracketedPaste,
    EnableFocusChange, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

/// Puts the terminal back as it was when dropped.
#[derive(Debug)]
pub struct TerminalGuard {
    _private: (),
}

impl TerminalGuard {
    /// Takes over the terminal. On failure, whatever was already changed is undone.
    pub fn enter() -> std::io::Result<Self> {
        install_panic_hook();
        enable_raw_mode()?;
        let guard = Self { _private: () };
        execute!(
            stdout(),
            EnterAlternateScreen,
            EnableBracketedPaste,
            EnableMouseCapture,
            EnableFocusChange
        )?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Undoes everything [`TerminalGuard::enter`] did. Each step is tried even when an earlier one
/// fails (a dropped SSH session fails them all), and each failure is logged.
pub fn restore() {
    let mut out = stdout();
    let steps: [(&str, std::io::Result<()>); 5] = [
        ("disable focus reports", execute!(out, DisableFocusChange)),
        ("disable mouse capture", execute!(out, DisableMouseCapture)),
        (
            "disable bracketed paste",
            execute!(out, DisableBracketedPaste),
        ),
        (
            "leave the alternate screen",
            execute!(out, LeaveAlternateScreen),
        ),
        ("show the cursor", execute!(out, Show)),
    ];
    for (step, result) in steps {
        if let Err(e) = result {
            tracing::warn!(step, error = %e, "terminal restore step failed");
        }
    }
    if let Err(e) = disable_raw_mode() {
        tracing::warn!(error = %e, "terminal restore step failed: disable raw mode");
    }
    let _ = out.flush();
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // Restore first, so that the panic message lands on a usable terminal.
        restore();
        previous(info);
    }));
}
