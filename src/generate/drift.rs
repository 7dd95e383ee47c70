//! `generate --check`: compare rendered outputs with the files on disk, as unified diffs.

use similar::TextDiff;

use super::OutputFile;

/// One stale output and the diff that would bring it up to date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Drift {
    pub(crate) rel: String,
    /// Unified diff from the file on disk (`a/`) to the fresh rendering (`b/`).
    pub(crate) diff: String,
    pub(crate) missing: bool,
}

/// The outputs whose files differ from their rendering (or do not exist). Never writes.
pub(crate) fn check(files: &[OutputFile]) -> Vec<Drift> {
    let mut out = Vec::new();
    for f in files {
        let (old, missing) = match std::fs::read(&f.path) {
            // The usual answer, without checking a big file's UTF-8 first.
            Ok(bytes) if bytes == f.text.as_bytes() => continue,
            Ok(bytes) => (String::from_utf8_lossy(&bytes).into_owned(), false),
            Err(_) => (String::new(), true),
        };
        // A checkout that turned line endings into CRLF (git `core.autocrlf` on Windows) holds
        // the same content: only the text counts, not how the working tree stores newlines.
        if same_text(&old, &f.text) {
            continue;
        }
        let diff = TextDiff::from_lines(&old, &f.text);
        let from = if missing {
            "/dev/null".to_string()
        } else {
            format!("a/{}", f.rel)
        };
        let text = diff
            .unified_diff()
            .context_radius(3)
            .header(&from, &format!("b/{}", f.rel))
            .to_string();
        out.push(Drift {
            rel: f.rel.clone(),
            diff: text,
            missing,
        });
    }
    out
}

/// Equal, or equal once CRLF line endings become LF.
pub(crate) fn same_text(on_disk: &str, rendered: &str) -> bool {
    on_disk == rendered || (on_disk.contains("\r\n") && on_disk.replace("\r\n", "\n") == rendered)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TargetKind as Target;

    #[test]
    fn reports_only_changed_files_with_a_diff() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.yml");
        std::fs::write(&a, "x: 1\ny: 2\n").unwrap();
        let files = vec![
            OutputFile {
                target: Target::Github,
                rel: "a.yml".into(),
                path: a.clone(),
                text: "x: 1\ny: 3\n".into(),
            },
            OutputFile {
                target: Target::Gitlab,
                rel: "b.yml".into(),
                path: dir.path().join("b.yml"),
                text: "z: 1\n".into(),
            },
        ];
        let d = check(&files);
        assert_eq!(d.len(), 2);
        assert!(
            d[0].diff.contains("--- a/a.yml\n+++ b/a.yml\n"),
            "{}",
            d[0].diff
        );
        assert!(d[0].diff.contains("-y: 2\n+y: 3\n"), "{}", d[0].diff);
        assert!(d[1].missing);
        std::fs::write(&a, "x: 1\ny: 3\n").unwrap();
        assert_eq!(check(&files[..1]).len(), 0);
        std::fs::write(&a, "x: 1\r\ny: 3\r\n").unwrap();
        assert_eq!(check(&files[..1]).len(), 0, "CRLF checkouts are not drift");
        std::fs::write(&a, "x: 1\r\ny: 4\r\n").unwrap();
        assert_eq!(check(&files[..1]).len(), 1);
    }
}
