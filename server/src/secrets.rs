//! The three server secrets. Production refuses to start without them; the embedded mode
//! generates them once into the data dir so a developer's tokens survive restarts.
use std::{fs, io::Write, path::Path};

use anyhow::Context;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};

use crate::config::{Environment, Settings};

/// Secrets in force for this process, whatever their source.
#[derive(Clone)]
pub struct Secrets {
    pub jwt_secret: SecretString,
    pub qr_secret: SecretString,
    pub wechat_app_secret: SecretString,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets { .. }")
    }
}

struct Wanted {
    name: &'static str,
    variable: &'static str,
    file: &'static str,
}

const JWT: Wanted = Wanted {
    name: "JWT signing key",
    variable: "APP_SECRETS__JWT_SECRET",
    file: "jwt_secret",
};
const QR: Wanted = Wanted {
    name: "QR signing key",
    variable: "APP_SECRETS__QR_SECRET",
    file: "qr_secret",
};
const WECHAT: Wanted = Wanted {
    name: "WeChat app secret",
    variable: "APP_WECHAT__APP_SECRET",
    file: "wechat_app_secret",
};

/// A key shorter than this is refused: HS256 with a guessable key is no protection.
const MIN_SECRET_LEN: usize = 32;

impl Secrets {
    pub fn resolve(settings: &Settings) -> anyhow::Result<Self> {
        let configured = [
            (&JWT, settings.secrets.jwt_secret.clone()),
            (&QR, settings.secrets.qr_secret.clone()),
            (&WECHAT, settings.wechat.app_secret.clone()),
        ];
        if settings.environment == Environment::Production {
            let missing: Vec<String> = configured
                .iter()
                .filter(|(_, value)| value.is_none())
                .map(|(w, _)| format!("{} ({})", w.name, w.variable))
                .collect();
            if !missing.is_empty() {
                anyhow::bail!(
                    "production mode needs every secret from the environment; missing: {}",
                    missing.join(", ")
                );
            }
        }
        let dir = settings.application.data_dir.join("secrets");
        let mut resolved = Vec::with_capacity(3);
        for (wanted, value) in configured {
            let secret = match value {
                Some(secret) => secret,
                None => load_or_generate(&dir, wanted)?,
            };
            // The WeChat secret is WeChat's to choose; only our own keys must be long.
            if wanted.file != WECHAT.file && secret.expose_secret().len() < MIN_SECRET_LEN {
                anyhow::bail!(
                    "the {} ({}) must be at least {MIN_SECRET_LEN} characters",
                    wanted.name,
                    wanted.variable
                );
            }
            resolved.push(secret);
        }
        let mut it = resolved.into_iter();
        let mut next = || it.next().context("three secrets were resolved");
        Ok(Self {
            jwt_secret: next()?,
            qr_secret: next()?,
            wechat_app_secret: next()?,
        })
    }
}

fn load_or_generate(dir: &Path, wanted: &Wanted) -> anyhow::Result<SecretString> {
    let path = dir.join(wanted.file);
    if let Ok(existing) = fs::read_to_string(&path) {
        let trimmed = existing.trim();
        if !trimmed.is_empty() {
            return Ok(SecretString::from(trimmed.to_owned()));
        }
    }
    crate::db::create_private_dir(dir)?;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let value = URL_SAFE_NO_PAD.encode(bytes);
    write_private(&path, &value)?;
    tracing::warn!(
        file = %path.display(),
        "no {} configured ({}); generated one for the embedded mode",
        wanted.name,
        wanted.variable
    );
    Ok(SecretString::from(value))
}

fn write_private(path: &Path, value: &str) -> anyhow::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create the secret file {}", path.display()))?;
    file.write_all(value.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings_in(dir: &Path, environment: Environment) -> Settings {
        let mut settings = Settings::load(environment, None).expect("settings load");
        settings.application.data_dir = dir.to_path_buf();
        settings.secrets.jwt_secret = None;
        settings.secrets.qr_secret = None;
        settings.wechat.app_secret = None;
        settings
    }

    fn temp_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("hdr-secrets-{}", uuid::Uuid::new_v4()));
        fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn production_names_every_missing_secret() {
        let dir = temp_dir();
        let err = Secrets::resolve(&settings_in(&dir, Environment::Production))
            .expect_err("production without secrets must fail");
        let text = err.to_string();
        assert!(text.contains("APP_SECRETS__JWT_SECRET"), "{text}");
        assert!(text.contains("APP_SECRETS__QR_SECRET"), "{text}");
        assert!(text.contains("APP_WECHAT__APP_SECRET"), "{text}");
    }

    #[test]
    fn embedded_mode_generates_once_and_reuses() {
        let dir = temp_dir();
        let settings = settings_in(&dir, Environment::Local);
        let first = Secrets::resolve(&settings).expect("generated");
        let second = Secrets::resolve(&settings).expect("reloaded");
        assert_eq!(
            first.jwt_secret.expose_secret(),
            second.jwt_secret.expose_secret()
        );
        assert_ne!(
            first.jwt_secret.expose_secret(),
            first.qr_secret.expose_secret()
        );
        assert!(first.jwt_secret.expose_secret().len() >= MIN_SECRET_LEN);
    }

    #[test]
    fn a_short_configured_key_is_refused() {
        let dir = temp_dir();
        let mut settings = settings_in(&dir, Environment::Local);
        settings.secrets.jwt_secret = Some(SecretString::from("short"));
        assert!(Secrets::resolve(&settings).is_err());
    }
}
