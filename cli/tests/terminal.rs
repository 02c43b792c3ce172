//! What a person at a terminal sees and leaves behind: progress in bytes with an ETA for a
//! large send and totals for the fetch (in a real terminal, tmux), and the files hushpost
//! creates — the editor's draft, saved attachments, the store, locks — private (0600 files,
//! 0700 folders), as the README promises.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
use common::tmux::Tmux;
use common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

fn big_file(path: &Path, len: usize) {
    use rand::{RngCore, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(18);
    let mut buf = vec![0u8; len];
    rng.fill_bytes(&mut buf);
    std::fs::write(path, buf).expect("write");
}

/// Runs `cmd` in a tmux pane and collects every distinct screen line while it runs (the
/// progress bar is redrawn in place); returns them once the command printed `DONE n`.
fn watch(t: &Tmux, name: &str, cmd: &str) -> (Vec<String>, String) {
    t.open_shell(name, &format!("{cmd}; echo \"DONE $?\"; sleep 600"));
    let start = Instant::now();
    let mut seen: Vec<String> = Vec::new();
    loop {
        let s = t.capture(name);
        for l in s.lines() {
            let l = l.trim_end().to_string();
            if !l.is_empty() && !seen.contains(&l) {
                seen.push(l);
            }
        }
        if let Some(rest) = s.split("DONE ").nth(1) {
            let code = rest.split_whitespace().next().unwrap_or("").to_string();
            return (seen, code);
        }
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "{cmd} did not finish:\n{s}"
        );
        std::thread::sleep(Duration::from_millis(40));
    }
}

#[test]
fn a_large_send_and_its_fetch_show_progress_in_bytes() {
    if !require("tmux") {
        return;
    }
    let t0 = tempdir();
    let (a, b, _drop) = pair(t0.path());
    a.cover_off();
    b.cover_off();
    let file = t0.path().join("video.bin");
    big_file(&file, 48 << 20);
    let bin = assert_cmd::cargo::cargo_bin("hushpost");
    let t = Tmux::new("progress");
    let (lines, code) = watch(
        &t,
        "send",
        &format!(
            "echo 'the video' | env HUSHPOST_HOME='{}' NO_COLOR=1 '{}' send --to bob --subject video --attach '{}'",
            a.home.display(),
            bin.display(),
            file.display()
        ),
    );
    assert_eq!(code, "0", "{lines:#?}");
    let bar: Vec<&String> = lines.iter().filter(|l| l.contains("sending")).collect();
    assert!(!bar.is_empty(), "no progress bar: {lines:#?}");
    // Bytes done of the total, a rate and an estimate; never "blobs" labelled as bytes.
    let total = bar
        .iter()
        .find(|l| l.contains("/48.00 MiB") && l.contains("ETA") && l.contains("/s"));
    assert!(total.is_some(), "{bar:#?}");
    assert!(!bar.iter().any(|l| l.contains("blobs")), "{bar:#?}");

    let (lines, code) = watch(
        &t,
        "fetch",
        &format!(
            "env HUSHPOST_HOME='{}' NO_COLOR=1 '{}' fetch",
            b.home.display(),
            bin.display()
        ),
    );
    assert_eq!(code, "0", "{lines:#?}");
    // The summary has the totals: blobs, bytes and time.
    let summary = lines
        .iter()
        .find(|l| l.contains("1 new message"))
        .unwrap_or_else(|| panic!("{lines:#?}"));
    assert!(
        summary.contains(" blobs, ") && summary.contains("MiB in "),
        "{summary}"
    );
}

/// Every regular file under `dir` is 0600 (or stricter) and every folder 0700.
fn assert_private(dir: &Path) {
    for e in walkdir(dir) {
        let m = std::fs::symlink_metadata(&e).expect("stat");
        let mode = m.permissions().mode() & 0o777;
        if m.is_dir() {
            assert_eq!(mode, 0o700, "{} is {mode:o}", e.display());
        } else if m.is_file() {
            assert_eq!(mode & 0o077, 0, "{} is {mode:o}", e.display());
        }
    }
}

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    let mut i = 0;
    while i < out.len() {
        if out[i].is_dir()
            && !std::fs::symlink_metadata(&out[i])
                .expect("stat")
                .file_type()
                .is_symlink()
        {
            for e in std::fs::read_dir(&out[i]).expect("ls") {
                out.push(e.expect("entry").path());
            }
        }
        i += 1;
    }
    out
}

