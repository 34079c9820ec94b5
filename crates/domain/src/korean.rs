//! Korean particles chosen by the word they follow: 과제명을, 기관명은, 추진일정이 — never 을(를).

/// A particle that has two forms, one after a final consonant (받침) and one after a vowel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Particle {
    /// 은/는 (topic)
    Topic,
    /// 이/가 (subject)
    Subject,
    /// 을/를 (object)
    Object,
    /// 과/와 (and, with)
    And,
    /// 으로/로 (by, to): after ㄹ it is 로, as after a vowel.
    By,
}

/// `word` followed by the right form of `particle`. A word that does not end in a Hangul syllable is
/// read by its last digit or Latin letter as Koreans read it aloud (3 삼, 6 육 end in a consonant;
/// 1 일 and `L` 엘 in ㄹ); anything else is taken as ending in a vowel.
pub fn with_particle(word: &str, particle: Particle) -> String {
    let (after_consonant, after_vowel) = match particle {
        Particle::Topic => ("은", "는"),
        Particle::Subject => ("이", "가"),
        Particle::Object => ("을", "를"),
        Particle::And => ("과", "와"),
        Particle::By => ("으로", "로"),
    };
    let form = match final_sound(spoken_end(word)) {
        Final::Vowel => after_vowel,
        Final::Rieul if particle == Particle::By => after_vowel,
        Final::Rieul | Final::Consonant => after_consonant,
    };
    format!("{word}{form}")
}

/// The part read aloud last: an aside in brackets at the end (`영문명(name_en)`) and closing quotes
/// are not.
fn spoken_end(word: &str) -> &str {
    let mut w = word.trim_end_matches(['"', '\'', '’', '”', ' ']);
    if w.ends_with(')') {
        if let Some(open) = w.rfind('(') {
            w = &w[..open];
        }
    }
    w.trim_end_matches(['"', '\'', '’', '”', ' '])
}

enum Final {
    Vowel,
    /// ㄹ, which takes 로 like a vowel.
    Rieul,
    Consonant,
}

fn final_sound(word: &str) -> Final {
    let Some(c) = word.chars().last() else { return Final::Vowel };
    if ('가'..='힣').contains(&c) {
        return match (c as u32 - 0xAC00) % 28 {
            0 => Final::Vowel,
            8 => Final::Rieul,
            _ => Final::Consonant,
        };
    }
    let latin: String = word.chars().rev().take_while(|c| c.is_ascii_alphabetic()).collect();
    if latin.is_empty() {
        return match c {
            // 일, 칠, 팔 end in ㄹ; 삼, 육, 영 in another consonant.
            '1' | '7' | '8' => Final::Rieul,
            '0' | '3' | '6' => Final::Consonant,
            _ => Final::Vowel,
        };
    }
    if latin.chars().all(|c| c.is_ascii_uppercase()) {
        // An abbreviation is read letter by letter: 엘, 알 end in ㄹ; 엠, 엔 in another consonant.
        return match c {
            'L' | 'R' => Final::Rieul,
            'M' | 'N' => Final::Consonant,
            _ => Final::Vowel,
        };
    }
    // A word is read as it sounds: officer 오피서, email 이메일, token 토큰, web 웹.
    match c.to_ascii_lowercase() {
        'l' => Final::Rieul,
        'm' | 'n' | 'k' | 't' | 'p' | 'b' | 'd' | 'g' => Final::Consonant,
        _ => Final::Vowel,
    }
}

/// A count as Korean documents write it: 1,000자, 9,218,000원.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A measured value as people write it: 1,500, 12.5 (no trailing zeros).
pub fn decimal(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let n = v.abs() as usize;
        return format!("{}{}", if v < 0.0 { "-" } else { "" }, thousands(n));
    }
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Particle::*;

    #[test]
    fn a_value_is_written_with_separators_and_no_trailing_zeros() {
        assert_eq!(decimal(1500.0), "1,500");
        assert_eq!(decimal(12.5), "12.5");
        assert_eq!(decimal(-3.0), "-3");
    }

    #[test]
    fn the_particle_follows_the_last_syllable() {
        assert_eq!(with_particle("과제명", Object), "과제명을");
        assert_eq!(with_particle("주제", Topic), "주제는");
        assert_eq!(with_particle("추진일정", Subject), "추진일정이");
        assert_eq!(with_particle("기관", And), "기관과");
        assert_eq!(with_particle("부처", And), "부처와");
        assert_eq!(with_particle("서울", By), "서울로", "ㄹ takes 로");
        assert_eq!(with_particle("세종시", By), "세종시로");
        assert_eq!(with_particle("국토부", By), "국토부로");
        assert_eq!(with_particle("본청", By), "본청으로");
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(200), "200");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(9_218_000), "9,218,000");
    }

    #[test]
    fn numbers_and_latin_letters_are_read_as_spoken() {
        assert_eq!(with_particle("9999번 과제", Object), "9999번 과제를");
        assert_eq!(with_particle("과제 1", Subject), "과제 1이", "일");
        assert_eq!(with_particle("2", Subject), "2가", "이");
        assert_eq!(with_particle("443", By), "443으로", "삼");
        assert_eq!(with_particle("KPI", Topic), "KPI는");
        assert_eq!(with_particle("URL", By), "URL로");
        assert_eq!(with_particle("demo-officer", Topic), "demo-officer는", "오피서");
        assert_eq!(with_particle("email", Object), "email을", "이메일");
        assert_eq!(with_particle("'kim.env'", Topic), "'kim.env'는");
        assert_eq!(with_particle("'admin'(관리자)", Object), "'admin'(관리자)을", "애드민");
        assert_eq!(with_particle("단위(%)", Object), "단위(%)를");
        assert_eq!(
            with_particle("영문명(name_en)", Topic),
            "영문명(name_en)은",
            "read by the word before the brackets"
        );
    }
}
