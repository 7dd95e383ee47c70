//! Rule: `$NAME` and `${NAME}` in env values are references cigen can expand: an unclosed
//! `${` or shell syntax inside braces (`${VAR:-default}`) is refused where it stands, since
//! cigen (not a shell, not the provider) applies env on every runner.

use super::{env_maps, Context};
use crate::diagnostic::{Code, Diagnostic};
use crate::spec::{check_references, EnvValue};

pub(crate) const INVALID_ENV_REFERENCE: Code = Code::new("invalid-env-reference");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[INVALID_ENV_REFERENCE];

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (map, path) in env_maps(cx.spec) {
        for (k, v) in map {
            let sides: Vec<(Option<&str>, &str)> = match v {
                EnvValue::Plain(s) => vec![(None, s.0.as_str())],
                EnvValue::Branches(b) => [("local", &b.local), ("ci", &b.ci)]
                    .into_iter()
                    .filter_map(|(side, s)| s.as_ref().map(|s| (Some(side), s.0.as_str())))
                    .collect(),
            };
            for (side, text) in sides {
                // `${{ secrets.X }}` has its own diagnostic (rule `secrets-declared`).
                if text.contains("${{ secrets.") || text.contains("${{secrets.") {
                    continue;
                }
                if let Err(e) = check_references(text) {
                    let at = match side {
                        Some(side) => path.key(k).key(side),
                        None => path.key(k),
                    };
                    out.push(
                        Diagnostic::error(INVALID_ENV_REFERENCE, format!("env `{k}`: {}", e.message))
                            .at(at)
                            .with_label("not a reference cigen expands")
                            .with_help("cigen expands `$NAME` and `${NAME}` in env values (an unset variable is empty) and reads `$$` as one `$`; for a default or other shell syntax, write it in the step's command"),
                    );
                }
            }
        }
    }
}
