//! Linux `/proc` reading for supervision: a process's state, parent, group, session and
//! thread count, its children, the run tags in its environment, and whole subtrees.
//!
//! Reads are small and allocation-light: supervision calls them at the end of every step.

use std::fs::File;
use std::io::Read;

use super::spawn::TAG_VAR;

/// The fields of `/proc/<pid>/stat` supervision needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stat {
    /// `R`, `S`, `D`, `T`, `Z`, ...
    pub state: u8,
    pub ppid: i32,
    pub pgid: i32,
    pub sid: i32,
    pub threads: i32,
}

impl Stat {
    /// Exited, waiting to be reaped (or being torn down).
    pub(crate) fn dead(&self) -> bool {
        matches!(self.state, b'Z' | b'X' | b'x')
    }
}

/// Reads a small `/proc` file into `buf` (cleared first); false when it cannot be read.
/// Plain reads: `read_to_end` would first ask for the size (statx, lseek), which `/proc`
/// files do not have, and this runs at the end of every step.
fn read_into(path: &str, buf: &mut Vec<u8>) -> bool {
    buf.clear();
    let Ok(mut f) = File::open(path) else {
        return false;
    };
    let mut chunk = [0u8; 1024];
    loop {
        match f.read(&mut chunk) {
            Ok(0) => return true,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// Parses the text after the command name, which may itself hold spaces and parentheses.
pub(crate) fn parse_stat(text: &[u8]) -> Option<Stat> {
    let close = text.iter().rposition(|b| *b == b')')?;
    let rest = std::str::from_utf8(&text[close + 1..]).ok()?;
    let f: Vec<&str> = rest.split_ascii_whitespace().collect();
    Some(Stat {
        state: *f.first()?.as_bytes().first()?,
        ppid: f.get(1)?.parse().ok()?,
        pgid: f.get(2)?.parse().ok()?,
        sid: f.get(3)?.parse().ok()?,
        threads: f.get(17)?.parse().ok()?,
    })
}

pub(crate) fn stat(pid: i32) -> Option<Stat> {
    let mut buf = Vec::with_capacity(512);
    read_into(&format!("/proc/{pid}/stat"), &mut buf)
        .then(|| parse_stat(&buf))
        .flatten()
}

/// Pids listed in a `children` file, appended to `out`.
pub(crate) fn read_children(path: &str, out: &mut Vec<i32>) {
    let mut buf = Vec::new();
    if read_into(path, &mut buf) {
        parse_children(&buf, out);
    }
}

fn parse_children(buf: &[u8], out: &mut Vec<i32>) {
    out.extend(
        buf.split(|b| *b == b' ')
            .filter_map(|p| std::str::from_utf8(p).ok()?.trim().parse::<i32>().ok()),
    );
}

/// Like [`read_children`], through a `children` file kept open: read again from the start,
/// `/proc` generates it anew, so the list is as fresh as a new open's, without the path walk
/// (this runs at the end of every step). False when the file cannot be read.
pub(crate) fn reread_children(file: &mut File, out: &mut Vec<i32>) -> bool {
    use std::io::{Seek, SeekFrom};
    let mut buf = Vec::new();
    if file.seek(SeekFrom::Start(0)).is_err() {
        return false;
    }
    let mut chunk = [0u8; 1024];
    loop {
        match file.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
    parse_children(&buf, out);
    true
}

/// The children of every thread of `pid` (`threads` from its stat: one file when it is 1).
pub(crate) fn children(pid: i32, threads: i32, out: &mut Vec<i32>) {
    if threads <= 1 {
        read_children(&format!("/proc/{pid}/task/{pid}/children"), out);
        return;
    }
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return;
    };
    for t in tasks.flatten() {
        let tid = t.file_name();
        read_children(
            &format!("/proc/{pid}/task/{}/children", tid.to_string_lossy()),
            out,
        );
    }
}

/// The run tags in `pid`'s environment (as it was at exec), if any.
pub(crate) fn tags(pid: i32) -> Option<String> {
    let mut buf = Vec::new();
    if !read_into(&format!("/proc/{pid}/environ"), &mut buf) {
        return None;
    }
    let prefix = format!("{TAG_VAR}=");
    buf.split(|b| *b == 0)
        .find_map(|kv| kv.strip_prefix(prefix.as_bytes()))
        .map(|v| String::from_utf8_lossy(v).into_owned())
}

/// Whether a tag list holds `tag` exactly.
pub(crate) fn has_tag(list: &str, tag: &str) -> bool {
    list.split(' ').any(|t| t == tag)
}

/// Whether a tag list holds a tag of run `run` (`<run>.<anything>`).
pub(crate) fn has_run(list: &str, run: &str) -> bool {
    list.split(' ')
        .any(|t| t.strip_prefix(run).is_some_and(|r| r.starts_with('.')))
}

/// `roots` and all their descendants that are alive, parents before children.
pub(crate) fn subtree(roots: &[i32]) -> Vec<i32> {
    let mut out: Vec<i32> = Vec::new();
    let mut queue: Vec<i32> = roots.to_vec();
    while let Some(pid) = queue.pop() {
        if out.contains(&pid) {
            continue;
        }
        let Some(st) = stat(pid) else { continue };
        if st.dead() {
            continue;
        }
        out.push(pid);
        children(pid, st.threads, &mut queue);
    }
    out
}

/// Every pid in `/proc`.
pub(crate) fn all_pids() -> Vec<i32> {
    std::fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn a_kept_children_file_read_again_is_fresh() {
        // SAFETY: gettid takes no arguments.
        let tid = unsafe { libc::gettid() };
        let path = format!("/proc/self/task/{tid}/children");
        let mut file = File::open(&path).unwrap();
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let pid = child.id() as i32;
        let mut list = Vec::new();
        assert!(reread_children(&mut file, &mut list));
        assert!(list.contains(&pid), "{list:?} lacks {pid}");
        // Read again from the start: the same answer as a fresh open, twice over.
        let mut again = Vec::new();
        assert!(reread_children(&mut file, &mut again));
        let mut fresh = Vec::new();
        read_children(&path, &mut fresh);
        assert_eq!((&again, &fresh), (&list, &list));
        child.kill().unwrap();
        child.wait().unwrap();
        let mut after = Vec::new();
        assert!(reread_children(&mut file, &mut after));
        assert!(!after.contains(&pid), "{after:?} still has {pid}");
    }

    #[test]
    fn stat_survives_odd_command_names() {
        let line = b"42 (a) b (c)) S 1 42 40 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 3 0 1 2 3";
        assert_eq!(
            parse_stat(line),
            Some(Stat {
                state: b'S',
                ppid: 1,
                pgid: 42,
                sid: 40,
                threads: 3
            })
        );
        assert_eq!(parse_stat(b"42 (x) Z"), None);
    }

    #[test]
    fn tags_match_whole_entries() {
        assert!(has_tag("a1.3 b2.10", "b2.10"));
        assert!(!has_tag("a1.3 b2.10", "b2.1"));
        assert!(has_run("a1.3 b2.10", "b2"));
        assert!(!has_run("a1.3 b22.10", "b2"));
    }

    #[test]
    fn finds_own_process_and_its_children() {
        let me = std::process::id() as i32;
        let st = stat(me).unwrap();
        assert!(!st.dead() && st.threads >= 1, "{st:?}");
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        let pid = child.id() as i32;
        let tree = subtree(&[me]);
        assert!(tree.contains(&pid) && tree[0] == me, "{tree:?}");
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(!subtree(&[me]).contains(&pid));
        assert!(all_pids().contains(&me));
    }
}
