//! The record of the last verified state, so `generate --check` answers without compiling
//! when nothing changed since (the pre-commit hook's usual case).
//!
//! After `generate` wrote the outputs, or `generate --check` found them up to date, cigen
//! keeps one digest in `.cigen/generate-state` over everything the answer depended on: the
//! cigen binary (version, size, modification time), the selected targets, the spec's path and
//! text, and the bytes (or absence) of every output and of every other file generation reads
//! (custom templates, the justfile names a hand-written justfile may use, the pin lock and the
//! committed workflow, which are outputs too). The next `--check` hashes the same files; an
//! equal digest means a full check would compare the same renderings with the same bytes, so
//! it says "up to date" without parsing. Any difference (an edited spec, a hand-edited or
//! deleted output, a new cigen) falls back to the full check, which prints the diff.
//!
//! Only a clean answer is recorded: a spec with warnings is always checked in full, so its
//! warnings are always shown. The record is cigen's own state (`.cigen/` is git-ignored);
//! losing it only costs one full check.

use std::io::Read;
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::Xxh3;

use crate::contract::STATE_DIR;

/// The record's file name inside `.cigen/`.
const FILE: &str = "generate-state";
/// First line of the record: its format, so an older layout is never misread.
const FORMAT: &str = "cigen generate-state 1";

/// What one check or write depended on, as hashed from disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct State {
    digest: u128,
    /// Paths relative to the spec's directory, in hashing order.
    files: Vec<String>,
    /// How many of `files` are outputs (the first ones), for the "N output(s)" message.
    outputs: usize,
}

/// The identity of the running binary: a rebuilt or upgraded cigen may render differently.
fn binary_identity() -> Option<(u64, u128)> {
    let meta = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some((meta.len(), mtime))
}

/// Hashes one file's bytes, or its absence, under its name.
fn hash_file(h: &mut Xxh3, root: &Path, rel: &str, buf: &mut Vec<u8>) {
    h.update(rel.as_bytes());
    h.update(&[0]);
    buf.clear();
    // A regular file only: opening a named pipe put where an output was would wait for a
    // writer, and a device never end. Anything else there hashes apart from a missing file,
    // so the record does not hold and the full check says what stands there.
    let path = root.join(rel);
    match std::fs::metadata(&path) {
        Ok(m) if !m.is_file() => {
            h.update(&[3]);
            return;
        }
        _ => {}
    }
    match std::fs::File::open(path).and_then(|mut f| f.read_to_end(buf)) {
        Ok(n) => {
            h.update(&[1]);
            h.update(&(n as u64).to_le_bytes());
            h.update(buf);
        }
        // Missing and unreadable alike: the full check reports which.
        Err(_) => h.update(&[2]),
    }
}

impl State {
    /// Hashes the current state: `spec` is the spec's text as compiled (byte-order mark
    /// removed), `targets` the `--target` selection, `outputs` then `inputs` the files.
    /// `None` when the binary cannot identify itself or a path cannot be recorded.
    pub(crate) fn read(
        spec_path: &Path,
        spec: &str,
        targets: &[String],
        outputs: &[String],
        inputs: &[String],
    ) -> Option<State> {
        let (len, mtime) = binary_identity()?;
        let files: Vec<String> = outputs.iter().chain(inputs).cloned().collect();
        if files.iter().any(|f| f.contains('\n')) {
            return None;
        }
        let root = root_of(spec_path);
        let mut h = Xxh3::new();
        h.update(FORMAT.as_bytes());
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update(&len.to_le_bytes());
        h.update(&mtime.to_le_bytes());
        h.update(absolute(spec_path).as_os_str().as_encoded_bytes());
        h.update(&[0]);
        let mut targets = targets.to_vec();
        targets.sort();
        targets.dedup();
        for t in &targets {
            h.update(t.as_bytes());
            h.update(&[0]);
        }
        h.update(&(spec.len() as u64).to_le_bytes());
        h.update(spec.as_bytes());
        let mut buf = Vec::new();
        for f in &files {
            hash_file(&mut h, &root, f, &mut buf);
        }
        Some(State {
            digest: h.digest128(),
            files,
            outputs: outputs.len(),
        })
    }

    /// How many outputs the state covers.
    pub(crate) fn outputs(&self) -> usize {
        self.outputs
    }

    /// Keeps the state as the last verified one (best effort: a read-only checkout only loses
    /// the shortcut).
    pub(crate) fn save(&self, spec_path: &Path) {
        let dir = root_of(spec_path).join(STATE_DIR);
        let mut text = format!("{FORMAT}\n{:032x} {}\n", self.digest, self.outputs);
        for f in &self.files {
            text.push_str(f);
            text.push('\n');
        }
        let _ = crate::state_dir::create_dir_all(&dir).and_then(|_| {
            // Written aside and renamed: a concurrent check never reads half a record.
            let tmp = tempfile::NamedTempFile::new_in(&dir)?;
            std::fs::write(tmp.path(), text)?;
            tmp.persist(dir.join(FILE)).map_err(|e| e.error)?;
            Ok(())
        });
    }

