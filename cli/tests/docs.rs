//! The man pages in man/ and the completions in completions/ are generated from the clap
//! definitions; this fails when they drift (regenerate with
//! `cargo run -p hushpost -- gen-docs --out .`).

use std::path::Path;

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let p = e.expect("entry").path();
            (
                p.file_name().expect("name").to_string_lossy().into_owned(),
                std::fs::read(&p).expect("read"),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn man_pages_and_completions_match_the_cli() {
    let t = tempfile::tempdir().expect("tmp");
    hushpost::commands::gen_docs::generate(t.path()).expect("generate");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for sub in ["man", "completions"] {
        let want = files(&t.path().join(sub));
        let have = files(&root.join(sub));
        let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&have),
            names(&want),
            "{sub}/ has drifted: run `cargo run -p hushpost -- gen-docs --out .`"
        );
        for ((n, a), (_, b)) in have.iter().zip(want.iter()) {
            assert!(
                a == b,
                "{sub}/{n} has drifted: run `cargo run -p hushpost -- gen-docs --out .`"
            );
        }
    }
    assert!(
        files(&root.join("man"))
            .iter()
            .any(|(n, _)| n == "hushpost-send.1")
    );
}
