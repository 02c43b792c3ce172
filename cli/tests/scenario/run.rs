//! Runs the real `hushpost` binary for one identity of the scenario: optionally inside the
//! Tor test bed's network namespace and under a skewed clock (libfaketime), always under
//! `/usr/bin/time` for its peak RSS, with a deadline, and with every stderr searched for a
//! panic. Must not: retry, hide a failure, or judge the outcome (the scenario does that).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one command did.
pub struct Out {
    pub code: i32,
    pub out: String,
    pub err: String,
}

/// One hushpost home the scenario drives.
pub struct Person {
    pub name: String,
    pub home: PathBuf,
    /// Runs inside this network namespace (the Tor contact).
    pub ns: Option<String>,
    /// A libfaketime offset (`+20m`) while a clock-skew fault is on.
    pub skew: Option<String>,
}

/// A command started and not yet waited for.
struct Pending {
    child: std::process::Child,
    t0: Instant,
    files: [PathBuf; 4],
    who: String,
    args: Vec<String>,
}

impl Pending {
    fn child_running(&mut self) -> Option<bool> {
        self.child.try_wait().ok().map(|s| s.is_none())
    }
}

/// Where the scenario keeps its bookkeeping of processes.
pub struct Runner {
    pub bin: PathBuf,
    pub scratch: PathBuf,
    pub faketime: Option<PathBuf>,
    /// Peak RSS (KiB) per command name.
    pub rss: BTreeMap<String, u64>,
    /// Every panic seen: the command and the line.
    pub panics: Vec<String>,
    /// A journal of what ran, printed with the seed when something fails.
    pub journal: Vec<String>,
    pub commands: usize,
    n: usize,
}

/// The longest one command may take before it counts as hung.
const DEADLINE: Duration = Duration::from_secs(180);

/// Any line of `text` that says a Rust program panicked.
pub fn panic_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.contains("panicked at"))
        .map(String::from)
        .collect()
}

impl Runner {
    pub fn new(scratch: &Path) -> Runner {
        std::fs::create_dir_all(scratch).expect("mkdir scratch");
        Runner {
            bin: assert_cmd::cargo::cargo_bin("hushpost"),
            scratch: scratch.to_path_buf(),
            faketime: crate::common::faketime_lib(),
            rss: BTreeMap::new(),
            panics: Vec::new(),
            journal: Vec::new(),
            commands: 0,
            n: 0,
        }
    }

    pub fn note(&mut self, line: String) {
        self.journal.push(line);
    }

    /// Runs `hushpost ARGS` as `p` with `stdin`, waits (at most [`DEADLINE`]), records its
    /// peak RSS and any panic.
    pub fn run(&mut self, p: &Person, args: &[&str], stdin: &str) -> Out {
        let pending = self.start(p, args, stdin);
        self.finish(pending)
    }

    /// Like [`Runner::run`], with `fault` done `delay` after the start (mid-transfer).
    pub fn run_during(
        &mut self,
        p: &Person,
        args: &[&str],
        delay: Duration,
        fault: impl FnOnce(),
    ) -> Out {
        let mut pending = self.start(p, args, "");
        std::thread::sleep(delay);
        let running = matches!(pending.child_running(), Some(true));
        fault();
        self.note(format!(
            "  (fault after {delay:?}, the command still running: {running})"
        ));
        self.finish(pending)
    }

