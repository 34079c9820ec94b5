//! Pay tables per year (성과상여금·성과연봉 지급표) and what the special performance bonus reads of
//! each exchangee: the band OPC chose, if any, the position's rank, and the year's rating.

use hanteam_domain::reward::{PayBand, PayRow, PayTable, WonRounding};
use hanteam_domain::{ExchangeeId, Paging, PositionId, PositionLevel};
use serde::Serialize;

use crate::record::record;
use crate::tx::{Tx, Value};
use crate::views::Page;
use crate::{with_db, Db, Result, StoreError};

/// A year's table as the audit log records it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PayTableRecord {
    pub id: i64,
    pub year: i64,
    pub source: String,
    pub copied_from_year: Option<i64>,
    pub bonus_rate_pct: i64,
    pub bonus_rounding: String,
    pub version: i64,
}

/// The id of a pay table row.
#[derive(Debug, Clone, Copy)]
pub struct PayTableRowId(pub i64);
impl From<PayTableRowId> for i64 {
    fn from(id: PayTableRowId) -> i64 {
        id.0
    }
}
record!(PayTableRecord, id: PayTableRowId, table: "pay_tables", audit: "pay_table",
    columns: "id, year, source, copied_from_year, bonus_rate_pct, bonus_rounding, version");

/// One band of a year's table.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PayBandRecord {
    pub id: i64,
    pub pay_table_id: i64,
    pub band: String,
    pub standard_won: Option<i64>,
    pub s_grade_won: Option<i64>,
    pub source: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, Copy)]
pub struct PayBandRowId(pub i64);
impl From<PayBandRowId> for i64 {
    fn from(id: PayBandRowId) -> i64 {
        id.0
    }
}
record!(PayBandRecord, id: PayBandRowId, table: "pay_table_bands", audit: "pay_table_band",
    columns: "id, pay_table_id, band, standard_won, s_grade_won, source, version");

/// OPC's choice of an exchangee's band.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PayBandChoiceRecord {
    pub id: i64,
    pub exchangee_id: i64,
    pub band: String,
    pub reason: String,
    pub version: i64,
}

#[derive(Debug, Clone, Copy)]
pub struct PayBandChoiceRowId(pub i64);
impl From<PayBandChoiceRowId> for i64 {
    fn from(id: PayBandChoiceRowId) -> i64 {
        id.0
    }
}
record!(PayBandChoiceRecord, id: PayBandChoiceRowId, table: "exchangee_pay_bands", audit: "exchangee_pay_band",
    columns: "id, exchangee_id, band, reason, version");

/// An exchangee's rating for a year.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingRecord {
    pub id: i64,
    pub exchangee_id: i64,
    pub year: i64,
    pub pre_exchange_grade: String,
    pub recommended_grade: String,
    pub recommendation: String,
    pub confirmed_grade: Option<String>,
    pub below_recommendation: bool,
    pub reason: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, Copy)]
pub struct RatingRowId(pub i64);
impl From<RatingRowId> for i64 {
    fn from(id: RatingRowId) -> i64 {
        id.0
    }
}
record!(RatingRecord, id: RatingRowId, table: "exchangee_ratings", audit: "exchangee_rating",
    columns: "id, exchangee_id, year, pre_exchange_grade, recommended_grade, recommendation, confirmed_grade,
              below_recommendation, reason, version");

/// A band of a year's table as pages and the API show it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PayBandView {
    pub band: PayBand,
    /// 표준 금액 (won); null: no figure.
    pub standard_won: Option<i64>,
    /// 최상위(S) 금액 (won); null: no figure.
    pub s_grade_won: Option<i64>,
    pub source: Option<String>,
    pub version: i64,
}

/// A year's table.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PayTableView {
    pub year: i32,
    pub source: String,
    pub copied_from_year: Option<i32>,
    /// 특별성과가산금: percent of the S-grade amount.
    pub bonus_rate_pct: u32,
    /// `won` (1원 미만 버림) or `ten_won` (10원 미만 버림).
    pub bonus_rounding: String,
    pub version: i64,
    /// Every band, in order (국장급 first).
    pub bands: Vec<PayBandView>,
}

impl PayTableView {
    /// The table as the domain computes with it.
    pub fn table(&self) -> PayTable {
        PayTable {
            year: self.year,
            source: self.source.clone(),
            rows: self
                .bands
                .iter()
                .map(|b| PayRow { band: b.band, standard_won: b.standard_won, s_grade_won: b.s_grade_won })
                .collect(),
        }
    }

