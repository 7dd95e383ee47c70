//! The template engine: embedded templates, `{{{ }}}`/`{{% %}}` syntax, strict undefined, and
//! a formatter that escapes every emitted value, so a template cannot print spec text raw.
//!
//! The syntax leaves GitHub's `${{ }}` and just's `{{ }}` as literal text. Templates do layout
//! only; the contexts they receive are built (and documented) by each back end.

use std::borrow::Cow;
use std::path::Path;

use minijinja::value::{Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior};
use serde::Serialize;

use super::escape;
use super::GenerateError;

/// How values are escaped when a template prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// YAML read by GitHub: `${{` neutralised, then a YAML 1.1/1.2-safe scalar.
    Github,
    /// YAML read by GitLab: a YAML 1.1/1.2-safe scalar.
    Gitlab,
    /// A justfile: one line, `{{` escaped.
    Just,
}

/// Built-in templates by id, embedded in the binary.
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    (
        "github.yml.j2",
        include_str!("../../templates/github.yml.j2"),
    ),
    (
        "gitlab.yml.j2",
        include_str!("../../templates/gitlab.yml.j2"),
    ),
    ("justfile.j2", include_str!("../../templates/justfile.j2")),
];

/// The built-in template with this id (a miss is a cigen bug).
fn builtin(id: &str) -> Result<&'static str, GenerateError> {
    TEMPLATES
        .iter()
        .find(|(n, _)| *n == id)
        .map(|(_, t)| *t)
        .ok_or_else(|| GenerateError::bug(format!("no built-in template `{id}`")))
}

/// Writes `value` escaped for `dialect`. Safe strings come only from the escaping filters below.
fn format(dialect: Dialect, out: &mut minijinja::Output<'_>, value: &Value) -> Result<(), Error> {
    if value.is_safe() {
        return out
            .write_str(value.as_str().unwrap_or_default())
            .map_err(Error::from);
    }
    // Most values are written as they are: nothing is copied for them.
    let text: Cow<'_, str> = match value.kind() {
        ValueKind::String => {
            let s = value.as_str().unwrap_or_default();
            match dialect {
                Dialect::Github => match escape::github_text_cow(s) {
                    Cow::Borrowed(s) => escape::yaml_scalar_cow(s),
                    Cow::Owned(s) => Cow::Owned(escape::yaml_scalar(&s)),
                },
                Dialect::Gitlab => escape::yaml_scalar_cow(s),
                Dialect::Just => Cow::Owned(escape::just_text(&escape::comment_text(s))),
            }
        }
        ValueKind::Bool => Cow::Borrowed(if value.is_true() { "true" } else { "false" }),
        ValueKind::Number => Cow::Owned(value.to_string()),
        kind => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("templates may print text, numbers and booleans only, not {kind}"),
            ));
        }
    };
    out.write_str(&text).map_err(Error::from)
}

/// An environment for one dialect with its escaping filters:
/// - `expr` (GitHub): a YAML scalar whose `${{ }}` GitHub evaluates; only for expressions
///   cigen builds, and for `with:` inputs that the `github-expressions` rule restricted to
///   `secrets.*`/`vars.*`.
/// - `cond` (GitHub): a condition cigen builds, as a YAML scalar wrapped over several lines
///   when long (`{{{ job.condition | cond(6) }}}`).
/// - `var` (GitLab): a YAML scalar for a field GitLab expands `$` in (`$` → `$$`).
/// - `comment`: one line of comment text.
pub(crate) fn environment(dialect: Dialect) -> Result<Environment<'static>, GenerateError> {
    let mut env = Environment::new();
    env.set_syntax(
        crate::spec::template_syntax()
            .map_err(|e| GenerateError::bug(format!("template syntax: {e}")))?,
    );
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    // Filters that would print a value unescaped are removed.
    for f in ["safe", "escape", "e", "tojson", "pprint", "urlencode"] {
        env.remove_filter(f);
    }
    env.set_formatter(move |out, _state, value| format(dialect, out, value));
    env.add_filter("expr", |s: String| {
        Value::from_safe_string(escape::yaml_scalar(&s))
    });
    // A generated condition, wrapped when long; its argument is the continuation indent.
    env.add_filter("cond", |s: String, indent: usize| {
        Value::from_safe_string(escape::yaml_scalar_wrapped(
            &escape::github_text(&s),
            indent,
            160,
        ))
    });
    env.add_filter("var", |s: String| {
        Value::from_safe_string(escape::yaml_scalar(&escape::gitlab_variable(&s)))
    });
    env.add_filter("comment", |s: String| {
        Value::from_safe_string(escape::comment_text(&s))
    });
    Ok(env)
}

