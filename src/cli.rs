//! Command-line definitions (clap). Parsing only; `app` dispatches.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  cigen init                         Write a first cigen.yaml for this project
  cigen import                       Turn existing GitHub/GitLab CI files into cigen.yaml
  cigen list                         Jobs with their needs and descriptions
  cigen run                          Run every job locally, in DAG order, in parallel
  cigen run test --matrix python=3.12
                                     One job (and its needs) for one matrix cell
  cigen run --dry-run                Show what would run or be skipped, and why
  cigen generate                     Write .github/workflows, .gitlab-ci.yml and justfile
  cigen generate --check             Fail with a diff when committed outputs are stale
  cigen graph --format dot | dot -Tsvg > pipeline.svg";

#[derive(Debug, Parser)]
#[command(name = "cigen", version, about = "One portable CI spec: generate thin CI YAML, run the same pipeline everywhere", after_help = EXAMPLES)]
pub struct Cli {
    /// Spec file (default: cigen.yaml in this directory or the nearest parent).
    #[arg(short = 'f', long = "spec", global = true, value_name = "PATH")]
    pub spec: Option<PathBuf>,
    /// When to colour output. NO_COLOR is honoured under `auto`.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

// Domain types are mapped from clap's at this edge, so the library never sees clap.
impl From<ColorChoice> for crate::ui::ColorChoice {
    fn from(c: ColorChoice) -> Self {
        match c {
            ColorChoice::Auto => Self::Auto,
            ColorChoice::Always => Self::Always,
            ColorChoice::Never => Self::Never,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile the spec into GitHub Actions, GitLab CI and justfile outputs.
    #[command(
        after_help = "Examples:\n  cigen generate\n  cigen generate --check\n  cigen generate --target github --force"
    )]
    Generate(GenerateArgs),
    /// Run jobs: locally, or as the single call inside generated CI.
    #[command(
        after_help = "Examples:\n  cigen run\n  cigen run lint test -j 4\n  cigen run test --matrix python=3.13 --no-deps\n  cigen run deploy --dry-run\n  cigen run --event tag --tag v1.2.0 --dry-run\n  cigen run --event pull_request --branch feature/x --base-branch main\n  cigen run --schedule '0 3 * * *' --dry-run"
    )]
    Run(Box<RunArgs>),
    /// Validate the spec and print every problem.
    #[command(
        after_help = "Exit codes: 0 when the spec is valid (warnings are allowed), 2 when it has errors.\n\n\
With --format json, stdout holds {\"diagnostics\": [...]}; each item has severity (error|warning),\n\
code (see docs/diagnostics.md), message, file, line, column, end_line, end_column (1-based,\n\
columns in characters), path (e.g. jobs.test.needs[0]), label and help.\n\n\
Examples:\n  cigen check\n  cigen check --format json | jq -r '.diagnostics[].code'"
    )]
    Check(CheckArgs),
    /// List jobs with their needs and descriptions.
    #[command(after_help = "Examples:\n  cigen list\n  cigen list --format json")]
    List(ListArgs),
    /// Print the job graph as Mermaid (default) or Graphviz DOT.
    #[command(
        after_help = "Examples:\n  cigen graph > pipeline.mmd\n  cigen graph --format dot | dot -Tsvg > pipeline.svg"
    )]
    Graph(GraphArgs),
    /// Detect the project (Python, Rust, Node, Go) and write a first cigen.yaml.
    #[command(
        after_help = "Writes cigen.yaml in the working directory (or -f PATH) and never overwrites an existing spec.\n\nExamples:\n  cigen init\n  cigen init --stdout > cigen.yaml"
    )]
    Init(InitArgs),
    /// Turn .github/workflows/*.yml and .gitlab-ci.yml into a cigen.yaml, with a migration report.
    #[command(
        after_help = "Writes cigen.yaml in the working directory (or -f PATH) and never overwrites an existing spec.\nWhat cannot be carried over is printed and written as comments beside each job.\n\nExamples:\n  cigen import\n  cigen import --from github\n  cigen import --stdout\n  cigen import --report json | jq '.items[] | select(.kind == \"lost\")'"
    )]
    Import(ImportArgs),
    /// Print the JSON Schema of cigen.yaml.
    #[command(
        after_help = "Examples:\n  cigen schema > schema/cigen.schema.json\n\nEditors read it from a first line such as:\n  # yaml-language-server: $schema=./schema/cigen.schema.json"
    )]
    Schema,
    /// Print shell completions.
    #[command(
        after_help = "Examples:\n  cigen completions bash > /etc/bash_completion.d/cigen\n  cigen completions zsh > \"${fpath[1]}/_cigen\"\n  cigen completions fish > ~/.config/fish/completions/cigen.fish"
    )]
    Completions(CompletionsArgs),
    /// The action pins of the generated GitHub workflow (docs/pins.md).
    #[command(
        after_help = "Examples:\n  cigen pins list\n  cigen pins update\n  cigen pins update actions/checkout"
    )]
    Pins(PinsArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    Github,
    Gitlab,
    Just,
    Forgejo,
}

impl From<Target> for crate::model::TargetKind {
    fn from(t: Target) -> Self {
        match t {
            Target::Github => Self::Github,
            Target::Gitlab => Self::Gitlab,
            Target::Just => Self::Just,
            Target::Forgejo => Self::Forgejo,
        }
    }
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Verify that committed outputs are up to date; print a diff and exit 1 when not. Never writes an output.
    #[arg(long)]
    pub check: bool,
    /// Overwrite files that were not generated by cigen.
    #[arg(long)]
    pub force: bool,
    /// Only these targets (repeatable). Default: every target in the spec.
    #[arg(long = "target", value_enum)]
    pub targets: Vec<Target>,
}