    pub fn rounding(&self) -> WonRounding {
        WonRounding::from_code(&self.bonus_rounding)
    }
}

/// A year in the list of tables.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PayTableSummary {
    pub year: i32,
    pub source: String,
    pub copied_from_year: Option<i32>,
    pub bonus_rate_pct: u32,
    /// How many of the bands have an S-grade amount.
    pub bands_with_amount: i64,
    pub bands: i64,
}

/// An exchangee as the bonus reads it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ExchangeePayRow {
    pub exchangee_id: i64,
    pub name: Option<String>,
    pub position_id: i64,
    pub position_title: String,
    pub position_level: Option<String>,
    pub agency_short_name: String,
    pub chosen_band: Option<String>,
    pub chosen_reason: Option<String>,
    pub chosen_version: Option<i64>,
    pub rating_id: Option<i64>,
}

impl ExchangeePayRow {
    pub fn level(&self) -> Option<PositionLevel> {
        self.position_level.as_deref().and_then(|l| l.parse().ok())
    }

    pub fn chosen(&self) -> Option<PayBand> {
        self.chosen_band.as_deref().and_then(|b| b.parse().ok())
    }
}

fn band_of(code: &str) -> Result<PayBand> {
    code.parse().map_err(|_| StoreError::Corrupt(format!("pay_table_bands.band: '{code}'")))
}

fn year_i32(y: i64) -> i32 {
    i32::try_from(y).unwrap_or_default()
}

const EXCHANGEE_PAY_SELECT: &str =
    "SELECT e.id AS exchangee_id, e.name, p.id AS position_id, p.title AS position_title,
        p.level AS position_level, a.short_name AS agency_short_name, o.band AS chosen_band, o.reason AS chosen_reason,
        o.version AS chosen_version, r.id AS rating_id
     FROM exchangees e JOIN positions p ON p.id = e.position_id JOIN agencies a ON a.id = p.agency_id
     LEFT JOIN exchangee_pay_bands o ON o.exchangee_id = e.id
     LEFT JOIN exchangee_ratings r ON r.exchangee_id = e.id AND r.year = $1";

