//! `hushpost gen-docs` (hidden): man pages and completions from the clap definitions, so
//! they can never drift from `--help` (the test suite regenerates and compares).

use crate::Ctx;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// Write man pages into OUT/man and completions into OUT/completions.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder that holds man/ and completions/ (the repository root).
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
}

fn man_pages(cmd: &clap::Command, prefix: &str, dir: &Path) -> Result<()> {
    let name = if prefix.is_empty() {
        cmd.get_name().to_string()
    } else {
        format!("{prefix}-{}", cmd.get_name())
    };
    let mut page = cmd.clone().name(name.clone());
    // NAME reads "hushpost \- ABOUT": an about that starts with the name would say it twice.
    if let Some(about) = cmd.get_about().map(ToString::to_string)
        && let Some(rest) = about.strip_prefix(&format!("{name} — "))
    {
        page = page.about(rest.to_string());
    }
    // The built-in `help` subcommand has no page of its own: do not list one that is not
    // there (SUBCOMMANDS said "hushpost-outbox-help(1)").
    if cmd.find_subcommand("help").is_some() {
        page = page.mut_subcommand("help", |s| s.hide(true));
    }
    let mut buf = Vec::new();
    clap_mangen::Man::new(page).render(&mut buf)?;
    let path = dir.join(format!("{name}.1"));
    // Man pages are public documentation, meant to be world-readable: not a private file.
    #[allow(clippy::disallowed_methods)]
    std::fs::write(&path, buf).with_context(|| format!("cannot write {}", path.display()))?;
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        man_pages(sub, &name, dir)?;
    }
    Ok(())
}

/// Generates everything under `out`.
pub fn generate(out: &Path) -> Result<()> {
    let mut cmd = crate::command();
    cmd.build();
    let man = out.join("man");
    let comp = out.join("completions");
    std::fs::create_dir_all(&man)?;
    std::fs::create_dir_all(&comp)?;
    man_pages(&cmd, "", &man)?;
    for (shell, file) in crate::complete::SHELLS {
        let mut script = Vec::new();
        crate::complete::registration(shell, &mut script)?;
        // Completion scripts are public, world-readable files, as the man pages.
        #[allow(clippy::disallowed_methods)]
        std::fs::write(comp.join(file), script)?;
    }
    Ok(())
}

/// Runs `gen-docs`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    generate(&args.out)?;
    ctx.ui.note(format!(
        "wrote {}/man and {}/completions",
        args.out.display(),
        args.out.display()
    ));
    Ok(())
}
