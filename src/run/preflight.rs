//! Pre-flight for local runs: compare the `setup:` tools cigen does not select per unit (uv;
//! the toolchains are `toolchain.rs`'s) with what is on PATH and say how to get what is
//! missing. It warns; it never fails the run, and it stays off its critical path:
//! probes run beside the jobs, and their answers are cached (`preflight_cache.rs`), so a
//! repeated run starts no probe at all.

use std::collections::HashMap;
use std::path::Path;

use super::preflight_cache::{run_probe, Prober};

/// One toolchain check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Check {
    pub tool: &'static str,
    pub wanted: String,
    /// `None`: not found on PATH.
    pub found: Option<String>,
    pub ok: bool,
    pub hint: String,
}

fn probe(tool: &str) -> (&'static str, &'static [&'static str]) {
    match tool {
        "python" => ("python3", &["--version"]),
        "uv" => ("uv", &["--version"]),
        "node" => ("node", &["--version"]),
        "rust" => ("rustc", &["--version"]),
        "go" => ("go", &["version"]),
        _ => ("java", &["-version"]),
    }
}

pub(crate) fn hint(tool: &str, v: &str) -> String {
    match tool {
        "python" => format!("uv python install {v}  (or pyenv install {v})"),
        "uv" => format!("pip install 'uv=={v}.*'  (or see https://docs.astral.sh/uv/)"),
        "node" => format!("fnm install {v}  (or nvm install {v})"),
        "rust" => format!("rustup toolchain install {v}"),
        "go" => format!("go install golang.org/dl/go{v}@latest  (or https://go.dev/dl/)"),
        _ => format!("sdk install java {v}-tem  (or your package manager's temurin-{v})"),
    }
}

/// The first version-looking token: `Python 3.12.3` → `3.12.3`, `v22.1.0` → `22.1.0`, `go1.23.1` → `1.23.1`.
pub(crate) fn version_in(text: &str) -> Option<String> {
    let bytes: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()) {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == '.') {
                i += 1;
            }
            let v: String = bytes[start..i]
                .iter()
                .collect::<String>()
                .trim_end_matches('.')
                .to_string();
            if v.contains('.') {
                return Some(v);
            }
        }
        i += 1;
    }
    None
}

/// Whether `found` satisfies `wanted` component by component (`3.13` accepts `3.13.1`).
pub(crate) fn matches(wanted: &str, found: &str) -> bool {
    let w = wanted.trim().trim_start_matches('v');
    if w.is_empty() || !w.starts_with(|c: char| c.is_ascii_digit()) {
        return true; // `stable`, `lts/*`, `latest`: presence is all we can check
    }
    let f: Vec<&str> = found.split('.').collect();
    w.trim_end_matches(".x")
        .split('.')
        .enumerate()
        .all(|(i, c)| c == "x" || c == "*" || f.get(i) == Some(&c))
}

fn check_of(tool: &'static str, wanted: &str, found: Option<String>) -> Check {
    let ok = found.as_deref().is_some_and(|f| matches(wanted, f));
    Check {
        tool,
        hint: hint(tool, wanted),
        wanted: wanted.to_string(),
        found,
        ok,
    }
}

/// Pre-flight under way: answers known at once (a program not on PATH, a cached answer) and
/// probes still running beside the jobs, so they never delay the first one.
pub(crate) struct Preflight {
    checks: Vec<Option<Check>>,
    running: Vec<(usize, u64, std::thread::JoinHandle<Check>)>,
    prober: Prober,
}

/// Starts checking the toolchains `tools` (the `setup:` of the jobs that run): PATH (from `env`) is searched at once, known
/// answers come from the cache, the rest is probed in the background, in `dir` (where steps
/// run), in parallel (`java -version` is slow).
pub(crate) fn start(
    tools: &[(&'static str, String)],
    env: &HashMap<String, String>,
    dir: &Path,
) -> Preflight {
    let mut pre = Preflight {
        checks: Vec::new(),
        running: Vec::new(),
        prober: Prober::new(env, dir),
    };
    // cigen selects the other toolchains per unit and fails a unit whose version is missing
    // (`toolchain.rs`); the warning table is for the tools it does not select (uv).
    for (tool, wanted) in tools
        .iter()
        .map(|(tool, v)| (*tool, v.as_str()))
        .filter(|(tool, _)| !super::toolchain::TOOLS.contains(tool))
    {
        let (bin, args) = probe(tool);
        match pre.prober.cached(bin, args) {
            Ok(found) => pre.checks.push(Some(check_of(tool, wanted, found))),
            Err(miss) => {
                let (wanted, dir) = (wanted.to_string(), dir.to_path_buf());
                let probe = std::thread::spawn(move || {
                    check_of(tool, &wanted, run_probe(&miss.program, args, &dir))
                });
                pre.running.push((pre.checks.len(), miss.key, probe));
                pre.checks.push(None);
            }
        }
    }
    pre
}

impl Preflight {
    /// Whether every answer is already known (nothing was probed).
    pub(crate) fn known(&self) -> bool {
        self.running.is_empty()
    }

    /// Waits for the probes, remembers their answers, and returns every check in `setup`
    /// order.
    pub(crate) fn finish(mut self) -> Vec<Check> {
        for (i, key, probe) in std::mem::take(&mut self.running) {
            if let Ok(c) = probe.join() {
                self.prober.remember(key, c.found.clone());
                self.checks[i] = Some(c);
            }
        }
        self.prober.save();
        self.checks.into_iter().flatten().collect()
    }
}

/// A warning table of the checks that failed; `None` when all is well.
pub(crate) fn render(checks: &[Check]) -> Option<String> {
    let bad: Vec<&Check> = checks.iter().filter(|c| !c.ok).collect();
    if bad.is_empty() {
        return None;
    }
    let mut rows = vec![[
        "TOOL".to_string(),
        "WANTED".into(),
        "FOUND".into(),
        "HOW TO GET IT".into(),
    ]];
    for c in bad {
        rows.push([
            c.tool.to_string(),
            c.wanted.clone(),
            c.found.clone().unwrap_or_else(|| "missing".into()),
            c.hint.clone(),
        ]);
    }
    let w: Vec<usize> = (0..3)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::from("warning: toolchains from `setup:` that this machine lacks (CI installs them; locally steps may fail):\n");
    for r in rows {
        out.push_str(&format!(
            "  {:<a$}  {:<b$}  {:<c$}  {}\n",
            r[0],
            r[1],
            r[2],
            r[3],
            a = w[0],
            b = w[1],
            c = w[2]
        ));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_matching() {
        assert_eq!(version_in("Python 3.12.3").as_deref(), Some("3.12.3"));
        assert_eq!(
            version_in("go version go1.23.1 linux/amd64").as_deref(),
            Some("1.23.1")
        );
        assert_eq!(
            version_in("openjdk version \"21.0.1\" 2023-10-17").as_deref(),
            Some("21.0.1")
        );
        assert_eq!(version_in("uv 0.9.2 (x86_64)").as_deref(), Some("0.9.2"));
        assert!(matches("3.13", "3.13.1"));
        assert!(!matches("3.13", "3.12.9"));
        assert!(!matches("3.1", "3.13.0"));
        assert!(matches("22", "22.1.0"));
        assert!(matches("stable", "1.95.0"));
    }
}
