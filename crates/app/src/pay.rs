//! Pay tables per year (성과상여금·성과연봉 지급표), the special performance bonus of each
//! exchangee (특별성과가산금 = rate × the S-grade amount of its band) and its recommended rating.
//! OPC keeps the tables, chooses a band where the position's rank says nothing, and confirms the
//! ratings; OPC and auditors read everyone's pay, an exchangee its own, nobody else any.

use hanteam_domain::access::{self, PayScope};
use hanteam_domain::audit::AuditAction;
use hanteam_domain::reward::{
    bonus_statement, parse_pay_band, parse_pay_band_choice, parse_pay_table, parse_rating, special_bonus, BonusRule,
    ExchangeeRatingInput, GradeScale, PayBand, PayBandChoiceInput, PayBandInput, PayTableInput, RatingRule,
    StatementLine,
};
use hanteam_domain::{ExchangeeId, Paging};
use hanteam_store::audit::Change;
use hanteam_store::pay::{ExchangePayPage, PayBandChoiceRecord, PayBandRecord, PayTableRecord, RatingValues};
/// Read models of the pay tables.
pub use hanteam_store::pay::{PayBandView, PayTableSummary, PayTableView, RatingRecord};
use hanteam_store::views::Page;
use hanteam_store::Db;
use serde::Serialize;

use crate::{Caller, Result, Saved, UseCaseError};

const PAY_IS_PRIVATE: &str =
    "교류자의 보수 정보(특별성과가산금, 보수 등급, 개인 성과등급)는 국무조정실, 감사 담당자와 교류자 본인만 볼 수 있습니다.";

fn may_maintain(by: &Caller) -> Result<()> {
    if access::can_maintain_pay(by.signed_in()?) {
        Ok(())
    } else {
        Err(UseCaseError::Forbidden(
            "지급표를 만들고 고치거나 교류자의 보수 등급과 개인 성과등급을 정하는 일은 국무조정실 관리자만 할 수 있습니다."
                .into(),
        ))
    }
}

fn may_read_tables(by: &Caller) -> Result<()> {
    by.signed_in()?;
    if access::can_read_pay_tables(by.principal()) {
        Ok(())
    } else {
        Err(UseCaseError::forbidden())
    }
}

fn pay_scope(by: &Caller) -> Result<PayScope> {
    by.signed_in()?;
    access::pay_scope(by.principal()).ok_or_else(|| UseCaseError::Forbidden(PAY_IS_PRIVATE.into()))
}

fn table_not_found(year: i32) -> UseCaseError {
    UseCaseError::NotFound(format!("{year}년 지급표"))
}

/// A year as a path or a query gives it.
pub fn parse_year(raw: &str) -> Result<i32> {
    let y = raw.trim().strip_suffix('년').unwrap_or(raw.trim());
    match y.parse::<i32>() {
        Ok(y) if (2000..=2100).contains(&y) => Ok(y),
        _ => Err(UseCaseError::invalid(
            "year",
            format!("연도는 2000~2100 사이의 숫자로 써 주세요. 예: 2024 (입력값: '{raw}')"),
        )),
    }
}

/// A band as a path gives it (`director`, `grade5` …).
pub fn parse_band(raw: &str) -> Result<PayBand> {
    raw.parse::<PayBand>().map_err(|m| UseCaseError::invalid("band", m))
}

/// The years' tables, newest first.
pub async fn tables(db: &Db, by: &Caller, paging: Paging) -> Result<Page<PayTableSummary>> {
    may_read_tables(by)?;
    Ok(db.pay_tables(paging).await?)
}

/// Every year that has a table, for a choice of one.
pub async fn years(db: &Db, by: &Caller) -> Result<Vec<i32>> {
    may_read_tables(by)?;
    Ok(db.pay_table_years().await?)
}

/// A year's table with every band.
pub async fn table(db: &Db, by: &Caller, year: i32) -> Result<PayTableView> {
    may_read_tables(by)?;
    db.pay_table(year).await?.ok_or_else(|| table_not_found(year))
}

