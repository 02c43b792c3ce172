//! One module per screen: its state (where it has any beyond [`crate::app::App`]), its
//! keys (as `impl App` blocks) and its drawing.

pub mod compose;
pub mod contacts;
pub mod help;
pub mod list;
pub mod reader;
pub mod requests;
pub mod setup;
