//! A one-line text field (search, prompts, compose headers, setup forms): the text, a
//! cursor, and the usual editing keys. Masked fields never render their text.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// One line of editable text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    /// The text.
    pub text: String,
    /// Cursor position in chars.
    pub cursor: usize,
    /// Show `•` instead of the text (passphrases).
    pub masked: bool,
}

impl LineInput {
    /// A field holding `text`, cursor at the end.
    pub fn with(text: &str) -> LineInput {
        LineInput {
            text: text.to_string(),
            cursor: text.chars().count(),
            masked: false,
        }
    }

    /// An empty masked field.
    pub fn masked() -> LineInput {
        LineInput {
            // Room up front, so typing never reallocates and leaves copies behind.
            text: String::with_capacity(256),
            cursor: 0,
            masked: true,
        }
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }

    /// Inserts text at the cursor (control characters dropped: this is one line).
    pub fn insert(&mut self, s: &str) {
        for c in s.chars().filter(|c| !c.is_control()) {
            let at = self.byte_at(self.cursor);
            self.text.insert(at, c);
            self.cursor += 1;
        }
    }

    /// Replaces everything.
    pub fn set(&mut self, s: &str) {
        self.text.clear();
        self.cursor = 0;
        self.insert(s);
    }

    /// Handles an editing key; false when the key is not an editing key.
    pub fn key(&mut self, k: &KeyEvent) -> bool {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        let len = self.text.chars().count();
        match k.code {
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = len,
            KeyCode::Char('u') if ctrl => {
                let at = self.byte_at(self.cursor);
                self.text.replace_range(..at, "");
                self.cursor = 0;
            }
            KeyCode::Char('k') if ctrl => {
                let at = self.byte_at(self.cursor);
                self.text.truncate(at);
            }
            KeyCode::Char('w') if ctrl => {
                let chars: Vec<char> = self.text.chars().collect();
                let mut i = self.cursor;
                while i > 0 && chars[i - 1] == ' ' {
                    i -= 1;
                }
                while i > 0 && chars[i - 1] != ' ' {
                    i -= 1;
                }
                let (a, b) = (self.byte_at(i), self.byte_at(self.cursor));
                self.text.replace_range(a..b, "");
                self.cursor = i;
            }
            KeyCode::Char(c) if !ctrl => self.insert(&c.to_string()),
            KeyCode::Backspace if self.cursor > 0 => {
                let at = self.byte_at(self.cursor - 1);
                self.text.remove(at);
                self.cursor -= 1;
            }
            KeyCode::Backspace => {}
            KeyCode::Delete if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
            }
            KeyCode::Delete => {}
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(len),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = len,
            _ => return false,
        }
        true
    }

    /// Takes a masked field's text as a secret and wipes the field.
    pub fn take_secret(&mut self) -> secrecy::SecretString {
        use zeroize::Zeroize;
        let s = secrecy::SecretString::from(self.text.as_str());
        self.text.zeroize();
        self.cursor = 0;
        s
    }

    /// What to draw.
    pub fn shown(&self) -> String {
        if self.masked {
            "•".repeat(self.text.chars().count())
        } else {
            hushpost_ops::core::sanitize::one_line(&self.text)
        }
    }

    /// Cursor column in the shown text.
    pub fn cursor_col(&self) -> u16 {
        let before: String = self.shown().chars().take(self.cursor).collect();
        crate::fmt::width(&before) as u16
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEvent;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn edits_at_the_cursor() {
        let mut i = LineInput::with("helo");
        i.key(&k(KeyCode::Left));
        i.key(&k(KeyCode::Char('l')));
        assert_eq!(i.text, "hello");
        i.key(&KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL));
        assert_eq!(i.text, "o");
        i.insert("a\x1b[2Jb");
        assert_eq!(i.text, "a[2Jbo");
    }
}
