//! Workflow `services:` → the spec's services; Docker `--health-cmd` becomes `health:`.

use indexmap::IndexMap;
use serde_yaml::Value;

use super::job::JobCx;
use super::model::{self, scalar_text};
use crate::import::expr;
use crate::import::report::Kind;
use crate::spec::{Port, Scalar, Service};

/// `--health-cmd "pg_isready -U postgres"` and friends, from Docker `options`.
pub(super) fn health_options(options: &str) -> (Option<String>, Vec<String>) {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in options.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, c) if c.is_whitespace() => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
            }
            (_, c) => cur.push(c),
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    let mut health = None;
    let mut rest = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let (flag, value) = match words[i].split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (words[i].clone(), words.get(i + 1).cloned()),
        };
        let takes = !words[i].contains('=');
        let mut step = if takes { 2 } else { 1 };
        match flag.as_str() {
            "--health-cmd" => health = value,
            "--health-interval"
            | "--health-timeout"
            | "--health-retries"
            | "--health-start-period" => {}
            _ if !takes => rest.push(words[i].clone()),
            _ => {
                rest.push(flag.clone());
                if value.as_deref().is_some_and(|v| !v.starts_with("--")) {
                    rest.push(value.unwrap_or_default());
                } else {
                    // A flag without a value: the next word is another flag.
                    step = 1;
                }
            }
        }
        i += step;
    }
    (health, rest)
}

pub(super) fn service(cx: &mut JobCx<'_>, name: &str, s: &model::Service) -> Option<Service> {
    let at = format!("services.{name}");
    let image = s.image.clone()?;
    if expr::has_expression(&image) {
        cx.add(
            Kind::Lost,
            "service",
            &at,
            format!("service image `{image}` is an expression"),
        );
        return None;
    }
    let mut out = Service {
        image,
        ports: Vec::new(),
        env: IndexMap::new(),
        health: None,
        health_timeout: None,
    };
    for p in &s.ports {
        match (p, scalar_text(p)) {
            (Value::Number(n), _) if n.as_u64().is_some_and(|n| n <= 65535) => out
                .ports
                .push(Port::Number(n.as_u64().unwrap_or_default() as u16)),
            (_, Some(t)) => match t.parse::<u16>() {
                Ok(n) => out.ports.push(Port::Number(n)),
                Err(_) => out.ports.push(Port::Mapping(t)),
            },
            _ => {}
        }
    }
    for (k, v) in &s.env {
        match scalar_text(v) {
            Some(t) if !expr::has_expression(&t) => {
                out.env.insert(k.clone(), Scalar(t));
            }
            _ => cx.add(
                Kind::Lost,
                "service",
                &format!("{at}.env.{k}"),
                "a service env value with an expression; service env is fixed text",
            ),
        }
    }
    if let Some(o) = &s.options {
        let (health, rest) = health_options(o);
        out.health = health;
        if !rest.is_empty() {
            cx.add(
                Kind::Lost,
                "service-option",
                &format!("{at}.options"),
                format!(
                    "Docker options `{}`: only `--health-cmd` has an equivalent (`health:`)",
                    rest.join(" ")
                ),
            );
        }
    }
    for k in s.other.keys() {
        cx.add(
            Kind::Lost,
            "service-option",
            &format!("{at}.{k}"),
            format!("service key `{k}` has no equivalent"),
        );
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_command_from_docker_options() {
        let (h, rest) = health_options(
            "--health-cmd \"pg_isready -U postgres\" --health-interval 10s --shm-size=1g",
        );
        assert_eq!(h.as_deref(), Some("pg_isready -U postgres"));
        assert_eq!(rest, ["--shm-size=1g"]);
    }
}
