//! Rule: a secret's local source names exactly one well-formed place, one name has one source,
//! and a secret whose value the spec itself sets is long enough to be masked.

use super::secrets_declared::declarations;
use super::{env_maps, Context};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{Node, NodeKind, PathSegment, YamlPath};
use crate::spec::{LocalSource, Secret};

pub(crate) const SECRET_SOURCE: Code = Code::new("secret-source");
pub(crate) const CONFLICTING_SECRET_SOURCE: Code = Code::new("conflicting-secret-source");
pub(crate) const SHORT_SECRET: Code = Code::new("short-secret");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[SECRET_SOURCE, CONFLICTING_SECRET_SOURCE, SHORT_SECRET];

/// Values shorter than this cannot be masked without masking ordinary text (`run/mask`).
const MIN_MASKABLE: usize = 4;

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let spec = cx.spec;
    let mut first: Vec<(&str, &LocalSource, YamlPath)> = Vec::new();
    for (secret, path, _) in declarations(spec) {
        let (Secret::Full(full), Some(local)) = (secret, secret.local()) else {
            continue;
        };
        let at = path.key("local");
        // An unknown key (a typo) is reported by the shape check already.
        if !cx.dropped_under(&at) && !has_unknown_key(cx.tree, &at) {
            source_shape(&full.name, local, &at, out);
        }
        match first.iter().find(|(n, _, _)| *n == full.name) {
            Some((_, earlier, _)) if *earlier != local => out.push(
                Diagnostic::error(
                    CONFLICTING_SECRET_SOURCE,
                    format!(
                        "secret `{}` is declared with two different local sources",
                        full.name
                    ),
                )
                .at(at)
                .with_label("differs from the first declaration")
                .with_help("give the local source once, in the spec-wide `secrets:` or in one job"),
            ),
            Some(_) => {}
            None => first.push((&full.name, local, at)),
        }
    }
    // A literal the spec sets under a secret's name is known now: too short, it is not masked.
    let names: Vec<&str> = declarations(spec)
        .iter()
        .map(|(s, _, _)| s.name())
        .collect();
    for (env, path) in env_maps(spec) {
        for (k, v) in env {
            if !names.contains(&k.as_str()) {
                continue;
            }
            for side in [false, true] {
                let Some(value) = v.resolve(side) else {
                    continue;
                };
                // Trimmed: `echo $X` prints the value without its blank edges.
                let value = value.trim();
                let len = value.chars().count();
                if len > 0 && value.len() < MIN_MASKABLE {
                    out.push(
                        Diagnostic::warning(
                            SHORT_SECRET,
                            format!(
                                "secret `{k}` is set to a {len}-character value here: values \
                                 shorter than {MIN_MASKABLE} bytes cannot be masked, so it will \
                                 show in logs"
                            ),
                        )
                        .at(path.key(k))
                        .with_label("too short to mask")
                        .with_help("use a longer value, or do not declare it as a secret"),
                    );
                    break;
                }
            }
        }
    }
}

/// Whether the mapping at `path` has a key that is not a source kind.
fn has_unknown_key(tree: &Node, path: &YamlPath) -> bool {
    let mut node = tree;
    for seg in &path.0 {
        let next = match (seg, &node.kind) {
            (PathSegment::Key(k), NodeKind::Map(entries)) => {
                entries.iter().find(|e| &e.key == k).map(|e| &e.value)
            }
            (PathSegment::Index(i), NodeKind::Seq(items)) => items.get(*i),
            _ => None,
        };
        let Some(next) = next else { return false };
        node = next;
    }
    match &node.kind {
        NodeKind::Map(entries) => entries
            .iter()
            .any(|e| !["op", "vault", "sops", "command"].contains(&e.key.as_str())),
        _ => false,
    }
}

/// Exactly one source, each in its own form.
fn source_shape(name: &str, local: &LocalSource, at: &YamlPath, out: &mut Vec<Diagnostic>) {
    let kinds = local.kinds();
    if kinds.len() != 1 {
        let found = if kinds.is_empty() {
            "none".to_string()
        } else {
            kinds
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(" and ")
        };
        out.push(
            Diagnostic::error(
                SECRET_SOURCE,
                format!("the local source of secret `{name}` must give exactly one place; found {found}"),
            )
            .at(at.clone())
            .with_label("one of op, vault, sops, command")
            .with_help("e.g. `local: { op: op://vault/item/field }` or `local: { command: pass show api-token }`"),
        );
        return;
    }
    let bad = |key: &str, problem: String, help: &str| {
        Diagnostic::error(SECRET_SOURCE, format!("secret `{name}`: {problem}"))
            .at(at.key(key))
            .with_help(help.to_string())
    };
    if let Some(r) = &local.op {
        let parts: Vec<&str> = r.strip_prefix("op://").unwrap_or("").split('/').collect();
        if parts.len() < 3 || parts.iter().any(|p| p.trim().is_empty()) {
            out.push(bad(
                "op",
                format!("`{r}` is not a 1Password secret reference"),
                "write `op://<vault>/<item>/<field>` (1Password's \"Copy Secret Reference\")",
            ));
        }
    }
    if let Some(v) = &local.vault {
        if v.path.trim().is_empty() || v.field.trim().is_empty() {
            out.push(bad(
                "vault",
                "a Vault source needs a `path` and a `field`".into(),
                "e.g. `vault: { path: secret/myapp, field: password }`",
            ));
        }
    }
    if let Some(s) = &local.sops {
        if s.file.trim().is_empty() || s.key.trim().is_empty() {
            out.push(bad(
                "sops",
                "a sops source needs a `file` and a `key`".into(),
                "e.g. `sops: { file: secrets.enc.yaml, key: db.password }`",
            ));
        }
    }
    if local
        .command
        .as_deref()
        .is_some_and(|c| c.trim().is_empty())
    {
        out.push(bad(
            "command",
            "the command is empty".into(),
            "give a command whose standard output is the value, e.g. `pass show api-token`",
        ));
    }
}