/// OPC enters or changes a band's amounts (and their source): both positive whole won, the S-grade
/// amount at least the standard one.
pub async fn update_band(db: &Db, by: &Caller, year: i32, band: PayBand, input: &PayBandInput) -> Result<Saved> {
    may_maintain(by)?;
    let (draft, version) = parse_pay_band(input)?;
    let mut tx = db.begin().await?;
    let table = tx.pay_table_of(year).await?.ok_or_else(|| table_not_found(year))?;
    let before = tx
        .pay_band_of(table.id, band)
        .await?
        .ok_or_else(|| UseCaseError::NotFound(format!("{year}년 지급표의 {}", band.label_ko())))?;
    let version = tx
        .update_pay_band(
            hanteam_store::pay::PayBandRowId(before.id),
            version,
            draft.standard_won,
            draft.s_grade_won,
            draft.source.as_deref(),
        )
        .await?
        .ok_or(UseCaseError::Stale { current_version: before.version })?;
    let after: PayBandRecord =
        tx.load(hanteam_store::pay::PayBandRowId(before.id)).await?.ok_or_else(|| table_not_found(year))?;
    tx.audit(&by.actor, Change::updated(AuditAction::PayBandUpdate, &before, &after)).await?;
    tx.commit().await?;
    Ok(Saved { id: after.id, version })
}

/// OPC creates a year's table: empty, or a copy of another year's amounts, sources and bonus rule.
pub async fn create_table(db: &Db, by: &Caller, input: &PayTableInput) -> Result<Saved> {
    may_maintain(by)?;
    let draft = parse_pay_table(input)?;
    let mut tx = db.begin().await?;
    if tx.pay_table_of(draft.year).await?.is_some() {
        return Err(UseCaseError::invalid(
            "year",
            format!("{}년 지급표가 이미 있습니다. 그 지급표의 금액을 고치거나 다른 연도를 입력해 주세요.", draft.year),
        ));
    }
    let (source, rate, rounding, bands) = match draft.copy_from {
        Some(from) => {
            let Some(t) = tx.pay_table_of(from).await? else {
                return Err(UseCaseError::invalid(
                    "copy_from",
                    format!("{from}년 지급표가 없습니다. 있는 연도를 고르거나 비워 두세요."),
                ));
            };
            let bands = tx.pay_bands(t.id).await?;
            let rate = u32::try_from(t.bonus_rate_pct).unwrap_or(50);
            let rounding = hanteam_domain::reward::WonRounding::from_code(&t.bonus_rounding);
            (format!("{from}년 지급표를 복사함: {}", t.source), rate, rounding, bands)
        }
        None => {
            let rule = BonusRule::default();
            ("국무조정실 입력".to_string(), rule.rate_pct, rule.rounding, vec![])
        }
    };
    let id = tx.insert_pay_table(draft.year, &source, draft.copy_from, rate, rounding).await?;
    for band in PayBand::ALL {
        let from = bands.iter().find(|b| b.band == band.as_str());
        tx.insert_pay_band(
            id,
            band,
            from.and_then(|b| b.standard_won),
            from.and_then(|b| b.s_grade_won),
            from.and_then(|b| b.source.as_deref()),
        )
        .await?;
    }
    let after: PayTableRecord = tx.load(id).await?.ok_or_else(|| table_not_found(draft.year))?;
    #[derive(Serialize)]
    struct Created<'a> {
        pay_table: &'a PayTableRecord,
        bands: Vec<BandAmounts<'a>>,
    }
    #[derive(Serialize)]
    struct BandAmounts<'a> {
        band: &'a str,
        standard_won: Option<i64>,
        s_grade_won: Option<i64>,
        source: Option<&'a str>,
    }
    let created_bands = tx.pay_bands(id.0).await?;
    let detail = Created {
        pay_table: &after,
        bands: created_bands
            .iter()
            .map(|b| BandAmounts {
                band: &b.band,
                standard_won: b.standard_won,
                s_grade_won: b.s_grade_won,
                source: b.source.as_deref(),
            })
            .collect(),
    };
    tx.audit(
        &by.actor,
        Change::of(AuditAction::PayTableCreate, "pay_table", Some(after.id), None::<&()>, Some(&detail)),
    )
    .await?;
    tx.commit().await?;
    Ok(Saved { id: after.id, version: after.version })
}

