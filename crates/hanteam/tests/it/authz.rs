//! The authorization matrix: every route of the router (hanteam_web::routes::Endpoint) × every role,
//! each cell called over real HTTP as a signed-in browser would and checked against the rule below.
//!
//! `sample` and `expected` match on every Endpoint without a wildcard: a new route that has no rule
//! here does not compile.

use crate::common::{Backend, Browser, TestApp};
use hanteam_domain::access::Grant;
use hanteam_web::routes::Endpoint;
use reqwest::Method;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Public,
    OpcAdmin,
    /// Officer of 환경부, which takes part in task 1.
    Officer,
    /// Holder of 국토부 국토정책관, pair 1 (task 1's pair).
    Exchangee,
    /// Assigned to task 1.
    Evaluator,
    Auditor,
}

const EVERYONE: [Who; 6] = [Who::Public, Who::OpcAdmin, Who::Officer, Who::Exchangee, Who::Evaluator, Who::Auditor];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Allowed,
    /// 401, or a page redirecting to the sign-in form.
    Unauthenticated,
    Forbidden,
}

fn only(who: Who, allowed: &[Who]) -> Outcome {
    if who == Who::Public {
        Outcome::Unauthenticated
    } else if allowed.contains(&who) {
        Outcome::Allowed
    } else {
        Outcome::Forbidden
    }
}

fn expected(e: Endpoint, who: Who) -> Outcome {
    use Endpoint::*;
    use Who::*;
    match e {
        PageHome | PageTasks | PageTask | PagePairs | PageAgencies | PageAgency | PageMeetings | PageMeeting
        | StaticKrds | StaticOwn | SignInForm | SignIn | Healthz | ApiOpenApi | ApiOverview | ApiAgencies
        | ApiAgency | ApiPairs | ApiTasks | ApiTask | ApiMeetings | ApiMeeting => Outcome::Allowed,
        SignOut | AccountPage | PasswordChange | TokenCreate | TokenRevoke | ApiMe | ApiTokens | ApiTokenCreate
        | ApiTokenRevoke => only(who, &[OpcAdmin, Officer, Exchangee, Evaluator, Auditor]),
        AuditPage | ApiAudit => only(who, &[OpcAdmin, Auditor]),
        TaskNewForm | TaskCreate | TaskEditForm | TaskEdit | TaskArchiveForm | TaskArchive | ApiTaskCreate
        | ApiTaskUpdate | ApiTaskArchive => only(who, &[OpcAdmin]),
        RoleEditForm | RoleEdit | ApiRoleUpdate => only(who, &[OpcAdmin, Officer]),
        KpiNewForm | KpiCreate | KpiEditForm | KpiEdit | KpiRemoveForm | KpiRemove | MilestoneNewForm
        | MilestoneCreate | MilestoneEditForm | MilestoneEdit | MilestoneRemoveForm | MilestoneRemove
        | ApiKpiCreate | ApiKpiUpdate | ApiKpiRemove | ApiMilestoneCreate | ApiMilestoneUpdate | ApiMilestoneRemove => {
            only(who, &[OpcAdmin, Exchangee])
        }
        AgencyEditForm | AgencyEdit | PositionEditForm | PositionEdit | PairEditForm | PairEdit | ExchangeeEditForm
        | ExchangeeEdit | ApiAgencyUpdate | ApiPairUpdate | ApiPositionUpdate | ApiExchangeeUpdate => {
            only(who, &[OpcAdmin])
        }
    }
}

/// Ids of the records the sample requests touch.
struct Ids {
    env: i64,
    position: i64,
    pair: i64,
    exchangee: i64,
    kpi: i64,
    milestone: i64,
}

