//! Rule: `setup.node_registry` is a plain `http(s)://` URL, and its setup installs Node.js.
//! setup-node builds the `.npmrc` token key from the URL's text, so an expression, a variable
//! or a space would name a registry that is not the one meant; without `node` GitHub has no
//! setup-node step to hand the URL to.

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;
use crate::spec::Setup;

pub(crate) const NODE_REGISTRY: Code = Code::new("node-registry");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[NODE_REGISTRY];

fn problem(setup: &Setup, url: &str) -> Option<&'static str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        None => Some("must start with `https://` (or `http://`)"),
        Some(r) if r.is_empty() || r.starts_with('/') => Some("has no host"),
        Some(r)
            if r.chars()
                .any(|c| c.is_whitespace() || matches!(c, '$' | '{' | '}' | '\'' | '"' | '\\')) =>
        {
            Some("must be plain text: no spaces, quotes, `$` or braces (nothing is expanded)")
        }
        Some(_) if setup.node.is_none() => Some("needs `node` in the same `setup:`"),
        Some(_) => None,
    }
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let mut setups = vec![(&cx.spec.setup, YamlPath::root().key("setup"))];
    for (name, j) in &cx.spec.jobs {
        if let Some(s) = &j.setup {
            setups.push((s, YamlPath::job(name).key("setup")));
        }
    }
    for (setup, at) in setups {
        let Some(url) = &setup.node_registry else {
            continue;
        };
        if let Some(why) = problem(setup, url) {
            out.push(
                Diagnostic::error(NODE_REGISTRY, format!("`node_registry: {url}` {why}"))
                    .at(at.key("node_registry"))
                    .with_help("write the registry's URL, e.g. `node_registry: https://registry.npmjs.org`, beside `node: <version>`; the token comes from `$NODE_AUTH_TOKEN`"),
            );
        }
    }
}
