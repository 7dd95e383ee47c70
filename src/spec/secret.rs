//! A declared secret: a name, or a name and where a local run reads the value from (a
//! secret store reference or a command). In CI the provider's secret store is the source.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A secret a job may read, as an environment variable of the same name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Secret {
    /// The secret's name. In CI it comes from the provider's secret store (GitHub secrets, GitLab CI/CD variables); locally from the environment or the `env_file`.
    Name(String),
    /// A name and where a local run gets the value when neither the environment nor the `env_file` sets it.
    Full(SecretSpec),
}

/// A secret with a local source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretSpec {
    /// The environment variable the value arrives in (and the GitHub secret / GitLab variable of that name in CI).
    pub name: String,
    /// Where `cigen run` reads the value on a developer machine, once, before any job starts, and only when a job that will run declares it. Give one of `op`, `vault`, `sops`, `command`. Not used in CI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<LocalSource>,
}

/// One local source of a secret's value (exactly one key).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalSource {
    /// A 1Password secret reference, read with `op read`, e.g. `op://vault/item/field`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<String>,
    /// A HashiCorp Vault KV secret, read with `vault kv get -field=FIELD PATH`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault: Option<VaultSource>,
    /// A value in a sops-encrypted file, read with `sops --decrypt --extract`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sops: Option<SopsSource>,
    /// A shell command (run with `bash -c` in the spec's directory) whose standard output is the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
}

/// A Vault KV secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VaultSource {
    /// The secret's path, e.g. `secret/myapp`.
    pub path: String,
    /// The field holding the value, e.g. `password`.
    pub field: String,
}

/// A value in a sops-encrypted file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SopsSource {
    /// The encrypted file, relative to the spec, e.g. `secrets.enc.yaml`.
    pub file: String,
    /// The key holding the value: a dotted path such as `db.password`, or a sops `--extract` expression such as `["db"]["password"]`.
    pub key: String,
}

impl Secret {
    /// The environment variable name.
    pub fn name(&self) -> &str {
        match self {
            Secret::Name(n) => n,
            Secret::Full(s) => &s.name,
        }
    }

    /// Where a local run reads the value, if the spec says.
    pub fn local(&self) -> Option<&LocalSource> {
        match self {
            Secret::Name(_) => None,
            Secret::Full(s) => s.local.as_ref(),
        }
    }
}

impl LocalSource {
    /// The keys given (a valid source has exactly one).
    pub fn kinds(&self) -> Vec<&'static str> {
        let mut k = Vec::new();
        if self.op.is_some() {
            k.push("op");
        }
        if self.vault.is_some() {
            k.push("vault");
        }
        if self.sops.is_some() {
            k.push("sops");
        }
        if self.command.is_some() {
            k.push("command");
        }
        k
    }
}

impl SopsSource {
    /// The `--extract` expression: a dotted path becomes `["a"]["b"]`.
    pub fn extract(&self) -> String {
        if self.key.starts_with('[') {
            return self.key.clone();
        }
        self.key
            .split('.')
            .map(|part| format!("[{}]", serde_json::Value::from(part)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sops_keys_become_extract_expressions() {
        let s = |key: &str| SopsSource {
            file: "f".into(),
            key: key.into(),
        };
        assert_eq!(s("db.password").extract(), r#"["db"]["password"]"#);
        assert_eq!(s(r#"["a"][0]"#).extract(), r#"["a"][0]"#);
        assert_eq!(s(r#"we"ird"#).extract(), r#"["we\"ird"]"#);
    }
}
