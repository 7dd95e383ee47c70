//! The syntax of the templates a spec may name (`targets.<target>.template`): minijinja with
//! `{{{ }}}`, `{{% %}}` and `{{# #}}`, so GitHub's `${{ }}` and just's `{{ }}` stay literal
//! text. Part of the spec's contract: `check` parses a user's template with it, `generate`
//! renders with it.

use minijinja::syntax::SyntaxConfig;

/// The template syntax; building it from these fixed delimiters cannot fail in practice, so a
/// failure is reported as the error it is.
pub fn template_syntax() -> Result<SyntaxConfig, minijinja::Error> {
    // Built once: building it compiles a delimiter matcher (a fifth of what `generate` spends
    // on a small spec's three environments); a copy shares it.
    static SYNTAX: std::sync::OnceLock<SyntaxConfig> = std::sync::OnceLock::new();
    if let Some(syntax) = SYNTAX.get() {
        return Ok(syntax.clone());
    }
    let syntax = SyntaxConfig::builder()
        .block_delimiters("{{%", "%}}")
        .variable_delimiters("{{{", "}}}")
        .comment_delimiters("{{#", "#}}")
        .build()?;
    Ok(SYNTAX.get_or_init(|| syntax).clone())
}

/// Parses a template's text with this syntax; the error names the line.
pub fn parse_template(name: &str, text: &str) -> Result<(), String> {
    let mut env = minijinja::Environment::new();
    env.set_syntax(template_syntax().map_err(|e| e.to_string())?);
    env.add_template_owned(name.to_string(), text.to_string())
        .map_err(|e| match e.line() {
            Some(line) => format!("line {line}: {}", e.detail().unwrap_or(&e.to_string())),
            None => e.to_string(),
        })
}