/// Renders the built-in template `id`, or the user's template file when `custom` is set
/// (a path relative to `root`, the spec's directory).
pub(crate) fn render<C: Serialize>(
    dialect: Dialect,
    id: &str,
    custom: Option<&str>,
    root: &Path,
    context: &C,
) -> Result<String, GenerateError> {
    let mut env = environment(dialect)?;
    let (name, source) = match custom {
        Some(rel) => {
            let path = root.join(rel);
            let text = std::fs::read_to_string(&path).map_err(|e| {
                GenerateError::user(format!("cannot read template {}: {e}", path.display()))
            })?;
            (rel.to_string(), text)
        }
        None => (id.to_string(), builtin(id)?.to_string()),
    };
    env.add_template_owned(name.clone(), source)
        .map_err(|e| template_error(custom.is_some(), &e))?;
    let template = env
        .get_template(&name)
        .map_err(|e| template_error(custom.is_some(), &e))?;
    // The context's value tree is kept, not freed: freeing its every node one by one was a
    // sixth of rendering a big workflow (200 jobs: 10M of 62M instructions), and rendering
    // happens once in a process that ends soon after (`generate`, `pins`).
    let context = Value::from_serialize(context);
    let out = template
        .render(&context)
        .map_err(|e| template_error(custom.is_some(), &e));
    std::mem::forget(context);
    out
}

/// A template error: the user's fault in their own template, a cigen bug in a built-in one.
fn template_error(custom: bool, e: &Error) -> GenerateError {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(&format!(": {s}"));
        source = s.source();
    }
    if custom {
        GenerateError::user(format!("template error: {msg}"))
    } else {
        GenerateError::bug(format!("built-in template error: {msg}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_id_resolves_and_parses() {
        for (id, _) in TEMPLATES {
            for d in [Dialect::Github, Dialect::Gitlab, Dialect::Just] {
                let mut env = environment(d).unwrap();
                env.add_template_owned(id.to_string(), builtin(id).unwrap().to_string())
                    .unwrap_or_else(|e| panic!("{id}: {e}"));
            }
        }
        assert!(builtin("nope.j2").is_err());
    }

    #[test]
    fn values_cannot_escape_escaping() {
        let env = environment(Dialect::Github).unwrap();
        let out = env
            .render_str(
                "a: {{{ v }}}\nb: {{{ n }}}\nc: ${{ x }}",
                minijinja::context! { v => "no\n${{ github.token }}", n => 3 },
            )
            .unwrap();
        assert_eq!(
            out,
            "a: \"no\\n${{ '${{' }} github.token }}\"\nb: 3\nc: ${{ x }}"
        );
        assert!(env
            .render_str("{{{ v|safe }}}", minijinja::context! { v => "x" })
            .is_err());
        assert!(env.render_str("{{{ missing }}}", ()).is_err());
        assert!(env
            .render_str("{{{ m }}}", minijinja::context! { m => vec![1] })
            .is_err());
        let gl = environment(Dialect::Gitlab).unwrap();
        assert_eq!(
            gl.render_str(
                "{{{ v|var }}} {{{ v }}}",
                minijinja::context! { v => "$HOME" }
            )
            .unwrap(),
            "'$$HOME' '$HOME'"
        );
        let just = environment(Dialect::Just).unwrap();
        assert_eq!(
            just.render_str("{{{ v }}}", minijinja::context! { v => "{{x}}\ny" })
                .unwrap(),
            "{{{{x}} y"
        );
    }
}
