//! Translating GitHub `${{ }}` expressions in commands and env values into what `cigen run`
//! gives every runner: `${{ matrix.x }}` → `$MATRIX_X`, `${{ secrets.X }}` → the declared
//! secret `$X`, `${{ env.X }}` → `$X`, `${{ needs.j.outputs.k }}` → `$J_K`, and the `github`
//! and `runner` contexts → the variables GitHub sets for them. Anything else is reported.

use std::collections::BTreeSet;

use indexmap::IndexMap;

use crate::contract::matrix_env_name as env_name;
use crate::contract::output_env_name;

/// The `github` context fields that GitHub also sets as `GITHUB_*` variables.
const GITHUB_FIELDS: &[&str] = &[
    "action_path",
    "actor",
    "api_url",
    "base_ref",
    "event_name",
    "event_path",
    "head_ref",
    "job",
    "ref",
    "ref_name",
    "ref_type",
    "repository",
    "repository_owner",
    "run_attempt",
    "run_id",
    "run_number",
    "server_url",
    "sha",
    "workflow",
    "workspace",
];

/// The `runner` context fields GitHub sets as `RUNNER_*` variables.
const RUNNER_FIELDS: &[&str] = &["arch", "name", "os", "temp", "tool_cache"];

/// What expressions may refer to, for one job.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    /// Matrix keys as written in the workflow → keys in the spec (axes may be renamed).
    pub(crate) matrix: IndexMap<String, String>,
    /// Workflow job ids → spec job names, for `needs.<id>.outputs.<key>`.
    pub(crate) jobs: IndexMap<String, String>,
}

/// What a translation used and what it could not translate.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) secrets: BTreeSet<String>,
    /// Provider variables (`GITHUB_SHA`, `RUNNER_OS`) that are empty outside GitHub.
    pub(crate) provider_vars: BTreeSet<String>,
    /// `(spec job, output key)` read through `needs`.
    pub(crate) needs_outputs: BTreeSet<(String, String)>,
    /// Expressions left as they were, verbatim (`${{ ... }}`).
    pub(crate) untranslated: Vec<String>,
}

/// A dotted name made only of identifier characters (`a.b-c.d`), split at the dots; index
/// syntax (`matrix['python-version']`) is turned into dots first.
fn path(expr: &str) -> Option<Vec<String>> {
    let mut s = String::new();
    let mut rest = expr.trim();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("['") {
            let end = r.find("']")?;
            s.push('.');
            s.push_str(&r[..end]);
            rest = &r[end + 2..];
        } else {
            let c = rest.chars().next()?;
            if !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.') {
                return None;
            }
            s.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    let parts: Vec<String> = s.split('.').map(str::to_string).collect();
    (!parts.iter().any(String::is_empty)).then_some(parts)
}

fn is_env_name(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The variable one expression becomes, or `None` when it has no equivalent.
fn variable(expr: &str, scope: &Scope, found: &mut Found) -> Option<String> {
    let p = path(expr)?;
    let p: Vec<&str> = p.iter().map(String::as_str).collect();
    match p.as_slice() {
        ["matrix", key] => scope.matrix.get(*key).map(|k| env_name(k)),
        ["secrets", name] if is_env_name(name) => {
            found.secrets.insert(name.to_string());
            Some(name.to_string())
        }
        ["env", name] if is_env_name(name) => Some(name.to_string()),
        ["needs", job, "outputs", key] => {
            let spec_job = scope.jobs.get(*job)?;
            found
                .needs_outputs
                .insert((spec_job.clone(), key.to_string()));
            Some(output_env_name(spec_job, key))
        }
        ["github", field] if GITHUB_FIELDS.contains(field) => {
            let v = format!("GITHUB_{}", field.to_ascii_uppercase());
            found.provider_vars.insert(v.clone());
            Some(v)
        }
        ["github", "token"] => {
            found.secrets.insert("GITHUB_TOKEN".into());
            Some("GITHUB_TOKEN".into())
        }
        ["runner", field] if RUNNER_FIELDS.contains(field) => {
            let v = format!("RUNNER_{}", field.to_ascii_uppercase());
            found.provider_vars.insert(v.clone());
            Some(v)
        }
        _ => None,
    }
}

/// A quoted string literal `'text'` (GitHub escapes `'` as `''`).
fn literal(expr: &str) -> Option<String> {
    let e = expr.trim();
    let inner = e.strip_prefix('\'')?.strip_suffix('\'')?;
    Some(inner.replace("''", "'"))
}

/// Shell quoting state at a position of a command.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    None,
    Single,
    Double,
}

