//! Service containers for local runs: start with Docker, wait until healthy, remove after.
//! Without a Docker engine the job fails with a clear message, unless `--host-services`.

use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::cancel::CancelToken;
use crate::model::{Job, Service};
use crate::spec::Port;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ServiceMode {
    /// Start containers with Docker.
    Docker,
    /// Use services already running on this machine (`--host-services`).
    Host,
}

/// Containers started for one unit; remove them with [`stop`].
#[derive(Debug, Default)]
pub(crate) struct Started {
    containers: Vec<String>,
}

/// `(host, container)` port pair.
fn ports(p: &Port) -> Option<(u16, u16)> {
    match p {
        Port::Number(n) => Some((*n, *n)),
        Port::Mapping(m) => {
            let (h, c) = m.split_once(':')?;
            Some((h.trim().parse().ok()?, c.trim().parse().ok()?))
        }
    }
}

fn docker(args: &[&str]) -> Result<String, String> {
    let out = Command::new("docker")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run docker: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// Starts every service of `job`, waiting for each to be healthy (or its ports to accept).
/// `pause` sleeps between health checks (true: cancelled meanwhile).
pub(crate) fn start(
    job: &Job,
    mode: ServiceMode,
    cancel: &CancelToken,
    pause: &dyn Fn(Duration) -> bool,
    notice: &mut dyn FnMut(String),
) -> Result<Started, String> {
    let mut started = Started::default();
    if job.services.is_empty() {
        return Ok(started);
    }
    let names: Vec<&str> = job.services.keys().map(String::as_str).collect();
    if mode == ServiceMode::Host {
        notice(format!(
            "using services already running on this machine: {} (--host-services)",
            names.join(", ")
        ));
        return Ok(started);
    }
    if docker(&["info", "--format", "{{.ServerVersion}}"]).is_err() {
        return Err(format!(
            "job `{}` needs services ({}) but no Docker engine answered `docker info`; start Docker, or pass --host-services to use services already running on this machine",
            job.name,
            names.join(", ")
        ));
    }
    for (name, svc) in &job.services {
        match start_one(&job.name, name, svc, cancel, pause, notice) {
            Ok(id) => started.containers.push(id),
            Err(e) => {
                stop(started);
                return Err(format!("service `{name}`: {e}"));
            }
        }
    }
    Ok(started)
}

fn start_one(
    job: &str,
    name: &str,
    svc: &Service,
    cancel: &CancelToken,
    pause: &dyn Fn(Duration) -> bool,
    notice: &mut dyn FnMut(String),
) -> Result<String, String> {
    let container = format!(
        "cigen-{job}-{name}-{}-{:06x}",
        std::process::id(),
        fastrand::u32(..0xffffff)
    );
    let mut args: Vec<String> = vec![
        "run".into(),
        "-d".into(),
        "--name".into(),
        container.clone(),
    ];
    let mut host_ports = Vec::new();
    for p in &svc.ports {
        let (h, c) =
            ports(p).ok_or_else(|| "ports must be a number or \"host:container\"".to_string())?;
        host_ports.push(h);
        args.extend(["-p".into(), format!("127.0.0.1:{h}:{c}")]);
    }
    for (k, v) in &svc.env {
        args.extend(["-e".into(), format!("{k}={v}")]);
    }
    if let Some(h) = &svc.health {
        args.extend([
            "--health-cmd".into(),
            h.clone(),
            "--health-interval".into(),
            "1s".into(),
        ]);
    }
    args.push(svc.image.clone());
    notice(format!("starting service {name} ({})", svc.image));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    docker(&refs)?;
    let limit = svc.health_timeout;
    let end = Instant::now() + limit;
    loop {
        let ready = if svc.health.is_some() {
            docker(&["inspect", "-f", "{{.State.Health.Status}}", &container])
                .is_ok_and(|s| s == "healthy")
        } else {
            let running = docker(&["inspect", "-f", "{{.State.Running}}", &container])
                .is_ok_and(|s| s == "true");
            running
                && host_ports.iter().all(|p| {
                    TcpStream::connect_timeout(
                        &([127, 0, 0, 1], *p).into(),
                        Duration::from_millis(200),
                    )
                    .is_ok()
                })
        };
        if ready {
            notice(format!("service {name} is ready"));
            return Ok(container);
        }
        if Instant::now() >= end || pause(Duration::from_millis(250)) {
            let _ = docker(&["rm", "-f", "-v", &container]);
            return Err(if cancel.is_cancelled() {
                "cancelled while waiting".into()
            } else {
                format!("not healthy after {}", crate::spec::format_duration(limit))
            });
        }
    }
}

/// Removes the containers (and their anonymous volumes).
pub(crate) fn stop(started: Started) {
    for c in started.containers {
        let _ = docker(&["rm", "-f", "-v", &c]);
    }
}
