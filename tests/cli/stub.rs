//! A forge API stand-in that answers canned JSON and records every request
//! (`tests/support/api_stub.py`), and a CONNECT proxy that records every tunnel: to assert
//! where a token went, and that it went nowhere else.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Stdio};

use crate::support::Sandbox;
use crate::world::certificates;

pub struct Stub {
    child: Child,
    pub port: u16,
    log: PathBuf,
}

impl Drop for Stub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads the port a test server prints once it is ready.
fn port_of(child: &mut Child) -> u16 {
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    line.trim().parse().expect("port")
}

impl Stub {
    /// Serves `answers` (`{"/path": [status, body]}`), trusted through the sandbox's one CA.
    pub fn start(s: &Sandbox, name: &str, answers: &serde_json::Value) -> Stub {
        let tls = s.path().join("tls");
        if !tls.join("ca.pem").exists() {
            certificates(s, &tls);
        }
        let file = s.path().join(format!("stub-{name}.json"));
        fs::write(&file, answers.to_string()).unwrap();
        let log = s.path().join(format!("stub-{name}.log"));
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/api_stub.py");
        let mut child = s
            .cmd("python3")
            .args([script])
            .arg(tls.join("server.pem"))
            .arg(tls.join("server.key"))
            .arg(&file)
            .arg(&log)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the API stub");
        let port = port_of(&mut child);
        Stub { child, port, log }
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Every request it received: `path kind secret` a line.
    pub fn requests(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// An HTTP CONNECT proxy on loopback that logs each tunnel's `host:port`.
pub struct Proxy {
    child: Child,
    pub url: String,
    log: PathBuf,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Proxy {
    pub fn start(s: &Sandbox) -> Proxy {
        let log = s.path().join("proxy.log");
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/support/connect_proxy.py"
        );
        let mut child = s
            .cmd("python3")
            .arg(script)
            .arg(&log)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the proxy");
        let url = format!("http://127.0.0.1:{}", port_of(&mut child));
        Proxy { child, url, log }
    }

    /// Every `host:port` tunnelled so far.
    pub fn tunnels(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }
}