/// A concrete path for the endpoint.
fn sample(e: Endpoint, ids: &Ids) -> String {
    use Endpoint::*;
    match e {
        PageHome => "/".into(),
        PageTasks => "/tasks".into(),
        PageTask => "/tasks/1".into(),
        PagePairs => "/pairs".into(),
        PageAgencies => "/agencies".into(),
        PageAgency => format!("/agencies/{}", ids.env),
        PageMeetings => "/meetings".into(),
        PageMeeting => "/meetings/1".into(),
        StaticKrds => "/static/krds/css/component/output.css".into(),
        StaticOwn => "/static/hanteam.css".into(),
        SignInForm | SignIn => "/sign-in".into(),
        SignOut => "/sign-out".into(),
        AccountPage => "/account".into(),
        PasswordChange => "/account/password".into(),
        TokenCreate => "/account/tokens".into(),
        TokenRevoke => "/account/tokens/999999/revoke".into(),
        AuditPage => "/audit".into(),
        TaskNewForm => "/tasks/new".into(),
        TaskCreate => "/tasks".into(),
        TaskEditForm | TaskEdit => "/tasks/1/edit".into(),
        TaskArchiveForm | TaskArchive => "/tasks/1/archive".into(),
        RoleEditForm | RoleEdit => format!("/tasks/1/roles/{}", ids.env),
        KpiNewForm => "/tasks/1/kpis/new".into(),
        KpiCreate => "/tasks/1/kpis".into(),
        KpiEditForm | KpiEdit => format!("/kpis/{}/edit", ids.kpi),
        KpiRemoveForm | KpiRemove => format!("/kpis/{}/remove", ids.kpi),
        MilestoneNewForm => "/tasks/1/milestones/new".into(),
        MilestoneCreate => "/tasks/1/milestones".into(),
        MilestoneEditForm | MilestoneEdit => format!("/milestones/{}/edit", ids.milestone),
        MilestoneRemoveForm | MilestoneRemove => format!("/milestones/{}/remove", ids.milestone),
        AgencyEditForm | AgencyEdit => format!("/agencies/{}/edit", ids.env),
        PositionEditForm | PositionEdit => format!("/positions/{}/edit", ids.position),
        PairEditForm | PairEdit => format!("/pairs/{}/edit", ids.pair),
        ExchangeeEditForm | ExchangeeEdit => format!("/exchangees/{}/edit", ids.exchangee),
        Healthz => "/healthz".into(),
        ApiOpenApi => "/api/v1/openapi.json".into(),
        ApiOverview => "/api/v1/overview".into(),
        ApiAgencies => "/api/v1/agencies".into(),
        ApiAgency | ApiAgencyUpdate => format!("/api/v1/agencies/{}", ids.env),
        ApiPairs => "/api/v1/exchange-pairs".into(),
        ApiPairUpdate => format!("/api/v1/exchange-pairs/{}", ids.pair),
        ApiPositionUpdate => format!("/api/v1/positions/{}", ids.position),
        ApiExchangeeUpdate => format!("/api/v1/exchangees/{}", ids.exchangee),
        ApiTasks | ApiTaskCreate => "/api/v1/tasks".into(),
        ApiTask | ApiTaskUpdate => "/api/v1/tasks/1".into(),
        ApiTaskArchive => "/api/v1/tasks/1/archive".into(),
        ApiRoleUpdate => format!("/api/v1/tasks/1/agencies/{}", ids.env),
        ApiKpiCreate => "/api/v1/tasks/1/kpis".into(),
        ApiKpiUpdate | ApiKpiRemove => format!("/api/v1/kpis/{}", ids.kpi),
        ApiMilestoneCreate => "/api/v1/tasks/1/milestones".into(),
        ApiMilestoneUpdate | ApiMilestoneRemove => format!("/api/v1/milestones/{}", ids.milestone),
        ApiMeetings => "/api/v1/meetings".into(),
        ApiMeeting => "/api/v1/meetings/1".into(),
        ApiMe => "/api/v1/me".into(),
        ApiTokens | ApiTokenCreate => "/api/v1/tokens".into(),
        ApiTokenRevoke => "/api/v1/tokens/999999".into(),
        ApiAudit => "/api/v1/audit".into(),
    }
}

/// Calls the endpoint the way its client would: pages with forms (and the CSRF token), the API with
/// JSON. Bodies are empty or incomplete, so an allowed change fails validation and changes nothing.
async fn call(client: &reqwest::Client, base: &str, csrf: &str, e: Endpoint, path: &str) -> (u16, String) {
    let url = format!("{base}{path}");
    let req = match (e.method(), e.is_api()) {
        (Method::GET, _) => client.get(url),
        (m, false) => client.request(m, url).form(&[("csrf_token", csrf), ("x", "1")]),
        (m, true) => client.request(m, url).header("x-csrf-token", csrf).json(&serde_json::json!({})),
    };
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (status, location)
}

