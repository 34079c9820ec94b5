//! The pages every government site's footer links to: how personal data is handled
//! (개인정보처리방침), the terms of the content (저작권정책) and the accessibility statement
//! (웹접근성). What they say is what hanteam does; who runs it comes from the configuration.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use hanteam_domain::account::{SESSION_ABSOLUTE, SESSION_IDLE};
use hanteam_domain::korean::{with_particle, Particle};

use super::context::Ctx;
use super::layout::Layout;
use super::render::render;

/// One heading of a policy page and its paragraphs (or list items).
struct Part {
    heading: &'static str,
    paragraphs: Vec<String>,
    items: Vec<String>,
}

fn part(heading: &'static str, paragraphs: &[&str], items: &[&str]) -> Part {
    Part {
        heading,
        paragraphs: paragraphs.iter().map(|p| p.to_string()).collect(),
        items: items.iter().map(|i| i.to_string()).collect(),
    }
}

#[derive(Template)]
#[template(path = "policy.html")]
struct PolicyPage {
    layout: Layout,
    lead: String,
    parts: Vec<Part>,
}

fn page(cx: &Ctx, title: &str, lead: String, parts: Vec<Part>) -> Response {
    render(StatusCode::OK, &PolicyPage { layout: Layout::plain(cx, title), lead, parts })
}

/// Where to ask: the operator, with its contact when one is configured.
fn ask(cx: &Ctx) -> String {
    let o = &cx.operator;
    match &o.contact {
        Some(contact) => format!("{}({contact})", o.name),
        None => o.name.clone(),
    }
}

pub(crate) async fn privacy(cx: Ctx) -> Response {
    let operator = cx.operator.name.clone();
    let idle = SESSION_IDLE.num_minutes();
    let absolute = SESSION_ABSOLUTE.num_hours();
    let mut retention = part(
        "3. 보유 기간",
        &["계정 정보는 계정이 쓰이는 동안 보유합니다. 사용을 멈춘 계정은 지우지 않고 '사용 중지'로 남겨, 그 계정이 남긴 기록의 주체를 알 수 있게 합니다."],
        &[],
    );
    retention.paragraphs.push(format!(
        "로그인 세션은 {idle}분 동안 쓰지 않거나 로그인한 지 {absolute}시간이 지나면 끝나고, 그 기록은 접속 이력으로만 남습니다."
    ));
    retention.paragraphs.push(
        "감사기록(누가 언제 어디서 무엇을 바꾸었는지)은 공공기록이므로 고치거나 지우지 않고 영구히 보존합니다.".into(),
    );
    page(
        &cx,
        "개인정보처리방침",
        format!(
            "{} 한팀(hanteam)을 운영하면서 처리하는 개인정보를 아래와 같이 알려 드립니다.",
            with_particle(&operator, Particle::Topic)
        ),
        vec![
            part(
                "1. 처리하는 개인정보",
                &["한팀은 누구나 보는 공개 화면에서는 개인정보를 받지 않습니다. 로그인하는 공무원과 평가위원에 대해서만 다음을 처리합니다."],
                &[
                    "계정: 로그인 아이디, 이름, 소속 기관과 역할, 민간 전문가 여부, 비밀번호(복원할 수 없는 해시로만 저장)",
                    "평가위원의 소속 이력: 기관명, 직위, 기간(이해충돌 확인에 씁니다)",
                    "접속 기록: 로그인·로그아웃 시각, 접속 주소(IP), 로그인 실패 횟수",
                    "쿠키: 로그인 세션을 알아보기 위한 쿠키 하나(광고나 방문 분석에는 쓰지 않습니다)",
                ],
            ),
            part(
                "2. 처리 목적",
                &["협업과제의 등록·변경 권한을 확인하고, 변경한 사람을 감사기록에 남기며, 비밀번호 추측 공격을 막기 위해서만 씁니다."],
                &[],
            ),
            retention,
            part(
                "4. 제3자 제공과 처리 위탁",
                &["개인정보를 다른 기관이나 업체에 제공하거나 처리를 맡기지 않습니다. 법령에 따라 요청이 있을 때에는 그 법령이 정한 범위에서만 제공합니다."],
                &[],
            ),
            part(
                "5. 정보주체의 권리",
                &["자신의 계정 정보는 '내 계정' 화면에서 볼 수 있고, 비밀번호는 직접 바꿀 수 있습니다. 그 밖의 열람·정정·처리정지 요구는 아래 문의처로 해 주세요."],
                &[],
            ),
            part(
                "6. 안전성 확보 조치",
                &["비밀번호는 Argon2 해시로만 저장하고, 로그인을 되풀이해 실패하면 잠시 잠급니다. 모든 변경은 위·변조를 알아낼 수 있는 감사기록에 남습니다."],
                &[],
            ),
            Part { heading: "7. 문의처", paragraphs: vec![format!("개인정보 보호 문의: {}", ask(&cx))], items: vec![] },
        ],
    )
}