/// Where an exchangee's band comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BandFrom {
    /// The rank of the exchange position (국장급 → 국장급(고위공무원), 과장급 → 과장급(4급)).
    Position,
    /// OPC chose it, with a reason.
    Opc,
    /// Neither: the position has no rank and OPC has not chosen one.
    Unknown,
}

impl BandFrom {
    pub fn label_ko(self) -> &'static str {
        match self {
            BandFrom::Position => "교류직위 직급에 따름",
            BandFrom::Opc => "국무조정실 지정",
            BandFrom::Unknown => "미지정",
        }
    }
}

/// One exchangee's special performance bonus for a year, with the arithmetic.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BonusRow {
    pub exchangee_id: i64,
    /// Not given in the release: empty until OPC enters it.
    pub name: Option<String>,
    pub agency: String,
    pub position_title: String,
    /// The band; null where neither the position's rank nor OPC says.
    pub pay_band: Option<PayBand>,
    pub band_from: BandFrom,
    /// OPC's reason when it chose the band.
    pub band_reason: Option<String>,
    /// The version of OPC's choice (to change it), if there is one.
    pub band_version: Option<i64>,
    /// The band's S-grade amount in the year's table (won); null where it has none.
    pub s_grade_amount_won: Option<i64>,
    pub rate_pct: u32,
    /// rate × S-grade amount, rounded down; null where there is no amount ("지급표에 금액 없음").
    pub bonus_won: Option<i64>,
    /// The arithmetic, or why there is no number.
    pub note: String,
    /// The year's rating: pre-exchange grade, recommendation and OPC's confirmation.
    pub rating: Option<RatingRecord>,
}

fn bonus_row(table: &PayTableView, p: ExchangePayPage) -> Result<BonusRow> {
    let chosen = p.row.chosen();
    let (pay_band, band_from) = match (chosen, p.row.level()) {
        (Some(b), _) => (Some(b), BandFrom::Opc),
        (None, Some(level)) => (Some(PayBand::of_position(level)), BandFrom::Position),
        (None, None) => (None, BandFrom::Unknown),
    };
    let rule = BonusRule { rate_pct: table.bonus_rate_pct, rounding: table.rounding() };
    let (s_grade_amount_won, bonus_won, note) = match pay_band {
        Some(band) => {
            let b = special_bonus(&table.table(), band, &rule).map_err(|e| UseCaseError::Internal(e.to_string()))?;
            (b.s_grade_amount_won, b.bonus_won, b.note)
        }
        None => (
            None,
            None,
            "보수 등급 미지정: 교류직위의 직급이 없습니다. 국무조정실이 보수 등급을 지정하세요.".to_string(),
        ),
    };
    Ok(BonusRow {
        exchangee_id: p.row.exchangee_id,
        name: p.row.name,
        agency: p.row.agency_short_name,
        position_title: p.row.position_title,
        pay_band,
        band_from,
        band_reason: p.row.chosen_reason,
        band_version: p.row.chosen_version,
        s_grade_amount_won,
        rate_pct: rule.rate_pct,
        bonus_won,
        note,
        rating: p.rating,
    })
}

/// A page of the exchangees' bonuses for a year: every exchangee for OPC and auditors, one's own for
/// an exchangee; nobody else.
pub async fn bonuses(db: &Db, by: &Caller, year: i32, paging: Paging) -> Result<(PayTableView, Page<BonusRow>)> {
    let scope = pay_scope(by)?;
    let table = db.pay_table(year).await?.ok_or_else(|| table_not_found(year))?;
    let positions = match &scope {
        PayScope::All => None,
        PayScope::Own(p) => Some(p.as_slice()),
    };
    let page = db.exchangees_pay(year, positions, paging).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for p in page.items {
        items.push(bonus_row(&table, p)?);
    }
    Ok((table, Page { items, total: page.total }))
}