impl Db {
    /// The exchangees holding these positions, with their names where known, by id.
    pub async fn exchangees_at(&self, positions: &[PositionId]) -> Result<Vec<(ExchangeeId, Option<String>)>> {
        if positions.is_empty() {
            return Ok(Vec::new());
        }
        let marks = crate::queries::placeholders(1, positions.len());
        let sql = format!("SELECT id, name FROM exchangees WHERE position_id IN ({marks}) ORDER BY id");
        let rows: Vec<(i64, Option<String>)> = with_db!(self, |pool| {
            let mut q = sqlx::query_as(&sql);
            for p in positions {
                q = q.bind(p.get());
            }
            q.fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(|(id, name)| (ExchangeeId::new(id), name)).collect())
    }

    /// The years' tables, newest first.
    pub async fn pay_tables(&self, paging: Paging) -> Result<Page<PayTableSummary>> {
        type Row = (i64, String, Option<i64>, i64, i64, i64);
        let sql = "SELECT t.year, t.source, t.copied_from_year, t.bonus_rate_pct,
                (SELECT COUNT(*) FROM pay_table_bands b WHERE b.pay_table_id = t.id AND b.s_grade_won IS NOT NULL),
                (SELECT COUNT(*) FROM pay_table_bands b WHERE b.pay_table_id = t.id)
             FROM pay_tables t ORDER BY t.year DESC LIMIT $1 OFFSET $2";
        let (total, rows): (i64, Vec<Row>) = with_db!(self, |pool| {
            let total = sqlx::query_scalar("SELECT COUNT(*) FROM pay_tables").fetch_one(pool).await?;
            let rows = sqlx::query_as(sql).bind(paging.limit).bind(paging.offset).fetch_all(pool).await?;
            (total, rows)
        });
        Ok(Page {
            items: rows
                .into_iter()
                .map(|(year, source, copied, rate, with_amount, bands)| PayTableSummary {
                    year: year_i32(year),
                    source,
                    copied_from_year: copied.map(year_i32),
                    bonus_rate_pct: u32::try_from(rate).unwrap_or_default(),
                    bands_with_amount: with_amount,
                    bands,
                })
                .collect(),
            total,
        })
    }

    /// Every year that has a table, newest first (a form's choice of one to copy).
    pub async fn pay_table_years(&self) -> Result<Vec<i32>> {
        let years: Vec<i64> = with_db!(self, |pool| {
            sqlx::query_scalar("SELECT year FROM pay_tables ORDER BY year DESC LIMIT 500").fetch_all(pool).await?
        });
        Ok(years.into_iter().map(year_i32).collect())
    }

    /// A year's table with its bands.
    pub async fn pay_table(&self, year: i32) -> Result<Option<PayTableView>> {
        let sql = format!("SELECT {} FROM pay_tables WHERE year = $1", <PayTableRecord as crate::Record>::COLUMNS);
        let bands_sql = format!(
            "SELECT {} FROM pay_table_bands WHERE pay_table_id = $1",
            <PayBandRecord as crate::Record>::COLUMNS
        );
        let found: Option<(PayTableRecord, Vec<PayBandRecord>)> = with_db!(self, |pool| {
            match sqlx::query_as::<_, PayTableRecord>(&sql).bind(i64::from(year)).fetch_optional(pool).await? {
                None => None,
                Some(t) => {
                    let bands = sqlx::query_as::<_, PayBandRecord>(&bands_sql).bind(t.id).fetch_all(pool).await?;
                    Some((t, bands))
                }
            }
        });
        let Some((t, bands)) = found else { return Ok(None) };
        let mut views = Vec::with_capacity(bands.len());
        for b in bands {
            views.push(PayBandView {
                band: band_of(&b.band)?,
                standard_won: b.standard_won,
                s_grade_won: b.s_grade_won,
                source: b.source,
                version: b.version,
            });
        }
        views.sort_by_key(|b| b.band);
        Ok(Some(PayTableView {
            year: year_i32(t.year),
            source: t.source,
            copied_from_year: t.copied_from_year.map(year_i32),
            bonus_rate_pct: u32::try_from(t.bonus_rate_pct).unwrap_or_default(),
            bonus_rounding: t.bonus_rounding,
            version: t.version,
            bands: views,
        }))
    }

    /// A page of the exchangees (every one, or those holding `positions`) by id, with what the
    /// bonus of `year` reads.
    pub async fn exchangees_pay(
        &self,
        year: i32,
        positions: Option<&[PositionId]>,
        paging: Paging,
    ) -> Result<Page<ExchangePayPage>> {
        let ids: Vec<i64> = positions.map(|p| p.iter().map(|i| i.get()).collect()).unwrap_or_default();
        // Only the positions' own rows for an exchangee (a handful), every row for OPC.
        let only = if positions.is_some() {
            if ids.is_empty() {
                return Ok(Page { items: vec![], total: 0 });
            }
            let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
            format!(" WHERE e.position_id IN ({})", marks.join(", "))
        } else {
            String::new()
        };
        let n = ids.len();
        let count_marks: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
        let count_sql = if positions.is_some() {
            format!("SELECT COUNT(*) FROM exchangees e WHERE e.position_id IN ({})", count_marks.join(", "))
        } else {
            "SELECT COUNT(*) FROM exchangees e".to_string()
        };
        let page_sql = format!("{EXCHANGEE_PAY_SELECT}{only} ORDER BY e.id LIMIT ${} OFFSET ${}", n + 2, n + 3);
        let y = i64::from(year);
        let (total, rows): (i64, Vec<ExchangeePayRow>) = with_db!(self, |pool| {
            let mut count = sqlx::query_scalar(&count_sql);
            let mut page = sqlx::query_as::<_, ExchangeePayRow>(&page_sql).bind(y);
            for id in &ids {
                count = count.bind(*id);
                page = page.bind(*id);
            }
            let total = count.fetch_one(pool).await?;
            let rows = page.bind(paging.limit).bind(paging.offset).fetch_all(pool).await?;
            (total, rows)
        });
        let ratings = self.ratings_of(&rows).await?;
        Ok(Page { items: rows.into_iter().map(|row| ExchangePayPage::with(row, &ratings)).collect(), total })
    }

    /// One exchangee with what the bonus of `year` reads.
    pub async fn exchangee_pay(&self, year: i32, id: ExchangeeId) -> Result<Option<ExchangePayPage>> {
        let sql = format!("{EXCHANGEE_PAY_SELECT} WHERE e.id = $2");
        let row: Option<ExchangeePayRow> = with_db!(self, |pool| {
            sqlx::query_as::<_, ExchangeePayRow>(&sql).bind(i64::from(year)).bind(id.get()).fetch_optional(pool).await?
        });
        let Some(row) = row else { return Ok(None) };
        let ratings = self.ratings_of(std::slice::from_ref(&row)).await?;
        Ok(Some(ExchangePayPage::with(row, &ratings)))
    }

    async fn ratings_of(&self, rows: &[ExchangeePayRow]) -> Result<Vec<RatingRecord>> {
        let ids: Vec<i64> = rows.iter().filter_map(|r| r.rating_id).collect();
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {} FROM exchangee_ratings WHERE id IN ({})",
            <RatingRecord as crate::Record>::COLUMNS,
            marks.join(", ")
        );
        Ok(with_db!(self, |pool| {
            let mut q = sqlx::query_as::<_, RatingRecord>(&sql);
            for id in &ids {
                q = q.bind(*id);
            }
            q.fetch_all(pool).await?
        }))
    }
}

