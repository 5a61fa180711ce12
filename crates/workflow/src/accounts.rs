//! Passwords, sign-in, sessions.
//!
//! - Passwords are hashed with argon2id (PHC string, random salt).
//! - A wrong password and an unknown user get the same answer, after the same
//!   work (an unknown user is verified against a dummy hash).
//! - Failed sign-ins are rate-limited per account and per client address.
//! - The session cookie carries a random token; the store keeps only its
//!   SHA-256, so a copy of the database does not let anyone sign in.

use std::sync::{Arc, OnceLock};

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use jinghai_domain::audit::Actor;
use jinghai_domain::time::{Millis, HOUR, MINUTE};
use jinghai_domain::{AuditAction, Scope};
use jinghai_store::{NewAudit, Session, Store};
use sha2::{Digest, Sha256};

use crate::{Clock, Ctx, WorkflowError, WorkflowResult};

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> WorkflowResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            WorkflowError::Store(jinghai_store::StoreError::Corrupt(format!(
                "hashing failed: {e}"
            )))
        })
}

/// Checks a password against a stored PHC hash. A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password("dummy-password-1").unwrap_or_default())
}

/// SHA-256 of a session token, hex: what the store keeps.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn random_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// Limits on failed sign-ins.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    pub window: Millis,
    pub per_account: usize,
    pub per_address: usize,
    pub session_ttl: Millis,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            window: 15 * MINUTE,
            per_account: 5,
            per_address: 20,
            session_ttl: 12 * HOUR,
        }
    }
}

/// Seconds until `key` may try again, if it made `limit` or more attempts
/// in the `window` before `now`. Attempts are counted in the database
/// ([`jinghai_store::GuardStore`]), so the limit holds across server nodes.
pub(crate) async fn blocked(
    store: &dyn Store,
    key: &str,
    limit: usize,
    now: Millis,
    window: Millis,
) -> WorkflowResult<Option<u64>> {
    let (n, oldest) = store.attempts_since(key, now - window).await?;
    Ok((n >= limit).then(|| ((oldest.unwrap_or(now) + window - now).max(1000) / 1000) as u64))
}

/// A successful sign-in: the cookie token and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub csrf_token: String,
    pub ctx: Ctx,
}

/// The sign-in service.
pub struct Accounts {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    limits: LoginLimits,
}

impl Accounts {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, limits: LoginLimits) -> Accounts {
        Accounts {
            store,
            clock,
            limits,
        }
    }

    /// Signs in with a username and password from `address`.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        address: &str,
    ) -> WorkflowResult<SignedIn> {
        let now = self.clock.now();
        let username = username.trim();
        let account_key = format!("u:{}", username.to_lowercase());
        let address_key = format!("a:{address}");
        let w = self.limits.window;
        let store = &*self.store;
        let limited = match blocked(store, &account_key, self.limits.per_account, now, w).await? {
            Some(secs) => Some(secs),
            None => blocked(store, &address_key, self.limits.per_address, now, w).await?,
        };
        if let Some(retry_after_secs) = limited {
            return Err(WorkflowError::RateLimited { retry_after_secs });
        }
        let found = self.store.find_login(username).await?;
        let ok = match &found {
            Some((user, hash)) => verify_password(password, hash) && user.active,
            None => {
                verify_password(password, dummy_hash());
                false
            }
        };
        if !ok {
            self.store
                .record_attempts(&[&account_key, &address_key], now)
                .await?;
            if let Some((user, _)) = &found {
                self.audit(
                    AuditAction::LoginFailed,
                    user.id,
                    &user.region_code,
                    &format!("{} @ {address}", user.username),
                    now,
                )
                .await?;
            }
            tracing::info!(username, address, "sign-in refused");
            return Err(WorkflowError::BadCredentials);
        }
        let (user, _) = found.ok_or(WorkflowError::BadCredentials)?;
        self.store.clear_attempts(&account_key).await?;
        let token = random_token();
        let csrf_token = random_token();
        self.store
            .create_session(
                &token_hash(&token),
                user.id,
                &csrf_token,
                now,
                now + self.limits.session_ttl,
            )
            .await?;
        self.audit(
            AuditAction::Login,
            user.id,
            &user.region_code,
            &format!("{} @ {address}", user.username),
            now,
        )
        .await?;
        let session = self
            .store
            .get_session(&token_hash(&token), now)
            .await?
            .ok_or(WorkflowError::Unauthenticated)?;
        Ok(SignedIn {
            token,
            csrf_token,
            ctx: ctx_of(&session),
        })
    }

    /// The session behind a cookie token, if it is valid now.
    pub async fn session(&self, token: &str) -> WorkflowResult<Option<(Ctx, String)>> {
        let s = self
            .store
            .get_session(&token_hash(token), self.clock.now())
            .await?;
        Ok(s.map(|s| (ctx_of(&s), s.csrf_token)))
    }

    /// Ends a session.
    pub async fn logout(&self, token: &str, ctx: &Ctx) -> WorkflowResult<()> {
        self.store.delete_session(&token_hash(token)).await?;
        self.audit(
            AuditAction::Logout,
            ctx.user.id,
            &ctx.user.region_code,
            &ctx.user.username,
            self.clock.now(),
        )
        .await
    }

    async fn audit(
        &self,
        action: AuditAction,
        user_id: i64,
        region_code: &str,
        who: &str,
        now: Millis,
    ) -> WorkflowResult<()> {
        let entry = NewAudit {
            at: now,
            actor: Actor {
                user_id: Some(user_id),
                name: who.to_string(),
            },
            action,
            entity: "session",
            entity_id: Some(user_id),
            region_code: region_code.to_string(),
            before: None,
            after: None,
        };
        Ok(self.store.append_audit(&entry).await?)
    }
}

fn ctx_of(s: &Session) -> Ctx {
    Ctx {
        scope: Scope::of(&s.user, s.region_level),
        user: s.user.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash_password("secret123").unwrap();
        let b = hash_password("secret123").unwrap();
        assert_ne!(a, b, "salted");
        assert!(verify_password("secret123", &a));
        assert!(!verify_password("secret124", &a));
        assert!(!verify_password("secret123", "not a hash"));
    }
}
