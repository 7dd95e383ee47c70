//! Rule: GitHub permission scopes exist and `id-token` is only `write` or `none`.

use super::Context;
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::source::YamlPath;
use crate::spec::Permission;

pub(crate) const UNKNOWN_PERMISSION: Code = Code::new("unknown-permission");
pub(crate) const INVALID_PERMISSION: Code = Code::new("invalid-permission");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[UNKNOWN_PERMISSION, INVALID_PERMISSION];

/// GITHUB_TOKEN scopes accepted by GitHub Actions.
pub const SCOPES: &[&str] = &[
    "actions",
    "attestations",
    "checks",
    "contents",
    "deployments",
    "discussions",
    "id-token",
    "issues",
    "models",
    "packages",
    "pages",
    "pull-requests",
    "repository-projects",
    "security-events",
    "statuses",
];

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (job, j) in &cx.spec.jobs {
        for (scope, level) in &j.permissions {
            let path = YamlPath::job(job).key("permissions").key(scope);
            if !SCOPES.contains(&scope.as_str()) {
                let mut d = Diagnostic::error(
                    UNKNOWN_PERMISSION,
                    format!("`{scope}` is not a GitHub token permission"),
                )
                .at_key(path);
                d = match did_you_mean(scope, SCOPES.iter().copied()) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(format!("known permissions: {}", SCOPES.join(", "))),
                };
                out.push(d);
            } else if scope == "id-token" && *level == Permission::Read {
                out.push(
                    Diagnostic::error(
                        INVALID_PERMISSION,
                        "`id-token` can only be `write` or `none`",
                    )
                    .at(path)
                    .with_help("OIDC login needs `id-token: write`"),
                );
            }
        }
    }
}