/// An exchangee with its rating of the year, if any.
#[derive(Debug, Clone)]
pub struct ExchangePayPage {
    pub row: ExchangeePayRow,
    pub rating: Option<RatingRecord>,
}

impl ExchangePayPage {
    fn with(row: ExchangeePayRow, ratings: &[RatingRecord]) -> ExchangePayPage {
        let rating = row.rating_id.and_then(|id| ratings.iter().find(|r| r.id == id)).cloned();
        ExchangePayPage { row, rating }
    }
}

impl Tx {
    /// A year's table, locked.
    pub async fn pay_table_of(&mut self, year: i32) -> Result<Option<PayTableRecord>> {
        let sql = self
            .locking(&format!("SELECT {} FROM pay_tables WHERE year = $1", <PayTableRecord as crate::Record>::COLUMNS));
        self.fetch_optional(&sql, &[i64::from(year).into()]).await
    }

    /// A table's band, locked.
    pub async fn pay_band_of(&mut self, table: i64, band: PayBand) -> Result<Option<PayBandRecord>> {
        let sql = self.locking(&format!(
            "SELECT {} FROM pay_table_bands WHERE pay_table_id = $1 AND band = $2",
            <PayBandRecord as crate::Record>::COLUMNS
        ));
        self.fetch_optional(&sql, &[table.into(), band.as_str().into()]).await
    }

    /// Every band of a table, in band order.
    pub async fn pay_bands(&mut self, table: i64) -> Result<Vec<PayBandRecord>> {
        let sql = format!(
            "SELECT {} FROM pay_table_bands WHERE pay_table_id = $1",
            <PayBandRecord as crate::Record>::COLUMNS
        );
        let mut bands: Vec<PayBandRecord> = self.fetch_all(&sql, &[table.into()]).await?;
        bands.sort_by_key(|b| b.band.parse::<PayBand>().ok());
        Ok(bands)
    }

    pub async fn insert_pay_table(
        &mut self,
        year: i32,
        source: &str,
        copied_from: Option<i32>,
        bonus_rate_pct: u32,
        rounding: WonRounding,
    ) -> Result<PayTableRowId> {
        let columns = [
            ("year", i64::from(year).into()),
            ("source", source.into()),
            ("copied_from_year", copied_from.map(i64::from).into()),
            ("bonus_rate_pct", i64::from(bonus_rate_pct).into()),
            ("bonus_rounding", rounding.as_str().into()),
        ];
        Ok(PayTableRowId(self.insert_stamped("pay_tables", &columns).await?))
    }

    pub async fn insert_pay_band(
        &mut self,
        table: PayTableRowId,
        band: PayBand,
        standard_won: Option<i64>,
        s_grade_won: Option<i64>,
        source: Option<&str>,
    ) -> Result<PayBandRowId> {
        let columns = [
            ("pay_table_id", table.0.into()),
            ("band", band.as_str().into()),
            ("standard_won", standard_won.into()),
            ("s_grade_won", s_grade_won.into()),
            ("source", source.into()),
        ];
        Ok(PayBandRowId(self.insert_stamped("pay_table_bands", &columns).await?))
    }

    pub async fn update_pay_band(
        &mut self,
        id: PayBandRowId,
        version: i64,
        standard_won: Option<i64>,
        s_grade_won: Option<i64>,
        source: Option<&str>,
    ) -> Result<Option<i64>> {
        let set: [(&str, Value); 3] =
            [("standard_won", standard_won.into()), ("s_grade_won", s_grade_won.into()), ("source", source.into())];
        self.update_versioned("pay_table_bands", id.0, version, &set).await
    }

