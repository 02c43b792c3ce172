//! The team's size rules, checked over every Rust file in the workspace: no function longer
//! than 120 lines and no file longer than 800 (the files a codebase's own contributors route
//! around are the 1,000-line ones). Parsed with `syn`, so braces in strings and comments do
//! not fool the count.

use std::path::{Path, PathBuf};
use syn::visit::Visit;

const MAX_FN: usize = 120;
const MAX_FILE: usize = 800;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("ls") {
        let p = e.expect("entry").path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() {
            // Build output and the fuzz workspaces' generated corpora are not ours to size.
            if !matches!(
                name,
                "target" | ".git" | "corpus" | "artifacts" | "node_modules"
            ) {
                rust_files(&p, out);
            }
        } else if name.ends_with(".rs") {
            out.push(p);
        }
    }
}

struct Fns<'a> {
    file: &'a Path,
    long: Vec<String>,
}

impl Fns<'_> {
    fn check(&mut self, sig: &syn::Signature, body: &syn::Block) {
        let start = sig.fn_token.span.start().line;
        let end = body.brace_token.span.close().end().line;
        let lines = end - start + 1;
        if lines > MAX_FN {
            self.long.push(format!(
                "{}:{start}: fn {} is {lines} lines",
                self.file.display(),
                sig.ident
            ));
        }
    }
}

impl<'ast> Visit<'ast> for Fns<'_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.check(&f.sig, &f.block);
        syn::visit::visit_item_fn(self, f);
    }
    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.check(&f.sig, &f.block);
        syn::visit::visit_impl_item_fn(self, f);
    }
    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let Some(b) = &f.default {
            self.check(&f.sig, b);
        }
        syn::visit::visit_trait_item_fn(self, f);
    }
}

#[test]
fn no_function_over_120_lines_and_no_file_over_800() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(files.len() > 100, "found only {} Rust files", files.len());
    let mut problems = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read");
        let n = text.lines().count();
        if n > MAX_FILE {
            problems.push(format!("{}: {n} lines", f.display()));
        }
        let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let mut v = Fns {
            file: f,
            long: Vec::new(),
        };
        v.visit_file(&ast);
        problems.extend(v.long);
    }
    assert!(problems.is_empty(), "split these:\n{}", problems.join("\n"));
}
