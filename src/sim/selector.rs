//! Label selectors (`=`, `==`, `!=`, `in`, `notin`, `key`, `!key`), parsed like apimachinery's
//! `labels.Parse`, with its error wording.

use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq)]
pub enum Requirement {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selector(pub Vec<Requirement>);

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Eq,
    DoubleEq,
    NotEq,
    Not,
    Open,
    Close,
    Comma,
    In,
    NotIn,
}

impl Tok {
    fn lit(&self) -> String {
        match self {
            Tok::Ident(s) => s.clone(),
            Tok::Eq => "=".into(),
            Tok::DoubleEq => "==".into(),
            Tok::NotEq => "!=".into(),
            Tok::Not => "!".into(),
            Tok::Open => "(".into(),
            Tok::Close => ")".into(),
            Tok::Comma => ",".into(),
            Tok::In => "in".into(),
            Tok::NotIn => "notin".into(),
        }
    }
}

fn lex(s: &str) -> Vec<Tok> {
    let b: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                out.push(Tok::Open);
                i += 1
            }
            ')' => {
                out.push(Tok::Close);
                i += 1
            }
            ',' => {
                out.push(Tok::Comma);
                i += 1
            }
            '=' if b.get(i + 1) == Some(&'=') => {
                out.push(Tok::DoubleEq);
                i += 2
            }
            '=' => {
                out.push(Tok::Eq);
                i += 1
            }
            '!' if b.get(i + 1) == Some(&'=') => {
                out.push(Tok::NotEq);
                i += 2
            }
            '!' => {
                out.push(Tok::Not);
                i += 1
            }
            _ => {
                let start = i;
                while i < b.len() && !b[i].is_whitespace() && !"()=!,".contains(b[i]) {
                    i += 1;
                }
                let w: String = b[start..i].iter().collect();
                out.push(match w.as_str() {
                    "in" => Tok::In,
                    "notin" => Tok::NotIn,
                    _ => Tok::Ident(w),
                });
            }
        }
    }
    out
}

fn err(found: Option<&Tok>, expected: &str) -> String {
    let lit = found.map(Tok::lit).unwrap_or_default();
    format!("unable to parse requirement: found '{lit}', expected: {expected}")
}

impl Selector {
    /// Parses a selector; the error is the apiserver's message (a 400 BadRequest).
    pub fn parse(s: &str) -> Result<Selector, String> {
        let toks = lex(s);
        let mut reqs = Vec::new();
        let mut i = 0;
        if toks.is_empty() {
            return Ok(Selector(reqs));
        }
        loop {
            // One requirement.
            let negated = toks.get(i) == Some(&Tok::Not);
            if negated {
                i += 1;
            }
            let key = match toks.get(i) {
                Some(Tok::Ident(k)) => k.clone(),
                other => return Err(err(other, "identifier")),
            };
            i += 1;
            if negated {
                reqs.push(Requirement::NotExists(key));
            } else {
                match toks.get(i) {
                    None | Some(Tok::Comma) => reqs.push(Requirement::Exists(key)),
                    Some(Tok::Eq) | Some(Tok::DoubleEq) | Some(Tok::NotEq) => {
                        let op = toks[i].clone();
                        i += 1;
                        let val = match toks.get(i) {
                            Some(Tok::Ident(v)) => {
                                i += 1;
                                v.clone()
                            }
                            None | Some(Tok::Comma) => String::new(),
                            other => return Err(err(other, "identifier")),
                        };
                        reqs.push(if op == Tok::NotEq {
                            Requirement::NotEq(key, val)
                        } else {
                            Requirement::Eq(key, val)
                        });
                    }
                    Some(Tok::In) | Some(Tok::NotIn) => {
                        let notin = toks[i] == Tok::NotIn;
                        i += 1;
                        if toks.get(i) != Some(&Tok::Open) {
                            return Err(err(toks.get(i), "'('"));
                        }
                        i += 1;
                        let mut vals = Vec::new();
                        loop {
                            match toks.get(i) {
                                Some(Tok::Ident(v)) => {
                                    vals.push(v.clone());
                                    i += 1;
                                }
                                Some(Tok::Close) if vals.is_empty() => {}
                                other => return Err(err(other, "identifier")),
                            }
                            match toks.get(i) {
                                Some(Tok::Comma) => i += 1,
                                Some(Tok::Close) => {
                                    i += 1;
                                    break;
                                }
                                other => return Err(err(other, "',' or ')'")),
                            }
                        }
                        reqs.push(if notin {
                            Requirement::NotIn(key, vals)
                        } else {
                            Requirement::In(key, vals)
                        });
                    }
                    other => {
                        return Err(err(other, "in, notin, =, ==, !=, gt, lt"));
                    }
                }
            }
            match toks.get(i) {
                None => break,
                Some(Tok::Comma) => i += 1,
                other => return Err(err(other, "','")),
            }
        }
        Ok(Selector(reqs))
    }