impl GenerateArgs {
    /// The `--target` selection as the model names targets (empty: every target).
    pub fn kinds(&self) -> Vec<crate::model::TargetKind> {
        self.targets.iter().map(|&t| t.into()).collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Auto,
    Human,
    Github,
    Gitlab,
    Json,
}

impl LogFormat {
    /// The chosen format; `None` for `auto` (the one that suits the place).
    pub fn chosen(self) -> Option<crate::provider::LogFormat> {
        use crate::provider::LogFormat as F;
        match self {
            LogFormat::Auto => None,
            LogFormat::Human => Some(F::Human),
            LogFormat::Github => Some(F::Github),
            LogFormat::Gitlab => Some(F::Gitlab),
            LogFormat::Json => Some(F::Json),
        }
    }
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Jobs to run (default: all).
    pub jobs: Vec<String>,
    /// Do not add the jobs' transitive needs (CI already ran them).
    #[arg(long)]
    pub no_deps: bool,
    /// Only matrix cells with KEY=VALUE, or without KEY when given alone (repeatable: values
    /// of one key are alternatives, different keys must all hold).
    #[arg(long, value_name = "KEY=VALUE")]
    pub matrix: Vec<String>,
    /// Only this matrix cell, as a JSON object of its values (generated GitHub jobs pass
    /// `toJSON(matrix)`).
    #[arg(long, value_name = "JSON")]
    pub cell: Option<String>,
    /// Jobs run at once (default: number of CPUs).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs_limit: Option<usize>,
    /// Keep running independent jobs after a failure.
    #[arg(long)]
    pub keep_going: bool,
    /// Print the plan (what runs, what is skipped and why) without running.
    #[arg(long)]
    pub dry_run: bool,
    /// Compare changed files against this ref instead of the detected base.
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
    /// Log format; `auto` picks github/gitlab on their runners, human elsewhere.
    #[arg(long, value_enum, default_value_t = LogFormat::Auto)]
    pub log_format: LogFormat,
    /// Use services already running on this machine instead of starting containers.
    #[arg(long)]
    pub host_services: bool,
    /// Decide every `when` as a CI run for this event would (default: what the CI
    /// provider says, or `manual` on a laptop).
    #[arg(long, value_enum, value_name = "EVENT")]
    pub event: Option<EventArg>,
    /// The branch that event is for (default: the provider's, or the checked-out branch).
    #[arg(long, value_name = "NAME", conflicts_with = "tag")]
    pub branch: Option<String>,
    /// A tag push of this tag: same as `--event tag` (a tag run has no branch).
    #[arg(long, value_name = "NAME")]
    pub tag: Option<String>,
    /// A scheduled run of this cron of `triggers.schedule` (for `when.schedule`): same as
    /// `--event schedule` with the cron named.
    #[arg(long, value_name = "CRON")]
    pub schedule: Option<String>,
    /// A pull request into this branch (for `when.base`): same as `--event pull_request`
    /// with the target branch named.
    #[arg(long, value_name = "NAME")]
    pub base_branch: Option<String>,
    /// The repository the run is in, `owner/name` (for `when.repository`; default: the
    /// provider's, or the `origin` remote's).
    #[arg(long, value_name = "OWNER/NAME")]
    pub repository: Option<String>,
    /// Run jobs even when their `when.changed` finds no relevant change.
    #[arg(long)]
    pub force: bool,
    /// Write a JUnit XML report (a suite per job and cell, a case per step) to PATH. In CI
    /// one is always written, to .cigen/junit.xml unless PATH is given.
    #[arg(long, value_name = "PATH")]
    pub junit: Option<PathBuf>,
    /// Say when a step has been running this long, and again at each multiple of it (human
    /// log; `0` turns these notices off).
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = slow_after)]
    pub slow_after: std::time::Duration,
}

/// The events `--event` accepts (the `when.event` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EventArg {
    Push,
    #[value(name = "pull_request")]
    PullRequest,
    Tag,
    Schedule,
    Manual,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagnosticFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Output format: `human` (rustc-style, on stderr) or `json` (on stdout).
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
    pub format: DiagnosticFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Mermaid,
    Dot,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Graph syntax.
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
}

#[derive(Debug, Args)]
pub struct PinsArgs {
    #[command(subcommand)]
    pub command: PinsCommand,
}

#[derive(Debug, Subcommand)]
pub enum PinsCommand {
    /// Each pin the workflow uses: version, commit, and whether it comes from the repository's
    /// pin lock or from cigen's own table.
    List,
    /// Move locked pins to cigen's own where cigen's are newer, then regenerate the workflow.
    Update {
        /// Only these actions (`owner/repo`); default: every locked pin.
        actions: Vec<String>,
    },
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Print the spec instead of writing cigen.yaml.
    #[arg(long)]
    pub stdout: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportSource {
    Github,
    Gitlab,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Read only these CI configurations (repeatable). Default: every one present.
    #[arg(long = "from", value_enum)]
    pub from: Vec<ImportSource>,
    /// Print the spec instead of writing cigen.yaml (the report goes to stderr).
    #[arg(long, conflicts_with = "report")]
    pub stdout: bool,
    /// Report format: `human` on stderr, or `json` on stdout.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub report: ReportFormat,
}

/// `--slow-after`: a duration, or a bare `0` for "never".
fn slow_after(text: &str) -> Result<std::time::Duration, String> {
    match text.trim() {
        "0" => Ok(std::time::Duration::ZERO),
        t => crate::spec::parse_duration(t),
    }
}
