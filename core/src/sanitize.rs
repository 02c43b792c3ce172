//! Neutralising terminal control sequences in anything a sender controls (bodies, subjects,
//! names, file names) before it reaches a terminal: ESC/CSI/OSC (including OSC 8
//! hyperlinks and OSC 52 clipboard writes), C0 and C1 controls, and bidi overrides that
//! could disguise text. Only `\n` and `\t` pass through.

/// Makes `s` inert for a terminal: every control character except `\n` and `\t` becomes a
/// visible placeholder (`ESC` → `␛`, other C0 → the Unicode control pictures, C1 and bidi
/// controls → `�`). Escape sequences are thereby broken at their introducer and print as
/// harmless text.
pub fn for_terminal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' => {}
            '\u{1b}' => out.push('␛'),
            '\u{7f}' => out.push('␡'),
            c if (c as u32) < 0x20 => {
                out.push(char::from_u32(0x2400 + c as u32).unwrap_or('�'));
            }
            // C1 controls (0x80–0x9f) include the 8-bit CSI (0x9b) and OSC (0x9d).
            c if ('\u{80}'..='\u{9f}').contains(&c) => out.push('�'),
            // Bidirectional overrides and isolates (Trojan Source).
            '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{061c}' => out.push('�'),
            c => out.push(c),
        }
    }
    out
}

/// Like [`for_terminal`] but for one-line fields: newlines and tabs become spaces.
pub fn one_line(s: &str) -> String {
    for_terminal(s).replace(['\n', '\t'], " ")
}

/// A safe file name for saving an attachment: no directories, no leading dots, no controls.
pub fn file_name(s: &str) -> String {
    let base = s.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim_start_matches('.')
        .trim()
        .to_string();
    if cleaned.is_empty() {
        "attachment".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_of_terminal_attacks_is_inert() {
        let corpus = [
            "\x1b[2J\x1b[H",                                         // clear screen
            "\x1b]52;c;ZWNobyBwd25lZA==\x07",                        // OSC 52 clipboard write
            "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", // OSC 8 hyperlink
            "\x1b]0;new title\x07",                                  // window title
            "\u{9b}31m",                                             // 8-bit CSI
            "\u{9d}52;c;AAAA\u{9c}",                                 // 8-bit OSC
            "\x1bP+q544e\x1b\\",                                     // DCS request
            "abc\u{202e}cba",                                        // bidi override
            "\x08\x08\x08overwrite",                                 // backspaces
        ];
        for attack in corpus {
            let safe = for_terminal(attack);
            assert!(
                !safe
                    .chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\t'),
                "{safe:?}"
            );
            assert!(!safe.contains('\u{202e}'));
        }
        assert_eq!(for_terminal("plain\ttext\nok"), "plain\ttext\nok");
    }

    #[test]
    fn file_names_cannot_escape() {
        assert_eq!(file_name("../../etc/passwd"), "passwd");
        assert_eq!(file_name(".bashrc"), "bashrc");
        assert_eq!(file_name("a\x1b[31m.txt"), "a[31m.txt");
        assert_eq!(file_name(""), "attachment");
    }
}