/// One exchangee's bonus for a year (OPC, auditors, the exchangee itself): another exchangee's is
/// not found, so that it does not even say who exists.
pub async fn bonus(db: &Db, by: &Caller, id: ExchangeeId, year: i32) -> Result<(PayTableView, BonusRow)> {
    let scope = pay_scope(by)?;
    let not_found = || UseCaseError::NotFound(format!("{id}번 교류자"));
    let p = db.exchangee_pay(year, id).await?.ok_or_else(not_found)?;
    if !scope.admits(hanteam_domain::PositionId::new(p.row.position_id)) {
        return Err(not_found());
    }
    let table = db.pay_table(year).await?.ok_or_else(|| table_not_found(year))?;
    let row = bonus_row(&table, p)?;
    Ok((table, row))
}

/// The special performance bonus of each exchangee for an evaluation round
/// (`GET /api/v1/evaluation-rounds/{id}/bonuses`): the round must be the caller's to read, and the
/// amounts come from the pay table of the year the round is set up in (a round's name and its
/// rubric are about that year's work; the year is not asked again). Who sees whose pay is
/// [`bonuses`]' rule, so the arithmetic and the privacy rule exist once.
pub async fn round_bonuses(
    db: &Db,
    by: &Caller,
    round: hanteam_domain::EvaluationRoundId,
    paging: Paging,
) -> Result<(i32, PayTableView, Page<BonusRow>)> {
    let r = crate::evaluation::get(db, by, round).await?;
    let year = chrono::Datelike::year(&r.schedule.setup_on);
    let (table, page) = bonuses(db, by, year, paging).await?;
    Ok((year, table, page))
}

/// The statement of an exchangee's bonus: its lines, one under the other.
pub struct BonusStatement {
    pub table: PayTableView,
    pub bonus: BonusRow,
    pub lines: Vec<StatementLine>,
}

pub async fn statement(db: &Db, by: &Caller, id: ExchangeeId, year: i32) -> Result<BonusStatement> {
    let (table, bonus) = bonus(db, by, id, year).await?;
    let mut lines = vec![StatementLine {
        label: "보수 등급".into(),
        detail: format!(
            "{} ({}{})",
            bonus.pay_band.map_or("미지정", PayBand::label_ko),
            bonus.band_from.label_ko(),
            bonus.band_reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default()
        ),
        amount_won: None,
    }];
    lines.push(StatementLine {
        label: format!("{}년 지급표 S등급 금액", table.year),
        detail: table.source.clone(),
        amount_won: bonus.s_grade_amount_won,
    });
    match bonus.pay_band {
        Some(band) => {
            let rule = BonusRule { rate_pct: table.bonus_rate_pct, rounding: table.rounding() };
            let b = special_bonus(&table.table(), band, &rule).map_err(|e| UseCaseError::Internal(e.to_string()))?;
            lines.push(bonus_statement(&b));
        }
        None => lines.push(StatementLine {
            label: format!("특별성과가산금 ({}년)", table.year),
            detail: bonus.note.clone(),
            amount_won: None,
        }),
    }
    if let Some(r) = &bonus.rating {
        lines.push(StatementLine {
            label: "개인 성과등급 권고".into(),
            detail: r.recommendation.clone(),
            amount_won: None,
        });
        lines.push(StatementLine {
            label: "개인 성과등급 확정".into(),
            detail: match &r.confirmed_grade {
                Some(g) if r.below_recommendation => {
                    format!("{g} (권고보다 낮음, 사유: {})", r.reason.as_deref().unwrap_or(""))
                }
                Some(g) => g.clone(),
                None => "국무조정실 확정 전".into(),
            },
            amount_won: None,
        });
    }
    Ok(BonusStatement { table, bonus, lines })
}

async fn exchangee_exists(tx: &mut hanteam_store::Tx, id: ExchangeeId) -> Result<()> {
    tx.exchangee_position(id).await?.map(|_| ()).ok_or_else(|| UseCaseError::NotFound(format!("{id}번 교류자")))
}

