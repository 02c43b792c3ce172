//! Text from outside never reaches the terminal raw: a contact's card whose route label
//! carries escape sequences (a folder named with OSC and CSI codes), and a relay whose
//! error answers carry them. Every line hushpost prints from those — `contact add/show`,
//! `send`'s report, `leaks`, `doctor`, `list --sent`, `fetch` and `send` errors — shows
//! the sequences as inert placeholders (`␛`, `␇`), on stdout and stderr.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
use common::*;
use std::path::Path;
use std::process::{Child, Command, Stdio};

const EVIL: &str = "x\u{1b}]0;pwned\u{7}\u{1b}[2Jy";

/// No raw ESC, BEL or CSI in what `args` printed; returns stdout + stderr.
fn inert(hp: &Hp, args: &[&str], stdin: &str) -> String {
    let (_, out, err) = hp.run_stdin(args, stdin);
    let all = format!("{out}{err}");
    for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{9d}'] {
        assert!(
            !all.contains(bad),
            "hushpost {args:?} printed {bad:?} raw:\n{all:?}"
        );
    }
    all
}

/// A TLS server that answers every request with HTTP 400 and a JSON error whose message
/// carries escape sequences; returns it and the route's pin.
fn hostile_relay(dir: &Path, port: u16) -> (Child, String) {
    let key = dir.join("key.pem");
    let cert = dir.join("cert.pem");
    let ok = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "ed25519", "-nodes", "-days", "2", "-subj", "/CN=evil",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(Stdio::null())
        .status()
        .expect("openssl");
    assert!(ok.success());
    let der = dir.join("cert.der");
    let ok = Command::new("openssl")
        .args(["x509", "-outform", "der", "-in"])
        .arg(&cert)
        .arg("-out")
        .arg(&der)
        .status()
        .expect("openssl x509");
    assert!(ok.success());
    let dgst = Command::new("openssl")
        .args(["dgst", "-sha256", "-r"])
        .arg(&der)
        .output()
        .expect("openssl dgst");
    let pin = String::from_utf8_lossy(&dgst.stdout)
        .split_whitespace()
        .next()
        .expect("digest")
        .to_string();
    let script = format!(
        r#"
import http.server, json, ssl
class H(http.server.BaseHTTPRequestHandler):
    def answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n: self.rfile.read(n)
        body = json.dumps({{"error": "bad_request", "message": "no \u001b]0;owned\u0007\u001b[2J\u009b31m way"}}).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_GET = do_PUT = do_POST = do_DELETE = answer
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", {port}), H)
c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
c.load_cert_chain("{cert}", "{key}")
s.socket = c.wrap_socket(s.socket, server_side=True)
s.serve_forever()
"#,
        cert = cert.display(),
        key = key.display()
    );
    let child = Command::new("/usr/bin/python3")
        .args(["-c", &script])
        .stdout(Stdio::null())
        .spawn()
        .expect("python3");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    (child, pin)
}

#[test]
fn a_hostile_cards_route_label_is_shown_inert() {
    let t = tempdir();
    let evil_dir = t.path().join(EVIL);
    std::fs::create_dir_all(&evil_dir).expect("mkdir");
    let mal = Hp::new(t.path(), "mal");
    mal.init("Mal", &evil_dir);
    mal.cover_off();
    let a = Hp::new(t.path(), "alice");
    let drop = t.path().join("shared");
    std::fs::create_dir_all(&drop).expect("mkdir");
    a.init("Alice", &drop);
    a.cover_off();
    let card = mal.card();
    let added = inert(&a, &["contact", "add", "--allow-local", "mal", &card], "");
    assert!(
        added.contains("␛]0;pwned␇␛[2J"),
        "the label is shown, inert: {added}"
    );
    inert(&a, &["contact", "show", "mal"], "");
    inert(&a, &["contact", "list"], "");
    inert(&a, &["contact", "routes", "mal"], "");
    let sent = inert(&a, &["send", "--to", "mal", "--subject", "hi"], "hello\n");
    assert!(sent.contains("sent via dir:"), "{sent}");
    inert(&a, &["list", "--sent"], "");
    inert(&a, &["leaks"], "");
    inert(&a, &["doctor"], "");
    inert(&a, &["outbox"], "");
    // Mal's own commands print the route the owner typed: inert too.
    inert(&mal, &["id"], "");
    inert(&mal, &["route", "list"], "");
}

#[test]
fn a_hostile_relays_error_text_is_shown_inert() {
    if !require("openssl") {
        return;
    }
    let t = tempdir();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let (mut server, pin) = hostile_relay(t.path(), port);
    let b = Hp::new(t.path(), "bob");
    let drop = t.path().join("shared");
    std::fs::create_dir_all(&drop).expect("mkdir");
    b.init("Bob", &drop);
    b.cover_off();
    let route = format!("https://127.0.0.1:{port}/#pin=sha256:{pin}");
    let (_, _, err) = b.run(&["route", "add", &route]);
    let a = Hp::new(t.path(), "alice");
    a.init("Alice", &drop);
    a.cover_off();
    if !err.is_empty() {
        eprintln!("route add said: {err}");
    }
    a.ok(&["contact", "add", "--allow-local", "bob", &b.card()]);
    a.ok(&["contact", "routes", "bob", &route]);
    let said = inert(&a, &["send", "--to", "bob", "--now"], "hello\n");
    assert!(
        said.contains("␛]0;owned␇␛[2J"),
        "the relay's text is shown, inert: {said}"
    );
    let fetched = inert(&b, &["fetch"], "");
    assert!(fetched.contains("owned"), "{fetched}");
    inert(&a, &["outbox"], "");
    inert(&b, &["doctor"], "");
    let _ = server.kill();
    let _ = server.wait();
}
