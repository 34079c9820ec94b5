-- Pay tables per year (성과상여금·성과연봉 지급표), OPC maintains them: per pay band the standard and
-- the S-grade amount in integer won (NULL: the table has no figure), and where the figure comes from.
-- The 2024 table ships here with the amounts of 인사혁신처's announcement (PayTable::default_2024(),
-- a store test holds the two equal); bands it does not cover (국장급, 8·9급) stay empty.
-- The special performance bonus rule of the year: `bonus_rate_pct`% of the band's S-grade amount,
-- rounded down to `bonus_rounding` ('won' or 'ten_won').
CREATE TABLE pay_tables (
    id {{id}},
    year BIGINT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    copied_from_year BIGINT,
    bonus_rate_pct BIGINT NOT NULL DEFAULT 50 CHECK (bonus_rate_pct BETWEEN 0 AND 100),
    bonus_rounding TEXT NOT NULL DEFAULT 'won' CHECK (bonus_rounding IN ('won', 'ten_won')),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE pay_table_bands (
    id {{id}},
    pay_table_id BIGINT NOT NULL REFERENCES pay_tables(id),
    band TEXT NOT NULL CHECK (band IN ('senior_executive', 'director', 'grade5', 'grade6', 'grade7', 'grade8', 'grade9')),
    standard_won BIGINT CHECK (standard_won > 0),
    s_grade_won BIGINT CHECK (s_grade_won > 0),
    source TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (pay_table_id, band)
);

-- OPC's choice of an exchangee's pay band, with why (the position's rank says nothing, or not the
-- person's band); without a row the band follows the position's rank.
CREATE TABLE exchangee_pay_bands (
    id {{id}},
    exchangee_id BIGINT NOT NULL UNIQUE REFERENCES exchangees(id),
    band TEXT NOT NULL CHECK (band IN ('senior_executive', 'director', 'grade5', 'grade6', 'grade7', 'grade8', 'grade9')),
    reason TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

-- An exchangee's individual rating for a year (개인 성과평가 반영): the pre-exchange grade, what
-- the rule recommends (at least one step up), and the grade OPC confirmed (NULL: not yet), with the
-- reason a confirmation below the recommendation needs.
CREATE TABLE exchangee_ratings (
    id {{id}},
    exchangee_id BIGINT NOT NULL REFERENCES exchangees(id),
    year BIGINT NOT NULL,
    pre_exchange_grade TEXT NOT NULL,
    recommended_grade TEXT NOT NULL,
    recommendation TEXT NOT NULL,
    confirmed_grade TEXT,
    below_recommendation BOOLEAN NOT NULL DEFAULT FALSE,
    reason TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (exchangee_id, year)
);
CREATE INDEX exchangee_ratings_year ON exchangee_ratings (year, exchangee_id);

INSERT INTO pay_tables (year, source, created_at, updated_at)
VALUES (2024, '인사혁신처 2024년 성과상여금·성과연봉 지급 기준(2023-12-29 발표), 머니S 보도 m.moneys.co.kr/article/2023122913473395481 — 단위 만원을 원으로 환산',
        CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

INSERT INTO pay_table_bands (pay_table_id, band, standard_won, s_grade_won, source, created_at, updated_at)
SELECT t.id, b.band, b.standard_won, b.s_grade_won, CASE WHEN b.s_grade_won IS NULL THEN NULL ELSE t.source END,
       CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
FROM pay_tables t,
     (SELECT 'senior_executive' AS band, CAST(NULL AS BIGINT) AS standard_won, CAST(NULL AS BIGINT) AS s_grade_won
      UNION ALL SELECT 'director', 5762000, 9218000
      UNION ALL SELECT 'grade5', 4859000, 7775000
      UNION ALL SELECT 'grade6', 4262000, 6684000
      UNION ALL SELECT 'grade7', 3624000, 5683000
      UNION ALL SELECT 'grade8', NULL, NULL
      UNION ALL SELECT 'grade9', NULL, NULL) b
WHERE t.year = 2024;
