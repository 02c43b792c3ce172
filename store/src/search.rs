//! Full-text search over subject, body text and contact name, newest first, in a few
//! milliseconds even when a word occurs in most of a 100k-message mailbox.
//!
//! Must not pass user text to FTS5 as query syntax: every word becomes a quoted phrase, so
//! quotes, `*`, `-`, `NEAR`, `OR`, column filters and parentheses are just text.
//!
//! How it stays fast: FTS5 walks a term's doclist in rowid order cheaply, but sorting every
//! match by `sent_at` costs one row look-up per match (tens of milliseconds for a common
//! word). Ids grow with insertion and mail is mostly stored in date order, so the walk goes
//! newest id first and stops as soon as no older id can beat the current top `limit`: each
//! row carries `sent_max`, the largest `sent_at` stored up to and including it, which bounds
//! the `sent_at` of every row with a smaller id. Out-of-order mail only makes the walk
//! longer, never the answer wrong.
//!
//! A prefix term is the exception: FTS5 merges the doclists of every matching term before
//! the first row comes out, so its cost grows with how many messages match (≈2.5 ms for a
//! common word at 100k messages, ≈10 ms for a prefix of very common words) — hence prefixes
//! only for the last word, only from 3 letters ("lun" finds "Lunch"), and never once the
//! user typed a space.
//!
//! Chinese, Japanese and Korean are written without spaces between words, so the
//! `unicode61` tokenizer would index a whole run ("日本語です") as one token that only its
//! first characters could find. Text is indexed with each CJK character as its own token
//! ([`index_text`]) and a CJK query becomes the phrase of its characters, which matches
//! them side by side anywhere in a run (`日本` finds "日本語", and "東京の日本橋" too).
//! FTS5's own `trigram` tokenizer would do substrings too, but it cannot find a query of
//! fewer than 3 characters (two-character CJK words are the common case) and triples the
//! index. Mail indexed before CJK splitting is still found from the start of a run: the
//! query also asks for the unsplit run as a prefix.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use std::borrow::Cow;

use rusqlite::OptionalExtension;

use crate::query::{SUMMARY_COLS, summary_from_row};
use crate::{Store, StoreError, Summary};

/// A last word at least this long also matches as a prefix ("lun" finds "Lunch");
/// shorter prefixes match too many terms to be useful or fast.
const PREFIX_MIN_CHARS: usize = 3;

/// Whether `c` is written without spaces between words: Han ideographs, kana, Hangul.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11FF}'       // Hangul Jamo
        | '\u{3040}'..='\u{30FF}'     // Hiragana, Katakana
        | '\u{31F0}'..='\u{31FF}'     // Katakana extensions
        | '\u{3400}'..='\u{4DBF}'     // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'     // CJK unified ideographs
        | '\u{AC00}'..='\u{D7AF}'     // Hangul syllables
        | '\u{F900}'..='\u{FAFF}'     // CJK compatibility ideographs
        | '\u{FF66}'..='\u{FF9F}'     // half-width Katakana
        | '\u{20000}'..='\u{3134F}' // CJK extensions B–G
    )
}

/// The text the full-text index sees: every CJK character set apart by spaces, so each is
/// a token of its own (the index stores no text; this is only what it tokenizes).
pub(crate) fn index_text(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_cjk) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    for c in text.chars() {
        if is_cjk(c) {
            out.push(' ');
            out.push(c);
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn quote(w: &str) -> String {
    format!("\"{}\"", w.replace('"', "\"\""))
}

/// Turns user text into an FTS5 expression: each whitespace-separated word as a quoted
/// phrase (all must match), the last one also as a prefix — unless the text ends with
/// whitespace or a quote, the user's way of saying the word is complete (and the cheaper
/// query: a prefix makes FTS5 collect every matching document before the walk can stop).
/// A word with CJK characters is the phrase of its characters, or (mail indexed before
/// they were split) the unsplit run as a prefix. `None` when nothing searchable is left
/// (empty input, or only punctuation, which the tokenizer would drop anyway).
pub(crate) fn fts_expression(user: &str) -> Option<String> {
    let words: Vec<&str> = user
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    let last = words.len().checked_sub(1)?;
    let complete = user.ends_with(|c: char| c.is_whitespace() || c == '"');
    let terms: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let quoted = quote(w);
            if w.chars().any(is_cjk) {
                return format!("({} OR {quoted}*)", quote(&index_text(w)));
            }
            let alnum = w.chars().filter(|c| c.is_alphanumeric()).count();
            if i == last && !complete && alnum >= PREFIX_MIN_CHARS {
                quoted + "*"
            } else {
                quoted
            }
        })
        .collect();
    Some(terms.join(" AND "))
}