    /// The exchange position an exchangee holds; `None` when there is no such exchangee.
    pub async fn exchangee_position(&mut self, id: ExchangeeId) -> Result<Option<PositionId>> {
        let row: Option<(i64,)> =
            self.fetch_optional("SELECT position_id FROM exchangees WHERE id = $1", &[id.into()]).await?;
        Ok(row.map(|(p,)| PositionId::new(p)))
    }

    /// OPC's choice of the exchangee's band, locked.
    pub async fn pay_band_choice_of(&mut self, id: ExchangeeId) -> Result<Option<PayBandChoiceRecord>> {
        let sql = self.locking(&format!(
            "SELECT {} FROM exchangee_pay_bands WHERE exchangee_id = $1",
            <PayBandChoiceRecord as crate::Record>::COLUMNS
        ));
        self.fetch_optional(&sql, &[id.into()]).await
    }

    pub async fn insert_pay_band_choice(
        &mut self,
        id: ExchangeeId,
        band: PayBand,
        reason: &str,
    ) -> Result<PayBandChoiceRowId> {
        let columns = [("exchangee_id", id.into()), ("band", band.as_str().into()), ("reason", reason.into())];
        Ok(PayBandChoiceRowId(self.insert_stamped("exchangee_pay_bands", &columns).await?))
    }

    pub async fn update_pay_band_choice(
        &mut self,
        row: PayBandChoiceRowId,
        version: i64,
        band: PayBand,
        reason: &str,
    ) -> Result<Option<i64>> {
        let set: [(&str, Value); 2] = [("band", band.as_str().into()), ("reason", reason.into())];
        self.update_versioned("exchangee_pay_bands", row.0, version, &set).await
    }

    pub async fn remove_pay_band_choice(&mut self, row: PayBandChoiceRowId, version: i64) -> Result<bool> {
        self.delete_versioned("exchangee_pay_bands", row.0, version).await
    }

    /// The exchangee's rating of `year`, locked.
    pub async fn rating_of_exchangee(&mut self, id: ExchangeeId, year: i32) -> Result<Option<RatingRecord>> {
        let sql = self.locking(&format!(
            "SELECT {} FROM exchangee_ratings WHERE exchangee_id = $1 AND year = $2",
            <RatingRecord as crate::Record>::COLUMNS
        ));
        self.fetch_optional(&sql, &[id.into(), i64::from(year).into()]).await
    }

    fn rating_values(r: &RatingValues<'_>) -> [(&'static str, Value); 6] {
        [
            ("pre_exchange_grade", r.pre_exchange_grade.into()),
            ("recommended_grade", r.recommended_grade.into()),
            ("recommendation", r.recommendation.into()),
            ("confirmed_grade", r.confirmed_grade.into()),
            ("below_recommendation", r.below_recommendation.into()),
            ("reason", r.reason.into()),
        ]
    }

    pub async fn insert_rating_of_exchangee(
        &mut self,
        id: ExchangeeId,
        year: i32,
        r: &RatingValues<'_>,
    ) -> Result<RatingRowId> {
        let mut columns = vec![("exchangee_id", id.into()), ("year", i64::from(year).into())];
        columns.extend(Tx::rating_values(r));
        Ok(RatingRowId(self.insert_stamped("exchangee_ratings", &columns).await?))
    }

    pub async fn update_rating_of_exchangee(
        &mut self,
        row: RatingRowId,
        version: i64,
        r: &RatingValues<'_>,
    ) -> Result<Option<i64>> {
        self.update_versioned("exchangee_ratings", row.0, version, &Tx::rating_values(r)).await
    }
}

/// What a rating row holds besides its exchangee and year.
pub struct RatingValues<'a> {
    pub pre_exchange_grade: &'a str,
    pub recommended_grade: &'a str,
    pub recommendation: &'a str,
    pub confirmed_grade: Option<&'a str>,
    pub below_recommendation: bool,
    pub reason: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_migration_ships_the_2024_table_of_the_domain() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&format!("sqlite://{}", dir.path().join("pay.db").display())).await.unwrap();
        let shipped = db.pay_table(2024).await.unwrap().expect("the 2024 table");
        assert_eq!(shipped.table(), PayTable::default_2024());
        assert_eq!((shipped.bonus_rate_pct, shipped.rounding()), (50, WonRounding::Won));
        let director = shipped.bands.iter().find(|b| b.band == PayBand::Director).unwrap();
        assert_eq!(director.source.as_deref(), Some(PayTable::default_2024().source.as_str()));
        assert!(shipped.bands.iter().find(|b| b.band == PayBand::SeniorExecutive).unwrap().source.is_none());
        db.close().await;
    }
}