/// The quoting state after `text`, as bash reads it (backslash escapes outside single quotes).
fn quote_state(text: &str, start: Quote) -> Quote {
    let mut q = start;
    let mut escaped = false;
    for c in text.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        q = match (q, c) {
            (Quote::Single, '\'') => Quote::None,
            (Quote::Single, _) => Quote::Single,
            (_, '\\') => {
                escaped = true;
                q
            }
            (Quote::None, '\'') => Quote::Single,
            (Quote::None, '"') => Quote::Double,
            (Quote::Double, '"') => Quote::None,
            (q, _) => q,
        };
    }
    q
}

/// Replaces every `${{ e }}` in a shell command with the variable it stands for; expressions
/// without an equivalent stay as written and are listed in `found.untranslated`. GitHub pastes the value into the script before
/// bash reads it, so a variable must expand where the expression stood. Inside single quotes
/// that means closing them around the variable (`'a'"${MATRIX_X}"'b'`); elsewhere the
/// variable is double-quoted unless it already is, so a value with spaces stays one word as
/// GitHub's pasted text would not — the one deliberate difference, which is safer.
pub(crate) fn translate_shell(text: &str, scope: &Scope, found: &mut Found) -> String {
    let mut out = String::new();
    let mut rest = text;
    let mut q = Quote::None;
    while let Some(open) = rest.find("${{") {
        let before = &rest[..open];
        q = quote_state(before, q);
        out.push_str(before);
        let after = &rest[open + 3..];
        let Some(close) = after.find("}}") else {
            out.push_str(&rest[open..]);
            return out;
        };
        let expr = after[..close].trim();
        if let Some(v) = variable(expr, scope, found) {
            out.push_str(&match q {
                Quote::Single => format!("'\"${{{v}}}\"'"),
                Quote::Double => format!("${{{v}}}"),
                Quote::None => format!("\"${{{v}}}\""),
            });
        } else if let Some(l) = literal(expr) {
            out.push_str(&l);
            q = quote_state(&l, q);
        } else {
            let verbatim = format!("${{{{ {expr} }}}}");
            if !found.untranslated.contains(&verbatim) {
                found.untranslated.push(verbatim.clone());
            }
            out.push_str(&verbatim);
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

/// A shell word with the value of a GitHub env entry: literal text single-quoted, translated
/// expressions as double-quoted variables (`.coverage.${{ matrix.os }}` →
/// `'.coverage.'"${MATRIX_OS}"`), for an `export NAME=<word>` line.
pub(crate) fn shell_word(text: &str, scope: &Scope, found: &mut Found) -> String {
    let quote_literal = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find("${{") {
        if open > 0 {
            out.push_str(&quote_literal(&rest[..open]));
        }
        let after = &rest[open + 3..];
        let Some(close) = after.find("}}") else {
            out.push_str(&quote_literal(&rest[open..]));
            return out;
        };
        let expr = after[..close].trim();
        if let Some(v) = variable(expr, scope, found) {
            out.push_str(&format!("\"${{{v}}}\""));
        } else if let Some(l) = literal(expr) {
            out.push_str(&quote_literal(&l));
        } else {
            let verbatim = format!("${{{{ {expr} }}}}");
            if !found.untranslated.contains(&verbatim) {
                found.untranslated.push(verbatim.clone());
            }
            out.push_str(&quote_literal(&verbatim));
        }
        rest = &after[close + 2..];
    }
    if !rest.is_empty() || out.is_empty() {
        out.push_str(&quote_literal(rest));
    }
    out
}

/// An env value for cigen's own expansion: literal text with each `$` doubled (GitHub never
/// expands env values), expressions as `${NAME}` references (`.cov.${{ matrix.os }}` →
/// `.cov.${MATRIX_OS}`). `None` when an expression has no equivalent variable; nothing is
/// recorded as untranslated then, the caller falls back to [`shell_word`].
pub(crate) fn env_value(text: &str, scope: &Scope, found: &mut Found) -> Option<String> {
    let literal_text = |s: &str| s.replace('$', "$$");
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find("${{") {
        out.push_str(&literal_text(&rest[..open]));
        let after = &rest[open + 3..];
        let close = after.find("}}")?;
        let expr = after[..close].trim();
        if let Some(l) = literal(expr) {
            out.push_str(&literal_text(&l));
        } else {
            out.push_str(&format!("${{{}}}", variable(expr, scope, found)?));
        }
        rest = &after[close + 2..];
    }
    out.push_str(&literal_text(rest));
    Some(out)
}

/// An action input for a remote step: each `${{ secrets.X }}` and `${{ vars.X }}` kept, each
/// `${{ matrix.K }}` under the spec's name of the axis; `None` when another expression (or a
/// matrix key the job lacks) is in it, since rule `unsafe-expression` allows only those.
pub(crate) fn action_input(text: &str, scope: &Scope, found: &mut Found) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find("${{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 3..];
        let close = after.find("}}")?;
        let p = path(&after[..close])?;
        let p: Vec<&str> = p.iter().map(String::as_str).collect();
        let kept = match p.as_slice() {
            ["matrix", key] => format!("matrix.{}", scope.matrix.get(*key)?),
            ["secrets", name] if is_env_name(name) => {
                found.secrets.insert(name.to_string());
                format!("secrets.{name}")
            }
            ["vars", name] if is_env_name(name) => format!("vars.{name}"),
            _ => return None,
        };
        out.push_str(&format!("${{{{ {kept} }}}}"));
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Some(out)
}

/// Whether `text` holds any `${{`.
pub(crate) fn has_expression(text: &str) -> bool {
    text.contains("${{")
}

/// The single expression a whole value is, without `${{ }}` (`${{ matrix.os }}` → `matrix.os`).
pub(crate) fn whole(text: &str) -> Option<&str> {
    let t = text.trim();
    let inner = t.strip_prefix("${{")?.strip_suffix("}}")?;
    (!inner.contains("${{") && !inner.contains("}}")).then(|| inner.trim())
}

/// `matrix.KEY` (or `matrix['KEY']`) → `KEY`.
pub(crate) fn matrix_key(expr: &str) -> Option<String> {
    match path(expr)?.as_slice() {
        [m, key] if m == "matrix" => Some(key.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> Scope {
        Scope {
            matrix: [("python-version".to_string(), "python".to_string())]
                .into_iter()
                .collect(),
            jobs: [("Build".to_string(), "build".to_string())]
                .into_iter()
                .collect(),
        }
    }

    #[test]
    fn translates_the_contexts_cigen_provides() {
        let mut f = Found::default();
        let t = translate_shell(
            "tox -e \"py${{ matrix.python-version }}\" --token \"${{secrets.PYPI_TOKEN}}\" \"${{ env.HOME_DIR }}\" \"${{ needs.Build.outputs.image }}\" \"${{ github.sha }}\" \"${{ matrix['python-version'] }}\" ${{ 'x' }}",
            &scope(),
            &mut f,
        );
        assert_eq!(
            t,
            "tox -e \"py${MATRIX_PYTHON}\" --token \"${PYPI_TOKEN}\" \"${HOME_DIR}\" \"${BUILD_IMAGE}\" \"${GITHUB_SHA}\" \"${MATRIX_PYTHON}\" x"
        );
        assert!(f.secrets.contains("PYPI_TOKEN"));
        assert!(f.provider_vars.contains("GITHUB_SHA"));
        assert!(f
            .needs_outputs
            .contains(&("build".to_string(), "image".to_string())));
        assert!(f.untranslated.is_empty());
    }

    #[test]
    fn shell_translation_keeps_quoting() {
        let mut f = Found::default();
        assert_eq!(
            translate_shell("echo '${{ matrix.python-version }}' \"py${{ matrix.python-version }}\" ${{ secrets.T }}", &scope(), &mut f),
            "echo ''\"${MATRIX_PYTHON}\"'' \"py${MATRIX_PYTHON}\" \"${T}\""
        );
        assert_eq!(
            shell_word(".cov.${{ matrix.python-version }}.it's", &scope(), &mut f),
            "'.cov.'\"${MATRIX_PYTHON}\"'.it'\\''s'"
        );
        assert_eq!(shell_word("${{ secrets.T }}", &scope(), &mut f), "\"${T}\"");
        assert_eq!(shell_word("", &scope(), &mut f), "''");
    }

    #[test]
    fn env_values_become_references_cigen_expands() {
        let mut f = Found::default();
        assert_eq!(
            env_value(
                "$HOME/.cov.${{ matrix.python-version }}-${{ env.BASE }}${{ 'x$' }}",
                &scope(),
                &mut f
            )
            .as_deref(),
            Some("$$HOME/.cov.${MATRIX_PYTHON}-${BASE}x$$")
        );
        assert_eq!(env_value("a ${{ hashFiles('x') }}", &scope(), &mut f), None);
        assert!(f.untranslated.is_empty());
    }

    #[test]
    fn leaves_and_reports_what_has_no_equivalent() {
        let mut f = Found::default();
        let t = translate_shell(
            "echo ${{ steps.v.outputs.version }} ${{ hashFiles('x') }} ${{ matrix.nope }}",
            &scope(),
            &mut f,
        );
        assert_eq!(
            t,
            "echo ${{ steps.v.outputs.version }} ${{ hashFiles('x') }} ${{ matrix.nope }}"
        );
        assert_eq!(f.untranslated.len(), 3);
        assert_eq!(whole(" ${{ matrix.os }} "), Some("matrix.os"));
        assert_eq!(matrix_key("matrix.os").as_deref(), Some("os"));
        assert_eq!(whole("a ${{ x }}"), None);
    }
}
