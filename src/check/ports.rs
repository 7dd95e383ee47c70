//! Rule: service ports are 1-65535, as a number or `"host:container"`, and no host port is
//! published twice by one job (the second container could not start).

use std::collections::HashMap;

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;
use crate::spec::Port;

pub(crate) const INVALID_PORT: Code = Code::new("invalid-port");
pub(crate) const DUPLICATE_PORT: Code = Code::new("duplicate-port");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[INVALID_PORT, DUPLICATE_PORT];

fn port_number(text: &str) -> Option<u16> {
    text.trim().parse::<u16>().ok().filter(|p| *p > 0)
}

/// The host port a port entry publishes, or why the entry is invalid.
pub(crate) fn host_port(port: &Port) -> Result<u16, String> {
    match port {
        Port::Number(0) => Err("port 0 cannot be published".into()),
        Port::Number(n) => Ok(*n),
        Port::Mapping(text) => match text.split_once(':') {
            Some((host, container)) => match (port_number(host), port_number(container)) {
                (Some(h), Some(_)) => Ok(h),
                _ => Err(format!(
                    "`{text}` is not `host:container` with ports 1-65535"
                )),
            },
            None => port_number(text)
                .ok_or_else(|| format!("`{text}` is not a port between 1 and 65535")),
        },
    }
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (job, j) in &cx.spec.jobs {
        let mut seen: HashMap<u16, String> = HashMap::new();
        for (svc, s) in &j.services {
            let sp = YamlPath::job(job).key("services").key(svc).key("ports");
            for (i, port) in s.ports.iter().enumerate() {
                match host_port(port) {
                    Err(why) => out.push(
                        Diagnostic::error(INVALID_PORT, format!("invalid port: {why}"))
                            .at(sp.index(i))
                            .with_label("not a port")
                            .with_help("write a port such as `5432`, or `\"15432:5432\"` to publish container port 5432 on host port 15432"),
                    ),
                    Ok(h) => {
                        if let Some(other) = seen.insert(h, svc.clone()) {
                            out.push(
                                Diagnostic::error(DUPLICATE_PORT, format!("host port {h} is already published by service `{other}`"))
                                    .at(sp.index(i))
                                    .with_help(format!("publish it on another host port, e.g. `\"{}:{h}\"`", h.saturating_add(10000))),
                            );
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_host_ports() {
        assert_eq!(host_port(&Port::Number(6379)), Ok(6379));
        assert_eq!(host_port(&Port::Mapping("8080:80".into())), Ok(8080));
        assert!(host_port(&Port::Mapping("70000".into())).is_err());
        assert!(host_port(&Port::Mapping("80:".into())).is_err());
        assert!(host_port(&Port::Number(0)).is_err());
    }
}
