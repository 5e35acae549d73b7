//! The directory's accounts for the client listeners (CL4, DIR4): users log in by user name,
//! computers by their name (the computer's phones follow), users without login are refused;
//! passwords are argon2id, failures lock the account, and a "transfer at next login" hands a
//! new password over. Each accepted login gets the account's effective rights.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use callboard_core::Access;
use callboard_core::LineKey;
use callboard_core::accounts::{
    AccountDirectory, LoginAccepted, LoginRefusal, LoginRequest, SessionLogin,
};
use callboard_core::directory::{Computer, User};
use callboard_core::passwords::{Credentials, LoginCheck, PasswordPolicy};
use callboard_core::rights::{LineAccess, LineGrant, RightsModel, UserRights};
use callboard_store::{AccountKind, Store};

use crate::rights_loader::CachedRights;

/// Logins against the store.
pub struct StoreAccounts {
    store: Store,
    policy: PasswordPolicy,
    rights: Arc<CachedRights>,
    /// A hash to verify against for unknown names, so they cost the same time as known ones.
    decoy: String,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl StoreAccounts {
    /// Accounts of `store`, checked with `policy`, rights from `rights`.
    pub fn new(store: Store, policy: PasswordPolicy, rights: Arc<CachedRights>) -> StoreAccounts {
        let decoy = policy.hash("callboard-decoy-password").unwrap_or_default();
        StoreAccounts {
            store,
            policy,
            rights,
            decoy,
        }
    }

    /// Checks a password and stores what the check changed.
    async fn check(
        &self,
        kind: AccountKind,
        name: &str,
        credentials: Credentials,
        password: Option<&str>,
    ) -> Result<Option<String>, LoginRefusal> {
        let before = credentials.clone();
        // argon2 takes tens of milliseconds of CPU: off the async workers
        let policy = self.policy.clone();
        let password = password.map(str::to_owned);
        let (outcome, credentials) = tokio::task::spawn_blocking(move || {
            let mut credentials = credentials;
            let outcome = policy.check(&mut credentials, password.as_deref(), now_ms());
            (outcome, credentials)
        })
        .await
        .map_err(|_| LoginRefusal::Unavailable)?;
        let outcome = outcome.map_err(|_| LoginRefusal::Unavailable)?;
        // a right password on an account without failures changes nothing worth a write
        if credentials != before
            && let Err(error) = self.store.set_credentials(kind, name, &credentials).await
        {
            tracing::warn!(%error, "storing login state failed");
            return Err(LoginRefusal::Unavailable);
        }
        match outcome {
            LoginCheck::Accepted => Ok(None),
            LoginCheck::AcceptedWithNewPassword(password) => Ok(Some(password)),
            LoginCheck::Wrong { attempts_left } => {
                tracing::info!(%name, attempts_left, "wrong password");
                Err(LoginRefusal::Invalid)
            }
            LoginCheck::Locked { until_ms } => Err(LoginRefusal::Locked { until_ms }),
        }
    }

    async fn model(&self, login: Option<&str>) -> Result<Arc<RightsModel>, LoginRefusal> {
        self.rights.model(login).await.map_err(|error| {
            tracing::warn!(%error, "building the rights model failed");
            LoginRefusal::Unavailable
        })
    }

    async fn login_user(
        &self,
        request: &LoginRequest,
    ) -> Result<Option<LoginAccepted>, LoginRefusal> {
        let user = self
            .store
            .user(&request.name)
            .await
            .map_err(|_| LoginRefusal::Unavailable)?;
        let Some(user) = user else {
            return Ok(None);
        };
        let credentials = self
            .store
            .credentials(AccountKind::User, &user.login)
            .await
            .map_err(|_| LoginRefusal::Unavailable)?
            .unwrap_or_default();
        may_log_in(&user)?;
        let transferred = self
            .check(
                AccountKind::User,
                &user.login,
                credentials,
                request.password.as_deref(),
            )
            .await?;
        let access = self.user_access(&user, request.computer.as_deref()).await?;
        Ok(Some(LoginAccepted {
            account: user.login,
            access,
            transferred_password: transferred,
        }))
    }

    /// A user's effective rights, with the phones of the computer it logged in from.
    async fn user_access(
        &self,
        user: &User,
        computer: Option<&str>,
    ) -> Result<Access, LoginRefusal> {
        let model = self.model(Some(&user.login)).await?;
        let mut rights = model.effective(&user.login);
        // Roaming (NUM3): the phones at the computer the user logs in from are the user's too.
        if let Some(name) = computer {
            let computer = self.store.computer(name).await.ok().flatten();
            if computer.is_none() {
                tracing::info!(
                    login = %user.login,
                    computer = %name,
                    "login from a computer the directory does not know; no phone follows"
                );
            }
            if let Some(computer) = computer {
                for phone in [
                    &computer.profile.phone_primary,
                    &computer.profile.phone_secondary,
                ]
                .into_iter()
                .flatten()
                {
                    if let Some(line) = LineKey::from_device_id(phone) {
                        rights.add_main_device(line);
                    }
                }
            }
        }
        Ok(Access::Rights(Arc::new(rights)))
    }

    async fn login_computer(
        &self,
        request: &LoginRequest,
    ) -> Result<Option<LoginAccepted>, LoginRefusal> {
        let computer = self
            .store
            .computer(&request.name)
            .await
            .map_err(|_| LoginRefusal::Unavailable)?;
        let Some(computer) = computer else {
            return Ok(None);
        };
        let Some(credentials) = self
            .store
            .credentials(AccountKind::Computer, &computer.name)
            .await
            .map_err(|_| LoginRefusal::Unavailable)?
            .filter(|c| c.hash.is_some() || c.transfer_at_next_login)
        else {
            // A computer without a password cannot log in by its name.
            return Err(LoginRefusal::Invalid);
        };
        let transferred = self
            .check(
                AccountKind::Computer,
                &computer.name,
                credentials,
                request.password.as_deref(),
            )
            .await?;
        let access = computer_access(&computer);
        Ok(Some(LoginAccepted {
            account: computer.name,
            access,
            transferred_password: transferred,
        }))
    }
}

/// Whether a user may be logged in at all.
fn may_log_in(user: &User) -> Result<(), LoginRefusal> {
    if !user.can_login {
        return Err(LoginRefusal::NoLogin);
    }
    if user.disabled {
        return Err(LoginRefusal::Disabled);
    }
    Ok(())
}

/// What a computer logged in by its name may do: everything with "all lines", else its phones
/// as main devices and its multi-line lines with their access bits.
fn computer_access(computer: &Computer) -> Access {
    let profile = &computer.profile;
    if profile.all_lines {
        return Access::Unrestricted;
    }
    let phones: Vec<LineKey> = [&profile.phone_primary, &profile.phone_secondary]
        .into_iter()
        .flatten()
        .filter_map(|p| LineKey::from_device_id(p))
        .collect();
    let account = UserRights {
        login: computer.name.clone(),
        primary_line: phones.first().cloned(),
        secondary_line: phones.get(1).cloned(),
        main_devices: phones,
        additional_lines: profile
            .lines
            .iter()
            .filter_map(|l| {
                Some(LineGrant {
                    line: LineKey::from_device_id(l)?,
                    access: LineAccess(
                        profile.lines_access
                            | callboard_core::rights::bits::LINEACCESS_NUMBERSIN
                            | callboard_core::rights::bits::LINEACCESS_NUMBERSOUT,
                    ),
                })
            })
            .collect(),
        ..UserRights::default()
    };
    let model = RightsModel::new([account], [], Default::default());
    Access::Rights(Arc::new(model.effective(&computer.name)))
}

impl AccountDirectory for StoreAccounts {
    fn login<'a>(
        &'a self,
        request: LoginRequest,
    ) -> Pin<Box<dyn Future<Output = Result<LoginAccepted, LoginRefusal>> + Send + 'a>> {
        Box::pin(async move {
            if let Some(accepted) = self.login_user(&request).await? {
                return Ok(accepted);
            }
            if let Some(accepted) = self.login_computer(&request).await? {
                return Ok(accepted);
            }
            // Unknown name: spend the time a real check costs.
            let decoy = self.decoy.clone();
            let password = request.password.clone().unwrap_or_default();
            let _ = tokio::task::spawn_blocking(move || {
                callboard_core::passwords::verify(&decoy, &password)
            })
            .await;
            Err(LoginRefusal::Invalid)
        })
    }

    fn current_access<'a>(
        &'a self,
        login: &'a SessionLogin,
    ) -> Pin<Box<dyn Future<Output = Result<Access, LoginRefusal>> + Send + 'a>> {
        Box::pin(async move {
            let unavailable = |_| LoginRefusal::Unavailable;
            if let Some(user) = self.store.user(&login.account).await.map_err(unavailable)? {
                may_log_in(&user)?;
                return self.user_access(&user, login.computer.as_deref()).await;
            }
            match self
                .store
                .computer(&login.account)
                .await
                .map_err(unavailable)?
            {
                Some(computer) => Ok(computer_access(&computer)),
                None => Err(LoginRefusal::Invalid),
            }
        })
    }
}