    pub fn matches(&self, labels: Option<&BTreeMap<String, String>>) -> bool {
        let get = |k: &str| labels.and_then(|l| l.get(k));
        self.0.iter().all(|r| match r {
            Requirement::Eq(k, v) => get(k) == Some(v),
            Requirement::NotEq(k, v) => get(k) != Some(v),
            Requirement::In(k, vs) => get(k).is_some_and(|x| vs.contains(x)),
            Requirement::NotIn(k, vs) => get(k).is_none_or(|x| !vs.contains(x)),
            Requirement::Exists(k) => get(k).is_some(),
            Requirement::NotExists(k) => get(k).is_none(),
        })
    }
}

/// A field selector on `metadata.name` / `metadata.namespace` (`=`, `==`, `!=`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FieldSelector(pub Vec<(String, bool, String)>);

impl FieldSelector {
    pub fn parse(s: &str) -> Result<FieldSelector, String> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (field, eq, value) = if let Some((f, v)) = part.split_once("!=") {
                (f, false, v)
            } else if let Some((f, v)) = part.split_once("==") {
                (f, true, v)
            } else if let Some((f, v)) = part.split_once('=') {
                (f, true, v)
            } else {
                return Err(format!(
                    "invalid selector: '{s}'; can't understand '{part}'"
                ));
            };
            let field = field.trim();
            if field != "metadata.name" && field != "metadata.namespace" {
                return Err(format!(
                    "\"{field}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
                ));
            }
            out.push((field.to_owned(), eq, value.trim().to_owned()));
        }
        Ok(FieldSelector(out))
    }

    pub fn matches(&self, namespace: &str, name: &str) -> bool {
        self.0.iter().all(|(f, eq, v)| {
            let actual = if f == "metadata.name" {
                name
            } else {
                namespace
            };
            (actual == v) == *eq
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn operators_match() {
        let l = labels(&[("application", "myapp"), ("tier", "web")]);
        for (sel, want) in [
            ("application=myapp", true),
            ("application==myapp", true),
            ("application!=myapp", false),
            ("application in (a, myapp)", true),
            ("application notin (a,myapp)", false),
            ("tier", true),
            ("!tier", false),
            ("!missing", true),
            ("missing!=x", true),
            ("application=myapp,tier=db", false),
            ("", true),
        ] {
            assert_eq!(
                Selector::parse(sel).unwrap().matches(Some(&l)),
                want,
                "{sel}"
            );
        }
        assert!(!Selector::parse("a").unwrap().matches(None));
    }

    #[test]
    fn bad_selector_is_worded_like_the_apiserver() {
        assert_eq!(
            Selector::parse("application===x").unwrap_err(),
            "unable to parse requirement: found '=', expected: identifier"
        );
        assert!(Selector::parse("a in b").is_err());
        assert!(Selector::parse("a in (b").is_err());
    }

    #[test]
    fn field_selector() {
        let f = FieldSelector::parse("metadata.name=myapp").unwrap();
        assert!(f.matches("ns", "myapp"));
        assert!(!f.matches("ns", "other"));
        assert!(FieldSelector::parse("spec.x=1").is_err());
    }
}