impl Store {
    /// Messages whose subject, body text or contact name contain every word of `query`,
    /// newest first; at most `limit` (0 = all). Case and diacritics are ignored. The last
    /// word, if it has 3 or more letters and the query does not end with a space or `"`,
    /// also matches as a prefix ("lun" finds "Lunch"); CJK text matches anywhere in a run
    /// of characters (`日本` finds "日本語"). Any text is accepted — quotes,
    /// `*`, `OR` are plain text; an empty query finds nothing.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Summary>, StoreError> {
        let Some(expr) = fts_expression(query) else {
            return Ok(Vec::new());
        };
        let mut hits = self
            .conn
            .prepare_cached("SELECT rowid FROM fts WHERE fts MATCH ?1 ORDER BY rowid DESC")?;
        let mut keys = self
            .conn
            .prepare_cached("SELECT sent_at, sent_max FROM messages WHERE id = ?1")?;

        // Min-heap of the best (sent_at, id) so far; its top is the weakest kept.
        let mut best: BinaryHeap<Reverse<(i64, i64)>> = BinaryHeap::new();
        let mut rows = hits.query([&expr])?;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            let Some((sent_at, sent_max)) = keys
                .query_row([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
                .optional()?
            else {
                continue;
            };
            let key = (sent_at, id);
            if limit == 0 || best.len() < limit {
                best.push(Reverse(key));
            } else if best.peek().is_some_and(|Reverse(weakest)| key > *weakest) {
                best.pop();
                best.push(Reverse(key));
            }
            // Every row still to come has a smaller id and sent_at <= sent_max.
            if limit > 0
                && best.len() == limit
                && best
                    .peek()
                    .is_some_and(|Reverse((weakest, _))| *weakest >= sent_max)
            {
                break;
            }
        }
        drop(rows);

        let mut order: Vec<(i64, i64)> = best.into_iter().map(|Reverse(k)| k).collect();
        order.sort_unstable_by(|a, b| b.cmp(a));
        let mut one = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLS} FROM messages m WHERE m.id = ?1"
        ))?;
        let mut out = Vec::with_capacity(order.len());
        for (_, id) in order {
            if let Some(s) = one.query_row([id], summary_from_row).optional()? {
                out.push(s);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_and_the_last_is_a_prefix() {
        assert_eq!(
            fts_expression("hello world").as_deref(),
            Some("\"hello\" AND \"world\"*")
        );
        assert_eq!(fts_expression("a\"b").as_deref(), Some("\"a\"\"b\""));
        assert_eq!(fts_expression("go").as_deref(), Some("\"go\""));
        assert_eq!(fts_expression("lun").as_deref(), Some("\"lun\"*"));
        assert_eq!(fts_expression("meet").as_deref(), Some("\"meet\"*"));
        assert_eq!(fts_expression("meet ").as_deref(), Some("\"meet\""));
        assert_eq!(
            fts_expression("\"meet\"").as_deref(),
            Some("\"\"\"meet\"\"\"")
        );
    }

    #[test]
    fn cjk_is_a_phrase_of_characters() {
        assert_eq!(index_text("plain"), "plain");
        assert_eq!(index_text("日本語です"), " 日  本  語  で  す ");
        assert_eq!(
            fts_expression("日本").as_deref(),
            Some("(\" 日  本 \" OR \"日本\"*)")
        );
    }

    #[test]
    fn nothing_searchable_gives_none() {
        assert_eq!(fts_expression(""), None);
        assert_eq!(fts_expression("  \t "), None);
        assert_eq!(fts_expression("* - \" ("), None);
    }
}
