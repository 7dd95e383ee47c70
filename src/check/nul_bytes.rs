//! Rule: no step command and no env value holds a NUL byte. YAML can write one (`"a\0b"`),
//! but no process can receive it: the command line and the environment are NUL-terminated
//! strings, so `cigen run` could only stop at that step, and a provider would cut the text
//! short or refuse it. Said here, with the place, rather than when the job runs.

use super::{env_maps, run_path, run_text, Context};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;
use crate::spec::EnvValue;

pub(crate) const NUL_BYTE: Code = Code::new("nul-byte");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[NUL_BYTE];

fn nul_byte(what: String, at: YamlPath) -> Diagnostic {
    Diagnostic::error(
        NUL_BYTE,
        format!("{what} holds a NUL byte, which no process can receive"),
    )
    .at(at)
    .with_label("`\\0` here")
    .with_help("remove the `\\0` (a YAML escape in a double-quoted string)")
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (job, j) in &cx.spec.jobs {
        for (i, step) in j.steps.iter().enumerate() {
            if run_text(step).contains('\0') {
                let path = YamlPath::job(job).key("steps").index(i);
                out.push(nul_byte(
                    format!("step {} of job `{job}`", i + 1),
                    run_path(step, &path),
                ));
            }
        }
    }
    for (env, path) in env_maps(cx.spec) {
        for (name, value) in env {
            let sides = match value {
                EnvValue::Plain(v) => vec![(Some(v), "", path.key(name))],
                EnvValue::Branches(b) => vec![
                    (b.local.as_ref(), " locally", path.key(name).key("local")),
                    (b.ci.as_ref(), " in CI", path.key(name).key("ci")),
                ],
            };
            for (text, side, at) in sides {
                if text.is_some_and(|t| t.0.contains('\0')) {
                    out.push(nul_byte(format!("the value of `{name}`{side}"), at));
                }
            }
        }
    }
}