    fn start(&mut self, p: &Person, args: &[&str], stdin: &str) -> Pending {
        self.n += 1;
        self.commands += 1;
        let base = self.scratch.join(format!("c{}", self.n));
        let files = [
            base.with_extension("in"),
            base.with_extension("out"),
            base.with_extension("err"),
            base.with_extension("rss"),
        ];
        std::fs::write(&files[0], stdin).expect("stdin file");
        let mut c = match &p.ns {
            Some(ns) => {
                let mut c = Command::new("ip");
                c.args(["netns", "exec", ns, "/usr/bin/time"]);
                c
            }
            None => Command::new("/usr/bin/time"),
        };
        c.args(["-f", "%M", "-o"])
            .arg(&files[3])
            .arg(&self.bin)
            .args(args)
            .env("HUSHPOST_HOME", &p.home)
            .env("NO_COLOR", "1")
            .env("RUST_BACKTRACE", "1")
            .env_remove("HUSHPOST_PASSPHRASE_FILE")
            .env_remove("HUSHPOST_LOG")
            .stdin(std::fs::File::open(&files[0]).expect("stdin"))
            .stdout(std::fs::File::create(&files[1]).expect("stdout"))
            .stderr(std::fs::File::create(&files[2]).expect("stderr"));
        if let (Some(offset), Some(lib)) = (&p.skew, &self.faketime) {
            c.env("LD_PRELOAD", lib)
                .env("FAKETIME", offset)
                .env("FAKETIME_DONT_FAKE_MONOTONIC", "1");
        }
        Pending {
            child: c.spawn().expect("spawn hushpost"),
            t0: Instant::now(),
            files,
            who: p.name.clone(),
            args: args.iter().map(|a| a.to_string()).collect(),
        }
    }

    fn finish(&mut self, mut pending: Pending) -> Out {
        let (who, args) = (pending.who.clone(), pending.args.clone());
        let code = loop {
            if let Some(s) = pending.child.try_wait().expect("wait") {
                break s.code().unwrap_or(-1);
            }
            if pending.t0.elapsed() > DEADLINE {
                let _ = pending.child.kill();
                let _ = pending.child.wait();
                self.panics
                    .push(format!("{who} {args:?}: hung for {DEADLINE:?}"));
                break -9;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let [fin, fout, ferr, frss] = pending.files;
        let out = Out {
            code,
            out: std::fs::read_to_string(&fout).unwrap_or_default(),
            err: std::fs::read_to_string(&ferr).unwrap_or_default(),
        };
        if let Some(kib) = std::fs::read_to_string(&frss)
            .ok()
            .and_then(|t| t.lines().last().and_then(|l| l.trim().parse::<u64>().ok()))
        {
            let e = self.rss.entry(args[0].clone()).or_insert(0);
            *e = (*e).max(kib);
        }
        for l in panic_lines(&out.err) {
            self.panics.push(format!("{who} {args:?}: {l}"));
        }
        if code == 101 {
            self.panics
                .push(format!("{who} {args:?}: exit 101\n{}", out.err));
        }
        for f in [fin, fout, ferr, frss] {
            let _ = std::fs::remove_file(f);
        }
        self.note(format!(
            "{who} {} -> {code}{}",
            args.join(" "),
            first_line(&out.err)
        ));
        out
    }

    /// Runs and expects exit 0 (anything else is a scenario failure, with the journal).
    pub fn ok(&mut self, p: &Person, args: &[&str], stdin: &str) -> String {
        let o = self.run(p, args, stdin);
        assert!(
            o.code == 0,
            "{} hushpost {args:?} exited {}\nstdout: {}\nstderr: {}",
            p.name,
            o.code,
            o.out,
            o.err
        );
        o.out
    }

    /// A JSON answer (`--json` commands).
    pub fn json(&mut self, p: &Person, args: &[&str]) -> Vec<serde_json::Value> {
        let text = self.ok(p, args, "");
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} {args:?}: not JSON ({e}): {text}", p.name))
    }

    /// Starts `hushpost ARGS` and SIGKILLs it after `delay` if it is still running (a crash
    /// in the middle of its work). Returns whether it was killed.
    pub fn run_killed(&mut self, p: &Person, args: &[&str], delay: Duration) -> bool {
        self.commands += 1;
        let mut child = Command::new(&self.bin)
            .args(args)
            .env("HUSHPOST_HOME", &p.home)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(delay);
        let killed = child.try_wait().expect("wait").is_none();
        if killed {
            let _ = child.kill();
        }
        let _ = child.wait();
        self.note(format!(
            "{} {} killed after {delay:?}: {killed}",
            p.name,
            args.join(" ")
        ));
        killed
    }
}

fn first_line(err: &str) -> String {
    err.lines()
        // `ip netns exec` warns about /etc/netns files it cannot bind: not hushpost's.
        .find(|l| !l.trim().is_empty() && !l.starts_with("Bind /etc/netns/"))
        .map(|l| format!(" ({})", l.chars().take(160).collect::<String>()))
        .unwrap_or_default()
}