    /// Forgets the record (a full check found the outputs stale, or could not tell).
    pub(crate) fn forget(spec_path: &Path) {
        let _ = std::fs::remove_file(root_of(spec_path).join(STATE_DIR).join(FILE));
    }

    /// The recorded state, if it still holds: the same files hashed now give its digest.
    pub(crate) fn still_holds(spec_path: &Path, spec: &str, targets: &[String]) -> Option<State> {
        let text = std::fs::read_to_string(root_of(spec_path).join(STATE_DIR).join(FILE)).ok()?;
        let mut lines = text.lines();
        if lines.next()? != FORMAT {
            return None;
        }
        let (digest, outputs) = lines.next()?.split_once(' ')?;
        let digest = u128::from_str_radix(digest, 16).ok()?;
        let outputs: usize = outputs.parse().ok()?;
        let files: Vec<String> = lines.map(str::to_string).collect();
        if outputs > files.len() {
            return None;
        }
        let (outs, ins) = files.split_at(outputs);
        let now = State::read(spec_path, spec, targets, outs, ins)?;
        (now.digest == digest).then_some(now)
    }
}

/// The spec's directory (outputs and `.cigen/` are relative to it).
fn root_of(spec_path: &Path) -> PathBuf {
    spec_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

/// The spec's path made absolute, so a record never matches a spec elsewhere.
fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "version: 1\njobs: {}\n";

    fn setup() -> (tempfile::TempDir, PathBuf, Vec<String>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let spec = dir.path().join("cigen.yaml");
        std::fs::write(&spec, SPEC).unwrap();
        std::fs::write(dir.path().join("justfile"), "# out\n").unwrap();
        (
            dir,
            spec,
            vec!["justfile".to_string()],
            vec!["Justfile".to_string()],
        )
    }

    #[test]
    fn a_saved_state_holds_until_a_file_or_the_spec_changes() {
        let (dir, spec, outs, ins) = setup();
        let state = State::read(&spec, SPEC, &[], &outs, &ins).unwrap();
        assert!(
            State::still_holds(&spec, SPEC, &[]).is_none(),
            "nothing saved yet"
        );
        state.save(&spec);
        let held = State::still_holds(&spec, SPEC, &[]).expect("unchanged state holds");
        assert_eq!(held, state);
        assert_eq!(held.outputs(), 1);
        // Another spec text, another target selection: not the recorded state.
        assert!(State::still_holds(&spec, "version: 1\njobs: { a: {} }\n", &[]).is_none());
        assert!(State::still_holds(&spec, SPEC, &["github".into()]).is_none());
        // An edited output, then a new file at an input path.
        std::fs::write(dir.path().join("justfile"), "# edited\n").unwrap();
        assert!(State::still_holds(&spec, SPEC, &[]).is_none());
        std::fs::write(dir.path().join("justfile"), "# out\n").unwrap();
        assert!(State::still_holds(&spec, SPEC, &[]).is_some());
        std::fs::write(dir.path().join("Justfile"), "hand-written:\n").unwrap();
        assert!(State::still_holds(&spec, SPEC, &[]).is_none());
        std::fs::remove_file(dir.path().join("Justfile")).unwrap();
        // A deleted output.
        std::fs::remove_file(dir.path().join("justfile")).unwrap();
        assert!(State::still_holds(&spec, SPEC, &[]).is_none());
        State::forget(&spec);
        std::fs::write(dir.path().join("justfile"), "# out\n").unwrap();
        assert!(State::still_holds(&spec, SPEC, &[]).is_none(), "forgotten");
    }

    #[test]
    fn a_damaged_record_is_ignored() {
        let (dir, spec, outs, ins) = setup();
        State::read(&spec, SPEC, &[], &outs, &ins)
            .unwrap()
            .save(&spec);
        let path = dir.path().join(STATE_DIR).join(FILE);
        let text = std::fs::read_to_string(&path).unwrap();
        let (format, rest) = text.split_once('\n').unwrap();
        let (digest_line, files) = rest.split_once('\n').unwrap();
        let digest = digest_line.split_once(' ').unwrap().0;
        for bad in [
            String::new(),
            format!("cigen generate-state 0\n{rest}"),
            format!("{format}\n{digest} 9\n{files}"),
            format!("{format}\n{digest} x\n{files}"),
            format!("{format}\nzz 1\n{files}"),
        ] {
            std::fs::write(&path, bad).unwrap();
            assert!(State::still_holds(&spec, SPEC, &[]).is_none());
        }
    }
}
