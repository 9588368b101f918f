//! The server binary as the benches run it: started on a free port over a
//! data folder, its address read from what it prints, its peak memory read
//! from /proc, stopped at the end.

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
};

pub fn start(binary: &str, dir: &Path) -> (Child, String) {
    let mut child = Command::new(binary)
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .spawn()
        .expect("server starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let address = loop {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap_or(0) == 0 {
            stop(&mut child);
            panic!("server exited early");
        }
        if let Some(address) = line.trim().strip_prefix("Care Home Feedback is running at ") {
            break address.to_owned();
        }
    };
    (child, address)
}

pub fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// The process's peak resident memory (VmHWM), as /proc prints it.
pub fn peak_memory(child: &Child) -> String {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    status.lines().find(|l| l.starts_with("VmHWM:")).unwrap_or("VmHWM: unknown").trim_start_matches("VmHWM:").trim().to_owned()
}
