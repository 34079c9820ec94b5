//! Who is acting in a use case: the public, a signed-in person (by browser session or API token),
//! or the operator at the server's console.

use hanteam_domain::access::Principal;
use hanteam_domain::{SessionId, TokenId, UserId};
use hanteam_store::audit::Actor;

use crate::UseCaseError;

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    Anonymous,
    /// A browser session.
    Session(SessionId),
    /// An API token (`Authorization: Bearer …`).
    Token(TokenId),
    /// The command line on the server (`hanteam user …`).
    Console,
}

#[derive(Debug, Clone)]
pub struct Caller {
    /// What they may do; `None` for the public.
    pub principal: Option<Principal>,
    /// Who the audit log names, and from where.
    pub actor: Actor,
    pub credential: Credential,
}

impl Caller {
    /// Someone not signed in, at `client_addr`.
    pub fn public(client_addr: Option<String>) -> Caller {
        Caller {
            principal: None,
            actor: Actor { user_id: None, label: "anonymous".into(), client_addr },
            credential: Credential::Anonymous,
        }
    }

    /// A signed-in person: `login` is how the audit log names them.
    pub fn person(principal: Principal, login: &str, credential: Credential, client_addr: Option<String>) -> Caller {
        Caller {
            actor: Actor { user_id: principal.user_id, label: login.to_string(), client_addr },
            principal: Some(principal),
            credential,
        }
    }

    /// The operator running `hanteam` on the server as the operating-system user `os_user`; the
    /// audit log names them `cli:<os_user>`.
    pub fn console(os_user: &str) -> Caller {
        let user = if os_user.trim().is_empty() { "unknown" } else { os_user.trim() };
        Caller {
            principal: Some(Principal::console()),
            actor: Actor { user_id: None, label: format!("cli:{user}"), client_addr: None },
            credential: Credential::Console,
        }
    }

    pub fn principal(&self) -> Option<&Principal> {
        self.principal.as_ref()
    }

    /// The principal, or `Unauthenticated` for the public.
    pub fn signed_in(&self) -> Result<&Principal, UseCaseError> {
        self.principal.as_ref().ok_or_else(UseCaseError::unauthenticated)
    }

    /// The caller's own account: a person signed in, not the public or the console.
    pub fn user_id(&self) -> Result<UserId, UseCaseError> {
        match self.signed_in()?.user_id {
            Some(id) => Ok(id),
            None => Err(UseCaseError::Forbidden(
                "서버 콘솔에는 자기 계정이 없습니다. 웹 화면에서 로그인한 사람만 할 수 있는 일입니다.".into(),
            )),
        }
    }
}
