//! The typed context of the GitHub workflow template.
//!
//! Load-bearing for `templates/github.yml.j2`: every field here is read by the template (and
//! by users' own copies of it), so renaming one is a breaking change for custom templates.
//! Strings are printed escaped by the template engine; fields documented as expressions are
//! printed with the `expr` filter.

use serde::Serialize;

/// The whole workflow.
#[derive(Debug, Serialize)]
pub(crate) struct Workflow {
    /// Workflow `name:`.
    pub(crate) name: String,
    pub(crate) on: On,
    /// Forgejo: `enable-openid-connect: true` (a job requests an OIDC token).
    pub(crate) enable_openid_connect: bool,
    pub(crate) jobs: Vec<Job>,
}

/// Trigger mapping (`on:`).
#[derive(Debug, Serialize)]
pub(crate) struct On {
    /// `None`: no push trigger.
    pub(crate) push: Option<Filters>,
    pub(crate) pull_request: Option<Filters>,
    /// Cron lines.
    pub(crate) schedule: Vec<String>,
    pub(crate) workflow_dispatch: bool,
}

/// Branch and tag filters; empty lists are omitted.
#[derive(Debug, Serialize)]
pub(crate) struct Filters {
    pub(crate) branches: Vec<String>,
    pub(crate) tags: Vec<String>,
}

/// A `key: value` pair; `expr` means `value` is a GitHub expression (print with `expr`).
#[derive(Debug, Serialize)]
pub(crate) struct Entry {
    pub(crate) key: String,
    pub(crate) value: Value,
    pub(crate) expr: bool,
}

/// A printable scalar.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum Value {
    Text(String),
    Bool(bool),
    Number(u64),
}

/// One permission line; `why` is the comment that explains a write permission.
#[derive(Debug, Serialize)]
pub(crate) struct Permission {
    pub(crate) scope: String,
    pub(crate) level: String,
    pub(crate) why: Option<String>,
}

/// A deployment environment.
#[derive(Debug, Serialize)]
pub(crate) struct Environment {
    pub(crate) name: String,
    /// An expression text (print with `expr`): the spec's text escaped, with `{ref}` as
    /// `${{ github.head_ref || github.ref_name }}`.
    pub(crate) url: Option<String>,
}

/// A service container.
#[derive(Debug, Serialize)]
pub(crate) struct Service {
    pub(crate) id: String,
    pub(crate) image: String,
    /// `host:container` strings.
    pub(crate) ports: Vec<String>,
    pub(crate) env: Vec<Entry>,
    /// Docker options (health check), if any.
    pub(crate) options: Option<String>,
}

/// One step. Either `uses` (with `pin_comment` and `with`) or `run` is set.
#[derive(Debug, Serialize)]
pub(crate) struct Step {
    pub(crate) name: String,
    pub(crate) id: Option<String>,
    /// Condition; an expression without `${{ }}`.
    pub(crate) condition: Option<String>,
    /// `owner/repo@<40-hex sha>`.
    pub(crate) uses: Option<String>,
    /// The version comment after `uses:` (`v5.0.0`).
    pub(crate) pin_comment: Option<String>,
    pub(crate) with: Vec<Entry>,
    pub(crate) env: Vec<Entry>,
    /// Shell command; never holds `${{ }}` (values arrive through `env`).
    pub(crate) run: Option<String>,
    /// Shell of a `run` step: `bash` everywhere, so `exec` and `"$VAR"` mean the same on
    /// Windows runners (whose default shell is PowerShell).
    pub(crate) shell: Option<String>,
    /// `continue-on-error` (`true`, or an expression with `${{ }}`): the run step of a job
    /// with `allow_failure`.
    pub(crate) continue_on_error: Option<String>,
}

/// One workflow job (one spec job).
#[derive(Debug, Serialize)]
pub(crate) struct Job {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) needs: Vec<String>,
    /// Job-level `if:` (an expression without `${{ }}`), from `when.event`; `None`: always.
    pub(crate) condition: Option<String>,
    /// Runner labels (one is printed as a scalar).
    pub(crate) runs_on: Vec<String>,
    /// `runs-on` as an expression (print with `expr`) for a job whose cells pick their
    /// runners (`runs-on.cells`); it wins over `runs_on`.
    pub(crate) runs_on_expr: Option<String>,
    pub(crate) timeout_minutes: u64,
    pub(crate) permissions: Vec<Permission>,
    pub(crate) environment: Option<Environment>,
    /// Job-level `concurrency.group` (a plain name), with `cancel-in-progress: false`.
    pub(crate) concurrency: Option<String>,
    /// `strategy.matrix.include` cells, each a list of `key: value` entries; empty = no matrix.
    pub(crate) cells: Vec<Vec<Entry>>,
    /// `strategy.fail-fast`.
    pub(crate) fail_fast: bool,
    pub(crate) services: Vec<Service>,
    /// Job outputs; values are expressions.
    pub(crate) outputs: Vec<Entry>,
    pub(crate) steps: Vec<Step>,
}
