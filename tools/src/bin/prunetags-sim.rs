//! `prunetags-sim`: runs the simulated OpenShift image API until killed.
//!
//! `prunetags-sim --addr 127.0.0.1:0 --kubeconfig-out PATH --scenario NAME [--latency-ms N]
//! [--max-inflight N] [--fail-rate P] [--seed S] [--request-log FILE]
//! [--tls-cert PEM --tls-key PEM [--client-ca PEM]]` writes a kubeconfig for it and prints
//! `ready <url>` once serving.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use prunetags::sim::{Scenario, Sim, SimOptions};

#[derive(Parser, Debug)]
#[command(
    name = "prunetags-sim",
    about = "A simulated OpenShift image API on loopback (HTTPS)"
)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    /// Where to write a kubeconfig for the simulator.
    #[arg(long)]
    kubeconfig_out: Option<PathBuf>,
    /// seed | empty | large | large:STREAMS:TAGS:REVISIONS | platform | platform:NAMESPACES:STREAMS:TAGS:REVISIONS
    #[arg(long, default_value = "seed", value_parser = Scenario::parse)]
    scenario: Scenario,
    /// Added latency per request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Requests in flight beyond this get 429.
    #[arg(long)]
    max_inflight: Option<usize>,
    /// Rate of injected faults (0..=1).
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate)]
    fail_rate: f64,
    /// Seed of the generated data and of the faults.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Answer `imagestreams/<name>/layers` with OpenShift 4.13–4.16's wrong sizes.
    #[arg(long)]
    layer_size_bug: bool,
    /// Append one line per request to FILE: method, path with query, user, status.
    #[arg(long, value_name = "FILE")]
    request_log: Option<PathBuf>,
    /// Serve this certificate chain (PEM, the server's certificate first) instead of a
    /// generated one; the kubeconfig trusts its last certificate.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The key of --tls-cert (PEM).
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Accept client certificates issued by this CA (PEM): subject CN = user, O = groups
    /// (`system:masters` may do everything).
    #[arg(long, requires = "tls_cert")]
    client_ca: Option<PathBuf>,
}

fn read_tls(args: &Args) -> Result<Option<prunetags::sim::tls::Identity>, String> {
    let read = |p: &PathBuf| {
        std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
    };
    let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) else {
        return Ok(None);
    };
    Ok(Some(prunetags::sim::tls::Identity {
        cert_chain_pem: read(cert)?,
        key_pem: read(key)?,
        client_ca_pem: args.client_ca.as_ref().map(read).transpose()?,
    }))
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("{s:?} is not a rate between 0 and 1")),
    }
}

fn main() {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e)
            if matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            ) =>
        {
            let _ = e.print();
            std::process::exit(0);
        }
        Err(e) => {
            let msg = e.to_string();
            let mut lines = msg.lines().map(str::trim).filter(|l| !l.is_empty());
            let mut line = lines
                .next()
                .unwrap_or("invalid arguments")
                .trim_start_matches("error: ")
                .to_owned();
            // "the following required arguments were not provided:" names them on the next line.
            if line.ends_with(':')
                && let Some(next) = lines.next()
            {
                line = format!("{line} {next}");
            }
            eprintln!("prunetags-sim: {line}");
            std::process::exit(2);
        }
    };
    let tls = match read_tls(&args) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("prunetags-sim: {e}");
            std::process::exit(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("prunetags-sim: {e}");
            std::process::exit(1);
        }
    };
    let code = rt.block_on(async move {
        let ns = args.scenario.namespace();
        let opts = SimOptions {
            scenario: args.scenario.clone(),
            latency: Duration::from_millis(args.latency_ms),
            max_inflight: args.max_inflight,
            fail_rate: args.fail_rate,
            seed: args.seed,
            tls,
        };
        let sim = match Sim::start_on(args.addr, opts).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("prunetags-sim: cannot serve on {}: {e}", args.addr);
                return 1;
            }
        };
        sim.set_layer_size_bug(args.layer_size_bug);
        if let Some(path) = &args.request_log
            && let Err(e) = sim.set_request_log(path)
        {
            eprintln!("prunetags-sim: cannot open {}: {e}", path.display());
            return 1;
        }
        if let Some(path) = &args.kubeconfig_out
            && let Err(e) = sim.write_kubeconfig(path, ns)
        {
            eprintln!("prunetags-sim: cannot write {}: {e}", path.display());
            return 1;
        }
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "ready {}", sim.url());
        let _ = out.flush();
        drop(out);
        let _ = tokio::signal::ctrl_c().await;
        sim.shutdown();
        0
    });
    std::process::exit(code);
}
