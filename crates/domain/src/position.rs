use std::str::FromStr;

/// The rank of an exchange position (교류직위): the release designates 국·과장급 posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PositionLevel {
    /// 국장급
    DirectorGeneral,
    /// 과장급
    Director,
}

impl PositionLevel {
    pub const ALL: [PositionLevel; 2] = [PositionLevel::DirectorGeneral, PositionLevel::Director];

    pub fn as_str(self) -> &'static str {
        match self {
            PositionLevel::DirectorGeneral => "director_general",
            PositionLevel::Director => "director",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            PositionLevel::DirectorGeneral => "국장급",
            PositionLevel::Director => "과장급",
        }
    }
}

impl FromStr for PositionLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|l| l.as_str() == s).ok_or_else(|| format!("알 수 없는 직위 등급: {s}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_round_trips_through_its_storage_name() {
        for level in PositionLevel::ALL {
            assert_eq!(level.as_str().parse::<PositionLevel>(), Ok(level));
        }
        assert!("국장급".parse::<PositionLevel>().is_err());
    }
}
