//! HTTPS for `collis serve --https`. Browsers give a page a phone's motion sensors and camera
//! only in a secure context: `https://`, or the computer's own `localhost`. A phone on the same
//! network therefore needs HTTPS, and Collis makes its own certificate for it (rcgen; no external
//! service, no certificate authority): self-signed, for `localhost`, the loopback addresses,
//! the address listened on and this computer's address on the network. It is kept in a
//! directory so that a phone that accepted it once goes on trusting it, and made again when it
//! no longer names an address the server is reached by (a new network address).
//!
//! The key file is written readable by its owner only. The certificate's SHA-256 fingerprint
//! is printed at the start so the browser's certificate details can be compared with it.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the server serves HTTPS with.
#[derive(Clone)]
pub struct Tls {
    pub acceptor: tokio_rustls::TlsAcceptor,
    /// SHA-256 of the certificate (DER), as browsers show it: `AB:CD:…`.
    pub fingerprint: String,
    /// The certificate file (PEM), to install on a device that should trust it.
    pub cert_path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("making the certificate: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("{path}: not a usable {what}: {why}")]
    Pem {
        path: PathBuf,
        what: &'static str,
        why: String,
    },
    #[error("the TLS configuration: {0}")]
    Config(#[from] rustls::Error),
}

const CERT: &str = "cert.pem";
const KEY: &str = "key.pem";
/// The names the certificate was made for, one a line.
const NAMES: &str = "names.txt";

/// The names a certificate for a server on `addr` must carry: `localhost`, the loopback
/// addresses, `addr`'s address when it is a particular one, and this computer's address on the
/// network when it listens on all ([`network_address`]).
pub fn names_for(addr: &SocketAddr) -> Vec<String> {
    let mut names = vec!["localhost".to_string(), "127.0.0.1".into(), "::1".into()];
    let ip = addr.ip();
    if ip.is_unspecified() {
        names.extend(network_address().map(|a| a.to_string()));
    } else {
        names.push(ip.to_string());
    }
    names.sort();
    names.dedup();
    names
}

/// This computer's address on its network: the one the operating system would send from
/// toward a public address (a UDP "connect" sends nothing). `None` without a network.
pub fn network_address() -> Option<IpAddr> {
    let s = UdpSocket::bind("0.0.0.0:0").ok()?;
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never answered, only routed.
    s.connect("192.0.2.1:9").ok()?;
    let ip = s.local_addr().ok()?.ip();
    (!ip.is_unspecified() && !ip.is_loopback()).then_some(ip)
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> TlsError + '_ {
    move |source| TlsError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The certificate in `dir` when it names every one of `names`, else a new one for them
/// (and those it named before); the acceptor serving it.
pub fn load_or_make(dir: &Path, names: &[String]) -> Result<Tls, TlsError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let (cert_path, key_path, names_path) = (dir.join(CERT), dir.join(KEY), dir.join(NAMES));
    let had: Vec<String> = std::fs::read_to_string(&names_path)
        .map(|s| s.lines().map(str::to_string).collect())
        .unwrap_or_default();
    let complete = cert_path.exists() && key_path.exists();
    if !complete || names.iter().any(|n| !had.contains(n)) {
        let mut all: Vec<String> = had.into_iter().chain(names.iter().cloned()).collect();
        all.sort();
        all.dedup();
        make(&cert_path, &key_path, &all)?;
        std::fs::write(&names_path, all.join("\n") + "\n").map_err(io(&names_path))?;
    }
    let cert = CertificateDer::from_pem_file(&cert_path).map_err(|e| TlsError::Pem {
        path: cert_path.clone(),
        what: "certificate",
        why: e.to_string(),
    })?;
    let key = PrivateKeyDer::from_pem_file(&key_path).map_err(|e| TlsError::Pem {
        path: key_path.clone(),
        what: "private key",
        why: e.to_string(),
    })?;
    let fingerprint = Sha256::digest(cert.as_ref())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":");
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)?;
    // HTTP/1.1 only, as the server speaks (WebSocket upgrades need it).
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Tls {
        acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
        fingerprint,
        cert_path,
    })
}

/// A self-signed certificate for `names` (IP addresses become IP names), the key readable by
/// its owner only, each file written whole (a temporary file renamed) so a crash leaves the
/// old pair or the new one.
fn make(cert_path: &Path, key_path: &Path, names: &[String]) -> Result<(), TlsError> {
    let mut params = rcgen::CertificateParams::new(names.to_vec())?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Collis on this computer");
    let key = rcgen::KeyPair::generate()?;
    let cert = params.self_signed(&key)?;
    write_private(key_path, key.serialize_pem().as_bytes())?;
    let tmp = cert_path.with_extension("pem.tmp");
    std::fs::write(&tmp, cert.pem()).map_err(io(&tmp))?;
    std::fs::rename(&tmp, cert_path).map_err(io(cert_path))
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), TlsError> {
    use std::io::Write;
    let tmp = path.with_extension("pem.tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(&tmp).map_err(io(&tmp))?;
    f.write_all(bytes).map_err(io(&tmp))?;
    f.sync_all().map_err(io(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_certificate_is_kept_and_made_again_for_a_new_address() {
        let dir = tempfile::tempdir().unwrap();
        let names = vec!["localhost".to_string(), "127.0.0.1".into()];
        let a = load_or_make(dir.path(), &names).unwrap();
        let b = load_or_make(dir.path(), &names[..1]).unwrap();
        assert_eq!(a.fingerprint, b.fingerprint, "kept while it names them");
        assert_eq!(a.fingerprint.len(), 32 * 3 - 1);
        let c = load_or_make(dir.path(), &["10.1.2.3".to_string()]).unwrap();
        assert_ne!(a.fingerprint, c.fingerprint, "a new address: a new one");
        let kept = std::fs::read_to_string(dir.path().join(NAMES)).unwrap();
        assert_eq!(
            kept, "10.1.2.3\n127.0.0.1\nlocalhost\n",
            "and the old names"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "the key is its owner's only: {mode:o}");
        }
        // A damaged key file is an error naming it, not a panic.
        std::fs::write(dir.path().join(KEY), "not a key").unwrap();
        let e = load_or_make(dir.path(), &names).err().unwrap().to_string();
        assert!(e.contains("key.pem") && e.contains("private key"), "{e}");
    }

    #[test]
    fn names_cover_loopback_and_the_address_listened_on() {
        let n = names_for(&"192.168.1.20:8750".parse().unwrap());
        assert_eq!(n, ["127.0.0.1", "192.168.1.20", "::1", "localhost"]);
    }
}
