//! The trainers who lead workshops, each with their own address: where a sign-in link for the
//! booking page goes (`TRAINERS="Pilvi Nummi <pilvi.nummi@…>, Jaana Pohjola <jaana.pohjola@…>"`).

use super::EmailAddress;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trainer {
    /// As the booking page and the invitations spell it.
    pub name: String,
    /// The trainer's own address: only sign-in links go here (notifications go to
    /// `TRAINER_EMAILS`, which may be a shared inbox).
    pub email: EmailAddress,
}

impl Trainer {
    /// `Name <address>, Name <address>`: at least one; names and addresses each once.
    pub fn parse_list(text: &str) -> Result<Vec<Trainer>, String> {
        let mut trainers: Vec<Trainer> = Vec::new();
        for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let trainer = Trainer::parse(item)
                .ok_or_else(|| format!("has {item:?}, which is not `Name <address>`"))?;
            let twice = |t: &Trainer| t.name == trainer.name || t.email == trainer.email;
            if trainers.iter().any(twice) {
                return Err(format!("names {item:?} twice"));
            }
            trainers.push(trainer);
        }
        if trainers.is_empty() {
            return Err("lists nobody".into());
        }
        Ok(trainers)
    }

    fn parse(item: &str) -> Option<Trainer> {
        let (name, rest) = item.split_once('<')?;
        let address = rest.strip_suffix('>')?;
        let name = name.trim();
        let plain = |c: char| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '.');
        if name.is_empty() || !name.chars().all(plain) || name.chars().count() > 60 {
            return None;
        }
        Some(Trainer {
            name: name.to_owned(),
            email: EmailAddress::parse(address.trim())?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trainers_are_names_with_their_own_addresses_each_once() {
        let trainers = Trainer::parse_list(
            "Pilvi Nummi <pilvi.nummi@some-tyopajat.fi>, Jaana Pohjola <jaana.pohjola@some-tyopajat.fi>",
        )
        .unwrap();
        assert_eq!(trainers.len(), 2);
        assert_eq!(trainers[1].name, "Jaana Pohjola");
        assert_eq!(trainers[1].email.as_str(), "jaana.pohjola@some-tyopajat.fi");
        for bad in [
            "",
            "Pilvi Nummi",
            "<pilvi@x.fi>",
            "Pilvi <not an address>",
            "Pilvi <p@x.fi>, Pilvi <q@x.fi>",
            "Pilvi <p@x.fi>, Jaana <p@x.fi>",
            "<b>Pilvi</b> <p@x.fi>",
        ] {
            assert!(Trainer::parse_list(bad).is_err(), "{bad}");
        }
    }
}
