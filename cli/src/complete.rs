//! Shell completion. The scripts in `completions/` (and `hushpost completions SHELL`) only
//! register hushpost with the shell; at each Tab the shell runs `hushpost` again with
//! `HUSHPOST_COMPLETE=<shell>` and clap_complete's engine answers from the same definitions as
//! `--help`, so subcommands and flags never drift and NAME arguments offer the contacts.
//!
//! Must not: prompt, print anything but candidates, or read a locked keyring.

use clap_complete::CompletionCandidate;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};

/// The variable the scripts set to ask for completions.
pub const VAR: &str = "HUSHPOST_COMPLETE";

/// The file `gen-docs` writes for each shell, and the shell's name as `completions` takes it.
pub const SHELLS: [(&str, &str); 5] = [
    ("bash", "hushpost.bash"),
    ("zsh", "_hushpost"),
    ("fish", "hushpost.fish"),
    ("elvish", "hushpost.elv"),
    ("powershell", "_hushpost.ps1"),
];

/// The registration script for `shell` (one of [`SHELLS`]).
pub fn registration(shell: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let completer: &dyn EnvCompleter = match shell {
        "bash" => &Bash,
        "zsh" => &Zsh,
        "fish" => &Fish,
        "elvish" => &Elvish,
        _ => &Powershell,
    };
    if shell != "bash" {
        return completer.write_registration(VAR, "hushpost", "hushpost", "hushpost", out);
    }
    let mut script = Vec::new();
    completer.write_registration(VAR, "hushpost", "hushpost", "hushpost", &mut script)?;
    // bash hands the function the word without an opening quote; the word as typed (which
    // says whether the user opened one) goes along, so a name is not escaped inside quotes
    // (`--to "frank\ smith"` would be a different name). clap_complete has no hook for it.
    let script = String::from_utf8_lossy(&script).replacen(
        &format!("{VAR}=\"bash\" \\\n"),
        &format!("{VAR}=\"bash\" \\\n        {WORD_VAR}=\"${{COMP_WORDS[COMP_CWORD]}}\" \\\n"),
        1,
    );
    out.write_all(script.as_bytes())
}

/// The word being completed as the user typed it (bash only; see [`registration`]).
const WORD_VAR: &str = "_HUSHPOST_COMP_WORD";

/// Contact names (from an unlocked agent, or a keyring without a passphrase).
pub fn contacts() -> Vec<CompletionCandidate> {
    let Ok(home) = hushpost_ops::Home::from_env() else {
        return Vec::new();
    };
    // bash inserts a candidate as it is: a name with a space ("frank smith") must come
    // escaped or it becomes two words.
    // (clap_complete has removed HUSHPOST_COMPLETE by now; only bash's script sets this.)
    let bash = std::env::var_os("_CLAP_COMPLETE_COMP_TYPE").is_some();
    let quote = std::env::var(WORD_VAR)
        .ok()
        .and_then(|w| w.chars().next())
        .filter(|c| *c == '"' || *c == '\'');
    hushpost_ops::agent::contact_names(&home)
        .into_iter()
        // A name with a control character would be typed into the user's shell line.
        .filter(|n| !n.chars().any(char::is_control))
        .filter_map(|n| match (bash, quote) {
            (false, _) => Some(n),
            (true, None) => Some(shell_escaped(&n)),
            (true, Some(q)) => in_quotes(&n, q),
        })
        .map(CompletionCandidate::new)
        .collect()
}

/// `n` as it goes inside the quote `q` the user opened: within "…" only `"`, `\`, `$` and
/// `` ` `` take a backslash; within '…' nothing can, so a name holding `'` is not offered.
fn in_quotes(n: &str, q: char) -> Option<String> {
    if q == '\'' {
        return (!n.contains('\'')).then(|| n.to_string());
    }
    let mut out = String::with_capacity(n.len());
    for c in n.chars() {
        if "\"\\$`".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    Some(out)
}

/// `n` with a backslash before every character a shell word cannot hold as it is.
fn shell_escaped(n: &str) -> String {
    let mut out = String::with_capacity(n.len());
    for c in n.chars() {
        if !(c.is_alphanumeric() || "._-+@%,:/=".contains(c)) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_escaped_for_bash() {
        assert_eq!(super::shell_escaped("frank smith"), "frank\\ smith");
        assert_eq!(super::shell_escaped("o'brien"), "o\\'brien");
        assert_eq!(super::shell_escaped("zoë"), "zoë");
    }

    #[test]
    fn names_inside_quotes_are_not_escaped_twice() {
        assert_eq!(super::in_quotes("frank smith", '"').unwrap(), "frank smith");
        assert_eq!(super::in_quotes("a\"b$c", '"').unwrap(), "a\\\"b\\$c");
        assert_eq!(
            super::in_quotes("frank smith", '\'').unwrap(),
            "frank smith"
        );
        assert!(super::in_quotes("o'brien", '\'').is_none());
    }

    #[test]
    fn bash_passes_the_word_as_typed() {
        let mut out = Vec::new();
        super::registration("bash", &mut out).unwrap();
        let script = String::from_utf8(out).unwrap();
        assert!(
            script.contains("_HUSHPOST_COMP_WORD=\"${COMP_WORDS[COMP_CWORD]}\""),
            "{script}"
        );
    }
}
