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
//! only for the last word, only from 4 letters, and never once the user typed a space.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rusqlite::OptionalExtension;

use crate::query::{SUMMARY_COLS, summary_from_row};
use crate::{Store, StoreError, Summary};

/// A last word at least this long also matches as a prefix ("meet" finds "meeting");
/// shorter prefixes match too many terms to be useful or fast.
const PREFIX_MIN_CHARS: usize = 4;

/// Turns user text into an FTS5 expression: each whitespace-separated word as a quoted
/// phrase (all must match), the last one also as a prefix — unless the text ends with
/// whitespace or a quote, the user's way of saying the word is complete (and the cheaper
/// query: a prefix makes FTS5 collect every matching document before the walk can stop).
/// `None` when nothing searchable is left (empty input, or only punctuation, which the
/// tokenizer would drop anyway).
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
            let quoted = format!("\"{}\"", w.replace('"', "\"\""));
            let alnum = w.chars().filter(|c| c.is_alphanumeric()).count();
            if i == last && !complete && alnum >= PREFIX_MIN_CHARS {
                quoted + "*"
            } else {
                quoted
            }
        })
        .collect();
    Some(terms.join(" "))
}

impl Store {
    /// Messages whose subject, body text or contact name contain every word of `query`,
    /// newest first; at most `limit` (0 = all). Case and diacritics are ignored. The last
    /// word, if it has 4 or more letters and the query does not end with a space or `"`,
    /// also matches as a prefix ("meet" finds "meeting"). Any text is accepted — quotes,
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
            Some("\"hello\" \"world\"*")
        );
        assert_eq!(fts_expression("a\"b").as_deref(), Some("\"a\"\"b\""));
        assert_eq!(fts_expression("go").as_deref(), Some("\"go\""));
        assert_eq!(fts_expression("meet").as_deref(), Some("\"meet\"*"));
        assert_eq!(fts_expression("meet ").as_deref(), Some("\"meet\""));
        assert_eq!(
            fts_expression("\"meet\"").as_deref(),
            Some("\"\"\"meet\"\"\"")
        );
    }

    #[test]
    fn nothing_searchable_gives_none() {
        assert_eq!(fts_expression(""), None);
        assert_eq!(fts_expression("  \t "), None);
        assert_eq!(fts_expression("* - \" ("), None);
    }
}
