//! Fails with an error that carries the event's `error_msg`, written as Rust's `Debug` writes
//! a string (quoted).

mod runtime;

use runtime::{Context, HandlerError};

/// The string value of `"error_msg"` in a flat JSON event (no escapes inside), if any.
fn error_msg(event: &str) -> Option<String> {
    let (_, after) = event.split_once("\"error_msg\"")?;
    let (_, value) = after.split_once('"')?;
    let (message, _) = value.split_once('"')?;
    Some(message.to_string())
}

fn handler(event: &str, _context: &Context) -> Result<String, HandlerError> {
    let message = error_msg(event).unwrap_or_default();
    Err(format!("Error: {message:?}").into())
}

fn main() {
    runtime::run(handler);
}
