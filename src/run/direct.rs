//! The fast path GNU make also takes: a step that is one simple command (no quoting,
//! expansion, redirection or shell syntax) is executed directly instead of through bash.
//!
//! `bash -c 'cmd args'` already execs `cmd` in place for a single simple command, so the
//! result is the same process with the same argv, exit status and signals; skipping bash
//! saves its start-up (a few ms per step). Anything else, and any command name bash
//! treats as a builtin or keyword, goes through the shell. A command that is not found falls
//! back to the shell too, so the error message is bash's own.

/// Shell builtins and keywords (bash and POSIX sh). `true`, `false` and `test` are not
/// listed: their external binaries behave the same for the plain arguments this path allows.
/// `echo`, `printf`, `pwd` and `kill` are: the external ones differ in corners (GNU
/// `echo --version`, `/bin/pwd` printing the physical path under a symlinked directory).
const SHELL_WORDS: &[&str] = &[
    ".",
    ":",
    "alias",
    "bg",
    "bind",
    "break",
    "builtin",
    "caller",
    "case",
    "cd",
    "command",
    "compgen",
    "complete",
    "compopt",
    "continue",
    "coproc",
    "declare",
    "dirs",
    "disown",
    "do",
    "done",
    "echo",
    "elif",
    "else",
    "enable",
    "esac",
    "eval",
    "exec",
    "exit",
    "export",
    "fc",
    "fg",
    "fi",
    "for",
    "function",
    "getopts",
    "hash",
    "help",
    "history",
    "if",
    "in",
    "jobs",
    "kill",
    "let",
    "local",
    "logout",
    "mapfile",
    "popd",
    "printf",
    "pushd",
    "pwd",
    "read",
    "readarray",
    "readonly",
    "return",
    "select",
    "set",
    "shift",
    "shopt",
    "source",
    "suspend",
    "then",
    "time",
    "times",
    "trap",
    "type",
    "typeset",
    "ulimit",
    "umask",
    "unalias",
    "unset",
    "until",
    "wait",
    "while",
];

/// Shells whose `-c` this path may stand in for: bash/sh with options that cannot change
/// how one simple command runs (`-x` would print it, so it is not among them).
fn is_plain_shell(shell: &[String]) -> bool {
    const HARMLESS: &[&str] = &[
        "-e",
        "-u",
        "-o",
        "-eo",
        "-eu",
        "-euo",
        "-ue",
        "pipefail",
        "errexit",
        "nounset",
        "--noprofile",
        "--norc",
    ];
    let Some((first, rest)) = shell.split_first() else {
        return false;
    };
    let name = first.rsplit('/').next().unwrap_or(first);
    let Some((c, flags)) = rest.split_last() else {
        return false;
    };
    matches!(name, "bash" | "sh" | "dash")
        && c == "-c"
        && flags.iter().all(|f| HARMLESS.contains(&f.as_str()))
}

/// The argv to exec directly, or `None` when the step needs the shell.
pub(crate) fn argv(shell: &[String], script: &str) -> Option<Vec<String>> {
    if !cfg!(unix) || !is_plain_shell(shell) {
        return None;
    }
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./:,+@%=-".contains(c);
    let text = script.trim_matches([' ', '\t', '\n']);
    if text.is_empty() || !text.chars().all(|c| plain(c) || c == ' ' || c == '\t') {
        return None;
    }
    let words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    let first = words.first()?;
    if first.contains('=') || SHELL_WORDS.contains(&first.as_str()) {
        return None;
    }
    Some(words)
}

/// Finds `program` on the step's PATH, as the shell would (`which.rs`). Handing `Command` an
/// absolute path lets std use `posix_spawn` (with a PATH of our own it falls back to fork +
/// exec and waits for each exec through a socket, which dominates the cost of short steps).
pub(crate) use super::which::resolve;

#[cfg(test)]
mod tests {
    use super::*;

    fn bash() -> Vec<String> {
        ["bash", "-eo", "pipefail", "-c"].map(String::from).to_vec()
    }

    #[test]
    fn only_simple_commands_under_a_plain_shell() {
        assert_eq!(
            argv(&bash(), "cargo test --locked -p x"),
            Some(vec![
                "cargo".into(),
                "test".into(),
                "--locked".into(),
                "-p".into(),
                "x".into()
            ])
        );
        assert_eq!(argv(&bash(), "true"), Some(vec!["true".into()]));
        for needs_shell in [
            "echo $HOME",
            "a | b",
            "a > f",
            "cd src",
            "FOO=1 make",
            "ls *.rs",
            "a; b",
            "echo 'q'",
            "x\ny",
            "ls ~",
            "a && b",
            "echo {a,b}",
            "# c",
            "exit 1",
            "echo --version",
            "pwd",
            "printf %s x",
        ] {
            assert_eq!(argv(&bash(), needs_shell), None, "{needs_shell}");
        }
        assert_eq!(argv(&["python3".into(), "-c".into()], "true"), None);
        assert_eq!(argv(&["pwsh".into(), "-Command".into()], "true"), None);
        assert_eq!(argv(&["bash".into(), "-xc".into()], "true"), None);
        assert_eq!(
            argv(&["sh".into(), "-c".into()], "true"),
            Some(vec!["true".into()])
        );
    }
}