pub(crate) async fn copyright(cx: Ctx) -> Response {
    page(
        &cx,
        "저작권정책",
        "한팀에 실린 자료와 이 시스템의 이용 조건입니다.".into(),
        vec![
            part(
                "1. 기본 자료의 출처",
                &["과제, 교류직위 쌍, 기관별 역할 등 기본 자료는 국무조정실 보도자료(2024. 4. 15.) 「41개 전략적 협업과제 선정」에서 옮겨 온 것입니다. 원문의 이용 조건은 원문을 낸 기관의 저작권 정책을 따릅니다. 옮겨 쓸 때에는 출처를 밝혀 주세요."],
                &[],
            ),
            part(
                "2. 등록한 자료",
                &["각 기관이 한팀에 등록한 과제 내용, 성과지표, 추진일정과 평가 결과는 공공기록입니다. 공개 화면에 보이는 자료는 출처를 밝히고 이용할 수 있으며, 로그인해야 보이는 자료는 업무 목적으로만 씁니다."],
                &[],
            ),
            part(
                "3. 화면과 소프트웨어",
                &["화면은 범정부 디자인 시스템(KRDS)을 따릅니다. 한팀 소프트웨어는 MIT 라이선스로 배포됩니다."],
                &[],
            ),
            Part { heading: "4. 문의처", paragraphs: vec![format!("저작권 문의: {}", ask(&cx))], items: vec![] },
        ],
    )
}

pub(crate) async fn accessibility(cx: Ctx) -> Response {
    page(
        &cx,
        "웹접근성",
        "한팀은 한국형 웹 콘텐츠 접근성 지침(KWCAG)을 지키도록 만들었습니다. 장애가 있는 분도, 키보드만 쓰는 분도, 휴대전화로 보는 분도 같은 정보를 얻을 수 있어야 합니다.".into(),
        vec![
            part(
                "1. 지키는 것",
                &[],
                &[
                    "모든 화면의 첫 번째 링크는 '본문 바로가기'이며, 키보드만으로 모든 기능을 쓸 수 있습니다.",
                    "표에는 제목과 머리글이 있고, 입력 칸에는 이름표와 안내가 붙어 있습니다.",
                    "입력이 잘못되면 화면 맨 위의 오류 안내로 초점이 옮겨 가고, 잘못된 칸으로 바로 갈 수 있습니다.",
                    "글자와 배경의 명도 대비를 지키고, 색만으로 정보를 전하지 않습니다.",
                    "폭 390px 휴대전화 화면에서도 옆으로 밀지 않고 읽을 수 있습니다.",
                ],
            ),
            part(
                "2. 확인하는 방법",
                &["화면을 고칠 때마다 자동 시험이 실제 브라우저로 모든 화면을 열어, 넓은 화면과 휴대전화 폭에서 접근성 검사 도구(axe-core)로 WCAG 2.1 A·AA 기준을 확인합니다."],
                &[],
            ),
            Part {
                heading: "3. 불편 신고",
                paragraphs: vec![format!("이용하기 어려운 화면이 있으면 알려 주세요: {}", ask(&cx))],
                items: vec![],
            },
        ],
    )
}
