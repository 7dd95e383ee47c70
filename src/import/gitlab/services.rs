//! GitLab `services:` → the spec's services: named by alias (else the image), with the port of
//! well-known images so local runs can publish them on localhost.

use indexmap::IndexMap;
use serde_yaml::Value;

use super::{scalar, variable};
use crate::import::report::Kind;
use crate::import::Draft;
use crate::spec::{Port, Scalar, Service};

/// Ports of well-known service images, which GitLab reaches by host name and cigen publishes
/// on localhost for local runs.
const SERVICE_PORTS: &[(&str, u16)] = &[
    ("postgres", 5432),
    ("postgis", 5432),
    ("mysql", 3306),
    ("mariadb", 3306),
    ("redis", 6379),
    ("valkey", 6379),
    ("mongo", 27017),
    ("rabbitmq", 5672),
    ("memcached", 11211),
    ("elasticsearch", 9200),
    ("opensearch", 9200),
    ("minio", 9000),
];

/// The service name cigen uses: the alias, else the image's last path part without the tag.
pub(super) fn service_name(image: &str, alias: Option<&str>) -> String {
    if let Some(a) = alias {
        return a.split(',').next().unwrap_or(a).trim().to_string();
    }
    let base = image.rsplit('/').next().unwrap_or(image);
    base.split([':', '@']).next().unwrap_or(base).to_string()
}

pub(super) fn service(
    v: &Value,
    job: &str,
    draft: &mut Draft,
    origin: &str,
) -> Option<(String, Service)> {
    let (image, alias) = match v {
        Value::Mapping(_) => (
            v.get("name").and_then(scalar)?,
            v.get("alias").and_then(scalar),
        ),
        other => (scalar(other)?, None),
    };
    let name = service_name(&image, alias.as_deref());
    let base = service_name(&image, None);
    let mut s = Service {
        image: image.clone(),
        ports: vec![],
        env: IndexMap::new(),
        health: None,
        health_timeout: None,
    };
    match SERVICE_PORTS.iter().find(|(n, _)| base.starts_with(n)) {
        Some((_, p)) => s.ports.push(Port::Number(*p)),
        None => draft.report.add(Kind::Note, Some(job), "service", origin.to_string(), format!("service `{image}`: GitLab reaches it by host name; give it `ports:` so local runs publish it on localhost")),
    }
    if let Some(vars) = v.get("variables").and_then(Value::as_mapping) {
        for (k, val) in vars {
            if let (Some(k), Some(val)) = (scalar(k), variable(val)) {
                s.env.insert(k, Scalar(val));
            }
        }
    }
    for k in ["command", "entrypoint"] {
        if v.get(k).is_some() {
            draft.report.add(
                Kind::Lost,
                Some(job),
                "service-option",
                origin.to_string(),
                format!("service `{image}` `{k}`: a service runs its image's default command"),
            );
        }
    }
    if alias.is_some() || base != name {
        draft.report.add(
            Kind::Note,
            Some(job),
            "service",
            origin.to_string(),
            format!("service `{image}` is `{name}`: on GitLab its host name, locally localhost"),
        );
    }
    Some((name, s))
}