fn outcome(status: u16, location: &str) -> Outcome {
    match status {
        401 => Outcome::Unauthenticated,
        303 | 302 | 307 if location.starts_with("/sign-in") => Outcome::Unauthenticated,
        403 => Outcome::Forbidden,
        _ => Outcome::Allowed,
    }
}

async fn every_route_answers_every_role_as_its_rule_says(b: Backend) {
    let app = TestApp::spawn(b).await;
    let env = app.agency_id("환경부").await;
    let pair = &app.json("/api/v1/exchange-pairs", 200).await["items"][0];
    let task = app.json("/api/v1/tasks/1", 200).await;
    let ids = Ids {
        env,
        position: pair["positions"][0]["id"].as_i64().unwrap(),
        pair: pair["id"].as_i64().unwrap(),
        exchangee: pair["positions"][0]["exchangees"][0]["id"].as_i64().unwrap(),
        kpi: task["kpis"][0]["id"].as_i64().unwrap(),
        milestone: task["milestones"][0]["id"].as_i64().unwrap(),
    };
    app.user("m-admin", vec![Grant::OpcAdmin]).await;
    app.user("m-officer", vec![Grant::AgencyOfficer { agency_id: env }]).await;
    app.user("m-exchangee", vec![Grant::Exchangee { position_id: ids.position }]).await;
    let evaluator = app.user("m-evaluator", vec![Grant::Evaluator]).await;
    app.db.assign_evaluator(&hanteam_store::audit::Actor::system(), evaluator, 1).await.unwrap();
    app.user("m-auditor", vec![Grant::Auditor]).await;

    let mut failures = Vec::new();
    let mut cells = 0;
    for who in EVERYONE {
        let (client, csrf) = match who {
            Who::Public => app.anonymous_browser().await,
            _ => {
                let login = match who {
                    Who::OpcAdmin => "m-admin",
                    Who::Officer => "m-officer",
                    Who::Exchangee => "m-exchangee",
                    Who::Evaluator => "m-evaluator",
                    _ => "m-auditor",
                };
                let Browser { client, csrf, .. } = app.sign_in(login).await;
                (client, csrf)
            }
        };
        // Signing out ends the session the other cells need: it goes last.
        let mut order: Vec<Endpoint> = Endpoint::ALL.iter().copied().filter(|e| *e != Endpoint::SignOut).collect();
        order.push(Endpoint::SignOut);
        for e in order {
            let path = sample(e, &ids);
            let (status, location) = call(&client, &app.base, &csrf, e, &path).await;
            cells += 1;
            if status >= 500 {
                failures.push(format!("{who:?} {} {path}: server error {status}", e.method()));
                continue;
            }
            let got = outcome(status, &location);
            let want = expected(e, who);
            if got != want {
                failures.push(format!(
                    "{who:?} {} {path}: expected {want:?}, got {got:?} ({status} {location})",
                    e.method()
                ));
            }
        }
    }
    assert_eq!(cells, EVERYONE.len() * Endpoint::ALL.len());
    assert!(failures.is_empty(), "{} of {cells} cells wrong:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(app.json("/api/v1/tasks/1", 200).await["version"], 1, "no cell changed anything");
}

async fn the_api_document_and_the_route_table_list_the_same_endpoints(b: Backend) {
    let app = TestApp::spawn(b).await;
    let doc = app.json("/api/v1/openapi.json", 200).await;
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.push((method.to_uppercase(), path.clone()));
        }
    }
    documented.sort();
    let mut listed: Vec<(String, String)> =
        Endpoint::ALL.iter().filter(|e| e.is_api()).map(|e| (e.method().to_string(), e.path().to_string())).collect();
    listed.sort();
    assert_eq!(documented, listed);
}

on_both_backends!(
    every_route_answers_every_role_as_its_rule_says,
    the_api_document_and_the_route_table_list_the_same_endpoints
);
