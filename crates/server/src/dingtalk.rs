//! DingTalk group robots (钉钉群机器人): a signed POST of a Markdown message
//! to the robot's webhook. Signing follows DingTalk's "加签" security
//! setting: `timestamp` (ms) and `sign` = URL-encoded base64 of
//! HMAC-SHA256(key = secret, message = "timestamp\nsecret"), appended to the
//! webhook's query. The robot answers `{"errcode":0,"errmsg":"ok"}`; any
//! other errcode is a failure (e.g. 310000 for a bad signature).
//!
//! One attempt per call: retries and their record are the workflow's
//! (`jinghai_workflow::bulletins`). The secret and the access token never
//! reach the logs.

use std::time::Duration;

use base64::Engine as _;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use jinghai_domain::bulletin::{redact_token, Robot};
use sha2::{Digest, Sha256};

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let pad = |b: u8| k.iter().map(|x| x ^ b).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// Percent-encodes everything but unreserved characters.
fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The `sign` parameter for `timestamp` (ms) and `secret`, URL-encoded.
pub fn sign(timestamp: i64, secret: &str) -> String {
    let mac = hmac_sha256(
        secret.as_bytes(),
        format!("{timestamp}\n{secret}").as_bytes(),
    );
    url_encode(&base64::engine::general_purpose::STANDARD.encode(mac))
}

/// The webhook URL with `timestamp` and `sign` appended.
pub fn signed_url(webhook: &str, timestamp: i64, secret: &str) -> String {
    let sep = if webhook.contains('?') { '&' } else { '?' };
    format!(
        "{webhook}{sep}timestamp={timestamp}&sign={}",
        sign(timestamp, secret)
    )
}

/// Posts to DingTalk robots over HTTP/1.1 (TLS for `https://`).
pub struct DingTalk {
    pub timeout: Duration,
}

impl Default for DingTalk {
    fn default() -> Self {
        DingTalk {
            timeout: Duration::from_secs(10),
        }
    }
}

trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Io for T {}

async fn connect(scheme: &str, host: &str, port: u16) -> Result<Box<dyn Io>, String> {
    let tcp = tokio::net::TcpStream::connect((host, port))
        .await
        .map_err(|e| format!("connect {host}:{port}: {e}"))?;
    match scheme {
        "http" => Ok(Box::new(tcp)),
        "https" => {
            let mut roots = tokio_rustls::rustls::RootCertStore::empty();
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            let config = tokio_rustls::rustls::ClientConfig::builder_with_provider(
                std::sync::Arc::new(tokio_rustls::rustls::crypto::ring::default_provider()),
            )
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("tls: {e}"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
            let name = tokio_rustls::rustls::pki_types::ServerName::try_from(host.to_string())
                .map_err(|e| format!("tls name {host}: {e}"))?;
            let tls = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config))
                .connect(name, tcp)
                .await
                .map_err(|e| format!("tls {host}: {e}"))?;
            Ok(Box::new(tls))
        }
        other => Err(format!("unsupported scheme {other}")),
    }
}

impl DingTalk {
    /// One signed post of a Markdown message; the robot's answer, or why it failed.
    pub async fn send(
        &self,
        robot: &Robot,
        now_ms: i64,
        title: &str,
        markdown: &str,
    ) -> Result<String, String> {
        let url = signed_url(&robot.webhook, now_ms, &robot.secret);
        let shown = redact_token(&robot.webhook);
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| format!("bad webhook {shown}"))?;
        let (authority, path) = rest
            .find('/')
            .map(|i| (&rest[..i], &rest[i..]))
            .unwrap_or((rest, "/"));
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (
                h,
                p.parse::<u16>()
                    .map_err(|_| format!("bad port in {shown}"))?,
            ),
            None => (authority, if scheme == "https" { 443 } else { 80 }),
        };
        let body = serde_json::json!({"msgtype": "markdown", "markdown": {"title": title, "text": markdown}}).to_string();
        let attempt = async {
            let io = connect(scheme, host, port).await?;
            let (mut sender, conn) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(io))
                    .await
                    .map_err(|e| format!("http: {e}"))?;
            tokio::spawn(async move {
                let _ = conn.await;
            });
            let req = hyper::Request::post(path)
                .header(hyper::header::HOST, authority)
                .header(
                    hyper::header::CONTENT_TYPE,
                    "application/json; charset=utf-8",
                )
                .body(Full::new(Bytes::from(body)))
                .map_err(|e| format!("request: {e}"))?;
            let resp = sender
                .send_request(req)
                .await
                .map_err(|e| format!("http: {e}"))?;
            let status = resp.status();
            let bytes = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("http body: {e}"))?
                .to_bytes();
            let text = String::from_utf8_lossy(&bytes)
                .chars()
                .take(500)
                .collect::<String>();
            if !status.is_success() {
                return Err(format!("HTTP {status}: {text}"));
            }
            let v: serde_json::Value = serde_json::from_str(&text)
                .map_err(|_| format!("not a DingTalk answer: {text}"))?;
            match v.get("errcode").and_then(|c| c.as_i64()) {
                Some(0) => Ok(text),
                Some(code) => Err(format!(
                    "DingTalk errcode {code}: {}",
                    v.get("errmsg").and_then(|m| m.as_str()).unwrap_or("")
                )),
                None => Err(format!("not a DingTalk answer: {text}")),
            }
        };
        tokio::time::timeout(self.timeout, attempt)
            .await
            .unwrap_or_else(|_| {
                Err(format!(
                    "timed out after {} s ({shown})",
                    self.timeout.as_secs()
                ))
            })
    }
}

/// The workflow's [`jinghai_workflow::bulletins::Pusher`], over [`DingTalk`].
pub struct DingTalkPusher {
    pub client: DingTalk,
    pub clock: std::sync::Arc<dyn jinghai_workflow::Clock>,
}

#[async_trait::async_trait]
impl jinghai_workflow::bulletins::Pusher for DingTalkPusher {
    async fn push(&self, robot: &Robot, title: &str, markdown: &str) -> Result<String, String> {
        self.client
            .send(robot, self.clock.now(), title, markdown)
            .await
    }
    async fn pause(&self, ms: u64) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // RFC 4231 test case 2.
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn signs_like_dingtalk() {
        // The string to sign is "timestamp\nsecret", keyed by the secret.
        let s = sign(1_612_917_000_000, "SECtest");
        let mac = hmac_sha256(b"SECtest", b"1612917000000\nSECtest");
        let b64 = base64::engine::general_purpose::STANDARD.encode(mac);
        assert_eq!(s, url_encode(&b64));
        assert!(!s.contains('+') && !s.contains('/') && !s.contains('='));
        let url = signed_url(
            "https://oapi.dingtalk.com/robot/send?access_token=x",
            5,
            "SECa",
        );
        assert!(url
            .starts_with("https://oapi.dingtalk.com/robot/send?access_token=x&timestamp=5&sign="));
    }
}