#[test]
fn drafts_saved_attachments_and_the_store_are_private() {
    if !require("tmux") {
        return;
    }
    let t0 = tempdir();
    let (a, b, _drop) = pair(t0.path());
    a.cover_off();
    // The editor notes the draft's and its folder's modes, then writes the body.
    let log = t0.path().join("editor.log");
    let editor = t0.path().join("editor.sh");
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\nstat -c '%a %n' \"$1\" \"$(dirname \"$1\")\" > '{}'\necho 'written in the editor' > \"$1\"\n",
            log.display()
        ),
    )
    .expect("editor");
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let att = t0.path().join("notes.txt");
    std::fs::write(&att, "quarterly numbers\n").expect("write");
    let bin = assert_cmd::cargo::cargo_bin("hushpost");
    let t = Tmux::new("drafts");
    // umask 022, as most shells have: hushpost must not rely on it.
    t.open_shell(
        "s",
        &format!(
            "umask 022; env HUSHPOST_HOME='{}' NO_COLOR=1 EDITOR='{}' '{}' send --to bob --subject drafted --attach '{}'; echo \"DONE $?\"; sleep 600",
            a.home.display(),
            editor.display(),
            bin.display(),
            att.display()
        ),
    );
    let s = t.wait_for("s", "DONE ");
    assert!(s.contains("DONE 0"), "{s}");
    let modes = std::fs::read_to_string(&log).expect("the editor ran");
    let mut lines = modes.lines();
    let draft = lines.next().expect("draft line");
    let folder = lines.next().expect("folder line");
    assert!(
        draft.starts_with("600 ") && draft.contains("drafts/draft-"),
        "{draft}"
    );
    assert!(
        folder.starts_with("700 ") && folder.ends_with("drafts"),
        "{folder}"
    );

    b.ok(&["fetch"]);
    let saved = t0.path().join("saved");
    let id = b.list_json(&[])[0]["id"].as_i64().expect("id").to_string();
    b.ok(&[
        "read",
        &id,
        "--save-attachments",
        saved.to_str().expect("utf8"),
    ]);
    assert_eq!(
        std::fs::read_to_string(saved.join("notes.txt")).expect("saved"),
        "quarterly numbers\n"
    );
    assert_private(&saved);
    assert_private(&a.home);
    assert_private(&b.home);
}

/// An editor that exits non-zero (vim's `:cq`): a draft left as it was given is removed
/// (nothing to keep, nothing sent); one with words in it is kept and its path named.
#[test]
fn an_aborted_editor_keeps_only_a_draft_with_words_in_it() {
    if !require("tmux") {
        return;
    }
    let t0 = tempdir();
    let (a, _b, _drop) = pair(t0.path());
    a.cover_off();
    let bin = assert_cmd::cargo::cargo_bin("hushpost");
    let drafts = a.home.join("drafts");
    let typed = t0.path().join("typed.sh");
    std::fs::write(&typed, "#!/bin/sh\necho half a thought >> \"$1\"\nexit 1\n").expect("editor");
    std::fs::set_permissions(&typed, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let t = Tmux::new("cq");
    for (name, editor, kept) in [
        ("quit", "false".to_string(), false),
        ("typed", typed.display().to_string(), true),
    ] {
        t.open_shell(
            name,
            &format!(
                "env HUSHPOST_HOME='{}' NO_COLOR=1 EDITOR='{editor}' '{}' send --to bob --subject s; echo \"DONE $?\"; sleep 600",
                a.home.display(),
                bin.display(),
            ),
        );
        let s = t.wait_for(name, "DONE ");
        assert!(s.contains("DONE 1"), "{s}");
        let left: Vec<_> = std::fs::read_dir(&drafts)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        if kept {
            assert!(s.contains("the draft is kept at"), "{s}");
            assert_eq!(left.len(), 1, "{left:?}");
            let text = std::fs::read_to_string(&left[0]).expect("draft");
            assert!(text.contains("half a thought"), "{text}");
        } else {
            assert!(s.contains("nothing was written: nothing sent"), "{s}");
            assert!(left.is_empty(), "{left:?}");
        }
    }
}