/// OPC chooses an exchangee's band with a reason, or (an empty band) gives it back to the
/// position's rank.
pub async fn choose_band(db: &Db, by: &Caller, id: ExchangeeId, input: &PayBandChoiceInput) -> Result<Saved> {
    may_maintain(by)?;
    let choice = parse_pay_band_choice(input)?;
    let mut tx = db.begin().await?;
    exchangee_exists(&mut tx, id).await?;
    let current = tx.pay_band_choice_of(id).await?;
    let saved = match (current, choice.band, choice.version) {
        (Some(before), _, None) => return Err(UseCaseError::Stale { current_version: before.version }),
        (None, None, _) => return Ok(Saved { id: id.get(), version: 0 }),
        (None, Some((band, reason)), _) => {
            let row = tx.insert_pay_band_choice(id, band, &reason).await?;
            let after: PayBandChoiceRecord =
                tx.load(row).await?.ok_or_else(|| UseCaseError::NotFound(id.to_string()))?;
            tx.audit(&by.actor, Change::created(AuditAction::ExchangeePayBandSet, &after)).await?;
            Saved { id: after.id, version: after.version }
        }
        (Some(before), Some((band, reason)), Some(version)) => {
            let row = hanteam_store::pay::PayBandChoiceRowId(before.id);
            let version = tx
                .update_pay_band_choice(row, version, band, &reason)
                .await?
                .ok_or(UseCaseError::Stale { current_version: before.version })?;
            let after: PayBandChoiceRecord =
                tx.load(row).await?.ok_or_else(|| UseCaseError::NotFound(id.to_string()))?;
            tx.audit(&by.actor, Change::updated(AuditAction::ExchangeePayBandSet, &before, &after)).await?;
            Saved { id: after.id, version }
        }
        (Some(before), None, Some(version)) => {
            let row = hanteam_store::pay::PayBandChoiceRowId(before.id);
            if !tx.remove_pay_band_choice(row, version).await? {
                return Err(UseCaseError::Stale { current_version: before.version });
            }
            tx.audit(&by.actor, Change::removed(AuditAction::ExchangeePayBandSet, &before)).await?;
            Saved { id: before.id, version: 0 }
        }
    };
    tx.commit().await?;
    Ok(saved)
}

/// OPC records an exchangee's pre-exchange grade for a year (the rule recommends at least one step
/// above it) and confirms a grade: below the recommendation only with a reason.
pub async fn set_rating(
    db: &Db,
    by: &Caller,
    id: ExchangeeId,
    year: i32,
    input: &ExchangeeRatingInput,
) -> Result<Saved> {
    may_maintain(by)?;
    let d = parse_rating(input, &GradeScale::sabc(), &RatingRule::default())?;
    let values = RatingValues {
        pre_exchange_grade: &d.pre_exchange_grade,
        recommended_grade: &d.recommended_grade,
        recommendation: &d.recommendation,
        confirmed_grade: d.confirmed.as_ref().map(|c| c.grade.as_str()),
        below_recommendation: d.confirmed.as_ref().is_some_and(|c| c.below_recommendation),
        reason: d.reason.as_deref(),
    };
    let mut tx = db.begin().await?;
    exchangee_exists(&mut tx, id).await?;
    let not_found = || UseCaseError::NotFound(format!("{id}번 교류자의 {year}년 개인 성과등급"));
    let saved = match (tx.rating_of_exchangee(id, year).await?, d.version) {
        (None, _) => {
            let row = tx.insert_rating_of_exchangee(id, year, &values).await?;
            let after: RatingRecord = tx.load(row).await?.ok_or_else(not_found)?;
            tx.audit(&by.actor, Change::created(AuditAction::ExchangeeRatingSet, &after)).await?;
            Saved { id: after.id, version: after.version }
        }
        (Some(before), None) => return Err(UseCaseError::Stale { current_version: before.version }),
        (Some(before), Some(version)) => {
            let row = hanteam_store::pay::RatingRowId(before.id);
            let version = tx
                .update_rating_of_exchangee(row, version, &values)
                .await?
                .ok_or(UseCaseError::Stale { current_version: before.version })?;
            let after: RatingRecord = tx.load(row).await?.ok_or_else(not_found)?;
            tx.audit(&by.actor, Change::updated(AuditAction::ExchangeeRatingSet, &before, &after)).await?;
            Saved { id: after.id, version }
        }
    };
    tx.commit().await?;
    Ok(saved)
}
