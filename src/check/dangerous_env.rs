//! Rule: env names are valid, and none hijacks the shell, the loader or the CI runner.

use super::{env_maps, is_env_name, Context};
use crate::diagnostic::{Code, Diagnostic};

pub(crate) const INVALID_ENV_NAME: Code = Code::new("invalid-env-name");
pub(crate) const DANGEROUS_ENV: Code = Code::new("dangerous-env");
pub(crate) const MATRIX_ENV_SHADOW: Code = Code::new("matrix-env-shadow");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[INVALID_ENV_NAME, DANGEROUS_ENV, MATRIX_ENV_SHADOW];

/// Names that change how every later process starts (code execution through the environment).
const DANGEROUS: &[&str] = &[
    "BASH_ENV",
    "ENV",
    "SHELLOPTS",
    "BASHOPTS",
    "PS4",
    "PROMPT_COMMAND",
    "IFS",
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "LD_AUDIT",
    "NODE_OPTIONS",
    "PYTHONSTARTUP",
    "PERL5OPT",
    "RUBYOPT",
    "GIT_SSH_COMMAND",
    "GIT_CONFIG_GLOBAL",
    "CI",
];

/// Prefixes owned by the CI providers or by cigen itself.
const RESERVED_PREFIXES: &[(&str, &str)] = &[
    ("GITHUB_", "GitHub Actions"),
    ("RUNNER_", "GitHub Actions"),
    ("ACTIONS_", "GitHub Actions"),
    ("CI_", "GitLab CI"),
    ("GITLAB_", "GitLab CI"),
    ("CIGEN_", "cigen"),
    ("DYLD_", "the macOS loader"),
];

/// Why a spec may not set the variable `name` in an `env:` (a valid name; `None`: it may).
/// `import` asks too, and sets such a variable in the steps instead.
pub(crate) enum Refused {
    Dangerous,
    Reserved {
        prefix: &'static str,
        owner: &'static str,
    },
}

impl Refused {
    /// Why, in a few words (`import`'s note).
    pub(crate) fn reason(&self) -> String {
        match self {
            Refused::Dangerous => "it reconfigures every process".to_string(),
            Refused::Reserved { owner, .. } => format!("its prefix belongs to {owner}"),
        }
    }
}

pub(crate) fn refused(name: &str) -> Option<Refused> {
    if DANGEROUS.contains(&name) {
        return Some(Refused::Dangerous);
    }
    RESERVED_PREFIXES
        .iter()
        .find(|(pre, _)| name.starts_with(pre))
        .map(|&(prefix, owner)| Refused::Reserved { prefix, owner })
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (env, path) in env_maps(cx.spec) {
        for name in env.keys() {
            let p = path.key(name);
            if !is_env_name(name) {
                out.push(
                    Diagnostic::error(
                        INVALID_ENV_NAME,
                        format!("`{name}` is not a valid environment variable name"),
                    )
                    .at_key(p)
                    .with_help("use letters, digits and `_`, not starting with a digit"),
                );
            } else if let Some(why) = refused(name) {
                out.push(match why {
                    Refused::Dangerous => Diagnostic::error(DANGEROUS_ENV, format!("setting `{name}` is refused"))
                        .at_key(p)
                        .with_label("changes how every later process starts")
                        .with_help(format!("`{name}` can run code in or reconfigure every step and the CI runner; do this inside a step instead")),
                    Refused::Reserved { prefix, owner } => Diagnostic::error(DANGEROUS_ENV, format!("`{name}` uses the `{prefix}` prefix reserved for {owner}"))
                        .at_key(p)
                        .with_help("choose another name; overriding these variables breaks the runner or cigen"),
                });
            } else if name.starts_with("MATRIX_") {
                out.push(
                    Diagnostic::warning(
                        MATRIX_ENV_SHADOW,
                        format!("`{name}` looks like a matrix variable"),
                    )
                    .at_key(p)
                    .with_help("cigen sets MATRIX_<KEY> from the matrix; pick another name"),
                );
            }
        }
    }
}
